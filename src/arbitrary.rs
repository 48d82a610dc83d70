//! quickcheck generators for every value type (feature `quickcheck`).
//!
//! Every generated value is valid: it passes `validate`, and parsing its bytes (lossless mode)
//! gives the very same value back. Within that, the generators reach for the corners real
//! traffic and broken stacks produce: 40 NOPs, four SACK blocks, cookie requests, garbage after
//! EOL, window-scale shifts over 14, reserved bits set, and every shape of malformed option,
//! each with exactly the [`MalformedReason`] the parser gives its bytes.

use quickcheck::{Arbitrary, Gen};

use crate::bytes::InlineBytes;
use crate::error::{LengthSet, MalformedReason};
use crate::header::{Flags, TcpHeader, TcpSegment, FIXED_HEADER_LEN};
use crate::mptcp::MptcpOption;
use crate::option::{
    allowed_lengths, is_decoded_kind, AccEcnCounters, Granularity, OptionList, SackBlock,
    SackBlocks, TcpOption, EXID_FAST_OPEN, MAX_OPTION_AREA,
};
use crate::registry::AltChecksumAlgorithm;

// ---------------------------------------------------------------------------------------------
// Random helpers (quickcheck's `Gen` offers no ranges of its own)

/// A number in `0..n` (0 when `n` is 0).
fn below(g: &mut Gen, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        usize::try_from(u32::arbitrary(g)).unwrap_or(0) % n
    }
}

/// A number in `lo..=hi` (`lo` when the range is empty).
fn between(g: &mut Gen, lo: usize, hi: usize) -> usize {
    lo + below(g, hi.saturating_sub(lo) + 1)
}

/// True with probability 1/n.
fn one_in(g: &mut Gen, n: usize) -> bool {
    below(g, n) == 0
}

/// A length in `lo..=hi`, often one of the two ends.
fn length_in(g: &mut Gen, lo: usize, hi: usize) -> usize {
    match below(g, 6) {
        0 => lo,
        1 => hi.max(lo),
        _ => between(g, lo, hi),
    }
}

/// Fills `buf`: usually random bytes, sometimes all zeros or all ones.
fn fill(g: &mut Gen, buf: &mut [u8]) {
    match below(g, 8) {
        0 => buf.fill(0),
        1 => buf.fill(0xff),
        _ => buf.iter_mut().for_each(|b| *b = u8::arbitrary(g)),
    }
}

/// `len` (at most `N`) bytes filled by [`fill`].
fn inline_bytes<const N: usize>(g: &mut Gen, len: usize) -> InlineBytes<N> {
    let mut buf = [0u8; N];
    let used = buf.get_mut(..len.min(N)).unwrap_or_default();
    fill(g, used);
    InlineBytes::from_slice(used).unwrap_or_default()
}

/// `len` (at most 40) zero bytes.
fn zeros(len: usize) -> InlineBytes<MAX_OPTION_AREA> {
    let zeros = [0u8; MAX_OPTION_AREA];
    zeros
        .get(..len)
        .and_then(InlineBytes::from_slice)
        .unwrap_or_default()
}

/// A 24-bit number, often an edge value.
fn u24(g: &mut Gen) -> u32 {
    match below(g, 6) {
        0 => 0,
        1 => 0xff_ffff,
        _ => u32::arbitrary(g) & 0xff_ffff,
    }
}

/// A `u16` that is often a value real stacks send.
fn realistic_u16(g: &mut Gen, usual: &[u16]) -> u16 {
    if one_in(g, 2) {
        g.choose(usual).copied().unwrap_or(0)
    } else {
        u16::arbitrary(g)
    }
}

// ---------------------------------------------------------------------------------------------
// Small value types

impl<const N: usize> Arbitrary for InlineBytes<N> {
    fn arbitrary(g: &mut Gen) -> Self {
        let len = length_in(g, 0, N);
        inline_bytes(g, len)
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let bytes = self.as_slice().to_vec();
        Box::new(bytes.shrink().filter_map(|b| Self::from_slice(&b)))
    }
}

impl Arbitrary for SackBlock {
    fn arbitrary(g: &mut Gen) -> Self {
        let left = u32::arbitrary(g);
        // Usually a plausible range after `left`; sometimes anything (wrapped, empty, reversed).
        let right = if one_in(g, 3) {
            u32::arbitrary(g)
        } else {
            left.wrapping_add(u32::from(u16::arbitrary(g)))
        };
        SackBlock { left, right }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new(
            (self.left, self.right)
                .shrink()
                .map(|(left, right)| SackBlock { left, right }),
        )
    }
}

impl Arbitrary for Granularity {
    fn arbitrary(g: &mut Gen) -> Self {
        if bool::arbitrary(g) {
            Granularity::Minutes
        } else {
            Granularity::Seconds
        }
    }
}

/// `n` (0..=3) counters present in the option kind's wire order, each 24 bits.
fn accecn_counters(g: &mut Gen, order1: bool) -> AccEcnCounters {
    let n = below(g, 4);
    let mut values = [None; 3];
    for slot in values.iter_mut().take(n) {
        *slot = Some(u24(g));
    }
    let [first, second, third] = values;
    if order1 {
        AccEcnCounters {
            ee1b: first,
            eceb: second,
            ee0b: third,
        }
    } else {
        AccEcnCounters {
            ee0b: first,
            eceb: second,
            ee1b: third,
        }
    }
}

/// Counters that are valid for one of the two AccECN option kinds (present ones form a prefix
/// of that kind's wire order).
impl Arbitrary for AccEcnCounters {
    fn arbitrary(g: &mut Gen) -> Self {
        let order1 = bool::arbitrary(g);
        accecn_counters(g, order1)
    }
}

impl Arbitrary for Flags {
    fn arbitrary(g: &mut Gen) -> Self {
        const USUAL: [Flags; 8] = [
            Flags::SYN,
            Flags::from_bits_truncate(Flags::SYN.bits() | Flags::ACK.bits()),
            Flags::ACK,
            Flags::from_bits_truncate(Flags::PSH.bits() | Flags::ACK.bits()),
            Flags::from_bits_truncate(Flags::FIN.bits() | Flags::ACK.bits()),
            Flags::RST,
            Flags::from_bits_truncate(Flags::RST.bits() | Flags::ACK.bits()),
            // An AccECN SYN: AE, CWR and ECE set.
            Flags::from_bits_truncate(
                Flags::SYN.bits() | Flags::AE.bits() | Flags::CWR.bits() | Flags::ECE.bits(),
            ),
        ];
        if one_in(g, 2) {
            g.choose(&USUAL).copied().unwrap_or(Flags::EMPTY)
        } else {
            Flags::from_bits_truncate(u16::arbitrary(g))
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new(self.bits().shrink().map(Flags::from_bits_truncate))
    }
}

// ---------------------------------------------------------------------------------------------
// Options

/// Lengths allowed for TCP Fast Open inside an experiment option with ExID 0xF989 (RFC 7413:
/// ExID alone for a cookie request, else a 4..=16-byte cookie).
const EXPERIMENTAL_FAST_OPEN_LENGTHS: LengthSet = LengthSet::range(8, 20).with(4);

/// Kinds whose specification restricts the length, so a wrong length is `BadLength`.
const LENGTH_RESTRICTED_KINDS: [u8; 23] = [
    2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 19, 27, 28, 29, 30, 34, 172, 174, 253, 254,
];

/// Kinds this crate keeps as [`TcpOption::Unknown`] that real traffic or the registry knows.
const UNDECODED_KINDS: [u8; 20] = [
    16, 17, 18, 20, 21, 22, 23, 24, 25, 26, 31, 32, 33, 35, 70, 76, 77, 78, 173, 255,
];

/// A kind the crate does not decode.
fn unknown_kind(g: &mut Gen) -> u8 {
    let kind = u8::arbitrary(g);
    if is_decoded_kind(kind) || one_in(g, 2) {
        g.choose(&UNDECODED_KINDS).copied().unwrap_or(76)
    } else {
        kind
    }
}

/// A kind that has a length byte (anything but EOL and NOP), often a decoded one.
fn kind_with_length(g: &mut Gen) -> u8 {
    if one_in(g, 2) {
        g.choose(&LENGTH_RESTRICTED_KINDS).copied().unwrap_or(2)
    } else {
        u8::arbitrary(g).max(2)
    }
}

/// A TCP Fast Open cookie fitting in `room` bytes: empty (a cookie request) or 4..=16 bytes.
fn fast_open_cookie(g: &mut Gen, room: usize) -> InlineBytes<16> {
    if room < 4 || one_in(g, 4) {
        InlineBytes::new()
    } else {
        let len = if one_in(g, 2) {
            // Linux and Chrome send 8 bytes.
            8.min(room)
        } else {
            length_in(g, 4, room.min(16))
        };
        inline_bytes(g, len)
    }
}

/// How many option variants [`option_variant`] knows (all but EOL and framing errors).
const VARIANTS: usize = 28;

/// A valid option of variant number `variant` taking at most `max` bytes, or `None` when the
/// variant cannot fit. Never EOL, never a malformed option with a framing error: those end an
/// option list and are placed by [`arbitrary_option_area`].
fn option_variant(g: &mut Gen, variant: usize, max: usize) -> Option<TcpOption> {
    let option = match variant {
        0 => TcpOption::Nop,
        1 => TcpOption::Mss {
            mss: realistic_u16(g, &[1460, 1440, 1400, 1380, 536, 8960, 65495]),
        },
        2 => TcpOption::WindowScale {
            shift: match below(g, 4) {
                0 => *g.choose(&[14, 15, 16, 255])?,
                1 => u8::arbitrary(g),
                _ => u8::try_from(below(g, 15)).ok()?,
            },
        },
        3 => TcpOption::SackPermitted,
        4 => {
            let most = (max.checked_sub(2)? / 8).min(4);
            if most == 0 {
                return None;
            }
            let n = length_in(g, 1, most);
            let blocks: SackBlocks = (0..n).map(|_| SackBlock::arbitrary(g)).collect();
            TcpOption::Sack { blocks }
        }
        5 => TcpOption::Echo {
            info: u32::arbitrary(g),
        },
        6 => TcpOption::EchoReply {
            info: u32::arbitrary(g),
        },
        7 => TcpOption::Timestamps {
            tsval: u32::arbitrary(g),
            tsecr: if one_in(g, 4) { 0 } else { u32::arbitrary(g) },
        },
        8 => TcpOption::PocPermitted,
        9 => TcpOption::PocServiceProfile {
            start: bool::arbitrary(g),
            end: bool::arbitrary(g),
            filler: u8::arbitrary(g) & 0x3f,
        },
        10 => TcpOption::Cc {
            count: u32::arbitrary(g),
        },
        11 => TcpOption::CcNew {
            count: u32::arbitrary(g),
        },
        12 => TcpOption::CcEcho {
            count: u32::arbitrary(g),
        },
        13 => TcpOption::AltChecksumRequest {
            algorithm: AltChecksumAlgorithm::arbitrary(g),
        },
        14 => {
            let len = length_in(g, 0, max.checked_sub(2)?.min(38));
            TcpOption::AltChecksumData {
                data: inline_bytes(g, len),
            }
        }
        15 => {
            let mut digest = [0u8; 16];
            fill(g, &mut digest);
            TcpOption::Md5Signature { digest }
        }
        16 => TcpOption::QuickStartResponse {
            reserved: u8::arbitrary(g) & 0xf,
            rate_request: u8::arbitrary(g) & 0xf,
            ttl_diff: u8::arbitrary(g),
            nonce: u32::arbitrary(g) & 0x3fff_ffff,
            nonce_reserved: u8::arbitrary(g) & 0x3,
        },
        17 => TcpOption::UserTimeout {
            granularity: Granularity::arbitrary(g),
            timeout: u16::arbitrary(g) & 0x7fff,
        },
        18 => {
            let room = max.checked_sub(4)?.min(36);
            // RFC 5926 MACs are 12 bytes; 16 is common too.
            let len = match below(g, 3) {
                0 => 12.min(room),
                1 => 16.min(room),
                _ => length_in(g, 0, room),
            };
            TcpOption::TcpAo {
                key_id: u8::arbitrary(g),
                rnext_key_id: u8::arbitrary(g),
                mac: inline_bytes(g, len),
            }
        }
        19 => TcpOption::Mptcp(MptcpOption::arbitrary(g)),
        20 => TcpOption::FastOpen {
            cookie: fast_open_cookie(g, max.checked_sub(2)?),
        },
        21 => {
            let len = length_in(g, 0, max.checked_sub(2)?.min(38));
            TcpOption::Eno {
                data: inline_bytes(g, len),
            }
        }
        22 => TcpOption::AccEcnOrder0(accecn_counters(g, false)),
        23 => TcpOption::AccEcnOrder1(accecn_counters(g, true)),
        24 => TcpOption::ExperimentalFastOpen {
            kind: *g.choose(&[253, 254])?,
            cookie: fast_open_cookie(g, max.checked_sub(4)?),
        },
        25 => {
            let exid = match u16::arbitrary(g) {
                // ExIDs seen in real traffic, or anything but TCP Fast Open's.
                x if x % 2 == 0 => *g.choose(&[0x00ac, 0xacc0, 0xacc1, 0x0ed0, 0x454e])?,
                EXID_FAST_OPEN => EXID_FAST_OPEN ^ 1,
                x => x,
            };
            let len = length_in(g, 0, max.checked_sub(4)?.min(36));
            TcpOption::Experiment {
                kind: *g.choose(&[253, 254])?,
                exid,
                data: inline_bytes(g, len),
            }
        }
        26 => {
            let len = length_in(g, 0, max.checked_sub(2)?.min(38));
            TcpOption::Unknown {
                kind: unknown_kind(g),
                data: inline_bytes(g, len),
            }
        }
        _ => bad_length_option(g, max)?,
    };
    (option.encoded_len() <= max).then_some(option)
}

/// A valid option of any variant but EOL and framing errors, taking at most `max` bytes (at
/// least 1): a few tries at a random variant, then NOP.
fn option_within(g: &mut Gen, max: usize) -> TcpOption {
    (0..8)
        .find_map(|_| {
            let variant = below(g, VARIANTS);
            option_variant(g, variant, max)
        })
        .unwrap_or(TcpOption::Nop)
}

/// A malformed option whose framing is sound but whose length its kind does not allow (a
/// fixed-size kind with another length, SACK not 2+8n, a 3-byte TFO cookie, a TFO experiment
/// with a bad cookie length, ...), at most `max` bytes, with the reason the parser gives it.
fn bad_length_option(g: &mut Gen, max: usize) -> Option<TcpOption> {
    let kind = *g.choose(&LENGTH_RESTRICTED_KINDS)?;
    let fast_open_experiment = matches!(kind, 253 | 254) && bool::arbitrary(g);
    // An experiment's ExID takes 2 bytes: with TCP Fast Open's, the cookie rules apply.
    let (allowed, shortest) = if fast_open_experiment {
        (EXPERIMENTAL_FAST_OPEN_LENGTHS, 4)
    } else {
        (allowed_lengths(kind), 2)
    };
    let longest = u8::try_from(max.min(MAX_OPTION_AREA)).ok()?;
    let bad: Vec<u8> = (shortest..=longest)
        .filter(|&l| !allowed.contains(l))
        .collect();
    // Near misses (within a few bytes of a valid length) are the usual case.
    let near: Vec<u8> = bad.iter().copied().filter(|&l| l <= 12).collect();
    let length = if !near.is_empty() && bool::arbitrary(g) {
        *g.choose(&near)?
    } else {
        *g.choose(&bad)?
    };
    let mut bytes = [0u8; MAX_OPTION_AREA];
    let used = bytes.get_mut(..usize::from(length))?;
    fill(g, used);
    if let [k, l, rest @ ..] = used {
        *k = kind;
        *l = length;
        if fast_open_experiment {
            if let [hi, lo, ..] = rest {
                [*hi, *lo] = EXID_FAST_OPEN.to_be_bytes();
            }
        }
    }
    Some(TcpOption::Malformed {
        kind,
        bytes: InlineBytes::from_slice(used)?,
        reason: MalformedReason::BadLength { length, allowed },
    })
}

/// A malformed option whose framing is broken, exactly `len` bytes (1..=40) long: it must end
/// the option area. One byte is a kind without its length byte; more is a length byte of 0 or
/// 1, or one that runs past the `len` bytes.
fn framing_malformed(g: &mut Gen, len: usize) -> Option<TcpOption> {
    if !(1..=MAX_OPTION_AREA).contains(&len) {
        return None;
    }
    let kind = kind_with_length(g);
    let mut bytes = [0u8; MAX_OPTION_AREA];
    let used = bytes.get_mut(..len)?;
    fill(g, used);
    let reason = match used {
        [k] => {
            *k = kind;
            MalformedReason::MissingLength
        }
        [k, l, ..] => {
            *k = kind;
            if bool::arbitrary(g) {
                *l = u8::from(bool::arbitrary(g));
                MalformedReason::LengthBelowTwo { length: *l }
            } else {
                let available = u8::try_from(len).ok()?;
                let over = if one_in(g, 3) {
                    between(g, 1, 255 - usize::from(available))
                } else {
                    between(g, 1, 8.min(255 - usize::from(available)))
                };
                *l = available.checked_add(u8::try_from(over).ok()?)?;
                MalformedReason::Overrun {
                    length: *l,
                    available,
                }
            }
        }
        [] => return None,
    };
    Some(TcpOption::Malformed {
        kind,
        bytes: InlineBytes::from_slice(used)?,
        reason,
    })
}

/// Any single option that is valid on its own (parsing its bytes alone gives it back):
/// every variant, EOL and each kind of malformed option included.
impl Arbitrary for TcpOption {
    fn arbitrary(g: &mut Gen) -> Self {
        match below(g, 24) {
            0 => TcpOption::Eol,
            1 | 2 => {
                let len = length_in(g, 1, MAX_OPTION_AREA);
                framing_malformed(g, len).unwrap_or(TcpOption::Nop)
            }
            3 | 4 => bad_length_option(g, MAX_OPTION_AREA).unwrap_or(TcpOption::Nop),
            _ => option_within(g, MAX_OPTION_AREA),
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        match self {
            TcpOption::Nop => quickcheck::empty_shrinker(),
            _ => quickcheck::single_shrinker(TcpOption::Nop),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Headers

fn area_len(options: &[TcpOption]) -> usize {
    options.iter().map(TcpOption::encoded_len).sum()
}

/// The next multiple of 4 at or above `n`.
fn round_up4(n: usize) -> usize {
    n.div_ceil(4) * 4
}

/// A multiple of 4 from `round_up4(least)` to 40, usually the smallest.
fn area_end(g: &mut Gen, least: usize) -> usize {
    let first = round_up4(least);
    let extra = if one_in(g, 3) {
        below(g, MAX_OPTION_AREA.saturating_sub(first) / 4 + 1)
    } else {
        0
    };
    first + 4 * extra
}

/// An option list and padding that fill an option area of a multiple of 4 bytes (0..=40)
/// exactly, as parsing would give them back: EOL only last and padding only after it, a framing
/// error only last.
fn arbitrary_option_area(g: &mut Gen) -> (OptionList, InlineBytes<MAX_OPTION_AREA>) {
    let mut options = OptionList::new();
    let any = |g: &mut Gen, variant: usize| option_variant(g, variant, MAX_OPTION_AREA);
    match below(g, 16) {
        // No options at all.
        0 => return (options, InlineBytes::new()),
        // 40 NOPs.
        1 => {
            options.extend((0..MAX_OPTION_AREA).map(|_| TcpOption::Nop));
            return (options, InlineBytes::new());
        }
        // A Linux SYN: MSS, SACK permitted, timestamps, NOP, window scale.
        2 => options.extend([1, 3, 7, 0, 2].into_iter().filter_map(|v| any(g, v))),
        // A Windows SYN: MSS, NOP, window scale, NOP, NOP, SACK permitted.
        3 => options.extend([1, 0, 2, 0, 0, 3].into_iter().filter_map(|v| any(g, v))),
        // A timestamped ACK, with SACK blocks half the time.
        4 => {
            options.extend([0, 0, 7].into_iter().filter_map(|v| any(g, v)));
            if bool::arbitrary(g) {
                options.push(TcpOption::Nop);
                options.push(TcpOption::Nop);
                if let Some(sack) = option_variant(g, 4, MAX_OPTION_AREA - 14) {
                    options.push(sack);
                }
            }
        }
        // Four SACK blocks, the most that fit.
        5 => {
            let blocks: SackBlocks = (0..4).map(|_| SackBlock::arbitrary(g)).collect();
            options.extend([TcpOption::Nop, TcpOption::Nop]);
            options.push(TcpOption::Sack { blocks });
        }
        // Anything, as long as it fits in a random budget.
        _ => {
            let budget = length_in(g, 1, MAX_OPTION_AREA);
            for _ in 0..below(g, 10) {
                let room = budget.saturating_sub(area_len(&options));
                if room == 0 {
                    break;
                }
                options.push(option_within(g, room));
            }
        }
    }
    let used = area_len(&options);
    let room = MAX_OPTION_AREA.saturating_sub(used);
    let mut padding = InlineBytes::new();
    match below(g, 6) {
        // EOL, then padding up to a 4-byte boundary (or further): zeros, or garbage.
        0 | 1 if room > 0 => {
            options.push(TcpOption::Eol);
            let end = area_end(g, used + 1);
            let len = end - used - 1;
            padding = if one_in(g, 3) {
                inline_bytes(g, len)
            } else {
                zeros(len)
            };
        }
        // A malformed option with a broken length, running to the end of the area.
        2 if room > 0 => {
            let end = area_end(g, used + 1);
            if let Some(m) = framing_malformed(g, end - used) {
                options.push(m);
            }
        }
        // NOPs up to a 4-byte boundary (none when already on one).
        _ => {}
    }
    let fill_to = round_up4(area_len(&options) + padding.len());
    while area_len(&options) + padding.len() < fill_to {
        options.push(TcpOption::Nop);
    }
    (options, padding)
}

/// A valid header: options that fit, the data offset that matches them, every fixed field
/// random (reserved bits and AE included).
impl Arbitrary for TcpHeader {
    fn arbitrary(g: &mut Gen) -> Self {
        let (options, padding) = arbitrary_option_area(g);
        let area = area_len(&options) + padding.len();
        TcpHeader {
            src_port: realistic_u16(g, &[80, 443, 22, 53, 6000, 50000]),
            dst_port: realistic_u16(g, &[80, 443, 22, 53, 6000, 50000]),
            seq: u32::arbitrary(g),
            ack: u32::arbitrary(g),
            data_offset: u8::try_from((FIXED_HEADER_LEN + area) / 4).unwrap_or(15),
            reserved: if one_in(g, 3) {
                u8::arbitrary(g) & 0x7
            } else {
                0
            },
            flags: Flags::arbitrary(g),
            window: u16::arbitrary(g),
            checksum: u16::arbitrary(g),
            urgent_pointer: if one_in(g, 2) { 0 } else { u16::arbitrary(g) },
            options,
            padding,
        }
    }

    /// Simpler headers with the same layout rules: fixed fields zeroed, an option replaced by
    /// NOPs of the same length, four NOPs dropped with the data offset, padding zeroed or cut.
    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let mut candidates = Vec::new();
        let zeroed = TcpHeader {
            src_port: 0,
            dst_port: 0,
            seq: 0,
            ack: 0,
            reserved: 0,
            flags: Flags::EMPTY,
            window: 0,
            checksum: 0,
            urgent_pointer: 0,
            ..self.clone()
        };
        if zeroed != *self {
            candidates.push(zeroed);
        }
        for (i, option) in self.options.iter().enumerate() {
            if matches!(option, TcpOption::Nop | TcpOption::Eol) {
                continue;
            }
            let mut h = self.clone();
            h.options.remove(i);
            let nops = std::iter::repeat_n(TcpOption::Nop, option.encoded_len());
            h.options.insert_many(i, nops);
            candidates.push(h);
        }
        if let Some(i) = self
            .options
            .windows(4)
            .position(|w| w.iter().all(|o| *o == TcpOption::Nop))
        {
            let mut h = self.clone();
            h.options.drain(i..i + 4);
            h.data_offset -= 1;
            candidates.push(h);
        }
        if !self.padding.is_empty() {
            let mut h = self.clone();
            h.padding = zeros(self.padding.len());
            if h != *self {
                candidates.push(h);
            }
            if self.padding.len() >= 4 {
                let mut h = self.clone();
                h.padding = self
                    .padding
                    .get(4..)
                    .and_then(InlineBytes::from_slice)
                    .unwrap_or_default();
                h.data_offset -= 1;
                candidates.push(h);
            }
        }
        Box::new(candidates.into_iter().filter(|h| h.validate().is_ok()))
    }
}

/// A valid header and a payload (often empty, usually short).
impl Arbitrary for TcpSegment {
    fn arbitrary(g: &mut Gen) -> Self {
        let header = TcpHeader::arbitrary(g);
        let len = match below(g, 4) {
            0 => 0,
            1 => below(g, 1500),
            _ => below(g, 64),
        };
        let mut payload = vec![0u8; len];
        fill(g, &mut payload);
        TcpSegment { header, payload }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let payload = self.payload.clone();
        let header = self.header.clone();
        let shorter = self.payload.shrink().map(move |p| TcpSegment {
            header: header.clone(),
            payload: p,
        });
        let simpler = self.header.shrink().map(move |h| TcpSegment {
            header: h,
            payload: payload.clone(),
        });
        Box::new(shorter.chain(simpler))
    }
}
