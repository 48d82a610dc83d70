//! The export itself: files decoded by up to N threads, batches written in input order (so
//! `-j N` writes the very bytes `-j 1` does), or one part per file with `--partition`.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

use tcpwire::capture::{CaptureError, CaptureReader};
use tcpwire::columnar::arrow_array::RecordBatch;
use tcpwire::columnar::{
    batches_in_order, parquet_writer, schema, CaptureBatches, ExportOptions, InOrder, Summary,
};
use tcpwire::ParseMode;

use super::super::input::{captures, Capture};
use super::super::{warn, Exit};
use super::{ColumnarArgs, Format};

/// Where batches go: a Parquet or an Arrow IPC writer.
enum Sink<W: Write + Send> {
    Parquet(tcpwire::columnar::parquet::arrow::ArrowWriter<W>),
    Arrow(arrow_ipc::writer::FileWriter<W>),
}

impl<W: Write + Send> Sink<W> {
    fn new(format: Format, out: W, options: &ExportOptions) -> Result<Sink<W>, String> {
        match format {
            Format::Arrow => arrow_ipc::writer::FileWriter::try_new(out, &schema())
                .map(Sink::Arrow)
                .map_err(|e| e.to_string()),
            _ => parquet_writer(out, options)
                .map(Sink::Parquet)
                .map_err(|e| e.to_string()),
        }
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), String> {
        match self {
            Sink::Parquet(w) => w.write(batch).map_err(|e| e.to_string()),
            Sink::Arrow(w) => w.write(batch).map_err(|e| e.to_string()),
        }
    }

    fn finish(self) -> Result<(), String> {
        match self {
            Sink::Parquet(w) => w.close().map(drop).map_err(|e| e.to_string()),
            Sink::Arrow(mut w) => w.finish().map_err(|e| e.to_string()),
        }
    }
}

fn open(input: &Capture) -> Result<CaptureReader, CaptureError> {
    if input.path == Path::new("-") {
        CaptureReader::new(io::stdin())
    } else {
        CaptureReader::open(&input.path)
    }
}

/// Runs the export of `tcpwire pcap --format parquet|arrow`.
pub fn run(
    files: &[PathBuf],
    strict: bool,
    analyze: bool,
    args: &ColumnarArgs,
    output: &Path,
) -> io::Result<Exit> {
    let inputs = match captures(files) {
        Ok(inputs) => inputs,
        Err(e) => {
            warn(&format!("tcpwire pcap: {e}"));
            return Ok(Exit::BadInput);
        }
    };
    let options = ExportOptions {
        row_group_rows: args.row_group_rows,
        batch_rows: args.row_group_rows.min(ExportOptions::default().batch_rows),
        mode: if strict {
            ParseMode::Strict
        } else {
            ParseMode::Lossless
        },
        analyze,
        ..ExportOptions::default()
    };
    let jobs = args.jobs.clamp(1, inputs.len().max(1));
    if args.partition {
        if output == Path::new("-") {
            warn("tcpwire pcap: --partition writes a directory: -o - is not one");
            return Ok(Exit::BadInput);
        }
        return Ok(partitioned(&inputs, jobs, args.format, &options, output));
    }
    let out: Box<dyn Write + Send> = if output == Path::new("-") {
        Box::new(io::stdout())
    } else {
        match File::create(output) {
            Ok(file) => Box::new(file),
            Err(e) => {
                warn(&format!(
                    "tcpwire pcap: -o {}: cannot create: {e}",
                    output.display()
                ));
                return Ok(Exit::BadInput);
            }
        }
    };
    let sink = match Sink::new(
        args.format,
        BufWriter::with_capacity(1 << 20, out),
        &options,
    ) {
        Ok(sink) => sink,
        Err(e) => {
            warn(&format!("tcpwire pcap: {e}"));
            return Ok(Exit::BadInput);
        }
    };
    single(&inputs, jobs, &options, sink).or_else(|e| {
        warn(&format!("tcpwire pcap: writing {}: {e}", output.display()));
        Ok(Exit::BadInput)
    })
}

/// Reports one file's outcome as `tcpwire pcap` does, and gives its exit code.
fn report(input: &Capture, outcome: &Result<Summary, String>) -> Exit {
    match outcome {
        Err(message) => {
            warn(&format!("tcpwire pcap: {message}"));
            Exit::BadInput
        }
        Ok(summary) => {
            let breakdown = summary.skipped.breakdown();
            warn(&format!(
                "tcpwire pcap: {}: {} TCP segments, {} error rows, {} frames skipped{}",
                input.name(),
                summary.segments,
                summary.errors,
                summary.skipped.total(),
                if breakdown.is_empty() {
                    String::new()
                } else {
                    format!(" ({breakdown})")
                }
            ));
            if let Some(read_error) = &summary.read_error {
                warn(&format!("tcpwire pcap: {}: {read_error}", input.name()));
            }
            if summary.errors > 0 {
                Exit::Findings
            } else {
                Exit::Ok
            }
        }
    }
}

/// Decodes the files with `jobs` workers and writes every batch to `sink` in input order
/// (`tcpwire::columnar::batches_in_order`: the bytes written do not depend on `jobs`).
fn single<W: Write + Send>(
    inputs: &[Capture],
    jobs: usize,
    options: &ExportOptions,
    mut sink: Sink<W>,
) -> Result<Exit, String> {
    let mut exit = Exit::Ok;
    batches_in_order(
        inputs.len(),
        jobs,
        options,
        |k| {
            // k < inputs.len(): batches_in_order asks for 0..count only.
            let input = inputs.get(k).ok_or(CaptureError::Empty)?;
            Ok((open(input)?, input.name()))
        },
        |k, item| {
            let Some(input) = inputs.get(k) else {
                return Ok(());
            };
            match item {
                InOrder::Batch(batch) => sink.write(&batch)?,
                InOrder::Done(summary) => exit.raise(report(input, &Ok(summary))),
                InOrder::Failed(e) => {
                    exit.raise(report(input, &Err(format!("{}: {e}", input.name()))))
                }
            }
            Ok::<(), String>(())
        },
    )?;
    sink.finish()?;
    Ok(exit)
}

/// The directory of a file's part: `capture=NAME`, NAME its base name with every byte other
/// than ASCII letters, digits, `.`, `_` and `-` escaped as `%XX` (as Hive and Spark escape
/// partition values).
fn partition_dir(input: &Capture) -> String {
    let name = if input.path == Path::new("-") {
        "stdin".to_string()
    } else {
        input
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| input.name())
    };
    let mut dir = String::from("capture=");
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-') {
            dir.push(char::from(byte));
        } else {
            dir.push_str(&format!("%{byte:02X}"));
        }
    }
    dir
}

/// FNV-1a, 64 bits: a stable name for a part from its input's path, so a rerun (or a retried
/// Spark task) replaces the part instead of adding one.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Writes one part: to a hidden temporary name first (engines skip names starting with `.`),
/// renamed when complete.
fn write_part(
    input: &Capture,
    format: Format,
    options: &ExportOptions,
    root: &Path,
) -> Result<Summary, String> {
    let reader = open(input).map_err(|e| format!("{}: {e}", input.name()))?;
    let dir = root.join(partition_dir(input));
    let extension = if format == Format::Arrow {
        "arrow"
    } else {
        "parquet"
    };
    let part = format!(
        "part-{:016x}.{extension}",
        fnv1a(&input.path.to_string_lossy())
    );
    let (path, temporary) = (dir.join(&part), dir.join(format!(".{part}.tmp")));
    let what = |e: &dyn std::fmt::Display| format!("-o {}: {e}", path.display());
    fs::create_dir_all(&dir).map_err(|e| what(&e))?;
    let file = File::create(&temporary).map_err(|e| what(&e))?;
    let mut sink = Sink::new(format, BufWriter::with_capacity(1 << 20, file), options)?;
    let mut batches = CaptureBatches::new(reader, &input.name(), options);
    for batch in batches.by_ref() {
        sink.write(&batch).map_err(|e| what(&e))?;
    }
    sink.finish().map_err(|e| what(&e))?;
    fs::rename(&temporary, &path).map_err(|e| what(&e))?;
    Ok(batches.summary().clone())
}

/// `--partition`: one part per file, `jobs` at a time; reports in input order at the end.
fn partitioned(
    inputs: &[Capture],
    jobs: usize,
    format: Format,
    options: &ExportOptions,
    root: &Path,
) -> Exit {
    let outcomes: Vec<Mutex<Option<Result<Summary, String>>>> =
        inputs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let (Some(input), Some(slot)) = (inputs.get(k), outcomes.get(k)) else {
                    return;
                };
                let outcome = write_part(input, format, options, root);
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(outcome);
                }
            });
        }
    });
    let mut exit = Exit::Ok;
    for (input, slot) in inputs.iter().zip(outcomes) {
        let outcome = slot
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or_else(|| Err(format!("{}: the decoder stopped", input.name())));
        exit.raise(report(input, &outcome));
    }
    exit
}
