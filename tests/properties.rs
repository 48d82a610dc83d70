//! Round-trip properties, each over at least 10,000 cases (P4, `validate` against the
//! writers, is in `properties_writing.rs`).
//!
//! - P1: every generated header, segment and option parses back (lossless) to itself from its
//!   bytes; strict parsing agrees unless the value holds a malformed option, and then fails on
//!   the first one with its kind, offset and reason.
//! - P2: for arbitrary bytes (random; random behind a valid fixed header; mutated real headers)
//!   that lossless parsing accepts, serializing gives back exactly those bytes; strict and
//!   lossless parsing agree.
//! - P3: JSON round-trips every generated option, header and segment.
mod common;
#[macro_use]
#[path = "support/properties.rs"]
mod support;

use std::collections::BTreeSet;
use std::sync::OnceLock;
use tcpwire::option::Malformed;

use quickcheck::{Arbitrary, Gen, TestResult};
use support::*;
use tcpwire::{Error, ParseMode, TcpHeader, TcpOption, TcpSegment};

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
