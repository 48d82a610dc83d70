//! The properties the fuzz targets check, shared with `tests/fuzz_replay.rs`, which replays the
#![allow(dead_code)] // each fuzz target uses one of these checks
//! saved fuzz corpus deterministically in CI. Every check panics on a violation.

use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
use tcpwire::{Error, ParseMode, TcpOption, TcpSegment, FIXED_HEADER_LEN};

/// Strict parsing: what it accepts, lossless accepts identically and it writes back exactly; a
/// malformed-option error names the very option lossless keeps as malformed; other errors are
/// the same in both modes.
pub fn parse_strict(data: &[u8]) {
    match TcpSegment::parse(data) {
        Ok(strict) => {
            assert!(!strict.header.has_malformed());
            let lossless = TcpSegment::parse_lossless(data).expect("strict Ok implies lossless Ok");
            assert_eq!(strict, lossless);
            assert_eq!(strict.to_bytes().expect("a parsed segment writes"), data);
        }
        Err(Error::MalformedOption {
            offset,
            kind,
            reason,
        }) => {
            let message = Error::MalformedOption {
                offset,
                kind,
                reason,
            }
            .to_string();
            assert!(message.contains(&format!("offset {offset}")), "{message}");
            let lossless = TcpSegment::parse_lossless(data).expect("only an option was malformed");
            let mut at = FIXED_HEADER_LEN;
            let mut found = false;
            for o in &lossless.header.options {
                if at == offset {
                    assert!(o.is_malformed() && o.kind() == kind, "{o:?} at {offset}");
                    found = true;
                    break;
                }
                at += o.encoded_len();
            }
            assert!(found, "no option at offset {offset}");
        }
        Err(e) => {
            assert_eq!(TcpSegment::parse_lossless(data).unwrap_err(), e);
            assert!(!e.to_string().is_empty());
        }
    }
}

/// Lossless parsing never drops a byte; the value survives JSON; each option alone parses back.
pub fn lossless_roundtrip(data: &[u8]) {
    let Ok(segment) = TcpSegment::parse_lossless(data) else {
        return;
    };
    assert_eq!(segment.to_bytes().expect("a lossless value writes"), data);
    let json = serde_json::to_string(&segment).expect("JSON");
    let back: TcpSegment = serde_json::from_str(&json).expect("JSON back");
    assert_eq!(back, segment);
    for o in &segment.header.options {
        if matches!(o, TcpOption::Eol) || o.is_malformed() {
            continue;
        }
        let b = o.to_bytes().expect("option writes");
        let (again, rest) = TcpOption::parse_prefix(&b, ParseMode::Strict).expect("option parses");
        assert!(rest.is_empty());
        assert_eq!(&again, o);
    }
}

/// JSON in: what decodes re-encodes to the same value, and what validates writes bytes that
/// parse back to the very same value.
pub fn json_roundtrip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(segment) = serde_json::from_str::<TcpSegment>(text) else {
        return;
    };
    let json = serde_json::to_string(&segment).expect("JSON");
    assert_eq!(
        serde_json::from_str::<TcpSegment>(&json).expect("JSON back"),
        segment
    );
    if let Ok(bytes) = segment.to_bytes() {
        let parsed = TcpSegment::parse_lossless(&bytes).expect("written bytes parse");
        assert_eq!(parsed, segment);
    }
}

/// The capture reader on an arbitrary file: terminates, and every TCP segment it finds
/// round-trips through lossless parsing.
pub fn capture_reader(data: &[u8]) {
    let Ok(reader) = CaptureReader::new(std::io::Cursor::new(data.to_vec())) else {
        return;
    };
    let mut frames = 0usize;
    for frame in reader {
        let Ok(frame) = frame else { break };
        frames += 1;
        assert!(frames <= data.len(), "more frames than input bytes");
        if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
            if let Ok(seg) = TcpSegment::parse_lossless(tcp.segment) {
                assert_eq!(seg.to_bytes().expect("writes"), tcp.segment);
            }
        }
    }
}

/// The builder on fuzzer-chosen option lists (the well-formed options lossless parsing finds in
/// the input, in order, EOL excluded): `build()` either refuses with a typed error (too long)
/// or gives a canonical header that parses back to exactly the list, plus EOL padding.
pub fn builder(data: &[u8]) {
    let Some((&ports, area)) = data.split_first() else {
        return;
    };
    let Ok((options, _)) =
        tcpwire::parse_options(area.get(..40).unwrap_or(area), 20, ParseMode::Lossless)
    else {
        return;
    };
    let list: Vec<TcpOption> = options
        .into_iter()
        .filter(|o| !o.is_malformed() && !matches!(o, TcpOption::Eol))
        .collect();
    let encoded: usize = list.iter().map(TcpOption::encoded_len).sum();
    let built = tcpwire::TcpHeader::builder()
        .ports(u16::from(ports), 80)
        .syn()
        .options(list.clone())
        .build();
    match built {
        Err(Error::OptionsTooLong { length }) => assert!(encoded > 40 && length == encoded),
        Err(e) => panic!("builder refused well-formed options {list:?}: {e}"),
        Ok(header) => {
            assert!(encoded <= 40);
            assert_eq!(
                header.header_len(),
                20 + encoded.div_ceil(4) * 4,
                "minimal data offset"
            );
            assert!(header.padding.iter().all(|b| *b == 0), "zero padding");
            let bytes = header.to_bytes().expect("a built header writes");
            let parsed = tcpwire::TcpHeader::parse(&bytes).expect("a built header parses strictly");
            assert_eq!(parsed, header);
            let n = list.len();
            assert_eq!(&parsed.options[..n], &list[..], "options kept in order");
            assert!(
                parsed.options[n..]
                    .iter()
                    .all(|o| matches!(o, TcpOption::Eol))
                    && parsed.options.len() <= n + 1
            );
        }
    }
}
