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

use std::fmt;
use std::sync::Arc;

use crate::bytes::InlineBytes;
use crate::error::Error;
use crate::header::{TcpHeader, TcpSegment, FIXED_HEADER_LEN};
use crate::option::custom::{check_bytes, ErasedCodec};
pub use crate::option::custom::{CustomOption, FieldValue, OptionCodec};
use crate::option::{OptionList, ParseMode, TcpOption, MAX_OPTION_AREA};
use crate::registry::MptcpSubtype;

/// Kind of the Multipath TCP option.
const KIND_MPTCP: u8 = 30;

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
    Some(CustomOption::decoded(
        bytes,
        mptcp_subtype,
        value,
        &registered.codec,
    ))
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
