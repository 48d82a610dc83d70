//! `arbitrary::Arbitrary` impls for the value types (feature `arbitrary`), for cargo-fuzz and
//! libfuzzer-sys targets that take structured input.
//!
//! Each value is made the way a receiver makes one: option and header bytes are laid out from
//! the fuzzer's input and parsed losslessly. So every value is one the parser gives, it
//! validates, and writing it gives back the bytes it was parsed from. The layout steers the
//! input towards structure: kinds are mostly ones tcpwire decodes, and the length of an option
//! is usually searched for one its kind (or MPTCP subtype) allows, so well-formed options of
//! every type come out often, malformed ones (bad lengths, broken framing, garbage after EOL)
//! now and then.
//!
//! ```
//! use tcpwire::fuzzing::arbitrary::{Arbitrary, Unstructured};
//! use tcpwire::TcpSegment;
//!
//! let input = [7u8; 200]; // what the fuzzer hands over
//! let segment = TcpSegment::arbitrary(&mut Unstructured::new(&input)).unwrap();
//! let bytes = segment.to_bytes().unwrap();
//! assert_eq!(TcpSegment::parse_lossless(&bytes).unwrap(), segment);
//! ```
//!
//! In a fuzz target: `fuzz_target!(|segment: tcpwire::TcpSegment| { ... })`.

/// The `arbitrary` crate these impls are for, so a fuzz target need not name its version.
pub use arbitrary;

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::header::{TcpHeader, TcpSegment, FIXED_HEADER_LEN};
use crate::mptcp::MptcpOption;
use crate::option::{allowed_lengths, parse_options, ParseMode, TcpOption, MAX_OPTION_AREA};

/// The kinds tcpwire decodes into their own variants, plus two it keeps as unknown.
const KINDS: [u8; 29] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 19, 27, 28, 29, 30, 34, 69, 172, 174,
    253, 254, 76, 255,
];

/// The longest payload made (a jumbo Ethernet frame's worth).
const MAX_PAYLOAD: usize = 9000;

/// Whether `bytes` (one option's) parse as a single well-formed option.
fn well_formed(bytes: &[u8]) -> bool {
    matches!(
        parse_options(bytes, FIXED_HEADER_LEN, ParseMode::Lossless),
        Ok((options, _)) if matches!(options.as_slice(), [o] if !o.is_malformed())
    )
}

/// Appends one option's bytes, at most `room` (1..=40) of them, to `area`. `kind` is drawn
/// from the input unless given. Its length is, 7 times in 8, the first from a drawn start
/// (wrapping round) that makes the option well-formed; otherwise the drawn one, which may
/// break the framing (0, 1, or past `room`: then the option is cut at `room`).
fn option_bytes(
    u: &mut Unstructured<'_>,
    kind: Option<u8>,
    room: usize,
    area: &mut Vec<u8>,
) -> Result<()> {
    let kind = match kind {
        Some(kind) => kind,
        None if u.ratio(7, 8)? => *u.choose(&KINDS)?,
        None => u.arbitrary()?,
    };
    if matches!(kind, 0 | 1) || room < 2 {
        area.push(kind);
        return Ok(());
    }
    let room_u8 = u8::try_from(room.min(MAX_OPTION_AREA)).unwrap_or(40);
    let allowed = allowed_lengths(kind);
    let drawn: u8 = if u.ratio(3, 4)? {
        // A length the kind allows, when one fits (the subtype may still disagree).
        let fitting: Vec<u8> = allowed.iter().filter(|&l| l <= room_u8).collect();
        match fitting.as_slice() {
            [] => u.int_in_range(2..=room_u8)?,
            lengths => *u.choose(lengths)?,
        }
    } else {
        u.arbitrary()?
    };
    let mut body = [0u8; MAX_OPTION_AREA];
    let wanted = usize::from(drawn).clamp(2, room) - 2;
    let given = u.bytes(wanted.min(u.len()))?;
    body.get_mut(..given.len())
        .unwrap_or_default()
        .copy_from_slice(given);
    let search = u.ratio(7, 8)?;
    let option = |length: u8| -> Vec<u8> {
        let end = usize::from(length).clamp(2, room) - 2;
        let mut bytes = vec![kind, length];
        bytes.extend_from_slice(body.get(..end).unwrap_or_default());
        bytes
    };
    let start = drawn.clamp(2, room_u8);
    let length = if search {
        (start..=room_u8)
            .chain(2..start)
            .find(|&l| well_formed(&option(l)))
            .unwrap_or(drawn)
    } else {
        drawn
    };
    area.extend_from_slice(&option(length));
    Ok(())
}

/// An option area (a multiple of 4 bytes, at most 40) drawn from the input: options, then
/// NOPs to the next 4-byte boundary, or an EOL and padding (zeros or input bytes, sometimes
/// whole words past the boundary).
fn option_area(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut area = Vec::with_capacity(MAX_OPTION_AREA);
    for _ in 0..u.int_in_range(0..=10u8)? {
        let room = MAX_OPTION_AREA - area.len().min(MAX_OPTION_AREA);
        if room == 0 {
            break;
        }
        option_bytes(u, None, room, &mut area)?;
    }
    area.truncate(MAX_OPTION_AREA);
    if area.len() < MAX_OPTION_AREA && u.ratio(1, 3)? {
        area.push(0);
        let mut end = area.len().div_ceil(4) * 4;
        while end < MAX_OPTION_AREA && u.ratio(1, 4)? {
            end += 4;
        }
        let garbage = u.ratio(1, 4)?;
        while area.len() < end {
            area.push(if garbage { u.arbitrary()? } else { 0 });
        }
    }
    while area.len() % 4 != 0 {
        area.push(1);
    }
    Ok(area)
}

/// A fixed header from the input with the data offset of `area`, then `area`.
fn header_bytes(u: &mut Unstructured<'_>, area: &[u8]) -> Result<Vec<u8>> {
    let mut fixed: [u8; FIXED_HEADER_LEN] = u.arbitrary()?;
    let words = u8::try_from((FIXED_HEADER_LEN + area.len()) / 4).unwrap_or(15);
    if let Some(byte) = fixed.get_mut(12) {
        *byte = (words << 4) | (*byte & 0x0f);
    }
    let mut bytes = fixed.to_vec();
    bytes.extend_from_slice(area);
    Ok(bytes)
}

/// A header parsed (lossless) from bytes laid out from the input.
impl<'a> Arbitrary<'a> for TcpHeader {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let area = option_area(u)?;
        let bytes = header_bytes(u, &area)?;
        TcpHeader::parse_lossless(&bytes).map_err(|_| arbitrary::Error::IncorrectFormat)
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (FIXED_HEADER_LEN, None)
    }
}

/// A header (as for [`TcpHeader`]) and a payload of up to 9000 input bytes.
impl<'a> Arbitrary<'a> for TcpSegment {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let header = TcpHeader::arbitrary(u)?;
        let len = u.arbitrary_len::<u8>()?.min(MAX_PAYLOAD);
        let payload = u.bytes(len)?.to_vec();
        Ok(TcpSegment { header, payload })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> Result<Self> {
        let header = TcpHeader::arbitrary(&mut u)?;
        let rest = u.take_rest();
        let payload = rest.get(..rest.len().min(MAX_PAYLOAD)).unwrap_or(rest);
        Ok(TcpSegment {
            header,
            payload: payload.to_vec(),
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (FIXED_HEADER_LEN, None)
    }
}

/// One option parsed (lossless) from bytes laid out from the input: it writes back to them.
impl<'a> Arbitrary<'a> for TcpOption {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut bytes = Vec::with_capacity(MAX_OPTION_AREA);
        option_bytes(u, None, MAX_OPTION_AREA, &mut bytes)?;
        first_option(&bytes)
    }
}

/// An MPTCP option: a kind-30 option laid out from the input whose length is searched for one
/// its subtype allows.
impl<'a> Arbitrary<'a> for MptcpOption {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut bytes = Vec::with_capacity(MAX_OPTION_AREA);
        // Searching from a drawn length finds an allowed one for every subtype; retried
        // with the next input bytes in the rare case the draw skipped the search.
        for _ in 0..4 {
            bytes.clear();
            option_bytes(u, Some(30), MAX_OPTION_AREA, &mut bytes)?;
            if let TcpOption::Mptcp(m) = first_option(&bytes)? {
                return Ok(m);
            }
        }
        Err(arbitrary::Error::IncorrectFormat)
    }
}

/// The first option of `bytes` (lossless).
fn first_option(bytes: &[u8]) -> Result<TcpOption> {
    let (options, _) = parse_options(bytes, FIXED_HEADER_LEN, ParseMode::Lossless)
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    options
        .into_iter()
        .next()
        .ok_or(arbitrary::Error::IncorrectFormat)
}
