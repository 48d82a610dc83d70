//! The narrow layout of a batch of raw segments: a projection of `tcpwire::columnar`'s segment
//! columns (same names, same types, fewer columns and fewer fields in an `options` element),
//! built from plain vectors. It keeps every header field and every option's bytes (lossless)
//! and drops the typed option fields beyond the common ones and the MPTCP fields, which make
//! most of the full layout's cost (about 8,000 instructions a segment).

use std::sync::Arc;

use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use tcpwire::capture::SegmentError;
use tcpwire::columnar::arrow_array::types::{UInt16Type, UInt32Type, UInt8Type};
use tcpwire::columnar::arrow_array::{
    ArrayRef, ArrowPrimitiveType, BinaryArray, BooleanArray, ListArray, PrimitiveArray,
    RecordBatch, StringArray, StructArray,
};
use tcpwire::columnar::arrow_schema::{ArrowError, DataType, Fields, Schema, SchemaRef};
use tcpwire::wire::options_with_offsets;
use tcpwire::{ParseMode, TcpHeader, TcpOption};

/// The top-level columns of the narrow layout, in the full table's order.
const COLUMNS: [&str; 28] = [
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
    "payload_len",
    "mss",
    "window_scale",
    "sack_permitted",
    "tsval",
    "tsecr",
    "options",
    "padding",
    "header_bytes",
];

/// The fields of an `options` element kept in the narrow layout.
const OPTION_FIELDS: [&str; 5] = ["kind", "offset", "length", "raw", "mptcp_subtype"];

/// The narrow layout's schema: the full table's columns named in [`COLUMNS`], `options`
/// narrowed to [`OPTION_FIELDS`].
pub(crate) fn schema() -> Result<SchemaRef, ArrowError> {
    let full = tcpwire::columnar::schema();
    let mut fields = Vec::with_capacity(COLUMNS.len());
    for name in COLUMNS {
        let field = full.field_with_name(name)?;
        if name != "options" {
            fields.push(field.clone());
            continue;
        }
        let DataType::List(item) = field.data_type() else {
            return Err(ArrowError::SchemaError("options is not a list".into()));
        };
        let DataType::Struct(members) = item.data_type() else {
            return Err(ArrowError::SchemaError("options holds no struct".into()));
        };
        let kept: Fields = members
            .iter()
            .filter(|f| OPTION_FIELDS.contains(&f.name().as_str()))
            .cloned()
            .collect();
        let item = item.as_ref().clone().with_data_type(DataType::Struct(kept));
        fields.push(field.clone().with_data_type(DataType::List(Arc::new(item))));
    }
    Ok(Arc::new(Schema::new(fields)))
}

/// A nullable column of one primitive type: values, and whether each row has one.
struct Column<T: ArrowPrimitiveType> {
    values: Vec<T::Native>,
    valid: Vec<bool>,
}

impl<T: ArrowPrimitiveType> Column<T> {
    fn with_capacity(n: usize) -> Self {
        Column {
            values: Vec::with_capacity(n),
            valid: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, value: Option<T::Native>) {
        self.values.push(value.unwrap_or_default());
        self.valid.push(value.is_some());
    }

    fn finish(self) -> ArrayRef {
        Arc::new(PrimitiveArray::<T>::new(
            ScalarBuffer::from(self.values),
            nulls(self.valid),
        ))
    }
}

/// A validity buffer, or none when every row is valid.
fn nulls(valid: Vec<bool>) -> Option<NullBuffer> {
    (!valid.iter().all(|&v| v)).then(|| NullBuffer::from(valid))
}

fn bools(values: Vec<bool>, valid: &[bool]) -> ArrayRef {
    Arc::new(BooleanArray::new(
        BooleanBuffer::from(values),
        nulls(valid.to_vec()),
    ))
}

/// Variable-length bytes: the values back to back and their offsets.
struct Bytes {
    offsets: Vec<i32>,
    values: Vec<u8>,
}

impl Bytes {
    fn with_capacity(n: usize) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        Bytes {
            offsets,
            values: Vec::new(),
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.values.extend_from_slice(bytes);
        // At most `batch::MAX_BATCH_ROWS` rows of at most 60 bytes each: within 32 bits.
        self.offsets
            .push(i32::try_from(self.values.len()).unwrap_or(i32::MAX));
    }

    fn finish(self, valid: Option<NullBuffer>) -> Result<BinaryArray, ArrowError> {
        BinaryArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(self.offsets)),
            Buffer::from_vec(self.values),
            valid,
        )
    }
}

/// One record batch of the narrow layout: row `i` is segment `i`, as in
/// `tcpwire::columnar::segment_batch` (error rows included, with the same messages).
pub(crate) fn narrow_batch(
    schema: &SchemaRef,
    segments: &[&[u8]],
    mode: ParseMode,
) -> Result<RecordBatch, ArrowError> {
    let n = segments.len();
    let mut error: Vec<Option<String>> = Vec::with_capacity(n);
    let mut valid = Vec::with_capacity(n);
    let mut src_port = Column::<UInt16Type>::with_capacity(n);
    let mut dst_port = Column::<UInt16Type>::with_capacity(n);
    let mut seq = Column::<UInt32Type>::with_capacity(n);
    let mut ack = Column::<UInt32Type>::with_capacity(n);
    let mut data_offset = Column::<UInt8Type>::with_capacity(n);
    let mut reserved = Column::<UInt8Type>::with_capacity(n);
    let mut flags: [Vec<bool>; 9] = Default::default();
    let mut window = Column::<UInt16Type>::with_capacity(n);
    let mut checksum = Column::<UInt16Type>::with_capacity(n);
    let mut urgent_pointer = Column::<UInt16Type>::with_capacity(n);
    let mut payload_len = Column::<UInt32Type>::with_capacity(n);
    let mut mss = Column::<UInt16Type>::with_capacity(n);
    let mut window_scale = Column::<UInt8Type>::with_capacity(n);
    let mut sack_permitted = Vec::with_capacity(n);
    let mut tsval = Column::<UInt32Type>::with_capacity(n);
    let mut tsecr = Column::<UInt32Type>::with_capacity(n);
    let mut option_rows: Vec<i32> = Vec::with_capacity(n + 1);
    option_rows.push(0);
    let (mut kind, mut offset, mut length) = (Vec::new(), Vec::new(), Vec::new());
    let mut raw = Bytes::with_capacity(n * 5);
    let mut subtype = Column::<UInt8Type>::with_capacity(n);
    let mut padding = Bytes::with_capacity(n);
    let mut header_bytes = Bytes::with_capacity(n);

    for bytes in segments {
        let header = match TcpHeader::parse_with(bytes, mode) {
            Ok(header) => header,
            Err(e) => {
                // The messages of `tcpwire::columnar::segment_batch`.
                error.push(Some(SegmentError::from_parse(e, false).message()));
                valid.push(false);
                for column in [&mut src_port, &mut dst_port, &mut window, &mut checksum] {
                    column.push(None);
                }
                for column in [&mut urgent_pointer, &mut mss] {
                    column.push(None);
                }
                for column in [&mut seq, &mut ack, &mut payload_len, &mut tsval, &mut tsecr] {
                    column.push(None);
                }
                for column in [&mut data_offset, &mut reserved, &mut window_scale] {
                    column.push(None);
                }
                for flag in &mut flags {
                    flag.push(false);
                }
                sack_permitted.push(false);
                option_rows.push(option_rows.last().copied().unwrap_or(0));
                padding.push(b"");
                header_bytes.push(b"");
                continue;
            }
        };
        error.push(None);
        valid.push(true);
        src_port.push(Some(header.src_port));
        dst_port.push(Some(header.dst_port));
        seq.push(Some(header.seq));
        ack.push(Some(header.ack_number));
        data_offset.push(Some(header.data_offset));
        reserved.push(Some(header.reserved));
        let f = header.flags;
        let bits = [
            f.syn(),
            f.fin(),
            f.rst(),
            f.psh(),
            f.ack(),
            f.urg(),
            f.ece(),
            f.cwr(),
            f.ae(),
        ];
        for (column, bit) in flags.iter_mut().zip(bits) {
            column.push(bit);
        }
        window.push(Some(header.window));
        checksum.push(Some(header.checksum));
        urgent_pointer.push(Some(header.urgent_pointer));
        let header_len = header.header_len();
        payload_len.push(Some(
            u32::try_from(bytes.len().saturating_sub(header_len)).unwrap_or(u32::MAX),
        ));
        let (mut first_mss, mut shift, mut sack_ok, mut ts) = (None, None, false, None);
        for (at, option) in options_with_offsets(&header) {
            let option_bytes = bytes.get(at..at + option.encoded_len()).unwrap_or_default();
            kind.push(option_bytes.first().copied().unwrap_or_default());
            offset.push(u8::try_from(at).unwrap_or(u8::MAX));
            length.push(u8::try_from(option_bytes.len()).unwrap_or(u8::MAX));
            raw.push(option_bytes);
            match option {
                TcpOption::Mptcp(_) => subtype.push(option_bytes.get(2).map(|b| b >> 4)),
                _ => subtype.push(None),
            }
            match option {
                TcpOption::Mss(v) => _ = first_mss.get_or_insert(v.mss),
                TcpOption::WindowScale(v) => _ = shift.get_or_insert(v.shift),
                TcpOption::SackPermitted => sack_ok = true,
                TcpOption::Timestamps(v) => _ = ts.get_or_insert((v.tsval, v.tsecr)),
                _ => {}
            }
        }
        option_rows.push(i32::try_from(kind.len()).unwrap_or(i32::MAX));
        mss.push(first_mss);
        window_scale.push(shift);
        sack_permitted.push(sack_ok);
        tsval.push(ts.map(|t| t.0));
        tsecr.push(ts.map(|t| t.1));
        padding.push(header.padding.as_slice());
        header_bytes.push(bytes.get(..header_len).unwrap_or(bytes));
    }

    let options_type = schema.field_with_name("options")?.data_type().clone();
    let DataType::List(item) = options_type else {
        return Err(ArrowError::SchemaError("options is not a list".into()));
    };
    let DataType::Struct(members) = item.data_type().clone() else {
        return Err(ArrowError::SchemaError("options holds no struct".into()));
    };
    let elements = StructArray::try_new(
        members,
        vec![
            Arc::new(PrimitiveArray::<UInt8Type>::from(kind)) as ArrayRef,
            Arc::new(PrimitiveArray::<UInt8Type>::from(offset)),
            Arc::new(PrimitiveArray::<UInt8Type>::from(length)),
            Arc::new(raw.finish(None)?),
            subtype.finish(),
        ],
        None,
    )?;
    let options = ListArray::try_new(
        item,
        OffsetBuffer::new(ScalarBuffer::from(option_rows)),
        Arc::new(elements),
        nulls(valid.clone()),
    )?;

    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(error)),
        src_port.finish(),
        dst_port.finish(),
        seq.finish(),
        ack.finish(),
        data_offset.finish(),
        reserved.finish(),
    ];
    columns.extend(flags.into_iter().map(|values| bools(values, &valid)));
    columns.extend([
        window.finish(),
        checksum.finish(),
        urgent_pointer.finish(),
        payload_len.finish(),
        mss.finish(),
        window_scale.finish(),
        bools(sack_permitted, &valid),
        tsval.finish(),
        tsecr.finish(),
        Arc::new(options),
        Arc::new(padding.finish(nulls(valid.clone()))?),
        Arc::new(header_bytes.finish(nulls(valid))?),
    ]);
    RecordBatch::try_new(schema.clone(), columns)
}
