//! The `arbitrary` crate impls (feature `arbitrary`): every value made from random fuzzer
//! input is valid and round-trips, and the input reaches every shape.

#![cfg(feature = "arbitrary")]

use std::collections::BTreeSet;

use tcpwire::fuzzing::arbitrary::{Arbitrary, Unstructured};
use tcpwire::{MptcpOption, TcpHeader, TcpOption, TcpSegment};

/// A fixed-seed xorshift generator: the test's input buffers, the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn buffer(&mut self) -> Vec<u8> {
        let len = (self.next() % 600) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

const BUFFERS: usize = 20_000;

#[test]
fn segments_from_random_input_validate_and_round_trip() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut made, mut malformed, mut with_options) = (0, 0, 0);
    for _ in 0..BUFFERS {
        let input = rng.buffer();
        let Ok(segment) = TcpSegment::arbitrary(&mut Unstructured::new(&input)) else {
            continue;
        };
        made += 1;
        segment.header.validate().unwrap();
        let bytes = segment.to_bytes().unwrap();
        assert_eq!(TcpSegment::parse_lossless(&bytes).unwrap(), segment);
        malformed += usize::from(segment.header.has_malformed());
        with_options += usize::from(!segment.header.options.is_empty());
    }
    eprintln!("{made} segments, {with_options} with options, {malformed} with a malformed one");
    assert_eq!(made, BUFFERS, "every input makes a segment");
    assert!(with_options > BUFFERS / 2);
    // Malformed options come up, but most headers are well-formed.
    assert!(
        malformed > BUFFERS / 50 && malformed < BUFFERS / 2,
        "{malformed}"
    );
}

#[test]
fn take_rest_puts_the_rest_in_the_payload() {
    let mut rng = Rng(0x7f4a_7c15_9e37_79b9);
    let input: Vec<u8> = (0..2000).map(|_| rng.next() as u8).collect();
    let segment = TcpSegment::arbitrary_take_rest(Unstructured::new(&input)).unwrap();
    // The header takes at most a few hundred bytes; the rest is the payload.
    assert!(segment.payload.len() > 1000, "{}", segment.payload.len());
    assert!(input.ends_with(&segment.payload));
    assert_eq!(
        TcpSegment::parse_lossless(&segment.to_bytes().unwrap()).unwrap(),
        segment
    );
}

#[test]
fn options_from_random_input_reach_every_decoded_kind_and_round_trip_alone() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut names = BTreeSet::new();
    for _ in 0..BUFFERS {
        let input = rng.buffer();
        let option = TcpOption::arbitrary(&mut Unstructured::new(&input)).unwrap();
        option.validate().unwrap();
        let bytes = option.to_bytes().unwrap();
        let (options, _) =
            tcpwire::parse_options(&bytes, 20, tcpwire::ParseMode::Lossless).unwrap();
        assert_eq!(
            options.first(),
            Some(&option),
            "{}",
            tcpwire::to_hex(&bytes)
        );
        names.insert(option.name());
    }
    eprintln!("{} option types: {names:?}", names.len());
    for name in [
        "eol",
        "nop",
        "mss",
        "window_scale",
        "sack_permitted",
        "sack",
        "timestamps",
        "mptcp",
        "fast_open",
        "tcp_ao",
        "md5_signature",
        "unknown",
        "malformed",
    ] {
        assert!(names.contains(name), "no {name} option in {names:?}");
    }
}

#[test]
fn mptcp_options_cover_every_subtype() {
    let mut rng = Rng(0x5851_f42d_4c95_7f2d);
    let mut subtypes = BTreeSet::new();
    for _ in 0..BUFFERS {
        let input = rng.buffer();
        if let Ok(m) = MptcpOption::arbitrary(&mut Unstructured::new(&input)) {
            let option = TcpOption::Mptcp(m.clone());
            option.validate().unwrap();
            let header = TcpHeader::builder().mptcp(m).build().unwrap();
            let bytes = header.to_bytes().unwrap();
            assert_eq!(TcpHeader::parse(&bytes).unwrap().options[0], option);
            subtypes.insert(u8::from(option_subtype(&option)));
        }
    }
    assert_eq!(subtypes.len(), 16, "{subtypes:?}");
}

fn option_subtype(option: &TcpOption) -> tcpwire::MptcpSubtype {
    match option {
        TcpOption::Mptcp(m) => m.subtype(),
        _ => unreachable!(),
    }
}

#[test]
fn headers_from_random_input_round_trip_through_the_harness() {
    let mut rng = Rng(0x1405_7b7e_f767_814f);
    for _ in 0..BUFFERS / 4 {
        let input = rng.buffer();
        let header = TcpHeader::arbitrary(&mut Unstructured::new(&input)).unwrap();
        let bytes = header.to_bytes().unwrap();
        assert_eq!(tcpwire::harness::check_roundtrip(&bytes), Ok(()));
    }
}
