//! TCP checksum verification (RFC 1071 one's-complement sum over the RFC 9293 / RFC 8200
//! pseudo-header, the header and the payload).
//!
//! MERGE: this is a stand-in. The `tcpwire::checksum` module is being written on another
//! branch; when it lands, replace [`tcp_checksum_ok`] with a call to it and delete this file.

use std::net::IpAddr;

/// Protocol number of TCP in the pseudo-header.
const TCP: u8 = 6;

/// Whether the checksum field of the whole TCP `segment` (header and payload, as captured and
/// not cut short) is correct for the given pseudo-header addresses.
///
/// The sum over the pseudo-header and the segment *including* its checksum field is 0xffff
/// exactly when the checksum is right. A mixed pair of address families is never right.
pub fn tcp_checksum_ok(src: IpAddr, dst: IpAddr, segment: &[u8]) -> bool {
    let mut sum = 0u32;
    let length = segment.len();
    match (src, dst) {
        (IpAddr::V4(src), IpAddr::V4(dst)) => {
            // Source, destination, zero, protocol, TCP length (16 bits).
            let Ok(length) = u16::try_from(length) else {
                return false;
            };
            sum = add_bytes(sum, &src.octets());
            sum = add_bytes(sum, &dst.octets());
            sum = add_bytes(sum, &[0, TCP]);
            sum = add_bytes(sum, &length.to_be_bytes());
        }
        (IpAddr::V6(src), IpAddr::V6(dst)) => {
            // Source, destination, upper-layer length (32 bits), 3 zero bytes, next header.
            let Ok(length) = u32::try_from(length) else {
                return false;
            };
            sum = add_bytes(sum, &src.octets());
            sum = add_bytes(sum, &dst.octets());
            sum = add_bytes(sum, &length.to_be_bytes());
            sum = add_bytes(sum, &[0, 0, 0, TCP]);
        }
        _ => return false,
    }
    sum = add_bytes(sum, segment);
    fold(sum) == 0xffff
}

/// Adds `bytes` as big-endian 16-bit words (an odd last byte padded with a zero) to `sum`,
/// folding carries so that the sum never overflows.
fn add_bytes(mut sum: u32, bytes: &[u8]) -> u32 {
    let mut words = bytes.chunks_exact(2);
    for word in &mut words {
        if let [hi, lo] = word {
            sum += u32::from(u16::from_be_bytes([*hi, *lo]));
        }
        if sum > 0xffff_0000 {
            sum = fold(sum);
        }
    }
    if let [last] = words.remainder() {
        sum += u32::from(*last) << 8;
    }
    sum
}

/// Folds the carries of a 32-bit sum into 16 bits.
fn fold(mut sum: u32) -> u32 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checksum to put in the field: the complement of the sum with the field zeroed.
    fn compute(src: IpAddr, dst: IpAddr, segment: &[u8]) -> u16 {
        let mut zeroed = segment.to_vec();
        zeroed[16] = 0;
        zeroed[17] = 0;
        let mut sum = add_bytes(0, &zeroed);
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                sum = add_bytes(sum, &s.octets());
                sum = add_bytes(sum, &d.octets());
                sum = add_bytes(sum, &[0, 6]);
                sum = add_bytes(sum, &(segment.len() as u16).to_be_bytes());
            }
            _ => unreachable!(),
        }
        !(fold(sum) as u16)
    }

    #[test]
    fn rfc_1071_example_sum() {
        // RFC 1071 s3: the words 0001 f203 f4f5 f6f7 sum to ddf2 after folding.
        assert_eq!(
            fold(add_bytes(
                0,
                &[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]
            )),
            0xddf2
        );
    }

    #[test]
    fn odd_lengths_pad_with_a_zero_byte() {
        assert_eq!(add_bytes(0, &[0x12, 0x34, 0x56]), 0x1234 + 0x5600);
    }

    #[test]
    fn a_correct_checksum_verifies_and_a_flipped_bit_does_not() {
        let src: IpAddr = "192.0.2.1".parse().unwrap();
        let dst: IpAddr = "198.51.100.7".parse().unwrap();
        let mut segment =
            tcpwire::from_hex("c35001bb0000000100000000a002faf000000000020405b4").unwrap();
        segment.extend_from_slice(b"odd");
        let c = compute(src, dst, &segment);
        segment[16..18].copy_from_slice(&c.to_be_bytes());
        assert!(tcp_checksum_ok(src, dst, &segment));
        segment[21] ^= 0x10;
        assert!(!tcp_checksum_ok(src, dst, &segment));
        assert!(!tcp_checksum_ok(src, "::1".parse().unwrap(), &segment));
    }
}
