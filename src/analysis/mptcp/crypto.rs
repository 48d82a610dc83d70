//! The cryptography of Multipath TCP: tokens and initial data sequence numbers from keys, the
//! MP_JOIN and ADD_ADDR HMACs, and the DSS checksum.
//!
//! v1 (RFC 8684) hashes with SHA-256 and signs with HMAC-SHA256; v0 (RFC 6824) with SHA-1 and
//! HMAC-SHA1. The hashes and HMACs are RustCrypto's.
//!
//! ```
//! use tcpwire::analysis::mptcp::crypto::{idsn, token, Version};
//! // RFC 8684 s3.1: the token is the most significant 32 bits of SHA-256(key), the IDSN the
//! // least significant 64 bits.
//! // SHA-256(01 02 03 04 05 06 07 08) = 66840dda ... f5a101d3d29d6f72 (Python's hashlib).
//! let key = [1, 2, 3, 4, 5, 6, 7, 8];
//! assert_eq!(token(Version::V1, key), 0x6684_0dda);
//! assert_eq!(idsn(Version::V1, key), 0xf5a1_01d3_d29d_6f72);
//! ```

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::checksum::ones_complement_sum;

/// The MPTCP version, which chooses the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    /// RFC 6824: SHA-1, HMAC-SHA1.
    V0,
    /// RFC 8684: SHA-256, HMAC-SHA256.
    V1,
}

impl Version {
    /// The version of an MP_CAPABLE version field: 0 is v0, anything else is read as v1 (the
    /// only other version defined).
    pub fn from_wire(version: u8) -> Self {
        if version == 0 {
            Version::V0
        } else {
            Version::V1
        }
    }

    /// 0 or 1, as on the wire.
    pub fn number(self) -> u8 {
        match self {
            Version::V0 => 0,
            Version::V1 => 1,
        }
    }
}

/// H(key): SHA-1 (v0, 20 bytes) or SHA-256 (v1, 32 bytes), in a 32-byte array with its length.
fn hash(version: Version, key: [u8; 8]) -> ([u8; 32], usize) {
    let mut out = [0u8; 32];
    match version {
        Version::V0 => {
            let d = Sha1::digest(key);
            out[..20].copy_from_slice(&d);
            (out, 20)
        }
        Version::V1 => {
            let d = Sha256::digest(key);
            out.copy_from_slice(&d);
            (out, 32)
        }
    }
}

/// The token of a key: the most significant 32 bits of H(key) (RFC 8684 s3.1, RFC 6824 s3.1).
pub fn token(version: Version, key: [u8; 8]) -> u32 {
    let (h, _) = hash(version, key);
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

/// The initial data sequence number of a key's sender: the least significant 64 bits of H(key).
pub fn idsn(version: Version, key: [u8; 8]) -> u64 {
    let (h, len) = hash(version, key);
    let mut last = [0u8; 8];
    last.copy_from_slice(&h[len - 8..len]);
    u64::from_be_bytes(last)
}

/// HMAC(key = key1 || key2, message), whole: 20 bytes (v0) or 32 (v1), in a 32-byte array with
/// its length.
pub fn hmac(version: Version, key1: [u8; 8], key2: [u8; 8], message: &[u8]) -> ([u8; 32], usize) {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&key1);
    key[8..].copy_from_slice(&key2);
    let mut out = [0u8; 32];
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    match version {
        Version::V0 => {
            if let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&key) {
                mac.update(message);
                out[..20].copy_from_slice(&mac.finalize().into_bytes());
            }
            (out, 20)
        }
        Version::V1 => {
            if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) {
                mac.update(message);
                out.copy_from_slice(&mac.finalize().into_bytes());
            }
            (out, 32)
        }
    }
}

/// The truncated HMAC of an MP_JOIN SYN/ACK, sent by the responder B: the leftmost 64 bits of
/// HMAC(Key-B || Key-A, R-B || R-A) (RFC 8684 s3.2).
pub fn join_syn_ack_hmac(
    version: Version,
    key_b: [u8; 8],
    key_a: [u8; 8],
    random_b: [u8; 4],
    random_a: [u8; 4],
) -> [u8; 8] {
    let mut msg = [0u8; 8];
    msg[..4].copy_from_slice(&random_b);
    msg[4..].copy_from_slice(&random_a);
    let (h, _) = hmac(version, key_b, key_a, &msg);
    let mut out = [0u8; 8];
    out.copy_from_slice(&h[..8]);
    out
}

/// The HMAC of an MP_JOIN third ACK, sent by the initiator A: the leftmost 160 bits of
/// HMAC(Key-A || Key-B, R-A || R-B) (RFC 8684 s3.2; all of HMAC-SHA1 in v0).
pub fn join_ack_hmac(
    version: Version,
    key_a: [u8; 8],
    key_b: [u8; 8],
    random_a: [u8; 4],
    random_b: [u8; 4],
) -> [u8; 20] {
    let mut msg = [0u8; 8];
    msg[..4].copy_from_slice(&random_a);
    msg[4..].copy_from_slice(&random_b);
    let (h, _) = hmac(version, key_a, key_b, &msg);
    let mut out = [0u8; 20];
    out.copy_from_slice(&h[..20]);
    out
}

/// The truncated HMAC of a v1 ADD_ADDR: the rightmost 64 bits of HMAC-SHA256(Key-sender ||
/// Key-receiver, Address ID || address || port) (RFC 8684 s3.4.1). The port is 2 bytes, zero
/// when the option carries none: that is what Linux hashes (checked on the captures of
/// corpus/).
pub fn add_addr_hmac(
    key_sender: [u8; 8],
    key_receiver: [u8; 8],
    address_id: u8,
    address: IpAddr,
    port: Option<u16>,
) -> [u8; 8] {
    let mut msg = [0u8; 19];
    msg[0] = address_id;
    let end = match address {
        IpAddr::V4(a) => {
            msg[1..5].copy_from_slice(&a.octets());
            5
        }
        IpAddr::V6(a) => {
            msg[1..17].copy_from_slice(&a.octets());
            17
        }
    };
    msg[end..end + 2].copy_from_slice(&port.unwrap_or(0).to_be_bytes());
    let (h, len) = hmac(Version::V1, key_sender, key_receiver, &msg[..end + 2]);
    let mut out = [0u8; 8];
    out.copy_from_slice(&h[len - 8..len]);
    out
}

/// The DSS pseudo-header of a mapping (RFC 8684 s3.3.1): the 64-bit data sequence number, the
/// relative subflow sequence number, the data-level length and two zero bytes.
fn dss_pseudo_header(dsn: u64, subflow_seq: u32, data_level_length: u16) -> [u8; 16] {
    let mut p = [0u8; 16];
    p[..8].copy_from_slice(&dsn.to_be_bytes());
    p[8..12].copy_from_slice(&subflow_seq.to_be_bytes());
    p[12..14].copy_from_slice(&data_level_length.to_be_bytes());
    p
}

/// The DSS checksum a sender puts in a mapping: the one's complement of the one's-complement
/// sum of the pseudo-header (64-bit DSN, relative subflow sequence number, data-level length,
/// zero) and the mapped data.
///
/// ```
/// use tcpwire::analysis::mptcp::crypto::{dss_checksum, dss_checksum_ok};
/// let data = b"tcpwire";
/// let c = dss_checksum(1 << 40, 1, data.len() as u16, data);
/// assert!(dss_checksum_ok(1 << 40, 1, data.len() as u16, data, c));
/// assert!(!dss_checksum_ok(1 << 40, 2, data.len() as u16, data, c));
/// ```
pub fn dss_checksum(dsn: u64, subflow_seq: u32, data_level_length: u16, data: &[u8]) -> u16 {
    !sum(dsn, subflow_seq, data_level_length, data)
}

/// Whether `checksum` is right for the mapping and its data (either form of one's-complement
/// zero is accepted, as a receiver summing with the field does).
pub fn dss_checksum_ok(
    dsn: u64,
    subflow_seq: u32,
    data_level_length: u16,
    data: &[u8],
    checksum: u16,
) -> bool {
    add(sum(dsn, subflow_seq, data_level_length, data), checksum) == 0xffff
}

fn sum(dsn: u64, subflow_seq: u32, data_level_length: u16, data: &[u8]) -> u16 {
    let pseudo = ones_complement_sum(&dss_pseudo_header(dsn, subflow_seq, data_level_length));
    add(pseudo, ones_complement_sum(data))
}

/// One's-complement addition of two 16-bit words.
fn add(a: u16, b: u16) -> u16 {
    let s = u32::from(a) + u32::from(b);
    ((s & 0xffff) + (s >> 16)) as u16
}
