//! The compact JSON of the command line's output lines, written straight into a byte buffer.
//!
//! The bytes are serde_json's compact form (`serde_json::to_writer`), byte for byte: the same
//! punctuation, the same escapes (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u00XX` in
//! lowercase hex for the other control characters, nothing else escaped), the same integers
//! (itoa, which serde_json uses), and floats written by serde_json itself. What it saves is
//! serde_json's per-byte escaping of every key and string through its `Formatter` calls and
//! the writes into the output one token at a time: strings are checked for characters to
//! escape eight bytes at a time and copied whole, struct field names (which never need
//! escaping) are copied as they are, and a line is built in a reused buffer and written once.
//! The unit tests compare it with serde_json on every shape serde has.

use std::fmt::{self, Display, Write as _};

use serde::ser::{self, Impossible, Serialize};

pub use values::{Addr, Timestamp};

mod values;

/// The error type: serde_json's, so messages read as before.
pub type Error = serde_json::Error;

/// Appends `value` as compact JSON to `out`.
pub fn to_vec<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut Json { out })
}

/// The serializer: the buffer written to.
struct Json<'a> {
    out: &'a mut Vec<u8>,
}

/// Whether a byte must be escaped in a JSON string (the control characters, `"` and `\`).
#[inline(always)]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether any of 8 bytes must be escaped: one is below 0x20, `"` or `\` (the exact SWAR
/// tests "has a byte less than n" and "has a zero byte", over the word and its XORs).
#[inline(always)]
fn word_needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = x.wrapping_sub(ONES * 0x20) & !x;
    let quote = x ^ (ONES * u64::from(b'"'));
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = x ^ (ONES * u64::from(b'\\'));
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (control | quote | backslash) & HIGH != 0
}

/// Whether any byte of `bytes` must be escaped, eight at a time.
#[inline]
fn any_needs_escape(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word: [u8; 8] = word.try_into().unwrap_or_default();
        if word_needs_escape(u64::from_le_bytes(word)) {
            return true;
        }
    }
    words.remainder().iter().any(|&b| needs_escape(b))
}

/// Appends the contents of a string (without quotes), escaped as serde_json escapes them.
#[inline]
fn put_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if any_needs_escape(bytes) {
        put_escaped_slow(out, bytes);
    } else {
        out.extend_from_slice(bytes);
    }
}

#[cold]
fn put_escaped_slow(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        if !needs_escape(b) {
            out.push(b);
            continue;
        }
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            _ => 0,
        };
        if short != 0 {
            out.extend_from_slice(&[b'\\', short]);
        } else {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        }
    }
}

/// Appends a quoted, escaped string.
#[inline]
fn put_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    put_escaped(out, s);
    out.push(b'"');
}

/// Appends a struct field's name and the colon. Field names are Rust names or the snake_case
/// renames of the crate's types, never a character JSON escapes, so they are copied without
/// the scan (a debug assertion checks it; the tests run every line type through it).
#[inline]
fn put_field_name(out: &mut Vec<u8>, name: &'static str) {
    debug_assert!(!any_needs_escape(name.as_bytes()), "field name {name:?}");
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Appends an integer as itoa (and so serde_json) writes it.
#[inline]
fn put_int<I: itoa::Integer>(out: &mut Vec<u8>, value: I) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// Appends a float as serde_json writes it (`null` when not finite).
fn put_float<F: Serialize>(out: &mut Vec<u8>, value: F) -> Result<(), Error> {
    serde_json::to_writer(out, &value)
}

/// Escapes what a `Display` writes, as it is written (`collect_str`).
struct Escaping<'a>(&'a mut Vec<u8>);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        put_escaped(self.0, s);
        Ok(())
    }
}

/// An object or array being written: whether nothing was written in it yet (`First`), or it
/// was closed at once because its length was given as 0 (`Empty`), as in serde_json.
#[derive(PartialEq, Eq)]
enum State {
    Empty,
    First,
    Rest,
}

/// An object or array in progress.
struct Compound<'s, 'a> {
    json: &'s mut Json<'a>,
    state: State,
}

impl Compound<'_, '_> {
    /// The separator before an element or a key.
    #[inline]
    fn separate(&mut self) {
        if self.state != State::First {
            self.json.out.push(b',');
        }
        self.state = State::Rest;
    }

    /// Closes with `close` unless it was closed at once.
    #[inline]
    fn close(self, close: u8) {
        if self.state != State::Empty {
            self.json.out.push(close);
        }
    }
}

impl<'s, 'a> Json<'a> {
    /// Opens an object or array (`open`), closing it at once when `len` is `Some(0)`.
    #[inline]
    fn open(&'s mut self, open: u8, close: u8, len: Option<usize>) -> Compound<'s, 'a> {
        self.out.push(open);
        let state = if len == Some(0) {
            self.out.push(close);
            State::Empty
        } else {
            State::First
        };
        Compound { json: self, state }
    }

    /// `{"variant":` of an externally tagged variant.
    fn variant_key(&mut self, variant: &str) {
        self.out.push(b'{');
        put_str(self.out, variant);
        self.out.push(b':');
    }
}

macro_rules! ints {
    ($($method:ident: $ty:ty),*) => {$(
        #[inline]
        fn $method(self, v: $ty) -> Result<(), Error> {
            put_int(self.out, v);
            Ok(())
        }
    )*};
}

impl<'s, 'a> ser::Serializer for &'s mut Json<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'s, 'a>;
    type SerializeTuple = Compound<'s, 'a>;
    type SerializeTupleStruct = Compound<'s, 'a>;
    type SerializeTupleVariant = Compound<'s, 'a>;
    type SerializeMap = Compound<'s, 'a>;
    type SerializeStruct = Compound<'s, 'a>;
    type SerializeStructVariant = Compound<'s, 'a>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { &b"true"[..] } else { &b"false"[..] });
        Ok(())
    }

    ints!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128);

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        put_float(self.out, v)
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        put_float(self.out, v)
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        put_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        put_str(self.out, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut seq = self.open(b'[', b']', None);
        for &b in v {
            seq.separate();
            put_int(seq.json.out, b);
        }
        seq.close(b']');
        Ok(())
    }

    #[inline]
    fn serialize_none(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }

    #[inline]
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        put_str(self.out, variant);
        Ok(())
    }

    #[inline]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant_key(variant);
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'s, 'a>, Error> {
        Ok(self.open(b'[', b']', len))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'s, 'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'a>, Error> {
        self.variant_key(variant);
        self.serialize_seq(Some(len))
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'s, 'a>, Error> {
        Ok(self.open(b'{', b'}', len))
    }

    #[inline]
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'s, 'a>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'a>, Error> {
        self.variant_key(variant);
        self.serialize_map(Some(len))
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.out.push(b'"');
        write!(Escaping(self.out), "{value}")
            .map_err(|_| ser::Error::custom("a Display implementation returned an error"))?;
        self.out.push(b'"');
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.separate();
        value.serialize(&mut *self.json)
    }

    #[inline]
    fn end(self) -> Result<(), Error> {
        self.close(b']');
        Ok(())
    }
}

/// Tuples and tuple structs are arrays, as sequences are; a tuple variant is one inside
/// `{"variant":...}`, closed by the outer `}`.
macro_rules! as_array {
    ($($trait:ident::$method:ident, outer $outer:expr;)*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                ser::SerializeSeq::serialize_element(self, value)
            }

            fn end(self) -> Result<(), Error> {
                let json = self.close_inner(b']');
                if let Some(outer) = $outer {
                    json.out.push(outer);
                }
                Ok(())
            }
        }
    )*};
}

as_array! {
    SerializeTuple::serialize_element, outer None;
    SerializeTupleStruct::serialize_field, outer None;
    SerializeTupleVariant::serialize_field, outer Some(b'}');
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.separate();
        key.serialize(Key(&mut *self.json))
    }

    #[inline]
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.json.out.push(b':');
        value.serialize(&mut *self.json)
    }

    #[inline]
    fn end(self) -> Result<(), Error> {
        self.close(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.separate();
        put_field_name(self.json.out, key);
        value.serialize(&mut *self.json)
    }

    #[inline]
    fn end(self) -> Result<(), Error> {
        ser::SerializeMap::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result<(), Error> {
        let json = self.close_inner(b'}');
        json.out.push(b'}');
        Ok(())
    }
}

impl<'s, 'a> Compound<'s, 'a> {
    /// Closes the inner object or array of a variant, giving back the serializer for the
    /// outer `}`.
    fn close_inner(self, close: u8) -> &'s mut Json<'a> {
        if self.state != State::Empty {
            self.json.out.push(close);
        }
        self.json
    }
}

/// A map key: a string, or a number or boolean written as one, as serde_json allows.
struct Key<'s, 'a>(&'s mut Json<'a>);

/// A float key, quoted; one that is not finite is refused.
fn quoted_float<F: Serialize>(out: &mut Vec<u8>, v: F, finite: bool) -> Result<(), Error> {
    if !finite {
        return Err(ser::Error::custom(
            "float key must be finite (got NaN or +/-inf)",
        ));
    }
    out.push(b'"');
    put_float(out, v)?;
    out.push(b'"');
    Ok(())
}

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

macro_rules! quoted_ints {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<(), Error> {
            self.0.out.push(b'"');
            put_int(self.0.out, v);
            self.0.out.push(b'"');
            Ok(())
        }
    )*};
}

impl ser::Serializer for Key<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    #[inline]
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        put_str(self.0.out, v);
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.serialize_str(if v { "true" } else { "false" })
    }

    quoted_ints!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128);

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        quoted_float(self.0.out, v, v.is_finite())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        quoted_float(self.0.out, v, v.is_finite())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        (&mut *self.0).collect_str(value)
    }
}

#[cfg(test)]
mod tests;
