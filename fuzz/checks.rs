//! The properties the fuzz targets check, shared with `tests/fuzz_replay.rs`, which replays the
#![allow(dead_code)] // each fuzz target uses one of these checks
//! saved fuzz corpus deterministically in CI. Every check panics on a violation.

use tcpwire::capture::{find_tcp, CaptureError, CaptureReader, Decapsulated};
use tcpwire::{Error, ParseMode, TcpOption, TcpSegment, FIXED_HEADER_LEN};

#[path = "generate.rs"]
mod generate;
// The command line's line reader and its `decode`/`encode` engine, as the binary runs them.
#[path = "../src/cli/lines.rs"]
mod lines;
#[path = "../src/cli/transcode.rs"]
mod transcode;

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
        let custom = segment
            .header
            .options
            .iter()
            .any(|o| matches!(o, TcpOption::Custom(_)));
        if custom {
            // A custom option means what its codec says (TcpOption::validate): without the
            // codec the same bytes read as the built-in option, byte for byte.
            assert_eq!(parsed.to_bytes().expect("writes"), bytes);
        } else {
            assert_eq!(parsed, segment);
        }
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

/// A large capture generated from the input (records and blocks up to past `MAX_RECORD`,
/// sections longer than a read, many interfaces, both byte orders, reads of 1 byte to
/// unbounded, gzip members split anywhere): the reader yields exactly the frames and errors
/// the generator expects, every error is one short line, and every TCP segment found
/// round-trips.
pub fn capture_large(data: &[u8]) {
    use generate::{Expect, HEAD};
    let (stream, expect) = generate::capture(data);
    let reader = CaptureReader::new(stream).unwrap_or_else(|e| panic!("capture refused: {e}"));
    let mut expected = expect.into_iter();
    for item in reader {
        let summary = match &item {
            Ok(frame) => format!("frame {} of {} bytes", frame.number, frame.data.len()),
            Err(e) => format!("error {e}"),
        };
        let want = expected
            .next()
            .unwrap_or_else(|| panic!("unexpected {summary}"));
        if let Err(e) = &item {
            let message = e.to_string();
            assert!(message.len() < 300 && !message.contains('\n'), "{message}");
        }
        match (item, want) {
            (
                Ok(frame),
                Expect::Frame {
                    number,
                    timestamp,
                    linktype,
                    len,
                    fill,
                },
            ) => {
                assert_eq!(
                    (
                        frame.number,
                        frame.timestamp,
                        frame.linktype.0,
                        frame.data.len()
                    ),
                    (number, timestamp, linktype, len)
                );
                let head = HEAD.len().min(len);
                assert_eq!(frame.data.get(..head), HEAD.get(..head));
                assert!(frame.data.iter().skip(head).all(|&b| b == fill));
                if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
                    if let Ok(seg) = TcpSegment::parse_lossless(tcp.segment) {
                        assert_eq!(seg.to_bytes().expect("writes"), tcp.segment);
                    }
                }
            }
            (Err(e), Expect::BadFrame(n)) => {
                assert!(matches!(e, CaptureError::BadFrame { .. }), "{e}");
                assert_eq!(e.frame(), n);
            }
            (Err(e), Expect::BadBlock) => {
                assert!(matches!(e, CaptureError::BadBlock { .. }), "{e}")
            }
            (Err(e), Expect::Fatal) => assert!(e.is_fatal(), "{e}"),
            (_, want) => panic!("got {summary}, expected {want:?}"),
        }
    }
    let missing: Vec<_> = expected.collect();
    assert!(missing.is_empty(), "the reader ended early: {missing:?}");
}

/// Splits line-reader input into the line limit (from the first two bytes) and the text.
fn line_input(data: &[u8]) -> (usize, bool, &[u8]) {
    match data {
        [a, b, rest @ ..] => (16 + usize::from(*a) * 8, *b & 1 == 1, rest),
        _ => (16, false, data),
    }
}

/// The lines of `text` as the line reader must see them: (number, Some(text) or None for a
/// line over the limit or not UTF-8).
fn oracle_lines(text: &[u8], max: usize) -> Vec<Option<String>> {
    let mut parts: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    if parts.last().is_some_and(|l| l.is_empty()) {
        parts.pop();
    }
    parts
        .into_iter()
        .map(|line| {
            if line.len() > max {
                return None;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            std::str::from_utf8(line).ok().map(str::to_string)
        })
        .collect()
}

/// Checks the messages of a line-reader run: one short line each, naming a line that exists.
fn check_messages(messages: &[String], lines: usize) {
    for m in messages {
        assert!(m.len() < 400 && !m.contains('\n'), "{m}");
        let n: usize = m
            .strip_prefix("line ")
            .and_then(|r| r.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no line number: {m}"));
        assert!((1..=lines).contains(&n), "{m}");
    }
}

/// `tcpwire decode` on any bytes: exactly one JSON line or one message per non-blank line, the
/// JSON lines are those of the segments the hex gives, and `encode` gives the hex back.
pub fn line_decode(data: &[u8]) {
    let (max, strict, text) = line_input(data);
    let mode = if strict {
        ParseMode::Strict
    } else {
        ParseMode::Lossless
    };
    let mut out = Vec::new();
    let mut messages = Vec::new();
    let tally = transcode::decode_stream(text, max, mode, &mut out, &mut |m: &str| {
        messages.push(m.to_string())
    })
    .expect("writing to memory");
    let lines = oracle_lines(text, max);
    assert_eq!(tally.lines as usize, lines.len());
    check_messages(&messages, lines.len());
    let expected: Vec<TcpSegment> = lines
        .iter()
        .flatten()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| tcpwire::from_hex(l).ok())
        .filter_map(|bytes| TcpSegment::parse_with(&bytes, mode).ok())
        .collect();
    let out = String::from_utf8(out).expect("UTF-8 output");
    let got: Vec<TcpSegment> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("decode's JSON reads back"))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(tally.written as usize, got.len());
    let blank = lines
        .iter()
        .flatten()
        .filter(|l| l.trim().is_empty())
        .count();
    assert_eq!(
        (tally.written + tally.findings + tally.bad_input) as usize + blank,
        lines.len()
    );
    assert_eq!(messages.len() as u64, tally.findings + tally.bad_input);
    // decode | encode gives back the bytes.
    let mut hex = Vec::new();
    let back = transcode::encode_stream(
        out.as_bytes(),
        lines::MAX_LINE,
        false,
        &mut hex,
        &mut |m: &str| panic!("encode refused decode's output: {m}"),
    )
    .expect("writing to memory");
    assert_eq!(back.written, tally.written);
    for (line, segment) in String::from_utf8(hex).expect("hex").lines().zip(&expected) {
        assert_eq!(
            tcpwire::from_hex(line).expect("hex"),
            segment.to_bytes().expect("a parsed segment writes")
        );
    }
}

/// `tcpwire encode` on any bytes: one hex line or one message per non-blank line, each message
/// short and numbered, and every hex line the bytes of a segment that parses back to itself.
pub fn line_encode(data: &[u8]) {
    let (max, _, text) = line_input(data);
    let mut out = Vec::new();
    let mut messages = Vec::new();
    let tally = transcode::encode_stream(text, max, false, &mut out, &mut |m: &str| {
        messages.push(m.to_string())
    })
    .expect("writing to memory");
    let lines = oracle_lines(text, max);
    assert_eq!(tally.lines as usize, lines.len());
    check_messages(&messages, lines.len());
    let blank = lines
        .iter()
        .flatten()
        .filter(|l| l.trim().is_empty())
        .count();
    assert_eq!(
        (tally.written + tally.findings + tally.bad_input) as usize + blank,
        lines.len()
    );
    let out = String::from_utf8(out).expect("UTF-8 output");
    assert_eq!(out.lines().count() as u64, tally.written);
    for line in out.lines() {
        let bytes = tcpwire::from_hex(line).expect("hex");
        let segment = TcpSegment::parse_lossless(&bytes).expect("encoded bytes parse");
        assert_eq!(segment.to_bytes().expect("writes"), bytes);
    }
}
