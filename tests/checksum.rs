//! The TCP checksum: real captures (good and bad, IPv4 and IPv6 with extension headers),
//! Wireshark's computed checksum for every corpus segment, odd lengths, the 0x0000/0xFFFF case,
//! and quickcheck properties (fill then verify; any flipped bit fails).
mod common;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::process::Command;

use quickcheck::{Arbitrary, Gen, QuickCheck};
use tcpwire::capture::{Frame, TcpInFrame};
use tcpwire::checksum::{self, ipv6_pseudo_header_addresses};
use tcpwire::{Error, TcpSegment};

/// RFC 1071's definition, a 16-bit word at a time: the oracle the fast sum is checked against.
fn reference_checksum(src: IpAddr, dst: IpAddr, segment: &[u8]) -> u16 {
    let mut data = Vec::new();
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            data.extend(s.octets());
            data.extend(d.octets());
            data.extend([0, 6]);
            data.extend((segment.len() as u16).to_be_bytes());
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            data.extend(s.octets());
            data.extend(d.octets());
            data.extend((segment.len() as u32).to_be_bytes());
            data.extend([0, 0, 0, 6]);
        }
        _ => panic!("mixed families"),
    }
    let mut seg = segment.to_vec();
    seg[16] = 0;
    seg[17] = 0;
    data.extend(seg);
    let mut sum: u32 = 0;
    for pair in data.chunks(2) {
        let word = (u32::from(pair[0]) << 8) | u32::from(pair.get(1).copied().unwrap_or(0));
        sum += word;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Where the IP packet that carries `tcp` starts in the frame: the last IPv6 fixed header
/// before the segment whose addresses are the ones the reader reported.
fn ipv6_packet<'a>(frame: &'a Frame, tcp: &TcpInFrame<'_>) -> &'a [u8] {
    let (IpAddr::V6(src), IpAddr::V6(dst)) = (tcp.src, tcp.dst) else {
        panic!("not IPv6");
    };
    let tcp_at = tcp.segment.as_ptr() as usize - frame.data.as_ptr() as usize;
    let start = (0..tcp_at.saturating_sub(39))
        .rev()
        .find(|&p| {
            frame.data[p] >> 4 == 6
                && frame.data[p + 8..p + 24] == src.octets()
                && frame.data[p + 24..p + 40] == dst.octets()
        })
        .expect("the IPv6 header before the segment");
    &frame.data[start..]
}

/// The addresses the checksum covers: the IP header's for IPv4, and for IPv6 those the
/// extension headers imply (final destination, home address), read from the packet's bytes by
/// `tcpwire::checksum`. The capture reader works them out too (from etherparse's view of the
/// extension headers): both must agree.
fn pseudo_addresses(frame: &Frame, tcp: &TcpInFrame<'_>) -> (IpAddr, IpAddr) {
    let addresses = match tcp.ip_version {
        4 => (tcp.src, tcp.dst),
        _ => {
            let (s, d) = ipv6_pseudo_header_addresses(ipv6_packet(frame, tcp))
                .expect("readable IPv6 extension headers");
            (IpAddr::V6(s), IpAddr::V6(d))
        }
    };
    assert_eq!(
        (tcp.pseudo_header_src, tcp.pseudo_header_dst),
        addresses,
        "frame {}: the capture reader's pseudo-header addresses",
        frame.number
    );
    addresses
}

/// The single TCP segment of a capture, with its frame.
fn only_segment(path: &Path) -> (Frame, Vec<u8>, IpAddr, IpAddr, (IpAddr, IpAddr)) {
    let mut found = Vec::new();
    common::for_each_tcp(path, |frame, tcp| {
        assert!(!tcp.truncated);
        found.push((
            frame.clone(),
            tcp.segment.to_vec(),
            tcp.src,
            tcp.dst,
            pseudo_addresses(frame, tcp),
        ))
    });
    assert_eq!(found.len(), 1, "{}", path.display());
    found.pop().unwrap()
}

#[test]
fn zeek_good_and_bad_checksum_captures() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let v6 = |s: &str| IpAddr::V6(s.parse::<Ipv6Addr>().unwrap());
    let header_src = v6("2001:4f8:4:7:2e0:81ff:fe52:ffff");
    let header_dst = v6("2001:4f8:4:7:2e0:81ff:fe52:9a6b");
    // (capture stem, the checksum Wireshark computes, the pseudo-header addresses it implies).
    let cases = [
        (
            "ip4-tcp",
            0x1c60,
            (
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V4(Ipv4Addr::LOCALHOST),
            ),
        ),
        ("ip6-tcp", 0x2f8a, (header_src, header_dst)),
        // Home Address option: the source is the home address.
        ("ip6-hoa-tcp", 0xb713, (v6("2001:78:1:32::1"), header_dst)),
        // Routing header type 0, 2 segments left: the destination is the last address.
        (
            "ip6-route0-tcp",
            0x517e,
            (header_src, v6("2001:78:1:32::2")),
        ),
    ];
    for (stem, expected, addresses) in cases {
        for good in [true, false] {
            let name = format!(
                "zeek__{stem}-{}-chksum.pcap",
                if good { "good" } else { "bad" }
            );
            let (_, bytes, src, dst, pseudo) = only_segment(&dir.join(&name));
            assert_eq!(pseudo, addresses, "{name}");
            let (ps, pd) = pseudo;
            let stored = u16::from_be_bytes([bytes[16], bytes[17]]);
            assert_eq!(stored == expected, good, "{name}: stored {stored:#06x}");
            assert_eq!(
                checksum::compute(ps, pd, &bytes).unwrap(),
                expected,
                "{name}"
            );
            assert_eq!(checksum::verify(ps, pd, &bytes).unwrap(), good, "{name}");
            // The same through a parsed value.
            let segment = TcpSegment::parse_lossless(&bytes).unwrap();
            assert_eq!(segment.checksum_for(ps, pd).unwrap(), expected, "{name}");
            assert_eq!(segment.verify_checksum(ps, pd).unwrap(), good, "{name}");
            let mut fixed = segment.clone();
            assert_eq!(fixed.fill_checksum(ps, pd).unwrap(), expected);
            assert!(fixed.verify_checksum(ps, pd).unwrap(), "{name}");
            // With the fixed header's addresses the extension-header cases come out wrong. The
            // bad route0 capture carries exactly that wrong checksum: a reader that ignores
            // the routing header would call it good.
            if (src, dst) != pseudo {
                let naive = checksum::compute(src, dst, &bytes).unwrap();
                assert_ne!(naive, expected, "{name}");
                let naive_verdict = checksum::verify(src, dst, &bytes).unwrap();
                assert_eq!(naive_verdict, naive == stored, "{name}");
                assert_eq!(naive_verdict, stem == "ip6-route0-tcp" && !good, "{name}");
            }
        }
    }
}

/// Wireshark's computed TCP checksum per frame number (frames with exactly one TCP layer).
fn wireshark_checksums(path: &Path) -> HashMap<u64, u16> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-o", "tcp.check_checksum:TRUE", "-Y", "tcp", "-T", "fields"])
        .args(["-e", "frame.number", "-e", "tcp.checksum_calculated"])
        .output()
        .expect("running tshark");
    assert!(out.status.success(), "tshark failed on {}", path.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let (number, calculated) = line.split_once('\t')?;
            if calculated.contains(',') || calculated.is_empty() {
                return None;
            }
            let value = u16::from_str_radix(calculated.trim().trim_start_matches("0x"), 16);
            Some((number.parse().ok()?, value.ok()?))
        })
        .collect()
}

#[test]
fn every_corpus_checksum_matches_wireshark() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    if !common::tshark_available() {
        return;
    }
    let (mut compared, mut good, mut bad) = (0usize, 0usize, 0usize);
    for path in common::captures_in(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let theirs = wireshark_checksums(&path);
        common::for_each_tcp(&path, |frame, tcp| {
            if tcp.truncated {
                return;
            }
            let Some(&expected) = theirs.get(&frame.number) else {
                return;
            };
            let (src, dst) = pseudo_addresses(frame, tcp);
            let ours = checksum::compute(src, dst, tcp.segment).unwrap();
            assert_eq!(ours, expected, "{name} frame {}", frame.number);
            assert_eq!(
                ours,
                reference_checksum(src, dst, tcp.segment),
                "{name} frame {}",
                frame.number
            );
            if checksum::verify(src, dst, tcp.segment).unwrap() {
                good += 1;
            } else {
                bad += 1;
            }
            compared += 1;
        });
    }
    eprintln!("checksums compared with Wireshark: {compared} ({good} good, {bad} bad on the wire)");
    assert!(compared > 3000, "only {compared} segments compared");
    assert!(good > 500 && bad > 2000, "good {good}, bad {bad}");
}

#[test]
fn odd_and_even_lengths_match_the_reference() {
    let src = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    let dst = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));
    let v6s = IpAddr::V6("2001:db8::1".parse().unwrap());
    let v6d = IpAddr::V6("2001:db8:ffff::fffe".parse().unwrap());
    for len in 20..=200usize {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 31 + len) as u8).collect();
        for (s, d) in [(src, dst), (v6s, v6d)] {
            let c = checksum::compute(s, d, &bytes).unwrap();
            assert_eq!(c, reference_checksum(s, d, &bytes), "length {len}");
            let mut filled = bytes.clone();
            assert_eq!(checksum::fill(s, d, &mut filled).unwrap(), c);
            assert_eq!(u16::from_be_bytes([filled[16], filled[17]]), c);
            assert!(checksum::verify(s, d, &filled).unwrap(), "length {len}");
        }
    }
}

#[test]
fn checksum_zero_is_sent_as_zero_and_both_zeros_verify() {
    let (src, dst) = (Ipv4Addr::new(10, 1, 2, 3), Ipv4Addr::new(10, 3, 2, 1));
    // A segment with a 2-byte payload word chosen so the checksum comes out 0x0000: with
    // payload 0000 the checksum is c; putting c in the payload adds c to the sum, making it
    // 0xFFFF and its complement 0.
    let mut segment = TcpSegment::builder()
        .ports(1234, 80)
        .ack()
        .payload(vec![0, 0])
        .build()
        .unwrap();
    let c = segment.checksum_for(src, dst).unwrap();
    segment.payload = c.to_be_bytes().to_vec();
    assert_eq!(segment.checksum_for(src, dst).unwrap(), 0x0000);
    let bytes = segment.to_bytes().unwrap();
    assert_eq!(checksum::compute(src, dst, &bytes).unwrap(), 0x0000);
    assert_eq!(
        reference_checksum(src.into(), dst.into(), &bytes),
        0x0000,
        "the reference agrees"
    );
    // 0x0000 as sent verifies, and so does the other one's-complement zero.
    segment.header.checksum = 0x0000;
    assert!(segment.verify_checksum(src, dst).unwrap());
    segment.header.checksum = 0xffff;
    assert!(segment.verify_checksum(src, dst).unwrap());
    segment.header.checksum = 0xfffe;
    assert!(!segment.verify_checksum(src, dst).unwrap());
    segment.header.checksum = 0x0001;
    assert!(!segment.verify_checksum(src, dst).unwrap());
}

#[test]
fn errors_are_typed() {
    let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    let bytes = TcpSegment::builder().build().unwrap().to_bytes().unwrap();
    let mismatch = Error::AddressFamilyMismatch { src: v4, dst: v6 };
    assert_eq!(checksum::compute(v4, v6, &bytes), Err(mismatch.clone()));
    assert_eq!(checksum::verify(v4, v6, &bytes), Err(mismatch.clone()));
    let segment = TcpSegment::parse(&bytes).unwrap();
    assert_eq!(segment.checksum_for(v4, v6), Err(mismatch));
    assert!(mismatch_message_names_both(v6, v4));
    assert_eq!(
        checksum::compute(v4, v4, &bytes[..19]),
        Err(Error::TooShort { available: 19 })
    );
    assert_eq!(
        checksum::verify(v4, v4, &bytes[..19]),
        Err(Error::TooShort { available: 19 })
    );
    // IPv4's pseudo-header length is 16 bits; IPv6's is 32.
    let mut huge = bytes.clone();
    huge.resize(65536, 0xab);
    assert!(matches!(
        checksum::compute(v4, v4, &huge),
        Err(Error::TooLong {
            length: 65536,
            max: 65535,
            ..
        })
    ));
    let c = checksum::compute(v6, v6, &huge).unwrap();
    assert_eq!(c, reference_checksum(v6, v6, &huge));
}

fn mismatch_message_names_both(src: IpAddr, dst: IpAddr) -> bool {
    let message = Error::AddressFamilyMismatch { src, dst }.to_string();
    message.contains("::1") && message.contains("127.0.0.1")
}

/// A random segment (20..=600 bytes, any contents) and a pair of addresses of one family.
#[derive(Debug, Clone)]
struct Case {
    src: IpAddr,
    dst: IpAddr,
    segment: Vec<u8>,
    flip: usize,
}

impl Arbitrary for Case {
    fn arbitrary(g: &mut Gen) -> Self {
        let (src, dst) = if bool::arbitrary(g) {
            (
                IpAddr::V4(Ipv4Addr::from(u32::arbitrary(g))),
                IpAddr::V4(Ipv4Addr::from(u32::arbitrary(g))),
            )
        } else {
            (
                IpAddr::V6(Ipv6Addr::from(u128::arbitrary(g))),
                IpAddr::V6(Ipv6Addr::from(u128::arbitrary(g))),
            )
        };
        let len = 20 + usize::arbitrary(g) % 581;
        let segment = (0..len).map(|_| u8::arbitrary(g)).collect();
        Case {
            src,
            dst,
            segment,
            flip: usize::arbitrary(g),
        }
    }
}

fn flip_bit(addr: IpAddr, bit: usize) -> IpAddr {
    match addr {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) ^ (1 << (bit % 32)))),
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) ^ (1 << (bit % 128)))),
    }
}

fn fill_verify_and_flip(case: Case) -> bool {
    let Case {
        src,
        dst,
        mut segment,
        flip,
    } = case;
    let c = checksum::fill(src, dst, &mut segment).unwrap();
    if c != reference_checksum(src, dst, &segment) || !checksum::verify(src, dst, &segment).unwrap()
    {
        return false;
    }
    // Flip one bit somewhere in the segment or in either address: verification must fail.
    let segment_bits = segment.len() * 8;
    let address_bits = match src {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    let at = flip % (segment_bits + 2 * address_bits);
    let (s, d) = if at < segment_bits {
        segment[at / 8] ^= 1 << (at % 8);
        (src, dst)
    } else if at < segment_bits + address_bits {
        (flip_bit(src, at - segment_bits), dst)
    } else {
        (src, flip_bit(dst, at - segment_bits - address_bits))
    };
    !checksum::verify(s, d, &segment).unwrap()
}

#[test]
fn quickcheck_fill_then_verify_and_any_flipped_bit_fails() {
    QuickCheck::new()
        .tests(10_000)
        .max_tests(10_000)
        .quickcheck(fill_verify_and_flip as fn(Case) -> bool);
}

/// A built segment with options and payload: the value methods agree with the byte functions.
#[derive(Debug, Clone)]
struct ValueCase {
    src: IpAddr,
    dst: IpAddr,
    segment: TcpSegment,
}

impl Arbitrary for ValueCase {
    fn arbitrary(g: &mut Gen) -> Self {
        let Case { src, dst, .. } = Case::arbitrary(g);
        let mut builder = TcpSegment::builder()
            .ports(u16::arbitrary(g), u16::arbitrary(g))
            .seq(u32::arbitrary(g))
            .ack_number(u32::arbitrary(g))
            .flags(tcpwire::Flags::from_bits_truncate(u16::arbitrary(g)))
            .window(u16::arbitrary(g));
        if bool::arbitrary(g) {
            builder = builder.mss(u16::arbitrary(g));
        }
        if bool::arbitrary(g) {
            builder = builder.window_scale(u8::arbitrary(g));
        }
        if bool::arbitrary(g) {
            builder = builder.timestamps(u32::arbitrary(g), u32::arbitrary(g));
        }
        let payload: Vec<u8> = Vec::arbitrary(g);
        ValueCase {
            src,
            dst,
            segment: builder.payload(payload).build().unwrap(),
        }
    }
}

fn value_methods_agree(case: ValueCase) -> bool {
    let ValueCase { src, dst, segment } = case;
    let bytes = segment.to_bytes().unwrap();
    let c = segment.checksum_for(src, dst).unwrap();
    let mut filled = segment.clone();
    filled.fill_checksum(src, dst).unwrap();
    c == checksum::compute(src, dst, &bytes).unwrap()
        && filled.header.checksum == c
        && filled.verify_checksum(src, dst).unwrap()
        && checksum::verify(src, dst, &filled.to_bytes().unwrap()).unwrap()
        // The builder leaves the field 0: right only when the checksum is 0.
        && (c == 0) == segment.verify_checksum(src, dst).unwrap()
}

#[test]
fn quickcheck_value_methods_agree_with_byte_functions() {
    QuickCheck::new()
        .tests(10_000)
        .max_tests(10_000)
        .quickcheck(value_methods_agree as fn(ValueCase) -> bool);
}
