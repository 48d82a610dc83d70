//! Signatures on captures: TCP-MD5 against `tcpdump -M` on every capture with MD5 options,
//! TCP-AO on the committed capture corpus/signed/tcp-ao.pcap (key rollover, a wrong-key peer, a wrap
//! of the sequence numbers) with the verdict its maker wrote down for every segment, and the
//! command line's key flags.

mod common;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tcpwire::capture::CaptureReader;
use tcpwire::signature::ao::{AoKey, AoVerifier};
use tcpwire::signature::md5::{self, Md5Keys};
use tcpwire::signature::{KeyScope, SignatureVerdict};

const MD5_KEY: &str = "tcpwire-md5-key";

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name)
}

fn tcpwire(args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .args(args)
        .output()
        .expect("run tcpwire");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The MD5 verdict of every segment that carries an MD5 option, by frame number.
fn md5_verdicts(path: &Path, keys: &Md5Keys) -> BTreeMap<u64, SignatureVerdict> {
    let mut verdicts = BTreeMap::new();
    common::for_each_tcp(path, |frame, tcp| {
        if tcp.truncated {
            return;
        }
        let verdict = md5::verify(tcp.src, tcp.dst, tcp.segment, keys);
        if verdict != SignatureVerdict::Unsigned {
            verdicts.insert(frame.number, verdict);
        }
    });
    verdicts
}

/// `tcpdump -M key`'s verdict on every segment with an MD5 option, by frame number:
/// "md5 valid" or "md5 invalid", or " (invalid)" (its way of printing an invalid digest).
fn tcpdump_verdicts(path: &Path, key: &str) -> BTreeMap<u64, SignatureVerdict> {
    let out = Command::new("tcpdump")
        .args(["-#", "-n", "-r"])
        .arg(path)
        .args(["-M", key])
        .output()
        .expect("run tcpdump");
    let mut verdicts = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(at) = line.find("md5 ") else {
            continue;
        };
        let number: u64 = line.split_whitespace().next().unwrap().parse().unwrap();
        let rest = &line[at + 4..];
        let verdict = if rest.starts_with("valid") {
            SignatureVerdict::Valid
        } else if rest.starts_with("invalid") || rest.starts_with(" (invalid)") {
            SignatureVerdict::Invalid
        } else {
            panic!(
                "{}: tcpdump cannot check frame {number}: {line}",
                path.display()
            );
        };
        verdicts.insert(number, verdict);
    }
    verdicts
}

fn all_captures() -> Vec<PathBuf> {
    let mut files = common::captures_in(&corpus(""));
    files.extend(common::captures_in(&corpus("handmade")));
    files.extend(common::captures_in(&corpus("signed")));
    if let Some(public) = common::public_corpus() {
        files.extend(common::captures_in(&public));
    }
    files
}

#[test]
fn md5_verdicts_agree_with_tcpdump_on_every_md5_capture() {
    if !common::command_available("tcpdump", &["--version"], "apt-get install -y tcpdump") {
        return;
    }
    let mut keys = Md5Keys::new();
    keys.add(KeyScope::Any, MD5_KEY.as_bytes().to_vec());
    let (mut files, mut segments, mut valid) = (0, 0, 0);
    for path in all_captures() {
        let ours = md5_verdicts(&path, &keys);
        if ours.is_empty() {
            continue;
        }
        let theirs = tcpdump_verdicts(&path, MD5_KEY);
        assert_eq!(ours, theirs, "{}", path.display());
        files += 1;
        segments += ours.len();
        valid += ours
            .values()
            .filter(|v| **v == SignatureVerdict::Valid)
            .count();
    }
    eprintln!("MD5 compared with tcpdump: {files} files, {segments} segments, {valid} valid");
    assert!(files >= 2 && valid >= 20, "{files} files, {valid} valid");
}

#[test]
fn md5_capture_verdicts_on_the_command_line() {
    let path = corpus("tcp-md5.pcap");
    let file = path.to_str().unwrap();
    let verdicts = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["pcap"];
        all.extend(args);
        all.push(file);
        let (code, lines, stderr) = tcpwire(&all);
        assert_eq!(code, 0, "{stderr}");
        lines
            .iter()
            .map(|l| l["md5"].as_str().unwrap().to_string())
            .collect()
    };
    // Frame 1 is the SYN signed with another key; the other 20 with the corpus key.
    let right = verdicts(&["--md5-key", MD5_KEY]);
    assert_eq!(right.len(), 21);
    assert_eq!(right[0], "invalid");
    assert!(right[1..].iter().all(|v| v == "valid"), "{right:?}");
    // Keys per peer: IPv4 and IPv6 each have theirs; a key file says the same.
    let scoped = verdicts(&[
        "--md5-key",
        &format!("10.71.0.0/16={MD5_KEY}"),
        "--md5-key",
        &format!("fd00:71:1::2,fd00:71:2::2={MD5_KEY}"),
    ]);
    assert_eq!(scoped, right);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tcpwire-md5-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("keys");
    std::fs::write(
        &key_file,
        format!("# the corpus key\n\n10.71.0.0/16={MD5_KEY}\n"),
    )
    .unwrap();
    let from_file = verdicts(&["--md5-keys", key_file.to_str().unwrap()]);
    let v4 = from_file.iter().take(11);
    assert!(v4.zip(&right).all(|(a, b)| a == b));
    // The IPv6 segments have no key in that file.
    assert!(
        from_file[11..].iter().all(|v| v == "no_key"),
        "{from_file:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    // A wrong key: every digest invalid.
    assert!(verdicts(&["--md5-key", "wrong"])
        .iter()
        .all(|v| v == "invalid"));
    // Without keys, no md5 field at all.
    let (_, plain, _) = tcpwire(&["pcap", file]);
    assert!(plain
        .iter()
        .all(|l| l.get("md5").is_none() && l.get("ao").is_none()));
    // A key file that cannot be read is a usage error naming it.
    let (code, _, stderr) = tcpwire(&["pcap", "--md5-keys", "/nonexistent/keys", file]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--md5-keys /nonexistent/keys"), "{stderr}");
}

/// The keys of corpus/signed/tcp-ao.pcap and the verdict its maker expects for each frame.
fn ao_corpus() -> (Vec<AoKey>, Vec<String>) {
    let keys = std::fs::read_to_string(corpus("signed/tcp-ao.keys"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.parse::<AoKey>().unwrap())
        .collect();
    let expected = std::fs::read_to_string(corpus("signed/tcp-ao.expected"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .enumerate()
        .map(|(i, l)| {
            let (frame, verdict) = l.split_once('\t').unwrap();
            assert_eq!(frame.parse::<usize>().unwrap(), i + 1);
            verdict.to_string()
        })
        .collect();
    (keys, expected)
}

fn ao_library_verdicts(keys: Vec<AoKey>) -> Vec<String> {
    let mut verifier = AoVerifier::new(keys);
    let mut verdicts = Vec::new();
    common::for_each_tcp(&corpus("signed/tcp-ao.pcap"), |frame, tcp| {
        let (s, n) = frame.timestamp;
        let verdict = verifier.verify(
            s * 1_000_000_000 + u64::from(n),
            tcp.src,
            tcp.dst,
            tcp.segment,
        );
        verdicts.push(verdict.name().to_string());
    });
    verdicts
}

#[test]
fn every_segment_of_the_ao_capture_gets_its_verdict() {
    let (keys, expected) = ao_corpus();
    assert_eq!(expected.len(), 29);
    for verdict in ["valid", "invalid", "no_key", "unsigned"] {
        assert!(expected.iter().any(|v| v == verdict), "{verdict} missing");
    }
    assert_eq!(ao_library_verdicts(keys.clone()), expected);

    // The command line, from the key file.
    let keys_path = corpus("signed/tcp-ao.keys");
    let pcap = corpus("signed/tcp-ao.pcap");
    let (code, lines, stderr) = tcpwire(&[
        "pcap",
        "--ao-keys",
        keys_path.to_str().unwrap(),
        pcap.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let cli: Vec<&str> = lines.iter().map(|l| l["ao"].as_str().unwrap()).collect();
    assert_eq!(cli, expected);
    assert!(lines.iter().all(|l| l["checksum"] == "ok"));

    // A key that cannot be read is a usage error naming what is wrong.
    let (code, _, stderr) = tcpwire(&[
        "pcap",
        "--ao-key",
        "id=1,alg=md5,secret=x",
        pcap.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("TCP-AO algorithm \"md5\""), "{stderr}");

    // Without key 2, the segments after the rollover have no key.
    let without_2: Vec<AoKey> = keys.iter().filter(|k| k.key_id != 2).cloned().collect();
    let verdicts = ao_library_verdicts(without_2);
    let rolled: Vec<usize> = (0..expected.len())
        .filter(|&i| verdicts[i] != expected[i])
        .collect();
    assert_eq!(rolled, vec![6, 7, 8, 9, 10], "{verdicts:?}");
    assert!(rolled.iter().all(|&i| verdicts[i] == "no_key"));

    // A wrong secret for the CMAC key: its connection's segments are all invalid.
    let mut wrong = keys.clone();
    wrong[2].secret = b"tcpwire-ao-cmaC".to_vec();
    let verdicts = ao_library_verdicts(wrong);
    for (i, verdict) in verdicts.iter().enumerate().take(25).skip(11) {
        assert_eq!(verdict, "invalid", "frame {}", i + 1);
    }
}

#[test]
fn ao_capture_read_from_the_middle_has_no_traffic_keys() {
    // Without the SYNs the ISNs are unknown: no traffic key, so no_key, never invalid.
    let (keys, _) = ao_corpus();
    let mut verifier = AoVerifier::new(keys);
    let mut n = 0;
    let reader = CaptureReader::open(corpus("signed/tcp-ao.pcap")).unwrap();
    for frame in reader.skip(2).take(9) {
        let frame = frame.unwrap();
        let tcpwire::capture::Decapsulated::Tcp(tcp) =
            tcpwire::capture::find_tcp(frame.linktype, &frame.data)
        else {
            panic!("no TCP");
        };
        assert_eq!(
            verifier.verify(0, tcp.src, tcp.dst, tcp.segment),
            SignatureVerdict::NoKey
        );
        n += 1;
    }
    assert_eq!(n, 9);
}

#[test]
fn key_scopes_pick_the_most_specific_key() {
    let a: IpAddr = "10.0.0.1".parse().unwrap();
    let b: IpAddr = "10.0.0.2".parse().unwrap();
    let mut keys = Md5Keys::new();
    keys.add(KeyScope::Any, b"any".to_vec());
    keys.add(
        KeyScope::Peer("10.0.0.0/8".parse().unwrap()),
        b"wide".to_vec(),
    );
    keys.add(
        KeyScope::Peer("10.0.0.2/32".parse().unwrap()),
        b"narrow".to_vec(),
    );
    assert_eq!(keys.key_for(a, b), Some(&b"narrow"[..]));
    assert_eq!(
        keys.key_for(a, "10.9.9.9".parse().unwrap()),
        Some(&b"wide"[..])
    );
    assert_eq!(
        keys.key_for("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap()),
        Some(&b"any"[..])
    );
    keys.add(KeyScope::Pair(b, a), b"pair".to_vec());
    assert_eq!(keys.key_for(a, b), Some(&b"pair"[..]));
}

#[test]
fn roundtrip_strict_checksums_makes_offload_a_finding() {
    let Some(public) = common::public_corpus() else {
        return;
    };
    let offload = public.join("tcpdump__mptcp-v1.pcap");
    let out = |strict: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcpwire"));
        cmd.arg("roundtrip");
        if strict {
            cmd.arg("--strict-checksums");
        }
        let out = cmd.arg(&offload).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, text) = out(false);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("checksum"));
    let (code, text) = out(true);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("checksums: ok 0, offload 0, zero 0, bad 20, not_checkable 0"),
        "{text}"
    );
    assert!(text.contains("frame 1: checksum bad"), "{text}");
    // A capture whose checksums are all right stays clean.
    let (code, _, _) = tcpwire(&["pcap", corpus("tcp-md5.pcap").to_str().unwrap()]);
    assert_eq!(code, 0);
    let clean = Command::new(env!("CARGO_BIN_EXE_tcpwire"))
        .args(["roundtrip", "--strict-checksums"])
        .arg(corpus("tcp-md5.pcap"))
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0));
}
