//! The capture reader and `tcpwire pcap` on bad and unusual captures: zero-length records,
//! records longer than the snap length or than the reader's buffer, truncated files, garbage
//! after good records or instead of a capture, headers split across reads, read errors, pcapng
//! section headers longer than a read, obsolete packet blocks, timestamp resolutions, unknown
//! interfaces, the interface table's cap. Each bad record gives a short error line naming what
//! and where; the good frames around it are still decoded.

mod common;

use std::path::PathBuf;
use std::process::Command;

/// A bare ACK in Ethernet/IPv4, 54 bytes.
fn frame() -> Vec<u8> {
    let mut f = vec![0u8; 6];
    f.extend([2, 0, 0, 0, 0, 1, 0x08, 0x00]);
    f.extend([
        0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    f.extend([
        0x04, 0xd2, 0, 80, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x10, 2, 0, 0, 0, 0, 0,
    ]);
    f
}

/// A classic pcap file (little-endian, microseconds, Ethernet) with the given snap length.
fn pcap(snaplen: u32, records: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xa1b2_c3d4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0u8; 8]);
    out.extend(snaplen.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    for (orig, data) in records {
        out.extend(1u32.to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(orig.to_le_bytes());
        out.extend(data);
    }
    out
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs `tcpwire pcap FILE`: (exit code, stdout lines).
fn run(path: &PathBuf) -> (i32, Vec<serde_json::Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .arg("pcap")
        .arg(path)
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn zero_length_and_oversized_records_are_reported_and_the_run_goes_on() {
    let mut long = frame();
    long.extend([0u8; 100]); // 154 bytes captured with a snap length of 96
    let file = pcap(
        96,
        &[
            (54, frame()),
            (54, Vec::new()),
            (54, frame()),
            (154, long),
            (54, frame()),
        ],
    );
    let (code, lines, _) = run(&write("records.pcap", &file));
    assert_eq!(code, 1, "an error line makes the exit code 1");
    let frames: Vec<u64> = lines.iter().map(|l| l["frame"].as_u64().unwrap()).collect();
    assert_eq!(frames, [1, 2, 3, 4, 5]);
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("link or IP layer"),
        "{}",
        lines[1]
    );
    for i in [0, 2, 3, 4] {
        assert_eq!(lines[i]["header"]["src_port"], 1234);
        assert_eq!(
            lines[i]["checksum"], "zero",
            "checksum 0 is wrong for this segment"
        );
    }
}

#[test]
fn a_truncated_file_keeps_its_earlier_frames() {
    let whole = pcap(65535, &[(54, frame()), (54, frame())]);
    let cut = &whole[..whole.len() - 20];
    let (code, lines, stderr) = run(&write("cut.pcap", cut));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["frame"], 1);
    assert!(
        lines[1]["error"].as_str().unwrap().contains("truncated"),
        "{}",
        lines[1]
    );
    assert!(stderr.contains("truncated"), "{stderr}");
}

#[test]
fn garbage_after_good_records_is_an_error_line_after_them() {
    let mut file = pcap(65535, &[(54, frame()), (54, frame())]);
    // A record header claiming 3 GB, then noise.
    file.extend([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0xc0]);
    file.extend((0..200u32).map(|i| (i * 37 % 251) as u8));
    let (code, lines, _) = run(&write("garbage-tail.pcap", &file));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[2]["error"].is_string());
}

#[test]
fn garbage_instead_of_a_capture_fails_with_exit_code_2() {
    let noise: Vec<u8> = (0..4096u32).map(|i| (i * 97 % 253) as u8).collect();
    let (code, lines, stderr) = run(&write("noise.bin", &noise));
    assert_eq!(code, 2);
    assert!(lines.is_empty());
    assert!(stderr.contains("not a pcap or pcapng capture"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// pcapng, built block by block

/// One pcapng block (little-endian): type, total length, body padded to 4 bytes, total length.
fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let padded = body.len().div_ceil(4) * 4;
    let total = (12 + padded) as u32;
    let mut out = Vec::with_capacity(padded + 12);
    out.extend(kind.to_le_bytes());
    out.extend(total.to_le_bytes());
    out.extend(body);
    out.resize(8 + padded, 0);
    out.extend(total.to_le_bytes());
    out
}

/// One option: code, length, value padded to 4 bytes.
fn option(code: u16, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(code.to_le_bytes());
    out.extend((value.len() as u16).to_le_bytes());
    out.extend(value);
    out.resize(4 + value.len().div_ceil(4) * 4, 0);
    out
}

/// A section header block with the given options.
fn shb(options: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(0x1A2B_3C4Du32.to_le_bytes());
    body.extend(1u16.to_le_bytes());
    body.extend(0u16.to_le_bytes());
    body.extend((-1i64).to_le_bytes());
    body.extend(options);
    block(0x0A0D_0D0A, &body)
}

/// An Ethernet interface description block with the given options.
fn idb(options: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(1u16.to_le_bytes());
    body.extend(0u16.to_le_bytes());
    body.extend(0u32.to_le_bytes());
    body.extend(options);
    block(1, &body)
}

/// An enhanced packet block (type 6), or an obsolete packet block (type 2).
fn packet_block(kind: u32, interface: u32, ticks: u64, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    if kind == 2 {
        body.extend((interface as u16).to_le_bytes());
        body.extend(0u16.to_le_bytes());
    } else {
        body.extend(interface.to_le_bytes());
    }
    body.extend(((ticks >> 32) as u32).to_le_bytes());
    body.extend((ticks as u32).to_le_bytes());
    body.extend((data.len() as u32).to_le_bytes());
    body.extend((data.len() as u32).to_le_bytes());
    body.extend(data);
    block(kind, &body)
}

fn epb(interface: u32, ticks: u64, data: &[u8]) -> Vec<u8> {
    packet_block(6, interface, ticks, data)
}

/// The frame with `extra` bytes of payload (the IP total length counts them).
fn frame_with_payload(extra: usize) -> Vec<u8> {
    let mut f = frame();
    let total = 40 + extra;
    if let Ok(len) = u16::try_from(total) {
        f[16..18].copy_from_slice(&len.to_be_bytes());
    } else {
        f[16..18].copy_from_slice(&[0, 0]); // TSO-style: the capture gives the length
    }
    f.extend((0..extra).map(|i| i as u8));
    f
}

fn frames_of(capture: Vec<u8>) -> Vec<Result<Frame, String>> {
    CaptureReader::new(std::io::Cursor::new(capture))
        .expect("a capture")
        .map(|f| f.map_err(|e| e.to_string()))
        .collect()
}

use tcpwire::capture::{find_tcp_in_ip, CaptureError, CaptureReader, Decapsulated, Frame};

#[test]
fn a_section_header_longer_than_a_read_is_read() {
    // A 40 KB comment: the section header alone is longer than the first read (and than the
    // reader's buffer).
    let comment = vec![b'c'; 40_000];
    let mut file = shb(&[option(1, &comment), option(0, &[])].concat());
    file.extend(idb(&[]));
    file.extend(epb(0, 5_000_000, &frame()));
    let (code, lines, stderr) = run(&write("long-shb.pcapng", &file));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["timestamp"], "5.000000000");
}

#[test]
fn records_larger_than_the_buffer_are_read() {
    // pcap records of 200 KB and 3 MB (TSO-style segments), a 2 MB pcapng packet block, a 5 MB
    // decryption-secrets block and a 1 MB name resolution block: all read.
    let big = frame_with_payload(200_000);
    let huge = frame_with_payload(3_000_000);
    let file = pcap(
        0,
        &[(54, frame()), (big.len() as u32, big.clone()), (0, huge)],
    );
    let (code, lines, stderr) = run(&write("big-records.pcap", &file));
    assert_eq!(code, 0, "{stderr}");
    let lens: Vec<u64> = lines
        .iter()
        .map(|l| l["payload_len"].as_u64().unwrap())
        .collect();
    assert_eq!(lens, [0, 200_000, 3_000_000]);

    let mut file = shb(&[]);
    file.extend(idb(&[]));
    file.extend(block(0x0A, &vec![7u8; 5 << 20]));
    file.extend(block(4, &vec![0u8; 1 << 20]));
    file.extend(epb(0, 1, &frame_with_payload(2 << 20)));
    file.extend(epb(0, 2, &frame()));
    let (code, lines, stderr) = run(&write("big-blocks.pcapng", &file));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["payload_len"], 2 << 20);
    assert_eq!(lines[1]["frame"], 2);
}

#[test]
fn a_record_over_the_limit_is_reported_in_a_short_line() {
    let limit = tcpwire::capture::MAX_RECORD;
    // pcapng: the block is passed over, an error line names the limit, reading goes on.
    let mut file = shb(&[]);
    file.extend(idb(&[]));
    file.extend(epb(0, 1, &vec![0u8; limit + 4]));
    file.extend(epb(0, 2, &frame()));
    let (code, lines, _) = run(&write("over-limit.pcapng", &file));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2);
    let error = lines[0]["error"].as_str().unwrap();
    assert!(error.contains(&limit.to_string()), "{error}");
    assert!(error.len() < 200, "{error}");
    assert_eq!(lines[1]["frame"], 2);
    // pcap: the record header is all the framing there is; reading stops with a short line.
    let mut file = pcap(65535, &[(54, frame())]);
    file.extend([0u8; 8]);
    file.extend(((limit + 1) as u32).to_le_bytes());
    file.extend([0u8; 4]);
    file.extend(vec![0x41u8; 100_000]);
    let (code, lines, _) = run(&write("over-limit.pcap", &file));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(error.contains("limit") && error.len() < 200, "{error}");
}

/// A reader giving at most `chunk` bytes per read.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    chunk: usize,
}

impl std::io::Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn headers_split_across_reads_are_read() {
    let mut ng = shb(&[]);
    ng.extend(idb(&[]));
    ng.extend(epb(0, 7, &frame()));
    let classic = pcap(65535, &[(54, frame()), (54, frame())]);
    for (name, capture, frames) in [("pcapng", ng, 1), ("pcap", classic, 2)] {
        for chunk in [1, 2, 3, 5, 7] {
            let reader = CaptureReader::new(Trickle {
                data: capture.clone(),
                at: 0,
                chunk,
            })
            .unwrap_or_else(|e| panic!("{name}, {chunk}-byte reads: {e}"));
            let got: Vec<Frame> = reader.map(|f| f.unwrap()).collect();
            assert_eq!(got.len(), frames, "{name}, {chunk}-byte reads");
            assert_eq!(got[0].data, frame());
        }
        // Gzip members that split the file header: one of 3 bytes, then the rest.
        let mut gz = Vec::new();
        for part in [&capture[..3], &capture[3..]] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut e, part).unwrap();
            gz.extend(e.finish().unwrap());
        }
        let got = frames_of(gz);
        assert_eq!(got.len(), frames, "{name}, two gzip members");
        assert!(got.iter().all(|f| f.is_ok()), "{got:?}");
    }
}

/// A reader that fails after `ok` bytes.
struct Failing {
    data: Vec<u8>,
    at: usize,
    ok: usize,
}

impl std::io::Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.ok {
            return Err(std::io::Error::other("device gone"));
        }
        let n = buf
            .len()
            .min(self.ok - self.at)
            .min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn read_errors_are_reported_as_read_errors() {
    let capture = pcap(65535, &[(54, frame()), (54, frame())]);
    let failing = |ok| Failing {
        data: capture.clone(),
        at: 0,
        ok,
    };
    match CaptureReader::new(failing(0)) {
        Err(e @ CaptureError::Read { .. }) => assert!(e.to_string().contains("device gone")),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("no error"),
    }
    let items: Vec<_> = CaptureReader::new(failing(24 + 16 + 54 + 10))
        .unwrap()
        .collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let error = items[1].as_ref().unwrap_err();
    assert!(
        matches!(error, CaptureError::Read { after_frame: 1, .. }),
        "{error}"
    );
    assert!(error.is_fatal());
}

#[test]
fn obsolete_packet_blocks_are_read() {
    let mut file = shb(&[]);
    file.extend(idb(&[]));
    file.extend(packet_block(2, 0, 3_000_000, &frame()));
    file.extend(epb(0, 4_000_000, &frame()));
    let (code, lines, stderr) = run(&write("packet-block.pcapng", &file));
    assert_eq!(code, 0, "{stderr}");
    let stamps: Vec<&str> = lines
        .iter()
        .map(|l| l["timestamp"].as_str().unwrap())
        .collect();
    assert_eq!(stamps, ["3.000000000", "4.000000000"]);
}

#[test]
fn timestamp_resolutions_of_powers_of_two_and_ten() {
    let mut file = shb(&[]);
    // 2^30 ticks per second, 10^9, 10^3 and 10 with an offset of 100 s.
    file.extend(idb(&option(9, &[0x9e])));
    file.extend(idb(&option(9, &[9])));
    file.extend(idb(
        &[option(9, &[3]), option(14, &100i64.to_le_bytes())].concat()
    ));
    file.extend(idb(&option(9, &[0x80 | 64]))); // 2^64: not representable
    file.extend(epb(0, 1 << 30, &frame()));
    file.extend(epb(0, (1 << 30) + (1 << 29), &frame()));
    file.extend(epb(1, 1_500_000_000, &frame()));
    file.extend(epb(2, 2_250, &frame()));
    file.extend(epb(3, 3_000_000, &frame()));
    let (code, lines, stderr) = run(&write("resolutions.pcapng", &file));
    assert_eq!(code, 1, "the unusable resolution is reported: {stderr}");
    let error = lines[0]["error"].as_str().unwrap();
    assert!(error.contains("interface 3: if_tsresol 0xc0"), "{error}");
    let stamps: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l["timestamp"].as_str().unwrap())
        .collect();
    assert_eq!(
        stamps,
        [
            "1.000000000",
            "1.500000000",
            "1.500000000",
            "102.250000000",
            "3.000000000"
        ]
    );
}

#[test]
fn an_unknown_interface_is_an_error_line_and_reading_goes_on() {
    let mut file = shb(&[]);
    file.extend(idb(&[]));
    file.extend(epb(0, 1, &frame()));
    file.extend(epb(5, 2, &frame()));
    file.extend(epb(0, 3, &frame()));
    let (code, lines, _) = run(&write("unknown-interface.pcapng", &file));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["frame"], 2);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(
        error.contains("interface 5 is not described (1 interfaces in this section)"),
        "{error}"
    );
    assert_eq!(lines[2]["frame"], 3);
    assert_eq!(lines[2]["header"]["src_port"], 1234);
    // A simple packet block before any interface: the same.
    let mut file = shb(&[]);
    let mut body = 54u32.to_le_bytes().to_vec();
    body.extend(frame());
    file.extend(block(3, &body));
    let (code, lines, _) = run(&write("spb-no-interface.pcapng", &file));
    assert_eq!(code, 1);
    assert!(lines[0]["error"].as_str().unwrap().contains("interface 0"));
}

#[test]
fn the_interface_table_is_capped_with_an_error_line() {
    let limit = tcpwire::capture::MAX_INTERFACES;
    let mut file = shb(&[]);
    let one = idb(&[]);
    for _ in 0..limit + 100 {
        file.extend(&one);
    }
    file.extend(epb(0, 1, &frame()));
    file.extend(epb(limit as u32 + 50, 2, &frame()));
    // A new section starts a new table.
    file.extend(shb(&[]));
    file.extend(idb(&[]));
    file.extend(epb(0, 3, &frame()));
    let (code, lines, _) = run(&write("many-interfaces.pcapng", &file));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 4, "{lines:?}");
    let error = lines[0]["error"].as_str().unwrap();
    assert!(
        error.contains(&format!("more than {limit} interfaces")),
        "{error}"
    );
    assert_eq!(lines[1]["frame"], 1);
    assert!(lines[2]["error"].is_string());
    assert_eq!(lines[3]["frame"], 3);
    assert_eq!(lines[3]["header"]["src_port"], 1234);
}

#[test]
fn an_ipv6_extension_header_cut_short_is_an_error_line() {
    // Ethernet, IPv6 whose hop-by-hop header claims 72 bytes where the frame has 8.
    let mut f = vec![0u8; 6];
    f.extend([2, 0, 0, 0, 0, 1, 0x86, 0xdd]);
    f.extend([0x60, 0, 0, 0, 0, 8, 0, 64]);
    f.extend([0u8; 32]);
    f.extend([6, 8, 0, 0, 0, 0, 0, 0]);
    let (code, lines, _) = run(&write(
        "ipv6-ext-cut.pcap",
        &pcap(65535, &[(f.len() as u32, f.clone())]),
    ));
    assert_eq!(code, 1);
    assert!(lines[0]["error"]
        .as_str()
        .unwrap()
        .contains("link or IP layer"));
    assert!(matches!(
        find_tcp_in_ip(&f[14..]),
        Decapsulated::Malformed(_)
    ));
    // The same packet whole is TCP.
    let mut whole = f[14..].to_vec();
    whole[5] = 28;
    whole[41] = 0;
    whole.extend(&frame()[34..]);
    assert!(matches!(find_tcp_in_ip(&whole), Decapsulated::Tcp(_)));
}

#[test]
fn a_sub_second_field_of_a_second_or_more_is_carried_into_the_seconds() {
    let mut file = pcap(65535, &[(54, frame())]);
    file[28..32].copy_from_slice(&u32::MAX.to_le_bytes()); // microseconds
    let got = frames_of(file);
    let frame = got[0].as_ref().unwrap();
    assert_eq!(frame.timestamp, (1 + 4294, 967_295_000));
    assert_eq!(frame.timestamp_string(), "4295.967295000");
}

#[test]
fn corrupt_block_error_lines_are_short() {
    let mut file = shb(&[]);
    file.extend(idb(&[]));
    file.extend(epb(0, 1, &frame()));
    let mut bad = epb(0, 2, &vec![0x5a; 150_000]);
    let n = bad.len();
    bad[n - 4..].copy_from_slice(&7u32.to_le_bytes()); // trailing length differs
    file.extend(bad);
    let (code, lines, stderr) = run(&write("bad-trailer.pcapng", &file));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(error.contains("trailing length 7"), "{error}");
    assert!(error.len() < 200, "{error}");
    assert!(stderr.len() < 1000, "{stderr}");
}

#[test]
fn a_gtp_u_header_cut_short_is_malformed_not_skipped() {
    // IPv4/UDP to port 2152 carrying a G-PDU whose optional fields (sequence flag set) are cut.
    let gtp = [0x32, 0xff, 0, 4, 0, 0, 0, 1, 0];
    let mut udp = vec![0x08, 0x68, 0x08, 0x68, 0, (8 + gtp.len()) as u8, 0, 0];
    udp.extend(gtp);
    let mut packet = vec![0x45, 0, 0, (20 + udp.len()) as u8, 0, 1, 0, 0, 64, 17, 0, 0];
    packet.extend([10, 0, 0, 1, 10, 0, 0, 2]);
    packet.extend(udp);
    match find_tcp_in_ip(&packet) {
        Decapsulated::Malformed(e) => assert!(e.contains("GTP-U"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_directory_is_a_read_error_not_a_non_capture() {
    let dir = std::env::temp_dir();
    match CaptureReader::open(&dir) {
        Err(e @ CaptureError::Read { .. }) => assert!(e.to_string().contains("byte 0"), "{e}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a directory read as a capture"),
    }
}

#[test]
fn a_bad_first_section_header_is_refused_when_opened() {
    let mut file = shb(&[]);
    file[8..12].copy_from_slice(&[1, 2, 3, 4]); // byte-order magic
    let (code, lines, stderr) = run(&write("bad-bom.pcapng", &file));
    assert_eq!(code, 2, "{stderr}");
    assert!(lines.is_empty());
    assert!(stderr.contains("byte-order magic 01020304"), "{stderr}");
    let (code, _, stderr) = run(&write("shb-only-type.pcapng", &file[..6]));
    assert_eq!(code, 2);
    assert!(stderr.contains("truncated at byte 6"), "{stderr}");
}

/// Frame timestamps as tshark gives them (`frame.time_epoch`).
fn tshark_times(path: &PathBuf) -> Vec<String> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-T", "fields", "-e", "frame.time_epoch"])
        .output()
        .expect("run tshark");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// A pcapng block in big-endian byte order.
fn block_be(kind: u32, body: &[u8]) -> Vec<u8> {
    let padded = body.len().div_ceil(4) * 4;
    let total = (12 + padded) as u32;
    let mut out = kind.to_be_bytes().to_vec();
    out.extend(total.to_be_bytes());
    out.extend(body);
    out.resize(8 + padded, 0);
    out.extend(total.to_be_bytes());
    out
}

#[test]
fn timestamps_and_frames_as_wireshark_reads_them() {
    if !common::tshark_available() {
        return;
    }
    // pcapng: power-of-two and power-of-ten resolutions, an offset, an obsolete packet block,
    // a long section header, then a big-endian section.
    let mut ng = shb(&option(1, &vec![b'x'; 20_000]));
    ng.extend(idb(&option(9, &[0x9e])));
    ng.extend(idb(&option(9, &[0x80 | 20])));
    ng.extend(idb(
        &[option(9, &[3]), option(14, &100i64.to_le_bytes())].concat()
    ));
    ng.extend(epb(0, (1 << 30) + (1 << 28), &frame()));
    ng.extend(epb(1, 3 << 19, &frame()));
    ng.extend(packet_block(2, 2, 2_250, &frame()));
    let mut be = 0x1A2B_3C4Du32.to_be_bytes().to_vec();
    be.extend([0, 1, 0, 0]);
    be.extend([0xff; 8]);
    ng.extend(block_be(0x0A0D_0D0A, &be));
    let mut idb_be = vec![0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 9, 0, 0, 0];
    idb_be.extend([0; 4]);
    ng.extend(block_be(1, &idb_be));
    let mut epb_be = vec![0u8; 4];
    epb_be.extend(1u32.to_be_bytes());
    epb_be.extend(0x2345_6789u32.to_be_bytes());
    epb_be.extend(54u32.to_be_bytes());
    epb_be.extend(54u32.to_be_bytes());
    epb_be.extend(frame());
    ng.extend(block_be(6, &epb_be));
    // pcap: nanoseconds, big-endian; the modified format.
    let mut ns = 0xa1b2_3c4du32.to_be_bytes().to_vec();
    ns.extend([
        0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 1,
    ]);
    ns.extend(7u32.to_be_bytes());
    ns.extend(123_456_789u32.to_be_bytes());
    ns.extend(54u32.to_be_bytes());
    ns.extend(54u32.to_be_bytes());
    ns.extend(frame());
    let mut modified = 0xa1b2_cd34u32.to_le_bytes().to_vec();
    modified.extend([
        2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ]);
    for second in [9u32, 10] {
        modified.extend(second.to_le_bytes());
        modified.extend(250_000u32.to_le_bytes());
        modified.extend(54u32.to_le_bytes());
        modified.extend(54u32.to_le_bytes());
        modified.extend([0u8; 8]);
        modified.extend(frame());
    }
    for (name, capture) in [
        ("ws-resolutions.pcapng", ng),
        ("ws-nanos-be.pcap", ns),
        ("ws-modified.pcap", modified),
    ] {
        let path = write(name, &capture);
        let ours: Vec<String> = frames_of(capture)
            .into_iter()
            .map(|f| f.expect("a frame").timestamp_string())
            .collect();
        let theirs = tshark_times(&path);
        assert!(!ours.is_empty());
        assert_eq!(ours, theirs, "{name}");
    }
}

#[test]
fn an_option_running_past_its_block_is_an_error_line() {
    // An if_description option claiming 200 bytes in a 4-byte remainder, then the same in the
    // section header: each one error line; the interface and its frames are still read.
    let mut bad_option = 3u16.to_le_bytes().to_vec();
    bad_option.extend(200u16.to_le_bytes());
    bad_option.extend([0; 4]);
    let mut file = shb(&bad_option);
    file.extend(idb(&[option(9, &[9]), bad_option.clone()].concat()));
    file.extend(epb(0, 2_500_000_000, &frame()));
    let (code, lines, _) = run(&write("option-overrun.pcapng", &file));
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 3, "{lines:?}");
    for (line, what) in lines[..2].iter().zip([
        "section header block at byte 0",
        "interface description block 0",
    ]) {
        let error = line["error"].as_str().unwrap();
        assert!(error.contains(what), "{error}");
        assert!(
            error.contains("option 3 of length 200 runs past the block"),
            "{error}"
        );
    }
    assert_eq!(
        lines[2]["timestamp"], "2.500000000",
        "if_tsresol before it is kept"
    );
}
