//! Errors, and the reasons an option is malformed.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// Everything that can go wrong parsing or writing a TCP header.
///
/// Every variant says what was seen and what was allowed, so the message can be acted on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Fewer than 20 bytes: not even a fixed header.
    #[error("truncated TCP header: {available} bytes given, the fixed header needs 20")]
    TooShort {
        /// How many bytes were given.
        available: usize,
    },
    /// A data offset below 5 (a header shorter than its own fixed part).
    #[error("data offset {data_offset} ({} bytes) is below the minimum of 5 (20 bytes)", usize::from(*data_offset) * 4)]
    DataOffsetTooSmall {
        /// The raw 4-bit data offset.
        data_offset: u8,
    },
    /// The data offset points past the end of the input.
    #[error("data offset {data_offset} says the header is {} bytes, but only {available} bytes were given", usize::from(*data_offset) * 4)]
    DataOffsetBeyondInput {
        /// The raw 4-bit data offset.
        data_offset: u8,
        /// How many bytes were given.
        available: usize,
    },
    /// Strict parsing met an option that lossless parsing would keep as malformed.
    #[error("option kind {kind} ({}) at header offset {offset}: {reason}", crate::registry::TcpOptionKind::from(*kind).name())]
    MalformedOption {
        /// The option's kind byte.
        kind: u8,
        /// Offset of the kind byte from the start of the TCP header.
        offset: usize,
        /// What was wrong.
        reason: MalformedReason,
    },
    /// The options and padding do not fill the area the data offset declares.
    #[error("options and padding take {actual} bytes, but data offset {data_offset} declares an option area of {} bytes (after editing the options, call TcpHeader::fit_data_offset)", (usize::from(*data_offset) * 4).saturating_sub(20))]
    OptionAreaMismatch {
        /// The raw 4-bit data offset.
        data_offset: u8,
        /// Bytes the options and padding encode to.
        actual: usize,
    },
    /// More than 40 bytes of options: no data offset can describe them.
    #[error("options take {length} bytes; a TCP header has room for at most 40")]
    OptionsTooLong {
        /// Bytes the options and padding encode to.
        length: usize,
    },
    /// A value that has no encoding on the wire (a field wider than its bits, a list too long).
    #[error("cannot encode {what}: {detail}")]
    Unencodable {
        /// The element that cannot be written (an option type or header field).
        what: &'static str,
        /// Why not.
        detail: String,
    },
    /// A byte string longer than the field holds.
    #[error("{what} of {length} bytes is longer than the maximum of {max}")]
    TooLong {
        /// The field.
        what: &'static str,
        /// Its length.
        length: usize,
        /// The maximum allowed.
        max: usize,
    },
    /// A pseudo-header needs two addresses of one IP version; these are of different versions.
    #[error("source {src} and destination {dst} are of different IP versions: a checksum pseudo-header needs two IPv4 or two IPv6 addresses")]
    AddressFamilyMismatch {
        /// The source address given.
        src: IpAddr,
        /// The destination address given.
        dst: IpAddr,
    },
    /// Bytes left over after a value that had to take all of its input (one option).
    #[error(
        "{trailing} bytes left after the {what} ({length} bytes); it must take all of its input"
    )]
    TrailingBytes {
        /// What was parsed.
        what: &'static str,
        /// Bytes the value took.
        length: usize,
        /// Bytes left after it.
        trailing: usize,
    },
    /// The caller's buffer is too small for the serialized header.
    #[error("buffer of {available} bytes is too small: {needed} bytes needed")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
}

/// Why an option was kept as [`TcpOption::Malformed`](crate::TcpOption::Malformed).
///
/// The first three are framing errors: the option's length cannot be trusted, so the malformed
/// option spans the rest of the option area. The others leave the framing intact, and parsing
/// continues after the option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MalformedReason {
    /// The kind byte is the last byte of the option area: there is no length byte.
    MissingLength,
    /// The length byte is 0 or 1 (it must count at least the kind and length bytes).
    LengthBelowTwo {
        /// The length byte.
        length: u8,
    },
    /// The length byte says the option runs past the end of the option area.
    Overrun {
        /// The length byte.
        length: u8,
        /// Bytes left in the option area, from the kind byte on.
        available: u8,
    },
    /// A known kind (or MPTCP subtype) with a length its specification does not allow.
    BadLength {
        /// The length byte.
        length: u8,
        /// The lengths that are allowed here.
        allowed: LengthSet,
    },
}

impl MalformedReason {
    /// Whether the reason is a framing error, after which the option's length cannot be trusted
    /// and the malformed option runs to the end of the option area.
    pub fn is_framing(&self) -> bool {
        matches!(
            self,
            Self::MissingLength | Self::LengthBelowTwo { .. } | Self::Overrun { .. }
        )
    }

    /// A short snake_case name for the reason, for counting and tables.
    pub fn name(&self) -> &'static str {
        match self {
            Self::MissingLength => "missing_length",
            Self::LengthBelowTwo { .. } => "length_below_two",
            Self::Overrun { .. } => "overrun",
            Self::BadLength { .. } => "bad_length",
        }
    }
}

/// In human-readable formats a reason is one map, `{"problem": "overrun", "length": 88,
/// "available": 14}` (the `problem` is [`MalformedReason::name`]); in binary ones a tuple of
/// the problem's number and its fields.
#[derive(Serialize, Deserialize)]
#[serde(rename = "MalformedReason", deny_unknown_fields)]
struct ReasonRecord<'a> {
    #[serde(borrow)]
    problem: std::borrow::Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    length: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    available: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    allowed: Option<LengthSet>,
}

/// The binary form of a [`MalformedReason`].
#[derive(Serialize, Deserialize)]
#[serde(rename = "MalformedReason")]
enum ReasonCompact {
    MissingLength,
    LengthBelowTwo(u8),
    Overrun(u8, u8),
    BadLength(u8, LengthSet),
}

impl Serialize for MalformedReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            let (length, available, allowed) = match *self {
                Self::MissingLength => (None, None, None),
                Self::LengthBelowTwo { length } => (Some(length), None, None),
                Self::Overrun { length, available } => (Some(length), Some(available), None),
                Self::BadLength { length, allowed } => (Some(length), None, Some(allowed)),
            };
            ReasonRecord {
                problem: self.name().into(),
                length,
                available,
                allowed,
            }
            .serialize(s)
        } else {
            match *self {
                Self::MissingLength => ReasonCompact::MissingLength,
                Self::LengthBelowTwo { length } => ReasonCompact::LengthBelowTwo(length),
                Self::Overrun { length, available } => ReasonCompact::Overrun(length, available),
                Self::BadLength { length, allowed } => ReasonCompact::BadLength(length, allowed),
            }
            .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for MalformedReason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        if !d.is_human_readable() {
            return Ok(match ReasonCompact::deserialize(d)? {
                ReasonCompact::MissingLength => Self::MissingLength,
                ReasonCompact::LengthBelowTwo(length) => Self::LengthBelowTwo { length },
                ReasonCompact::Overrun(length, available) => Self::Overrun { length, available },
                ReasonCompact::BadLength(length, allowed) => Self::BadLength { length, allowed },
            });
        }
        let r = ReasonRecord::deserialize(d)?;
        let need = |v: Option<u8>, field: &str| {
            v.ok_or_else(|| {
                D::Error::custom(format_args!(
                    "malformed-option reason `{}`: missing field `{field}`",
                    r.problem
                ))
            })
        };
        let reason = match r.problem.as_ref() {
            "missing_length" => Self::MissingLength,
            "length_below_two" => Self::LengthBelowTwo {
                length: need(r.length, "length")?,
            },
            "overrun" => Self::Overrun {
                length: need(r.length, "length")?,
                available: need(r.available, "available")?,
            },
            "bad_length" => Self::BadLength {
                length: need(r.length, "length")?,
                allowed: r.allowed.ok_or_else(|| {
                    D::Error::custom("malformed-option reason `bad_length`: missing field `allowed`")
                })?,
            },
            other => {
                return Err(D::Error::custom(format_args!(
                    "unknown malformed-option problem `{other}` (missing_length, length_below_two, overrun or bad_length)"
                )))
            }
        };
        // A field the problem does not have is an error, not silently dropped.
        let extra = match reason {
            Self::MissingLength => r
                .length
                .map(|_| "length")
                .or(r.available.map(|_| "available")),
            Self::LengthBelowTwo { .. } => r.available.map(|_| "available"),
            Self::Overrun { .. } => None,
            Self::BadLength { .. } => r.available.map(|_| "available"),
        }
        .or(match reason {
            Self::BadLength { .. } => None,
            _ => r.allowed.map(|_| "allowed"),
        });
        match extra {
            Some(field) => Err(D::Error::custom(format_args!(
                "malformed-option reason `{}`: field `{field}` does not belong here",
                r.problem
            ))),
            None => Ok(reason),
        }
    }
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingLength => f.write_str("no length byte before the end of the option area"),
            Self::LengthBelowTwo { length } => {
                write!(
                    f,
                    "length byte {length} is below 2 (it must count the kind and length bytes)"
                )
            }
            Self::Overrun { length, available } => write!(
                f,
                "length {length} runs past the end of the option area ({available} bytes left)"
            ),
            Self::BadLength { length, allowed } => {
                write!(
                    f,
                    "length {length} is not allowed here (allowed: {allowed})"
                )
            }
        }
    }
}

/// A set of option lengths (0..=63), used to say which lengths an option may have.
///
/// Displayed compactly, e.g. `10, 18, 26 or 34`, `4..=40`.
///
/// ```
/// use tcpwire::LengthSet;
/// let sack = LengthSet::of(&[10, 18, 26, 34]);
/// assert!(sack.contains(18) && !sack.contains(12));
/// assert_eq!(sack.to_string(), "10, 18, 26 or 34");
/// assert_eq!(LengthSet::range(6, 18).with(2).to_string(), "2 or 6..=18");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LengthSet([u8; 8]);

// A little-endian 64-bit bitmask kept as bytes: byte alignment keeps `MalformedReason`, and so
// every `TcpOption`, small.

impl LengthSet {
    /// The empty set.
    pub const EMPTY: Self = Self([0; 8]);

    /// The set holding exactly `length`.
    pub const fn exactly(length: u8) -> Self {
        Self::EMPTY.with(length)
    }

    /// The set of the given lengths (values over 63 are ignored).
    pub const fn of(lengths: &[u8]) -> Self {
        let mut set = Self::EMPTY;
        let mut i = 0;
        while i < lengths.len() {
            set = set.with(lengths[i]);
            i += 1;
        }
        set
    }

    /// All lengths from `min` to `max` inclusive.
    pub const fn range(min: u8, max: u8) -> Self {
        let mut set = Self::EMPTY;
        let mut l = min;
        while l <= max && l < 64 {
            set = set.with(l);
            l += 1;
        }
        set
    }

    /// This set with `length` added.
    pub const fn with(self, length: u8) -> Self {
        if length < 64 {
            Self((u64::from_le_bytes(self.0) | 1 << length).to_le_bytes())
        } else {
            self
        }
    }

    /// Whether `length` is in the set.
    pub const fn contains(self, length: u8) -> bool {
        length < 64 && u64::from_le_bytes(self.0) & (1 << length) != 0
    }

    /// The lengths in the set, smallest first.
    pub fn iter(self) -> impl Iterator<Item = u8> {
        (0u8..64).filter(move |&l| self.contains(l))
    }

    /// Runs of consecutive lengths, as (first, last) pairs.
    fn runs(self) -> impl Iterator<Item = (u8, u8)> {
        let mut it = self.iter().peekable();
        std::iter::from_fn(move || {
            let first = it.next()?;
            let mut last = first;
            while it.peek() == Some(&(last + 1)) {
                last += 1;
                it.next();
            }
            Some((first, last))
        })
    }
}

impl fmt::Display for LengthSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let runs: Vec<(u8, u8)> = self.runs().collect();
        if runs.is_empty() {
            return f.write_str("none");
        }
        for (i, (first, last)) in runs.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == runs.len() { " or " } else { ", " })?;
            }
            match last - first {
                0 => write!(f, "{first}")?,
                1 => write!(f, "{first}, {last}")?,
                _ => write!(f, "{first}..={last}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for LengthSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LengthSet({self})")
    }
}

/// A list of the lengths in human-readable formats, e.g. `[10, 18, 26, 34]`; the 64-bit
/// mask (bit n set for length n) in binary ones.
impl Serialize for LengthSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_seq(self.iter())
        } else {
            s.serialize_u64(u64::from_le_bytes(self.0))
        }
    }
}

impl<'de> Deserialize<'de> for LengthSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = LengthSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of option lengths below 64")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<LengthSet, A::Error> {
                let mut set = LengthSet::EMPTY;
                while let Some(l) = seq.next_element::<u8>()? {
                    if l >= 64 {
                        return Err(serde::de::Error::custom("option length above 63"));
                    }
                    set = set.with(l);
                }
                Ok(set)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<LengthSet, E> {
                Ok(LengthSet(v.to_le_bytes()))
            }
        }
        if d.is_human_readable() {
            d.deserialize_seq(V)
        } else {
            d.deserialize_u64(V)
        }
    }
}
