//! Registries and names: the open enums against the IANA tables in
//! `../shared/reference/iana-*.tsv`, flag names and words, port service names.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tcpwire::ports::{service_name, Port};
use tcpwire::{AltChecksumAlgorithm, Flags, MptcpSubtype, TcpHeader, TcpOptionKind, TcpRstReason};

/// `../shared/reference` beside the project (skipped without it, unless CI is set).
fn reference_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{} is missing, and CI is set", dir.display());
    }
    eprintln!("SKIPPED: {} not found", dir.display());
    None
}

/// An IANA table: value -> (name, description).
fn iana_table(file: &str) -> Option<BTreeMap<u8, (String, String)>> {
    let path = reference_dir()?.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = BTreeMap::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let mut cols = line.split('\t');
        let value: u8 = cols.next().unwrap().parse().unwrap();
        let name = cols.next().unwrap().to_owned();
        let description = cols.next().unwrap_or("").to_owned();
        rows.insert(value, (name, description));
    }
    assert!(!rows.is_empty(), "{file} is empty");
    Some(rows)
}

/// What every open enum must do, checked against a table of (value, IANA name).
macro_rules! check_open_enum {
    ($ty:ident, $table:expr) => {{
        let table: BTreeMap<u8, String> = $table;
        // Exactly the registry's values are named, with the registry's names.
        let known: BTreeMap<u8, String> = $ty::KNOWN
            .iter()
            .map(|v| (v.value(), v.iana_name().to_owned()))
            .collect();
        assert_eq!(known, table, "{} against its IANA table", stringify!($ty));
        for v in 0..=255u8 {
            let e = $ty::from_value(v);
            assert_eq!(u8::from(e), v);
            assert_eq!($ty::from(v), e);
            assert_eq!(e.is_known(), table.contains_key(&v), "{v}");
            if e.is_known() {
                assert!(!matches!(e, $ty::Other(_)));
                // Display: description and number.
                assert_eq!(e.to_string(), format!("{} ({v})", e.description()));
                // serde: the name in JSON, and both the name and the number are read back.
                let json = serde_json::to_string(&e).unwrap();
                assert_eq!(json, format!("\"{}\"", e.name()));
                assert_eq!(serde_json::from_str::<$ty>(&json).unwrap(), e);
                assert_eq!(serde_json::from_str::<$ty>(&v.to_string()).unwrap(), e);
                // Names are snake_case and unique.
                assert!(e
                    .name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
            } else {
                assert!(matches!(e, $ty::Other(o) if o.value() == v));
                assert_eq!(e.iana_name(), "unassigned");
                assert_eq!(e.name(), "unknown");
                assert_eq!(e.to_string(), format!("not assigned by IANA ({v})"));
                // serde: the number, read back as the same Other.
                let json = serde_json::to_string(&e).unwrap();
                assert_eq!(json, v.to_string());
                assert_eq!(serde_json::from_str::<$ty>(&json).unwrap(), e);
            }
        }
        let mut names: Vec<&str> = $ty::KNOWN.iter().map(|v| v.name()).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate names in {}", stringify!($ty));
        // Out-of-range numbers and unknown names are refused.
        assert!(serde_json::from_str::<$ty>("256").is_err());
        assert!(serde_json::from_str::<$ty>("\"no_such_name\"").is_err());
    }};
}

fn names(table: BTreeMap<u8, (String, String)>) -> BTreeMap<u8, String> {
    table.into_iter().map(|(v, (n, _))| (v, n)).collect()
}

#[test]
fn option_kinds_match_iana() {
    let Some(table) = iana_table("iana-tcp-option-kinds.tsv") else {
        return;
    };
    check_open_enum!(TcpOptionKind, names(table));
}

#[test]
fn alternate_checksums_match_iana() {
    let Some(table) = iana_table("iana-tcp-alt-checksums.tsv") else {
        return;
    };
    check_open_enum!(AltChecksumAlgorithm, names(table));
}

#[test]
fn mptcp_subtypes_match_iana() {
    let Some(table) = iana_table("iana-mptcp-subtypes.tsv") else {
        return;
    };
    check_open_enum!(MptcpSubtype, names(table));
}

#[test]
fn reset_reasons_match_rfc8684() {
    // RFC 8684 s3.6 (no table in ../shared/reference): codes 0x00..=0x06.
    let table: BTreeMap<u8, String> = [
        (0, "Unspecified_error"),
        (1, "MPTCP_specific_error"),
        (2, "Lack_of_resources"),
        (3, "Administratively_prohibited"),
        (4, "Too_much_outstanding_data"),
        (5, "Unacceptable_performance"),
        (6, "Middlebox_interference"),
    ]
    .into_iter()
    .map(|(v, n)| (v, n.to_owned()))
    .collect();
    check_open_enum!(TcpRstReason, table);
}

#[test]
fn option_kind_of_every_parsed_option() {
    let header = TcpHeader::builder()
        .mss(1460)
        .window_scale(7)
        .build()
        .unwrap();
    let kinds: Vec<TcpOptionKind> = header.options.iter().map(|o| o.option_kind()).collect();
    assert_eq!(
        kinds,
        [
            TcpOptionKind::Mss,
            TcpOptionKind::WindowScale,
            TcpOptionKind::Eol
        ]
    );
}

#[test]
fn flags_display_in_the_baseline_order() {
    let cases = [
        (Flags::EMPTY, "-"),
        (Flags::SYN, "SYN"),
        (Flags::SYN | Flags::ACK, "SYN|ACK"),
        (Flags::ACK | Flags::FIN, "FIN|ACK"),
        (Flags::PSH | Flags::ACK, "PSH|ACK"),
        (Flags::RST | Flags::ACK, "RST|ACK"),
        (Flags::SYN | Flags::ECE | Flags::CWR, "SYN|ECE|CWR"),
        (Flags::ALL, "SYN|FIN|RST|PSH|ACK|URG|ECE|CWR|AE"),
    ];
    for (flags, text) in cases {
        assert_eq!(flags.to_string(), text);
        assert_eq!(format!("{flags:?}"), format!("Flags({text})"));
        // iter() yields the same flags, one at a time, in the same order.
        let names: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        if !flags.is_empty() {
            assert_eq!(names.join("|"), text);
        }
        assert_eq!(
            flags.iter().fold(Flags::EMPTY, |a, f| a | f),
            flags,
            "{text}"
        );
    }
}

#[test]
fn flags_word_round_trips_all_4096_values() {
    for word in 0..0x1000u16 {
        let (flags, reserved) = Flags::from_word12(word);
        assert_eq!(flags.to_word12(reserved), word);
        assert_eq!(flags.bits(), word & 0x1ff);
        assert_eq!(reserved, (word >> 9) as u8);
        // The same bits sit in the header's bytes 12 (low nibble) and 13.
        let mut header = TcpHeader::builder().build().unwrap();
        header.set_flags_word(word);
        assert_eq!(header.flags_word(), word);
        let bytes = header.to_bytes().unwrap();
        assert_eq!(
            u16::from_be_bytes([bytes[12], bytes[13]]) & 0x0fff,
            word,
            "{word:#05x}"
        );
        assert_eq!(header.flags, flags);
    }
    // Bits above the 12 are ignored.
    assert_eq!(Flags::from_word12(0xf012), (Flags::SYN | Flags::ACK, 0));
}

#[test]
fn flags_are_the_set_of_control_flags_from_the_wire() {
    // A real SYN/ACK with ECE: byte 13 = 0x52.
    let mut bytes = vec![0u8; 20];
    bytes[12] = 0x50;
    bytes[13] = 0x52;
    let header = TcpHeader::parse(&bytes).unwrap();
    assert_eq!(header.flags, Flags::SYN | Flags::ACK | Flags::ECE);
    assert!(header.flags.contains(Flags::SYN));
    assert_eq!(header.flags.to_string(), "SYN|ACK|ECE");
    // AE (the former NS) is in byte 12's low bit; pcapkit leaves it out of its flag view, tcpwire keeps it.
    bytes[12] = 0x51;
    assert!(TcpHeader::parse(&bytes).unwrap().flags.ae());
}

#[test]
fn port_names_are_the_iana_ones() {
    let cases = [
        (7, Some("echo")),
        (20, Some("ftp-data")),
        (21, Some("ftp")),
        (22, Some("ssh")),
        (23, Some("telnet")),
        (25, Some("smtp")),
        (53, Some("domain")),
        (80, Some("http")),
        (110, Some("pop3")),
        (143, Some("imap")),
        (179, Some("bgp")),
        (443, Some("https")),
        (993, Some("imaps")),
        (1433, Some("ms-sql-s")),
        // IANA's, not Oracle's (which is what people run there).
        (1521, Some("ncube-lm")),
        (3306, Some("mysql")),
        (3389, Some("ms-wbt-server")),
        (5060, Some("sip")),
        (5432, Some("postgresql")),
        (6379, Some("redis")),
        // A registered range names every port in it.
        (6000, Some("x11")),
        (6063, Some("x11")),
        (8080, Some("http-alt")),
        (8443, Some("pcsync-https")),
        (27017, Some("mongodb")),
        // Reserved, unassigned, UDP-only: none.
        (0, None),
        (4, None),
        (15, None),
        (6067, None),
        (65535, None),
    ];
    for (port, name) in cases {
        assert_eq!(service_name(port), name, "port {port}");
        assert_eq!(Port(port).service_name(), name);
        let shown = Port(port).to_string();
        match name {
            Some(n) => assert_eq!(shown, format!("{port} ({n})")),
            None => assert_eq!(shown, port.to_string()),
        }
    }
    assert_eq!(serde_json::to_string(&Port(443)).unwrap(), "443");
    assert!(Port(1023).is_system() && !Port(1024).is_system());
}

#[test]
fn port_names_agree_with_the_system_services_file() {
    // Debian's netbase /etc/services is derived from the IANA registry too, with local
    // additions: every port both have must carry the IANA name among the file's names, except
    // where netbase deliberately differs (names it keeps for historic services).
    let Ok(text) = std::fs::read_to_string("/etc/services") else {
        eprintln!("SKIPPED: no /etc/services");
        return;
    };
    let (mut agree, mut differ) = (0, Vec::new());
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(spec) = fields.get(1) else { continue };
        let Some(port) = spec.strip_suffix("/tcp") else {
            continue;
        };
        let port: u16 = port.parse().unwrap();
        if port >= 1024 {
            continue;
        }
        let mut names = vec![fields[0]];
        names.extend(&fields[2..]);
        if let Some(ours) = service_name(port) {
            if names.contains(&ours) {
                agree += 1;
            } else {
                differ.push((port, names.join(" "), ours));
            }
        }
    }
    eprintln!("system ports agreeing with /etc/services: {agree}; differing: {differ:?}");
    assert!(agree >= 60, "only {agree} agree");
    assert!(differ.len() * 10 < agree, "too many differ: {differ:?}");
}
