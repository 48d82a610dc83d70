//! `tcpwire decode` (hex to JSON) and `tcpwire encode` (JSON to hex): `decode | encode` gives
//! back its input.

use std::io::{self, BufRead, Write};

use serde::Deserialize;
use tcpwire::{ParseMode, TcpHeader, TcpSegment};

use super::{stdout, write_json_line, Exit};

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
offset, a malformed option with --strict); 2 when an input is not hex.

Example:
  tcpwire decode c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307";

/// Arguments of `tcpwire encode`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = ENCODE_HELP)]
pub struct EncodeArgs {
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
its bits, options that do not fill the data offset, ...); 2 when a line is not JSON or not a
segment.

Example:
  tcpwire decode 0050c35000000001000000025010ffff00000000 | tcpwire encode";

/// Removes what people put between hex digits.
fn clean_hex(input: &str) -> String {
    let trimmed = input.trim();
    let trimmed = trimmed
        .strip_prefix("0x")
        .or_else(|| trimmed.strip_prefix("0X"))
        .unwrap_or(trimmed);
    trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect()
}

/// Runs `tcpwire decode`.
pub fn run_decode(args: &DecodeArgs) -> io::Result<Exit> {
    let mode = if args.strict {
        ParseMode::Strict
    } else {
        ParseMode::Lossless
    };
    let mut out = stdout();
    let mut exit = Exit::Ok;
    let mut decode_one = |out: &mut super::Out<'_>, what: &str, input: &str| -> io::Result<()> {
        let bytes = match tcpwire::from_hex(&clean_hex(input)) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("tcpwire decode: {what}: not hex: {e}");
                exit.raise(Exit::BadInput);
                return Ok(());
            }
        };
        match TcpSegment::parse_with(&bytes, mode) {
            Ok(segment) => write_json_line(out, &segment),
            Err(e) => {
                eprintln!("tcpwire decode: {what}: {e}");
                exit.raise(Exit::Findings);
                Ok(())
            }
        }
    };
    if args.hex.is_empty() {
        for (i, line) in io::stdin().lock().lines().enumerate() {
            let line = match line {
                Ok(line) => line,
                Err(e) => {
                    eprintln!("tcpwire decode: standard input line {}: {e}", i + 1);
                    out.flush()?;
                    return Ok(Exit::BadInput);
                }
            };
            if !line.trim().is_empty() {
                decode_one(&mut out, &format!("line {}", i + 1), &line)?;
            }
        }
    } else {
        for (i, hex) in args.hex.iter().enumerate() {
            decode_one(&mut out, &format!("argument {}", i + 1), hex)?;
        }
    }
    out.flush()?;
    Ok(exit)
}

/// What `encode` reads from each line: a segment's JSON, or a `tcpwire pcap` line.
#[derive(Deserialize)]
struct EncodeInput {
    header: TcpHeader,
    #[serde(default)]
    payload: Option<String>,
}

/// Runs `tcpwire encode`.
pub fn run_encode(args: &EncodeArgs) -> io::Result<Exit> {
    if let Some(path) = &args.from_parquet {
        return super::columnar::run_encode(path);
    }
    let mut out = stdout();
    let mut exit = Exit::Ok;
    for (i, line) in io::stdin().lock().lines().enumerate() {
        let n = i + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("tcpwire encode: line {n}: {e}");
                exit.raise(Exit::BadInput);
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(&line) {
            Ok(value) => value,
            Err(e) => {
                eprintln!("tcpwire encode: line {n}: not JSON: {e}");
                exit.raise(Exit::BadInput);
                continue;
            }
        };
        if let Some(error) = value.get("error") {
            eprintln!("tcpwire encode: line {n}: an error line, not a segment: {error}");
            exit.raise(Exit::BadInput);
            continue;
        }
        let input: EncodeInput = match serde_json::from_value(value) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("tcpwire encode: line {n}: not a TCP segment: {e}");
                exit.raise(Exit::BadInput);
                continue;
            }
        };
        let payload = match input.payload.as_deref().map(tcpwire::from_hex) {
            None => Vec::new(),
            Some(Ok(payload)) => payload,
            Some(Err(e)) => {
                eprintln!("tcpwire encode: line {n}: payload is not hex: {e}");
                exit.raise(Exit::BadInput);
                continue;
            }
        };
        let segment = TcpSegment {
            header: input.header,
            payload,
        };
        match segment.to_bytes() {
            Ok(bytes) => writeln!(out, "{}", tcpwire::to_hex(&bytes))?,
            Err(e) => {
                eprintln!("tcpwire encode: line {n}: {e}");
                exit.raise(Exit::Findings);
            }
        }
    }
    out.flush()?;
    Ok(exit)
}

#[cfg(test)]
mod tests {
    use super::clean_hex;

    #[test]
    fn clean_hex_drops_separators_and_prefix() {
        assert_eq!(clean_hex(" 0x00:50 c3 50\t"), "0050c350");
        assert_eq!(clean_hex("0XAB"), "AB");
        assert_eq!(clean_hex("abcd"), "abcd");
    }
}
