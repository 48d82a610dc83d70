//! Multipath TCP (kind 30): hand-built vectors for every subtype and length form, malformed
//! shapes in both parsing modes, JSON, quickcheck round trips, and the MPTCP options of the
//! public corpus.
mod common;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;
use tcpwire::mptcp::{
    MpExperimental, MpFail, MpFastclose, MpPrio, MpTcpRst, RemoveAddr, Unassigned,
};
use tcpwire::option::Malformed;

use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use tcpwire::mptcp::{AddAddr, Dss, DssMapping, MpCapable, MpCapableFlags, MpJoin, MptcpOption};
use tcpwire::wire::DSS_LENGTHS;
use tcpwire::{
    parse_options, Error, InlineBytes, LengthSet, MalformedReason, MptcpSubtype, ParseMode,
    TcpHeader, TcpOption, TcpRstReason,
};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Parses one whole option in both modes, checks they agree, that it is MPTCP, that it
/// consumes every byte and that it writes the same bytes back.
fn parse_both(bytes: &[u8]) -> MptcpOption {
    let strict = TcpOption::parse(bytes).unwrap_or_else(|e| panic!("{bytes:02x?}: {e}"));
    let (lossless, rest) = TcpOption::parse_prefix(bytes, ParseMode::Lossless).unwrap();
    assert!(rest.is_empty());
    assert_eq!(strict, lossless, "{bytes:02x?}: strict and lossless differ");
    assert_eq!(
        strict.to_bytes().unwrap(),
        bytes,
        "re-serialized bytes differ"
    );
    assert_eq!(strict.encoded_len(), bytes.len());
    match strict {
        TcpOption::Mptcp(m) => {
            m.validate().unwrap();
            m
        }
        other => panic!("{bytes:02x?}: not MPTCP: {other:?}"),
    }
}

/// Asserts the option parses (both modes) to `expected` and writes back to `bytes`.
fn check(bytes: &[u8], expected: MptcpOption) {
    assert_eq!(parse_both(bytes), expected, "{bytes:02x?}");
}

fn inline<const N: usize>(bytes: &[u8]) -> InlineBytes<N> {
    InlineBytes::from_slice(bytes).unwrap()
}

const KEY_A: [u8; 8] = [0x1f, 0xdb, 0x5d, 0xf3, 0x28, 0xbc, 0x3d, 0xef];
const KEY_B: [u8; 8] = [0x29, 0xa6, 0xc8, 0x69, 0x81, 0xad, 0x93, 0x3c];

/// `[30, len, byte2]` followed by `rest`, with the length byte computed.
fn option(byte2: u8, rest: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![30, 0, byte2];
    for part in rest {
        out.extend_from_slice(part);
    }
    out[1] = out.len() as u8;
    out
}

fn flags(byte: u8) -> MpCapableFlags {
    MpCapableFlags::from_byte(byte)
}

// ---------------------------------------------------------------------------------------------
// MP_CAPABLE

#[test]
fn mp_capable_v1_every_length() {
    let sha256 = MpCapableFlags {
        checksum_required: false,
        extensibility: false,
        no_subflows_to_source: false,
        hmac_sha256: true,
        other_algorithms: 0,
    };
    // SYN, length 4: checksum required (A) and HMAC-SHA256 (H).
    check(
        &[30, 4, 0x01, 0x81],
        MptcpOption::MpCapable(MpCapable {
            version: 1,
            flags: MpCapableFlags {
                checksum_required: true,
                ..sha256
            },
            sender_key: None,
            receiver_key: None,
            data_level_length: None,
            checksum: None,
        }),
    );
    // SYN/ACK, length 12, with C (no subflows to the source address).
    check(
        &option(0x01, &[&[0x21], &KEY_A]),
        MptcpOption::MpCapable(MpCapable {
            version: 1,
            flags: MpCapableFlags {
                no_subflows_to_source: true,
                ..sha256
            },
            sender_key: Some(KEY_A),
            receiver_key: None,
            data_level_length: None,
            checksum: None,
        }),
    );
    let third_ack = MpCapable {
        version: 1,
        flags: sha256,
        sender_key: Some(KEY_A),
        receiver_key: Some(KEY_B),
        data_level_length: None,
        checksum: None,
    };
    check(
        &option(0x01, &[&[0x01], &KEY_A, &KEY_B]),
        MptcpOption::MpCapable(third_ack),
    );
    // ACK with data: + data-level length 1500, then + checksum 0xbeef.
    check(
        &option(0x01, &[&[0x01], &KEY_A, &KEY_B, &[0x05, 0xdc]]),
        MptcpOption::MpCapable(MpCapable {
            data_level_length: Some(1500),
            ..third_ack
        }),
    );
    let with_checksum = option(
        0x01,
        &[&[0x81], &KEY_A, &KEY_B, &[0x05, 0xdc], &[0xbe, 0xef]],
    );
    assert_eq!(with_checksum.len(), 24);
    check(
        &with_checksum,
        MptcpOption::MpCapable(MpCapable {
            flags: MpCapableFlags {
                checksum_required: true,
                ..sha256
            },
            data_level_length: Some(1500),
            checksum: Some(0xbeef),
            ..third_ack
        }),
    );
}

#[test]
fn mp_capable_v0_and_other_versions() {
    // v0 SYN (12) and third ACK (20); H is HMAC-SHA1 in v0, the same bit.
    let v0 = MpCapable {
        version: 0,
        flags: flags(0x81),
        sender_key: Some(KEY_B),
        receiver_key: None,
        data_level_length: None,
        checksum: None,
    };
    assert!(v0.flags.checksum_required && v0.flags.hmac_sha256);
    check(
        &option(0x00, &[&[0x81], &KEY_B]),
        MptcpOption::MpCapable(v0),
    );
    check(
        &option(0x00, &[&[0x81], &KEY_B, &KEY_A]),
        MptcpOption::MpCapable(MpCapable {
            receiver_key: Some(KEY_A),
            ..v0
        }),
    );
    // Every flag bit set: D..G are other_algorithms 0b1111.
    let all = flags(0xff);
    assert_eq!(
        all,
        MpCapableFlags {
            checksum_required: true,
            extensibility: true,
            no_subflows_to_source: true,
            hmac_sha256: true,
            other_algorithms: 15,
        }
    );
    assert_eq!(flags(0x10).other_algorithms, 0b1000, "D is the high bit");
    assert_eq!(flags(0x02).other_algorithms, 0b0001, "G is the low bit");
    // An unspecified version takes version 1's lengths and keeps its nibble.
    check(
        &[30, 4, 0x0f, 0xff],
        MptcpOption::MpCapable(MpCapable {
            version: 15,
            flags: all,
            sender_key: None,
            receiver_key: None,
            data_level_length: None,
            checksum: None,
        }),
    );
}

// ---------------------------------------------------------------------------------------------
// MP_JOIN

#[test]
fn mp_join_every_form() {
    // SYN (12): B set, address ID 5, token, random number.
    check(
        &[
            30, 12, 0x11, 5, 0xa1, 0xb2, 0xc3, 0xd4, 0x01, 0x02, 0x03, 0x04,
        ],
        MptcpOption::MpJoin(MpJoin::Syn {
            backup: true,
            reserved: 0,
            address_id: 5,
            receiver_token: [0xa1, 0xb2, 0xc3, 0xd4],
            sender_random: [1, 2, 3, 4],
        }),
    );
    // The 3 reserved bits before B are kept.
    check(
        &[30, 12, 0x1e, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        MptcpOption::MpJoin(MpJoin::Syn {
            backup: false,
            reserved: 7,
            address_id: 0,
            receiver_token: [0; 4],
            sender_random: [0; 4],
        }),
    );
    // SYN/ACK (16): truncated HMAC, random number.
    check(
        &option(0x10, &[&[7], &KEY_A, &[9, 8, 7, 6]]),
        MptcpOption::MpJoin(MpJoin::SynAck {
            backup: false,
            reserved: 0,
            address_id: 7,
            sender_truncated_hmac: KEY_A,
            sender_random: [9, 8, 7, 6],
        }),
    );
    // ACK (24): 12 reserved bits (0xabc), 20-byte HMAC.
    let hmac: [u8; 20] = std::array::from_fn(|i| 0x40 + i as u8);
    check(
        &option(0x1a, &[&[0xbc], &hmac]),
        MptcpOption::MpJoin(MpJoin::Ack {
            reserved: 0xabc,
            sender_hmac: hmac,
        }),
    );
}

// ---------------------------------------------------------------------------------------------
// DSS

fn dss(data_ack: Option<u64>, mapping: Option<DssMapping>) -> Dss {
    Dss {
        reserved: 0,
        data_fin: false,
        dsn_8_bytes: false,
        data_ack_8_bytes: false,
        data_ack,
        mapping,
    }
}

fn mapping(
    dsn: u64,
    subflow_seq: u32,
    data_level_length: u16,
    checksum: Option<u16>,
) -> DssMapping {
    DssMapping {
        dsn,
        subflow_seq,
        data_level_length,
        checksum,
    }
}

#[test]
fn dss_every_layout() {
    // A: 4-byte data ACK (length 8).
    check(
        &[30, 8, 0x20, 0x01, 0, 0, 0, 42],
        MptcpOption::Dss(dss(Some(42), None)),
    );
    // A a: 8-byte data ACK (length 12).
    check(
        &[30, 12, 0x20, 0x03, 1, 2, 3, 4, 5, 6, 7, 8],
        MptcpOption::Dss(Dss {
            data_ack_8_bytes: true,
            ..dss(Some(0x0102_0304_0506_0708), None)
        }),
    );
    // M: 4-byte DSN, subflow sequence number, data-level length, no checksum (length 14).
    check(
        &[30, 14, 0x20, 0x04, 0, 0, 1, 0, 0, 0, 0, 1, 0x05, 0xa0],
        MptcpOption::Dss(dss(None, Some(mapping(256, 1, 1440, None)))),
    );
    // M with the checksum (length 16): only the length says it is there.
    check(
        &[
            30, 16, 0x20, 0x04, 0, 0, 1, 0, 0, 0, 0, 1, 0x05, 0xa0, 0xca, 0xfe,
        ],
        MptcpOption::Dss(dss(None, Some(mapping(256, 1, 1440, Some(0xcafe))))),
    );
    // A M: 4-byte data ACK and 4-byte DSN, no checksum (length 18; Linux v0 traffic).
    check(
        &[30, 18, 0x20, 0x05, 0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 3, 0, 4],
        MptcpOption::Dss(dss(Some(9), Some(mapping(2, 3, 4, None)))),
    );
    // F m M a A with checksum: every field, the longest DSS (28).
    let longest = option(
        0x20,
        &[
            &[0x1f],
            &[0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88],
            &[0, 0, 0, 1, 0, 0, 0, 2],
            &[0x11, 0x22, 0x33, 0x44],
            &[0x01, 0x00],
            &[0x12, 0x34],
        ],
    );
    assert_eq!(longest.len(), 28);
    check(
        &longest,
        MptcpOption::Dss(Dss {
            data_fin: true,
            dsn_8_bytes: true,
            data_ack_8_bytes: true,
            ..dss(
                Some(0xffee_ddcc_bbaa_9988),
                Some(mapping(0x1_0000_0002, 0x1122_3344, 256, Some(0x1234))),
            )
        }),
    );
    // DATA_FIN alone, every reserved bit set (nibble 0xf and the top 3 bits of byte 3).
    check(
        &[30, 4, 0x2f, 0xf0],
        MptcpOption::Dss(Dss {
            reserved: 0x7f,
            data_fin: true,
            ..dss(None, None)
        }),
    );
    // The width bits m and a are kept when their fields are absent.
    check(
        &[30, 4, 0x20, 0x0a],
        MptcpOption::Dss(Dss {
            dsn_8_bytes: true,
            data_ack_8_bytes: true,
            ..dss(None, None)
        }),
    );
}

#[test]
fn dss_infinite_mapping_and_widths() {
    let infinite = parse_both(&[30, 14, 0x20, 0x04, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0]);
    let MptcpOption::Dss(d) = infinite else {
        panic!("not DSS")
    };
    assert!(d.is_infinite_mapping());
    assert!(d.mapping.unwrap().is_infinite());
    let finite = parse_both(&[30, 14, 0x20, 0x04, 0, 0, 0, 5, 0, 0, 0, 0, 0, 1]);
    let MptcpOption::Dss(d) = finite else {
        panic!("not DSS")
    };
    assert!(!d.is_infinite_mapping());

    // The same DSN value in 4 and in 8 bytes: two distinct values, each back to its bytes.
    let four = parse_both(&[30, 14, 0x20, 0x04, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 1]);
    let eight = parse_both(&[
        30, 18, 0x20, 0x0c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 1,
    ]);
    assert_ne!(four, eight);
    let (MptcpOption::Dss(four), MptcpOption::Dss(eight)) = (four, eight) else {
        panic!("not DSS")
    };
    assert_eq!(four.mapping.unwrap().dsn, 0xffff_ffff);
    assert_eq!(eight.mapping.unwrap().dsn, 0xffff_ffff);
    assert!(!four.dsn_8_bytes && eight.dsn_8_bytes);

    // A 4-byte field cannot hold more than 32 bits.
    let too_wide = MptcpOption::Dss(dss(None, Some(mapping(1 << 32, 0, 1, None))));
    assert!(matches!(
        too_wide.validate(),
        Err(Error::Unencodable { .. })
    ));
    assert!(TcpOption::Mptcp(too_wide).to_bytes().is_err());
    let too_wide_ack = MptcpOption::Dss(dss(Some(u64::MAX), None));
    assert!(too_wide_ack.validate().is_err());
    let wide_ok = MptcpOption::Dss(Dss {
        data_ack_8_bytes: true,
        ..dss(Some(u64::MAX), None)
    });
    assert_eq!(wide_ok.validate(), Ok(()));
    assert_eq!(wide_ok.encoded_len(), 12);
}

// ---------------------------------------------------------------------------------------------
// ADD_ADDR

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

const V6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const HMAC8: [u8; 8] = [0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67];

#[test]
fn add_addr_v0_every_length() {
    // The nibble is the IP version: 4 with length 8/10, 6 with 20/22.
    check(
        &[30, 8, 0x34, 1, 192, 168, 1, 57],
        MptcpOption::AddAddr(AddAddr::V0 {
            address_id: 1,
            address: ip("192.168.1.57"),
            port: None,
        }),
    );
    check(
        &[30, 10, 0x34, 2, 10, 0, 0, 1, 0x1f, 0x90],
        MptcpOption::AddAddr(AddAddr::V0 {
            address_id: 2,
            address: ip("10.0.0.1"),
            port: Some(8080),
        }),
    );
    check(
        &option(0x36, &[&[3], &V6]),
        MptcpOption::AddAddr(AddAddr::V0 {
            address_id: 3,
            address: ip("2001:db8::1"),
            port: None,
        }),
    );
    check(
        &option(0x36, &[&[4], &V6, &[0, 80]]),
        MptcpOption::AddAddr(AddAddr::V0 {
            address_id: 4,
            address: ip("2001:db8::1"),
            port: Some(80),
        }),
    );
}

#[test]
fn add_addr_v1_every_length() {
    let v1 = |reserved, address: &str, port, truncated_hmac| {
        MptcpOption::AddAddr(AddAddr::V1 {
            reserved,
            address_id: 9,
            address: ip(address),
            port,
            truncated_hmac,
        })
    };
    // E = 0: the truncated HMAC follows (16, 18, 28, 30).
    check(
        &option(0x30, &[&[9], &[10, 0, 0, 2], &HMAC8]),
        v1(0, "10.0.0.2", None, Some(HMAC8)),
    );
    check(
        &option(0x30, &[&[9], &[10, 0, 0, 2], &[0x01, 0xbb], &HMAC8]),
        v1(0, "10.0.0.2", Some(443), Some(HMAC8)),
    );
    check(
        &option(0x30, &[&[9], &V6, &HMAC8]),
        v1(0, "2001:db8::1", None, Some(HMAC8)),
    );
    check(
        &option(0x30, &[&[9], &V6, &[0x01, 0xbb], &HMAC8]),
        v1(0, "2001:db8::1", Some(443), Some(HMAC8)),
    );
    // E = 1 (echo): no HMAC (8, 10, 20, 22).
    check(
        &option(0x31, &[&[9], &[10, 0, 0, 2]]),
        v1(0, "10.0.0.2", None, None),
    );
    check(
        &option(0x31, &[&[9], &[10, 0, 0, 2], &[0, 22]]),
        v1(0, "10.0.0.2", Some(22), None),
    );
    check(
        &option(0x31, &[&[9], &V6]),
        v1(0, "2001:db8::1", None, None),
    );
    check(
        &option(0x31, &[&[9], &V6, &[0, 22]]),
        v1(0, "2001:db8::1", Some(22), None),
    );
    // Nibbles 4 and 6 at v1 lengths are v1 with reserved bits 0b010 / 0b011.
    check(
        &option(0x34, &[&[9], &[10, 0, 0, 2], &HMAC8]),
        v1(2, "10.0.0.2", None, Some(HMAC8)),
    );
    check(
        &option(0x36, &[&[9], &V6, &[0, 22], &HMAC8]),
        v1(3, "2001:db8::1", Some(22), Some(HMAC8)),
    );
    // An echo with every reserved bit set (nibble 7).
    let echo = parse_both(&option(0x37, &[&[9], &[10, 0, 0, 2]]));
    assert_eq!(echo, v1(3, "10.0.0.2", None, None));
    let MptcpOption::AddAddr(a) = echo else {
        panic!("not ADD_ADDR")
    };
    assert!(a.is_echo());
    assert_eq!((a.nibble(), a.address_id(), a.port()), (7, 9, None));
}

// ---------------------------------------------------------------------------------------------
// REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE, MP_TCPRST, MP_EXPERIMENTAL, unassigned

#[test]
fn remove_addr_prio_fail_fastclose() {
    check(
        &[30, 4, 0x40, 7],
        MptcpOption::RemoveAddr(RemoveAddr {
            reserved: 0,
            address_ids: inline(&[7]),
        }),
    );
    check(
        &[30, 6, 0x45, 1, 2, 3],
        MptcpOption::RemoveAddr(RemoveAddr {
            reserved: 5,
            address_ids: inline(&[1, 2, 3]),
        }),
    );
    check(
        &[30, 3, 0x51],
        MptcpOption::MpPrio(MpPrio {
            backup: true,
            reserved: 0,
            address_id: None,
        }),
    );
    check(
        &[30, 4, 0x50, 9],
        MptcpOption::MpPrio(MpPrio {
            backup: false,
            reserved: 0,
            address_id: Some(9),
        }),
    );
    check(
        &[30, 3, 0x5e],
        MptcpOption::MpPrio(MpPrio {
            backup: false,
            reserved: 7,
            address_id: None,
        }),
    );
    check(
        &option(0x60, &[&[0], &[0, 0, 0, 0, 0, 0, 0x10, 0]]),
        MptcpOption::MpFail(MpFail {
            reserved: 0,
            dsn: 4096,
        }),
    );
    check(
        &option(0x6a, &[&[0xbc], &[0xff; 8]]),
        MptcpOption::MpFail(MpFail {
            reserved: 0xabc,
            dsn: u64::MAX,
        }),
    );
    check(
        &option(0x70, &[&[0], &KEY_B]),
        MptcpOption::MpFastclose(MpFastclose {
            reserved: 0,
            receiver_key: KEY_B,
        }),
    );
    check(
        &option(0x7f, &[&[0xff], &KEY_A]),
        MptcpOption::MpFastclose(MpFastclose {
            reserved: 0xfff,
            receiver_key: KEY_A,
        }),
    );
}

#[test]
fn tcprst_experimental_unassigned() {
    check(
        &[30, 4, 0x81, 0x01],
        MptcpOption::MpTcpRst(MpTcpRst {
            reserved: 0,
            transient: true,
            reason: TcpRstReason::MptcpSpecific,
        }),
    );
    check(
        &[30, 4, 0x8e, 0x06],
        MptcpOption::MpTcpRst(MpTcpRst {
            reserved: 7,
            transient: false,
            reason: TcpRstReason::MiddleboxInterference,
        }),
    );
    check(
        &[30, 4, 0x80, 42],
        MptcpOption::MpTcpRst(MpTcpRst {
            reserved: 0,
            transient: false,
            reason: TcpRstReason::from_value(42),
        }),
    );
    check(
        &[30, 3, 0xf5],
        MptcpOption::MpExperimental(MpExperimental {
            nibble: 5,
            data: InlineBytes::new(),
        }),
    );
    check(
        &[30, 6, 0xf0, 1, 2, 3],
        MptcpOption::MpExperimental(MpExperimental {
            nibble: 0,
            data: inline(&[1, 2, 3]),
        }),
    );
    let unassigned = MptcpOption::Unassigned(Unassigned {
        subtype: 9,
        nibble: 3,
        data: inline(&[0xaa, 0xbb]),
    });
    check(&[30, 5, 0x93, 0xaa, 0xbb], unassigned.clone());
    assert_eq!(unassigned.subtype(), MptcpSubtype::from_value(9));
    assert_eq!(unassigned.name(), "unassigned");
    check(
        &[30, 3, 0xe0],
        MptcpOption::Unassigned(Unassigned {
            subtype: 14,
            nibble: 0,
            data: InlineBytes::new(),
        }),
    );
    // The longest: 37 bytes after byte 2.
    let mut longest = vec![30, 40, 0xc1];
    longest.extend(0..37u8);
    check(
        &longest,
        MptcpOption::Unassigned(Unassigned {
            subtype: 12,
            nibble: 1,
            data: inline(&longest[3..]),
        }),
    );
}

#[test]
fn subtype_and_name_of_every_variant() {
    let cases: &[(&[u8], MptcpSubtype, &str)] = &[
        (&[30, 4, 0x01, 0x01], MptcpSubtype::MpCapable, "mp_capable"),
        (
            &[30, 12, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            MptcpSubtype::MpJoin,
            "mp_join",
        ),
        (&[30, 4, 0x20, 0x00], MptcpSubtype::Dss, "dss"),
        (
            &[30, 8, 0x34, 1, 1, 2, 3, 4],
            MptcpSubtype::AddAddr,
            "add_addr",
        ),
        (&[30, 4, 0x40, 1], MptcpSubtype::RemoveAddr, "remove_addr"),
        (&[30, 3, 0x50], MptcpSubtype::MpPrio, "mp_prio"),
        (
            &[30, 12, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            MptcpSubtype::MpFail,
            "mp_fail",
        ),
        (
            &[30, 12, 0x70, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            MptcpSubtype::MpFastclose,
            "mp_fastclose",
        ),
        (&[30, 4, 0x80, 0], MptcpSubtype::MpTcpRst, "mp_tcprst"),
        (
            &[30, 3, 0xf0],
            MptcpSubtype::MpExperimental,
            "mp_experimental",
        ),
        (&[30, 3, 0xa0], MptcpSubtype::from_value(10), "unassigned"),
    ];
    for (bytes, subtype, name) in cases {
        let m = parse_both(bytes);
        assert_eq!((m.subtype(), m.name()), (*subtype, *name), "{bytes:02x?}");
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["subtype"], u64::from(subtype.value()));
        assert_eq!(json["mptcp"], *name);
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed shapes

/// Parses `area` (an option area starting at header offset 20) in both modes: strict must fail
/// on the kind-30 option at `offset` with `reason`; lossless must keep exactly `bad` as
/// `Malformed`, and the whole area must write back unchanged.
fn check_malformed(area: &[u8], offset: usize, bad: &[u8], reason: MalformedReason) {
    let strict = parse_options(area, 20, ParseMode::Strict);
    assert_eq!(
        strict,
        Err(Error::MalformedOption {
            kind: 30,
            offset,
            reason
        }),
        "{area:02x?}"
    );
    let message = strict.unwrap_err().to_string();
    assert!(
        message.starts_with(&format!(
            "option kind 30 (mptcp) at header offset {offset}: "
        )),
        "{message}"
    );
    let (options, padding) = parse_options(area, 20, ParseMode::Lossless).unwrap();
    let malformed: Vec<&TcpOption> = options.iter().filter(|o| o.is_malformed()).collect();
    assert_eq!(
        malformed,
        [&TcpOption::Malformed(Malformed {
            kind: 30,
            bytes: inline(bad),
            reason
        })],
        "{area:02x?}"
    );
    let mut written = Vec::new();
    for o in &options {
        written.extend(o.to_bytes().unwrap());
    }
    written.extend_from_slice(&padding);
    assert_eq!(written, area);
}

fn bad_length(length: u8, allowed: LengthSet) -> MalformedReason {
    MalformedReason::BadLength { length, allowed }
}

#[test]
fn malformed_dss_length_disagreeing_with_flags() {
    // A (4-byte data ACK) needs exactly 8.
    let bad = [30, 12, 0x20, 0x01, 0, 0, 0, 1, 0, 0, 0, 2];
    let mut area = vec![1, 1];
    area.extend_from_slice(&bad);
    check_malformed(&area, 22, &bad, bad_length(12, LengthSet::exactly(8)));
    // A M (4-byte fields) allows 18 or 20 (with checksum), not 16.
    let bad = [30, 16, 0x20, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3];
    check_malformed(&bad, 20, &bad, bad_length(16, LengthSet::of(&[18, 20])));
    // m M a A allows 26 or 28.
    let mut bad = vec![30, 24, 0x20, 0x0f];
    bad.resize(24, 0);
    check_malformed(&bad, 20, &bad, bad_length(24, LengthSet::of(&[26, 28])));
    // No flag byte at all (tcpdump's mptcp-dss-oobr): any DSS length could be meant.
    check_malformed(
        &[30, 3, 0x20, 1],
        20,
        &[30, 3, 0x20],
        bad_length(3, DSS_LENGTHS),
    );
    assert_eq!(
        DSS_LENGTHS.to_string(),
        "4, 8, 12, 14, 16, 18, 20, 22, 24, 26 or 28"
    );
}

#[test]
fn malformed_lengths_of_other_subtypes() {
    // MP_CAPABLE version 0 has no 4-byte form; version 1 has no 16.
    check_malformed(
        &[30, 4, 0x00, 0x81],
        20,
        &[30, 4, 0x00, 0x81],
        bad_length(4, LengthSet::of(&[12, 20])),
    );
    let mut v1_16 = vec![30, 16, 0x01, 0x01];
    v1_16.resize(16, 0);
    check_malformed(
        &v1_16,
        20,
        &v1_16,
        bad_length(16, LengthSet::of(&[4, 12, 20, 22, 24])),
    );
    // MP_JOIN 13 (and the seed's 20 for the SYN/ACK).
    for len in [13u8, 20] {
        let mut join = vec![30, len, 0x10];
        join.resize(usize::from(len), 0);
        check_malformed(
            &join,
            20,
            &join,
            bad_length(len, LengthSet::of(&[12, 16, 24])),
        );
    }
    // ADD_ADDR odd lengths: the allowed set follows the nibble.
    let mut add = vec![30, 9, 0x34];
    add.resize(9, 0);
    check_malformed(
        &add,
        20,
        &add,
        bad_length(9, LengthSet::of(&[8, 10, 16, 18, 28, 30])),
    );
    let mut add = vec![30, 21, 0x36];
    add.resize(21, 0);
    check_malformed(
        &add,
        20,
        &add,
        bad_length(21, LengthSet::of(&[16, 18, 20, 22, 28, 30])),
    );
    // An echo (E = 1) has no HMAC, so 16 is wrong; without echo 8 is wrong.
    let mut add = vec![30, 16, 0x31];
    add.resize(16, 0);
    check_malformed(
        &add,
        20,
        &add,
        bad_length(16, LengthSet::of(&[8, 10, 20, 22])),
    );
    let add = [30, 8, 0x30, 1, 10, 0, 0, 1];
    check_malformed(
        &add,
        20,
        &add,
        bad_length(8, LengthSet::of(&[16, 18, 28, 30])),
    );
    // REMOVE_ADDR needs an address ID.
    check_malformed(
        &[30, 3, 0x40],
        20,
        &[30, 3, 0x40],
        bad_length(3, LengthSet::range(4, 40)),
    );
    // MP_PRIO 5, MP_TCPRST 3, and the seed's 16-byte MP_FASTCLOSE.
    let prio = [30, 5, 0x50, 1, 2];
    check_malformed(&prio, 20, &prio, bad_length(5, LengthSet::of(&[3, 4])));
    check_malformed(
        &[30, 3, 0x80],
        20,
        &[30, 3, 0x80],
        bad_length(3, LengthSet::exactly(4)),
    );
    let mut fastclose = vec![30, 16, 0x70];
    fastclose.resize(16, 0);
    check_malformed(
        &fastclose,
        20,
        &fastclose,
        bad_length(16, LengthSet::exactly(12)),
    );
    let mut fail = vec![30, 8, 0x60];
    fail.resize(8, 0);
    check_malformed(&fail, 20, &fail, bad_length(8, LengthSet::exactly(12)));
    // Length 2: caught by the core framing (kind 30 allows 3..=40).
    check_malformed(
        &[1, 30, 2, 1],
        21,
        &[30, 2],
        bad_length(2, LengthSet::range(3, 40)),
    );
}

// ---------------------------------------------------------------------------------------------
// validate

#[test]
fn validate_rejects_values_without_an_exact_encoding() {
    let unencodable = |m: MptcpOption| {
        let e = m.validate().unwrap_err();
        assert!(matches!(e, Error::Unencodable { .. }), "{m:?}: {e}");
        assert!(TcpOption::Mptcp(m).to_bytes().is_err());
    };
    let syn = MpCapable {
        version: 1,
        flags: flags(0x01),
        sender_key: None,
        receiver_key: None,
        data_level_length: None,
        checksum: None,
    };
    // Version 0 has no 4-byte form.
    unencodable(MptcpOption::MpCapable(MpCapable { version: 0, ..syn }));
    // The version is 4 bits, other_algorithms too.
    unencodable(MptcpOption::MpCapable(MpCapable { version: 16, ..syn }));
    unencodable(MptcpOption::MpCapable(MpCapable {
        flags: MpCapableFlags {
            other_algorithms: 16,
            ..syn.flags
        },
        ..syn
    }));
    // A receiver key without a sender key has no length that would parse back to it.
    unencodable(MptcpOption::MpCapable(MpCapable {
        receiver_key: Some(KEY_A),
        ..syn
    }));
    unencodable(MptcpOption::MpJoin(MpJoin::Ack {
        reserved: 0x1000,
        sender_hmac: [0; 20],
    }));
    unencodable(MptcpOption::Dss(Dss {
        reserved: 0x80,
        ..dss(None, None)
    }));
    unencodable(MptcpOption::AddAddr(AddAddr::V1 {
        reserved: 8,
        address_id: 0,
        address: ip("10.0.0.1"),
        port: None,
        truncated_hmac: None,
    }));
    unencodable(MptcpOption::RemoveAddr(RemoveAddr {
        reserved: 0,
        address_ids: InlineBytes::new(),
    }));
    unencodable(MptcpOption::MpFail(MpFail {
        reserved: 0x1000,
        dsn: 0,
    }));
    unencodable(MptcpOption::MpTcpRst(MpTcpRst {
        reserved: 8,
        transient: false,
        reason: TcpRstReason::Unspecified,
    }));
    // Subtypes with their own variant cannot be kept as unassigned.
    for subtype in [2u8, 8, 15, 16] {
        unencodable(MptcpOption::Unassigned(Unassigned {
            subtype,
            nibble: 0,
            data: InlineBytes::new(),
        }));
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

fn json(bytes: &[u8]) -> String {
    let option = TcpOption::parse(bytes).unwrap();
    let text = serde_json::to_string(&option).unwrap();
    let back: TcpOption = serde_json::from_str(&text).unwrap();
    assert_eq!(back, option, "{text}");
    text
}

#[test]
fn json_shapes() {
    // The Linux MPTCP SYN.
    assert_eq!(
        json(&[30, 4, 0x01, 0x01]),
        r#"{"kind":30,"type":"mptcp","subtype":0,"mptcp":"mp_capable","version":1,"flags":{"checksum_required":false,"extensibility":false,"no_subflows_to_source":false,"hmac_sha256":true,"other_algorithms":0}}"#
    );
    assert_eq!(
        json(&option(0x00, &[&[0x81], &KEY_A, &KEY_B])),
        r#"{"kind":30,"type":"mptcp","subtype":0,"mptcp":"mp_capable","version":0,"flags":{"checksum_required":true,"extensibility":false,"no_subflows_to_source":false,"hmac_sha256":true,"other_algorithms":0},"sender_key":"1fdb5df328bc3def","receiver_key":"29a6c86981ad933c"}"#
    );
    assert_eq!(
        json(&[30, 12, 0x11, 5, 0xa1, 0xb2, 0xc3, 0xd4, 1, 2, 3, 4]),
        r#"{"kind":30,"type":"mptcp","subtype":1,"mptcp":"mp_join","form":"syn","backup":true,"reserved":0,"address_id":5,"receiver_token":"a1b2c3d4","sender_random":"01020304"}"#
    );
    assert_eq!(
        json(&option(0x10, &[&[7], &KEY_A, &[9, 8, 7, 6]])),
        r#"{"kind":30,"type":"mptcp","subtype":1,"mptcp":"mp_join","form":"syn_ack","backup":false,"reserved":0,"address_id":7,"sender_truncated_hmac":"1fdb5df328bc3def","sender_random":"09080706"}"#
    );
    assert_eq!(
        json(&option(0x10, &[&[0x01], &[0xab; 20]])),
        r#"{"kind":30,"type":"mptcp","subtype":1,"mptcp":"mp_join","form":"ack","reserved":1,"sender_hmac":"abababababababababababababababababababab"}"#
    );
    // 64-bit numbers are decimal strings; the checksum is left out when absent.
    assert_eq!(
        json(&option(
            0x20,
            &[&[0x0d], &[0, 0, 0, 9], &[0xff; 8], &[0, 0, 0, 3], &[0, 4]]
        )),
        r#"{"kind":30,"type":"mptcp","subtype":2,"mptcp":"dss","reserved":0,"data_fin":false,"dsn_8_bytes":true,"data_ack_8_bytes":false,"data_ack":"9","mapping":{"dsn":"18446744073709551615","subflow_seq":3,"data_level_length":4}}"#
    );
    assert_eq!(
        json(&[30, 16, 0x20, 0x04, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0xca, 0xfe]),
        r#"{"kind":30,"type":"mptcp","subtype":2,"mptcp":"dss","reserved":0,"data_fin":false,"dsn_8_bytes":false,"data_ack_8_bytes":false,"mapping":{"dsn":"256","subflow_seq":1,"data_level_length":0,"checksum":51966}}"#
    );
    assert_eq!(
        json(&[30, 10, 0x34, 2, 10, 0, 0, 1, 0x1f, 0x90]),
        r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"add_addr","version":0,"address_id":2,"address":"10.0.0.1","port":8080}"#
    );
    assert_eq!(
        json(&option(0x30, &[&[9], &V6, &HMAC8])),
        r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"add_addr","version":1,"echo":false,"reserved":0,"address_id":9,"address":"2001:db8::1","truncated_hmac":"deadbeef01234567"}"#
    );
    assert_eq!(
        json(&[30, 8, 0x31, 9, 10, 0, 0, 2]),
        r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"add_addr","version":1,"echo":true,"reserved":0,"address_id":9,"address":"10.0.0.2"}"#
    );
    assert_eq!(
        json(&[30, 6, 0x40, 1, 2, 3]),
        r#"{"kind":30,"type":"mptcp","subtype":4,"mptcp":"remove_addr","reserved":0,"address_ids":[1,2,3]}"#
    );
    assert_eq!(
        json(&[30, 4, 0x51, 3]),
        r#"{"kind":30,"type":"mptcp","subtype":5,"mptcp":"mp_prio","backup":true,"reserved":0,"address_id":3}"#
    );
    assert_eq!(
        json(&option(0x60, &[&[0], &[0xff; 8]])),
        r#"{"kind":30,"type":"mptcp","subtype":6,"mptcp":"mp_fail","reserved":0,"dsn":"18446744073709551615"}"#
    );
    assert_eq!(
        json(&option(0x70, &[&[0], &KEY_B])),
        r#"{"kind":30,"type":"mptcp","subtype":7,"mptcp":"mp_fastclose","reserved":0,"receiver_key":"29a6c86981ad933c"}"#
    );
    assert_eq!(
        json(&[30, 4, 0x81, 6]),
        r#"{"kind":30,"type":"mptcp","subtype":8,"mptcp":"mp_tcprst","reserved":0,"transient":true,"reason":"middlebox_interference"}"#
    );
    assert_eq!(
        json(&[30, 4, 0x80, 99]),
        r#"{"kind":30,"type":"mptcp","subtype":8,"mptcp":"mp_tcprst","reserved":0,"transient":false,"reason":99}"#
    );
    assert_eq!(
        json(&[30, 5, 0xf2, 0xab, 0xcd]),
        r#"{"kind":30,"type":"mptcp","subtype":15,"mptcp":"mp_experimental","nibble":2,"data":"abcd"}"#
    );
    assert_eq!(
        json(&[30, 4, 0xb1, 0xee]),
        r#"{"kind":30,"type":"mptcp","subtype":11,"mptcp":"unassigned","nibble":1,"data":"ee"}"#
    );
}

#[test]
fn json_inconsistencies_are_rejected() {
    let rejects = |text: &str| {
        assert!(
            serde_json::from_str::<TcpOption>(text).is_err(),
            "accepted {text}"
        );
    };
    // The subtype number must match the variant.
    rejects(
        r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"mp_prio","backup":true,"reserved":0}"#,
    );
    // An unassigned option cannot claim an assigned subtype.
    rejects(r#"{"kind":30,"type":"mptcp","subtype":2,"mptcp":"unassigned","nibble":0,"data":""}"#);
    rejects(r#"{"kind":30,"type":"mptcp","subtype":16,"mptcp":"unassigned","nibble":0,"data":""}"#);
    // ADD_ADDR: echo must agree with the HMAC; v0 has no echo; versions are 0 and 1.
    rejects(
        r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"add_addr","version":1,"echo":true,"reserved":0,"address_id":9,"address":"10.0.0.2","truncated_hmac":"deadbeef01234567"}"#,
    );
    rejects(
        r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"add_addr","version":1,"echo":false,"reserved":0,"address_id":9,"address":"10.0.0.2"}"#,
    );
    rejects(
        r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"add_addr","version":0,"echo":true,"address_id":9,"address":"10.0.0.2"}"#,
    );
    rejects(
        r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"add_addr","version":2,"address_id":9,"address":"10.0.0.2"}"#,
    );
    // Keys have exactly 8 bytes.
    rejects(
        r#"{"kind":30,"type":"mptcp","subtype":7,"mptcp":"mp_fastclose","reserved":0,"receiver_key":"29a6"}"#,
    );
    // The same text with the right subtype is accepted.
    let ok: TcpOption = serde_json::from_str(
        r#"{"kind":30,"type":"mptcp","subtype":5,"mptcp":"mp_prio","backup":true,"reserved":0}"#,
    )
    .unwrap();
    assert_eq!(ok.to_bytes().unwrap(), [30, 3, 0x51]);
}

#[test]
fn size_of_mptcp_option() {
    let size = std::mem::size_of::<MptcpOption>();
    eprintln!(
        "size_of::<MptcpOption>() = {size}, size_of::<TcpOption>() = {}",
        std::mem::size_of::<TcpOption>()
    );
    // 37 inline bytes plus subtype, nibble and length for the opaque subtypes, and 8-byte
    // alignment for the u64 sequence numbers: 48.
    assert!(size <= 48, "MptcpOption grew to {size} bytes");
    // The largest TcpOption is Malformed (40 bytes, kind, reason): MPTCP does not make it grow.
    assert!(std::mem::size_of::<TcpOption>() <= 56);
}

// ---------------------------------------------------------------------------------------------
// quickcheck

const CASES: u64 = 10_000;

#[test]
fn prop_generated_values_parse_back_in_both_modes() {
    fn prop(m: MptcpOption) -> bool {
        assert_eq!(m.validate(), Ok(()), "{m:?}");
        let option = TcpOption::Mptcp(m.clone());
        let bytes = option.to_bytes().unwrap();
        assert_eq!(bytes.len(), m.encoded_len());
        assert_eq!(TcpOption::parse(&bytes).unwrap(), option);
        assert_eq!(
            TcpOption::parse_prefix(&bytes, ParseMode::Lossless).unwrap(),
            (option, &[][..])
        );
        true
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(MptcpOption) -> bool);
}

#[test]
fn prop_json_round_trip() {
    fn prop(m: MptcpOption) -> bool {
        let option = TcpOption::Mptcp(m.clone());
        let text = serde_json::to_string(&option).unwrap();
        assert_eq!(
            serde_json::from_str::<TcpOption>(&text).unwrap(),
            option,
            "{text}"
        );
        let alone = serde_json::to_string(&m).unwrap();
        assert_eq!(
            serde_json::from_str::<MptcpOption>(&alone).unwrap(),
            m,
            "{alone}"
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["mptcp"], m.name());
        assert_eq!(value["subtype"], u64::from(m.subtype().value()));
        true
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(MptcpOption) -> bool);
}

#[test]
fn generator_reaches_every_subtype_and_length_form() {
    let mut g = Gen::new(100);
    let mut seen = std::collections::BTreeSet::new();
    let mut infinite_mappings = 0;
    for _ in 0..20_000 {
        let m = MptcpOption::arbitrary(&mut g);
        let len = m.encoded_len();
        seen.insert(match &m {
            MptcpOption::MpCapable(c) if c.version > 1 => format!("MP_CAPABLE/v2+/len{len}"),
            MptcpOption::MpCapable(c) => format!("MP_CAPABLE/v{}/len{len}", c.version),
            MptcpOption::AddAddr(AddAddr::V0 { .. }) => format!("ADD_ADDR/v0/len{len}"),
            MptcpOption::AddAddr(a) => format!("ADD_ADDR/v1E{}/len{len}", u8::from(a.is_echo())),
            MptcpOption::RemoveAddr(_) => "REMOVE_ADDR".into(),
            MptcpOption::MpExperimental(_) => "MP_EXPERIMENTAL".into(),
            MptcpOption::Unassigned(Unassigned { subtype, .. }) => format!("unassigned {subtype}"),
            other => format!("{}/len{len}", other.subtype().iana_name()),
        });
        if let MptcpOption::Dss(d) = &m {
            infinite_mappings += usize::from(d.is_infinite_mapping());
        }
    }
    let mut expected: Vec<String> = Vec::new();
    expected.extend([12, 20].map(|l| format!("MP_CAPABLE/v0/len{l}")));
    for v in ["v1", "v2+"] {
        expected.extend([4, 12, 20, 22, 24].map(|l| format!("MP_CAPABLE/{v}/len{l}")));
    }
    expected.extend([12, 16, 24].map(|l| format!("MP_JOIN/len{l}")));
    expected.extend([4, 8, 12, 14, 16, 18, 20, 22, 24, 26, 28].map(|l| format!("DSS/len{l}")));
    expected.extend([8, 10, 20, 22].map(|l| format!("ADD_ADDR/v0/len{l}")));
    expected.extend([16, 18, 28, 30].map(|l| format!("ADD_ADDR/v1E0/len{l}")));
    expected.extend([8, 10, 20, 22].map(|l| format!("ADD_ADDR/v1E1/len{l}")));
    expected.extend(["REMOVE_ADDR".into(), "MP_EXPERIMENTAL".into()]);
    expected.extend([3, 4].map(|l| format!("MP_PRIO/len{l}")));
    expected.extend([
        "MP_FAIL/len12".into(),
        "MP_FASTCLOSE/len12".into(),
        "MP_TCPRST/len4".into(),
    ]);
    expected.extend((9..=14).map(|s| format!("unassigned {s}")));
    let expected: std::collections::BTreeSet<String> = expected.into_iter().collect();
    let missing: Vec<&String> = expected.difference(&seen).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
    let unexpected: Vec<&String> = seen.difference(&expected).collect();
    assert!(
        unexpected.is_empty(),
        "forms outside the specification: {unexpected:?}"
    );
    assert!(infinite_mappings > 0);
}

/// The bytes of one kind-30 option (3..=40 long), biased towards the lengths the subtypes
/// use, and for DSS towards lengths that agree with its flags.
#[derive(Debug, Clone)]
struct RawMptcp(Vec<u8>);

impl Arbitrary for RawMptcp {
    fn arbitrary(g: &mut Gen) -> Self {
        let subtype = u8::arbitrary(g) % 16;
        let nibble = u8::arbitrary(g) % 16;
        let common = [3u8, 4, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30];
        let mut length = if bool::arbitrary(g) {
            *g.choose(&common).unwrap()
        } else {
            3 + u8::arbitrary(g) % 38
        };
        let flags = u8::arbitrary(g);
        if subtype == 2 && bool::arbitrary(g) {
            // DSS lengths worked out from RFC 8684 figure 9: 4, + data ACK (A: 4, or 8 with a),
            // + mapping (M: DSN 4, or 8 with m; + 4 + 2), + 2 for a checksum.
            let ack = if flags & 1 == 0 {
                0
            } else if flags & 2 == 0 {
                4
            } else {
                8
            };
            let map = if flags & 4 == 0 {
                0
            } else if flags & 8 == 0 {
                10
            } else {
                14
            };
            let checksum = if map > 0 && bool::arbitrary(g) { 2 } else { 0 };
            length = 4 + ack + map + checksum;
        }
        let mut bytes = vec![30, length, (subtype << 4) | nibble];
        if length >= 4 {
            bytes.push(flags);
        }
        while bytes.len() < usize::from(length) {
            bytes.push(u8::arbitrary(g));
        }
        RawMptcp(bytes)
    }
}

#[test]
fn prop_any_kind30_bytes_lossless_writes_them_back() {
    fn prop(raw: RawMptcp) -> TestResult {
        let bytes = &raw.0;
        let (lossless, rest) = TcpOption::parse_prefix(bytes, ParseMode::Lossless).unwrap();
        assert!(rest.is_empty());
        assert_eq!(lossless.to_bytes().unwrap(), *bytes, "{lossless:?}");
        match (&lossless, TcpOption::parse(bytes)) {
            (TcpOption::Malformed(Malformed { reason, .. }), Err(e)) => {
                assert_eq!(
                    e,
                    Error::MalformedOption {
                        kind: 30,
                        offset: 0,
                        reason: *reason
                    }
                );
                assert!(
                    matches!(reason, MalformedReason::BadLength { length, allowed }
                    if usize::from(*length) == bytes.len() && !allowed.contains(*length))
                );
            }
            (TcpOption::Mptcp(m), Ok(strict)) => {
                assert_eq!(strict, lossless);
                assert_eq!(m.validate(), Ok(()));
                assert_eq!(m.encoded_len(), bytes.len());
            }
            (l, s) => panic!("{bytes:02x?}: lossless {l:?}, strict {s:?}"),
        }
        TestResult::passed()
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(RawMptcp) -> TestResult);
}

// ---------------------------------------------------------------------------------------------
// The public corpus

/// A key naming an MPTCP option's form, as MANIFEST.tsv's `mptcp_variants` column does:
/// subtype, version (MP_CAPABLE, ADD_ADDR) or flag byte (DSS), and length.
fn form_key(option: &TcpOption) -> Option<String> {
    match option {
        TcpOption::Mptcp(m) => {
            let len = m.encoded_len();
            Some(match m {
                MptcpOption::MpCapable(c) => format!("MP_CAPABLE/v{}/len{len}", c.version),
                MptcpOption::Dss(d) => format!("DSS/{:#04x}/len{len}", d.flags_byte()),
                MptcpOption::AddAddr(AddAddr::V0 { .. }) => format!("ADD_ADDR/v0/len{len}"),
                MptcpOption::AddAddr(a) => {
                    format!("ADD_ADDR/v1E{}/len{len}", u8::from(a.is_echo()))
                }
                other => format!("{}/len{len}", other.subtype().iana_name()),
            })
        }
        // A malformed option whose subtype byte is there.
        TcpOption::Malformed(Malformed {
            kind: 30, bytes, ..
        }) => bytes.get(2).map(|b| {
            format!(
                "{}/len{}",
                MptcpSubtype::from_value(b >> 4).iana_name(),
                bytes.len()
            )
        }),
        _ => None,
    }
}

/// Per capture: the count of each MPTCP option form, computed once with this crate and checked
/// against Wireshark 4.0's decoding (tshark_oracle.sh: subtype, version, flags, IP version or
/// echo bit, length) and against MANIFEST.tsv.
const EXPECTED_FORMS: &[(&str, &[(&str, usize)])] = &[
    (
        "dpimptcp__mp_capable.pcapng",
        &[
            ("ADD_ADDR/v0/len20", 2),
            ("ADD_ADDR/v0/len8", 6),
            ("DSS/0x01/len8", 24),
            ("DSS/0x05/len20", 11),
            ("MP_CAPABLE/v0/len12", 4),
            ("MP_CAPABLE/v0/len20", 2),
            ("MP_JOIN/len12", 10),
            ("MP_JOIN/len16", 4),
            ("MP_JOIN/len24", 4),
        ],
    ),
    (
        "dpimptcp__wrongAdd_Addr.pcap",
        &[
            ("ADD_ADDR/v0/len8", 2),
            ("DSS/0x01/len8", 3),
            ("MP_CAPABLE/v0/len12", 2),
            ("MP_CAPABLE/v0/len20", 1),
        ],
    ),
    (
        "ndpi__tls_change_cipher.pcap",
        &[("DSS/0x05/len18", 13), ("MP_JOIN/len16", 1)],
    ),
    ("ndpi__whois.pcapng", &[]),
    (
        "pymptcpanalyzer__client_2.pcap",
        &[
            ("ADD_ADDR/v0/len8", 8),
            ("DSS/0x01/len8", 2336),
            ("DSS/0x05/len18", 425),
            ("DSS/0x15/len18", 6),
            ("MP_CAPABLE/v0/len12", 9),
            ("MP_CAPABLE/v0/len20", 4),
            ("MP_FASTCLOSE/len12", 4),
            ("MP_JOIN/len12", 13),
            ("MP_JOIN/len16", 13),
            ("MP_JOIN/len24", 14),
        ],
    ),
    (
        "tcpdump__mptcp-aa-echo.pcap",
        &[
            ("ADD_ADDR/v1E0/len16", 1),
            ("ADD_ADDR/v1E1/len8", 1),
            ("DSS/0x01/len8", 1),
            ("DSS/0x03/len12", 1),
        ],
    ),
    (
        "tcpdump__mptcp-aa-v1.pcap",
        &[
            ("ADD_ADDR/v1E0/len16", 1),
            ("DSS/0x03/len12", 9),
            ("DSS/0x0f/len26", 7),
            ("DSS/0x1f/len26", 2),
            ("MP_CAPABLE/v1/len12", 1),
            ("MP_CAPABLE/v1/len20", 1),
            ("MP_CAPABLE/v1/len22", 1),
            ("MP_CAPABLE/v1/len4", 1),
        ],
    ),
    ("tcpdump__mptcp-dss-oobr.pcap", &[("DSS/len3", 1)]),
    (
        "tcpdump__mptcp-fclose.pcap",
        &[
            ("DSS/0x01/len8", 3),
            ("DSS/0x05/len20", 2),
            ("MP_CAPABLE/v0/len12", 2),
            ("MP_CAPABLE/v0/len20", 1),
            ("MP_FASTCLOSE/len12", 1),
        ],
    ),
    ("tcpdump__mptcp-tcprst.pcap", &[("MP_TCPRST/len4", 2)]),
    (
        "tcpdump__mptcp-v0.pcap",
        &[
            ("ADD_ADDR/v0/len8", 1),
            ("DSS/0x01/len8", 105),
            ("DSS/0x05/len20", 151),
            ("DSS/0x15/len20", 2),
            ("MP_CAPABLE/v0/len12", 2),
            ("MP_CAPABLE/v0/len20", 1),
            ("MP_JOIN/len12", 1),
            ("MP_JOIN/len16", 1),
            ("MP_JOIN/len24", 1),
            ("REMOVE_ADDR/len4", 1),
        ],
    ),
    (
        "tcpdump__mptcp-v1.pcap",
        &[
            ("DSS/0x03/len12", 11),
            ("DSS/0x0f/len26", 3),
            ("DSS/0x1f/len26", 2),
            ("MP_CAPABLE/v1/len12", 1),
            ("MP_CAPABLE/v1/len20", 1),
            ("MP_CAPABLE/v1/len22", 1),
            ("MP_CAPABLE/v1/len4", 1),
        ],
    ),
];

/// The only MPTCP options of the corpus that strict parsing refuses: (file, frame, error).
/// tcpdump's mptcp-dss-oobr.pcap is a fuzzer-found DSS of length 3 (no flag byte).
fn expected_strict_failures() -> Vec<(String, u64, Error)> {
    vec![(
        "tcpdump__mptcp-dss-oobr.pcap".into(),
        1,
        Error::MalformedOption {
            kind: 30,
            offset: 36,
            reason: bad_length(3, DSS_LENGTHS),
        },
    )]
}

/// `mptcp_variants` of MANIFEST.tsv for `file`, as a map.
fn manifest_forms(dir: &Path, file: &str) -> BTreeMap<String, usize> {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = header.iter().position(|c| *c == "mptcp_variants").unwrap();
    let row = lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|r| r.first() == Some(&file))
        .unwrap_or_else(|| panic!("{file} is not in MANIFEST.tsv"));
    row[column]
        .split(' ')
        .filter(|s| *s != "-" && !s.is_empty())
        .map(|entry| {
            let (key, count) = entry.rsplit_once(':').unwrap();
            (key.to_string(), count.parse().unwrap())
        })
        .collect()
}

#[test]
fn public_corpus_mptcp_options() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let mut strict_failures = Vec::new();
    let mut total = 0usize;
    for (file, expected) in EXPECTED_FORMS {
        let mut forms: BTreeMap<String, usize> = BTreeMap::new();
        common::for_each_tcp(&dir.join(file), |frame, tcp| {
            let frame = frame.number;
            let segment = tcp.segment;
            let Ok((lossless, _)) = TcpHeader::parse_prefix(segment, ParseMode::Lossless) else {
                return;
            };
            // Each MPTCP option writes back exactly the bytes it came from.
            let mut offset = 20;
            let mut any_mptcp = false;
            for option in &lossless.options {
                let len = option.encoded_len();
                if let Some(key) = form_key(option) {
                    any_mptcp = true;
                    *forms.entry(key).or_default() += 1;
                    assert_eq!(
                        option.to_bytes().unwrap(),
                        segment[offset..offset + len],
                        "{file} frame {frame}: option at {offset}"
                    );
                }
                offset += len;
            }
            assert_eq!(
                lossless.to_bytes().unwrap(),
                segment[..lossless.header_len()],
                "{file} frame {frame}"
            );
            match TcpHeader::parse(segment) {
                Ok(strict) => assert_eq!(strict, lossless, "{file} frame {frame}"),
                Err(e) if any_mptcp => strict_failures.push((file.to_string(), frame, e)),
                Err(_) => {}
            }
        });
        let expected: BTreeMap<String, usize> =
            expected.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        assert_eq!(forms, expected, "{file}: MPTCP option forms");
        assert_eq!(
            forms,
            manifest_forms(&dir, file),
            "{file}: against MANIFEST.tsv"
        );
        total += forms.values().sum::<usize>();
    }
    assert_eq!(strict_failures, expected_strict_failures());
    eprintln!("MPTCP options checked in the public corpus: {total}");
}
