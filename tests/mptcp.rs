//! Multipath TCP (kind 30): hand-built vectors for every subtype and length form, malformed
//! shapes in both parsing modes, JSON, quickcheck round trips, and the MPTCP options of the
//! public corpus.
mod common;
#[path = "support/mptcp.rs"]
mod support;

use tcpwire::mptcp::{
    MpExperimental, MpFail, MpFastclose, MpPrio, MpTcpRst, RemoveAddr, Unassigned,
};

use support::*;
use tcpwire::mptcp::{AddAddr, Dss, MpCapable, MpCapableFlags, MpJoin, MptcpOption};
use tcpwire::{Error, InlineBytes, MptcpSubtype, TcpOption, TcpRstReason};

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
