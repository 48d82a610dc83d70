//! Headers back from the table: the fixed fields from their columns, each option from its `raw`
//! bytes, and the padding, so that [`TcpHeader::to_bytes`] gives the captured bytes again.

use arrow_array::cast::AsArray;
use arrow_array::types::{UInt16Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{Array, ArrowPrimitiveType, BooleanArray, PrimitiveArray, RecordBatch};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;

use crate::{Flags, InlineBytes, OptionList, TcpHeader, TcpOption};

use super::ColumnarError;

/// A header read back from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRow {
    /// The row's `file`.
    pub file: String,
    /// The row's `frame`.
    pub frame: u64,
    /// The header made from the columns (not from `header_bytes`).
    pub header: TcpHeader,
    /// The row's `header_bytes`: what `header.to_bytes()` must give.
    pub header_bytes: Vec<u8>,
}

/// The columns a header is made from.
const COLUMNS: [&str; 24] = [
    "file",
    "frame",
    "error",
    "src_port",
    "dst_port",
    "seq",
    "ack_number",
    "data_offset",
    "reserved",
    "flag_syn",
    "flag_fin",
    "flag_rst",
    "flag_psh",
    "flag_ack",
    "flag_urg",
    "flag_ece",
    "flag_cwr",
    "flag_ae",
    "window",
    "checksum",
    "urgent_pointer",
    "options",
    "padding",
    "header_bytes",
];

fn column<'a>(batch: &'a RecordBatch, name: &'static str) -> Result<&'a dyn Array, ColumnarError> {
    batch
        .column_by_name(name)
        .map(|c| c.as_ref())
        .ok_or(ColumnarError::Column {
            column: name,
            problem: "missing".into(),
        })
}

fn wrong_type(name: &'static str, array: &dyn Array) -> ColumnarError {
    ColumnarError::Column {
        column: name,
        problem: format!("type {} is not the one tcpwire writes", array.data_type()),
    }
}

fn primitive<'a, T: ArrowPrimitiveType>(
    batch: &'a RecordBatch,
    name: &'static str,
) -> Result<&'a PrimitiveArray<T>, ColumnarError> {
    let array = column(batch, name)?;
    array
        .as_primitive_opt::<T>()
        .ok_or_else(|| wrong_type(name, array))
}

fn boolean<'a>(
    batch: &'a RecordBatch,
    name: &'static str,
) -> Result<&'a BooleanArray, ColumnarError> {
    let array = column(batch, name)?;
    array
        .as_boolean_opt()
        .ok_or_else(|| wrong_type(name, array))
}

/// The headers of a batch's segment rows (error rows have none), in row order.
pub fn headers_of_batch(batch: &RecordBatch) -> Result<Vec<HeaderRow>, ColumnarError> {
    let string = |name: &'static str| {
        let array = column(batch, name)?;
        array
            .as_string_opt::<i32>()
            .ok_or_else(|| wrong_type(name, array))
    };
    let binary = |name: &'static str| {
        let array = column(batch, name)?;
        array
            .as_binary_opt::<i32>()
            .ok_or_else(|| wrong_type(name, array))
    };
    let (file, error) = (string("file")?, string("error")?);
    let frame = primitive::<UInt64Type>(batch, "frame")?;
    let ports = [
        primitive::<UInt16Type>(batch, "src_port")?,
        primitive::<UInt16Type>(batch, "dst_port")?,
    ];
    let (seq, ack) = (
        primitive::<UInt32Type>(batch, "seq")?,
        primitive::<UInt32Type>(batch, "ack_number")?,
    );
    let data_offset = primitive::<UInt8Type>(batch, "data_offset")?;
    let reserved = primitive::<UInt8Type>(batch, "reserved")?;
    let flag_columns = [
        ("flag_syn", Flags::SYN),
        ("flag_fin", Flags::FIN),
        ("flag_rst", Flags::RST),
        ("flag_psh", Flags::PSH),
        ("flag_ack", Flags::ACK),
        ("flag_urg", Flags::URG),
        ("flag_ece", Flags::ECE),
        ("flag_cwr", Flags::CWR),
        ("flag_ae", Flags::AE),
    ];
    let mut flags = Vec::with_capacity(flag_columns.len());
    for (name, flag) in flag_columns {
        flags.push((name, flag, boolean(batch, name)?));
    }
    let window = primitive::<UInt16Type>(batch, "window")?;
    let checksum = primitive::<UInt16Type>(batch, "checksum")?;
    let urgent = primitive::<UInt16Type>(batch, "urgent_pointer")?;
    let (padding, header_bytes) = (binary("padding")?, binary("header_bytes")?);
    let options = column(batch, "options")?;
    let options = options
        .as_list_opt::<i32>()
        .ok_or_else(|| wrong_type("options", options))?;
    let option_values = options.values();
    let raw = option_values
        .as_struct_opt()
        .and_then(|s| s.column_by_name("raw"))
        .and_then(|raw| raw.as_binary_opt::<i32>())
        .ok_or_else(|| ColumnarError::Column {
            column: "options",
            problem: "elements have no binary `raw` field".into(),
        })?;

    let mut rows = Vec::new();
    for i in 0..batch.num_rows() {
        if error.is_valid(i) {
            continue;
        }
        let (file, frame) = (file.value(i).to_string(), frame.value(i));
        let problem = |column: &'static str, problem: &str| ColumnarError::Value {
            file: file.clone(),
            frame,
            column,
            problem: problem.into(),
        };
        macro_rules! get {
            ($array:expr, $name:literal) => {
                if $array.is_valid(i) {
                    $array.value(i)
                } else {
                    return Err(problem($name, "null in a segment row"));
                }
            };
        }
        let mut header = TcpHeader {
            src_port: get!(ports[0], "src_port"),
            dst_port: get!(ports[1], "dst_port"),
            seq: get!(seq, "seq"),
            ack_number: get!(ack, "ack_number"),
            data_offset: get!(data_offset, "data_offset"),
            reserved: get!(reserved, "reserved"),
            flags: Flags::EMPTY,
            window: get!(window, "window"),
            checksum: get!(checksum, "checksum"),
            urgent_pointer: get!(urgent, "urgent_pointer"),
            options: OptionList::new(),
            padding: InlineBytes::from_slice(get!(padding, "padding"))
                .ok_or_else(|| problem("padding", "longer than 40 bytes"))?,
        };
        for (name, flag, array) in &flags {
            if !array.is_valid(i) {
                return Err(problem(name, "null in a segment row"));
            }
            header.flags.set(*flag, array.value(i));
        }
        if !options.is_valid(i) {
            return Err(problem("options", "null in a segment row"));
        }
        let offsets = options.value_offsets();
        let (start, end) = match (offsets.get(i), offsets.get(i + 1)) {
            (Some(&start), Some(&end)) => (start as usize, end as usize),
            _ => return Err(problem("options", "offsets out of range")),
        };
        if end > raw.len() || start > end {
            return Err(problem("options", "offsets out of range"));
        }
        for j in start..end {
            if !raw.is_valid(j) {
                return Err(problem("options", "an element's raw is null"));
            }
            let option = TcpOption::parse_lossless(raw.value(j))
                .map_err(|e| problem("options", &format!("raw bytes: {e}")))?;
            header.options.push(option);
        }
        rows.push(HeaderRow {
            header,
            header_bytes: get!(header_bytes, "header_bytes").to_vec(),
            file,
            frame,
        });
    }
    Ok(rows)
}

/// The headers of a Parquet file written by this module, read batch by batch (only the
/// columns a header needs are decoded).
///
/// ```no_run
/// for row in tcpwire::columnar::read_parquet_headers(std::fs::File::open("out.parquet")?)? {
///     let row = row?;
///     println!("{} {}", row.frame, tcpwire::to_hex(&row.header.to_bytes()?));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_parquet_headers<R: ChunkReader + 'static>(
    input: R,
) -> Result<ParquetHeaders, ColumnarError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(input)?;
    let schema = builder.schema().clone();
    let mut roots = Vec::new();
    for name in COLUMNS {
        roots.push(schema.index_of(name).map_err(|_| ColumnarError::Column {
            column: name,
            problem: "missing".into(),
        })?);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    Ok(ParquetHeaders {
        reader: builder.with_projection(mask).build()?,
        pending: Vec::new().into_iter(),
    })
}

/// The iterator of [`read_parquet_headers`].
pub struct ParquetHeaders {
    reader: ParquetRecordBatchReader,
    pending: std::vec::IntoIter<HeaderRow>,
}

impl Iterator for ParquetHeaders {
    type Item = Result<HeaderRow, ColumnarError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(row) = self.pending.next() {
                return Some(Ok(row));
            }
            match self.reader.next()? {
                Ok(batch) => match headers_of_batch(&batch) {
                    Ok(rows) => self.pending = rows.into_iter(),
                    Err(e) => return Some(Err(e)),
                },
                Err(e) => return Some(Err(e.into())),
            }
        }
    }
}
