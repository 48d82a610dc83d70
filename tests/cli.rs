//! The `tcpwire` binary, run as a process on the public corpus and on generated inputs; its
//! output is checked against what the library finds in the same bytes: `pcap`, `roundtrip` and
//! usage. `decode`, `encode` and `stats` are in tests/cli_codec.rs.
mod common;
#[path = "support/cli.rs"]
mod support;

use serde_json::Value;
use support::*;
use tcpwire::option::Malformed;
use tcpwire::TcpOption;

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
