//! Kind 3, Window Scale (RFC 7323): length 3, a shift count.

use crate::element::{exactly, put, OptionBody};
use crate::error::{LengthSet, MalformedReason};

/// Kind 3, Window Scale (RFC 7323), length 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WindowScale {
    /// The shift count as sent; values over 14 are kept (RFC 7323 uses them as 14).
    pub shift: u8,
}

const LENGTHS: LengthSet = LengthSet::exactly(3);

impl OptionBody for WindowScale {
    const NAME_FOR_ERRORS: &'static str = "window scale option";

    #[inline(always)]
    fn lengths(_: u8) -> LengthSet {
        LENGTHS
    }

    #[inline(always)]
    fn parse(_: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, LENGTHS).map(|[shift]| Self { shift })
    }

    #[inline(always)]
    fn encoded_len(&self) -> usize {
        3
    }

    #[inline(always)]
    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put(out, [kind, 3, self.shift])
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    /// Shifts over 14 (which RFC 7323 uses as 14) included.
    impl Generate for WindowScale {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let shift = match below(g, 4) {
                0 => *g.choose(&[14, 15, 16, 255])?,
                1 => u8::arbitrary(g),
                _ => u8::try_from(below(g, 15)).ok()?,
            };
            (room >= 3).then_some(Self { shift })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};

impl<S: Schema> RecordForm<S> for WindowScale {
    fn to_record(&self, r: &mut Record<S>) {
        r.shift = Some(self.shift);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            shift: f.need(r.shift.take(), "shift")?,
        })
    }
}

impl TextForm for WindowScale {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "wscale {}", self.shift)
    }
}
