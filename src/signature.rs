//! TCP segment signatures (feature `signatures`): TCP-MD5 (RFC 2385, [`md5`]) and the TCP
//! Authentication Option (RFC 5925 with the algorithms of RFC 5926, [`ao`]), verified and
//! computed over a segment's bytes, with a verdict per segment ([`SignatureVerdict`]).
//!
//! Keys are found by the segment's addresses ([`KeyScope`]): a key for any segment, for any
//! segment to or from an address or prefix (a peer), or for one pair of addresses.
//!
//! ```
//! use std::net::Ipv4Addr;
//! use tcpwire::signature::{md5, KeyScope, SignatureVerdict};
//! let (src, dst) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
//! // A BGP SYN signed with "secret" (the builder adds the MD5 option and fills the checksum).
//! let segment = tcpwire::TcpSegment::builder()
//!     .ports(50000, 179).seq(1).syn().mss(1460)
//!     .build_md5_signed(src, dst, b"secret")?;
//! let bytes = segment.to_bytes()?;
//!
//! let mut keys = md5::Md5Keys::new();
//! keys.add(KeyScope::Peer("192.0.2.0/24".parse()?), b"secret".to_vec());
//! assert_eq!(md5::verify(src, dst, &bytes, &keys), SignatureVerdict::Valid);
//! let mut wrong = md5::Md5Keys::new();
//! wrong.add(KeyScope::Any, b"guess".to_vec());
//! assert_eq!(md5::verify(src, dst, &bytes, &wrong), SignatureVerdict::Invalid);
//! assert_eq!(md5::verify(src, dst, &bytes, &md5::Md5Keys::new()), SignatureVerdict::NoKey);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::option::{Md5Signature, TcpAo};
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::header::FIXED_HEADER_LEN;

pub mod ao;
pub mod md5;

/// The verdict on a segment's signature.
///
/// Names (`name()`, serde, the command line's `md5` and `ao` fields): `valid`, `invalid`,
/// `no_key`, `unsigned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureVerdict {
    /// The segment carries the option and its digest or MAC is right for a key given.
    Valid,
    /// The segment carries the option, a key applies, and the digest or MAC is wrong for every
    /// key that applies (or the option is malformed).
    Invalid,
    /// The segment carries the option but no key applies to it (for TCP-AO also: no key with
    /// its KeyID, or the connection's initial sequence numbers were not seen, so no traffic
    /// key can be derived).
    NoKey,
    /// The segment carries no such option.
    Unsigned,
}

impl SignatureVerdict {
    /// Every verdict, in the order above.
    pub const ALL: [SignatureVerdict; 4] = [
        SignatureVerdict::Valid,
        SignatureVerdict::Invalid,
        SignatureVerdict::NoKey,
        SignatureVerdict::Unsigned,
    ];

    /// The verdict's name: `valid`, `invalid`, `no_key`, `unsigned`.
    pub fn name(self) -> &'static str {
        match self {
            SignatureVerdict::Valid => "valid",
            SignatureVerdict::Invalid => "invalid",
            SignatureVerdict::NoKey => "no_key",
            SignatureVerdict::Unsigned => "unsigned",
        }
    }
}

impl std::fmt::Display for SignatureVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An address prefix: an IPv4 or IPv6 address and a prefix length (`10.0.0.0/8`,
/// `2001:db8::/32`; a bare address is a full-length prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prefix {
    /// The address.
    pub addr: IpAddr,
    /// The prefix length: at most 32 for IPv4, 128 for IPv6.
    pub len: u8,
}

impl Prefix {
    /// Whether `addr` is in the prefix (never across IP versions).
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.addr, addr) {
            (IpAddr::V4(p), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.len.min(32)))
                    .unwrap_or(0);
                p.to_bits() & mask == a.to_bits() & mask
            }
            (IpAddr::V6(p), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.len.min(128)))
                    .unwrap_or(0);
                p.to_bits() & mask == a.to_bits() & mask
            }
            _ => false,
        }
    }
}

/// Why a prefix, scope or key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value:?}: {reason}")]
pub struct KeyParseError {
    /// What was being read (`prefix`, `key scope`, `TCP-AO key`, ...).
    pub what: &'static str,
    /// The text.
    pub value: String,
    /// What is wrong.
    pub reason: String,
}

impl KeyParseError {
    pub(crate) fn new(what: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self {
            what,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

impl FromStr for Prefix {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| KeyParseError::new("prefix", s, reason);
        let (addr, len) = match s.split_once('/') {
            Some((addr, len)) => (addr, Some(len)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad("not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let len = match len {
            Some(len) => len
                .parse::<u8>()
                .ok()
                .filter(|len| *len <= max)
                .ok_or_else(|| bad(&format!("prefix length is not 0 to {max}")))?,
            None => max,
        };
        Ok(Prefix { addr, len })
    }
}

impl std::fmt::Display for Prefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// The segments a key applies to, by their addresses.
///
/// Text form (`FromStr`): empty or `*` for any segment, `ADDR[/LEN]` for a peer, `ADDR,ADDR`
/// for a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyScope {
    /// Every segment.
    Any,
    /// Segments from or to an address in the prefix (a key configured for a peer).
    Peer(Prefix),
    /// Segments between these two addresses, in either direction.
    Pair(IpAddr, IpAddr),
}

impl KeyScope {
    /// How well the scope matches a segment from `src` to `dst`: `None` when it does not,
    /// otherwise a rank (higher is more specific: a pair over a longer prefix over any).
    pub fn rank(&self, src: IpAddr, dst: IpAddr) -> Option<u16> {
        match self {
            KeyScope::Any => Some(0),
            KeyScope::Peer(prefix) => {
                (prefix.contains(src) || prefix.contains(dst)).then_some(1 + u16::from(prefix.len))
            }
            KeyScope::Pair(a, b) => {
                ((*a == src && *b == dst) || (*a == dst && *b == src)).then_some(1000)
            }
        }
    }
}

impl FromStr for KeyScope {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() || s == "*" {
            return Ok(KeyScope::Any);
        }
        if let Some((a, b)) = s.split_once(',') {
            let parse = |x: &str| {
                x.trim().parse::<IpAddr>().map_err(|_| {
                    KeyParseError::new("key scope", s, "not an address pair ADDR,ADDR")
                })
            };
            let (a, b) = (parse(a)?, parse(b)?);
            if a.is_ipv4() != b.is_ipv4() {
                return Err(KeyParseError::new(
                    "key scope",
                    s,
                    "the two addresses are of different IP versions",
                ));
            }
            return Ok(KeyScope::Pair(a, b));
        }
        s.parse().map(KeyScope::Peer)
    }
}

impl std::fmt::Display for KeyScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyScope::Any => f.write_str("*"),
            KeyScope::Peer(p) => write!(f, "{p}"),
            KeyScope::Pair(a, b) => write!(f, "{a},{b}"),
        }
    }
}

/// Option kind of the MD5 signature.
pub(crate) const KIND_MD5: u8 = 19;
/// Option kind of TCP-AO.
pub(crate) const KIND_AO: u8 = 29;

/// Where an option is in a segment's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    /// Offset of its kind byte from the start of the TCP header.
    pub offset: usize,
    /// Its length byte.
    pub len: usize,
    /// The header's length (data offset times 4).
    pub header_len: usize,
}

/// The first option of `kind` in a segment's option area, walked over the raw bytes. `None`
/// when the header is unusable, the option is absent, or a malformed option stops the walk
/// before it.
pub(crate) fn find_option(segment: &[u8], kind: u8) -> Option<Found> {
    let header_len = usize::from(segment.get(12)? >> 4) * 4;
    if header_len < FIXED_HEADER_LEN {
        return None;
    }
    let options = segment.get(FIXED_HEADER_LEN..header_len)?;
    let mut at = 0;
    while let Some(&k) = options.get(at) {
        match k {
            0 => return None,
            1 => at += 1,
            _ => {
                let len = usize::from(*options.get(at + 1)?);
                if len < 2 || at + len > options.len() {
                    return None;
                }
                if k == kind {
                    return Some(Found {
                        offset: FIXED_HEADER_LEN + at,
                        len,
                        header_len,
                    });
                }
                at += len;
            }
        }
    }
    None
}

/// The checksum pseudo-header as bytes (RFC 9293 s3.1 for IPv4; RFC 8200 s8.1 for IPv6), as
/// TCP-MD5 and TCP-AO hash it: the buffer and its used length.
pub(crate) fn pseudo_header_bytes(
    src: IpAddr,
    dst: IpAddr,
    tcp_len: usize,
) -> Result<([u8; 40], usize), Error> {
    let mut buf = [0u8; 40];
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let len = u16::try_from(tcp_len).map_err(|_| Error::TooLong {
                what: "TCP segment for a checksum pseudo-header",
                length: tcp_len,
                max: usize::from(u16::MAX),
            })?;
            buf[..4].copy_from_slice(&s.octets());
            buf[4..8].copy_from_slice(&d.octets());
            buf[9] = 6;
            buf[10..12].copy_from_slice(&len.to_be_bytes());
            Ok((buf, 12))
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let len = u32::try_from(tcp_len).map_err(|_| Error::TooLong {
                what: "TCP segment for a checksum pseudo-header",
                length: tcp_len,
                max: u32::MAX as usize,
            })?;
            buf[..16].copy_from_slice(&s.octets());
            buf[16..32].copy_from_slice(&d.octets());
            buf[32..36].copy_from_slice(&len.to_be_bytes());
            buf[39] = 6;
            Ok((buf, 40))
        }
        (src, dst) => Err(Error::AddressFamilyMismatch { src, dst }),
    }
}

/// The fixed header of `segment` with its checksum field zeroed, or [`Error::TooShort`].
pub(crate) fn fixed_header_zeroed(segment: &[u8]) -> Result<[u8; FIXED_HEADER_LEN], Error> {
    let mut fixed: [u8; FIXED_HEADER_LEN] = segment
        .get(..FIXED_HEADER_LEN)
        .and_then(|b| b.try_into().ok())
        .ok_or(Error::TooShort {
            available: segment.len(),
        })?;
    fixed[16] = 0;
    fixed[17] = 0;
    Ok(fixed)
}

impl crate::builder::Builder<crate::header::TcpSegment> {
    /// The segment signed with TCP-MD5 (RFC 2385) for `src` to `dst` with `key`, its checksum
    /// filled. An MD5 option is appended to the options given unless one is among them.
    pub fn build_md5_signed(
        self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
        key: &[u8],
    ) -> Result<crate::header::TcpSegment, Error> {
        let has = |s: &crate::header::TcpSegment| {
            s.header
                .options
                .iter()
                .any(|o| matches!(o, crate::option::TcpOption::Md5Signature(_)))
        };
        let first = self.clone().build()?;
        let mut segment = if has(&first) {
            first
        } else {
            self.option(crate::option::TcpOption::Md5Signature(Md5Signature {
                digest: [0; 16],
            }))
            .build()?
        };
        let (src, dst) = (src.into(), dst.into());
        let digest = md5::digest(src, dst, &segment.to_bytes()?, key)?;
        for option in segment.header.options.iter_mut() {
            if let crate::option::TcpOption::Md5Signature(Md5Signature { digest: d }) = option {
                *d = digest;
                break;
            }
        }
        segment.fill_checksum(src, dst)?;
        Ok(segment)
    }

    /// The segment signed with TCP-AO (RFC 5925) for `src` to `dst` as `how` says, its
    /// checksum filled. A TCP-AO option (the key's KeyID, `how.rnext_key_id`, a 12-byte MAC)
    /// is appended to the options given unless one is among them (whose MAC is then
    /// overwritten).
    pub fn build_ao_signed(
        self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
        how: &ao::AoSign<'_>,
    ) -> Result<crate::header::TcpSegment, Error> {
        let has = |s: &crate::header::TcpSegment| {
            s.header
                .options
                .iter()
                .any(|o| matches!(o, crate::option::TcpOption::TcpAo(_)))
        };
        let first = self.clone().build()?;
        let segment = if has(&first) {
            first
        } else {
            self.option(crate::option::TcpOption::TcpAo(TcpAo {
                key_id: how.key.key_id,
                rnext_key_id: how.rnext_key_id,
                mac: crate::bytes::InlineBytes::from_slice(&[0; ao::MAC_LEN]).unwrap_or_default(),
            }))
            .build()?
        };
        let (src, dst) = (src.into(), dst.into());
        let mut bytes = segment.to_bytes()?;
        ao::sign(src, dst, &mut bytes, how)?;
        crate::checksum::fill(src, dst, &mut bytes)?;
        crate::header::TcpSegment::parse_lossless(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_scopes() {
        let p: Prefix = "10.1.0.0/16".parse().unwrap();
        assert!(p.contains("10.1.2.3".parse().unwrap()));
        assert!(!p.contains("10.2.0.1".parse().unwrap()));
        assert!(!p.contains("::1".parse().unwrap()));
        let all: Prefix = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("192.0.2.1".parse().unwrap()));
        let v6: Prefix = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains("2001:db8::7".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Prefix>().is_err());
        assert!("nonsense".parse::<Prefix>().is_err());
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let pair: KeyScope = "10.0.0.2,10.0.0.1".parse().unwrap();
        assert_eq!(pair.rank(a, b), Some(1000));
        assert_eq!("*".parse::<KeyScope>().unwrap(), KeyScope::Any);
        assert!("10.0.0.1,::1".parse::<KeyScope>().is_err());
    }

    #[test]
    fn option_walk() {
        // Data offset 10: NOP, NOP, MD5 (18 bytes).
        let mut seg = vec![0u8; 20];
        seg[12] = 0xa0;
        seg.extend([1, 1, 19, 18]);
        seg.extend([0xaa; 16]);
        assert_eq!(
            find_option(&seg, 19),
            Some(Found {
                offset: 22,
                len: 18,
                header_len: 40
            })
        );
        assert_eq!(find_option(&seg, 29), None);
        seg[23] = 30; // runs past the option area
        assert_eq!(find_option(&seg, 19), None);
        assert_eq!(find_option(&seg[..10], 19), None);
    }
}
