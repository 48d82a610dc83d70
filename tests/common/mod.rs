//! Shared test helpers: locating the public corpus and walking the TCP segments of captures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tcpwire::capture::{find_tcp, CaptureReader, Decapsulated, Frame, TcpInFrame};

/// `../shared/corpus-public` next to the project. It exists in CI but not in a user's clone:
/// without it the caller skips (saying so), and with `CI` set the test fails instead.
pub fn public_corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-public");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing, and CI is set: the public corpus must be present",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED: {} not found (it is present in CI only)",
        dir.display()
    );
    None
}

/// The capture files (pcap, pcapng, gzip) in a folder, sorted by name.
pub fn captures_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".pcap") || name.ends_with(".pcapng") || name.ends_with(".pcap.gz")
        })
        .collect();
    files.sort();
    files
}

/// Counts of what a walk over a capture saw besides TCP segments.
#[derive(Debug, Default, Clone, Copy)]
pub struct Skipped {
    pub fragments: usize,
    pub not_tcp: usize,
    pub malformed_below_tcp: usize,
    pub bad_records: usize,
}

/// Calls `f` for every TCP segment in the capture; returns what was skipped.
pub fn for_each_tcp(path: &Path, mut f: impl FnMut(&Frame, &TcpInFrame<'_>)) -> Skipped {
    let mut skipped = Skipped::default();
    let reader = CaptureReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for frame in reader {
        let frame = match frame {
            Ok(frame) => frame,
            Err(_) => {
                skipped.bad_records += 1;
                continue;
            }
        };
        match find_tcp(frame.linktype, &frame.data) {
            Decapsulated::Tcp(tcp) => f(&frame, &tcp),
            Decapsulated::Fragment => skipped.fragments += 1,
            Decapsulated::Malformed(_) => skipped.malformed_below_tcp += 1,
            _ => skipped.not_tcp += 1,
        }
    }
    skipped
}

/// tshark on the PATH, or a skip with a message (failing when `CI` is set: CI installs it).
pub fn tshark_available() -> bool {
    let ok = std::process::Command::new("tshark")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("tshark is missing and CI is set: .ci/run must `apt-get install -y tshark`");
        }
        eprintln!("SKIPPED: tshark is not installed (apt-get install -y tshark)");
    }
    ok
}

/// Whether `program args` runs and succeeds; otherwise a skip with a message (failing when
/// `CI` is set: `.ci/run` installs what the tests need, as `hint` says).
pub fn command_available(program: &str, args: &[&str], hint: &str) -> bool {
    let ok = std::process::Command::new(program)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("{program} {args:?} fails and CI is set: .ci/run must install it ({hint})");
        }
        eprintln!("SKIPPED: {program} {args:?} fails ({hint})");
    }
    ok
}

/// An IPv4 (20-byte header, no options) or IPv6 (fixed header) packet around a TCP segment,
/// with a right header checksum; the TCP checksum is the segment's own.
pub fn ip_packet(src: std::net::IpAddr, dst: std::net::IpAddr, segment: &[u8]) -> Vec<u8> {
    use std::net::IpAddr;
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let total = u16::try_from(20 + segment.len()).expect("IPv4 length");
            let mut h = vec![0x45, 0];
            h.extend(total.to_be_bytes());
            h.extend([0, 1, 0x40, 0, 64, 6, 0, 0]);
            h.extend(s.octets());
            h.extend(d.octets());
            let sum = !tcpwire::checksum::ones_complement_sum(&h);
            h[10..12].copy_from_slice(&sum.to_be_bytes());
            h.extend(segment);
            h
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let len = u16::try_from(segment.len()).expect("IPv6 length");
            let mut h = vec![0x60, 0, 0, 0];
            h.extend(len.to_be_bytes());
            h.extend([6, 64]);
            h.extend(s.octets());
            h.extend(d.octets());
            h.extend(segment);
            h
        }
        _ => panic!("mixed IP versions"),
    }
}
