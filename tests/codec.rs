//! User-registered codecs: decoding, replacing built-ins, MPTCP subtypes, declining, JSON,
//! byte-exact round trips over the corpus, and the example's own checks.
mod common;

#[allow(dead_code)]
#[path = "../examples/custom_codec.rs"]
mod example;

use tcpwire::{
    CustomOption, Error, FieldValue, MptcpSubtype, OptionCodec, ParseMode, Parser, TcpHeader,
    TcpOption, TcpSegment,
};

/// Keeps the body as bytes (accepts anything).
struct Raw(&'static str);
impl OptionCodec for Raw {
    type Value = Vec<u8>;
    fn name(&self) -> &str {
        self.0
    }
    fn decode(&self, _kind: u8, body: &[u8]) -> Option<Vec<u8>> {
        Some(body.to_vec())
    }
    fn encode(&self, value: &Vec<u8>, body: &mut Vec<u8>) {
        body.extend_from_slice(value);
    }
}

/// Declines everything.
struct Decline;
impl OptionCodec for Decline {
    type Value = ();
    fn name(&self) -> &str {
        "decline"
    }
    fn decode(&self, _kind: u8, _body: &[u8]) -> Option<()> {
        None
    }
    fn encode(&self, _value: &(), _body: &mut Vec<u8>) {}
}

/// Decodes anything but writes back one byte too many: a broken codec.
struct Lossy;
impl OptionCodec for Lossy {
    type Value = Vec<u8>;
    fn name(&self) -> &str {
        "lossy"
    }
    fn decode(&self, _kind: u8, body: &[u8]) -> Option<Vec<u8>> {
        Some(body.to_vec())
    }
    fn encode(&self, value: &Vec<u8>, body: &mut Vec<u8>) {
        body.extend_from_slice(value);
        body.push(0);
    }
}

/// An MSS codec that accepts any body length, reading the first two bytes.
#[derive(Debug, PartialEq)]
struct LenientMss {
    mss: u16,
    extra: Vec<u8>,
}
struct LenientMssCodec;
impl OptionCodec for LenientMssCodec {
    type Value = LenientMss;
    fn name(&self) -> &str {
        "lenient_mss"
    }
    fn decode(&self, _kind: u8, body: &[u8]) -> Option<LenientMss> {
        let (mss, extra) = body.split_first_chunk::<2>()?;
        Some(LenientMss {
            mss: u16::from_be_bytes(*mss),
            extra: extra.to_vec(),
        })
    }
    fn encode(&self, value: &LenientMss, body: &mut Vec<u8>) {
        body.extend(value.mss.to_be_bytes());
        body.extend(&value.extra);
    }
    fn fields(&self, value: &LenientMss) -> Vec<(String, FieldValue)> {
        vec![
            ("mss".into(), FieldValue::Unsigned(value.mss.into())),
            (
                "extra".into(),
                FieldValue::Unsigned(value.extra.len() as u64),
            ),
        ]
    }
}

/// A segment whose option area is `options` (padded with zeros to a word boundary by the
/// caller's choice of bytes).
fn segment_with(options: &[u8]) -> Vec<u8> {
    assert_eq!(options.len() % 4, 0);
    let mut bytes = vec![0u8; 20];
    bytes[12] = ((5 + options.len() / 4) as u8) << 4;
    bytes[13] = 0x10;
    bytes.extend_from_slice(options);
    bytes.extend_from_slice(b"payload");
    bytes
}

#[test]
fn example_runs_and_checks_itself() {
    let segment = example::run().unwrap();
    let TcpOption::Custom(edo) = &segment.header.options[1] else {
        panic!("{:?}", segment.header.options[1]);
    };
    assert_eq!(edo.value::<example::Edo>(), Some(&example::Edo::Supported));
    assert_eq!(edo.bytes(), &[253, 4, 0x0e, 0xd0]);
}

#[test]
fn a_codec_decodes_an_unknown_kind_and_round_trips() {
    let bytes = segment_with(&[99, 5, 1, 2, 3, 1, 1, 0]);
    let parser = Parser::new().with_option_codec(99, Raw("raw99"));
    let segment = parser.parse(&bytes).unwrap();
    let TcpOption::Custom(c) = &segment.header.options[0] else {
        panic!("{:?}", segment.header.options);
    };
    assert_eq!(
        (c.kind(), c.name(), c.body()),
        (99, "raw99", &[1u8, 2, 3][..])
    );
    assert_eq!(c.value::<Vec<u8>>(), Some(&vec![1, 2, 3]));
    assert_eq!(c.value::<String>(), None, "wrong type");
    assert_eq!(c.mptcp_subtype(), None);
    assert!(!c.is_opaque());
    let option = &segment.header.options[0];
    assert_eq!(
        (option.kind(), option.name(), option.encoded_len()),
        (99, "custom", 5)
    );
    assert_eq!(
        &segment.header.options[1..],
        &[TcpOption::Nop, TcpOption::Nop, TcpOption::Eol]
    );
    assert_eq!(segment.payload, b"payload");
    assert_eq!(segment.to_bytes().unwrap(), bytes);
    // Header-only and lossless entry points agree.
    assert_eq!(parser.parse_header(&bytes).unwrap(), segment.header);
    assert_eq!(parser.parse_lossless(&bytes).unwrap(), segment);
    assert_eq!(
        parser.parse_header_lossless(&bytes).unwrap(),
        segment.header
    );
}

#[test]
fn a_codec_replaces_a_built_in_decoding() {
    // MSS with length 6: malformed for the built-in decoding, fine for the lenient codec.
    let bytes = segment_with(&[2, 6, 5, 0xb4, 0xaa, 0xbb, 1, 0]);
    assert!(matches!(
        TcpSegment::parse(&bytes),
        Err(Error::MalformedOption {
            kind: 2,
            offset: 20,
            ..
        })
    ));
    let parser = Parser::new().with_option_codec(2, LenientMssCodec);
    let segment = parser.parse(&bytes).unwrap();
    let TcpOption::Custom(c) = &segment.header.options[0] else {
        panic!("{:?}", segment.header.options);
    };
    assert_eq!(
        c.value::<LenientMss>(),
        Some(&LenientMss {
            mss: 1460,
            extra: vec![0xaa, 0xbb]
        })
    );
    assert_eq!(segment.to_bytes().unwrap(), bytes);
    // A well-formed MSS goes through the codec as well.
    let ok = segment_with(&[2, 4, 5, 0xb4]);
    assert!(matches!(
        parser.parse(&ok).unwrap().header.options[0],
        TcpOption::Custom(_)
    ));
    // JSON shows the codec's fields.
    let json = serde_json::to_value(&segment.header.options[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "kind": 2, "type": "custom", "name": "lenient_mss", "bytes": "0206 05b4aabb".replace(' ', ""),
            "fields": { "mss": 1460, "extra": 2 }
        })
    );
}

#[test]
fn declining_or_lossy_codecs_leave_the_built_in_decoding() {
    let bytes = segment_with(&[2, 4, 5, 0xb4, 99, 3, 7, 0]);
    let plain = TcpSegment::parse(&bytes).unwrap();
    for parser in [
        Parser::new()
            .with_option_codec(2, Decline)
            .with_option_codec(99, Decline),
        Parser::new()
            .with_option_codec(2, Lossy)
            .with_option_codec(99, Lossy),
    ] {
        assert_eq!(parser.parse(&bytes).unwrap(), plain, "{parser:?}");
    }
}

#[test]
fn mptcp_subtype_codecs_intercept_kind_30_by_subtype() {
    // MP_EXPERIMENTAL (subtype 15) with 3 bytes after the subtype byte, then a DSS-ish
    // subtype 2 option the codec does not cover.
    let bytes = segment_with(&[30, 6, 0xf0, 1, 2, 3, 30, 4, 0x20, 0x00, 1, 1]);
    let parser = Parser::new().with_mptcp_codec(MptcpSubtype::MpExperimental, Raw("mp_exp"));
    let segment = parser.parse_lossless(&bytes).unwrap();
    let TcpOption::Custom(c) = &segment.header.options[0] else {
        panic!("{:?}", segment.header.options);
    };
    assert_eq!(c.mptcp_subtype(), Some(MptcpSubtype::MpExperimental));
    assert_eq!(c.value::<Vec<u8>>(), Some(&vec![0xf0, 1, 2, 3]));
    assert!(
        matches!(segment.header.options[1], TcpOption::Mptcp(_)),
        "other subtypes keep the built-in decoding"
    );
    assert_eq!(segment.to_bytes().unwrap(), bytes);
    let json = serde_json::to_value(&segment.header.options[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "kind": 30, "type": "custom", "name": "mp_exp", "mptcp_subtype": 15,
            "bytes": "1e06f0010203"
        })
    );
    let back: TcpOption = serde_json::from_value(json).unwrap();
    assert_eq!(back, segment.header.options[0]);
    // A subtype codec is tried before a kind-30 codec; the kind codec takes the rest.
    let both = Parser::new()
        .with_option_codec(30, Raw("any_mptcp"))
        .with_mptcp_codec(15u8, Raw("mp_exp"));
    let segment = both.parse_lossless(&bytes).unwrap();
    let names: Vec<&str> = segment
        .header
        .options
        .iter()
        .filter_map(|o| match o {
            TcpOption::Custom(c) => Some(c.name()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["mp_exp", "any_mptcp"]);
}

#[test]
fn json_round_trip_gives_an_equal_opaque_option() {
    let bytes = segment_with(&[99, 5, 1, 2, 3, 0, 0, 0]);
    let segment = Parser::new()
        .with_option_codec(99, Raw("raw99"))
        .parse(&bytes)
        .unwrap();
    let json = serde_json::to_string(&segment).unwrap();
    assert!(json.contains(r#"{"kind":99,"type":"custom","name":"raw99","bytes":"6305010203"}"#));
    let back: TcpSegment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, segment);
    let TcpOption::Custom(c) = &back.header.options[0] else {
        panic!()
    };
    assert!(c.is_opaque());
    assert_eq!(c.value::<Vec<u8>>(), None);
    assert_eq!(c.name(), "raw99");
    assert_eq!(back.to_bytes().unwrap(), bytes);
    // A "kind" that disagrees with the bytes is refused, as are bytes that do not frame.
    assert!(serde_json::from_str::<TcpOption>(
        r#"{"kind":98,"type":"custom","name":"x","bytes":"6302"}"#
    )
    .is_err());
    assert!(serde_json::from_str::<TcpOption>(
        r#"{"kind":99,"type":"custom","name":"x","bytes":"6303"}"#
    )
    .is_err());
    assert!(serde_json::from_str::<TcpOption>(
        r#"{"kind":99,"type":"custom","name":"x","bytes":"6302","mptcp_subtype":1}"#
    )
    .is_err());
}

#[test]
fn custom_options_go_into_the_builder() {
    let option = CustomOption::from_value(99, Raw("raw99"), vec![7, 7]).unwrap();
    assert_eq!(option.bytes(), &[99, 4, 7, 7]);
    let header = TcpHeader::builder()
        .option(TcpOption::Custom(option.clone()))
        .mss(536)
        .build()
        .unwrap();
    let parsed = Parser::new()
        .with_option_codec(99, Raw("raw99"))
        .parse_header(&header.to_bytes().unwrap())
        .unwrap();
    assert_eq!(parsed, header);
    // Without the codec the same bytes are an unknown option.
    let plain = TcpHeader::parse(&header.to_bytes().unwrap()).unwrap();
    assert_eq!(plain.options[0].name(), "unknown");
    // MPTCP values take their subtype from the body.
    let mp = CustomOption::from_mptcp_value(Raw("mp"), vec![0xf5, 9]).unwrap();
    assert_eq!(mp.bytes(), &[30, 4, 0xf5, 9]);
    assert_eq!(mp.mptcp_subtype(), Some(MptcpSubtype::MpExperimental));
    // Encodings that do not frame are refused.
    assert!(CustomOption::from_value(1, Raw("x"), vec![]).is_err());
    assert!(matches!(
        CustomOption::from_value(99, Raw("x"), vec![0; 39]),
        Err(Error::TooLong { length: 41, .. })
    ));
    assert!(CustomOption::from_mptcp_value(Raw("x"), vec![]).is_err());
    assert!(CustomOption::opaque("x", &[99, 2], None).is_ok());
    assert!(CustomOption::opaque("x", &[99, 3], None).is_err());
}

#[test]
#[should_panic(expected = "cannot have a codec")]
fn nop_cannot_have_a_codec() {
    let _ = Parser::new().with_option_codec(1, Raw("nop"));
}

#[test]
#[should_panic(expected = "does not fit its 4 bits")]
fn mptcp_subtypes_are_four_bits() {
    let _ = Parser::new().with_mptcp_codec(16u8, Raw("x"));
}

#[test]
fn strict_errors_keep_their_offsets() {
    // A malformed timestamps option at offset 24, after a custom option.
    let bytes = segment_with(&[99, 4, 0, 0, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let parser = Parser::new().with_option_codec(99, Raw("raw99"));
    assert_eq!(
        parser.parse(&bytes).unwrap_err(),
        TcpSegment::parse(&bytes).unwrap_err()
    );
    assert!(matches!(
        parser.parse(&bytes),
        Err(Error::MalformedOption {
            kind: 8,
            offset: 24,
            ..
        })
    ));
}

/// Every corpus segment: a parser whose codecs all decline parses exactly as the default path
/// (values and strict errors alike), and one that takes every MPTCP DSS and every unknown-to-us
/// kind still writes every byte back.
#[test]
fn corpus_segments_parse_alike_and_round_trip_through_codecs() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let declining = (2..=255u8).fold(Parser::new(), |p, k| p.with_option_codec(k, Decline));
    let declining = (0..16u8).fold(declining, |p, s| p.with_mptcp_codec(s, Decline));
    let taking = (2..=255u8)
        .filter(|k| !tcpwire::wire::is_decoded_kind(*k))
        .fold(Parser::new(), |p, k| p.with_option_codec(k, Raw("raw")))
        .with_mptcp_codec(MptcpSubtype::Dss, Raw("dss"));
    let (mut segments, mut customs) = (0usize, 0usize);
    for path in common::captures_in(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        common::for_each_tcp(&path, |frame, tcp| {
            let at = format!("{name} frame {}", frame.number);
            for mode in [ParseMode::Strict, ParseMode::Lossless] {
                assert_eq!(
                    declining.parse_header_prefix(tcp.segment, mode),
                    TcpHeader::parse_prefix(tcp.segment, mode),
                    "{at} {mode:?}"
                );
            }
            let Ok((header, _)) = taking.parse_header_prefix(tcp.segment, ParseMode::Lossless)
            else {
                return;
            };
            customs += header
                .options
                .iter()
                .filter(|o| matches!(o, TcpOption::Custom(_)))
                .count();
            assert_eq!(
                header.to_bytes().unwrap(),
                tcp.segment[..header.header_len()],
                "{at}"
            );
            segments += 1;
        });
    }
    eprintln!("corpus segments through codecs: {segments}, custom options: {customs}");
    assert!(segments > 3000);
    assert!(customs > 100, "only {customs} custom options");
}

/// The validate guarantee for custom options: whatever validates writes bytes that a parser
/// with the same codec reads back into an equal option (for every kind, and for MPTCP subtype
/// codecs), and the default parser reads the very same bytes (as the built-in option, since it
/// has no codec). 10,000 cases.
#[test]
fn custom_options_that_validate_parse_back_with_their_codec() {
    fn prop(kind: u8, body: Vec<u8>) -> quickcheck::TestResult {
        let kind = kind.max(2);
        let mut body = body;
        body.truncate(37);
        let Ok(custom) = CustomOption::from_value(kind, Raw("raw"), body.clone()) else {
            return quickcheck::TestResult::discard();
        };
        let option = TcpOption::Custom(custom);
        if option.validate().is_err() {
            return quickcheck::TestResult::discard();
        }
        let bytes = option.to_bytes().unwrap();
        // In a header: the option, then EOL and zero padding.
        let mut segment = vec![0u8; 20];
        let mut area = bytes.clone();
        area.push(0);
        area.resize(area.len().div_ceil(4) * 4, 0);
        segment[12] = ((5 + area.len() / 4) as u8) << 4;
        segment.extend_from_slice(&area);
        let parser = Parser::new().with_option_codec(kind, Raw("raw"));
        let parsed = parser.parse_header_lossless(&segment).unwrap();
        if parsed.options[0] != option {
            return quickcheck::TestResult::error(format!(
                "{option:?} parsed back as {:?}",
                parsed.options[0]
            ));
        }
        let plain = TcpHeader::parse_lossless(&segment).unwrap();
        quickcheck::TestResult::from_bool(plain.options[0].to_bytes().unwrap() == bytes)
    }
    quickcheck::QuickCheck::new()
        .tests(10_000)
        .max_tests(40_000)
        .quickcheck(prop as fn(u8, Vec<u8>) -> quickcheck::TestResult);
}
