//! What `tcpwire decode` and `tcpwire encode` do to a stream of lines, apart from the process
//! around them (so that the fuzz targets and tests run the very same code on bytes in memory).
//!
//! Every input line gives exactly one output line or one message; a line that is too long, not
//! UTF-8, not hex, not JSON or not a segment is reported with its number and the run goes on.
//! JSON is read straight into the crate's types (no generic JSON tree), so an `encode` line costs
//! a small multiple of its length, and lines are at most `MAX_LINE` bytes.

use std::io::{self, BufRead, Write};

use serde::de::IgnoredAny;
use serde::Deserialize;
use tcpwire::{ParseMode, TcpHeader, TcpSegment};

use super::lines::{Line, Lines};

/// The longest message (in characters) a line gives; longer library messages are cut.
pub const MAX_MESSAGE: usize = 240;

/// What a run met, by outcome.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Input lines read (blank ones included).
    pub lines: u64,
    /// Output lines written.
    pub written: u64,
    /// Inputs that are well-formed but give no output (a segment that does not parse, a value
    /// with no exact encoding): exit code 1.
    pub findings: u64,
    /// Inputs that are not what the command reads (too long, not UTF-8, not hex, not JSON, not
    /// a segment): exit code 2.
    pub bad_input: u64,
}

/// Cuts a message to [`MAX_MESSAGE`] characters, on one line: serde's messages quote the
/// refused value, which may hold line breaks and other control characters (written escaped).
pub fn short(message: &str) -> String {
    let mut out = String::new();
    for (i, c) in message.chars().enumerate() {
        if i == MAX_MESSAGE {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The message for a line that is not text of a usable length, or `None` for a text line.
fn unreadable(line: &Line<'_>, max_line: usize) -> Option<String> {
    match line {
        Line::Text(_) => None,
        Line::TooLong { len } => Some(format!(
            "{len} bytes, over the {max_line}-byte line limit; line skipped"
        )),
        Line::NotUtf8 { at, byte } => Some(format!("not UTF-8 (byte {byte:#04x} at offset {at})")),
    }
}

/// `decode` on one input (`what` names it in messages: `line 3`, `argument 1`).
pub fn decode_one(
    what: &str,
    input: &str,
    mode: ParseMode,
    out: &mut impl Write,
    warn: &mut impl FnMut(&str),
    tally: &mut Tally,
) -> io::Result<()> {
    let bytes = match tcpwire::from_hex(input) {
        Ok(bytes) => bytes,
        Err(e) => {
            warn(&format!("{what}: not hex: {}", short(&e.to_string())));
            tally.bad_input += 1;
            return Ok(());
        }
    };
    match TcpSegment::parse_with(&bytes, mode) {
        Ok(segment) => {
            serde_json::to_writer(&mut *out, &segment)?;
            out.write_all(b"\n")?;
            tally.written += 1;
        }
        Err(e) => {
            warn(&format!("{what}: {}", short(&e.to_string())));
            tally.findings += 1;
        }
    }
    Ok(())
}

/// `decode` on a stream of hex lines: one JSON line per segment; blank lines are skipped.
pub fn decode_stream(
    input: impl BufRead,
    max_line: usize,
    mode: ParseMode,
    out: &mut impl Write,
    warn: &mut impl FnMut(&str),
) -> io::Result<Tally> {
    let mut tally = Tally::default();
    let mut lines = Lines::new(input, max_line);
    while let Some((n, line)) = lines.next_line()? {
        tally.lines += 1;
        if let Some(message) = unreadable(&line, max_line) {
            warn(&format!("line {n}: {message}"));
            tally.bad_input += 1;
            continue;
        }
        if let Line::Text(text) = line {
            if !text.trim().is_empty() {
                decode_one(&format!("line {n}"), text, mode, out, warn, &mut tally)?;
            }
        }
    }
    Ok(tally)
}

/// What `encode` reads from each line: a segment's JSON, or a `tcpwire pcap` line (its other
/// keys are skipped without being kept).
#[derive(Deserialize)]
struct EncodeInput {
    #[serde(default)]
    header: Option<TcpHeader>,
    #[serde(default)]
    payload: Option<String>,
    /// `tcpwire pcap`'s error lines have this key.
    #[serde(default)]
    error: Option<IgnoredAny>,
}

/// `encode` on a stream of JSON lines: one hex line per segment; blank lines are skipped. With
/// `fit`, each header's data offset and padding are first fitted to its options
/// ([`TcpHeader::fit_data_offset`](tcpwire::TcpHeader::fit_data_offset)), for headers whose
/// options were edited by hand.
pub fn encode_stream(
    input: impl BufRead,
    max_line: usize,
    fit: bool,
    out: &mut impl Write,
    warn: &mut impl FnMut(&str),
) -> io::Result<Tally> {
    let mut tally = Tally::default();
    let mut lines = Lines::new(input, max_line);
    while let Some((n, line)) = lines.next_line()? {
        tally.lines += 1;
        let text = match line {
            Line::Text(text) => text,
            other => {
                if let Some(message) = unreadable(&other, max_line) {
                    warn(&format!("line {n}: {message}"));
                }
                tally.bad_input += 1;
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let mut bad = |message: String| {
            warn(&format!("line {n}: {message}"));
            tally.bad_input += 1;
        };
        let input: EncodeInput = match serde_json::from_str(text) {
            Ok(input) => input,
            Err(e) if e.is_syntax() || e.is_eof() => {
                bad(format!("not JSON: {}", short(&e.to_string())));
                continue;
            }
            Err(e) => {
                bad(format!("not a TCP segment: {}", short(&e.to_string())));
                continue;
            }
        };
        let header = match (input.header, input.error) {
            (_, Some(_)) => {
                bad("an error line, not a segment".into());
                continue;
            }
            (None, None) => {
                bad("not a TCP segment: no \"header\" key".into());
                continue;
            }
            (Some(header), None) => header,
        };
        let mut header = header;
        if fit {
            if let Err(e) = header.fit_data_offset() {
                warn(&format!("line {n}: {}", short(&e.to_string())));
                tally.findings += 1;
                continue;
            }
        }
        let payload = match input.payload.as_deref().map(tcpwire::from_hex) {
            None => Vec::new(),
            Some(Ok(payload)) => payload,
            Some(Err(e)) => {
                bad(format!("payload is not hex: {}", short(&e.to_string())));
                continue;
            }
        };
        match (TcpSegment { header, payload }).to_bytes() {
            Ok(bytes) => {
                writeln!(out, "{}", tcpwire::to_hex(&bytes))?;
                tally.written += 1;
            }
            Err(e) => {
                warn(&format!("line {n}: {}", short(&e.to_string())));
                tally.findings += 1;
            }
        }
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::{short, MAX_MESSAGE};

    #[test]
    fn hex_as_people_paste_it() {
        assert_eq!(
            tcpwire::from_hex(" 0x00:50 c3 50\t").unwrap(),
            [0x00, 0x50, 0xc3, 0x50]
        );
        assert_eq!(tcpwire::from_hex("0xAB").unwrap(), [0xab]);
        assert_eq!(tcpwire::from_hex("abcd").unwrap(), [0xab, 0xcd]);
    }

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(
            short("unknown field `a\nb\tc`"),
            "unknown field `a\\nb\\tc`"
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "é".repeat(1000);
        let cut = short(&long);
        assert_eq!(cut.chars().count(), MAX_MESSAGE + 3);
        assert!(cut.ends_with("..."));
        assert_eq!(short("brief"), "brief");
    }
}
