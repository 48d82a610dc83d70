#![forbid(unsafe_code)]
#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, Cargo.toml's package.metadata.docs.rs) labels every item gated by a
// feature with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
//! tcpwire: TCP segments as owned, typed values, and back into the very same bytes.
//!
//! ```
//! use tcpwire::option::{Mss, WindowScale};
//! use tcpwire::{TcpOption, TcpSegment};
//! // A Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
//! let bytes = tcpwire::from_hex(
//!     "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
//! ).unwrap();
//! let segment = TcpSegment::parse(&bytes).unwrap();
//! assert!(segment.header.flags.syn());
//! assert_eq!(segment.header.options[0], TcpOption::Mss(Mss { mss: 1460 }));
//! assert_eq!(segment.header.options[4], TcpOption::WindowScale(WindowScale { shift: 7 }));
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
//! - [`TcpOption`] has a variant per IANA option kind, each holding its kind's type from
//!   [`option`] (one file per kind); [`MptcpOption`] one per Multipath TCP subtype of both
//!   versions, decided from the option's own bytes ([`mptcp`]).
//! - [`TcpHeaderView`] ([`view`]) reads a header in place without building the owned value:
//!   fixed fields on demand, options decoded one at a time as borrowed, typed values
//!   ([`option::OptionView`], MPTCP subtypes included), no allocation; its `to_owned` equals
//!   lossless parsing.
//! - [`wire`] has the length rules and generators, for tools that build bytes by hand.
//! - [`builder`] makes canonical segments (data offset, padding, checksum); [`checksum`]
//!   computes and verifies checksums over IPv4/IPv6 pseudo-headers, on values or raw bytes,
//!   and tells a wrong checksum from transmit offload ([`checksum::ChecksumVerdict`]).
//! - [`signature`] (feature `signatures`) verifies and computes TCP-MD5 and TCP-AO signatures.
//! - [`registry`] holds the IANA registries as open enums, [`ports`] TCP service names.
//! - [`codec`] lets a [`Parser`] decode kinds or MPTCP subtypes this crate does not know.
//! - [`capture`] (feature `capture`) reads pcap/pcapng and finds TCP in each frame, in bounded
//!   memory.
//! - [`columnar`] (feature `parquet`) turns captures into Arrow record batches, Parquet and
//!   Arrow IPC files with every option kept byte for byte, and reads the headers back.
//! - [`harness`] is for test suites: byte-exact round trips (`check_roundtrip`), well-formed
//!   segments (`check_wellformed`), your decoder or encoder against tcpwire (`Differential`),
//!   and generator profiles for property tests.
//! - [`flow`] files segments under their connections; `analysis` (feature `analysis`) checks
//!   Multipath TCP connections on top of it: keys, tokens, HMACs, DSS checksums, 64-bit data
//!   sequence numbers.
//! - Every type is serde-serializable in every format: human-readable ones (JSON) get flat
//!   records (`{"kind": 2, "type": "mss", "mss": 1460}`, byte strings in hex, 64-bit sequence
//!   numbers as decimal strings), binary ones (CBOR, bincode, ...) an option's wire bytes. With
//!   the feature `quickcheck` every type is quickcheck's `Arbitrary`, with `arbitrary` the
//!   `arbitrary` crate's.
//! - Headers, segments and options print as one tcpdump-like line (`Display`), parse from bytes
//!   (`TryFrom<&[u8]>`), and have typed accessors (`TcpHeader::mss`, `timestamps`, `dss`, ...).
//!
//! The three uses, each with an example: as a dependency (above; `examples/edit_header.rs`), as
//! a test harness ([`harness`]; `examples/roundtrip.rs`) and for serde export (the README;
//! `examples/export_cbor.rs`).

mod access;
#[cfg(feature = "analysis")]
#[cfg_attr(docsrs, doc(cfg(feature = "analysis")))]
pub mod analysis;
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
mod element;
mod error;
pub mod flow;
#[cfg(feature = "arbitrary")]
pub mod fuzzing;
pub mod harness;
mod header;
pub mod mptcp;
mod number;
pub mod option;
pub mod ports;
#[cfg(feature = "quickcheck")]
mod random;
mod record;
pub mod registry;
mod serde_form;
#[cfg(feature = "signatures")]
#[cfg_attr(docsrs, doc(cfg(feature = "signatures")))]
pub mod signature;
mod text;
pub mod view;
pub mod wire;

pub use builder::{Builder, TcpHeaderBuilder, TcpSegmentBuilder};
pub use bytes::{from_hex, to_hex, HexError, InlineBytes};
pub use codec::{CustomOption, FieldValue, OptionCodec, Parser};
pub use convert::ParseNameError;
pub use error::{Error, LengthSet, MalformedReason};
pub use header::{Flags, TcpHeader, TcpSegment, FIXED_HEADER_LEN};
pub use mptcp::MptcpOption;
pub use option::{
    parse_options, AccEcnCounters, Granularity, OptionList, ParseMode, SackBlock, SackBlocks,
    TcpOption, EXID_FAST_OPEN, MAX_OPTION_AREA,
};
pub use registry::{AltChecksumAlgorithm, MptcpSubtype, OtherValue, TcpOptionKind, TcpRstReason};
pub use view::TcpHeaderView;

/// The crates whose types appear in this crate's API, re-exported so that users name the very
/// versions this crate uses: `smallvec` holds option lists and SACK blocks, `cookie_factory`
/// gives the generators' [`SerializeFn`](cookie_factory::SerializeFn).
pub use cookie_factory;
pub use smallvec;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
