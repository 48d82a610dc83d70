//! serde in every format: each generated segment, header, option and MPTCP option (malformed
//! and custom options included) survives a round trip through JSON, CBOR (ciborium),
//! MessagePack (rmp-serde), bincode and postcard, 10,000 cases per type; the human-readable
//! shape stays the documented one; decode errors name the type, the field and the value.

use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tcpwire::mptcp::{Dss, DssMapping, MpJoin};
use tcpwire::option::{Mss, Timestamps, UserTimeout};
use tcpwire::{
    AccEcnCounters, CustomOption, Flags, LengthSet, MalformedReason, MptcpOption, TcpHeader,
    TcpOption, TcpSegment,
};

const CASES: u64 = 10_000;

/// The value written in one format and read back, or what went wrong, naming the format.
fn through<T: Serialize + DeserializeOwned>(value: &T, format: &str) -> Result<T, String> {
    let fail = |stage: &str, e: String| format!("{format} {stage}: {e}");
    match format {
        "json" => {
            let text = serde_json::to_string(value).map_err(|e| fail("write", e.to_string()))?;
            serde_json::from_str(&text).map_err(|e| fail("read", format!("{e} in {text}")))
        }
        "cbor" => {
            let mut buf = Vec::new();
            ciborium::into_writer(value, &mut buf).map_err(|e| fail("write", e.to_string()))?;
            ciborium::from_reader(buf.as_slice()).map_err(|e| fail("read", e.to_string()))
        }
        "msgpack" => {
            let buf = rmp_serde::to_vec(value).map_err(|e| fail("write", e.to_string()))?;
            rmp_serde::from_slice(&buf).map_err(|e| fail("read", e.to_string()))
        }
        "msgpack-named" => {
            let buf = rmp_serde::to_vec_named(value).map_err(|e| fail("write", e.to_string()))?;
            rmp_serde::from_slice(&buf).map_err(|e| fail("read", e.to_string()))
        }
        "bincode" => {
            let buf = bincode::serialize(value).map_err(|e| fail("write", e.to_string()))?;
            bincode::deserialize(&buf).map_err(|e| fail("read", e.to_string()))
        }
        "postcard" => {
            let buf = postcard::to_stdvec(value).map_err(|e| fail("write", e.to_string()))?;
            postcard::from_bytes(&buf).map_err(|e| fail("read", e.to_string()))
        }
        other => Err(format!("no format {other}")),
    }
}

const FORMATS: [&str; 6] = [
    "json",
    "cbor",
    "msgpack",
    "msgpack-named",
    "bincode",
    "postcard",
];

/// Checks one value through every format.
fn every_format<T>(value: &T) -> TestResult
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    for format in FORMATS {
        match through(value, format) {
            Ok(back) if back == *value => {}
            Ok(back) => {
                return TestResult::error(format!("{format}: {value:?} came back as {back:?}"))
            }
            Err(e) => return TestResult::error(format!("{e} for {value:?}")),
        }
    }
    TestResult::passed()
}

fn check<A: Arbitrary + std::fmt::Debug>(prop: fn(A) -> TestResult) {
    QuickCheck::new()
        .tests(CASES)
        .max_tests(CASES * 2)
        .quickcheck(prop);
}

#[test]
fn segments_in_every_format() {
    check(|s: TcpSegment| every_format(&s));
}

#[test]
fn headers_in_every_format() {
    check(|h: TcpHeader| every_format(&h));
}

#[test]
fn options_in_every_format() {
    check(|o: TcpOption| every_format(&o));
}

/// An MPTCP option drawn from the option generator.
#[derive(Clone, Debug)]
struct Mptcp(MptcpOption);

impl Arbitrary for Mptcp {
    fn arbitrary(g: &mut Gen) -> Self {
        loop {
            if let TcpOption::Mptcp(m) = TcpOption::arbitrary(g) {
                return Mptcp(m);
            }
        }
    }
}

#[test]
fn mptcp_options_in_every_format() {
    check(|Mptcp(m): Mptcp| every_format(&m));
}

/// A custom option with random bytes of a random kind (and, for kind 30, its subtype).
#[derive(Clone, Debug)]
struct Custom(CustomOption);

impl Arbitrary for Custom {
    fn arbitrary(g: &mut Gen) -> Self {
        let kind = (u8::arbitrary(g) % 254) + 2;
        let len = usize::from(u8::arbitrary(g) % 39) + 2;
        let mut bytes: Vec<u8> = (0..len).map(|_| u8::arbitrary(g)).collect();
        bytes[0] = kind;
        bytes[1] = len as u8;
        let subtype = (kind == 30 && len > 2).then(|| bytes[2] >> 4);
        let name = ["edo", "my_option", "x"][usize::from(u8::arbitrary(g)) % 3];
        Custom(CustomOption::opaque(name, &bytes, subtype).expect("framed by construction"))
    }
}

#[test]
fn custom_options_in_every_format() {
    check(|Custom(c): Custom| {
        let verdict = every_format(&c);
        if verdict.is_failure() {
            return verdict;
        }
        every_format(&TcpOption::Custom(c))
    });
}

#[test]
fn small_types_in_every_format() {
    check(|(f, c, word): (Flags, AccEcnCounters, u16)| {
        let (flags, _) = Flags::from_word12(word);
        for v in [every_format(&f), every_format(&c), every_format(&flags)] {
            if v.is_failure() {
                return v;
            }
        }
        let reasons = [
            MalformedReason::MissingLength,
            MalformedReason::LengthBelowTwo { length: 1 },
            MalformedReason::Overrun {
                length: 40,
                available: 7,
            },
            MalformedReason::BadLength {
                length: c.ee0b.unwrap_or(5) as u8 & 63,
                allowed: LengthSet::of(&[10, 18, 26, 34]),
            },
        ];
        for r in reasons {
            let v = every_format(&r);
            if v.is_failure() {
                return v;
            }
        }
        let mapping = DssMapping {
            dsn: u64::from(word) << 40,
            subflow_seq: 1,
            data_level_length: 1460,
            checksum: c.eceb.map(|v| v as u16),
        };
        every_format(&mapping)
    });
}

#[test]
fn human_readable_shape_is_the_documented_one() {
    let ts = TcpOption::Timestamps(Timestamps { tsval: 1, tsecr: 2 });
    assert_eq!(
        serde_json::to_string(&ts).unwrap(),
        r#"{"kind":8,"type":"timestamps","tsval":1,"tsecr":2}"#
    );
    let dss = MptcpOption::Dss(Dss::new().with_data_ack(7).with_mapping(256, 1, 1440, None));
    assert_eq!(
        serde_json::to_string(&TcpOption::Mptcp(dss.clone())).unwrap(),
        r#"{"kind":30,"type":"mptcp","subtype":2,"mptcp":"dss","reserved":0,"data_fin":false,"dsn_8_bytes":false,"data_ack_8_bytes":false,"data_ack":"7","mapping":{"dsn":"256","subflow_seq":1,"data_level_length":1440}}"#
    );
    // Alone, an MPTCP option has no kind and type.
    assert_eq!(
        serde_json::to_string(&dss).unwrap(),
        r#"{"subtype":2,"mptcp":"dss","reserved":0,"data_fin":false,"dsn_8_bytes":false,"data_ack_8_bytes":false,"data_ack":"7","mapping":{"dsn":"256","subflow_seq":1,"data_level_length":1440}}"#
    );
    // Binary formats carry the wire bytes: an MSS is a handful of bytes in postcard.
    let mss = postcard::to_stdvec(&TcpOption::Mss(Mss { mss: 1460 })).unwrap();
    assert!(mss.len() <= 8, "{mss:02x?}");
    // YAML-like readers see keys in any order: fields before the type are fine.
    let back: TcpOption =
        serde_json::from_str(r#"{"tsecr":2,"tsval":1,"type":"timestamps","kind":8}"#).unwrap();
    assert_eq!(back, ts);
    // The kind may be left out where the type says it.
    let back: TcpOption = serde_json::from_str(r#"{"type":"mss","mss":536}"#).unwrap();
    assert_eq!(back, TcpOption::Mss(Mss { mss: 536 }));
}

fn json_error<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
    serde_json::from_str::<T>(text).unwrap_err().to_string()
}

#[test]
fn decode_errors_name_the_type_field_and_value() {
    let e = json_error::<TcpOption>(r#"{"kind":8,"type":"timestamps","tsval":1}"#);
    assert!(e.contains("\"timestamps\"") && e.contains("`tsecr`"), "{e}");
    let e = json_error::<TcpOption>(r#"{"kind":2,"type":"mss","mss":1460,"shift":3}"#);
    assert!(
        e.contains("`shift`") && e.contains("does not belong"),
        "{e}"
    );
    let e = json_error::<TcpOption>(r#"{"kind":2,"type":"mss","mss":1460,"bogus":3}"#);
    assert!(e.contains("bogus"), "{e}");
    let e = json_error::<TcpOption>(
        r#"{"kind":30,"type":"mptcp","subtype":8,"mptcp":"mp_tcprst","reserved":0,"transient":false,"reason":300}"#,
    );
    assert!(e.contains("300"), "{e}");
    let e = json_error::<TcpOption>(
        r#"{"kind":30,"type":"mptcp","subtype":1,"mptcp":"mp_join","form":"syn","backup":false,"reserved":1000,"address_id":1,"receiver_token":"00000000","sender_random":"00000000"}"#,
    );
    assert!(e.contains("`reserved`") && e.contains("1000"), "{e}");
    let e = json_error::<TcpOption>(
        r#"{"kind":30,"type":"mptcp","subtype":1,"mptcp":"mp_join","form":"syn","backup":false,"reserved":0,"address_id":1,"receiver_token":"0000000000","sender_random":"00000000"}"#,
    );
    assert!(
        e.contains("`receiver_token`") && e.contains("5 bytes") && e.contains("exactly 4"),
        "{e}"
    );
    let e = json_error::<TcpOption>(r#"{"kind":19,"type":"md5_signature","digest":"zz"}"#);
    assert!(e.contains('z'), "{e}");
    let e = json_error::<TcpOption>(r#"{"kind":30,"type":"mptcp","subtype":3,"mptcp":"dss"}"#);
    assert!(
        e.contains("subtype 2, not 3") || e.contains("missing"),
        "{e}"
    );
    let e = json_error::<MalformedReason>(r#"{"problem":"overrun","length":9}"#);
    assert!(e.contains("`available`"), "{e}");
    let e = json_error::<MpJoin>(
        r#"{"subtype":2,"mptcp":"dss","reserved":0,"data_fin":false,"dsn_8_bytes":false,"data_ack_8_bytes":false}"#,
    );
    assert!(e.contains("MpJoin") && e.contains("dss"), "{e}");
    let e = json_error::<TcpOption>(
        r#"{"kind":30,"type":"mptcp","subtype":8,"mptcp":"mp_tcprst","reserved":0,"transient":false,"reason":"nope"}"#,
    );
    assert!(e.contains("TcpRstReason") && e.contains("nope"), "{e}");
    let e = json_error::<TcpOption>(r#"{"kind":14,"type":"alt_checksum_request","algorithm":900}"#);
    assert!(e.contains("AltChecksumAlgorithm 900"), "{e}");
    let e = json_error::<tcpwire::TcpOptionKind>(r#""maximum""#);
    assert!(e.contains("\"maximum\"") && e.contains("eol"), "{e}");
    // A value with no wire bytes cannot be written in a binary format, and says why.
    let wide = TcpOption::UserTimeout(UserTimeout {
        granularity: tcpwire::Granularity::Seconds,
        timeout: 0x8000,
    });
    let e = postcard::to_stdvec(&wide).unwrap_err().to_string();
    assert!(!e.is_empty());
    let e = bincode::serialize(&wide).unwrap_err().to_string();
    assert!(e.contains("timeout") && e.contains("32768"), "{e}");
}
