//! Kind 8, Timestamps (RFC 7323): length 10, TSval and TSecr.

use crate::element::{exactly, put, OptionBody};
use crate::error::{LengthSet, MalformedReason};

/// Kind 8, Timestamps (RFC 7323), length 10.
///
/// ```
/// use tcpwire::{option::Timestamps, TcpOption};
/// let ts = TcpOption::Timestamps(Timestamps { tsval: 1, tsecr: 2 });
/// assert_eq!(ts.to_bytes()?, [8, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
/// # Ok::<(), tcpwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamps {
    /// Timestamp value.
    pub tsval: u32,
    /// Timestamp echo reply.
    pub tsecr: u32,
}

const LENGTHS: LengthSet = LengthSet::exactly(10);

impl OptionBody for Timestamps {
    const NAME_FOR_ERRORS: &'static str = "timestamps option";

    #[inline(always)]
    fn lengths(_: u8) -> LengthSet {
        LENGTHS
    }

    #[inline(always)]
    fn parse(_: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly::<8>(body, LENGTHS).map(|b| {
            let both = u64::from_be_bytes(b);
            Self {
                tsval: (both >> 32) as u32,
                tsecr: both as u32,
            }
        })
    }

    #[inline(always)]
    fn encoded_len(&self) -> usize {
        10
    }

    #[inline(always)]
    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let values = (u64::from(self.tsval) << 32) | u64::from(self.tsecr);
        put(put(out, [kind, 10])?, values.to_be_bytes())
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    /// TSecr often zero, as on a SYN.
    impl Generate for Timestamps {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let tsval = u32::arbitrary(g);
            let tsecr = if one_in(g, 4) { 0 } else { u32::arbitrary(g) };
            (room >= 10).then_some(Self { tsval, tsecr })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};

impl<S: Schema> RecordForm<S> for Timestamps {
    fn to_record(&self, r: &mut Record<S>) {
        r.tsval = Some(self.tsval);
        r.tsecr = Some(self.tsecr);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            tsval: f.need(r.tsval.take(), "tsval")?,
            tsecr: f.need(r.tsecr.take(), "tsecr")?,
        })
    }
}

/// tcpdump's `TS val 1 ecr 0`.
impl TextForm for Timestamps {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TS val {} ecr {}", self.tsval, self.tsecr)
    }
}
