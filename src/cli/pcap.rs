//! `tcpwire pcap`: one JSON line per TCP segment of pcap/pcapng captures.

use std::io::{self, Write};
use std::net::IpAddr;
use std::path::PathBuf;

use serde::Serialize;
use tcpwire::capture::{find_tcp, Decapsulated, Frame, TcpInFrame};
use tcpwire::harness::{options_with_offsets, Skipped};
use tcpwire::{Error, ParseMode, TcpHeader, TcpOption};

use super::input::{captures, WalkError};
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
    /// Columnar output: --format parquet|arrow, -o, -j, --partition (src/cli/columnar.rs).
    #[command(flatten)]
    pub columnar: super::columnar::ColumnarArgs,
}

const AFTER_HELP: &str = "\
Output (standard output, one JSON object per line):
  a segment: {\"file\": (only with several files), \"frame\", \"timestamp\": \"secs.nanos\",
    \"ip_version\", \"src\", \"dst\", \"header\": {...}, \"payload_len\", \"truncated\",
    \"checksum_ok\": true|false|null (null when the frame was cut short by the snap length),
    \"malformed\": [{\"kind\", \"offset\", \"problem\", \"reason\"}] (only when an option is malformed)}
  an error: {\"file\": (only with several files), \"frame\", \"error\": \"...\"} for a TCP segment
    whose header cannot be given (cut short, unusable data offset, or a malformed option with
    --strict) and for a truncated or corrupt capture record (reading that file stops there).
    Each error line is also printed to standard error.
Frames that are not TCP, and IP fragments, are skipped and counted in a summary on standard
error at the end.

Exit code: 0 when every TCP segment was printed; 1 when any error line was printed; 2 when an
input cannot be read or is not a capture (the other files are still read).

Examples:
  tcpwire pcap capture.pcapng | jq -c 'select(.header.flags.syn) | .header.options'
  tcpdump -w - -U tcp | tcpwire pcap -";

/// Where a TCP segment's header could not be given.
pub enum SegmentError {
    /// The capture holds less of the segment than the IP header declares (the snap length cut
    /// it, or the IP length is bogus), and the header is not all there.
    CutShort(Error),
    /// The fixed header is unusable (data offset below 5, or past the segment's end).
    Unusable(Error),
    /// Strict parsing met a malformed option.
    Strict(Error),
    /// The frame's link or IP layer cannot be read (an empty record, or one cut inside those
    /// headers), so whether it holds TCP is unknown.
    BelowTcp(String),
}

impl SegmentError {
    /// The message for the error line.
    pub fn message(&self) -> String {
        match self {
            SegmentError::CutShort(e) => format!("TCP header not captured whole: {e}"),
            SegmentError::Unusable(e) => format!("unusable TCP header: {e}"),
            SegmentError::Strict(e) => format!("malformed option (strict parsing): {e}"),
            SegmentError::BelowTcp(detail) => format!("unreadable link or IP layer: {detail}"),
        }
    }
}

/// A TCP segment found in a frame, with its header parsed.
pub struct Segment<'a> {
    /// Where it was found.
    pub tcp: TcpInFrame<'a>,
    /// The header.
    pub header: TcpHeader,
    /// The payload length: from the captured bytes, or from the IP header when cut short.
    pub payload_len: usize,
    /// Whether the checksum is right; `None` when the segment was cut short.
    pub checksum_ok: Option<bool>,
}

/// What a frame holds, as far as TCP goes.
// Short-lived, on the stack: boxing the header would put a heap allocation on every frame.
#[allow(clippy::large_enum_variant)]
pub enum Examined<'a> {
    /// A TCP segment whose header was parsed.
    Segment(Segment<'a>),
    /// A TCP segment whose header could not be given.
    Error(SegmentError),
    /// No TCP segment; the reason was counted in the `Skipped` given.
    Skipped,
}

/// Finds and parses the TCP segment of a frame; counts the frames without one in `skipped`
/// (the caller counts segment errors).
pub fn examine<'a>(frame: &'a Frame, mode: ParseMode, skipped: &mut Skipped) -> Examined<'a> {
    let tcp = match find_tcp(frame.linktype, &frame.data) {
        Decapsulated::Tcp(tcp) => tcp,
        Decapsulated::Fragment => {
            skipped.fragments += 1;
            return Examined::Skipped;
        }
        Decapsulated::NotTcp => {
            skipped.not_tcp += 1;
            return Examined::Skipped;
        }
        Decapsulated::UnsupportedLinktype(_) => {
            skipped.unsupported_linktype += 1;
            return Examined::Skipped;
        }
        Decapsulated::Malformed(detail) => {
            // A bad record (empty, or cut inside its link or IP header): an error line.
            return Examined::Error(SegmentError::BelowTcp(detail));
        }
    };
    let header = match TcpHeader::parse_prefix(tcp.segment, mode) {
        Ok((header, _)) => header,
        Err(e @ Error::MalformedOption { .. }) => {
            return Examined::Error(SegmentError::Strict(e));
        }
        Err(e @ (Error::TooShort { .. } | Error::DataOffsetBeyondInput { .. }))
            if tcp.truncated =>
        {
            return Examined::Error(SegmentError::CutShort(e));
        }
        Err(e) => return Examined::Error(SegmentError::Unusable(e)),
    };
    let (payload_len, checksum_ok) = if tcp.truncated {
        (tcp.declared_len.saturating_sub(header.header_len()), None)
    } else {
        (
            tcp.segment.len().saturating_sub(header.header_len()),
            // Mixed address families or an IPv4 segment over 65535 bytes have no right
            // checksum.
            Some(
                tcpwire::checksum::verify(
                    tcp.pseudo_header_src,
                    tcp.pseudo_header_dst,
                    tcp.segment,
                )
                .unwrap_or(false),
            ),
        )
    };
    Examined::Segment(Segment {
        tcp,
        header,
        payload_len,
        checksum_ok,
    })
}

/// One segment's JSON line.
#[derive(Serialize)]
struct SegmentLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    frame: u64,
    timestamp: String,
    ip_version: u8,
    src: IpAddr,
    dst: IpAddr,
    header: &'a TcpHeader,
    payload_len: usize,
    truncated: bool,
    checksum_ok: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    malformed: Vec<MalformedLine>,
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
        return super::columnar::run_pcap(&args.files, args.strict, &args.columnar);
    }
    let inputs = match captures(&args.files) {
        Ok(inputs) => inputs,
        Err(e) => {
            eprintln!("tcpwire pcap: {e}");
            return Ok(Exit::BadInput);
        }
    };
    let mode = if args.strict {
        ParseMode::Strict
    } else {
        ParseMode::Lossless
    };
    let several = inputs.len() > 1;
    let mut out = stdout();
    let mut exit = Exit::Ok;
    for input in &inputs {
        let name = input.name();
        let file = several.then_some(name.as_str());
        let mut skipped = Skipped::default();
        let (mut segments, mut errors) = (0u64, 0u64);
        let report_error = |out: &mut super::Out<'_>, frame: u64, error: String| {
            super::warn(&format!("tcpwire pcap: {name}: frame {frame}: {error}"));
            write_json_line(out, &ErrorLine { file, frame, error })
        };
        let walked = input.walk(|frame| match examine(frame, mode, &mut skipped) {
            Examined::Segment(segment) => {
                segments += 1;
                write_segment(&mut out, file, frame, &segment)
            }
            Examined::Error(e) => {
                errors += 1;
                report_error(&mut out, frame.number, e.message())
            }
            Examined::Skipped => Ok(()),
        });
        match walked {
            Ok(None) => {}
            Ok(Some(read_error)) => {
                errors += 1;
                let frame = match &read_error {
                    tcpwire::capture::CaptureError::CorruptRecord { after_frame, .. }
                    | tcpwire::capture::CaptureError::Truncated { after_frame } => after_frame + 1,
                    _ => 0,
                };
                report_error(&mut out, frame, read_error.to_string())?;
            }
            Err(WalkError::Open(message)) => {
                eprintln!("tcpwire pcap: {message}");
                exit.raise(Exit::BadInput);
                continue;
            }
            Err(WalkError::Output(e)) => return Err(e),
        }
        if errors > 0 {
            exit.raise(Exit::Findings);
        }
        out.flush()?;
        let breakdown = skipped.breakdown();
        eprintln!(
            "tcpwire pcap: {name}: {segments} TCP segments, {errors} error lines, {} frames skipped{}",
            skipped.total(),
            if breakdown.is_empty() {
                String::new()
            } else {
                format!(" ({breakdown})")
            }
        );
    }
    out.flush()?;
    Ok(exit)
}

fn write_segment(
    out: &mut impl Write,
    file: Option<&str>,
    frame: &Frame,
    segment: &Segment<'_>,
) -> io::Result<()> {
    let malformed = options_with_offsets(&segment.header)
        .filter_map(|(offset, option)| match option {
            TcpOption::Malformed { kind, reason, .. } => Some(MalformedLine {
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
            timestamp: frame.timestamp_string(),
            ip_version: segment.tcp.ip_version,
            src: segment.tcp.src,
            dst: segment.tcp.dst,
            header: &segment.header,
            payload_len: segment.payload_len,
            truncated: segment.tcp.truncated,
            checksum_ok: segment.checksum_ok,
            malformed,
        },
    )
}
