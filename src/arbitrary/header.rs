//! Headers and segments, shaped by a [`GenConfig`].

use crate::option::Sack;
use quickcheck::{Arbitrary, Gen};

use super::{
    bad_length_option, below, chance, fill, framing_malformed, inline_bytes, length_in,
    mptcp_option, one_in, option_variant, option_within, realistic_u16, zeros, GenConfig, Kinds,
};
use crate::bytes::InlineBytes;
use crate::header::{Flags, TcpHeader, TcpSegment, FIXED_HEADER_LEN};
use crate::option::{OptionList, SackBlock, SackBlocks, TcpOption, MAX_OPTION_AREA};

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

/// The end of the option area for options taking `least` bytes: the next multiple of 4 with
/// canonical padding, else [`area_end`]'s choice.
fn end_for(g: &mut Gen, least: usize, config: &GenConfig) -> usize {
    if config.canonical_padding {
        round_up4(least)
    } else {
        area_end(g, least)
    }
}

/// MPTCP options (at least one) and NOPs, within a random budget.
fn mptcp_body(g: &mut Gen, config: &GenConfig, options: &mut OptionList) {
    let budget = length_in(g, 1, MAX_OPTION_AREA);
    if let Some(first) = mptcp_option(g, MAX_OPTION_AREA) {
        options.push(first);
    }
    for _ in 0..below(g, 3) {
        let room = budget.saturating_sub(area_len(options));
        if room == 0 {
            break;
        }
        options.push(option_within(g, room, config));
    }
}

/// Puts one malformed option of the profile's kinds into `options` (no EOL yet): half the
/// time one with a bad length at a random place (if one fits), else one with broken framing at
/// the end, running to the end of the area. Options are dropped from the end when the area is
/// full. Returns whether the area is now closed (a framing error ends it).
fn inject_malformed(g: &mut Gen, config: &GenConfig, options: &mut OptionList) -> bool {
    while area_len(options) >= MAX_OPTION_AREA {
        options.pop();
    }
    let used = area_len(options);
    if bool::arbitrary(g) {
        if let Some(m) = bad_length_option(g, MAX_OPTION_AREA - used, config.kinds) {
            let at = below(g, options.len() + 1);
            options.insert(at, m);
            return false;
        }
    }
    let end = end_for(g, used + 1, config);
    match framing_malformed(g, end - used, config.kinds) {
        Some(m) => {
            options.push(m);
            true
        }
        None => false,
    }
}

/// An option list and padding that fill an option area of a multiple of 4 bytes (0..=40)
/// exactly, as parsing would give them back: EOL only last and padding only after it, a framing
/// error only last. Shaped by `config`: see [`GenConfig`].
pub(super) fn arbitrary_option_area(
    g: &mut Gen,
    config: &GenConfig,
) -> (OptionList, InlineBytes<MAX_OPTION_AREA>) {
    let mut options = OptionList::new();
    let kinds = config.kinds;
    let natural = config.malformed_percent.is_none();
    let inject = config
        .malformed_percent
        .is_some_and(|percent| chance(g, percent));
    let any = |g: &mut Gen, variant: usize| option_variant(g, variant, MAX_OPTION_AREA, kinds);
    match below(g, 16) {
        _ if kinds == Kinds::Mptcp => mptcp_body(g, config, &mut options),
        // No options at all.
        0 if !inject => return (options, InlineBytes::new()),
        0 => {}
        // 40 NOPs.
        1 => {
            options.extend((0..MAX_OPTION_AREA).map(|_| TcpOption::Nop));
            if !inject {
                return (options, InlineBytes::new());
            }
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
                if let Some(sack) = option_variant(g, 4, MAX_OPTION_AREA - 14, kinds) {
                    options.push(sack);
                }
            }
        }
        // Four SACK blocks, the most that fit.
        5 => {
            let blocks: SackBlocks = (0..4).map(|_| SackBlock::arbitrary(g)).collect();
            options.extend([TcpOption::Nop, TcpOption::Nop]);
            options.push(TcpOption::Sack(Sack { blocks }));
        }
        // Anything, as long as it fits in a random budget.
        _ => {
            let budget = length_in(g, 1, MAX_OPTION_AREA);
            for _ in 0..below(g, 10) {
                let room = budget.saturating_sub(area_len(&options));
                if room == 0 {
                    break;
                }
                options.push(option_within(g, room, config));
            }
        }
    }
    if inject && inject_malformed(g, config, &mut options) {
        return (options, InlineBytes::new());
    }
    let used = area_len(&options);
    let room = MAX_OPTION_AREA.saturating_sub(used);
    let mut padding = InlineBytes::new();
    match below(g, 6) {
        // EOL, then padding up to a 4-byte boundary (or further): zeros, or garbage.
        0 | 1 if room > 0 => {
            options.push(TcpOption::Eol);
            let end = end_for(g, used + 1, config);
            let len = end - used - 1;
            padding = if !config.canonical_padding && one_in(g, 3) {
                inline_bytes(g, len)
            } else {
                zeros(len)
            };
        }
        // A malformed option with a broken length, running to the end of the area.
        2 if room > 0 && natural => {
            let end = end_for(g, used + 1, config);
            if let Some(m) = framing_malformed(g, end - used, kinds) {
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

/// A valid header shaped by `config`: options that fit, the data offset that matches them,
/// every fixed field random (reserved bits and AE included).
pub(super) fn header_with(g: &mut Gen, config: &GenConfig) -> TcpHeader {
    let (options, padding) = arbitrary_option_area(g, config);
    let area = area_len(&options) + padding.len();
    TcpHeader {
        src_port: realistic_u16(g, &[80, 443, 22, 53, 6000, 50000]),
        dst_port: realistic_u16(g, &[80, 443, 22, 53, 6000, 50000]),
        seq: u32::arbitrary(g),
        ack_number: u32::arbitrary(g),
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

/// A valid header: options that fit, the data offset that matches them, every fixed field
/// random (reserved bits and AE included). The full mix of [`GenConfig::default`].
impl Arbitrary for TcpHeader {
    fn arbitrary(g: &mut Gen) -> Self {
        header_with(g, &GenConfig::default())
    }

    /// Simpler headers with the same layout rules: fixed fields zeroed, an option replaced by
    /// NOPs of the same length, four NOPs dropped with the data offset, padding zeroed or cut.
    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let mut candidates = Vec::new();
        let zeroed = TcpHeader {
            src_port: 0,
            dst_port: 0,
            seq: 0,
            ack_number: 0,
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

/// A valid header shaped by `config` and a payload (often empty, usually short).
pub(super) fn segment_with(g: &mut Gen, config: &GenConfig) -> TcpSegment {
    let header = header_with(g, config);
    let len = match below(g, 4) {
        0 => 0,
        1 => below(g, 1500),
        _ => below(g, 64),
    };
    let mut payload = vec![0u8; len];
    fill(g, &mut payload);
    TcpSegment { header, payload }
}

/// A valid header and a payload (often empty, usually short).
impl Arbitrary for TcpSegment {
    fn arbitrary(g: &mut Gen) -> Self {
        segment_with(g, &GenConfig::default())
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
