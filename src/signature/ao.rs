//! TCP-AO, the TCP Authentication Option (RFC 5925), with the algorithms of RFC 5926:
//! HMAC-SHA-1-96 and AES-128-CMAC-96.
//!
//! - A master key tuple ([`AoKey`]) holds the KeyID its owner sends, the KeyID it wants to
//!   receive (RNextKeyID), the algorithm, the secret, the peers it applies to and whether
//!   other options are covered by the MAC.
//! - Each connection and direction has its traffic key ([`AoKey::traffic_key`]), derived
//!   from the master key over the addresses, ports and both initial sequence numbers
//!   ([`KdfContext`]; a SYN without ACK uses zero for the peer's ISN).
//! - The MAC ([`TrafficKey::mac`]) covers the sequence number extension (SNE: the number of
//!   times the sender's sequence number wrapped, [`SneTracker`]), the pseudo-header, the TCP
//!   header with the checksum and the MAC zeroed (options other than TCP-AO left out when the
//!   key excludes them) and the payload.
//! - [`AoVerifier`] follows connections through a capture (ISNs and SNE per direction, in a
//!   [`FlowTable`]) and gives a [`SignatureVerdict`] per segment. The KeyID in each segment
//!   picks its key, so a key rollover (a new KeyID announced through RNextKeyID, then used)
//!   verifies as it happens.
//!
//! ```
//! use std::net::Ipv4Addr;
//! use tcpwire::signature::ao::{AoAlgorithm, AoKey, AoSign, AoVerifier};
//! use tcpwire::signature::{KeyScope, SignatureVerdict};
//! let (client, server) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
//! let key = AoKey::new(1, 1, AoAlgorithm::HmacSha1_96, b"master".to_vec());
//! let sign = |isns: (u32, u32)| AoSign::new(&key, isns.0, isns.1, 0);
//! let syn = tcpwire::TcpSegment::builder().ports(40000, 179).seq(100).syn()
//!     .build_ao_signed(client, server, &sign((100, 0)))?;
//! let syn_ack = tcpwire::TcpSegment::builder().ports(179, 40000).seq(900).ack_number(101)
//!     .syn().ack().build_ao_signed(server, client, &sign((900, 100)))?;
//! let ack = tcpwire::TcpSegment::builder().ports(40000, 179).seq(101).ack_number(901).ack()
//!     .build_ao_signed(client, server, &sign((100, 900)))?;
//!
//! let mut verifier = AoVerifier::new(vec![key.clone()]);
//! for (src, dst, segment) in [(client, server, &syn), (server, client, &syn_ack), (client, server, &ack)] {
//!     let bytes = segment.to_bytes()?;
//!     assert_eq!(verifier.verify(0, src.into(), dst.into(), &bytes), SignatureVerdict::Valid);
//! }
//! # Ok::<(), tcpwire::Error>(())
//! ```

use std::net::IpAddr;
use std::str::FromStr;

use aes::Aes128;
use cmac::Cmac;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;

use super::{
    find_option, fixed_header_zeroed, pseudo_header_bytes, KeyParseError, KeyScope,
    SignatureVerdict, KIND_AO,
};
use crate::error::Error;
use crate::flow::{Endpoint, FlowTable, FlowTableConfig, Side};
use crate::header::TcpHeader;

/// The length of the MACs of both algorithms (96 bits).
pub const MAC_LEN: usize = 12;

/// A TCP-AO algorithm (RFC 5926): the KDF and the MAC go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AoAlgorithm {
    /// KDF_HMAC_SHA1 and HMAC-SHA-1-96 (text: `hmac-sha-1-96`, also `hmac-sha1`).
    #[serde(rename = "hmac-sha-1-96")]
    HmacSha1_96,
    /// KDF_AES_128_CMAC and AES-128-CMAC-96 (text: `aes-128-cmac-96`, also `cmac-aes128`).
    #[serde(rename = "aes-128-cmac-96")]
    AesCmac128_96,
}

impl AoAlgorithm {
    /// The algorithm's name: `hmac-sha-1-96` or `aes-128-cmac-96`.
    pub fn name(self) -> &'static str {
        match self {
            AoAlgorithm::HmacSha1_96 => "hmac-sha-1-96",
            AoAlgorithm::AesCmac128_96 => "aes-128-cmac-96",
        }
    }

    /// The traffic key's length in bits (the KDF's Output_Length).
    fn key_bits(self) -> u16 {
        match self {
            AoAlgorithm::HmacSha1_96 => 160,
            AoAlgorithm::AesCmac128_96 => 128,
        }
    }
}

impl FromStr for AoAlgorithm {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "hmac-sha-1-96" | "hmac-sha1" | "hmac(sha1)" | "sha1" => Ok(AoAlgorithm::HmacSha1_96),
            "aes-128-cmac-96" | "cmac-aes128" | "cmac(aes128)" | "cmac" => {
                Ok(AoAlgorithm::AesCmac128_96)
            }
            _ => Err(KeyParseError::new(
                "TCP-AO algorithm",
                s,
                "not hmac-sha-1-96 or aes-128-cmac-96",
            )),
        }
    }
}

/// A master key tuple (RFC 5925 s3.1), as one host configures it. `Debug` shows the secret's
/// length, not the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AoKey {
    /// The KeyID this key's owner puts in the segments it signs (the MKT's SendID).
    pub key_id: u8,
    /// The KeyID its peer signs with under this key (the MKT's RecvID; the owner announces
    /// it as RNextKeyID). A segment is verified with a key when its KeyID is either one.
    pub rnext_key_id: u8,
    /// The algorithm.
    pub algorithm: AoAlgorithm,
    /// The master key.
    pub secret: Vec<u8>,
    /// The segments it applies to (the MKT's connection identifier, by addresses).
    pub scope: KeyScope,
    /// Whether options other than TCP-AO are covered by the MAC (the MKT's TCP option flag;
    /// RFC 5925's default is to include them).
    pub include_options: bool,
}

impl std::fmt::Debug for AoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AoKey")
            .field("key_id", &self.key_id)
            .field("rnext_key_id", &self.rnext_key_id)
            .field("algorithm", &self.algorithm)
            .field("secret", &format_args!("<{} bytes>", self.secret.len()))
            .field("scope", &self.scope)
            .field("include_options", &self.include_options)
            .finish()
    }
}

impl AoKey {
    /// A key for every peer, covering options.
    pub fn new(key_id: u8, rnext_key_id: u8, algorithm: AoAlgorithm, secret: Vec<u8>) -> Self {
        Self {
            key_id,
            rnext_key_id,
            algorithm,
            secret,
            scope: KeyScope::Any,
            include_options: true,
        }
    }

    /// The traffic key for the segments of one direction of a connection (RFC 5926 s3.1.1:
    /// `PRF(master key, 0x01 || "TCP-AO" || context || output length)`; for AES-128-CMAC a
    /// master key that is not 16 bytes is first reduced with AES-CMAC under a zero key).
    pub fn traffic_key(&self, context: &KdfContext) -> Result<TrafficKey, Error> {
        let (ctx, ctx_len) = context.bytes()?;
        let mut input = [0u8; 1 + 6 + 44 + 2];
        input[0] = 1;
        input[1..7].copy_from_slice(b"TCP-AO");
        let end = 7 + ctx_len;
        input
            .get_mut(7..end)
            .unwrap_or_default()
            .copy_from_slice(ctx.get(..ctx_len).unwrap_or_default());
        if let Some(out) = input.get_mut(end..end + 2) {
            out.copy_from_slice(&self.algorithm.key_bits().to_be_bytes());
        }
        let input = input.get(..end + 2).unwrap_or_default();
        let mut key = [0u8; 20];
        let len = match self.algorithm {
            AoAlgorithm::HmacSha1_96 => {
                let mut mac = Hmac::<Sha1>::new_from_slice(&self.secret).map_err(bad_key)?;
                mac.update(input);
                key.copy_from_slice(&mac.finalize().into_bytes());
                20
            }
            AoAlgorithm::AesCmac128_96 => {
                let reduced: [u8; 16] = match <[u8; 16]>::try_from(self.secret.as_slice()) {
                    Ok(k) => k,
                    Err(_) => {
                        let mut mac =
                            Cmac::<Aes128>::new_from_slice(&[0u8; 16]).map_err(bad_key)?;
                        mac.update(&self.secret);
                        mac.finalize().into_bytes().into()
                    }
                };
                let mut mac = Cmac::<Aes128>::new_from_slice(&reduced).map_err(bad_key)?;
                mac.update(input);
                if let Some(k) = key.get_mut(..16) {
                    k.copy_from_slice(&mac.finalize().into_bytes());
                }
                16
            }
        };
        Ok(TrafficKey {
            algorithm: self.algorithm,
            key,
            len,
        })
    }

    fn applies(&self, key_id: u8, src: IpAddr, dst: IpAddr) -> bool {
        (self.key_id == key_id || self.rnext_key_id == key_id)
            && self.scope.rank(src, dst).is_some()
    }
}

fn bad_key(e: impl std::fmt::Display) -> Error {
    Error::Unencodable {
        what: "TCP-AO key",
        detail: e.to_string(),
    }
}

impl FromStr for AoKey {
    type Err = KeyParseError;

    /// `key=value` fields separated by commas: `id=N` (KeyID, 0 to 255), `rnext=N` (RNextKeyID;
    /// default the same as `id`), `alg=hmac-sha-1-96|aes-128-cmac-96` (default
    /// `hmac-sha-1-96`), `peer=ADDR[/LEN]` or `peer=ADDR;ADDR` (default any),
    /// `options=include|exclude` (default include), and last `secret=TEXT` (the rest of the
    /// text, commas included).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| KeyParseError::new("TCP-AO key", s, reason);
        let (fields, secret) = match s.split_once("secret=") {
            Some((fields, secret)) => (fields, secret),
            None => return Err(bad("no secret= field (it comes last)".into())),
        };
        let mut key = AoKey::new(0, 0, AoAlgorithm::HmacSha1_96, secret.as_bytes().to_vec());
        let (mut id, mut rnext) = (None, None);
        for field in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            let (name, value) = field
                .split_once('=')
                .ok_or_else(|| bad(format!("field {field:?} is not name=value")))?;
            let number = || {
                value
                    .parse::<u8>()
                    .map_err(|_| bad(format!("{name}={value} is not 0 to 255")))
            };
            match name {
                "id" => id = Some(number()?),
                "rnext" => rnext = Some(number()?),
                "alg" => key.algorithm = value.parse()?,
                "peer" => key.scope = value.replace(';', ",").parse()?,
                "options" => {
                    key.include_options = match value {
                        "include" => true,
                        "exclude" => false,
                        _ => return Err(bad(format!("options={value} is not include or exclude"))),
                    }
                }
                _ => return Err(bad(format!("unknown field {name:?}"))),
            }
        }
        key.key_id = id.ok_or_else(|| bad("no id= field".into()))?;
        key.rnext_key_id = rnext.unwrap_or(key.key_id);
        Ok(key)
    }
}

/// The context a traffic key is derived over (RFC 5926 s3.1.1), for segments from `src` to
/// `dst`: their addresses and ports, the sender's ISN and the receiver's (zero for a SYN
/// without ACK).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfContext {
    /// The sender's address.
    pub src: IpAddr,
    /// The receiver's address.
    pub dst: IpAddr,
    /// The sender's port.
    pub src_port: u16,
    /// The receiver's port.
    pub dst_port: u16,
    /// The sender's initial sequence number.
    pub src_isn: u32,
    /// The receiver's initial sequence number (0 for a SYN without ACK).
    pub dst_isn: u32,
}

impl KdfContext {
    fn bytes(&self) -> Result<([u8; 44], usize), Error> {
        // IPv6: two 16-byte addresses, two ports, two ISNs.
        let mut buf = [0u8; 44];
        let at = match (self.src, self.dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                buf[..4].copy_from_slice(&s.octets());
                buf[4..8].copy_from_slice(&d.octets());
                8
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                buf[..16].copy_from_slice(&s.octets());
                buf[16..32].copy_from_slice(&d.octets());
                32
            }
            (src, dst) => return Err(Error::AddressFamilyMismatch { src, dst }),
        };
        let rest = [
            self.src_port.to_be_bytes().as_slice(),
            &self.dst_port.to_be_bytes(),
            &self.src_isn.to_be_bytes(),
            &self.dst_isn.to_be_bytes(),
        ]
        .concat();
        buf.get_mut(at..at + 12)
            .unwrap_or_default()
            .copy_from_slice(&rest);
        Ok((buf, at + 12))
    }
}

/// A traffic key: 20 bytes for HMAC-SHA-1-96, 16 for AES-128-CMAC-96.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficKey {
    algorithm: AoAlgorithm,
    key: [u8; 20],
    len: usize,
}

impl TrafficKey {
    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.key.get(..self.len).unwrap_or_default()
    }

    /// The algorithm it is for.
    pub fn algorithm(&self) -> AoAlgorithm {
        self.algorithm
    }

    /// The MAC of `segment` (header and payload, captured whole; its TCP-AO option's MAC
    /// field is taken as zero whatever it holds) sent from `src` to `dst` with the sequence
    /// number extension `sne`, covering the other options or not (RFC 5925 s5.1).
    ///
    /// Errors: no TCP-AO option, mixed IP versions, a segment shorter than its header.
    pub fn mac(
        &self,
        sne: u32,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
        segment: &[u8],
        include_options: bool,
    ) -> Result<[u8; MAC_LEN], Error> {
        let found = find_option(segment, KIND_AO)
            .filter(|f| f.len >= 4)
            .ok_or_else(|| Error::Unencodable {
                what: "TCP-AO MAC",
                detail: "the segment carries no well-formed TCP-AO option (kind 29)".into(),
            })?;
        let fixed = fixed_header_zeroed(segment)?;
        let (pseudo, pseudo_len) = pseudo_header_bytes(src.into(), dst.into(), segment.len())?;
        let too_short = || Error::DataOffsetBeyondInput {
            data_offset: fixed[12] >> 4,
            available: segment.len(),
        };
        let options = segment.get(20..found.header_len).ok_or_else(too_short)?;
        let payload = segment.get(found.header_len..).ok_or_else(too_short)?;
        // The options with the MAC zeroed: up to 40 bytes, copied so the input stays intact.
        let mut area = [0u8; 40];
        let area = area.get_mut(..options.len()).unwrap_or_default();
        area.copy_from_slice(options);
        let (ao_start, ao_end) = (found.offset - 20, found.offset - 20 + found.len);
        if let Some(mac) = area.get_mut(ao_start + 4..ao_end) {
            mac.fill(0);
        }
        let covered: &[u8] = if include_options {
            area
        } else {
            area.get(ao_start..ao_end).unwrap_or_default()
        };
        let parts: [&[u8]; 5] = [
            &sne.to_be_bytes(),
            pseudo.get(..pseudo_len).unwrap_or_default(),
            &fixed,
            covered,
            payload,
        ];
        let mut out = [0u8; MAC_LEN];
        match self.algorithm {
            AoAlgorithm::HmacSha1_96 => {
                let mut mac = Hmac::<Sha1>::new_from_slice(self.as_bytes()).map_err(bad_key)?;
                parts.iter().for_each(|p| mac.update(p));
                out.copy_from_slice(
                    mac.finalize()
                        .into_bytes()
                        .get(..MAC_LEN)
                        .unwrap_or_default(),
                );
            }
            AoAlgorithm::AesCmac128_96 => {
                let mut mac = Cmac::<Aes128>::new_from_slice(self.as_bytes()).map_err(bad_key)?;
                parts.iter().for_each(|p| mac.update(p));
                out.copy_from_slice(
                    mac.finalize()
                        .into_bytes()
                        .get(..MAC_LEN)
                        .unwrap_or_default(),
                );
            }
        }
        Ok(out)
    }
}

/// The sequence number extension of one direction (RFC 5925 s6.2): how many times its
/// sequence number wrapped past 2^32, counted from the sender's ISN (SNE 0). Each sequence
/// number is placed at the 64-bit position nearest the highest seen so far, so a segment
/// retransmitted from before a wrap keeps the earlier SNE.
///
/// ```
/// use tcpwire::signature::ao::SneTracker;
/// let mut sne = SneTracker::new(0xffff_ff00);
/// assert_eq!(sne.sne(0xffff_ff01), 0);
/// assert_eq!(sne.sne(0x0000_0100), 1); // wrapped
/// assert_eq!(sne.sne(0xffff_ff80), 0); // a retransmission from before the wrap
/// assert_eq!(sne.sne(0x0000_0200), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SneTracker {
    /// The highest 64-bit sequence number seen.
    highest: u64,
}

impl SneTracker {
    /// A direction whose ISN is `isn`.
    pub fn new(isn: u32) -> Self {
        Self {
            highest: u64::from(isn),
        }
    }

    /// The SNE of a segment with sequence number `seq`.
    pub fn sne(&mut self, seq: u32) -> u32 {
        const HALF: u64 = 1 << 31;
        const WRAP: u64 = 1 << 32;
        let mut at = (self.highest & !0xffff_ffff) | u64::from(seq);
        if at.saturating_add(HALF) < self.highest {
            at = at.saturating_add(WRAP);
        } else if at > self.highest.saturating_add(HALF) && at >= WRAP {
            at -= WRAP;
        }
        self.highest = self.highest.max(at);
        (at >> 32) as u32
    }
}

/// The verdict on the TCP-AO MAC of `segment` sent from `src` to `dst`, given the two ISNs of
/// its connection (`src_isn` the sender's; `dst_isn` the receiver's, 0 for a SYN without ACK)
/// and its SNE: `unsigned` without a TCP-AO option, `no_key` when no key has its KeyID and
/// applies to the addresses, `valid` when the MAC is right for one of those keys, `invalid`
/// otherwise (also for a MAC that is not 12 bytes).
pub fn verify(
    src: IpAddr,
    dst: IpAddr,
    segment: &[u8],
    src_isn: u32,
    dst_isn: u32,
    sne: u32,
    keys: &[AoKey],
) -> SignatureVerdict {
    let Some(found) = find_option(segment, KIND_AO) else {
        return SignatureVerdict::Unsigned;
    };
    let Some(&key_id) = segment.get(found.offset + 2) else {
        return SignatureVerdict::Invalid;
    };
    let (Some(ports), true) = (segment.get(..4), found.len >= 4) else {
        return SignatureVerdict::Invalid;
    };
    let context = KdfContext {
        src,
        dst,
        src_port: u16::from_be_bytes([ports[0], ports[1]]),
        dst_port: u16::from_be_bytes([ports[2], ports[3]]),
        src_isn,
        dst_isn,
    };
    let carried = segment.get(found.offset + 4..found.offset + found.len);
    let mut any = false;
    for key in keys.iter().filter(|k| k.applies(key_id, src, dst)) {
        any = true;
        let computed = key
            .traffic_key(&context)
            .and_then(|tk| tk.mac(sne, src, dst, segment, key.include_options));
        if let (Ok(computed), Some(carried)) = (computed, carried) {
            if carried == computed {
                return SignatureVerdict::Valid;
            }
        }
    }
    if any {
        SignatureVerdict::Invalid
    } else {
        SignatureVerdict::NoKey
    }
}

/// What signing a segment needs besides its bytes: the key, the ISNs of its connection (the
/// sender's, the receiver's), the SNE and the RNextKeyID to announce.
#[derive(Debug, Clone, Copy)]
pub struct AoSign<'a> {
    /// The master key: its KeyID goes in the option.
    pub key: &'a AoKey,
    /// The RNextKeyID to announce (default the key's `rnext_key_id`).
    pub rnext_key_id: u8,
    /// The sender's ISN.
    pub src_isn: u32,
    /// The receiver's ISN (taken as 0 for a SYN without ACK, whatever is given).
    pub dst_isn: u32,
    /// The sequence number extension.
    pub sne: u32,
}

impl<'a> AoSign<'a> {
    /// Signing with `key` for a connection with these ISNs, at `sne`.
    pub fn new(key: &'a AoKey, src_isn: u32, dst_isn: u32, sne: u32) -> Self {
        Self {
            key,
            rnext_key_id: key.rnext_key_id,
            src_isn,
            dst_isn,
            sne,
        }
    }
}

/// Writes the MAC into the TCP-AO option of `segment` (which must carry one with a 12-byte
/// MAC field; its KeyID and RNextKeyID are left as they are). The checksum is left as it is:
/// fill it afterwards (the MAC does not cover it).
pub fn sign(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    segment: &mut [u8],
    how: &AoSign<'_>,
) -> Result<(), Error> {
    let (src, dst) = (src.into(), dst.into());
    let found = find_option(segment, KIND_AO)
        .filter(|f| f.len == 4 + MAC_LEN)
        .ok_or_else(|| Error::Unencodable {
            what: "TCP-AO MAC",
            detail: "the segment carries no TCP-AO option with a 12-byte MAC".into(),
        })?;
    let header = fixed_header_zeroed(segment)?;
    let syn_only = header[13] & 0x12 == 0x02;
    let context = KdfContext {
        src,
        dst,
        src_port: u16::from_be_bytes([header[0], header[1]]),
        dst_port: u16::from_be_bytes([header[2], header[3]]),
        src_isn: how.src_isn,
        dst_isn: if syn_only { 0 } else { how.dst_isn },
    };
    let mac =
        how.key
            .traffic_key(&context)?
            .mac(how.sne, src, dst, segment, how.key.include_options)?;
    if let Some(field) = segment.get_mut(found.offset + 4..found.offset + 4 + MAC_LEN) {
        field.copy_from_slice(&mac);
    }
    Ok(())
}

/// Per-connection TCP-AO state in an [`AoVerifier`]'s flow table: the SNE of each direction
/// and the RNextKeyID each side announced last.
#[derive(Debug, Clone, Default)]
pub struct AoFlowState {
    /// The client's direction, then the server's; `None` until the direction's ISN is known.
    sne: [Option<SneTracker>; 2],
    /// The RNextKeyID each side (client, server) announced last.
    pub rnext_key_id: [Option<u8>; 2],
}

/// Verifies the TCP-AO MACs of the segments of a capture in order, following each connection
/// (its ISNs from the SYNs, the SNE of each direction) in a bounded [`FlowTable`].
#[derive(Debug)]
pub struct AoVerifier {
    keys: Vec<AoKey>,
    flows: FlowTable<AoFlowState>,
}

impl AoVerifier {
    /// A verifier with these master keys and the flow table's default limits.
    pub fn new(keys: Vec<AoKey>) -> Self {
        Self::with_config(keys, FlowTableConfig::default())
    }

    /// A verifier with these keys and flow table limits.
    pub fn with_config(keys: Vec<AoKey>, config: FlowTableConfig) -> Self {
        Self {
            keys,
            flows: FlowTable::new(config),
        }
    }

    /// The keys.
    pub fn keys(&self) -> &[AoKey] {
        &self.keys
    }

    /// The verdict on `segment` (captured whole) sent from `src` to `dst` at `time_ns` (the
    /// flow table's clock). Every segment should be given, in capture order, so that ISNs and
    /// SNEs are followed; one whose header cannot be parsed is `invalid` if it carries a
    /// TCP-AO option. A segment of a connection whose SYNs were not seen is `no_key` (no
    /// traffic key can be derived without both ISNs).
    pub fn verify(
        &mut self,
        time_ns: u64,
        src: IpAddr,
        dst: IpAddr,
        segment: &[u8],
    ) -> SignatureVerdict {
        let Ok((header, _)) = TcpHeader::parse_prefix(segment, crate::ParseMode::Lossless) else {
            return if find_option(segment, KIND_AO).is_some() {
                SignatureVerdict::Invalid
            } else {
                SignatureVerdict::Unsigned
            };
        };
        let payload_len = segment.len().saturating_sub(header.header_len());
        let (observation, flow) = self.flows.observe_mut(
            time_ns,
            Endpoint::new(src, header.src_port),
            Endpoint::new(dst, header.dst_port),
            &header,
            payload_len,
        );
        let side = observation.side;
        let me = match side {
            Side::Client => 0,
            Side::Server => 1,
        };
        let flags = header.flags;
        // ISNs: the segment's own for a SYN; the peer's from a SYN/ACK's acknowledgment or
        // from the peer's SYN seen before.
        let own = flow.half(side);
        let peer = flow.half(side.peer());
        let src_isn = if own.isn_from_syn { own.isn } else { None };
        let dst_isn = if flags.syn() && !flags.ack() {
            Some(0)
        } else if flags.syn() {
            Some(header.ack_number.wrapping_sub(1))
        } else if peer.isn_from_syn {
            peer.isn
        } else {
            None
        };
        let state = &mut flow.state;
        if let Some(found) = find_option(segment, KIND_AO) {
            if let Some(&rnext) = segment.get(found.offset + 3) {
                if let Some(slot) = state.rnext_key_id.get_mut(me) {
                    *slot = Some(rnext);
                }
            }
        } else {
            return SignatureVerdict::Unsigned;
        }
        let (Some(src_isn), Some(dst_isn)) = (src_isn, dst_isn) else {
            return SignatureVerdict::NoKey;
        };
        let sne = match state.sne.get_mut(me) {
            Some(slot) => slot
                .get_or_insert_with(|| SneTracker::new(src_isn))
                .sne(header.seq),
            None => 0,
        };
        verify(src, dst, segment, src_isn, dst_isn, sne, &self.keys)
    }
}
