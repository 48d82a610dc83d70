//! Writing properties, each over at least 10,000 cases.
//!
//! - P4: `validate` and `to_bytes`/`write_to` agree, on generated values and on values with
//!   fields broken at random; whatever validates parses back to itself; the direct writer
//!   (headers of common option kinds) gives the generator's very bytes and errors.
//! - The generators reach every variant and every corner.
mod common;
#[macro_use]
#[path = "support/properties.rs"]
mod support;

use std::collections::BTreeMap;
use tcpwire::option::{
    AltChecksumRequest, Experiment, ExperimentalFastOpen, FastOpen, Malformed, Mss,
    PocServiceProfile, QuickStartResponse, Sack, Timestamps, Unknown, UserTimeout, WindowScale,
};

use quickcheck::{Arbitrary, Gen, TestResult};
use support::*;
use tcpwire::{
    AccEcnCounters, AltChecksumAlgorithm, Error, InlineBytes, MalformedReason, MptcpOption,
    ParseMode, SackBlock, TcpHeader, TcpOption, TcpSegment,
};

// ---------------------------------------------------------------------------------------------
// P4: validate agrees with to_bytes

#[test]
fn p4_generated_values_always_serialize() {
    fn prop(s: TcpSegment, o: TcpOption) -> TestResult {
        verdict((|| {
            s.header
                .validate()
                .map_err(|e| format!("header validate: {e}"))?;
            o.validate().map_err(|e| format!("option validate: {e}"))?;
            let bytes = s.to_bytes().map_err(|e| format!("to_bytes: {e}"))?;
            let mut buf = vec![0xaa; s.len() + 3];
            ensure_eq!(s.write_to(&mut buf), Ok(s.len()), "write_to");
            ensure_eq!(buf[..s.len()], bytes[..], "write_to bytes");
            ensure_eq!(
                s.write_to(&mut buf[..s.len() - 1]),
                Err(Error::BufferTooSmall {
                    needed: s.len(),
                    available: s.len() - 1
                }),
                "write_to a short buffer"
            );
            let mut hbuf = [0u8; 60];
            let n = s.header.write_to(&mut hbuf).map_err(|e| e.to_string())?;
            ensure_eq!(hbuf[..n], bytes[..s.header.header_len()], "header write_to");
            Ok(())
        })())
    }
    quickcheck().quickcheck(prop as fn(TcpSegment, TcpOption) -> TestResult);
}

/// A header of the option kinds real traffic carries (EOL, NOP, MSS, window scale, SACK
/// permitted, SACK with 0 to 5 blocks, timestamps), which `write_to` writes field by field, in
/// any order, sometimes with padding, a wrong data offset or reserved bits, or one option of
/// another kind; and a buffer length around the header's.
#[derive(Clone, Debug)]
struct CommonHeader(TcpHeader, usize);

impl Arbitrary for CommonHeader {
    fn arbitrary(g: &mut Gen) -> Self {
        let mut h = TcpHeader::arbitrary(g);
        h.options.clear();
        h.padding = InlineBytes::new();
        for _ in 0..u8::arbitrary(g) % 10 {
            let option = match u8::arbitrary(g) % 16 {
                0..=4 => TcpOption::Nop,
                5 => TcpOption::Eol,
                6 => TcpOption::Mss(Mss {
                    mss: u16::arbitrary(g),
                }),
                7 => TcpOption::WindowScale(WindowScale {
                    shift: u8::arbitrary(g),
                }),
                8 => TcpOption::SackPermitted,
                9..=11 => TcpOption::Sack(Sack {
                    blocks: (0..u8::arbitrary(g) % 6)
                        .map(|_| SackBlock {
                            left: u32::arbitrary(g),
                            right: u32::arbitrary(g),
                        })
                        .collect(),
                }),
                12..=14 => TcpOption::Timestamps(Timestamps {
                    tsval: u32::arbitrary(g),
                    tsecr: u32::arbitrary(g),
                }),
                _ => TcpOption::arbitrary(g),
            };
            h.options.push(option);
        }
        let mut area: usize = h.options.iter().map(TcpOption::encoded_len).sum();
        if matches!(h.options.last(), Some(TcpOption::Eol)) {
            // Padding after the EOL up to a word, sometimes more, not always zeros.
            let mut padding = vec![0u8; (4 - area % 4) % 4 + 4 * (usize::arbitrary(g) % 2)];
            if bool::arbitrary(g) {
                padding.iter_mut().for_each(|b| *b = u8::arbitrary(g));
            }
            area += padding.len();
            h.padding = InlineBytes::from_slice(&padding[..padding.len().min(40)]).unwrap();
        } else {
            while area % 4 != 0 {
                h.options.push(TcpOption::Nop);
                area += 1;
            }
        }
        h.data_offset = ((20 + area) / 4).min(255) as u8;
        match u8::arbitrary(g) % 16 {
            0 => h.data_offset = u8::arbitrary(g) % 20,
            1 => h.reserved = u8::arbitrary(g) % 10,
            2 => h.padding = InlineBytes::arbitrary(g),
            _ => {}
        }
        let header_len = usize::from(h.data_offset) * 4;
        let buffer = (header_len + usize::arbitrary(g) % 8).saturating_sub(3);
        CommonHeader(h, buffer)
    }
}

/// What `write_to` gives when it goes through `validate` and the generator (the path it takes
/// for any header that is not made of common options): the bytes, or the error.
fn generator_path(h: &TcpHeader, available: usize) -> Result<Vec<u8>, Error> {
    h.validate()?;
    let needed = h.header_len();
    if needed > available {
        return Err(Error::BufferTooSmall { needed, available });
    }
    let (bytes, _) =
        cookie_factory::gen(tcpwire::wire::gen_header(h), Vec::new()).map_err(|e| {
            Error::Unencodable {
                what: "header",
                detail: e.to_string(),
            }
        })?;
    Ok(bytes)
}

#[test]
fn p4_direct_writer_matches_the_generator() {
    fn prop(c: CommonHeader, payload: Vec<u8>) -> TestResult {
        let CommonHeader(h, available) = c;
        verdict((|| {
            let expected = generator_path(&h, available);
            let mut buf = vec![0xa5; available];
            let written = h.write_to(&mut buf).map(|n| buf[..n].to_vec());
            ensure_eq!(
                written,
                expected,
                "write_to into {available} bytes vs the generator"
            );
            let unbounded = generator_path(&h, usize::MAX);
            ensure_eq!(h.to_bytes(), unbounded, "to_bytes vs the generator");
            let segment = TcpSegment {
                header: h.clone(),
                payload: payload.clone(),
            };
            let expected_segment = unbounded.map(|mut b| {
                b.extend_from_slice(&payload);
                b
            });
            ensure_eq!(segment.to_bytes(), expected_segment, "segment to_bytes");
            let mut buf = vec![0xa5; available + payload.len()];
            let written = segment.write_to(&mut buf).map(|n| buf[..n].to_vec());
            let expected = generator_path(&h, available).map(|mut b| {
                b.extend_from_slice(&payload);
                b
            });
            let expected = match expected {
                Err(Error::BufferTooSmall { .. }) => Err(Error::BufferTooSmall {
                    needed: segment.len(),
                    available: buf.len(),
                }),
                other => other,
            };
            ensure_eq!(written, expected, "segment write_to");
            Ok(())
        })())
    }
    quickcheck().quickcheck(prop as fn(CommonHeader, Vec<u8>) -> TestResult);
}

/// An option built from raw field values, with no regard for validity: fields wider than their
/// bits, lists too long, kinds in the wrong variant, malformed options whose bytes say
/// something else.
fn raw_option(g: &mut Gen) -> TcpOption {
    fn bytes<const N: usize>(g: &mut Gen) -> InlineBytes<N> {
        let v: Vec<u8> = Vec::arbitrary(g);
        InlineBytes::from_slice(&v[..v.len().min(N)]).unwrap()
    }
    let counter = |g: &mut Gen| {
        if bool::arbitrary(g) {
            Some(u32::arbitrary(g) % (1 << 25))
        } else {
            None
        }
    };
    match u8::arbitrary(g) % 13 {
        0 => TcpOption::PocServiceProfile(PocServiceProfile {
            start: bool::arbitrary(g),
            end: bool::arbitrary(g),
            filler: u8::arbitrary(g) % 0x50,
        }),
        1 => TcpOption::QuickStartResponse(QuickStartResponse {
            reserved: u8::arbitrary(g) % 20,
            rate_request: u8::arbitrary(g) % 20,
            ttl_diff: u8::arbitrary(g),
            nonce: u32::arbitrary(g),
            nonce_reserved: u8::arbitrary(g) % 5,
        }),
        2 => TcpOption::UserTimeout(UserTimeout {
            granularity: tcpwire::Granularity::Seconds,
            timeout: u16::arbitrary(g),
        }),
        3 => TcpOption::AccEcnOrder0(AccEcnCounters {
            ee0b: counter(g),
            eceb: counter(g),
            ee1b: counter(g),
        }),
        4 => TcpOption::AccEcnOrder1(AccEcnCounters {
            ee0b: counter(g),
            eceb: counter(g),
            ee1b: counter(g),
        }),
        5 => TcpOption::Sack(Sack {
            blocks: (0..u8::arbitrary(g) % 7)
                .map(|_| SackBlock::arbitrary(g))
                .collect(),
        }),
        6 => TcpOption::FastOpen(FastOpen { cookie: bytes(g) }),
        7 => TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: pick(g, &[253, 254, 0]),
            cookie: bytes(g),
        }),
        8 => TcpOption::Experiment(Experiment {
            kind: pick(g, &[253, 254, 0]),
            exid: pick(g, &[tcpwire::EXID_FAST_OPEN, 0]),
            data: bytes(g),
        }),
        9 => TcpOption::Unknown(Unknown {
            kind: u8::arbitrary(g),
            data: bytes(g),
        }),
        10 => TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::from_value(u8::arbitrary(g)),
        }),
        11 => {
            // A malformed option: the bytes of some option, made to start with the kind, and
            // a reason that may or may not be the parser's.
            let base = TcpOption::arbitrary(g);
            let kind = if bool::arbitrary(g) {
                base.kind()
            } else {
                u8::arbitrary(g)
            };
            let mut b = base.to_bytes().unwrap();
            if bool::arbitrary(g) {
                b.truncate(usize::from(u8::arbitrary(g)) % (b.len() + 1));
            }
            if let Some(first) = b.first_mut() {
                *first = kind;
            }
            let reason = match base {
                TcpOption::Malformed(Malformed { reason, .. }) if bool::arbitrary(g) => reason,
                _ => *g
                    .choose(&[
                        MalformedReason::MissingLength,
                        MalformedReason::LengthBelowTwo {
                            length: b.get(1).copied().unwrap_or(0),
                        },
                        MalformedReason::Overrun {
                            length: b.get(1).copied().unwrap_or(0),
                            available: b.len() as u8,
                        },
                        MalformedReason::BadLength {
                            length: b.get(1).copied().unwrap_or(0),
                            allowed: tcpwire::wire::allowed_lengths(kind),
                        },
                    ])
                    .unwrap(),
            };
            TcpOption::Malformed(Malformed {
                kind,
                bytes: InlineBytes::from_slice(&b).unwrap(),
                reason,
            })
        }
        _ => TcpOption::Mptcp(MptcpOption::arbitrary(g)),
    }
}

/// A generated header with a few fields, options or bytes broken at random.
#[derive(Clone, Debug)]
struct Corrupted(TcpHeader);

impl Arbitrary for Corrupted {
    fn arbitrary(g: &mut Gen) -> Self {
        let mut h = TcpHeader::arbitrary(g);
        for _ in 0..1 + u8::arbitrary(g) % 3 {
            let at = |g: &mut Gen, len: usize| usize::arbitrary(g) % (len + 1);
            match u8::arbitrary(g) % 8 {
                0 => h.data_offset = u8::arbitrary(g) % 20,
                1 => h.reserved = u8::arbitrary(g) % 10,
                2 => {
                    let i = at(g, h.options.len());
                    h.options.insert(i, TcpOption::arbitrary(g));
                }
                3 if !h.options.is_empty() => {
                    let i = at(g, h.options.len() - 1);
                    h.options.remove(i);
                }
                4 => h.padding = InlineBytes::arbitrary(g),
                _ => {
                    let i = at(g, h.options.len());
                    let raw = raw_option(g);
                    if i < h.options.len() && bool::arbitrary(g) {
                        h.options[i] = raw;
                    } else {
                        h.options.insert(i, raw);
                    }
                }
            }
        }
        Corrupted(h)
    }
}

#[test]
fn p4_validate_agrees_with_to_bytes_on_broken_values() {
    fn prop(c: Corrupted, payload: Vec<u8>) -> TestResult {
        let h = c.0;
        verdict((|| {
            let validated = h.validate();
            ensure_eq!(
                h.to_bytes().err(),
                validated.clone().err(),
                "to_bytes vs validate"
            );
            let mut buf = [0u8; 60];
            ensure_eq!(
                h.write_to(&mut buf).err(),
                validated.clone().err(),
                "write_to vs validate"
            );
            let segment = TcpSegment {
                header: h.clone(),
                payload,
            };
            ensure_eq!(
                segment.to_bytes().err(),
                validated.clone().err(),
                "segment to_bytes vs validate"
            );
            for option in &h.options {
                ensure_eq!(
                    option.to_bytes().err(),
                    option.validate().err(),
                    "option {option:?}"
                );
            }
            if validated.is_ok() {
                // What validates has an exact encoding that parses back to the very value.
                let bytes = h.to_bytes().map_err(|e| e.to_string())?;
                let back = TcpHeader::parse_lossless(&bytes)
                    .map_err(|e| format!("lossless parse of {bytes:02x?}: {e}"))?;
                ensure_eq!(back, h, "a validated header parses back from {bytes:02x?}");
            }
            Ok(())
        })())
    }
    quickcheck().quickcheck(prop as fn(Corrupted, Vec<u8>) -> TestResult);
}

#[test]
fn p4_raw_options_validate_exactly_when_they_parse_back() {
    #[derive(Clone, Debug)]
    struct Raw(TcpOption);
    impl Arbitrary for Raw {
        fn arbitrary(g: &mut Gen) -> Self {
            Raw(raw_option(g))
        }
    }
    fn prop(raw: Raw) -> TestResult {
        let o = raw.0;
        verdict((|| {
            ensure_eq!(
                o.to_bytes().err(),
                o.validate().err(),
                "to_bytes vs validate"
            );
            if let Ok(bytes) = o.to_bytes() {
                let empty: &[u8] = &[];
                ensure_eq!(
                    TcpOption::parse_prefix(&bytes, ParseMode::Lossless),
                    Ok((o.clone(), empty)),
                    "a validated option parses back from {bytes:02x?}"
                );
            }
            Ok(())
        })())
    }
    quickcheck().quickcheck(prop as fn(Raw) -> TestResult);
}

// ---------------------------------------------------------------------------------------------
// The generators reach every variant and every corner

#[test]
fn generators_cover_every_variant_and_corner() {
    let mut g = Gen::new(100);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut note = |what: String| *seen.entry(what).or_default() += 1;
    let describe = |o: &TcpOption| -> Vec<String> {
        let mut out = vec![o.name().to_string()];
        match o {
            TcpOption::Malformed(Malformed { kind, reason, .. }) => {
                out.push(format!("malformed:{}", reason.name()));
                if let MalformedReason::LengthBelowTwo { length } = reason {
                    out.push(format!("length_below_two:{length}"));
                }
                if let MalformedReason::BadLength { allowed, .. } = reason {
                    out.push(format!("bad_length:{kind}"));
                    if *allowed == tcpwire::LengthSet::of(&[4, 8, 10, 12, 14, 16, 18, 20]) {
                        out.push("bad_length:fast_open_experiment".into());
                    }
                }
            }
            TcpOption::WindowScale(WindowScale { shift }) if *shift > 14 => {
                out.push("shift>14".into())
            }
            TcpOption::Sack(Sack { blocks }) => out.push(format!("sack:{}", blocks.len())),
            TcpOption::FastOpen(FastOpen { cookie }) if cookie.is_empty() => {
                out.push("fast_open:request".into())
            }
            TcpOption::ExperimentalFastOpen(ExperimentalFastOpen { cookie, .. })
                if cookie.is_empty() =>
            {
                out.push("experimental_fast_open:request".into())
            }
            TcpOption::AccEcnOrder0(_) | TcpOption::AccEcnOrder1(_) => {
                out.push(format!("{}:{}", o.name(), (o.encoded_len() - 2) / 3))
            }
            TcpOption::UserTimeout(UserTimeout { granularity, .. }) => {
                out.push(format!("user_timeout:{granularity:?}"))
            }
            _ => {}
        }
        out
    };
    for _ in 0..20_000 {
        let o = TcpOption::arbitrary(&mut g);
        for what in describe(&o) {
            note(what);
        }
    }
    for _ in 0..20_000 {
        let h = TcpHeader::arbitrary(&mut g);
        note(format!("data_offset:{}", h.data_offset));
        if h.options.len() == 40 && h.options.iter().all(|o| *o == TcpOption::Nop) {
            note("header:40_nops".into());
        }
        if h.padding.iter().any(|&b| b != 0) {
            note("header:nonzero_padding".into());
        }
        if !h.padding.is_empty() && h.padding.iter().all(|&b| b == 0) {
            note("header:zero_padding".into());
        }
        if h.reserved != 0 {
            note("header:reserved".into());
        }
        if h.flags.ae() {
            note("header:ae".into());
        }
        if h.options.len() > 1 && h.options.iter().rev().skip(1).any(|o| o.is_malformed()) {
            note("header:malformed_then_more".into());
        }
        if let Some(TcpOption::Malformed(Malformed { reason, .. })) = h.options.last() {
            note(format!("header:last_malformed:{}", reason.name()));
        }
        for o in &h.options {
            for what in describe(o) {
                note(format!("in_header:{what}"));
            }
        }
    }
    let mut missing = Vec::new();
    let mut expect = |what: &str| {
        if !seen.contains_key(what) {
            missing.push(what.to_string());
        }
    };
    for name in [
        "eol",
        "nop",
        "mss",
        "window_scale",
        "sack_permitted",
        "sack",
        "echo",
        "echo_reply",
        "timestamps",
        "poc_permitted",
        "poc_service_profile",
        "cc",
        "cc_new",
        "cc_echo",
        "alt_checksum_request",
        "alt_checksum_data",
        "md5_signature",
        "quick_start_response",
        "user_timeout",
        "tcp_ao",
        "mptcp",
        "fast_open",
        "eno",
        "accecn_order0",
        "accecn_order1",
        "experimental_fast_open",
        "experiment",
        "unknown",
        "malformed",
    ] {
        expect(name);
        if name != "eol" {
            expect(&format!("in_header:{name}"));
        }
    }
    for what in [
        "malformed:missing_length",
        "length_below_two:0",
        "length_below_two:1",
        "malformed:overrun",
        "bad_length:fast_open_experiment",
        "shift>14",
        "sack:1",
        "sack:2",
        "sack:3",
        "sack:4",
        "fast_open:request",
        "experimental_fast_open:request",
        "user_timeout:Seconds",
        "user_timeout:Minutes",
        "header:40_nops",
        "header:nonzero_padding",
        "header:zero_padding",
        "header:reserved",
        "header:ae",
        "header:malformed_then_more",
        "header:last_malformed:missing_length",
        "header:last_malformed:length_below_two",
        "header:last_malformed:overrun",
        "header:last_malformed:bad_length",
        "in_header:eol",
        "in_header:sack:4",
        "data_offset:5",
        "data_offset:15",
    ] {
        expect(what);
    }
    for kind in [
        2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 19, 27, 28, 29, 30, 34, 172, 174, 253, 254,
    ] {
        expect(&format!("bad_length:{kind}"));
    }
    for n in 0..=3 {
        expect(&format!("accecn_order0:{n}"));
        expect(&format!("accecn_order1:{n}"));
    }
    assert!(
        missing.is_empty(),
        "never generated: {missing:?}\nseen: {seen:?}"
    );
}
