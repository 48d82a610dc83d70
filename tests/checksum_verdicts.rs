//! Checksum verdicts from what the capture says: pcapng Enhanced Packet Block flags (checksum
//! valid, checksum not ready) read by the capture reader and preferred by `tcpwire pcap`, and
//! TSO/GSO super-segments (an IPv4 total length of 0).

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;

use serde_json::Value;
use tcpwire::capture::CaptureReader;
use tcpwire::checksum::offload_checksum;
use tcpwire::TcpSegment;

const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const DST: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let total = u32::try_from(12 + body.len()).unwrap();
    assert_eq!(total % 4, 0);
    let mut b = kind.to_le_bytes().to_vec();
    b.extend(total.to_le_bytes());
    b.extend(body);
    b.extend(total.to_le_bytes());
    b
}

fn option(code: u16, value: &[u8]) -> Vec<u8> {
    let mut o = code.to_le_bytes().to_vec();
    o.extend(u16::try_from(value.len()).unwrap().to_le_bytes());
    o.extend(value);
    o.resize(o.len().div_ceil(4) * 4, 0);
    o
}

/// An enhanced packet block on interface 0 with these options (ended by opt_endofopt).
fn epb(packet: &[u8], options: &[Vec<u8>]) -> Vec<u8> {
    let mut body = 0u32.to_le_bytes().to_vec();
    body.extend([0u8; 8]); // timestamp
    let len = u32::try_from(packet.len()).unwrap();
    body.extend(len.to_le_bytes());
    body.extend(len.to_le_bytes());
    body.extend(packet);
    body.resize(body.len().div_ceil(4) * 4, 0);
    if !options.is_empty() {
        for o in options {
            body.extend(o);
        }
        body.extend([0u8; 4]);
    }
    block(6, &body)
}

fn pcapng(blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut shb = 0x1a2b_3c4du32.to_le_bytes().to_vec();
    shb.extend([1, 0, 0, 0]);
    shb.extend(u64::MAX.to_le_bytes());
    let mut out = block(0x0a0d_0d0a, &shb);
    // Interface 0: raw IP (101), no snap length.
    out.extend(block(1, &[101, 0, 0, 0, 0, 0, 0, 0]));
    for b in blocks {
        out.extend(b);
    }
    out
}

/// An IPv4 packet around a segment whose checksum field is `checksum`; the payload has an odd
/// length so the block needs padding before its options.
fn packet(checksum: u16, total_len_zero: bool) -> Vec<u8> {
    let mut segment = TcpSegment::builder()
        .ports(40000, 80)
        .seq(1)
        .ack()
        .payload(vec![0x5a; 1001])
        .build()
        .unwrap()
        .to_bytes()
        .unwrap();
    segment[16..18].copy_from_slice(&checksum.to_be_bytes());
    let mut p = common::ip_packet(IpAddr::V4(SRC), IpAddr::V4(DST), &segment);
    if total_len_zero {
        p[2] = 0;
        p[3] = 0;
    }
    p
}

#[test]
fn epb_flags_are_read_and_decide_the_verdict() {
    let flags = |v: u32| option(2, &v.to_le_bytes());
    let capture = pcapng(&[
        epb(&packet(0x1234, false), &[flags(1 << 10)]),
        epb(&packet(0x1234, false), &[flags(1 << 9)]),
        epb(&packet(0x1234, false), &[flags(0x1)]),
        epb(&packet(0x1234, false), &[]),
        epb(
            &packet(0x1234, false),
            &[option(1, b"a comment"), flags((1 << 10) | 0x2)],
        ),
    ]);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-epb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("flags.pcapng");
    std::fs::write(&path, &capture).unwrap();

    let frames: Vec<_> = CaptureReader::open(&path)
        .unwrap()
        .map(|f| f.unwrap())
        .collect();
    let got: Vec<Option<u32>> = frames.iter().map(|f| f.epb_flags).collect();
    assert_eq!(got, [Some(0x400), Some(0x200), Some(1), None, Some(0x402)]);
    assert!(frames[0].checksum_valid() && !frames[0].checksum_not_ready());
    assert!(frames[1].checksum_not_ready() && !frames[1].checksum_valid());
    assert_eq!(frames[0].data.len(), 1041);

    let out = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .arg("pcap")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let verdicts: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["checksum"]
                .as_str()
                .unwrap()
                .into()
        })
        .collect();
    assert_eq!(verdicts, ["ok", "offload", "bad", "bad", "ok"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_zero_ip_total_length_is_a_super_segment() {
    let tcp_len = 1021;
    let offload = offload_checksum(SRC, DST, tcp_len).unwrap();
    let capture = pcapng(&[
        epb(&packet(offload, true), &[]),
        epb(&packet(offload, false), &[]),
        epb(&packet(0x1234, true), &[]),
    ]);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-tso-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tso.pcapng");
    std::fs::write(&path, &capture).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .arg("pcap")
        .arg(&path)
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["super_segment"], true);
    assert_eq!(lines[0]["checksum"], "offload");
    assert_eq!(lines[0]["payload_len"], 1001);
    assert!(lines[1].get("super_segment").is_none());
    assert_eq!(lines[1]["checksum"], "offload");
    assert_eq!(lines[2]["super_segment"], true);
    assert_eq!(lines[2]["checksum"], "bad");
    std::fs::remove_dir_all(&dir).unwrap();
}
