//! Kinds 172 and 174, AccECN Order 0 and Order 1 (RFC 9768): up to three 24-bit byte counters,
//! in an order the kind gives.

use serde::{Deserialize, Serialize};

use crate::element::{put, put_head, unencodable, OptionBody};
use crate::error::{Error, LengthSet, MalformedReason};

/// The 24-bit AccECN counters of an AccECN option (RFC 9768), named by what they count. The
/// wire order depends on the option kind; a counter is present only if the ones before it (in
/// that order) are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub struct AccEcnCounters {
    /// Bytes received with ECT(0).
    pub ee0b: Option<u32>,
    /// Bytes received with CE.
    pub eceb: Option<u32>,
    /// Bytes received with ECT(1).
    pub ee1b: Option<u32>,
}

/// Absent counters are left out in human-readable formats and written as `None` in binary
/// ones, which need every field in place.
impl Serialize for AccEcnCounters {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let fields = [
            ("ee0b", self.ee0b),
            ("eceb", self.eceb),
            ("ee1b", self.ee1b),
        ];
        let readable = s.is_human_readable();
        let mut st = s.serialize_struct("AccEcnCounters", 3)?;
        for (name, value) in fields {
            if readable && value.is_none() {
                st.skip_field(name)?;
            } else {
                st.serialize_field(name, &value)?;
            }
        }
        st.end()
    }
}

/// The kind of AccECN Order 1 (counters EE1B, ECEB, EE0B); Order 0 is 172.
const ORDER1: u8 = 174;

impl AccEcnCounters {
    /// The counters in wire order for the option kind (172: EE0B ECEB EE1B; 174: EE1B ECEB EE0B).
    fn in_order(&self, kind: u8) -> [Option<u32>; 3] {
        if kind == ORDER1 {
            [self.ee1b, self.eceb, self.ee0b]
        } else {
            [self.ee0b, self.eceb, self.ee1b]
        }
    }

    fn from_order(values: [Option<u32>; 3], kind: u8) -> Self {
        let [a, b, c] = values;
        if kind == ORDER1 {
            Self {
                ee1b: a,
                eceb: b,
                ee0b: c,
            }
        } else {
            Self {
                ee0b: a,
                eceb: b,
                ee1b: c,
            }
        }
    }

    /// How many counters are written: those present before the first absent one.
    fn written(&self) -> usize {
        [self.ee0b, self.eceb, self.ee1b]
            .iter()
            .filter(|v| v.is_some())
            .count()
    }
}

impl OptionBody for AccEcnCounters {
    const NAME_FOR_ERRORS: &'static str = "AccECN option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::of(&[2, 5, 8, 11])
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        let chunks = body.chunks_exact(3);
        if !chunks.remainder().is_empty() || body.len() > 9 {
            return Err(MalformedReason::BadLength {
                length: crate::element::length_of(body),
                allowed: Self::lengths(kind),
            });
        }
        let mut values = [None; 3];
        for (slot, c) in values.iter_mut().zip(chunks) {
            if let [a, b, c] = *c {
                *slot = Some(u32::from_be_bytes([0, a, b, c]));
            }
        }
        Ok(Self::from_order(values, kind))
    }

    /// Counts every present counter: a value with a gap in wire order is refused by `validate`.
    fn encoded_len(&self) -> usize {
        2 + 3 * self.written()
    }

    fn validate(&self, kind: u8) -> Result<(), Error> {
        let values = self.in_order(kind);
        let n = values.iter().take_while(|v| v.is_some()).count();
        if values.iter().skip(n).any(Option::is_some) {
            unencodable(
                Self::NAME_FOR_ERRORS,
                "a counter is present after an absent one in wire order".into(),
            )
        } else if values.iter().flatten().any(|v| *v >= 1 << 24) {
            unencodable(
                Self::NAME_FOR_ERRORS,
                "a counter is wider than 24 bits".into(),
            )
        } else {
            Ok(())
        }
    }

    fn write<'o>(&self, kind: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        let values = self.in_order(kind);
        let n = values.iter().take_while(|v| v.is_some()).count();
        let mut out = put_head(out, kind, 2 + 3 * n)?;
        for v in values.iter().take(n).flatten() {
            let [_, a, b, c] = v.to_be_bytes();
            out = put(out, [a, b, c])?;
        }
        Some(out)
    }
}

#[cfg(feature = "quickcheck")]
mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    impl AccEcnCounters {
        /// 0..=3 counters present in the wire order of Order 1 (`order1`) or Order 0, each 24
        /// bits.
        pub(crate) fn generate_for(g: &mut Gen, order1: bool) -> AccEcnCounters {
            let n = below(g, 4);
            let mut values = [None; 3];
            for slot in values.iter_mut().take(n) {
                *slot = Some(u24(g));
            }
            let [first, second, third] = values;
            if order1 {
                AccEcnCounters {
                    ee1b: first,
                    eceb: second,
                    ee0b: third,
                }
            } else {
                AccEcnCounters {
                    ee0b: first,
                    eceb: second,
                    ee1b: third,
                }
            }
        }
    }

    /// Counters that are valid for one of the two AccECN option kinds (present ones form a prefix
    /// of that kind's wire order).
    impl Arbitrary for AccEcnCounters {
        fn arbitrary(g: &mut Gen) -> Self {
            let order1 = bool::arbitrary(g);
            AccEcnCounters::generate_for(g, order1)
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{Ctx, Record, Schema};

impl<S: Schema> RecordForm<S> for AccEcnCounters {
    fn to_record(&self, r: &mut Record<S>) {
        r.ee0b = self.ee0b;
        r.eceb = self.eceb;
        r.ee1b = self.ee1b;
    }

    fn from_record(_: Option<u8>, r: &mut Record<S>, _: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            ee0b: r.ee0b.take(),
            eceb: r.eceb.take(),
            ee1b: r.ee1b.take(),
        })
    }
}

/// `accecn0 ee0b N eceb N ee1b N` (kind 172) or `accecn1 ee1b N eceb N ee0b N` (kind 174),
/// the counters present in wire order.
impl TextForm for AccEcnCounters {
    fn text(&self, kind: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let order = u8::from(kind != 172);
        write!(f, "accecn{order}")?;
        let named = [
            ("ee0b", self.ee0b),
            ("eceb", self.eceb),
            ("ee1b", self.ee1b),
        ];
        let in_order = if order == 0 {
            named
        } else {
            let [ee0b, eceb, ee1b] = named;
            [ee1b, eceb, ee0b]
        };
        for (name, value) in in_order {
            if let Some(v) = value {
                write!(f, " {name} {v}")?;
            }
        }
        Ok(())
    }
}
