//! The MPTCP analysis on segments made with the builder: events (fallbacks, resets, fast
//! close, priorities, address removal), the memory limits, and arbitrary segments (the vectors
//! and captures are in tests/analysis_mptcp.rs).

mod common;

use tcpwire::mptcp::{MpFastclose, MpPrio, MpTcpRst};

use quickcheck::QuickCheck;
use tcpwire::analysis::mptcp::{Annotation, Event, MptcpAnalyzer, Segment, Verdict};
use tcpwire::capture::{find_tcp, Decapsulated};
use tcpwire::flow::Endpoint;
use tcpwire::mptcp::MpJoin;
use tcpwire::{MptcpOption, TcpHeader, TcpOption};
#[path = "support/analysis.rs"]
mod support;
use support::*;

// ---------------------------------------------------------------------------------------------
// Events, on segments made with the builder

struct Conv {
    analyzer: MptcpAnalyzer,
    frame: u64,
}

impl Conv {
    fn send(&mut self, src: Endpoint, dst: Endpoint, header: TcpHeader) -> Option<Annotation> {
        self.frame += 1;
        self.analyzer.segment(&Segment {
            frame: self.frame,
            time_ns: self.frame * 1000,
            src,
            dst,
            header: &header,
            payload: &[],
            payload_len: 0,
        })
    }
}

fn capable(sender_key: Option<[u8; 8]>, receiver_key: Option<[u8; 8]>) -> TcpOption {
    TcpOption::Mptcp(MptcpOption::MpCapable(tcpwire::mptcp::MpCapable {
        version: 1,
        flags: tcpwire::mptcp::MpCapableFlags {
            hmac_sha256: true,
            ..Default::default()
        },
        sender_key,
        receiver_key,
        data_level_length: None,
        checksum: None,
    }))
}

#[test]
fn fallbacks_resets_fastclose_and_priorities_are_events() {
    use tcpwire::analysis::mptcp::FallbackReason;
    use tcpwire::TcpRstReason;
    let c = Endpoint::new([10, 0, 0, 1].into(), 40000);
    let s = Endpoint::new([10, 0, 0, 2].into(), 80);
    let mut conv = Conv {
        analyzer: MptcpAnalyzer::default(),
        frame: 0,
    };
    let b = TcpHeader::builder;
    // The server refuses MPTCP.
    conv.send(
        c,
        s,
        b().seq(1)
            .syn()
            .option(capable(None, None))
            .build()
            .unwrap(),
    );
    let refused = conv.send(s, c, b().seq(9).ack_number(2).syn().ack().build().unwrap());
    assert_eq!(
        refused.unwrap().events,
        [Event::Fallback {
            reason: FallbackReason::SynAckWithoutMpCapable
        }]
    );
    // A connection with keys, whose client's third ACK drops MP_CAPABLE.
    let c2 = Endpoint::new([10, 0, 0, 1].into(), 40001);
    let (ck, sk) = ([1; 8], [2; 8]);
    conv.send(
        c2,
        s,
        b().seq(1)
            .syn()
            .option(capable(None, None))
            .build()
            .unwrap(),
    );
    conv.send(
        s,
        c2,
        b().seq(9)
            .ack_number(2)
            .syn()
            .ack()
            .option(capable(Some(sk), None))
            .build()
            .unwrap(),
    );
    let ack = conv
        .send(c2, s, b().seq(2).ack_number(10).ack().build().unwrap())
        .unwrap();
    assert_eq!(
        ack.events,
        [Event::Fallback {
            reason: FallbackReason::AckWithoutMpCapable
        }]
    );
    // A working connection: MP_PRIO twice, MP_FASTCLOSE with the right and a wrong key,
    // MP_TCPRST.
    let c3 = Endpoint::new([10, 0, 0, 1].into(), 40002);
    conv.send(
        c3,
        s,
        b().seq(1)
            .syn()
            .option(capable(None, None))
            .build()
            .unwrap(),
    );
    conv.send(
        s,
        c3,
        b().seq(9)
            .ack_number(2)
            .syn()
            .ack()
            .option(capable(Some(sk), None))
            .build()
            .unwrap(),
    );
    conv.send(
        c3,
        s,
        b().seq(2)
            .ack_number(10)
            .ack()
            .option(capable(Some(ck), Some(sk)))
            .build()
            .unwrap(),
    );
    let prio = |backup| {
        TcpOption::Mptcp(MptcpOption::MpPrio(MpPrio {
            backup,
            reserved: 0,
            address_id: None,
        }))
    };
    let first = conv.send(
        c3,
        s,
        b().seq(2)
            .ack_number(10)
            .ack()
            .option(prio(true))
            .build()
            .unwrap(),
    );
    let again = conv.send(
        c3,
        s,
        b().seq(2)
            .ack_number(10)
            .ack()
            .option(prio(true))
            .build()
            .unwrap(),
    );
    assert_eq!(
        first.unwrap().events,
        [Event::MpPrio {
            backup: true,
            changed: true
        }]
    );
    assert_eq!(
        again.unwrap().events,
        [Event::MpPrio {
            backup: true,
            changed: false
        }]
    );
    let fastclose = |receiver_key| {
        TcpOption::Mptcp(MptcpOption::MpFastclose(MpFastclose {
            reserved: 0,
            receiver_key,
        }))
    };
    let right = conv.send(
        c3,
        s,
        b().seq(2)
            .ack_number(10)
            .ack()
            .option(fastclose(sk))
            .build()
            .unwrap(),
    );
    let wrong = conv.send(
        c3,
        s,
        b().seq(2)
            .ack_number(10)
            .ack()
            .option(fastclose(ck))
            .build()
            .unwrap(),
    );
    assert_eq!(
        right.unwrap().events,
        [Event::MpFastclose { key: Verdict::Ok }]
    );
    assert_eq!(
        wrong.unwrap().events,
        [Event::MpFastclose { key: Verdict::Bad }]
    );
    let rst = TcpOption::Mptcp(MptcpOption::MpTcpRst(MpTcpRst {
        reserved: 0,
        transient: true,
        reason: TcpRstReason::AdministrativelyProhibited,
    }));
    let reset = conv
        .send(s, c3, b().seq(10).rst().option(rst).build().unwrap())
        .unwrap();
    assert_eq!(
        reset.events,
        [Event::MpTcpRst {
            reason: TcpRstReason::AdministrativelyProhibited,
            transient: true
        }]
    );
    // A join naming no known token: no connection, its HMACs unknown_key.
    let j = Endpoint::new([10, 0, 1, 1].into(), 50000);
    let join_syn = TcpOption::Mptcp(MptcpOption::MpJoin(MpJoin::Syn {
        backup: false,
        reserved: 0,
        address_id: 1,
        receiver_token: [0xde, 0xad, 0xbe, 0xef],
        sender_random: [1, 2, 3, 4],
    }));
    let join_syn_ack = TcpOption::Mptcp(MptcpOption::MpJoin(MpJoin::SynAck {
        backup: false,
        reserved: 0,
        address_id: 0,
        sender_truncated_hmac: [0; 8],
        sender_random: [5, 6, 7, 8],
    }));
    conv.send(j, s, b().seq(100).syn().option(join_syn).build().unwrap());
    let answer = conv
        .send(
            s,
            j,
            b().seq(200)
                .ack_number(101)
                .syn()
                .ack()
                .option(join_syn_ack)
                .build()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        (answer.connection, answer.join_hmac),
        (None, Some(Verdict::UnknownKey))
    );
    let conns = conv.analyzer.finish();
    // The refused connection never had a key; the other two did.
    assert_eq!(conns.len(), 2);
    assert_eq!(conns[0].fallback, Some(FallbackReason::AckWithoutMpCapable));
    let e = &conns[1].events;
    assert_eq!((e.mp_prio, e.mp_fastclose, e.mp_tcprst), (2, 2, 1));
    assert_eq!(conns[1].verdicts.fastclose_key.bad, 1);
    assert!(conns[1].subflows[0].client_backup);
}

#[test]
fn remove_addr_names_the_live_subflows() {
    let all = frames(&corpus("mptcp-ipv4-multipath.pcap"));
    let (annotations, _) = analyze(&all);
    let removals: Vec<(u64, u8, Vec<u64>)> = annotations
        .iter()
        .flat_map(|(f, a)| {
            a.events.iter().filter_map(move |e| match e {
                Event::RemoveAddr {
                    address_id,
                    live_subflows,
                } => Some((*f, *address_id, live_subflows.clone())),
                _ => None,
            })
        })
        .collect();
    // The client withdraws 10.71.3.2 (ID 3, subflow 2's client end); the server 10.71.4.2
    // (ID 5, subflow 1's server end): each still open then.
    assert_eq!(removals, [(52, 3, vec![2]), (66, 5, vec![1])]);
}

// ---------------------------------------------------------------------------------------------
// Bounds and robustness

#[test]
fn connections_past_the_limit_are_finished_early() {
    use tcpwire::analysis::mptcp::AnalyzerConfig;
    let all = frames(&corpus("mptcp-fastclose.pcap"));
    let (_, whole) = analyze(&all);
    assert_eq!(whole.len(), 2);
    let mut analyzer = MptcpAnalyzer::new(AnalyzerConfig {
        max_connections: 1,
        ..AnalyzerConfig::default()
    });
    let mut early = Vec::new();
    for frame in &all {
        let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) else {
            continue;
        };
        let header = TcpHeader::parse(tcp.segment).unwrap();
        let payload = &tcp.segment[header.header_len()..];
        analyzer.segment(&Segment {
            frame: frame.number,
            time_ns: frame.number,
            src: Endpoint::new(tcp.src, header.src_port),
            dst: Endpoint::new(tcp.dst, header.dst_port),
            header: &header,
            payload,
            payload_len: payload.len(),
        });
        early.extend(analyzer.take_finished());
    }
    assert_eq!(analyzer.evicted_connections(), 1);
    assert_eq!(early.len(), 1);
    assert_eq!(early[0].connection, 0);
    let rest = analyzer.finish();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].connection, 1);
    // The second connection is whole: its summary is what an unbounded run gives.
    assert_eq!(rest[0], whole[1]);
}

#[test]
fn mapped_bytes_past_the_budget_are_unchecked_never_bad() {
    use tcpwire::analysis::mptcp::AnalyzerConfig;
    let all = frames(&corpus("mptcp-ipv4-single-csum.pcap"));
    let mut analyzer = MptcpAnalyzer::new(AnalyzerConfig {
        max_buffered_bytes: 100,
        ..AnalyzerConfig::default()
    });
    let mut checked = Vec::new();
    for frame in &all {
        let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) else {
            continue;
        };
        let header = TcpHeader::parse(tcp.segment).unwrap();
        let payload = &tcp.segment[header.header_len()..];
        let a = analyzer.segment(&Segment {
            frame: frame.number,
            time_ns: 0,
            src: Endpoint::new(tcp.src, header.src_port),
            dst: Endpoint::new(tcp.dst, header.dst_port),
            header: &header,
            payload,
            payload_len: payload.len(),
        });
        checked.extend(a.and_then(|a| a.dss_checksum).map(|c| c.verdict));
    }
    // Only the two lone DATA_FINs (no data to keep) are checked.
    assert_eq!(checked, [Verdict::Ok, Verdict::Ok]);
    let c = &analyzer.finish()[0];
    assert_eq!(c.unchecked_mappings, 5);
    assert_eq!(c.verdicts.dss_checksum.bad, 0);
}

#[test]
fn prop_arbitrary_segments_never_panic() {
    fn prop(segments: Vec<(u8, TcpHeader, Vec<u8>)>) -> bool {
        let hosts = [
            Endpoint::new([10, 0, 0, 1].into(), 1000),
            Endpoint::new([10, 0, 0, 2].into(), 2000),
            Endpoint::new("2001:db8::1".parse().unwrap(), 1000),
        ];
        let mut analyzer = MptcpAnalyzer::default();
        for (i, (pick, mut header, payload)) in segments.into_iter().enumerate() {
            let src = hosts[usize::from(pick) % 3];
            let dst = hosts[usize::from(pick / 3) % 3];
            (header.src_port, header.dst_port) = (src.port, dst.port);
            let cut = payload.len() / 2;
            let _ = analyzer.segment(&Segment {
                frame: i as u64,
                time_ns: i as u64,
                src,
                dst,
                header: &header,
                payload: &payload[..cut],
                payload_len: payload.len() + usize::from(pick & 1),
            });
        }
        let conns = analyzer.finish();
        conns.windows(2).all(|w| w[0].connection < w[1].connection)
    }
    QuickCheck::new()
        .tests(300)
        .quickcheck(prop as fn(Vec<(u8, TcpHeader, Vec<u8>)>) -> bool);
}
