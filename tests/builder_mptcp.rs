//! The builder's MPTCP methods: each writes the bytes of its RFC 8684 (or RFC 6824) figure,
//! written out here by hand, and parses back to the same value.
use std::net::{Ipv4Addr, Ipv6Addr};

use tcpwire::mptcp::{AddAddr, Dss, DssMapping, MpCapable, MpCapableFlags, MpJoin, MptcpOption};
use tcpwire::{Error, TcpHeader, TcpHeaderBuilder, TcpOption, TcpRstReason};

const KEY_A: [u8; 8] = [0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18];
const KEY_B: [u8; 8] = [0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28];

/// Builds a header with one MPTCP option, checks the option area against `area` (the option,
/// then the EOL and zero padding the builder adds), and that the bytes parse back to the
/// header with `expected` as its first option.
fn check(builder: TcpHeaderBuilder, expected: MptcpOption, area: &[u8]) {
    let header = builder
        .build()
        .unwrap_or_else(|e| panic!("{expected:?}: {e}"));
    let bytes = header.to_bytes().unwrap();
    assert_eq!(&bytes[20..], area, "{expected:?}");
    assert_eq!(header.options[0], TcpOption::Mptcp(expected.clone()));
    let parsed = TcpHeader::parse(&bytes).unwrap();
    assert_eq!(parsed, header);
    assert_eq!(parsed.options[0], TcpOption::Mptcp(expected));
}

/// `head` followed by `tail`.
fn cat(head: &[u8], tail: &[&[u8]]) -> Vec<u8> {
    let mut v = head.to_vec();
    for t in tail {
        v.extend_from_slice(t);
    }
    v
}

#[test]
fn mp_capable_every_form() {
    let h = MpCapableFlags::HMAC_SHA256;
    // RFC 8684 figure 4: Kind, Length, Subtype|Version, A..H flags, keys, data-level length,
    // checksum. The SYN carries no key (length 4).
    check(
        TcpHeader::builder().syn().mp_capable(MpCapable::syn(h)),
        MpCapable::syn(h).into(),
        &[30, 4, 0x01, 0x01],
    );
    check(
        TcpHeader::builder()
            .syn()
            .ack()
            .mp_capable(MpCapable::syn_ack(h, KEY_A)),
        MpCapable::syn_ack(h, KEY_A).into(),
        &cat(&[30, 12, 0x01, 0x01], &[&KEY_A]),
    );
    check(
        TcpHeader::builder()
            .ack()
            .mp_capable(MpCapable::ack(h, KEY_A, KEY_B)),
        MpCapable::ack(h, KEY_A, KEY_B).into(),
        &cat(&[30, 20, 0x01, 0x01], &[&KEY_A, &KEY_B]),
    );
    // Length 22: + data-level length 0x05a0; padded with EOL and one zero.
    check(
        TcpHeader::builder()
            .ack()
            .mp_capable(MpCapable::ack_with_data(h, KEY_A, KEY_B, 1440, None)),
        MpCapable::ack_with_data(h, KEY_A, KEY_B, 1440, None).into(),
        &cat(
            &[30, 22, 0x01, 0x01],
            &[&KEY_A, &KEY_B, &[0x05, 0xa0, 0, 0]],
        ),
    );
    // Length 24 with checksum required (A = 0x80).
    let a = MpCapableFlags {
        checksum_required: true,
        ..h
    };
    check(
        TcpHeader::builder()
            .ack()
            .mp_capable(MpCapable::ack_with_data(a, KEY_A, KEY_B, 5, Some(0xbeef))),
        MpCapable::ack_with_data(a, KEY_A, KEY_B, 5, Some(0xbeef)).into(),
        &cat(
            &[30, 24, 0x01, 0x81],
            &[&KEY_A, &KEY_B, &[0x00, 0x05, 0xbe, 0xef]],
        ),
    );
    // RFC 6824 figure 4: version 0, lengths 12 and 20 (H is HMAC-SHA1 there).
    check(
        TcpHeader::builder()
            .syn()
            .mp_capable(MpCapable::v0_syn(a, KEY_A)),
        MpCapable::v0_syn(a, KEY_A).into(),
        &cat(&[30, 12, 0x00, 0x81], &[&KEY_A]),
    );
    check(
        TcpHeader::builder()
            .ack()
            .mp_capable(MpCapable::v0_ack(a, KEY_A, KEY_B)),
        MpCapable::v0_ack(a, KEY_A, KEY_B).into(),
        &cat(&[30, 20, 0x00, 0x81], &[&KEY_A, &KEY_B]),
    );
    // The constructors fill exactly the fields of their form.
    assert_eq!(
        MpCapable::ack_with_data(h, KEY_A, KEY_B, 9, Some(1)),
        MpCapable {
            version: 1,
            flags: h,
            sender_key: Some(KEY_A),
            receiver_key: Some(KEY_B),
            data_level_length: Some(9),
            checksum: Some(1),
        }
    );
    assert_eq!(MpCapableFlags::HMAC_SHA256.to_byte(), 0x01);
}

#[test]
fn mp_join_every_form() {
    let token = [0xa1, 0xb2, 0xc3, 0xd4];
    let random = [0x01, 0x02, 0x03, 0x04];
    // RFC 8684 figure 5: SYN, B = backup in the low bit of byte 2, address ID, token, random.
    check(
        TcpHeader::builder()
            .syn()
            .mp_join(MpJoin::syn(true, 3, token, random)),
        MpJoin::syn(true, 3, token, random).into(),
        &cat(&[30, 12, 0x11, 3], &[&token, &random]),
    );
    // Figure 6: SYN/ACK, 64-bit truncated HMAC.
    check(
        TcpHeader::builder()
            .syn()
            .ack()
            .mp_join(MpJoin::syn_ack(false, 0, KEY_B, random)),
        MpJoin::syn_ack(false, 0, KEY_B, random).into(),
        &cat(&[30, 16, 0x10, 0], &[&KEY_B, &random]),
    );
    // Figure 7: third ACK, 12 reserved bits and the 160-bit HMAC.
    let hmac: [u8; 20] = std::array::from_fn(|i| 0xc0 + i as u8);
    check(
        TcpHeader::builder().ack().mp_join(MpJoin::ack(hmac)),
        MpJoin::ack(hmac).into(),
        &cat(&[30, 24, 0x10, 0x00], &[&hmac]),
    );
}

#[test]
fn dss_flag_combinations() {
    // RFC 8684 figure 9: flags byte = reserved | F m M a A.
    // Data ACK only, 4 bytes (A).
    check(
        TcpHeader::builder()
            .ack()
            .dss(Dss::new().with_data_ack(0x0102_0304)),
        Dss::new().with_data_ack(0x0102_0304).into(),
        &[30, 8, 0x20, 0x01, 1, 2, 3, 4],
    );
    // Data ACK, 8 bytes (A a).
    check(
        TcpHeader::builder()
            .ack()
            .dss(Dss::new().with_data_ack_8_bytes(0x0102_0304_0506_0708)),
        Dss::new()
            .with_data_ack_8_bytes(0x0102_0304_0506_0708)
            .into(),
        &[30, 12, 0x20, 0x03, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    // Data ACK (4) and a 4-byte DSN mapping without checksum (A M): length 18, EOL, zero.
    let dss = Dss::new().with_data_ack(7).with_mapping(256, 1, 1440, None);
    check(
        TcpHeader::builder().ack().dss(dss),
        dss.into(),
        &[
            30, 18, 0x20, 0x05, 0, 0, 0, 7, 0, 0, 1, 0, 0, 0, 0, 1, 0x05, 0xa0, 0, 0,
        ],
    );
    // 8-byte DSN with checksum and DATA_FIN (F m M): length 20.
    let dss = Dss::new()
        .with_mapping_dsn_8_bytes(0x0a0b_0c0d_0e0f_1011, 9, 1, Some(0xcafe))
        .with_data_fin();
    check(
        TcpHeader::builder().ack().fin().dss(dss),
        dss.into(),
        &[
            30, 20, 0x20, 0x1c, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0, 0, 0, 9, 0, 1,
            0xca, 0xfe,
        ],
    );
    // Everything: 8-byte data ACK, 8-byte DSN, checksum, DATA_FIN: length 28, the largest.
    let dss = Dss::new()
        .with_data_ack_8_bytes(1)
        .with_mapping_dsn_8_bytes(2, 3, 4, Some(5))
        .with_data_fin();
    check(
        TcpHeader::builder().ack().dss(dss),
        dss.into(),
        &[
            30, 28, 0x20, 0x1f, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 4,
            0, 5,
        ],
    );
    // An infinite mapping (data-level length 0), 4-byte DSN, no data ACK (M): length 14.
    let dss = Dss::new().with_mapping(0x10, 0, 0, None);
    assert!(dss.is_infinite_mapping());
    check(
        TcpHeader::builder().ack().dss(dss),
        dss.into(),
        &[30, 14, 0x20, 0x04, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    // No field at all: length 4.
    check(
        TcpHeader::builder().ack().dss(Dss::new()),
        Dss::new().into(),
        &[30, 4, 0x20, 0x00],
    );
    // The later width wins: a 4-byte ACK after an 8-byte one clears the a flag.
    let d = Dss::new().with_data_ack_8_bytes(1).with_data_ack(2);
    assert_eq!((d.data_ack, d.data_ack_8_bytes), (Some(2), false));
    assert_eq!(
        Dss::new().with_mapping(1, 2, 3, Some(4)).mapping,
        Some(DssMapping {
            dsn: 1,
            subflow_seq: 2,
            data_level_length: 3,
            checksum: Some(4),
        })
    );
}

#[test]
fn add_addr_every_layout() {
    let v4 = Ipv4Addr::new(192, 0, 2, 7);
    let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 7);
    let v6b = v6.octets();
    let hmac = [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11];
    // RFC 8684 figure 12: E = 0 with the truncated HMAC; IPv4 (16), + port (18).
    check(
        TcpHeader::builder()
            .ack()
            .add_addr(AddAddr::v1(2, v4, None, hmac)),
        AddAddr::v1(2, v4, None, hmac).into(),
        &cat(&[30, 16, 0x30, 2, 192, 0, 2, 7], &[&hmac]),
    );
    check(
        TcpHeader::builder()
            .ack()
            .add_addr(AddAddr::v1(2, v4, Some(8080), hmac)),
        AddAddr::v1(2, v4, Some(8080), hmac).into(),
        &cat(
            &[30, 18, 0x30, 2, 192, 0, 2, 7, 0x1f, 0x90],
            &[&hmac, &[0, 0]],
        ),
    );
    // IPv6 with port and HMAC: 30 bytes, the longest.
    check(
        TcpHeader::builder()
            .ack()
            .add_addr(AddAddr::v1(9, v6, Some(443), hmac)),
        AddAddr::v1(9, v6, Some(443), hmac).into(),
        &cat(&[30, 30, 0x30, 9], &[&v6b, &[0x01, 0xbb], &hmac, &[0, 0]]),
    );
    // Echo (E = 1): no HMAC; IPv4 (8), IPv6 + port (22).
    check(
        TcpHeader::builder()
            .ack()
            .add_addr(AddAddr::v1_echo(2, v4, None)),
        AddAddr::v1_echo(2, v4, None).into(),
        &[30, 8, 0x31, 2, 192, 0, 2, 7],
    );
    check(
        TcpHeader::builder()
            .ack()
            .add_addr(AddAddr::v1_echo(9, v6, Some(443))),
        AddAddr::v1_echo(9, v6, Some(443)).into(),
        &cat(&[30, 22, 0x31, 9], &[&v6b, &[0x01, 0xbb, 0, 0]]),
    );
    // RFC 6824 figure 12: the nibble is the IP version.
    check(
        TcpHeader::builder()
            .ack()
            .add_addr(AddAddr::v0(1, v4, Some(80))),
        AddAddr::v0(1, v4, Some(80)).into(),
        &[30, 10, 0x34, 1, 192, 0, 2, 7, 0, 80, 0, 0],
    );
    check(
        TcpHeader::builder()
            .ack()
            .add_addr(AddAddr::v0(1, v6, None)),
        AddAddr::v0(1, v6, None).into(),
        &cat(&[30, 20, 0x36, 1], &[&v6b]),
    );
}

#[test]
fn remove_addr_mp_prio_mp_fail_mp_fastclose_mp_tcprst() {
    // RFC 8684 figure 13: REMOVE_ADDR, one address ID per byte.
    check(
        TcpHeader::builder().ack().remove_addr(&[5]),
        MptcpOption::remove_addr(&[5]).unwrap(),
        &[30, 4, 0x40, 5],
    );
    check(
        TcpHeader::builder().ack().remove_addr(&[1, 2, 3]),
        MptcpOption::remove_addr(&[1, 2, 3]).unwrap(),
        &[30, 6, 0x40, 1, 2, 3, 0, 0],
    );
    // Figure 14: MP_PRIO, B in the low bit (length 3); RFC 6824's form adds an address ID.
    check(
        TcpHeader::builder().ack().mp_prio(true),
        MptcpOption::mp_prio(true),
        &[30, 3, 0x51, 0],
    );
    check(
        TcpHeader::builder()
            .ack()
            .mptcp(MptcpOption::mp_prio_v0(false, 4)),
        MptcpOption::mp_prio_v0(false, 4),
        &[30, 4, 0x50, 4],
    );
    // Figure 16: MP_FAIL, 12 reserved bits and the 64-bit DSN.
    check(
        TcpHeader::builder().ack().mp_fail(0x0102_0304_0506_0708),
        MptcpOption::mp_fail(0x0102_0304_0506_0708),
        &[30, 12, 0x60, 0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    // Figure 15: MP_FASTCLOSE, the receiver's key.
    check(
        TcpHeader::builder().ack().mp_fastclose(KEY_B),
        MptcpOption::mp_fastclose(KEY_B),
        &cat(&[30, 12, 0x70, 0], &[&KEY_B]),
    );
    // Figure 17: MP_TCPRST, U V W T flags in the low nibble, then the reason.
    check(
        TcpHeader::builder()
            .rst()
            .mp_tcprst(true, TcpRstReason::TooMuchOutstandingData),
        MptcpOption::mp_tcprst(true, TcpRstReason::TooMuchOutstandingData),
        &[30, 4, 0x81, 4],
    );
    check(
        TcpHeader::builder()
            .rst()
            .mp_tcprst(false, TcpRstReason::from_value(0x42)),
        MptcpOption::mp_tcprst(false, TcpRstReason::from_value(0x42)),
        &[30, 4, 0x80, 0x42],
    );
}

#[test]
fn mptcp_options_chain_with_others() {
    // A Linux MP_JOIN SYN: MSS, SACK permitted, timestamps, NOP, window scale, MP_JOIN (32).
    let h = TcpHeader::builder()
        .ports(40000, 443)
        .seq(7)
        .syn()
        .mss(1460)
        .sack_permitted()
        .timestamps(1, 0)
        .nop()
        .window_scale(7)
        .mp_join(MpJoin::syn(false, 1, [1, 2, 3, 4], [5, 6, 7, 8]))
        .build()
        .unwrap();
    assert_eq!(h.data_offset, 13);
    assert_eq!(h.options.len(), 6);
    let bytes = h.to_bytes().unwrap();
    assert_eq!(&bytes[40..], &[30, 12, 0x10, 1, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(TcpHeader::parse(&bytes).unwrap(), h);
}

#[test]
fn mptcp_refusals_are_typed() {
    assert_eq!(
        TcpHeader::builder().remove_addr(&[1; 38]).build(),
        Err(Error::TooLong {
            what: "REMOVE_ADDR address ID list",
            length: 38,
            max: 37
        })
    );
    assert!(matches!(
        TcpHeader::builder().remove_addr(&[]).build(),
        Err(Error::Unencodable {
            what: "REMOVE_ADDR",
            ..
        })
    ));
    // 37 IDs fill the option area (40 bytes) exactly.
    let h = TcpHeader::builder().remove_addr(&[7; 37]).build().unwrap();
    assert_eq!(h.data_offset, 15);
    // A 4-byte data ACK wider than 32 bits cannot be written.
    let wide = Dss {
        data_ack: Some(1 << 32),
        ..Dss::new()
    };
    assert!(matches!(
        TcpHeader::builder().dss(wide).build(),
        Err(Error::Unencodable { what: "DSS", .. })
    ));
    // Two 30-byte ADD_ADDRs do not fit in 40 bytes.
    let a = AddAddr::v1(1, Ipv6Addr::LOCALHOST, Some(1), [0; 8]);
    assert_eq!(
        TcpHeader::builder().add_addr(a).add_addr(a).build(),
        Err(Error::OptionsTooLong { length: 60 })
    );
}
