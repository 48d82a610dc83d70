//! Multipath TCP (kind 30): quickcheck round trips and the MPTCP options of the public corpus.
mod common;
#[path = "support/mptcp.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use tcpwire::mptcp::Unassigned;
use tcpwire::option::Malformed;

use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use support::*;
use tcpwire::mptcp::{AddAddr, MptcpOption};
use tcpwire::wire::DSS_LENGTHS;
use tcpwire::{Error, MalformedReason, MptcpSubtype, ParseMode, TcpHeader, TcpOption};

// ---------------------------------------------------------------------------------------------
// quickcheck

const CASES: u64 = 10_000;

#[test]
fn prop_generated_values_parse_back_in_both_modes() {
    fn prop(m: MptcpOption) -> bool {
        assert_eq!(m.validate(), Ok(()), "{m:?}");
        let option = TcpOption::Mptcp(m.clone());
        let bytes = option.to_bytes().unwrap();
        assert_eq!(bytes.len(), m.encoded_len());
        assert_eq!(TcpOption::parse(&bytes).unwrap(), option);
        assert_eq!(
            TcpOption::parse_prefix(&bytes, ParseMode::Lossless).unwrap(),
            (option, &[][..])
        );
        true
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(MptcpOption) -> bool);
}

#[test]
fn prop_json_round_trip() {
    fn prop(m: MptcpOption) -> bool {
        let option = TcpOption::Mptcp(m.clone());
        let text = serde_json::to_string(&option).unwrap();
        assert_eq!(
            serde_json::from_str::<TcpOption>(&text).unwrap(),
            option,
            "{text}"
        );
        let alone = serde_json::to_string(&m).unwrap();
        assert_eq!(
            serde_json::from_str::<MptcpOption>(&alone).unwrap(),
            m,
            "{alone}"
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["mptcp"], m.name());
        assert_eq!(value["subtype"], u64::from(m.subtype().value()));
        true
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(MptcpOption) -> bool);
}

#[test]
fn generator_reaches_every_subtype_and_length_form() {
    let mut g = Gen::new(100);
    let mut seen = std::collections::BTreeSet::new();
    let mut infinite_mappings = 0;
    for _ in 0..20_000 {
        let m = MptcpOption::arbitrary(&mut g);
        let len = m.encoded_len();
        seen.insert(match &m {
            MptcpOption::MpCapable(c) if c.version > 1 => format!("MP_CAPABLE/v2+/len{len}"),
            MptcpOption::MpCapable(c) => format!("MP_CAPABLE/v{}/len{len}", c.version),
            MptcpOption::AddAddr(AddAddr::V0 { .. }) => format!("ADD_ADDR/v0/len{len}"),
            MptcpOption::AddAddr(a) => format!("ADD_ADDR/v1E{}/len{len}", u8::from(a.is_echo())),
            MptcpOption::RemoveAddr(_) => "REMOVE_ADDR".into(),
            MptcpOption::MpExperimental(_) => "MP_EXPERIMENTAL".into(),
            MptcpOption::Unassigned(Unassigned { subtype, .. }) => format!("unassigned {subtype}"),
            other => format!("{}/len{len}", other.subtype().iana_name()),
        });
        if let MptcpOption::Dss(d) = &m {
            infinite_mappings += usize::from(d.is_infinite_mapping());
        }
    }
    let mut expected: Vec<String> = Vec::new();
    expected.extend([12, 20].map(|l| format!("MP_CAPABLE/v0/len{l}")));
    for v in ["v1", "v2+"] {
        expected.extend([4, 12, 20, 22, 24].map(|l| format!("MP_CAPABLE/{v}/len{l}")));
    }
    expected.extend([12, 16, 24].map(|l| format!("MP_JOIN/len{l}")));
    expected.extend([4, 8, 12, 14, 16, 18, 20, 22, 24, 26, 28].map(|l| format!("DSS/len{l}")));
    expected.extend([8, 10, 20, 22].map(|l| format!("ADD_ADDR/v0/len{l}")));
    expected.extend([16, 18, 28, 30].map(|l| format!("ADD_ADDR/v1E0/len{l}")));
    expected.extend([8, 10, 20, 22].map(|l| format!("ADD_ADDR/v1E1/len{l}")));
    expected.extend(["REMOVE_ADDR".into(), "MP_EXPERIMENTAL".into()]);
    expected.extend([3, 4].map(|l| format!("MP_PRIO/len{l}")));
    expected.extend([
        "MP_FAIL/len12".into(),
        "MP_FASTCLOSE/len12".into(),
        "MP_TCPRST/len4".into(),
    ]);
    expected.extend((9..=14).map(|s| format!("unassigned {s}")));
    let expected: std::collections::BTreeSet<String> = expected.into_iter().collect();
    let missing: Vec<&String> = expected.difference(&seen).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
    let unexpected: Vec<&String> = seen.difference(&expected).collect();
    assert!(
        unexpected.is_empty(),
        "forms outside the specification: {unexpected:?}"
    );
    assert!(infinite_mappings > 0);
}

/// The bytes of one kind-30 option (3..=40 long), biased towards the lengths the subtypes
/// use, and for DSS towards lengths that agree with its flags.
#[derive(Debug, Clone)]
struct RawMptcp(Vec<u8>);

impl Arbitrary for RawMptcp {
    fn arbitrary(g: &mut Gen) -> Self {
        let subtype = u8::arbitrary(g) % 16;
        let nibble = u8::arbitrary(g) % 16;
        let common = [3u8, 4, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30];
        let mut length = if bool::arbitrary(g) {
            *g.choose(&common).unwrap()
        } else {
            3 + u8::arbitrary(g) % 38
        };
        let flags = u8::arbitrary(g);
        if subtype == 2 && bool::arbitrary(g) {
            // DSS lengths worked out from RFC 8684 figure 9: 4, + data ACK (A: 4, or 8 with a),
            // + mapping (M: DSN 4, or 8 with m; + 4 + 2), + 2 for a checksum.
            let ack = if flags & 1 == 0 {
                0
            } else if flags & 2 == 0 {
                4
            } else {
                8
            };
            let map = if flags & 4 == 0 {
                0
            } else if flags & 8 == 0 {
                10
            } else {
                14
            };
            let checksum = if map > 0 && bool::arbitrary(g) { 2 } else { 0 };
            length = 4 + ack + map + checksum;
        }
        let mut bytes = vec![30, length, (subtype << 4) | nibble];
        if length >= 4 {
            bytes.push(flags);
        }
        while bytes.len() < usize::from(length) {
            bytes.push(u8::arbitrary(g));
        }
        RawMptcp(bytes)
    }
}

#[test]
fn prop_any_kind30_bytes_lossless_writes_them_back() {
    fn prop(raw: RawMptcp) -> TestResult {
        let bytes = &raw.0;
        let (lossless, rest) = TcpOption::parse_prefix(bytes, ParseMode::Lossless).unwrap();
        assert!(rest.is_empty());
        assert_eq!(lossless.to_bytes().unwrap(), *bytes, "{lossless:?}");
        match (&lossless, TcpOption::parse(bytes)) {
            (TcpOption::Malformed(Malformed { reason, .. }), Err(e)) => {
                assert_eq!(
                    e,
                    Error::MalformedOption {
                        kind: 30,
                        offset: 0,
                        reason: *reason
                    }
                );
                assert!(
                    matches!(reason, MalformedReason::BadLength { length, allowed }
                    if usize::from(*length) == bytes.len() && !allowed.contains(*length))
                );
            }
            (TcpOption::Mptcp(m), Ok(strict)) => {
                assert_eq!(strict, lossless);
                assert_eq!(m.validate(), Ok(()));
                assert_eq!(m.encoded_len(), bytes.len());
            }
            (l, s) => panic!("{bytes:02x?}: lossless {l:?}, strict {s:?}"),
        }
        TestResult::passed()
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(RawMptcp) -> TestResult);
}

// ---------------------------------------------------------------------------------------------
// The public corpus

/// A key naming an MPTCP option's form, as MANIFEST.tsv's `mptcp_variants` column does:
/// subtype, version (MP_CAPABLE, ADD_ADDR) or flag byte (DSS), and length.
fn form_key(option: &TcpOption) -> Option<String> {
    match option {
        TcpOption::Mptcp(m) => {
            let len = m.encoded_len();
            Some(match m {
                MptcpOption::MpCapable(c) => format!("MP_CAPABLE/v{}/len{len}", c.version),
                MptcpOption::Dss(d) => format!("DSS/{:#04x}/len{len}", d.flags_byte()),
                MptcpOption::AddAddr(AddAddr::V0 { .. }) => format!("ADD_ADDR/v0/len{len}"),
                MptcpOption::AddAddr(a) => {
                    format!("ADD_ADDR/v1E{}/len{len}", u8::from(a.is_echo()))
                }
                other => format!("{}/len{len}", other.subtype().iana_name()),
            })
        }
        // A malformed option whose subtype byte is there.
        TcpOption::Malformed(Malformed {
            kind: 30, bytes, ..
        }) => bytes.get(2).map(|b| {
            format!(
                "{}/len{}",
                MptcpSubtype::from_value(b >> 4).iana_name(),
                bytes.len()
            )
        }),
        _ => None,
    }
}

/// Per capture: the count of each MPTCP option form, computed once with this crate and checked
/// against Wireshark 4.0's decoding (tshark_oracle.sh: subtype, version, flags, IP version or
/// echo bit, length) and against MANIFEST.tsv.
const EXPECTED_FORMS: &[(&str, &[(&str, usize)])] = &[
    (
        "dpimptcp__mp_capable.pcapng",
        &[
            ("ADD_ADDR/v0/len20", 2),
            ("ADD_ADDR/v0/len8", 6),
            ("DSS/0x01/len8", 24),
            ("DSS/0x05/len20", 11),
            ("MP_CAPABLE/v0/len12", 4),
            ("MP_CAPABLE/v0/len20", 2),
            ("MP_JOIN/len12", 10),
            ("MP_JOIN/len16", 4),
            ("MP_JOIN/len24", 4),
        ],
    ),
    (
        "dpimptcp__wrongAdd_Addr.pcap",
        &[
            ("ADD_ADDR/v0/len8", 2),
            ("DSS/0x01/len8", 3),
            ("MP_CAPABLE/v0/len12", 2),
            ("MP_CAPABLE/v0/len20", 1),
        ],
    ),
    (
        "ndpi__tls_change_cipher.pcap",
        &[("DSS/0x05/len18", 13), ("MP_JOIN/len16", 1)],
    ),
    ("ndpi__whois.pcapng", &[]),
    (
        "pymptcpanalyzer__client_2.pcap",
        &[
            ("ADD_ADDR/v0/len8", 8),
            ("DSS/0x01/len8", 2336),
            ("DSS/0x05/len18", 425),
            ("DSS/0x15/len18", 6),
            ("MP_CAPABLE/v0/len12", 9),
            ("MP_CAPABLE/v0/len20", 4),
            ("MP_FASTCLOSE/len12", 4),
            ("MP_JOIN/len12", 13),
            ("MP_JOIN/len16", 13),
            ("MP_JOIN/len24", 14),
        ],
    ),
    (
        "tcpdump__mptcp-aa-echo.pcap",
        &[
            ("ADD_ADDR/v1E0/len16", 1),
            ("ADD_ADDR/v1E1/len8", 1),
            ("DSS/0x01/len8", 1),
            ("DSS/0x03/len12", 1),
        ],
    ),
    (
        "tcpdump__mptcp-aa-v1.pcap",
        &[
            ("ADD_ADDR/v1E0/len16", 1),
            ("DSS/0x03/len12", 9),
            ("DSS/0x0f/len26", 7),
            ("DSS/0x1f/len26", 2),
            ("MP_CAPABLE/v1/len12", 1),
            ("MP_CAPABLE/v1/len20", 1),
            ("MP_CAPABLE/v1/len22", 1),
            ("MP_CAPABLE/v1/len4", 1),
        ],
    ),
    ("tcpdump__mptcp-dss-oobr.pcap", &[("DSS/len3", 1)]),
    (
        "tcpdump__mptcp-fclose.pcap",
        &[
            ("DSS/0x01/len8", 3),
            ("DSS/0x05/len20", 2),
            ("MP_CAPABLE/v0/len12", 2),
            ("MP_CAPABLE/v0/len20", 1),
            ("MP_FASTCLOSE/len12", 1),
        ],
    ),
    ("tcpdump__mptcp-tcprst.pcap", &[("MP_TCPRST/len4", 2)]),
    (
        "tcpdump__mptcp-v0.pcap",
        &[
            ("ADD_ADDR/v0/len8", 1),
            ("DSS/0x01/len8", 105),
            ("DSS/0x05/len20", 151),
            ("DSS/0x15/len20", 2),
            ("MP_CAPABLE/v0/len12", 2),
            ("MP_CAPABLE/v0/len20", 1),
            ("MP_JOIN/len12", 1),
            ("MP_JOIN/len16", 1),
            ("MP_JOIN/len24", 1),
            ("REMOVE_ADDR/len4", 1),
        ],
    ),
    (
        "tcpdump__mptcp-v1.pcap",
        &[
            ("DSS/0x03/len12", 11),
            ("DSS/0x0f/len26", 3),
            ("DSS/0x1f/len26", 2),
            ("MP_CAPABLE/v1/len12", 1),
            ("MP_CAPABLE/v1/len20", 1),
            ("MP_CAPABLE/v1/len22", 1),
            ("MP_CAPABLE/v1/len4", 1),
        ],
    ),
];

/// The only MPTCP options of the corpus that strict parsing refuses: (file, frame, error).
/// tcpdump's mptcp-dss-oobr.pcap is a fuzzer-found DSS of length 3 (no flag byte).
fn expected_strict_failures() -> Vec<(String, u64, Error)> {
    vec![(
        "tcpdump__mptcp-dss-oobr.pcap".into(),
        1,
        Error::MalformedOption {
            kind: 30,
            offset: 36,
            reason: bad_length(3, DSS_LENGTHS),
        },
    )]
}

/// `mptcp_variants` of MANIFEST.tsv for `file`, as a map.
fn manifest_forms(dir: &Path, file: &str) -> BTreeMap<String, usize> {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = header.iter().position(|c| *c == "mptcp_variants").unwrap();
    let row = lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|r| r.first() == Some(&file))
        .unwrap_or_else(|| panic!("{file} is not in MANIFEST.tsv"));
    row[column]
        .split(' ')
        .filter(|s| *s != "-" && !s.is_empty())
        .map(|entry| {
            let (key, count) = entry.rsplit_once(':').unwrap();
            (key.to_string(), count.parse().unwrap())
        })
        .collect()
}

#[test]
fn public_corpus_mptcp_options() {
    let Some(dir) = common::public_corpus() else {
        return;
    };
    let mut strict_failures = Vec::new();
    let mut total = 0usize;
    for (file, expected) in EXPECTED_FORMS {
        let mut forms: BTreeMap<String, usize> = BTreeMap::new();
        common::for_each_tcp(&dir.join(file), |frame, tcp| {
            let frame = frame.number;
            let segment = tcp.segment;
            let Ok((lossless, _)) = TcpHeader::parse_prefix(segment, ParseMode::Lossless) else {
                return;
            };
            // Each MPTCP option writes back exactly the bytes it came from.
            let mut offset = 20;
            let mut any_mptcp = false;
            for option in &lossless.options {
                let len = option.encoded_len();
                if let Some(key) = form_key(option) {
                    any_mptcp = true;
                    *forms.entry(key).or_default() += 1;
                    assert_eq!(
                        option.to_bytes().unwrap(),
                        segment[offset..offset + len],
                        "{file} frame {frame}: option at {offset}"
                    );
                }
                offset += len;
            }
            assert_eq!(
                lossless.to_bytes().unwrap(),
                segment[..lossless.header_len()],
                "{file} frame {frame}"
            );
            match TcpHeader::parse(segment) {
                Ok(strict) => assert_eq!(strict, lossless, "{file} frame {frame}"),
                Err(e) if any_mptcp => strict_failures.push((file.to_string(), frame, e)),
                Err(_) => {}
            }
        });
        let expected: BTreeMap<String, usize> =
            expected.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        assert_eq!(forms, expected, "{file}: MPTCP option forms");
        assert_eq!(
            forms,
            manifest_forms(&dir, file),
            "{file}: against MANIFEST.tsv"
        );
        total += forms.values().sum::<usize>();
    }
    assert_eq!(strict_failures, expected_strict_failures());
    eprintln!("MPTCP options checked in the public corpus: {total}");
}
