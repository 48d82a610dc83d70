//! `tcpwire roundtrip`: re-serialize every TCP segment of captures and compare with the
//! captured bytes (the library's `tcpwire::harness`).

use std::io::{self, Write};
use std::path::PathBuf;

use tcpwire::harness::{Report, MAX_DETAILED};

use super::input::{captures, WalkError};
use super::{stdout, Exit};

/// Arguments of `tcpwire roundtrip`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Capture files (pcap, pcapng, gzip-compressed either way); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Also check every checksum strictly: a segment whose checksum verdict is bad, zero or
    /// offload (the transmit-offload value counts as bad) is a finding.
    #[arg(long)]
    pub strict_checksums: bool,
}

const AFTER_HELP: &str = "\
Every TCP segment is parsed losslessly and written back; the bytes must equal the captured ones,
strict parsing must agree with lossless parsing, and the header's JSON must read back into the
same value. A segment cut short by the snap length has its header checked alone.
With --strict-checksums, each file also gets a line
  FILE: checksums: ok N, offload N, zero N, bad N, not_checkable N
(offload counted as bad) and each segment whose checksum is not ok (or not checkable) a line
  FILE: frame F: checksum bad|zero

Output (standard output), per file and, with several files, in total:
  FILE: segments: N, exact: N, mismatched: N, skipped: K (reasons)
and for each mismatch (the first 100 per file):
  FILE: frame F: first difference at header offset O in option I (NAME, kind K, ...): ...
Skipped frames are not TCP, IP fragments, or TCP segments whose header was not captured whole or
has an unusable data offset (which lossless parsing refuses by design).

Exit code: 0 when every segment is exact and every file was read to its end; 1 on a mismatch, a
record passed over (\"bad record\": its interface not described, its lengths inconsistent), or a
truncated or corrupt capture; 2 when an input cannot be read or is not a capture.";

/// Runs `tcpwire roundtrip`.
pub fn run(args: &Args) -> io::Result<Exit> {
    let inputs = match captures(&args.files) {
        Ok(inputs) => inputs,
        Err(e) => {
            super::warn(&format!("tcpwire roundtrip: {e}"));
            return Ok(Exit::BadInput);
        }
    };
    let mut out = stdout();
    let mut exit = Exit::Ok;
    let mut total = Report::default();
    let mut files_read = 0usize;
    for input in &inputs {
        let name = input.name();
        let mut report = Report::default();
        // Records passed over (the reader went on after them): the first ones in detail.
        let (mut bad_records, mut bad_shown) = (0u64, Vec::new());
        let mut checksums = super::trust::StrictChecksums::default();
        match input.walk(|item| {
            match item {
                Ok(frame) => {
                    report.record(frame);
                    if args.strict_checksums {
                        checksums.record(frame);
                    }
                }
                Err(bad) => {
                    bad_records += 1;
                    if bad_shown.len() < MAX_DETAILED {
                        bad_shown.push(bad.to_string());
                    }
                }
            }
            Ok(())
        }) {
            Ok(read_error) => report.read_error = read_error,
            Err(WalkError::Open(message)) => {
                super::warn(&format!("tcpwire roundtrip: {message}"));
                exit.raise(Exit::BadInput);
                continue;
            }
            Err(WalkError::Output(e)) => return Err(e),
        }
        files_read += 1;
        write_report(&mut out, &name, &report)?;
        for m in &report.mismatches {
            writeln!(out, "{name}: frame {}: {}", m.frame, m.mismatch)?;
        }
        if report.mismatched > MAX_DETAILED as u64 {
            writeln!(
                out,
                "{name}: ... {} more mismatches not shown",
                report.mismatched - MAX_DETAILED as u64
            )?;
        }
        for bad in &bad_shown {
            writeln!(out, "{name}: bad record: {bad}")?;
            super::warn(&format!("tcpwire roundtrip: {name}: {bad}"));
        }
        if bad_records > bad_shown.len() as u64 {
            writeln!(
                out,
                "{name}: ... {} more bad records not shown",
                bad_records - bad_shown.len() as u64
            )?;
        }
        if let Some(e) = &report.read_error {
            writeln!(out, "{name}: reading stopped early: {e}")?;
            super::warn(&format!("tcpwire roundtrip: {name}: {e}"));
        }
        if args.strict_checksums {
            checksums.write(&mut out, &name)?;
        }
        if !report.is_clean() || bad_records > 0 || checksums.findings() > 0 {
            exit.raise(Exit::Findings);
        }
        total.add_counts(&report);
    }
    if inputs.len() > 1 {
        write_report(&mut out, &format!("total ({files_read} files)"), &total)?;
    }
    out.flush()?;
    Ok(exit)
}

fn write_report(out: &mut impl Write, name: &str, report: &Report) -> io::Result<()> {
    let mut details = Vec::new();
    if report.headers_only > 0 {
        details.push(format!(
            "{} segments cut short: header checked alone",
            report.headers_only
        ));
    }
    let breakdown = report.skipped.breakdown();
    if !breakdown.is_empty() {
        details.push(format!("skipped {breakdown}"));
    }
    if details.is_empty() {
        writeln!(out, "{name}: {}", report.summary())
    } else {
        writeln!(out, "{name}: {} ({})", report.summary(), details.join("; "))
    }
}
