//! Subtype 7, MP_FASTCLOSE: close the whole connection at once (length 12).

use crate::element::{check_bits, put};
use crate::error::{Error, MalformedReason};

use super::{put_mptcp_head, reserved12_then, reserved_high_nibble, reserved_low_byte, Subtype};

/// Subtype 7, MP_FASTCLOSE, length 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MpFastclose {
    /// The 12 reserved bits after the subtype.
    pub reserved: u16,
    /// The receiver's key.
    pub receiver_key: [u8; 8],
}

impl Subtype for MpFastclose {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        let (reserved, receiver_key) = reserved12_then(length, nibble, body)?;
        Ok(Self {
            reserved,
            receiver_key,
        })
    }

    fn encoded_len(&self) -> usize {
        12
    }

    fn validate(&self) -> Result<(), Error> {
        check_bits("MP_FASTCLOSE", "reserved", u64::from(self.reserved), 12)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_mptcp_head(out, 12, 7, reserved_high_nibble(self.reserved))?;
        put(
            put(out, [reserved_low_byte(self.reserved)])?,
            self.receiver_key,
        )
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    impl Arbitrary for MpFastclose {
        fn arbitrary(g: &mut Gen) -> Self {
            Self {
                reserved: reserved12(g),
                receiver_key: <[u8; 8]>::arbitrary(g),
            }
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::bytes;
use crate::record::{Ctx, Record, Schema};
use crate::text::{hex, reserved};

impl<S: Schema> RecordForm<S> for MpFastclose {
    fn to_record(&self, r: &mut Record<S>) {
        r.reserved = Some(self.reserved);
        r.receiver_key = bytes(&self.receiver_key);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            reserved: f.need(r.reserved.take(), "reserved")?,
            receiver_key: f.array(r.receiver_key.take(), "receiver_key")?,
        })
    }
}

impl TextForm for MpFastclose {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fast-close key ")?;
        hex(f, &self.receiver_key)?;
        reserved(f, self.reserved)
    }
}
