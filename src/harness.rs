//! Test-harness tools: does a TCP segment survive tcpwire unchanged, is it well-formed, and
//! does your own decoder agree with tcpwire?
//!
//! - [`check_roundtrip`] takes the bytes of one TCP segment (header and payload) and checks
//!   the crate's promises on them: (1) lossless parsing accepts them (it refuses only a fixed
//!   header that is unusable); (2) serializing the parsed value gives back exactly the input
//!   bytes; (3) strict parsing agrees: when it succeeds it gives the same value, and when it
//!   fails the lossless value holds a malformed option; (4) with the feature `json`, the
//!   header's JSON form reads back into the same value. Any bytes with a usable fixed header pass, malformed options and
//!   wrong checksums included: that is the point of lossless parsing.
//! - [`check_wellformed`] checks that the segment is what a correct sender writes: strict
//!   parsing succeeds, the padding is canonical, and the checksum is right when the IP
//!   addresses are given.
//! - [`Differential`] compares your own decoder and encoder with tcpwire, field by field, on
//!   your segments, generated ones or a capture's.
//! - With the feature `quickcheck`, [`GenConfig`] and the wrappers [`WellFormed`],
//!   [`CommonKinds`] and [`MptcpOnly`] shape the generated values: well-formed only, common
//!   option kinds only, MPTCP only, a chosen share of malformed options.
//!
//! The `tcpwire roundtrip` command calls [`check_roundtrip`] on every segment of a capture
//! through [`roundtrip_capture`] (feature `capture`).
//!
//! ```
//! use tcpwire::harness::{check_roundtrip, check_wellformed, Mismatch, NotWellFormed};
//! // A Linux SYN: MSS, SACK permitted, timestamps, NOP, window scale.
//! let syn = tcpwire::from_hex(
//!     "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
//! ).unwrap();
//! assert_eq!(check_roundtrip(&syn), Ok(()));
//! assert_eq!(check_wellformed(&syn, None), Ok(()));
//! // SACK permitted with a length byte of 3: still byte-exact, but not well-formed.
//! let mut bad = syn.clone();
//! bad[25] = 3;
//! assert_eq!(check_roundtrip(&bad), Ok(()));
//! assert!(matches!(check_wellformed(&bad, None), Err(NotWellFormed::MalformedOption { index: 1, .. })));
//! // A data offset of 4 is refused before anything else is looked at.
//! bad[12] = 0x40;
//! assert!(matches!(check_roundtrip(&bad), Err(Mismatch::Unparsable(_))));
//! ```

use std::fmt;

use crate::error::Error;
use crate::header::{TcpHeader, TcpSegment, FIXED_HEADER_LEN};

mod differential;
mod wellformed;

pub use differential::{DiffReport, Difference, Differential, Disagreement, Field, Value, View};
pub use wellformed::{check_wellformed, NotWellFormed};

#[cfg(feature = "quickcheck")]
pub use crate::arbitrary::{ArbitraryWith, CommonKinds, GenConfig, Kinds, MptcpOnly, WellFormed};

/// Why a segment failed the round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// Lossless parsing refused the bytes: the fixed header is unusable (too short, or a data
    /// offset below 5 or past the end of the bytes). Nothing can be compared.
    Unparsable(Error),
    /// The parsed value could not be written back.
    Unencodable(Error),
    /// The written bytes differ from the input.
    BytesDiffer(ByteDifference),
    /// Strict parsing disagrees with lossless parsing.
    StrictDisagrees(String),
    /// The header's JSON form does not read back into the same header.
    JsonDiffers(String),
}

/// Where written bytes first differ from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteDifference {
    /// Offset of the first differing byte from the start of the TCP header.
    pub offset: usize,
    /// The input's byte there (`None` when the input is shorter).
    pub expected: Option<u8>,
    /// The written byte there (`None` when the output is shorter).
    pub actual: Option<u8>,
    /// The element of the (input's) segment at that offset.
    pub location: Location,
}

/// An element of a TCP segment, located by byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A field of the fixed header (`src_port`, ..., `urgent_pointer`).
    Field(&'static str),
    /// An option of the header.
    Option {
        /// Its position in the option list (0-based).
        index: usize,
        /// Offset of its kind byte from the start of the header.
        offset: usize,
        /// Its kind byte.
        kind: u8,
        /// Its type name (the JSON `"type"`, e.g. `timestamps`).
        name: &'static str,
    },
    /// The padding after an EOL.
    Padding,
    /// The payload.
    Payload,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Field(name) => write!(f, "header field {name}"),
            Location::Option {
                index,
                offset,
                kind,
                name,
            } => write!(
                f,
                "option {index} ({name}, kind {kind}, at header offset {offset})"
            ),
            Location::Padding => f.write_str("padding after EOL"),
            Location::Payload => f.write_str("payload"),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let byte =
            |b: Option<u8>| b.map_or_else(|| "end of bytes".to_string(), |b| format!("{b:02x}"));
        match self {
            Mismatch::Unparsable(e) => write!(f, "lossless parsing refused the segment: {e}"),
            Mismatch::Unencodable(e) => write!(f, "the parsed segment cannot be written: {e}"),
            Mismatch::BytesDiffer(d) => write!(
                f,
                "first difference at header offset {} in {}: captured {}, written {}",
                d.offset,
                d.location,
                byte(d.expected),
                byte(d.actual)
            ),
            Mismatch::StrictDisagrees(detail) => {
                write!(f, "strict and lossless parsing disagree: {detail}")
            }
            Mismatch::JsonDiffers(detail) => {
                write!(f, "JSON round trip changed the header: {detail}")
            }
        }
    }
}

impl std::error::Error for Mismatch {}

/// Checks that one whole TCP segment (header and payload) survives lossless parsing, writing
/// and JSON unchanged: see the [module docs](self).
pub fn check_roundtrip(bytes: &[u8]) -> Result<(), Mismatch> {
    let lossless = TcpSegment::parse_lossless(bytes).map_err(Mismatch::Unparsable)?;
    let written = lossless.to_bytes().map_err(Mismatch::Unencodable)?;
    compare(&lossless.header, bytes, &written)?;
    check_strict(&lossless.header, TcpSegment::parse(bytes).map(|s| s.header))?;
    check_json(&lossless.header)
}

/// Checks the header at the start of `bytes` alone, for a segment whose payload was not captured
/// (cut short by the snap length): the same checks as [`check_roundtrip`], on the header bytes.
pub fn check_roundtrip_header(bytes: &[u8]) -> Result<(), Mismatch> {
    let lossless = TcpHeader::parse_lossless(bytes).map_err(Mismatch::Unparsable)?;
    let written = lossless.to_bytes().map_err(Mismatch::Unencodable)?;
    let header_bytes = bytes.get(..lossless.header_len()).unwrap_or(bytes);
    compare(&lossless, header_bytes, &written)?;
    check_strict(&lossless, TcpHeader::parse(bytes))?;
    check_json(&lossless)
}

/// Compares the written bytes with the input; on a difference, locates it in `header`.
fn compare(header: &TcpHeader, input: &[u8], written: &[u8]) -> Result<(), Mismatch> {
    if input == written {
        return Ok(());
    }
    let offset = input
        .iter()
        .zip(written)
        .position(|(a, b)| a != b)
        .unwrap_or(input.len().min(written.len()));
    Err(Mismatch::BytesDiffer(ByteDifference {
        offset,
        expected: input.get(offset).copied(),
        actual: written.get(offset).copied(),
        location: locate(header, offset),
    }))
}

fn check_strict(lossless: &TcpHeader, strict: Result<TcpHeader, Error>) -> Result<(), Mismatch> {
    match strict {
        Ok(strict) if strict == *lossless => Ok(()),
        Ok(_) => Err(Mismatch::StrictDisagrees(
            "strict parsing succeeded with a different value".into(),
        )),
        Err(_) if lossless.has_malformed() => Ok(()),
        Err(e) => Err(Mismatch::StrictDisagrees(format!(
            "strict parsing failed ({e}) but lossless parsing kept no malformed option"
        ))),
    }
}

/// The JSON leg (feature `json`; without it there is nothing to check).
#[cfg(not(feature = "json"))]
fn check_json(_header: &TcpHeader) -> Result<(), Mismatch> {
    Ok(())
}

#[cfg(feature = "json")]
fn check_json(header: &TcpHeader) -> Result<(), Mismatch> {
    let json = serde_json::to_string(header)
        .map_err(|e| Mismatch::JsonDiffers(format!("writing JSON: {e}")))?;
    let back: TcpHeader = serde_json::from_str(&json)
        .map_err(|e| Mismatch::JsonDiffers(format!("reading back {json}: {e}")))?;
    if back == *header {
        Ok(())
    } else {
        Err(Mismatch::JsonDiffers(format!(
            "{json} reads back as {back:?}"
        )))
    }
}

/// The element of a segment with this header at `offset` bytes from the header's start.
pub(crate) fn locate(header: &TcpHeader, offset: usize) -> Location {
    const FIELDS: [(usize, &str); 10] = [
        (2, "src_port"),
        (4, "dst_port"),
        (8, "seq"),
        (12, "ack_number"),
        (13, "data_offset/reserved/ae"),
        (14, "flags"),
        (16, "window"),
        (18, "checksum"),
        (20, "urgent_pointer"),
        (FIXED_HEADER_LEN, ""),
    ];
    if let Some((_, name)) = FIELDS.iter().find(|(end, _)| offset < *end) {
        return Location::Field(name);
    }
    let mut start = FIXED_HEADER_LEN;
    for (index, option) in header.options.iter().enumerate() {
        let end = start + option.encoded_len();
        if offset < end {
            return Location::Option {
                index,
                offset: start,
                kind: option.kind(),
                name: option.name(),
            };
        }
        start = end;
    }
    if offset < start + header.padding.len() {
        Location::Padding
    } else {
        Location::Payload
    }
}

#[cfg(feature = "capture")]
pub use self::capture::{roundtrip_capture, FrameMismatch, Report, Skipped, MAX_DETAILED};

#[cfg(feature = "capture")]
mod capture {
    use std::path::Path;

    use serde::Serialize;

    use super::{check_roundtrip, check_roundtrip_header, Mismatch};
    use crate::capture::{find_tcp, CaptureError, CaptureReader, Decapsulated, Frame, SkipReason};
    use crate::error::Error;
    use crate::header::TcpHeader;

    /// The most mismatches a [`Report`] keeps in detail (all are counted).
    pub const MAX_DETAILED: usize = 100;

    /// The round trip of every TCP segment of a capture.
    #[derive(Debug, Default)]
    pub struct Report {
        /// TCP segments checked (whole ones and headers of cut-short ones).
        pub segments: u64,
        /// Segments that passed every check.
        pub exact: u64,
        /// Segments that failed a check.
        pub mismatched: u64,
        /// Of `segments`, those cut short by the snap length whose header alone was checked.
        pub headers_only: u64,
        /// Frames with nothing to check, by reason.
        pub skipped: Skipped,
        /// The first [`MAX_DETAILED`] mismatches.
        pub mismatches: Vec<FrameMismatch>,
        /// The error that stopped reading the capture early, if one did.
        pub read_error: Option<CaptureError>,
    }

    /// Frames a [`Report`] did not check, by reason.
    #[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
    pub struct Skipped {
        /// Packets that are not TCP over IP.
        pub not_tcp: u64,
        /// IP fragments (not reassembled).
        pub fragments: u64,
        /// Frames whose link or IP layer is malformed or cut short before TCP.
        pub malformed_below_tcp: u64,
        /// Frames of a link type the reader does not handle.
        pub unsupported_linktype: u64,
        /// TCP segments whose header was not captured whole (cut short by the snap length, or an IP
        /// length longer than the frame).
        pub header_cut_short: u64,
        /// TCP segments whose fixed header is unusable (data offset below 5 or past the
        /// segment's end): lossless parsing refuses them by design.
        pub header_unusable: u64,
    }

    impl Skipped {
        /// Counts a frame without a TCP segment.
        pub fn count(&mut self, reason: SkipReason) {
            match reason {
                SkipReason::NotTcp => self.not_tcp += 1,
                SkipReason::Fragment => self.fragments += 1,
                SkipReason::UnsupportedLinktype(_) => self.unsupported_linktype += 1,
            }
        }

        /// All skipped frames.
        pub fn total(&self) -> u64 {
            self.not_tcp
                + self.fragments
                + self.malformed_below_tcp
                + self.unsupported_linktype
                + self.header_cut_short
                + self.header_unusable
        }

        /// Adds another count to this one.
        pub fn add(&mut self, other: &Skipped) {
            self.not_tcp += other.not_tcp;
            self.fragments += other.fragments;
            self.malformed_below_tcp += other.malformed_below_tcp;
            self.unsupported_linktype += other.unsupported_linktype;
            self.header_cut_short += other.header_cut_short;
            self.header_unusable += other.header_unusable;
        }

        /// The non-zero reasons as `name count` pairs, e.g. `not TCP 3, fragments 1`.
        pub fn breakdown(&self) -> String {
            [
                ("not TCP", self.not_tcp),
                ("IP fragments", self.fragments),
                ("malformed below TCP", self.malformed_below_tcp),
                ("unsupported link type", self.unsupported_linktype),
                ("TCP header not captured whole", self.header_cut_short),
                ("TCP header unusable", self.header_unusable),
            ]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
        }
    }

    /// A mismatch and the frame it was found in.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct FrameMismatch {
        /// The frame number (1-based).
        pub frame: u64,
        /// What went wrong.
        pub mismatch: Mismatch,
    }

    impl Report {
        /// Checks the TCP segment of one frame, if it has one, and counts the outcome.
        pub fn record(&mut self, frame: &Frame) {
            let tcp = match find_tcp(frame.linktype, &frame.data) {
                Decapsulated::Tcp(tcp) => tcp,
                Decapsulated::Fragment => return self.skipped.count(SkipReason::Fragment),
                Decapsulated::NotTcp => return self.skipped.count(SkipReason::NotTcp),
                Decapsulated::UnsupportedLinktype(linktype) => {
                    return self
                        .skipped
                        .count(SkipReason::UnsupportedLinktype(linktype))
                }
                Decapsulated::Malformed(_) => return self.skipped.malformed_below_tcp += 1,
            };
            let result = if tcp.truncated {
                // Only the header can be compared, and only when it was captured whole.
                match TcpHeader::parse_lossless(tcp.segment) {
                    Err(Error::TooShort { .. } | Error::DataOffsetBeyondInput { .. }) => {
                        return self.skipped.header_cut_short += 1
                    }
                    Err(_) => return self.skipped.header_unusable += 1,
                    Ok(_) => {
                        self.headers_only += 1;
                        check_roundtrip_header(tcp.segment)
                    }
                }
            } else {
                check_roundtrip(tcp.segment)
            };
            match result {
                Err(Mismatch::Unparsable(_)) => self.skipped.header_unusable += 1,
                Ok(()) => {
                    self.segments += 1;
                    self.exact += 1;
                }
                Err(mismatch) => {
                    self.segments += 1;
                    self.mismatched += 1;
                    if self.mismatches.len() < MAX_DETAILED {
                        self.mismatches.push(FrameMismatch {
                            frame: frame.number,
                            mismatch,
                        });
                    }
                }
            }
        }

        /// Reads every frame of `reader` and records it; a read error stops reading and is kept
        /// in [`read_error`](Self::read_error).
        pub fn record_all(&mut self, reader: CaptureReader) {
            for frame in reader {
                match frame {
                    Ok(frame) => self.record(&frame),
                    // An error that concerns one record is kept (the capture is not clean)
                    // and reading goes on; a fatal one ends the capture.
                    Err(e) => {
                        let fatal = e.is_fatal();
                        self.read_error = Some(e);
                        if fatal {
                            break;
                        }
                    }
                }
            }
        }

        /// Whether every segment checked was exact and the capture was read to its end.
        pub fn is_clean(&self) -> bool {
            self.mismatched == 0 && self.read_error.is_none()
        }

        /// The one-line summary: `segments: N, exact: N, mismatched: N, skipped: K`.
        pub fn summary(&self) -> String {
            format!(
                "segments: {}, exact: {}, mismatched: {}, skipped: {}",
                self.segments,
                self.exact,
                self.mismatched,
                self.skipped.total()
            )
        }

        /// Adds another report's counts to this one (details and read errors are not merged).
        pub fn add_counts(&mut self, other: &Report) {
            self.segments += other.segments;
            self.exact += other.exact;
            self.mismatched += other.mismatched;
            self.headers_only += other.headers_only;
            self.skipped.add(&other.skipped);
        }
    }

    /// Round-trips every TCP segment of the capture at `path` (`-` for standard input).
    ///
    /// Fails only when the capture cannot be opened or is not a capture; an error later in the
    /// file ends reading and is kept in the report.
    ///
    /// ```no_run
    /// let report = tcpwire::harness::roundtrip_capture("capture.pcapng").unwrap();
    /// assert_eq!(report.mismatched, 0, "{:?}", report.mismatches);
    /// println!("{}", report.summary());
    /// ```
    pub fn roundtrip_capture(path: impl AsRef<Path>) -> Result<Report, CaptureError> {
        let reader = CaptureReader::open(path)?;
        let mut report = Report::default();
        report.record_all(reader);
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syn() -> Vec<u8> {
        crate::from_hex(
            "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
        )
        .unwrap()
    }

    #[test]
    fn a_malformed_option_still_round_trips() {
        let mut bytes = syn();
        bytes[25] = 3; // SACK permitted with length 3: bad length, framing intact
        assert_eq!(check_roundtrip(&bytes), Ok(()));
        let header = TcpHeader::parse_lossless(&bytes).unwrap();
        assert!(header.options[1].is_malformed());
    }

    #[test]
    fn compare_locates_the_first_difference() {
        let bytes = syn();
        let header = TcpHeader::parse(&bytes).unwrap();
        let mut written = bytes.clone();
        written[29] ^= 1; // inside the timestamps' tsval
        let err = compare(&header, &bytes, &written).unwrap_err();
        assert_eq!(
            err,
            Mismatch::BytesDiffer(ByteDifference {
                offset: 29,
                expected: Some(bytes[29]),
                actual: Some(bytes[29] ^ 1),
                location: Location::Option {
                    index: 2,
                    offset: 26,
                    kind: 8,
                    name: "timestamps"
                },
            })
        );
        assert_eq!(
            err.to_string(),
            "first difference at header offset 29 in option 2 (timestamps, kind 8, at header offset 26): captured 00, written 01"
        );
        // A shorter output differs where it ends.
        let err = compare(&header, &bytes, &bytes[..39]).unwrap_err();
        assert!(matches!(
            err,
            Mismatch::BytesDiffer(ByteDifference {
                offset: 39,
                expected: Some(7),
                actual: None,
                ..
            })
        ));
    }

    #[test]
    fn locate_names_fields_padding_and_payload() {
        // Data offset 7: MSS, EOL and three padding bytes; then 2 payload bytes.
        let bytes = crate::from_hex("0050c35000000001000000027010ffff00000000020405b400000000aabb")
            .unwrap();
        let header = TcpHeader::parse(&bytes).unwrap();
        assert_eq!(locate(&header, 0), Location::Field("src_port"));
        assert_eq!(locate(&header, 19), Location::Field("urgent_pointer"));
        assert_eq!(
            locate(&header, 24),
            Location::Option {
                index: 1,
                offset: 24,
                kind: 0,
                name: "eol"
            }
        );
        assert_eq!(locate(&header, 25), Location::Padding);
        assert_eq!(locate(&header, 27), Location::Padding);
        assert_eq!(locate(&header, 28), Location::Payload);
    }

    #[test]
    fn check_header_ignores_the_bytes_after_the_header() {
        let mut bytes = syn();
        bytes.extend_from_slice(b"cut");
        assert_eq!(check_roundtrip_header(&bytes), Ok(()));
        assert!(matches!(
            check_roundtrip_header(&bytes[..30]),
            Err(Mismatch::Unparsable(Error::DataOffsetBeyondInput { .. }))
        ));
    }

    #[test]
    fn strict_disagreement_is_reported() {
        let bytes = syn();
        let lossless = TcpHeader::parse_lossless(&bytes).unwrap();
        let err = check_strict(&lossless, Err(Error::TooShort { available: 3 })).unwrap_err();
        assert!(matches!(err, Mismatch::StrictDisagrees(_)));
        let mut other = lossless.clone();
        other.window = 1;
        assert!(check_strict(&lossless, Ok(other)).is_err());
    }
}

#[cfg(test)]
mod location_tests {
    use super::*;
    use crate::wire::options_with_offsets;

    fn linux_syn() -> TcpHeader {
        let syn = crate::from_hex(
            "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
        )
        .unwrap();
        TcpHeader::parse(&syn).unwrap()
    }

    #[test]
    fn locate_names_fields_options_and_payload() {
        let header = linux_syn();
        assert_eq!(locate(&header, 14), Location::Field("window"));
        assert_eq!(
            locate(&header, 27),
            Location::Option {
                index: 2,
                offset: 26,
                kind: 8,
                name: "timestamps"
            },
        );
        assert_eq!(locate(&header, 40), Location::Payload);
    }

    #[test]
    fn options_come_with_their_offsets() {
        let header = linux_syn();
        let offsets: Vec<usize> = options_with_offsets(&header).map(|(o, _)| o).collect();
        assert_eq!(offsets, [20, 24, 26, 36, 37]);
    }
}
