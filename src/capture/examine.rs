//! A frame's TCP segment found and its header parsed, or the reason there is none: the one
//! walk that `tcpwire pcap`, `stats`, `mptcp`, the columnar export and the Python package's
//! `from_pcap` share, so that they give the same frames the same error messages.

use std::fmt;

use super::{find_tcp, Decapsulated, Frame, Linktype, TcpInFrame};
use crate::checksum::ChecksumVerdict;
use crate::error::Error;
use crate::header::TcpHeader;
use crate::option::ParseMode;

/// A TCP segment found in a frame, with its header parsed.
#[derive(Debug, Clone)]
pub struct CapturedSegment<'a> {
    /// Where it was found: addresses, the captured bytes, whether the capture cut it.
    pub tcp: TcpInFrame<'a>,
    /// The header.
    pub header: TcpHeader,
    /// The payload length: from the captured bytes, or from the IP header when cut short.
    pub payload_len: usize,
    /// The checksum verdict (`not_checkable` when the segment was cut short).
    pub checksum: ChecksumVerdict,
}

impl<'a> CapturedSegment<'a> {
    /// The captured payload (shorter than [`payload_len`](Self::payload_len) when the capture
    /// cut the segment).
    pub fn payload(&self) -> &'a [u8] {
        self.tcp
            .segment
            .get(self.header.header_len()..)
            .unwrap_or_default()
    }
}

/// Why a frame that holds (or may hold) TCP gives no header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentError {
    /// The capture holds less of the segment than the IP header declares (the snap length cut
    /// it, or the IP length is bogus), and the header is not all there.
    CutShort(Error),
    /// The fixed header is unusable (data offset below 5, or past the segment's end).
    Unusable(Error),
    /// Strict parsing met a malformed option.
    Strict(Error),
    /// The frame's link or IP layer cannot be read (an empty record, or one cut inside those
    /// headers), so whether it holds TCP is unknown.
    BelowTcp(String),
}

impl SegmentError {
    /// The error for a header the parser refused, in a segment the capture did or did not
    /// (`truncated`) cut short.
    ///
    /// ```
    /// use tcpwire::{capture::SegmentError, TcpHeader};
    /// let e = TcpHeader::parse_lossless(&[0u8; 12]).unwrap_err();
    /// assert!(matches!(SegmentError::from_parse(e.clone(), true), SegmentError::CutShort(_)));
    /// assert_eq!(
    ///     SegmentError::from_parse(e, false).message(),
    ///     "unusable TCP header: truncated TCP header: 12 bytes given, the fixed header needs 20"
    /// );
    /// ```
    pub fn from_parse(e: Error, truncated: bool) -> Self {
        match e {
            Error::MalformedOption { .. } => SegmentError::Strict(e),
            Error::TooShort { .. } | Error::DataOffsetBeyondInput { .. } if truncated => {
                SegmentError::CutShort(e)
            }
            _ => SegmentError::Unusable(e),
        }
    }

    /// The message of the error line (`tcpwire pcap`'s `"error"`).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The header parser's error, when the parser refused the header.
    pub fn parse_error(&self) -> Option<&Error> {
        match self {
            SegmentError::CutShort(e) | SegmentError::Unusable(e) | SegmentError::Strict(e) => {
                Some(e)
            }
            SegmentError::BelowTcp(_) => None,
        }
    }
}

impl fmt::Display for SegmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentError::CutShort(e) => write!(f, "TCP header not captured whole: {e}"),
            SegmentError::Unusable(e) => write!(f, "unusable TCP header: {e}"),
            SegmentError::Strict(e) => write!(f, "malformed option (strict parsing): {e}"),
            SegmentError::BelowTcp(detail) => write!(f, "unreadable link or IP layer: {detail}"),
        }
    }
}

impl std::error::Error for SegmentError {}

/// Why a frame holds no TCP segment to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A packet that is not TCP over IP.
    NotTcp,
    /// An IP fragment (not reassembled).
    Fragment,
    /// A link type the reader does not handle.
    UnsupportedLinktype(Linktype),
}

/// What a frame holds, as far as TCP goes.
// Short-lived, on the stack: boxing the header would put a heap allocation on every frame.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Examined<'a> {
    /// A TCP segment whose header was parsed.
    Segment(CapturedSegment<'a>),
    /// A TCP segment (or a frame that may hold one) whose header could not be given.
    Error(SegmentError),
    /// No TCP segment.
    Skipped(SkipReason),
}

/// Finds the TCP segment of a frame and parses its header in `mode`, with the payload length
/// and checksum verdict `tcpwire pcap` reports.
///
/// ```no_run
/// use tcpwire::capture::{examine, CaptureReader, Examined};
/// use tcpwire::ParseMode;
/// let mut reader = CaptureReader::open("corpus/mptcp-ipv4-single.pcap")?;
/// while let Some(frame) = reader.next_frame() {
///     let frame = frame?;
///     match examine(&frame, ParseMode::Lossless) {
///         Examined::Segment(seg) => println!("{} {} {:?}", frame.number, seg.header, seg.checksum),
///         Examined::Error(e) => println!("{} {e}", frame.number),
///         Examined::Skipped(_) => {}
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn examine(frame: &Frame, mode: ParseMode) -> Examined<'_> {
    let tcp = match find_tcp(frame.linktype, &frame.data) {
        Decapsulated::Tcp(tcp) => tcp,
        Decapsulated::Fragment => return Examined::Skipped(SkipReason::Fragment),
        Decapsulated::NotTcp => return Examined::Skipped(SkipReason::NotTcp),
        Decapsulated::UnsupportedLinktype(linktype) => {
            return Examined::Skipped(SkipReason::UnsupportedLinktype(linktype))
        }
        // A bad record (empty, or cut inside its link or IP header).
        Decapsulated::Malformed(detail) => return Examined::Error(SegmentError::BelowTcp(detail)),
    };
    let header = match TcpHeader::parse_with(tcp.segment, mode) {
        Ok(header) => header,
        Err(e) => return Examined::Error(SegmentError::from_parse(e, tcp.truncated)),
    };
    let (payload_len, checksum) = tcp.payload_and_verdict(frame, header.header_len());
    Examined::Segment(CapturedSegment {
        tcp,
        header,
        payload_len,
        checksum,
    })
}
