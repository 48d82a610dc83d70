//! `tcpwire stats`: counts of option kinds, MPTCP subtypes, malformed options, flag
//! combinations and checksums over captures.

use std::io::{self, Write};
use std::path::PathBuf;
use tcpwire::option::{Malformed, Unknown};

use indexmap::IndexMap;
use serde::Serialize;
use tcpwire::capture::CaptureError;
use tcpwire::harness::Skipped;
use tcpwire::wire::options_with_offsets;
use tcpwire::{Flags, MptcpSubtype, ParseMode, TcpOption, TcpOptionKind};

use super::input::{captures, WalkError};
use super::{stdout, write_json_line, Exit};
use tcpwire::capture::{examine, Examined, SegmentError};

/// Arguments of `tcpwire stats`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Capture files (pcap, pcapng, gzip-compressed either way); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Count the checksums that hold the transmit-offload value as bad.
    #[arg(long)]
    pub strict_checksums: bool,
}

const AFTER_HELP: &str = "\
Counts over all the files together (headers are parsed losslessly, so malformed options are
counted by reason rather than stopping anything):
  options          well-formed options by kind, type name and length (EOL and NOP included)
  mptcp subtypes   MPTCP options by subtype (high nibble of the byte after the length) and length
  malformed        malformed options by kind and reason
  flags            segments by flag combination (SYN|ACK, PSH|ACK, ... ; - for none)
  checksums        segments by checksum verdict: ok, offload (the pseudo-header sum transmit
                   offload leaves; counted as bad with --strict-checksums), zero, bad,
                   not_checkable (frame cut short)
Headers of segments cut short by the snap length are counted when they were captured whole.

Exit code: 0 when every file was read to its end; 1 when a record was passed over (reported on
standard error) or a capture is truncated or corrupt (the counts cover the frames before that); 2 when an input cannot be read or is not a capture.";

/// The counts. Keys are kept in first-seen order, then sorted for printing.
#[derive(Default)]
pub struct Stats {
    files: u64,
    frames: u64,
    segments: u64,
    headers_only: u64,
    /// Records the reader passed over (reported on standard error).
    bad_records: u64,
    skipped: Skipped,
    options: IndexMap<(u8, &'static str, usize), u64>,
    mptcp: IndexMap<(u8, &'static str, usize), u64>,
    malformed: IndexMap<(u8, &'static str), u64>,
    flags: IndexMap<Flags, u64>,
    checksums: super::trust::ChecksumCounts,
    strict_checksums: bool,
}

impl Stats {
    /// Counts one frame.
    fn record(&mut self, frame: &tcpwire::capture::Frame) {
        self.frames += 1;
        let segment = match examine(frame, ParseMode::Lossless) {
            Examined::Segment(segment) => segment,
            Examined::Error(SegmentError::CutShort(_)) => {
                return self.skipped.header_cut_short += 1
            }
            Examined::Error(_) => return self.skipped.header_unusable += 1,
            Examined::Skipped(reason) => return self.skipped.count(reason),
        };
        self.segments += 1;
        if segment.tcp.truncated {
            self.headers_only += 1;
        }
        self.checksums.add(segment.checksum, self.strict_checksums);
        *self.flags.entry(segment.header.flags).or_default() += 1;
        for (offset, option) in options_with_offsets(&segment.header) {
            let length = option.encoded_len();
            match option {
                TcpOption::Malformed(Malformed { kind, reason, .. }) => {
                    *self.malformed.entry((*kind, reason.name())).or_default() += 1;
                    continue;
                }
                TcpOption::Mptcp(_) => {
                    // The subtype is the high nibble of the byte after the length.
                    if let Some(byte) = segment.tcp.segment.get(offset + 2) {
                        let subtype = MptcpSubtype::from_value(byte >> 4);
                        *self
                            .mptcp
                            .entry((subtype.value(), subtype.name(), length))
                            .or_default() += 1;
                    }
                }
                _ => {}
            }
            let name = match option {
                TcpOption::Unknown(Unknown { kind, .. }) => TcpOptionKind::from_value(*kind).name(),
                other => other.name(),
            };
            *self
                .options
                .entry((option.kind(), name, length))
                .or_default() += 1;
        }
    }

    fn sort(&mut self) {
        self.options.sort_keys();
        self.mptcp.sort_keys();
        self.malformed.sort_keys();
        self.flags
            .sort_by(|fa, ca, fb, cb| cb.cmp(ca).then(fa.bits().cmp(&fb.bits())));
    }
}

/// The JSON form of [`Stats`].
#[derive(Serialize)]
struct StatsJson {
    files: u64,
    frames: u64,
    segments: u64,
    headers_only: u64,
    bad_records: u64,
    skipped: Skipped,
    options: Vec<OptionCount>,
    mptcp_subtypes: Vec<MptcpCount>,
    malformed: Vec<MalformedCount>,
    flags: Vec<FlagsCount>,
    checksums: super::trust::ChecksumCountsJson,
}

#[derive(Serialize)]
struct OptionCount {
    kind: u8,
    name: &'static str,
    length: usize,
    count: u64,
}

#[derive(Serialize)]
struct MptcpCount {
    subtype: u8,
    name: &'static str,
    length: usize,
    count: u64,
}

#[derive(Serialize)]
struct MalformedCount {
    kind: u8,
    name: &'static str,
    problem: &'static str,
    count: u64,
}

#[derive(Serialize)]
struct FlagsCount {
    flags: String,
    count: u64,
}

impl Stats {
    fn to_json(&self) -> StatsJson {
        StatsJson {
            files: self.files,
            frames: self.frames,
            segments: self.segments,
            headers_only: self.headers_only,
            bad_records: self.bad_records,
            skipped: self.skipped,
            options: self
                .options
                .iter()
                .map(|(&(kind, name, length), &count)| OptionCount {
                    kind,
                    name,
                    length,
                    count,
                })
                .collect(),
            mptcp_subtypes: self
                .mptcp
                .iter()
                .map(|(&(subtype, name, length), &count)| MptcpCount {
                    subtype,
                    name,
                    length,
                    count,
                })
                .collect(),
            malformed: self
                .malformed
                .iter()
                .map(|(&(kind, problem), &count)| MalformedCount {
                    kind,
                    name: TcpOptionKind::from_value(kind).name(),
                    problem,
                    count,
                })
                .collect(),
            flags: self
                .flags
                .iter()
                .map(|(flags, &count)| FlagsCount {
                    flags: flags.to_string(),
                    count,
                })
                .collect(),
            checksums: self.checksums.to_json(),
        }
    }

    fn write_tables(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "files: {}, frames: {}, TCP segments: {} ({} headers only), skipped: {}",
            self.files,
            self.frames,
            self.segments,
            self.headers_only,
            self.skipped.total()
        )?;
        let breakdown = self.skipped.breakdown();
        if !breakdown.is_empty() {
            writeln!(out, "skipped: {breakdown}")?;
        }
        if self.bad_records > 0 {
            writeln!(out, "bad records (passed over): {}", self.bad_records)?;
        }
        table(
            out,
            "options",
            ["kind", "name", "length", "count"],
            self.options.iter().map(|(&(kind, name, length), count)| {
                [
                    kind.to_string(),
                    name.into(),
                    length.to_string(),
                    count.to_string(),
                ]
            }),
        )?;
        table(
            out,
            "mptcp subtypes",
            ["subtype", "name", "length", "count"],
            self.mptcp.iter().map(|(&(subtype, name, length), count)| {
                [
                    subtype.to_string(),
                    name.into(),
                    length.to_string(),
                    count.to_string(),
                ]
            }),
        )?;
        table(
            out,
            "malformed options",
            ["kind", "name", "problem", "count"],
            self.malformed.iter().map(|(&(kind, problem), count)| {
                [
                    kind.to_string(),
                    TcpOptionKind::from_value(kind).name().into(),
                    problem.into(),
                    count.to_string(),
                ]
            }),
        )?;
        table(
            out,
            "flags",
            ["flags", "count"],
            self.flags
                .iter()
                .map(|(flags, count)| [flags.to_string(), count.to_string()]),
        )?;
        table(
            out,
            "checksums",
            ["checksum", "count"],
            self.checksums
                .rows()
                .map(|(what, count)| [what.to_string(), count.to_string()]),
        )
    }
}

/// Writes a titled table with left-aligned text and right-aligned numbers; `(none)` when empty.
fn table<const N: usize>(
    out: &mut impl Write,
    title: &str,
    headings: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> io::Result<()> {
    let rows: Vec<[String; N]> = rows.collect();
    writeln!(out, "\n{title}")?;
    if rows.is_empty() {
        return writeln!(out, "  (none)");
    }
    let mut widths = headings.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let numeric: Vec<bool> = (0..N)
        .map(|i| {
            rows.iter()
                .all(|r| r.get(i).is_some_and(|c| c.parse::<u64>().is_ok()))
        })
        .collect();
    let line = |cells: [&str; N]| -> String {
        let mut s = String::from(" ");
        for (i, cell) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if numeric.get(i).copied().unwrap_or(false) {
                s.push_str(&format!(" {cell:>w$}"));
            } else {
                s.push_str(&format!(" {cell:<w$}"));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(headings))?;
    for row in &rows {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
    }
    Ok(())
}

/// Runs `tcpwire stats`.
pub fn run(args: &Args) -> io::Result<Exit> {
    let inputs = match captures(&args.files) {
        Ok(inputs) => inputs,
        Err(e) => {
            super::warn(&format!("tcpwire stats: {e}"));
            return Ok(Exit::BadInput);
        }
    };
    let mut stats = Stats {
        strict_checksums: args.strict_checksums,
        ..Stats::default()
    };
    let mut exit = Exit::Ok;
    for input in &inputs {
        let name = input.name();
        match input.walk(|item| {
            match item {
                Ok(frame) => stats.record(frame),
                Err(bad) => {
                    stats.frames += u64::from(matches!(bad, CaptureError::BadFrame { .. }));
                    stats.bad_records += 1;
                    super::warn(&format!("tcpwire stats: {name}: {bad}"));
                }
            }
            Ok(())
        }) {
            Ok(None) => stats.files += 1,
            Ok(Some(e)) => {
                stats.files += 1;
                super::warn(&format!(
                    "tcpwire stats: {name}: {e} (counting the frames before it)"
                ));
                exit.raise(Exit::Findings);
            }
            Err(WalkError::Open(message)) => {
                super::warn(&format!("tcpwire stats: {message}"));
                exit.raise(Exit::BadInput);
            }
            Err(WalkError::Output(e)) => return Err(e),
        }
    }
    if stats.bad_records > 0 {
        exit.raise(Exit::Findings);
    }
    stats.sort();
    let mut out = stdout();
    if args.json {
        write_json_line(&mut out, &stats.to_json())?;
    } else {
        stats.write_tables(&mut out)?;
    }
    out.flush()?;
    Ok(exit)
}
