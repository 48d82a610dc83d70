//! The flow table: sides, relative numbers, restarts, bounded memory with counted evictions.

use std::net::IpAddr;

use tcpwire::flow::{Endpoint, FlowTable, FlowTableConfig, Side};
use tcpwire::TcpHeader;

fn ep(last: u8, port: u16) -> Endpoint {
    Endpoint::new(IpAddr::from([10, 0, 0, last]), port)
}

fn syn(seq: u32) -> TcpHeader {
    TcpHeader::builder().seq(seq).syn().build().unwrap()
}

fn ack(seq: u32, ack: u32) -> TcpHeader {
    TcpHeader::builder()
        .seq(seq)
        .ack_number(ack)
        .ack()
        .build()
        .unwrap()
}

#[test]
fn mid_connection_start_takes_the_first_sender_as_client() {
    let mut t: FlowTable = FlowTable::default();
    let a = t.observe(0, ep(2, 80), ep(1, 5000), &ack(100, 7), 10);
    assert_eq!((a.id, a.side, a.new_flow), (0, Side::Client, true));
    // ISN inferred one before the first sequence number: relative numbers start at 1.
    assert_eq!(a.relative_seq, Some(1));
    assert_eq!(a.relative_ack, None, "the peer's ISN is not known yet");
    let b = t.observe(1, ep(1, 5000), ep(2, 80), &ack(7, 110), 0);
    assert_eq!((b.id, b.side, b.new_flow), (0, Side::Server, false));
    assert_eq!((b.relative_seq, b.relative_ack), (Some(1), Some(11)));
    let flow = t.get(0).unwrap();
    assert!(!flow.client.isn_from_syn);
    assert_eq!(flow.client.payload_bytes, 10);
}

#[test]
fn a_syn_with_a_new_isn_opens_a_new_connection() {
    let mut t: FlowTable = FlowTable::default();
    let c = ep(1, 5000);
    let s = ep(2, 80);
    assert_eq!(t.observe(0, c, s, &syn(1000), 0).id, 0);
    // A retransmitted SYN stays in the connection.
    assert_eq!(t.observe(1, c, s, &syn(1000), 0).id, 0);
    let again = t.observe(2, c, s, &syn(9000), 0);
    assert_eq!((again.id, again.new_flow), (1, true));
    assert_eq!(t.stats().replaced, 1);
    assert_eq!(t.take_dropped().len(), 1);
    assert_eq!(t.len(), 1);
    // Ids are in order of first appearance.
    assert_eq!(t.observe(3, ep(3, 1), ep(4, 2), &syn(1), 0).id, 2);
}

#[test]
fn idle_and_full_tables_evict_and_count() {
    let config = FlowTableConfig {
        max_flows: 3,
        idle_timeout_ns: 100,
    };
    let mut t: FlowTable = FlowTable::new(config);
    for port in 0..3u16 {
        t.observe(u64::from(port), ep(1, port), ep(2, 80), &syn(1), 0);
    }
    assert_eq!(t.len(), 3);
    // Full, nothing idle yet: the least recently seen (port 0) makes room.
    t.observe(10, ep(1, 10), ep(2, 80), &syn(1), 0);
    assert_eq!(t.len(), 3);
    assert_eq!(t.stats().evicted_full, 1);
    assert!(t.get(0).is_none());
    // Much later: the idle ones go first.
    t.observe(1_000, ep(1, 11), ep(2, 80), &syn(1), 0);
    assert_eq!(t.stats().evicted_idle, 3);
    assert_eq!(t.len(), 1);
    // Memory stays bounded over many connections.
    for port in 0..10_000u16 {
        t.observe(2_000 + u64::from(port), ep(5, port), ep(6, 80), &syn(1), 0);
        assert!(t.len() <= 3);
    }
    assert_eq!(t.stats().opened, 10_005);
    let dropped = t.take_dropped();
    assert!(dropped.len() <= 3 + 1, "{}", dropped.len());
}

#[test]
fn syn_options_are_kept_per_side() {
    let mut t: FlowTable = FlowTable::default();
    let c = ep(1, 5000);
    let s = ep(2, 80);
    let syn = TcpHeader::builder()
        .seq(1)
        .syn()
        .mss(1460)
        .sack_permitted()
        .window_scale(7)
        .build()
        .unwrap();
    let syn_ack = TcpHeader::builder()
        .seq(50)
        .ack_number(2)
        .syn()
        .ack()
        .mss(1400)
        .build()
        .unwrap();
    t.observe(0, c, s, &syn, 0);
    let o = t.observe(1, s, c, &syn_ack, 0);
    assert_eq!(
        (o.side, o.relative_seq, o.relative_ack),
        (Side::Server, Some(0), Some(1))
    );
    let flow = t.get(0).unwrap();
    let client = flow.client.syn.as_ref().unwrap();
    assert_eq!(
        (client.mss, client.window_scale, client.sack_permitted),
        (Some(1460), Some(7), true)
    );
    assert_eq!(flow.server.syn.as_ref().unwrap().mss, Some(1400));
    assert_eq!(flow.endpoints(), (Some(c), Some(s)));
}

#[test]
fn endpoints_and_sides_in_serde() {
    use tcpwire::flow::{Endpoint, Side};
    let v4 = Endpoint::new([10, 0, 0, 1].into(), 443);
    let v6 = Endpoint::new("2001:db8::1".parse().unwrap(), 80);
    assert_eq!(serde_json::to_string(&v4).unwrap(), "\"10.0.0.1:443\"");
    assert_eq!(serde_json::to_string(&v6).unwrap(), "\"[2001:db8::1]:80\"");
    for e in [v4, v6] {
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<Endpoint>(&json).unwrap(), e);
        let bin = postcard::to_stdvec(&e).unwrap();
        assert_eq!(postcard::from_bytes::<Endpoint>(&bin).unwrap(), e);
    }
    let err = serde_json::from_str::<Endpoint>("\"10.0.0.1\"").unwrap_err();
    assert!(err.to_string().contains("endpoint \"10.0.0.1\""), "{err}");
    assert_eq!(serde_json::to_string(&Side::Server).unwrap(), "\"server\"");
}

#[test]
fn fixed_header_files_a_cut_segment_under_its_connection() {
    use tcpwire::flow::{fixed_header, Endpoint, FlowTable};
    let client = Endpoint::new([10, 0, 0, 1].into(), 50000);
    let server = Endpoint::new([10, 0, 0, 2].into(), 443);
    let syn = TcpHeader::builder()
        .seq(7)
        .syn()
        .mss(1460)
        .sack_permitted()
        .build()
        .unwrap();
    let bytes = syn.to_bytes().unwrap();
    // Cut inside the options: no full header, but the fixed one.
    let cut = fixed_header(&bytes[..22]).expect("the fixed header");
    assert_eq!((cut.seq, cut.flags, cut.options.len()), (7, syn.flags, 0));
    assert!(fixed_header(&bytes[..19]).is_none());
    let mut table: FlowTable = FlowTable::default();
    let a = table.observe(0, client, server, &cut, 0);
    let b = table.observe(
        1,
        server,
        client,
        &TcpHeader::builder()
            .seq(9)
            .ack_number(8)
            .syn()
            .ack()
            .build()
            .unwrap(),
        0,
    );
    assert_eq!((a.id, b.id, b.relative_ack), (0, 0, Some(1)));
}
