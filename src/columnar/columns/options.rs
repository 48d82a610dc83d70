//! The `options`, `sack_blocks` and `malformed` list columns.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::builder::{BinaryBuilder, StringBuilder};
use arrow_array::types::{UInt16Type, UInt32Type, UInt8Type};
use arrow_array::{ArrayRef, StructArray};
use arrow_schema::{DataType, Field};

use crate::mptcp::MptcpOption;
use crate::{SackBlock, TcpHeader, TcpOption, TcpOptionKind, EXID_FAST_OPEN};

use super::sparse::{finish_bytes, finish_list, Sparse, Values};
use super::{malformed_fields, option_fields, sack_blocks_type};

/// A list of SACK blocks per row (or per option).
#[derive(Default)]
pub(super) struct SackColumn {
    offsets: Vec<i32>,
    valid: Vec<bool>,
    left: Values<UInt32Type>,
    right: Values<UInt32Type>,
}

impl SackColumn {
    pub(super) fn push(&mut self, blocks: Option<&[SackBlock]>) {
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

    pub(super) fn finish(&mut self) -> ArrayRef {
        let DataType::List(item) = sack_blocks_type() else {
            unreachable!("sack_blocks_type is a list")
        };
        let DataType::Struct(fields) = item.data_type().clone() else {
            unreachable!("a SACK block is a struct")
        };
        let values = StructArray::new(fields, vec![self.left.finish(), self.right.finish()], None);
        finish_list(item, &mut self.offsets, &mut self.valid, Arc::new(values))
    }
}

/// The `options` list column.
#[derive(Default)]
pub(super) struct OptionColumns {
    offsets: Vec<i32>,
    valid: Vec<bool>,
    count: i32,
    kind: Values<UInt8Type>,
    name: StringBuilder,
    offset: Values<UInt8Type>,
    length: Values<UInt8Type>,
    raw: BinaryBuilder,
    problem: Sparse<StringBuilder>,
    mss: Values<UInt16Type>,
    shift: Values<UInt8Type>,
    sack_blocks: SackColumn,
    tsval: Values<UInt32Type>,
    tsecr: Values<UInt32Type>,
    cookie: Sparse<BinaryBuilder>,
    exid: Values<UInt16Type>,
    data: Sparse<BinaryBuilder>,
    mptcp_subtype: Values<UInt8Type>,
}

/// The name an option is counted under: its type name, except that options of kinds this
/// crate keeps as bytes are named from the IANA registry (as `tcpwire stats` does).
fn option_name(option: &TcpOption) -> &'static str {
    match option {
        TcpOption::Unknown(u) => TcpOptionKind::from_value(u.kind).name(),
        other => other.name(),
    }
}

impl OptionColumns {
    /// Appends an option of the current row: at `offset`, its bytes `raw`, and for an MPTCP
    /// option its subtype (the high nibble of the byte after the length).
    pub(super) fn push_option(
        &mut self,
        offset: usize,
        raw: &[u8],
        option: &TcpOption,
        mptcp_subtype: Option<u8>,
    ) {
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
        match option {
            TcpOption::Mss(v) => mss = Some(v.mss),
            TcpOption::WindowScale(v) => shift = Some(v.shift),
            TcpOption::Sack(v) => sack = Some(&v.blocks),
            TcpOption::Timestamps(v) => (tsval, tsecr) = (Some(v.tsval), Some(v.tsecr)),
            TcpOption::FastOpen(v) => cookie = Some(&v.cookie),
            TcpOption::ExperimentalFastOpen(v) => {
                (cookie, exid) = (Some(v.cookie.as_slice()), Some(EXID_FAST_OPEN))
            }
            TcpOption::Experiment(v) => (exid, data) = (Some(v.exid), Some(v.data.as_slice())),
            TcpOption::Unknown(v) => data = Some(&v.data),
            TcpOption::Eno(v) => data = Some(&v.data),
            TcpOption::AltChecksumData(v) => data = Some(&v.data),
            TcpOption::Md5Signature(v) => data = Some(&v.digest),
            TcpOption::TcpAo(v) => data = Some(&v.mac),
            TcpOption::Mptcp(MptcpOption::MpExperimental(v)) => data = Some(&v.data),
            TcpOption::Mptcp(MptcpOption::Unassigned(v)) => data = Some(&v.data),
            TcpOption::Malformed(v) => problem = Some(v.reason.name()),
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
        self.mptcp_subtype.append_option(mptcp_subtype);
    }

    pub(super) fn end_row(&mut self, valid: bool) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.offsets.push(self.count);
        self.valid.push(valid);
    }

    pub(super) fn finish(&mut self) -> ArrayRef {
        let columns: Vec<ArrayRef> = vec![
            self.kind.finish(),
            finish_bytes(&mut self.name),
            self.offset.finish(),
            self.length.finish(),
            finish_bytes(&mut self.raw),
            self.problem.finish(),
            self.mss.finish(),
            self.shift.finish(),
            self.sack_blocks.finish(),
            self.tsval.finish(),
            self.tsecr.finish(),
            self.cookie.finish(),
            self.exid.finish(),
            self.data.finish(),
            self.mptcp_subtype.finish(),
        ];
        self.count = 0;
        let values = Arc::new(StructArray::new(option_fields(), columns, None));
        let item = Arc::new(Field::new("item", DataType::Struct(option_fields()), true));
        finish_list(item, &mut self.offsets, &mut self.valid, values)
    }
}

/// The `malformed` list column.
#[derive(Default)]
pub(super) struct MalformedColumns {
    offsets: Vec<i32>,
    valid: Vec<bool>,
    kind: Values<UInt8Type>,
    offset: Values<UInt8Type>,
    problem: StringBuilder,
    reason: StringBuilder,
}

impl MalformedColumns {
    pub(super) fn push_row(&mut self, header: Option<&TcpHeader>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        if let Some(header) = header {
            for (offset, option) in crate::wire::options_with_offsets(header) {
                if let TcpOption::Malformed(crate::option::Malformed { kind, reason, .. }) = option
                {
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

    pub(super) fn finish(&mut self) -> ArrayRef {
        let columns: Vec<ArrayRef> = vec![
            self.kind.finish(),
            self.offset.finish(),
            finish_bytes(&mut self.problem),
            finish_bytes(&mut self.reason),
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
