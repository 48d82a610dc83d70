//! Kind 28, User Timeout (RFC 5482): length 4, a granularity bit and a 15-bit timeout.

use serde::{Deserialize, Serialize};

use crate::element::{check_bits, exactly, put, OptionBody};
use crate::error::{Error, LengthSet, MalformedReason};

/// Kind 28, User Timeout (RFC 5482), length 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserTimeout {
    /// The unit of `timeout` (the G bit).
    pub granularity: Granularity,
    /// The 15-bit timeout.
    pub timeout: u16,
}

/// The unit of a User Timeout (RFC 5482 G bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// G = 0.
    Seconds,
    /// G = 1.
    Minutes,
}

impl OptionBody for UserTimeout {
    const NAME_FOR_ERRORS: &'static str = "User Timeout";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::exactly(4)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        exactly(body, Self::lengths(kind)).map(|b| {
            let v = u16::from_be_bytes(b);
            Self {
                granularity: if v & 0x8000 != 0 {
                    Granularity::Minutes
                } else {
                    Granularity::Seconds
                },
                timeout: v & 0x7fff,
            }
        })
    }

    fn encoded_len(&self) -> usize {
        4
    }

    fn validate(&self, _: u8) -> Result<(), Error> {
        check_bits(
            Self::NAME_FOR_ERRORS,
            "timeout",
            u64::from(self.timeout),
            15,
        )
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let g = match self.granularity {
            Granularity::Seconds => 0,
            Granularity::Minutes => 0x8000,
        };
        let [v0, v1] = (g | (self.timeout & 0x7fff)).to_be_bytes();
        put(out, [kind, 4, v0, v1])
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    impl Generate for UserTimeout {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let value = Self {
                granularity: Granularity::arbitrary(g),
                timeout: u16::arbitrary(g) & 0x7fff,
            };
            (room >= 4).then_some(value)
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};

impl<S: Schema<Granularity = Granularity>> RecordForm<S> for UserTimeout {
    fn to_record(&self, r: &mut Record<S>) {
        r.granularity = Some(self.granularity);
        r.timeout = Some(self.timeout);
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            granularity: f.need(r.granularity.take(), "granularity")?,
            timeout: f.need(r.timeout.take(), "timeout")?,
        })
    }
}

/// `uto 30sec`, `uto 5min`.
impl TextForm for UserTimeout {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.granularity {
            Granularity::Seconds => write!(f, "uto {}sec", self.timeout),
            Granularity::Minutes => write!(f, "uto {}min", self.timeout),
        }
    }
}
