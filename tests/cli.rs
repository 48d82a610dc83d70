//! The `tcpwire` binary, run as a process on the public corpus and on generated inputs; its
//! output is checked against what the library finds in the same bytes.
mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tcpwire::option::{Malformed, Unknown};

use serde_json::Value;
use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated};
use tcpwire::{MptcpSubtype, TcpHeader, TcpOption, TcpOptionKind, TcpSegment};

// ---------------------------------------------------------------------------------------------
// Running the binary

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect()
    }
}

fn tcpwire(args: &[&str], stdin: Option<Vec<u8>>) -> Run {
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

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

// ---------------------------------------------------------------------------------------------
// What the library finds in a capture

/// One TCP segment as the library sees it.
struct LibSegment {
    frame: u64,
    src: IpAddr,
    dst: IpAddr,
    truncated: bool,
    declared_len: usize,
    bytes: Vec<u8>,
    /// The lossless header, or the parse error's message.
    header: Result<TcpHeader, String>,
}

/// Every frame the library finds a TCP segment in, and whether reading stopped on an error
/// (with the number of frames read before it).
fn library_segments(path: &Path) -> (Vec<LibSegment>, Option<u64>) {
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

fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = common::public_corpus()?;
    let files = common::captures_in(&dir);
    assert!(files.len() >= 40, "found only {} captures", files.len());
    Some(files)
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// The `tcpwire pcap` lines of several files, grouped by file name.
fn pcap_lines_by_file(run: &Run) -> BTreeMap<String, Vec<Value>> {
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
fn manifest_bad_checksums(dir: &Path) -> BTreeMap<String, u64> {
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
fn pcap_file(linktype: u32, frames: &[Vec<u8>]) -> Vec<u8> {
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
fn ones_sum(chunks: &[&[u8]]) -> u16 {
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
fn ipv4_packet(mut segment: Vec<u8>) -> Vec<u8> {
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

const LINUX_SYN: &str =
    "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307";

/// A deterministic pseudo-random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// A random TCP segment that lossless parsing accepts: any fixed header with a data offset of
/// 5..=15, an option area of well-formed, malformed and random options, and a payload.
fn random_segment(rng: &mut Rng) -> Vec<u8> {
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

#[test]
fn every_subcommand_has_help_and_usage_errors_exit_2() {
    for sub in ["pcap", "decode", "encode", "roundtrip", "stats"] {
        let run = tcpwire(&[sub, "--help"], None);
        assert_eq!(run.code, 0, "{sub} --help: {}", run.stderr);
        assert!(
            run.stdout.contains(&format!("Usage: tcpwire {sub}")),
            "{sub} --help: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("Exit code"),
            "{sub} --help explains exit codes"
        );
    }
    let top = tcpwire(&["--help"], None);
    assert_eq!(top.code, 0);
    for sub in ["pcap", "decode", "encode", "roundtrip", "stats"] {
        assert!(top.stdout.contains(sub), "top-level help lists {sub}");
    }
    for args in [
        &["pcap"][..],
        &["roundtrip"],
        &["stats"],
        &["frobnicate"],
        &[],
    ] {
        let run = tcpwire(args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("Usage"), "{args:?}: {}", run.stderr);
    }
    let twice = tcpwire(&["pcap", "-", "-"], Some(Vec::new()));
    assert_eq!(twice.code, 2);
    assert!(twice
        .stderr
        .contains("standard input (-) can be read only once"));
}

// ---------------------------------------------------------------------------------------------
// pcap

#[test]
fn pcap_prints_one_line_per_library_tcp_segment_with_the_library_header() {
    let Some(files) = corpus_files() else { return };
    let args: Vec<&str> = std::iter::once("pcap")
        .chain(files.iter().map(|p| path_str(p)))
        .collect();
    let run = tcpwire(&args, None);
    let by_file = pcap_lines_by_file(&run);
    let (mut total_segments, mut total_errors) = (0, 0);
    for path in &files {
        let name = file_name(path);
        let (segments, read_error) = library_segments(path);
        let lines = by_file.get(&name).cloned().unwrap_or_default();
        assert_eq!(
            lines.len(),
            segments.len() + usize::from(read_error.is_some()),
            "{name}: one line per TCP segment"
        );
        for (line, lib) in lines.iter().zip(&segments) {
            assert_eq!(line["frame"], lib.frame, "{name}");
            match &lib.header {
                Ok(header) => {
                    total_segments += 1;
                    assert_eq!(
                        line["header"],
                        serde_json::to_value(header).unwrap(),
                        "{name} frame {}",
                        lib.frame
                    );
                    assert_eq!(line["src"], lib.src.to_string());
                    assert_eq!(line["dst"], lib.dst.to_string());
                    assert_eq!(line["ip_version"], if lib.src.is_ipv4() { 4 } else { 6 });
                    assert_eq!(line["truncated"], lib.truncated);
                    let payload_len = if lib.truncated {
                        lib.declared_len - header.header_len()
                    } else {
                        lib.bytes.len() - header.header_len()
                    };
                    assert_eq!(
                        line["payload_len"], payload_len,
                        "{name} frame {}",
                        lib.frame
                    );
                    if lib.truncated {
                        assert_eq!(line["checksum"], "not_checkable");
                    } else {
                        let verdict = line["checksum"].as_str().unwrap();
                        assert!(
                            ["ok", "offload", "zero", "bad"].contains(&verdict),
                            "{verdict}"
                        );
                    }
                    let ts = line["timestamp"].as_str().unwrap();
                    let (secs, nanos) = ts.split_once('.').unwrap();
                    assert!(secs.parse::<u64>().is_ok() && nanos.len() == 9, "{ts}");
                }
                Err(message) => {
                    total_errors += 1;
                    let error = line["error"].as_str().expect("an error line");
                    assert!(error.contains(message.as_str()), "{error} / {message}");
                    assert!(line.get("header").is_none());
                }
            }
        }
    }
    eprintln!("pcap lines: {total_segments} segments, {total_errors} error lines");
    assert!(total_segments > 3000);
    // Error lines make the exit code 1 (pcpp__tcp-malformed.pcap has unusable headers).
    assert_eq!(
        run.code,
        if total_errors > 0 { 1 } else { 0 },
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains('\r'),
        "no progress line when stderr is not a terminal"
    );
}

#[test]
fn pcap_known_frames() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    // zeek__options.pcap frame 1 is a Linux SYN (values as Wireshark shows them).
    let run = tcpwire(&["pcap", path_str(&dir.join("zeek__options.pcap"))], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = run.lines();
    assert_eq!(lines.len(), 4);
    let syn = &lines[0];
    assert!(syn.get("file").is_none(), "no file key with a single file");
    assert_eq!(syn["frame"], 1);
    assert_eq!(syn["timestamp"], "1258589770.049012000");
    assert_eq!(syn["src"], "192.168.1.102");
    assert_eq!(syn["dst"], "193.1.193.64");
    assert_eq!(syn["header"]["flags"]["syn"], true);
    assert_eq!(
        syn["header"]["options"][0],
        serde_json::json!({"kind": 2, "type": "mss", "mss": 1460})
    );
    assert_eq!(syn["header"]["options"][4]["shift"], 6);
    assert_eq!(syn["header"]["options"][2]["tsval"], 4294923497u64);
    assert_eq!(syn["checksum"], "ok");
    assert_eq!(syn["payload_len"], 0);
    assert!(syn.get("malformed").is_none());
    assert_eq!(lines[3]["payload_len"], 104);
    assert!(
        run.stderr.contains("4 TCP segments, 0 error lines"),
        "{}",
        run.stderr
    );

    // A frame cut short by the snap length: header kept, length from IP (tshark: tcp.len 84).
    let run = tcpwire(
        &["pcap", path_str(&dir.join("zeek__truncated-header.pcap"))],
        None,
    );
    let frame4 = run.lines().into_iter().find(|l| l["frame"] == 4).unwrap();
    assert_eq!(frame4["truncated"], true);
    assert_eq!(frame4["payload_len"], 84);
    assert_eq!(frame4["checksum"], "not_checkable");
    assert_eq!(frame4["header"]["src_port"], 25);
}

#[test]
fn pcap_checksums_agree_with_wireshark() {
    let Some(files) = corpus_files() else { return };
    let dir = files[0].parent().unwrap().to_path_buf();
    let manifest = manifest_bad_checksums(&dir);
    let args: Vec<&str> = std::iter::once("pcap")
        .chain(files.iter().map(|p| path_str(p)))
        .collect();
    let by_file = pcap_lines_by_file(&tcpwire(&args, None));
    let mut compared = 0;
    for (name, lines) in &by_file {
        if lines.iter().any(|l| l.get("error").is_some()) {
            continue; // Wireshark counts segments this crate refuses.
        }
        // Wireshark calls every checksum that is not right bad: offload and zero included.
        let bad = lines
            .iter()
            .filter(|l| !["ok", "not_checkable"].contains(&l["checksum"].as_str().unwrap()))
            .count() as u64;
        assert_eq!(Some(&bad), manifest.get(name), "{name}: bad checksums");
        compared += 1;
    }
    assert!(compared > 35, "compared {compared} files");
    // The good/bad pairs, IPv6 with a Home Address option and with a type 0 routing header too.
    for pair in ["ip4-tcp", "ip6-tcp", "ip6-hoa-tcp", "ip6-route0-tcp"] {
        for (quality, verdict) in [("good", "ok"), ("bad", "bad")] {
            let lines = &by_file[&format!("zeek__{pair}-{quality}-chksum.pcap")];
            assert_eq!(lines.len(), 1);
            assert_eq!(lines[0]["checksum"], verdict, "{pair} {quality}");
        }
    }
}

#[test]
fn pcap_reads_standard_input_and_gzip() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    for name in [
        "tcpdump__mptcp-v1.pcap",
        "dpimptcp__mp_capable.pcapng",
        "wireshark__tcp-exp-option-tarr.pcap.gz",
    ] {
        let path = dir.join(name);
        let from_file = tcpwire(&["pcap", path_str(&path)], None);
        let from_stdin = tcpwire(&["pcap", "-"], Some(std::fs::read(&path).unwrap()));
        assert_eq!(from_stdin.code, 0, "{name}: {}", from_stdin.stderr);
        assert_eq!(from_stdin.stdout, from_file.stdout, "{name}");
        let (segments, _) = library_segments(&path);
        assert_eq!(from_stdin.lines().len(), segments.len(), "{name}");
        assert!(
            from_stdin.stderr.contains("<stdin>"),
            "{}",
            from_stdin.stderr
        );
    }
}

#[test]
fn pcap_several_files_name_each_line() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let a = dir.join("zeek__options.pcap");
    let b = dir.join("zeek__option-sack.pcap");
    let run = tcpwire(&["pcap", path_str(&a), path_str(&b)], None);
    assert_eq!(run.code, 0);
    let files: Vec<String> = run
        .lines()
        .iter()
        .map(|l| l["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(files.len(), 8);
    assert!(files[..4].iter().all(|f| f == path_str(&a)));
    assert!(files[4..].iter().all(|f| f == path_str(&b)));
}

#[test]
fn not_a_capture_exits_2_with_a_message() {
    let dir = temp_dir("notcap");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "this is not a capture\n").unwrap();
    let empty = dir.join("empty.pcap");
    std::fs::write(&empty, "").unwrap();
    let missing = dir.join("missing.pcap");
    for sub in ["pcap", "roundtrip", "stats"] {
        let run = tcpwire(&[sub, path_str(&text)], None);
        assert_eq!(run.code, 2, "{sub}");
        assert!(
            run.stderr
                .contains("notes.txt: not a pcap or pcapng capture"),
            "{sub}: {}",
            run.stderr
        );
        let run = tcpwire(&[sub, path_str(&empty)], None);
        assert_eq!(run.code, 2, "{sub}");
        assert!(run.stderr.contains("empty input"), "{sub}: {}", run.stderr);
        let run = tcpwire(&[sub, path_str(&missing)], None);
        assert_eq!(run.code, 2, "{sub}");
        assert!(
            run.stderr.contains("missing.pcap: cannot open"),
            "{sub}: {}",
            run.stderr
        );
    }
    let run = tcpwire(&["pcap", "-"], Some(b"GET / HTTP/1.1\r\n".to_vec()));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("<stdin>: not a pcap or pcapng capture"),
        "{}",
        run.stderr
    );
    // The other files are still read.
    let good = dir.join("good.pcap");
    std::fs::write(
        &good,
        pcap_file(101, &[ipv4_packet(tcpwire::from_hex(LINUX_SYN).unwrap())]),
    )
    .unwrap();
    let run = tcpwire(&["pcap", path_str(&text), path_str(&good)], None);
    assert_eq!(run.code, 2);
    assert_eq!(run.lines().len(), 1);
    assert_eq!(run.lines()[0]["header"]["options"][0]["mss"], 1460);
}

#[test]
fn a_truncated_capture_keeps_earlier_frames_and_reports_the_cut() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let source = dir.join("tcpdump__mptcp-v0.pcap");
    let full = tcpwire(&["pcap", path_str(&source)], None);
    let full_lines: Vec<&str> = full.stdout.lines().collect();
    let bytes = std::fs::read(&source).unwrap();
    let tmp = temp_dir("truncated");
    let cut = tmp.join("cut.pcap");
    // Cut in the middle of a record, past the middle of the file.
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let (segments, read_error) = library_segments(&cut);
    let frames_read = read_error.expect("the library sees the cut");
    assert!(frames_read > 100, "{frames_read}");

    let run = tcpwire(&["pcap", path_str(&cut)], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), segments.len() + 1);
    assert_eq!(
        lines[..segments.len()],
        full_lines[..segments.len()],
        "earlier frames as in the whole file"
    );
    let error: Value = serde_json::from_str(lines[segments.len()]).unwrap();
    assert_eq!(error["frame"], frames_read + 1);
    assert_eq!(
        error["error"],
        format!(
            "capture truncated at byte {}, in the record after frame {frames_read}",
            bytes.len() * 2 / 3
        )
    );
    assert!(
        run.stderr
            .contains(&format!("frame {}: capture truncated", frames_read + 1)),
        "{}",
        run.stderr
    );

    let run = tcpwire(&["roundtrip", path_str(&cut)], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(&format!(
            "segments: {}, exact: {}, mismatched: 0",
            segments.len(),
            segments.len()
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("reading stopped early: capture truncated"),
        "{}",
        run.stdout
    );

    let run = tcpwire(&["stats", "--json", path_str(&cut)], None);
    assert_eq!(run.code, 1);
    assert_eq!(run.lines()[0]["segments"], segments.len());
}

#[test]
fn strict_reports_every_malformed_option_that_lossless_keeps() {
    let Some(files) = corpus_files() else { return };
    let args: Vec<&str> = ["pcap", "--strict"]
        .into_iter()
        .chain(files.iter().map(|p| path_str(p)))
        .collect();
    let strict = pcap_lines_by_file(&tcpwire(&args, None));
    let lossless_args: Vec<&str> = args.iter().copied().filter(|a| *a != "--strict").collect();
    let lossless_run = tcpwire(&lossless_args, None);
    let lossless = pcap_lines_by_file(&lossless_run);
    let mut malformed_segments = 0;
    for path in &files {
        let name = file_name(path);
        let (segments, _) = library_segments(path);
        for (i, lib) in segments.iter().enumerate() {
            let Ok(header) = &lib.header else { continue };
            let strict_line = &strict[&name][i];
            let lossless_line = &lossless[&name][i];
            assert_eq!(strict_line["frame"], lib.frame);
            let mut offset = 20;
            let mut malformed = Vec::new();
            for option in &header.options {
                if let TcpOption::Malformed(Malformed { kind, reason, .. }) = option {
                    malformed.push(serde_json::json!({
                        "kind": kind, "offset": offset, "problem": reason.name(), "reason": reason.to_string()
                    }));
                }
                offset += option.encoded_len();
            }
            if malformed.is_empty() {
                assert!(strict_line.get("error").is_none(), "{name} {strict_line}");
                assert_eq!(strict_line["header"], lossless_line["header"]);
                assert!(lossless_line.get("malformed").is_none());
            } else {
                malformed_segments += 1;
                let first = &malformed[0];
                let error = strict_line["error"].as_str().expect("strict error line");
                assert!(
                    error.contains(&format!("option kind {} ", first["kind"]))
                        && error.contains(&format!("at header offset {}", first["offset"])),
                    "{name} frame {}: {error}",
                    lib.frame
                );
                assert_eq!(
                    lossless_line["malformed"],
                    Value::Array(malformed),
                    "{name}"
                );
            }
        }
    }
    eprintln!("segments with malformed options in the public corpus: {malformed_segments}");
    assert!(
        malformed_segments >= 2,
        "zeek__tcp_cmd_in_options and the TCP-AO one"
    );
    // The two files the brief names: report what the library finds in them today (the DSS of
    // length 3 becomes malformed once the MPTCP subtypes are decoded).
    for name in [
        "suricata__tcp-opt-invalid-warning.pcap",
        "tcpdump__mptcp-dss-oobr.pcap",
    ] {
        let kept = lossless[name]
            .iter()
            .filter(|l| l.get("malformed").is_some())
            .count();
        eprintln!("{name}: {kept} segments with malformed options");
    }
}

#[test]
fn strict_and_lossless_on_a_generated_capture() {
    // Segment 1: a Linux SYN. Segment 2: its timestamps option claims 9 bytes.
    let good = tcpwire::from_hex(LINUX_SYN).unwrap();
    let mut bad = good.clone();
    bad[27] = 9;
    let tmp = temp_dir("strict");
    let path = tmp.join("gen.pcap");
    std::fs::write(
        &path,
        pcap_file(101, &[ipv4_packet(good), ipv4_packet(bad)]),
    )
    .unwrap();

    let run = tcpwire(&["pcap", path_str(&path)], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = run.lines();
    assert_eq!(lines[0]["checksum"], "ok");
    assert_eq!(lines[0]["timestamp"], "1700000000.250000000");
    assert_eq!(lines[0]["src"], "192.0.2.1");
    assert_eq!(lines[1]["checksum"], "ok");
    assert_eq!(
        lines[1]["malformed"],
        serde_json::json!([{
            "kind": 8, "offset": 26, "problem": "bad_length",
            "reason": "length 9 is not allowed here (allowed: 10)"
        }])
    );
    assert_eq!(lines[1]["header"]["options"][2]["type"], "malformed");

    let run = tcpwire(&["pcap", "--strict", path_str(&path)], None);
    assert_eq!(run.code, 1);
    let lines = run.lines();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].get("header").is_some());
    assert_eq!(lines[1]["frame"], 2);
    assert_eq!(
        lines[1]["error"],
        "malformed option (strict parsing): option kind 8 (timestamps) at header offset 26: length 9 is not allowed here (allowed: 10)"
    );
    assert!(
        run.stderr.contains("frame 2: malformed option"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// roundtrip

#[test]
fn roundtrip_the_whole_public_corpus_is_exact() {
    let Some(files) = corpus_files() else { return };
    let args: Vec<&str> = std::iter::once("roundtrip")
        .chain(files.iter().map(|p| path_str(p)))
        .collect();
    let run = tcpwire(&args, None);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let mut expected_total = 0;
    for path in &files {
        let (segments, read_error) = library_segments(path);
        assert!(read_error.is_none());
        let checked = segments.iter().filter(|s| s.header.is_ok()).count();
        expected_total += checked;
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{}: ", path_str(path))))
            .unwrap_or_else(|| panic!("no line for {}", path.display()));
        assert!(
            line.contains(&format!(
                "segments: {checked}, exact: {checked}, mismatched: 0, skipped: "
            )),
            "{line}"
        );
        // The library function gives the same counts.
        let report = tcpwire::harness::roundtrip_capture(path).unwrap();
        assert_eq!(report.segments as usize, checked);
        assert!(line.contains(&report.summary()), "{line}");
    }
    let total = run.stdout.lines().last().unwrap();
    assert!(
        total.starts_with(&format!(
            "total ({} files): segments: {expected_total}, exact: {expected_total}, mismatched: 0, skipped: ",
            files.len()
        )),
        "{total}"
    );
    eprintln!("{total}");
}

#[test]
fn roundtrip_a_generated_capture_and_the_harness_on_random_bytes() {
    let mut rng = Rng(0x7c9e_2d41_aa03_5f17);
    let segments: Vec<Vec<u8>> = (0..300).map(|_| random_segment(&mut rng)).collect();
    for s in &segments {
        assert_eq!(
            tcpwire::harness::check_roundtrip(s),
            Ok(()),
            "{}",
            tcpwire::to_hex(s)
        );
    }
    let tmp = temp_dir("roundtrip");
    let path = tmp.join("random.pcap");
    let frames: Vec<Vec<u8>> = segments.iter().cloned().map(ipv4_packet).collect();
    std::fs::write(&path, pcap_file(101, &frames)).unwrap();
    let run = tcpwire(&["roundtrip", path_str(&path)], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout.trim_end(),
        format!(
            "{}: segments: 300, exact: 300, mismatched: 0, skipped: 0",
            path_str(&path)
        )
    );
}

// ---------------------------------------------------------------------------------------------
// decode and encode

#[test]
fn decode_gives_the_library_value() {
    let run = tcpwire(&["decode", LINUX_SYN], None);
    assert_eq!(run.code, 0);
    let lines = run.lines();
    assert_eq!(lines.len(), 1);
    let segment = TcpSegment::parse(&tcpwire::from_hex(LINUX_SYN).unwrap()).unwrap();
    assert_eq!(lines[0], serde_json::to_value(&segment).unwrap());
    assert_eq!(lines[0]["header"]["options"][0]["mss"], 1460);
    // Separators and a 0x prefix are ignored; several arguments give several lines.
    let spaced = format!(
        "0x{}",
        LINUX_SYN
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let run = tcpwire(&["decode", &spaced, LINUX_SYN], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.lines(), [lines[0].clone(), lines[0].clone()]);
}

#[test]
fn decode_errors_and_strict() {
    let run = tcpwire(&["decode", "0050"], None);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("truncated TCP header: 2 bytes given"),
        "{}",
        run.stderr
    );
    let run = tcpwire(&["decode", "00zz"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not hex"), "{}", run.stderr);
    // A malformed option: kept in lossless mode, an error in strict mode.
    let mut bad = tcpwire::from_hex(LINUX_SYN).unwrap();
    bad[27] = 9;
    let hex = tcpwire::to_hex(&bad);
    let run = tcpwire(&["decode", &hex], None);
    assert_eq!(run.code, 0);
    assert_eq!(run.lines()[0]["header"]["options"][2]["type"], "malformed");
    let run = tcpwire(&["decode", "--strict", &hex], None);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("option kind 8 (timestamps) at header offset 26"),
        "{}",
        run.stderr
    );
}

/// Runs `decode` on hex lines through stdin, then `encode` on its output.
fn decode_encode(hex_lines: &[String]) -> Vec<String> {
    let input = hex_lines.join("\n") + "\n";
    let decoded = tcpwire(&["decode"], Some(input.into_bytes()));
    assert_eq!(decoded.code, 0, "{}", decoded.stderr);
    assert_eq!(decoded.stdout.lines().count(), hex_lines.len());
    let encoded = tcpwire(&["encode"], Some(decoded.stdout.into_bytes()));
    assert_eq!(encoded.code, 0, "{}", encoded.stderr);
    encoded.stdout.lines().map(str::to_string).collect()
}

#[test]
fn decode_then_encode_is_the_identity_on_random_segments() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let inputs: Vec<String> = (0..2000)
        .map(|_| tcpwire::to_hex(&random_segment(&mut rng)))
        .collect();
    let malformed = inputs
        .iter()
        .filter(|h| {
            TcpHeader::parse_lossless(&tcpwire::from_hex(h).unwrap())
                .unwrap()
                .has_malformed()
        })
        .count();
    eprintln!(
        "random segments: {}, with malformed options: {malformed}",
        inputs.len()
    );
    assert!(
        malformed > 200 && malformed < 1800,
        "a mix of well-formed and malformed: {malformed}"
    );
    assert_eq!(decode_encode(&inputs), inputs);
}

#[test]
fn decode_then_encode_is_the_identity_on_generated_values() {
    // The crate's quickcheck generators reach every option variant and malformed shape.
    let mut g = quickcheck::Gen::new(40);
    let inputs: Vec<String> = (0..1000)
        .map(|_| {
            let segment = <TcpSegment as quickcheck::Arbitrary>::arbitrary(&mut g);
            tcpwire::to_hex(&segment.to_bytes().expect("generated values encode"))
        })
        .collect();
    assert_eq!(decode_encode(&inputs), inputs);
}

#[test]
fn decode_then_encode_is_the_identity_on_the_public_corpus() {
    let Some(files) = corpus_files() else { return };
    let mut inputs = Vec::new();
    for path in &files {
        let (segments, _) = library_segments(path);
        inputs.extend(
            segments
                .iter()
                .filter(|s| !s.truncated && s.header.is_ok())
                .map(|s| tcpwire::to_hex(&s.bytes)),
        );
    }
    assert!(inputs.len() > 3000);
    assert_eq!(decode_encode(&inputs), inputs);
}

#[test]
fn encode_reads_pcap_lines_and_reports_bad_input() {
    // A `pcap` line has no payload: encode gives back the header bytes.
    let good = tcpwire::from_hex(LINUX_SYN).unwrap();
    let mut with_payload = good.clone();
    with_payload.extend_from_slice(b"data");
    let tmp = temp_dir("encode");
    let path = tmp.join("gen.pcap");
    std::fs::write(&path, pcap_file(101, &[ipv4_packet(with_payload)])).unwrap();
    let pcap = tcpwire(&["pcap", path_str(&path)], None);
    let encoded = tcpwire(&["encode"], Some(pcap.stdout.into_bytes()));
    assert_eq!(encoded.code, 0, "{}", encoded.stderr);
    let header = tcpwire::from_hex(encoded.stdout.trim()).unwrap();
    assert_eq!(header[..16], good[..16]);
    assert_eq!(
        header[18..],
        good[18..],
        "all but the checksum, which the capture filled in"
    );

    let run = tcpwire(&["encode"], Some(b"{not json\n".to_vec()));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("line 1: not JSON"), "{}", run.stderr);
    let run = tcpwire(
        &["encode"],
        Some(b"\n{\"frame\":3,\"error\":\"x\"}\n".to_vec()),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("line 2: an error line, not a segment"),
        "{}",
        run.stderr
    );
    // Valid JSON whose options do not fill the data offset: no exact encoding.
    let mut value: Value = serde_json::to_value(TcpSegment::parse(&good).unwrap()).unwrap();
    value["header"]["data_offset"] = 11.into();
    let mut input = serde_json::to_vec(&value).unwrap();
    input.push(b'\n');
    let run = tcpwire(&["encode"], Some(input));
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("data offset 11 declares an option area of 24 bytes"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// stats

#[test]
fn stats_counts_match_the_library() {
    let Some(files) = corpus_files() else { return };
    let mut options: BTreeMap<(u64, String, u64), u64> = BTreeMap::new();
    let mut mptcp: BTreeMap<(u64, String, u64), u64> = BTreeMap::new();
    let mut malformed: BTreeMap<(u64, String), u64> = BTreeMap::new();
    let mut flags: BTreeMap<String, u64> = BTreeMap::new();
    let mut segments = 0u64;
    for path in &files {
        for s in library_segments(path).0 {
            let Ok(header) = s.header else { continue };
            segments += 1;
            *flags.entry(header.flags.to_string()).or_default() += 1;
            let mut offset = 20;
            for option in &header.options {
                let len = option.encoded_len();
                match option {
                    TcpOption::Malformed(Malformed { kind, reason, .. }) => {
                        *malformed
                            .entry((u64::from(*kind), reason.name().into()))
                            .or_default() += 1;
                    }
                    _ => {
                        if let TcpOption::Mptcp(_) = option {
                            let subtype = MptcpSubtype::from_value(s.bytes[offset + 2] >> 4);
                            *mptcp
                                .entry((
                                    u64::from(subtype.value()),
                                    subtype.name().into(),
                                    len as u64,
                                ))
                                .or_default() += 1;
                        }
                        let name = match option {
                            TcpOption::Unknown(Unknown { kind, .. }) => {
                                TcpOptionKind::from_value(*kind).name()
                            }
                            other => other.name(),
                        };
                        *options
                            .entry((u64::from(option.kind()), name.into(), len as u64))
                            .or_default() += 1;
                    }
                }
                offset += len;
            }
        }
    }
    let mut args: Vec<&str> = vec!["stats", "--json"];
    args.extend(files.iter().map(|p| path_str(p)));
    let run = tcpwire(&args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stats = &run.lines()[0];
    assert_eq!(stats["files"], files.len());
    assert_eq!(stats["segments"], segments);
    let rows = |key: &str| stats[key].as_array().unwrap().clone();
    let got_options: BTreeMap<(u64, String, u64), u64> = rows("options")
        .iter()
        .map(|r| {
            (
                (
                    r["kind"].as_u64().unwrap(),
                    r["name"].as_str().unwrap().into(),
                    r["length"].as_u64().unwrap(),
                ),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got_options, options);
    let got_mptcp: BTreeMap<(u64, String, u64), u64> = rows("mptcp_subtypes")
        .iter()
        .map(|r| {
            (
                (
                    r["subtype"].as_u64().unwrap(),
                    r["name"].as_str().unwrap().into(),
                    r["length"].as_u64().unwrap(),
                ),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got_mptcp, mptcp);
    assert!(got_mptcp.keys().any(|(_, name, _)| name == "dss"));
    let got_malformed: BTreeMap<(u64, String), u64> = rows("malformed")
        .iter()
        .map(|r| {
            (
                (
                    r["kind"].as_u64().unwrap(),
                    r["problem"].as_str().unwrap().into(),
                ),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got_malformed, malformed);
    let got_flags: BTreeMap<String, u64> = rows("flags")
        .iter()
        .map(|r| {
            (
                r["flags"].as_str().unwrap().into(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got_flags, flags);
    // Flags are listed by count, most frequent first.
    let counts: Vec<u64> = rows("flags")
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));

    // Checksums: the same as the `pcap` lines say.
    let mut pcap_args = vec!["pcap"];
    pcap_args.extend(files.iter().map(|p| path_str(p)));
    let lines = tcpwire(&pcap_args, None).lines();
    let count = |v: &str| {
        lines
            .iter()
            .filter(|l| l.get("checksum") == Some(&Value::from(v)))
            .count()
    };
    for verdict in ["ok", "offload", "zero", "bad", "not_checkable"] {
        assert_eq!(stats["checksums"][verdict], count(verdict), "{verdict}");
    }
    assert!(count("offload") > 0 && count("ok") > 0);
    // --strict-checksums counts offload as bad.
    let mut strict_args = args.clone();
    strict_args.push("--strict-checksums");
    let strict: Value = serde_json::from_str(&tcpwire(&strict_args, None).stdout).unwrap();
    assert_eq!(strict["checksums"]["offload"], 0);
    assert_eq!(strict["checksums"]["bad"], count("bad") + count("offload"));
    assert_eq!(strict["checksums"]["ok"], count("ok"));

    // The table form shows the same numbers.
    args.retain(|a| *a != "--json");
    let table = tcpwire(&args, None);
    assert_eq!(table.code, 0);
    let syn_ack = flags["SYN|ACK"];
    assert!(
        table.stdout.lines().any(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            cells == ["SYN|ACK", syn_ack.to_string().as_str()]
        }),
        "{}",
        table.stdout
    );
    let mss = options[&(2, "mss".to_string(), 4)];
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["2", "mss", "4", mss.to_string().as_str()]),
        "{}",
        table.stdout
    );
}

#[test]
fn encode_fit_fits_the_data_offset_to_edited_options() {
    let bare = "0050c35000000001000000025010ffff00000000";
    let decoded = tcpwire(&["decode", bare], None);
    assert_eq!(decoded.code, 0);
    let edited = decoded.stdout.replace(
        r#""options":[]"#,
        r#""options":[{"kind":2,"type":"mss","mss":1460},{"kind":4,"type":"sack_permitted"}]"#,
    );
    assert_ne!(edited, decoded.stdout);
    // Without --fit the data offset still says 5: a finding naming the fix.
    let plain = tcpwire(&["encode"], Some(edited.clone().into_bytes()));
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    assert!(plain.stderr.contains("fit_data_offset"), "{}", plain.stderr);
    // With --fit: data offset 7, MSS, SACK permitted, EOL and zero padding.
    let fitted = tcpwire(&["encode", "--fit"], Some(edited.into_bytes()));
    assert_eq!(fitted.code, 0, "{}", fitted.stderr);
    assert_eq!(
        fitted.stdout.trim(),
        "0050c35000000001000000027010ffff00000000020405b404020000"
    );
    let back =
        tcpwire::TcpSegment::parse(&tcpwire::from_hex(fitted.stdout.trim()).unwrap()).unwrap();
    assert_eq!(back.header.mss(), Some(1460));
    assert!(back.header.sack_permitted());
}
