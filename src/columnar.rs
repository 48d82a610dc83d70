//! Captures as columnar tables: Arrow record batches, Parquet and Arrow IPC files, one row per
//! TCP segment with every option kept byte for byte, and the headers read back from them.
//!
//! ```
//! use tcpwire::capture::CaptureReader;
//! use tcpwire::columnar::{export_parquet, read_parquet_headers, ExportOptions};
//!
//! let path = std::env::temp_dir().join(format!("tcpwire-doc-{}.parquet", std::process::id()));
//! let reader = CaptureReader::open("corpus/mptcp-ipv4-multipath.pcap")?;
//! let out = std::fs::File::create(&path)?;
//! let summary = export_parquet(reader, "mptcp-ipv4-multipath.pcap", out, &ExportOptions::default())?;
//! assert_eq!((summary.segments, summary.errors), (110, 0));
//!
//! // Every header comes back, byte for byte, from the columns.
//! let mut headers = 0;
//! for row in read_parquet_headers(std::fs::File::open(&path)?)? {
//!     let row = row?;
//!     assert_eq!(row.header.to_bytes()?, row.header_bytes);
//!     headers += 1;
//! }
//! assert_eq!(headers, 110);
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The table
//!
//! One row per TCP segment (and per error line of `tcpwire pcap`), in capture order. Columns,
//! nullable unless noted; unsigned integers are Arrow/Parquet unsigned types:
//!
//! | column | type | what |
//! | --- | --- | --- |
//! | `file` | utf8, not null | the capture's name as given |
//! | `frame` | uint64, not null | 1-based frame number |
//! | `timestamp` | timestamp µs UTC | capture time (null when it does not fit) |
//! | `timestamp_nanos` | uint32 | the nanoseconds within the second (exact) |
//! | `error` | utf8 | set on error rows (a header that cannot be given, an unreadable record); every header column is then null |
//! | `ip_version`, `src`, `dst` | uint8, utf8, utf8 | the IP layer carrying the segment |
//! | `src_port` … `urgent_pointer` | | the fixed header as sent: `src_port`, `dst_port`, `seq`, `ack_number`, `data_offset`, `reserved`, `window`, `checksum`, `urgent_pointer` |
//! | `flags` | utf8 | the flags as `tcpwire stats` names them (`SYN\|ACK`; `-` for none) |
//! | `flag_syn` … `flag_ae` | bool | one column per flag |
//! | `payload_len`, `truncated`, `checksum_verdict` | uint32, bool, utf8 | as in `tcpwire pcap` (`checksum_verdict` is its `"checksum"`: `ok`, `offload`, `zero`, `bad` or `not_checkable`) |
//! | `mss`, `window_scale`, `sack_permitted`, `sack_blocks`, `tsval`, `tsecr`, `fast_open_cookie` | | the common options, from their first occurrence (`sack_blocks`: list of `{left, right}`) |
//! | `mptcp_subtypes` | list of utf8 | the MPTCP subtypes of the header, in order |
//! | `mptcp_version`, `mptcp_sender_key`, `mptcp_receiver_key`, `mptcp_token`, `mptcp_nonce`, `mptcp_hmac`, `mptcp_address_id`, `mptcp_data_ack`, `mptcp_dsn`, `mptcp_subflow_seq`, `mptcp_data_level_length`, `mptcp_dss_checksum`, `mptcp_data_fin` | | MPTCP key fields, each from the first MPTCP option that has it (keys, token, nonce and HMACs as bytes; the DSN and data ACK as sent, 4 or 8 bytes wide) |
//! | `mptcp_connection_id`, `mptcp_subflow_id`, `mptcp_key_token`, `mptcp_idsn`, `mptcp_dsn64`, `mptcp_relative_dsn`, `mptcp_payload_dsn`, `mptcp_data_ack64`, `mptcp_relative_data_ack`, `mptcp_join_hmac_verdict`, `mptcp_add_addr_hmac_verdict`, `mptcp_dss_checksum_verdict`, `mptcp_dss_checksum_mapping_frame`, `mptcp_reinjection_of`, `mptcp_out_of_order`, `mptcp_events` | uint64, uint64, uint32, uint64 ×6, utf8 ×3, uint64, list of uint64, bool, list of utf8 | the MPTCP connection analysis of the segment ([`ExportOptions::analyze`], `tcpwire pcap --analyze`; null without it, and on segments outside MPTCP subflows): `tcpwire pcap --analyze`'s `"mptcp"` object field for field (`connection`, `subflow`, `token`, `idsn`, `dsn`, ... `events`), with the DSS checksum as its verdict and its mapping's frame (whose row holds the mapping's DSN) and the events by name |
//! | `options` | list of struct | every option in wire order (below) |
//! | `mptcp_options` | list of struct | every MPTCP option in wire order, with its typed fields (below) |
//! | `padding` | binary | the bytes after an EOL |
//! | `malformed` | list of `{kind, offset, problem, reason}` | the malformed options, as in `tcpwire pcap` |
//! | `header_bytes` | binary | the captured header (data offset × 4 bytes) |
//!
//! An element of `options`: `kind`, `name` (the type name; for kinds kept as bytes, the IANA
//! name, as `tcpwire stats` counts them), `offset` (from the start of the TCP header),
//! `length` (bytes on the wire), `raw` (those bytes: with the fixed fields and `padding`, the
//! header again), `problem` (the reason's short name, for a malformed option), and the typed
//! fields of its family: `mss`, `shift`, `sack_blocks`, `tsval`, `tsecr`, `cookie` (TCP Fast
//! Open, both forms), `exid` (experiments), `data` (the value bytes of options kept as bytes:
//! unknown kinds, experiments, ENO, alternate checksum data, MD5 digest, TCP-AO MAC, MPTCP
//! experimental and unassigned subtypes), `mptcp_subtype` (the high nibble of the byte after
//! the length, for MPTCP).
//!
//! An element of `mptcp_options` (the MPTCP family's typed fields, one element per kind-30
//! option; `offset` joins it to its element of `options`): `offset`, `length`, `subtype`,
//! `subtype_name`, `version`, `flags` (the flag byte of MP_CAPABLE and DSS), `sender_key`,
//! `receiver_key`, `token`, `nonce`, `hmac`, `backup`, `address_id`, `address`, `port`, `echo`,
//! `data_ack`, `dsn`, `subflow_seq`, `data_level_length`, `checksum`, `data_fin`,
//! `address_ids`, `reason`, `transient`, each set where the subtype has it. They are a list of
//! their own rather than a struct in every element of `options` because Parquet writes every
//! field of a nested struct for every element: 23 fields for each NOP and timestamp would
//! double the export's work.
//!
//! # Memory
//!
//! [`CaptureBatches`] reads a capture frame by frame and hands out a batch every
//! [`ExportOptions::batch_rows`] rows; the Parquet writer encodes each batch into the row group
//! in progress (compressed pages) and writes the row group out every
//! [`ExportOptions::row_group_rows`] rows. Memory is bounded by one batch and one row group,
//! whatever the capture's size.

use std::io::Write;

use arrow_array::RecordBatch;
use arrow_schema::ArrowError;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use crate::analysis::mptcp::{Annotation, MptcpAnalyzer, Segment as MptcpSegment};
use crate::capture::{
    examine, CaptureError, CaptureReader, CapturedSegment, Examined, Frame, SegmentError,
};
use crate::checksum::ChecksumVerdict;
use crate::flow::Endpoint;
use crate::harness::Skipped;
use crate::{ParseMode, TcpHeader};

mod columns;
mod parallel;
mod regenerate;

pub use columns::{schema, BatchBuilder};
pub use parallel::{batches_in_order, InOrder};
pub use regenerate::{headers_of_batch, read_parquet_headers, HeaderRow, ParquetHeaders};

/// The Arrow and Parquet crates whose types are in this module's API, re-exported so that
/// users name the very versions this crate uses.
pub use arrow_array;
pub use arrow_schema;
pub use parquet;

/// What went wrong exporting or reading a table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnarError {
    /// The capture could not be opened.
    #[error(transparent)]
    Capture(#[from] CaptureError),
    /// Arrow refused a batch or a file.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// Parquet could not write or read the file.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// A column is missing or not of the type this module writes.
    #[error("column {column}: {problem}")]
    Column {
        /// The column's name.
        column: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// A row's value cannot be part of a header.
    #[error("file {file} frame {frame}: column {column}: {problem}")]
    Value {
        /// The row's `file`.
        file: String,
        /// The row's `frame`.
        frame: u64,
        /// The column.
        column: &'static str,
        /// What is wrong with the value.
        problem: String,
    },
}

/// One segment's row, as [`BatchBuilder::push_segment`] takes it.
#[derive(Debug, Clone, Copy)]
pub struct SegmentRow<'a> {
    /// The capture's name.
    pub file: &'a str,
    /// The 1-based frame number.
    pub frame: u64,
    /// Seconds and nanoseconds since the Unix epoch.
    pub timestamp: (u64, u32),
    /// 4 or 6.
    pub ip_version: u8,
    /// The source address.
    pub src: std::net::IpAddr,
    /// The destination address.
    pub dst: std::net::IpAddr,
    /// The parsed header (lossless parsing keeps malformed options).
    pub header: &'a TcpHeader,
    /// The header's bytes as captured (the segment's bytes may follow; they are cut at the
    /// header's length).
    pub header_bytes: &'a [u8],
    /// The payload length.
    pub payload_len: usize,
    /// Whether the capture holds less of the segment than the IP header declares.
    pub truncated: bool,
    /// The checksum verdict (`not_checkable` when the segment was cut short).
    pub checksum_verdict: ChecksumVerdict,
    /// What the MPTCP connection analysis says about the segment (`tcpwire pcap --analyze`'s
    /// `"mptcp"`): `None` outside MPTCP subflows, or when the analysis does not run.
    pub mptcp: Option<&'a Annotation>,
}

/// How captures are exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Rows per batch (default 8,192): the builders' share of memory. At most
    /// [`MAX_BATCH_ROWS`] (fewer for a file name longer than a kilobyte): a larger value is
    /// taken as that most.
    pub batch_rows: usize,
    /// Rows per Parquet row group (default 65,536): the writer's share of memory (encoded and
    /// compressed), and the unit engines skip or read in parallel.
    pub row_group_rows: usize,
    /// Lossless (the default: malformed options are kept) or strict (a malformed option makes
    /// the row an error row).
    pub mode: ParseMode,
    /// The zstd level of Parquet pages (default 1: level 3 saves 1-3% of the size for twice the
    /// compression time).
    pub zstd_level: i32,
    /// Whether to run the MPTCP connection analysis over each capture and fill the
    /// `mptcp_connection_id` ... `mptcp_events` columns (`tcpwire pcap --analyze`; default
    /// off, as there: it keeps a flow table and hashes keys, for columns most exports leave
    /// null).
    pub analyze: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            batch_rows: 8_192,
            row_group_rows: 65_536,
            mode: ParseMode::Lossless,
            zstd_level: 1,
            analyze: false,
        }
    }
}

/// What an export read: the counts `tcpwire pcap` reports on standard error.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Segment rows.
    pub segments: u64,
    /// Error rows.
    pub errors: u64,
    /// Frames without a TCP segment, by reason.
    pub skipped: Skipped,
    /// The message of the error that stopped reading early, if one did (it is also an error
    /// row).
    pub read_error: Option<String>,
}

impl Summary {
    /// Adds another summary's counts to this one (keeping the first read error).
    pub fn add(&mut self, other: &Summary) {
        self.segments += other.segments;
        self.errors += other.errors;
        self.skipped.add(&other.skipped);
        if self.read_error.is_none() {
            self.read_error.clone_from(&other.read_error);
        }
    }
}

/// The record batches of one capture, [`ExportOptions::batch_rows`] rows each (the last
/// one may be shorter), read as they are asked for.
///
/// ```
/// use tcpwire::capture::CaptureReader;
/// use tcpwire::columnar::{CaptureBatches, ExportOptions};
/// let reader = CaptureReader::open("corpus/tcp-ipv4-sack.pcap")?;
/// let options = ExportOptions { batch_rows: 16, ..ExportOptions::default() };
/// let mut batches = CaptureBatches::new(reader, "tcp-ipv4-sack.pcap", &options);
/// let rows: Vec<usize> = batches.by_ref().map(|b| b.num_rows()).collect();
/// assert!(rows.iter().all(|&n| n <= 16));
/// assert_eq!(rows.iter().sum::<usize>() as u64, batches.summary().segments);
/// # Ok::<(), tcpwire::capture::CaptureError>(())
/// ```
pub struct CaptureBatches {
    reader: Option<CaptureReader>,
    file: String,
    options: ExportOptions,
    builder: BatchBuilder,
    summary: Summary,
    last_frame: u64,
    analyzer: Option<MptcpAnalyzer>,
}

impl CaptureBatches {
    /// The batches of the capture `reader` reads, with `file` in the `file` column.
    pub fn new(reader: CaptureReader, file: &str, options: &ExportOptions) -> CaptureBatches {
        CaptureBatches {
            reader: Some(reader),
            file: file.to_string(),
            options: ExportOptions {
                batch_rows: options.batch_rows.clamp(1, max_capture_rows(file)),
                ..*options
            },
            builder: BatchBuilder::new(),
            summary: Summary::default(),
            last_frame: 0,
            analyzer: options.analyze.then(MptcpAnalyzer::default),
        }
    }

    /// The counts so far (final once the iterator has ended).
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    fn push_frame(&mut self, frame: &Frame) {
        self.last_frame = frame.number;
        // The frames, verdicts and error messages of `tcpwire pcap`.
        let CapturedSegment {
            tcp,
            header,
            payload_len,
            checksum: checksum_verdict,
        } = match examine(frame, self.options.mode) {
            Examined::Segment(segment) => segment,
            Examined::Error(e) => {
                return self.push_error(frame.number, Some(frame.timestamp), &e.message())
            }
            Examined::Skipped(reason) => return self.summary.skipped.count(reason),
        };
        self.summary.segments += 1;
        let mptcp = self.analyzer.as_mut().and_then(|analyzer| {
            analyzer.segment(&MptcpSegment {
                frame: frame.number,
                time_ns: frame
                    .timestamp
                    .0
                    .saturating_mul(1_000_000_000)
                    .saturating_add(u64::from(frame.timestamp.1)),
                src: Endpoint::new(tcp.src, header.src_port),
                dst: Endpoint::new(tcp.dst, header.dst_port),
                header: &header,
                payload: tcp.segment.get(header.header_len()..).unwrap_or_default(),
                payload_len,
            })
        });
        self.builder.push_segment(&SegmentRow {
            file: &self.file,
            frame: frame.number,
            timestamp: frame.timestamp,
            ip_version: tcp.ip_version,
            src: tcp.src,
            dst: tcp.dst,
            header: &header,
            header_bytes: tcp.segment,
            payload_len,
            truncated: tcp.truncated,
            checksum_verdict,
            mptcp: mptcp.as_ref(),
        });
    }

    fn push_error(&mut self, frame: u64, timestamp: Option<(u64, u32)>, message: &str) {
        self.summary.errors += 1;
        self.builder
            .push_error(&self.file, frame, timestamp, message);
    }
}

impl Iterator for CaptureBatches {
    type Item = RecordBatch;

    fn next(&mut self) -> Option<RecordBatch> {
        while self.builder.len() < self.options.batch_rows {
            let Some(reader) = self.reader.as_mut() else {
                break;
            };
            match reader.next() {
                Some(Ok(frame)) => self.push_frame(&frame),
                Some(Err(e)) => {
                    // The reader says whether it goes on after this error; the row names the
                    // frame after the last one read, as `tcpwire pcap` does.
                    let message = e.to_string();
                    self.push_error(self.last_frame.saturating_add(1), None, &message);
                    if self.summary.read_error.is_none() {
                        self.summary.read_error = Some(message);
                    }
                }
                None => self.reader = None,
            }
        }
        (!self.builder.is_empty()).then(|| self.builder.finish())
    }
}

/// The Parquet writer properties of an export: zstd pages without dictionaries (zstd alone
/// makes smaller files of this table, for less work), row groups of
/// [`ExportOptions::row_group_rows`] with pages of up to as many rows, and minimum and maximum
/// statistics per row group for the columns queries select rows by (`file`, `frame`,
/// `timestamp` and ports), which engines use to skip row groups. Addresses have none: their
/// text's minimum and maximum over a row group of mixed flows rarely excludes it, and they cost
/// 1.4% of the export's instructions.
pub fn parquet_properties(options: &ExportOptions) -> WriterProperties {
    let level = ZstdLevel::try_new(options.zstd_level).unwrap_or_default();
    let mut builder = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_statistics_enabled(EnabledStatistics::None)
        .set_dictionary_enabled(false)
        .set_write_batch_size(8192);
    for column in ["file", "frame", "timestamp", "src_port", "dst_port"] {
        builder = builder.set_column_statistics_enabled(column.into(), EnabledStatistics::Chunk);
    }
    let rows = options.row_group_rows.max(1);
    builder
        .set_max_row_group_row_count(Some(rows))
        // One page per column chunk unless it reaches the page size limit (1 MiB): fewer,
        // larger pages compress better (20% smaller files) for less work than 20,000-row pages.
        .set_data_page_row_count_limit(rows)
        .build()
}

/// A Parquet writer of the segment table to `out`.
pub fn parquet_writer<W: Write + Send>(
    out: W,
    options: &ExportOptions,
) -> Result<ArrowWriter<W>, ColumnarError> {
    Ok(ArrowWriter::try_new(
        out,
        schema(),
        Some(parquet_properties(options)),
    )?)
}

/// Exports a capture to Parquet, streaming: one row group per batch.
pub fn export_parquet<W: Write + Send>(
    reader: CaptureReader,
    file: &str,
    out: W,
    options: &ExportOptions,
) -> Result<Summary, ColumnarError> {
    let mut writer = parquet_writer(out, options)?;
    let mut batches = CaptureBatches::new(reader, file, options);
    for batch in batches.by_ref() {
        writer.write(&batch)?;
    }
    writer.close()?;
    Ok(batches.summary().clone())
}

/// Exports a capture to an Arrow IPC file (uncompressed; Feather v2), streaming.
pub fn export_arrow_ipc<W: Write>(
    reader: CaptureReader,
    file: &str,
    out: W,
    options: &ExportOptions,
) -> Result<Summary, ColumnarError> {
    let mut writer = arrow_ipc::writer::FileWriter::try_new(out, &schema())?;
    let mut batches = CaptureBatches::new(reader, file, options);
    for batch in batches.by_ref() {
        writer.write(&batch)?;
    }
    writer.finish()?;
    Ok(batches.summary().clone())
}

/// The columns of [`schema`] that describe a segment's capture (its file, frame, time, IP
/// layer, checksum verdict and connection analysis) rather than the segment: a batch of raw
/// segments has none of them.
const CAPTURE_COLUMNS: [&str; 16] = [
    "file",
    "frame",
    "timestamp",
    "timestamp_nanos",
    "ip_version",
    "src",
    "dst",
    "truncated",
    "checksum_verdict",
    "mptcp_connection_id",
    "mptcp_subflow_id",
    "mptcp_dsn64",
    "mptcp_data_ack64",
    "mptcp_hmac_verdict",
    "mptcp_dss_checksum_verdict",
    "mptcp_events",
];

/// The most rows of one record batch ([`segment_batch`], [`ExportOptions::batch_rows`]). A
/// row holds at most about a kilobyte in any one variable-width column (a 60-byte header, the
/// names and problems of at most 40 options, an error message; a capture's rows also the file
/// name), and those columns address their bytes with 32-bit offsets (2 GiB a column): this
/// many rows keep a column under 1 GiB.
pub const MAX_BATCH_ROWS: usize = 1 << 20;

/// The most rows of a capture's batch whose `file` column holds `file`.
fn max_capture_rows(file: &str) -> usize {
    let per_row = 1024usize.saturating_add(file.len());
    MAX_BATCH_ROWS.min(i32::MAX.unsigned_abs() as usize / per_row)
}

/// Raw TCP segments (each a header and its payload, as [`TcpHeader::parse_with`] takes them)
/// as one record batch: row `i` is segment `i`, with the columns of [`schema`] that belong to
/// the segment itself (every column but the capture's: `file`, `frame`, `timestamp`,
/// `timestamp_nanos`, `ip_version`, `src`, `dst`, `truncated`, `checksum_verdict` and the
/// `mptcp_*` analysis columns), in the same order and of the same types. A segment that does
/// not parse in `mode` is an error row, as in a capture's table: `error` holds the reason and
/// the header columns are null. `payload_len` is the segment's length after its header.
///
/// The columns of variable width (`header_bytes`, the options' bytes and names, `error`) hold
/// their rows in Arrow buffers whose offsets are 32-bit, so a call takes at most
/// [`MAX_BATCH_ROWS`] segments (more is an error, not a panic): pass a larger input in
/// batches.
///
/// ```
/// use tcpwire::columnar::segment_batch;
/// let syn = tcpwire::from_hex(
///     "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
/// ).unwrap();
/// let batch = segment_batch([syn.as_slice(), &syn[..10]], tcpwire::ParseMode::Lossless)?;
/// assert_eq!(batch.num_rows(), 2);
/// assert_eq!(batch.column_by_name("error").unwrap().null_count(), 1);
/// assert!(batch.column_by_name("src").is_none());
/// # Ok::<(), tcpwire::columnar::arrow_schema::ArrowError>(())
/// ```
pub fn segment_batch<'a>(
    segments: impl IntoIterator<Item = &'a [u8]>,
    mode: ParseMode,
) -> Result<RecordBatch, ArrowError> {
    let segments = segments.into_iter();
    let too_many = || {
        ArrowError::InvalidArgumentError(format!(
            "segment_batch takes at most {MAX_BATCH_ROWS} segments a call; \
             pass the segments in batches"
        ))
    };
    if segments.size_hint().0 > MAX_BATCH_ROWS {
        return Err(too_many());
    }
    let mut builder = BatchBuilder::new();
    // Projected away below; `::` is the address whose text is cheapest to write.
    let nowhere = std::net::IpAddr::from(std::net::Ipv6Addr::UNSPECIFIED);
    for (i, bytes) in segments.enumerate() {
        if i >= MAX_BATCH_ROWS {
            return Err(too_many());
        }
        let frame = i as u64 + 1;
        match TcpHeader::parse_with(bytes, mode) {
            Ok(header) => builder.push_segment(&SegmentRow {
                file: "",
                frame,
                timestamp: (0, 0),
                ip_version: 0,
                src: nowhere,
                dst: nowhere,
                header: &header,
                header_bytes: bytes,
                payload_len: bytes.len().saturating_sub(header.header_len()),
                truncated: false,
                checksum_verdict: ChecksumVerdict::NotCheckable,
                mptcp: None,
            }),
            Err(e) => {
                let message = SegmentError::from_parse(e, false).message();
                builder.push_error("", frame, None, &message);
            }
        }
    }
    let batch = builder.finish();
    let keep: Vec<usize> = (0..batch.num_columns())
        .filter(|&i| !CAPTURE_COLUMNS.contains(&batch.schema_ref().field(i).name().as_str()))
        .collect();
    batch.project(&keep)
}
