//! `tcpwire decode` (hex to JSON) and `tcpwire encode` (JSON to hex): `decode | encode` gives
//! back its input.

use std::io::{self, Write};

use tcpwire::ParseMode;

use super::lines::MAX_LINE;
use super::transcode::{decode_one, decode_stream, encode_stream, Tally};
use super::{stdout, Exit};

/// Arguments of `tcpwire decode`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = DECODE_HELP)]
pub struct DecodeArgs {
    /// TCP segments (header and payload) as hex; spaces, colons and a leading 0x are ignored.
    /// Without any, one segment per line is read from standard input.
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
    /// Parse options strictly: a malformed option is an error instead of a value.
    #[arg(long)]
    pub strict: bool,
}

const DECODE_HELP: &str = "\
Output: one JSON object per input segment on standard output, {\"header\": {...}, \"payload\":
\"hex\"}; errors on standard error (the failed input gives no output line; blank input lines are
skipped).

Exit code: 0 when every input decoded; 1 when a segment does not parse (too short, unusable data
offset, a malformed option with --strict); 2 when an input is not hex, not UTF-8, or a line is
longer than 1 MiB (1048576 bytes). Each such line gets a message naming its number, and the run
goes on with the next line.

Example:
  tcpwire decode c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307";

/// Arguments of `tcpwire encode`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = ENCODE_HELP)]
pub struct EncodeArgs {
    /// Fit each header's data offset and padding to its options before writing (after editing
    /// the options by hand): one EOL if needed, then zeros to a 4-byte boundary.
    #[arg(long)]
    pub fit: bool,
    /// Read the headers from a Parquet file written by `tcpwire pcap --format parquet` instead
    /// of JSON lines: each made again from its columns, as hex (feature `parquet`).
    #[arg(long, value_name = "FILE")]
    pub from_parquet: Option<std::path::PathBuf>,
}

const ENCODE_HELP: &str = "\
Input: JSON objects on standard input, one per line, each with a \"header\" (the form `tcpwire
decode` and `tcpwire pcap` print) and an optional \"payload\" (hex; empty when absent, so a
`tcpwire pcap` line gives back the header alone). Other keys are ignored; blank lines are skipped.

Output: the segment's bytes as lowercase hex, one line per input line.

Exit code: 0 when every line encoded; 1 when a value has no exact encoding (a field wider than
its bits, options that do not fill the data offset, ...); 2 when a line is not JSON, not a
segment, not UTF-8, or longer than 1 MiB (1048576 bytes). Each such line gets a message naming
its number, and the run goes on with the next line.

With --fit, each header's data offset and padding are fitted to its options first (one EOL if
needed, then zeros to a 4-byte boundary): edit the options of a decoded line, then encode it.

Examples:
  tcpwire decode 0050c35000000001000000025010ffff00000000 | tcpwire encode
  tcpwire encode --fit < edited.ndjson";

/// Maps a run's tally to its exit code.
fn exit_of(tally: &Tally) -> Exit {
    if tally.bad_input > 0 {
        Exit::BadInput
    } else if tally.findings > 0 {
        Exit::Findings
    } else {
        Exit::Ok
    }
}

/// Runs `tcpwire decode`.
pub fn run_decode(args: &DecodeArgs) -> io::Result<Exit> {
    let mode = if args.strict {
        ParseMode::Strict
    } else {
        ParseMode::Lossless
    };
    let mut out = stdout();
    let mut warn = |message: &str| super::warn(&format!("tcpwire decode: {message}"));
    let tally = if args.hex.is_empty() {
        let stdin = io::stdin().lock();
        decode_stream(stdin, MAX_LINE, mode, &mut out, &mut warn)?
    } else {
        let mut tally = Tally::default();
        for (i, hex) in args.hex.iter().enumerate() {
            let what = format!("argument {}", i + 1);
            decode_one(&what, hex, mode, &mut out, &mut warn, &mut tally)?;
        }
        tally
    };
    out.flush()?;
    Ok(exit_of(&tally))
}

/// Runs `tcpwire encode`.
pub fn run_encode(args: &EncodeArgs) -> io::Result<Exit> {
    if let Some(path) = &args.from_parquet {
        return super::columnar::run_encode(path);
    }
    let mut out = stdout();
    let mut warn = |message: &str| super::warn(&format!("tcpwire encode: {message}"));
    let tally = encode_stream(io::stdin().lock(), MAX_LINE, args.fit, &mut out, &mut warn)?;
    out.flush()?;
    Ok(exit_of(&tally))
}
