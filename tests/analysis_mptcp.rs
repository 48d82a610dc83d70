//! The MPTCP analysis on vectors, on the Linux captures of corpus/, on mutated copies of them,
//! and under properties: a flipped bit in anything a signature or checksum covers turns `ok`
//! into `bad`, never `ok`.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use quickcheck::{QuickCheck, TestResult};
use tcpwire::analysis::mptcp::crypto::{self, Version};
use tcpwire::analysis::mptcp::{Event, MptcpAnalyzer, Segment, SubflowKind, Verdict};
use tcpwire::capture::{find_tcp, Decapsulated};
use tcpwire::flow::Endpoint;
use tcpwire::mptcp::{AddAddr, MpJoin};
use tcpwire::{MptcpOption, TcpHeader};
#[path = "support/analysis.rs"]
mod support;
use support::*;

// ---------------------------------------------------------------------------------------------
// Vectors

#[test]
fn tokens_and_idsns_from_hand_computed_hashes() {
    // Python: hashlib.sha256(bytes.fromhex("0102030405060708")).hexdigest(), and sha1.
    let key = [1, 2, 3, 4, 5, 6, 7, 8];
    assert_eq!(crypto::token(Version::V1, key), 0x6684_0dda);
    assert_eq!(crypto::idsn(Version::V1, key), 0xf5a1_01d3_d29d_6f72);
    assert_eq!(crypto::token(Version::V0, key), 0xdd57_83bc);
    assert_eq!(crypto::idsn(Version::V0, key), 0x3a95_ed6e_4ebb_4ad5);
}

#[test]
fn hmacs_from_hand_computed_vectors() {
    // Python: hmac.new(bytes(range(1, 17)), bytes.fromhex("a1a2a3a4b1b2b3b4"), sha256/sha1).
    let (ka, kb) = ([1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]);
    let (ra, rb) = ([0xa1, 0xa2, 0xa3, 0xa4], [0xb1, 0xb2, 0xb3, 0xb4]);
    let v1 = crypto::join_ack_hmac(Version::V1, ka, kb, ra, rb);
    assert_eq!(
        tcpwire::to_hex(&v1),
        "978bdc4793f604014f2703d8eb67d5eb59b9d195"
    );
    let v0 = crypto::join_ack_hmac(Version::V0, ka, kb, ra, rb);
    assert_eq!(
        tcpwire::to_hex(&v0),
        "c69a3a416c62948899d7d4296149b6e11cd9659c"
    );
    // The SYN/ACK's is keyed the other way round and truncated to 64 bits.
    let syn_ack = crypto::join_syn_ack_hmac(Version::V1, kb, ka, rb, ra);
    let whole = crypto::hmac(
        Version::V1,
        kb,
        ka,
        &[0xb1, 0xb2, 0xb3, 0xb4, 0xa1, 0xa2, 0xa3, 0xa4],
    );
    assert_eq!(syn_ack[..], whole.0[..8]);
    // ADD_ADDR: the rightmost 64 bits, port 0 when absent.
    let a = crypto::add_addr_hmac(ka, kb, 5, IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), None);
    let whole = crypto::hmac(Version::V1, ka, kb, &[5, 10, 0, 0, 1, 0, 0]);
    assert_eq!(a[..], whole.0[24..32]);
}

#[test]
fn dss_checksum_hand_computed() {
    // Pseudo-header 0000000000000001 00000001 0004 0000, data "abcd": the words sum to
    // 0x0001 + 0x0001 + 0x0004 + 0x6162 + 0x6364 = 0xc4cc, complemented 0x3b33.
    assert_eq!(crypto::dss_checksum(1, 1, 4, b"abcd"), 0x3b33);
    assert!(crypto::dss_checksum_ok(1, 1, 4, b"abcd", 0x3b33));
    // A DATA_FIN alone: the pseudo-header only.
    assert_eq!(crypto::dss_checksum(1, 0, 1, b""), !0x0002);
}

// ---------------------------------------------------------------------------------------------
// The Linux captures

#[test]
fn every_join_and_add_addr_hmac_of_the_linux_captures_is_ok() {
    let mut counts = (0, 0);
    for name in [
        "mptcp-ipv4-multipath.pcap",
        "mptcp-ipv6-multipath.pcap",
        "mptcp-fastclose.pcap",
    ] {
        let all = frames(&corpus(name));
        let (annotations, conns) = analyze(&all);
        let joins = frames_with(&all, |m| {
            matches!(
                m,
                MptcpOption::MpJoin(MpJoin::SynAck { .. } | MpJoin::Ack { .. })
            )
        });
        let announcements = frames_with(&all, |m| {
            matches!(
                m,
                MptcpOption::AddAddr(AddAddr::V1 {
                    truncated_hmac: Some(_),
                    ..
                })
            )
        });
        for (frame, a) in &annotations {
            if joins.contains(frame) {
                assert_eq!(a.join_hmac, Some(Verdict::Ok), "{name} frame {frame}");
                counts.0 += 1;
            }
            if announcements.contains(frame) {
                assert_eq!(a.add_addr_hmac, Some(Verdict::Ok), "{name} frame {frame}");
                counts.1 += 1;
            }
        }
        for c in &conns {
            assert_eq!(
                c.verdicts.join_hmac.bad + c.verdicts.join_hmac.unknown_key,
                0
            );
            assert!(
                c.subflows.iter().any(|s| s.kind == SubflowKind::Join),
                "{name}"
            );
        }
    }
    // SYN/ACK and third-ACK HMACs: 3 joins (multipath IPv4), 2 (IPv6, the second refused
    // after its third ACK), 1 in each of the 2 connections (fastclose); ADD_ADDR: 2 + 1.
    assert_eq!(counts, (2 * (3 + 2 + 2), 3));
}

#[test]
fn every_dss_checksum_of_the_checksum_capture_is_ok() {
    let all = frames(&corpus("mptcp-ipv4-single-csum.pcap"));
    let (annotations, conns) = analyze(&all);
    let checked: Vec<_> = verdicts(&annotations)
        .into_iter()
        .filter(|v| v.1 == "dss_checksum")
        .collect();
    // 4 data segments from the client (the first in MP_CAPABLE), 1 from the server, and a
    // DATA_FIN alone from each.
    assert_eq!(checked.len(), 7);
    assert!(checked.iter().all(|v| v.2 == Verdict::Ok), "{checked:?}");
    assert!(
        checked.iter().any(|v| v.0 == 4),
        "the mapping in MP_CAPABLE"
    );
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].unchecked_mappings, 0);
    assert!(conns[0].checksums);
}

#[test]
fn the_corrupted_mapping_is_bad_and_mp_fail_names_it() {
    let all = frames(&corpus("mptcp-mp-fail.pcap"));
    let (annotations, conns) = analyze(&all);
    let checked: Vec<_> = verdicts(&annotations)
        .into_iter()
        .filter(|v| v.1 == "dss_checksum")
        .collect();
    let bad: Vec<_> = checked.iter().filter(|v| v.2 == Verdict::Bad).collect();
    assert_eq!(bad.len(), 1, "{checked:?}");
    // Client packet 6 is frame 10: stream bytes 1500..1999, rewritten by the router.
    assert_eq!(bad[0].0, 10);
    let bad_dsn = annotations
        .iter()
        .find(|(f, _)| *f == 10)
        .and_then(|(_, a)| a.dss_checksum)
        .map(|c| c.dsn)
        .expect("the verdict's mapping");
    let mp_fail = annotations
        .iter()
        .find(|(f, _)| *f == 11)
        .and_then(|(_, a)| {
            a.events.iter().find_map(|e| match e {
                Event::MpFail {
                    dsn,
                    mapping_frame,
                    mapping_checksum,
                } => Some((*dsn, *mapping_frame, *mapping_checksum)),
                _ => None,
            })
        })
        .expect("MP_FAIL in frame 11");
    assert_eq!(mp_fail, (bad_dsn, Some(10), Some(Verdict::Bad)));
    let c = &conns[0];
    assert_eq!(c.events.mp_fail, 2);
    assert_eq!(c.events.infinite_mapping, 1);
    assert!(c.fallback.is_some());
}

#[test]
fn the_connection_record_of_the_multipath_capture() {
    let (_, conns) = analyze(&frames(&corpus("mptcp-ipv4-multipath.pcap")));
    assert_eq!(conns.len(), 1);
    let c = &conns[0];
    assert_eq!(c.subflows.len(), 4);
    assert_eq!(c.subflows[0].kind, SubflowKind::Initial);
    assert_eq!(c.events.add_addr, 4);
    assert_eq!(c.events.remove_addr, 2);
    assert_eq!(c.events.mp_prio, 2);
    assert_eq!(c.client_data_bytes, 3001); // 3000 bytes and the DATA_FIN
    assert_eq!(c.server_data_bytes, 301);
    // The server's ADD_ADDR with port 10100, then the one without.
    let ports: Vec<_> = c
        .addresses
        .iter()
        .filter(|a| a.hmac.is_some())
        .map(|a| a.port)
        .collect();
    assert_eq!(ports, [Some(10100), None]);
}

#[test]
fn a_public_capture_signs_add_addr_with_the_leftmost_bits() {
    // tcpdump's mptcp-aa-v1 test capture: its ADD_ADDR HMAC is the leftmost 64 bits, as
    // Linux sent before it followed RFC 8684 s3.4.1 (rightmost): it is bad by the RFC.
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let all = frames(&dir.join("tcpdump__mptcp-aa-v1.pcap"));
    let (annotations, conns) = analyze(&all);
    let v = verdicts(&annotations);
    assert_eq!(v, [(13, "add_addr_hmac", Verdict::Bad)]);
    let c = &conns[0];
    let key = |h: &Option<String>| -> [u8; 8] {
        tcpwire::from_hex(h.as_deref().unwrap())
            .unwrap()
            .try_into()
            .unwrap()
    };
    let whole = crypto::hmac(
        Version::V1,
        key(&c.server_key),
        key(&c.client_key),
        &[1, 192, 168, 136, 225, 0, 0],
    );
    assert_eq!(tcpwire::to_hex(&whole.0[..8]), "669928744366716c");
}

#[test]
fn a_shared_flow_table_gives_the_same_analysis() {
    use tcpwire::analysis::mptcp::MptcpFlowState;
    use tcpwire::flow::FlowTable;

    /// Per-flow state of two analyses sharing one table.
    #[derive(Default)]
    struct Both {
        mptcp: MptcpFlowState,
        segments: u64,
    }
    impl AsMut<MptcpFlowState> for Both {
        fn as_mut(&mut self) -> &mut MptcpFlowState {
            &mut self.mptcp
        }
    }
    for name in ["mptcp-ipv4-multipath.pcap", "mptcp-mp-fail.pcap"] {
        let all = frames(&corpus(name));
        let (alone, alone_conns) = analyze(&all);
        let mut table: FlowTable<Both> = FlowTable::default();
        let mut analyzer = MptcpAnalyzer::default();
        let mut shared = Vec::new();
        for frame in &all {
            let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) else {
                continue;
            };
            let header = TcpHeader::parse(tcp.segment).unwrap();
            let payload = &tcp.segment[header.header_len()..];
            let segment = Segment {
                frame: frame.number,
                time_ns: frame.timestamp.0 * 1_000_000_000 + u64::from(frame.timestamp.1),
                src: Endpoint::new(tcp.src, header.src_port),
                dst: Endpoint::new(tcp.dst, header.dst_port),
                header: &header,
                payload,
                payload_len: payload.len(),
            };
            let (observation, flow) = table.observe_mut(
                segment.time_ns,
                segment.src,
                segment.dst,
                &header,
                payload.len(),
            );
            flow.state.segments += 1;
            if let Some(a) = analyzer.segment_in(&segment, &observation, flow) {
                shared.push((frame.number, a));
            }
            for dropped in table.take_dropped() {
                analyzer.release(&dropped.state.mptcp);
            }
        }
        assert_eq!(shared, alone, "{name}");
        assert_eq!(analyzer.finish(), alone_conns, "{name}");
        assert_eq!(
            table.flows().map(|f| f.state.segments).sum::<u64>(),
            all.len() as u64
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations of real captures

#[test]
fn a_flipped_join_hmac_is_bad_alone() {
    let all = frames(&corpus("mptcp-ipv4-multipath.pcap"));
    let baseline = verdicts(&analyze(&all).0);
    assert!(baseline.iter().all(|v| v.2 == Verdict::Ok));
    for (pick_ack, bit) in [(false, 0), (true, 7)] {
        let number = frames_with(&all, |m| {
            matches!(
                (m, pick_ack),
                (MptcpOption::MpJoin(MpJoin::SynAck { .. }), false)
                    | (MptcpOption::MpJoin(MpJoin::Ack { .. }), true)
            )
        })[1];
        // The HMAC starts 4 bytes into the option in both forms.
        let pos = option_at(&all, number, |m| {
            matches!(m, MptcpOption::MpJoin(_)).then_some(4)
        });
        assert_only_bad(
            &baseline,
            &flip(&all, number, pos + 3, bit),
            &[(number, "join_hmac")],
        );
    }
}

#[test]
fn a_flipped_syn_nonce_breaks_both_join_hmacs() {
    let all = frames(&corpus("mptcp-ipv4-multipath.pcap"));
    let baseline = verdicts(&analyze(&all).0);
    let syn = frames_with(&all, |m| {
        matches!(m, MptcpOption::MpJoin(MpJoin::Syn { .. }))
    })[0];
    // R-A: 8 bytes into the SYN's option.
    let pos = option_at(&all, syn, |m| {
        matches!(m, MptcpOption::MpJoin(_)).then_some(8)
    });
    let mutated = flip(&all, syn, pos + 1, 2);
    // The SYN/ACK and third ACK of the same subflow.
    let (annotations, _) = analyze(&all);
    let subflow = annotations
        .iter()
        .find(|(f, _)| *f == syn)
        .unwrap()
        .1
        .subflow;
    let affected: Vec<(u64, &str)> = annotations
        .iter()
        .filter(|(_, a)| a.subflow == subflow && a.join_hmac.is_some())
        .map(|(f, _)| (*f, "join_hmac"))
        .collect();
    assert_eq!(affected.len(), 2);
    assert_only_bad(&baseline, &mutated, &affected);
}

#[test]
fn a_flipped_add_addr_hmac_address_or_port_is_bad_alone() {
    let all = frames(&corpus("mptcp-ipv4-multipath.pcap"));
    let baseline = verdicts(&analyze(&all).0);
    let with_port = 4; // ADD_ADDR 10.71.4.2 port 10100 (README)
                       // IPv4 with port: ID at 3, address at 4, port at 8, HMAC at 10.
    for (inner, what) in [
        (10 + 5, "hmac"),
        (4 + 2, "address"),
        (8 + 1, "port"),
        (3, "id"),
    ] {
        let pos = option_at(&all, with_port, |m| {
            matches!(m, MptcpOption::AddAddr(_)).then_some(inner)
        });
        let mutated = flip(&all, with_port, pos, 0);
        eprintln!("flipping the ADD_ADDR {what}");
        assert_only_bad(&baseline, &mutated, &[(with_port, "add_addr_hmac")]);
    }
}

#[test]
fn a_flipped_mapped_byte_or_dss_checksum_is_bad_alone() {
    let all = frames(&corpus("mptcp-ipv4-single-csum.pcap"));
    let baseline = verdicts(&analyze(&all).0);
    let data = frames_with(
        &all,
        |m| matches!(m, MptcpOption::Dss(d) if d.mapping.is_some_and(|x| x.data_level_length > 1)),
    )[0];
    let (header, _) = parsed(all.iter().find(|f| f.number == data).unwrap());
    // A payload byte in the middle of the mapped data.
    let mutated = flip(&all, data, header.header_len() + 100, 5);
    assert_only_bad(&baseline, &mutated, &[(data, "dss_checksum")]);
    // The checksum field: the last 2 bytes of the DSS option.
    let pos = option_at(&all, data, |m| match m {
        MptcpOption::Dss(d) => Some(d.encoded_len() - 1),
        _ => None,
    });
    let mutated = flip(&all, data, pos, 0);
    assert_only_bad(&baseline, &mutated, &[(data, "dss_checksum")]);
    // The first mapping, in MP_CAPABLE (frame 4): its payload.
    let mutated = flip(&all, 4, parsed(&all[3]).0.header_len(), 1);
    assert_only_bad(&baseline, &mutated, &[(4, "dss_checksum")]);
}

// ---------------------------------------------------------------------------------------------
// Properties

fn flip_bit(bytes: &mut [u8], bit: usize) {
    let i = (bit / 8) % bytes.len();
    bytes[i] ^= 1 << (bit % 8);
}

#[test]
fn prop_join_hmac_flipped_input_never_ok() {
    fn prop(ka: [u8; 8], kb: [u8; 8], ra: [u8; 4], rb: [u8; 4], which: u8, bit: usize) -> bool {
        let good = crypto::join_ack_hmac(Version::V1, ka, kb, ra, rb);
        let good_syn_ack = crypto::join_syn_ack_hmac(Version::V1, kb, ka, rb, ra);
        let (mut ka2, mut kb2, mut ra2, mut rb2) = (ka, kb, ra, rb);
        let mut hmac = good;
        match which % 5 {
            0 => flip_bit(&mut ka2, bit),
            1 => flip_bit(&mut kb2, bit),
            2 => flip_bit(&mut ra2, bit),
            3 => flip_bit(&mut rb2, bit),
            _ => flip_bit(&mut hmac, bit),
        }
        let ack_ok = crypto::join_ack_hmac(Version::V1, ka2, kb2, ra2, rb2) == hmac;
        let syn_ack_ok = crypto::join_syn_ack_hmac(Version::V1, kb2, ka2, rb2, ra2) == good_syn_ack;
        !ack_ok && (which % 5 == 4 || !syn_ack_ok)
    }
    QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn([u8; 8], [u8; 8], [u8; 4], [u8; 4], u8, usize) -> bool);
}

#[test]
fn prop_add_addr_hmac_flipped_input_never_ok() {
    fn prop(
        (ks, kr): ([u8; 8], [u8; 8]),
        id: u8,
        v6: bool,
        a: [u8; 16],
        port: Option<u16>,
        (which, bit): (u8, usize),
    ) -> TestResult {
        let addr = if v6 {
            IpAddr::V6(Ipv6Addr::from(a))
        } else {
            IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3]))
        };
        let good = crypto::add_addr_hmac(ks, kr, id, addr, port);
        let (mut ks2, mut id2, mut addr2, mut port2, mut hmac) = (ks, id, addr, port, good);
        match which % 5 {
            0 => flip_bit(&mut ks2, bit),
            1 => id2 ^= 1 << (bit % 8),
            2 => {
                addr2 = match addr {
                    IpAddr::V4(x) => {
                        let mut o = x.octets();
                        flip_bit(&mut o, bit);
                        IpAddr::V4(o.into())
                    }
                    IpAddr::V6(x) => {
                        let mut o = x.octets();
                        flip_bit(&mut o, bit);
                        IpAddr::V6(o.into())
                    }
                }
            }
            3 => match port {
                // Port 0 and no port hash alike (Linux's rule): flip a bit of a real port.
                Some(p) => port2 = Some(p ^ (1 << (bit % 16))),
                None => return TestResult::discard(),
            },
            _ => flip_bit(&mut hmac, bit),
        }
        TestResult::from_bool(crypto::add_addr_hmac(ks2, kr, id2, addr2, port2) != hmac)
    }
    QuickCheck::new().tests(2000).quickcheck(
        prop as fn(([u8; 8], [u8; 8]), u8, bool, [u8; 16], Option<u16>, (u8, usize)) -> TestResult,
    );
}

#[test]
fn prop_dss_checksum_flipped_input_never_ok() {
    fn prop(dsn: u64, ssn: u32, data: Vec<u8>, which: u8, bit: usize) -> TestResult {
        if data.is_empty() || data.len() > 65535 {
            return TestResult::discard();
        }
        let len = data.len() as u16;
        let good = crypto::dss_checksum(dsn, ssn, len, &data);
        let (mut dsn2, mut ssn2, mut data2, mut sum2) = (dsn, ssn, data.clone(), good);
        match which % 4 {
            0 => dsn2 ^= 1 << (bit % 64),
            1 => ssn2 ^= 1 << (bit % 32),
            2 => flip_bit(&mut data2, bit),
            _ => sum2 ^= 1 << (bit % 16),
        }
        TestResult::from_bool(
            crypto::dss_checksum_ok(dsn, ssn, len, &data, good)
                && !crypto::dss_checksum_ok(dsn2, ssn2, len, &data2, sum2),
        )
    }
    QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(u64, u32, Vec<u8>, u8, usize) -> TestResult);
}
