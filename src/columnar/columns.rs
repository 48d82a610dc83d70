//! The schema of the segment table and the column builders behind [`BatchBuilder`].
//!
//! Every column of a batch is built from its own typed builder, so rows are appended without an
//! allocation per value; nested columns (the option list, SACK blocks, MPTCP fields) are
//! assembled from their children when a batch is finished.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BinaryBuilder, BooleanBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::types::{UInt16Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

use crate::{MptcpSubtype, TcpOption};

use super::SegmentRow;

mod analysis;
mod mptcp;
mod options;
mod sparse;

use analysis::AnalysisColumns;
use mptcp::{MptcpColumns, MptcpFields};
use options::{MalformedColumns, OptionColumns, SackColumn};
use sparse::{finish_bytes, finish_list, AddrText, FlagColumns, RecentText, Sparse, Values};

fn u8_t() -> DataType {
    DataType::UInt8
}

fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", item, true)))
}

fn sack_blocks_type() -> DataType {
    list_of(DataType::Struct(Fields::from(vec![
        Field::new("left", DataType::UInt32, true),
        Field::new("right", DataType::UInt32, true),
    ])))
}

/// The fields of an element of `mptcp_options` (and the source of the top-level `mptcp_*`
/// columns).
fn mptcp_fields() -> Fields {
    Fields::from(vec![
        Field::new("offset", u8_t(), false),
        Field::new("length", u8_t(), false),
        Field::new("subtype", u8_t(), false),
        Field::new("subtype_name", DataType::Utf8, false),
        Field::new("version", u8_t(), true),
        Field::new("flags", u8_t(), true),
        Field::new("sender_key", DataType::Binary, true),
        Field::new("receiver_key", DataType::Binary, true),
        Field::new("token", DataType::Binary, true),
        Field::new("nonce", DataType::Binary, true),
        Field::new("hmac", DataType::Binary, true),
        Field::new("backup", DataType::Boolean, true),
        Field::new("address_id", u8_t(), true),
        Field::new("address", DataType::Utf8, true),
        Field::new("port", DataType::UInt16, true),
        Field::new("echo", DataType::Boolean, true),
        Field::new("data_ack", DataType::UInt64, true),
        Field::new("dsn", DataType::UInt64, true),
        Field::new("subflow_seq", DataType::UInt32, true),
        Field::new("data_level_length", DataType::UInt16, true),
        Field::new("checksum", DataType::UInt16, true),
        Field::new("data_fin", DataType::Boolean, true),
        Field::new("address_ids", DataType::Binary, true),
        Field::new("reason", u8_t(), true),
        Field::new("transient", DataType::Boolean, true),
    ])
}

/// The fields of one element of the `options` list.
fn option_fields() -> Fields {
    Fields::from(vec![
        Field::new("kind", u8_t(), false),
        Field::new("name", DataType::Utf8, false),
        Field::new("offset", u8_t(), false),
        Field::new("length", u8_t(), false),
        Field::new("raw", DataType::Binary, false),
        Field::new("problem", DataType::Utf8, true),
        Field::new("mss", DataType::UInt16, true),
        Field::new("shift", u8_t(), true),
        Field::new("sack_blocks", sack_blocks_type(), true),
        Field::new("tsval", DataType::UInt32, true),
        Field::new("tsecr", DataType::UInt32, true),
        Field::new("cookie", DataType::Binary, true),
        Field::new("exid", DataType::UInt16, true),
        Field::new("data", DataType::Binary, true),
        Field::new("mptcp_subtype", u8_t(), true),
    ])
}

fn malformed_fields() -> Fields {
    Fields::from(vec![
        Field::new("kind", u8_t(), false),
        Field::new("offset", u8_t(), false),
        Field::new("problem", DataType::Utf8, false),
        Field::new("reason", DataType::Utf8, false),
    ])
}

/// The nine flag columns, in the order of [`crate::Flags`]' `Display`.
const FLAG_COLUMNS: [&str; 9] = [
    "flag_syn", "flag_fin", "flag_rst", "flag_psh", "flag_ack", "flag_urg", "flag_ece", "flag_cwr",
    "flag_ae",
];

/// The flags of [`FLAG_COLUMNS`], in the same order.
const FLAG_ORDER: [crate::Flags; 9] = [
    crate::Flags::SYN,
    crate::Flags::FIN,
    crate::Flags::RST,
    crate::Flags::PSH,
    crate::Flags::ACK,
    crate::Flags::URG,
    crate::Flags::ECE,
    crate::Flags::CWR,
    crate::Flags::AE,
];

/// The schema of the segment table (see the [module docs](super) for what each column holds).
pub fn schema() -> SchemaRef {
    let n = |name: &str, t: DataType| Field::new(name, t, true);
    let mut fields = vec![
        Field::new("file", DataType::Utf8, false),
        Field::new("frame", DataType::UInt64, false),
        n(
            "timestamp",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        ),
        n("timestamp_nanos", DataType::UInt32),
        n("error", DataType::Utf8),
        n("ip_version", u8_t()),
        n("src", DataType::Utf8),
        n("dst", DataType::Utf8),
        n("src_port", DataType::UInt16),
        n("dst_port", DataType::UInt16),
        n("seq", DataType::UInt32),
        n("ack_number", DataType::UInt32),
        n("data_offset", u8_t()),
        n("reserved", u8_t()),
        n("flags", DataType::Utf8),
    ];
    fields.extend(FLAG_COLUMNS.iter().map(|c| n(c, DataType::Boolean)));
    fields.extend([
        n("window", DataType::UInt16),
        n("checksum", DataType::UInt16),
        n("urgent_pointer", DataType::UInt16),
        n("payload_len", DataType::UInt32),
        n("truncated", DataType::Boolean),
        n("checksum_verdict", DataType::Utf8),
        n("mss", DataType::UInt16),
        n("window_scale", u8_t()),
        n("sack_permitted", DataType::Boolean),
        n("sack_blocks", sack_blocks_type()),
        n("tsval", DataType::UInt32),
        n("tsecr", DataType::UInt32),
        n("fast_open_cookie", DataType::Binary),
        n("mptcp_subtypes", list_of(DataType::Utf8)),
        n("mptcp_version", u8_t()),
        n("mptcp_sender_key", DataType::Binary),
        n("mptcp_receiver_key", DataType::Binary),
        n("mptcp_token", DataType::Binary),
        n("mptcp_nonce", DataType::Binary),
        n("mptcp_hmac", DataType::Binary),
        n("mptcp_address_id", u8_t()),
        n("mptcp_data_ack", DataType::UInt64),
        n("mptcp_dsn", DataType::UInt64),
        n("mptcp_subflow_seq", DataType::UInt32),
        n("mptcp_data_level_length", DataType::UInt16),
        n("mptcp_dss_checksum", DataType::UInt16),
        n("mptcp_data_fin", DataType::Boolean),
    ]);
    // The MPTCP connection analysis (null unless the export runs it).
    fields.extend(analysis::fields());
    fields.extend([
        n("options", list_of(DataType::Struct(option_fields()))),
        n("mptcp_options", list_of(DataType::Struct(mptcp_fields()))),
        n("padding", DataType::Binary),
        n("malformed", list_of(DataType::Struct(malformed_fields()))),
        n("header_bytes", DataType::Binary),
    ]);
    Arc::new(Schema::new(fields))
}

/// Builds record batches of the segment table, one row per segment or error (see the
/// [module docs](super)).
///
/// ```
/// use tcpwire::columnar::{BatchBuilder, SegmentRow};
/// let bytes = tcpwire::from_hex(
///     "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307",
/// ).unwrap();
/// let header = tcpwire::TcpHeader::parse_lossless(&bytes).unwrap();
/// let mut builder = BatchBuilder::new();
/// builder.push_segment(&SegmentRow {
///     file: "example.pcap",
///     frame: 1,
///     timestamp: (1_700_000_000, 0),
///     ip_version: 4,
///     src: "192.0.2.1".parse().unwrap(),
///     dst: "192.0.2.2".parse().unwrap(),
///     header: &header,
///     header_bytes: &bytes,
///     payload_len: 0,
///     truncated: false,
///     checksum_verdict: tcpwire::checksum::ChecksumVerdict::NotCheckable,
///     mptcp: None,
/// });
/// let batch = builder.finish();
/// assert_eq!(batch.num_rows(), 1);
/// assert_eq!(batch.schema(), tcpwire::columnar::schema());
/// ```
#[derive(Default)]
pub struct BatchBuilder {
    rows: usize,
    file: StringBuilder,
    frame: Values<UInt64Type>,
    timestamp: TimestampMicrosecondBuilder,
    timestamp_nanos: Values<UInt32Type>,
    error: StringBuilder,
    ip_version: Values<UInt8Type>,
    src: StringBuilder,
    dst: StringBuilder,
    src_port: Values<UInt16Type>,
    dst_port: Values<UInt16Type>,
    seq: Values<UInt32Type>,
    ack: Values<UInt32Type>,
    data_offset: Values<UInt8Type>,
    reserved: Values<UInt8Type>,
    flags: StringBuilder,
    flags_text: RecentText<crate::Flags, 8>,
    flag: FlagColumns,
    addr_text: AddrText,
    window: Values<UInt16Type>,
    checksum: Values<UInt16Type>,
    urgent_pointer: Values<UInt16Type>,
    payload_len: Values<UInt32Type>,
    truncated: BooleanBuilder,
    checksum_verdict: StringBuilder,
    mss: Values<UInt16Type>,
    window_scale: Values<UInt8Type>,
    sack_permitted: BooleanBuilder,
    sack_blocks: SackColumn,
    tsval: Values<UInt32Type>,
    tsecr: Values<UInt32Type>,
    fast_open_cookie: Sparse<BinaryBuilder>,
    mptcp_subtypes: (Vec<i32>, Vec<bool>, StringBuilder),
    mptcp_version: Values<UInt8Type>,
    mptcp_sender_key: Sparse<BinaryBuilder>,
    mptcp_receiver_key: Sparse<BinaryBuilder>,
    mptcp_token: Sparse<BinaryBuilder>,
    mptcp_nonce: Sparse<BinaryBuilder>,
    mptcp_hmac: Sparse<BinaryBuilder>,
    mptcp_address_id: Values<UInt8Type>,
    mptcp_data_ack: Values<UInt64Type>,
    mptcp_dsn: Values<UInt64Type>,
    mptcp_subflow_seq: Values<UInt32Type>,
    mptcp_data_level_length: Values<UInt16Type>,
    mptcp_dss_checksum: Values<UInt16Type>,
    mptcp_data_fin: Sparse<BooleanBuilder>,
    /// Rows without MPTCP fields not yet appended to the `mptcp_*` columns: most rows have
    /// none, and one count beats thirteen nulls per row.
    mptcp_pending: usize,
    analysis: AnalysisColumns,
    options: OptionColumns,
    mptcp_options: MptcpColumns,
    padding: BinaryBuilder,
    malformed: MalformedColumns,
    header_bytes: BinaryBuilder,
}

impl BatchBuilder {
    /// An empty builder.
    pub fn new() -> BatchBuilder {
        BatchBuilder::default()
    }

    /// The rows appended since the last [`finish`](Self::finish).
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether no row was appended since the last [`finish`](Self::finish).
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn push_common(&mut self, file: &str, frame: u64, timestamp: Option<(u64, u32)>) {
        self.rows += 1;
        self.file.append_value(file);
        self.frame.append_value(frame);
        self.timestamp
            .append_option(timestamp.and_then(|(secs, nanos)| {
                i64::try_from(secs)
                    .ok()?
                    .checked_mul(1_000_000)?
                    .checked_add(i64::from(nanos / 1000))
            }));
        self.timestamp_nanos
            .append_option(timestamp.map(|(_, nanos)| nanos));
    }

    /// Appends a segment's row.
    pub fn push_segment(&mut self, row: &SegmentRow<'_>) {
        let h = row.header;
        self.push_common(row.file, row.frame, Some(row.timestamp));
        self.error.append_null();
        self.ip_version.append_value(row.ip_version);
        self.addr_text.append(&mut self.src, Some(row.src));
        self.addr_text.append(&mut self.dst, Some(row.dst));
        self.src_port.append_value(h.src_port);
        self.dst_port.append_value(h.dst_port);
        self.seq.append_value(h.seq);
        self.ack.append_value(h.ack_number);
        self.data_offset.append_value(h.data_offset);
        self.reserved.append_value(h.reserved);
        self.flags_text.append(&mut self.flags, Some(h.flags));
        self.flag.push(Some(h.flags));
        self.window.append_value(h.window);
        self.checksum.append_value(h.checksum);
        self.urgent_pointer.append_value(h.urgent_pointer);
        self.payload_len
            .append_value(row.payload_len.try_into().unwrap_or(u32::MAX));
        self.truncated.append_value(row.truncated);
        self.checksum_verdict
            .append_value(row.checksum_verdict.name());

        let (mut mss, mut shift, mut sack_permitted, mut sack) = (None, None, false, None);
        let (mut ts, mut cookie) = (None, None);
        let mut mptcp = MptcpFields::default();
        let mut has_mptcp = false;
        let (subtype_offsets, subtype_valid, subtype_names) = &mut self.mptcp_subtypes;
        for (offset, option) in crate::wire::options_with_offsets(h) {
            let end = offset + option.encoded_len();
            let raw = row.header_bytes.get(offset..end).unwrap_or_default();
            let fields = match option {
                TcpOption::Mptcp(m) => Some(MptcpFields::of(m, raw)),
                _ => None,
            };
            self.options
                .push_option(offset, raw, option, fields.map(|f| f.subtype));
            if let Some(fields) = &fields {
                self.mptcp_options.push(offset, raw.len(), fields);
                subtype_names.append_value(MptcpSubtype::from_value(fields.subtype).name());
                mptcp.fill_from(fields);
                has_mptcp = true;
            }
            match option {
                TcpOption::Mss(v) => _ = mss.get_or_insert(v.mss),
                TcpOption::WindowScale(v) => _ = shift.get_or_insert(v.shift),
                TcpOption::SackPermitted => sack_permitted = true,
                TcpOption::Sack(v) => _ = sack.get_or_insert(v.blocks.as_slice()),
                TcpOption::Timestamps(v) => _ = ts.get_or_insert((v.tsval, v.tsecr)),
                TcpOption::FastOpen(v) => _ = cookie.get_or_insert(v.cookie.as_slice()),
                TcpOption::ExperimentalFastOpen(v) => _ = cookie.get_or_insert(v.cookie.as_slice()),
                _ => {}
            }
        }
        self.options.end_row(true);
        self.mptcp_options.end_row(true);
        if subtype_offsets.is_empty() {
            subtype_offsets.push(0);
        }
        subtype_offsets.push(subtype_names.len() as i32);
        subtype_valid.push(true);

        self.mss.append_option(mss);
        self.window_scale.append_option(shift);
        self.sack_permitted.append_value(sack_permitted);
        self.sack_blocks.push(sack);
        self.tsval.append_option(ts.map(|t| t.0));
        self.tsecr.append_option(ts.map(|t| t.1));
        self.fast_open_cookie.append_option(cookie);
        self.push_mptcp(has_mptcp.then_some(&mptcp));
        self.analysis.push(row.mptcp);
        self.padding.append_value(h.padding.as_slice());
        self.malformed.push_row(Some(h));
        self.header_bytes.append_value(
            row.header_bytes
                .get(..h.header_len())
                .unwrap_or(row.header_bytes),
        );
    }

    /// Appends the `mptcp_*` fields of a row (`None`: a row without any).
    fn push_mptcp(&mut self, m: Option<&MptcpFields<'_>>) {
        let Some(m) = m else {
            self.mptcp_pending += 1;
            return;
        };
        self.flush_mptcp_nulls();
        self.mptcp_version.append_option(m.version);
        self.mptcp_sender_key.append_option(m.sender_key);
        self.mptcp_receiver_key.append_option(m.receiver_key);
        self.mptcp_token.append_option(m.token);
        self.mptcp_nonce.append_option(m.nonce);
        self.mptcp_hmac.append_option(m.hmac);
        self.mptcp_address_id.append_option(m.address_id);
        self.mptcp_data_ack.append_option(m.data_ack);
        self.mptcp_dsn.append_option(m.dsn);
        self.mptcp_subflow_seq.append_option(m.subflow_seq);
        self.mptcp_data_level_length
            .append_option(m.data_level_length);
        self.mptcp_dss_checksum.append_option(m.checksum);
        self.mptcp_data_fin.append_option(m.data_fin);
    }

    fn flush_mptcp_nulls(&mut self) {
        let n = std::mem::take(&mut self.mptcp_pending);
        if n == 0 {
            return;
        }
        self.mptcp_version.append_nulls(n);
        self.mptcp_sender_key.append_nulls(n);
        self.mptcp_receiver_key.append_nulls(n);
        self.mptcp_token.append_nulls(n);
        self.mptcp_nonce.append_nulls(n);
        self.mptcp_hmac.append_nulls(n);
        self.mptcp_address_id.append_nulls(n);
        self.mptcp_data_ack.append_nulls(n);
        self.mptcp_dsn.append_nulls(n);
        self.mptcp_subflow_seq.append_nulls(n);
        self.mptcp_data_level_length.append_nulls(n);
        self.mptcp_dss_checksum.append_nulls(n);
        self.mptcp_data_fin.append_nulls(n);
    }

    /// Appends an error row: a TCP segment whose header cannot be given, or a capture record
    /// that could not be read (`timestamp` is then `None`). Every header column is null.
    pub fn push_error(
        &mut self,
        file: &str,
        frame: u64,
        timestamp: Option<(u64, u32)>,
        message: &str,
    ) {
        self.push_common(file, frame, timestamp);
        self.error.append_value(message);
        self.ip_version.append_null();
        self.src.append_null();
        self.dst.append_null();
        self.src_port.append_null();
        self.dst_port.append_null();
        self.seq.append_null();
        self.ack.append_null();
        self.data_offset.append_null();
        self.reserved.append_null();
        self.flags.append_null();
        self.flag.push(None);
        self.window.append_null();
        self.checksum.append_null();
        self.urgent_pointer.append_null();
        self.payload_len.append_null();
        self.truncated.append_null();
        self.checksum_verdict.append_null();
        self.mss.append_null();
        self.window_scale.append_null();
        self.sack_permitted.append_null();
        self.sack_blocks.push(None);
        self.tsval.append_null();
        self.tsecr.append_null();
        self.fast_open_cookie.append_null();
        let (offsets, valid, names) = &mut self.mptcp_subtypes;
        if offsets.is_empty() {
            offsets.push(0);
        }
        offsets.push(names.len() as i32);
        valid.push(false);
        self.push_mptcp(None);
        self.analysis.push(None);
        self.options.end_row(false);
        self.mptcp_options.end_row(false);
        self.padding.append_null();
        self.malformed.push_row(None);
        self.header_bytes.append_null();
    }

    /// The rows appended so far as a record batch of [`schema`]; the builder is then empty.
    pub fn finish(&mut self) -> RecordBatch {
        self.flush_mptcp_nulls();
        self.rows = 0;
        let (offsets, valid, names) = &mut self.mptcp_subtypes;
        let names: ArrayRef = Arc::new(names.finish());
        let subtypes = finish_list(
            Arc::new(Field::new("item", DataType::Utf8, true)),
            offsets,
            valid,
            names,
        );
        let mut columns: Vec<ArrayRef> = vec![
            finish_bytes(&mut self.file),
            self.frame.finish(),
            Arc::new(self.timestamp.finish().with_timezone("UTC")),
            self.timestamp_nanos.finish(),
            finish_bytes(&mut self.error),
            self.ip_version.finish(),
            finish_bytes(&mut self.src),
            finish_bytes(&mut self.dst),
            self.src_port.finish(),
            self.dst_port.finish(),
            self.seq.finish(),
            self.ack.finish(),
            self.data_offset.finish(),
            self.reserved.finish(),
            finish_bytes(&mut self.flags),
        ];
        columns.extend(self.flag.finish(FLAG_ORDER));
        columns.extend([
            self.window.finish(),
            self.checksum.finish(),
            self.urgent_pointer.finish(),
            self.payload_len.finish(),
            Arc::new(self.truncated.finish()),
            finish_bytes(&mut self.checksum_verdict),
            self.mss.finish(),
            self.window_scale.finish(),
            Arc::new(self.sack_permitted.finish()),
            self.sack_blocks.finish(),
            self.tsval.finish(),
            self.tsecr.finish(),
            self.fast_open_cookie.finish(),
            subtypes,
            self.mptcp_version.finish(),
            self.mptcp_sender_key.finish(),
            self.mptcp_receiver_key.finish(),
            self.mptcp_token.finish(),
            self.mptcp_nonce.finish(),
            self.mptcp_hmac.finish(),
            self.mptcp_address_id.finish(),
            self.mptcp_data_ack.finish(),
            self.mptcp_dsn.finish(),
            self.mptcp_subflow_seq.finish(),
            self.mptcp_data_level_length.finish(),
            self.mptcp_dss_checksum.finish(),
            self.mptcp_data_fin.finish(),
        ]);
        columns.extend(self.analysis.finish());
        columns.extend([
            self.options.finish(),
            self.mptcp_options.finish(),
            finish_bytes(&mut self.padding),
            self.malformed.finish(),
            finish_bytes(&mut self.header_bytes),
        ]);
        // Every column is built above in schema order with `rows` values and the schema's type;
        // a mismatch is a bug in this file, caught by the tests.
        RecordBatch::try_new(schema(), columns)
            .unwrap_or_else(|e| panic!("tcpwire::columnar builds its own schema: {e}"))
    }
}
