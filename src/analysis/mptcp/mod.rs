//! Multipath TCP connection analysis: subflows grouped into connections, data sequence numbers
//! in 64 bits, and every MP_JOIN HMAC, ADD_ADDR HMAC and DSS checksum verified.
//!
//! Feed [`MptcpAnalyzer::segment`] every TCP segment of a capture in order; it files the
//! segment in its [flow table](crate::flow) (one flow per subflow) and, for segments of MPTCP
//! subflows, returns an [`Annotation`]: the connection and subflow ids, the data sequence
//! number and data ACK widened to 64 bits (and relative to the IDSNs), the verdicts this
//! segment allowed ([`Verdict`]: `ok`, `bad`, `unknown_key`) and the connection-level
//! [`Event`]s. [`MptcpAnalyzer::finish`] gives one [`ConnectionSummary`] per connection.
//!
//! - Keys come from MP_CAPABLE in every form (the v0 SYN, the SYN/ACK, the third ACK and the v1
//!   first data segment carry them); tokens and IDSNs from the keys ([`crypto`]).
//! - A subflow joins the connection whose token its MP_JOIN SYN names (not by address).
//! - An MP_JOIN SYN/ACK and third ACK carry HMAC(Key-sender || Key-receiver, R-sender ||
//!   R-receiver), truncated to 64 bits on the SYN/ACK; a v1 ADD_ADDR the rightmost 64 bits of
//!   HMAC(Key-sender || Key-receiver, ID || address || port, the port zero when absent).
//! - When the connection negotiated checksums, the mapped bytes of each DSS mapping are kept
//!   (bounded: one mapping, at most 65535 bytes, per direction of a subflow, within
//!   [`AnalyzerConfig::max_buffered_bytes`] overall) until the mapping is complete, then
//!   checked. A mapping Linux repeats on each segment it covers counts once. The first mapping
//!   may come in MP_CAPABLE (DSN = IDSN + 1, subflow sequence number 1).
//! - Each payload is placed in the data sequence space through its subflow's recent mappings
//!   (`payload_dsn`): data already sent on other subflows is a reinjection (`reinjection_of`
//!   names those frames, as Wireshark's `mptcp.reinjection_of` does); new data below data
//!   already sent is out of order.
//! - Memory is bounded: the flow table's limits, [`AnalyzerConfig::max_connections`] (the least
//!   recently seen connection is finished early, [`MptcpAnalyzer::take_finished`]), and the
//!   per-connection lists and ranges of [`AnalyzerConfig`].
//!
//! A connection's handshake, then a second subflow joining it, whose HMACs verify:
//!
//! ```
//! use tcpwire::analysis::mptcp::crypto::{self, Version};
//! use tcpwire::analysis::mptcp::{MptcpAnalyzer, Segment, Verdict};
//! use tcpwire::flow::Endpoint;
//! use tcpwire::mptcp::{MpCapable, MpCapableFlags, MpJoin};
//! use tcpwire::{MptcpOption, TcpHeader, TcpOption};
//!
//! let mut analyzer = MptcpAnalyzer::default();
//! let mut frame = 0;
//! let mut send = |src: Endpoint, dst: Endpoint, header: TcpHeader| {
//!     frame += 1;
//!     let s = Segment { frame, time_ns: 0, src, dst, header: &header, payload: &[], payload_len: 0 };
//!     analyzer.segment(&s).expect("an MPTCP subflow")
//! };
//! let capable = |sender_key, receiver_key| TcpOption::Mptcp(MptcpOption::MpCapable(MpCapable {
//!     version: 1,
//!     flags: MpCapableFlags { hmac_sha256: true, ..Default::default() },
//!     sender_key, receiver_key, data_level_length: None, checksum: None,
//! }));
//! let (a, b) = ([0xaa; 8], [0xbb; 8]); // the keys of hosts A (client) and B (server)
//! let (c, s) = (Endpoint::new([10, 0, 0, 1].into(), 40000), Endpoint::new([10, 0, 0, 2].into(), 80));
//! send(c, s, TcpHeader::builder().seq(1).syn().option(capable(None, None)).build()?);
//! send(s, c, TcpHeader::builder().seq(7).ack_number(2).syn().ack().option(capable(Some(b), None)).build()?);
//! send(c, s, TcpHeader::builder().seq(2).ack_number(8).ack().option(capable(Some(a), Some(b))).build()?);
//!
//! // A second subflow from another address of A: MP_JOIN with B's token and A's nonce.
//! let (ra, rb) = ([1, 2, 3, 4], [5, 6, 7, 8]);
//! let c2 = Endpoint::new([10, 0, 1, 1].into(), 40001);
//! let join = |j| TcpOption::Mptcp(MptcpOption::MpJoin(j));
//! let token = crypto::token(Version::V1, b).to_be_bytes();
//! send(c2, s, TcpHeader::builder().seq(100).syn().option(join(MpJoin::Syn {
//!     backup: false, reserved: 0, address_id: 1, receiver_token: token, sender_random: ra,
//! })).build()?);
//! let hmac_b = crypto::join_syn_ack_hmac(Version::V1, b, a, rb, ra);
//! let syn_ack = send(s, c2, TcpHeader::builder().seq(200).ack_number(101).syn().ack()
//!     .option(join(MpJoin::SynAck {
//!         backup: false, reserved: 0, address_id: 0, sender_truncated_hmac: hmac_b, sender_random: rb,
//!     })).build()?);
//! let hmac_a = crypto::join_ack_hmac(Version::V1, a, b, ra, rb);
//! let ack = send(c2, s, TcpHeader::builder().seq(101).ack_number(201).ack()
//!     .option(join(MpJoin::Ack { reserved: 0, sender_hmac: hmac_a })).build()?);
//! assert_eq!((syn_ack.connection, syn_ack.subflow), (Some(0), 1));
//! assert_eq!((syn_ack.join_hmac, ack.join_hmac), (Some(Verdict::Ok), Some(Verdict::Ok)));
//! assert_eq!(analyzer.finish()[0].subflows.len(), 2);
//! # Ok::<(), tcpwire::Error>(())
//! ```

pub mod crypto;
mod data;
mod options;
mod report;
mod state;

use std::collections::BTreeMap;

pub use report::{
    AddressAction, AddressRecord, Annotation, ConnectionSummary, ConnectionVerdicts, DssChecksum,
    Event, EventCounts, FallbackReason, SubflowKind, SubflowSummary, Verdict, VerdictCounts,
};

use crate::flow::{Endpoint, Flow, FlowTable, FlowTableConfig, FlowTableStats, Observation, Side};
use crate::header::TcpHeader;
use crate::mptcp::{MpJoin, MptcpOption};
use crate::option::TcpOption;
use crypto::Version;
pub use state::MptcpFlowState;
use state::{idx, Connection};

/// One TCP segment as the analysis needs it.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    /// The frame number (for `reinjection_of`, events and the address timeline).
    pub frame: u64,
    /// Capture time in nanoseconds (for idle eviction).
    pub time_ns: u64,
    /// Sender.
    pub src: Endpoint,
    /// Receiver.
    pub dst: Endpoint,
    /// The parsed header.
    pub header: &'a TcpHeader,
    /// The captured payload bytes (fewer than `payload_len` when the capture cut them).
    pub payload: &'a [u8],
    /// The payload length on the wire.
    pub payload_len: usize,
}

/// Limits of an [`MptcpAnalyzer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalyzerConfig {
    /// The flow table's limits (subflows and other TCP connections).
    pub flows: FlowTableConfig,
    /// The most MPTCP connections kept at once; the least recently seen one is finished to
    /// make room.
    pub max_connections: usize,
    /// Subflows listed per connection (more are counted).
    pub max_subflows: usize,
    /// Address timeline entries kept per connection.
    pub max_addresses: usize,
    /// Data ranges remembered per direction of a connection for reinjection detection.
    pub max_ranges: usize,
    /// Mapped bytes kept at once, over all subflows, for DSS checksums.
    pub max_buffered_bytes: usize,
}

impl Default for AnalyzerConfig {
    /// The flow table's defaults, 100,000 connections, 64 subflows and 256 addresses listed,
    /// 4096 ranges per direction, 64 MiB of mapped bytes.
    fn default() -> Self {
        Self {
            flows: FlowTableConfig::default(),
            max_connections: 100_000,
            max_subflows: 64,
            max_addresses: 256,
            max_ranges: 4096,
            max_buffered_bytes: 64 << 20,
        }
    }
}

/// The analysis: a flow table of subflows and the MPTCP connections they make up (see the
/// module docs).
#[derive(Debug)]
pub struct MptcpAnalyzer {
    config: AnalyzerConfig,
    flows: FlowTable<MptcpFlowState>,
    // Ordered maps: no hashing on every segment, and no hash flooding by chosen keys.
    conns: BTreeMap<u64, Connection>,
    tokens: BTreeMap<u32, u64>,
    next_conn: u64,
    finished: Vec<ConnectionSummary>,
    buffered: usize,
    evicted_connections: u64,
}

impl Default for MptcpAnalyzer {
    fn default() -> Self {
        Self::new(AnalyzerConfig::default())
    }
}

impl MptcpAnalyzer {
    /// An analyzer with these limits.
    pub fn new(config: AnalyzerConfig) -> Self {
        Self {
            config,
            flows: FlowTable::new(config.flows),
            conns: BTreeMap::new(),
            tokens: BTreeMap::new(),
            next_conn: 0,
            finished: Vec::new(),
            buffered: 0,
            evicted_connections: 0,
        }
    }

    /// Files a segment in the analyzer's own flow table; for a segment of an MPTCP subflow,
    /// what the analysis says about it.
    pub fn segment(&mut self, seg: &Segment<'_>) -> Option<Annotation> {
        for dropped in self.flows.take_dropped() {
            self.buffered = self.buffered.saturating_sub(dropped.state.buffered());
        }
        let (obs, flow) =
            self.flows
                .observe_mut(seg.time_ns, seg.src, seg.dst, seg.header, seg.payload_len);
        let isn_known = flow.half(obs.side).isn_from_syn;
        let endpoints = (
            flow.client.endpoint.unwrap_or(seg.src),
            flow.server.endpoint.unwrap_or(seg.dst),
        );
        let mut ctx = Ctx {
            config: &self.config,
            conns: &mut self.conns,
            tokens: &mut self.tokens,
            next_conn: &mut self.next_conn,
            finished: &mut self.finished,
            evicted: &mut self.evicted_connections,
            buffered: &mut self.buffered,
            seg,
            side: obs.side,
            endpoints,
            subflow: obs.id,
        };
        ctx.run(&mut flow.state, &obs, isn_known)
    }

    /// As [`segment`](Self::segment), for a caller that files segments in a flow table of its
    /// own, shared with other analyses (TCP-AO keeps its sequence number extensions there): the
    /// caller observes the segment first and hands over the flow, whose state holds an
    /// [`MptcpFlowState`]. Flows the caller's table drops go to [`release`](Self::release).
    pub fn segment_in<S: AsMut<MptcpFlowState>>(
        &mut self,
        seg: &Segment<'_>,
        observation: &Observation,
        flow: &mut Flow<S>,
    ) -> Option<Annotation> {
        let isn_known = flow.half(observation.side).isn_from_syn;
        let endpoints = (
            flow.client.endpoint.unwrap_or(seg.src),
            flow.server.endpoint.unwrap_or(seg.dst),
        );
        let mut ctx = Ctx {
            config: &self.config,
            conns: &mut self.conns,
            tokens: &mut self.tokens,
            next_conn: &mut self.next_conn,
            finished: &mut self.finished,
            evicted: &mut self.evicted_connections,
            buffered: &mut self.buffered,
            seg,
            side: observation.side,
            endpoints,
            subflow: observation.id,
        };
        ctx.run(flow.state.as_mut(), observation, isn_known)
    }

    /// Gives back the mapped bytes a flow dropped from the caller's own table was holding
    /// (see [`segment_in`](Self::segment_in)), so that they count no more against
    /// [`AnalyzerConfig::max_buffered_bytes`].
    pub fn release(&mut self, state: &MptcpFlowState) {
        self.buffered = self.buffered.saturating_sub(state.buffered());
    }

    /// Connections finished early to make room (the table was full), since the last call.
    pub fn take_finished(&mut self) -> Vec<ConnectionSummary> {
        std::mem::take(&mut self.finished)
    }

    /// How many connections were finished early to make room.
    pub fn evicted_connections(&self) -> u64 {
        self.evicted_connections
    }

    /// The flow table's counts (subflows and other TCP connections).
    pub fn flow_stats(&self) -> FlowTableStats {
        self.flows.stats()
    }

    /// Every connection not yet taken, in order of connection id.
    pub fn finish(mut self) -> Vec<ConnectionSummary> {
        let mut out = std::mem::take(&mut self.finished);
        out.extend(
            std::mem::take(&mut self.conns)
                .into_values()
                .map(|c| c.summary()),
        );
        out.sort_by_key(|c| c.connection);
        out
    }
}

/// The analyzer's parts one segment works on.
struct Ctx<'a, 's> {
    config: &'a AnalyzerConfig,
    conns: &'a mut BTreeMap<u64, Connection>,
    tokens: &'a mut BTreeMap<u32, u64>,
    next_conn: &'a mut u64,
    finished: &'a mut Vec<ConnectionSummary>,
    evicted: &'a mut u64,
    buffered: &'a mut usize,
    seg: &'a Segment<'s>,
    side: Side,
    endpoints: (Endpoint, Endpoint),
    subflow: u64,
}

impl Ctx<'_, '_> {
    /// The analysis of one segment of a flow.
    fn run(
        &mut self,
        st: &mut MptcpFlowState,
        obs: &Observation,
        isn_known: bool,
    ) -> Option<Annotation> {
        let seg = self.seg;
        let has_mptcp = seg
            .header
            .options
            .iter()
            .any(|o| matches!(o, TcpOption::Mptcp(_)));
        if !has_mptcp && st.kind.is_none() {
            return None;
        }
        let side = self.side;
        let flags = seg.header.flags;
        let mut ann = Annotation {
            subflow: obs.id,
            ..Annotation::default()
        };
        let ctx = self;
        // Handshake options first: they make the connection the others refer to.
        let mut saw_capable = false;
        let mut saw_join = false;
        for option in &seg.header.options {
            match option {
                TcpOption::Mptcp(MptcpOption::MpCapable(c)) => {
                    saw_capable = true;
                    ctx.mp_capable(st, c, &mut ann);
                }
                TcpOption::Mptcp(MptcpOption::MpJoin(j)) => {
                    saw_join = true;
                    ctx.mp_join(st, j, &mut ann);
                }
                _ => {}
            }
        }
        if has_mptcp && st.kind.is_none() {
            // The capture starts mid-connection: a connection without keys, as the segments'
            // options still say what happens on it.
            st.kind = Some(SubflowKind::Unknown);
            st.opener_is_conn_client = true;
            ctx.ensure_connection(st);
        } else if has_mptcp
            && st.conn.is_none()
            && st.kind == Some(SubflowKind::Initial)
            && !flags.syn()
            && !st.fallback
        {
            // The handshake's keys are missing (cut by the snap length, or lost): the
            // connection goes on without them.
            ctx.ensure_connection(st);
        }
        if flags.syn() && flags.ack() && !st.fallback {
            if st.kind == Some(SubflowKind::Initial) && !saw_capable {
                st.fallback = true;
                ctx.fallback(st, FallbackReason::SynAckWithoutMpCapable, &mut ann);
            } else if st.kind == Some(SubflowKind::Join) && !saw_join {
                st.fallback = true;
                ctx.fallback(st, FallbackReason::JoinRefused, &mut ann);
            }
        }
        if st.awaiting_third_ack && side == Side::Client && !flags.syn() {
            st.awaiting_third_ack = false;
            if !has_mptcp && !st.fallback {
                st.fallback = true;
                ctx.fallback(st, FallbackReason::AckWithoutMpCapable, &mut ann);
            }
        }
        for option in &seg.header.options {
            if let TcpOption::Mptcp(m) = option {
                ctx.other_option(st, m, &mut ann);
            }
        }
        // The payload: its place in the data sequence space, and the DSS checksum of the
        // mapping it belongs to.
        if seg.payload_len > 0 {
            let rel = obs.relative_seq.filter(|_| isn_known);
            ctx.payload_order(st, rel, &mut ann);
            ctx.feed(st, rel, &mut ann);
        }
        if let Some(conn) = st.conn.and_then(|c| ctx.conns.get_mut(&c)) {
            ann.connection = Some(conn.id);
            conn.last_frame = seg.frame;
            conn.last_seen_ns = seg.time_ns;
            if let Some(rec) = st.record.and_then(|i| conn.subflows.get_mut(i)) {
                rec.segments += 1;
                match side {
                    Side::Client => rec.client_bytes += seg.payload_len as u64,
                    Side::Server => rec.server_bytes += seg.payload_len as u64,
                }
                rec.fin |= flags.fin();
                rec.rst |= flags.rst();
            }
        }
        Some(ann)
    }

    fn conn<'c>(&'c mut self, st: &MptcpFlowState) -> Option<&'c mut Connection> {
        st.conn.and_then(|c| self.conns.get_mut(&c))
    }

    /// The connection-level side of a subflow side.
    fn conn_side(st: &MptcpFlowState, side: Side) -> Side {
        if st.opener_is_conn_client {
            side
        } else {
            side.peer()
        }
    }

    fn event(&mut self, st: &MptcpFlowState, event: Event, ann: &mut Annotation) {
        if let Some(conn) = self.conn(st) {
            conn.events.add(&event);
        }
        ann.events.push(event);
    }

    fn fallback(&mut self, st: &MptcpFlowState, reason: FallbackReason, ann: &mut Annotation) {
        if let Some(conn) = self.conn(st) {
            if let Some(rec) = st.record.and_then(|i| conn.subflows.get_mut(i)) {
                rec.fallback.get_or_insert(reason);
            }
            if st.kind == Some(SubflowKind::Initial) || reason == FallbackReason::InfiniteMapping {
                conn.fallback.get_or_insert(reason);
            }
        }
        self.event(st, Event::Fallback { reason }, ann);
    }

    fn mp_capable(
        &mut self,
        st: &mut MptcpFlowState,
        c: &crate::mptcp::MpCapable,
        ann: &mut Annotation,
    ) {
        let flags = self.seg.header.flags;
        let side = self.side;
        let version = Version::from_wire(c.version);
        if st.kind.is_none() {
            st.kind = Some(SubflowKind::Initial);
            st.opener_is_conn_client = true;
        }
        if st.kind == Some(SubflowKind::Join) {
            return;
        }
        st.checksums |= c.flags.checksum_required;
        if flags.syn() || st.version.is_none() {
            // The SYN/ACK's version is the one agreed on.
            st.version = Some(version);
        }
        if flags.syn() && flags.ack() {
            st.awaiting_third_ack = true;
        }
        if let Some(key) = c.sender_key {
            st.keys[idx(side)].get_or_insert(key);
            ann.token = Some(crypto::token(version, key));
            ann.idsn = Some(crypto::idsn(version, key));
        }
        if !flags.syn() {
            if let Some(key) = c.receiver_key {
                st.keys[idx(side.peer())].get_or_insert(key);
            }
        }
        if st.keys.iter().any(Option::is_some) {
            self.ensure_connection(st);
        }
        if let (Some(len), Some(idsn)) = (c.data_level_length, ann.idsn) {
            let dsn = idsn.wrapping_add(1);
            ann.dsn = Some(dsn);
            ann.relative_dsn = Some(1);
            let cs = Self::conn_side(st, side);
            if let Some(conn) = self.conn(st) {
                conn.dirs[idx(cs)].last_dsn = Some(dsn);
            }
            let mapping = state::MappingIn {
                dsn,
                ssn: 1,
                len,
                data_fin: false,
                checksum: c.checksum,
            };
            self.mapping(st, mapping, ann);
        }
    }

    /// Opens the connection of an initial subflow once a key is known, or brings the keys
    /// learned since into it.
    fn ensure_connection(&mut self, st: &mut MptcpFlowState) {
        let version = st.version.unwrap_or(Version::V1);
        if st.conn.is_none() {
            if self.conns.len() >= self.config.max_connections.max(1) {
                self.evict_oldest();
            }
            let id = *self.next_conn;
            *self.next_conn += 1;
            let mut conn = Connection::new(id, version, self.seg.frame, self.seg.time_ns);
            let (client, server) = self.endpoints;
            st.record = conn.add_subflow(
                self.config.max_subflows,
                SubflowSummary {
                    subflow: self.subflow,
                    kind: st.kind.unwrap_or(SubflowKind::Unknown),
                    client,
                    server,
                    opened_by: Side::Client,
                    client_address_id: Some(0),
                    server_address_id: Some(0),
                    client_backup: false,
                    server_backup: false,
                    segments: 0,
                    client_bytes: 0,
                    server_bytes: 0,
                    syn_ack_hmac: None,
                    ack_hmac: None,
                    fallback: None,
                    fin: false,
                    rst: false,
                },
            );
            self.conns.insert(id, conn);
            st.conn = Some(id);
        }
        let Some(id) = st.conn else { return };
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        if let Some(v) = st.version {
            conn.version = v;
            conn.version_known = true;
        }
        conn.checksums |= st.checksums;
        for side in [Side::Client, Side::Server] {
            if let (None, Some(key)) = (conn.keys[idx(side)], st.keys[idx(side)]) {
                conn.keys[idx(side)] = Some(key);
                self.tokens.insert(crypto::token(version, key), id);
            }
        }
        conn.refresh_idsns();
    }

    fn evict_oldest(&mut self) {
        let oldest = self
            .conns
            .values()
            .min_by_key(|c| (c.last_seen_ns, c.id))
            .map(|c| c.id);
        if let Some(conn) = oldest.and_then(|id| self.conns.remove(&id)) {
            self.tokens.retain(|_, id| *id != conn.id);
            *self.evicted += 1;
            if self.finished.len() >= self.config.max_connections.max(1) {
                self.finished.remove(0);
            }
            self.finished.push(conn.summary());
        }
    }

    fn mp_join(&mut self, st: &mut MptcpFlowState, j: &MpJoin, ann: &mut Annotation) {
        let side = self.side;
        match *j {
            MpJoin::Syn {
                backup,
                address_id,
                receiver_token,
                sender_random,
                ..
            } => {
                if st.kind.is_some() {
                    return;
                }
                st.kind = Some(SubflowKind::Join);
                st.randoms[idx(side)] = Some(sender_random);
                let token = u32::from_be_bytes(receiver_token);
                let Some(&id) = self.tokens.get(&token) else {
                    return;
                };
                let Some(conn) = self.conns.get_mut(&id) else {
                    return;
                };
                // The SYN names the receiver's token: a join to the server comes from the
                // connection's client.
                let server_token = conn.keys[1].map(|k| crypto::token(conn.version, k));
                st.opener_is_conn_client = server_token == Some(token);
                st.version = Some(conn.version);
                st.conn = Some(id);
                let (client, server) = self.endpoints;
                st.record = conn.add_subflow(
                    self.config.max_subflows,
                    SubflowSummary {
                        subflow: self.subflow,
                        kind: SubflowKind::Join,
                        client,
                        server,
                        opened_by: if st.opener_is_conn_client {
                            Side::Client
                        } else {
                            Side::Server
                        },
                        client_address_id: Some(address_id),
                        server_address_id: None,
                        client_backup: backup,
                        server_backup: false,
                        segments: 0,
                        client_bytes: 0,
                        server_bytes: 0,
                        syn_ack_hmac: None,
                        ack_hmac: None,
                        fallback: None,
                        fin: false,
                        rst: false,
                    },
                );
            }
            MpJoin::SynAck {
                backup,
                address_id,
                sender_truncated_hmac,
                sender_random,
                ..
            } => {
                if st.kind != Some(SubflowKind::Join) {
                    return;
                }
                st.randoms[idx(side)] = Some(sender_random);
                let verdict = self
                    .join_hmac(st)
                    .map(|h| Verdict::of(h[..8] == sender_truncated_hmac))
                    .unwrap_or(Verdict::UnknownKey);
                ann.join_hmac = Some(verdict);
                if let Some(conn) = self.conn(st) {
                    conn.verdicts.join_hmac.add(verdict);
                    if let Some(rec) = st.record.and_then(|i| conn.subflows.get_mut(i)) {
                        rec.server_address_id = Some(address_id);
                        rec.server_backup = backup;
                        rec.syn_ack_hmac = Some(verdict);
                    }
                }
            }
            MpJoin::Ack { sender_hmac, .. } => {
                if st.kind != Some(SubflowKind::Join) {
                    return;
                }
                let verdict = self
                    .join_hmac(st)
                    .map(|h| Verdict::of(h[..20] == sender_hmac))
                    .unwrap_or(Verdict::UnknownKey);
                ann.join_hmac = Some(verdict);
                if let Some(conn) = self.conn(st) {
                    conn.verdicts.join_hmac.add(verdict);
                    if let Some(rec) = st.record.and_then(|i| conn.subflows.get_mut(i)) {
                        rec.ack_hmac = Some(verdict);
                    }
                }
            }
        }
    }

    /// HMAC(Key-sender || Key-receiver, R-sender || R-receiver) for the segment's sender, when
    /// the keys and both nonces are known.
    fn join_hmac(&mut self, st: &MptcpFlowState) -> Option<[u8; 32]> {
        let side = self.side;
        let r_sender = st.randoms[idx(side)]?;
        let r_receiver = st.randoms[idx(side.peer())]?;
        let conn = self.conn(st)?;
        let k_sender = conn.keys[idx(Self::conn_side(st, side))]?;
        let k_receiver = conn.keys[idx(Self::conn_side(st, side.peer()))]?;
        let mut msg = [0u8; 8];
        msg[..4].copy_from_slice(&r_sender);
        msg[4..].copy_from_slice(&r_receiver);
        Some(crypto::hmac(conn.version, k_sender, k_receiver, &msg).0)
    }
}
