//! Options decoded by a user's codec: the [`OptionCodec`] trait, and [`CustomOption`], the
//! value [`TcpOption::Custom`](crate::TcpOption::Custom) holds. The parser that runs codecs is
//! [`Parser`](crate::Parser) in [`codec`](crate::codec).
//!
//! ```
//! use tcpwire::codec::CustomOption;
//! let option = CustomOption::opaque("my_option", &[99, 4, 1, 2], None)?;
//! assert_eq!((option.kind(), option.body()), (99, &[1, 2][..]));
//! # Ok::<(), tcpwire::Error>(())
//! ```

use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::panic::RefUnwindSafe;
use std::sync::Arc;

use serde::Serialize;

use crate::bytes::InlineBytes;
use crate::element::{put_slice, OptionBody};
use crate::error::{Error, LengthSet, MalformedReason};
use crate::registry::MptcpSubtype;

use super::MAX_OPTION_AREA;

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

/// A codec's value with its type erased. `RefUnwindSafe` keeps `TcpOption` unwind-safe.
pub(crate) type AnyValue = dyn Any + Send + Sync + RefUnwindSafe;

/// [`OptionCodec`] with its value type erased.
pub(crate) trait ErasedCodec: Send + Sync + RefUnwindSafe {
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

/// An option decoded by a user's codec ([`TcpOption::Custom`](crate::TcpOption::Custom)): its
/// exact bytes, the codec's name, and (unless it came from JSON) the codec's value.
///
/// Equality and hashing look at the bytes and whether it is an MPTCP subtype, nothing else,
/// so a value equals its JSON round trip. Cloning is cheap (a shared pointer), and the type is
/// one pointer wide, so it does not grow `TcpOption`.
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
    /// [`TcpOption::validate`](crate::TcpOption::validate)).
    pub fn validate(&self) -> Result<(), Error> {
        check_bytes(self.bytes(), self.0.mptcp_subtype).map(|_| ())
    }
}

/// Checks that `bytes` is one well-framed option (and, for an MPTCP subtype codec, a kind-30
/// option of that subtype).
pub(crate) fn check_bytes(
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

impl CustomOption {
    /// An option a registered codec decoded (`bytes` checked by [`check_bytes`]).
    pub(crate) fn decoded(
        bytes: InlineBytes<MAX_OPTION_AREA>,
        mptcp_subtype: Option<u8>,
        value: Box<AnyValue>,
        codec: &Arc<dyn ErasedCodec>,
    ) -> Self {
        Self(Arc::new(CustomInner {
            bytes,
            mptcp_subtype,
            name: codec.name().into(),
            decoded: Some((value, Arc::clone(codec))),
        }))
    }
}

/// A custom option keeps its own kind and bytes; the table dispatches to it like to any kind.
impl OptionBody for CustomOption {
    const NAME_FOR_ERRORS: &'static str = "custom option";

    fn lengths(_: u8) -> LengthSet {
        LengthSet::range(2, 40)
    }

    /// Never called: custom options come from a [`Parser`](crate::Parser)'s codecs.
    fn parse(kind: u8, body: &[u8]) -> Result<Self, MalformedReason> {
        Err(MalformedReason::BadLength {
            length: crate::element::length_of(body),
            allowed: Self::lengths(kind),
        })
    }

    fn encoded_len(&self) -> usize {
        self.bytes().len()
    }

    fn validate(&self, _: u8) -> Result<(), Error> {
        CustomOption::validate(self)
    }

    fn write<'o>(&self, _: u8, out: &'o mut [u8]) -> Option<&'o mut [u8]> {
        put_slice(out, self.bytes())
    }
}

// Serde record and text form.

use crate::element::{RecordForm, TextForm};
use crate::record::bytes;
use crate::record::{Ctx, Record, Schema};
use crate::text::opt_hex;

/// A custom option's codec fields in its record: written as a map, ignored when read (the
/// codec's value cannot be rebuilt without the codec).
pub(crate) struct CodecFields(Vec<(String, FieldValue)>);

impl Serialize for CodecFields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for CodecFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| CodecFields(Vec::new()))
    }
}

impl<S: Schema<Fields = CodecFields>> RecordForm<S> for CustomOption {
    fn to_record(&self, r: &mut Record<S>) {
        r.name = Some(self.name().to_owned());
        r.mptcp_subtype = self.mptcp_subtype().map(MptcpSubtype::value);
        r.bytes = bytes(self.bytes());
        let fields = self.fields();
        if !fields.is_empty() {
            r.fields = Some(CodecFields(fields));
        }
    }

    /// An opaque option with the record's bytes (the codec's fields are dropped).
    fn from_record(_: Option<u8>, r: &mut Record<S>, f: &Ctx<'_>) -> Result<Self, String> {
        let name = f.need(r.name.take(), "name")?;
        let bytes = f.need(r.bytes.take(), "bytes")?;
        r.fields = None;
        CustomOption::opaque(&name, bytes.as_slice(), r.mptcp_subtype.take())
            .map_err(|e| f.err(format_args!("{e}")))
    }
}

/// The codec's name and the body in hex, after `mptcp ` for an MPTCP subtype codec.
impl TextForm for CustomOption {
    fn text(&self, _: u8, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.mptcp_subtype().is_some() {
            f.write_str("mptcp ")?;
        }
        f.write_str(self.name())?;
        opt_hex(f, self.body())
    }
}
