//! Subtype 4, REMOVE_ADDR: addresses withdrawn, one address ID per byte after byte 2.

use crate::bytes::InlineBytes;
use crate::element::{check_bits, put_slice, unencodable};
use crate::error::{Error, LengthSet, MalformedReason};

use super::{check_length, inline_data, put_mptcp_head, BorrowedSubtype, Subtype, MAX_MPTCP_DATA};

/// REMOVE_ADDR lengths: 3 + n address IDs, n >= 1.
pub const LENGTHS: LengthSet = LengthSet::range(4, 40);

/// Subtype 4, REMOVE_ADDR, length 3 + n: addresses withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RemoveAddr {
    /// The low nibble of byte 2 (reserved).
    pub reserved: u8,
    /// The address IDs removed (1..=37), in wire order.
    pub address_ids: InlineBytes<MAX_MPTCP_DATA>,
}

impl Subtype for RemoveAddr {
    fn parse(subtype: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        RemoveAddrView::view(subtype, length, nibble, body).map(BorrowedSubtype::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        3 + self.address_ids.len()
    }

    fn validate(&self) -> Result<(), Error> {
        check_bits("REMOVE_ADDR", "reserved", u64::from(self.reserved), 4)?;
        if self.address_ids.is_empty() {
            return unencodable("REMOVE_ADDR", "it needs at least one address ID".into());
        }
        Ok(())
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_mptcp_head(out, self.encoded_len(), 4, self.reserved)?;
        put_slice(out, &self.address_ids)
    }
}

/// [`RemoveAddr`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RemoveAddrView<'a> {
    reserved: u8,
    address_ids: &'a [u8],
}

impl<'a> RemoveAddrView<'a> {
    /// The low nibble of byte 2 (reserved).
    pub fn reserved(&self) -> u8 {
        self.reserved
    }

    /// The address IDs removed (1..=37), in wire order.
    pub fn address_ids(&self) -> &'a [u8] {
        self.address_ids
    }
}

impl<'a> BorrowedSubtype<'a> for RemoveAddrView<'a> {
    type Owned = RemoveAddr;

    fn view(_: u8, length: u8, nibble: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        check_length(length, LENGTHS)?;
        Ok(Self {
            reserved: nibble,
            address_ids: inline_data(length, body)?,
        })
    }

    fn to_owned_value(self) -> RemoveAddr {
        RemoveAddr {
            reserved: self.reserved,
            address_ids: InlineBytes::from_bounded(self.address_ids),
        }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    impl Arbitrary for RemoveAddr {
        fn arbitrary(g: &mut Gen) -> Self {
            Self {
                reserved: bits(g, 4),
                address_ids: data(g, 1),
            }
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::IdList;
use crate::record::{Ctx, Record, Schema};
use crate::text::reserved;

impl<S: Schema> RecordForm<S> for RemoveAddr {
    fn to_record(&self, r: &mut Record<S>) {
        r.reserved = Some(u16::from(self.reserved));
        r.address_ids = Some(IdList(self.address_ids));
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let reserved = f.need(r.reserved.take(), "reserved")?;
        Ok(Self {
            reserved: f.narrow(reserved, "reserved")?,
            address_ids: f.need(r.address_ids.take(), "address_ids")?.0,
        })
    }
}

/// `rem-addr id 1 2 3`.
impl TextForm for RemoveAddr {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("rem-addr id")?;
        for id in self.address_ids.iter() {
            write!(f, " {id}")?;
        }
        reserved(f, self.reserved)
    }
}
