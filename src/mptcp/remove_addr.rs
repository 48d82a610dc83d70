//! Subtype 4, REMOVE_ADDR: addresses withdrawn, one address ID per byte after byte 2.

use std::io::Write;

use cookie_factory::combinator::slice as gen_slice;
use cookie_factory::sequence::tuple as gen_tuple;
use cookie_factory::SerializeFn;

use crate::bytes::InlineBytes;
use crate::element::{check_bits, unencodable};
use crate::error::{Error, LengthSet, MalformedReason};

use super::{check_length, gen_head, inline_data, Subtype, MAX_MPTCP_DATA};

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
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        check_length(length, LENGTHS)?;
        Ok(Self {
            reserved: nibble,
            address_ids: inline_data(length, body)?,
        })
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

    fn gen<'a, W: Write + 'a>(&'a self) -> impl SerializeFn<W> + 'a {
        gen_tuple((
            gen_head(self.encoded_len(), 4, self.reserved),
            gen_slice(self.address_ids.as_slice()),
        ))
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
