//! The TCP checksum (RFC 9293 s3.1): the 16-bit one's complement of the one's-complement sum
//! of a pseudo-header, the TCP header (checksum field taken as zero) and the payload.
//!
//! - IPv4 pseudo-header (RFC 9293 s3.1): source, destination, a zero byte, protocol 6, and the
//!   TCP length (header and payload) as a 16-bit number.
//! - IPv6 pseudo-header (RFC 8200 s8.1): source, destination, the upper-layer length as a
//!   32-bit number, three zero bytes, next header 6.
//!
//! The addresses are the end points' own: with an IPv6 routing header the destination is the
//! *final* destination, and with a Mobile IPv6 Home Address option the source is the home
//! address. [`ipv6_pseudo_header_addresses`] reads both from a whole IPv6 packet; callers who
//! take the addresses from the IPv6 fixed header alone get a wrong checksum for such packets.
//!
//! Two ways in: functions over raw segment bytes ([`compute`], [`verify`], [`fill`]), for
//! callers who never build a value, and methods on [`TcpSegment`] and [`TcpHeader`]
//! (`checksum_for`, `verify_checksum`, `fill_checksum`).
//!
//! ```
//! use std::net::Ipv4Addr;
//! let (src, dst) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
//! let mut segment = tcpwire::TcpSegment::builder().ports(50000, 80).syn().mss(1460).build()?;
//! let checksum = segment.fill_checksum(src, dst)?;
//! assert_eq!(segment.header.checksum, checksum);
//! assert!(segment.verify_checksum(src, dst)?);
//! // The same over the bytes.
//! let bytes = segment.to_bytes()?;
//! assert_eq!(tcpwire::checksum::compute(src, dst, &bytes)?, checksum);
//! assert!(tcpwire::checksum::verify(src, dst, &bytes)?);
//! # Ok::<(), tcpwire::Error>(())
//! ```
//!
//! [`verdict`] tells a wrong checksum from the trace transmit offload leaves
//! ([`ChecksumVerdict`]: `ok`, `offload`, `zero`, `bad`, `not_checkable`).
//!
//! # How the sum is computed
//!
//! The one's-complement sum is independent of byte order and of word width (RFC 1071 s2): the
//! data is summed as little-endian 32-bit words into four 64-bit lanes (no carry handling is
//! needed below 2^32 words), the carries are folded into 16 bits once at the end, and the
//! result is byte-swapped back into network order. The loop has no branches and no unsafe
//! code, and the compiler vectorizes it. The pseudo-header is added as 32-bit words, and the
//! final fold is four additions with no loop. [`compute`] makes one pass over the segment and
//! takes the stored checksum field out afterwards. BENCHMARKS.md compares it with smoltcp,
//! etherparse and a plain 16-bit loop at 64 to 9000 bytes.
//!
//! # 0x0000 and 0xFFFF
//!
//! One's complement has two zeros. TCP sends the complement of the sum as it is: a segment
//! whose sum is 0xFFFF carries checksum 0x0000 (never 0xFFFF: the pseudo-header's protocol
//! byte keeps the sum from being +0). A receiver checks that the sum over everything, checksum
//! included, is 0xFFFF; for such a segment that holds with either 0x0000 or 0xFFFF in the
//! field, and [`verify`] accepts both, as receivers do.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::Error;
use crate::header::{TcpHeader, TcpSegment, FIXED_HEADER_LEN};

mod verdict;

pub use verdict::{offload_checksum, verdict, ChecksumHints, ChecksumVerdict};

/// IP protocol number of TCP.
const PROTOCOL_TCP: u8 = 6;
/// Offset of the checksum field in the TCP header.
const CHECKSUM_FIELD: usize = 16;
/// The longest TCP header, in bytes.
const MAX_HEADER_LEN: usize = 60;

// ---------------------------------------------------------------------------------------------
// The one's-complement sum

/// The sum of `data` as little-endian 32-bit words (a final partial word padded with zeros),
/// not folded. Folding it to 16 bits and swapping the bytes gives the big-endian 16-bit
/// one's-complement sum (RFC 1071 s2(B), byte order independence), provided `data` starts at
/// an even offset of the segment.
///
/// 16-byte blocks feed four independent 64-bit lanes, which the compiler keeps in two vector
/// registers (SSE2 on x86-64: one load, two unpacks, two adds per 16 bytes, unrolled).
#[inline]
fn sum_le_words(data: &[u8]) -> u64 {
    let mut lanes = [0u64; 4];
    let mut blocks = data.chunks_exact(16);
    for block in &mut blocks {
        if let [a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3] = *block {
            lanes[0] += u64::from(u32::from_le_bytes([a0, a1, a2, a3]));
            lanes[1] += u64::from(u32::from_le_bytes([b0, b1, b2, b3]));
            lanes[2] += u64::from(u32::from_le_bytes([c0, c1, c2, c3]));
            lanes[3] += u64::from(u32::from_le_bytes([d0, d1, d2, d3]));
        }
    }
    let mut acc = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    let mut words = blocks.remainder().chunks_exact(4);
    for word in &mut words {
        if let [a, b, c, d] = *word {
            acc += u64::from(u32::from_le_bytes([a, b, c, d]));
        }
    }
    // 1 to 3 bytes left: a byte in the upper half-word counts the same as in the lower one
    // (2^16 is 1 modulo 0xFFFF), so no shift is needed.
    acc + match *words.remainder() {
        [a] => u64::from(a),
        [a, b] => u64::from(u16::from_le_bytes([a, b])),
        [a, b, c] => u64::from(u16::from_le_bytes([a, b])) + u64::from(c),
        _ => 0,
    }
}

/// Folds the carries of a sum into 16 bits (end-around carry): 64 to 32 bits, then 32 to 16,
/// each twice (the first addition can carry once more), with no loop.
#[inline]
fn fold(acc: u64) -> u16 {
    let acc = (acc & 0xffff_ffff) + (acc >> 32);
    let acc = (acc & 0xffff_ffff) + (acc >> 32);
    let acc = (acc & 0xffff) + (acc >> 16);
    let acc = (acc & 0xffff) + (acc >> 16);
    acc as u16
}

/// The one's-complement sum of `data` as big-endian 16-bit words, folded to 16 bits (an odd
/// last byte is padded with a zero byte). Not complemented: the checksum of `data` alone is
/// `!ones_complement_sum(data)`.
///
/// ```
/// // RFC 1071 s3's example: the words 0001 f203 f4f5 f6f7 sum to ddf2.
/// let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
/// assert_eq!(tcpwire::checksum::ones_complement_sum(&data), 0xddf2);
/// ```
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    data_sum(data)
}

/// [`ones_complement_sum`] in network order, ready to add to other big-endian sums.
#[inline]
fn data_sum(data: &[u8]) -> u16 {
    fold(sum_le_words(data)).swap_bytes()
}

// ---------------------------------------------------------------------------------------------
// The pseudo-header

/// The addresses of a checksum pseudo-header: two IPv4 or two IPv6 addresses.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
/// use tcpwire::checksum::PseudoHeader;
/// let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
/// assert!(PseudoHeader::new(v4, v4).is_ok());
/// assert!(matches!(
///     PseudoHeader::new(v4, v6),
///     Err(tcpwire::Error::AddressFamilyMismatch { .. })
/// ));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PseudoHeader {
    /// IPv4 (RFC 9293 s3.1): 12 bytes.
    V4 {
        /// Source address.
        src: Ipv4Addr,
        /// Destination address.
        dst: Ipv4Addr,
    },
    /// IPv6 (RFC 8200 s8.1): 40 bytes.
    V6 {
        /// Source address (the home address when a Home Address option is present).
        src: Ipv6Addr,
        /// Destination address (the final destination when a routing header is present).
        dst: Ipv6Addr,
    },
}

impl PseudoHeader {
    /// The pseudo-header of two addresses, or [`Error::AddressFamilyMismatch`].
    pub fn new(src: impl Into<IpAddr>, dst: impl Into<IpAddr>) -> Result<Self, Error> {
        match (src.into(), dst.into()) {
            (IpAddr::V4(src), IpAddr::V4(dst)) => Ok(Self::V4 { src, dst }),
            (IpAddr::V6(src), IpAddr::V6(dst)) => Ok(Self::V6 { src, dst }),
            (src, dst) => Err(Error::AddressFamilyMismatch { src, dst }),
        }
    }

    /// The pseudo-header's sum (big-endian, not folded) for a TCP segment of `tcp_len` bytes,
    /// or [`Error::TooLong`] when the length does not fit its field (16 bits for IPv4, 32 bits
    /// for IPv6).
    #[inline]
    fn sum(&self, tcp_len: usize) -> Result<u64, Error> {
        let too_long = |max: usize| Error::TooLong {
            what: "TCP segment for a checksum pseudo-header",
            length: tcp_len,
            max,
        };
        // The sum does not depend on the word width (RFC 1071 s2(B)): the addresses are
        // added as big-endian 32-bit (IPv4) or 64-bit halves (IPv6, each half split in two
        // so nothing overflows).
        match self {
            Self::V4 { src, dst } => {
                let len = u16::try_from(tcp_len).map_err(|_| too_long(usize::from(u16::MAX)))?;
                Ok(u64::from(src.to_bits())
                    + u64::from(dst.to_bits())
                    + u64::from(PROTOCOL_TCP)
                    + u64::from(len))
            }
            Self::V6 { src, dst } => {
                let len = u32::try_from(tcp_len)
                    .map_err(|_| too_long(usize::try_from(u32::MAX).unwrap_or(usize::MAX)))?;
                let halves = |a: u128| {
                    let [hi, lo] = [(a >> 64) as u64, a as u64];
                    (hi >> 32) + (hi & 0xffff_ffff) + (lo >> 32) + (lo & 0xffff_ffff)
                };
                Ok(halves(src.to_bits())
                    + halves(dst.to_bits())
                    + u64::from(len)
                    + u64::from(PROTOCOL_TCP))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Over raw bytes

/// The checksum that belongs in the segment's checksum field: computed over the pseudo-header
/// of `src` and `dst` and all of `segment` (header and payload), with the checksum field taken
/// as zero whatever it holds.
///
/// Errors: addresses of different IP versions ([`Error::AddressFamilyMismatch`]), a segment
/// shorter than the fixed header ([`Error::TooShort`]), or longer than the pseudo-header's
/// length field holds ([`Error::TooLong`]).
///
/// ```
/// use std::net::Ipv4Addr;
/// let (src, dst) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
/// // A SYN from port 50000 to port 80, checksum field zero.
/// let mut bytes = tcpwire::from_hex("c350005000000001000000005002200000000000").unwrap();
/// let checksum = tcpwire::checksum::compute(src, dst, &bytes)?;
/// assert_eq!(checksum, 0xb83e); // as Wireshark computes it
/// assert!(!tcpwire::checksum::verify(src, dst, &bytes)?);
/// bytes[16..18].copy_from_slice(&checksum.to_be_bytes());
/// assert!(tcpwire::checksum::verify(src, dst, &bytes)?);
/// # Ok::<(), tcpwire::Error>(())
/// ```
pub fn compute(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    segment: &[u8],
) -> Result<u16, Error> {
    let pseudo = PseudoHeader::new(src, dst)?;
    let field = checksum_field(segment)?;
    // One pass over the whole segment, then the field taken out again by adding its one's
    // complement: that adds 0xFFFF (negative zero), which changes no sum but +0, and the sum
    // is never +0 (the pseudo-header's protocol byte is not zero).
    let sum = pseudo.sum(segment.len())? + u64::from(data_sum(segment)) + u64::from(!field);
    Ok(!fold(sum))
}

/// Whether the segment's checksum field is right for `src` and `dst`: the one's-complement sum
/// over the pseudo-header and the whole segment, checksum included, is 0xFFFF. (Where the right
/// checksum is 0x0000, the other zero 0xFFFF passes too; see the module docs.)
///
/// Errors as for [`compute`].
pub fn verify(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    segment: &[u8],
) -> Result<bool, Error> {
    let pseudo = PseudoHeader::new(src, dst)?;
    if segment.len() < FIXED_HEADER_LEN {
        return Err(Error::TooShort {
            available: segment.len(),
        });
    }
    let sum = pseudo.sum(segment.len())? + u64::from(data_sum(segment));
    Ok(fold(sum) == 0xffff)
}

/// Computes the checksum (as [`compute`]) and writes it into the segment's checksum field;
/// returns it.
pub fn fill(
    src: impl Into<IpAddr>,
    dst: impl Into<IpAddr>,
    segment: &mut [u8],
) -> Result<u16, Error> {
    let checksum = compute(src, dst, segment)?;
    let available = segment.len();
    let field = segment
        .get_mut(CHECKSUM_FIELD..CHECKSUM_FIELD + 2)
        .ok_or(Error::TooShort { available })?;
    field.copy_from_slice(&checksum.to_be_bytes());
    Ok(checksum)
}

/// The checksum field of a segment, which must be at least a fixed header long.
fn checksum_field(segment: &[u8]) -> Result<u16, Error> {
    match (
        segment.len() >= FIXED_HEADER_LEN,
        segment.get(CHECKSUM_FIELD..CHECKSUM_FIELD + 2),
    ) {
        (true, Some(&[hi, lo])) => Ok(u16::from_be_bytes([hi, lo])),
        _ => Err(Error::TooShort {
            available: segment.len(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// On values

/// A header written into a stack buffer (no allocation), after [`TcpHeader::validate`].
fn header_bytes(header: &TcpHeader) -> Result<([u8; MAX_HEADER_LEN], usize), Error> {
    let mut buf = [0u8; MAX_HEADER_LEN];
    let len = header.write_to(&mut buf)?;
    Ok((buf, len))
}

/// The sum over the pseudo-header, a written header (its checksum field taken as zero unless
/// `with_field`) and the payload.
fn value_sum(
    pseudo: &PseudoHeader,
    header: &[u8],
    payload: &[u8],
    with_field: bool,
) -> Result<u64, Error> {
    let field = checksum_field(header)?;
    let without_field = if with_field { 0 } else { u64::from(!field) };
    // Header lengths are multiples of 4, so the payload starts at an even offset.
    Ok(pseudo.sum(header.len() + payload.len())?
        + u64::from(data_sum(header))
        + without_field
        + u64::from(data_sum(payload)))
}

impl TcpHeader {
    /// The checksum for this header followed by `payload`, sent from `src` to `dst` (the field
    /// as stored is ignored). The header must validate ([`TcpHeader::validate`]).
    pub fn checksum_for(
        &self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
        payload: &[u8],
    ) -> Result<u16, Error> {
        let pseudo = PseudoHeader::new(src, dst)?;
        let (buf, len) = header_bytes(self)?;
        let header = buf.get(..len).unwrap_or_default();
        Ok(!fold(value_sum(&pseudo, header, payload, false)?))
    }

    /// Whether the stored checksum is right for this header followed by `payload`.
    pub fn verify_checksum(
        &self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
        payload: &[u8],
    ) -> Result<bool, Error> {
        let pseudo = PseudoHeader::new(src, dst)?;
        let (buf, len) = header_bytes(self)?;
        let header = buf.get(..len).unwrap_or_default();
        Ok(fold(value_sum(&pseudo, header, payload, true)?) == 0xffff)
    }

    /// Computes the checksum for this header followed by `payload` and stores it; returns it.
    pub fn fill_checksum(
        &mut self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
        payload: &[u8],
    ) -> Result<u16, Error> {
        let checksum = self.checksum_for(src, dst, payload)?;
        self.checksum = checksum;
        Ok(checksum)
    }
}

impl TcpSegment {
    /// The checksum for this segment sent from `src` to `dst` (the field as stored is
    /// ignored). The header must validate ([`TcpHeader::validate`]).
    ///
    /// ```
    /// use std::net::Ipv6Addr;
    /// let segment = tcpwire::TcpSegment::builder().ports(443, 50000).ack().payload(b"hi").build()?;
    /// let checksum = segment.checksum_for(Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST)?;
    /// assert_eq!(checksum, tcpwire::checksum::compute(
    ///     Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST, &segment.to_bytes()?)?);
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    pub fn checksum_for(
        &self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
    ) -> Result<u16, Error> {
        self.header.checksum_for(src, dst, &self.payload)
    }

    /// Whether the stored checksum is right for this segment sent from `src` to `dst`.
    pub fn verify_checksum(
        &self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
    ) -> Result<bool, Error> {
        self.header.verify_checksum(src, dst, &self.payload)
    }

    /// Computes the checksum and stores it in the header; returns it.
    pub fn fill_checksum(
        &mut self,
        src: impl Into<IpAddr>,
        dst: impl Into<IpAddr>,
    ) -> Result<u16, Error> {
        let checksum = self.checksum_for(src, dst)?;
        self.header.checksum = checksum;
        Ok(checksum)
    }
}

// ---------------------------------------------------------------------------------------------
// IPv6 extension headers

/// IPv6 extension headers that can stand between the fixed header and TCP.
const HOP_BY_HOP: u8 = 0;
const ROUTING: u8 = 43;
const FRAGMENT: u8 = 44;
const AUTHENTICATION: u8 = 51;
const DESTINATION_OPTIONS: u8 = 60;
/// Destination option type of the Mobile IPv6 Home Address option (RFC 6275 s6.3).
const HOME_ADDRESS_OPTION: u8 = 0xc9;

/// The source and destination a checksum pseudo-header uses for an IPv6 packet (RFC 8200 s8.1),
/// read from `packet`, which starts at the IPv6 fixed header:
///
/// - the destination is the final destination: with a routing header that still has segments
///   left, the last address of a type 0 (RFC 2460, deprecated) or type 2 (Mobile IPv6,
///   RFC 6275) routing header, or Segment List\[0\] of a Segment Routing Header (type 4,
///   RFC 8754); otherwise the fixed header's destination;
/// - the source is the home address when a Home Address destination option is present
///   (RFC 6275 s6.3: upper-layer checksums use the home address); otherwise the fixed
///   header's source.
///
/// The walk follows hop-by-hop, routing, fragment, authentication and destination options
/// headers and stops at the first other next header (TCP, or anything else). `None` when the
/// bytes are not an IPv6 packet, an extension header is cut short or malformed, or a routing
/// header with segments left is of a type whose final destination cannot be read (e.g. the
/// compressed RPL source route, type 3).
///
/// ```
/// use std::net::Ipv6Addr;
/// let (a, b, c) = ("2001:db8::1".parse::<Ipv6Addr>().unwrap(),
///                  "2001:db8::2".parse::<Ipv6Addr>().unwrap(),
///                  "2001:db8::3".parse::<Ipv6Addr>().unwrap());
/// // Fixed header: next header 43 (routing), a -> b.
/// let mut packet = vec![0x60, 0, 0, 0, 0, 40, 43, 64];
/// packet.extend(a.octets());
/// packet.extend(b.octets());
/// // Routing header type 0, next header TCP, 2 segments left, addresses [b, c].
/// packet.extend([6, 4, 0, 2, 0, 0, 0, 0]);
/// packet.extend(b.octets());
/// packet.extend(c.octets());
/// assert_eq!(tcpwire::checksum::ipv6_pseudo_header_addresses(&packet), Some((a, c)));
/// ```
pub fn ipv6_pseudo_header_addresses(packet: &[u8]) -> Option<(Ipv6Addr, Ipv6Addr)> {
    let fixed = packet.get(..40)?;
    if fixed.first()? >> 4 != 6 {
        return None;
    }
    let src = ipv6_at(fixed, 8)?;
    let dst = ipv6_at(fixed, 24)?;
    ipv6_addresses_through_extensions(src, dst, *fixed.get(6)?, packet.get(40..)?)
}

/// The pseudo-header addresses given the fixed header's addresses, its next-header value and
/// the bytes after the fixed header (extension headers first): see
/// [`ipv6_pseudo_header_addresses`]. `None` when an extension header cannot be read.
pub(crate) fn ipv6_addresses_through_extensions(
    mut src: Ipv6Addr,
    mut dst: Ipv6Addr,
    mut next: u8,
    mut rest: &[u8],
) -> Option<(Ipv6Addr, Ipv6Addr)> {
    loop {
        let len = match next {
            HOP_BY_HOP | ROUTING | DESTINATION_OPTIONS => (usize::from(*rest.get(1)?) + 1) * 8,
            FRAGMENT => 8,
            AUTHENTICATION => (usize::from(*rest.get(1)?) + 2) * 4,
            _ => return Some((src, dst)),
        };
        let (ext, after) = rest.split_at_checked(len)?;
        match next {
            ROUTING => {
                if let Some(final_dst) = routing_final_destination(ext)? {
                    dst = final_dst;
                }
            }
            DESTINATION_OPTIONS => {
                if let Some(home) = home_address(ext)? {
                    src = home;
                }
            }
            _ => {}
        }
        next = *ext.first()?;
        rest = after;
    }
}

fn ipv6_at(bytes: &[u8], offset: usize) -> Option<Ipv6Addr> {
    let octets: [u8; 16] = bytes.get(offset..offset + 16)?.try_into().ok()?;
    Some(Ipv6Addr::from(octets))
}

/// The final destination a routing header names: `Some(None)` when it has no segments left
/// (the fixed header's destination is final), `None` when it cannot be read.
fn routing_final_destination(ext: &[u8]) -> Option<Option<Ipv6Addr>> {
    let (routing_type, segments_left) = (*ext.get(2)?, *ext.get(3)?);
    if segments_left == 0 {
        return Some(None);
    }
    let addresses = ext.get(8..)?;
    match routing_type {
        // Type 0 and type 2: a list of addresses whose last is the final destination.
        0 | 2 => {
            let count = addresses.len() / 16;
            let last = count.checked_sub(1)?;
            ipv6_at(addresses, last * 16).map(Some)
        }
        // Segment Routing Header: the list is in reverse order; Segment List[0] is final.
        4 => ipv6_at(addresses, 0).map(Some),
        _ => None,
    }
}

/// The Home Address option's address in a destination options header: `Some(None)` when
/// there is none, `None` when the options are malformed.
fn home_address(ext: &[u8]) -> Option<Option<Ipv6Addr>> {
    let mut options = ext.get(2..)?;
    let mut found = None;
    while let Some((&option_type, after_type)) = options.split_first() {
        if option_type == 0 {
            // Pad1: a single byte.
            options = after_type;
            continue;
        }
        let len = usize::from(*after_type.first()?);
        let (data, next) = after_type.get(1..)?.split_at_checked(len)?;
        if option_type == HOME_ADDRESS_OPTION {
            found = Some(ipv6_at(data, 0)?);
        }
        options = next;
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A byte-at-a-time reference sum (RFC 1071's definition).
    fn reference_sum(data: &[u8]) -> u16 {
        let mut acc: u32 = 0;
        for pair in data.chunks(2) {
            let hi = u32::from(pair[0]);
            let lo = u32::from(*pair.get(1).unwrap_or(&0));
            acc += (hi << 8) | lo;
            acc = (acc & 0xffff) + (acc >> 16);
        }
        acc as u16
    }

    #[test]
    fn word_sum_matches_the_byte_reference_at_every_length_and_alignment() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 97 + 13) as u8).collect();
        for start in [0usize, 2, 4, 6] {
            for len in 0..(data.len() - start) {
                let slice = &data[start..start + len];
                assert_eq!(
                    data_sum(slice),
                    reference_sum(slice),
                    "start {start} len {len}"
                );
            }
        }
    }

    #[test]
    fn all_ones_sum_does_not_fold_to_zero() {
        // 0xffff + 0xffff = 0x1fffe -> 0xffff (negative zero stays negative zero).
        assert_eq!(data_sum(&[0xff; 4]), 0xffff);
        assert_eq!(data_sum(&[0xff; 1001]), reference_sum(&[0xff; 1001]));
        assert_eq!(data_sum(&[]), 0);
    }

    #[test]
    fn rfc1071_example() {
        assert_eq!(
            ones_complement_sum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            0xddf2
        );
    }

    /// The loop-free fold gives what folding until nothing carries gives.
    #[test]
    fn fold_matches_folding_until_no_carry() {
        let by_loop = |mut acc: u64| {
            while acc > 0xffff {
                acc = (acc & 0xffff) + (acc >> 16);
            }
            acc as u16
        };
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let edges = [
            0,
            1,
            0xffff,
            0x1_0000,
            0x1_fffe,
            0xffff_ffff,
            0x1_0000_0000,
            u64::MAX,
        ];
        for acc in edges.into_iter().chain((0..10_000).map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x >> (x % 48)
        })) {
            assert_eq!(fold(acc), by_loop(acc), "{acc:#x}");
        }
    }

    #[test]
    fn ipv4_length_limit() {
        let pseudo = PseudoHeader::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST).unwrap();
        assert!(pseudo.sum(65535).is_ok());
        assert_eq!(
            pseudo.sum(65536),
            Err(Error::TooLong {
                what: "TCP segment for a checksum pseudo-header",
                length: 65536,
                max: 65535
            })
        );
        let v6 = PseudoHeader::new(Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST).unwrap();
        // A jumbogram length: the 32-bit field holds it; both halves are summed.
        assert_eq!(
            fold(v6.sum(0x1_0002).unwrap()),
            // ::1 twice, then the length's halves 0x0001 and 0x0002, then the protocol.
            fold(1 + 1 + 1 + 2 + u64::from(PROTOCOL_TCP))
        );
    }

    #[test]
    fn home_address_and_routing_helpers() {
        let home: Ipv6Addr = "2001:db8::99".parse().unwrap();
        // Destination options: next header 6, length 2 (24 bytes): PadN(4), HAO(16) + Pad1 x2.
        let mut ext = vec![6, 2, 1, 2, 0, 0, HOME_ADDRESS_OPTION, 16];
        ext.extend(home.octets());
        assert_eq!(ext.len(), 24);
        assert_eq!(home_address(&ext), Some(Some(home)));
        // A cut-short option is malformed.
        assert_eq!(home_address(&ext[..20]), None);
        // Routing header with no segments left: the fixed header's destination is final.
        let mut routing = vec![6, 2, 0, 0, 0, 0, 0, 0];
        routing.extend(home.octets());
        assert_eq!(routing_final_destination(&routing), Some(None));
        routing[3] = 1;
        assert_eq!(routing_final_destination(&routing), Some(Some(home)));
        routing[2] = 3; // RPL: compressed, unreadable here
        assert_eq!(routing_final_destination(&routing), None);
    }
}
