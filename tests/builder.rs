//! The builder: parse(build(list)) gives back the list in order (plus one EOL when padding is
//! needed), the header is canonical, and lists that do not fit are refused.
use quickcheck::{Arbitrary, Gen, QuickCheck};
use tcpwire::option::UserTimeout;
use tcpwire::{Error, Flags, Granularity, SackBlock, TcpHeader, TcpOption, TcpSegment};

/// A list of 0..=10 well-formed options, sometimes ending with an EOL; about half fit in 40
/// bytes.
#[derive(Debug, Clone)]
struct OptionListCase(Vec<TcpOption>);

impl Arbitrary for OptionListCase {
    fn arbitrary(g: &mut Gen) -> Self {
        // The crate's generator (src/arbitrary.rs, MPTCP included); the builder refuses
        // malformed options and an EOL only ends a list, so those are left out.
        let n = usize::arbitrary(g) % 11;
        let mut list: Vec<TcpOption> = std::iter::repeat_with(|| TcpOption::arbitrary(g))
            .filter(|o| !o.is_malformed() && *o != TcpOption::Eol)
            .take(n)
            .collect();
        if usize::arbitrary(g) % 4 == 0 {
            list.push(TcpOption::Eol);
        }
        OptionListCase(list)
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let list = self.0.clone();
        Box::new((0..list.len()).map(move |i| {
            let mut shorter = list.clone();
            shorter.remove(i);
            OptionListCase(shorter)
        }))
    }
}

fn build_parse_round_trip(case: OptionListCase) -> bool {
    let list = case.0;
    let length: usize = list.iter().map(TcpOption::encoded_len).sum();
    let built = TcpSegment::builder()
        .ports(50000, 443)
        .syn()
        .options(list.clone())
        .payload(&b"data"[..])
        .build();
    if length > 40 {
        return built == Err(Error::OptionsTooLong { length });
    }
    let Ok(segment) = built else {
        eprintln!("refused {list:?}: {built:?}");
        return false;
    };
    let header = &segment.header;
    // The list, then one EOL when the length is not a multiple of 4 and the list does not
    // already end with one.
    let mut expected = list.clone();
    let ends_with_eol = matches!(list.last(), Some(TcpOption::Eol));
    if length % 4 != 0 && !ends_with_eol {
        expected.push(TcpOption::Eol);
    }
    let written: usize = expected.iter().map(TcpOption::encoded_len).sum();
    let padded = length.div_ceil(4) * 4;
    let bytes = segment.to_bytes().unwrap();
    let parsed = TcpSegment::parse(&bytes).unwrap();
    parsed == segment
        && parsed.header.options.as_slice() == expected.as_slice()
        && parsed.payload == b"data"
        // Canonical: minimal data offset, zero padding.
        && usize::from(header.data_offset) * 4 == 20 + padded
        && header.padding.len() == padded - written
        && header.padding.iter().all(|&b| b == 0)
        && bytes[20 + written..20 + padded].iter().all(|&b| b == 0)
}

#[test]
fn quickcheck_parse_of_build_gives_the_list_back() {
    QuickCheck::new()
        .tests(10_000)
        .max_tests(10_000)
        .quickcheck(build_parse_round_trip as fn(OptionListCase) -> bool);
}

/// The generator reaches both sides of the 40-byte limit and both padding cases.
#[test]
fn generator_covers_fitting_too_long_and_padded_lists() {
    let mut g = Gen::new(100);
    let (mut fits, mut too_long, mut padded, mut aligned) = (0, 0, 0, 0);
    for _ in 0..2000 {
        let case = OptionListCase::arbitrary(&mut g);
        let length: usize = case.0.iter().map(TcpOption::encoded_len).sum();
        match (length > 40, length % 4 == 0) {
            (true, _) => too_long += 1,
            (false, true) => {
                fits += 1;
                aligned += 1
            }
            (false, false) => {
                fits += 1;
                padded += 1
            }
        }
    }
    assert!(
        fits > 400 && too_long > 400,
        "fits {fits}, too long {too_long}"
    );
    assert!(
        padded > 100 && aligned > 100,
        "padded {padded}, aligned {aligned}"
    );
}

#[test]
fn linux_syn_is_the_known_bytes() {
    // The Linux SYN of the crate docs: MSS, SACK permitted, timestamps, NOP, window scale.
    let expected = tcpwire::from_hex(
        "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
    )
    .unwrap();
    let header = TcpHeader::builder()
        .ports(50000, 443)
        .seq(1)
        .syn()
        .window(64240)
        .mss(1460)
        .sack_permitted()
        .timestamps(1, 0)
        .nop()
        .window_scale(7)
        .build()
        .unwrap();
    assert_eq!(header.to_bytes().unwrap(), expected);
    assert_eq!(header, TcpHeader::parse(&expected).unwrap());
}

#[test]
fn option_helpers_make_the_options_they_name() {
    let blocks = [
        SackBlock { left: 1, right: 2 },
        SackBlock { left: 5, right: 9 },
    ];
    let header = TcpHeader::builder()
        .ack()
        .nop()
        .sack(&blocks)
        .fast_open(&[])
        .fast_open(&[0xde, 0xad, 0xbe, 0xef])
        .option(TcpOption::UserTimeout(UserTimeout {
            granularity: Granularity::Minutes,
            timeout: 5,
        }))
        .build()
        .unwrap();
    let bytes = header.to_bytes().unwrap();
    assert_eq!(
        &bytes[20..],
        &[
            1, // NOP
            5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 9, // SACK
            34, 2, // TFO cookie request
            34, 6, 0xde, 0xad, 0xbe, 0xef, // TFO cookie
            28, 4, 0x80, 5, // User Timeout, 5 minutes: 31 bytes so far
            0, // EOL, ending the word
        ][..]
    );
    assert_eq!(header.data_offset, 5 + 32 / 4);
    assert!(header.padding.is_empty());
    assert_eq!(header.flags, Flags::ACK);
}

#[test]
fn build_with_checksum_fills_a_verifiable_checksum() {
    use std::net::{Ipv4Addr, Ipv6Addr};
    let (s4, d4) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
    let segment = TcpSegment::builder()
        .ports(1, 2)
        .syn()
        .mss(1460)
        .payload(vec![1, 2, 3])
        .build_with_checksum(s4, d4)
        .unwrap();
    assert_ne!(segment.header.checksum, 0);
    assert!(tcpwire::checksum::verify(s4, d4, &segment.to_bytes().unwrap()).unwrap());
    // The header builder takes the payload the checksum covers.
    let (s6, d6) = (
        Ipv6Addr::LOCALHOST,
        "2001:db8::1".parse::<Ipv6Addr>().unwrap(),
    );
    let header = TcpHeader::builder()
        .ports(1, 2)
        .ack()
        .build_with_checksum(s6, d6, b"payload")
        .unwrap();
    let mut bytes = header.to_bytes().unwrap();
    bytes.extend_from_slice(b"payload");
    assert!(tcpwire::checksum::verify(s6, d6, &bytes).unwrap());
    // Mixed families are refused.
    assert!(matches!(
        TcpSegment::builder().build_with_checksum(s4, d6),
        Err(Error::AddressFamilyMismatch { .. })
    ));
}
