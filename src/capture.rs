//! Reading pcap and pcapng captures, and finding the TCP segment in each frame.
//!
//! [`CaptureReader`] streams frames from any reader (a file, stdin, a gzip-compressed capture)
//! with a fixed-size buffer, so memory stays flat whatever the capture's size: a packet record
//! is kept up to [`MAX_RECORD`] bytes, a pcapng section up to [`MAX_INTERFACES`] interfaces, and
//! nothing else is kept. [`find_tcp`] takes one frame through its link and IP layers (Ethernet
//! with VLAN tags, Linux cooked v1 and v2, raw IPv4/IPv6, BSD loopback; IPv6 extension headers)
//! with etherparse, and returns the TCP bytes with the addresses around them;
//! [`find_tcp_in_ip`] does the same for a bare IPv4 or IPv6 packet. [`examine`] goes on to parse
//! the header and gives the payload length and checksum verdict, or the reason there is none:
//! the walk of `tcpwire pcap`, the columnar export and the Python package.
//!
//! ```no_run
//! use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
//! let mut reader = CaptureReader::open("corpus/mptcp-ipv4-single.pcap").unwrap();
//! while let Some(frame) = reader.next_frame() {
//!     let frame = frame.unwrap();
//!     if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
//!         let header = tcpwire::TcpHeader::parse_lossless(tcp.segment).unwrap();
//!         println!("{} {}:{} -> {}:{}", frame.number, tcp.src, header.src_port, tcp.dst, header.dst_port);
//!     }
//! }
//! ```

use std::net::IpAddr;

use crate::checksum::{ChecksumHints, ChecksumVerdict};

use etherparse::err::Layer;
use etherparse::{EtherType, IpNumber, LaxNetSlice, LaxSlicedPacket, LenSource};

mod examine;
mod reader;

pub use examine::{examine, CapturedSegment, Examined, SegmentError, SkipReason};
pub use reader::{CaptureReader, MAX_INTERFACES, MAX_RECORD};

/// A link-layer header type: the `LINKTYPE_*` value of a pcap file header or a pcapng interface
/// description block (<https://www.tcpdump.org/linktypes.html>). Any value can be held; the
/// constants name the ones [`find_tcp`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Linktype(pub u16);

impl Linktype {
    /// BSD loopback, the address family in host byte order.
    pub const NULL: Linktype = Linktype(0);
    /// Ethernet II (with 802.1Q/802.1ad VLAN tags).
    pub const ETHERNET: Linktype = Linktype(1);
    /// Raw IP: the frame starts with an IPv4 or IPv6 header.
    pub const RAW: Linktype = Linktype(101);
    /// OpenBSD loopback, the address family in network byte order.
    pub const LOOP: Linktype = Linktype(108);
    /// Linux cooked capture v1 (`any` device).
    pub const LINUX_SLL: Linktype = Linktype(113);
    /// Raw IPv4.
    pub const IPV4: Linktype = Linktype(228);
    /// Raw IPv6.
    pub const IPV6: Linktype = Linktype(229);
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: Linktype = Linktype(276);
}

impl std::fmt::Display for Linktype {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a capture could not be read, or why one of its records was passed over.
///
/// Most errors end reading (the framing is lost or the input failed); the ones for which
/// [`is_fatal`](Self::is_fatal) is false concern one record, and the reader goes on after them.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file could not be opened.
    #[error("cannot open {path}: {source}")]
    Io {
        /// The path given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Reading the input failed (an I/O error, or a corrupt gzip stream).
    #[error("read error at byte {at_byte} (after frame {after_frame}): {source}")]
    Read {
        /// The number of the last frame read.
        after_frame: u64,
        /// How many bytes of the (decompressed) capture had been read.
        at_byte: u64,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The input is neither pcap nor pcapng.
    #[error("not a pcap or pcapng capture (first bytes {start})")]
    NotACapture {
        /// The first (up to 4) bytes of the input, as hex.
        start: String,
    },
    /// The input is empty.
    #[error("empty input: not a capture")]
    Empty,
    /// A record or block could not be framed; reading stops (the framing is lost).
    #[error("corrupt capture after frame {after_frame}: {detail}")]
    CorruptRecord {
        /// The number of the last frame read.
        after_frame: u64,
        /// What is wrong, and at which byte.
        detail: String,
    },
    /// The capture ends in the middle of a record.
    #[error("capture truncated at byte {at_byte}, in the record after frame {after_frame}")]
    Truncated {
        /// The number of the last frame read.
        after_frame: u64,
        /// The capture's length (decompressed).
        at_byte: u64,
    },
    /// A packet record that cannot give a frame (its interface is not described, its lengths
    /// disagree, it is over [`MAX_RECORD`]); it counts as a frame, and reading goes on.
    #[error("frame {frame}: {detail}")]
    BadFrame {
        /// The frame number the record has.
        frame: u64,
        /// What is wrong.
        detail: String,
    },
    /// A block that describes the capture (an interface) was refused or partly ignored;
    /// reading goes on.
    #[error("after frame {after_frame}: {detail}")]
    BadBlock {
        /// The number of the last frame read.
        after_frame: u64,
        /// What is wrong and what the reader did instead.
        detail: String,
    },
}

impl CaptureError {
    /// Whether reading stopped at this error (false: it concerned one record or block, and the
    /// reader goes on with the next).
    pub fn is_fatal(&self) -> bool {
        !matches!(
            self,
            CaptureError::BadFrame { .. } | CaptureError::BadBlock { .. }
        )
    }

    /// The frame an error line for this error names: the bad frame itself, or the frame after
    /// the last one read.
    pub fn frame(&self) -> u64 {
        match self {
            CaptureError::BadFrame { frame, .. } => *frame,
            CaptureError::Read { after_frame, .. }
            | CaptureError::CorruptRecord { after_frame, .. }
            | CaptureError::Truncated { after_frame, .. }
            | CaptureError::BadBlock { after_frame, .. } => after_frame.saturating_add(1),
            _ => 0,
        }
    }
}

/// One captured frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// 1-based frame number, counting every packet record (as Wireshark does).
    pub number: u64,
    /// Capture time as (seconds, nanoseconds) since the Unix epoch; the nanoseconds are below
    /// one second (a pcap record's sub-second field of a second or more is carried into the
    /// seconds).
    pub timestamp: (u64, u32),
    /// The link type of the frame's interface.
    pub linktype: Linktype,
    /// The captured bytes (possibly cut short by the snap length).
    pub data: Vec<u8>,
    /// The frame's length on the wire.
    pub original_len: u32,
    /// The pcapng Enhanced Packet Block flags word (option `epb_flags`), when the block
    /// carries one; `None` for pcap records and blocks without it. See
    /// [`checksum_valid`](Self::checksum_valid) and
    /// [`checksum_not_ready`](Self::checksum_not_ready).
    pub epb_flags: Option<u32>,
}

/// epb_flags bit 9: the checksum was not ready when the packet was captured (pcapng, draft-ietf-opsawg-pcapng s4.3.1).
const EPB_CHECKSUM_NOT_READY: u32 = 1 << 9;
/// epb_flags bit 10: the checksum was verified valid (by the NIC).
const EPB_CHECKSUM_VALID: u32 = 1 << 10;
/// epb_flags bit 11: the packet is a TCP segmentation offload super-segment.
const EPB_TCP_SEGMENTATION_OFFLOADED: u32 = 1 << 11;

impl Frame {
    /// The capture's flags say the interface verified the checksums (epb_flags bit 10).
    pub fn checksum_valid(&self) -> bool {
        self.epb_flags.is_some_and(|f| f & EPB_CHECKSUM_VALID != 0)
    }

    /// The capture's flags say the checksums were not computed yet (epb_flags bit 9), as with
    /// transmit offload.
    pub fn checksum_not_ready(&self) -> bool {
        self.epb_flags
            .is_some_and(|f| f & EPB_CHECKSUM_NOT_READY != 0)
    }

    /// The capture's flags say the packet is a TCP segmentation offload super-segment
    /// (epb_flags bit 11).
    pub fn tso_flagged(&self) -> bool {
        self.epb_flags
            .is_some_and(|f| f & EPB_TCP_SEGMENTATION_OFFLOADED != 0)
    }

    /// The timestamp as seconds with a fraction, as `tshark` prints it.
    pub fn timestamp_string(&self) -> String {
        format!("{}.{:09}", self.timestamp.0, self.timestamp.1)
    }
}

/// The TCP segment found in a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpInFrame<'a> {
    /// 4 or 6.
    pub ip_version: u8,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// The source address the TCP checksum's pseudo-header holds: `src`, or for IPv6 the home
    /// address of a Mobile IPv6 Home Address option (RFC 6275 s6.3).
    pub pseudo_header_src: IpAddr,
    /// The destination address the TCP checksum's pseudo-header holds: `dst`, or for IPv6 the
    /// final destination named by a routing header with segments left (RFC 8200 s8.1).
    pub pseudo_header_dst: IpAddr,
    /// The captured bytes of the TCP segment (header and payload; may be cut short).
    pub segment: &'a [u8],
    /// The segment's length as the IP header declares it.
    pub declared_len: usize,
    /// Whether the capture holds fewer bytes than the IP header declares.
    pub truncated: bool,
    /// Whether the packet is a TSO/GSO super-segment, which the sender's NIC or stack cuts
    /// into segments after the capture saw it. The rule: the IP length field is 0 (an IPv4
    /// total length of 0, or an IPv6 payload length of 0 with TCP after it), or the IP packet
    /// is longer than 65535 bytes (larger than any link's MTU: an IPv6 jumbogram). A packet
    /// larger than its own interface's MTU but under 64 KiB is not flagged: the MTU is not in
    /// the capture (and loopback's is 64 KiB).
    pub super_segment: bool,
}

impl TcpInFrame<'_> {
    /// The payload length and the checksum verdict of this segment, whose header (parsed by the
    /// caller) is `header_len` bytes, as `tcpwire pcap` reports them: for a segment cut short
    /// by the capture, the payload length the IP header declares and
    /// [`ChecksumVerdict::NotCheckable`]; else the captured payload and the verdict of
    /// [`checksum::verdict`](crate::checksum::verdict), with the frame's pcapng flags and the
    /// super-segment flag as hints.
    pub fn payload_and_verdict(
        &self,
        frame: &Frame,
        header_len: usize,
    ) -> (usize, ChecksumVerdict) {
        if self.truncated {
            return (
                self.declared_len.saturating_sub(header_len),
                ChecksumVerdict::NotCheckable,
            );
        }
        let hints = ChecksumHints {
            flagged_valid: frame.checksum_valid(),
            flagged_not_ready: frame.checksum_not_ready(),
            super_segment: self.super_segment || frame.tso_flagged(),
        };
        (
            self.segment.len().saturating_sub(header_len),
            crate::checksum::verdict(
                self.pseudo_header_src,
                self.pseudo_header_dst,
                self.segment,
                hints,
            ),
        )
    }
}

/// What [`find_tcp`] found in a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decapsulated<'a> {
    /// A TCP segment.
    Tcp(TcpInFrame<'a>),
    /// An IP fragment (not reassembled).
    Fragment,
    /// A packet that is not TCP over IP.
    NotTcp,
    /// A link type this reader does not handle.
    UnsupportedLinktype(Linktype),
    /// The link or IP layer (or a tunnel header) is malformed or cut short before the TCP
    /// bytes.
    Malformed(String),
}

/// The UDP port of GTP-U (3GPP TS 29.281), whose tunnels carry user IP packets.
const GTP_U_PORT: u16 = 2152;

/// Finds the TCP segment in a frame of the given link type. GTP-U tunnels (UDP port 2152, as in
/// mobile-network captures) are followed to the inner IP packet.
pub fn find_tcp(linktype: Linktype, data: &[u8]) -> Decapsulated<'_> {
    let sliced = match linktype {
        Linktype::ETHERNET => LaxSlicedPacket::from_ethernet(data).map_err(|e| e.to_string()),
        // 12 and 14 are the raw-IP DLT values some systems wrote into pcap files.
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 | Linktype(12) | Linktype(14) => {
            LaxSlicedPacket::from_ip(data).map_err(|e| e.to_string())
        }
        // BSD loopback: a 4-byte address family (host order for NULL, network order for LOOP).
        Linktype::NULL | Linktype::LOOP => match data.get(4..) {
            Some(ip) => LaxSlicedPacket::from_ip(ip).map_err(|e| e.to_string()),
            None => Err("loopback header cut short".into()),
        },
        // Linux cooked v1: 16-byte header, protocol in bytes 14..16.
        Linktype::LINUX_SLL => match (data.get(14..16), data.get(16..)) {
            (Some(&[hi, lo]), Some(rest)) => Ok(LaxSlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([hi, lo])),
                rest,
            )),
            _ => Err("Linux cooked header cut short".into()),
        },
        // Linux cooked v2: 20-byte header, protocol in bytes 0..2.
        Linktype::LINUX_SLL2 => match (data.get(0..2), data.get(20..)) {
            (Some(&[hi, lo]), Some(rest)) => Ok(LaxSlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([hi, lo])),
                rest,
            )),
            _ => Err("Linux cooked v2 header cut short".into()),
        },
        other => return Decapsulated::UnsupportedLinktype(other),
    };
    let packet = match sliced {
        Ok(p) => p,
        Err(e) => return Decapsulated::Malformed(e),
    };
    tcp_in_ip(packet, 0)
}

/// Finds the TCP segment in a bare IPv4 or IPv6 packet (the IP header first, as raw-IP
/// captures, TUN devices and raw sockets give it), with the same rules as [`find_tcp`].
///
/// ```
/// use tcpwire::capture::{find_tcp_in_ip, Decapsulated};
/// // IPv4 (20 bytes) carrying a bare 20-byte TCP ACK from port 1234 to port 80.
/// let packet = tcpwire::from_hex(concat!(
///     "450000280001000040060000", "0a000001", "0a000002",
///     "04d20050", "00000001", "00000002", "50100200", "00000000",
/// ))
/// .unwrap();
/// let Decapsulated::Tcp(tcp) = find_tcp_in_ip(&packet) else {
///     panic!("no TCP found");
/// };
/// assert_eq!(tcp.ip_version, 4);
/// assert_eq!(tcp.src.to_string(), "10.0.0.1");
/// assert_eq!(tcp.segment.len(), 20);
/// assert!(!tcp.truncated);
///
/// // An IPv6 packet whose hop-by-hop header runs past the packet's end is reported.
/// let mut v6 = vec![0x60, 0, 0, 0, 0, 16, 0, 64];
/// v6.extend([0; 32]);
/// v6.extend([6, 8, 0, 0]);
/// assert!(matches!(find_tcp_in_ip(&v6), Decapsulated::Malformed(_)));
/// ```
pub fn find_tcp_in_ip(packet: &[u8]) -> Decapsulated<'_> {
    match LaxSlicedPacket::from_ip(packet) {
        Ok(p) => tcp_in_ip(p, 0),
        Err(e) => Decapsulated::Malformed(e.to_string()),
    }
}

/// The TCP segment in a sliced IP packet, following at most a few GTP-U tunnels.
fn tcp_in_ip(packet: LaxSlicedPacket<'_>, depth: u8) -> Decapsulated<'_> {
    if let Some(etherparse::TransportSlice::Udp(udp)) = &packet.transport {
        if depth < 4 && (udp.destination_port() == GTP_U_PORT || udp.source_port() == GTP_U_PORT) {
            match gtp_u_payload(udp.payload()) {
                Ok(Some(inner)) => {
                    return match LaxSlicedPacket::from_ip(inner) {
                        Ok(p) => tcp_in_ip(p, depth + 1),
                        Err(e) => Decapsulated::Malformed(format!("inside GTP-U: {e}")),
                    }
                }
                Ok(None) => {}
                Err(e) => return Decapsulated::Malformed(e.into()),
            }
        }
    }
    let (ip_version, src, dst, pseudo, payload, declared_len) = match &packet.net {
        Some(LaxNetSlice::Ipv4(v4)) => {
            let h = v4.header();
            let declared = usize::from(h.total_len()).saturating_sub(h.slice().len());
            let (src, dst) = (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
            );
            (4, src, dst, (src, dst), v4.payload(), declared)
        }
        Some(LaxNetSlice::Ipv6(v6)) => {
            let h = v6.header();
            let declared =
                usize::from(h.payload_length()).saturating_sub(v6.extensions().slice().len());
            let (src, dst) = (h.source_addr(), h.destination_addr());
            // The IPv6 pseudo-header uses the routing header's final destination and the Home
            // Address option's address (RFC 8200 s8.1). The extension bytes are walked by our
            // own bounds-checked code: etherparse's extension iterator reads out of bounds on
            // some lax-parsed packets (found by fuzzing, in its `from_slice_unchecked`).
            let pseudo = crate::checksum::ipv6_addresses_through_extensions(
                src,
                dst,
                h.next_header().0,
                v6.extensions().slice(),
            )
            .unwrap_or((src, dst));
            (
                6,
                IpAddr::V6(src),
                IpAddr::V6(dst),
                (IpAddr::V6(pseudo.0), IpAddr::V6(pseudo.1)),
                v6.payload(),
                declared,
            )
        }
        _ => {
            return match packet.stop_err {
                Some((e, _)) => Decapsulated::Malformed(e.to_string()),
                None => Decapsulated::NotTcp,
            }
        }
    };
    if payload.ip_number != IpNumber::TCP {
        // Stopped inside an IPv4 authentication header or an IPv6 extension header: whether
        // TCP follows is unknown, and that is worth an error, not a silent skip.
        return match &packet.stop_err {
            Some((e, layer)) if below_transport(*layer) => Decapsulated::Malformed(e.to_string()),
            _ => Decapsulated::NotTcp,
        };
    }
    if payload.fragmented {
        return Decapsulated::Fragment;
    }
    // A zero IPv4 total length (TSO captures) or jumbogram: trust the captured bytes. A frame
    // cut short (`incomplete`) keeps the length its IP header declares.
    let from_slice = matches!(payload.len_source, LenSource::Slice) || declared_len == 0;
    let super_segment = (declared_len == 0 && !payload.payload.is_empty())
        || payload.payload.len() > usize::from(u16::MAX);
    let declared_len = if from_slice && !payload.incomplete {
        payload.payload.len()
    } else {
        declared_len
    };
    Decapsulated::Tcp(TcpInFrame {
        ip_version,
        src,
        dst,
        pseudo_header_src: pseudo.0,
        pseudo_header_dst: pseudo.1,
        segment: payload.payload,
        declared_len,
        truncated: payload.incomplete || payload.payload.len() < declared_len,
        super_segment,
    })
}

/// Whether an etherparse stop happened in an IP-level header (before any transport header).
fn below_transport(layer: Layer) -> bool {
    matches!(
        layer,
        Layer::IpHeader
            | Layer::Ipv4Header
            | Layer::Ipv4Packet
            | Layer::IpAuthHeader
            | Layer::Ipv6Header
            | Layer::Ipv6Packet
            | Layer::Ipv6ExtHeader
            | Layer::Ipv6HopByHopHeader
            | Layer::Ipv6DestOptionsHeader
            | Layer::Ipv6RouteHeader
            | Layer::Ipv6FragHeader
    )
}

/// The user packet inside a GTPv1-U G-PDU (3GPP TS 29.281 s5); `Ok(None)` if `udp_payload` is
/// not one, an error if it is one whose header is cut short or unusable.
fn gtp_u_payload(udp_payload: &[u8]) -> Result<Option<&[u8]>, &'static str> {
    let (Some(&flags), Some(&message_type)) = (udp_payload.first(), udp_payload.get(1)) else {
        return Ok(None);
    };
    // Version 1, protocol type GTP, message type G-PDU.
    if flags >> 5 != 1 || flags & 0x10 == 0 || message_type != 0xff {
        return Ok(None);
    }
    const CUT: &str = "GTP-U header cut short";
    let mut offset = 8;
    if flags & 0x07 != 0 {
        // Sequence number (2), N-PDU number (1), next extension header type (1).
        let mut next_type = *udp_payload.get(11).ok_or(CUT)?;
        offset = 12;
        // Each extension header: a length in 4-byte units, content, then the next type.
        while next_type != 0 {
            let units = usize::from(*udp_payload.get(offset).ok_or(CUT)?);
            if units == 0 {
                return Err("GTP-U extension header of length 0");
            }
            offset += units * 4;
            next_type = *udp_payload.get(offset - 1).ok_or(CUT)?;
        }
    }
    udp_payload.get(offset..).map(Some).ok_or(CUT)
}
