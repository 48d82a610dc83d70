//! The option area: the framing shared by both parsing modes (Kind, Length, whether the
//! option fits), and the list the options are parsed into.
//!
//! ```
//! use tcpwire::{option::Mss, parse_options, ParseMode, TcpOption};
//! let (options, padding) = parse_options(&[2, 4, 5, 0xb4, 1, 0, 7], 20, ParseMode::Strict)?;
//! assert_eq!(options.as_slice(), &[TcpOption::Mss(Mss { mss: 1460 }), TcpOption::Nop, TcpOption::Eol]);
//! assert_eq!(padding.as_slice(), &[7]);
//! # Ok::<(), tcpwire::Error>(())
//! ```

use smallvec::SmallVec;

use crate::bytes::InlineBytes;
use crate::error::{Error, MalformedReason};

use super::{Malformed, MalformedView, OptionView, Slot, TcpOption};

/// The most option bytes a header can carry (data offset 15).
pub const MAX_OPTION_AREA: usize = 40;

/// How many options a header holds without touching the heap.
///
/// Real headers count their NOPs as options: the Linux SYN has 5, a timestamped SACK ACK 6,
/// MPTCP segments with timestamps 7 to 8, and the most any capture of the shipped and public
/// corpora holds is 10 (tests/allocation.rs checks every one of them).
pub const INLINE_OPTIONS: usize = 10;

/// The ordered option list of a header. Inline storage for [`INLINE_OPTIONS`] options, so real
/// headers never touch the heap; longer lists (up to 40 NOPs) spill to the heap once, bounded
/// by the 40-byte option area.
pub type OptionList = SmallVec<[TcpOption; INLINE_OPTIONS]>;

/// How a parser treats a malformed option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ParseMode {
    /// A malformed option is an [`Error::MalformedOption`].
    #[default]
    Strict,
    /// A malformed option is kept as [`TcpOption::Malformed`] and parsing goes on where the
    /// framing allows.
    Lossless,
}

/// Parses an option area (at most 40 bytes) into the option list and the padding after an EOL.
///
/// `base_offset` is the area's offset in the header (20), used in error messages.
///
/// ```
/// use tcpwire::option::Mss;
/// use tcpwire::{parse_options, ParseMode, TcpOption};
/// let (options, padding) = parse_options(&[2, 4, 5, 0xb4, 1, 0, 7], 20, ParseMode::Strict).unwrap();
/// assert_eq!(options.as_slice(), &[TcpOption::Mss(Mss { mss: 1460 }), TcpOption::Nop, TcpOption::Eol]);
/// assert_eq!(padding.as_slice(), &[7]);
/// ```
pub fn parse_options(
    area: &[u8],
    base_offset: usize,
    mode: ParseMode,
) -> Result<(OptionList, InlineBytes<MAX_OPTION_AREA>), Error> {
    let mut options = OptionList::new();
    let mut padding = InlineBytes::new();
    parse_options_into(area, base_offset, mode, &mut options, &mut padding)?;
    Ok((options, padding))
}

/// [`parse_options`] into the caller's storage: the options parsed are written over the
/// elements `options` holds (dropping them) and pushed after them, and the list is left holding
/// exactly those options; so a header can be built, or parsed again, in place.
#[inline(always)]
pub(crate) fn parse_options_into(
    area: &[u8],
    base_offset: usize,
    mode: ParseMode,
    options: &mut OptionList,
    padding: &mut InlineBytes<MAX_OPTION_AREA>,
) -> Result<(), Error> {
    let mut placer = Placer {
        list: options,
        bytes_left: 0,
        len: 0,
    };
    let outcome = parse_area(area, base_offset, mode, &mut placer, padding);
    placer.list.truncate(placer.len);
    outcome
}

/// The loop of [`parse_options_into`].
#[inline(always)]
fn parse_area(
    area: &[u8],
    base_offset: usize,
    mode: ParseMode,
    options: &mut Placer<'_>,
    padding: &mut InlineBytes<MAX_OPTION_AREA>,
) -> Result<(), Error> {
    if area.len() > MAX_OPTION_AREA {
        return Err(Error::TooLong {
            what: "option area",
            length: area.len(),
            max: MAX_OPTION_AREA,
        });
    }
    // Offset of the option starting at `rest` from the start of the header.
    let offset = |rest: &[u8]| base_offset + (area.len() - rest.len());
    let mut rest = area;
    while let Some((&kind, after_kind)) = rest.split_first() {
        match kind {
            0 => {
                if let Some(slot) = options.next_slot(rest.len()) {
                    *slot = TcpOption::Eol;
                }
                // The area is at most 40 bytes (checked above), so this always fits.
                *padding = InlineBytes::from_slice(after_kind).unwrap_or_default();
                return Ok(());
            }
            1 => {
                if let Some(slot) = options.next_slot(rest.len()) {
                    *slot = TcpOption::Nop;
                }
                rest = after_kind;
            }
            _ => match frame(rest) {
                Ok((bytes, next)) => {
                    options.bytes_left = rest.len();
                    if let Err(reason) = TcpOption::decode_into(kind, bytes, options) {
                        let option = malformed(kind, bytes, reason, offset(rest), mode)?;
                        options.place(option, rest.len());
                    }
                    rest = next;
                }
                Err(reason) => {
                    let option = malformed(kind, rest, reason, offset(rest), mode)?;
                    options.place(option, rest.len());
                    return Ok(());
                }
            },
        }
    }
    Ok(())
}

/// Where parsing puts options: over the elements the list already holds, then in new ones.
///
/// An option is written straight into its place (`*slot = TcpOption::Mss(_)` writes the
/// kind and the field, nothing else). Pushing a value instead would build it in a temporary
/// and copy all 56 bytes of it, and the copy would have to wait for the writes that built it.
struct Placer<'a> {
    list: &'a mut OptionList,
    /// The bytes of the area from the option being decoded on (to size the list's growth).
    bytes_left: usize,
    /// Options placed so far.
    len: usize,
}

impl Slot for Placer<'_> {
    #[inline(always)]
    fn next(&mut self) -> Option<&mut TcpOption> {
        self.next_slot(self.bytes_left)
    }
}

impl Placer<'_> {
    /// The place of the next option: the next old element, or a new one (holding a NOP until
    /// the caller writes over it). When the list's storage is full (its inline slots, the
    /// first time), it grows once with room for every option the rest of the area could hold
    /// (at most 40 in all), so a header never allocates more than once.
    #[inline(always)]
    fn next_slot(&mut self, bytes_left: usize) -> Option<&mut TcpOption> {
        if self.len == self.list.len() {
            if self.len == self.list.capacity() {
                make_room(self.list, bytes_left);
            }
            self.list.push(TcpOption::Nop);
        }
        let slot = self.list.get_mut(self.len);
        self.len += 1;
        slot
    }

    /// Places an option built elsewhere.
    #[inline(always)]
    fn place(&mut self, option: TcpOption, bytes_left: usize) {
        if let Some(slot) = self.next_slot(bytes_left) {
            *slot = option;
        }
    }
}

/// A list of NOPs filling its inline storage: the places a header's options are parsed into
/// ([`parse_options_into`] writes over them and drops the ones left over). Filling the slots up
/// front beats pushing each option's slot as it comes (criterion-style timing, best of 7, one
/// core: the Linux SYN 72 against 84 ns, the timestamped SACK ACK 60 against 93 ns), although
/// callgrind counts about the same instructions for both: the pushes' stores and reloads of the
/// length wait on each other.
#[inline(always)]
pub(crate) fn nop_slots() -> OptionList {
    const NOP: TcpOption = TcpOption::Nop;
    OptionList::from_buf([NOP; INLINE_OPTIONS])
}

/// Room for `bytes_left` more options (at most the 40 an area can hold).
#[cold]
#[inline(never)]
fn make_room(options: &mut OptionList, bytes_left: usize) {
    options.reserve_exact(bytes_left.min(MAX_OPTION_AREA));
}

/// The options of an option area, borrowed and decoded one at a time: what
/// [`TcpHeaderView::options`](crate::TcpHeaderView::options) returns.
///
/// It frames the area as lossless parsing does and yields the same options in the same order:
/// EOL ends the list (the bytes after it are the header's padding); an option that breaks its
/// specification is an [`OptionView::Malformed`] item and the iteration goes on after it; one
/// that breaks the framing (no Length byte, a Length below 2, a Length past the area) is the
/// last item, spanning the rest of the area. It never allocates.
#[derive(Debug, Clone)]
pub struct OptionIter<'a> {
    /// The area from the next option on.
    rest: &'a [u8],
    /// The offset of `rest` from the start of the header.
    offset: usize,
}

impl<'a> OptionIter<'a> {
    /// The options of `area`, which starts `base_offset` bytes into the header (20).
    pub(crate) fn new(area: &'a [u8], base_offset: usize) -> Self {
        Self {
            rest: area,
            offset: base_offset,
        }
    }
}

impl<'a> Iterator for OptionIter<'a> {
    type Item = OptionView<'a>;

    #[inline]
    fn next(&mut self) -> Option<OptionView<'a>> {
        let rest = self.rest;
        let (&kind, after_kind) = rest.split_first()?;
        match kind {
            0 => {
                self.rest = &[];
                Some(OptionView::Eol)
            }
            1 => {
                self.rest = after_kind;
                self.offset += 1;
                Some(OptionView::Nop)
            }
            _ => {
                let offset = self.offset;
                Some(match frame(rest) {
                    Ok((option, next)) => {
                        self.rest = next;
                        self.offset += option.len();
                        OptionView::decode(kind, option).unwrap_or_else(|reason| {
                            OptionView::Malformed(MalformedView::new(kind, offset, option, reason))
                        })
                    }
                    Err(reason) => {
                        self.rest = &[];
                        OptionView::Malformed(MalformedView::new(kind, offset, rest, reason))
                    }
                })
            }
        }
    }
}

impl std::iter::FusedIterator for OptionIter<'_> {}

/// The padding of an option area: the bytes after its EOL (none without one, or when an option
/// breaks the framing first). Frames the options without decoding them.
pub(crate) fn padding_of(area: &[u8]) -> &[u8] {
    let mut rest = area;
    while let Some((&kind, after_kind)) = rest.split_first() {
        rest = match kind {
            0 => return after_kind,
            1 => after_kind,
            _ => match frame(rest) {
                Ok((_, next)) => next,
                Err(_) => return &[],
            },
        };
    }
    &[]
}

/// Splits the option starting at `rest[0]` (not EOL or NOP) off the area, or says why its
/// framing is broken.
#[inline(always)]
pub(super) fn frame(rest: &[u8]) -> Result<(&[u8], &[u8]), MalformedReason> {
    let length = *rest.get(1).ok_or(MalformedReason::MissingLength)?;
    if length < 2 {
        return Err(MalformedReason::LengthBelowTwo { length });
    }
    rest.split_at_checked(usize::from(length))
        .ok_or(MalformedReason::Overrun {
            length,
            available: u8::try_from(rest.len()).unwrap_or(u8::MAX),
        })
}

#[cold]
pub(super) fn malformed(
    kind: u8,
    bytes: &[u8],
    reason: MalformedReason,
    offset: usize,
    mode: ParseMode,
) -> Result<TcpOption, Error> {
    match mode {
        ParseMode::Strict => Err(Error::MalformedOption {
            kind,
            offset,
            reason,
        }),
        ParseMode::Lossless => Ok(TcpOption::Malformed(Malformed {
            kind,
            bytes: InlineBytes::try_from(bytes)?,
            reason,
        })),
    }
}
