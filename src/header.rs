//! The TCP header and segment: [`TcpHeader`], [`TcpSegment`], [`Flags`], parsed and written
//! side by side.

use serde::{Deserialize, Serialize};

use crate::bytes::{hex_vec, InlineBytes};
use crate::error::Error;
use crate::option::{
    nop_slots, parse_options_into, OptionList, ParseMode, TcpOption, MAX_OPTION_AREA,
};

/// The fixed part of a TCP header, in bytes.
pub const FIXED_HEADER_LEN: usize = 20;

/// The longest TCP header (data offset 15), in bytes.
const MAX_HEADER_LEN: usize = 60;

mod flags;
pub use flags::Flags;

/// A TCP header, every bit of it: the fixed fields as sent (nothing normalised), the ordered
/// option list, and the padding bytes after an EOL.
///
/// ```
/// use tcpwire::{TcpHeader, TcpOption};
/// // A bare ACK: ports 443 -> 50000, seq 1, ack 2, data offset 5, window 512.
/// let bytes = [0x01, 0xbb, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x10, 0x02, 0x00, 0, 0, 0, 0];
/// let h = TcpHeader::parse(&bytes).unwrap();
/// assert_eq!((h.src_port, h.dst_port, h.seq, h.ack_number), (443, 50000, 1, 2));
/// assert!(h.flags.ack() && h.options.is_empty());
/// assert_eq!(h.to_bytes().unwrap(), bytes);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TcpHeader {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number (as sent, whether or not ACK is set).
    pub ack_number: u32,
    /// The raw 4-bit data offset, in 32-bit words (5..=15 when parsed).
    pub data_offset: u8,
    /// The 3 reserved bits between the data offset and AE, as sent.
    pub reserved: u8,
    /// The control flags.
    pub flags: Flags,
    /// Window.
    pub window: u16,
    /// Checksum, as sent.
    pub checksum: u16,
    /// Urgent pointer (as sent, whether or not URG is set).
    pub urgent_pointer: u16,
    /// The options in wire order, repeats included.
    pub options: OptionList,
    /// The bytes after an EOL up to the end of the header, as sent (usually zeros).
    pub padding: InlineBytes<MAX_OPTION_AREA>,
}

/// The all-zero header with no options: data offset 5, no flags, every field 0.
///
/// ```
/// let h = tcpwire::TcpHeader::default();
/// assert_eq!(h.to_bytes().unwrap(), [0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0, 0, 0, 0, 0, 0, 0]);
/// ```
impl Default for TcpHeader {
    fn default() -> Self {
        TcpHeader {
            src_port: 0,
            dst_port: 0,
            seq: 0,
            ack_number: 0,
            data_offset: 5,
            reserved: 0,
            flags: Flags::EMPTY,
            window: 0,
            checksum: 0,
            urgent_pointer: 0,
            options: OptionList::new(),
            padding: InlineBytes::new(),
        }
    }
}

impl TcpHeader {
    /// Parses a header from the start of `input` (strict: a malformed option is an error).
    ///
    /// Bytes after the header (the payload) are ignored; see [`TcpSegment::parse`].
    pub fn parse(input: &[u8]) -> Result<TcpHeader, Error> {
        Self::parse_with(input, ParseMode::Strict)
    }

    /// Parses a header from the start of `input`, keeping malformed options as
    /// [`TcpOption::Malformed`]. Fails only when the fixed header itself is unusable.
    pub fn parse_lossless(input: &[u8]) -> Result<TcpHeader, Error> {
        Self::parse_with(input, ParseMode::Lossless)
    }

    /// Parses a header in the given mode, returning it and the bytes after it.
    pub fn parse_prefix(input: &[u8], mode: ParseMode) -> Result<(TcpHeader, &[u8]), Error> {
        let header = Self::parse_with(input, mode)?;
        let rest = input.get(header.header_len()..).unwrap_or_default();
        Ok((header, rest))
    }

    /// Parses a header in the given mode.
    #[inline]
    pub fn parse_with(input: &[u8], mode: ParseMode) -> Result<TcpHeader, Error> {
        let fixed = FixedHeader::parse(input)?;
        let area = fixed.option_area(input);
        if area.is_empty() {
            // No options: the value is written straight where the caller keeps it.
            return Ok(fixed.to_header(OptionList::new()));
        }
        // The options are parsed into the list of the value returned, in place: every path
        // from here returns the one `result`.
        let mut result = Ok(fixed.to_header(nop_slots()));
        if let Ok(header) = &mut result {
            if let Err(e) = header.parse_area(area, mode) {
                result = Err(e);
            }
        }
        result
    }

    /// Parses an option area into this header's option list (holding the slots to parse into)
    /// and padding.
    #[inline(always)]
    fn parse_area(&mut self, area: &[u8], mode: ParseMode) -> Result<(), Error> {
        parse_options_into(
            area,
            FIXED_HEADER_LEN,
            mode,
            &mut self.options,
            &mut self.padding,
        )
    }

    /// Parses `input` into this header, in place: the value [`parse_with`](Self::parse_with)
    /// gives, written over this one's fields and into its option list's storage (kept, like a
    /// `Vec`'s, when it has spilled to the heap). Nothing is moved, so this is the fastest way
    /// to decode many headers one after the other.
    ///
    /// On an error the header holds no meaningful value (it is still a valid one, to parse into
    /// again or to drop).
    ///
    /// ```
    /// use tcpwire::option::Mss;
    /// use tcpwire::{ParseMode, TcpHeader, TcpOption};
    /// let syn = tcpwire::from_hex("c35001bb0000000100000000600200000000000002040218").unwrap();
    /// let ack = tcpwire::from_hex("01bbc35000000002000000025010020000000000").unwrap();
    /// let mut header = TcpHeader::default();
    /// header.parse_in_place(&syn, ParseMode::Strict)?;
    /// assert_eq!(header.options.as_slice(), &[TcpOption::Mss(Mss { mss: 536 })]);
    /// header.parse_in_place(&ack, ParseMode::Strict)?;
    /// assert_eq!(header, TcpHeader::parse(&ack)?);
    /// # Ok::<(), tcpwire::Error>(())
    /// ```
    #[inline]
    pub fn parse_in_place(&mut self, input: &[u8], mode: ParseMode) -> Result<(), Error> {
        let fixed = FixedHeader::parse(input)?;
        fixed.write_to_header(self);
        self.padding = InlineBytes::new();
        parse_options_into(
            fixed.option_area(input),
            FIXED_HEADER_LEN,
            mode,
            &mut self.options,
            &mut self.padding,
        )
    }

    /// The 12 bits after the data offset: reserved bits and flags (see [`Flags::to_word12`]).
    pub fn flags_word(&self) -> u16 {
        self.flags.to_word12(self.reserved)
    }

    /// Sets the reserved bits and flags from the 12 bits after the data offset (see
    /// [`Flags::from_word12`]; bits above the low 12 are ignored).
    pub fn set_flags_word(&mut self, word: u16) {
        (self.flags, self.reserved) = Flags::from_word12(word);
    }

    /// The header length the data offset declares, in bytes.
    pub fn header_len(&self) -> usize {
        usize::from(self.data_offset) * 4
    }

    /// The bytes the options and padding take when written.
    pub fn options_len(&self) -> usize {
        self.options
            .iter()
            .map(TcpOption::encoded_len)
            .sum::<usize>()
            + self.padding.len()
    }

    /// Whether any option was kept as malformed.
    pub fn has_malformed(&self) -> bool {
        self.options.iter().any(TcpOption::is_malformed)
    }

    /// Checks that the header has an exact encoding that parses back to this very value: the
    /// fields fit their bits, every option validates, the options and padding fill the area the
    /// data offset declares, and their order is one parsing produces (EOL only last; padding
    /// only after an EOL; a malformed option whose length cannot be trusted only last).
    pub fn validate(&self) -> Result<(), Error> {
        if self.data_offset > 15 || self.data_offset < 5 {
            return Err(Error::Unencodable {
                what: "data offset",
                detail: format!("{} is outside 5..=15", self.data_offset),
            });
        }
        if self.reserved > 7 {
            return Err(Error::Unencodable {
                what: "reserved bits",
                detail: format!("{} is wider than 3 bits", self.reserved),
            });
        }
        let last = self.options.len().saturating_sub(1);
        for (i, option) in self.options.iter().enumerate() {
            option.validate()?;
            if option.ends_list() && i != last {
                return Err(Error::Unencodable {
                    what: "option list",
                    detail: format!("{} at position {i} must be the last option", option.name()),
                });
            }
        }
        if !self.padding.is_empty() && !matches!(self.options.last(), Some(TcpOption::Eol)) {
            return Err(Error::Unencodable {
                what: "padding",
                detail: "padding bytes must follow an EOL option".into(),
            });
        }
        let actual = self.options_len();
        if actual > MAX_OPTION_AREA {
            return Err(Error::OptionsTooLong { length: actual });
        }
        if FIXED_HEADER_LEN + actual != self.header_len() {
            return Err(Error::OptionAreaMismatch {
                data_offset: self.data_offset,
                actual,
            });
        }
        Ok(())
    }

    /// Writes the header exactly as stored, after [`validate`](Self::validate).
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut buf = [0u8; MAX_HEADER_LEN];
        let written = self.write_to(&mut buf)?;
        Ok(buf.get(..written).unwrap_or_default().to_vec())
    }

    /// Writes the header into `buf`, returning the number of bytes written: the same checks and
    /// the same bytes as [`validate`](Self::validate) then [`gen_header`](crate::wire::gen_header). On an error, the
    /// first [`header_len`](Self::header_len) bytes of `buf` may have been written to.
    ///
    /// Each option is checked by its kind's `validate` and written by its kind's writer, straight
    /// into `buf` (the generator runs the same writers), in one pass; only a header that does not
    /// validate takes a second pass, through [`validate`](Self::validate), for its error.
    #[inline]
    pub fn write_to(&self, buf: &mut [u8]) -> Result<usize, Error> {
        match self.write_direct(buf) {
            Some(written) => Ok(written),
            None => self.write_failed(buf),
        }
    }

    /// [`write_to`](Self::write_to) when the one pass found a problem: [`validate`](Self::validate)
    /// names it (or, if it finds none, the buffer was too small), then every option through its
    /// kind's writer.
    #[inline(never)]
    fn write_failed(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.validate()?;
        let needed = self.header_len();
        let available = buf.len();
        let too_small = Error::BufferTooSmall { needed, available };
        let (fixed, mut area) = buf
            .get_mut(..needed)
            .and_then(|b| b.split_first_chunk_mut::<FIXED_HEADER_LEN>())
            .ok_or(too_small.clone())?;
        *fixed = self.fixed_bytes();
        for option in &self.options {
            area = option.write(area).ok_or(too_small.clone())?;
        }
        // `validate` checked that the padding fills what the options leave.
        if area.len() == self.padding.len() {
            area.copy_from_slice(&self.padding);
        }
        Ok(needed)
    }

    /// Writes the header when it is one [`validate`](Self::validate) accepts, checking that on
    /// the way (the same checks, in one pass: each option's own `validate` before its writer),
    /// and returns its length; `None` for anything else, possibly after writing part of the
    /// header.
    #[inline]
    fn write_direct(&self, buf: &mut [u8]) -> Option<usize> {
        if !(5..=15).contains(&self.data_offset) || self.reserved > 7 {
            return None;
        }
        let header_len = self.header_len();
        let (fixed, mut area) = buf
            .get_mut(..header_len)?
            .split_first_chunk_mut::<FIXED_HEADER_LEN>()?;
        *fixed = self.fixed_bytes();
        // What `validate` checks beyond each option: the options and padding fill the area
        // exactly (no write past its end, and the padding takes what is left), EOL or a
        // malformed option whose length cannot be trusted comes only last, padding only after
        // an EOL.
        let mut options = self.options.iter();
        while let Some(option) = options.next() {
            area = option.write_checked(area, options.as_slice().is_empty())?;
        }
        if area.len() != self.padding.len() {
            return None;
        }
        if !self.padding.is_empty() {
            if !matches!(self.options.last(), Some(TcpOption::Eol)) {
                return None;
            }
            area.copy_from_slice(&self.padding);
        }
        Some(header_len)
    }

    /// The fixed 20 bytes as stored (the data offset, reserved bits and flags packed as
    /// [`gen_header`](crate::wire::gen_header) packs them).
    #[inline(always)]
    pub(crate) fn fixed_bytes(&self) -> [u8; FIXED_HEADER_LEN] {
        let [sp0, sp1] = self.src_port.to_be_bytes();
        let [dp0, dp1] = self.dst_port.to_be_bytes();
        let [s0, s1, s2, s3] = self.seq.to_be_bytes();
        let [a0, a1, a2, a3] = self.ack_number.to_be_bytes();
        let [w0, w1] = self.window.to_be_bytes();
        let [c0, c1] = self.checksum.to_be_bytes();
        let [u0, u1] = self.urgent_pointer.to_be_bytes();
        let [flags_high, flags_low] = self.flags.0.to_be_bytes();
        let offset_byte = (self.data_offset << 4) | ((self.reserved & 0x7) << 1) | flags_high;
        [
            sp0,
            sp1,
            dp0,
            dp1,
            s0,
            s1,
            s2,
            s3,
            a0,
            a1,
            a2,
            a3,
            offset_byte,
            flags_low,
            w0,
            w1,
            c0,
            c1,
            u0,
            u1,
        ]
    }
}

/// The fixed 20 bytes of a header, decoded, once the input is known to hold the whole header
/// they declare.
#[derive(Clone, Copy)]
struct FixedHeader {
    src_port: u16,
    dst_port: u16,
    seq: u32,
    ack_number: u32,
    data_offset: u8,
    reserved: u8,
    flags: Flags,
    window: u16,
    checksum: u16,
    urgent_pointer: u16,
}

impl FixedHeader {
    /// The fixed fields, after checking that the data offset is at least 5 and that `input`
    /// holds the header it declares.
    #[inline(always)]
    fn parse(input: &[u8]) -> Result<FixedHeader, Error> {
        let Some(fixed) = input.first_chunk::<FIXED_HEADER_LEN>() else {
            return Err(Error::TooShort {
                available: input.len(),
            });
        };
        let [sp0, sp1, dp0, dp1, s0, s1, s2, s3, a0, a1, a2, a3, offset_byte, flag_byte, w0, w1, c0, c1, u0, u1] =
            *fixed;
        let data_offset = offset_byte >> 4;
        if data_offset < 5 {
            return Err(Error::DataOffsetTooSmall { data_offset });
        }
        if input.len() < usize::from(data_offset) * 4 {
            return Err(Error::DataOffsetBeyondInput {
                data_offset,
                available: input.len(),
            });
        }
        Ok(FixedHeader {
            src_port: u16::from_be_bytes([sp0, sp1]),
            dst_port: u16::from_be_bytes([dp0, dp1]),
            seq: u32::from_be_bytes([s0, s1, s2, s3]),
            ack_number: u32::from_be_bytes([a0, a1, a2, a3]),
            data_offset,
            reserved: (offset_byte >> 1) & 0x7,
            flags: Flags((u16::from(offset_byte & 1) << 8) | u16::from(flag_byte)),
            window: u16::from_be_bytes([w0, w1]),
            checksum: u16::from_be_bytes([c0, c1]),
            urgent_pointer: u16::from_be_bytes([u0, u1]),
        })
    }

    /// The option area of the `input` this was parsed from.
    #[inline(always)]
    fn option_area(self, input: &[u8]) -> &[u8] {
        // `parse` checked that the input holds the whole header.
        input
            .get(FIXED_HEADER_LEN..usize::from(self.data_offset) * 4)
            .unwrap_or_default()
    }

    /// A header of these fields with these options and no padding.
    #[inline(always)]
    fn to_header(self, options: OptionList) -> TcpHeader {
        TcpHeader {
            src_port: self.src_port,
            dst_port: self.dst_port,
            seq: self.seq,
            ack_number: self.ack_number,
            data_offset: self.data_offset,
            reserved: self.reserved,
            flags: self.flags,
            window: self.window,
            checksum: self.checksum,
            urgent_pointer: self.urgent_pointer,
            options,
            padding: InlineBytes::new(),
        }
    }

    /// Sets a header's fixed fields to these (its options and padding are left alone).
    #[inline(always)]
    fn write_to_header(self, header: &mut TcpHeader) {
        header.src_port = self.src_port;
        header.dst_port = self.dst_port;
        header.seq = self.seq;
        header.ack_number = self.ack_number;
        header.data_offset = self.data_offset;
        header.reserved = self.reserved;
        header.flags = self.flags;
        header.window = self.window;
        header.checksum = self.checksum;
        header.urgent_pointer = self.urgent_pointer;
    }
}

/// A TCP segment: its header and the payload after it.
///
/// ```
/// use tcpwire::TcpSegment;
/// let mut bytes = vec![0, 80, 0x9c, 0x40, 0, 0, 0, 7, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0];
/// bytes.extend_from_slice(b"GET /");
/// let seg = TcpSegment::parse(&bytes).unwrap();
/// assert_eq!(seg.payload, b"GET /");
/// assert_eq!(seg.to_bytes().unwrap(), bytes);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TcpSegment {
    /// The header.
    pub header: TcpHeader,
    /// The bytes after the header.
    #[serde(with = "hex_vec")]
    pub payload: Vec<u8>,
}

impl TcpSegment {
    /// Parses a segment (strict: a malformed option is an error).
    pub fn parse(input: &[u8]) -> Result<TcpSegment, Error> {
        Self::parse_with(input, ParseMode::Strict)
    }

    /// Parses a segment, keeping malformed options as [`TcpOption::Malformed`].
    pub fn parse_lossless(input: &[u8]) -> Result<TcpSegment, Error> {
        Self::parse_with(input, ParseMode::Lossless)
    }

    /// Parses a segment in the given mode.
    ///
    /// The segment is built where the caller keeps the result, as [`TcpHeader::parse_with`]
    /// builds a header: the header is never moved, so this costs the header's parse and the
    /// payload's copy.
    #[inline]
    pub fn parse_with(input: &[u8], mode: ParseMode) -> Result<TcpSegment, Error> {
        let fixed = FixedHeader::parse(input)?;
        let area = fixed.option_area(input);
        // `FixedHeader::parse` checked that the input holds the whole header.
        let payload = input
            .get(usize::from(fixed.data_offset) * 4..)
            .unwrap_or_default();
        if area.is_empty() {
            // The payload is copied first: a call between the header's fields and the value
            // would make the compiler build the header aside and copy it in.
            let payload = payload.to_vec();
            return Ok(TcpSegment {
                header: fixed.to_header(OptionList::new()),
                payload,
            });
        }
        let mut result = Ok(TcpSegment {
            header: fixed.to_header(nop_slots()),
            payload: Vec::new(),
        });
        if let Ok(segment) = &mut result {
            match segment.header.parse_area(area, mode) {
                Ok(()) => segment.payload = payload.to_vec(),
                Err(e) => result = Err(e),
            }
        }
        result
    }

    /// The segment's length on the wire (header and payload).
    pub fn len(&self) -> usize {
        self.header.header_len() + self.payload.len()
    }

    /// Whether the segment is empty (never true for a valid segment; for symmetry with `len`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the segment exactly as stored, after [`TcpHeader::validate`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut header = [0u8; MAX_HEADER_LEN];
        let header_len = self.header.write_to(&mut header)?;
        let mut out = Vec::with_capacity(header_len + self.payload.len());
        out.extend_from_slice(header.get(..header_len).unwrap_or_default());
        out.extend_from_slice(&self.payload);
        Ok(out)
    }

    /// Writes the segment into `buf`, returning the number of bytes written: the same checks
    /// and bytes as [`TcpHeader::validate`] then [`gen_segment`](crate::wire::gen_segment). On an error, the bytes where
    /// the header goes may have been written to.
    pub fn write_to(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let needed = self.len();
        let available = buf.len();
        let Some((header, payload)) = buf
            .get_mut(..needed)
            .and_then(|dst| dst.split_at_mut_checked(self.header.header_len()))
        else {
            self.header.validate()?;
            return Err(Error::BufferTooSmall { needed, available });
        };
        // The header fits exactly: only a header `validate` rejects fails here.
        self.header.write_to(header)?;
        payload.copy_from_slice(&self.payload);
        Ok(needed)
    }
}
