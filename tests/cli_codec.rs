//! The `tcpwire` binary's `decode`, `encode` and `stats`, run as a process and checked against
//! the library (the other subcommands are in tests/cli.rs).
mod common;
#[path = "support/cli.rs"]
mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::*;
use tcpwire::option::{Malformed, Unknown};
use tcpwire::{MptcpSubtype, TcpHeader, TcpOption, TcpOptionKind, TcpSegment};

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
