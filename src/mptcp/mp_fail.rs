//! Subtype 6, MP_FAIL: fallback at a data sequence number (length 12).

use crate::element::{check_bits, put};
use crate::error::{Error, LengthSet, MalformedReason};

use super::{put_mptcp_head, reserved12_then, reserved_high_nibble, reserved_low_byte, Subtype};

/// The length of MP_FAIL (and MP_FASTCLOSE): the 12 reserved bits and 8 bytes.
pub const LENGTHS: LengthSet = LengthSet::exactly(12);

/// Subtype 6, MP_FAIL, length 12: fallback at a data sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MpFail {
    /// The 12 reserved bits after the subtype.
    pub reserved: u16,
    /// The data sequence number of the failed mapping.
    pub dsn: u64,
}

impl Subtype for MpFail {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        let (reserved, dsn) = reserved12_then(length, nibble, body)?;
        Ok(Self {
            reserved,
            dsn: u64::from_be_bytes(dsn),
        })
    }

    fn encoded_len(&self) -> usize {
        12
    }

    fn validate(&self) -> Result<(), Error> {
        check_bits("MP_FAIL", "reserved", u64::from(self.reserved), 12)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_mptcp_head(out, 12, 6, reserved_high_nibble(self.reserved))?;
        put(
            put(out, [reserved_low_byte(self.reserved)])?,
            self.dsn.to_be_bytes(),
        )
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    impl Arbitrary for MpFail {
        fn arbitrary(g: &mut Gen) -> Self {
            Self {
                reserved: reserved12(g),
                dsn: u64::arbitrary(g),
            }
        }
    }
}

// Serde record and text form.

use crate::bytes::U64Text;
use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};
use crate::text::reserved;

impl<S: Schema> RecordForm<S> for MpFail {
    fn to_record(&self, r: &mut Record<S>) {
        r.reserved = Some(self.reserved);
        r.dsn = Some(U64Text(self.dsn));
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            reserved: f.need(r.reserved.take(), "reserved")?,
            dsn: f.need(r.dsn.take(), "dsn")?.0,
        })
    }
}

impl TextForm for MpFail {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fail seq {}", self.dsn)?;
        reserved(f, self.reserved)
    }
}
