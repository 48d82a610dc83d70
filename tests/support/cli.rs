//! Helpers of the command-line tests (tests/cli.rs, tests/cli_codec.rs): running the binary,
//! temporary files, captures made in memory, the corpus.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
use tcpwire::TcpHeader;

use super::common;

// ---------------------------------------------------------------------------------------------
// Running the binary

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect()
    }
}

pub fn tcpwire(args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tcpwire");
    // Feed stdin from a thread: the child may fill its stdout pipe before reading all of it.
    let feeder = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let out = child.wait_with_output().expect("wait for tcpwire");
    if let Some(f) = feeder {
        f.join().expect("stdin feeder");
    }
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

// ---------------------------------------------------------------------------------------------
// What the library finds in a capture

/// One TCP segment as the library sees it.
pub struct LibSegment {
    pub frame: u64,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub truncated: bool,
    pub declared_len: usize,
    pub bytes: Vec<u8>,
    /// The lossless header, or the parse error's message.
    pub header: Result<TcpHeader, String>,
}

/// Every frame the library finds a TCP segment in, and whether reading stopped on an error
/// (with the number of frames read before it).
pub fn library_segments(path: &Path) -> (Vec<LibSegment>, Option<u64>) {
    let mut segments = Vec::new();
    let mut frames = 0;
    for frame in CaptureReader::open(path).unwrap() {
        let Ok(frame) = frame else {
            return (segments, Some(frames));
        };
        frames = frame.number;
        if let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) {
            segments.push(LibSegment {
                frame: frame.number,
                src: tcp.src,
                dst: tcp.dst,
                truncated: tcp.truncated,
                declared_len: tcp.declared_len,
                bytes: tcp.segment.to_vec(),
                header: TcpHeader::parse_lossless(tcp.segment).map_err(|e| e.to_string()),
            });
        }
    }
    (segments, None)
}

pub fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = common::public_corpus()?;
    let files = common::captures_in(&dir);
    assert!(files.len() >= 40, "found only {} captures", files.len());
    Some(files)
}

pub fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// The `tcpwire pcap` lines of several files, grouped by file name.
pub fn pcap_lines_by_file(run: &Run) -> BTreeMap<String, Vec<Value>> {
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in run.lines() {
        let file = line["file"].as_str().expect("file key with several files");
        by_file
            .entry(file_name(Path::new(file)))
            .or_default()
            .push(line);
    }
    by_file
}

/// `badcksum=N` per file from the corpus manifest (Wireshark's count of bad TCP checksums).
pub fn manifest_bad_checksums(dir: &Path) -> BTreeMap<String, u64> {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let bad = cols
                .get(10)?
                .split_whitespace()
                .find_map(|f| f.strip_prefix("badcksum="))
                .map_or(0, |n| n.parse().expect("badcksum count"));
            Some((cols[0].to_string(), bad))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Generated captures

/// A little-endian pcap file with microsecond timestamps.
pub fn pcap_file(linktype: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&linktype.to_le_bytes());
    for (i, frame) in frames.iter().enumerate() {
        out.extend_from_slice(&(1_700_000_000 + i as u32).to_le_bytes());
        out.extend_from_slice(&(250_000u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(frame);
    }
    out
}

/// One's-complement sum of 16-bit words (RFC 1071), not yet complemented.
pub fn ones_sum(chunks: &[&[u8]]) -> u16 {
    let mut sum = 0u32;
    for chunk in chunks {
        for pair in chunk.chunks(2) {
            let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
            sum += u32::from(word);
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// A raw IPv4 packet (link type 101) carrying `segment`, with the TCP checksum filled in.
pub fn ipv4_packet(mut segment: Vec<u8>) -> Vec<u8> {
    let (src, dst) = ([192, 0, 2, 1], [198, 51, 100, 2]);
    segment[16] = 0;
    segment[17] = 0;
    let len = (segment.len() as u16).to_be_bytes();
    let checksum = !ones_sum(&[&src, &dst, &[0, 6], &len, &segment]);
    segment[16..18].copy_from_slice(&checksum.to_be_bytes());
    let total = (20 + segment.len()) as u16;
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0];
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    let ip_checksum = !ones_sum(&[&ip]);
    ip[10..12].copy_from_slice(&ip_checksum.to_be_bytes());
    ip.extend_from_slice(&segment);
    ip
}

pub const LINUX_SYN: &str =
    "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307";

/// A deterministic pseudo-random generator (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// A random TCP segment that lossless parsing accepts: any fixed header with a data offset of
/// 5..=15, an option area of well-formed, malformed and random options, and a payload.
pub fn random_segment(rng: &mut Rng) -> Vec<u8> {
    let data_offset = 5 + rng.below(11) as usize;
    let area_len = (data_offset - 5) * 4;
    let mut area = Vec::with_capacity(area_len);
    while area.len() < area_len {
        let left = area_len - area.len();
        match rng.below(8) {
            0 => area.push(1),
            1 => {
                // EOL, then padding (sometimes not zero).
                area.push(0);
                while area.len() < area_len {
                    area.push(if rng.below(4) == 0 { rng.byte() } else { 0 });
                }
            }
            2 if left >= 10 => {
                area.extend_from_slice(&[8, 10]);
                area.extend((0..8).map(|_| rng.byte()));
            }
            3 if left >= 4 => area.extend_from_slice(&[2, 4, rng.byte(), rng.byte()]),
            4 if left >= 3 => area.extend_from_slice(&[3, 3, rng.byte()]),
            5 => {
                // A kind the crate knows, or any kind, with a length that may be wrong or
                // overrun the area.
                let kind =
                    [5, 19, 27, 28, 29, 30, 34, 69, 172, 174, 253, 254, 99][rng.below(13) as usize];
                let len = rng.below(left as u64 + 4) as u8;
                area.push(kind);
                area.push(len);
                let body = (len as usize).saturating_sub(2).min(left.saturating_sub(2));
                area.extend((0..body).map(|_| rng.byte()));
            }
            _ => area.push(rng.byte()),
        }
    }
    area.truncate(area_len);
    let mut segment: Vec<u8> = (0..12).map(|_| rng.byte()).collect();
    segment.push(((data_offset as u8) << 4) | (rng.byte() & 0x0f));
    segment.extend((0..7).map(|_| rng.byte()));
    segment.extend_from_slice(&area);
    let payload_len = [0, 0, 1, 7, 64][rng.below(5) as usize];
    segment.extend((0..payload_len).map(|_| rng.byte()));
    segment
}

// ---------------------------------------------------------------------------------------------
// Help and usage
