//! Helpers of the MPTCP tests (`tests/mptcp*.rs`).
#![allow(dead_code)]

use std::net::IpAddr;

use tcpwire::mptcp::{Dss, DssMapping, MpCapableFlags, MptcpOption};
use tcpwire::{InlineBytes, LengthSet, MalformedReason, ParseMode, TcpOption};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Parses one whole option in both modes, checks they agree, that it is MPTCP, that it
/// consumes every byte and that it writes the same bytes back.
pub fn parse_both(bytes: &[u8]) -> MptcpOption {
    let strict = TcpOption::parse(bytes).unwrap_or_else(|e| panic!("{bytes:02x?}: {e}"));
    let (lossless, rest) = TcpOption::parse_prefix(bytes, ParseMode::Lossless).unwrap();
    assert!(rest.is_empty());
    assert_eq!(strict, lossless, "{bytes:02x?}: strict and lossless differ");
    assert_eq!(
        strict.to_bytes().unwrap(),
        bytes,
        "re-serialized bytes differ"
    );
    assert_eq!(strict.encoded_len(), bytes.len());
    match strict {
        TcpOption::Mptcp(m) => {
            m.validate().unwrap();
            m
        }
        other => panic!("{bytes:02x?}: not MPTCP: {other:?}"),
    }
}

/// Asserts the option parses (both modes) to `expected` and writes back to `bytes`.
pub fn check(bytes: &[u8], expected: MptcpOption) {
    assert_eq!(parse_both(bytes), expected, "{bytes:02x?}");
}

pub fn inline<const N: usize>(bytes: &[u8]) -> InlineBytes<N> {
    InlineBytes::from_slice(bytes).unwrap()
}

pub const KEY_A: [u8; 8] = [0x1f, 0xdb, 0x5d, 0xf3, 0x28, 0xbc, 0x3d, 0xef];
pub const KEY_B: [u8; 8] = [0x29, 0xa6, 0xc8, 0x69, 0x81, 0xad, 0x93, 0x3c];

/// `[30, len, byte2]` followed by `rest`, with the length byte computed.
pub fn option(byte2: u8, rest: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![30, 0, byte2];
    for part in rest {
        out.extend_from_slice(part);
    }
    out[1] = out.len() as u8;
    out
}

pub fn flags(byte: u8) -> MpCapableFlags {
    MpCapableFlags::from_byte(byte)
}

pub fn dss(data_ack: Option<u64>, mapping: Option<DssMapping>) -> Dss {
    Dss {
        reserved: 0,
        data_fin: false,
        dsn_8_bytes: false,
        data_ack_8_bytes: false,
        data_ack,
        mapping,
    }
}

pub fn mapping(
    dsn: u64,
    subflow_seq: u32,
    data_level_length: u16,
    checksum: Option<u16>,
) -> DssMapping {
    DssMapping {
        dsn,
        subflow_seq,
        data_level_length,
        checksum,
    }
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

pub const V6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
pub const HMAC8: [u8; 8] = [0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67];

pub fn bad_length(length: u8, allowed: LengthSet) -> MalformedReason {
    MalformedReason::BadLength { length, allowed }
}
