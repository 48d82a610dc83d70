//! The columns of the MPTCP connection analysis: one segment's [`Annotation`], as
//! `tcpwire pcap --analyze` gives it under `"mptcp"`, flattened into nullable columns.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder, UInt64Builder};
use arrow_array::types::{UInt32Type, UInt64Type};
use arrow_array::ArrayRef;
use arrow_schema::{DataType, Field};

use crate::analysis::mptcp::Annotation;

use super::list_of;
use super::sparse::{finish_list, Sparse, Values};

/// The analysis columns, in schema order: name, type, and the `Annotation` field each holds.
pub(super) fn fields() -> [Field; 16] {
    let n = |name: &str, data_type: DataType| Field::new(name, data_type, true);
    [
        // connection
        n("mptcp_connection_id", DataType::UInt64),
        // subflow
        n("mptcp_subflow_id", DataType::UInt64),
        // token: derived from the sender's key (`mptcp_token` is the one an MP_JOIN carries)
        n("mptcp_key_token", DataType::UInt32),
        // idsn
        n("mptcp_idsn", DataType::UInt64),
        // dsn, relative_dsn, payload_dsn
        n("mptcp_dsn64", DataType::UInt64),
        n("mptcp_relative_dsn", DataType::UInt64),
        n("mptcp_payload_dsn", DataType::UInt64),
        // data_ack, relative_data_ack
        n("mptcp_data_ack64", DataType::UInt64),
        n("mptcp_relative_data_ack", DataType::UInt64),
        // join_hmac, add_addr_hmac
        n("mptcp_join_hmac_verdict", DataType::Utf8),
        n("mptcp_add_addr_hmac_verdict", DataType::Utf8),
        // dss_checksum: its verdict and the frame of the mapping (whose row holds the
        // mapping's DSN and length)
        n("mptcp_dss_checksum_verdict", DataType::Utf8),
        n("mptcp_dss_checksum_mapping_frame", DataType::UInt64),
        // reinjection_of, out_of_order
        n("mptcp_reinjection_of", list_of(DataType::UInt64)),
        n("mptcp_out_of_order", DataType::Boolean),
        // events: their names
        n("mptcp_events", list_of(DataType::Utf8)),
    ]
}

/// Builders of the analysis columns. Rows of segments outside MPTCP subflows (and every row of
/// an export without the analysis) are null in each.
#[derive(Default)]
pub(super) struct AnalysisColumns {
    connection: Values<UInt64Type>,
    subflow: Values<UInt64Type>,
    token: Values<UInt32Type>,
    idsn: Values<UInt64Type>,
    dsn: Values<UInt64Type>,
    relative_dsn: Values<UInt64Type>,
    payload_dsn: Values<UInt64Type>,
    data_ack: Values<UInt64Type>,
    relative_data_ack: Values<UInt64Type>,
    join_hmac: Sparse<StringBuilder>,
    add_addr_hmac: Sparse<StringBuilder>,
    dss_checksum: Sparse<StringBuilder>,
    mapping_frame: Values<UInt64Type>,
    reinjection_of: (Vec<i32>, Vec<bool>, UInt64Builder),
    out_of_order: Sparse<BooleanBuilder>,
    events: (Vec<i32>, Vec<bool>, StringBuilder),
    /// Rows without an annotation not yet appended (most rows, and every row of an export
    /// without the analysis): appended in one go before the next annotation or at the end.
    pending: usize,
}

fn end_list<B: arrow_array::builder::ArrayBuilder>(
    (offsets, valid, values): &mut (Vec<i32>, Vec<bool>, B),
    is_valid: bool,
) {
    if offsets.is_empty() {
        offsets.push(0);
    }
    // A batch holds at most a few thousand rows of short lists: far below i32::MAX.
    offsets.push(i32::try_from(values.len()).unwrap_or(i32::MAX));
    valid.push(is_valid);
}

fn null_lists<B>((offsets, valid, _): &mut (Vec<i32>, Vec<bool>, B), n: usize) {
    if offsets.is_empty() {
        offsets.push(0);
    }
    let end = offsets.last().copied().unwrap_or(0);
    offsets.resize(offsets.len() + n, end);
    valid.resize(valid.len() + n, false);
}

impl AnalysisColumns {
    /// Appends a row: the annotation of its segment, or nulls.
    pub(super) fn push(&mut self, annotation: Option<&Annotation>) {
        let Some(a) = annotation else {
            self.pending += 1;
            return;
        };
        self.flush_nulls();
        self.connection.append_option(a.connection);
        self.subflow.append_option(Some(a.subflow));
        self.token.append_option(a.token);
        self.idsn.append_option(a.idsn);
        self.dsn.append_option(a.dsn);
        self.relative_dsn.append_option(a.relative_dsn);
        self.payload_dsn.append_option(a.payload_dsn);
        self.data_ack.append_option(a.data_ack);
        self.relative_data_ack.append_option(a.relative_data_ack);
        self.join_hmac.append_option(a.join_hmac.map(|v| v.name()));
        self.add_addr_hmac
            .append_option(a.add_addr_hmac.map(|v| v.name()));
        self.dss_checksum
            .append_option(a.dss_checksum.map(|c| c.verdict.name()));
        self.mapping_frame
            .append_option(a.dss_checksum.map(|c| c.mapping_frame));
        self.reinjection_of.2.append_slice(&a.reinjection_of);
        end_list(&mut self.reinjection_of, true);
        self.out_of_order.append_option(Some(a.out_of_order));
        for event in &a.events {
            self.events.2.append_value(event.name());
        }
        end_list(&mut self.events, true);
    }

    fn flush_nulls(&mut self) {
        let n = std::mem::take(&mut self.pending);
        if n == 0 {
            return;
        }
        self.connection.append_nulls(n);
        self.subflow.append_nulls(n);
        self.token.append_nulls(n);
        self.idsn.append_nulls(n);
        self.dsn.append_nulls(n);
        self.relative_dsn.append_nulls(n);
        self.payload_dsn.append_nulls(n);
        self.data_ack.append_nulls(n);
        self.relative_data_ack.append_nulls(n);
        self.join_hmac.append_nulls(n);
        self.add_addr_hmac.append_nulls(n);
        self.dss_checksum.append_nulls(n);
        self.mapping_frame.append_nulls(n);
        null_lists(&mut self.reinjection_of, n);
        self.out_of_order.append_nulls(n);
        null_lists(&mut self.events, n);
    }

    /// The columns, in the order of [`fields`]; the builders are then empty.
    pub(super) fn finish(&mut self) -> [ArrayRef; 16] {
        self.flush_nulls();
        let item = |data_type| Arc::new(Field::new("item", data_type, true));
        let (offsets, valid, frames) = &mut self.reinjection_of;
        let frames: ArrayRef = Arc::new(frames.finish());
        let reinjection_of = finish_list(item(DataType::UInt64), offsets, valid, frames);
        let (offsets, valid, names) = &mut self.events;
        let names: ArrayRef = Arc::new(names.finish());
        let events = finish_list(item(DataType::Utf8), offsets, valid, names);
        [
            self.connection.finish(),
            self.subflow.finish(),
            self.token.finish(),
            self.idsn.finish(),
            self.dsn.finish(),
            self.relative_dsn.finish(),
            self.payload_dsn.finish(),
            self.data_ack.finish(),
            self.relative_data_ack.finish(),
            self.join_hmac.finish(),
            self.add_addr_hmac.finish(),
            self.dss_checksum.finish(),
            self.mapping_frame.finish(),
            reinjection_of,
            self.out_of_order.finish(),
            events,
        ]
    }
}
