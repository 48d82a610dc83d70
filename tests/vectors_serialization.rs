//! Hand-checked vectors of the serialized forms: the JSON shape of options and headers, and the
//! errors serialization must give.

#[path = "support/vectors.rs"]
mod support;

use support::*;
use tcpwire::option::{
    AltChecksumRequest, Experiment, ExperimentalFastOpen, FastOpen, Malformed, Md5Signature, Mss,
    PocServiceProfile, QuickStartResponse, Sack, Unknown, UserTimeout, WindowScale,
};
use tcpwire::{
    AccEcnCounters, AltChecksumAlgorithm, Error, Granularity, InlineBytes, LengthSet,
    MalformedReason, SackBlock, TcpHeader, TcpOption,
};

// JSON shape

fn json_both_ways(option: TcpOption, json: &str) {
    assert_eq!(serde_json::to_string(&option).unwrap(), json);
    assert_eq!(serde_json::from_str::<TcpOption>(json).unwrap(), option);
}

#[test]
fn json_shape_of_options() {
    json_both_ways(
        TcpOption::Mss(Mss { mss: 1460 }),
        r#"{"kind":2,"type":"mss","mss":1460}"#,
    );
    json_both_ways(TcpOption::Nop, r#"{"kind":1,"type":"nop"}"#);
    json_both_ways(
        TcpOption::WindowScale(WindowScale { shift: 15 }),
        r#"{"kind":3,"type":"window_scale","shift":15}"#,
    );
    json_both_ways(
        TcpOption::Sack(Sack {
            blocks: [SackBlock { left: 1, right: 2 }].into_iter().collect(),
        }),
        r#"{"kind":5,"type":"sack","blocks":[{"left":1,"right":2}]}"#,
    );
    json_both_ways(
        TcpOption::FastOpen(FastOpen {
            cookie: inline(&[0xc0, 0xff, 0xee, 0x01]),
        }),
        r#"{"kind":34,"type":"fast_open","cookie":"c0ffee01"}"#,
    );
    json_both_ways(
        TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Minutes,
            timeout: 60,
        }),
        r#"{"kind":28,"type":"user_timeout","granularity":"minutes","timeout":60}"#,
    );
    json_both_ways(
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::Fletcher16,
        }),
        r#"{"kind":14,"type":"alt_checksum_request","algorithm":"fletcher_16bit"}"#,
    );
    json_both_ways(
        TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::from_value(9),
        }),
        r#"{"kind":14,"type":"alt_checksum_request","algorithm":9}"#,
    );
    json_both_ways(
        TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: 254,
            cookie: InlineBytes::new(),
        }),
        r#"{"kind":254,"type":"experimental_fast_open","cookie":""}"#,
    );
    json_both_ways(
        TcpOption::Unknown(Unknown {
            kind: 76,
            data: inline(&[0xab, 0xcd]),
        }),
        r#"{"kind":76,"type":"unknown","data":"abcd"}"#,
    );
    json_both_ways(
        TcpOption::Malformed(Malformed {
            kind: 2,
            bytes: inline(&[2, 5, 5, 0xb4, 0]),
            reason: MalformedReason::BadLength {
                length: 5,
                allowed: LengthSet::exactly(4),
            },
        }),
        r#"{"kind":2,"type":"malformed","bytes":"020505b400","reason":{"problem":"bad_length","length":5,"allowed":[4]}}"#,
    );
    json_both_ways(
        TcpOption::Malformed(Malformed {
            kind: 30,
            bytes: inline(&[30]),
            reason: MalformedReason::MissingLength,
        }),
        r#"{"kind":30,"type":"malformed","bytes":"1e","reason":{"problem":"missing_length"}}"#,
    );
    let mut md5 = String::from(r#"{"kind":19,"type":"md5_signature","digest":""#);
    md5.push_str("000102030405060708090a0b0c0d0e0f\"}");
    json_both_ways(
        TcpOption::Md5Signature(Md5Signature {
            digest: std::array::from_fn(|i| i as u8),
        }),
        &md5,
    );
}

#[test]
fn json_shape_of_a_header() {
    let h = parse_well_formed(&[0x02, 0x04, 0x05, 0xb4, 0x00, 0xde, 0xad, 0x00]);
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(v["src_port"], 4660);
    assert_eq!(v["data_offset"], 7);
    assert_eq!(v["reserved"], 0);
    assert_eq!(
        v["flags"],
        serde_json::json!({"ae": false, "cwr": false, "ece": false, "urg": false, "ack": true,
                           "psh": false, "rst": false, "syn": false, "fin": false})
    );
    assert_eq!(
        v["options"],
        serde_json::json!([{"kind": 2, "type": "mss", "mss": 1460}, {"kind": 0, "type": "eol"}])
    );
    assert_eq!(v["padding"], "dead00");
    let back: TcpHeader = serde_json::from_value(v).unwrap();
    assert_eq!(back, h);
}

#[test]
fn json_errors() {
    // The kind says window scale, the type says MSS.
    let e = serde_json::from_str::<TcpOption>(r#"{"kind":3,"type":"mss","mss":1460}"#)
        .unwrap_err()
        .to_string();
    assert_words(&e, &["\"mss\"", "kind 2", "not 3"]);
    // No such type.
    let e = serde_json::from_str::<TcpOption>(r#"{"kind":2,"type":"maximum","mss":1460}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("maximum"), "{e}");
    // A cookie longer than 16 bytes.
    let e = serde_json::from_str::<TcpOption>(&format!(
        r#"{{"kind":34,"type":"fast_open","cookie":"{}"}}"#,
        "00".repeat(17)
    ));
    assert!(e.is_err());
}

// ---------------------------------------------------------------------------------------------
// Serialization errors

#[test]
fn option_serialization_errors() {
    let five = TcpOption::Sack(Sack {
        blocks: (0..5).map(|i| SackBlock { left: i, right: i }).collect(),
    });
    let e = five.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "SACK option",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["length 42", "10, 18, 26 or 34"]);

    let short_cookie = TcpOption::FastOpen(FastOpen {
        cookie: inline(&[1, 2, 3]),
    });
    let e = short_cookie.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "TCP Fast Open option",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(
        &e.to_string(),
        &["length 5", "2, 6, 8, 10, 12, 14, 16 or 18"],
    );

    let cases: [(TcpOption, &str); 10] = [
        (
            TcpOption::UserTimeout(UserTimeout {
                granularity: Granularity::Seconds,
                timeout: 0x8000,
            }),
            "User Timeout",
        ),
        (
            TcpOption::PocServiceProfile(PocServiceProfile {
                start: false,
                end: false,
                filler: 0x40,
            }),
            "POC service profile",
        ),
        (
            TcpOption::QuickStartResponse(QuickStartResponse {
                reserved: 0,
                rate_request: 0,
                ttl_diff: 0,
                nonce: 1 << 30,
                nonce_reserved: 0,
            }),
            "Quick-Start response",
        ),
        (
            TcpOption::AccEcnOrder0(AccEcnCounters {
                ee0b: Some(1 << 24),
                eceb: None,
                ee1b: None,
            }),
            "AccECN option",
        ),
        (
            // Order 0 writes EE0B first: EECB without it has no encoding.
            TcpOption::AccEcnOrder0(AccEcnCounters {
                ee0b: None,
                eceb: Some(1),
                ee1b: None,
            }),
            "AccECN option",
        ),
        (
            TcpOption::Experiment(Experiment {
                kind: 254,
                exid: 0xf989,
                data: InlineBytes::new(),
            }),
            "experiment option",
        ),
        (
            TcpOption::Experiment(Experiment {
                kind: 30,
                exid: 1,
                data: InlineBytes::new(),
            }),
            "experiment option",
        ),
        (
            TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
                kind: 254,
                cookie: inline(&[1, 2]),
            }),
            "experimental TCP Fast Open option",
        ),
        (
            TcpOption::Unknown(Unknown {
                kind: 2,
                data: inline(&[5, 0xb4]),
            }),
            "unknown option",
        ),
        (
            TcpOption::Malformed(Malformed {
                kind: 5,
                bytes: inline(&[2, 5]),
                reason: MalformedReason::MissingLength,
            }),
            "malformed option",
        ),
    ];
    for (option, what) in cases {
        let e = option.to_bytes().unwrap_err();
        assert!(
            matches!(e, Error::Unencodable { what: w, .. } if w == what),
            "{option:?}: {e:?}"
        );
        assert_eq!(option.validate(), Err(e));
    }
}

/// A header with data offset 6 holding MSS 1460 (valid), to break one way at a time.
fn mss_header() -> TcpHeader {
    let h = parse_well_formed(&[0x02, 0x04, 0x05, 0xb4]);
    assert_eq!(h.data_offset, 6);
    h
}

#[test]
fn header_serialization_errors() {
    let mut h = mss_header();
    h.reserved = 8;
    let e = h.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "reserved bits",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["8", "3 bits"]);

    let mut h = mss_header();
    h.data_offset = 7;
    let e = h.to_bytes().unwrap_err();
    assert_eq!(
        e,
        Error::OptionAreaMismatch {
            data_offset: 7,
            actual: 4
        }
    );
    assert_words(
        &e.to_string(),
        &["take 4 bytes", "data offset 7", "option area of 8 bytes"],
    );

    let mut h = mss_header();
    h.data_offset = 4;
    assert!(matches!(
        h.to_bytes(),
        Err(Error::Unencodable {
            what: "data offset",
            ..
        })
    ));
    h.data_offset = 16;
    assert!(matches!(
        h.to_bytes(),
        Err(Error::Unencodable {
            what: "data offset",
            ..
        })
    ));

    // Padding without an EOL before it.
    let mut h = mss_header();
    h.options.truncate(0);
    h.options.extend([TcpOption::Nop, TcpOption::Nop]);
    h.padding = inline(&[0, 0]);
    let e = h.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "padding",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["padding", "EOL"]);

    // EOL not last.
    let mut h = mss_header();
    h.options.insert(0, TcpOption::Eol);
    h.options.truncate(1);
    h.options
        .extend([TcpOption::Nop, TcpOption::Nop, TcpOption::Nop]);
    let e = h.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "option list",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["eol", "position 0", "last"]);

    // A framing error not last.
    let mut h = mss_header();
    h.options.truncate(0);
    h.options.extend([
        TcpOption::Malformed(Malformed {
            kind: 8,
            bytes: inline(&[8, 0, 1]),
            reason: MalformedReason::LengthBelowTwo { length: 0 },
        }),
        TcpOption::Nop,
    ]);
    let e = h.to_bytes().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unencodable {
                what: "option list",
                ..
            }
        ),
        "{e:?}"
    );
    assert_words(&e.to_string(), &["malformed", "position 0"]);

    // More than 40 bytes of options.
    let mut h = mss_header();
    h.options.extend((0..40).map(|_| TcpOption::Nop));
    h.data_offset = 15;
    assert_eq!(h.to_bytes(), Err(Error::OptionsTooLong { length: 44 }));
    assert_words(
        &Error::OptionsTooLong { length: 44 }.to_string(),
        &["44 bytes", "at most 40"],
    );

    // A buffer too small.
    let h = mss_header();
    let mut buf = [0u8; 23];
    assert_eq!(
        h.write_to(&mut buf),
        Err(Error::BufferTooSmall {
            needed: 24,
            available: 23
        })
    );
    let mut buf = [0u8; 24];
    assert_eq!(h.write_to(&mut buf), Ok(24));
    assert_eq!(buf.to_vec(), h.to_bytes().unwrap());
}
