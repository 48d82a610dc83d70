//! Subtype 5, MP_PRIO: change a subflow's priority (length 3; 4 in v0, with an address ID).

use crate::element::{check_bits, put};
use crate::error::{Error, LengthSet, MalformedReason};

use super::{check_length, put_mptcp_head, Subtype};

/// MP_PRIO lengths: 3 (v1), or 4 with an address ID (v0).
pub const LENGTHS: LengthSet = LengthSet::of(&[3, 4]);

/// Subtype 5, MP_PRIO, length 3 (or 4 in v0, with an address ID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MpPrio {
    /// B: the subflow is a backup path.
    pub backup: bool,
    /// The 3 reserved bits before B.
    pub reserved: u8,
    /// The address ID of the v0 (RFC 6824) 4-byte form.
    pub address_id: Option<u8>,
}

impl Subtype for MpPrio {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        check_length(length, LENGTHS)?;
        let address_id = match body {
            [] => None,
            [id] => Some(*id),
            _ => {
                return Err(MalformedReason::BadLength {
                    length,
                    allowed: LENGTHS,
                })
            }
        };
        Ok(Self {
            backup: nibble & 1 != 0,
            reserved: nibble >> 1,
            address_id,
        })
    }

    fn encoded_len(&self) -> usize {
        3 + usize::from(self.address_id.is_some())
    }

    fn validate(&self) -> Result<(), Error> {
        check_bits("MP_PRIO", "reserved", u64::from(self.reserved), 3)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let nibble = (self.reserved << 1) | u8::from(self.backup);
        let out = put_mptcp_head(out, self.encoded_len(), 5, nibble)?;
        match self.address_id {
            Some(id) => put(out, [id]),
            None => Some(out),
        }
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    /// Both forms: RFC 8684's without an address ID, RFC 6824's with one.
    impl Arbitrary for MpPrio {
        fn arbitrary(g: &mut Gen) -> Self {
            Self {
                backup: flag(g),
                reserved: bits(g, 3),
                address_id: maybe(g, u8::arbitrary),
            }
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};
use crate::text::reserved;

impl<S: Schema> RecordForm<S> for MpPrio {
    fn to_record(&self, r: &mut Record<S>) {
        r.backup = Some(self.backup);
        r.reserved = Some(u16::from(self.reserved));
        r.address_id = self.address_id;
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let reserved = f.need(r.reserved.take(), "reserved")?;
        Ok(Self {
            backup: f.need(r.backup.take(), "backup")?,
            reserved: f.narrow(reserved, "reserved")?,
            address_id: r.address_id.take(),
        })
    }
}

/// `prio backup|non-backup [id N]`.
impl TextForm for MpPrio {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.backup {
            "prio backup"
        } else {
            "prio non-backup"
        })?;
        if let Some(id) = self.address_id {
            write!(f, " id {id}")?;
        }
        reserved(f, self.reserved)
    }
}
