//! The schema of the segment table and the column builders behind [`BatchBuilder`].
//!
//! Every column of a batch is built from its own typed builder, so rows are appended without an
//! allocation per value; nested columns (the option list, SACK blocks, MPTCP fields) are
//! assembled from their children when a batch is finished.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BinaryBuilder, BooleanBuilder, StringBuilder, TimestampMicrosecondBuilder,
    UInt16Builder, UInt32Builder, UInt64Builder, UInt8Builder,
};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

use crate::mptcp::{AddAddr, MpJoin, MptcpOption};
use crate::{MptcpSubtype, SackBlock, TcpHeader, TcpOption, TcpOptionKind, EXID_FAST_OPEN};

use super::SegmentRow;

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

/// The fields of the `mptcp` struct of an option (and the source of the top-level `mptcp_*`
/// columns).
fn mptcp_fields() -> Fields {
    Fields::from(vec![
        Field::new("subtype", u8_t(), true),
        Field::new("subtype_name", DataType::Utf8, true),
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
        Field::new("mptcp", DataType::Struct(mptcp_fields()), true),
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
        n("ack", DataType::UInt32),
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
        n("checksum_ok", DataType::Boolean),
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
        // Filled by a connection-level MPTCP analysis; null in this export.
        n("mptcp_connection_id", DataType::UInt64),
        n("mptcp_subflow_id", DataType::UInt32),
        n("mptcp_dsn64", DataType::UInt64),
        n("mptcp_data_ack64", DataType::UInt64),
        n("mptcp_hmac_verdict", DataType::Utf8),
        n("mptcp_dss_checksum_verdict", DataType::Utf8),
        n("mptcp_events", list_of(DataType::Utf8)),
        n("options", list_of(DataType::Struct(option_fields()))),
        n("padding", DataType::Binary),
        n("malformed", list_of(DataType::Struct(malformed_fields()))),
        n("header_bytes", DataType::Binary),
    ]);
    Arc::new(Schema::new(fields))
}

/// The MPTCP fields of one option, as the `mptcp` struct and the `mptcp_*` columns hold them.
#[derive(Default, Clone, Copy)]
struct MptcpFields<'a> {
    subtype: u8,
    version: Option<u8>,
    flags: Option<u8>,
    sender_key: Option<&'a [u8]>,
    receiver_key: Option<&'a [u8]>,
    token: Option<&'a [u8]>,
    nonce: Option<&'a [u8]>,
    hmac: Option<&'a [u8]>,
    backup: Option<bool>,
    address_id: Option<u8>,
    address: Option<IpAddr>,
    port: Option<u16>,
    echo: Option<bool>,
    data_ack: Option<u64>,
    dsn: Option<u64>,
    subflow_seq: Option<u32>,
    data_level_length: Option<u16>,
    checksum: Option<u16>,
    data_fin: Option<bool>,
    address_ids: Option<&'a [u8]>,
    reason: Option<u8>,
    transient: Option<bool>,
}

impl<'a> MptcpFields<'a> {
    /// The fields of `m`; `raw` is the option's bytes (its subtype nibble is the one counted).
    fn of(m: &'a MptcpOption, raw: &[u8]) -> MptcpFields<'a> {
        let subtype = raw.get(2).map_or(m.subtype().value(), |byte| byte >> 4);
        let mut f = MptcpFields {
            subtype,
            ..MptcpFields::default()
        };
        match m {
            MptcpOption::MpCapable(c) => {
                f.version = Some(c.version);
                f.flags = Some(c.flags.to_byte());
                f.sender_key = c.sender_key.as_ref().map(|k| &k[..]);
                f.receiver_key = c.receiver_key.as_ref().map(|k| &k[..]);
                f.data_level_length = c.data_level_length;
                f.checksum = c.checksum;
            }
            MptcpOption::MpJoin(MpJoin::Syn {
                backup,
                address_id,
                receiver_token,
                sender_random,
                ..
            }) => {
                f.backup = Some(*backup);
                f.address_id = Some(*address_id);
                f.token = Some(receiver_token);
                f.nonce = Some(sender_random);
            }
            MptcpOption::MpJoin(MpJoin::SynAck {
                backup,
                address_id,
                sender_truncated_hmac,
                sender_random,
                ..
            }) => {
                f.backup = Some(*backup);
                f.address_id = Some(*address_id);
                f.hmac = Some(sender_truncated_hmac);
                f.nonce = Some(sender_random);
            }
            MptcpOption::MpJoin(MpJoin::Ack { sender_hmac, .. }) => f.hmac = Some(sender_hmac),
            MptcpOption::Dss(d) => {
                f.flags = Some(d.flags_byte());
                f.data_fin = Some(d.data_fin);
                f.data_ack = d.data_ack;
                if let Some(mapping) = &d.mapping {
                    f.dsn = Some(mapping.dsn);
                    f.subflow_seq = Some(mapping.subflow_seq);
                    f.data_level_length = Some(mapping.data_level_length);
                    f.checksum = mapping.checksum;
                }
            }
            MptcpOption::AddAddr(a) => {
                f.version = Some(match a {
                    AddAddr::V0 { .. } => 0,
                    _ => 1,
                });
                f.address_id = Some(a.address_id());
                f.address = Some(a.address());
                f.port = a.port();
                f.echo = Some(a.is_echo());
                if let AddAddr::V1 {
                    truncated_hmac: Some(hmac),
                    ..
                } = a
                {
                    f.hmac = Some(hmac);
                }
            }
            MptcpOption::RemoveAddr { address_ids, .. } => f.address_ids = Some(address_ids),
            MptcpOption::MpPrio {
                backup, address_id, ..
            } => {
                f.backup = Some(*backup);
                f.address_id = *address_id;
            }
            MptcpOption::MpFail { dsn, .. } => f.dsn = Some(*dsn),
            MptcpOption::MpFastclose { receiver_key, .. } => f.receiver_key = Some(receiver_key),
            MptcpOption::MpTcpRst {
                transient, reason, ..
            } => {
                f.transient = Some(*transient);
                f.reason = Some(reason.value());
            }
            _ => {}
        }
        f
    }

    /// Fills each field still empty in `self` from `other` (the first option that has a field
    /// gives the top-level column).
    fn fill_from(&mut self, other: &MptcpFields<'a>) {
        macro_rules! fill {
            ($($field:ident),*) => { $( if self.$field.is_none() { self.$field = other.$field; } )* };
        }
        fill!(
            version,
            sender_key,
            receiver_key,
            token,
            nonce,
            hmac,
            address_id,
            data_ack,
            dsn,
            subflow_seq,
            data_level_length,
            data_fin
        );
        if self.checksum.is_none() && other.dsn.is_some() {
            self.checksum = other.checksum;
        }
    }
}

/// A list of SACK blocks per row (or per option).
#[derive(Default)]
struct SackColumn {
    offsets: Vec<i32>,
    valid: Vec<bool>,
    left: UInt32Builder,
    right: UInt32Builder,
}

impl SackColumn {
    fn push(&mut self, blocks: Option<&[SackBlock]>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        for block in blocks.unwrap_or_default() {
            self.left.append_value(block.left);
            self.right.append_value(block.right);
        }
        self.offsets.push(self.left.len() as i32);
        self.valid.push(blocks.is_some());
    }

    fn finish(&mut self) -> ArrayRef {
        let DataType::List(item) = sack_blocks_type() else {
            unreachable!("sack_blocks_type is a list")
        };
        let DataType::Struct(fields) = item.data_type().clone() else {
            unreachable!("a SACK block is a struct")
        };
        let values = StructArray::new(
            fields,
            vec![Arc::new(self.left.finish()), Arc::new(self.right.finish())],
            None,
        );
        finish_list(item, &mut self.offsets, &mut self.valid, Arc::new(values))
    }
}

/// Makes a list array from offsets (one more than rows; empty for no rows) and validity.
fn finish_list(
    item: Arc<Field>,
    offsets: &mut Vec<i32>,
    valid: &mut Vec<bool>,
    values: ArrayRef,
) -> ArrayRef {
    if offsets.is_empty() {
        offsets.push(0);
    }
    let offsets = OffsetBuffer::new(std::mem::take(offsets).into());
    let nulls = NullBuffer::from(std::mem::take(valid));
    Arc::new(ListArray::new(item, offsets, values, Some(nulls)))
}

/// The columns of an `mptcp` struct.
#[derive(Default)]
struct MptcpColumns {
    valid: Vec<bool>,
    subtype: UInt8Builder,
    subtype_name: StringBuilder,
    version: UInt8Builder,
    flags: UInt8Builder,
    sender_key: BinaryBuilder,
    receiver_key: BinaryBuilder,
    token: BinaryBuilder,
    nonce: BinaryBuilder,
    hmac: BinaryBuilder,
    backup: BooleanBuilder,
    address_id: UInt8Builder,
    address: StringBuilder,
    port: UInt16Builder,
    echo: BooleanBuilder,
    data_ack: UInt64Builder,
    dsn: UInt64Builder,
    subflow_seq: UInt32Builder,
    data_level_length: UInt16Builder,
    checksum: UInt16Builder,
    data_fin: BooleanBuilder,
    address_ids: BinaryBuilder,
    reason: UInt8Builder,
    transient: BooleanBuilder,
}

impl MptcpColumns {
    fn push(&mut self, f: Option<&MptcpFields<'_>>) {
        self.valid.push(f.is_some());
        let d = MptcpFields::default();
        let present = f.is_some();
        let f = f.unwrap_or(&d);
        self.subtype.append_option(present.then_some(f.subtype));
        self.subtype_name
            .append_option(present.then(|| MptcpSubtype::from_value(f.subtype).name()));
        self.version.append_option(f.version);
        self.flags.append_option(f.flags);
        self.sender_key.append_option(f.sender_key);
        self.receiver_key.append_option(f.receiver_key);
        self.token.append_option(f.token);
        self.nonce.append_option(f.nonce);
        self.hmac.append_option(f.hmac);
        self.backup.append_option(f.backup);
        self.address_id.append_option(f.address_id);
        append_ip(&mut self.address, f.address);
        self.port.append_option(f.port);
        self.echo.append_option(f.echo);
        self.data_ack.append_option(f.data_ack);
        self.dsn.append_option(f.dsn);
        self.subflow_seq.append_option(f.subflow_seq);
        self.data_level_length.append_option(f.data_level_length);
        self.checksum.append_option(f.checksum);
        self.data_fin.append_option(f.data_fin);
        self.address_ids.append_option(f.address_ids);
        self.reason.append_option(f.reason);
        self.transient.append_option(f.transient);
    }

    fn finish(&mut self) -> ArrayRef {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.subtype.finish()),
            Arc::new(self.subtype_name.finish()),
            Arc::new(self.version.finish()),
            Arc::new(self.flags.finish()),
            Arc::new(self.sender_key.finish()),
            Arc::new(self.receiver_key.finish()),
            Arc::new(self.token.finish()),
            Arc::new(self.nonce.finish()),
            Arc::new(self.hmac.finish()),
            Arc::new(self.backup.finish()),
            Arc::new(self.address_id.finish()),
            Arc::new(self.address.finish()),
            Arc::new(self.port.finish()),
            Arc::new(self.echo.finish()),
            Arc::new(self.data_ack.finish()),
            Arc::new(self.dsn.finish()),
            Arc::new(self.subflow_seq.finish()),
            Arc::new(self.data_level_length.finish()),
            Arc::new(self.checksum.finish()),
            Arc::new(self.data_fin.finish()),
            Arc::new(self.address_ids.finish()),
            Arc::new(self.reason.finish()),
            Arc::new(self.transient.finish()),
        ];
        let nulls = NullBuffer::from(std::mem::take(&mut self.valid));
        Arc::new(StructArray::new(mptcp_fields(), columns, Some(nulls)))
    }
}

fn append_ip(builder: &mut StringBuilder, ip: Option<IpAddr>) {
    match ip {
        Some(ip) => {
            // Writing into the builder appends to the value in progress: no String per row.
            let _ = write!(builder, "{ip}");
            builder.append_value("");
        }
        None => builder.append_null(),
    }
}

/// The `options` list column.
#[derive(Default)]
struct OptionColumns {
    offsets: Vec<i32>,
    valid: Vec<bool>,
    count: i32,
    kind: UInt8Builder,
    name: StringBuilder,
    offset: UInt8Builder,
    length: UInt8Builder,
    raw: BinaryBuilder,
    problem: StringBuilder,
    mss: UInt16Builder,
    shift: UInt8Builder,
    sack_blocks: SackColumn,
    tsval: UInt32Builder,
    tsecr: UInt32Builder,
    cookie: BinaryBuilder,
    exid: UInt16Builder,
    data: BinaryBuilder,
    mptcp: MptcpColumns,
}

/// The name an option is counted under: its type name, except that options of kinds this
/// crate keeps as bytes are named from the IANA registry (as `tcpwire stats` does).
pub(super) fn option_name(option: &TcpOption) -> &'static str {
    match option {
        TcpOption::Unknown { kind, .. } => TcpOptionKind::from_value(*kind).name(),
        other => other.name(),
    }
}

impl OptionColumns {
    fn push_option(&mut self, offset: usize, raw: &[u8], option: &TcpOption) {
        self.count += 1;
        self.kind.append_value(option.kind());
        self.name.append_value(option_name(option));
        self.offset
            .append_value(offset.try_into().unwrap_or(u8::MAX));
        self.length
            .append_value(raw.len().try_into().unwrap_or(u8::MAX));
        self.raw.append_value(raw);
        let (mut mss, mut shift, mut tsval, mut tsecr) = (None, None, None, None);
        let (mut cookie, mut exid, mut data, mut problem): (Option<&[u8]>, _, Option<&[u8]>, _) =
            (None, None, None, None);
        let mut sack: Option<&[SackBlock]> = None;
        let mut mptcp = None;
        match option {
            TcpOption::Mss { mss: v } => mss = Some(*v),
            TcpOption::WindowScale { shift: v } => shift = Some(*v),
            TcpOption::Sack { blocks } => sack = Some(blocks),
            TcpOption::Timestamps { tsval: v, tsecr: e } => (tsval, tsecr) = (Some(*v), Some(*e)),
            TcpOption::FastOpen { cookie: c } => cookie = Some(c),
            TcpOption::ExperimentalFastOpen { cookie: c, .. } => {
                (cookie, exid) = (Some(c.as_slice()), Some(EXID_FAST_OPEN))
            }
            TcpOption::Experiment {
                exid: x, data: d, ..
            } => (exid, data) = (Some(*x), Some(d.as_slice())),
            TcpOption::Unknown { data: d, .. }
            | TcpOption::Eno { data: d }
            | TcpOption::AltChecksumData { data: d } => data = Some(d),
            TcpOption::Md5Signature { digest } => data = Some(digest),
            TcpOption::TcpAo { mac, .. } => data = Some(mac),
            TcpOption::Mptcp(m) => {
                if let MptcpOption::MpExperimental { data: d, .. }
                | MptcpOption::Unassigned { data: d, .. } = m
                {
                    data = Some(d);
                }
                mptcp = Some(MptcpFields::of(m, raw));
            }
            TcpOption::Malformed { reason, .. } => problem = Some(reason.name()),
            _ => {}
        }
        self.problem.append_option(problem);
        self.mss.append_option(mss);
        self.shift.append_option(shift);
        self.sack_blocks.push(sack);
        self.tsval.append_option(tsval);
        self.tsecr.append_option(tsecr);
        self.cookie.append_option(cookie);
        self.exid.append_option(exid);
        self.data.append_option(data);
        self.mptcp.push(mptcp.as_ref());
    }

    fn end_row(&mut self, valid: bool) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.offsets.push(self.count);
        self.valid.push(valid);
    }

    fn finish(&mut self) -> ArrayRef {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.kind.finish()),
            Arc::new(self.name.finish()),
            Arc::new(self.offset.finish()),
            Arc::new(self.length.finish()),
            Arc::new(self.raw.finish()),
            Arc::new(self.problem.finish()),
            Arc::new(self.mss.finish()),
            Arc::new(self.shift.finish()),
            self.sack_blocks.finish(),
            Arc::new(self.tsval.finish()),
            Arc::new(self.tsecr.finish()),
            Arc::new(self.cookie.finish()),
            Arc::new(self.exid.finish()),
            Arc::new(self.data.finish()),
            self.mptcp.finish(),
        ];
        self.count = 0;
        let values = Arc::new(StructArray::new(option_fields(), columns, None));
        let item = Arc::new(Field::new("item", DataType::Struct(option_fields()), true));
        finish_list(item, &mut self.offsets, &mut self.valid, values)
    }
}

/// The `malformed` list column.
#[derive(Default)]
struct MalformedColumns {
    offsets: Vec<i32>,
    valid: Vec<bool>,
    kind: UInt8Builder,
    offset: UInt8Builder,
    problem: StringBuilder,
    reason: StringBuilder,
}

impl MalformedColumns {
    fn push_row(&mut self, header: Option<&TcpHeader>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        if let Some(header) = header {
            for (offset, option) in crate::harness::options_with_offsets(header) {
                if let TcpOption::Malformed { kind, reason, .. } = option {
                    self.kind.append_value(*kind);
                    self.offset
                        .append_value(offset.try_into().unwrap_or(u8::MAX));
                    self.problem.append_value(reason.name());
                    let _ = write!(self.reason, "{reason}");
                    self.reason.append_value("");
                }
            }
        }
        self.offsets.push(self.kind.len() as i32);
        self.valid.push(header.is_some());
    }

    fn finish(&mut self) -> ArrayRef {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.kind.finish()),
            Arc::new(self.offset.finish()),
            Arc::new(self.problem.finish()),
            Arc::new(self.reason.finish()),
        ];
        let values = Arc::new(StructArray::new(malformed_fields(), columns, None));
        let item = Arc::new(Field::new(
            "item",
            DataType::Struct(malformed_fields()),
            true,
        ));
        finish_list(item, &mut self.offsets, &mut self.valid, values)
    }
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
///     checksum_ok: None,
/// });
/// let batch = builder.finish();
/// assert_eq!(batch.num_rows(), 1);
/// assert_eq!(batch.schema(), tcpwire::columnar::schema());
/// ```
#[derive(Default)]
pub struct BatchBuilder {
    rows: usize,
    file: StringBuilder,
    frame: UInt64Builder,
    timestamp: TimestampMicrosecondBuilder,
    timestamp_nanos: UInt32Builder,
    error: StringBuilder,
    ip_version: UInt8Builder,
    src: StringBuilder,
    dst: StringBuilder,
    src_port: UInt16Builder,
    dst_port: UInt16Builder,
    seq: UInt32Builder,
    ack: UInt32Builder,
    data_offset: UInt8Builder,
    reserved: UInt8Builder,
    flags: StringBuilder,
    flag: [BooleanBuilder; 9],
    window: UInt16Builder,
    checksum: UInt16Builder,
    urgent_pointer: UInt16Builder,
    payload_len: UInt32Builder,
    truncated: BooleanBuilder,
    checksum_ok: BooleanBuilder,
    mss: UInt16Builder,
    window_scale: UInt8Builder,
    sack_permitted: BooleanBuilder,
    sack_blocks: SackColumn,
    tsval: UInt32Builder,
    tsecr: UInt32Builder,
    fast_open_cookie: BinaryBuilder,
    mptcp_subtypes: (Vec<i32>, Vec<bool>, StringBuilder),
    mptcp_version: UInt8Builder,
    mptcp_sender_key: BinaryBuilder,
    mptcp_receiver_key: BinaryBuilder,
    mptcp_token: BinaryBuilder,
    mptcp_nonce: BinaryBuilder,
    mptcp_hmac: BinaryBuilder,
    mptcp_address_id: UInt8Builder,
    mptcp_data_ack: UInt64Builder,
    mptcp_dsn: UInt64Builder,
    mptcp_subflow_seq: UInt32Builder,
    mptcp_data_level_length: UInt16Builder,
    mptcp_dss_checksum: UInt16Builder,
    mptcp_data_fin: BooleanBuilder,
    options: OptionColumns,
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
        append_ip(&mut self.src, Some(row.src));
        append_ip(&mut self.dst, Some(row.dst));
        self.src_port.append_value(h.src_port);
        self.dst_port.append_value(h.dst_port);
        self.seq.append_value(h.seq);
        self.ack.append_value(h.ack_number);
        self.data_offset.append_value(h.data_offset);
        self.reserved.append_value(h.reserved);
        let _ = write!(self.flags, "{}", h.flags);
        self.flags.append_value("");
        let f = h.flags;
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
        for (builder, bit) in self.flag.iter_mut().zip(bits) {
            builder.append_value(bit);
        }
        self.window.append_value(h.window);
        self.checksum.append_value(h.checksum);
        self.urgent_pointer.append_value(h.urgent_pointer);
        self.payload_len
            .append_value(row.payload_len.try_into().unwrap_or(u32::MAX));
        self.truncated.append_value(row.truncated);
        self.checksum_ok.append_option(row.checksum_ok);

        let (mut mss, mut shift, mut sack_permitted, mut sack) = (None, None, false, None);
        let (mut ts, mut cookie) = (None, None);
        let mut mptcp = MptcpFields::default();
        let (subtype_offsets, subtype_valid, subtype_names) = &mut self.mptcp_subtypes;
        for (offset, option) in crate::harness::options_with_offsets(h) {
            let end = offset + option.encoded_len();
            let raw = row.header_bytes.get(offset..end).unwrap_or_default();
            self.options.push_option(offset, raw, option);
            match option {
                TcpOption::Mss { mss: v } => _ = mss.get_or_insert(*v),
                TcpOption::WindowScale { shift: v } => _ = shift.get_or_insert(*v),
                TcpOption::SackPermitted => sack_permitted = true,
                TcpOption::Sack { blocks } => _ = sack.get_or_insert(blocks.as_slice()),
                TcpOption::Timestamps { tsval, tsecr } => _ = ts.get_or_insert((*tsval, *tsecr)),
                TcpOption::FastOpen { cookie: c }
                | TcpOption::ExperimentalFastOpen { cookie: c, .. } => {
                    _ = cookie.get_or_insert(c.as_slice())
                }
                TcpOption::Mptcp(m) => {
                    let fields = MptcpFields::of(m, raw);
                    subtype_names.append_value(MptcpSubtype::from_value(fields.subtype).name());
                    mptcp.fill_from(&fields);
                }
                _ => {}
            }
        }
        self.options.end_row(true);
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
        self.push_mptcp(&mptcp);
        self.padding.append_value(h.padding.as_slice());
        self.malformed.push_row(Some(h));
        self.header_bytes.append_value(
            row.header_bytes
                .get(..h.header_len())
                .unwrap_or(row.header_bytes),
        );
    }

    fn push_mptcp(&mut self, m: &MptcpFields<'_>) {
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
        for builder in &mut self.flag {
            builder.append_null();
        }
        self.window.append_null();
        self.checksum.append_null();
        self.urgent_pointer.append_null();
        self.payload_len.append_null();
        self.truncated.append_null();
        self.checksum_ok.append_null();
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
        self.push_mptcp(&MptcpFields::default());
        self.options.end_row(false);
        self.padding.append_null();
        self.malformed.push_row(None);
        self.header_bytes.append_null();
    }

    /// The rows appended so far as a record batch of [`schema`]; the builder is then empty.
    pub fn finish(&mut self) -> RecordBatch {
        let rows = std::mem::take(&mut self.rows);
        let (offsets, valid, names) = &mut self.mptcp_subtypes;
        let names: ArrayRef = Arc::new(names.finish());
        let subtypes = finish_list(
            Arc::new(Field::new("item", DataType::Utf8, true)),
            offsets,
            valid,
            names,
        );
        let nulls = |n: usize| -> ArrayRef { arrow_array::new_null_array(&DataType::UInt64, n) };
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.file.finish()),
            Arc::new(self.frame.finish()),
            Arc::new(self.timestamp.finish().with_timezone("UTC")),
            Arc::new(self.timestamp_nanos.finish()),
            Arc::new(self.error.finish()),
            Arc::new(self.ip_version.finish()),
            Arc::new(self.src.finish()),
            Arc::new(self.dst.finish()),
            Arc::new(self.src_port.finish()),
            Arc::new(self.dst_port.finish()),
            Arc::new(self.seq.finish()),
            Arc::new(self.ack.finish()),
            Arc::new(self.data_offset.finish()),
            Arc::new(self.reserved.finish()),
            Arc::new(self.flags.finish()),
        ];
        columns.extend(
            self.flag
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef),
        );
        columns.extend([
            Arc::new(self.window.finish()) as ArrayRef,
            Arc::new(self.checksum.finish()),
            Arc::new(self.urgent_pointer.finish()),
            Arc::new(self.payload_len.finish()),
            Arc::new(self.truncated.finish()),
            Arc::new(self.checksum_ok.finish()),
            Arc::new(self.mss.finish()),
            Arc::new(self.window_scale.finish()),
            Arc::new(self.sack_permitted.finish()),
            self.sack_blocks.finish(),
            Arc::new(self.tsval.finish()),
            Arc::new(self.tsecr.finish()),
            Arc::new(self.fast_open_cookie.finish()),
            subtypes,
            Arc::new(self.mptcp_version.finish()),
            Arc::new(self.mptcp_sender_key.finish()),
            Arc::new(self.mptcp_receiver_key.finish()),
            Arc::new(self.mptcp_token.finish()),
            Arc::new(self.mptcp_nonce.finish()),
            Arc::new(self.mptcp_hmac.finish()),
            Arc::new(self.mptcp_address_id.finish()),
            Arc::new(self.mptcp_data_ack.finish()),
            Arc::new(self.mptcp_dsn.finish()),
            Arc::new(self.mptcp_subflow_seq.finish()),
            Arc::new(self.mptcp_data_level_length.finish()),
            Arc::new(self.mptcp_dss_checksum.finish()),
            Arc::new(self.mptcp_data_fin.finish()),
            nulls(rows),
            arrow_array::new_null_array(&DataType::UInt32, rows),
            nulls(rows),
            nulls(rows),
            arrow_array::new_null_array(&DataType::Utf8, rows),
            arrow_array::new_null_array(&DataType::Utf8, rows),
            arrow_array::new_null_array(&list_of(DataType::Utf8), rows),
            self.options.finish(),
            Arc::new(self.padding.finish()),
            self.malformed.finish(),
            Arc::new(self.header_bytes.finish()),
        ]);
        // Every column is built above in schema order with `rows` values and the schema's type;
        // a mismatch is a bug in this file, caught by the tests.
        RecordBatch::try_new(schema(), columns)
            .unwrap_or_else(|e| panic!("tcpwire::columnar builds its own schema: {e}"))
    }
}
