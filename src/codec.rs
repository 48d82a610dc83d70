//! User-registered option codecs, and the parser configuration that uses them.
//!
//! A [`Parser`] is a plain value with no global state: register a
//! codec for an option kind ([`Parser::with_option_codec`]) or an MPTCP subtype
//! ([`Parser::with_mptcp_codec`]), and options it decodes come out as
//! [`TcpOption::Custom`] holding the codec's value (see [`CustomOption::value`]). A codec
//! may decode a kind this crate does not know, or replace a built-in decoding.
//!
//! What holds whatever the codec does:
//! - options still round-trip byte for byte: a [`CustomOption`] keeps the exact bytes it was
//!   parsed from, and the parser only accepts a codec's value when the codec writes it back to
//!   those very bytes; otherwise (and whenever the codec declines with `None`) the option is
//!   decoded as if no codec were registered;
//! - a codec only sees options whose framing is sound (a length byte of at least 2 that stays
//!   inside the option area); EOL and NOP are framing and never reach a codec;
//! - custom options serialize to JSON as `{"kind", "type": "custom", "name", "bytes"}` (plus
//!   `"mptcp_subtype"` for an MPTCP subtype codec and `"fields"` when the codec gives them),
//!   and deserialize back to an opaque [`CustomOption`] with the same bytes.
//!
//! The default parse path ([`TcpHeader::parse`](crate::TcpHeader::parse) and friends) knows
//! nothing of codecs and stays allocation-free; only [`Parser`] looks codecs up.
//!
//! ```
//! use tcpwire::{OptionCodec, Parser, TcpOption, TcpSegment};
//!
//! /// Kind 99 (unassigned) carrying one byte, for the example.
//! struct Color;
//! impl OptionCodec for Color {
//!     type Value = u8;
//!     fn name(&self) -> &str { "color" }
//!     fn decode(&self, _kind: u8, body: &[u8]) -> Option<u8> {
//!         match body { [c] => Some(*c), _ => None }
//!     }
//!     fn encode(&self, value: &u8, body: &mut Vec<u8>) { body.push(*value) }
//! }
//!
//! let parser = Parser::new().with_option_codec(99, Color);
//! // An ACK whose option area holds kind 99 (length 3, value 7), then a NOP.
//! let bytes = tcpwire::from_hex("0050c3500000000100000000601002000000000063030701").unwrap();
//! let segment = parser.parse(&bytes)?;
//! let TcpOption::Custom(color) = &segment.header.options[0] else { panic!("not custom") };
//! assert_eq!((color.kind(), color.name()), (99, "color"));
//! assert_eq!(color.value::<u8>(), Some(&7));
//! assert_eq!(segment.header.options[1], TcpOption::Nop);
//! assert_eq!(segment.to_bytes()?, bytes);
//! // Without the codec, kind 99 is an unknown option.
//! assert_eq!(TcpSegment::parse(&bytes)?.header.options[0].name(), "unknown");
//! # Ok::<(), tcpwire::Error>(())
//! ```

use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::panic::RefUnwindSafe;
use std::sync::Arc;

use serde::Serialize;

use crate::bytes::InlineBytes;
use crate::error::Error;
use crate::header::{TcpHeader, TcpSegment, FIXED_HEADER_LEN};
use crate::option::{OptionList, ParseMode, TcpOption, MAX_OPTION_AREA};
use crate::registry::MptcpSubtype;

/// Kind of the Multipath TCP option.
const KIND_MPTCP: u8 = 30;

/// A user's decoding of one option kind or MPTCP subtype: read the option's body into a
/// value, write the value back, name it.
///
/// The body is the option's bytes after Kind and Length (for MPTCP it starts with the
/// subtype byte); the Kind and Length bytes are written by the crate.
pub trait OptionCodec: Send + Sync + RefUnwindSafe + 'static {
    /// The decoded value.
    type Value: fmt::Debug + Send + Sync + RefUnwindSafe + 'static;

    /// A snake_case name for the option type (the JSON `"name"`).
    fn name(&self) -> &str;

    /// Decodes the body of an option of kind `kind`, or declines with `None` (the option is
    /// then decoded as if no codec were registered).
    fn decode(&self, kind: u8, body: &[u8]) -> Option<Self::Value>;

    /// Writes the value's body. For a decoded value this must give back exactly the body it
    /// was decoded from (the parser checks, and declines the value otherwise).
    fn encode(&self, value: &Self::Value, body: &mut Vec<u8>);

    /// The value's fields, shown under `"fields"` in human-readable serde formats (JSON) and
    /// ignored when read back; none by default.
    fn fields(&self, value: &Self::Value) -> Vec<(String, FieldValue)> {
        let _ = value;
        Vec::new()
    }
}

/// One field of a codec's value, for display in human-readable serde formats.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldValue {
    /// A flag.
    Bool(bool),
    /// A number.
    Unsigned(u64),
    /// A signed number.
    Signed(i64),
    /// Text, such as a name.
    Text(String),
    /// Bytes (hex in human-readable formats).
    Bytes(Vec<u8>),
}

impl Serialize for FieldValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Bool(v) => s.serialize_bool(*v),
            FieldValue::Unsigned(v) => s.serialize_u64(*v),
            FieldValue::Signed(v) => s.serialize_i64(*v),
            FieldValue::Text(v) => s.serialize_str(v),
            FieldValue::Bytes(v) => crate::bytes::serialize_bytes(v, s),
        }
    }
}

/// A codec's value with its type erased. `RefUnwindSafe` keeps [`TcpOption`] unwind-safe.
type AnyValue = dyn Any + Send + Sync + RefUnwindSafe;

/// [`OptionCodec`] with its value type erased.
trait ErasedCodec: Send + Sync + RefUnwindSafe {
    fn name(&self) -> &str;
    fn decode(&self, kind: u8, body: &[u8]) -> Option<Box<AnyValue>>;
    fn encode(&self, value: &(dyn Any + Send + Sync), body: &mut Vec<u8>) -> bool;
    fn fields(&self, value: &(dyn Any + Send + Sync)) -> Vec<(String, FieldValue)>;
    fn debug(&self, value: &(dyn Any + Send + Sync), f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<C: OptionCodec> ErasedCodec for C {
    fn name(&self) -> &str {
        OptionCodec::name(self)
    }

    fn decode(&self, kind: u8, body: &[u8]) -> Option<Box<AnyValue>> {
        OptionCodec::decode(self, kind, body).map(|v| Box::new(v) as Box<AnyValue>)
    }

    fn encode(&self, value: &(dyn Any + Send + Sync), body: &mut Vec<u8>) -> bool {
        match value.downcast_ref::<C::Value>() {
            Some(value) => {
                OptionCodec::encode(self, value, body);
                true
            }
            None => false,
        }
    }

    fn fields(&self, value: &(dyn Any + Send + Sync)) -> Vec<(String, FieldValue)> {
        value
            .downcast_ref::<C::Value>()
            .map(|value| OptionCodec::fields(self, value))
            .unwrap_or_default()
    }

    fn debug(&self, value: &(dyn Any + Send + Sync), f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match value.downcast_ref::<C::Value>() {
            Some(value) => fmt::Debug::fmt(value, f),
            None => f.write_str("?"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The custom option value

/// An option decoded by a user's codec ([`TcpOption::Custom`]): its exact bytes, the codec's
/// name, and (unless it came from JSON) the codec's value.
///
/// Equality and hashing look at the bytes and whether it is an MPTCP subtype, nothing else,
/// so a value equals its JSON round trip. Cloning is cheap (a shared pointer), and the type is
/// one pointer wide, so it does not grow [`TcpOption`].
#[derive(Clone)]
pub struct CustomOption(Arc<CustomInner>);

struct CustomInner {
    /// The whole option: Kind, Length, body.
    bytes: InlineBytes<MAX_OPTION_AREA>,
    /// The subtype, for an option decoded by an MPTCP subtype codec.
    mptcp_subtype: Option<u8>,
    /// The codec's name.
    name: Box<str>,
    /// The codec's value and the codec, or `None` for an opaque option (from JSON).
    decoded: Option<(Box<AnyValue>, Arc<dyn ErasedCodec>)>,
}

impl CustomOption {
    /// An option of kind `kind` holding a value of `codec`, whose bytes the codec writes.
    ///
    /// Errors when the encoding is not a well-framed option: kind 0 or 1, or a body over 38
    /// bytes.
    pub fn from_value<C: OptionCodec>(kind: u8, codec: C, value: C::Value) -> Result<Self, Error> {
        Self::encode_value(kind, None, Arc::new(codec), value)
    }

    /// An MPTCP option (kind 30) holding a value of a subtype codec, whose body the codec
    /// writes (starting with the subtype byte).
    ///
    /// Errors as [`from_value`](Self::from_value), or when the body is empty.
    pub fn from_mptcp_value<C: OptionCodec>(codec: C, value: C::Value) -> Result<Self, Error> {
        let codec = Arc::new(codec);
        let mut body = Vec::new();
        codec.encode(&value, &mut body);
        let subtype = body.first().map(|b| b >> 4).ok_or(Error::Unencodable {
            what: "custom MPTCP option",
            detail: "the codec wrote an empty body (the subtype byte is missing)".into(),
        })?;
        Self::encode_value(KIND_MPTCP, Some(subtype), codec, value)
    }

    fn encode_value<C: OptionCodec>(
        kind: u8,
        mptcp_subtype: Option<u8>,
        codec: Arc<C>,
        value: C::Value,
    ) -> Result<Self, Error> {
        let mut bytes = vec![kind, 0];
        codec.encode(&value, &mut bytes);
        let length = u8::try_from(bytes.len()).unwrap_or(u8::MAX);
        if let Some(slot) = bytes.get_mut(1) {
            *slot = length;
        }
        let bytes = check_bytes(&bytes, mptcp_subtype)?;
        Ok(Self(Arc::new(CustomInner {
            bytes,
            mptcp_subtype,
            name: OptionCodec::name(&*codec).into(),
            decoded: Some((Box::new(value), codec)),
        })))
    }

    /// An option kept as bytes with a name and no decoded value (what JSON deserializes to).
    /// `mptcp_subtype` marks it as decoded by an MPTCP subtype codec, and must then be the
    /// subtype in the bytes.
    pub fn opaque(name: &str, bytes: &[u8], mptcp_subtype: Option<u8>) -> Result<Self, Error> {
        let bytes = check_bytes(bytes, mptcp_subtype)?;
        Ok(Self(Arc::new(CustomInner {
            bytes,
            mptcp_subtype,
            name: name.into(),
            decoded: None,
        })))
    }

    /// The kind byte.
    pub fn kind(&self) -> u8 {
        self.0.bytes.first().copied().unwrap_or_default()
    }

    /// The codec's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The whole option as on the wire: Kind, Length, body.
    pub fn bytes(&self) -> &[u8] {
        self.0.bytes.as_slice()
    }

    /// The bytes after Kind and Length.
    pub fn body(&self) -> &[u8] {
        self.0.bytes.get(2..).unwrap_or_default()
    }

    /// The MPTCP subtype, for an option decoded by an MPTCP subtype codec.
    pub fn mptcp_subtype(&self) -> Option<MptcpSubtype> {
        self.0.mptcp_subtype.map(MptcpSubtype::from_value)
    }

    /// The codec's value, if it is a `T` (`None` for another type or an opaque option).
    pub fn value<T: Any>(&self) -> Option<&T> {
        self.0.decoded.as_ref().and_then(|(value, _)| {
            let value: &(dyn Any + Send + Sync) = &**value;
            value.downcast_ref::<T>()
        })
    }

    /// Whether the option holds no decoded value (it came from JSON).
    pub fn is_opaque(&self) -> bool {
        self.0.decoded.is_none()
    }

    /// The codec's fields for display (see [`OptionCodec::fields`]); none for an opaque
    /// option.
    pub fn fields(&self) -> Vec<(String, FieldValue)> {
        self.0
            .decoded
            .as_ref()
            .map(|(value, codec)| codec.fields(&**value))
            .unwrap_or_default()
    }

    /// Checks the bytes frame one option (done at construction; here for
    /// [`TcpOption::validate`]).
    pub fn validate(&self) -> Result<(), Error> {
        check_bytes(self.bytes(), self.0.mptcp_subtype).map(|_| ())
    }
}

/// Checks that `bytes` is one well-framed option (and, for an MPTCP subtype codec, a kind-30
/// option of that subtype).
fn check_bytes(
    bytes: &[u8],
    mptcp_subtype: Option<u8>,
) -> Result<InlineBytes<MAX_OPTION_AREA>, Error> {
    let fail = |detail: String| Error::Unencodable {
        what: "custom option",
        detail,
    };
    let len = bytes.len();
    let (kind, length) = match bytes {
        [kind, length, ..] => (*kind, *length),
        _ => return Err(fail(format!("{len} bytes cannot hold a kind and a length"))),
    };
    if kind <= 1 {
        return Err(fail(format!(
            "kind {kind} is one byte with no length (EOL or NOP)"
        )));
    }
    if len > MAX_OPTION_AREA {
        return Err(Error::TooLong {
            what: "custom option",
            length: len,
            max: MAX_OPTION_AREA,
        });
    }
    if usize::from(length) != len {
        return Err(fail(format!(
            "length byte {length} does not count the option's {len} bytes"
        )));
    }
    if let Some(subtype) = mptcp_subtype {
        let actual = bytes.get(2).map(|b| b >> 4);
        if kind != KIND_MPTCP || actual != Some(subtype) {
            return Err(fail(format!(
                "an MPTCP subtype {subtype} option must be kind 30 with that subtype (kind {kind}, subtype {actual:?})"
            )));
        }
    }
    InlineBytes::try_from(bytes)
}

impl PartialEq for CustomOption {
    fn eq(&self, other: &Self) -> bool {
        self.0.bytes == other.0.bytes && self.0.mptcp_subtype == other.0.mptcp_subtype
    }
}

impl Eq for CustomOption {}

impl Hash for CustomOption {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.bytes.hash(state);
        self.0.mptcp_subtype.hash(state);
    }
}

impl fmt::Debug for CustomOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Value<'a>(&'a CustomInner);
        impl fmt::Debug for Value<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match &self.0.decoded {
                    Some((value, codec)) => codec.debug(&**value, f),
                    None => f.write_str("opaque"),
                }
            }
        }
        let mut d = f.debug_struct("CustomOption");
        d.field("name", &self.name()).field("kind", &self.kind());
        if let Some(subtype) = self.0.mptcp_subtype {
            d.field("mptcp_subtype", &subtype);
        }
        d.field("bytes", &self.0.bytes)
            .field("value", &Value(&self.0))
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// The parser configuration

/// A registered codec, with its name.
#[derive(Clone)]
struct Registered {
    codec: Arc<dyn ErasedCodec>,
}

/// A parser configuration: the codecs to use for some option kinds and MPTCP subtypes. With
/// none registered it parses exactly as [`TcpSegment::parse`] and friends.
///
/// A codec registered for an MPTCP subtype is tried before one registered for kind 30.
///
/// ```
/// use tcpwire::{Parser, TcpSegment};
/// let bytes = tcpwire::from_hex("0050c3500000000100000000601002000000000002040218").unwrap();
/// assert_eq!(Parser::new().parse(&bytes)?, TcpSegment::parse(&bytes)?);
/// # Ok::<(), tcpwire::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Parser {
    option_codecs: Vec<(u8, Registered)>,
    mptcp_codecs: Vec<(u8, Registered)>,
}

impl fmt::Debug for Parser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |codecs: &[(u8, Registered)]| -> Vec<(u8, String)> {
            codecs
                .iter()
                .map(|(k, r)| (*k, r.codec.name().to_owned()))
                .collect()
        };
        f.debug_struct("Parser")
            .field("option_codecs", &list(&self.option_codecs))
            .field("mptcp_codecs", &list(&self.mptcp_codecs))
            .finish()
    }
}

impl Parser {
    /// A parser with no codecs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `codec` for options of kind `kind`, replacing the built-in decoding (and any
    /// codec registered for that kind before).
    ///
    /// # Panics
    ///
    /// If `kind` is 0 or 1: EOL and NOP are single bytes that frame the option list, not
    /// options a codec can decode.
    pub fn with_option_codec<C: OptionCodec>(mut self, kind: u8, codec: C) -> Self {
        assert!(
            kind > 1,
            "kind {kind} (EOL or NOP) cannot have a codec: it is one byte with no length"
        );
        insert(&mut self.option_codecs, kind, Arc::new(codec));
        self
    }

    /// Uses `codec` for MPTCP options (kind 30) of subtype `subtype` (the high 4 bits of the
    /// option's third byte), replacing the built-in decoding.
    ///
    /// # Panics
    ///
    /// If the subtype is above 15 (it is a 4-bit field).
    pub fn with_mptcp_codec<C: OptionCodec>(
        mut self,
        subtype: impl Into<MptcpSubtype>,
        codec: C,
    ) -> Self {
        let subtype = subtype.into().value();
        assert!(
            subtype <= 15,
            "MPTCP subtype {subtype} does not fit its 4 bits"
        );
        insert(&mut self.mptcp_codecs, subtype, Arc::new(codec));
        self
    }

    /// Whether no codec is registered.
    pub fn is_empty(&self) -> bool {
        self.option_codecs.is_empty() && self.mptcp_codecs.is_empty()
    }

    /// Parses a segment, strictly (as [`TcpSegment::parse`]).
    pub fn parse(&self, input: &[u8]) -> Result<TcpSegment, Error> {
        self.parse_with(input, ParseMode::Strict)
    }

    /// Parses a segment, keeping malformed options (as [`TcpSegment::parse_lossless`]).
    pub fn parse_lossless(&self, input: &[u8]) -> Result<TcpSegment, Error> {
        self.parse_with(input, ParseMode::Lossless)
    }

    /// Parses a segment in the given mode (as [`TcpSegment::parse_with`]).
    pub fn parse_with(&self, input: &[u8], mode: ParseMode) -> Result<TcpSegment, Error> {
        let (header, payload) = self.parse_header_prefix(input, mode)?;
        Ok(TcpSegment {
            header,
            payload: payload.to_vec(),
        })
    }

    /// Parses a header, strictly (as [`TcpHeader::parse`]).
    pub fn parse_header(&self, input: &[u8]) -> Result<TcpHeader, Error> {
        self.parse_header_with(input, ParseMode::Strict)
    }

    /// Parses a header, keeping malformed options (as [`TcpHeader::parse_lossless`]).
    pub fn parse_header_lossless(&self, input: &[u8]) -> Result<TcpHeader, Error> {
        self.parse_header_with(input, ParseMode::Lossless)
    }

    /// Parses a header in the given mode (as [`TcpHeader::parse_with`]).
    pub fn parse_header_with(&self, input: &[u8], mode: ParseMode) -> Result<TcpHeader, Error> {
        self.parse_header_prefix(input, mode).map(|(h, _)| h)
    }

    /// Parses a header in the given mode, returning it and the bytes after it (as
    /// [`TcpHeader::parse_prefix`]).
    pub fn parse_header_prefix<'a>(
        &self,
        input: &'a [u8],
        mode: ParseMode,
    ) -> Result<(TcpHeader, &'a [u8]), Error> {
        if self.is_empty() {
            return TcpHeader::parse_prefix(input, mode);
        }
        // The fixed fields, and the header's extent; lossless never fails on options.
        let (mut header, rest) = TcpHeader::parse_prefix(input, ParseMode::Lossless)?;
        let area = input
            .get(FIXED_HEADER_LEN..header.header_len())
            .unwrap_or_default();
        let (options, padding) = self.parse_options(area, FIXED_HEADER_LEN, mode)?;
        header.options = options;
        header.padding = padding;
        Ok((header, rest))
    }

    /// Parses an option area with the registered codecs (as
    /// [`parse_options`](crate::parse_options)).
    pub fn parse_options(
        &self,
        area: &[u8],
        base_offset: usize,
        mode: ParseMode,
    ) -> Result<(OptionList, InlineBytes<MAX_OPTION_AREA>), Error> {
        if area.len() > MAX_OPTION_AREA {
            return Err(Error::TooLong {
                what: "option area",
                length: area.len(),
                max: MAX_OPTION_AREA,
            });
        }
        let mut options = OptionList::new();
        let mut rest = area;
        while let Some((&kind, after_kind)) = rest.split_first() {
            let offset = base_offset + (area.len() - rest.len());
            if kind == 0 {
                options.push(TcpOption::Eol);
                return Ok((options, InlineBytes::try_from(after_kind)?));
            }
            if let Some((custom, next)) = self.decode_custom(kind, rest) {
                options.push(TcpOption::Custom(custom));
                rest = next;
                continue;
            }
            let (option, next) = TcpOption::parse_prefix(rest, mode).map_err(|e| match e {
                Error::MalformedOption { kind, reason, .. } => Error::MalformedOption {
                    kind,
                    offset,
                    reason,
                },
                other => other,
            })?;
            options.push(option);
            rest = next;
        }
        Ok((options, InlineBytes::new()))
    }

    /// The option at the start of `rest` decoded by a registered codec, and the bytes after
    /// it; `None` when no codec applies, the framing is broken, or the codec declines.
    fn decode_custom<'a>(&self, kind: u8, rest: &'a [u8]) -> Option<(CustomOption, &'a [u8])> {
        if kind <= 1 {
            return None;
        }
        let length = usize::from(*rest.get(1)?);
        if length < 2 {
            return None;
        }
        let (bytes, next) = rest.split_at_checked(length)?;
        if kind == KIND_MPTCP {
            if let Some(subtype) = bytes.get(2).map(|b| b >> 4) {
                if let Some(found) = lookup(&self.mptcp_codecs, subtype)
                    .and_then(|r| try_codec(r, bytes, Some(subtype)))
                {
                    return Some((found, next));
                }
            }
        }
        let found = lookup(&self.option_codecs, kind).and_then(|r| try_codec(r, bytes, None))?;
        Some((found, next))
    }
}

fn insert(codecs: &mut Vec<(u8, Registered)>, key: u8, codec: Arc<dyn ErasedCodec>) {
    let registered = Registered { codec };
    match codecs.iter_mut().find(|(k, _)| *k == key) {
        Some((_, slot)) => *slot = registered,
        None => codecs.push((key, registered)),
    }
}

fn lookup(codecs: &[(u8, Registered)], key: u8) -> Option<&Registered> {
    codecs.iter().find(|(k, _)| *k == key).map(|(_, r)| r)
}

/// Decodes a well-framed option with a codec; `None` when the codec declines or does not
/// write the value back to the same body.
fn try_codec(
    registered: &Registered,
    bytes: &[u8],
    mptcp_subtype: Option<u8>,
) -> Option<CustomOption> {
    let (kind, body) = match bytes {
        [kind, _, body @ ..] => (*kind, body),
        _ => return None,
    };
    let value = registered.codec.decode(kind, body)?;
    let mut written = Vec::with_capacity(body.len());
    if !registered.codec.encode(&*value, &mut written) || written != body {
        return None;
    }
    let bytes = check_bytes(bytes, mptcp_subtype).ok()?;
    Some(CustomOption(Arc::new(CustomInner {
        bytes,
        mptcp_subtype,
        name: registered.codec.name().into(),
        decoded: Some((value, Arc::clone(&registered.codec))),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_and_parsers_stay_thread_and_unwind_safe() {
        fn check<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
        check::<TcpOption>();
        check::<CustomOption>();
        check::<Parser>();
    }

    #[test]
    fn custom_option_is_one_pointer_wide() {
        assert_eq!(
            std::mem::size_of::<CustomOption>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn check_bytes_refuses_bad_framing() {
        assert!(check_bytes(&[99, 2], None).is_ok());
        assert!(check_bytes(&[99], None).is_err());
        assert!(check_bytes(&[1, 2], None).is_err());
        assert!(check_bytes(&[99, 3], None).is_err());
        assert!(check_bytes(&[99, 3, 0], Some(0)).is_err());
        assert!(check_bytes(&[30, 3, 0xf0], Some(15)).is_ok());
        assert!(check_bytes(&[30, 3, 0xe0], Some(15)).is_err());
        let mut long = vec![99, 41];
        long.resize(41, 0);
        assert!(matches!(
            check_bytes(&long, None),
            Err(Error::TooLong { length: 41, .. })
        ));
    }
}
