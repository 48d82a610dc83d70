//! Helpers of the hand-checked vector tests (`tests/vectors*.rs`): a hand-written fixed
//! header around a hand-written option area, and the checks every vector goes through.
#![allow(dead_code)]

use tcpwire::{Error, InlineBytes, TcpHeader, TcpOption};

/// `bytes` as inline bytes (the test's own data, so it fits).
pub fn inline<const N: usize>(bytes: &[u8]) -> InlineBytes<N> {
    InlineBytes::from_slice(bytes).expect("fits")
}
// ---------------------------------------------------------------------------------------------
// Helpers: a hand-written fixed header around a hand-written option area

/// `area` (a multiple of 4 bytes) behind a fixed header: ports 4660 -> 80, seq 1, ack 2, the
/// data offset that covers the area, ACK, window 65535, checksum 0, urgent pointer 0.
pub fn with_area(area: &[u8]) -> Vec<u8> {
    assert_eq!(area.len() % 4, 0, "test bug: area of {} bytes", area.len());
    let data_offset = u8::try_from((20 + area.len()) / 4).unwrap();
    let mut b = vec![
        0x12,
        0x34,
        0x00,
        0x50,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        2,
        data_offset << 4,
        0x10,
        0xff,
        0xff,
        0,
        0,
        0,
        0,
    ];
    b.extend_from_slice(area);
    b
}

/// A well-formed area: both modes give the same header, which writes back the same bytes.
pub fn parse_well_formed(area: &[u8]) -> TcpHeader {
    let bytes = with_area(area);
    let strict = TcpHeader::parse(&bytes).unwrap_or_else(|e| panic!("{area:02x?}: {e}"));
    let lossless = TcpHeader::parse_lossless(&bytes).unwrap();
    assert_eq!(strict, lossless, "modes differ on {area:02x?}");
    assert_eq!(
        strict.to_bytes().unwrap(),
        bytes,
        "round trip of {area:02x?}"
    );
    strict
}

/// A single well-formed option (its whole bytes): decoded alone and inside a header (followed
/// by EOL and zero padding up to a 4-byte boundary), identically, and written back exactly.
pub fn single(option: &[u8]) -> TcpOption {
    let alone = TcpOption::parse(option).unwrap_or_else(|e| panic!("{option:02x?}: {e}"));
    assert_eq!(alone.encoded_len(), option.len());
    assert_eq!(alone.to_bytes().unwrap(), option);
    let mut area = option.to_vec();
    if area.len() % 4 != 0 {
        area.push(0);
        area.resize(area.len().div_ceil(4) * 4, 0);
    }
    let h = parse_well_formed(&area);
    assert_eq!(h.options[0], alone);
    if area.len() > option.len() {
        assert_eq!(h.options.len(), 2);
        assert_eq!(h.options[1], TcpOption::Eol);
        assert_eq!(h.padding.len(), area.len() - option.len() - 1);
    } else {
        assert_eq!(h.options.len(), 1);
    }
    alone
}

/// A malformed area: strict parsing fails with the error returned; lossless parsing keeps the
/// header, which writes back the same bytes.
pub fn parse_malformed(area: &[u8]) -> (Error, TcpHeader) {
    let bytes = with_area(area);
    let error = TcpHeader::parse(&bytes).expect_err("strict must fail");
    let lossless = TcpHeader::parse_lossless(&bytes).unwrap();
    assert_eq!(
        lossless.to_bytes().unwrap(),
        bytes,
        "round trip of {area:02x?}"
    );
    (error, lossless)
}

pub fn assert_words(message: &str, words: &[&str]) {
    for w in words {
        assert!(message.contains(w), "{message:?} lacks {w:?}");
    }
}
