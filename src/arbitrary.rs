//! quickcheck generators for every value type (feature `quickcheck`).
//!
//! Every generated value is valid: it passes `validate`, and parsing its bytes (lossless mode)
//! gives the very same value back. Within that, the generators reach for the corners real
//! traffic and broken stacks produce: 40 NOPs, four SACK blocks, cookie requests, garbage after
//! EOL, window-scale shifts over 14, reserved bits set, and every shape of malformed option,
//! each with exactly the [`MalformedReason`] the parser gives its bytes.
//!
//! [`GenConfig`] (in `profile`) narrows that down: well-formed only, common kinds only, MPTCP
//! only, a chosen share of malformed options. The plain `Arbitrary` impls use its default,
//! which is the full mix above.

mod header;
mod profile;

pub use profile::{ArbitraryWith, CommonKinds, GenConfig, Kinds, MptcpOnly, WellFormed};

use crate::option::{
    AltChecksumData, AltChecksumRequest, Cc, CcEcho, CcNew, Echo, EchoReply, Eno, Experiment,
    ExperimentalFastOpen, FastOpen, Malformed, Md5Signature, Mss, PocServiceProfile,
    QuickStartResponse, Sack, Snack, TcpAo, Timestamps, Unknown, UserTimeout, WindowScale,
};
use quickcheck::{Arbitrary, Gen};

use crate::bytes::InlineBytes;
use crate::error::{LengthSet, MalformedReason};
use crate::header::{Flags, FIXED_HEADER_LEN};
use crate::mptcp::MptcpOption;
use crate::option::{
    allowed_lengths, parse_options, AccEcnCounters, Granularity, ParseMode, SackBlock, TcpOption,
    EXID_FAST_OPEN, MAX_OPTION_AREA,
};

// ---------------------------------------------------------------------------------------------
// Random helpers

pub(crate) use crate::random::{
    below, between, chance, fill, inline_bytes, length_in, one_in, realistic_u16, Generate,
};

/// `len` (at most 40) zero bytes.
fn zeros(len: usize) -> InlineBytes<MAX_OPTION_AREA> {
    let zeros = [0u8; MAX_OPTION_AREA];
    zeros
        .get(..len)
        .and_then(InlineBytes::from_slice)
        .unwrap_or_default()
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
const EXPERIMENTAL_FAST_OPEN_LENGTHS: LengthSet = LengthSet::of(&[4, 8, 10, 12, 14, 16, 18, 20]);

/// Kinds whose specification restricts the length, so a wrong length is `BadLength`.
const LENGTH_RESTRICTED_KINDS: [u8; 24] = [
    2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 19, 21, 27, 28, 29, 30, 34, 172, 174, 253, 254,
];

/// The common kinds that have a length byte: MSS, window scale, SACK permitted, SACK,
/// timestamps.
const COMMON_KINDS_WITH_LENGTH: [u8; 5] = [2, 3, 4, 5, 8];

/// The option variants (of [`option_variant`]) of the common kinds: NOP, MSS, window scale,
/// SACK permitted, SACK, timestamps.
const COMMON_VARIANTS: [usize; 6] = [0, 1, 2, 3, 4, 7];

/// The variant of [`option_variant`] that is an MPTCP option.
const MPTCP_VARIANT: usize = 19;

/// The variant of [`option_variant`] that is a malformed option with a bad length.
const BAD_LENGTH_VARIANT: usize = VARIANTS - 1;

/// A kind that has a length byte (anything but EOL and NOP), often a decoded one; one of
/// `kinds`.
fn kind_with_length(g: &mut Gen, kinds: Kinds) -> u8 {
    match kinds {
        Kinds::Common => g.choose(&COMMON_KINDS_WITH_LENGTH).copied().unwrap_or(2),
        Kinds::Mptcp => 30,
        _ if one_in(g, 2) => g.choose(&LENGTH_RESTRICTED_KINDS).copied().unwrap_or(2),
        _ => u8::arbitrary(g).max(2),
    }
}

/// How many option variants [`option_variant`] knows (all but EOL and framing errors).
const VARIANTS: usize = 29;

/// A valid option of variant number `variant` taking at most `max` bytes, or `None` when the
/// variant cannot fit. Never EOL, never a malformed option with a framing error: those end an
/// option list and are placed by [`arbitrary_option_area`].
fn option_variant(g: &mut Gen, variant: usize, max: usize, kinds: Kinds) -> Option<TcpOption> {
    let option = match variant {
        0 => TcpOption::Nop,
        1 => TcpOption::Mss(Mss::generate(g, max)?),
        2 => TcpOption::WindowScale(WindowScale::generate(g, max)?),
        3 => TcpOption::SackPermitted,
        4 => TcpOption::Sack(Sack::generate(g, max)?),
        5 => TcpOption::Echo(Echo::generate(g, max)?),
        6 => TcpOption::EchoReply(EchoReply::generate(g, max)?),
        7 => TcpOption::Timestamps(Timestamps::generate(g, max)?),
        8 => TcpOption::PocPermitted,
        9 => TcpOption::PocServiceProfile(PocServiceProfile::generate(g, max)?),
        10 => TcpOption::Cc(Cc::generate(g, max)?),
        11 => TcpOption::CcNew(CcNew::generate(g, max)?),
        12 => TcpOption::CcEcho(CcEcho::generate(g, max)?),
        13 => TcpOption::AltChecksumRequest(AltChecksumRequest::generate(g, max)?),
        14 => TcpOption::AltChecksumData(AltChecksumData::generate(g, max)?),
        15 => TcpOption::Md5Signature(Md5Signature::generate(g, max)?),
        16 => TcpOption::QuickStartResponse(QuickStartResponse::generate(g, max)?),
        17 => TcpOption::UserTimeout(UserTimeout::generate(g, max)?),
        18 => TcpOption::TcpAo(TcpAo::generate(g, max)?),
        19 => TcpOption::Mptcp(MptcpOption::arbitrary(g)),
        20 => TcpOption::FastOpen(FastOpen::generate(g, max)?),
        21 => TcpOption::Eno(Eno::generate(g, max)?),
        22 => TcpOption::AccEcnOrder0(AccEcnCounters::generate_for(g, false)),
        23 => TcpOption::AccEcnOrder1(AccEcnCounters::generate_for(g, true)),
        24 => TcpOption::ExperimentalFastOpen(ExperimentalFastOpen::generate(g, max)?),
        25 => TcpOption::Experiment(Experiment::generate(g, max)?),
        26 => TcpOption::Unknown(Unknown::generate(g, max)?),
        27 => TcpOption::Snack(Snack::generate(g, max)?),
        _ => bad_length_option(g, max, kinds)?,
    };
    (option.encoded_len() <= max).then_some(option)
}

/// A variant number for [`option_variant`] within the profile: with the default mix of
/// malformed options, the bad-length variant as often as any other (1 in [`VARIANTS`]);
/// with a set rate, never (malformed options are placed by the caller).
fn pick_variant(g: &mut Gen, config: &GenConfig) -> usize {
    let natural = config.malformed_percent.is_none();
    match config.kinds {
        Kinds::Common | Kinds::Mptcp if natural && one_in(g, VARIANTS) => BAD_LENGTH_VARIANT,
        Kinds::Common => g.choose(&COMMON_VARIANTS).copied().unwrap_or(0),
        // NOPs now and then, as stacks align MPTCP options with them.
        Kinds::Mptcp if one_in(g, 4) => 0,
        Kinds::Mptcp => MPTCP_VARIANT,
        _ if natural => below(g, VARIANTS),
        _ => below(g, BAD_LENGTH_VARIANT),
    }
}

/// A valid option of any variant the profile allows but EOL and framing errors, taking at
/// most `max` bytes (at least 1): a few tries at a random variant, then NOP.
fn option_within(g: &mut Gen, max: usize, config: &GenConfig) -> TcpOption {
    (0..8)
        .find_map(|_| {
            let variant = pick_variant(g, config);
            option_variant(g, variant, max, config.kinds)
        })
        .unwrap_or(TcpOption::Nop)
}

/// An MPTCP option taking at most `max` bytes, if one fits in a few tries.
fn mptcp_option(g: &mut Gen, max: usize) -> Option<TcpOption> {
    (0..8).find_map(|_| option_variant(g, MPTCP_VARIANT, max, Kinds::Mptcp))
}

/// A malformed MPTCP option with a length its subtype does not allow, at most `max` bytes:
/// a valid one with its length changed by a few bytes, kept when the parser calls it
/// malformed (so the reason is the parser's own).
fn mptcp_bad_length(g: &mut Gen, max: usize) -> Option<TcpOption> {
    let longest = max.min(MAX_OPTION_AREA);
    (0..8).find_map(|_| {
        let bytes = mptcp_option(g, MAX_OPTION_AREA)?.to_bytes().ok()?;
        let step = between(g, 1, 3);
        let len = if bool::arbitrary(g) {
            bytes.len().checked_sub(step)?.max(2)
        } else {
            bytes.len() + step
        };
        if len > longest || len == bytes.len() {
            return None;
        }
        let mut buf = [0u8; MAX_OPTION_AREA];
        let used = buf.get_mut(..len)?;
        fill(g, used);
        let kept = len.min(bytes.len());
        used.get_mut(..kept)?.copy_from_slice(bytes.get(..kept)?);
        *used.get_mut(1)? = u8::try_from(len).ok()?;
        let (options, _) = parse_options(used, FIXED_HEADER_LEN, ParseMode::Lossless).ok()?;
        match options.as_slice() {
            [m @ TcpOption::Malformed(Malformed { reason, .. })] if !reason.is_framing() => {
                Some(m.clone())
            }
            _ => None,
        }
    })
}

/// A malformed option whose framing is sound but whose length its kind does not allow (a
/// fixed-size kind with another length, SACK not 2+8n, a 3-byte TFO cookie, a TFO experiment
/// with a bad cookie length, ...), at most `max` bytes, with the reason the parser gives it.
fn bad_length_option(g: &mut Gen, max: usize, kinds: Kinds) -> Option<TcpOption> {
    let kind = match kinds {
        Kinds::Mptcp => return mptcp_bad_length(g, max),
        Kinds::Common => *g.choose(&COMMON_KINDS_WITH_LENGTH)?,
        _ => *g.choose(&LENGTH_RESTRICTED_KINDS)?,
    };
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
    Some(TcpOption::Malformed(Malformed {
        kind,
        bytes: InlineBytes::from_slice(used)?,
        reason: MalformedReason::BadLength { length, allowed },
    }))
}

/// A malformed option whose framing is broken, exactly `len` bytes (1..=40) long: it must end
/// the option area. One byte is a kind without its length byte; more is a length byte of 0 or
/// 1, or one that runs past the `len` bytes.
fn framing_malformed(g: &mut Gen, len: usize, kinds: Kinds) -> Option<TcpOption> {
    if !(1..=MAX_OPTION_AREA).contains(&len) {
        return None;
    }
    let kind = kind_with_length(g, kinds);
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
    Some(TcpOption::Malformed(Malformed {
        kind,
        bytes: InlineBytes::from_slice(used)?,
        reason,
    }))
}

/// A malformed option of one of `kinds` taking at most `max` bytes: half the time one with a
/// bad length (if one fits), else one with broken framing of 1..=`max` bytes.
fn malformed_option(g: &mut Gen, max: usize, kinds: Kinds) -> Option<TcpOption> {
    let bad_length = if bool::arbitrary(g) {
        bad_length_option(g, max, kinds)
    } else {
        None
    };
    bad_length.or_else(|| {
        let len = length_in(g, 1, max.min(MAX_OPTION_AREA));
        framing_malformed(g, len, kinds)
    })
}

/// One option that is valid on its own (parsing its bytes alone gives it back), shaped by
/// `config`: with the default, every variant, EOL and each kind of malformed option (1 in 6).
pub(crate) fn option_with(g: &mut Gen, config: &GenConfig) -> TcpOption {
    let kinds = config.kinds;
    let malformed = match config.malformed_percent {
        Some(percent) => chance(g, percent),
        None => below(g, 6) == 0,
    };
    if malformed {
        if let Some(m) = malformed_option(g, MAX_OPTION_AREA, kinds) {
            return m;
        }
    }
    let well_formed = GenConfig {
        malformed_percent: Some(0),
        ..*config
    };
    match kinds {
        Kinds::Mptcp => mptcp_option(g, MAX_OPTION_AREA).unwrap_or(TcpOption::Nop),
        _ if one_in(g, 20) => TcpOption::Eol,
        _ => option_within(g, MAX_OPTION_AREA, &well_formed),
    }
}

/// Any single option that is valid on its own (parsing its bytes alone gives it back):
/// every variant, EOL and each kind of malformed option included.
impl Arbitrary for TcpOption {
    fn arbitrary(g: &mut Gen) -> Self {
        option_with(g, &GenConfig::default())
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        match self {
            TcpOption::Nop => quickcheck::empty_shrinker(),
            _ => quickcheck::single_shrinker(TcpOption::Nop),
        }
    }
}
