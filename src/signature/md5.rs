//! TCP-MD5 (RFC 2385): the MD5 digest of a segment and a key, carried in option kind 19.
//!
//! The digest covers, in order (RFC 2385 s2.0): the pseudo-header (IPv4: source, destination,
//! zero, protocol, TCP length; IPv6: the RFC 8200 form), the fixed TCP header with the
//! checksum field zeroed and without options, the payload, and the key. Options are not
//! covered, so a changed timestamp keeps a digest right.
//!
//! ```
//! use std::net::Ipv6Addr;
//! use tcpwire::signature::{md5, KeyScope, SignatureVerdict};
//! let (a, b) = ("2001:db8::1".parse::<Ipv6Addr>()?, "2001:db8::2".parse::<Ipv6Addr>()?);
//! let mut bytes = tcpwire::TcpSegment::builder()
//!     .ports(179, 50000).seq(7).ack_number(8).ack()
//!     .option(tcpwire::TcpOption::Md5Signature(tcpwire::option::Md5Signature { digest: [0; 16] }))
//!     .payload(&b"open"[..]).build()?.to_bytes()?;
//! md5::sign(a, b, &mut bytes, b"bgp-secret")?;
//! let mut keys = md5::Md5Keys::new();
//! keys.add(KeyScope::Pair(a.into(), b.into()), b"bgp-secret".to_vec());
//! assert_eq!(md5::verify(a, b, &bytes, &keys), SignatureVerdict::Valid);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::net::IpAddr;

use md5::{Digest, Md5};

use super::{
    find_option, fixed_header_zeroed, pseudo_header_bytes, KeyScope, SignatureVerdict, KIND_MD5,
};
use crate::error::Error;

/// TCP-MD5 keys, each for the segments of a [`KeyScope`]; the most specific scope that
/// matches a segment gives its key. `Debug` shows the scopes, not the secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Md5Keys {
    keys: Vec<(KeyScope, Vec<u8>)>,
}

impl std::fmt::Debug for Md5Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(|(scope, _)| scope))
            .finish()
    }
}

impl Md5Keys {
    /// No keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key for the segments of `scope`. Of two keys with the same scope, the first
    /// added wins.
    pub fn add(&mut self, scope: KeyScope, secret: Vec<u8>) {
        self.keys.push((scope, secret));
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The key for a segment from `src` to `dst`: the most specific scope's.
    pub fn key_for(&self, src: IpAddr, dst: IpAddr) -> Option<&[u8]> {
        let mut best: Option<(u16, &[u8])> = None;
        for (scope, secret) in &self.keys {
            if let Some(rank) = scope.rank(src, dst) {
                if best.is_none_or(|(r, _)| rank > r) {
                    best = Some((rank, secret));
                }
            }
        }
        best.map(|(_, secret)| secret)
    }
}

/// The digest of `segment` (header and payload) sent from `src` to `dst`, with `key`.
///
/// Errors: mixed IP versions ([`Error::AddressFamilyMismatch`]), a segment shorter than its
/// header ([`Error::TooShort`], [`Error::DataOffsetBeyondInput`]), an IPv4 segment over 65535
/// bytes ([`Error::TooLong`]).
pub fn digest(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    segment: &[u8],
    key: &[u8],
) -> Result<[u8; 16], Error> {
    let fixed = fixed_header_zeroed(segment)?;
    let header_len = usize::from(fixed[12] >> 4) * 4;
    let payload = segment
        .get(header_len.max(20)..)
        .ok_or(Error::DataOffsetBeyondInput {
            data_offset: fixed[12] >> 4,
            available: segment.len(),
        })?;
    let (pseudo, pseudo_len) = pseudo_header_bytes(src.into(), dst.into(), segment.len())?;
    let mut md5 = Md5::new();
    md5.update(pseudo.get(..pseudo_len).unwrap_or_default());
    md5.update(fixed);
    md5.update(payload);
    md5.update(key);
    Ok(md5.finalize().into())
}

/// The verdict on the MD5 signature of `segment` sent from `src` to `dst`: `unsigned` without
/// an MD5 option, `no_key` when no key applies, `valid` or `invalid` (also for an MD5 option
/// whose length is not 18).
pub fn verify(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    segment: &[u8],
    keys: &Md5Keys,
) -> SignatureVerdict {
    let (src, dst) = (src.into(), dst.into());
    let Some(found) = find_option(segment, KIND_MD5) else {
        return SignatureVerdict::Unsigned;
    };
    let Some(key) = keys.key_for(src, dst) else {
        return SignatureVerdict::NoKey;
    };
    let carried = segment.get(found.offset + 2..found.offset + found.len);
    match (found.len, carried, digest(src, dst, segment, key)) {
        (18, Some(carried), Ok(computed)) if carried == computed => SignatureVerdict::Valid,
        _ => SignatureVerdict::Invalid,
    }
}

/// Writes the digest for `key` into the MD5 option of `segment` (which must carry one, of
/// length 18). The checksum is left as it is: fill it afterwards (the digest does not cover
/// it).
pub fn sign(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    segment: &mut [u8],
    key: &[u8],
) -> Result<(), Error> {
    let computed = digest(src, dst, segment, key)?;
    let found = find_option(segment, KIND_MD5)
        .filter(|f| f.len == 18)
        .ok_or_else(|| Error::Unencodable {
            what: "MD5 signature",
            detail: "the segment carries no well-formed MD5 option (kind 19, length 18)".into(),
        })?;
    if let Some(field) = segment.get_mut(found.offset + 2..found.offset + 18) {
        field.copy_from_slice(&computed);
    }
    Ok(())
}
