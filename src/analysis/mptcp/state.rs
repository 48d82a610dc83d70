//! What the analysis remembers: per subflow (the flow table's state) and per connection.

use std::collections::BTreeMap;

use super::crypto::{self, Version};
use super::report::{
    ConnectionSummary, ConnectionVerdicts, EventCounts, FallbackReason, SubflowKind,
    SubflowSummary, Verdict,
};
use crate::bytes::to_hex;
use crate::flow::{FlowId, Side};

/// The index of a side in two-element arrays: client 0, server 1.
pub(crate) fn idx(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

/// The 64-bit value whose low 32 bits are `low` nearest to `reference` (a 4-byte DSN or data
/// ACK widened from what the connection has seen).
pub(crate) fn widen(reference: u64, low: u32) -> u64 {
    let delta = low.wrapping_sub(reference as u32) as i32;
    reference.wrapping_add(i64::from(delta) as u64)
}

/// A DSS mapping whose data is being collected for its checksum.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    pub dsn: u64,
    pub ssn: u32,
    pub len: u16,
    /// The subflow bytes mapped: `len`, less one for a DATA_FIN (which takes a data sequence
    /// number but no byte).
    pub data_len: u16,
    pub checksum: u16,
    pub frame: u64,
    /// The mapped bytes received so far, in order (at most `len`).
    pub buf: Vec<u8>,
    /// The checksum was given (or the mapping was given up).
    pub done: bool,
    /// Some of its bytes are missing from the capture: no verdict.
    pub lost: bool,
}

impl Mapping {
    /// Adds a segment's payload starting at relative sequence number `rel` (`payload` are the
    /// captured bytes of `payload_len`). Returns whether the mapping is now complete.
    pub fn add(&mut self, rel: u32, payload: &[u8], payload_len: usize) -> bool {
        let len = usize::from(self.data_len);
        // Where the segment starts, relative to the mapping (negative: before it).
        let start = i64::from(rel.wrapping_sub(self.ssn) as i32);
        let filled = self.buf.len() as i64;
        let seg_end = start + payload_len as i64;
        if seg_end <= filled || start >= len as i64 {
            return false; // wholly before what we have (a retransmission) or past the mapping
        }
        if start > filled {
            self.lost = true; // a gap: a segment is missing from the capture
            return true;
        }
        let from = (filled - start) as usize;
        let until = (len as i64 - start).min(payload_len as i64) as usize;
        if self.lost || self.buf.capacity() < len {
            self.lost = true;
            return until as i64 + start >= len as i64;
        }
        match payload.get(from..until) {
            Some(bytes) => self.buf.extend_from_slice(bytes),
            None => {
                // The capture cut the payload short.
                self.lost = true;
                return until as i64 + start >= len as i64;
            }
        }
        self.buf.len() >= len
    }
}

/// The flow table's per-subflow state.
#[derive(Debug, Clone, Default)]
pub struct SubflowState {
    pub(crate) kind: Option<SubflowKind>,
    pub(crate) conn: Option<u64>,
    /// Index of the subflow's record in its connection.
    pub(crate) record: Option<usize>,
    /// The subflow's client is the connection's client.
    pub(crate) opener_is_conn_client: bool,
    pub(crate) version: Option<Version>,
    pub(crate) checksums: bool,
    /// Keys seen on the initial subflow, by subflow side.
    pub(crate) keys: [Option<[u8; 8]>; 2],
    /// MP_JOIN nonces, by subflow side.
    pub(crate) randoms: [Option<[u8; 4]>; 2],
    /// The mapping being collected, by subflow side.
    pub(crate) maps: [Option<Mapping>; 2],
    pub(crate) awaiting_third_ack: bool,
    pub(crate) fallback: bool,
    pub(crate) infinite: bool,
}

/// How a new mapping relates to the data already mapped in its direction.
pub(crate) enum Order {
    InOrder,
    /// The same range again on the same subflow.
    Repeat,
    /// Data first sent on another subflow, in this frame.
    Reinjection(u64),
    OutOfOrder,
}

#[derive(Debug, Clone)]
pub(crate) struct Range {
    pub end: u64,
    pub subflow: FlowId,
    pub frame: u64,
    pub checksum: Option<Verdict>,
}

/// One direction of a connection's data.
#[derive(Debug, Clone, Default)]
pub(crate) struct DataDir {
    pub last_dsn: Option<u64>,
    /// The last data ACK sent by this side.
    pub last_ack: Option<u64>,
    pub first_dsn: Option<u64>,
    pub max_end: Option<u64>,
    /// Mapped ranges by first DSN (bounded: the lowest go first).
    pub ranges: BTreeMap<u64, Range>,
}

impl DataDir {
    /// Files a mapping and says how it relates to those before.
    pub fn record(&mut self, dsn: u64, len: u16, subflow: FlowId, frame: u64, max: usize) -> Order {
        let end = dsn.wrapping_add(u64::from(len));
        let mut order = Order::InOrder;
        // The ranges overlapping [dsn, end): those starting before `end`, nearest first.
        for (_, r) in self.ranges.range(..end).rev() {
            if r.end <= dsn {
                // Ranges do not nest much: stop at the first one wholly below.
                break;
            }
            if r.subflow != subflow {
                order = Order::Reinjection(r.frame);
                break;
            }
            order = Order::Repeat;
        }
        if matches!(order, Order::InOrder) && self.max_end.is_some_and(|m| dsn < m) {
            order = Order::OutOfOrder;
        }
        self.first_dsn.get_or_insert(dsn);
        self.max_end = Some(self.max_end.map_or(end, |m| m.max(end)));
        self.ranges.entry(dsn).or_insert(Range {
            end,
            subflow,
            frame,
            checksum: None,
        });
        while self.ranges.len() > max.max(1) {
            self.ranges.pop_first();
        }
        order
    }

    /// The mapping that holds `dsn`.
    pub fn mapping_at(&self, dsn: u64) -> Option<&Range> {
        self.ranges
            .range(..=dsn)
            .next_back()
            .map(|(_, r)| r)
            .filter(|r| dsn < r.end)
    }

    pub fn set_checksum(&mut self, dsn: u64, verdict: Verdict) {
        if let Some(r) = self.ranges.get_mut(&dsn) {
            r.checksum = Some(verdict);
        }
    }
}

/// One MPTCP connection.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub id: u64,
    pub version: Version,
    pub checksums: bool,
    /// Keys by connection side.
    pub keys: [Option<[u8; 8]>; 2],
    pub first_frame: u64,
    pub last_frame: u64,
    pub last_seen_ns: u64,
    pub dirs: [DataDir; 2],
    pub subflows: Vec<SubflowSummary>,
    pub subflows_not_listed: u64,
    pub addresses: Vec<super::AddressRecord>,
    pub verdicts: ConnectionVerdicts,
    pub events: EventCounts,
    pub unchecked_mappings: u64,
    pub reinjections: u64,
    pub out_of_order: u64,
    pub fallback: Option<FallbackReason>,
}

impl Connection {
    pub fn new(id: u64, version: Version, frame: u64, time_ns: u64) -> Self {
        Self {
            id,
            version,
            checksums: false,
            keys: [None, None],
            first_frame: frame,
            last_frame: frame,
            last_seen_ns: time_ns,
            dirs: [DataDir::default(), DataDir::default()],
            subflows: Vec::new(),
            subflows_not_listed: 0,
            addresses: Vec::new(),
            verdicts: ConnectionVerdicts::default(),
            events: EventCounts::default(),
            unchecked_mappings: 0,
            reinjections: 0,
            out_of_order: 0,
            fallback: None,
        }
    }

    /// The IDSN of a side, when its key is known.
    pub fn idsn(&self, side: Side) -> Option<u64> {
        self.keys[idx(side)].map(|k| crypto::idsn(self.version, k))
    }

    /// Lists a subflow (up to `max`), giving its index.
    pub fn add_subflow(&mut self, max: usize, rec: SubflowSummary) -> Option<usize> {
        if self.subflows.len() >= max {
            self.subflows_not_listed += 1;
            return None;
        }
        self.subflows.push(rec);
        Some(self.subflows.len() - 1)
    }

    pub fn summary(&self) -> ConnectionSummary {
        let token = |side: Side| self.keys[idx(side)].map(|k| crypto::token(self.version, k));
        let bytes = |side: Side| {
            let d = &self.dirs[idx(side)];
            match (d.first_dsn, d.max_end) {
                (Some(first), Some(end)) => end.wrapping_sub(first),
                _ => 0,
            }
        };
        ConnectionSummary {
            connection: self.id,
            version: self.version,
            checksums: self.checksums,
            client_key: self.keys[0].map(|k| to_hex(&k)),
            server_key: self.keys[1].map(|k| to_hex(&k)),
            client_token: token(Side::Client),
            server_token: token(Side::Server),
            client_idsn: self.idsn(Side::Client),
            server_idsn: self.idsn(Side::Server),
            first_frame: self.first_frame,
            last_frame: self.last_frame,
            subflows: self.subflows.clone(),
            subflows_not_listed: self.subflows_not_listed,
            addresses: self.addresses.clone(),
            verdicts: self.verdicts,
            events: self.events,
            unchecked_mappings: self.unchecked_mappings,
            reinjections: self.reinjections,
            out_of_order: self.out_of_order,
            client_data_bytes: bytes(Side::Client),
            server_data_bytes: bytes(Side::Server),
            fallback: self.fallback,
        }
    }
}
