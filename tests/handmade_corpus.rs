//! The hand-built captures of `corpus/handmade/` (made by `tools/make-corpus`):
//! 1. the generator, run again, writes exactly the committed files;
//! 2. every segment decodes to the option sequence this file expects, frame by frame (strict
//!    parsing, except `malformed.pcap`, parsed losslessly with the expected malformed reason);
//! 3. every segment re-serializes byte for byte, carries a correct checksum, and survives JSON.
mod common;

#[allow(dead_code)]
#[path = "../tools/make-corpus/src/main.rs"]
mod make_corpus;

use std::path::{Path, PathBuf};
use tcpwire::mptcp::{MpPrio, MpTcpRst, Unassigned};
use tcpwire::option::{Experiment, ExperimentalFastOpen, Malformed, Unknown, WindowScale};

use tcpwire::mptcp::{AddAddr, Dss, MptcpOption};
use tcpwire::{Flags, MalformedReason, ParseMode, TcpOption, TcpRstReason, TcpSegment};

fn handmade_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/handmade")
}

// ---------------------------------------------------------------------------------------------
// 1. The generator and the committed files never drift apart

#[test]
fn regenerated_captures_equal_the_committed_ones() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("handmade-corpus-{}", std::process::id()));
    let written = make_corpus::write_all(&dir).expect("the generator runs");
    let mut names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let committed: Vec<String> = common::captures_in(&handmade_dir())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names, committed,
        "corpus/handmade/ holds other files than the generator writes: run `cargo run -p tcpwire-make-corpus`"
    );
    for path in &written {
        let name = path.file_name().unwrap();
        let fresh = std::fs::read(path).unwrap();
        let kept = std::fs::read(handmade_dir().join(name)).unwrap();
        assert!(
            fresh == kept,
            "{}: the generator's output differs from the committed file ({} vs {} bytes): run `cargo run -p tcpwire-make-corpus`",
            name.to_string_lossy(),
            fresh.len(),
            kept.len()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 2. The decoded option sequence of every frame

/// An option as `name/length`: the JSON type name, with the kind for unknown and experiment
/// kinds, the form for MPTCP, the reason for malformed options.
fn describe(o: &TcpOption) -> String {
    let name = match o {
        TcpOption::Unknown(Unknown { kind, .. }) => format!("unknown({kind})"),
        TcpOption::Experiment(Experiment { kind, exid, .. }) => {
            format!("experiment({kind},{exid:#06x})")
        }
        TcpOption::ExperimentalFastOpen(ExperimentalFastOpen { kind, .. }) => {
            format!("experimental_fast_open({kind})")
        }
        TcpOption::Mptcp(m) => format!("mptcp.{}", describe_mptcp(m)),
        TcpOption::Malformed(Malformed { kind, reason, .. }) => {
            let reason = match reason {
                MalformedReason::MissingLength => "missing_length".to_string(),
                MalformedReason::LengthBelowTwo { length } => format!("length_below_two({length})"),
                MalformedReason::Overrun { length, available } => {
                    format!("overrun({length}>{available})")
                }
                MalformedReason::BadLength { length, allowed } => {
                    format!("bad_length({length}; allowed {allowed})")
                }
                other => other.name().to_string(),
            };
            format!("malformed({kind}):{reason}")
        }
        other => other.name().to_string(),
    };
    format!("{name}/{}", o.encoded_len())
}

fn describe_mptcp(m: &MptcpOption) -> String {
    match m {
        MptcpOption::MpCapable(c) => format!("mp_capable.v{}", c.version),
        MptcpOption::MpJoin(j) => match j.encoded_len() {
            12 => "mp_join.syn".into(),
            16 => "mp_join.syn_ack".into(),
            _ => "mp_join.ack".into(),
        },
        MptcpOption::Dss(d) => {
            let mut parts = Vec::new();
            match (d.data_ack, d.data_ack_8_bytes) {
                (Some(_), false) => parts.push("A4"),
                (Some(_), true) => parts.push("A8"),
                (None, true) => parts.push("a"),
                (None, false) => {}
            }
            match (d.mapping, d.dsn_8_bytes) {
                (Some(map), eight) => {
                    parts.push(if eight { "M8" } else { "M4" });
                    if map.is_infinite() {
                        parts.push("inf");
                    }
                    if map.checksum.is_some() {
                        parts.push("csum");
                    }
                }
                (None, true) => parts.push("m"),
                (None, false) => {}
            }
            if d.data_fin {
                parts.push("F");
            }
            format!("dss[{}]", parts.join("+"))
        }
        MptcpOption::AddAddr(a) => {
            let mut s = match a {
                AddAddr::V0 { .. } => "add_addr.v0".to_string(),
                AddAddr::V1 { .. } => "add_addr.v1".to_string(),
            };
            if a.is_echo() {
                s += ".echo";
            }
            if a.address().is_ipv6() {
                s += ".ipv6";
            }
            if a.port().is_some() {
                s += ".port";
            }
            s
        }
        MptcpOption::Unassigned(Unassigned { subtype, .. }) => format!("unassigned({subtype})"),
        other => other.name().to_string(),
    }
}

/// A header's options, space-separated, then ` pad:` and the padding in hex when there is any.
fn describe_header(segment: &TcpSegment) -> String {
    let mut parts: Vec<String> = segment.header.options.iter().map(describe).collect();
    if !segment.header.padding.is_empty() {
        parts.push(format!("pad:{}", tcpwire::to_hex(&segment.header.padding)));
    }
    parts.join(" ")
}

/// Expands the shorthands of the tables: `LINUX_SYN` (MSS, SACK permitted, timestamps, NOP,
/// window scale) and `LINUX_TS` (NOP, NOP, timestamps).
fn expand(s: &str) -> String {
    s.replace(
        "LINUX_SYN",
        "mss/4 sack_permitted/2 timestamps/10 nop/1 window_scale/3",
    )
    .replace("LINUX_TS", "nop/1 nop/1 timestamps/10")
}

const OPTIONS_ALL_KINDS: &[&str] = &[
    "mss/4 eol/1 pad:000000",
    "mss/4 eol/1 pad:a55a01",
    "eol/1 pad:000000",
    "LINUX_SYN",
    "LINUX_TS",
    "nop/1 nop/1 nop/1 nop/1 nop/1 nop/1 nop/1 nop/1",
    "mss/4 mss/4",
    "window_scale/3 window_scale/3 window_scale/3 window_scale/3",
    "LINUX_TS nop/1 nop/1 sack/10",
    "LINUX_TS nop/1 nop/1 sack/18",
    "LINUX_TS nop/1 nop/1 sack/26",
    "nop/1 nop/1 sack/34",
    "echo/6 echo_reply/6",
    "poc_permitted/2 poc_service_profile/3 poc_service_profile/3",
    "cc_new/6 eol/1 pad:00",
    "cc/6 cc_echo/6",
    "alt_checksum_request/3 alt_checksum_request/3 alt_checksum_request/3 alt_checksum_request/3 alt_checksum_request/3 eol/1",
    "alt_checksum_data/2 alt_checksum_data/3 alt_checksum_data/4 eol/1 pad:0000",
    "md5_signature/18 eol/1 pad:00",
    "quick_start_response/8 quick_start_response/8",
    "user_timeout/4 user_timeout/4",
    "tcp_ao/16",
    "tcp_ao/4 tcp_ao/36",
    "LINUX_SYN fast_open/2 eol/1 pad:00",
    "mss/4 fast_open/6 eol/1 pad:00",
    "mss/4 fast_open/8",
    "fast_open/18 eol/1 pad:00",
    "eno/5 eno/2 eol/1",
    "accecn_order0/2 accecn_order0/5 accecn_order0/8 accecn_order0/11 eol/1 pad:00",
    "accecn_order1/2 accecn_order1/5 accecn_order1/8 accecn_order1/11 eol/1 pad:00",
    "experiment(253,0x1234)/6 experiment(254,0x4567)/4 eol/1 pad:00",
    "experiment(253,0x00ac)/5 experiment(254,0xacc0)/10 eol/1",
    "LINUX_SYN experimental_fast_open(254)/4",
    "mss/4 experimental_fast_open(254)/12",
    "experimental_fast_open(253)/8",
    "unknown(16)/2 unknown(17)/3 unknown(18)/3 unknown(24)/4 unknown(25)/2 unknown(26)/5 eol/1",
    "unknown(20)/4 unknown(22)/2 unknown(23)/2 unknown(31)/2 unknown(32)/3 unknown(33)/4 eol/1 pad:0000",
    "unknown(70)/6 unknown(173)/2 unknown(200)/10 snack/6",
    "unknown(77)/4 unknown(76)/9 eol/1 pad:0000",
    "unknown(78)/16",
    "",
];

const MPTCP_V0: &[&str] = &[
    "LINUX_SYN mptcp.mp_capable.v0/12",
    "LINUX_SYN mptcp.mp_capable.v0/12",
    "LINUX_TS mptcp.mp_capable.v0/20",
    "LINUX_TS mptcp.dss[A4+M4+csum]/20",
    "LINUX_SYN mptcp.mp_join.syn/12",
    "LINUX_SYN mptcp.mp_join.syn_ack/16",
    "LINUX_TS mptcp.mp_join.ack/24",
    "mptcp.add_addr.v0/8",
    "mptcp.add_addr.v0.port/10 eol/1 pad:00",
    "mptcp.add_addr.v0.ipv6/20",
    "mptcp.add_addr.v0.ipv6.port/22 eol/1 pad:00",
    "mptcp.remove_addr/4",
    "mptcp.mp_prio/4",
    "mptcp.mp_fail/12",
    "mptcp.mp_fastclose/12",
];

const MPTCP_V1: &[&str] = &[
    "LINUX_SYN mptcp.mp_capable.v1/4",
    "LINUX_SYN mptcp.mp_capable.v1/12",
    "LINUX_TS mptcp.mp_capable.v1/20",
    "LINUX_TS mptcp.mp_capable.v1/22 eol/1 pad:00",
    "LINUX_TS mptcp.mp_capable.v1/24",
    "mss/4 mptcp.mp_capable.v1/4",
    "mss/4 mptcp.mp_capable.v2/4",
    "LINUX_SYN mptcp.mp_join.syn/12",
    "LINUX_SYN mptcp.mp_join.syn_ack/16",
    "LINUX_TS mptcp.mp_join.ack/24",
    // DSS: no DATA_FIN; data ACK none, 4, 8; mapping none, 4, 4+csum, 8, 8+csum.
    "mptcp.dss[]/4",
    "mptcp.dss[M4]/14 eol/1 pad:00",
    "mptcp.dss[M4+csum]/16",
    "mptcp.dss[M8]/18 eol/1 pad:00",
    "mptcp.dss[M8+csum]/20",
    "mptcp.dss[A4]/8",
    "mptcp.dss[A4+M4]/18 eol/1 pad:00",
    "mptcp.dss[A4+M4+csum]/20",
    "mptcp.dss[A4+M8]/22 eol/1 pad:00",
    "mptcp.dss[A4+M8+csum]/24",
    "mptcp.dss[A8]/12",
    "mptcp.dss[A8+M4]/22 eol/1 pad:00",
    "mptcp.dss[A8+M4+csum]/24",
    "mptcp.dss[A8+M8]/26 eol/1 pad:00",
    "mptcp.dss[A8+M8+csum]/28",
    // The same with DATA_FIN.
    "mptcp.dss[F]/4",
    "mptcp.dss[M4+F]/14 eol/1 pad:00",
    "mptcp.dss[M4+csum+F]/16",
    "mptcp.dss[M8+F]/18 eol/1 pad:00",
    "mptcp.dss[M8+csum+F]/20",
    "mptcp.dss[A4+F]/8",
    "mptcp.dss[A4+M4+F]/18 eol/1 pad:00",
    "mptcp.dss[A4+M4+csum+F]/20",
    "mptcp.dss[A4+M8+F]/22 eol/1 pad:00",
    "mptcp.dss[A4+M8+csum+F]/24",
    "mptcp.dss[A8+F]/12",
    "mptcp.dss[A8+M4+F]/22 eol/1 pad:00",
    "mptcp.dss[A8+M4+csum+F]/24",
    "mptcp.dss[A8+M8+F]/26 eol/1 pad:00",
    "mptcp.dss[A8+M8+csum+F]/28",
    "mptcp.dss[a+m]/4",
    "mptcp.dss[A4+M4+inf]/18 eol/1 pad:00",
    "mptcp.dss[M8+inf+csum]/20",
    "mptcp.add_addr.v1/16",
    "mptcp.add_addr.v1.port/18 eol/1 pad:00",
    "mptcp.add_addr.v1.ipv6/28",
    "mptcp.add_addr.v1.ipv6.port/30 eol/1 pad:00",
    "mptcp.add_addr.v1.echo/8",
    "mptcp.add_addr.v1.echo.port/10 eol/1 pad:00",
    "mptcp.add_addr.v1.echo.ipv6/20",
    "mptcp.add_addr.v1.echo.ipv6.port/22 eol/1 pad:00",
    "mptcp.add_addr.v1/16",
    "mptcp.remove_addr/4",
    "mptcp.remove_addr/7 eol/1",
    "mptcp.remove_addr/40",
    "mptcp.mp_prio/3 eol/1",
    "mptcp.mp_prio/3 eol/1",
    "mptcp.mp_fail/12",
    "mptcp.mp_fastclose/12",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_tcprst/4",
    "mptcp.mp_experimental/3 mptcp.mp_experimental/8 eol/1",
    "mptcp.unassigned(9)/3 mptcp.unassigned(10)/4 mptcp.unassigned(11)/5",
    "mptcp.unassigned(12)/6 mptcp.unassigned(13)/3 mptcp.unassigned(14)/11",
];

/// `malformed.pcap`, parsed losslessly. After an option whose framing is intact, parsing goes
/// on (NOP NOP timestamps).
const MALFORMED: &[&str] = &[
    "mss/4 malformed(8):length_below_two(0)/4",
    "mss/4 malformed(3):length_below_two(1)/4",
    "nop/1 nop/1 nop/1 malformed(2):missing_length/1",
    "mss/4 malformed(8):overrun(10>4)/4",
    "malformed(30):overrun(20>12)/12",
    "nop/1 nop/1 nop/1 malformed(2):bad_length(5; allowed 4)/5 LINUX_TS",
    "nop/1 nop/1 malformed(3):bad_length(2; allowed 3)/2 LINUX_TS",
    "nop/1 malformed(4):bad_length(3; allowed 2)/3 LINUX_TS",
    "nop/1 nop/1 malformed(5):bad_length(2; allowed 10, 18, 26 or 34)/2 LINUX_TS",
    "nop/1 nop/1 malformed(5):bad_length(6; allowed 10, 18, 26 or 34)/6 LINUX_TS",
    "malformed(5):bad_length(12; allowed 10, 18, 26 or 34)/12 LINUX_TS",
    "malformed(6):bad_length(4; allowed 6)/4 LINUX_TS",
    "malformed(7):bad_length(8; allowed 6)/8 LINUX_TS",
    "malformed(8):bad_length(8; allowed 10)/8 LINUX_TS",
    "nop/1 malformed(9):bad_length(3; allowed 2)/3 LINUX_TS",
    "nop/1 nop/1 malformed(10):bad_length(2; allowed 3)/2 LINUX_TS",
    "malformed(11):bad_length(4; allowed 6)/4 LINUX_TS",
    "nop/1 nop/1 nop/1 malformed(12):bad_length(5; allowed 6)/5 LINUX_TS",
    "nop/1 malformed(13):bad_length(7; allowed 6)/7 LINUX_TS",
    "nop/1 nop/1 malformed(14):bad_length(2; allowed 3)/2 LINUX_TS",
    "nop/1 nop/1 nop/1 malformed(19):bad_length(17; allowed 18)/17 LINUX_TS",
    "nop/1 nop/1 malformed(27):bad_length(6; allowed 8)/6 LINUX_TS",
    "nop/1 malformed(28):bad_length(3; allowed 4)/3 LINUX_TS",
    "nop/1 malformed(29):bad_length(3; allowed 4..=40)/3 LINUX_TS",
    "nop/1 nop/1 nop/1 malformed(34):bad_length(5; allowed 2, 6, 8, 10, 12, 14, 16 or 18)/5 LINUX_TS",
    "nop/1 malformed(34):bad_length(19; allowed 2, 6, 8, 10, 12, 14, 16 or 18)/19 LINUX_TS",
    "nop/1 malformed(172):bad_length(3; allowed 2, 5, 8 or 11)/3 LINUX_TS",
    "nop/1 nop/1 malformed(174):bad_length(6; allowed 2, 5, 8 or 11)/6 LINUX_TS",
    "nop/1 malformed(253):bad_length(3; allowed 4..=40)/3 LINUX_TS",
    "nop/1 nop/1 malformed(254):bad_length(6; allowed 4, 8, 10, 12, 14, 16, 18 or 20)/6",
    "nop/1 nop/1 malformed(30):bad_length(2; allowed 3..=40)/2",
    "nop/1 malformed(30):bad_length(3; allowed 4, 12, 20, 22 or 24)/3",
    "malformed(30):bad_length(4; allowed 12 or 20)/4",
    "malformed(30):bad_length(8; allowed 4, 12, 20, 22 or 24)/8",
    "nop/1 nop/1 nop/1 malformed(30):bad_length(13; allowed 12, 16 or 24)/13",
    "malformed(30):bad_length(20; allowed 12, 16 or 24)/20",
    "nop/1 malformed(30):bad_length(3; allowed 4, 8, 12, 14, 16, 18, 20, 22, 24, 26 or 28)/3",
    "malformed(30):bad_length(12; allowed 8)/12",
    "malformed(30):bad_length(16; allowed 18 or 20)/16",
    "malformed(30):bad_length(16; allowed 18 or 20)/16",
    "malformed(30):bad_length(8; allowed 4)/8",
    "malformed(30):bad_length(12; allowed 16, 18, 28 or 30)/12",
    "malformed(30):bad_length(16; allowed 8, 10, 20 or 22)/16",
    "malformed(30):bad_length(12; allowed 8, 10, 16, 18, 28 or 30)/12",
    "malformed(30):bad_length(24; allowed 16, 18, 20, 22, 28 or 30)/24",
    "nop/1 malformed(30):bad_length(3; allowed 4..=40)/3",
    "nop/1 nop/1 nop/1 malformed(30):bad_length(5; allowed 3, 4)/5",
    "malformed(30):bad_length(16; allowed 12)/16",
    "malformed(30):bad_length(16; allowed 12)/16",
    "nop/1 malformed(30):bad_length(11; allowed 12)/11",
    "nop/1 malformed(30):bad_length(3; allowed 4)/3",
    "nop/1 nop/1 nop/1 malformed(30):bad_length(5; allowed 4)/5",
];

const IPV6_OPTIONS: &[&str] = &[
    "LINUX_SYN mptcp.mp_capable.v1/4",
    "LINUX_SYN mptcp.mp_capable.v1/12",
    "LINUX_TS mptcp.mp_capable.v1/20",
    "LINUX_TS mptcp.dss[A8+M8+csum+F]/28",
    "mptcp.add_addr.v1.ipv6.port/30 eol/1 pad:00",
    "LINUX_TS mptcp.add_addr.v1.echo.ipv6/20",
    "LINUX_SYN mptcp.mp_join.syn/12",
    "mss/4 fast_open/10 eol/1 pad:00",
    "nop/1 nop/1 sack/34 user_timeout/4",
    "tcp_ao/16",
    "LINUX_SYN",
];

/// The TCP segments of a committed capture, in frame order, checked against the frame's
/// addresses: every checksum is right.
fn segments(name: &str) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    let skipped = common::for_each_tcp(&handmade_dir().join(name), |frame, tcp| {
        assert!(!tcp.truncated, "{name} frame {}: truncated", frame.number);
        assert_eq!(
            tcp.declared_len,
            tcp.segment.len(),
            "{name} frame {}",
            frame.number
        );
        assert!(
            tcpwire::checksum::verify(tcp.src, tcp.dst, tcp.segment).unwrap(),
            "{name} frame {}: bad TCP checksum",
            frame.number
        );
        out.push((frame.number, tcp.segment.to_vec()));
    });
    assert_eq!(
        (
            skipped.fragments,
            skipped.not_tcp,
            skipped.malformed_below_tcp,
            skipped.bad_records
        ),
        (0, 0, 0, 0),
        "{name}: frames without a TCP segment"
    );
    out
}

/// Parses every segment of `name` in `mode`, checks the option sequence per frame, and the
/// round trips; returns the parsed segments.
fn check_file(name: &str, expected: &[&str], mode: ParseMode) -> Vec<TcpSegment> {
    let segments = segments(name);
    assert_eq!(
        segments.len(),
        expected.len(),
        "{name}: frames in the file vs rows in the table"
    );
    let mut parsed = Vec::new();
    for ((number, bytes), want) in segments.iter().zip(expected) {
        let at = format!("{name} frame {number}");
        let segment = TcpSegment::parse_with(bytes, mode).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(describe_header(&segment), expand(want), "{at}");
        // 3. Byte for byte back, and through JSON.
        assert_eq!(&segment.to_bytes().unwrap(), bytes, "{at}: re-serialized");
        let json = serde_json::to_string(&segment).unwrap();
        let back: TcpSegment = serde_json::from_str(&json).unwrap();
        assert_eq!(back, segment, "{at}: JSON round trip");
        // Strict and lossless agree wherever strict accepts.
        let lossless = TcpSegment::parse_lossless(bytes).unwrap();
        match TcpSegment::parse(bytes) {
            Ok(strict) => assert_eq!(strict, lossless, "{at}"),
            Err(_) => assert!(lossless.header.has_malformed(), "{at}"),
        }
        parsed.push(segment);
    }
    parsed
}

#[test]
fn options_all_kinds_frame_by_frame() {
    let s = check_file(
        "options-all-kinds.pcap",
        OPTIONS_ALL_KINDS,
        ParseMode::Strict,
    );
    // The last frame: every flag, reserved bits 101, urgent pointer 1, one byte of data.
    let last = &s[s.len() - 1].header;
    assert_eq!(
        (last.flags, last.reserved, last.urgent_pointer),
        (Flags::ALL, 5, 1)
    );
    assert_eq!(s[s.len() - 1].payload, b"!");
    // Window scale shifts kept as sent, above 14 too.
    let shifts: Vec<_> = s[7]
        .header
        .options
        .iter()
        .map(|o| match o {
            TcpOption::WindowScale(WindowScale { shift }) => *shift,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(shifts, [0, 14, 15, 255]);
}

#[test]
fn mptcp_v0_frame_by_frame() {
    let s = check_file("mptcp-v0.pcap", MPTCP_V0, ParseMode::Strict);
    assert!(matches!(
        s[12].header.options[0],
        TcpOption::Mptcp(MptcpOption::MpPrio(MpPrio {
            backup: true,
            address_id: Some(2),
            ..
        }))
    ));
}

#[test]
fn mptcp_v1_frame_by_frame() {
    let s = check_file("mptcp-v1.pcap", MPTCP_V1, ParseMode::Strict);
    let mptcp = |frame: usize, index: usize| match &s[frame - 1].header.options[index] {
        TcpOption::Mptcp(m) => m.clone(),
        other => panic!("frame {frame}: {other:?}"),
    };
    // The width flags are kept without their fields.
    assert_eq!(
        mptcp(41, 0),
        MptcpOption::Dss(Dss {
            data_ack_8_bytes: true,
            dsn_8_bytes: true,
            ..Dss::new()
        })
    );
    // Nibble 4 with length 16 is v1 (reserved bits 010, E = 0), not v0 IPv4.
    let MptcpOption::AddAddr(AddAddr::V1 {
        reserved,
        address_id,
        truncated_hmac,
        ..
    }) = mptcp(52, 0)
    else {
        panic!("frame 52 is not ADD_ADDR v1")
    };
    assert_eq!((reserved, address_id), (0b010, 8));
    assert!(truncated_hmac.is_some());
    // MP_TCPRST reasons 0..=7 in frames 60..=67, then 255 with U V W T set.
    for (i, frame) in (60..=67).enumerate() {
        let MptcpOption::MpTcpRst(MpTcpRst { reason, .. }) = mptcp(frame, 0) else {
            panic!("frame {frame}")
        };
        assert_eq!(reason.value(), i as u8);
    }
    assert_eq!(
        mptcp(68, 0),
        MptcpOption::MpTcpRst(MpTcpRst {
            reserved: 0b111,
            transient: true,
            reason: TcpRstReason::from_value(255),
        })
    );
    // REMOVE_ADDR with 37 IDs fills the whole option area.
    assert_eq!(s[54].header.data_offset, 15);
}

#[test]
fn malformed_shapes_frame_by_frame() {
    let s = check_file("malformed.pcap", MALFORMED, ParseMode::Lossless);
    for (i, segment) in s.iter().enumerate() {
        // Exactly one malformed option per frame, and strict parsing refuses the frame for it.
        let malformed: Vec<_> = segment
            .header
            .options
            .iter()
            .filter(|o| o.is_malformed())
            .collect();
        assert_eq!(malformed.len(), 1, "frame {}", i + 1);
        let bytes = segment.to_bytes().unwrap();
        match TcpSegment::parse(&bytes) {
            Err(tcpwire::Error::MalformedOption { kind, .. }) => {
                assert_eq!(kind, malformed[0].kind(), "frame {}", i + 1)
            }
            other => panic!("frame {}: strict parsing gave {other:?}", i + 1),
        }
    }
}

#[test]
fn ipv6_options_frame_by_frame() {
    let s = check_file("ipv6-options.pcap", IPV6_OPTIONS, ParseMode::Strict);
    // Odd payload lengths (the checksum pads them) were checked by `segments`.
    assert_eq!(s[3].payload.len(), 5);
    assert_eq!(s[7].payload.len(), 7);
    // 40 option bytes: the largest data offset.
    assert_eq!((s[3].header.data_offset, s[8].header.data_offset), (15, 15));
}
