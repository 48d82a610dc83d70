//! What the analysis remembers: per subflow (the flow table's state) and per connection.

use std::collections::{BTreeMap, VecDeque};

/// Mappings remembered per direction of a subflow, to place retransmitted bytes.
pub(crate) const RECENT_MAPPINGS: usize = 16;

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

/// A mapping as an option gives it: 64-bit DSN, relative subflow sequence number, data-level
/// length, DATA_FIN, checksum.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MappingIn {
    pub dsn: u64,
    pub ssn: u32,
    pub len: u16,
    pub data_fin: bool,
    pub checksum: Option<u16>,
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

/// What the MPTCP analysis keeps per subflow, in a flow table's
/// [`Flow::state`](crate::flow::Flow::state): opaque, `Default` for a new flow. A caller sharing its own flow
/// table between analyses puts it in its per-flow state and hands it over through `AsMut`
/// ([`MptcpAnalyzer::segment_in`](super::MptcpAnalyzer::segment_in)).
#[derive(Debug, Clone, Default)]
pub struct MptcpFlowState {
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
    /// The mapping being collected for its checksum, by subflow side.
    pub(crate) maps: [Option<Mapping>; 2],
    /// The latest mappings (64-bit DSN, relative subflow sequence number, data bytes), newest
    /// last, by subflow side: where each payload byte (retransmissions too) sits in the data
    /// sequence space.
    pub(crate) recent: [VecDeque<(u64, u32, u16)>; 2],
    pub(crate) awaiting_third_ack: bool,
    pub(crate) fallback: bool,
    pub(crate) infinite: bool,
}

/// How a segment's data relates to the data sent before in its direction.
pub(crate) enum Placement {
    /// New data, at or past the highest sent.
    New,
    /// Data sent before on the same subflow (a retransmission).
    Retransmission,
    /// Data sent before on other subflows, in these frames (in order).
    Reinjection(Vec<u64>),
    /// New data below the highest sent: data-level reordering.
    Reordered,
}

#[derive(Debug, Clone)]
pub(crate) struct Range {
    pub end: u64,
    pub subflow: FlowId,
    pub frame: u64,
    pub checksum: Option<Verdict>,
}

/// How many earlier ranges a new one is compared with.
const OVERLAP_SCAN: usize = 64;

impl MptcpFlowState {
    /// The mapped bytes it holds for DSS checksums.
    pub(crate) fn buffered(&self) -> usize {
        self.maps.iter().flatten().map(|m| m.buf.capacity()).sum()
    }
}

impl AsMut<MptcpFlowState> for MptcpFlowState {
    fn as_mut(&mut self) -> &mut MptcpFlowState {
        self
    }
}

/// One direction of a connection's data.
#[derive(Debug, Clone, Default)]
pub(crate) struct DataDir {
    pub last_dsn: Option<u64>,
    /// The last data ACK sent by this side.
    pub last_ack: Option<u64>,
    pub first_dsn: Option<u64>,
    pub max_end: Option<u64>,
    /// Mappings by first DSN (bounded: the lowest go first).
    pub mappings: BTreeMap<u64, Range>,
    /// The data-level ranges of segments' payloads by first DSN and subflow (bounded
    /// likewise): the latest frame of each subflow to send from that DSN.
    pub sent: BTreeMap<(u64, FlowId), Range>,
    /// The highest data-level byte sent in a segment, plus one.
    pub sent_end: Option<u64>,
    /// The longest range in `sent`: no range starting further below a DSN reaches it.
    pub longest: u64,
}

/// Files a range under its key; a range with the same key replaces the older one.
fn insert_bounded<K: Ord>(map: &mut BTreeMap<K, Range>, key: K, range: Range, max: usize) {
    map.insert(key, range);
    while map.len() > max.max(1) {
        map.pop_first();
    }
}

impl DataDir {
    /// Files a mapping (for MP_FAIL, checksum verdicts and the byte count).
    pub fn record_mapping(&mut self, dsn: u64, len: u16, subflow: FlowId, frame: u64, max: usize) {
        let end = dsn.wrapping_add(u64::from(len));
        self.first_dsn.get_or_insert(dsn);
        self.max_end = Some(self.max_end.map_or(end, |m| m.max(end)));
        if !self.mappings.contains_key(&dsn) {
            let range = Range {
                end,
                subflow,
                frame,
                checksum: None,
            };
            insert_bounded(&mut self.mappings, dsn, range, max);
        }
    }

    /// Files the data-level range of a segment's payload and says how it relates to those
    /// sent before.
    pub fn record_segment(
        &mut self,
        dsn: u64,
        len: u64,
        subflow: FlowId,
        frame: u64,
        max: usize,
    ) -> Placement {
        let end = dsn.wrapping_add(len);
        let mut order = Placement::New;
        let mut others: Vec<u64> = Vec::new();
        for (&(start, _), r) in self.sent.range(..(end, 0)).rev().take(OVERLAP_SCAN) {
            if start.saturating_add(self.longest) <= dsn {
                break; // this one and every one before it end at or below `dsn`
            }
            if r.end <= dsn {
                continue;
            }
            if r.subflow != subflow {
                others.push(r.frame);
            } else {
                order = Placement::Retransmission;
            }
        }
        if !others.is_empty() {
            others.sort_unstable();
            others.dedup();
            order = Placement::Reinjection(others);
        } else if matches!(order, Placement::New) && self.sent_end.is_some_and(|m| dsn < m) {
            order = Placement::Reordered;
        }
        self.sent_end = Some(self.sent_end.map_or(end, |m| m.max(end)));
        self.longest = self.longest.max(len);
        let range = Range {
            end,
            subflow,
            frame,
            checksum: None,
        };
        insert_bounded(&mut self.sent, (dsn, subflow), range, max);
        order
    }

    /// The mapping that holds `dsn`.
    pub fn mapping_at(&self, dsn: u64) -> Option<&Range> {
        self.mappings
            .range(..=dsn)
            .next_back()
            .map(|(_, r)| r)
            .filter(|r| dsn < r.end)
    }

    pub fn set_checksum(&mut self, dsn: u64, verdict: Verdict) {
        if let Some(r) = self.mappings.get_mut(&dsn) {
            r.checksum = Some(verdict);
        }
    }
}

/// One MPTCP connection.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub id: u64,
    /// The version (v1 until an MP_CAPABLE says otherwise).
    pub version: Version,
    pub version_known: bool,
    pub checksums: bool,
    /// Keys by connection side.
    pub keys: [Option<[u8; 8]>; 2],
    /// The IDSNs of the keys, by connection side.
    pub idsns: [Option<u64>; 2],
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
            version_known: false,
            checksums: false,
            keys: [None, None],
            idsns: [None, None],
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
        self.idsns[idx(side)]
    }

    /// Derives the IDSNs again from the keys and version (hashing once, not per segment).
    pub fn refresh_idsns(&mut self) {
        for side in [Side::Client, Side::Server] {
            self.idsns[idx(side)] = self.keys[idx(side)].map(|k| crypto::idsn(self.version, k));
        }
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
            version: self.version_known.then_some(self.version),
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
