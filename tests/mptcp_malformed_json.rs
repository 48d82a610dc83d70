//! Multipath TCP (kind 30): malformed shapes in both parsing modes, `validate`, and JSON.
mod common;
#[path = "support/mptcp.rs"]
mod support;

use tcpwire::mptcp::{MpFail, MpTcpRst, RemoveAddr, Unassigned};
use tcpwire::option::Malformed;

use support::*;
use tcpwire::mptcp::{AddAddr, Dss, MpCapable, MpCapableFlags, MpJoin, MptcpOption};
use tcpwire::wire::DSS_LENGTHS;
use tcpwire::{
    parse_options, Error, InlineBytes, LengthSet, MalformedReason, ParseMode, TcpOption,
    TcpRstReason,
};

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
