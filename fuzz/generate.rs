//! Large captures described by small fuzz inputs: the input's bytes choose blocks and records
//! (their kinds, sizes up to past `MAX_RECORD`, interfaces, timestamp resolutions, byte order),
//! long runs of one byte are produced on demand, and the stream is handed out in reads of a
//! chosen size, optionally as several gzip members. With the capture comes what a correct
//! reader must yield for it, computed independently of the reader.

use std::collections::VecDeque;
use std::io::{Read, Write};

use tcpwire::capture::{MAX_INTERFACES, MAX_RECORD};

/// Takes bytes from the fuzz input; zeros once it runs out.
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    pub fn u64(&mut self) -> u64 {
        u64::from(self.u32()) | (u64::from(self.u32()) << 32)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Part of a stream: bytes, or a run of one byte.
enum Piece {
    Bytes(Vec<u8>),
    Fill(u8, u64),
}

/// A stream of pieces, read at most `chunk` bytes at a time.
pub struct Stream {
    pieces: VecDeque<Piece>,
    chunk: usize,
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = buf.len().min(self.chunk);
        loop {
            let Some(piece) = self.pieces.front_mut() else {
                return Ok(0);
            };
            match piece {
                Piece::Bytes(bytes) => {
                    if bytes.is_empty() {
                        self.pieces.pop_front();
                        continue;
                    }
                    let n = want.min(bytes.len());
                    buf[..n].copy_from_slice(&bytes[..n]);
                    bytes.drain(..n);
                    return Ok(n);
                }
                Piece::Fill(byte, left) => {
                    if *left == 0 {
                        self.pieces.pop_front();
                        continue;
                    }
                    let n = want.min(usize::try_from(*left).unwrap_or(usize::MAX));
                    buf[..n].fill(*byte);
                    *left -= n as u64;
                    return Ok(n);
                }
            }
        }
    }
}

/// What the reader must yield, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// A frame: number, timestamp, link type, length; its bytes are `head` then `fill`.
    Frame {
        number: u64,
        timestamp: (u64, u32),
        linktype: u16,
        len: usize,
        fill: u8,
    },
    /// A recoverable error for this frame number.
    BadFrame(u64),
    /// A recoverable error about a block.
    BadBlock,
    /// A fatal error; nothing after it.
    Fatal,
}

/// The first bytes of every generated frame: Ethernet, IPv4 (total length 0: the capture gives
/// it), and a TCP header with a timestamp option.
pub const HEAD: [u8; 66] = [
    0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00, // Ethernet
    0x45, 0, 0, 0, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
    4, 0xd2, 0, 80, 0, 0, 0, 1, 0, 0, 0, 2, 0x80, 0x18, 2, 0, 0, 0, 0, 0, // TCP
    1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, // NOP NOP timestamps
];

/// A capture being built: its pieces, byte order, and the expected outcome.
struct Builder {
    pieces: Vec<Piece>,
    big: bool,
    expect: Vec<Expect>,
    frame: u64,
    size: u64,
}

impl Builder {
    fn bytes(&mut self, bytes: Vec<u8>) {
        self.size += bytes.len() as u64;
        self.pieces.push(Piece::Bytes(bytes));
    }
    fn fill(&mut self, byte: u8, len: u64) {
        self.size += len;
        self.pieces.push(Piece::Fill(byte, len));
    }
    fn u16(&self, v: u16) -> [u8; 2] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u32(&self, v: u32) -> [u8; 4] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    /// A pcapng block: `fixed` fields, then `body_fill` bytes of `fill` (the data), then padding.
    fn block(&mut self, kind: u32, fixed: &[u8], data_len: u64, fill: u8) {
        let body = fixed.len() as u64 + data_len;
        let padded = body.div_ceil(4) * 4;
        let total = u32::try_from(12 + padded).unwrap_or(!3);
        let mut head = Vec::new();
        head.extend(self.u32(kind));
        head.extend(self.u32(total));
        head.extend(fixed);
        self.bytes(head);
        let data_head = (HEAD.len() as u64).min(data_len) as usize;
        if fill != 0 && data_head > 0 {
            self.bytes(HEAD[..data_head].to_vec());
            self.fill(fill, data_len - data_head as u64);
        } else {
            self.fill(fill, data_len);
        }
        let mut tail = vec![0u8; (padded - body) as usize];
        tail.extend(self.u32(total));
        self.bytes(tail);
    }
    fn frame_expect(&mut self, timestamp: (u64, u32), linktype: u16, len: usize, fill: u8) {
        self.frame += 1;
        self.expect.push(if len > MAX_RECORD {
            Expect::BadFrame(self.frame)
        } else {
            Expect::Frame {
                number: self.frame,
                timestamp,
                linktype,
                len,
                fill,
            }
        });
    }
}

/// A data length: mostly small, sometimes up to 8 MiB and around `MAX_RECORD` (rarely: they
/// cost milliseconds each).
fn data_len(b: &mut Bytes<'_>) -> u64 {
    match b.u8() % 64 {
        0..=47 => u64::from(b.u8()) + HEAD.len() as u64,
        48..=59 => u64::from(b.u16()) + HEAD.len() as u64,
        60..=62 => u64::from(b.u16()) * 128,
        _ => MAX_RECORD as u64 - 2 + u64::from(b.u8() % 4),
    }
}

/// Ticks per second for `if_tsresol`, or `None` beyond 64 bits (pcapng spec s4.2).
fn resolution(tsresol: u8) -> Option<u64> {
    let e = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(e)
    } else if e < 64 {
        Some(1u64 << e)
    } else {
        None
    }
}

/// `ticks` at `per_second` plus `offset` seconds, as whole seconds and nanoseconds.
fn timestamp(ticks: u64, per_second: u64, offset: i64) -> (u64, u32) {
    let nanos = u128::from(ticks) * 1_000_000_000 / u128::from(per_second);
    let secs = (nanos / 1_000_000_000) as i128 + i128::from(offset);
    (
        secs.clamp(0, i128::from(u64::MAX)) as u64,
        (nanos % 1_000_000_000) as u32,
    )
}

/// A pcapng capture from the input bytes.
fn pcapng(b: &mut Bytes<'_>, out: &mut Builder) {
    // Per interface: link type and ticks per second and offset.
    let mut interfaces: Vec<(u16, u64, i64)> = Vec::new();
    let section = |b: &mut Bytes<'_>, out: &mut Builder| {
        out.big = b.u8() & 1 == 1;
        let mut fixed = out.u32(0x1A2B_3C4D).to_vec();
        fixed.extend(out.u16(1));
        fixed.extend(out.u16(0));
        fixed.extend([0xff; 8]);
        // A comment option of up to 256 KiB: sections longer than a read.
        let comment = u64::from(b.u16()) * 4;
        if comment > 0 {
            fixed.extend(out.u16(1));
            fixed.extend(out.u16(u16::try_from(comment.min(65532)).unwrap_or(0)));
        }
        out.block(
            0x0A0D_0D0A,
            &fixed,
            if comment > 0 { comment.min(65532) } else { 0 },
            b'c',
        );
    };
    section(b, out);
    let mut steps = 0;
    while !b.is_empty() && steps < 64 {
        steps += 1;
        match b.u8() % 9 {
            0 | 1 => {
                let linktype = if b.u8() & 1 == 0 { 1 } else { 101 };
                let tsresol = b.u8();
                let offset = i64::from(b.u16() as i16);
                let mut fixed = out.u16(linktype).to_vec();
                fixed.extend([0, 0]);
                fixed.extend(out.u32(0));
                fixed.extend(out.u16(9));
                fixed.extend(out.u16(1));
                fixed.extend([tsresol, 0, 0, 0]);
                fixed.extend(out.u16(14));
                fixed.extend(out.u16(8));
                fixed.extend(if out.big {
                    offset.to_be_bytes()
                } else {
                    offset.to_le_bytes()
                });
                fixed.extend(out.u16(0));
                fixed.extend(out.u16(0));
                out.block(1, &fixed, 0, 0);
                if interfaces.len() >= MAX_INTERFACES {
                    continue;
                }
                let per_second = resolution(tsresol);
                if per_second.is_none() {
                    out.expect.push(Expect::BadBlock);
                }
                interfaces.push((linktype, per_second.unwrap_or(1_000_000), offset));
            }
            2..=4 => {
                // Enhanced (6) or obsolete (2) packet block.
                let kind = if b.u8() & 1 == 0 { 6 } else { 2 };
                let id = usize::from(b.u8()) % (interfaces.len() + 1);
                let ticks = b.u64();
                let len = data_len(b);
                let mut fixed = Vec::new();
                if kind == 6 {
                    fixed.extend(out.u32(id as u32));
                } else {
                    fixed.extend(out.u16(id as u16));
                    fixed.extend([0, 0]);
                }
                fixed.extend(out.u32((ticks >> 32) as u32));
                fixed.extend(out.u32(ticks as u32));
                fixed.extend(out.u32(len as u32));
                fixed.extend(out.u32(len as u32));
                out.block(kind, &fixed, len, 0x61);
                match interfaces.get(id) {
                    Some(&(linktype, per_second, offset)) if (len as usize) <= MAX_RECORD => {
                        let ts = timestamp(ticks, per_second, offset);
                        out.frame_expect(ts, linktype, len as usize, 0x61);
                    }
                    _ => {
                        out.frame += 1;
                        out.expect.push(Expect::BadFrame(out.frame));
                    }
                }
            }
            5 => {
                // Simple packet block: interface 0, no timestamp.
                let len = data_len(b);
                let fixed = out.u32(len as u32).to_vec();
                out.block(3, &fixed, len, 0x62);
                match interfaces.first() {
                    Some(&(linktype, ..)) => out.frame_expect((0, 0), linktype, len as usize, 0x62),
                    None => {
                        out.frame += 1;
                        out.expect.push(Expect::BadFrame(out.frame));
                    }
                }
            }
            6 => {
                // Blocks without packets, up to 16 MiB: decryption secrets, name resolution,
                // statistics, custom, unknown.
                let kind = [0x0A, 4, 5, 0xBAD, 0x4000_1234][usize::from(b.u8() % 5)];
                let len = match b.u8() % 8 {
                    0 => u64::from(b.u16()) * 256,
                    _ => u64::from(b.u8()),
                };
                out.block(kind, &[], len, 0x7a);
            }
            7 => {
                section(b, out);
                interfaces.clear();
            }
            _ => {
                // The end, possibly corrupt: a cut block header, or a length not a multiple of 4.
                match b.u8() % 3 {
                    0 => {}
                    1 => {
                        let cut = usize::from(b.u8() % 7) + 1;
                        let header = out.u32(6);
                        out.bytes(header[..cut.min(4)].to_vec());
                        out.expect.push(Expect::Fatal);
                    }
                    _ => {
                        let mut bad = out.u32(6).to_vec();
                        bad.extend(out.u32(4 * u32::from(b.u8()) + 13));
                        out.bytes(bad);
                        out.fill(0, 64);
                        out.expect.push(Expect::Fatal);
                    }
                }
                return;
            }
        }
    }
}

/// A classic pcap capture from the input bytes.
fn pcap(b: &mut Bytes<'_>, out: &mut Builder) {
    let flags = b.u8();
    out.big = flags & 1 == 1;
    let nanos = flags & 2 == 2;
    let modified = !nanos && flags & 4 == 4;
    let magic: u32 = match (nanos, modified) {
        (true, _) => 0xA1B2_3C4D,
        (false, true) => 0xA1B2_CD34,
        (false, false) => 0xA1B2_C3D4,
    };
    let linktype = if flags & 8 == 0 { 1u16 } else { 101 };
    let mut header = out.u32(magic).to_vec();
    header.extend(out.u16(2));
    header.extend(out.u16(4));
    header.extend([0; 8]);
    header.extend(out.u32(262_144));
    header.extend(out.u32(u32::from(linktype) | (u32::from(flags >> 4) << 28)));
    out.bytes(header);
    let mut steps = 0;
    while !b.is_empty() && steps < 64 {
        steps += 1;
        let (secs, sub) = (b.u32(), b.u32());
        let len = data_len(b);
        let mut record = out.u32(secs).to_vec();
        record.extend(out.u32(sub));
        record.extend(out.u32(len as u32));
        record.extend(out.u32(len as u32));
        if modified {
            record.extend([0; 8]);
        }
        out.bytes(record);
        if len as usize > MAX_RECORD {
            out.fill(0x63, len.min(1 << 16));
            out.expect.push(Expect::Fatal);
            return;
        }
        let head = (HEAD.len() as u64).min(len) as usize;
        out.bytes(HEAD[..head].to_vec());
        out.fill(0x63, len - head as u64);
        let nanos_total = if nanos {
            u64::from(sub)
        } else {
            u64::from(sub) * 1000
        };
        let ts = (
            u64::from(secs) + nanos_total / 1_000_000_000,
            (nanos_total % 1_000_000_000) as u32,
        );
        out.frame_expect(ts, linktype, len as usize, 0x63);
    }
}

/// A capture stream and what reading it must give.
pub fn capture(data: &[u8]) -> (Stream, Vec<Expect>) {
    let mut b = Bytes(data);
    let setup = b.u8();
    let mut out = Builder {
        pieces: Vec::new(),
        big: false,
        expect: Vec::new(),
        frame: 0,
        size: 0,
    };
    if setup & 1 == 0 {
        pcapng(&mut b, &mut out);
    } else {
        pcap(&mut b, &mut out);
    }
    // Small reads only for small captures (they cost a call each).
    let chunk = match setup >> 5 {
        0 if out.size < 1 << 20 => 1,
        1 if out.size < 1 << 22 => usize::from(b.u8() % 16) + 1,
        2 => 4093,
        _ => usize::MAX,
    };
    let mut pieces: VecDeque<Piece> = out.pieces.into();
    // Gzip, in two members split anywhere, for captures up to 4 MiB.
    if setup & 2 == 2 && out.size <= 1 << 22 {
        let mut plain = Vec::new();
        let _ = Stream {
            pieces,
            chunk: usize::MAX,
        }
        .read_to_end(&mut plain);
        let cut = usize::from(b.u16()) % (plain.len() + 1);
        let mut gz = Vec::new();
        for part in [&plain[..cut], &plain[cut..]] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = e.write_all(part);
            gz.extend(e.finish().unwrap_or_default());
        }
        pieces = VecDeque::from([Piece::Bytes(gz)]);
    }
    (Stream { pieces, chunk }, out.expect)
}
