//! Options this crate keeps as bytes: kinds it does not decode ([`Unknown`]) and options that
//! break their framing or their specification ([`Malformed`]).

use crate::bytes::InlineBytes;
use crate::element::{at_most, put_opaque, put_slice, unencodable, Borrowed, OptionBody};
use crate::error::{Error, LengthSet, MalformedReason};

use super::{ParseMode, TcpOption};

/// Any kind this crate does not decode, with its bytes after Kind and Length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unknown {
    /// The kind byte.
    pub kind: u8,
    /// The bytes after Kind and Length.
    pub data: InlineBytes<38>,
}

/// An option that breaks its framing or its specification, kept byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Malformed {
    /// The kind byte.
    pub kind: u8,
    /// Exactly the bytes the option spans, from its kind byte on (to the end of the option
    /// area when its length cannot be trusted).
    pub bytes: InlineBytes<40>,
    /// What is wrong with it.
    pub reason: MalformedReason,
}

impl OptionBody for Unknown {
    const NAME_FOR_ERRORS: &'static str = "unknown option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::range(2, 40)
    }

    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        UnknownView::view(kind, body).map(Borrowed::to_owned_value)
    }

    fn encoded_len(&self) -> usize {
        2 + self.data.len()
    }

    fn validate(&self, _: u8) -> Result<(), Error> {
        let kind = self.kind;
        if super::is_decoded_kind(kind) {
            unencodable(
                Self::NAME_FOR_ERRORS,
                format!("kind {kind} is decoded by this crate; use its own variant"),
            )
        } else {
            Ok(())
        }
    }

    fn write<'o>(&self, _: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_opaque(out, self.kind, &self.data)
    }
}

impl OptionBody for Malformed {
    const NAME_FOR_ERRORS: &'static str = "malformed option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::range(1, 40)
    }

    /// Never called: malformed options come from the framing, not from a body parser.
    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        Err(MalformedReason::BadLength {
            length: crate::element::length_of(body),
            allowed: Self::lengths(kind),
        })
    }

    fn encoded_len(&self) -> usize {
        self.bytes.len()
    }

    /// The bytes must be malformed exactly as stated: parsed alone, they give this very option
    /// back (a framing error then also runs to the end of the bytes).
    fn validate(&self, _: u8) -> Result<(), Error> {
        const WHAT: &str = "malformed option";
        let Self {
            kind,
            bytes,
            reason,
        } = self;
        if bytes.first() != Some(kind) {
            return unencodable(WHAT, format!("its bytes must start with its kind {kind}"));
        }
        match TcpOption::parse_prefix(bytes, ParseMode::Lossless) {
            Ok((TcpOption::Malformed(parsed), [])) if parsed == *self => Ok(()),
            Ok((
                TcpOption::Malformed(Malformed {
                    reason: found,
                    bytes: spanned,
                    ..
                }),
                _,
            )) => unencodable(
                WHAT,
                format!(
                    "bytes {bytes} are stated as \"{reason}\", but parse as \"{found}\" over {} bytes",
                    spanned.len()
                ),
            ),
            Ok((parsed, _)) => unencodable(
                WHAT,
                format!(
                    "bytes {bytes} are stated as \"{reason}\", but begin with a well-formed {} option",
                    parsed.name()
                ),
            ),
            Err(e) => unencodable(WHAT, format!("bytes {bytes}: {e}")),
        }
    }

    fn write<'o>(&self, _: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_slice(out, &self.bytes)
    }
}

/// [`Unknown`] borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnknownView<'a> {
    kind: u8,
    data: &'a [u8],
}

impl<'a> UnknownView<'a> {
    /// The kind byte.
    pub fn kind(&self) -> u8 {
        self.kind
    }

    /// The bytes after Kind and Length.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

impl<'a> Borrowed<'a> for UnknownView<'a> {
    type Owned = Unknown;

    fn view(kind: u8, body: &'a [u8]) -> Result<Self, MalformedReason> {
        at_most::<38>(body, Unknown::lengths(kind)).map(|data| Self { kind, data })
    }

    fn to_owned_value(self) -> Unknown {
        Unknown {
            kind: self.kind,
            data: InlineBytes::from_bounded(self.data),
        }
    }
}

/// A malformed option as the view yields it: [`Malformed`] borrowed from the header, with its
/// offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MalformedView<'a> {
    kind: u8,
    offset: usize,
    bytes: &'a [u8],
    reason: MalformedReason,
}

impl<'a> MalformedView<'a> {
    /// An option at `offset` in the header spanning `bytes` (at most the 40 of an option area).
    pub(crate) fn new(kind: u8, offset: usize, bytes: &'a [u8], reason: MalformedReason) -> Self {
        Self {
            kind,
            offset,
            bytes,
            reason,
        }
    }

    /// The kind byte.
    pub fn kind(&self) -> u8 {
        self.kind
    }

    /// Where the option starts, in bytes from the start of the header.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Exactly the bytes the option spans, from its kind byte on (to the end of the option
    /// area when its length cannot be trusted).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// What is wrong with it.
    pub fn reason(&self) -> MalformedReason {
        self.reason
    }

    /// The owned [`Malformed`] option (as lossless parsing keeps it).
    pub fn to_owned_value(self) -> Malformed {
        Malformed {
            kind: self.kind,
            bytes: InlineBytes::from_bounded(self.bytes),
            reason: self.reason,
        }
    }
}

#[cfg(feature = "quickcheck")]
pub(crate) mod generate {
    use quickcheck::{Arbitrary, Gen};

    use crate::random::*;

    use super::*;

    /// Kinds this crate keeps as [`Unknown`] that real traffic or the registry knows.
    pub(crate) const UNDECODED_KINDS: [u8; 19] = [
        16, 17, 18, 20, 22, 23, 24, 25, 26, 31, 32, 33, 35, 70, 76, 77, 78, 173, 255,
    ];

    /// A kind the crate does not decode.
    pub(crate) fn unknown_kind(g: &mut Gen) -> u8 {
        let kind = u8::arbitrary(g);
        if crate::option::is_decoded_kind(kind) || one_in(g, 2) {
            g.choose(&UNDECODED_KINDS).copied().unwrap_or(76)
        } else {
            kind
        }
    }

    impl Generate for Unknown {
        fn generate(g: &mut Gen, room: usize) -> Option<Self> {
            let len = length_in(g, 0, room.checked_sub(2)?.min(38));
            Some(Self {
                kind: unknown_kind(g),
                data: inline_bytes(g, len),
            })
        }
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::{bytes, Reason};
use crate::record::{Ctx, Record, Schema};
use crate::text::opt_hex;

impl<S: Schema> RecordForm<S> for Unknown {
    fn to_record(&self, r: &mut Record<S>) {
        r.data = bytes(self.data.as_slice());
    }

    fn from_record(kind: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        Ok(Self {
            kind: f.need(kind, "kind")?,
            data: f.inline(r.data.take(), "data")?,
        })
    }
}

/// `unknown-253 0x...`.
impl TextForm for Unknown {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown-{}", self.kind)?;
        opt_hex(f, &self.data)
    }
}

impl<S: Schema> RecordForm<S> for Malformed {
    fn to_record(&self, r: &mut Record<S>) {
        r.bytes = Some(self.bytes);
        r.reason = Some(Reason::Malformed(self.reason));
    }

    fn from_record(kind: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let bytes = f.need(r.bytes.take(), "bytes")?;
        let reason = match f.need(r.reason.take(), "reason")? {
            Reason::Malformed(m) => m,
            Reason::Rst(_) => {
                return Err(f.err(format_args!(
                    "field `reason` must be an object with a `problem`"
                )))
            }
        };
        Ok(Self {
            kind: f.need(kind.or_else(|| bytes.first().copied()), "kind")?,
            bytes,
            reason,
        })
    }
}

/// `malformed kind 5 len 7: ` and the reason.
impl TextForm for Malformed {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed kind {}", self.kind)?;
        if let Some(length) = self.bytes.get(1) {
            write!(f, " len {length}")?;
        }
        write!(f, ": {}", self.reason)
    }
}
