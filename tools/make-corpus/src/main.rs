//! Writes the hand-built captures of `corpus/handmade/`: TCP segments Linux never sends (every
//! option kind, every MPTCP subtype and length form, every malformed shape), made with
//! tcpwire's own builder, wrapped in IPv4 or IPv6 and Ethernet, in classic pcap files.
//!
//! `cargo run -p tcpwire-make-corpus` rewrites `corpus/handmade/*.pcap`; `-- DIR` writes to DIR
//! instead, and `-- --table` prints the frame tables of `corpus/handmade/README.md`.
//! `tests/handmade_corpus.rs` regenerates the files and checks they equal the committed ones.
//!
//! Everything is fixed (addresses, ports, sequence numbers, keys, timestamps), so the output is
//! the same byte for byte on every run. Each frame has its own client port (40000 + frame
//! number), so Wireshark sees every frame as a connection of its own.
//!
//! How a segment is made:
//! - well-formed segments: `TcpSegment::builder()` with the option methods, then
//!   `build_with_checksum`;
//! - segments the builder refuses (non-zero padding after EOL, malformed options): the builder
//!   makes the fixed header and the payload, the option list of the header value is then set by
//!   hand (`TcpOption::Malformed` values state the exact bytes and the reason tcpwire must
//!   find; `to_bytes` checks that they parse that way), the data offset is recomputed, and
//!   `tcpwire::checksum::fill` computes the checksum over the bytes.
//!
//! The TCP and IPv4 header checksums are correct. DSS and MP_CAPABLE checksums, HMACs, keys,
//! tokens, MD5 digests and TCP-AO MACs are fixed patterns: nothing here can check them.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use tcpwire::mptcp::{MpExperimental, MpTcpRst, Unassigned};
use tcpwire::option::{
    AltChecksumData, AltChecksumRequest, Cc, CcEcho, CcNew, Echo, EchoReply, Eno, Experiment,
    ExperimentalFastOpen, Malformed, Md5Signature, Mss, PocServiceProfile, QuickStartResponse,
    Snack, TcpAo, Timestamps, Unknown, UserTimeout, WindowScale,
};

use tcpwire::mptcp::{AddAddr, Dss, MpCapable, MpCapableFlags, MpJoin, MptcpOption};
use tcpwire::wire::{
    add_addr_lengths, allowed_lengths, DSS_LENGTHS, MP_CAPABLE_V0_LENGTHS, MP_CAPABLE_V1_LENGTHS,
    MP_FAIL_LENGTHS, MP_JOIN_LENGTHS, MP_PRIO_LENGTHS, MP_TCPRST_LENGTHS, REMOVE_ADDR_LENGTHS,
};
use tcpwire::{
    AccEcnCounters, AltChecksumAlgorithm, Error, Granularity, InlineBytes, LengthSet,
    MalformedReason, SackBlock, TcpHeader, TcpOption, TcpRstReason, TcpSegment, TcpSegmentBuilder,
};

/// The server's port; clients use 40000 + the frame number.
const SERVER_PORT: u16 = 49152;
const CLIENT_PORT_BASE: u16 = 40000;
/// Initial sequence numbers of the client and the server.
const ISN_CLIENT: u32 = 0x1000_0000;
const ISN_SERVER: u32 = 0x2000_0000;
/// Capture time of frame 1 (2023-11-14 22:13:20 UTC); each later frame is 1 ms later.
const EPOCH: u32 = 1_700_000_000;

const CLIENT_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const SERVER_V4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const CLIENT_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
const SERVER_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
const CLIENT_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const SERVER_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];

/// MPTCP keys, tokens, random numbers and HMACs: fixed patterns.
const CLIENT_KEY: [u8; 8] = [0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8];
const SERVER_KEY: [u8; 8] = [0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58];
const TOKEN: [u8; 4] = [0x7a, 0x7b, 0x7c, 0x7d];
const RANDOM_CLIENT: [u8; 4] = [0x0c, 0x0c, 0x0c, 0x01];
const RANDOM_SERVER: [u8; 4] = [0x05, 0x05, 0x05, 0x02];
const TRUNCATED_HMAC: [u8; 8] = [0x48, 0x4d, 0x41, 0x43, 0x2d, 0x36, 0x34, 0x21];
const HMAC: [u8; 20] = [
    0x48, 0x4d, 0x41, 0x43, 0x2d, 0x53, 0x48, 0x41, 0x32, 0x35, 0x36, 0x2d, 0x31, 0x36, 0x30, 0x2d,
    0x62, 0x69, 0x74, 0x21,
];

/// Who sends a segment.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

/// One frame: what it shows, and its Ethernet bytes.
pub struct Frame {
    /// A one-line description (the README's frame table).
    pub description: String,
    /// The whole Ethernet frame.
    pub bytes: Vec<u8>,
}

/// One capture file being made.
pub struct Capture {
    /// The file name, e.g. `options-all-kinds.pcap`.
    pub name: &'static str,
    /// Whether the frames are IPv6 (else IPv4).
    pub ipv6: bool,
    /// The frames in order.
    pub frames: Vec<Frame>,
}

impl Capture {
    fn new(name: &'static str, ipv6: bool) -> Self {
        Self {
            name,
            ipv6,
            frames: Vec::new(),
        }
    }

    /// Source and destination addresses for a segment sent by `from`.
    fn addresses(&self, from: Side) -> (IpAddr, IpAddr) {
        let (client, server): (IpAddr, IpAddr) = if self.ipv6 {
            (CLIENT_V6.into(), SERVER_V6.into())
        } else {
            (CLIENT_V4.into(), SERVER_V4.into())
        };
        match from {
            Side::Client => (client, server),
            Side::Server => (server, client),
        }
    }

    /// The builder with this frame's ports set.
    fn with_ports(&self, from: Side, builder: TcpSegmentBuilder) -> TcpSegmentBuilder {
        let client = CLIENT_PORT_BASE + u16::try_from(self.frames.len() + 1).unwrap_or(0);
        match from {
            Side::Client => builder.ports(client, SERVER_PORT),
            Side::Server => builder.ports(SERVER_PORT, client),
        }
    }

    /// A well-formed segment, made by the builder, checksum included.
    fn push(
        &mut self,
        from: Side,
        description: &str,
        builder: TcpSegmentBuilder,
    ) -> Result<(), Error> {
        let (src, dst) = self.addresses(from);
        let segment = self
            .with_ports(from, builder)
            .build_with_checksum(src, dst)?;
        self.push_tcp(from, description, &segment.to_bytes()?, &[]);
        Ok(())
    }

    /// A segment whose option area the builder would refuse: the builder makes the fixed
    /// header and payload, then the options and padding are set on the value as given, the
    /// data offset is recomputed, and the checksum is filled in over the bytes.
    fn push_options(
        &mut self,
        from: Side,
        description: &str,
        builder: TcpSegmentBuilder,
        options: Vec<TcpOption>,
        padding: &[u8],
    ) -> Result<(), Error> {
        self.push_options_behind(from, description, builder, options, padding, &[])
    }

    /// As [`push_options`](Self::push_options), with IPv6 extension headers before TCP.
    fn push_options_behind(
        &mut self,
        from: Side,
        description: &str,
        builder: TcpSegmentBuilder,
        options: Vec<TcpOption>,
        padding: &[u8],
        extensions: &[u8],
    ) -> Result<(), Error> {
        let (src, dst) = self.addresses(from);
        let mut segment: TcpSegment = self.with_ports(from, builder).build()?;
        set_option_area(&mut segment.header, options, padding)?;
        let mut bytes = segment.to_bytes()?;
        tcpwire::checksum::fill(src, dst, &mut bytes)?;
        self.push_tcp(from, description, &bytes, extensions);
        Ok(())
    }

    /// Wraps TCP bytes in IP (after `extensions`, IPv6 only) and Ethernet.
    fn push_tcp(&mut self, from: Side, description: &str, tcp: &[u8], extensions: &[u8]) {
        let (src, dst) = self.addresses(from);
        let (src_mac, dst_mac) = match from {
            Side::Client => (CLIENT_MAC, SERVER_MAC),
            Side::Server => (SERVER_MAC, CLIENT_MAC),
        };
        let mut bytes = Vec::with_capacity(14 + 40 + extensions.len() + tcp.len());
        bytes.extend_from_slice(&dst_mac);
        bytes.extend_from_slice(&src_mac);
        let identification = u16::try_from(self.frames.len() + 1).unwrap_or(0);
        match (src, dst) {
            (IpAddr::V4(src), IpAddr::V4(dst)) => {
                bytes.extend_from_slice(&[0x08, 0x00]);
                bytes.extend_from_slice(&ipv4_header(src, dst, identification, tcp.len()));
            }
            (IpAddr::V6(src), IpAddr::V6(dst)) => {
                bytes.extend_from_slice(&[0x86, 0xdd]);
                let next_header = if extensions.is_empty() { 6 } else { 0 };
                bytes.extend_from_slice(&ipv6_header(
                    src,
                    dst,
                    next_header,
                    extensions.len() + tcp.len(),
                ));
                bytes.extend_from_slice(extensions);
            }
            _ => unreachable!("addresses come in pairs of one version"),
        }
        bytes.extend_from_slice(tcp);
        self.frames.push(Frame {
            description: description.to_string(),
            bytes,
        });
    }

    /// The capture as a classic pcap file (microsecond timestamps, Ethernet).
    pub fn to_pcap(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes()); // magic: microseconds
        out.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
        out.extend_from_slice(&4u16.to_le_bytes());
        out.extend_from_slice(&0i32.to_le_bytes()); // time zone
        out.extend_from_slice(&0u32.to_le_bytes()); // timestamp accuracy
        out.extend_from_slice(&65535u32.to_le_bytes()); // snap length
        out.extend_from_slice(&1u32.to_le_bytes()); // link type: Ethernet
        for (i, frame) in self.frames.iter().enumerate() {
            let len = u32::try_from(frame.bytes.len()).unwrap_or(u32::MAX);
            let millis = u32::try_from(i).unwrap_or(0);
            out.extend_from_slice(&(EPOCH + millis / 1000).to_le_bytes());
            out.extend_from_slice(&((millis % 1000) * 1000).to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes()); // captured
            out.extend_from_slice(&len.to_le_bytes()); // on the wire
            out.extend_from_slice(&frame.bytes);
        }
        out
    }
}

/// Sets a header's options and padding as given and the data offset that holds them.
fn set_option_area(
    header: &mut TcpHeader,
    options: Vec<TcpOption>,
    padding: &[u8],
) -> Result<(), Error> {
    let length: usize = options.iter().map(TcpOption::encoded_len).sum::<usize>() + padding.len();
    if length % 4 != 0 || length > 40 {
        return Err(Error::Unencodable {
            what: "hand-made option area",
            detail: format!("{length} bytes is not a multiple of 4 up to 40"),
        });
    }
    header.options = options.into_iter().collect();
    header.padding = InlineBytes::try_from(padding)?;
    header.data_offset = u8::try_from(5 + length / 4).unwrap_or(15);
    Ok(())
}

/// A 20-byte IPv4 header (DF, TTL 64, protocol TCP) with its checksum.
fn ipv4_header(src: Ipv4Addr, dst: Ipv4Addr, identification: u16, payload: usize) -> [u8; 20] {
    let total = u16::try_from(20 + payload).unwrap_or(u16::MAX);
    let mut h = [0u8; 20];
    h[0] = 0x45;
    h[2..4].copy_from_slice(&total.to_be_bytes());
    h[4..6].copy_from_slice(&identification.to_be_bytes());
    h[6] = 0x40; // don't fragment
    h[8] = 64;
    h[9] = 6;
    h[12..16].copy_from_slice(&src.octets());
    h[16..20].copy_from_slice(&dst.octets());
    let checksum = !tcpwire::checksum::ones_complement_sum(&h);
    h[10..12].copy_from_slice(&checksum.to_be_bytes());
    h
}

/// A 40-byte IPv6 header (hop limit 64).
fn ipv6_header(src: Ipv6Addr, dst: Ipv6Addr, next_header: u8, payload: usize) -> [u8; 40] {
    let mut h = [0u8; 40];
    h[0] = 0x60;
    h[4..6].copy_from_slice(&u16::try_from(payload).unwrap_or(u16::MAX).to_be_bytes());
    h[6] = next_header;
    h[7] = 64;
    h[8..24].copy_from_slice(&src.octets());
    h[24..40].copy_from_slice(&dst.octets());
    h
}

// ---------------------------------------------------------------------------------------------
// Segment presets

/// A client SYN.
fn syn() -> TcpSegmentBuilder {
    TcpSegment::builder().seq(ISN_CLIENT).syn().window(64240)
}

/// The server's SYN/ACK.
fn syn_ack() -> TcpSegmentBuilder {
    TcpSegment::builder()
        .seq(ISN_SERVER)
        .ack_number(ISN_CLIENT + 1)
        .syn()
        .ack()
        .window(65160)
}

/// A client ACK in an established connection.
fn ack() -> TcpSegmentBuilder {
    TcpSegment::builder()
        .seq(ISN_CLIENT + 1)
        .ack_number(ISN_SERVER + 1)
        .ack()
        .window(502)
}

/// A client ACK carrying `payload` (PSH set).
fn data(payload: &[u8]) -> TcpSegmentBuilder {
    ack().psh().payload(payload)
}

/// A client RST (with ACK).
fn rst() -> TcpSegmentBuilder {
    ack().rst().window(0)
}

/// The Linux SYN options before any MPTCP option: MSS, SACK permitted, timestamps, NOP, WS.
fn linux_syn(builder: TcpSegmentBuilder, mss: u16) -> TcpSegmentBuilder {
    builder
        .mss(mss)
        .sack_permitted()
        .timestamps(0x0001_0000, 0)
        .nop()
        .window_scale(7)
}

/// NOP, NOP, timestamps: the Linux data-segment prefix.
fn linux_ts(builder: TcpSegmentBuilder) -> TcpSegmentBuilder {
    builder.nop().nop().timestamps(0x0001_0100, 0x0002_0200)
}

/// An option of a kind tcpwire does not decode (or an experiment-less raw option).
fn unknown(kind: u8, data: &[u8]) -> Result<TcpOption, Error> {
    Ok(TcpOption::Unknown(Unknown {
        kind,
        data: InlineBytes::try_from(data)?,
    }))
}

/// A malformed option: exactly these bytes, and the reason tcpwire must find in them.
fn malformed(bytes: &[u8], reason: MalformedReason) -> Result<TcpOption, Error> {
    Ok(TcpOption::Malformed(Malformed {
        kind: bytes.first().copied().unwrap_or(0),
        bytes: InlineBytes::try_from(bytes)?,
        reason,
    }))
}

/// A malformed option whose Length byte (`bytes[1]`) is not in `allowed`.
fn bad_length(bytes: &[u8], allowed: LengthSet) -> Result<TcpOption, Error> {
    let length = bytes.get(1).copied().unwrap_or(0);
    malformed(bytes, MalformedReason::BadLength { length, allowed })
}

/// `n` NOPs.
fn nops(n: usize) -> Vec<TcpOption> {
    vec![TcpOption::Nop; n]
}

/// NOPs, then `option`, so that the area is a whole number of words.
fn nops_then(option: TcpOption) -> Vec<TcpOption> {
    let mut v = nops((4 - option.encoded_len() % 4) % 4);
    v.push(option);
    v
}

// ---------------------------------------------------------------------------------------------
// The files

/// Every option kind of the wire-format table, and unknown kinds (IPv4).
fn options_all_kinds() -> Result<Capture, Error> {
    use Side::{Client, Server};
    let mut c = Capture::new("options-all-kinds.pcap", false);
    c.push(
        Client,
        "SYN: MSS 1460, EOL, zero padding",
        syn().mss(1460).eol(),
    )?;
    c.push_options(
        Client,
        "SYN: MSS 1460, EOL, non-zero padding a5 5a 01",
        syn(),
        vec![TcpOption::Mss(Mss { mss: 1460 }), TcpOption::Eol],
        &[0xa5, 0x5a, 0x01],
    )?;
    c.push(
        Client,
        "SYN: EOL as the first option, zero padding",
        syn().eol(),
    )?;
    c.push(
        Client,
        "SYN: the Linux SYN (MSS, SACK permitted, timestamps, NOP, WS 7)",
        linux_syn(syn(), 1460),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps (the Linux ACK)",
        linux_ts(ack()),
    )?;
    c.push(Client, "ACK: eight NOPs", ack().options(nops(8)))?;
    c.push(Client, "SYN: MSS 0 and MSS 65535", syn().mss(0).mss(65535))?;
    c.push(
        Client,
        "SYN: window scale 0, 14, 15 and 255",
        syn()
            .window_scale(0)
            .window_scale(14)
            .window_scale(15)
            .window_scale(255),
    )?;
    let blocks = [
        SackBlock {
            left: ISN_SERVER + 1001,
            right: ISN_SERVER + 2001,
        },
        SackBlock {
            left: ISN_SERVER + 3001,
            right: ISN_SERVER + 4001,
        },
        SackBlock {
            left: 0xffff_fff0,
            right: 0x0000_0010,
        },
        SackBlock { left: 0, right: 0 },
    ];
    c.push(
        Client,
        "ACK: NOP NOP timestamps, NOP NOP SACK 1 block",
        linux_ts(ack()).nop().nop().sack(&blocks[..1]),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps, NOP NOP SACK 2 blocks",
        linux_ts(ack()).nop().nop().sack(&blocks[..2]),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps, NOP NOP SACK 3 blocks (one wraps around 2^32)",
        linux_ts(ack()).nop().nop().sack(&blocks[..3]),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP SACK 4 blocks (the last one empty, 0-0)",
        ack().nop().nop().sack(&blocks),
    )?;
    c.push(
        Client,
        "ACK: Echo 0xdeadbeef, Echo Reply 0x01020304",
        ack()
            .option(TcpOption::Echo(Echo { info: 0xdead_beef }))
            .option(TcpOption::EchoReply(EchoReply { info: 0x0102_0304 })),
    )?;
    c.push(
        Client,
        "SYN: POC permitted, POC service profile start, POC service profile end + filler 0x15",
        syn()
            .option(TcpOption::PocPermitted)
            .option(TcpOption::PocServiceProfile(PocServiceProfile {
                start: true,
                end: false,
                filler: 0,
            }))
            .option(TcpOption::PocServiceProfile(PocServiceProfile {
                start: false,
                end: true,
                filler: 0x15,
            })),
    )?;
    c.push(
        Client,
        "SYN: CC.NEW 7",
        syn().option(TcpOption::CcNew(CcNew { count: 7 })),
    )?;
    c.push(
        Server,
        "SYN/ACK: CC 9, CC.ECHO 7",
        syn_ack()
            .option(TcpOption::Cc(Cc { count: 9 }))
            .option(TcpOption::CcEcho(CcEcho { count: 7 })),
    )?;
    c.push(
        Client,
        "SYN: alternate checksum request for algorithms 0, 1, 2, 3 and 7 (unassigned)",
        syn().options([0, 1, 2, 3, 7].map(|a| {
            TcpOption::AltChecksumRequest(AltChecksumRequest {
                algorithm: AltChecksumAlgorithm::from_value(a),
            })
        })),
    )?;
    c.push(
        Client,
        "ACK: alternate checksum data of 0, 1 and 2 bytes",
        ack().options([&[][..], &[0x5a], &[0x12, 0x34]].map(|d| {
            TcpOption::AltChecksumData(AltChecksumData {
                data: InlineBytes::from_slice(d).unwrap_or_default(),
            })
        })),
    )?;
    c.push(
        Client,
        "ACK: MD5 signature",
        ack().option(TcpOption::Md5Signature(Md5Signature {
            digest: *b"MD5-digest-16byt",
        })),
    )?;
    c.push(
        Client,
        "SYN: Quick-Start response rate 7 TTL diff 3; one with every reserved bit set",
        syn()
            .option(TcpOption::QuickStartResponse(QuickStartResponse {
                reserved: 0,
                rate_request: 7,
                ttl_diff: 3,
                nonce: 0x0123_4567,
                nonce_reserved: 0,
            }))
            .option(TcpOption::QuickStartResponse(QuickStartResponse {
                reserved: 0xf,
                rate_request: 15,
                ttl_diff: 255,
                nonce: 0x3fff_ffff,
                nonce_reserved: 3,
            })),
    )?;
    c.push(
        Client,
        "SYN: User Timeout 300 seconds, User Timeout 30 minutes",
        syn()
            .option(TcpOption::UserTimeout(UserTimeout {
                granularity: Granularity::Seconds,
                timeout: 300,
            }))
            .option(TcpOption::UserTimeout(UserTimeout {
                granularity: Granularity::Minutes,
                timeout: 30,
            })),
    )?;
    c.push(
        Client,
        "ACK: TCP-AO key 1, rnext 2, 12-byte MAC",
        ack().option(TcpOption::TcpAo(TcpAo {
            key_id: 1,
            rnext_key_id: 2,
            mac: InlineBytes::try_from(&b"twelve-bytes"[..])?,
        })),
    )?;
    c.push(
        Client,
        "ACK: TCP-AO with an empty MAC (length 4), TCP-AO with a 32-byte MAC",
        ack()
            .option(TcpOption::TcpAo(TcpAo {
                key_id: 0,
                rnext_key_id: 255,
                mac: InlineBytes::new(),
            }))
            .option(TcpOption::TcpAo(TcpAo {
                key_id: 3,
                rnext_key_id: 3,
                mac: InlineBytes::try_from(&[0x33; 32][..])?,
            })),
    )?;
    c.push(
        Client,
        "SYN: TCP Fast Open cookie request",
        linux_syn(syn(), 1460).fast_open(&[]),
    )?;
    c.push(
        Server,
        "SYN/ACK: TCP Fast Open 4-byte cookie",
        syn_ack().mss(1460).fast_open(&[0xf0, 0x0c, 0x00, 0x4b]),
    )?;
    c.push(
        Client,
        "SYN with data: TCP Fast Open 6-byte cookie",
        syn()
            .mss(1460)
            .fast_open(&[1, 2, 3, 4, 5, 6])
            .payload(&b"hello"[..]),
    )?;
    c.push(
        Server,
        "SYN/ACK: TCP Fast Open 16-byte cookie",
        syn_ack().fast_open(b"sixteen-byte-tfo"),
    )?;
    c.push(
        Client,
        "SYN: TCP-ENO with 3 suboption bytes, TCP-ENO empty",
        syn()
            .option(TcpOption::Eno(Eno {
                data: InlineBytes::try_from(&[0x10, 0x20, 0x21][..])?,
            }))
            .option(TcpOption::Eno(Eno {
                data: InlineBytes::new(),
            })),
    )?;
    let counters = |n: usize| {
        let v: Vec<Option<u32>> = (0..3)
            .map(|i| (i < n).then_some(0x01_0000 * (i as u32 + 1) + n as u32))
            .collect();
        (v[0], v[1], v[2])
    };
    c.push(
        Client,
        "ACK: AccECN order 0 with 0, 1, 2 and 3 counters",
        ack().options((0..4).map(|n| {
            let (a, b, c) = counters(n);
            TcpOption::AccEcnOrder0(AccEcnCounters {
                ee0b: a,
                eceb: b,
                ee1b: c,
            })
        })),
    )?;
    c.push(
        Client,
        "ACK: AccECN order 1 with 0, 1, 2 and 3 counters",
        ack().options((0..4).map(|n| {
            let (a, b, c) = counters(n);
            TcpOption::AccEcnOrder1(AccEcnCounters {
                ee1b: a,
                eceb: b,
                ee0b: c,
            })
        })),
    )?;
    c.push(
        Client,
        "SYN: experiment 253 ExID 0x1234 with 2 bytes, experiment 254 ExID 0x4567 empty",
        syn()
            .option(TcpOption::Experiment(Experiment {
                kind: 253,
                exid: 0x1234,
                data: InlineBytes::try_from(&[0xde, 0xad][..])?,
            }))
            .option(TcpOption::Experiment(Experiment {
                kind: 254,
                exid: 0x4567,
                data: InlineBytes::new(),
            })),
    )?;
    c.push(
        Client,
        "ACK: experiment 253 ExID 0x00AC (ACK rate request), experiment 254 ExID 0xACC0 (AccECN draft, 2 counters)",
        ack()
            .option(TcpOption::Experiment(Experiment {
                kind: 253,
                exid: 0x00ac,
                data: InlineBytes::try_from(&[0x10][..])?,
            }))
            .option(TcpOption::Experiment(Experiment {
                kind: 254,
                exid: 0xacc0,
                data: InlineBytes::try_from(&[0, 0, 1, 0, 0, 2][..])?,
            })),
    )?;
    c.push(
        Client,
        "SYN: TCP Fast Open cookie request in experiment 254 (ExID 0xF989)",
        linux_syn(syn(), 1460).option(TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: 254,
            cookie: InlineBytes::new(),
        })),
    )?;
    c.push(
        Server,
        "SYN/ACK: TCP Fast Open 8-byte cookie in experiment 254 (ExID 0xF989)",
        syn_ack()
            .mss(1460)
            .option(TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
                kind: 254,
                cookie: InlineBytes::try_from(&b"cookie-8"[..])?,
            })),
    )?;
    c.push(
        Client,
        "SYN with data: TCP Fast Open 4-byte cookie in experiment 253 (ExID 0xF989)",
        syn()
            .option(TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
                kind: 253,
                cookie: InlineBytes::try_from(&[0xf0, 0x0c, 0x00, 0x4b][..])?,
            }))
            .payload(&b"hi"[..]),
    )?;
    c.push(
        Client,
        "ACK: unknown kinds 16, 17, 18, 24, 25, 26",
        ack().options([
            unknown(16, &[])?,
            unknown(17, &[0x17])?,
            unknown(18, &[0x5a])?,
            unknown(24, &[0x24, 0x24])?,
            unknown(25, &[])?,
            unknown(26, &[1, 2, 3])?,
        ]),
    )?;
    c.push(
        Client,
        "ACK: unknown kinds 20 (SCPS capabilities), 22, 23, 31, 32, 33",
        ack().options([
            unknown(20, &[0x80, 0x01])?,
            unknown(22, &[])?,
            unknown(23, &[])?,
            unknown(31, &[])?,
            unknown(32, &[0x32])?,
            unknown(33, &[0x33, 0x33])?,
        ]),
    )?;
    c.push(
        Client,
        "ACK: unknown kinds 70, 173, 200, then 21 (SNACK, 6 bytes) ending the option area",
        ack().options([
            unknown(70, &[7, 0, 7, 0])?,
            unknown(173, &[])?,
            unknown(200, &[0xc8; 8])?,
            TcpOption::Snack(Snack {
                hole_offset: 1,
                hole_size: 2,
            }),
        ]),
    )?;
    c.push(
        Client,
        "ACK: unknown kind 77, then 76 (Riverbed probe)",
        ack().options([
            unknown(77, &[0x4d, 0x4d])?,
            unknown(76, &[0, 0, 0, 0, 0, 0, 0])?,
        ]),
    )?;
    c.push(
        Client,
        "ACK: unknown kind 78 (Riverbed transparency, 16 bytes)",
        ack().option(unknown(78, &[0x4e; 14])?),
    )?;
    c.push(
        Client,
        "no options: every flag (AE CWR ECE URG ACK PSH RST SYN FIN), reserved bits 101, urgent pointer 1, 1 byte of data",
        TcpSegment::builder()
            .seq(ISN_CLIENT)
            .ack_number(ISN_SERVER)
            .flags(tcpwire::Flags::ALL)
            .reserved(0b101)
            .window(0)
            .urgent_pointer(1)
            .payload(&b"!"[..]),
    )?;
    Ok(c)
}

/// MPTCP version 0 (RFC 6824) forms (IPv4).
fn mptcp_v0() -> Result<Capture, Error> {
    use Side::{Client, Server};
    let mut c = Capture::new("mptcp-v0.pcap", false);
    let a_h = MpCapableFlags {
        checksum_required: true,
        ..MpCapableFlags::HMAC_SHA256
    };
    c.push(
        Client,
        "SYN: Linux SYN options, MP_CAPABLE v0 (length 12, flags A H, client key)",
        linux_syn(syn(), 1460).mp_capable(MpCapable::v0_syn(a_h, CLIENT_KEY)),
    )?;
    c.push(
        Server,
        "SYN/ACK: Linux SYN options, MP_CAPABLE v0 (length 12, flags A H, server key)",
        linux_syn(syn_ack(), 1460).mp_capable(MpCapable::v0_syn(a_h, SERVER_KEY)),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps, MP_CAPABLE v0 (length 20, both keys)",
        linux_ts(ack()).mp_capable(MpCapable::v0_ack(a_h, CLIENT_KEY, SERVER_KEY)),
    )?;
    c.push(
        Client,
        "data: NOP NOP timestamps, DSS data ACK 4 + mapping 4 + checksum (length 20), 5 bytes",
        linux_ts(data(b"hello")).dss(Dss::new().with_data_ack(0x5000_0001).with_mapping(
            0x4000_0001,
            1,
            5,
            Some(0x1d2c),
        )),
    )?;
    c.push(
        Client,
        "SYN: Linux SYN options, MP_JOIN SYN (length 12), backup, address ID 1",
        linux_syn(syn(), 1460).mp_join(MpJoin::syn(true, 1, TOKEN, RANDOM_CLIENT)),
    )?;
    c.push(
        Server,
        "SYN/ACK: Linux SYN options, MP_JOIN SYN/ACK (length 16), address ID 0",
        linux_syn(syn_ack(), 1460).mp_join(MpJoin::syn_ack(
            false,
            0,
            TRUNCATED_HMAC,
            RANDOM_SERVER,
        )),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps, MP_JOIN ACK (length 24)",
        linux_ts(ack()).mp_join(MpJoin::ack(HMAC)),
    )?;
    let v4 = Ipv4Addr::new(203, 0, 113, 4);
    let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0x66, 0, 0, 0, 6);
    c.push(
        Server,
        "ACK: ADD_ADDR v0 IPv4 (length 8)",
        syn_ack_established().add_addr(AddAddr::v0(4, v4, None)),
    )?;
    c.push(
        Server,
        "ACK: ADD_ADDR v0 IPv4 + port 8080 (length 10)",
        syn_ack_established().add_addr(AddAddr::v0(5, v4, Some(8080))),
    )?;
    c.push(
        Server,
        "ACK: ADD_ADDR v0 IPv6 (length 20)",
        syn_ack_established().add_addr(AddAddr::v0(6, v6, None)),
    )?;
    c.push(
        Server,
        "ACK: ADD_ADDR v0 IPv6 + port 443 (length 22)",
        syn_ack_established().add_addr(AddAddr::v0(7, v6, Some(443))),
    )?;
    c.push(
        Server,
        "ACK: REMOVE_ADDR address ID 4",
        syn_ack_established().remove_addr(&[4]),
    )?;
    c.push(
        Client,
        "ACK: MP_PRIO v0 (length 4), backup, address ID 2",
        ack().mptcp(MptcpOption::mp_prio_v0(true, 2)),
    )?;
    c.push(
        Client,
        "ACK: MP_FAIL at DSN 0x0102030405060708",
        ack().mp_fail(0x0102_0304_0506_0708),
    )?;
    c.push(
        Client,
        "ACK: MP_FASTCLOSE with the server's key",
        ack().mp_fastclose(SERVER_KEY),
    )?;
    Ok(c)
}

/// A server ACK in an established connection.
fn syn_ack_established() -> TcpSegmentBuilder {
    TcpSegment::builder()
        .seq(ISN_SERVER + 1)
        .ack_number(ISN_CLIENT + 1)
        .ack()
        .window(509)
}

/// MPTCP version 1 (RFC 8684): every subtype and length form, every DSS flag combination
/// (IPv4).
fn mptcp_v1() -> Result<Capture, Error> {
    use Side::{Client, Server};
    let mut c = Capture::new("mptcp-v1.pcap", false);
    let h = MpCapableFlags::HMAC_SHA256;
    let a_h = MpCapableFlags {
        checksum_required: true,
        ..h
    };
    c.push(
        Client,
        "SYN: Linux SYN options, MP_CAPABLE v1 (length 4, flag H)",
        linux_syn(syn(), 1460).mp_capable(MpCapable::syn(h)),
    )?;
    c.push(
        Server,
        "SYN/ACK: Linux SYN options, MP_CAPABLE v1 (length 12, server key)",
        linux_syn(syn_ack(), 1460).mp_capable(MpCapable::syn_ack(h, SERVER_KEY)),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps, MP_CAPABLE v1 (length 20, both keys)",
        linux_ts(ack()).mp_capable(MpCapable::ack(h, CLIENT_KEY, SERVER_KEY)),
    )?;
    c.push(
        Client,
        "data: NOP NOP timestamps, MP_CAPABLE v1 (length 22, data-level length 5), 5 bytes",
        linux_ts(data(b"hello"))
            .mp_capable(MpCapable::ack_with_data(h, CLIENT_KEY, SERVER_KEY, 5, None)),
    )?;
    c.push(
        Client,
        "data: NOP NOP timestamps, MP_CAPABLE v1 (length 24, flags A H, checksum), 5 bytes",
        linux_ts(data(b"hello")).mp_capable(MpCapable::ack_with_data(
            a_h,
            CLIENT_KEY,
            SERVER_KEY,
            5,
            Some(0x2bd5),
        )),
    )?;
    c.push(
        Client,
        "SYN: MSS, MP_CAPABLE v1 (length 4) with every flag bit set (A B C D E F G H)",
        syn()
            .mss(1460)
            .mp_capable(MpCapable::syn(MpCapableFlags::from_byte(0xff))),
    )?;
    c.push(
        Client,
        "SYN: MSS, MP_CAPABLE version 2 (unspecified; length 4, flag H)",
        syn().mss(1460).mp_capable(MpCapable {
            version: 2,
            ..MpCapable::syn(h)
        }),
    )?;
    c.push(
        Client,
        "SYN: Linux SYN options, MP_JOIN SYN (length 12), address ID 2",
        linux_syn(syn(), 1460).mp_join(MpJoin::syn(false, 2, TOKEN, RANDOM_CLIENT)),
    )?;
    c.push(
        Server,
        "SYN/ACK: Linux SYN options, MP_JOIN SYN/ACK (length 16), backup, address ID 3",
        linux_syn(syn_ack(), 1460).mp_join(MpJoin::syn_ack(true, 3, TRUNCATED_HMAC, RANDOM_SERVER)),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps, MP_JOIN ACK (length 24)",
        linux_ts(ack()).mp_join(MpJoin::ack(HMAC)),
    )?;

    // DSS: data ACK none / 4 / 8 bytes x mapping none / 4 / 4+checksum / 8 / 8+checksum x
    // DATA_FIN off / on. A mapping covers the segment's 4 bytes of data (and the DATA_FIN).
    #[derive(Clone, Copy)]
    enum Ack {
        None,
        Four,
        Eight,
    }
    for fin in [false, true] {
        for data_ack in [Ack::None, Ack::Four, Ack::Eight] {
            for (mapping, checksum) in [(0, false), (4, false), (4, true), (8, false), (8, true)] {
                let mut dss = Dss::new();
                let mut what = Vec::new();
                match data_ack {
                    Ack::None => {}
                    Ack::Four => {
                        dss = dss.with_data_ack(0x5000_0001);
                        what.push("data ACK 4".to_string());
                    }
                    Ack::Eight => {
                        dss = dss.with_data_ack_8_bytes(0x0123_4567_5000_0001);
                        what.push("data ACK 8".to_string());
                    }
                }
                let length = 4 + u16::from(fin);
                let checksum = checksum.then_some(0xc5c5);
                let with = if checksum.is_some() {
                    " + checksum"
                } else {
                    ""
                };
                match mapping {
                    4 => {
                        dss = dss.with_mapping(0x4000_0001, 1, length, checksum);
                        what.push(format!("mapping DSN 4{with}"));
                    }
                    8 => {
                        dss = dss.with_mapping_dsn_8_bytes(
                            0x89ab_cdef_4000_0001,
                            1,
                            length,
                            checksum,
                        );
                        what.push(format!("mapping DSN 8{with}"));
                    }
                    _ => {}
                }
                if fin {
                    dss = dss.with_data_fin();
                    what.push("DATA_FIN".into());
                }
                let what = if what.is_empty() {
                    "no field".to_string()
                } else {
                    what.join(" + ")
                };
                let (label, builder) = if mapping > 0 {
                    ("data (4 bytes)", data(b"data"))
                } else {
                    ("ACK", ack())
                };
                c.push(
                    Client,
                    &format!("{label}: DSS {what} (length {})", dss.encoded_len()),
                    builder.dss(dss),
                )?;
            }
        }
    }
    c.push(
        Client,
        "ACK: DSS with the width flags a and m set but no data ACK and no mapping (length 4)",
        ack().dss(Dss {
            data_ack_8_bytes: true,
            dsn_8_bytes: true,
            ..Dss::new()
        }),
    )?;
    c.push(
        Client,
        "ACK: DSS infinite mapping: data ACK 4 + mapping DSN 4, data-level length 0 (length 18)",
        ack().dss(
            Dss::new()
                .with_data_ack(0x5000_0001)
                .with_mapping(0x4000_0001, 0, 0, None),
        ),
    )?;
    c.push(
        Client,
        "ACK: DSS infinite mapping: mapping DSN 8 + checksum, data-level length 0 (length 20)",
        ack().dss(Dss::new().with_mapping_dsn_8_bytes(0x89ab_cdef_4000_0001, 0, 0, Some(0))),
    )?;

    let v4 = Ipv4Addr::new(203, 0, 113, 4);
    let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0x66, 0, 0, 0, 6);
    let add_addr = [
        (
            "ADD_ADDR v1 IPv4 + HMAC (length 16)",
            AddAddr::v1(4, v4, None, TRUNCATED_HMAC),
        ),
        (
            "ADD_ADDR v1 IPv4 + port 8080 + HMAC (length 18)",
            AddAddr::v1(5, v4, Some(8080), TRUNCATED_HMAC),
        ),
        (
            "ADD_ADDR v1 IPv6 + HMAC (length 28)",
            AddAddr::v1(6, v6, None, TRUNCATED_HMAC),
        ),
        (
            "ADD_ADDR v1 IPv6 + port 443 + HMAC (length 30)",
            AddAddr::v1(7, v6, Some(443), TRUNCATED_HMAC),
        ),
        (
            "ADD_ADDR v1 echo IPv4 (length 8)",
            AddAddr::v1_echo(4, v4, None),
        ),
        (
            "ADD_ADDR v1 echo IPv4 + port 8080 (length 10)",
            AddAddr::v1_echo(5, v4, Some(8080)),
        ),
        (
            "ADD_ADDR v1 echo IPv6 (length 20)",
            AddAddr::v1_echo(6, v6, None),
        ),
        (
            "ADD_ADDR v1 echo IPv6 + port 443 (length 22)",
            AddAddr::v1_echo(7, v6, Some(443)),
        ),
        (
            "ADD_ADDR v1 IPv4 + HMAC with reserved bits 010 (nibble 4, as v0 IPv4 has; length 16)",
            AddAddr::V1 {
                reserved: 0b010,
                address_id: 8,
                address: v4.into(),
                port: None,
                truncated_hmac: Some(TRUNCATED_HMAC),
            },
        ),
    ];
    for (what, option) in add_addr {
        let side = if option.is_echo() { Client } else { Server };
        let builder = if option.is_echo() {
            ack()
        } else {
            syn_ack_established()
        };
        c.push(side, &format!("ACK: {what}"), builder.add_addr(option))?;
    }
    c.push(
        Server,
        "ACK: REMOVE_ADDR address ID 4",
        syn_ack_established().remove_addr(&[4]),
    )?;
    c.push(
        Server,
        "ACK: REMOVE_ADDR address IDs 5, 6, 7, 255",
        syn_ack_established().remove_addr(&[5, 6, 7, 255]),
    )?;
    let ids: Vec<u8> = (1..=37).collect();
    c.push(
        Server,
        "ACK: REMOVE_ADDR address IDs 1..=37 (length 40, the whole option area)",
        syn_ack_established().remove_addr(&ids),
    )?;
    c.push(
        Client,
        "ACK: MP_PRIO backup (length 3)",
        ack().mp_prio(true),
    )?;
    c.push(
        Client,
        "ACK: MP_PRIO not backup (length 3)",
        ack().mp_prio(false),
    )?;
    c.push(
        Client,
        "ACK: MP_FAIL at DSN 0x89abcdef40000001",
        ack().mp_fail(0x89ab_cdef_4000_0001),
    )?;
    c.push(
        Client,
        "RST: MP_FASTCLOSE with the server's key",
        rst().mp_fastclose(SERVER_KEY),
    )?;
    for (reason, transient) in [
        (0, false),
        (1, true),
        (2, true),
        (3, false),
        (4, true),
        (5, false),
        (6, true),
        (7, false),
    ] {
        let reason = TcpRstReason::from_value(reason);
        c.push(
            Client,
            &format!(
                "RST: MP_TCPRST reason {} ({}){}",
                reason.value(),
                if reason.is_known() {
                    reason.description()
                } else {
                    "unassigned"
                },
                if transient { ", transient" } else { "" }
            ),
            rst().mp_tcprst(transient, reason),
        )?;
    }
    c.push(
        Client,
        "RST: MP_TCPRST reason 255 (unassigned) with U V W T all set",
        rst().mptcp(MptcpOption::MpTcpRst(MpTcpRst {
            reserved: 0b111,
            transient: true,
            reason: TcpRstReason::from_value(255),
        })),
    )?;
    c.push(
        Client,
        "ACK: MP_EXPERIMENTAL (subtype 15) empty, MP_EXPERIMENTAL nibble 0xf with 5 bytes",
        ack()
            .mptcp(MptcpOption::MpExperimental(MpExperimental {
                nibble: 0,
                data: InlineBytes::new(),
            }))
            .mptcp(MptcpOption::MpExperimental(MpExperimental {
                nibble: 0xf,
                data: InlineBytes::try_from(&[1, 2, 3, 4, 5][..])?,
            })),
    )?;
    let unassigned = |subtype: u8, data: &[u8]| -> Result<MptcpOption, Error> {
        Ok(MptcpOption::Unassigned(Unassigned {
            subtype,
            nibble: subtype - 8,
            data: InlineBytes::try_from(data)?,
        }))
    };
    c.push(
        Client,
        "ACK: unassigned MPTCP subtypes 9, 10, 11",
        ack()
            .mptcp(unassigned(9, &[])?)
            .mptcp(unassigned(10, &[0xaa])?)
            .mptcp(unassigned(11, &[0xbb, 0xbb])?),
    )?;
    c.push(
        Client,
        "ACK: unassigned MPTCP subtypes 12, 13, 14",
        ack()
            .mptcp(unassigned(12, &[0xcc; 3])?)
            .mptcp(unassigned(13, &[])?)
            .mptcp(unassigned(14, &[0xee; 8])?),
    )?;
    Ok(c)
}

/// Every malformed shape: framing errors, wrong lengths of fixed-size kinds, MPTCP lengths
/// that disagree with the subtype (IPv4).
fn malformed_shapes() -> Result<Capture, Error> {
    use MalformedReason::{LengthBelowTwo, MissingLength, Overrun};
    use Side::Client;
    let mut c = Capture::new("malformed.pcap", false);
    let mss = TcpOption::Mss(Mss { mss: 1460 });

    // Framing: the length cannot be trusted, the malformed option runs to the end of the area.
    c.push_options(
        Client,
        "SYN: MSS, then kind 8 with length 0",
        syn(),
        vec![
            mss.clone(),
            malformed(&[8, 0, 0, 0], LengthBelowTwo { length: 0 })?,
        ],
        &[],
    )?;
    c.push_options(
        Client,
        "SYN: MSS, then kind 3 with length 1",
        syn(),
        vec![
            mss.clone(),
            malformed(&[3, 1, 7, 0], LengthBelowTwo { length: 1 })?,
        ],
        &[],
    )?;
    c.push_options(
        Client,
        "SYN: NOP NOP NOP, then kind 2 as the last byte (no length byte)",
        syn(),
        [nops(3), vec![malformed(&[2], MissingLength)?]].concat(),
        &[],
    )?;
    c.push_options(
        Client,
        "SYN: MSS, then timestamps with length 10 in the last 4 bytes",
        syn(),
        vec![
            mss.clone(),
            malformed(
                &[8, 10, 0, 0],
                Overrun {
                    length: 10,
                    available: 4,
                },
            )?,
        ],
        &[],
    )?;
    let mut cut = vec![30, 20, 0x00, 0x81];
    cut.extend_from_slice(&CLIENT_KEY);
    c.push_options(
        Client,
        "ACK: MP_CAPABLE v0 with length 20 in the last 12 bytes",
        ack(),
        vec![malformed(
            &cut,
            Overrun {
                length: 20,
                available: 12,
            },
        )?],
        &[],
    )?;

    // Fixed-size kinds with another length; parsing goes on after them.
    let fixed: [(&str, &[u8]); 24] = [
        ("MSS with length 5", &[2, 5, 5, 0xb4, 0]),
        ("window scale with length 2", &[3, 2]),
        ("SACK permitted with length 3", &[4, 3, 0]),
        ("SACK with length 2 (no block)", &[5, 2]),
        ("SACK with length 6 (half a block)", &[5, 6, 0, 0, 0, 1]),
        (
            "SACK with length 12 (a block and a half)",
            &[5, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0],
        ),
        ("Echo with length 4", &[6, 4, 0, 1]),
        ("Echo Reply with length 8", &[7, 8, 0, 0, 0, 1, 0, 0]),
        ("timestamps with length 8", &[8, 8, 0, 0, 0, 1, 0, 0]),
        ("POC permitted with length 3", &[9, 3, 0]),
        ("POC service profile with length 2", &[10, 2]),
        ("CC with length 4", &[11, 4, 0, 1]),
        ("CC.NEW with length 5", &[12, 5, 0, 0, 1]),
        ("CC.ECHO with length 7", &[13, 7, 0, 0, 0, 1, 0]),
        ("alternate checksum request with length 2", &[14, 2]),
        (
            "MD5 signature with length 17",
            &[19, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        ),
        ("Quick-Start response with length 6", &[27, 6, 7, 3, 0, 0]),
        ("User Timeout with length 3", &[28, 3, 0x81]),
        ("TCP-AO with length 3", &[29, 3, 1]),
        (
            "TCP Fast Open with a 3-byte cookie (length 5)",
            &[34, 5, 1, 2, 3],
        ),
        (
            "TCP Fast Open with a 17-byte cookie (length 19)",
            &[
                34, 19, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
            ],
        ),
        ("AccECN order 0 with length 3", &[172, 3, 0]),
        ("AccECN order 1 with length 6", &[174, 6, 0, 0, 1, 0]),
        (
            "experiment 253 with length 3 (no room for the ExID)",
            &[253, 3, 0x12],
        ),
    ];
    for (what, bytes) in fixed {
        let kind = bytes[0];
        let option = bad_length(bytes, allowed_lengths(kind))?;
        c.push_options(
            Client,
            &format!("ACK: {what}, then NOP NOP timestamps"),
            ack(),
            [
                nops_then(option),
                vec![
                    TcpOption::Nop,
                    TcpOption::Nop,
                    TcpOption::Timestamps(Timestamps {
                        tsval: 0x0001_0100,
                        tsecr: 0x0002_0200,
                    }),
                ],
            ]
            .concat(),
            &[],
        )?;
    }
    c.push_options(
        Client,
        "SYN: TCP Fast Open in experiment 254 (ExID 0xF989) with a 2-byte cookie (length 6)",
        syn(),
        nops_then(bad_length(
            &[254, 6, 0xf9, 0x89, 1, 2],
            LengthSet::of(&[4, 8, 10, 12, 14, 16, 18, 20]),
        )?),
        &[],
    )?;

    // MPTCP: lengths the subtype (and its flags or nibble) does not allow.
    let key_bytes = |head: &[u8], n: usize| {
        let mut v = head.to_vec();
        v.extend((0..n).map(|i| 0xa0 + i as u8));
        v
    };
    let mptcp: Vec<(&str, Vec<u8>, LengthSet)> = vec![
        (
            "MPTCP with length 2 (no subtype byte)",
            vec![30, 2],
            allowed_lengths(30),
        ),
        (
            "MP_CAPABLE with length 3 (no flags byte)",
            vec![30, 3, 0x01],
            MP_CAPABLE_V1_LENGTHS,
        ),
        (
            "MP_CAPABLE v0 with length 4 (v0 has no keyless form)",
            vec![30, 4, 0x00, 0x81],
            MP_CAPABLE_V0_LENGTHS,
        ),
        (
            "MP_CAPABLE v1 with length 8 (half a key)",
            key_bytes(&[30, 8, 0x01, 0x01], 4),
            MP_CAPABLE_V1_LENGTHS,
        ),
        (
            "MP_JOIN with length 13",
            key_bytes(&[30, 13, 0x10, 1], 9),
            MP_JOIN_LENGTHS,
        ),
        (
            "MP_JOIN with length 20 (the SYN/ACK length some references give; it is 16)",
            key_bytes(&[30, 20, 0x10, 1], 16),
            MP_JOIN_LENGTHS,
        ),
        (
            "DSS with length 3 (no flags byte)",
            vec![30, 3, 0x20],
            DSS_LENGTHS,
        ),
        (
            "DSS flags A (4-byte data ACK) with length 12 (8 expected)",
            key_bytes(&[30, 12, 0x20, 0x01], 8),
            LengthSet::exactly(8),
        ),
        (
            "DSS flags A M (data ACK 4 + mapping 4) with length 16 (18 or 20 expected)",
            key_bytes(&[30, 16, 0x20, 0x05], 12),
            LengthSet::of(&[18, 20]),
        ),
        (
            "DSS flags m M (mapping DSN 8) with length 16 (18 or 20 expected)",
            key_bytes(&[30, 16, 0x20, 0x0c], 12),
            LengthSet::of(&[18, 20]),
        ),
        (
            "DSS with no flags and length 8",
            key_bytes(&[30, 8, 0x20, 0x00], 4),
            LengthSet::exactly(4),
        ),
        (
            "ADD_ADDR v1 (E = 0) with length 12",
            key_bytes(&[30, 12, 0x30, 1], 8),
            add_addr_lengths(0),
        ),
        (
            "ADD_ADDR v1 echo (E = 1) with length 16",
            key_bytes(&[30, 16, 0x31, 1], 12),
            add_addr_lengths(1),
        ),
        (
            "ADD_ADDR nibble 4 with length 12",
            key_bytes(&[30, 12, 0x34, 1], 8),
            add_addr_lengths(4),
        ),
        (
            "ADD_ADDR nibble 6 with length 24",
            key_bytes(&[30, 24, 0x36, 1], 20),
            add_addr_lengths(6),
        ),
        (
            "REMOVE_ADDR with length 3 (no address ID)",
            vec![30, 3, 0x40],
            REMOVE_ADDR_LENGTHS,
        ),
        (
            "MP_PRIO with length 5",
            vec![30, 5, 0x51, 1, 2],
            MP_PRIO_LENGTHS,
        ),
        (
            "MP_FAIL with length 16",
            key_bytes(&[30, 16, 0x60, 0], 12),
            MP_FAIL_LENGTHS,
        ),
        (
            "MP_FASTCLOSE with length 16 (the length some references give; it is 12)",
            key_bytes(&[30, 16, 0x70, 0], 12),
            MP_FAIL_LENGTHS,
        ),
        (
            "MP_FASTCLOSE with length 11",
            key_bytes(&[30, 11, 0x70, 0], 7),
            MP_FAIL_LENGTHS,
        ),
        (
            "MP_TCPRST with length 3",
            vec![30, 3, 0x80],
            MP_TCPRST_LENGTHS,
        ),
        (
            "MP_TCPRST with length 5",
            vec![30, 5, 0x81, 2, 0],
            MP_TCPRST_LENGTHS,
        ),
    ];
    for (what, bytes, allowed) in mptcp {
        // MP_TCPRST goes on a RST, the others on an ACK.
        let (label, builder) = if bytes.get(2).is_some_and(|b| b >> 4 == 8) {
            ("RST", rst())
        } else {
            ("ACK", ack())
        };
        c.push_options(
            Client,
            &format!("{label}: {what}"),
            builder,
            nops_then(bad_length(&bytes, allowed)?),
            &[],
        )?;
    }
    Ok(c)
}

/// A selection over IPv6: handshakes with MPTCP, odd payload lengths, a full option area, an
/// extension header before TCP.
fn ipv6_options() -> Result<Capture, Error> {
    use Side::{Client, Server};
    let mut c = Capture::new("ipv6-options.pcap", true);
    let h = MpCapableFlags::HMAC_SHA256;
    c.push(
        Client,
        "SYN: Linux SYN options (MSS 1440), MP_CAPABLE v1 (length 4)",
        linux_syn(syn(), 1440).mp_capable(MpCapable::syn(h)),
    )?;
    c.push(
        Server,
        "SYN/ACK: Linux SYN options (MSS 1440), MP_CAPABLE v1 (length 12)",
        linux_syn(syn_ack(), 1440).mp_capable(MpCapable::syn_ack(h, SERVER_KEY)),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps, MP_CAPABLE v1 (length 20)",
        linux_ts(ack()).mp_capable(MpCapable::ack(h, CLIENT_KEY, SERVER_KEY)),
    )?;
    c.push(
        Client,
        "data (5 bytes, odd): NOP NOP timestamps, DSS data ACK 8 + mapping DSN 8 + checksum + DATA_FIN (length 28): 40 option bytes",
        linux_ts(data(b"hello")).dss(
            Dss::new()
                .with_data_ack_8_bytes(0x0123_4567_5000_0001)
                .with_mapping_dsn_8_bytes(0x89ab_cdef_4000_0001, 1, 6, Some(0xc5c5))
                .with_data_fin(),
        ),
    )?;
    let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0x66, 0, 0, 0, 6);
    c.push(
        Server,
        "ACK: ADD_ADDR v1 IPv6 + port 443 + HMAC (length 30)",
        syn_ack_established().add_addr(AddAddr::v1(7, v6, Some(443), TRUNCATED_HMAC)),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP timestamps, ADD_ADDR v1 echo IPv6 (length 20)",
        linux_ts(ack()).add_addr(AddAddr::v1_echo(7, v6, None)),
    )?;
    c.push(
        Client,
        "SYN: Linux SYN options (MSS 1440), MP_JOIN SYN (length 12)",
        linux_syn(syn(), 1440).mp_join(MpJoin::syn(false, 7, TOKEN, RANDOM_CLIENT)),
    )?;
    c.push(
        Client,
        "SYN with 7 bytes of data (odd): MSS 1440, TCP Fast Open 8-byte cookie",
        syn()
            .mss(1440)
            .fast_open(b"cookie-8")
            .payload(&b"GET /\r\n"[..]),
    )?;
    c.push(
        Client,
        "ACK: NOP NOP SACK 4 blocks, User Timeout 10 minutes: 40 option bytes",
        ack()
            .nop()
            .nop()
            .sack(&[
                SackBlock {
                    left: ISN_SERVER + 1001,
                    right: ISN_SERVER + 1201,
                },
                SackBlock {
                    left: ISN_SERVER + 1401,
                    right: ISN_SERVER + 1601,
                },
                SackBlock {
                    left: ISN_SERVER + 1801,
                    right: ISN_SERVER + 2001,
                },
                SackBlock {
                    left: ISN_SERVER + 2201,
                    right: ISN_SERVER + 2401,
                },
            ])
            .option(TcpOption::UserTimeout(UserTimeout {
                granularity: Granularity::Minutes,
                timeout: 10,
            })),
    )?;
    c.push(
        Client,
        "data (3 bytes): TCP-AO key 7, rnext 7, 12-byte MAC",
        data(b"abc").option(TcpOption::TcpAo(TcpAo {
            key_id: 7,
            rnext_key_id: 7,
            mac: InlineBytes::try_from(&b"twelve-bytes"[..])?,
        })),
    )?;
    // Hop-by-Hop options header: next header TCP, length 0 (8 bytes), one PadN of 4 bytes.
    c.push_options_behind(
        Client,
        "SYN behind a Hop-by-Hop extension header: Linux SYN options (MSS 1440)",
        syn(),
        vec![
            TcpOption::Mss(Mss { mss: 1440 }),
            TcpOption::SackPermitted,
            TcpOption::Timestamps(Timestamps {
                tsval: 0x0001_0000,
                tsecr: 0,
            }),
            TcpOption::Nop,
            TcpOption::WindowScale(WindowScale { shift: 7 }),
        ],
        &[],
        &[6, 0, 1, 4, 0, 0, 0, 0],
    )?;
    Ok(c)
}

/// Every capture, in file-name order of the README.
pub fn captures() -> Result<Vec<Capture>, Error> {
    Ok(vec![
        options_all_kinds()?,
        mptcp_v0()?,
        mptcp_v1()?,
        malformed_shapes()?,
        ipv6_options()?,
    ])
}

/// Writes every capture into `dir` (created if needed); returns the paths written.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>, Box<dyn StdError>> {
    std::fs::create_dir_all(dir)?;
    let mut paths = Vec::new();
    for capture in captures()? {
        let path = dir.join(capture.name);
        std::fs::write(&path, capture.to_pcap())?;
        paths.push(path);
    }
    Ok(paths)
}

/// The README's frame tables (markdown).
fn print_tables() -> Result<(), Error> {
    for capture in captures()? {
        println!(
            "### `{}` ({} frames, {} bytes, {})\n",
            capture.name,
            capture.frames.len(),
            capture.to_pcap().len(),
            if capture.ipv6 { "IPv6" } else { "IPv4" }
        );
        println!("| frame | segment |\n| ---: | --- |");
        for (i, frame) in capture.frames.iter().enumerate() {
            println!("| {} | {} |", i + 1, frame.description);
        }
        println!();
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn StdError>> {
    match std::env::args().nth(1).as_deref() {
        Some("--table") => print_tables()?,
        Some(dir) => {
            for path in write_all(Path::new(dir))? {
                println!("{}", path.display());
            }
        }
        None => {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../corpus/handmade")
                .canonicalize()?;
            for path in write_all(&dir)? {
                println!("{}", path.display());
            }
        }
    }
    Ok(())
}
