//! Differential test: tcpwire's decoding against Wireshark's (tshark 4.0), segment by segment,
//! over every capture in `corpus/`, `corpus/handmade/` and `../shared/corpus-public/`.
//!
//! Wireshark's view comes from `../shared/tools/tshark_oracle.sh`, which keeps repeated options
//! (plain `tshark -T json` drops them). Compared: the fixed header fields, the sequence of option
//! kinds and their offsets, and every decoded option value Wireshark shows. Where Wireshark is
//! known to be wrong (`tcp-wire-formats.md`, "Known traps"), the difference is counted under a
//! named case; every other difference fails the test.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use tcpwire::option::{
    Cc, CcEcho, CcNew, Echo, EchoReply, Experiment, ExperimentalFastOpen, FastOpen, Malformed,
    Md5Signature, Mss, QuickStartResponse, Sack, TcpAo, Timestamps, UserTimeout, WindowScale,
};

use serde_json::Value;
use tcpwire::{TcpHeader, TcpOption};

/// Runs the oracle over a capture: one JSON object per TCP segment.
fn oracle(capture: &Path, script: &Path) -> Vec<Value> {
    let out = Command::new("bash")
        .arg(script)
        .arg(capture)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "oracle failed on {}: {}",
        capture.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("oracle JSON line"))
        .collect()
}

/// An integer as tshark prints it: decimal or `0x` hex.
fn int(s: &str) -> Option<u128> {
    match s.strip_prefix("0x") {
        Some(h) => u128::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// Bytes as tshark prints them (`aa:bb:cc`), as plain lowercase hex.
fn bytes(s: &str) -> String {
    s.replace(':', "").to_lowercase()
}

/// The outcome of the comparison: counts, and differences by name.
#[derive(Default)]
struct Report {
    segments: usize,
    fields: usize,
    explained: BTreeMap<&'static str, usize>,
    unexplained: Vec<String>,
    not_found_by_reader: Vec<String>,
}

/// One comparison of a decoded value, with the known Wireshark quirk that explains a
/// difference, if any.
struct Cmp<'a> {
    report: &'a mut Report,
    at: String,
}

impl Cmp<'_> {
    fn eq(&mut self, field: &str, ours: impl ToString, theirs: Option<impl ToString>) {
        self.report.fields += 1;
        let ours = ours.to_string();
        let theirs = theirs.map(|t| t.to_string());
        if theirs.as_deref() != Some(ours.as_str()) {
            self.report.unexplained.push(format!(
                "{}: {field}: tcpwire {ours:?}, wireshark {theirs:?}",
                self.at
            ));
        }
    }

    fn explained(&mut self, case: &'static str) {
        *self.report.explained.entry(case).or_default() += 1;
    }
}

/// The values of one Wireshark field in an option (or the header), in order.
fn field<'v>(fields: &'v Value, name: &str) -> Vec<&'v str> {
    fields
        .get(name)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn first<'v>(fields: &'v Value, name: &str) -> Option<&'v str> {
    field(fields, name).first().copied()
}

fn first_int(fields: &Value, name: &str) -> Option<u128> {
    first(fields, name).and_then(int)
}

/// Compares the fixed header.
fn compare_header(c: &mut Cmp<'_>, h: &TcpHeader, ws: &Value) {
    c.eq("src_port", h.src_port, first_int_str(ws, "tcp.srcport"));
    c.eq("dst_port", h.dst_port, first_int_str(ws, "tcp.dstport"));
    c.eq("seq", h.seq, first_int_str(ws, "tcp.seq_raw"));
    c.eq("ack_number", h.ack_number, first_int_str(ws, "tcp.ack_raw"));
    c.eq(
        "header_len",
        h.header_len(),
        first_int_str(ws, "tcp.hdr_len"),
    );
    // The 12 bits: reserved, AE and the eight classic flags.
    let word = (u16::from(h.reserved) << 9) | h.flags.bits();
    c.eq("flags (12 bits)", word, first_int_str(ws, "tcp.flags"));
    // Wireshark 4.0 shows the 3 reserved bits as one boolean (set when any is set).
    c.eq(
        "reserved (any set)",
        u8::from(h.reserved != 0),
        first_int_str(ws, "tcp.flags.res"),
    );
    if ws.get("tcp.flags.ae").is_some() {
        c.eq(
            "ae",
            u8::from(h.flags.ae()),
            first_int_str(ws, "tcp.flags.ae"),
        );
    } else {
        // Once AccECN is negotiated Wireshark shows AE, CWR and ECE as the 3-bit ACE counter.
        let ace = (u8::from(h.flags.ae()) << 2)
            | (u8::from(h.flags.cwr()) << 1)
            | u8::from(h.flags.ece());
        c.eq("ace", ace, first_int_str(ws, "tcp.flags.ace"));
    }
    c.eq(
        "window",
        h.window,
        first_int_str(ws, "tcp.window_size_value"),
    );
    c.eq("checksum", h.checksum, first_int_str(ws, "tcp.checksum"));
    c.eq(
        "urgent_pointer",
        h.urgent_pointer,
        first_int_str(ws, "tcp.urgent_pointer"),
    );
}

/// A header field (plain string values in the oracle's `header` object) as an integer.
fn first_int_str(ws: &Value, name: &str) -> Option<u128> {
    ws.get(name).and_then(Value::as_str).and_then(int)
}

/// Compares the decoded values of one option that both sides decoded.
fn compare_option(c: &mut Cmp<'_>, ours: &TcpOption, f: &Value) {
    match ours {
        TcpOption::Mss(Mss { mss }) => c.eq("mss", mss, first_int(f, "tcp.options.mss_val")),
        TcpOption::WindowScale(WindowScale { shift }) => {
            c.eq("shift", shift, first_int(f, "tcp.options.wscale.shift"))
        }
        TcpOption::Sack(Sack { blocks }) => {
            let le: Vec<u128> = field(f, "tcp.options.sack_le")
                .iter()
                .filter_map(|s| int(s))
                .collect();
            let re: Vec<u128> = field(f, "tcp.options.sack_re")
                .iter()
                .filter_map(|s| int(s))
                .collect();
            let ours_le: Vec<u128> = blocks.iter().map(|b| u128::from(b.left)).collect();
            let ours_re: Vec<u128> = blocks.iter().map(|b| u128::from(b.right)).collect();
            c.eq(
                "sack left edges",
                format!("{ours_le:?}"),
                Some(format!("{le:?}")),
            );
            c.eq(
                "sack right edges",
                format!("{ours_re:?}"),
                Some(format!("{re:?}")),
            );
        }
        TcpOption::Echo(Echo { info }) | TcpOption::EchoReply(EchoReply { info }) => {
            c.eq("echo", info, first_int(f, "tcp.options.echo_value"))
        }
        TcpOption::Timestamps(Timestamps { tsval, tsecr }) => {
            c.eq("tsval", tsval, first_int(f, "tcp.options.timestamp.tsval"));
            c.eq("tsecr", tsecr, first_int(f, "tcp.options.timestamp.tsecr"));
        }
        TcpOption::Cc(Cc { count })
        | TcpOption::CcNew(CcNew { count })
        | TcpOption::CcEcho(CcEcho { count }) => {
            c.eq("cc", count, first_int(f, "tcp.options.cc_value"))
        }
        TcpOption::Md5Signature(Md5Signature { digest }) => c.eq(
            "md5 digest",
            tcpwire::to_hex(digest),
            first(f, "tcp.options.md5.digest").map(bytes),
        ),
        TcpOption::QuickStartResponse(QuickStartResponse {
            rate_request,
            ttl_diff,
            ..
        }) => {
            c.eq("qs rate", rate_request, first_int(f, "tcp.options.qs.rate"));
            c.eq(
                "qs ttl_diff",
                ttl_diff,
                first_int(f, "tcp.options.qs.ttl_diff"),
            );
        }
        TcpOption::UserTimeout(UserTimeout {
            granularity,
            timeout,
        }) => {
            let g = u8::from(matches!(granularity, tcpwire::Granularity::Minutes));
            c.eq(
                "user timeout granularity",
                g,
                first_int(f, "tcp.options.user_to_granularity"),
            );
            c.eq(
                "user timeout",
                timeout,
                first_int(f, "tcp.options.user_to_val"),
            );
        }
        TcpOption::TcpAo(TcpAo {
            key_id,
            rnext_key_id,
            mac,
        }) => {
            c.eq("ao key id", key_id, first_int(f, "tcp.options.ao.keyid"));
            c.eq(
                "ao rnext key id",
                rnext_key_id,
                first_int(f, "tcp.options.ao.rnextkeyid"),
            );
            // Wireshark adds no MAC field for an empty MAC (length 4).
            c.eq(
                "ao mac",
                mac,
                first(f, "tcp.options.ao.mac")
                    .map(bytes)
                    .or_else(|| mac.is_empty().then(String::new)),
            );
        }
        TcpOption::FastOpen(FastOpen { cookie })
        | TcpOption::ExperimentalFastOpen(ExperimentalFastOpen { cookie, .. }) => {
            if cookie.is_empty() {
                c.eq(
                    "tfo request",
                    true,
                    Some(f.get("tcp.options.tfo.request").is_some()),
                );
            } else {
                c.eq(
                    "tfo cookie",
                    cookie,
                    first(f, "tcp.options.tfo.cookie").map(bytes),
                );
            }
            if let TcpOption::ExperimentalFastOpen(_) = ours {
                c.eq(
                    "exid",
                    tcpwire::EXID_FAST_OPEN,
                    first_int(f, "tcp.options.experimental.exid"),
                );
            }
        }
        TcpOption::AccEcnOrder0(n) | TcpOption::AccEcnOrder1(n) => {
            c.eq(
                "ee0b",
                format!("{:?}", n.ee0b),
                Some(format!("{:?}", first_int(f, "tcp.options.acc_ecn.ee0b"))),
            );
            c.eq(
                "eceb",
                format!("{:?}", n.eceb),
                Some(format!("{:?}", first_int(f, "tcp.options.acc_ecn.eceb"))),
            );
            c.eq(
                "ee1b",
                format!("{:?}", n.ee1b),
                Some(format!("{:?}", first_int(f, "tcp.options.acc_ecn.ee1b"))),
            );
        }
        TcpOption::Experiment(Experiment { exid, data, .. }) => {
            c.eq("exid", exid, first_int(f, "tcp.options.experimental.exid"));
            match *exid {
                // AccECN draft ExIDs: Wireshark decodes the counters (EE0B, ECEB, EE1B order).
                0xacc0 | 0xacc1 => {
                    let names = [
                        "tcp.options.acc_ecn.ee0b",
                        "tcp.options.acc_ecn.eceb",
                        "tcp.options.acc_ecn.ee1b",
                    ];
                    for (chunk, name) in data.chunks(3).zip(names) {
                        let v = chunk.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
                        c.eq(name, v, first_int(f, name));
                    }
                }
                _ => {
                    if let Some(d) = first(f, "tcp.options.experimental.data") {
                        c.eq("experiment data", data, Some(bytes(d)));
                    }
                }
            }
        }
        TcpOption::Mptcp(_) => compare_mptcp(c, ours, f),
        _ => {
            // Kinds Wireshark shows as raw payload (POC, alternate checksum, ENO, unknown).
            if let Some(p) = first(f, "tcp.options.unknown.payload") {
                let encoded = ours.to_bytes().unwrap_or_default();
                c.eq(
                    "payload",
                    tcpwire::to_hex(encoded.get(2..).unwrap_or_default()),
                    Some(bytes(p)),
                );
            }
        }
    }
}

/// A hex string of ours as the number Wireshark prints for the same bytes.
fn hex_number(v: &Value) -> Option<u128> {
    v.as_str().and_then(|h| u128::from_str_radix(h, 16).ok())
}

/// A JSON boolean of ours as Wireshark's 0/1.
fn bit(v: &Value) -> Option<u128> {
    v.as_bool().map(u128::from)
}

/// A number of ours, which 64-bit values carry as decimal strings.
fn number(v: &Value) -> Option<u128> {
    v.as_u64()
        .map(u128::from)
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// MPTCP: every field Wireshark decodes, through tcpwire's JSON names (`src/mptcp.rs` table).
fn compare_mptcp(c: &mut Cmp<'_>, ours: &TcpOption, f: &Value) {
    let j = serde_json::to_value(ours).expect("JSON of an option");
    let m = |name: &str| format!("tcp.options.mptcp.{name}");
    c.eq(
        "mptcp subtype",
        &j["subtype"],
        f.get(m("subtype"))
            .and_then(|v| v[0].as_str())
            .and_then(int)
            .map(|n| n.to_string())
            .map(|s| Value::from(s.parse::<u64>().unwrap_or(999))),
    );
    let pair = |c: &mut Cmp<'_>, what: &str, ours: Option<u128>, field: &str| {
        c.eq(
            what,
            format!("{ours:?}"),
            Some(format!("{:?}", first_int(f, &m(field)))),
        );
    };
    match j["mptcp"].as_str().unwrap_or_default() {
        "mp_capable" => {
            pair(c, "version", number(&j["version"]), "version");
            let fl = &j["flags"];
            pair(
                c,
                "checksum_required",
                bit(&fl["checksum_required"]),
                "checksumreq.flags",
            );
            pair(
                c,
                "extensibility",
                bit(&fl["extensibility"]),
                "extensibility.flag",
            );
            // Wireshark names the flag bits as in v1 for version 1 only, and as in v0 for every
            // other version (2..=15 have no specification; tcpwire reads them with v1's names):
            // bit H is the same bit under either name.
            if j["version"] != 1 {
                pair(c, "hmac (sha1)", bit(&fl["hmac_sha256"]), "sha1.flag");
            } else {
                pair(c, "hmac_sha256", bit(&fl["hmac_sha256"]), "sha256.flag");
                pair(
                    c,
                    "no_subflows_to_source",
                    bit(&fl["no_subflows_to_source"]),
                    "nomoresubflows.flag",
                );
            }
            pair(c, "sender_key", hex_number(&j["sender_key"]), "sendkey");
            pair(c, "receiver_key", hex_number(&j["receiver_key"]), "recvkey");
            pair(
                c,
                "data_level_length",
                number(&j["data_level_length"]),
                "datalvllen",
            );
            pair(c, "checksum", number(&j["checksum"]), "checksum");
        }
        "mp_join" => {
            pair(c, "address_id", number(&j["address_id"]), "addrid");
            if j["form"] != "ack" {
                pair(c, "backup", bit(&j["backup"]), "backup.flag");
                pair(
                    c,
                    "sender_random",
                    hex_number(&j["sender_random"]),
                    "sendrand",
                );
            }
            pair(
                c,
                "receiver_token",
                hex_number(&j["receiver_token"]),
                "recvtok",
            );
            pair(
                c,
                "sender_truncated_hmac",
                hex_number(&j["sender_truncated_hmac"]),
                "sendtrunchmac",
            );
            if j["form"] == "ack" {
                pair(c, "reserved", number(&j["reserved"]), "reserved");
                c.eq(
                    "sender_hmac",
                    j["sender_hmac"].as_str().unwrap_or_default(),
                    first(f, &m("sendhmac")).map(bytes),
                );
            }
        }
        "dss" => {
            pair(c, "data_fin", bit(&j["data_fin"]), "datafin.flag");
            pair(c, "dsn_8_bytes", bit(&j["dsn_8_bytes"]), "dseqn8.flag");
            pair(
                c,
                "data_ack_8_bytes",
                bit(&j["data_ack_8_bytes"]),
                "dataack8.flag",
            );
            pair(
                c,
                "data ack present",
                Some(u128::from(!j["data_ack"].is_null())),
                "dataackpresent.flag",
            );
            pair(
                c,
                "mapping present",
                Some(u128::from(!j["mapping"].is_null())),
                "dseqnpresent.flag",
            );
            pair(c, "data_ack", number(&j["data_ack"]), "rawdataack");
            let map = &j["mapping"];
            pair(c, "dsn", number(&map["dsn"]), "rawdataseqno");
            pair(
                c,
                "subflow_seq",
                number(&map["subflow_seq"]),
                "subflowseqno",
            );
            pair(
                c,
                "data_level_length",
                number(&map["data_level_length"]),
                "datalvllen",
            );
            if !map["checksum"].is_null() && f.get(m("checksum")).is_none() {
                c.explained("DSS checksum: Wireshark 4.0 never shows a 2-byte DSS checksum");
            } else {
                pair(c, "dss checksum", number(&map["checksum"]), "checksum");
            }
        }
        "add_addr" => {
            if j["version"] == 0 {
                let ipver = if j["address"].as_str().unwrap_or_default().contains(':') {
                    6
                } else {
                    4
                };
                pair(c, "ip version", Some(ipver), "ipver");
            } else if f.get(m("echo")).is_none() && f.get(m("ipver")).is_some() {
                // v1 with reserved bits that make the nibble 4 or 6 (e.g. length 16): RFC 8684
                // reads 3 reserved bits and E, and RFC 6824 has no such length; Wireshark takes
                // the nibble as the v0 IP version whatever the length.
                c.explained(
                    "ADD_ADDR v1 whose reserved bits make the nibble 4 or 6: Wireshark 4.0 shows the nibble as the v0 IP version",
                );
            } else {
                pair(c, "echo", bit(&j["echo"]), "echo");
            }
            pair(c, "address_id", number(&j["address_id"]), "addrid");
            let addr = first(f, &m("ipv4")).or_else(|| first(f, &m("ipv6")));
            c.eq("address", j["address"].as_str().unwrap_or_default(), addr);
            pair(c, "port", number(&j["port"]), "port");
            pair(
                c,
                "truncated_hmac",
                hex_number(&j["truncated_hmac"]),
                "addaddrtrunchmac",
            );
        }
        "remove_addr" => {
            let ours: Vec<u128> = j["address_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(number)
                .collect();
            let theirs: Vec<u128> = field(f, &m("addrid"))
                .iter()
                .filter_map(|s| int(s))
                .collect();
            c.eq(
                "address_ids",
                format!("{ours:?}"),
                Some(format!("{theirs:?}")),
            );
        }
        "mp_prio" => {
            pair(c, "backup", bit(&j["backup"]), "backup.flag");
            pair(c, "address_id", number(&j["address_id"]), "addrid");
        }
        "mp_fail" => pair(c, "dsn", number(&j["dsn"]), "rawdataseqno"),
        "mp_fastclose" => pair(c, "receiver_key", hex_number(&j["receiver_key"]), "recvkey"),
        "mp_tcprst" => {
            let reserved = number(&j["reserved"]).unwrap_or(0);
            pair(c, "U", Some(reserved >> 2 & 1), "flag_U.flag");
            pair(c, "V", Some(reserved >> 1 & 1), "flag_V.flag");
            pair(c, "W", Some(reserved & 1), "flag_W.flag");
            pair(c, "transient", bit(&j["transient"]), "flag_T.flag");
            let reason = ours_reason(&j["reason"]);
            pair(c, "reason", reason, "rst_reason");
        }
        _ => {}
    }
}

/// The MP_TCPRST reason as its number (the JSON holds the name of a known reason).
fn ours_reason(v: &Value) -> Option<u128> {
    if let Some(n) = v.as_u64() {
        return Some(u128::from(n));
    }
    let name = v.as_str()?;
    tcpwire::TcpRstReason::KNOWN
        .iter()
        .find(|r| r.name() == name)
        .map(|r| u128::from(r.value()))
}

/// Wireshark's name for option `kind` when it dissects it on its own, else None (generic).
fn ws_proto(kind: u8) -> &'static str {
    match kind {
        0 => "tcp.options.eol",
        1 => "tcp.options.nop",
        2 => "tcp.options.mss",
        3 => "tcp.options.wscale",
        4 => "tcp.options.sack_perm",
        5 => "tcp.options.sack",
        8 => "tcp.options.timestamp",
        19 => "tcp.options.md5",
        27 => "tcp.options.qs",
        28 => "tcp.options.user_to",
        29 => "tcp.options.ao",
        30 => "mptcp",
        34 => "tcp.options.tfo",
        _ => "",
    }
}

/// Compares one segment's header and options.
fn compare_segment(report: &mut Report, at: String, raw: &[u8], ws: &Value) {
    let header = match TcpHeader::parse_lossless(raw) {
        Ok(h) => h,
        Err(
            e @ (tcpwire::Error::DataOffsetBeyondInput { .. } | tcpwire::Error::TooShort { .. }),
        ) => {
            // The data offset points past the captured bytes (or past the IP datagram):
            // tcpwire makes no header value from part of a header; Wireshark shows the options
            // before the cut.
            let mut c = Cmp {
                report,
                at: at.clone(),
            };
            c.explained(
                "header cut short: tcpwire needs the whole header, Wireshark shows a partial one",
            );
            eprintln!("{at}: {e}");
            return;
        }
        Err(e) => {
            report
                .unexplained
                .push(format!("{at}: tcpwire cannot parse the header: {e}"));
            return;
        }
    };
    report.segments += 1;
    let mut c = Cmp {
        report,
        at: at.clone(),
    };
    compare_header(&mut c, &header, &ws["header"]);

    // Our options with their offsets, then the zero padding bytes Wireshark shows as EOLs.
    let mut ours: Vec<(usize, &TcpOption)> = Vec::new();
    let mut pos = 20;
    for o in &header.options {
        ours.push((pos, o));
        pos += o.encoded_len();
    }
    let ws_opts = ws["options"].as_array().cloned().unwrap_or_default();
    let mut ws_iter = ws_opts.iter().peekable();
    for (pos, o) in &ours {
        c.at = format!("{at} option at {pos} (kind {})", o.kind());
        if let TcpOption::Malformed(Malformed { reason, .. }) = o {
            if reason.is_framing() {
                // Wireshark shows no option item for a broken frame (an expert only) and stops.
                let theirs = ws_iter.peek().and_then(|w| w["pos"].as_u64());
                if theirs == Some(*pos as u64) {
                    let w = ws_iter.next().unwrap();
                    c.eq("malformed option kind", o.kind(), w["kind"].as_u64());
                    c.explained("framing error: Wireshark shows a partial item");
                } else {
                    c.explained("framing error: Wireshark shows only an expert note");
                }
                break;
            }
        }
        let Some(w) = ws_iter.next() else {
            let after_malformed = header
                .options
                .iter()
                .take_while(|x| !std::ptr::eq(*x, *o))
                .any(TcpOption::is_malformed);
            if ws["malformed"] == true && after_malformed {
                c.explained("Wireshark throws on a malformed option and shows nothing after it");
            } else {
                c.report
                    .unexplained
                    .push(format!("{}: Wireshark shows no option here", c.at));
            }
            break;
        };
        c.eq("option offset", pos, w["pos"].as_u64());
        c.eq("option kind", o.kind(), w["kind"].as_u64());
        if o.kind() as u64 != w["kind"].as_u64().unwrap_or(999) {
            break;
        }
        let f = &w["fields"];
        match o {
            TcpOption::Malformed(_) => {
                // A length its RFC does not allow: Wireshark shows the item with an expert note.
                c.explained("length its RFC does not allow: tcpwire keeps the option as malformed (Wireshark flags some, not all); values not compared");
            }
            TcpOption::Snack(_) if w["proto"] == "tcp.options.snack" => {
                // Its dissector reads the ACK number at offset 8 of the 6-byte option and
                // throws, so no field of a valid SNACK ever reaches the output.
                c.explained("SNACK (kind 21): Wireshark 4.0 throws on a valid 6-byte option");
            }
            _ => {
                let expected = ws_proto(o.kind());
                if !expected.is_empty() {
                    c.eq("wireshark dissector", expected, w["proto"].as_str());
                }
                compare_option(&mut c, o, f)
            }
        }
    }
    // After an EOL Wireshark shows each zero padding byte as an EOL item, up to a non-zero one.
    if matches!(header.options.last(), Some(TcpOption::Eol)) {
        for (i, b) in header.padding.iter().enumerate() {
            if *b != 0 {
                c.explained("non-zero padding after EOL: Wireshark stops showing items");
                break;
            }
            let at_pos = 20 + header.options_len() - header.padding.len() + i;
            match ws_iter.next() {
                Some(w)
                    if w["kind"].as_u64() == Some(0)
                        && w["pos"].as_u64() == Some(at_pos as u64) =>
                {
                    c.report.fields += 1
                }
                other => {
                    c.report.unexplained.push(format!(
                        "{at}: padding byte at {at_pos}: Wireshark shows {other:?}"
                    ));
                    break;
                }
            }
        }
    }
    for w in ws_iter {
        c.report.unexplained.push(format!(
            "{at}: Wireshark shows an extra option {} at {}",
            w["kind"], w["pos"]
        ));
    }
}

fn compare_capture(report: &mut Report, path: &Path, script: &Path) {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    // Our capture reader must find the same TCP bytes for each frame.
    let mut ours: HashMap<u64, Vec<u8>> = HashMap::new();
    common::for_each_tcp(path, |frame, tcp| {
        ours.insert(frame.number, tcp.segment.to_vec());
    });
    for ws in oracle(path, script) {
        let frame = ws["frame"].as_u64().unwrap_or(0);
        let at = format!("{name} frame {frame}");
        let theirs =
            tcpwire::from_hex(ws["tcp_hdr_hex"].as_str().unwrap_or_default()).expect("oracle hex");
        let raw = match ours.get(&frame) {
            Some(seg) if seg.starts_with(&theirs) => seg.clone(),
            Some(seg) if theirs.starts_with(seg) => {
                *report
                    .explained
                    .entry("Wireshark reads the TCP header past the end of the IP datagram")
                    .or_default() += 1;
                seg.clone()
            }
            Some(_) => {
                report
                    .unexplained
                    .push(format!("{at}: our capture reader found other TCP bytes"));
                continue;
            }
            None => {
                report.not_found_by_reader.push(at.clone());
                theirs
            }
        };
        compare_segment(report, at, &raw, &ws);
    }
}

fn capture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("corpus"), root.join("corpus/handmade")];
    dirs.extend(common::public_corpus());
    dirs
}

#[test]
fn tcpwire_agrees_with_wireshark_on_every_segment() {
    if !common::tshark_available() {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/tshark_oracle.sh");
    if !script.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} missing in CI",
            script.display()
        );
        eprintln!("SKIPPED: {} not found", script.display());
        return;
    }
    let mut report = Report::default();
    let mut files = 0;
    for dir in capture_dirs() {
        if !dir.is_dir() {
            continue;
        }
        for path in common::captures_in(&dir) {
            compare_capture(&mut report, &path, &script);
            files += 1;
        }
    }
    eprintln!(
        "compared {} segments in {files} captures, {} fields; explained differences: {:?}",
        report.segments, report.fields, report.explained
    );
    if !report.not_found_by_reader.is_empty() {
        eprintln!(
            "frames Wireshark decodes as TCP that our reader skips: {:?}",
            report.not_found_by_reader
        );
    }
    assert!(
        report.segments > 3000,
        "too few segments compared: {}",
        report.segments
    );
    assert!(
        report.unexplained.is_empty(),
        "{} unexplained differences, first ones:\n{}",
        report.unexplained.len(),
        report
            .unexplained
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
