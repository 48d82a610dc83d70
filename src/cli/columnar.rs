//! `tcpwire pcap --format parquet|arrow` (with `-j N` and `--partition`) and `tcpwire encode
//! --from-parquet`: the command line of `tcpwire::columnar` (feature `parquet`).

use std::io;
use std::path::PathBuf;

use super::Exit;

/// The output format of `tcpwire pcap`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One JSON line per segment on standard output (NDJSON).
    #[default]
    Json,
    /// A Parquet file (zstd), one row per segment (feature `parquet`).
    Parquet,
    /// An Arrow IPC file, one row per segment (feature `parquet`).
    Arrow,
}

/// The options of `tcpwire pcap` for columnar output.
#[derive(clap::Args, Debug, Clone)]
pub struct ColumnarArgs {
    /// Output format; parquet and arrow write one row per TCP segment (and per error line) with
    /// every option kept byte for byte (see `tcpwire::columnar` for the columns).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Where parquet or arrow output goes: a file (`-` for standard output), or a directory
    /// with --partition.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Decode up to N files at once; the output is the same as with -j 1 (NDJSON with
    /// --ao-key(s) reads files one after another: TCP-AO follows connections across files).
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 1)]
    pub jobs: usize,
    /// Write a hive-style directory instead of one file: one part per input file,
    /// OUT/capture=NAME/part-HASH.parquet (NAME the file's base name, HASH its path's).
    #[arg(long)]
    pub partition: bool,
    /// Rows per Parquet row group (with batches of at most 8192 rows): with them, the bound
    /// on memory.
    #[arg(long, value_name = "ROWS", default_value_t = 65_536)]
    pub row_group_rows: usize,
}

impl ColumnarArgs {
    /// Whether these options ask for more than the default NDJSON on standard output.
    pub fn wanted(&self) -> bool {
        self.format != Format::Json || self.output.is_some() || self.partition
    }
}

/// Refuses options that only columnar output takes.
fn usage(message: &str) -> io::Result<Exit> {
    super::warn(&format!("tcpwire pcap: {message}"));
    Ok(Exit::BadInput)
}

/// Runs `tcpwire pcap` with columnar options.
pub fn run_pcap(
    files: &[PathBuf],
    strict: bool,
    analyze: bool,
    args: &ColumnarArgs,
) -> io::Result<Exit> {
    if args.format == Format::Json {
        return usage(
            "-o and --partition need --format parquet or arrow (NDJSON goes to standard output)",
        );
    }
    if args.jobs == 0 {
        return usage("-j: the number of jobs must be at least 1");
    }
    if args.row_group_rows == 0 {
        return usage("--row-group-rows: must be at least 1");
    }
    let Some(output) = &args.output else {
        return usage("--format parquet and arrow need -o OUT (`-o -` for standard output)");
    };
    run_export(files, strict, analyze, args, output)
}

#[cfg(not(feature = "parquet"))]
fn run_export(
    _: &[PathBuf],
    _: bool,
    _: bool,
    _: &ColumnarArgs,
    _: &std::path::Path,
) -> io::Result<Exit> {
    usage(
        "this tcpwire was built without the `parquet` feature (cargo build --features cli,parquet)",
    )
}

#[cfg(feature = "parquet")]
fn run_export(
    files: &[PathBuf],
    strict: bool,
    analyze: bool,
    args: &ColumnarArgs,
    output: &std::path::Path,
) -> io::Result<Exit> {
    export::run(files, strict, analyze, args, output)
}

/// Runs `tcpwire encode --from-parquet FILE`.
#[cfg(not(feature = "parquet"))]
pub fn run_encode(_: &std::path::Path) -> io::Result<Exit> {
    super::warn("tcpwire encode: --from-parquet: this tcpwire was built without the `parquet` feature (cargo build --features cli,parquet)");
    Ok(Exit::BadInput)
}

/// Runs `tcpwire encode --from-parquet FILE`: every segment row's header made again from its
/// columns, as hex, one line each; a header that differs from the row's `header_bytes` is
/// reported (exit code 1).
#[cfg(feature = "parquet")]
pub fn run_encode(path: &std::path::Path) -> io::Result<Exit> {
    use std::io::Write;
    let fail = |message: String| {
        super::warn(&format!("tcpwire encode: {}: {message}", path.display()));
        Ok(Exit::BadInput)
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return fail(format!("cannot open: {e}")),
    };
    let rows = match tcpwire::columnar::read_parquet_headers(file) {
        Ok(rows) => rows,
        Err(e) => return fail(e.to_string()),
    };
    let mut out = super::stdout();
    let (mut headers, mut differ) = (0u64, 0u64);
    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                out.flush()?;
                return fail(e.to_string());
            }
        };
        headers += 1;
        match row.header.to_bytes() {
            Ok(bytes) => {
                if bytes != row.header_bytes {
                    differ += 1;
                    let at = bytes
                        .iter()
                        .zip(&row.header_bytes)
                        .position(|(a, b)| a != b)
                        .unwrap_or(bytes.len().min(row.header_bytes.len()));
                    super::warn(&format!(
                        "tcpwire encode: {} frame {}: the header made from the columns differs from header_bytes at byte {at}",
                        row.file, row.frame
                    ));
                }
                writeln!(out, "{}", tcpwire::to_hex(&bytes))?;
            }
            Err(e) => {
                differ += 1;
                super::warn(&format!(
                    "tcpwire encode: {} frame {}: {e}",
                    row.file, row.frame
                ));
            }
        }
    }
    out.flush()?;
    super::warn(&format!(
        "tcpwire encode: {}: {headers} headers, {} byte-exact, {differ} differ",
        path.display(),
        headers - differ
    ));
    Ok(if differ > 0 { Exit::Findings } else { Exit::Ok })
}

#[cfg(feature = "parquet")]
mod export;
