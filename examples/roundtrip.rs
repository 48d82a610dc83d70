//! The round-trip harness as a test suite uses it: first on segments an application writes
//! itself, then on every TCP segment of captures.
//!
//! `cargo run --example roundtrip` checks the shipped captures (`corpus/`, `corpus/handmade/`);
//! `cargo run --example roundtrip -- FILE...` checks the captures given (pcap or pcapng,
//! gzipped or not). It exits non-zero when a segment does not come back byte for byte.

use std::path::PathBuf;
use std::process::ExitCode;

use tcpwire::harness::{self, Mismatch};

/// A SYN as some other TCP implementation under test would write it: the fixed header by hand,
/// then MSS and window-scale options (what a harness checks is that tcpwire reads exactly what
/// was written, and writes it back unchanged).
fn hand_written_syn(src_port: u16, mss: u16, shift: u8) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(28);
    bytes.extend_from_slice(&src_port.to_be_bytes());
    bytes.extend_from_slice(&443u16.to_be_bytes());
    bytes.extend_from_slice(&1u32.to_be_bytes()); // sequence number
    bytes.extend_from_slice(&0u32.to_be_bytes()); // acknowledgment number
    bytes.extend_from_slice(&[0x70, 0x02]); // data offset 7, SYN
    bytes.extend_from_slice(&[0xff, 0xff, 0, 0, 0, 0]); // window, checksum, urgent pointer
    bytes.extend_from_slice(&[2, 4]);
    bytes.extend_from_slice(&mss.to_be_bytes());
    bytes.extend_from_slice(&[1, 3, 3, shift]); // NOP, window scale
    bytes
}

fn corpus_captures() -> std::io::Result<Vec<PathBuf>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut paths = Vec::new();
    for dir in [root.clone(), root.join("handmade")] {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path
                .extension()
                .is_some_and(|e| e == "pcap" || e == "pcapng")
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    Ok(paths)
}

fn main() -> ExitCode {
    let mut clean = true;

    // 1. Bytes from elsewhere: every one must survive parse, write and JSON unchanged.
    for (port, mss, shift) in [(40000, 1460, 7), (40001, 536, 0), (40002, 9000, 14)] {
        let bytes = hand_written_syn(port, mss, shift);
        if let Err(mismatch) = harness::check_roundtrip(&bytes) {
            eprintln!("port {port}: {mismatch}");
            clean = false;
        }
    }
    // A header tcpwire cannot use at all is reported, not passed.
    let mut short = hand_written_syn(40003, 1460, 7);
    short[12] = 0x40; // data offset 4
    match harness::check_roundtrip(&short) {
        Err(Mismatch::Unparsable(e)) => println!("refused as expected: {e}"),
        other => {
            eprintln!("data offset 4 was not refused: {other:?}");
            clean = false;
        }
    }

    // 2. Whole captures.
    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        paths = match corpus_captures() {
            Ok(paths) => paths,
            Err(e) => {
                eprintln!("corpus/: {e}");
                return ExitCode::FAILURE;
            }
        };
    }
    for path in &paths {
        let shown = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        match harness::roundtrip_capture(path) {
            Ok(report) => {
                println!("{}: {}", shown.display(), report.summary());
                for mismatch in &report.mismatches {
                    eprintln!("  {mismatch:?}");
                }
                if let Some(e) = &report.read_error {
                    eprintln!("  reading stopped: {e}");
                }
                clean &= report.is_clean();
            }
            Err(e) => {
                eprintln!("{}: {e}", shown.display());
                clean = false;
            }
        }
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
