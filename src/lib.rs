#![forbid(unsafe_code)]
#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, Cargo.toml's package.metadata.docs.rs) labels every item gated by a
// feature with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
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
//!
//! # What is where
//!
//! - [`TcpSegment`] and [`TcpHeader`] parse in two modes: strict ([`TcpSegment::parse`]: a
//!   malformed option is an [`Error::MalformedOption`] naming kind, offset and the lengths
//!   allowed) and lossless ([`TcpSegment::parse_lossless`]: it is kept as
//!   [`TcpOption::Malformed`], so `to_bytes` gives back exactly the input).
//! - [`TcpOption`] has a variant per IANA option kind; [`MptcpOption`] one per Multipath TCP
//!   subtype of both versions, decided from the option's own bytes.
//! - [`builder`] makes canonical segments (data offset, padding, checksum); [`checksum`]
//!   computes and verifies checksums over IPv4/IPv6 pseudo-headers, on values or raw bytes.
//! - [`registry`] holds the IANA registries as open enums, [`ports`] TCP service names.
//! - [`codec`] lets a [`Parser`] decode kinds or MPTCP subtypes this crate does not know.
//! - [`capture`] (feature `capture`) reads pcap/pcapng and finds TCP in each frame;
//!   [`harness`] checks byte-exact round trips for test suites.
//! - [`columnar`] (feature `parquet`) turns captures into Arrow record batches, Parquet and
//!   Arrow IPC files with every option kept byte for byte, and reads the headers back.
//! - Every type is serde-serializable; in JSON, byte strings are hex and 64-bit sequence numbers
//!   are decimal strings. With the feature `quickcheck`, every type is `Arbitrary`.

mod access;
#[cfg(feature = "quickcheck")]
mod arbitrary;
pub mod builder;
mod bytes;
#[cfg(feature = "capture")]
#[cfg_attr(docsrs, doc(cfg(feature = "capture")))]
pub mod capture;
pub mod checksum;
pub mod codec;
#[cfg(feature = "parquet")]
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub mod columnar;
mod convert;
mod display;
mod error;
pub mod flow;
#[cfg(feature = "arbitrary")]
pub mod fuzzing;
pub mod harness;
mod header;
pub mod mptcp;
mod number;
mod option;
pub mod ports;
pub mod registry;
mod serde_form;

pub use builder::{Builder, TcpHeaderBuilder, TcpSegmentBuilder};
pub use bytes::{from_hex, to_hex, HexError, InlineBytes};
pub use codec::{CustomOption, FieldValue, OptionCodec, Parser};
pub use convert::ParseNameError;
pub use error::{Error, LengthSet, MalformedReason};
pub use header::{gen_header, gen_segment, Flags, TcpHeader, TcpSegment, FIXED_HEADER_LEN};
pub use mptcp::MptcpOption;
pub use option::{
    allowed_lengths, gen_option, is_decoded_kind, parse_options, AccEcnCounters, Granularity,
    OptionList, ParseMode, SackBlock, SackBlocks, TcpOption, EXID_FAST_OPEN, MAX_OPTION_AREA,
};
pub use registry::{AltChecksumAlgorithm, MptcpSubtype, OtherValue, TcpOptionKind, TcpRstReason};

/// The crates whose types appear in this crate's API, re-exported so that users name the very
/// versions this crate uses: `smallvec` holds option lists and SACK blocks, `cookie_factory`
/// gives the generators' [`SerializeFn`](cookie_factory::SerializeFn).
pub use cookie_factory;
pub use smallvec;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
