//! [`TcpHeaderView`]: a header read in place, without building the owned value.
//!
//! The view checks the header once (the fixed 20 bytes, a data offset of at least 5 that the
//! input holds), then reads each fixed field from the bytes on demand and decodes the options
//! one at a time as its iterator is driven. Options come out typed and borrowed
//! ([`OptionView`]): every kind the owned parser decodes, MPTCP subtypes included, and a
//! malformed option as an item (its offset and reason) rather than an end. It never allocates,
//! and it is two references in size (24 bytes on 64-bit targets).
//!
//! It runs the same per-kind parsers as [`TcpHeader::parse_lossless`], so
//! [`to_owned`](TcpHeaderView::to_owned) gives exactly the value lossless parsing gives.
//!
//! ```
//! use tcpwire::mptcp::MptcpView;
//! use tcpwire::option::OptionView;
//! use tcpwire::TcpHeaderView;
//! // A Linux MPTCP v1 SYN: MSS, SACK permitted, timestamps, NOP, window scale, MP_CAPABLE.
//! let syn = tcpwire::from_hex(concat!(
//!     "e99213940000000100000000b002faf000000000",
//!     "020405b40402080a18f6b1000000000001030307",
//!     "1e040181",
//! ))?;
//! let view = TcpHeaderView::parse(&syn)?;
//! assert_eq!((view.src_port(), view.dst_port(), view.header_len()), (59794, 5012, 44));
//! assert!(view.flags().syn());
//! let mptcp = view.options().find_map(|o| match o {
//!     OptionView::Mptcp(MptcpView::MpCapable(m)) => Some(m),
//!     _ => None,
//! });
//! assert_eq!(mptcp.map(|m| m.version), Some(1));
//! assert_eq!(view.to_owned(), tcpwire::TcpHeader::parse_lossless(&syn)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use crate::error::Error;
use crate::header::{Flags, TcpHeader, FIXED_HEADER_LEN};
pub use crate::option::OptionView;
use crate::option::{padding_of, OptionList, MAX_OPTION_AREA};
use crate::InlineBytes;

/// The borrowed option types, here too for discovery: the kinds' own twins live beside their
/// owned types in [`option`](crate::option) and [`mptcp`](crate::mptcp).
pub use crate::mptcp::MptcpView;
pub use crate::option::{MalformedView, OptionIter};

/// A TCP header borrowed from the bytes it was read from, checked once; fields are read and
/// options decoded on demand. See the [module docs](self).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TcpHeaderView<'a> {
    /// The fixed 20 bytes.
    fixed: &'a [u8; FIXED_HEADER_LEN],
    /// The option area: the bytes between the fixed header and the data offset.
    area: &'a [u8],
}

impl<'a> TcpHeaderView<'a> {
    /// A view of the header at the start of `input`, after checking that `input` holds the
    /// fixed header and the whole header its data offset declares (at least 5 words). Bytes
    /// after the header are ignored; see [`parse_prefix`](Self::parse_prefix).
    ///
    /// The errors are those of [`TcpHeader::parse`] for the fixed header:
    /// [`Error::TooShort`], [`Error::DataOffsetTooSmall`], [`Error::DataOffsetBeyondInput`].
    #[inline]
    pub fn parse(input: &'a [u8]) -> Result<Self, Error> {
        Self::parse_prefix(input).map(|(view, _)| view)
    }

    /// [`parse`](Self::parse), also returning the bytes after the header (the payload).
    #[inline]
    pub fn parse_prefix(input: &'a [u8]) -> Result<(Self, &'a [u8]), Error> {
        let Some((fixed, after)) = input.split_first_chunk::<FIXED_HEADER_LEN>() else {
            return Err(Error::TooShort {
                available: input.len(),
            });
        };
        let [.., offset_byte, _, _, _, _, _, _, _] = *fixed;
        let data_offset = offset_byte >> 4;
        if data_offset < 5 {
            return Err(Error::DataOffsetTooSmall { data_offset });
        }
        let area_len = usize::from(data_offset) * 4 - FIXED_HEADER_LEN;
        match after.split_at_checked(area_len) {
            Some((area, payload)) => Ok((Self { fixed, area }, payload)),
            None => Err(Error::DataOffsetBeyondInput {
                data_offset,
                available: input.len(),
            }),
        }
    }

    /// Source port.
    #[inline]
    pub fn src_port(&self) -> u16 {
        let [a, b, ..] = *self.fixed;
        u16::from_be_bytes([a, b])
    }

    /// Destination port.
    #[inline]
    pub fn dst_port(&self) -> u16 {
        let [_, _, a, b, ..] = *self.fixed;
        u16::from_be_bytes([a, b])
    }

    /// Sequence number.
    #[inline]
    pub fn seq(&self) -> u32 {
        let [_, _, _, _, a, b, c, d, ..] = *self.fixed;
        u32::from_be_bytes([a, b, c, d])
    }

    /// Acknowledgment number (as sent, whether or not ACK is set).
    #[inline]
    pub fn ack_number(&self) -> u32 {
        let [_, _, _, _, _, _, _, _, a, b, c, d, ..] = *self.fixed;
        u32::from_be_bytes([a, b, c, d])
    }

    /// The 4-bit data offset, in 32-bit words (5..=15).
    #[inline]
    pub fn data_offset(&self) -> u8 {
        self.offset_byte() >> 4
    }

    /// The 3 reserved bits between the data offset and AE, as sent.
    #[inline]
    pub fn reserved(&self) -> u8 {
        Flags::from_word12(self.flags_word()).1
    }

    /// The control flags.
    #[inline]
    pub fn flags(&self) -> Flags {
        Flags::from_word12(self.flags_word()).0
    }

    /// The 12 bits after the data offset: reserved bits and flags (see [`Flags::to_word12`]).
    #[inline]
    pub fn flags_word(&self) -> u16 {
        let [.., offset_byte, flag_byte, _, _, _, _, _, _] = *self.fixed;
        (u16::from(offset_byte & 0x0f) << 8) | u16::from(flag_byte)
    }

    /// Window.
    #[inline]
    pub fn window(&self) -> u16 {
        let [.., a, b, _, _, _, _] = *self.fixed;
        u16::from_be_bytes([a, b])
    }

    /// Checksum, as sent.
    #[inline]
    pub fn checksum(&self) -> u16 {
        let [.., a, b, _, _] = *self.fixed;
        u16::from_be_bytes([a, b])
    }

    /// Urgent pointer (as sent, whether or not URG is set).
    #[inline]
    pub fn urgent_pointer(&self) -> u16 {
        let [.., a, b] = *self.fixed;
        u16::from_be_bytes([a, b])
    }

    /// The header length the data offset declares, in bytes (20..=60).
    #[inline]
    pub fn header_len(&self) -> usize {
        FIXED_HEADER_LEN + self.area.len()
    }

    /// The option area: the bytes between the fixed header and the end of the header.
    #[inline]
    pub fn option_bytes(&self) -> &'a [u8] {
        self.area
    }

    /// The options in wire order, decoded as the iterator is driven (see [`OptionIter`]).
    #[inline]
    pub fn options(&self) -> OptionIter<'a> {
        OptionIter::new(self.area, FIXED_HEADER_LEN)
    }

    /// The bytes after an EOL up to the end of the header, as sent (usually zeros; empty
    /// without an EOL).
    pub fn padding(&self) -> &'a [u8] {
        padding_of(self.area)
    }

    /// Whether any option breaks its framing or its specification.
    pub fn has_malformed(&self) -> bool {
        self.options().any(|o| o.is_malformed())
    }

    /// The owned header: equal to what [`TcpHeader::parse_lossless`] gives for the same bytes.
    pub fn to_owned(&self) -> TcpHeader {
        let mut options = OptionList::new();
        options.extend(self.options().map(OptionView::to_owned));
        let (flags, reserved) = Flags::from_word12(self.flags_word());
        TcpHeader {
            src_port: self.src_port(),
            dst_port: self.dst_port(),
            seq: self.seq(),
            ack_number: self.ack_number(),
            data_offset: self.data_offset(),
            reserved,
            flags,
            window: self.window(),
            checksum: self.checksum(),
            urgent_pointer: self.urgent_pointer(),
            options,
            // The padding is part of an area of at most 40 bytes.
            padding: InlineBytes::<MAX_OPTION_AREA>::from_bounded(self.padding()),
        }
    }

    #[inline(always)]
    fn offset_byte(&self) -> u8 {
        let [.., offset_byte, _, _, _, _, _, _, _] = *self.fixed;
        offset_byte
    }
}

/// The fields, then the options as decoded.
impl fmt::Debug for TcpHeaderView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Options<'a>(OptionIter<'a>);
        impl fmt::Debug for Options<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.clone()).finish()
            }
        }
        f.debug_struct("TcpHeaderView")
            .field("src_port", &self.src_port())
            .field("dst_port", &self.dst_port())
            .field("seq", &self.seq())
            .field("ack_number", &self.ack_number())
            .field("data_offset", &self.data_offset())
            .field("reserved", &self.reserved())
            .field("flags", &self.flags())
            .field("window", &self.window())
            .field("checksum", &self.checksum())
            .field("urgent_pointer", &self.urgent_pointer())
            .field("options", &Options(self.options()))
            .field("padding", &self.padding())
            .finish()
    }
}

impl<'a> TryFrom<&'a [u8]> for TcpHeaderView<'a> {
    type Error = Error;

    /// [`TcpHeaderView::parse`].
    fn try_from(input: &'a [u8]) -> Result<Self, Error> {
        Self::parse(input)
    }
}
