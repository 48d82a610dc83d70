//! `tcpwire mptcp` and `tcpwire pcap --analyze` on the shipped captures.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn tcpwire(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .output()
        .expect("running tcpwire")
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn mptcp_gives_one_record_per_connection() {
    let out = tcpwire(&["mptcp", "corpus/mptcp-ipv4-multipath.pcap"]);
    assert_eq!(out.status.code(), Some(0));
    let records = lines(&out);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["connection"], 0);
    assert_eq!(r["version"], "v1");
    assert_eq!(r["subflows"].as_array().unwrap().len(), 4);
    assert_eq!(r["verdicts"]["join_hmac"]["ok"], 6);
    assert_eq!(r["verdicts"]["add_addr_hmac"]["ok"], 2);
    assert_eq!(r["addresses"][0]["port"], 10100);
    assert_eq!(r["addresses"][0]["hmac"], "ok");
    assert!(r["client_idsn"].is_string(), "64-bit numbers as strings");
    assert_eq!(r["subflows"][1]["client"], "10.71.1.2:48105");
}

#[test]
fn mptcp_table_and_several_files() {
    let out = tcpwire(&[
        "mptcp",
        "--table",
        "corpus/mptcp-ipv4-single-csum.pcap",
        "corpus/tcp-ipv4-handshake.pcap",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("connection 0  v1  checksums"), "{text}");
    assert!(text.contains("DSS checksum 7/0/0"), "{text}");
    assert!(text.contains("no MPTCP connections"), "{text}");
    let out = tcpwire(&[
        "mptcp",
        "corpus/mptcp-fastclose.pcap",
        "corpus/mptcp-ipv4-single.pcap",
    ]);
    let files: Vec<String> = lines(&out)
        .iter()
        .map(|r| r["file"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        files,
        [
            "corpus/mptcp-fastclose.pcap",
            "corpus/mptcp-fastclose.pcap",
            "corpus/mptcp-ipv4-single.pcap"
        ]
    );
}

#[test]
fn a_bad_verdict_is_a_finding() {
    let out = tcpwire(&["mptcp", "corpus/mptcp-mp-fail.pcap"]);
    assert_eq!(out.status.code(), Some(1));
    let r = &lines(&out)[0];
    assert_eq!(r["verdicts"]["dss_checksum"]["bad"], 1);
    assert_eq!(r["fallback"], "infinite_mapping");
    let out = tcpwire(&["mptcp", "no-such-file.pcap"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn pcap_analyze_annotates_mptcp_segments_only() {
    let out = tcpwire(&["pcap", "--analyze", "corpus/mptcp-mp-fail.pcap"]);
    assert_eq!(out.status.code(), Some(0));
    let segments = lines(&out);
    assert_eq!(segments.len(), 21);
    let frame = |n: u64| segments.iter().find(|s| s["frame"] == n).unwrap();
    assert_eq!(frame(10)["mptcp"]["dss_checksum"]["verdict"], "bad");
    assert_eq!(frame(11)["mptcp"]["events"][0]["event"], "mp_fail");
    assert_eq!(
        frame(11)["mptcp"]["events"][0]["dsn"],
        frame(10)["mptcp"]["dsn"]
    );
    assert_eq!(frame(4)["mptcp"]["relative_dsn"], "1");
    // Without --analyze, no "mptcp"; on plain TCP, none either.
    let plain = lines(&tcpwire(&["pcap", "corpus/mptcp-mp-fail.pcap"]));
    assert!(plain.iter().all(|s| s.get("mptcp").is_none()));
    let tcp = lines(&tcpwire(&[
        "pcap",
        "--analyze",
        "corpus/tcp-ipv4-handshake.pcap",
    ]));
    assert!(tcp.iter().all(|s| s.get("mptcp").is_none()));
}

#[test]
fn the_readme_shows_the_real_table() {
    let out = tcpwire(&["mptcp", "--table", "corpus/mptcp-ipv4-multipath.pcap"]);
    let table = String::from_utf8_lossy(&out.stdout);
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    assert!(
        readme.contains(table.trim_end()),
        "README.md's `tcpwire mptcp --table` output is out of date; it is now:\n{table}"
    );
}
