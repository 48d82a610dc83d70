//! quickcheck: valid values of every subtype and length form.

use quickcheck::{Arbitrary, Gen};

use super::*;

/// A value of at most `bits` bits.
pub(super) fn bits(g: &mut Gen, bits: u32) -> u8 {
    u8::arbitrary(g) & ((1u16 << bits) - 1) as u8
}

pub(super) fn reserved12(g: &mut Gen) -> u16 {
    u16::arbitrary(g) & 0x0fff
}

pub(super) fn flag(g: &mut Gen) -> bool {
    bool::arbitrary(g)
}

/// Some or None, even odds.
pub(super) fn maybe<T>(g: &mut Gen, f: impl FnOnce(&mut Gen) -> T) -> Option<T> {
    if flag(g) {
        Some(f(g))
    } else {
        None
    }
}

/// `min..=MAX_MPTCP_DATA` random bytes.
pub(super) fn data(g: &mut Gen, min: usize) -> InlineBytes<MAX_MPTCP_DATA> {
    let len = min + usize::arbitrary(g) % (MAX_MPTCP_DATA + 1 - min);
    let bytes = <[u8; MAX_MPTCP_DATA]>::arbitrary(g);
    InlineBytes::from_slice(bytes.get(..len).unwrap_or_default()).unwrap_or_default()
}

/// A 64-bit value, or a 32-bit one when `eight_bytes` is false.
pub(super) fn random_sequence_number(g: &mut Gen, eight_bytes: bool) -> u64 {
    if eight_bytes {
        u64::arbitrary(g)
    } else {
        u64::from(u32::arbitrary(g))
    }
}

/// Valid values only: `validate` passes and parsing the encoding gives the value back.
/// Every subtype (and subtypes 9..=14) and every length form is generated, reserved bits
/// random.
/// Every subtype equally often (the table's order, see `subtype_table!`).
impl Arbitrary for MptcpOption {
    fn arbitrary(g: &mut Gen) -> Self {
        let generate = g
            .choose(GENERATORS)
            .copied()
            .unwrap_or(|g| MptcpOption::MpCapable(MpCapable::arbitrary(g)));
        generate(g)
    }
}
