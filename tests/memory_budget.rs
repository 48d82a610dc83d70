//! The memory budget: every subcommand, fed endless or huge generated input through a pipe,
//! stays under [`BUDGET_KB`] of peak resident memory (`VmHWM` of `/proc/PID/status`, read
//! while the process runs) and ends within a time bound. Each input is larger than the budget,
//! so anything that keeps what it reads would fail.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// 64 MB.
const BUDGET_KB: u64 = 64 * 1024;
const MIB: usize = 1 << 20;

struct Measured {
    code: Option<i32>,
    peak_kb: u64,
    stderr: Vec<u8>,
    stdout_bytes: u64,
}

/// The process's peak resident set so far, in kB.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `tcpwire ARGS` with `feed` writing its standard input; kills it (and fails) after
/// `limit`. Standard output is counted, standard error kept (its first 64 KB).
fn measure(
    args: &[&str],
    feed: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'static,
    limit: Duration,
) -> Measured {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tcpwire");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        // The child may stop reading early (not a capture): a broken pipe is fine.
        let _ = feed(&mut stdin);
    });
    let mut stdout = child.stdout.take().expect("stdout");
    let counter = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let mut stderr = child.stderr.take().expect("stderr");
    let collector = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            if kept.len() < 65536 {
                kept.extend_from_slice(&buf[..n]);
            }
        }
        kept
    });
    let start = Instant::now();
    let mut peak_kb = 0;
    let status = loop {
        if let Some(kb) = vm_hwm(pid) {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tcpwire {args:?} still running after {limit:?} (peak {peak_kb} kB)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    feeder.join().expect("feeder");
    let stdout_bytes = counter.join().expect("stdout").unwrap_or(0);
    Measured {
        code: status.code(),
        peak_kb,
        stderr: collector.join().expect("stderr"),
        stdout_bytes,
    }
}

fn check(what: &str, m: &Measured) {
    eprintln!(
        "{what}: peak {} kB, exit {:?}, {} bytes out",
        m.peak_kb, m.code, m.stdout_bytes
    );
    assert!(m.peak_kb > 0, "{what}: no measurement");
    assert!(
        m.peak_kb <= BUDGET_KB,
        "{what}: peak RSS {} kB over the {BUDGET_KB} kB budget",
        m.peak_kb
    );
    assert_ne!(m.code, Some(101), "{what}: panicked");
    assert!(m.code.is_some(), "{what}: killed by a signal");
}

/// Writes `total` bytes of `byte`, a MiB at a time.
fn repeat(byte: u8, total: usize) -> impl FnOnce(&mut dyn Write) -> std::io::Result<()> {
    move |w| {
        let chunk = vec![byte; MIB];
        for _ in 0..total / MIB {
            w.write_all(&chunk)?;
        }
        Ok(())
    }
}

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn line_readers_on_endless_input_without_newlines() {
    for command in ["decode", "encode"] {
        // 72 MiB of zero bytes, /dev/zero style: one line, never kept.
        let m = measure(&[command], repeat(0, 72 * MIB), LIMIT);
        check(&format!("{command} < 72 MiB of NUL"), &m);
        assert_eq!(m.code, Some(2));
        let stderr = String::from_utf8_lossy(&m.stderr);
        assert!(
            stderr.contains("line 1: 75497472 bytes, over the 1048576-byte line limit"),
            "{stderr}"
        );
        // Hex digits: the same, and the digits are never decoded.
        let m = measure(&[command], repeat(b'a', 24 * MIB), LIMIT);
        check(&format!("{command} < 24 MiB of 'a'"), &m);
    }
}

#[test]
fn line_readers_on_lines_at_and_over_the_limit() {
    // decode: hex lines just under the 1 MiB limit (512 KiB segments) decode; a 50 MB line is
    // refused by number and the next line still decodes.
    let feed = |w: &mut dyn Write| {
        let mut segment = b"0050c35000000001000000025010ffff00000000".to_vec();
        segment.resize((1 << 20) - 2, b'7');
        for _ in 0..10 {
            w.write_all(&segment)?;
            w.write_all(b"\n")?;
        }
        repeat(b'0', 50 * MIB)(w)?;
        w.write_all(b"\n0050c35000000001000000025010ffff00000000\n")
    };
    let m = measure(&["decode"], feed, LIMIT);
    check("decode of 10 lines of 1 MiB and one of 50 MiB", &m);
    assert_eq!(m.code, Some(2));
    assert!(m.stdout_bytes > 10 << 20, "{} bytes out", m.stdout_bytes);
    let stderr = String::from_utf8_lossy(&m.stderr);
    assert!(
        stderr.contains("line 11: 52428800 bytes, over the"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    // encode: a 50 MB JSON line (the issue's example), then JSON lines just under the limit:
    // one with a long payload, one with 100,000 options, one with a long unknown key.
    let feed = |w: &mut dyn Write| {
        let payload = "ab".repeat(500_000);
        let header = r#"{"src_port":80,"dst_port":50000,"seq":1,"ack_number":2,"data_offset":5,"reserved":0,"flags":{"ae":false,"cwr":false,"ece":false,"urg":false,"ack":true,"psh":false,"rst":false,"syn":false,"fin":false},"window":65535,"checksum":0,"urgent_pointer":0,"options":[],"padding":""}"#;
        w.write_all(br#"{"header":{"options":["#)?;
        for _ in 0..(50 * MIB / 11) {
            w.write_all(br#"{"kind":1},"#)?;
        }
        w.write_all(b"{\"kind\":1}]}}\n")?;
        writeln!(w, r#"{{"header":{header},"payload":"{payload}"}}"#)?;
        let options = vec![r#"{"kind":1,"type":"nop"}"#; 40_000].join(",");
        writeln!(w, r#"{{"header":{{"options":[{options}]}}}}"#)?;
        let junk = "x".repeat(1_000_000);
        writeln!(w, r#"{{"junk":"{junk}","header":{header}}}"#)
    };
    let m = measure(&["encode"], feed, LIMIT);
    check("encode of a 50 MB JSON line and lines near the limit", &m);
    let stderr = String::from_utf8_lossy(&m.stderr);
    assert!(stderr.contains("line 1: "), "{stderr}");
    assert!(stderr.contains("line limit"), "{stderr}");
    assert!(m.stdout_bytes > 1_000_000, "the long payload line encodes");
    for line in stderr.lines() {
        assert!(line.len() < 400, "a long message: {line}");
    }
}

/// A little-endian pcapng block.
fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let padded = body.len().div_ceil(4) * 4;
    let total = (12 + padded) as u32;
    let mut out = Vec::new();
    out.extend(kind.to_le_bytes());
    out.extend(total.to_le_bytes());
    out.extend(body);
    out.resize(8 + padded, 0);
    out.extend(total.to_le_bytes());
    out
}

fn shb() -> Vec<u8> {
    let mut body = 0x1A2B_3C4Du32.to_le_bytes().to_vec();
    body.extend([1, 0, 0, 0]);
    body.extend((-1i64).to_le_bytes());
    block(0x0A0D_0D0A, &body)
}

fn idb() -> Vec<u8> {
    block(1, &[1, 0, 0, 0, 0, 0, 0, 0])
}

/// A bare TCP ACK in Ethernet/IPv4 with `extra` payload bytes (IP length 0 beyond 64 KiB).
fn frame(extra: usize) -> Vec<u8> {
    let mut f = vec![0u8; 12];
    f.extend([
        0x08, 0x00, 0x45, 0, 0, 0, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    f.extend([
        4, 0xd2, 0, 80, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x10, 2, 0, 0, 0, 0, 0,
    ]);
    if let Ok(len) = u16::try_from(40 + extra) {
        f[16..18].copy_from_slice(&len.to_be_bytes());
    }
    f.resize(54 + extra, 0x61);
    f
}

fn epb(data: &[u8]) -> Vec<u8> {
    let mut body = vec![0u8; 12];
    body.extend((data.len() as u32).to_le_bytes());
    body.extend((data.len() as u32).to_le_bytes());
    body.extend(data);
    block(6, &body)
}

/// A gzip stream of `members` members, each 1 MiB of interface description blocks after a
/// section header: 20 bytes per interface, ~2.5 KB compressed per member.
fn idb_gzip_bomb(members: usize) -> Vec<u8> {
    let mut plain = Vec::with_capacity(MIB);
    let one = idb();
    while plain.len() + one.len() <= MIB {
        plain.extend(&one);
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&plain).unwrap();
    let member = e.finish().unwrap();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&shb()).unwrap();
    let mut out = e.finish().unwrap();
    for _ in 0..members {
        out.extend(&member);
    }
    out.extend(gzip(&epb(&frame(0))));
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

const CAPTURE_COMMANDS: [&str; 3] = ["pcap", "roundtrip", "stats"];

#[test]
fn capture_commands_on_a_gzip_bomb_of_interfaces() {
    // 72 MiB of interface description blocks (3.7 million interfaces) from 190 KB of gzip.
    // (24 MiB for the other commands: the reader is the same, the test is their own use.)
    for (command, mib) in [("pcap", 72), ("roundtrip", 24), ("stats", 24)] {
        let input = idb_gzip_bomb(mib);
        assert!(input.len() < mib * 4000, "{}", input.len());
        let m = measure(&[command, "-"], move |w| w.write_all(&input), LIMIT);
        check(&format!("{command} on {mib} MiB of gzipped IDBs"), &m);
        assert_eq!(m.code, Some(1), "the interface cap is a finding");
        let stderr = String::from_utf8_lossy(&m.stderr);
        assert!(stderr.contains("more than 65536 interfaces"), "{stderr}");
    }
}

#[test]
fn capture_commands_on_huge_records_and_blocks() {
    // pcapng: 8 MiB packets (at the limit), a 20 MiB packet (over it), a 72 MiB block that
    // carries no packet (8 MiB for the other commands), then a small packet.
    let feed = |secrets_mib: usize| {
        move |w: &mut dyn Write| {
            w.write_all(&shb())?;
            w.write_all(&idb())?;
            let at_limit = epb(&frame(tcpwire::capture::MAX_RECORD - 54));
            for _ in 0..3 {
                w.write_all(&at_limit)?;
            }
            w.write_all(&epb(&frame(20 * MIB)))?;
            let secrets_len = (secrets_mib * MIB) as u32;
            w.write_all(&0x0Au32.to_le_bytes())?;
            w.write_all(&(secrets_len + 12).to_le_bytes())?;
            repeat(0x5a, secrets_mib * MIB)(w)?;
            w.write_all(&(secrets_len + 12).to_le_bytes())?;
            w.write_all(&epb(&frame(0)))
        }
    };
    for (command, mib) in [("pcap", 72), ("roundtrip", 8), ("stats", 8)] {
        let m = measure(&[command, "-"], feed(mib), LIMIT);
        check(&format!("{command} on 8-{mib} MiB pcapng blocks"), &m);
        assert_eq!(m.code, Some(1), "the 20 MiB packet is a finding");
    }
    // pcap: records at the limit, 9 of them (72 MiB).
    let feed = |w: &mut dyn Write| {
        let mut header = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
        header.extend([2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
        w.write_all(&header)?;
        let data = frame(tcpwire::capture::MAX_RECORD - 54);
        for _ in 0..9 {
            let mut record = vec![1, 0, 0, 0, 0, 0, 0, 0];
            record.extend((data.len() as u32).to_le_bytes());
            record.extend((data.len() as u32).to_le_bytes());
            w.write_all(&record)?;
            w.write_all(&data)?;
        }
        Ok(())
    };
    for command in CAPTURE_COMMANDS {
        let m = measure(&[command, "-"], feed, LIMIT);
        check(&format!("{command} on 9 pcap records of 8 MiB"), &m);
        assert_eq!(m.code, Some(0), "{}", String::from_utf8_lossy(&m.stderr));
    }
}

#[test]
fn capture_commands_on_endless_zeros_and_endless_frames() {
    for command in CAPTURE_COMMANDS {
        let m = measure(&[command, "-"], repeat(0, 8 * MIB), LIMIT);
        check(&format!("{command} < zeros"), &m);
        assert_eq!(m.code, Some(2), "not a capture");
        // A pcapng stream of 100,000 small frames.
        let feed = |w: &mut dyn Write| {
            w.write_all(&shb())?;
            w.write_all(&idb())?;
            let packets = epb(&frame(100)).repeat(1000);
            for _ in 0..100 {
                w.write_all(&packets)?;
            }
            Ok(())
        };
        let m = measure(&[command, "-"], feed, LIMIT);
        check(&format!("{command} on 100,000 frames"), &m);
        assert_eq!(m.code, Some(0), "{}", String::from_utf8_lossy(&m.stderr));
    }
}
