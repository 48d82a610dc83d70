//! What the analysis gives: per-segment [`Annotation`]s and per-connection
//! [`ConnectionSummary`]s, both serde types (in JSON, 64-bit data sequence numbers and IDSNs are
//! decimal strings, keys hex).

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::crypto::Version;
use crate::bytes::U64Text;
use crate::flow::{Endpoint, FlowId, Side};
use crate::registry::TcpRstReason;

/// The outcome of checking a signature or a checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// It matches what the keys (or the data) give.
    Ok,
    /// It does not.
    Bad,
    /// It cannot be checked: the capture lacks a key, a nonce or the connection it belongs to.
    UnknownKey,
}

impl Verdict {
    /// `ok` or `bad` for a comparison.
    pub fn of(matches: bool) -> Self {
        if matches {
            Verdict::Ok
        } else {
            Verdict::Bad
        }
    }

    /// `"ok"`, `"bad"` or `"unknown_key"`, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Bad => "bad",
            Verdict::UnknownKey => "unknown_key",
        }
    }
}

/// Why a connection or a subflow stopped using MPTCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FallbackReason {
    /// The SYN asked for MPTCP, the SYN/ACK has no MP_CAPABLE: the server refused it.
    SynAckWithoutMpCapable,
    /// The client's SYN/ACK acknowledgment (third ACK) has no MP_CAPABLE.
    AckWithoutMpCapable,
    /// A DSS with an infinite mapping (data-level length 0): the data is no longer mapped.
    InfiniteMapping,
    /// An MP_JOIN SYN answered without MP_JOIN: the subflow was refused.
    JoinRefused,
}

/// Something a segment did at the connection level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The connection (or, for a refused join, the subflow) fell back to plain TCP.
    Fallback {
        /// Why.
        reason: FallbackReason,
    },
    /// An infinite mapping from this data sequence number on.
    InfiniteMapping {
        /// The mapping's data sequence number, widened to 64 bits.
        #[serde(with = "crate::bytes::u64_string")]
        dsn: u64,
    },
    /// MP_FAIL: the sender's checksum failed at this data sequence number.
    MpFail {
        /// The data sequence number the option names.
        #[serde(with = "crate::bytes::u64_string")]
        dsn: u64,
        /// The frame of the mapping it names, when that mapping was seen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mapping_frame: Option<u64>,
        /// That mapping's DSS checksum verdict, when it was checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mapping_checksum: Option<Verdict>,
    },
    /// MP_FASTCLOSE: the connection is closed abruptly.
    MpFastclose {
        /// Whether the key it carries is the receiver's key.
        key: Verdict,
    },
    /// MP_TCPRST: why this subflow was reset.
    // `snake_case` would make it `mp_tcp_rst`; the subtype's name everywhere else (and
    // `Event::name`, `EventCounts`) is `mp_tcprst`.
    #[serde(rename = "mp_tcprst")]
    MpTcpRst {
        /// The reason code.
        reason: TcpRstReason,
        /// T: the error is transient.
        transient: bool,
    },
    /// ADD_ADDR: an address announced (or echoed).
    AddAddr {
        /// The address ID.
        address_id: u8,
        /// The address.
        address: IpAddr,
        /// The port, when given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u16>,
        /// An echo of the peer's announcement.
        echo: bool,
    },
    /// REMOVE_ADDR: one address withdrawn, with the subflows still open on it.
    RemoveAddr {
        /// The address ID.
        address_id: u8,
        /// The subflows (flow ids) using the address that had not closed.
        live_subflows: Vec<FlowId>,
    },
    /// MP_PRIO: the sender's backup flag.
    MpPrio {
        /// B: backup.
        backup: bool,
        /// Whether it differs from what was known before.
        changed: bool,
    },
}

impl Event {
    /// The event's name, as in JSON's `"event"`.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Fallback { .. } => "fallback",
            Event::InfiniteMapping { .. } => "infinite_mapping",
            Event::MpFail { .. } => "mp_fail",
            Event::MpFastclose { .. } => "mp_fastclose",
            Event::MpTcpRst { .. } => "mp_tcprst",
            Event::AddAddr { .. } => "add_addr",
            Event::RemoveAddr { .. } => "remove_addr",
            Event::MpPrio { .. } => "mp_prio",
        }
    }
}

/// The DSS checksum verdict of a mapping, given on the segment that completed its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DssChecksum {
    /// The verdict.
    pub verdict: Verdict,
    /// The mapping's data sequence number (64 bits).
    #[serde(with = "crate::bytes::u64_string")]
    pub dsn: u64,
    /// The mapping's data-level length.
    pub length: u16,
    /// The frame that carried the mapping (the first one, when Linux repeated it).
    pub mapping_frame: u64,
}

/// What the analysis says about one segment of an MPTCP subflow.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Annotation {
    /// The MPTCP connection, numbered in order of first appearance; `None` until a key is
    /// known (a v1 SYN) or when an MP_JOIN names an unknown token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<u64>,
    /// The subflow: its id in the flow table.
    pub subflow: FlowId,
    /// The token derived from the sender's key, on segments carrying it in MP_CAPABLE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<u32>,
    /// The IDSN derived from the sender's key, on the same segments.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_u64")]
    pub idsn: Option<u64>,
    /// The data sequence number of the mapping in this segment, widened to 64 bits.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_u64")]
    pub dsn: Option<u64>,
    /// `dsn` relative to the sender's IDSN.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_u64")]
    pub relative_dsn: Option<u64>,
    /// The data sequence number of the payload's first byte, through the subflow's latest
    /// mapping (also on segments that carry no DSS).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_u64")]
    pub payload_dsn: Option<u64>,
    /// The data ACK, widened to 64 bits.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_u64")]
    pub data_ack: Option<u64>,
    /// `data_ack` relative to the receiver's IDSN.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_u64")]
    pub relative_data_ack: Option<u64>,
    /// The verdict on the MP_JOIN HMAC of a SYN/ACK (truncated) or third ACK (whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_hmac: Option<Verdict>,
    /// The verdict on an ADD_ADDR's truncated HMAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_addr_hmac: Option<Verdict>,
    /// The DSS checksum verdict of a mapping whose data this segment completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dss_checksum: Option<DssChecksum>,
    /// The frames that sent, on other subflows, data this segment sends again (the latest
    /// frame of each subflow for each range, in frame order): a reinjection.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reinjection_of: Vec<u64>,
    /// The payload starts below data already sent on the connection without overlapping
    /// any: data-level reordering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub out_of_order: bool,
    /// Connection-level events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
}

/// Counts of verdicts of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VerdictCounts {
    /// `ok` verdicts.
    pub ok: u64,
    /// `bad` verdicts.
    pub bad: u64,
    /// `unknown_key` verdicts.
    pub unknown_key: u64,
}

impl VerdictCounts {
    pub(crate) fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Ok => self.ok += 1,
            Verdict::Bad => self.bad += 1,
            Verdict::UnknownKey => self.unknown_key += 1,
        }
    }
}

/// Verdict counts of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConnectionVerdicts {
    /// MP_JOIN SYN/ACK and third-ACK HMACs.
    pub join_hmac: VerdictCounts,
    /// ADD_ADDR HMACs.
    pub add_addr_hmac: VerdictCounts,
    /// DSS checksums of mappings.
    pub dss_checksum: VerdictCounts,
    /// MP_FASTCLOSE keys.
    pub fastclose_key: VerdictCounts,
}

/// Event counts of a connection, by [`Event::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventCounts {
    /// [`Event::Fallback`].
    pub fallback: u64,
    /// [`Event::InfiniteMapping`].
    pub infinite_mapping: u64,
    /// [`Event::MpFail`].
    pub mp_fail: u64,
    /// [`Event::MpFastclose`].
    pub mp_fastclose: u64,
    /// [`Event::MpTcpRst`].
    pub mp_tcprst: u64,
    /// [`Event::AddAddr`].
    pub add_addr: u64,
    /// [`Event::RemoveAddr`] (one per address ID).
    pub remove_addr: u64,
    /// [`Event::MpPrio`].
    pub mp_prio: u64,
}

impl EventCounts {
    pub(crate) fn add(&mut self, e: &Event) {
        let c = match e {
            Event::Fallback { .. } => &mut self.fallback,
            Event::InfiniteMapping { .. } => &mut self.infinite_mapping,
            Event::MpFail { .. } => &mut self.mp_fail,
            Event::MpFastclose { .. } => &mut self.mp_fastclose,
            Event::MpTcpRst { .. } => &mut self.mp_tcprst,
            Event::AddAddr { .. } => &mut self.add_addr,
            Event::RemoveAddr { .. } => &mut self.remove_addr,
            Event::MpPrio { .. } => &mut self.mp_prio,
        };
        *c += 1;
    }
}

/// How a subflow came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubflowKind {
    /// The first subflow, opened with MP_CAPABLE.
    Initial,
    /// A subflow added with MP_JOIN.
    Join,
    /// A subflow whose handshake is not in the capture (it starts mid-connection): it makes a
    /// connection of its own, without keys.
    Unknown,
}

/// One subflow of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubflowSummary {
    /// Its id in the flow table (Wireshark's `tcp.stream` in order).
    pub subflow: FlowId,
    /// Initial or joined.
    pub kind: SubflowKind,
    /// The endpoint that opened it.
    pub client: Endpoint,
    /// The other endpoint.
    pub server: Endpoint,
    /// Which host of the connection opened it (`client`: the host that opened the connection).
    pub opened_by: Side,
    /// The address ID of the opener's endpoint (0 on the initial subflow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_address_id: Option<u8>,
    /// The address ID of the other endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_address_id: Option<u8>,
    /// The opener asked for (MP_JOIN B flag) or last set (MP_PRIO) backup.
    pub client_backup: bool,
    /// The same for the other endpoint.
    pub server_backup: bool,
    /// Segments seen.
    pub segments: u64,
    /// Payload bytes from the opener (retransmissions included).
    pub client_bytes: u64,
    /// Payload bytes from the other endpoint.
    pub server_bytes: u64,
    /// The MP_JOIN SYN/ACK HMAC verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syn_ack_hmac: Option<Verdict>,
    /// The MP_JOIN third-ACK HMAC verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_hmac: Option<Verdict>,
    /// Fell back to plain TCP, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<FallbackReason>,
    /// A FIN was seen.
    pub fin: bool,
    /// A RST was seen.
    pub rst: bool,
}

/// What happened to an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressAction {
    /// ADD_ADDR.
    Announce,
    /// ADD_ADDR with E: the echo of the peer's announcement.
    Echo,
    /// REMOVE_ADDR.
    Remove,
}

/// One entry of a connection's address timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressRecord {
    /// The frame.
    pub frame: u64,
    /// The host that sent it.
    pub by: Side,
    /// Announced, echoed or removed.
    pub action: AddressAction,
    /// The address ID.
    pub address_id: u8,
    /// The address (not in REMOVE_ADDR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// The port, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The HMAC verdict of an announcement (v1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac: Option<Verdict>,
}

/// One MPTCP connection: its keys and what its subflows did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionSummary {
    /// The connection id (order of first appearance).
    pub connection: u64,
    /// MPTCP version; `None` when no MP_CAPABLE was seen (the capture starts mid-connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// DSS checksums were negotiated.
    pub checksums: bool,
    /// The key of the host that opened the connection (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<String>,
    /// The other host's key (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_key: Option<String>,
    /// The token of the client's key (what MP_JOINs to the client carry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<u32>,
    /// The token of the server's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_token: Option<u32>,
    /// The client's initial data sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_u64")]
    pub client_idsn: Option<u64>,
    /// The server's.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_u64")]
    pub server_idsn: Option<u64>,
    /// The first frame of the connection.
    pub first_frame: u64,
    /// The last frame seen.
    pub last_frame: u64,
    /// Subflows in order of appearance.
    pub subflows: Vec<SubflowSummary>,
    /// Subflows not listed (past the limit kept per connection).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub subflows_not_listed: u64,
    /// ADD_ADDR and REMOVE_ADDR, in order.
    pub addresses: Vec<AddressRecord>,
    /// Verdict counts.
    pub verdicts: ConnectionVerdicts,
    /// Event counts.
    pub events: EventCounts,
    /// Mappings whose checksum could not be checked (data missing from the capture, or an
    /// unknown subflow ISN).
    pub unchecked_mappings: u64,
    /// Mappings that sent again, on another subflow, data already sent.
    pub reinjections: u64,
    /// Mappings out of data-level order.
    pub out_of_order: u64,
    /// Data-level bytes mapped from the client (64-bit sequence space, first mapping to last).
    pub client_data_bytes: u64,
    /// Data-level bytes mapped from the server.
    pub server_data_bytes: u64,
    /// The connection fell back to plain TCP, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<FallbackReason>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// serde `with`: `Option<u64>` as an optional decimal string in human-readable formats.
pub(crate) mod opt_u64 {
    use super::*;

    pub fn serialize<S: serde::Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        v.map(U64Text).serialize(s)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Ok(Option::<U64Text>::deserialize(d)?.map(|v| v.0))
    }
}
