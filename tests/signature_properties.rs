//! Properties of the verdicts, bit by bit:
//! - one flipped bit anywhere in a signed segment (header, options, payload) or in the key
//!   turns `valid` into something else, except in the bytes the signature does not cover
//!   (the checksum field always; for TCP-AO with options excluded, the other options' values);
//! - one flipped bit in a segment whose checksum is right gives `bad`, never `ok`, and
//!   `offload` or `zero` only when the field then holds the pseudo-header sum or zero.

use std::net::IpAddr;

use tcpwire::checksum::{offload_checksum, verdict, ChecksumHints, ChecksumVerdict};
use tcpwire::signature::ao::{self, AoAlgorithm, AoKey, AoSign};
use tcpwire::signature::md5::{self, Md5Keys};
use tcpwire::signature::{KeyScope, SignatureVerdict};
use tcpwire::TcpSegment;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, n: u64) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// Up to `max - 1` bytes, or at least one with `at_least_one`.
    fn some_bytes(&mut self, max: u64, at_least_one: bool) -> Vec<u8> {
        let n = self.below(max) + u64::from(at_least_one);
        self.bytes(n)
    }
    fn addresses(&mut self) -> (IpAddr, IpAddr) {
        if self.below(2) == 0 {
            let a: [u8; 4] = self.next().to_be_bytes()[..4].try_into().unwrap();
            let b: [u8; 4] = self.next().to_be_bytes()[4..].try_into().unwrap();
            (a.into(), b.into())
        } else {
            let a: [u8; 16] = self.bytes(16).try_into().unwrap();
            let b: [u8; 16] = self.bytes(16).try_into().unwrap();
            (a.into(), b.into())
        }
    }
}

fn flip(bytes: &[u8], bit: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[bit / 8] ^= 0x80 >> (bit % 8);
    out
}

const CHECKSUM_BYTES: std::ops::Range<usize> = 16..18;

#[test]
fn md5_any_flipped_bit_breaks_the_signature() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..40 {
        let (src, dst) = rng.addresses();
        let key = rng.some_bytes(40, true);
        // NOP NOP MD5: 20 option bytes, no padding, so every option byte matters.
        let segment = TcpSegment::builder()
            .ports(rng.next() as u16, 179)
            .seq(rng.next() as u32)
            .ack_number(rng.next() as u32)
            .ack()
            .psh()
            .window(rng.next() as u16)
            .nop()
            .nop()
            .payload(rng.some_bytes(48, false))
            .build_md5_signed(src, dst, &key)
            .unwrap();
        let bytes = segment.to_bytes().unwrap();
        assert_eq!(bytes.len() - segment.payload.len(), 40);
        let mut keys = Md5Keys::new();
        keys.add(KeyScope::Any, key.clone());
        assert_eq!(
            md5::verify(src, dst, &bytes, &keys),
            SignatureVerdict::Valid
        );
        assert!(segment.verify_checksum(src, dst).unwrap());
        for bit in 0..bytes.len() * 8 {
            let got = md5::verify(src, dst, &flip(&bytes, bit), &keys);
            if CHECKSUM_BYTES.contains(&(bit / 8)) {
                assert_eq!(got, SignatureVerdict::Valid, "bit {bit}");
            } else {
                assert_ne!(got, SignatureVerdict::Valid, "bit {bit}");
            }
        }
        for bit in 0..key.len() * 8 {
            let mut keys = Md5Keys::new();
            keys.add(KeyScope::Any, flip(&key, bit));
            assert_eq!(
                md5::verify(src, dst, &bytes, &keys),
                SignatureVerdict::Invalid,
                "key bit {bit}"
            );
        }
    }
}

#[test]
fn ao_any_flipped_bit_breaks_the_mac() {
    let mut rng = Rng(0x0fed_cba9_8765_4321);
    for round in 0..32 {
        let (src, dst) = rng.addresses();
        let algorithm = if round % 2 == 0 {
            AoAlgorithm::HmacSha1_96
        } else {
            AoAlgorithm::AesCmac128_96
        };
        let include_options = round % 4 < 2;
        let key = AoKey {
            include_options,
            ..AoKey::new(
                rng.next() as u8,
                rng.next() as u8,
                algorithm,
                rng.some_bytes(30, true),
            )
        };
        let (src_isn, dst_isn, sne) = (rng.next() as u32, rng.next() as u32, rng.below(3) as u32);
        // NOP NOP timestamps (12 bytes), then TCP-AO (16): 28 option bytes, no padding.
        let (tsval, tsecr) = (rng.next() as u32, rng.next() as u32);
        let segment = TcpSegment::builder()
            .ports(rng.next() as u16, 179)
            .seq(rng.next() as u32)
            .ack_number(rng.next() as u32)
            .ack()
            .nop()
            .nop()
            .timestamps(tsval, tsecr)
            .payload(rng.some_bytes(40, false))
            .build_ao_signed(src, dst, &AoSign::new(&key, src_isn, dst_isn, sne))
            .unwrap();
        let bytes = segment.to_bytes().unwrap();
        assert_eq!(bytes.len() - segment.payload.len(), 48);
        let check = |b: &[u8], k: &AoKey, sne: u32| {
            ao::verify(src, dst, b, src_isn, dst_isn, sne, std::slice::from_ref(k))
        };
        assert_eq!(check(&bytes, &key, sne), SignatureVerdict::Valid);
        // The timestamp values (after NOP NOP, kind, length): not covered with options excluded.
        let timestamp_values = 24..32;
        for bit in 0..bytes.len() * 8 {
            let got = check(&flip(&bytes, bit), &key, sne);
            let byte = bit / 8;
            if CHECKSUM_BYTES.contains(&byte)
                || (!include_options && timestamp_values.contains(&byte))
            {
                assert_eq!(got, SignatureVerdict::Valid, "bit {bit}");
            } else if !include_options && (20..32).contains(&byte) {
                // NOPs and the timestamp kind/length: the walk to TCP-AO may still succeed
                // (the option is then just not covered) or not; never a wrong `invalid`.
                assert_ne!(got, SignatureVerdict::NoKey, "bit {bit}");
            } else {
                assert_ne!(got, SignatureVerdict::Valid, "bit {bit}");
            }
        }
        for bit in 0..key.secret.len() * 8 {
            let flipped = AoKey {
                secret: flip(&key.secret, bit),
                ..key.clone()
            };
            assert_eq!(
                check(&bytes, &flipped, sne),
                SignatureVerdict::Invalid,
                "key bit {bit}"
            );
        }
        assert_eq!(check(&bytes, &key, sne ^ 1), SignatureVerdict::Invalid);
        assert_eq!(
            ao::verify(
                src,
                dst,
                &bytes,
                src_isn ^ 1,
                dst_isn,
                sne,
                std::slice::from_ref(&key)
            ),
            SignatureVerdict::Invalid
        );
    }
}

#[test]
fn a_flipped_bit_in_a_right_checksum_is_bad_unless_the_field_looks_like_offload() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut bad, mut offload, mut zero) = (0, 0, 0);
    for round in 0..400 {
        let (src, dst) = rng.addresses();
        let mut bytes = TcpSegment::builder()
            .ports(rng.next() as u16, rng.next() as u16)
            .seq(rng.next() as u32)
            .ack()
            .window(rng.next() as u16)
            .payload(rng.some_bytes(64, false))
            .build_with_checksum(src, dst)
            .unwrap()
            .to_bytes()
            .unwrap();
        let hints = ChecksumHints::default();
        if round % 50 == 0 {
            // Make the right checksum one bit away from the offload value: set the checksum
            // to the offload value with a bit flipped, then adjust the urgent pointer so the
            // sum is right again.
            let offload_value = offload_checksum(src, dst, bytes.len()).unwrap();
            let target = offload_value ^ 0x0100;
            let old = u16::from_be_bytes([bytes[16], bytes[17]]);
            let urgent = u16::from_be_bytes([bytes[18], bytes[19]]);
            // One's complement arithmetic: changing the checksum by d needs the urgent pointer
            // changed by -d (mod 0xffff) for the total to stay 0xffff.
            let delta = (u32::from(target) + 0xffff - u32::from(old)) % 0xffff;
            let new_urgent = ((u32::from(urgent) + 0xffff - delta) % 0xffff) as u16;
            bytes[16..18].copy_from_slice(&target.to_be_bytes());
            bytes[18..20].copy_from_slice(&new_urgent.to_be_bytes());
            if verdict(src, dst, &bytes, hints) != ChecksumVerdict::Ok {
                continue; // the 0x0000/0xffff corner: try the next segment
            }
        }
        assert_eq!(verdict(src, dst, &bytes, hints), ChecksumVerdict::Ok);
        let offload_value = offload_checksum(src, dst, bytes.len()).unwrap();
        for bit in 0..bytes.len() * 8 {
            let flipped = flip(&bytes, bit);
            let field = u16::from_be_bytes([flipped[16], flipped[17]]);
            let expected = if field == 0 {
                ChecksumVerdict::Zero
            } else if field == offload_value {
                ChecksumVerdict::Offload
            } else {
                ChecksumVerdict::Bad
            };
            let got = verdict(src, dst, &flipped, hints);
            assert_eq!(got, expected, "bit {bit}");
            match got {
                ChecksumVerdict::Bad => bad += 1,
                ChecksumVerdict::Offload => offload += 1,
                ChecksumVerdict::Zero => zero += 1,
                _ => {}
            }
        }
    }
    // The constructed cases reach the offload branch.
    assert!(
        bad > 100_000 && offload >= 4,
        "bad {bad}, offload {offload}, zero {zero}"
    );
}

#[test]
fn pcapng_flags_and_super_segments_decide_first() {
    let (src, dst): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
    let mut bytes = TcpSegment::builder()
        .ports(1, 2)
        .ack()
        .payload(vec![7; 100])
        .build()
        .unwrap()
        .to_bytes()
        .unwrap();
    bytes[16] = 0x12;
    let plain = ChecksumHints::default();
    assert_eq!(verdict(src, dst, &bytes, plain), ChecksumVerdict::Bad);
    let valid = ChecksumHints {
        flagged_valid: true,
        ..plain
    };
    assert_eq!(verdict(src, dst, &bytes, valid), ChecksumVerdict::Ok);
    let not_ready = ChecksumHints {
        flagged_not_ready: true,
        ..plain
    };
    assert_eq!(
        verdict(src, dst, &bytes, not_ready),
        ChecksumVerdict::Offload
    );
    // A super-segment's offload value may leave out the length.
    let zero_len = offload_checksum(src, dst, 0).unwrap();
    bytes[16..18].copy_from_slice(&zero_len.to_be_bytes());
    assert_eq!(verdict(src, dst, &bytes, plain), ChecksumVerdict::Bad);
    let tso = ChecksumHints {
        super_segment: true,
        ..plain
    };
    assert_eq!(verdict(src, dst, &bytes, tso), ChecksumVerdict::Offload);
    // Mixed families and short segments cannot be checked.
    assert_eq!(
        verdict(src, "::1".parse::<IpAddr>().unwrap(), &bytes, plain),
        ChecksumVerdict::NotCheckable
    );
    assert_eq!(
        verdict(src, dst, &bytes[..10], plain),
        ChecksumVerdict::NotCheckable
    );
}

#[test]
fn arbitrary_bytes_never_panic_the_verifiers() {
    // Random headers with MD5 and TCP-AO options of every length (cut, overrunning, too short),
    // random data offsets and lengths: every verdict function answers.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let keys = {
        let mut k = Md5Keys::new();
        k.add(KeyScope::Any, b"k".to_vec());
        k
    };
    let ao_keys: Vec<AoKey> = (0..=255u8)
        .step_by(17)
        .map(|id| AoKey::new(id, id, AoAlgorithm::AesCmac128_96, vec![id; 16]))
        .collect();
    let mut verifier = ao::AoVerifier::new(ao_keys.clone());
    let mut answered = 0;
    for _ in 0..20_000 {
        let len = rng.below(90);
        let mut bytes = rng.bytes(len);
        if bytes.len() > 22 {
            bytes[12] = (rng.below(16) as u8) << 4;
            bytes[20] = [19, 29, 1, 0][rng.below(4) as usize];
            bytes[21] = rng.below(24) as u8;
            // Some with ao KeyIDs a key has.
            bytes[22] = (rng.below(16) * 17) as u8;
        }
        let (src, dst) = rng.addresses();
        let _ = md5::verify(src, dst, &bytes, &keys);
        let _ = ao::verify(src, dst, &bytes, 1, 2, 0, &ao_keys);
        let _ = verifier.verify(0, src, dst, &bytes);
        let _ = verdict(src, dst, &bytes, ChecksumHints::default());
        let mut signed = bytes.clone();
        let _ = md5::sign(src, dst, &mut signed, b"k");
        let _ = ao::sign(src, dst, &mut signed, &AoSign::new(&ao_keys[1], 1, 2, 0));
        answered += 1;
    }
    assert_eq!(answered, 20_000);
}
