//! Random helpers for the quickcheck generators (feature `quickcheck`), at the bottom of the
//! crate so each kind's file can hold its own generator beside its parser and writer:
//! quickcheck's `Gen` offers no ranges of its own.

use quickcheck::{Arbitrary, Gen};

use crate::bytes::InlineBytes;

/// A valid value of one option kind taking at most `room` bytes on the wire (`None` when it
/// cannot fit): each kind's generator, implemented in its file.
pub(crate) trait Generate: Sized {
    /// A value that validates and reads back equal from its bytes.
    fn generate(g: &mut Gen, room: usize) -> Option<Self>;
}

/// A number in `0..n` (0 when `n` is 0).
pub(crate) fn below(g: &mut Gen, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        usize::try_from(u32::arbitrary(g)).unwrap_or(0) % n
    }
}

/// A number in `lo..=hi` (`lo` when the range is empty).
pub(crate) fn between(g: &mut Gen, lo: usize, hi: usize) -> usize {
    lo + below(g, hi.saturating_sub(lo) + 1)
}

/// The numbers 0..100, for [`chance`].
const PERCENTS: [u8; 100] = {
    let mut all = [0u8; 100];
    let mut i = 0;
    while i < 100 {
        all[i] = i as u8;
        i += 1;
    }
    all
};

/// True with probability `percent` %, exactly: `u32::arbitrary` favours edge values, so
/// [`below`] is not uniform; `Gen::choose` is.
pub(crate) fn chance(g: &mut Gen, percent: u8) -> bool {
    g.choose(&PERCENTS).is_some_and(|&p| p < percent)
}

/// True with probability 1/n.
pub(crate) fn one_in(g: &mut Gen, n: usize) -> bool {
    below(g, n) == 0
}

/// A length in `lo..=hi`, often one of the two ends.
pub(crate) fn length_in(g: &mut Gen, lo: usize, hi: usize) -> usize {
    match below(g, 6) {
        0 => lo,
        1 => hi.max(lo),
        _ => between(g, lo, hi),
    }
}

/// Fills `buf`: usually random bytes, sometimes all zeros or all ones.
pub(crate) fn fill(g: &mut Gen, buf: &mut [u8]) {
    match below(g, 8) {
        0 => buf.fill(0),
        1 => buf.fill(0xff),
        _ => buf.iter_mut().for_each(|b| *b = u8::arbitrary(g)),
    }
}

/// `len` (at most `N`) bytes filled by [`fill`].
pub(crate) fn inline_bytes<const N: usize>(g: &mut Gen, len: usize) -> InlineBytes<N> {
    let mut buf = [0u8; N];
    let used = buf.get_mut(..len.min(N)).unwrap_or_default();
    fill(g, used);
    InlineBytes::from_slice(used).unwrap_or_default()
}

/// A 24-bit number, often an edge value.
pub(crate) fn u24(g: &mut Gen) -> u32 {
    match below(g, 6) {
        0 => 0,
        1 => 0xff_ffff,
        _ => u32::arbitrary(g) & 0xff_ffff,
    }
}

/// A `u16` that is often a value real stacks send.
pub(crate) fn realistic_u16(g: &mut Gen, usual: &[u16]) -> u16 {
    if one_in(g, 2) {
        g.choose(usual).copied().unwrap_or(0)
    } else {
        u16::arbitrary(g)
    }
}
