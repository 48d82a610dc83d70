//! The project's own Linux-kernel captures (`corpus/`, made by `corpus/make-linux-captures.sh`):
//! every segment whose header was captured parses in strict mode (a failure on real kernel
//! traffic is a tcpwire bug until shown otherwise) and re-serializes byte-exactly, and the
//! per-file counts of segments, flags, option kinds and lengths, and MPTCP subtypes and lengths
//! equal the independent counts Wireshark 4.0 gave (`corpus/counts.tsv`).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use tcpwire::{MptcpSubtype, TcpHeader, TcpOption, TcpSegment};

/// `corpus/counts.tsv`: file -> item -> count.
fn wireshark_counts() -> BTreeMap<String, BTreeMap<String, u64>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/counts.tsv");
    let text = std::fs::read_to_string(&path).expect("corpus/counts.tsv");
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [file, item, count] = cols[..] {
            out.entry(file.into())
                .or_default()
                .insert(item.into(), count.parse().expect("count"));
        }
    }
    out
}

/// The counts tcpwire gives for the items `counts.tsv` uses.
fn tcpwire_counts(path: &Path) -> BTreeMap<String, u64> {
    let mut c: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |k: String| *c.entry(k).or_default() += 1;
    let name = path.display().to_string();
    common::for_each_tcp(path, |frame, tcp| {
        add("tcp_segments".into());
        // Flags from the fixed header, which a cut-short frame may still hold whole.
        if let (Some(&offset_byte), Some(&flag_byte)) = (tcp.segment.get(12), tcp.segment.get(13)) {
            let f = tcpwire::Flags::from_bits_truncate(
                (u16::from(offset_byte & 1) << 8) | u16::from(flag_byte),
            );
            for (on, flag) in [
                (f.ack(), "ack"),
                (f.fin(), "fin"),
                (f.psh(), "psh"),
                (f.rst(), "rst"),
                (f.syn(), "syn"),
                (f.urg(), "urg"),
                (f.ece(), "ece"),
                (f.cwr(), "cwr"),
                (f.ae(), "ae"),
            ] {
                if on {
                    add(format!("flag:{flag}"));
                }
            }
        }
        let header = match TcpHeader::parse(tcp.segment) {
            Ok(h) => h,
            Err(tcpwire::Error::DataOffsetBeyondInput { .. } | tcpwire::Error::TooShort { .. })
                if tcp.truncated =>
            {
                return;
            }
            Err(e) => panic!(
                "{name} frame {}: strict parse failed on kernel traffic: {e}",
                frame.number
            ),
        };
        let bytes = header.to_bytes().expect("writes");
        assert_eq!(
            bytes,
            tcp.segment[..header.header_len()],
            "{name} frame {}",
            frame.number
        );
        if !tcp.truncated {
            let seg = TcpSegment::parse(tcp.segment).expect("whole segment");
            assert_eq!(seg.to_bytes().expect("writes"), tcp.segment);
        }
        for o in &header.options {
            let (kind, len) = (o.kind(), o.encoded_len());
            add(format!("kind:{kind}"));
            if len > 1 {
                add(format!("kind:{kind}/len{len}"));
            }
            if let TcpOption::Mptcp(m) = o {
                let sub = MptcpSubtype::from_value(m.subtype().value()).iana_name();
                add(format!("mptcp:{sub}"));
                add(format!("mptcp:{sub}/len{len}"));
                if m.subtype() == MptcpSubtype::MpTcpRst {
                    let reason = o
                        .to_bytes()
                        .expect("writes")
                        .get(3)
                        .copied()
                        .unwrap_or(0xff);
                    add(format!("mptcp:{sub}/reason{reason}"));
                }
            }
        }
        // Wireshark shows each zero padding byte after an EOL as one more EOL.
        if matches!(header.options.last(), Some(TcpOption::Eol)) {
            for _ in header.padding.iter().take_while(|b| **b == 0) {
                add("kind:0".into());
            }
        }
    });
    c
}

#[test]
fn linux_captures_parse_strictly_and_match_wireshark_counts() {
    let expected = wireshark_counts();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let files = common::captures_in(&dir);
    assert!(files.len() >= 16, "corpus/ has {} captures", files.len());
    let mut subtypes_seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut compared = 0;
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let ours = tcpwire_counts(&path);
        let theirs = expected
            .get(&file)
            .unwrap_or_else(|| panic!("{file} has no rows in counts.tsv"));
        for (item, count) in theirs {
            let comparable = item.starts_with("kind:")
                || item.starts_with("mptcp:")
                || item.starts_with("flag:")
                || item == "tcp_segments";
            // Frames cut inside the TCP header: Wireshark counts the options it could see.
            if !comparable
                || (file == "tcp-snaplen80.pcap"
                    && (item.starts_with("kind:") || item.starts_with("mptcp:")))
            {
                continue;
            }
            // Once AccECN is negotiated Wireshark shows AE, CWR and ECE as the ACE counter, and
            // counts the three flags only where it still shows them (the SYNs).
            if file == "tcp-accecn.pcap"
                && ["flag:ae", "flag:cwr", "flag:ece"].contains(&item.as_str())
            {
                assert!(
                    ours.get(item).copied().unwrap_or(0) >= *count,
                    "{file}: {item}"
                );
                continue;
            }
            assert_eq!(
                ours.get(item).copied().unwrap_or(0),
                *count,
                "{file}: {item}"
            );
            compared += 1;
        }
        // Nothing we count is missing from Wireshark's counts.
        for (item, count) in &ours {
            if file != "tcp-snaplen80.pcap" {
                assert!(
                    theirs.contains_key(item),
                    "{file}: tcpwire counts {item} = {count}, Wireshark has no such row"
                );
            }
            if let Some(sub) = item.strip_prefix("mptcp:").filter(|s| !s.contains('/')) {
                *subtypes_seen.entry(sub.into()).or_default() += count;
            }
        }
    }
    eprintln!("compared {compared} counts; MPTCP subtypes seen: {subtypes_seen:?}");
    for sub in [
        "MP_CAPABLE",
        "MP_JOIN",
        "DSS",
        "ADD_ADDR",
        "REMOVE_ADDR",
        "MP_PRIO",
        "MP_FAIL",
        "MP_FASTCLOSE",
        "MP_TCPRST",
    ] {
        assert!(
            subtypes_seen.get(sub).copied().unwrap_or(0) > 0,
            "no {sub} in the Linux captures"
        );
    }
}
