//! Streaming pcap and pcapng framing.
//!
//! Every record is read piece by piece from a buffered input: fixed fields into small arrays,
//! packet bytes into one vector of exactly their length (at most [`MAX_RECORD`]), everything
//! else (options, blocks that carry no packet, padding) skipped without being kept. Memory is
//! therefore bounded whatever the input: a long section header or a 1 GB decryption-secrets
//! block costs nothing, a file header or block header split across reads (pipes, multi-member
//! gzip) is simply read on, and the interface table is capped at [`MAX_INTERFACES`].

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::{CaptureError, Frame, Linktype};

/// The largest packet record the reader keeps (a bigger one is reported and passed over).
pub const MAX_RECORD: usize = 1 << 23;
/// The most interfaces a pcapng section may describe; later interface description blocks are
/// reported and ignored (the table would otherwise grow with the input).
pub const MAX_INTERFACES: usize = 1 << 16;

/// Size of the input buffer.
const BUFFER: usize = 1 << 16;

const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 1;
const PB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
/// Enhanced packet block option: the flags word (direction, reception type, FCS length,
/// checksum state).
const EPB_FLAGS: u16 = 2;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// Interface description options: timestamp resolution and offset.
const IF_TSRESOL: u16 = 9;
const IF_TSOFFSET: u16 = 14;

/// What a pcapng interface description block says.
#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: Linktype,
    snaplen: u32,
    /// Timestamp units per second.
    ticks: u64,
    /// Seconds added to every timestamp.
    offset: i64,
}

/// The file format, and what its headers said.
enum Format {
    /// Classic pcap: the file header's link type, sub-second unit, and whether the record
    /// headers are the 24-byte ones of the "modified" (Kuznetzov) format.
    Pcap {
        linktype: Linktype,
        nanos: bool,
        modified: bool,
    },
    /// pcapng: the current section's interfaces, and whether the table overflowed.
    PcapNg {
        interfaces: Vec<Interface>,
        overflowed: bool,
    },
}

/// A streaming reader of pcap or pcapng records.
///
/// It yields frames, and errors: after a fatal one ([`CaptureError::is_fatal`]) it yields
/// nothing more; after the others (one bad record or block) it goes on.
pub struct CaptureReader {
    input: Box<dyn BufRead + Send>,
    format: Format,
    big_endian: bool,
    /// Bytes consumed from the (decompressed) input.
    position: u64,
    /// Packet records seen.
    frame: u64,
    /// Body bytes of the current pcapng block not yet consumed.
    block_left: u64,
    /// The section header's block type was read with the file's magic.
    pending_shb: bool,
    /// An error about the first section header, read when the capture was opened.
    pending_error: Option<CaptureError>,
    done: bool,
}

/// Consumes one option's value: given the reader, the option's code, length and padded length.
type OptionVisitor<'a> =
    dyn FnMut(&mut CaptureReader, u16, u16, u64) -> Result<(), CaptureError> + 'a;

/// What one pcapng block gave.
enum Block {
    Frame(Frame),
    /// A recoverable error (the block has been consumed).
    Error(CaptureError),
    Nothing,
}

impl CaptureReader {
    /// Opens a capture file; `-` is standard input. Gzip-compressed captures are read as well.
    pub fn open(path: impl AsRef<Path>) -> Result<CaptureReader, CaptureError> {
        let path = path.as_ref();
        if path == Path::new("-") {
            return Self::new(io::stdin());
        }
        let file = File::open(path).map_err(|source| CaptureError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::new(file)
    }

    /// Reads a capture from any reader. Gzip-compressed input (one or several members) is
    /// recognised by its magic bytes.
    pub fn new<R: Read + Send + 'static>(reader: R) -> Result<CaptureReader, CaptureError> {
        let mut raw = BufReader::with_capacity(BUFFER, reader);
        let mut magic = [0u8; 2];
        let got = read_full(&mut raw, &mut magic).map_err(|source| CaptureError::Read {
            after_frame: 0,
            at_byte: 0,
            source,
        })?;
        let head = io::Cursor::new(magic.get(..got).unwrap_or_default().to_vec());
        let input: Box<dyn BufRead + Send> = if magic == [0x1f, 0x8b] {
            let gz = flate2::bufread::MultiGzDecoder::new(BufReader::new(head.chain(raw)));
            Box::new(BufReader::with_capacity(BUFFER, gz))
        } else {
            Box::new(BufReader::with_capacity(BUFFER, head.chain(raw)))
        };
        let mut reader = CaptureReader {
            input,
            format: Format::PcapNg {
                interfaces: Vec::new(),
                overflowed: false,
            },
            big_endian: false,
            position: 0,
            frame: 0,
            block_left: 0,
            pending_shb: false,
            pending_error: None,
            done: false,
        };
        reader.file_header()?;
        Ok(reader)
    }

    /// Reads the pcap file header, or the first pcapng section header.
    fn file_header(&mut self) -> Result<(), CaptureError> {
        let mut magic = [0u8; 4];
        let got = self.fill(&mut magic)?;
        if got == 0 {
            return Err(CaptureError::Empty);
        }
        let start = || CaptureError::NotACapture {
            start: crate::to_hex(magic.get(..got).unwrap_or_default()),
        };
        if got < 4 {
            return Err(start());
        }
        let (le, be) = (u32::from_le_bytes(magic), u32::from_be_bytes(magic));
        if le == SHB {
            // pcapng: the section header is read as the first block, now, so that a file whose
            // first block is not one is refused when it is opened.
            self.pending_shb = true;
            if let Some(Block::Error(e)) = self.pcapng_block()? {
                self.pending_error = Some(e);
            }
            return Ok(());
        }
        let (big_endian, nanos, modified) = match (le, be) {
            (0xA1B2_C3D4, _) => (false, false, false),
            (_, 0xA1B2_C3D4) => (true, false, false),
            (0xA1B2_3C4D, _) => (false, true, false),
            (_, 0xA1B2_3C4D) => (true, true, false),
            (0xA1B2_CD34, _) => (false, false, true),
            (_, 0xA1B2_CD34) => (true, false, true),
            _ => return Err(start()),
        };
        // Version (4), zone (4), sigfigs (4), snap length (4), link type (4).
        let mut header = [0u8; 20];
        self.need(&mut header)?;
        self.big_endian = big_endian;
        // The upper 16 bits may carry FCS information; the link type proper is the low 16.
        let linktype = Linktype((self.u32(&header, 16) & 0xffff) as u16);
        self.format = Format::Pcap {
            linktype,
            nanos,
            modified,
        };
        Ok(())
    }
}

impl CaptureReader {
    /// The next frame, an error, or `None` at the end (or after a fatal error).
    #[allow(clippy::should_implement_trait)]
    pub fn next_frame(&mut self) -> Option<Result<Frame, CaptureError>> {
        if let Some(e) = self.pending_error.take() {
            return Some(Err(e));
        }
        if self.done {
            return None;
        }
        let step = match self.format {
            Format::Pcap {
                linktype,
                nanos,
                modified,
            } => self.pcap_record(linktype, nanos, modified),
            Format::PcapNg { .. } => self.pcapng_packet(),
        };
        match step {
            Ok(Some(frame)) => Some(Ok(frame)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = e.is_fatal();
                Some(Err(e))
            }
        }
    }

    /// The next classic pcap record.
    fn pcap_record(
        &mut self,
        linktype: Linktype,
        nanos: bool,
        modified: bool,
    ) -> Result<Option<Frame>, CaptureError> {
        // Seconds, sub-second, captured length, original length (+ 8 bytes in the modified
        // format: interface index, protocol, packet type, padding).
        let mut header = [0u8; 24];
        let len = if modified { 24 } else { 16 };
        let at = self.position;
        let got = self.fill(header.get_mut(..len).unwrap_or_default())?;
        if got == 0 {
            return Ok(None);
        }
        if got < len {
            return Err(self.truncated());
        }
        let caplen = self.u32(&header, 8);
        if caplen as usize > MAX_RECORD {
            return Err(self.corrupt(format!(
                "record header at byte {at} gives a captured length of {caplen} bytes, over the \
                 {MAX_RECORD}-byte limit"
            )));
        }
        let data = self.read_vec(caplen as usize)?;
        self.frame += 1;
        let (secs, sub) = (self.u32(&header, 0), self.u32(&header, 4));
        let timestamp = if nanos {
            (
                u64::from(secs) + u64::from(sub / 1_000_000_000),
                sub % 1_000_000_000,
            )
        } else {
            (
                u64::from(secs) + u64::from(sub / 1_000_000),
                sub % 1_000_000 * 1000,
            )
        };
        Ok(Some(Frame {
            number: self.frame,
            timestamp,
            linktype,
            data,
            original_len: self.u32(&header, 12),
            epb_flags: None,
        }))
    }

    /// Reads pcapng blocks up to the next packet, or the next error.
    fn pcapng_packet(&mut self) -> Result<Option<Frame>, CaptureError> {
        loop {
            match self.pcapng_block()? {
                None => return Ok(None),
                Some(Block::Frame(frame)) => return Ok(Some(frame)),
                Some(Block::Error(e)) => return Err(e),
                Some(Block::Nothing) => {}
            }
        }
    }

    /// Reads one whole pcapng block.
    fn pcapng_block(&mut self) -> Result<Option<Block>, CaptureError> {
        let at = self
            .position
            .saturating_sub(if self.pending_shb { 4 } else { 0 });
        let mut header = [0u8; 8];
        let first = if std::mem::take(&mut self.pending_shb) {
            header = [0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 0];
            4
        } else {
            0
        };
        let got = self.fill(header.get_mut(first..).unwrap_or_default())?;
        if got == 0 && first == 0 {
            return Ok(None);
        }
        if first + got < 8 {
            return Err(self.truncated());
        }
        let kind = self.u32(&header, 0);
        if kind == SHB {
            // The byte order of the section (and so of its length field) follows.
            let mut magic = [0u8; 4];
            self.need(&mut magic)?;
            self.big_endian = match (u32::from_le_bytes(magic), u32::from_be_bytes(magic)) {
                (BYTE_ORDER_MAGIC, _) => false,
                (_, BYTE_ORDER_MAGIC) => true,
                _ => {
                    return Err(self.corrupt(format!(
                        "section header block at byte {at}: byte-order magic {} is not 1a2b3c4d",
                        crate::to_hex(&magic)
                    )))
                }
            };
        }
        let total = self.u32(&header, 4);
        if total < 12 || total % 4 != 0 {
            return Err(self.corrupt(format!(
                "block of type {kind:#x} at byte {at}: total length {total} is not a multiple \
                 of 4 of at least 12"
            )));
        }
        self.block_left = u64::from(total - 12);
        if kind == SHB {
            self.block_left = self.block_left.saturating_sub(4);
        }
        let block = match kind {
            SHB => self.section_header(at, total)?,
            IDB => self.interface_description(at)?,
            EPB | PB => self.packet(kind, at)?,
            SPB => self.simple_packet(at)?,
            // Name resolution, statistics, decryption secrets, custom and unknown blocks carry
            // no packet: skipped, whatever their size.
            _ => Block::Nothing,
        };
        self.skip(self.block_left)?;
        self.block_left = 0;
        let mut trailer = [0u8; 4];
        self.need(&mut trailer)?;
        let trailing = self.u32(&trailer, 0);
        if trailing != total {
            return Err(self.corrupt(format!(
                "block of type {kind:#x} at byte {at}: trailing length {trailing} differs from \
                 its leading length {total}"
            )));
        }
        Ok(Some(block))
    }

    fn section_header(&mut self, at: u64, total: u32) -> Result<Block, CaptureError> {
        // Major and minor version (2 + 2), section length (8), then options.
        let mut fields = [0u8; 12];
        if self.block_left < 12 {
            return Err(self.corrupt(format!(
                "section header block at byte {at}: total length {total} is below the minimum 28"
            )));
        }
        self.body(&mut fields)?;
        let major = self.u16(&fields, 0);
        let minor = self.u16(&fields, 2);
        if major != 1 {
            return Err(self.corrupt(format!(
                "section header block at byte {at}: pcapng version {major}.{minor} is not 1.x"
            )));
        }
        if let Format::PcapNg {
            interfaces,
            overflowed,
        } = &mut self.format
        {
            interfaces.clear();
            *overflowed = false;
        }
        let overrun = self.options(&mut |reader, _, _, padded| reader.skip_body(padded))?;
        Ok(match overrun {
            Some(detail) => Block::Error(CaptureError::BadBlock {
                after_frame: self.frame,
                detail: format!("section header block at byte {at}: {detail}"),
            }),
            None => Block::Nothing,
        })
    }

    /// Walks the options of the current block (code (2), length (2), value padded to 4 bytes;
    /// code 0 ends them), calling `visit` with each code, length and padded length to consume
    /// its value. An option that runs past the block stops the walk and is described in the
    /// result (Wireshark refuses such a file; its frames are still good).
    fn options(&mut self, visit: &mut OptionVisitor<'_>) -> Result<Option<String>, CaptureError> {
        while self.block_left >= 4 {
            let mut option = [0u8; 4];
            self.body(&mut option)?;
            let (code, len) = (self.u16(&option, 0), self.u16(&option, 2));
            let padded = u64::from(len).div_ceil(4) * 4;
            if code == 0 {
                break;
            }
            if padded > self.block_left {
                return Ok(Some(format!(
                    "option {code} of length {len} runs past the block ({} bytes left); the \
                     options from there on are not read",
                    self.block_left
                )));
            }
            visit(self, code, len, padded)?;
        }
        Ok(None)
    }

    fn interface_description(&mut self, at: u64) -> Result<Block, CaptureError> {
        // Link type (2), reserved (2), snap length (4), then options.
        let mut fields = [0u8; 8];
        if self.block_left < 8 {
            return Err(self.corrupt(format!(
                "interface description block at byte {at}: {} body bytes, below the minimum 8",
                self.block_left
            )));
        }
        self.body(&mut fields)?;
        let mut interface = Interface {
            linktype: Linktype(self.u16(&fields, 0)),
            snaplen: self.u32(&fields, 4),
            ticks: 1_000_000,
            offset: 0,
        };
        let mut bad_resolution = None;
        let overrun = self.options(&mut |reader, code, len, padded| {
            match (code, len) {
                (IF_TSRESOL, 1) => {
                    let mut value = [0u8; 4];
                    reader.body(&mut value)?;
                    let [resolution, ..] = value;
                    match ticks_per_second(resolution) {
                        Some(ticks) => interface.ticks = ticks,
                        None => bad_resolution = Some(resolution),
                    }
                }
                (IF_TSOFFSET, 8) => {
                    let mut value = [0u8; 8];
                    reader.body(&mut value)?;
                    interface.offset = if reader.big_endian {
                        i64::from_be_bytes(value)
                    } else {
                        i64::from_le_bytes(value)
                    };
                }
                _ => reader.skip_body(padded)?,
            }
            Ok(())
        })?;
        let after_frame = self.frame;
        let Format::PcapNg {
            interfaces,
            overflowed,
        } = &mut self.format
        else {
            return Ok(Block::Nothing);
        };
        let id = interfaces.len();
        if id >= MAX_INTERFACES {
            if std::mem::replace(overflowed, true) {
                return Ok(Block::Nothing);
            }
            return Ok(Block::Error(CaptureError::BadBlock {
                after_frame,
                detail: format!(
                    "interface description block at byte {at}: more than {MAX_INTERFACES} \
                     interfaces in one section; the rest are ignored"
                ),
            }));
        }
        interfaces.push(interface);
        let detail = match (bad_resolution, overrun) {
            (Some(value), _) => format!(
                "interface {id}: if_tsresol {value:#04x} is beyond 10^19 or 2^63 per second; \
                 microseconds assumed"
            ),
            (None, Some(overrun)) => {
                format!("interface description block {id} at byte {at}: {overrun}")
            }
            (None, None) => return Ok(Block::Nothing),
        };
        Ok(Block::Error(CaptureError::BadBlock {
            after_frame,
            detail,
        }))
    }

    /// An enhanced packet block, or an obsolete packet block (type 2).
    fn packet(&mut self, kind: u32, at: u64) -> Result<Block, CaptureError> {
        // Interface id (4; or 2 + drops count 2 in a packet block), timestamp high and low (4 +
        // 4), captured and original length (4 + 4), then the data, padded, and options.
        let name = if kind == EPB {
            "enhanced packet block"
        } else {
            "packet block"
        };
        self.frame += 1;
        let mut fields = [0u8; 20];
        if self.block_left < 20 {
            return Ok(self.bad_frame(format!(
                "{name} at byte {at}: {} body bytes, below the minimum 20",
                self.block_left
            )));
        }
        self.body(&mut fields)?;
        let id = if kind == EPB {
            self.u32(&fields, 0)
        } else {
            u32::from(self.u16(&fields, 0))
        };
        let caplen = self.u32(&fields, 12);
        if u64::from(caplen) > self.block_left {
            return Ok(self.bad_frame(format!(
                "{name} at byte {at}: captured length {caplen} runs past the block ({} bytes \
                 left)",
                self.block_left
            )));
        }
        if caplen as usize > MAX_RECORD {
            return Ok(self.bad_frame(format!(
                "{name} at byte {at}: captured length {caplen} is over the {MAX_RECORD}-byte \
                 limit"
            )));
        }
        let Some(interface) = self.interface(id) else {
            return Ok(self.unknown_interface(name, at, id));
        };
        let data = self.body_vec(caplen as usize)?;
        // The options follow the data's padding: only an enhanced packet block's epb_flags
        // (code 2, 4 bytes) is kept. A packet block's flags option has the same code and
        // layout (pcapng 1.0 "pack_flags").
        let mut epb_flags = None;
        let padding = u64::from((4 - caplen % 4) % 4);
        if self.block_left >= padding {
            self.skip_body(padding)?;
            // An option running past the block is not worth an error on a good frame.
            let _ = self.options(&mut |reader, code, len, padded| {
                if code == EPB_FLAGS && len == 4 {
                    let mut value = [0u8; 4];
                    reader.body(&mut value)?;
                    epb_flags = Some(reader.u32(&value, 0));
                    reader.skip_body(padded - 4)
                } else {
                    reader.skip_body(padded)
                }
            })?;
        }
        let ticks = (u64::from(self.u32(&fields, 4)) << 32) | u64::from(self.u32(&fields, 8));
        let resolution = interface.ticks.max(1);
        let secs = (ticks / resolution).saturating_add_signed(interface.offset);
        let nanos =
            (u128::from(ticks % resolution) * 1_000_000_000 / u128::from(resolution)) as u32;
        Ok(Block::Frame(Frame {
            number: self.frame,
            timestamp: (secs, nanos),
            linktype: interface.linktype,
            data,
            original_len: self.u32(&fields, 16),
            epb_flags,
        }))
    }

    fn simple_packet(&mut self, at: u64) -> Result<Block, CaptureError> {
        self.frame += 1;
        let mut fields = [0u8; 4];
        if self.block_left < 4 {
            return Ok(self.bad_frame(format!(
                "simple packet block at byte {at}: {} body bytes, below the minimum 4",
                self.block_left
            )));
        }
        self.body(&mut fields)?;
        let original_len = self.u32(&fields, 0);
        let Some(interface) = self.interface(0) else {
            return Ok(self.unknown_interface("simple packet block", at, 0));
        };
        // The captured length is the original length cut to the snap length (0: none) and to
        // the block.
        let mut caplen = u64::from(original_len).min(self.block_left);
        if interface.snaplen != 0 {
            caplen = caplen.min(u64::from(interface.snaplen));
        }
        if caplen > MAX_RECORD as u64 {
            return Ok(self.bad_frame(format!(
                "simple packet block at byte {at}: captured length {caplen} is over the \
                 {MAX_RECORD}-byte limit"
            )));
        }
        let data = self.body_vec(caplen as usize)?;
        Ok(Block::Frame(Frame {
            number: self.frame,
            timestamp: (0, 0),
            linktype: interface.linktype,
            data,
            original_len,
            epb_flags: None,
        }))
    }

    fn interface(&self, id: u32) -> Option<Interface> {
        match &self.format {
            Format::PcapNg { interfaces, .. } => interfaces.get(id as usize).copied(),
            Format::Pcap { .. } => None,
        }
    }

    fn unknown_interface(&self, name: &str, at: u64, id: u32) -> Block {
        let known = match &self.format {
            Format::PcapNg { interfaces, .. } => interfaces.len(),
            Format::Pcap { .. } => 0,
        };
        self.bad_frame(format!(
            "{name} at byte {at}: interface {id} is not described ({known} interfaces in this \
             section)"
        ))
    }

    fn bad_frame(&self, detail: String) -> Block {
        Block::Error(CaptureError::BadFrame {
            frame: self.frame,
            detail,
        })
    }

    fn corrupt(&self, detail: String) -> CaptureError {
        CaptureError::CorruptRecord {
            after_frame: self.frame,
            detail,
        }
    }

    fn truncated(&self) -> CaptureError {
        CaptureError::Truncated {
            after_frame: self.frame,
            at_byte: self.position,
        }
    }

    fn read_error(&self, source: io::Error) -> CaptureError {
        CaptureError::Read {
            after_frame: self.frame,
            at_byte: self.position,
            source,
        }
    }

    fn u16(&self, bytes: &[u8], at: usize) -> u16 {
        let mut word = [0u8; 2];
        if let Some(b) = bytes.get(at..at + 2) {
            word.copy_from_slice(b);
        }
        if self.big_endian {
            u16::from_be_bytes(word)
        } else {
            u16::from_le_bytes(word)
        }
    }

    fn u32(&self, bytes: &[u8], at: usize) -> u32 {
        let mut word = [0u8; 4];
        if let Some(b) = bytes.get(at..at + 4) {
            word.copy_from_slice(b);
        }
        if self.big_endian {
            u32::from_be_bytes(word)
        } else {
            u32::from_le_bytes(word)
        }
    }

    /// Reads until `buf` is full or the input ends: the number of bytes read.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, CaptureError> {
        let got = read_full(&mut self.input, buf);
        match got {
            Ok(n) => {
                self.position += n as u64;
                Ok(n)
            }
            Err(e) => Err(self.read_error(e)),
        }
    }

    /// Fills `buf`, or fails with a truncation.
    fn need(&mut self, buf: &mut [u8]) -> Result<(), CaptureError> {
        if self.fill(buf)? < buf.len() {
            return Err(self.truncated());
        }
        Ok(())
    }

    /// Fills `buf` from the current block's body (the caller checked that it holds as much).
    fn body(&mut self, buf: &mut [u8]) -> Result<(), CaptureError> {
        self.need(buf)?;
        self.block_left = self.block_left.saturating_sub(buf.len() as u64);
        Ok(())
    }

    fn body_vec(&mut self, len: usize) -> Result<Vec<u8>, CaptureError> {
        let data = self.read_vec(len)?;
        self.block_left = self.block_left.saturating_sub(len as u64);
        Ok(data)
    }

    fn skip_body(&mut self, len: u64) -> Result<(), CaptureError> {
        self.skip(len)?;
        self.block_left = self.block_left.saturating_sub(len);
        Ok(())
    }

    /// Reads exactly `len` bytes into a new vector (the caller bounds `len`).
    fn read_vec(&mut self, len: usize) -> Result<Vec<u8>, CaptureError> {
        let mut data = vec![0u8; len];
        self.need(&mut data)?;
        Ok(data)
    }

    /// Consumes `len` bytes without keeping them.
    fn skip(&mut self, mut len: u64) -> Result<(), CaptureError> {
        while len > 0 {
            let available = match self.input.fill_buf() {
                Ok(buf) => buf.len(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.read_error(e)),
            };
            if available == 0 {
                return Err(self.truncated());
            }
            let n = available.min(usize::try_from(len).unwrap_or(usize::MAX));
            self.input.consume(n);
            self.position += n as u64;
            len -= n as u64;
        }
        Ok(())
    }
}

impl Iterator for CaptureReader {
    type Item = Result<Frame, CaptureError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame()
    }
}

/// Timestamp units per second for an `if_tsresol` value: a power of ten, or with the high bit
/// set a power of two; `None` when it does not fit 64 bits.
fn ticks_per_second(if_tsresol: u8) -> Option<u64> {
    let exponent = u32::from(if_tsresol & 0x7f);
    if if_tsresol & 0x80 == 0 {
        10u64.checked_pow(exponent)
    } else {
        1u64.checked_shl(exponent).filter(|_| exponent < 64)
    }
}

/// Reads until `buf` is full or `input` ends: the number of bytes read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while let Some(rest) = buf.get_mut(got..).filter(|r| !r.is_empty()) {
        match input.read(rest) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::ticks_per_second;

    #[test]
    fn timestamp_resolutions() {
        assert_eq!(ticks_per_second(6), Some(1_000_000));
        assert_eq!(ticks_per_second(9), Some(1_000_000_000));
        assert_eq!(ticks_per_second(19), Some(10_000_000_000_000_000_000));
        assert_eq!(ticks_per_second(20), None);
        assert_eq!(ticks_per_second(0x80), Some(1));
        assert_eq!(ticks_per_second(0x9e), Some(1 << 30));
        assert_eq!(ticks_per_second(0xbf), Some(1 << 63));
        assert_eq!(ticks_per_second(0xc0), None);
    }
}
