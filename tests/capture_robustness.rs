//! The capture reader and `tcpwire pcap` on bad captures: zero-length records, records longer
//! than the snap length, truncated files, garbage after good records, garbage instead of a
//! capture. Each bad record gives an error line, the good frames around it are still decoded.

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
    let dir = std::env::temp_dir().join(format!("tcpwire-robust-{}", std::process::id()));
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
            lines[i]["checksum_ok"], false,
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
