//! Small owned byte strings with inline storage, and the hex helpers the JSON form uses.
//!
//! Every variable-length field in a TCP header is bounded by the 40-byte option area, so
//! [`InlineBytes`] keeps its bytes in a fixed array next to a length: parsing a header never
//! touches the heap for them.

use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// An owned byte string of at most `N` bytes, stored inline (no heap allocation).
///
/// Equality, ordering and hashing look only at the bytes in use. In human-readable serde
/// formats (JSON) it is a lowercase hex string; in binary formats it is a byte string.
///
/// ```
/// use tcpwire::InlineBytes;
/// let cookie = InlineBytes::<16>::from_slice(&[0xde, 0xad, 0xbe, 0xef]).unwrap();
/// assert_eq!(cookie.as_slice(), &[0xde, 0xad, 0xbe, 0xef]);
/// assert_eq!(cookie.to_string(), "deadbeef");
/// assert!(InlineBytes::<2>::from_slice(&[1, 2, 3]).is_none());
/// ```
#[derive(Clone, Copy)]
pub struct InlineBytes<const N: usize> {
    len: u8,
    buf: [u8; N],
}

impl<const N: usize> InlineBytes<N> {
    /// The maximum number of bytes this type holds.
    pub const CAPACITY: usize = N;

    /// An empty byte string.
    pub const fn new() -> Self {
        Self {
            len: 0,
            buf: [0; N],
        }
    }

    /// Copies `bytes`, or returns `None` when there are more than `N` of them.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut out = Self::new();
        out.buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
        out.len = u8::try_from(bytes.len()).ok()?;
        Some(out)
    }

    /// `bytes` inline, for slices a parser has already bounded to `N` bytes (a borrowed
    /// option's fields); a longer slice, which no parser lets through, gives empty bytes.
    #[inline(always)]
    pub(crate) fn from_bounded(bytes: &[u8]) -> Self {
        Self::from_slice(bytes).unwrap_or_default()
    }

    /// The bytes held.
    pub fn as_slice(&self) -> &[u8] {
        // `len <= N` is an invariant of every constructor; `get` keeps this total anyway.
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// How many bytes are held.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether no bytes are held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> Default for InlineBytes<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> std::ops::Deref for InlineBytes<N> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl<const N: usize> AsRef<[u8]> for InlineBytes<N> {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl<const N: usize> PartialEq for InlineBytes<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}
impl<const N: usize> Eq for InlineBytes<N> {}

impl<const N: usize> PartialOrd for InlineBytes<N> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<const N: usize> Ord for InlineBytes<N> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl<const N: usize> std::hash::Hash for InlineBytes<N> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<const N: usize> fmt::Debug for InlineBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hex\"{self}\"")
    }
}

/// Lowercase hex, two digits per byte.
impl<const N: usize> fmt::Display for InlineBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, self.as_slice())
    }
}

impl<const N: usize> TryFrom<&[u8]> for InlineBytes<N> {
    type Error = crate::Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        Self::from_slice(bytes).ok_or(crate::Error::TooLong {
            what: "byte string",
            length: bytes.len(),
            max: N,
        })
    }
}

impl<const N: usize> Serialize for InlineBytes<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_bytes(self.as_slice(), serializer)
    }
}

impl<'de, const N: usize> Deserialize<'de> for InlineBytes<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut out = Self::new();
        let len = deserialize_bytes_into(deserializer, &mut out.buf)?;
        out.len = u8::try_from(len).map_err(de::Error::custom)?;
        Ok(out)
    }
}

/// Writes `bytes` as lowercase hex.
pub(crate) fn write_hex(f: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Up to 32 bytes at a time through a stack buffer: one `write_str` per chunk rather than a
    // formatting call per byte (this is the hot part of every hex field in JSON lines).
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(32) {
        for (pair, &b) in buf.chunks_exact_mut(2).zip(chunk) {
            pair.copy_from_slice(&[DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]]);
        }
        let text = buf.get(..chunk.len() * 2).unwrap_or_default();
        // Hex digits are ASCII, so this never fails.
        f.write_str(std::str::from_utf8(text).unwrap_or_default())?;
    }
    Ok(())
}

/// `bytes` as a lowercase hex string.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    // Writing into a String cannot fail.
    let _ = write_hex(&mut s, bytes);
    s
}

/// Decodes a hex string, in either case, as people paste it: whitespace (line breaks
/// included) is ignored anywhere, a `0x` or `0X` prefix may open the string and each group
/// after whitespace, `:` or `-`, and `:` and `-` may separate bytes. The digits must come in
/// pairs: an odd count is an error, and so is a separator or a `0x` that splits a byte.
/// Errors give the offending character and its byte offset in `s`.
///
/// ```
/// use tcpwire::{from_hex, HexError};
/// assert_eq!(from_hex("00ff10").unwrap(), [0x00, 0xff, 0x10]);
/// assert_eq!(from_hex("0x00FF 10\n").unwrap(), [0x00, 0xff, 0x10]);
/// assert_eq!(from_hex("0xc3 0x50 0x01 0xbb").unwrap(), [0xc3, 0x50, 0x01, 0xbb]);
/// assert_eq!(from_hex("c3:50-01 bb").unwrap(), [0xc3, 0x50, 0x01, 0xbb]);
/// assert_eq!(from_hex("0"), Err(HexError::OddLength(1)));
/// assert_eq!(
///     from_hex("00 zz"),
///     Err(HexError::InvalidDigit { character: 'z', position: 3 })
/// );
/// assert_eq!(from_hex("0:0"), Err(HexError::SplitByte { separator: ":", position: 1 }));
/// ```
pub fn from_hex(s: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut high: Option<u8> = None;
    let mut digits = 0usize;
    // Where a `0x` may stand: at the start, and after whitespace or a separator.
    let mut group_start = true;
    let mut chars = s.char_indices().peekable();
    while let Some((position, character)) = chars.next() {
        if character.is_whitespace() {
            group_start = true;
            continue;
        }
        let prefix =
            group_start && character == '0' && matches!(chars.peek(), Some((_, 'x' | 'X')));
        let separator = match character {
            _ if prefix => Some("0x"),
            ':' => Some(":"),
            '-' => Some("-"),
            _ => None,
        };
        if let Some(separator) = separator {
            if high.is_some() {
                return Err(HexError::SplitByte {
                    separator,
                    position,
                });
            }
            if prefix {
                chars.next();
            }
            group_start = true;
            continue;
        }
        group_start = false;
        let digit = character
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
            .ok_or(HexError::InvalidDigit {
                character,
                position,
            })?;
        digits += 1;
        match high.take() {
            None => high = Some(digit),
            Some(h) => out.push((h << 4) | digit),
        }
    }
    if high.is_some() {
        return Err(HexError::OddLength(digits));
    }
    Ok(out)
}

/// Why a hex string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HexError {
    /// The string has an odd number of digits.
    #[error("hex string has an odd number of digits ({0})")]
    OddLength(usize),
    /// A character that is not a hex digit, whitespace or a separator.
    #[error("invalid hex digit {character:?} at position {position}")]
    InvalidDigit {
        /// The offending character.
        character: char,
        /// Its byte offset in the string.
        position: usize,
    },
    /// A separator (`:`, `-` or a `0x` prefix) after an odd number of digits: it would split
    /// a byte in two.
    #[error("{separator:?} at position {position} splits a byte (an odd number of hex digits comes before it)")]
    SplitByte {
        /// The separator as written (`0x` for either case of the prefix).
        separator: &'static str,
        /// Its byte offset in the string.
        position: usize,
    },
    /// More bytes than the destination holds.
    #[error("hex string decodes to more than {0} bytes")]
    TooLong(usize),
}

/// Strict decoding for serde: an even number of digits and nothing else.
fn decode_hex(s: &str, mut push: impl FnMut(u8) -> bool) -> Result<usize, HexError> {
    let digits = s.as_bytes();
    if digits.len() % 2 != 0 {
        return Err(HexError::OddLength(digits.len()));
    }
    let digit = |i: usize, c: u8| -> Result<u8, HexError> {
        (c as char)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or(HexError::InvalidDigit {
                character: c as char,
                position: i,
            })
    };
    let mut n = 0;
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        if let [hi, lo] = *pair {
            let byte = (digit(2 * i, hi)? << 4) | digit(2 * i + 1, lo)?;
            if !push(byte) {
                return Err(HexError::TooLong(n));
            }
            n += 1;
        }
    }
    Ok(n)
}

/// Serializes bytes as a hex string (human-readable formats) or a byte string.
pub(crate) fn serialize_bytes<S: Serializer>(
    bytes: &[u8],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        serializer.collect_str(&HexDisplay(bytes))
    } else {
        serializer.serialize_bytes(bytes)
    }
}

struct HexDisplay<'a>(&'a [u8]);
impl fmt::Display for HexDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, self.0)
    }
}

/// Deserializes a hex string, byte string or sequence of numbers into `buf`, returning the
/// number of bytes written; more than `buf.len()` bytes is an error.
pub(crate) fn deserialize_bytes_into<'de, D: Deserializer<'de>>(
    deserializer: D,
    buf: &mut [u8],
) -> Result<usize, D::Error> {
    struct Into<'b>(&'b mut [u8]);
    impl<'de> Visitor<'de> for Into<'_> {
        type Value = usize;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "a hex string or byte string of at most {} bytes",
                self.0.len()
            )
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
            let mut slots = self.0.iter_mut();
            decode_hex(v, |b| match slots.next() {
                Some(slot) => {
                    *slot = b;
                    true
                }
                None => false,
            })
            .map_err(E::custom)
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
            let cap = self.0.len();
            let dst = self
                .0
                .get_mut(..v.len())
                .ok_or_else(|| E::custom(HexError::TooLong(cap)))?;
            dst.copy_from_slice(v);
            Ok(v.len())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            let cap = self.0.len();
            let mut n = 0;
            while let Some(b) = seq.next_element::<u8>()? {
                let slot = self
                    .0
                    .get_mut(n)
                    .ok_or_else(|| de::Error::custom(HexError::TooLong(cap)))?;
                *slot = b;
                n += 1;
            }
            Ok(n)
        }
    }
    if deserializer.is_human_readable() {
        deserializer.deserialize_str(Into(buf))
    } else {
        deserializer.deserialize_bytes(Into(buf))
    }
}

/// serde `with` module: `Vec<u8>` as hex (human-readable) or bytes.
pub(crate) mod hex_vec {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        serialize_bytes(v, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a hex string or byte string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
                from_hex(v).map_err(E::custom)
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        if d.is_human_readable() {
            d.deserialize_str(V)
        } else {
            d.deserialize_byte_buf(V)
        }
    }
}

/// A `u64` serialized as [`u64_string`] does: a decimal string in human-readable formats.
#[derive(Clone, Copy)]
pub(crate) struct U64Text(pub(crate) u64);

impl Serialize for U64Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        u64_string::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for U64Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u64_string::deserialize(d).map(U64Text)
    }
}

/// serde `with` module: `u64` as a decimal string in human-readable formats, so readers that
/// hold numbers as doubles (jq, JavaScript) do not corrupt values above 2^53.
#[allow(dead_code)] // used by the MPTCP types
pub(crate) mod u64_string {
    use super::*;

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(v)
        } else {
            s.serialize_u64(*v)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = u64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a u64 as a decimal string or number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
                Ok(v)
            }
        }
        if d.is_human_readable() {
            d.deserialize_any(V)
        } else {
            d.deserialize_u64(V)
        }
    }
}
