//! Round-trip properties, each over at least 10,000 cases.
//!
//! - P1: every generated header, segment and option parses back (lossless) to itself from its
//!   bytes; strict parsing agrees unless the value holds a malformed option, and then fails on
//!   the first one with its kind, offset and reason.
//! - P2: for arbitrary bytes (random; random behind a valid fixed header; mutated real headers)
//!   that lossless parsing accepts, serializing gives back exactly those bytes; strict and
//!   lossless parsing agree.
//! - P3: JSON round-trips every generated option, header and segment.
//! - P4: `validate` and `to_bytes`/`write_to` agree, on generated values and on values with
//!   fields broken at random; whatever validates parses back to itself; the direct writer
//!   (headers of common option kinds) gives the generator's very bytes and errors.
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use tcpwire::option::{
    AltChecksumRequest, Experiment, ExperimentalFastOpen, FastOpen, Malformed, Mss,
    PocServiceProfile, QuickStartResponse, Sack, Timestamps, Unknown, UserTimeout, WindowScale,
};

use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use tcpwire::{
    AccEcnCounters, AltChecksumAlgorithm, Error, InlineBytes, MalformedReason, MptcpOption,
    ParseMode, SackBlock, TcpHeader, TcpOption, TcpSegment,
};

const CASES: u64 = 10_000;

fn quickcheck() -> QuickCheck {
    QuickCheck::new().tests(CASES).max_tests(CASES * 2)
}

/// Turns a check's outcome into a quickcheck verdict carrying the message.
fn verdict(outcome: Result<(), String>) -> TestResult {
    match outcome {
        Ok(()) => TestResult::passed(),
        Err(message) => TestResult::error(message),
    }
}

macro_rules! ensure_eq {
    ($left:expr, $right:expr, $($context:tt)+) => {
        match (&$left, &$right) {
            (left, right) => {
                if left != right {
                    return Err(format!(
                        "{}:\n  left:  {:?}\n  right: {:?}",
                        format!($($context)+),
                        left,
                        right
                    ));
                }
            }
        }
    };
}

/// The first malformed option of a header, as strict parsing reports it: its kind, its offset
/// from the start of the header, and its reason.
fn first_malformed(h: &TcpHeader) -> Option<(u8, usize, MalformedReason)> {
    let mut offset = tcpwire::FIXED_HEADER_LEN;
    for option in &h.options {
        if let TcpOption::Malformed(Malformed { kind, reason, .. }) = option {
            return Some((*kind, offset, *reason));
        }
        offset += option.encoded_len();
    }
    None
}

fn strict_error(found: Option<(u8, usize, MalformedReason)>) -> Option<Error> {
    found.map(|(kind, offset, reason)| Error::MalformedOption {
        kind,
        offset,
        reason,
    })
}

// ---------------------------------------------------------------------------------------------
// P1: generated values parse back from their bytes

fn header_round_trips(h: &TcpHeader) -> Result<(), String> {
    let bytes = h.to_bytes().map_err(|e| format!("to_bytes: {e}"))?;
    ensure_eq!(bytes.len(), h.header_len(), "length of {h:?}");
    let lossless = TcpHeader::parse_lossless(&bytes).map_err(|e| format!("lossless: {e}"))?;
    ensure_eq!(lossless, *h, "lossless parse of {bytes:02x?}");
    match strict_error(first_malformed(h)) {
        None => ensure_eq!(TcpHeader::parse(&bytes), Ok(h.clone()), "strict parse"),
        Some(e) => ensure_eq!(TcpHeader::parse(&bytes), Err(e), "strict parse"),
    }
    Ok(())
}

#[test]
fn p1_generated_headers_parse_back() {
    fn prop(h: TcpHeader) -> TestResult {
        verdict(header_round_trips(&h))
    }
    quickcheck().quickcheck(prop as fn(TcpHeader) -> TestResult);
}

#[test]
fn p1_generated_segments_parse_back() {
    fn prop(s: TcpSegment) -> TestResult {
        verdict((|| {
            let bytes = s.to_bytes().map_err(|e| format!("to_bytes: {e}"))?;
            ensure_eq!(bytes.len(), s.len(), "length");
            let lossless =
                TcpSegment::parse_lossless(&bytes).map_err(|e| format!("lossless: {e}"))?;
            ensure_eq!(lossless, s, "lossless parse of {bytes:02x?}");
            match strict_error(first_malformed(&s.header)) {
                None => ensure_eq!(TcpSegment::parse(&bytes), Ok(s.clone()), "strict parse"),
                Some(e) => ensure_eq!(TcpSegment::parse(&bytes), Err(e), "strict parse"),
            }
            Ok(())
        })())
    }
    quickcheck().quickcheck(prop as fn(TcpSegment) -> TestResult);
}

#[test]
fn p1_generated_options_parse_back() {
    fn prop(o: TcpOption) -> TestResult {
        verdict((|| {
            let bytes = o.to_bytes().map_err(|e| format!("to_bytes: {e}"))?;
            ensure_eq!(bytes.len(), o.encoded_len(), "length of {o:?}");
            ensure_eq!(bytes.first(), Some(&o.kind()), "kind byte");
            let empty: &[u8] = &[];
            ensure_eq!(
                TcpOption::parse_prefix(&bytes, ParseMode::Lossless),
                Ok((o.clone(), empty)),
                "lossless parse of {bytes:02x?}"
            );
            match &o {
                TcpOption::Malformed(Malformed { kind, reason, .. }) => ensure_eq!(
                    TcpOption::parse(&bytes),
                    Err(Error::MalformedOption {
                        kind: *kind,
                        offset: 0,
                        reason: *reason
                    }),
                    "strict parse of {bytes:02x?}"
                ),
                _ => ensure_eq!(
                    TcpOption::parse(&bytes),
                    Ok(o.clone()),
                    "strict parse of {bytes:02x?}"
                ),
            }
            Ok(())
        })())
    }
    quickcheck().quickcheck(prop as fn(TcpOption) -> TestResult);
}

// ---------------------------------------------------------------------------------------------
// P2: arbitrary bytes

/// What must hold for any input: lossless acceptance implies byte-exact re-serialization, and
/// strict parsing agrees with lossless parsing.
fn bytes_round_trip(b: &[u8]) -> Result<(), String> {
    let lossless = TcpSegment::parse_lossless(b);
    let strict = TcpSegment::parse(b);
    if let Ok(seg) = &lossless {
        let out = seg
            .to_bytes()
            .map_err(|e| format!("to_bytes of an accepted input {b:02x?}: {e}"))?;
        ensure_eq!(out, b, "re-serialized bytes");
        let header = TcpHeader::parse_lossless(b).map_err(|e| format!("header alone: {e}"))?;
        ensure_eq!(header, seg.header, "header alone");
        ensure_eq!(
            header.to_bytes().ok().as_deref(),
            b.get(..header.header_len()),
            "header bytes"
        );
    }
    match (&strict, &lossless) {
        (Ok(s), Ok(l)) => {
            ensure_eq!(s, l, "strict and lossless values of {b:02x?}");
            ensure_eq!(first_malformed(&l.header), None, "strict Ok on a malformed");
        }
        (Err(Error::MalformedOption { .. }), Ok(l)) => ensure_eq!(
            strict.as_ref().err(),
            strict_error(first_malformed(&l.header)).as_ref(),
            "strict error vs the first malformed option of {b:02x?}"
        ),
        (Err(s), Err(l)) => ensure_eq!(s, l, "header errors of {b:02x?}"),
        _ => {
            return Err(format!(
                "modes disagree on {b:02x?}: strict {strict:?}, lossless {lossless:?}"
            ))
        }
    }
    Ok(())
}

#[test]
fn p2_random_bytes() {
    fn prop(b: Vec<u8>) -> TestResult {
        verdict(bytes_round_trip(&b))
    }
    quickcheck().quickcheck(prop as fn(Vec<u8>) -> TestResult);
}

/// A random fixed header with a random data offset (usually 5..=15, sometimes below), then
/// option-like or random bytes (sometimes short of the data offset, sometimes past it).
#[derive(Clone, Debug)]
struct FixedThenRandom(Vec<u8>);

impl Arbitrary for FixedThenRandom {
    fn arbitrary(g: &mut Gen) -> Self {
        let mut b: Vec<u8> = (0..20).map(|_| u8::arbitrary(g)).collect();
        let data_offset = if u8::arbitrary(g) % 8 == 0 {
            u8::arbitrary(g) % 16
        } else {
            5 + u8::arbitrary(g) % 11
        };
        b[12] = (data_offset << 4) | (b[12] & 0x0f);
        let area = usize::from(data_offset.max(5)) * 4 - 20;
        let target = match u8::arbitrary(g) % 6 {
            0 => usize::from(u8::arbitrary(g)) % (area + 1),
            1 => area + usize::from(u8::arbitrary(g) % 32),
            _ => area,
        };
        const KINDS: [u8; 24] = [
            0, 1, 1, 2, 3, 4, 5, 8, 10, 14, 15, 19, 21, 27, 28, 29, 30, 34, 69, 172, 174, 253, 254,
            76,
        ];
        while b.len() < 20 + target {
            if bool::arbitrary(g) {
                b.push(u8::arbitrary(g));
                continue;
            }
            let kind = *g.choose(&KINDS).unwrap();
            b.push(kind);
            if kind <= 1 {
                continue;
            }
            let usual = usize::from(
                tcpwire::wire::allowed_lengths(kind)
                    .iter()
                    .next()
                    .unwrap_or(2),
            );
            let length = match u8::arbitrary(g) % 5 {
                0 => usize::from(u8::arbitrary(g)),
                1 => usize::from(u8::arbitrary(g) % 2),
                2 => usual + 1,
                _ => usual + 8 * usize::from(kind == 5) * usize::from(u8::arbitrary(g) % 4),
            };
            b.push(length as u8);
            for _ in 2..length.min(12) {
                b.push(u8::arbitrary(g));
            }
            if kind >= 253 && bool::arbitrary(g) {
                b.extend_from_slice(&tcpwire::EXID_FAST_OPEN.to_be_bytes());
            }
        }
        b.truncate(20 + target);
        // A payload now and then.
        for _ in 0..usize::from(u8::arbitrary(g) % 4) {
            b.push(u8::arbitrary(g));
        }
        FixedThenRandom(b)
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let b = self.0.clone();
        Box::new(
            (20..b.len())
                .rev()
                .map(move |n| FixedThenRandom(b[..n].to_vec())),
        )
    }
}

#[test]
fn p2_random_bytes_behind_a_fixed_header() {
    fn prop(b: FixedThenRandom) -> TestResult {
        verdict(bytes_round_trip(&b.0))
    }
    quickcheck().quickcheck(prop as fn(FixedThenRandom) -> TestResult);
}

/// Real-looking headers for when the public corpus is absent (always used too): a Linux SYN, a
/// SYN/ACK, a SACK ACK, an MPTCP SYN, EOL with garbage padding, a shift of 15, an overrun.
const BUILT_IN_HEADERS: [&str; 8] = [
    "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
    "01bbc3500000006400000002a012fe4cc1d20000020405b40402080a00000064000000010103030a",
    "01bbc350000003e8000007d0b0100200000000000101080a0000000a0000000b0101050a00000bb800000fa0",
    "d0e41770704ad0e900000000b002faf0a67900000204058c0402080a8990aa6d00000000010303071e040101",
    "0050c3500000000100000002701002000000000002040218000a0b0c",
    "0050c35000000001000000026012ffff0000000003030f00",
    "0050c35000000001000000026010ffff0000000005120000",
    "0050c35000000001000000025010ffff00000000474554202f",
];

/// The segments to mutate: the public corpus's TCP segments (header and at most 8 payload
/// bytes), plus the built-in headers.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut set = BTreeSet::new();
        for hex in BUILT_IN_HEADERS {
            set.insert(tcpwire::from_hex(hex).expect("built-in hex"));
        }
        match common::public_corpus() {
            Some(dir) => {
                for path in common::captures_in(&dir) {
                    common::for_each_tcp(&path, |_, tcp| {
                        let seg = tcp.segment;
                        let header_len = seg.get(12).map_or(20, |b| usize::from(b >> 4) * 4);
                        set.insert(seg[..seg.len().min(header_len.max(20) + 8)].to_vec());
                    });
                }
                eprintln!("mutating {} distinct corpus segments", set.len());
            }
            None => eprintln!(
                "public corpus absent: mutating only the {} built-in headers",
                BUILT_IN_HEADERS.len()
            ),
        }
        set.into_iter().collect()
    })
}

/// One of `choices`, where a 0 stands for a random value.
fn pick<T: Arbitrary + Copy + Default + PartialEq>(g: &mut Gen, choices: &[T]) -> T {
    let choice = *g.choose(choices).unwrap();
    if choice == T::default() {
        T::arbitrary(g)
    } else {
        choice
    }
}

/// One change to a byte string; positions are taken modulo its length.
#[derive(Clone, Debug)]
enum Edit {
    Flip { pos: u8, bit: u8 },
    Set { pos: u8, value: u8 },
    Insert { pos: u8, value: u8 },
    Delete { pos: u8 },
    Truncate { len: u8 },
}

impl Arbitrary for Edit {
    fn arbitrary(g: &mut Gen) -> Self {
        // Positions in the option area (from byte 20) are the interesting ones.
        let pos = if bool::arbitrary(g) {
            20 + u8::arbitrary(g) % 40
        } else {
            u8::arbitrary(g)
        };
        match u8::arbitrary(g) % 8 {
            0 | 1 => Edit::Flip {
                pos,
                bit: u8::arbitrary(g) % 8,
            },
            2 | 3 => Edit::Set {
                pos,
                value: pick(g, &[0, 1, 2, 0xff, 0, 0, 0]),
            },
            4 => Edit::Insert {
                pos,
                value: u8::arbitrary(g),
            },
            5 | 6 => Edit::Delete { pos },
            _ => Edit::Truncate { len: pos },
        }
    }
}

fn apply(edit: &Edit, b: &mut Vec<u8>) {
    let at = |pos: u8, len: usize| usize::from(pos) % len.max(1);
    match *edit {
        Edit::Flip { pos, bit } if !b.is_empty() => {
            let i = at(pos, b.len());
            b[i] ^= 1 << bit;
        }
        Edit::Set { pos, value } if !b.is_empty() => {
            let i = at(pos, b.len());
            b[i] = value;
        }
        Edit::Insert { pos, value } => {
            let i = at(pos, b.len() + 1);
            b.insert(i, value);
        }
        Edit::Delete { pos } if !b.is_empty() => {
            let i = at(pos, b.len());
            b.remove(i);
        }
        Edit::Truncate { len } => b.truncate(usize::from(len)),
        _ => {}
    }
}

#[test]
fn p2_mutated_real_headers() {
    fn prop(pick: usize, edits: Vec<Edit>) -> TestResult {
        let seeds = seeds();
        let mut b = seeds[pick % seeds.len()].clone();
        for edit in edits.iter().take(3) {
            apply(edit, &mut b);
        }
        verdict(bytes_round_trip(&b))
    }
    quickcheck().quickcheck(prop as fn(usize, Vec<Edit>) -> TestResult);
}

#[test]
fn p2_unmutated_seeds_round_trip() {
    let mut accepted = 0;
    for seed in seeds() {
        bytes_round_trip(seed).unwrap_or_else(|e| panic!("{e}"));
        accepted += usize::from(TcpSegment::parse_lossless(seed).is_ok());
    }
    assert!(
        accepted >= BUILT_IN_HEADERS.len(),
        "only {accepted} seeds parse"
    );
}

// ---------------------------------------------------------------------------------------------
// P3: JSON

fn json_round_trips<T>(x: &T) -> Result<(), String>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_string(x).map_err(|e| format!("to_string of {x:?}: {e}"))?;
    let back: T = serde_json::from_str(&json).map_err(|e| format!("from_str of {json}: {e}"))?;
    ensure_eq!(back, *x, "JSON {json}");
    Ok(())
}

#[test]
fn p3_json_options() {
    fn prop(o: TcpOption) -> TestResult {
        verdict((|| {
            json_round_trips(&o)?;
            let v = serde_json::to_value(&o).map_err(|e| e.to_string())?;
            ensure_eq!(v["kind"], serde_json::json!(o.kind()), "kind in {v}");
            ensure_eq!(v["type"], serde_json::json!(o.name()), "type in {v}");
            Ok(())
        })())
    }
    quickcheck().quickcheck(prop as fn(TcpOption) -> TestResult);
}

#[test]
fn p3_json_headers() {
    fn prop(h: TcpHeader) -> TestResult {
        verdict(json_round_trips(&h))
    }
    quickcheck().quickcheck(prop as fn(TcpHeader) -> TestResult);
}

#[test]
fn p3_json_segments() {
    fn prop(s: TcpSegment) -> TestResult {
        verdict(json_round_trips(&s))
    }
    quickcheck().quickcheck(prop as fn(TcpSegment) -> TestResult);
}

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
