//! The flow table: TCP connections across a capture, in both directions, in bounded memory.
//!
//! [`FlowTable::observe`] takes each segment with its addresses and finds (or opens) its
//! connection: the pair of endpoints in either direction. A connection remembers each side's
//! initial sequence number and SYN options, gives sequence numbers relative to them, and has an
//! id that stays the same for its life, numbered in order of first appearance as Wireshark's
//! `tcp.stream` is. A SYN that starts over on a known pair of endpoints (a new initial sequence
//! number) opens a new connection.
//!
//! Memory is bounded: at most [`FlowTableConfig::max_flows`] connections are kept; one idle for
//! longer than [`FlowTableConfig::idle_timeout_ns`] is dropped when the table is swept, and when
//! the table is full the least recently seen connection makes room. What was dropped is
//! counted in [`FlowTableStats`].
//!
//! Each connection carries a value of the caller's type `S` ([`Flow::state`]): analyses that
//! need per-connection memory (MPTCP subflows, TCP-AO sequence number extensions) keep it
//! there, and share the one table (the MPTCP analysis takes its part through `AsMut`, with
//! `analysis::mptcp::MptcpAnalyzer::segment_in`, feature `analysis`). A segment whose options
//! the capture cut still belongs to its connection: [`fixed_header`] gives what the table
//! needs.
//!
//! ```
//! use tcpwire::flow::{Endpoint, FlowTable, Side};
//! use tcpwire::TcpHeader;
//!
//! let client = Endpoint::new([10, 0, 0, 1].into(), 50000);
//! let server = Endpoint::new([10, 0, 0, 2].into(), 443);
//! let syn = TcpHeader::builder().seq(1000).syn().mss(1460).build()?;
//! let syn_ack = TcpHeader::builder().seq(5000).ack_number(1001).syn().ack().build()?;
//! let ack = TcpHeader::builder().seq(1001).ack_number(5001).ack().build()?;
//!
//! let mut table: FlowTable = FlowTable::default();
//! let first = table.observe(0, client, server, &syn, 0);
//! let second = table.observe(1, server, client, &syn_ack, 0);
//! let third = table.observe(2, client, server, &ack, 0);
//! assert_eq!((first.id, second.id, third.id), (0, 0, 0));
//! assert_eq!((first.side, second.side), (Side::Client, Side::Server));
//! assert_eq!((third.relative_seq, third.relative_ack), (Some(1), Some(1)));
//! let flow = table.get(0).unwrap();
//! assert_eq!(flow.client.syn.as_ref().and_then(|s| s.mss), Some(1460));
//! # Ok::<(), tcpwire::Error>(())
//! ```

use crate::option::{Mss, WindowScale};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::net::IpAddr;

use crate::header::TcpHeader;
use crate::mptcp::{MpCapable, MptcpOption};
use crate::option::TcpOption;

/// One end of a connection: an address and a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    /// The IP address.
    pub addr: IpAddr,
    /// The TCP port.
    pub port: u16,
}

impl Endpoint {
    /// The endpoint at `addr`, `port`.
    pub fn new(addr: IpAddr, port: u16) -> Self {
        Self { addr, port }
    }
}

impl From<std::net::SocketAddr> for Endpoint {
    fn from(a: std::net::SocketAddr) -> Self {
        Self::new(a.ip(), a.port())
    }
}

/// In human-readable formats, the `Display` form (`10.0.0.1:443`, `[2001:db8::1]:443`); in
/// binary ones, the address and the port.
impl serde::Serialize for Endpoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            (self.addr, self.port).serialize(s)
        }
    }
}

impl<'de> serde::Deserialize<'de> for Endpoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            text.parse::<std::net::SocketAddr>()
                .map(Endpoint::from)
                .map_err(|e| serde::de::Error::custom(format!("endpoint {text:?}: {e}")))
        } else {
            let (addr, port) = <(IpAddr, u16)>::deserialize(d)?;
            Ok(Endpoint::new(addr, port))
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            IpAddr::V4(a) => write!(f, "{a}:{}", self.port),
            IpAddr::V6(a) => write!(f, "[{a}]:{}", self.port),
        }
    }
}

/// Which side of a connection sent a segment: the client opened it (sent the first SYN, or
/// the first segment seen when the capture starts mid-connection). In serde, `"client"` or
/// `"server"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The side that opened the connection.
    Client,
    /// The other side.
    Server,
}

impl Side {
    /// The other side.
    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    /// `"client"` or `"server"`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// What a side announced on its SYN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SynOptions {
    /// Maximum segment size.
    pub mss: Option<u16>,
    /// Window scale shift.
    pub window_scale: Option<u8>,
    /// SACK permitted.
    pub sack_permitted: bool,
    /// Timestamps present.
    pub timestamps: bool,
    /// TCP Fast Open option present (a cookie or a cookie request).
    pub fast_open: bool,
    /// MP_CAPABLE, when the SYN asked for Multipath TCP.
    pub mp_capable: Option<MpCapable>,
}

impl SynOptions {
    fn of(header: &TcpHeader) -> Self {
        let mut s = SynOptions::default();
        for option in &header.options {
            match option {
                TcpOption::Mss(Mss { mss }) => s.mss = s.mss.or(Some(*mss)),
                TcpOption::WindowScale(WindowScale { shift }) => {
                    s.window_scale = s.window_scale.or(Some(*shift))
                }
                TcpOption::SackPermitted => s.sack_permitted = true,
                TcpOption::Timestamps(_) => s.timestamps = true,
                TcpOption::FastOpen(_) | TcpOption::ExperimentalFastOpen(_) => s.fast_open = true,
                TcpOption::Mptcp(MptcpOption::MpCapable(c)) => {
                    s.mp_capable = s.mp_capable.or(Some(*c))
                }
                _ => {}
            }
        }
        s
    }
}

/// One direction of a connection, as its sender made it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HalfFlow {
    /// The endpoint sending in this direction.
    pub endpoint: Option<Endpoint>,
    /// The initial sequence number: the SYN's, else the first sequence number seen minus one
    /// (so that relative numbers start at 1 as they would after a SYN).
    pub isn: Option<u32>,
    /// Whether the ISN is a SYN's (else it was inferred mid-connection).
    pub isn_from_syn: bool,
    /// The options of this side's SYN (or SYN/ACK).
    pub syn: Option<SynOptions>,
    /// Segments sent.
    pub segments: u64,
    /// Payload bytes sent (retransmissions included).
    pub payload_bytes: u64,
    /// A FIN was sent.
    pub fin: bool,
    /// A RST was sent.
    pub rst: bool,
}

/// The fixed 20-byte header of a segment whose options the capture cut (the snap length), with
/// no options: enough to file the segment under its connection, so that connection ids stay
/// in step with a capture's full segments. `None` when even the fixed header is not there.
///
/// ```
/// // A SYN whose options were cut after 26 bytes.
/// let bytes = tcpwire::from_hex("c35001bb00000001000000008002faf0000000000204").unwrap();
/// let header = tcpwire::flow::fixed_header(&bytes).unwrap();
/// assert!(header.flags.syn() && header.options.is_empty());
/// assert_eq!((header.src_port, header.dst_port), (50000, 443));
/// ```
pub fn fixed_header(segment: &[u8]) -> Option<TcpHeader> {
    let mut fixed = [0u8; crate::header::FIXED_HEADER_LEN];
    fixed.copy_from_slice(segment.get(..crate::header::FIXED_HEADER_LEN)?);
    fixed[12] = (5 << 4) | (fixed[12] & 0x0f);
    TcpHeader::parse_prefix(&fixed, crate::option::ParseMode::Lossless)
        .ok()
        .map(|(h, _)| h)
}

/// A connection id: its order of first appearance, from 0.
pub type FlowId = u64;

/// One TCP connection.
#[derive(Debug, Clone)]
pub struct Flow<S = ()> {
    /// Stable id: connections are numbered in order of first appearance.
    pub id: FlowId,
    /// The client's half (the opener's).
    pub client: HalfFlow,
    /// The server's half.
    pub server: HalfFlow,
    /// Time of the first segment, in nanoseconds (the caller's clock).
    pub first_seen_ns: u64,
    /// Time of the latest segment.
    pub last_seen_ns: u64,
    /// The caller's per-connection state.
    pub state: S,
}

impl<S> Flow<S> {
    /// The half of `side`.
    pub fn half(&self, side: Side) -> &HalfFlow {
        match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        }
    }

    fn half_mut(&mut self, side: Side) -> &mut HalfFlow {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    /// The client's endpoint and the server's (the server's is known from the first segment
    /// on, as the destination of the client's).
    pub fn endpoints(&self) -> (Option<Endpoint>, Option<Endpoint>) {
        (self.client.endpoint, self.server.endpoint)
    }
}

/// Where a segment belongs: its connection, the side that sent it, its relative numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    /// The connection.
    pub id: FlowId,
    /// The sending side.
    pub side: Side,
    /// Whether this segment opened the connection.
    pub new_flow: bool,
    /// The sequence number relative to the sender's ISN (the SYN is 0).
    pub relative_seq: Option<u32>,
    /// The acknowledgment number relative to the receiver's ISN, when ACK is set and that ISN
    /// is known.
    pub relative_ack: Option<u32>,
}

/// Limits of a [`FlowTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowTableConfig {
    /// The most connections kept at once.
    pub max_flows: usize,
    /// A connection not seen for this long (in the caller's nanoseconds) is dropped at the next
    /// sweep; 0 keeps idle connections until the table is full.
    pub idle_timeout_ns: u64,
}

impl Default for FlowTableConfig {
    /// 100,000 connections, idle for at most 5 minutes.
    fn default() -> Self {
        Self {
            max_flows: 100_000,
            idle_timeout_ns: 300_000_000_000,
        }
    }
}

/// What a [`FlowTable`] has seen and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlowTableStats {
    /// Connections opened.
    pub opened: u64,
    /// Connections dropped for being idle.
    pub evicted_idle: u64,
    /// Connections dropped to make room in a full table.
    pub evicted_full: u64,
    /// Connections replaced by a new one on the same endpoints (a SYN with a new ISN).
    pub replaced: u64,
}

/// The unordered pair of endpoints of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key(Endpoint, Endpoint);

/// One write of the key's bytes: the hasher (SipHash, against flooding by chosen addresses)
/// runs once over 36 bytes instead of once per field.
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut bytes = [0u8; 36];
        for (i, e) in [self.0, self.1].iter().enumerate() {
            let at = i * 18;
            match e.addr {
                // IPv4 as its IPv4-mapped IPv6 form; should the same address come as such
                // in IPv6 too, the two keys share a hash, and equality still tells them apart.
                IpAddr::V4(a) => bytes[at..at + 16].copy_from_slice(&a.to_ipv6_mapped().octets()),
                IpAddr::V6(a) => bytes[at..at + 16].copy_from_slice(&a.octets()),
            }
            bytes[at + 16..at + 18].copy_from_slice(&e.port.to_be_bytes());
        }
        state.write(&bytes);
    }
}

impl Key {
    fn of(a: Endpoint, b: Endpoint) -> Self {
        if a <= b {
            Key(a, b)
        } else {
            Key(b, a)
        }
    }
}

/// TCP connections keyed by their endpoints in both directions (see the module docs).
#[derive(Debug)]
pub struct FlowTable<S = ()> {
    config: FlowTableConfig,
    flows: HashMap<Key, Flow<S>>,
    ids: HashMap<FlowId, Key>,
    /// (last seen, id): the least recently seen connection first.
    by_age: BTreeSet<(u64, FlowId)>,
    next_id: FlowId,
    stats: FlowTableStats,
    /// Connections dropped since the caller last took them.
    dropped: Vec<Flow<S>>,
}

impl<S: Default> Default for FlowTable<S> {
    fn default() -> Self {
        Self::new(FlowTableConfig::default())
    }
}

impl<S: Default> FlowTable<S> {
    /// An empty table with these limits (a `max_flows` of 0 is taken as 1).
    pub fn new(config: FlowTableConfig) -> Self {
        Self {
            config: FlowTableConfig {
                max_flows: config.max_flows.max(1),
                ..config
            },
            flows: HashMap::new(),
            ids: HashMap::new(),
            by_age: BTreeSet::new(),
            next_id: 0,
            stats: FlowTableStats::default(),
            dropped: Vec::new(),
        }
    }

    /// Files a segment sent from `src` to `dst` at `time_ns` (any clock, non-decreasing for
    /// idle eviction to make sense) under its connection, opening one if needed.
    pub fn observe(
        &mut self,
        time_ns: u64,
        src: Endpoint,
        dst: Endpoint,
        header: &TcpHeader,
        payload_len: usize,
    ) -> Observation {
        self.observe_mut(time_ns, src, dst, header, payload_len).0
    }

    /// As [`observe`](Self::observe), also giving the connection to update its state.
    pub fn observe_mut(
        &mut self,
        time_ns: u64,
        src: Endpoint,
        dst: Endpoint,
        header: &TcpHeader,
        payload_len: usize,
    ) -> (Observation, &mut Flow<S>) {
        let key = Key::of(src, dst);
        let flags = header.flags;
        let opening_syn = flags.syn() && !flags.ack();
        // A SYN with a new ISN on known endpoints starts a new connection.
        let restart = opening_syn
            && self.flows.get(&key).is_some_and(|flow| {
                let side = side_of(flow, src);
                side == Side::Server
                    || (flow.client.isn_from_syn && flow.client.isn != Some(header.seq))
            });
        if restart {
            self.stats.replaced += 1;
            self.remove(key);
        }
        // One lookup of the key: room is made first only when the table is full and the key
        // is not in it.
        if self.flows.len() >= self.config.max_flows && !self.flows.contains_key(&key) {
            self.make_room(time_ns);
        }
        let mut new_flow = false;
        let (next_id, stats, ids, by_age) = (
            &mut self.next_id,
            &mut self.stats,
            &mut self.ids,
            &mut self.by_age,
        );
        let flow = self.flows.entry(key).or_insert_with(|| {
            new_flow = true;
            let id = *next_id;
            *next_id += 1;
            stats.opened += 1;
            ids.insert(id, key);
            by_age.insert((time_ns, id));
            let mut flow = Flow {
                id,
                client: HalfFlow::default(),
                server: HalfFlow::default(),
                first_seen_ns: time_ns,
                last_seen_ns: time_ns,
                state: S::default(),
            };
            flow.client.endpoint = Some(src);
            flow.server.endpoint = Some(dst);
            flow
        });
        if flow.last_seen_ns != time_ns {
            self.by_age.remove(&(flow.last_seen_ns, flow.id));
            flow.last_seen_ns = flow.last_seen_ns.max(time_ns);
            self.by_age.insert((flow.last_seen_ns, flow.id));
        }
        let side = side_of(flow, src);
        let half = flow.half_mut(side);
        if flags.syn() {
            if !half.isn_from_syn {
                half.isn = Some(header.seq);
                half.isn_from_syn = true;
            }
            if half.syn.is_none() {
                half.syn = Some(SynOptions::of(header));
            }
        } else if half.isn.is_none() {
            half.isn = Some(header.seq.wrapping_sub(1));
        }
        half.segments += 1;
        half.payload_bytes += payload_len as u64;
        half.fin |= flags.fin();
        half.rst |= flags.rst();
        let relative_seq = half.isn.map(|isn| header.seq.wrapping_sub(isn));
        let relative_ack = if flags.ack() {
            flow.half(side.peer())
                .isn
                .map(|isn| header.ack_number.wrapping_sub(isn))
        } else {
            None
        };
        let observation = Observation {
            id: flow.id,
            side,
            new_flow,
            relative_seq,
            relative_ack,
        };
        (observation, flow)
    }

    /// The connection with this id, if it is still in the table.
    pub fn get(&self, id: FlowId) -> Option<&Flow<S>> {
        self.ids.get(&id).and_then(|key| self.flows.get(key))
    }

    /// The connection with this id, to update its state.
    pub fn get_mut(&mut self, id: FlowId) -> Option<&mut Flow<S>> {
        let key = self.ids.get(&id)?;
        self.flows.get_mut(key)
    }

    /// The connections in the table, in no particular order.
    pub fn flows(&self) -> impl Iterator<Item = &Flow<S>> {
        self.flows.values()
    }

    /// How many connections are in the table.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Counts of connections opened and dropped.
    pub fn stats(&self) -> FlowTableStats {
        self.stats
    }

    /// Takes the connections dropped (idle, full table, replaced) since the last call, so that
    /// an analysis can report them before they are gone.
    pub fn take_dropped(&mut self) -> Vec<Flow<S>> {
        std::mem::take(&mut self.dropped)
    }

    /// Empties the table, giving every connection still in it, oldest id first.
    pub fn drain(&mut self) -> Vec<Flow<S>> {
        let mut flows: Vec<Flow<S>> = self.flows.drain().map(|(_, f)| f).collect();
        flows.sort_by_key(|f| f.id);
        self.ids.clear();
        self.by_age.clear();
        flows
    }

    fn remove(&mut self, key: Key) {
        if let Some(flow) = self.flows.remove(&key) {
            self.ids.remove(&flow.id);
            self.by_age.remove(&(flow.last_seen_ns, flow.id));
            self.dropped.push(flow);
        }
    }

    /// Drops idle connections, then the least recently seen one if the table is still full.
    fn make_room(&mut self, now_ns: u64) {
        if self.flows.len() < self.config.max_flows {
            return;
        }
        if self.config.idle_timeout_ns > 0 {
            while let Some(&(seen, id)) = self.by_age.first() {
                if now_ns.saturating_sub(seen) <= self.config.idle_timeout_ns {
                    break;
                }
                if let Some(&key) = self.ids.get(&id) {
                    self.stats.evicted_idle += 1;
                    self.remove(key);
                } else {
                    self.by_age.remove(&(seen, id));
                }
            }
        }
        while self.flows.len() >= self.config.max_flows {
            let Some(&(seen, id)) = self.by_age.first() else {
                break;
            };
            match self.ids.get(&id) {
                Some(&key) => {
                    self.stats.evicted_full += 1;
                    self.remove(key);
                }
                None => {
                    self.by_age.remove(&(seen, id));
                }
            }
        }
        // Keep the caller's backlog bounded too when it never takes it.
        if self.dropped.len() > self.config.max_flows {
            let excess = self.dropped.len() - self.config.max_flows;
            self.dropped.drain(..excess);
        }
    }
}

fn side_of<S>(flow: &Flow<S>, src: Endpoint) -> Side {
    if flow.client.endpoint == Some(src) {
        Side::Client
    } else {
        Side::Server
    }
}
