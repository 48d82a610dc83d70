//! `tcpwire pcap`: one JSON line per TCP segment of pcap/pcapng captures.

use std::io::{self, Write};
use std::path::PathBuf;
use tcpwire::option::Malformed;

use serde::Serialize;
use tcpwire::capture::{examine, CapturedSegment, Examined, Frame};
use tcpwire::checksum::ChecksumVerdict;
use tcpwire::harness::Skipped;
use tcpwire::signature::SignatureVerdict;
use tcpwire::wire::options_with_offsets;
use tcpwire::{ParseMode, TcpHeader, TcpOption};

use super::input::{captures, WalkError};
use super::json::{Addr, Timestamp};
use super::{stdout, write_json_line, Exit};

/// Arguments of `tcpwire pcap`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Capture files (pcap, pcapng, gzip-compressed either way); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Parse options strictly: a malformed option makes the segment an error line (and the exit
    /// code 1) instead of a value kept in the header.
    #[arg(long)]
    pub strict: bool,
    /// Add Multipath TCP analysis to segments of MPTCP subflows, under "mptcp" (see `tcpwire
    /// mptcp --help`): connection and subflow ids, 64-bit DSN and data ACK, verdicts, events.
    /// With --format parquet or arrow, in the columns mptcp_connection_id ... mptcp_events.
    #[arg(long)]
    pub analyze: bool,
    /// Signature keys (TCP-MD5, TCP-AO).
    #[command(flatten)]
    pub keys: super::trust::KeyArgs,
    /// Columnar output: --format parquet|arrow, -o, -j, --partition (src/cli/columnar.rs).
    #[command(flatten)]
    pub columnar: super::columnar::ColumnarArgs,
}

const AFTER_HELP: &str = "\
Output (standard output, one JSON object per line):
  a segment: {\"file\": (only with several files), \"frame\", \"timestamp\": \"secs.nanos\",
    \"ip_version\", \"src\", \"dst\", \"header\": {...}, \"payload_len\", \"truncated\",
    \"checksum\": ok|offload|zero|bad|not_checkable (offload: the field holds the pseudo-header
    sum that transmit offload leaves; zero: an all-zero field; not_checkable: the frame was cut
    short; pcapng epb_flags \"checksum valid\"/\"not ready\" decide when present),
    \"super_segment\": true (only for a TSO/GSO super-segment: IP length 0 or over 65535),
    \"md5\", \"ao\": valid|invalid|no_key|unsigned (only with --md5-key(s) / --ao-key(s); null
    when the frame was cut short),
    \"malformed\": [{\"kind\", \"offset\", \"problem\", \"reason\"}] (only when an option is malformed),
    \"mptcp\": {...} (with --analyze, on segments of MPTCP subflows: see `tcpwire mptcp --help`)}
  an error: {\"file\": (only with several files), \"frame\", \"error\": \"...\"} for a TCP segment
    whose header cannot be given (cut short, unusable data offset, or a malformed option with
    --strict), for a record the reader passes over (its interface not described, over the 8 MiB
    record limit, ...; reading goes on), and for a truncated, corrupt or unreadable capture
    (reading that file stops there). Error messages are one short line naming what and where.
    Each error line is also printed to standard error.
Frames that are not TCP, and IP fragments, are skipped and counted in a summary on standard
error at the end.

Exit code: 0 when every TCP segment was printed; 1 when any error line was printed; 2 when an
input cannot be read or is not a capture (the other files are still read).

Examples:
  tcpwire pcap capture.pcapng | jq -c 'select(.header.flags.syn) | .header.options'
  tcpdump -w - -U tcp | tcpwire pcap -";

/// One segment's JSON line.
#[derive(Serialize)]
struct SegmentLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    frame: u64,
    timestamp: Timestamp,
    ip_version: u8,
    src: Addr,
    dst: Addr,
    header: &'a TcpHeader,
    payload_len: usize,
    truncated: bool,
    checksum: ChecksumVerdict,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    super_segment: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    md5: Option<Option<SignatureVerdict>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ao: Option<Option<SignatureVerdict>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    malformed: Vec<MalformedLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mptcp: Option<tcpwire::analysis::mptcp::Annotation>,
}

/// A malformed option in a segment line.
#[derive(Serialize)]
struct MalformedLine {
    kind: u8,
    /// Offset of its kind byte from the start of the TCP header.
    offset: usize,
    /// The reason's short name (`bad_length`, `overrun`, ...).
    problem: &'static str,
    /// The reason in words.
    reason: String,
}

/// An error line.
#[derive(Serialize)]
struct ErrorLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    frame: u64,
    error: String,
}

/// Runs `tcpwire pcap`.
pub fn run(args: &Args) -> io::Result<Exit> {
    if args.columnar.wanted() {
        return super::columnar::run_pcap(&args.files, args.strict, args.analyze, &args.columnar);
    }
    if args.columnar.jobs == 0 {
        super::warn("tcpwire pcap: -j: the number of jobs must be at least 1");
        return Ok(Exit::BadInput);
    }
    let inputs = match captures(&args.files) {
        Ok(inputs) => inputs,
        Err(e) => {
            super::warn(&format!("tcpwire pcap: {e}"));
            return Ok(Exit::BadInput);
        }
    };
    let mode = if args.strict {
        ParseMode::Strict
    } else {
        ParseMode::Lossless
    };
    let mut verifier = match super::trust::Verifier::from_args(&args.keys) {
        Ok(verifier) => verifier,
        Err(e) => {
            super::warn(&format!("tcpwire pcap: {e}"));
            return Ok(Exit::BadInput);
        }
    };
    let several = inputs.len() > 1;
    // TCP-AO follows connections (sequence number extensions) from file to file, so with
    // TCP-AO keys the files are read one after another.
    let has_ao = !args.keys.ao_key.is_empty() || args.keys.ao_keys.is_some();
    let jobs = if has_ao { 1 } else { args.columnar.jobs };
    if jobs > 1 && inputs.len() > 1 {
        return super::ordered::lines_in_order(inputs.len(), jobs, |k, sink| {
            let Some(input) = inputs.get(k) else {
                return Ok(Exit::Ok);
            };
            // TCP-MD5 keys keep no state: each worker has its own copy.
            let mut verifier = super::trust::Verifier::from_args(&args.keys).unwrap_or(None);
            decode_input(input, several, mode, args.analyze, &mut verifier, sink)
        });
    }
    let mut out = StdSink(stdout());
    let mut exit = Exit::Ok;
    for input in &inputs {
        exit.raise(decode_input(
            input,
            several,
            mode,
            args.analyze,
            &mut verifier,
            &mut out,
        )?);
    }
    out.flush()?;
    Ok(exit)
}

/// Where the lines of one input go: standard output and standard error, or, with `-j`,
/// buffers handed over in input order (`super::ordered`).
pub trait LineSink: Write {
    /// Says `message` on standard error, after the lines written so far.
    fn warn(&mut self, message: &str);
}

/// Standard output and standard error.
struct StdSink<'a>(super::Out<'a>);

impl Write for StdSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl LineSink for StdSink<'_> {
    fn warn(&mut self, message: &str) {
        super::warn(message)
    }
}

/// Decodes one input to its lines; gives the input's exit code (an error only when the output
/// cannot be written).
fn decode_input(
    input: &super::input::Capture,
    several: bool,
    mode: ParseMode,
    analyze: bool,
    verifier: &mut Option<super::trust::Verifier>,
    out: &mut impl LineSink,
) -> io::Result<Exit> {
    let name = input.name();
    let file = several.then_some(name.as_str());
    let mut skipped = Skipped::default();
    let mut analyzer = analyze.then(tcpwire::analysis::mptcp::MptcpAnalyzer::default);
    let (mut segments, mut errors) = (0u64, 0u64);
    let report_error = |out: &mut dyn LineSink, frame: u64, error: String| {
        out.warn(&format!("tcpwire pcap: {name}: frame {frame}: {error}"));
        write_json_line(&mut &mut *out, &ErrorLine { file, frame, error })
    };
    let walked = input.walk(|item| {
        let frame = match item {
            Ok(frame) => frame,
            Err(bad) => {
                errors += 1;
                return report_error(out, bad.frame(), bad.to_string());
            }
        };
        match examine(frame, mode) {
            Examined::Segment(segment) => {
                segments += 1;
                let signatures = verifier
                    .as_mut()
                    .map(|v| v.line_verdicts(frame, &segment))
                    .unwrap_or_default();
                let mptcp = analyzer
                    .as_mut()
                    .and_then(|a| super::mptcp::annotate(a, frame, &segment));
                write_segment(out, file, frame, &segment, signatures, mptcp)
            }
            Examined::Error(e) => {
                errors += 1;
                report_error(out, frame.number, e.message())
            }
            Examined::Skipped(reason) => {
                skipped.count(reason);
                Ok(())
            }
        }
    });
    match walked {
        Ok(None) => {}
        Ok(Some(read_error)) => {
            errors += 1;
            report_error(out, read_error.frame(), read_error.to_string())?;
        }
        Err(WalkError::Open(message)) => {
            out.warn(&format!("tcpwire pcap: {message}"));
            return Ok(Exit::BadInput);
        }
        Err(WalkError::Output(e)) => return Err(e),
    }
    out.flush()?;
    let breakdown = skipped.breakdown();
    out.warn(&format!(
        "tcpwire pcap: {name}: {segments} TCP segments, {errors} error lines, {} frames skipped{}",
        skipped.total(),
        if breakdown.is_empty() {
            String::new()
        } else {
            format!(" ({breakdown})")
        }
    ));
    Ok(if errors > 0 { Exit::Findings } else { Exit::Ok })
}

fn write_segment(
    out: &mut impl Write,
    file: Option<&str>,
    frame: &Frame,
    segment: &CapturedSegment<'_>,
    signatures: super::trust::LineVerdicts,
    mptcp: Option<tcpwire::analysis::mptcp::Annotation>,
) -> io::Result<()> {
    let malformed = options_with_offsets(&segment.header)
        .filter_map(|(offset, option)| match option {
            TcpOption::Malformed(Malformed { kind, reason, .. }) => Some(MalformedLine {
                kind: *kind,
                offset,
                problem: reason.name(),
                reason: reason.to_string(),
            }),
            _ => None,
        })
        .collect();
    write_json_line(
        out,
        &SegmentLine {
            file,
            frame: frame.number,
            timestamp: Timestamp(frame.timestamp),
            ip_version: segment.tcp.ip_version,
            src: Addr(segment.tcp.src),
            dst: Addr(segment.tcp.dst),
            header: &segment.header,
            payload_len: segment.payload_len,
            truncated: segment.tcp.truncated,
            checksum: segment.checksum,
            super_segment: segment.tcp.super_segment || frame.tso_flagged(),
            md5: signatures.md5,
            ao: signatures.ao,
            malformed,
            mptcp,
        },
    )
}
