//! The binary in real pipelines: under `head`, with standard output or standard error closed,
//! a closed pipe or `/dev/full`, reading FIFOs and slow writers whose writes split headers and
//! lines. Every run is bounded in time, and its exit code is the one the README states (0 ok,
//! also when the reader of standard output went away; 1 findings; 2 bad input or output that
//! cannot be written). It never panics (exit code 101).
#![cfg(unix)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TIME_LIMIT: Duration = Duration::from_secs(60);
const GOOD: &str = "0050c35000000001000000025010ffff00000000";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tcpwire")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-pipe-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Waits for `child` at most [`TIME_LIMIT`]; kills it and fails beyond.
fn wait_bounded(mut child: Child, what: &str) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs a bash script with `$T` the binary: (exit code, stdout, stderr).
fn bash(script: &str) -> (i32, String, String) {
    let child = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("T", bin())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash");
    let mut child = child;
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let ereader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = wait_bounded(child, script);
    (
        status.code().unwrap_or(-1),
        reader.join().expect("stdout"),
        ereader.join().expect("stderr"),
    )
}

/// A bare ACK in Ethernet/IPv4 with a right checksum.
fn frame() -> Vec<u8> {
    let mut f = vec![0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00];
    f.extend([
        0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    let mut tcp = tcpwire::from_hex(GOOD).expect("hex");
    let (src, dst): (std::net::IpAddr, std::net::IpAddr) = (
        "10.0.0.1".parse().expect("address"),
        "10.0.0.2".parse().expect("address"),
    );
    let sum = tcpwire::checksum::compute(src, dst, &tcp).expect("checksum");
    tcp[16..18].copy_from_slice(&sum.to_be_bytes());
    f.extend(tcp);
    f
}

/// A classic pcap of `n` frames.
fn pcap(n: usize) -> Vec<u8> {
    let mut out = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
    out.extend([
        2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ]);
    let f = frame();
    for i in 0..n {
        out.extend((i as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend(&f);
    }
    out
}

fn big_capture(dir: &Path) -> PathBuf {
    let path = dir.join("big.pcap");
    std::fs::write(&path, pcap(20_000)).expect("write capture");
    path
}

#[test]
fn decode_with_standard_error_in_a_pipe_closed_by_head() {
    // The issue's example: exited 101 (a panic in eprintln!) once head had gone.
    let (code, out, _) = bash(
        r#"yes zz | head -n 20000 | "$T" decode 2>&1 | head -1; echo "status ${PIPESTATUS[2]}""#,
    );
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("tcpwire decode: line 1: not hex"),
        "{out}"
    );
    assert_eq!(
        lines[1], "status 2",
        "not hex is exit code 2, never a panic"
    );
}

#[test]
fn a_closed_standard_error_pipe_changes_nothing_but_the_messages() {
    // Standard error a pipe whose reader is gone before the first message.
    for (args, want) in [(vec!["decode"], 2), (vec!["encode"], 2)] {
        let mut child = Command::new(bin())
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        drop(child.stderr.take());
        let mut stdin = child.stdin.take().expect("stdin");
        let feeder = std::thread::spawn(move || {
            for _ in 0..5000 {
                let _ = stdin.write_all(b"zz\n");
            }
            let _ = stdin.write_all(format!("{GOOD}\n").as_bytes());
        });
        let mut out = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        });
        let status = wait_bounded(child, "closed stderr");
        feeder.join().expect("feeder");
        let out = reader.join().expect("stdout");
        assert_eq!(status.code(), Some(want), "{args:?}");
        if args == ["decode"] {
            assert_eq!(out.lines().count(), 1, "the good line after the bad ones");
        }
    }
    // Standard error closed outright, or /dev/full.
    for redirect in ["2>&-", "2>/dev/full"] {
        let (code, _, _) = bash(&format!(r#""$T" decode zz {redirect}"#));
        assert_eq!(code, 2, "{redirect}");
        let (code, _, _) = bash(&format!(r#""$T" pcap /nonexistent {redirect}"#));
        assert_eq!(code, 2, "{redirect}");
        let (code, out, _) = bash(&format!(r#""$T" decode {GOOD} zz {redirect}"#));
        assert_eq!(code, 2, "{redirect}");
        assert_eq!(out.lines().count(), 1);
    }
}

#[test]
fn every_capture_command_under_head_stops_quietly() {
    let dir = temp_dir("head");
    let capture = big_capture(&dir);
    let c = capture.display();
    let (code, out, err) = bash(&format!(
        r#""$T" pcap {c} | head -1; echo "status ${{PIPESTATUS[0]}}""#
    ));
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("{\"frame\":1,"), "{out}");
    assert_eq!(lines[1], "status 0", "{err}");
    for command in ["roundtrip", "stats", "stats --json"] {
        let (_, out, err) = bash(&format!(
            r#""$T" {command} {c} {c} | head -c 1; echo; echo "status ${{PIPESTATUS[0]}}""#
        ));
        assert!(out.ends_with("status 0\n"), "{command}: {out} {err}");
    }
    // decode and encode with much output under head.
    let (_, out, _) = bash(&format!(
        r#"yes {GOOD} | head -n 50000 | "$T" decode | head -1 > /dev/null; echo "status ${{PIPESTATUS[2]}}""#
    ));
    assert_eq!(out.trim(), "status 0");
    let (_, out, _) = bash(&format!(
        r#"yes {GOOD} | head -n 20000 | "$T" decode | "$T" encode | head -1; echo "status ${{PIPESTATUS[3]}}""#
    ));
    assert_eq!(out, format!("{GOOD}\nstatus 0\n"));
    // --help under head.
    let (_, out, _) = bash(
        r#""$T" --help | head -1 > /dev/null; "$T" pcap --help | head -c 5 > /dev/null; echo "${PIPESTATUS[0]}""#,
    );
    assert_eq!(out.trim(), "0");
}

#[test]
fn output_that_cannot_be_written_is_exit_code_2_with_a_message() {
    let dir = temp_dir("full");
    let capture = big_capture(&dir);
    let c = capture.display();
    for command in ["pcap", "stats", "roundtrip"] {
        let (code, _, err) = bash(&format!(r#""$T" {command} {c} > /dev/full"#));
        assert_eq!(code, 2, "{command}: {err}");
        assert!(
            err.contains("tcpwire: writing output: No space left on device"),
            "{err}"
        );
        assert!(err.lines().count() <= 3, "{err}");
    }
    let (code, _, err) = bash(&format!(
        r#"yes {GOOD} | head -n 10000 | "$T" decode > /dev/full"#
    ));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    // A closed standard output: the standard library discards what is written (EBADF), the
    // run ends as usual.
    let (code, _, err) = bash(&format!(r#""$T" pcap {c} >&-"#));
    assert_eq!(code, 0, "{err}");
    // Standard error full while standard output works: all of the output, exit code as usual.
    let (code, out, _) = bash(&format!(r#""$T" pcap {c} 2>/dev/full | wc -l"#));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "20000");
}

/// Writes `data` to `w` in pieces of the given sizes (then the rest), pausing between them.
fn trickle(w: &mut impl Write, data: &[u8], pieces: &[usize]) {
    let mut at = 0;
    for &n in pieces {
        let end = (at + n).min(data.len());
        let _ = w.write_all(&data[at..end]);
        let _ = w.flush();
        at = end;
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = w.write_all(&data[at..]);
}

#[test]
fn slow_writers_split_headers_and_lines() {
    // A capture on standard input whose file header and records arrive a few bytes at a time.
    let capture = pcap(3);
    for input in [capture.clone(), gzip_in_two_members(&capture, 3)] {
        let mut child = Command::new(bin())
            .args(["pcap", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        let mut stdin = child.stdin.take().expect("stdin");
        let feeder = std::thread::spawn(move || trickle(&mut stdin, &input, &[1, 1, 2, 3, 10, 7]));
        let out = child.wait_with_output().expect("wait");
        feeder.join().expect("feeder");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    }
    // Lines for decode split inside the line and inside a CRLF.
    let text = format!("{GOOD}\r\n{GOOD}\n");
    let mut child = Command::new(bin())
        .arg("decode")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || trickle(&mut stdin, text.as_bytes(), &[7, 33, 1, 5]));
    let out = child.wait_with_output().expect("wait");
    feeder.join().expect("feeder");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

fn gzip_in_two_members(data: &[u8], cut: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for part in [&data[..cut], &data[cut..]] {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(part).expect("gzip");
        out.extend(e.finish().expect("gzip"));
    }
    out
}

#[test]
fn captures_read_from_fifos() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("capture.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let capture = pcap(500);
    for command in ["pcap", "roundtrip", "stats"] {
        let child = Command::new(bin())
            .arg(command)
            .arg(&fifo)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        let path = fifo.clone();
        let data = capture.clone();
        let writer = std::thread::spawn(move || {
            let mut w = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .expect("open fifo");
            trickle(&mut w, &data, &[5, 30, 100, 1000]);
        });
        let out = child.wait_with_output().expect("wait");
        writer.join().expect("writer");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        match command {
            "pcap" => assert_eq!(stdout.lines().count(), 500),
            "roundtrip" => assert!(stdout.contains("segments: 500, exact: 500"), "{stdout}"),
            _ => assert!(stdout.contains("TCP segments: 500"), "{stdout}"),
        }
    }
}

#[test]
fn exit_codes_are_the_ones_the_readme_states() {
    let dir = temp_dir("codes");
    let good = dir.join("good.pcap");
    std::fs::write(&good, pcap(2)).expect("write");
    let noise = dir.join("noise.bin");
    std::fs::write(&noise, b"this is not a capture at all").expect("write");
    let mut cut = pcap(2);
    cut.truncate(cut.len() - 10);
    let truncated = dir.join("cut.pcap");
    std::fs::write(&truncated, cut).expect("write");
    let (g, n, t) = (good.display(), noise.display(), truncated.display());
    let cases = [
        (format!("\"$T\" pcap {g}"), 0),
        (format!("\"$T\" pcap {t}"), 1),
        (format!("\"$T\" pcap {n}"), 2),
        (format!("\"$T\" pcap {g} {n}"), 2),
        ("\"$T\" pcap /nonexistent".into(), 2),
        (format!("\"$T\" roundtrip {g}"), 0),
        (format!("\"$T\" roundtrip {t}"), 1),
        (format!("\"$T\" stats {t}"), 1),
        (format!("\"$T\" decode {GOOD}"), 0),
        ("\"$T\" decode 0050".into(), 1),
        ("\"$T\" decode zz".into(), 2),
        ("\"$T\" frobnicate".into(), 2),
        ("\"$T\" pcap".into(), 2),
        (format!("\"$T\" pcap {g} > /dev/full"), 2),
        (
            format!("\"$T\" pcap {g} | head -c 0; exit ${{PIPESTATUS[0]}}"),
            0,
        ),
    ];
    for (script, want) in cases {
        let (code, _, err) = bash(&script);
        assert_eq!(code, want, "{script}: {err}");
        assert!(!err.contains("panicked"), "{script}: {err}");
    }
}
