//! Hand-checked vectors, every option kind decoded: bytes written out by hand from each
//! kind's specification, with every field asserted, in both parsing modes.

#[path = "support/vectors.rs"]
mod support;

use support::*;
use tcpwire::option::{
    AltChecksumData, AltChecksumRequest, Cc, CcEcho, CcNew, Echo, EchoReply, Eno, Experiment,
    ExperimentalFastOpen, FastOpen, Malformed, Md5Signature, Mss, PocServiceProfile,
    QuickStartResponse, Sack, Snack, TcpAo, Timestamps, Unknown, UserTimeout, WindowScale,
};
use tcpwire::{
    AccEcnCounters, AltChecksumAlgorithm, Error, Granularity, InlineBytes, LengthSet,
    MalformedReason, ParseMode, TcpOption,
};

// Every option kind, decoded

#[test]
fn eol_and_nop() {
    assert_eq!(TcpOption::parse(&[0]).unwrap(), TcpOption::Eol);
    assert_eq!(
        TcpOption::parse_prefix(&[1, 0], ParseMode::Strict).unwrap(),
        (TcpOption::Nop, &[0][..])
    );
    assert_eq!(
        TcpOption::parse(&[1, 0]),
        Err(Error::TrailingBytes {
            what: "option",
            length: 1,
            trailing: 1
        })
    );
    assert_eq!((TcpOption::Eol.kind(), TcpOption::Nop.kind()), (0, 1));
    assert_eq!(TcpOption::Eol.to_bytes().unwrap(), [0]);
    assert_eq!(TcpOption::Nop.to_bytes().unwrap(), [1]);
}

#[test]
fn mss_window_scale_sack_permitted() {
    assert_eq!(
        single(&[2, 4, 0x05, 0xb4]),
        TcpOption::Mss(Mss { mss: 1460 })
    );
    assert_eq!(
        single(&[2, 4, 0xff, 0xff]),
        TcpOption::Mss(Mss { mss: 65535 })
    );
    assert_eq!(
        single(&[3, 3, 7]),
        TcpOption::WindowScale(WindowScale { shift: 7 })
    );
    // Shifts over 14 are kept as sent, not clamped.
    assert_eq!(
        single(&[3, 3, 15]),
        TcpOption::WindowScale(WindowScale { shift: 15 })
    );
    assert_eq!(
        single(&[3, 3, 0xff]),
        TcpOption::WindowScale(WindowScale { shift: 255 })
    );
    assert_eq!(single(&[4, 2]), TcpOption::SackPermitted);
    assert_eq!(TcpOption::SackPermitted.name(), "sack_permitted");
}

#[test]
fn sack_with_one_to_four_blocks() {
    let edges: [u32; 8] = [
        0x0000_0001,
        0x0000_0002,
        0x1111_1111,
        0x2222_2222,
        0xffff_fff0,
        0x0000_0010,
        0x8000_0000,
        0x8000_0100,
    ];
    for n in 1..=4usize {
        let mut bytes = vec![5, u8::try_from(2 + 8 * n).unwrap()];
        for e in &edges[..2 * n] {
            bytes.extend_from_slice(&e.to_be_bytes());
        }
        let TcpOption::Sack(Sack { blocks }) = single(&bytes) else {
            panic!("not a SACK: {bytes:02x?}");
        };
        assert_eq!(blocks.len(), n);
        for (i, b) in blocks.iter().enumerate() {
            assert_eq!((b.left, b.right), (edges[2 * i], edges[2 * i + 1]));
        }
    }
}

#[test]
fn thirty_two_bit_options() {
    let info = [0xde, 0xad, 0xbe, 0xef];
    let with = |kind: u8| {
        let mut b = vec![kind, 6];
        b.extend_from_slice(&info);
        single(&b)
    };
    assert_eq!(with(6), TcpOption::Echo(Echo { info: 0xdeadbeef }));
    assert_eq!(
        with(7),
        TcpOption::EchoReply(EchoReply { info: 0xdeadbeef })
    );
    assert_eq!(with(11), TcpOption::Cc(Cc { count: 0xdeadbeef }));
    assert_eq!(with(12), TcpOption::CcNew(CcNew { count: 0xdeadbeef }));
    assert_eq!(with(13), TcpOption::CcEcho(CcEcho { count: 0xdeadbeef }));
    assert_eq!(
        [6, 7, 11, 12, 13].map(|k| with(k).name()),
        ["echo", "echo_reply", "cc", "cc_new", "cc_echo"]
    );
    assert_eq!(
        single(&[8, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]),
        TcpOption::Timestamps(Timestamps {
            tsval: 0x12345678,
            tsecr: 0x9abcdef0
        })
    );
}

#[test]
fn partial_order_options() {
    assert_eq!(single(&[9, 2]), TcpOption::PocPermitted);
    // 0xb5 = 1 0 110101: start, not end, filler 0x35.
    assert_eq!(
        single(&[10, 3, 0xb5]),
        TcpOption::PocServiceProfile(PocServiceProfile {
            start: true,
            end: false,
            filler: 0x35
        })
    );
    // 0x7f = 0 1 111111.
    assert_eq!(
        single(&[10, 3, 0x7f]),
        TcpOption::PocServiceProfile(PocServiceProfile {
            start: false,
            end: true,
            filler: 0x3f
        })
    );
}

#[test]
fn alternate_checksum_options() {
    assert_eq!(
        single(&[14, 3, 2]),
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::Fletcher16
        })
    );
    assert_eq!(
        single(&[14, 3, 0]),
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::TcpChecksum
        })
    );
    // An algorithm number with no name is kept as its number.
    let unknown = single(&[14, 3, 9]);
    assert_eq!(
        unknown,
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::from_value(9)
        })
    );
    assert_eq!(
        single(&[15, 4, 0xab, 0xcd]),
        TcpOption::AltChecksumData(AltChecksumData {
            data: inline(&[0xab, 0xcd])
        })
    );
    assert_eq!(
        single(&[15, 2]),
        TcpOption::AltChecksumData(AltChecksumData {
            data: InlineBytes::new()
        })
    );
}

#[test]
fn md5_signature() {
    let mut bytes = vec![19, 18];
    bytes.extend(0x10u8..0x20);
    let digest: [u8; 16] = std::array::from_fn(|i| 0x10 + i as u8);
    assert_eq!(
        single(&bytes),
        TcpOption::Md5Signature(Md5Signature { digest })
    );
}

#[test]
fn quick_start_response_every_field() {
    // 0xa5: reserved 0xa, rate request 5; TTL diff 0x40; 0x1234567b = nonce 0x048d159e << 2 | 3.
    assert_eq!(
        single(&[27, 8, 0xa5, 0x40, 0x12, 0x34, 0x56, 0x7b]),
        TcpOption::QuickStartResponse(QuickStartResponse {
            reserved: 0xa,
            rate_request: 5,
            ttl_diff: 0x40,
            nonce: 0x048d_159e,
            nonce_reserved: 3
        })
    );
    assert_eq!(
        single(&[27, 8, 0x0f, 0x00, 0xff, 0xff, 0xff, 0xfc]),
        TcpOption::QuickStartResponse(QuickStartResponse {
            reserved: 0,
            rate_request: 15,
            ttl_diff: 0,
            nonce: 0x3fff_ffff,
            nonce_reserved: 0
        })
    );
}

#[test]
fn user_timeout_both_granularities() {
    assert_eq!(
        single(&[28, 4, 0x80, 0x3c]),
        TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Minutes,
            timeout: 60
        })
    );
    assert_eq!(
        single(&[28, 4, 0x01, 0x2c]),
        TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Seconds,
            timeout: 300
        })
    );
    assert_eq!(
        single(&[28, 4, 0x7f, 0xff]),
        TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Seconds,
            timeout: 0x7fff
        })
    );
}

#[test]
fn tcp_authentication_option() {
    let mac = [
        0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
    ];
    let mut bytes = vec![29, 16, 5, 6];
    bytes.extend_from_slice(&mac);
    assert_eq!(
        single(&bytes),
        TcpOption::TcpAo(TcpAo {
            key_id: 5,
            rnext_key_id: 6,
            mac: inline(&mac)
        })
    );
    assert_eq!(
        single(&[29, 4, 0, 255]),
        TcpOption::TcpAo(TcpAo {
            key_id: 0,
            rnext_key_id: 255,
            mac: InlineBytes::new()
        })
    );
}

#[test]
fn fast_open_request_and_cookies() {
    assert_eq!(
        single(&[34, 2]),
        TcpOption::FastOpen(FastOpen {
            cookie: InlineBytes::new()
        })
    );
    let cookie = [0x6a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71];
    let mut bytes = vec![34, 10];
    bytes.extend_from_slice(&cookie);
    assert_eq!(
        single(&bytes),
        TcpOption::FastOpen(FastOpen {
            cookie: inline(&cookie)
        })
    );
    // RFC 7413 s4.1.1: the length MUST be even. An odd one (a 5-byte cookie) is malformed,
    // in strict mode an error and in lossless mode kept byte for byte; likewise under the
    // experiment ExID (length 9).
    for odd in [
        &[34u8, 7, 1, 2, 3, 4, 5, 1][..],
        &[254, 9, 0xf9, 0x89, 1, 2, 3, 4, 5, 1, 1, 1],
    ] {
        let (e, h) = parse_malformed(odd);
        assert!(
            matches!(e, Error::MalformedOption { reason: MalformedReason::BadLength { length, .. }, .. } if length % 2 == 1),
            "{e}"
        );
        assert!(matches!(h.options[0], TcpOption::Malformed(_)));
    }
    let mut longest = vec![34, 18];
    longest.extend(1..=16u8);
    assert_eq!(
        single(&longest),
        TcpOption::FastOpen(FastOpen {
            cookie: inline(&longest[2..])
        })
    );
}

#[test]
fn encryption_negotiation() {
    assert_eq!(
        single(&[69, 5, 0x21, 0x22, 0x23]),
        TcpOption::Eno(Eno {
            data: inline(&[0x21, 0x22, 0x23])
        })
    );
    assert_eq!(single(&[69, 5, 1, 2, 3]).name(), "eno");
}

#[test]
fn accecn_orders_with_zero_to_three_counters() {
    let c = |a, b, d| AccEcnCounters {
        ee0b: a,
        eceb: b,
        ee1b: d,
    };
    // Order 0: EE0B, ECEB, EE1B.
    assert_eq!(
        single(&[172, 2]),
        TcpOption::AccEcnOrder0(c(None, None, None))
    );
    assert_eq!(
        single(&[172, 5, 0, 0, 1]),
        TcpOption::AccEcnOrder0(c(Some(1), None, None))
    );
    assert_eq!(
        single(&[172, 8, 0, 0, 1, 0, 0, 2]),
        TcpOption::AccEcnOrder0(c(Some(1), Some(2), None))
    );
    assert_eq!(
        single(&[172, 11, 0, 0, 1, 0, 0, 2, 0xff, 0xff, 0xff]),
        TcpOption::AccEcnOrder0(c(Some(1), Some(2), Some(0xff_ffff)))
    );
    // Order 1: EE1B, ECEB, EE0B.
    assert_eq!(
        single(&[174, 2]),
        TcpOption::AccEcnOrder1(c(None, None, None))
    );
    assert_eq!(
        single(&[174, 5, 0, 0, 1]),
        TcpOption::AccEcnOrder1(c(None, None, Some(1)))
    );
    assert_eq!(
        single(&[174, 8, 0, 0, 1, 0, 0, 2]),
        TcpOption::AccEcnOrder1(c(None, Some(2), Some(1)))
    );
    assert_eq!(
        single(&[174, 11, 0, 0, 1, 0, 0, 2, 0x12, 0x34, 0x56]),
        TcpOption::AccEcnOrder1(c(Some(0x123456), Some(2), Some(1)))
    );
    // The JSON names say what each counter counts, whatever the wire order.
    let json = serde_json::to_string(&single(&[174, 11, 0, 0, 1, 0, 0, 2, 0, 0, 3])).unwrap();
    assert_eq!(
        json,
        r#"{"kind":174,"type":"accecn_order1","ee0b":3,"eceb":2,"ee1b":1}"#
    );
    let json = serde_json::to_string(&single(&[172, 5, 0, 0, 9])).unwrap();
    assert_eq!(json, r#"{"kind":172,"type":"accecn_order0","ee0b":9}"#);
}

#[test]
fn experiments() {
    // A generic ExID (0x00AC, ACK-rate request) with one data byte, in kind 253.
    assert_eq!(
        single(&[253, 5, 0x00, 0xac, 0x07]),
        TcpOption::Experiment(Experiment {
            kind: 253,
            exid: 0x00ac,
            data: inline(&[0x07])
        })
    );
    // ExID alone, in kind 254.
    let bare = single(&[254, 4, 0x45, 0x4e]);
    assert_eq!(
        bare,
        TcpOption::Experiment(Experiment {
            kind: 254,
            exid: 0x454e,
            data: InlineBytes::new()
        })
    );
    assert_eq!((bare.kind(), bare.name()), (254, "experiment"));
    // TCP Fast Open before kind 34: ExID 0xF989, a cookie request, then an 8-byte cookie.
    let request = single(&[254, 4, 0xf9, 0x89]);
    assert_eq!(
        request,
        TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: 254,
            cookie: InlineBytes::new()
        })
    );
    assert_eq!(request.name(), "experimental_fast_open");
    let cookie = [1, 2, 3, 4, 5, 6, 7, 8];
    let mut bytes = vec![253, 12, 0xf9, 0x89];
    bytes.extend_from_slice(&cookie);
    assert_eq!(
        single(&bytes),
        TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: 253,
            cookie: inline(&cookie)
        })
    );
}

#[test]
fn unknown_kinds() {
    // 20 (SCPS Capabilities) with 2 bytes: assigned by IANA, not decoded here.
    let scps = single(&[20, 4, 0x80, 0x01]);
    assert_eq!(
        scps,
        TcpOption::Unknown(Unknown {
            kind: 20,
            data: inline(&[0x80, 0x01])
        })
    );
    assert_eq!(scps.name(), "unknown");
    assert_eq!(scps.option_kind().name(), "scps_capabilities");
    // 76 (reserved) with no data; 255 with the most data a header can hold.
    assert_eq!(
        single(&[76, 2]),
        TcpOption::Unknown(Unknown {
            kind: 76,
            data: InlineBytes::new()
        })
    );
    let mut biggest = vec![255, 40];
    biggest.extend(0..38u8);
    assert_eq!(
        single(&biggest),
        TcpOption::Unknown(Unknown {
            kind: 255,
            data: inline(&biggest[2..])
        })
    );
}

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// SCPS SNACK (kind 21, CCSDS 714.0-B-2): Kind 21, Length 6, hole offset, hole size

#[test]
fn snack_decodes_offset_and_size() {
    let snack = single(&[21, 6, 0x00, 0x02, 0x01, 0x00]);
    assert_eq!(
        snack,
        TcpOption::Snack(Snack {
            hole_offset: 2,
            hole_size: 0x100,
        })
    );
    assert_eq!((snack.kind(), snack.name()), (21, "snack"));
    assert_eq!(snack.to_string(), "snack offset 2 size 256");
    let widest = single(&[21, 6, 0xff, 0xff, 0xff, 0xfe]);
    assert_eq!(
        widest,
        TcpOption::Snack(Snack {
            hole_offset: 0xffff,
            hole_size: 0xfffe,
        })
    );
}

#[test]
fn snack_of_another_length_is_malformed() {
    let short = [21, 4, 0, 2];
    let want = MalformedReason::BadLength {
        length: 4,
        allowed: LengthSet::exactly(6),
    };
    assert_eq!(
        TcpOption::parse(&short),
        Err(Error::MalformedOption {
            kind: 21,
            offset: 0,
            reason: want,
        })
    );
    assert_eq!(
        TcpOption::parse_lossless(&short).unwrap(),
        TcpOption::Malformed(Malformed {
            kind: 21,
            bytes: inline(&short),
            reason: want,
        })
    );
    let long = [21, 8, 0, 2, 0, 1, 0, 0];
    assert!(matches!(
        TcpOption::parse_lossless(&long).unwrap(),
        TcpOption::Malformed(Malformed {
            reason: MalformedReason::BadLength { length: 8, .. },
            ..
        })
    ));
}

#[test]
fn snack_json_shape() {
    let snack = TcpOption::Snack(Snack {
        hole_offset: 2,
        hole_size: 1,
    });
    let json = serde_json::to_string(&snack).unwrap();
    assert_eq!(
        json,
        r#"{"kind":21,"type":"snack","hole_offset":2,"hole_size":1}"#
    );
    assert_eq!(serde_json::from_str::<TcpOption>(&json).unwrap(), snack);
    let missing =
        serde_json::from_str::<TcpOption>(r#"{"kind":21,"type":"snack","hole_offset":2}"#)
            .unwrap_err()
            .to_string();
    assert!(missing.contains("hole_size"), "{missing}");
}
