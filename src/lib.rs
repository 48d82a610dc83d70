#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! tcpwire: TCP segments as owned, typed values, and back into the very same bytes.
//!
//! ```
//! use tcpwire::{TcpSegment, TcpOption};
//! // A Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
//! let bytes = tcpwire::from_hex(
//!     "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
//! ).unwrap();
//! let segment = TcpSegment::parse(&bytes).unwrap();
//! assert!(segment.header.flags.syn());
//! assert_eq!(segment.header.options[0], TcpOption::Mss { mss: 1460 });
//! assert_eq!(segment.header.options[4], TcpOption::WindowScale { shift: 7 });
//! // Every byte comes back out.
//! assert_eq!(segment.to_bytes().unwrap(), bytes);
//! ```

#[cfg(feature = "quickcheck")]
mod arbitrary;
pub mod builder;
mod bytes;
#[cfg(feature = "capture")]
pub mod capture;
pub mod checksum;
pub mod codec;
mod error;
pub mod harness;
mod header;
pub mod mptcp;
mod option;
pub mod ports;
pub mod registry;

pub use builder::{Builder, TcpHeaderBuilder, TcpSegmentBuilder};
pub use bytes::{from_hex, to_hex, HexError, InlineBytes};
pub use codec::{CustomOption, OptionCodec, Parser};
pub use error::{Error, LengthSet, MalformedReason};
pub use header::{gen_header, gen_segment, Flags, TcpHeader, TcpSegment, FIXED_HEADER_LEN};
pub use mptcp::MptcpOption;
pub use option::{
    allowed_lengths, gen_option, is_decoded_kind, parse_options, AccEcnCounters, Granularity,
    OptionList, ParseMode, SackBlock, SackBlocks, TcpOption, EXID_FAST_OPEN, MAX_OPTION_AREA,
};
pub use registry::{AltChecksumAlgorithm, MptcpSubtype, TcpOptionKind, TcpRstReason};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
