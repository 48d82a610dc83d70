//! Subtype 8, MP_TCPRST (RFC 8684): why a subflow was reset (length 4).

use crate::element::{check_bits, put};
use crate::error::{Error, LengthSet, MalformedReason};
use crate::registry::TcpRstReason;

use super::{check_length, put_mptcp_head, Subtype};

/// MP_TCPRST length.
pub const LENGTHS: LengthSet = LengthSet::exactly(4);

/// Subtype 8, MP_TCPRST (RFC 8684), length 4: why a subflow was reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MpTcpRst {
    /// The U, V and W flags (3 bits, U high): not assigned by RFC 8684.
    pub reserved: u8,
    /// T: the error is transient, the subflow may be tried again.
    pub transient: bool,
    /// The reason code.
    pub reason: TcpRstReason,
}

impl Subtype for MpTcpRst {
    fn parse(_: u8, length: u8, nibble: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        check_length(length, LENGTHS)?;
        let [reason] = *body else {
            return Err(MalformedReason::BadLength {
                length,
                allowed: LENGTHS,
            });
        };
        Ok(Self {
            reserved: nibble >> 1,
            transient: nibble & 1 != 0,
            reason: TcpRstReason::from_value(reason),
        })
    }

    fn encoded_len(&self) -> usize {
        4
    }

    fn validate(&self) -> Result<(), Error> {
        check_bits("MP_TCPRST", "reserved (U V W)", u64::from(self.reserved), 3)
    }

    fn write<'o>(&self, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let out = put_mptcp_head(out, 4, 8, (self.reserved << 1) | u8::from(self.transient))?;
        put(out, [self.reason.value()])
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use super::super::arbitrary::*;
    use super::*;

    impl Arbitrary for MpTcpRst {
        fn arbitrary(g: &mut Gen) -> Self {
            Self {
                reserved: bits(g, 3),
                transient: flag(g),
                reason: TcpRstReason::arbitrary(g),
            }
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::Reason;
use crate::record::{Ctx, Record, Schema};
use crate::text::reserved;

impl<S: Schema> RecordForm<S> for MpTcpRst {
    fn to_record(&self, r: &mut Record<S>) {
        r.reserved = Some(u16::from(self.reserved));
        r.transient = Some(self.transient);
        r.reason = Some(Reason::Rst(self.reason));
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let reserved = f.need(r.reserved.take(), "reserved")?;
        Ok(Self {
            reserved: f.narrow(reserved, "reserved")?,
            transient: f.need(r.transient.take(), "transient")?,
            reason: f.rst_reason(r.reason.take())?,
        })
    }
}

/// `tcprst [transient] reason NAME` (the number when it has no name).
impl TextForm for MpTcpRst {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("tcprst")?;
        if self.transient {
            f.write_str(" transient")?;
        }
        if self.reason.is_known() {
            write!(f, " reason {}", self.reason.name())?;
        } else {
            write!(f, " reason {}", self.reason.value())?;
        }
        reserved(f, self.reserved)
    }
}
