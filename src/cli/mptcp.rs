//! `tcpwire mptcp`: one record per Multipath TCP connection of captures, and the per-segment
//! annotations of `tcpwire pcap --analyze`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;
use tcpwire::analysis::mptcp::{
    Annotation, ConnectionSummary, MptcpAnalyzer, Segment as MptcpSegment, Verdict, VerdictCounts,
};
use tcpwire::capture::{find_tcp, Decapsulated, Frame};
use tcpwire::flow::Endpoint;
use tcpwire::harness::Skipped;
use tcpwire::ParseMode;

use super::input::{captures, WalkError};
use super::{stdout, write_json_line, Exit};
use tcpwire::capture::{examine, CapturedSegment, Examined, SegmentError};

/// Arguments of `tcpwire mptcp`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Capture files (pcap, pcapng, gzip-compressed either way); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A readable table instead of NDJSON (the default when standard output is a terminal).
    #[arg(long)]
    pub table: bool,
}

const AFTER_HELP: &str = "\
Output: one JSON object per MPTCP connection (NDJSON), in order of first appearance, each file
on its own: \"connection\", \"version\", \"checksums\", keys, tokens and IDSNs of both hosts
(\"client\" opened the connection), \"subflows\" (flow ids as in `pcap --analyze`, endpoints,
address IDs, backup flags, bytes, MP_JOIN HMAC verdicts), \"addresses\" (ADD_ADDR and
REMOVE_ADDR in order, with HMAC verdicts), \"verdicts\" (counts of ok, bad and unknown_key for
MP_JOIN HMACs, ADD_ADDR HMACs, DSS checksums, MP_FASTCLOSE keys), \"events\" (counts), and
\"fallback\" when the connection fell back to TCP. With several files, each record has \"file\".

Exit code: 0 when every verdict is ok or unknown_key; 1 when any is bad or a frame could not be
read; 2 when an input cannot be read or is not a capture.

Examples:
  tcpwire mptcp corpus/mptcp-ipv4-multipath.pcap --table
  tcpwire pcap --analyze capture.pcap | jq -c 'select(.mptcp.join_hmac == \"bad\")'";

/// A connection's record with the file it came from.
#[derive(Serialize)]
struct Record<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(flatten)]
    summary: &'a ConnectionSummary,
}

/// The analysis's view of a segment that `pcap` examined.
pub fn annotate(
    analyzer: &mut MptcpAnalyzer,
    frame: &Frame,
    segment: &CapturedSegment<'_>,
) -> Option<Annotation> {
    let payload = segment.payload();
    analyzer.segment(&MptcpSegment {
        frame: frame.number,
        time_ns: time_ns(frame),
        src: Endpoint::new(segment.tcp.src, segment.header.src_port),
        dst: Endpoint::new(segment.tcp.dst, segment.header.dst_port),
        header: &segment.header,
        payload,
        payload_len: segment.payload_len,
    })
}

/// Files a segment whose options the capture cut, by its fixed header.
fn annotate_cut(analyzer: &mut MptcpAnalyzer, frame: &Frame) {
    let Decapsulated::Tcp(tcp) = find_tcp(frame.linktype, &frame.data) else {
        return;
    };
    let Some(header) = tcpwire::flow::fixed_header(tcp.segment) else {
        return;
    };
    let payload_len = tcp
        .declared_len
        .saturating_sub(usize::from(tcp.segment.get(12).map_or(5, |b| b >> 4)) * 4);
    analyzer.segment(&MptcpSegment {
        frame: frame.number,
        time_ns: time_ns(frame),
        src: Endpoint::new(tcp.src, header.src_port),
        dst: Endpoint::new(tcp.dst, header.dst_port),
        header: &header,
        payload: &[],
        payload_len,
    });
}

fn time_ns(frame: &Frame) -> u64 {
    frame
        .timestamp
        .0
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::from(frame.timestamp.1))
}

/// Runs `tcpwire mptcp`.
pub fn run(args: &Args) -> io::Result<Exit> {
    let inputs = match captures(&args.files) {
        Ok(inputs) => inputs,
        Err(e) => {
            super::warn(&format!("tcpwire mptcp: {e}"));
            return Ok(Exit::BadInput);
        }
    };
    let table = args.table || io::stdout().is_terminal();
    let several = inputs.len() > 1;
    let mut out = stdout();
    let mut exit = Exit::Ok;
    for input in &inputs {
        let name = input.name();
        let mut analyzer = MptcpAnalyzer::default();
        let mut skipped = Skipped::default();
        let mut errors = 0u64;
        let mut done = Vec::new();
        let walked = input.walk(|item| {
            let frame = match item {
                Ok(frame) => frame,
                Err(bad) => {
                    // A record the reader passes over: said, and reading goes on.
                    errors += 1;
                    super::warn(&format!("tcpwire mptcp: {name}: {bad}"));
                    return Ok(());
                }
            };
            match examine(frame, ParseMode::Lossless) {
                Examined::Segment(segment) => {
                    annotate(&mut analyzer, frame, &segment);
                    done.extend(analyzer.take_finished());
                }
                Examined::Error(e) => {
                    // A header cut by the snap length still belongs to a connection.
                    if let SegmentError::CutShort(_) = e {
                        annotate_cut(&mut analyzer, frame);
                    }
                    errors += 1;
                    super::warn(&format!(
                        "tcpwire mptcp: {name}: frame {}: {}",
                        frame.number,
                        e.message()
                    ));
                }
                Examined::Skipped(reason) => skipped.count(reason),
            }
            Ok(())
        });
        match walked {
            Ok(None) => {}
            Ok(Some(read_error)) => {
                errors += 1;
                super::warn(&format!("tcpwire mptcp: {name}: {read_error}"));
            }
            Err(WalkError::Open(message)) => {
                super::warn(&format!("tcpwire mptcp: {message}"));
                exit.raise(Exit::BadInput);
                continue;
            }
            Err(WalkError::Output(e)) => return Err(e),
        }
        done.extend(analyzer.finish());
        done.sort_by_key(|c| c.connection);
        if errors > 0 || done.iter().any(has_bad) {
            exit.raise(Exit::Findings);
        }
        if table {
            if several {
                writeln!(out, "{name}")?;
            }
            write_table(&mut out, &done)?;
        } else {
            let file = several.then_some(name.as_str());
            for summary in &done {
                write_json_line(&mut out, &Record { file, summary })?;
            }
        }
        out.flush()?;
        super::warn(&format!(
            "tcpwire mptcp: {name}: {} MPTCP connections, {errors} unreadable frames",
            done.len()
        ));
    }
    out.flush()?;
    Ok(exit)
}

fn has_bad(c: &ConnectionSummary) -> bool {
    let v = &c.verdicts;
    v.join_hmac.bad + v.add_addr_hmac.bad + v.dss_checksum.bad + v.fastclose_key.bad > 0
}

/// `ok/bad/unknown_key` counts as `3/0/0`, or `-` when there are none.
fn counts(c: &VerdictCounts) -> String {
    if c.ok + c.bad + c.unknown_key == 0 {
        "-".into()
    } else {
        format!("{}/{}/{}", c.ok, c.bad, c.unknown_key)
    }
}

fn verdict(v: Option<Verdict>) -> &'static str {
    v.map_or("-", Verdict::name)
}

fn write_table(out: &mut impl Write, conns: &[ConnectionSummary]) -> io::Result<()> {
    if conns.is_empty() {
        return writeln!(out, "no MPTCP connections");
    }
    for c in conns {
        let e = &c.events;
        writeln!(
            out,
            "connection {}  {}{}  tokens client {} server {}  frames {}-{}{}",
            c.connection,
            c.version
                .map_or("version unknown".into(), |v| format!("v{}", v.number())),
            if c.checksums { "  checksums" } else { "" },
            c.client_token.map_or("-".into(), |t| format!("{t:08x}")),
            c.server_token.map_or("-".into(), |t| format!("{t:08x}")),
            c.first_frame,
            c.last_frame,
            c.fallback
                .map_or(String::new(), |f| format!("  fallback: {f:?}")),
        )?;
        writeln!(
            out,
            "  verdicts ok/bad/unknown_key: MP_JOIN HMAC {}  ADD_ADDR HMAC {}  DSS checksum {}  MP_FASTCLOSE key {}",
            counts(&c.verdicts.join_hmac),
            counts(&c.verdicts.add_addr_hmac),
            counts(&c.verdicts.dss_checksum),
            counts(&c.verdicts.fastclose_key),
        )?;
        writeln!(
            out,
            "  data bytes client {} server {}  reinjections {}  out of order {}  unchecked mappings {}",
            c.client_data_bytes, c.server_data_bytes, c.reinjections, c.out_of_order, c.unchecked_mappings
        )?;
        writeln!(
            out,
            "  events: add_addr {} remove_addr {} mp_prio {} mp_fail {} mp_fastclose {} mp_tcprst {} infinite_mapping {} fallback {}",
            e.add_addr, e.remove_addr, e.mp_prio, e.mp_fail, e.mp_fastclose, e.mp_tcprst, e.infinite_mapping, e.fallback
        )?;
        writeln!(
            out,
            "  {:>7}  {:<7}  {:<44}  {:>5}  {:>6}  {:>15}  join HMAC syn_ack/ack",
            "subflow", "kind", "client -> server", "ids", "backup", "bytes c/s",
        )?;
        for s in &c.subflows {
            let id = |v: Option<u8>| v.map_or("-".into(), |v| v.to_string());
            writeln!(
                out,
                "  {:>7}  {:<7}  {:<44}  {:>5}  {:>6}  {:>15}  {}/{}{}{}",
                s.subflow,
                format!("{:?}", s.kind).to_lowercase(),
                format!("{} -> {}", s.client, s.server),
                format!("{}/{}", id(s.client_address_id), id(s.server_address_id)),
                format!(
                    "{}/{}",
                    u8::from(s.client_backup),
                    u8::from(s.server_backup)
                ),
                format!("{}/{}", s.client_bytes, s.server_bytes),
                verdict(s.syn_ack_hmac),
                verdict(s.ack_hmac),
                if s.rst {
                    "  rst"
                } else if s.fin {
                    "  fin"
                } else {
                    ""
                },
                s.fallback
                    .map_or(String::new(), |f| format!("  fallback: {f:?}")),
            )?;
        }
        for a in &c.addresses {
            let line = format!(
                "  frame {:>5}  {:<6} {:<8} id {:>3}  {}{}{}",
                a.frame,
                format!("{:?}", a.by).to_lowercase(),
                format!("{:?}", a.action).to_lowercase(),
                a.address_id,
                a.address.map_or(String::new(), |x| x.to_string()),
                a.port.map_or(String::new(), |p| format!(" port {p}")),
                a.hmac
                    .map_or(String::new(), |v| format!("  HMAC {}", v.name())),
            );
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}
