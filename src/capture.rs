//! Reading pcap and pcapng captures, and finding the TCP segment in each frame.
//!
//! [`CaptureReader`] streams frames from any reader (a file, stdin, a gzip-compressed capture)
//! with a fixed-size buffer, so memory stays flat whatever the capture's size. [`find_tcp`]
//! takes one frame through its link and IP layers (Ethernet with VLAN tags, Linux cooked v1 and
//! v2, raw IPv4/IPv6, BSD loopback; IPv6 extension headers) with etherparse, and returns the
//! TCP bytes with the addresses around them.
//!
//! ```no_run
//! use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
//! let mut reader = CaptureReader::open("corpus/linux-handshake-v4.pcap").unwrap();
//! while let Some(frame) = reader.next_frame() {
//!     let frame = frame.unwrap();
//!     if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
//!         let header = tcpwire::TcpHeader::parse_lossless(tcp.segment).unwrap();
//!         println!("{} {}:{} -> {}:{}", frame.number, tcp.src, header.src_port, tcp.dst, header.dst_port);
//!     }
//! }
//! ```

use std::fs::File;
use std::io::{BufReader, Read};
use std::net::IpAddr;
use std::path::Path;

use etherparse::{EtherType, IpNumber, LaxNetSlice, LaxSlicedPacket, LenSource};
use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{Linktype, PcapBlockOwned, PcapError};

/// Buffer size of the capture reader; a record larger than this grows it, up to
/// [`MAX_RECORD`].
const BUFFER: usize = 1 << 16;
/// The largest record the reader accepts (bigger ones are reported as errors).
const MAX_RECORD: usize = 1 << 24;

/// Why a capture could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The input is neither pcap nor pcapng.
    #[error("not a pcap or pcapng capture (no known file header)")]
    NotACapture,
    /// The input is empty.
    #[error("empty input: not a capture")]
    Empty,
    /// A record could not be parsed; reading stops (the framing is lost).
    #[error("corrupt record after frame {after_frame}: {detail}")]
    CorruptRecord {
        /// The number of the last good frame.
        after_frame: u64,
        /// What the reader said.
        detail: String,
    },
    /// The capture ends in the middle of a record.
    #[error("capture truncated in the record after frame {after_frame}")]
    Truncated {
        /// The number of the last good frame.
        after_frame: u64,
    },
}

/// One captured frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// 1-based frame number, counting every packet record (as Wireshark does).
    pub number: u64,
    /// Capture time as (seconds, nanoseconds) since the Unix epoch.
    pub timestamp: (u64, u32),
    /// The link type of the frame's interface.
    pub linktype: Linktype,
    /// The captured bytes (possibly cut short by the snap length).
    pub data: Vec<u8>,
    /// The frame's length on the wire.
    pub original_len: u32,
}

impl Frame {
    /// The timestamp as seconds with a fraction, as `tshark` prints it.
    pub fn timestamp_string(&self) -> String {
        format!("{}.{:09}", self.timestamp.0, self.timestamp.1)
    }
}

/// A streaming reader of pcap or pcapng records.
pub struct CaptureReader {
    inner: Box<dyn PcapReaderIterator + Send>,
    state: ReaderState,
    done: bool,
}

/// What the reader has learnt from the blocks so far.
struct ReaderState {
    /// pcap: the file's link type and whether timestamps are in nanoseconds.
    legacy: Option<(Linktype, bool)>,
    /// pcapng: per interface, link type, timestamp ticks per second and offset.
    interfaces: Vec<(Linktype, u64, i64)>,
    /// Packet records seen.
    frame: u64,
}

impl CaptureReader {
    /// Opens a capture file; `-` is standard input. Gzip-compressed captures are read as well.
    pub fn open(path: impl AsRef<Path>) -> Result<CaptureReader, CaptureError> {
        let path = path.as_ref();
        let io = |source| CaptureError::Io {
            path: path.display().to_string(),
            source,
        };
        if path == Path::new("-") {
            return Self::new(std::io::stdin());
        }
        let file = File::open(path).map_err(io)?;
        Self::new(file)
    }

    /// Reads a capture from any reader. Gzip-compressed input is recognised by its magic bytes.
    pub fn new<R: Read + Send + 'static>(reader: R) -> Result<CaptureReader, CaptureError> {
        let mut reader = BufReader::new(reader);
        let magic = {
            use std::io::BufRead;
            let buf = reader.fill_buf().map_err(|source| CaptureError::Io {
                path: "input".into(),
                source,
            })?;
            buf.get(..2).map(|m| m == [0x1f, 0x8b]).unwrap_or(false)
        };
        if magic {
            Self::from_plain(flate2::bufread::MultiGzDecoder::new(reader))
        } else {
            Self::from_plain(reader)
        }
    }

    fn from_plain<R: Read + Send + 'static>(reader: R) -> Result<CaptureReader, CaptureError> {
        let inner = pcap_parser::create_reader(BUFFER, reader).map_err(|e| match e {
            PcapError::Eof => CaptureError::Empty,
            _ => CaptureError::NotACapture,
        })?;
        Ok(CaptureReader {
            inner,
            state: ReaderState {
                legacy: None,
                interfaces: Vec::new(),
                frame: 0,
            },
            done: false,
        })
    }

    /// The next frame, an error (after which reading stops), or `None` at the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next_frame(&mut self) -> Option<Result<Frame, CaptureError>> {
        while !self.done {
            let frame = self.state.frame;
            let step = match self.inner.next() {
                Ok((offset, block)) => {
                    let out = self.state.handle_block(block);
                    self.inner.consume(offset);
                    match out {
                        Some(frame) => return Some(Ok(frame)),
                        None => continue,
                    }
                }
                Err(PcapError::Eof) => None,
                Err(PcapError::Incomplete(_)) => {
                    if self.inner.reader_exhausted() {
                        self.done = true;
                        // Trailing bytes that are not a whole record.
                        if self.inner.data().is_empty() {
                            None
                        } else {
                            Some(CaptureError::Truncated { after_frame: frame })
                        }
                    } else if let Err(e) = self.inner.refill() {
                        Some(CaptureError::CorruptRecord {
                            after_frame: frame,
                            detail: format!("{e:?}"),
                        })
                    } else {
                        continue;
                    }
                }
                Err(PcapError::BufferTooSmall) => {
                    let size = self.inner.data().len().max(BUFFER) * 2;
                    if size <= MAX_RECORD && self.inner.grow(size) {
                        if let Err(e) = self.inner.refill() {
                            Some(CaptureError::CorruptRecord {
                                after_frame: frame,
                                detail: format!("{e:?}"),
                            })
                        } else {
                            continue;
                        }
                    } else {
                        Some(CaptureError::CorruptRecord {
                            after_frame: frame,
                            detail: format!("record larger than {MAX_RECORD} bytes"),
                        })
                    }
                }
                Err(PcapError::UnexpectedEof) => {
                    Some(CaptureError::Truncated { after_frame: frame })
                }
                Err(e) => Some(CaptureError::CorruptRecord {
                    after_frame: frame,
                    detail: format!("{e:?}"),
                }),
            };
            self.done = true;
            return step.map(Err);
        }
        None
    }
}

impl ReaderState {
    /// Turns a block into a frame, or records what it says about interfaces.
    fn handle_block(&mut self, block: PcapBlockOwned<'_>) -> Option<Frame> {
        match block {
            PcapBlockOwned::LegacyHeader(h) => {
                let nanos = h.is_nanosecond_precision();
                // The upper 16 bits may carry FCS information (pcap LinkType "additional
                // information"); the link type proper is the low 16 bits.
                self.legacy = Some((Linktype(h.network.0 & 0xffff), nanos));
                None
            }
            PcapBlockOwned::Legacy(b) => {
                let (linktype, nanos) = self.legacy.unwrap_or((Linktype::ETHERNET, false));
                self.frame += 1;
                let frac = if nanos {
                    b.ts_usec
                } else {
                    b.ts_usec.saturating_mul(1000)
                };
                Some(Frame {
                    number: self.frame,
                    timestamp: (u64::from(b.ts_sec), frac),
                    linktype,
                    data: b.data.to_vec(),
                    original_len: b.origlen,
                })
            }
            PcapBlockOwned::NG(Block::SectionHeader(_)) => {
                self.interfaces.clear();
                None
            }
            PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                let resolution = idb.ts_resolution().unwrap_or(1_000_000);
                self.interfaces
                    .push((idb.linktype, resolution, idb.ts_offset()));
                None
            }
            PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                let (linktype, resolution, offset) = self
                    .interfaces
                    .get(epb.if_id as usize)
                    .copied()
                    .unwrap_or((Linktype::ETHERNET, 1_000_000, 0));
                self.frame += 1;
                let ticks = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                let resolution = resolution.max(1);
                let secs = (ticks / resolution).saturating_add_signed(offset);
                let frac =
                    ((ticks % resolution) as u128 * 1_000_000_000 / resolution as u128) as u32;
                let caplen = (epb.caplen as usize).min(epb.data.len());
                Some(Frame {
                    number: self.frame,
                    timestamp: (secs, frac),
                    linktype,
                    data: epb.data.get(..caplen).unwrap_or(epb.data).to_vec(),
                    original_len: epb.origlen,
                })
            }
            PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                let linktype = self
                    .interfaces
                    .first()
                    .map(|i| i.0)
                    .unwrap_or(Linktype::ETHERNET);
                self.frame += 1;
                Some(Frame {
                    number: self.frame,
                    timestamp: (0, 0),
                    linktype,
                    data: spb.data.to_vec(),
                    original_len: spb.origlen,
                })
            }
            PcapBlockOwned::NG(_) => None,
        }
    }
}

impl Iterator for CaptureReader {
    type Item = Result<Frame, CaptureError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame()
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
    /// The link or IP layer is malformed or cut short before the TCP bytes.
    Malformed(String),
}

/// The UDP port of GTP-U (3GPP TS 29.281), whose tunnels carry user IP packets.
const GTP_U_PORT: u16 = 2152;

/// Finds the TCP segment in a frame of the given link type. GTP-U tunnels (UDP port 2152, as in
/// mobile-network captures) are followed to the inner IP packet.
pub fn find_tcp(linktype: Linktype, data: &[u8]) -> Decapsulated<'_> {
    let sliced = match linktype {
        Linktype::ETHERNET => LaxSlicedPacket::from_ethernet(data).map_err(|e| e.to_string()),
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => {
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

/// The TCP segment in a sliced IP packet, following at most a few GTP-U tunnels.
fn tcp_in_ip(packet: LaxSlicedPacket<'_>, depth: u8) -> Decapsulated<'_> {
    if let Some(etherparse::TransportSlice::Udp(udp)) = &packet.transport {
        if depth < 4 && (udp.destination_port() == GTP_U_PORT || udp.source_port() == GTP_U_PORT) {
            if let Some(inner) = gtp_u_payload(udp.payload()) {
                return match LaxSlicedPacket::from_ip(inner) {
                    Ok(p) => tcp_in_ip(p, depth + 1),
                    Err(e) => Decapsulated::Malformed(format!("inside GTP-U: {e}")),
                };
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
        return Decapsulated::NotTcp;
    }
    if payload.fragmented {
        return Decapsulated::Fragment;
    }
    // A zero IPv4 total length (TSO captures) or jumbogram: trust the captured bytes. A frame
    // cut short (`incomplete`) keeps the length its IP header declares.
    let from_slice = matches!(payload.len_source, LenSource::Slice) || declared_len == 0;
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
    })
}

/// The user packet inside a GTPv1-U G-PDU (3GPP TS 29.281 s5), or `None` if `udp_payload` is
/// not one.
fn gtp_u_payload(udp_payload: &[u8]) -> Option<&[u8]> {
    let (&flags, rest) = udp_payload.split_first()?;
    let (&message_type, _) = rest.split_first()?;
    // Version 1, protocol type GTP, message type G-PDU.
    if flags >> 5 != 1 || flags & 0x10 == 0 || message_type != 0xff {
        return None;
    }
    let mut offset = 8;
    if flags & 0x07 != 0 {
        // Sequence number (2), N-PDU number (1), next extension header type (1).
        let mut next_type = *udp_payload.get(11)?;
        offset = 12;
        // Each extension header: a length in 4-byte units, content, then the next type.
        while next_type != 0 {
            let units = usize::from(*udp_payload.get(offset)?);
            if units == 0 {
                return None;
            }
            offset += units * 4;
            next_type = *udp_payload.get(offset - 1)?;
        }
    }
    udp_payload.get(offset..)
}
