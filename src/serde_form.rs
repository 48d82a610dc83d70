//! serde for options: one readable record in human-readable formats, the wire bytes in binary
//! ones.
//!
//! - **Human-readable formats** (JSON, YAML, TOML, ...): an option is one flat map,
//!   `{"kind": 2, "type": "mss", "mss": 1460}`; an MPTCP option adds `"subtype"` and `"mptcp"`
//!   (the subtype's name) before its fields. Every field name has one meaning and one type
//!   across all options, so the map is read straight into one [`Record`] (no intermediate
//!   tree, no buffering) and then into the option its `"type"` names. A field that does not
//!   belong to that type, a missing one or a value out of range is an error naming the type,
//!   the field and the value.
//! - **Binary formats** (CBOR, MessagePack, bincode, postcard, ...): an option is its exact wire
//!   bytes, the most compact form there is, read back with the lossless parser (a value that
//!   validates writes bytes that parse back to itself, so nothing is lost). A
//!   [`CustomOption`] keeps its codec's name and subtype beside the bytes. A value that fails
//!   [`TcpOption::validate`] has no wire bytes, so it cannot be written in a binary format.
//!
//! The record lives here, above the option and MPTCP types, so that those files only describe
//! the wire and the serde shape of every option can be read in one place.

use crate::mptcp::{MpExperimental, MpFail, MpFastclose, MpPrio, MpTcpRst, RemoveAddr, Unassigned};
use crate::option::{
    AltChecksumData, AltChecksumRequest, Cc, CcEcho, CcNew, Echo, EchoReply, Eno, Experiment,
    ExperimentalFastOpen, FastOpen, Malformed, Md5Signature, Mss, PocServiceProfile,
    QuickStartResponse, Sack, Snack, TcpAo, Timestamps, Unknown, UserTimeout, WindowScale,
};
use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::bytes::{InlineBytes, U64Text};
use crate::codec::{CustomOption, FieldValue};
use crate::error::MalformedReason;
use crate::mptcp::{
    AddAddr, Dss, DssMapping, MpCapable, MpCapableFlags, MpJoin, MptcpOption, MAX_MPTCP_DATA,
};
use crate::option::{AccEcnCounters, Granularity, SackBlocks, TcpOption, MAX_OPTION_AREA};
use crate::registry::{AltChecksumAlgorithm, MptcpSubtype, TcpRstReason};

/// Bytes of any option field, before they are fitted to the field's own size.
type Bytes = InlineBytes<MAX_OPTION_AREA>;

/// MPTCP address IDs: a list of numbers.
#[derive(Clone, Copy)]
struct IdList(InlineBytes<MAX_MPTCP_DATA>);

impl Serialize for IdList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.as_slice())
    }
}

impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ids;
        impl<'de> Visitor<'de> for Ids {
            type Value = IdList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "a list of at most {MAX_MPTCP_DATA} address IDs (0..=255)"
                )
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IdList, A::Error> {
                let mut buf = [0u8; MAX_MPTCP_DATA];
                let mut n = 0;
                while let Some(id) = seq.next_element::<u8>()? {
                    let slot = buf
                        .get_mut(n)
                        .ok_or_else(|| de::Error::invalid_length(n + 1, &self))?;
                    *slot = id;
                    n += 1;
                }
                let ids = InlineBytes::try_from(buf.get(..n).unwrap_or_default())
                    .map_err(de::Error::custom)?;
                Ok(IdList(ids))
            }
        }
        d.deserialize_seq(Ids)
    }
}

/// The `"reason"` field: an MP_TCPRST reason code (a name or number) or, for a malformed
/// option, what is wrong with it (an object).
#[derive(Clone, Copy)]
enum Reason {
    Rst(TcpRstReason),
    Malformed(MalformedReason),
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Reason::Rst(r) => r.serialize(s),
            Reason::Malformed(m) => m.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Reason;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an MP_TCPRST reason (name or number) or a malformed-option reason (object)",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Reason, E> {
                TcpRstReason::deserialize(de::value::StrDeserializer::<E>::new(v)).map(Reason::Rst)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Reason, E> {
                let v = u8::try_from(v)
                    .map_err(|_| E::custom(format_args!("reason code {v} is above 255")))?;
                Ok(Reason::Rst(TcpRstReason::from_value(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Reason, E> {
                let v = u8::try_from(v)
                    .map_err(|_| E::custom(format_args!("reason code {v} is not in 0..=255")))?;
                Ok(Reason::Rst(TcpRstReason::from_value(v)))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Reason, A::Error> {
                MalformedReason::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Reason::Malformed)
            }
        }
        d.deserialize_any(V)
    }
}

/// A custom option's codec fields: written as a map, ignored when read (the codec's value
/// cannot be rebuilt without the codec).
struct CodecFields(Vec<(String, FieldValue)>);

impl Serialize for CodecFields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for CodecFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| CodecFields(Vec::new()))
    }
}

/// Every field of every option, in one flat map (human-readable formats). Fields are in the
/// order each option has them on the wire; a field name means the same thing wherever it
/// appears.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "TcpOption")]
struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<u8>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    type_name: Option<Cow<'static, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subtype: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mptcp: Option<Cow<'static, str>>,
    // Custom options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mptcp_subtype: Option<u8>,
    // Plain options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mss: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shift: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    blocks: Option<SackBlocks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    info: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tsval: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tsecr: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    filler: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    algorithm: Option<AltChecksumAlgorithm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digest: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hole_offset: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hole_size: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    granularity: Option<Granularity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timeout: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_id: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rnext_key_id: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mac: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ee0b: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    eceb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ee1b: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exid: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cookie: Option<Bytes>,
    // MPTCP (MP_JOIN's form first, then the fields in wire order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    form: Option<Cow<'static, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    flags: Option<MpCapableFlags>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sender_key: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data_level_length: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    echo: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    backup: Option<bool>,
    /// Shared by the Quick-Start response and most MPTCP subtypes (up to 12 bits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reserved: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rate_request: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ttl_diff: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nonce: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nonce_reserved: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transient: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data_fin: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dsn_8_bytes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data_ack_8_bytes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data_ack: Option<U64Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mapping: Option<DssMapping>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_id: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    truncated_hmac: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    receiver_token: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sender_truncated_hmac: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sender_random: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sender_hmac: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    receiver_key: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checksum: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_ids: Option<IdList>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dsn: Option<U64Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nibble: Option<u8>,
    // Opaque bytes, malformed options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bytes: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<Reason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fields: Option<CodecFields>,
}

/// Bytes as a record field (they always fit: every option field is shorter than an option).
fn bytes(b: &[u8]) -> Option<Bytes> {
    InlineBytes::try_from(b).ok()
}

// ---------------------------------------------------------------------------------------------
// Value to record

fn record_of_option(o: &TcpOption) -> Record {
    let mut r = match o {
        TcpOption::Mptcp(m) => record_of_mptcp(m),
        _ => Record::default(),
    };
    r.kind = Some(o.kind());
    r.type_name = Some(Cow::Borrowed(o.name()));
    match o {
        TcpOption::Eol
        | TcpOption::Nop
        | TcpOption::SackPermitted
        | TcpOption::PocPermitted
        | TcpOption::Mptcp(_) => {}
        TcpOption::Mss(Mss { mss }) => r.mss = Some(*mss),
        TcpOption::WindowScale(WindowScale { shift }) => r.shift = Some(*shift),
        TcpOption::Sack(Sack { blocks }) => r.blocks = Some(blocks.clone()),
        TcpOption::Echo(Echo { info }) | TcpOption::EchoReply(EchoReply { info }) => {
            r.info = Some(*info)
        }
        TcpOption::Timestamps(Timestamps { tsval, tsecr }) => {
            r.tsval = Some(*tsval);
            r.tsecr = Some(*tsecr);
        }
        TcpOption::PocServiceProfile(PocServiceProfile { start, end, filler }) => {
            r.start = Some(*start);
            r.end = Some(*end);
            r.filler = Some(*filler);
        }
        TcpOption::Cc(Cc { count })
        | TcpOption::CcNew(CcNew { count })
        | TcpOption::CcEcho(CcEcho { count }) => r.count = Some(*count),
        TcpOption::AltChecksumRequest(AltChecksumRequest { algorithm }) => {
            r.algorithm = Some(*algorithm)
        }
        TcpOption::AltChecksumData(AltChecksumData { data }) | TcpOption::Eno(Eno { data }) => {
            r.data = bytes(data.as_slice())
        }
        TcpOption::Md5Signature(Md5Signature { digest }) => r.digest = bytes(digest),
        TcpOption::Snack(Snack {
            hole_offset,
            hole_size,
        }) => {
            r.hole_offset = Some(*hole_offset);
            r.hole_size = Some(*hole_size);
        }
        TcpOption::QuickStartResponse(QuickStartResponse {
            reserved,
            rate_request,
            ttl_diff,
            nonce,
            nonce_reserved,
        }) => {
            r.reserved = Some(u16::from(*reserved));
            r.rate_request = Some(*rate_request);
            r.ttl_diff = Some(*ttl_diff);
            r.nonce = Some(*nonce);
            r.nonce_reserved = Some(*nonce_reserved);
        }
        TcpOption::UserTimeout(UserTimeout {
            granularity,
            timeout,
        }) => {
            r.granularity = Some(*granularity);
            r.timeout = Some(*timeout);
        }
        TcpOption::TcpAo(TcpAo {
            key_id,
            rnext_key_id,
            mac,
        }) => {
            r.key_id = Some(*key_id);
            r.rnext_key_id = Some(*rnext_key_id);
            r.mac = bytes(mac.as_slice());
        }
        TcpOption::FastOpen(FastOpen { cookie })
        | TcpOption::ExperimentalFastOpen(ExperimentalFastOpen { cookie, .. }) => {
            r.cookie = bytes(cookie.as_slice())
        }
        TcpOption::AccEcnOrder0(c) | TcpOption::AccEcnOrder1(c) => {
            r.ee0b = c.ee0b;
            r.eceb = c.eceb;
            r.ee1b = c.ee1b;
        }
        TcpOption::Experiment(Experiment { exid, data, .. }) => {
            r.exid = Some(*exid);
            r.data = bytes(data.as_slice());
        }
        TcpOption::Unknown(Unknown { data, .. }) => r.data = bytes(data.as_slice()),
        TcpOption::Custom(c) => {
            r.name = Some(c.name().to_owned());
            r.mptcp_subtype = c.mptcp_subtype().map(MptcpSubtype::value);
            r.bytes = bytes(c.bytes());
            let fields = c.fields();
            if !fields.is_empty() {
                r.fields = Some(CodecFields(fields));
            }
        }
        TcpOption::Malformed(Malformed {
            bytes: b, reason, ..
        }) => {
            r.bytes = Some(*b);
            r.reason = Some(Reason::Malformed(*reason));
        }
    }
    r
}

fn record_of_mptcp(m: &MptcpOption) -> Record {
    let mut r = Record {
        subtype: Some(m.subtype().value()),
        mptcp: Some(Cow::Borrowed(m.name())),
        ..Record::default()
    };
    match m {
        MptcpOption::MpCapable(c) => {
            r.version = Some(c.version);
            r.flags = Some(c.flags);
            r.sender_key = c.sender_key.as_ref().and_then(|k| bytes(k));
            r.receiver_key = c.receiver_key.as_ref().and_then(|k| bytes(k));
            r.data_level_length = c.data_level_length;
            r.checksum = c.checksum;
        }
        MptcpOption::MpJoin(j) => match j {
            MpJoin::Syn {
                backup,
                reserved,
                address_id,
                receiver_token,
                sender_random,
            } => {
                r.form = Some(Cow::Borrowed("syn"));
                r.backup = Some(*backup);
                r.reserved = Some(u16::from(*reserved));
                r.address_id = Some(*address_id);
                r.receiver_token = bytes(receiver_token);
                r.sender_random = bytes(sender_random);
            }
            MpJoin::SynAck {
                backup,
                reserved,
                address_id,
                sender_truncated_hmac,
                sender_random,
            } => {
                r.form = Some(Cow::Borrowed("syn_ack"));
                r.backup = Some(*backup);
                r.reserved = Some(u16::from(*reserved));
                r.address_id = Some(*address_id);
                r.sender_truncated_hmac = bytes(sender_truncated_hmac);
                r.sender_random = bytes(sender_random);
            }
            MpJoin::Ack {
                reserved,
                sender_hmac,
            } => {
                r.form = Some(Cow::Borrowed("ack"));
                r.reserved = Some(*reserved);
                r.sender_hmac = bytes(sender_hmac);
            }
        },
        MptcpOption::Dss(d) => {
            r.reserved = Some(u16::from(d.reserved));
            r.data_fin = Some(d.data_fin);
            r.dsn_8_bytes = Some(d.dsn_8_bytes);
            r.data_ack_8_bytes = Some(d.data_ack_8_bytes);
            r.data_ack = d.data_ack.map(U64Text);
            r.mapping = d.mapping;
        }
        MptcpOption::AddAddr(a) => {
            let (address_id, address, port) = match a {
                AddAddr::V0 {
                    address_id,
                    address,
                    port,
                } => {
                    r.version = Some(0);
                    (address_id, address, port)
                }
                AddAddr::V1 {
                    reserved,
                    address_id,
                    address,
                    port,
                    truncated_hmac,
                } => {
                    r.version = Some(1);
                    r.echo = Some(truncated_hmac.is_none());
                    r.reserved = Some(u16::from(*reserved));
                    r.truncated_hmac = truncated_hmac.as_ref().and_then(|h| bytes(h));
                    (address_id, address, port)
                }
            };
            r.address_id = Some(*address_id);
            r.address = Some(*address);
            r.port = *port;
        }
        MptcpOption::RemoveAddr(RemoveAddr {
            reserved,
            address_ids,
        }) => {
            r.reserved = Some(u16::from(*reserved));
            r.address_ids = Some(IdList(*address_ids));
        }
        MptcpOption::MpPrio(MpPrio {
            backup,
            reserved,
            address_id,
        }) => {
            r.backup = Some(*backup);
            r.reserved = Some(u16::from(*reserved));
            r.address_id = *address_id;
        }
        MptcpOption::MpFail(MpFail { reserved, dsn }) => {
            r.reserved = Some(*reserved);
            r.dsn = Some(U64Text(*dsn));
        }
        MptcpOption::MpFastclose(MpFastclose {
            reserved,
            receiver_key,
        }) => {
            r.reserved = Some(*reserved);
            r.receiver_key = bytes(receiver_key);
        }
        MptcpOption::MpTcpRst(MpTcpRst {
            reserved,
            transient,
            reason,
        }) => {
            r.reserved = Some(u16::from(*reserved));
            r.transient = Some(*transient);
            r.reason = Some(Reason::Rst(*reason));
        }
        MptcpOption::MpExperimental(MpExperimental { nibble, data })
        | MptcpOption::Unassigned(Unassigned { nibble, data, .. }) => {
            r.nibble = Some(*nibble);
            r.data = bytes(data.as_slice());
        }
    }
    r
}

// ---------------------------------------------------------------------------------------------
// Record to value

/// Checks and converts a record's fields for one option type, naming the type in every error.
struct Ctx<'a> {
    what: &'a str,
}

impl Ctx<'_> {
    fn err(&self, msg: fmt::Arguments<'_>) -> String {
        format!("{}: {msg}", self.what)
    }

    fn need<T>(&self, v: Option<T>, field: &str) -> Result<T, String> {
        v.ok_or_else(|| self.err(format_args!("missing field `{field}`")))
    }

    fn narrow<T: TryFrom<u16>>(&self, v: u16, field: &str) -> Result<T, String> {
        T::try_from(v).map_err(|_| self.err(format_args!("field `{field}` {v} is out of range")))
    }

    /// A byte field fitted to its storage (at most `N` bytes).
    fn inline<const N: usize>(
        &self,
        v: Option<Bytes>,
        field: &str,
    ) -> Result<InlineBytes<N>, String> {
        let v = self.need(v, field)?;
        InlineBytes::try_from(v.as_slice()).map_err(|_| {
            self.err(format_args!(
                "field `{field}` has {} bytes, at most {N} fit",
                v.len()
            ))
        })
    }

    /// A byte field of exactly `N` bytes.
    fn array<const N: usize>(&self, v: Option<Bytes>, field: &str) -> Result<[u8; N], String> {
        let v = self.need(v, field)?;
        <[u8; N]>::try_from(v.as_slice()).map_err(|_| {
            self.err(format_args!(
                "field `{field}` has {} bytes, it must have exactly {N}",
                v.len()
            ))
        })
    }

    fn opt_array<const N: usize>(
        &self,
        v: Option<Bytes>,
        field: &str,
    ) -> Result<Option<[u8; N]>, String> {
        v.map(|b| self.array(Some(b), field)).transpose()
    }

    fn rst_reason(&self, v: Option<Reason>) -> Result<TcpRstReason, String> {
        match self.need(v, "reason")? {
            Reason::Rst(r) => Ok(r),
            Reason::Malformed(_) => Err(self.err(format_args!(
                "field `reason` must be a reset reason name or number, not an object"
            ))),
        }
    }

    /// Fails when a field that does not belong to the type is still set in `r`.
    fn done<T>(&self, r: &Record, value: T) -> Result<T, String> {
        match leftover(r) {
            Some(field) => Err(self.err(format_args!("field `{field}` does not belong here"))),
            None => Ok(value),
        }
    }
}

/// The first field still set in a record whose type has taken its own: one that does not
/// belong to the type.
fn leftover(r: &Record) -> Option<&'static str> {
    [
        (r.name.is_some(), "name"),
        (r.mptcp_subtype.is_some(), "mptcp_subtype"),
        (r.mss.is_some(), "mss"),
        (r.shift.is_some(), "shift"),
        (r.blocks.is_some(), "blocks"),
        (r.info.is_some(), "info"),
        (r.tsval.is_some(), "tsval"),
        (r.tsecr.is_some(), "tsecr"),
        (r.start.is_some(), "start"),
        (r.end.is_some(), "end"),
        (r.filler.is_some(), "filler"),
        (r.count.is_some(), "count"),
        (r.algorithm.is_some(), "algorithm"),
        (r.digest.is_some(), "digest"),
        (r.hole_offset.is_some(), "hole_offset"),
        (r.hole_size.is_some(), "hole_size"),
        (r.granularity.is_some(), "granularity"),
        (r.timeout.is_some(), "timeout"),
        (r.key_id.is_some(), "key_id"),
        (r.rnext_key_id.is_some(), "rnext_key_id"),
        (r.mac.is_some(), "mac"),
        (r.ee0b.is_some(), "ee0b"),
        (r.eceb.is_some(), "eceb"),
        (r.ee1b.is_some(), "ee1b"),
        (r.exid.is_some(), "exid"),
        (r.cookie.is_some(), "cookie"),
        (r.form.is_some(), "form"),
        (r.version.is_some(), "version"),
        (r.flags.is_some(), "flags"),
        (r.sender_key.is_some(), "sender_key"),
        (r.data_level_length.is_some(), "data_level_length"),
        (r.echo.is_some(), "echo"),
        (r.backup.is_some(), "backup"),
        (r.reserved.is_some(), "reserved"),
        (r.rate_request.is_some(), "rate_request"),
        (r.ttl_diff.is_some(), "ttl_diff"),
        (r.nonce.is_some(), "nonce"),
        (r.nonce_reserved.is_some(), "nonce_reserved"),
        (r.transient.is_some(), "transient"),
        (r.data_fin.is_some(), "data_fin"),
        (r.dsn_8_bytes.is_some(), "dsn_8_bytes"),
        (r.data_ack_8_bytes.is_some(), "data_ack_8_bytes"),
        (r.data_ack.is_some(), "data_ack"),
        (r.mapping.is_some(), "mapping"),
        (r.address_id.is_some(), "address_id"),
        (r.address.is_some(), "address"),
        (r.port.is_some(), "port"),
        (r.truncated_hmac.is_some(), "truncated_hmac"),
        (r.receiver_token.is_some(), "receiver_token"),
        (r.sender_truncated_hmac.is_some(), "sender_truncated_hmac"),
        (r.sender_random.is_some(), "sender_random"),
        (r.sender_hmac.is_some(), "sender_hmac"),
        (r.receiver_key.is_some(), "receiver_key"),
        (r.checksum.is_some(), "checksum"),
        (r.address_ids.is_some(), "address_ids"),
        (r.dsn.is_some(), "dsn"),
        (r.nibble.is_some(), "nibble"),
        (r.data.is_some(), "data"),
        (r.bytes.is_some(), "bytes"),
        (r.reason.is_some(), "reason"),
        (r.fields.is_some(), "fields"),
        (r.subtype.is_some(), "subtype"),
        (r.mptcp.is_some(), "mptcp"),
    ]
    .into_iter()
    .find_map(|(set, name)| set.then_some(name))
}

fn option_of_record(record: Record) -> Result<TcpOption, String> {
    let Some(type_name) = record.type_name.clone() else {
        return Err(match record.kind {
            Some(kind) => format!("option of kind {kind}: missing field `type`"),
            None => "option: missing fields `kind` and `type`".into(),
        });
    };
    let mut record = record;
    let kind = record.kind.take();
    record.type_name = None;
    let what = format!("option type {type_name:?}");
    let f = Ctx { what: &what };
    let r = &mut record;
    let option = match type_name.as_ref() {
        "eol" => TcpOption::Eol,
        "nop" => TcpOption::Nop,
        "mss" => TcpOption::Mss(Mss {
            mss: f.need(r.mss.take(), "mss")?,
        }),
        "window_scale" => TcpOption::WindowScale(WindowScale {
            shift: f.need(r.shift.take(), "shift")?,
        }),
        "sack_permitted" => TcpOption::SackPermitted,
        "sack" => TcpOption::Sack(Sack {
            blocks: f.need(r.blocks.take(), "blocks")?,
        }),
        "echo" => TcpOption::Echo(Echo {
            info: f.need(r.info.take(), "info")?,
        }),
        "echo_reply" => TcpOption::EchoReply(EchoReply {
            info: f.need(r.info.take(), "info")?,
        }),
        "timestamps" => TcpOption::Timestamps(Timestamps {
            tsval: f.need(r.tsval.take(), "tsval")?,
            tsecr: f.need(r.tsecr.take(), "tsecr")?,
        }),
        "poc_permitted" => TcpOption::PocPermitted,
        "poc_service_profile" => TcpOption::PocServiceProfile(PocServiceProfile {
            start: f.need(r.start.take(), "start")?,
            end: f.need(r.end.take(), "end")?,
            filler: f.need(r.filler.take(), "filler")?,
        }),
        "cc" => TcpOption::Cc(Cc {
            count: f.need(r.count.take(), "count")?,
        }),
        "cc_new" => TcpOption::CcNew(CcNew {
            count: f.need(r.count.take(), "count")?,
        }),
        "cc_echo" => TcpOption::CcEcho(CcEcho {
            count: f.need(r.count.take(), "count")?,
        }),
        "alt_checksum_request" => TcpOption::AltChecksumRequest(AltChecksumRequest {
            algorithm: f.need(r.algorithm.take(), "algorithm")?,
        }),
        "alt_checksum_data" => TcpOption::AltChecksumData(AltChecksumData {
            data: f.inline(r.data.take(), "data")?,
        }),
        "snack" => TcpOption::Snack(Snack {
            hole_offset: f.need(r.hole_offset.take(), "hole_offset")?,
            hole_size: f.need(r.hole_size.take(), "hole_size")?,
        }),
        "md5_signature" => TcpOption::Md5Signature(Md5Signature {
            digest: f.array(r.digest.take(), "digest")?,
        }),
        "quick_start_response" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            TcpOption::QuickStartResponse(QuickStartResponse {
                reserved: f.narrow(reserved, "reserved")?,
                rate_request: f.need(r.rate_request.take(), "rate_request")?,
                ttl_diff: f.need(r.ttl_diff.take(), "ttl_diff")?,
                nonce: f.need(r.nonce.take(), "nonce")?,
                nonce_reserved: f.need(r.nonce_reserved.take(), "nonce_reserved")?,
            })
        }
        "user_timeout" => TcpOption::UserTimeout(UserTimeout {
            granularity: f.need(r.granularity.take(), "granularity")?,
            timeout: f.need(r.timeout.take(), "timeout")?,
        }),
        "tcp_ao" => TcpOption::TcpAo(TcpAo {
            key_id: f.need(r.key_id.take(), "key_id")?,
            rnext_key_id: f.need(r.rnext_key_id.take(), "rnext_key_id")?,
            mac: f.inline(r.mac.take(), "mac")?,
        }),
        "mptcp" => TcpOption::Mptcp(mptcp_of_record(r)?),
        "fast_open" => TcpOption::FastOpen(FastOpen {
            cookie: f.inline(r.cookie.take(), "cookie")?,
        }),
        "eno" => TcpOption::Eno(Eno {
            data: f.inline(r.data.take(), "data")?,
        }),
        "accecn_order0" | "accecn_order1" => {
            let c = AccEcnCounters {
                ee0b: r.ee0b.take(),
                eceb: r.eceb.take(),
                ee1b: r.ee1b.take(),
            };
            if type_name == "accecn_order0" {
                TcpOption::AccEcnOrder0(c)
            } else {
                TcpOption::AccEcnOrder1(c)
            }
        }
        "experimental_fast_open" => TcpOption::ExperimentalFastOpen(ExperimentalFastOpen {
            kind: f.need(kind, "kind")?,
            cookie: f.inline(r.cookie.take(), "cookie")?,
        }),
        "experiment" => TcpOption::Experiment(Experiment {
            kind: f.need(kind, "kind")?,
            exid: f.need(r.exid.take(), "exid")?,
            data: f.inline(r.data.take(), "data")?,
        }),
        "unknown" => TcpOption::Unknown(Unknown {
            kind: f.need(kind, "kind")?,
            data: f.inline(r.data.take(), "data")?,
        }),
        "custom" => {
            let name = f.need(r.name.take(), "name")?;
            let bytes = f.need(r.bytes.take(), "bytes")?;
            r.fields = None;
            let custom = CustomOption::opaque(&name, bytes.as_slice(), r.mptcp_subtype.take())
                .map_err(|e| f.err(format_args!("{e}")))?;
            TcpOption::Custom(custom)
        }
        "malformed" => {
            let bytes = f.need(r.bytes.take(), "bytes")?;
            let reason = match f.need(r.reason.take(), "reason")? {
                Reason::Malformed(m) => m,
                Reason::Rst(_) => {
                    return Err(f.err(format_args!(
                        "field `reason` must be an object with a `problem`"
                    )))
                }
            };
            TcpOption::Malformed(Malformed {
                kind: f.need(kind.or_else(|| bytes.first().copied()), "kind")?,
                bytes,
                reason,
            })
        }
        other => {
            return Err(format!(
                "unknown option type {other:?} (a snake_case option name such as `mss`, or `unknown`, `experiment`, `custom`, `malformed`)"
            ))
        }
    };
    if let Some(given) = kind {
        if option.kind() != given {
            return Err(f.err(format_args!("has kind {}, not {given}", option.kind())));
        }
    }
    f.done(r, option)
}

/// The MPTCP option a record's `"subtype"` and `"mptcp"` name, taking its fields out of the
/// record.
fn mptcp_of_record(r: &mut Record) -> Result<MptcpOption, String> {
    let subtype = r.subtype.take();
    let name = Ctx {
        what: "MPTCP option",
    }
    .need(r.mptcp.take(), "mptcp")?;
    let what = format!("MPTCP option {name:?}");
    let f = Ctx { what: &what };
    let option = match name.as_ref() {
        "mp_capable" => MptcpOption::MpCapable(MpCapable {
            version: f.need(r.version.take(), "version")?,
            flags: f.need(r.flags.take(), "flags")?,
            sender_key: f.opt_array(r.sender_key.take(), "sender_key")?,
            receiver_key: f.opt_array(r.receiver_key.take(), "receiver_key")?,
            data_level_length: r.data_level_length.take(),
            checksum: r.checksum.take(),
        }),
        "mp_join" => {
            let form = f.need(r.form.take(), "form")?;
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::MpJoin(match form.as_ref() {
                "syn" => MpJoin::Syn {
                    backup: f.need(r.backup.take(), "backup")?,
                    reserved: f.narrow(reserved, "reserved")?,
                    address_id: f.need(r.address_id.take(), "address_id")?,
                    receiver_token: f.array(r.receiver_token.take(), "receiver_token")?,
                    sender_random: f.array(r.sender_random.take(), "sender_random")?,
                },
                "syn_ack" => MpJoin::SynAck {
                    backup: f.need(r.backup.take(), "backup")?,
                    reserved: f.narrow(reserved, "reserved")?,
                    address_id: f.need(r.address_id.take(), "address_id")?,
                    sender_truncated_hmac: f
                        .array(r.sender_truncated_hmac.take(), "sender_truncated_hmac")?,
                    sender_random: f.array(r.sender_random.take(), "sender_random")?,
                },
                "ack" => MpJoin::Ack {
                    reserved,
                    sender_hmac: f.array(r.sender_hmac.take(), "sender_hmac")?,
                },
                other => {
                    return Err(f.err(format_args!(
                        "field `form` {other:?} is not \"syn\", \"syn_ack\" or \"ack\""
                    )))
                }
            })
        }
        "dss" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::Dss(Dss {
                reserved: f.narrow(reserved, "reserved")?,
                data_fin: f.need(r.data_fin.take(), "data_fin")?,
                dsn_8_bytes: f.need(r.dsn_8_bytes.take(), "dsn_8_bytes")?,
                data_ack_8_bytes: f.need(r.data_ack_8_bytes.take(), "data_ack_8_bytes")?,
                data_ack: r.data_ack.take().map(|d| d.0),
                mapping: r.mapping.take(),
            })
        }
        "add_addr" => {
            let address_id = f.need(r.address_id.take(), "address_id")?;
            let address = f.need(r.address.take(), "address")?;
            let port = r.port.take();
            match f.need(r.version.take(), "version")? {
                0 => MptcpOption::AddAddr(AddAddr::V0 {
                    address_id,
                    address,
                    port,
                }),
                1 => {
                    let echo = f.need(r.echo.take(), "echo")?;
                    let reserved = f.need(r.reserved.take(), "reserved")?;
                    let truncated_hmac = f.opt_array(r.truncated_hmac.take(), "truncated_hmac")?;
                    if echo != truncated_hmac.is_none() {
                        return Err(f.err(format_args!(
                            "with echo {echo} there must {} a truncated_hmac",
                            if echo { "not be" } else { "be" }
                        )));
                    }
                    MptcpOption::AddAddr(AddAddr::V1 {
                        reserved: f.narrow(reserved, "reserved")?,
                        address_id,
                        address,
                        port,
                        truncated_hmac,
                    })
                }
                v => return Err(f.err(format_args!("field `version` {v} is not 0 or 1"))),
            }
        }
        "remove_addr" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::RemoveAddr(RemoveAddr {
                reserved: f.narrow(reserved, "reserved")?,
                address_ids: f.need(r.address_ids.take(), "address_ids")?.0,
            })
        }
        "mp_prio" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::MpPrio(MpPrio {
                backup: f.need(r.backup.take(), "backup")?,
                reserved: f.narrow(reserved, "reserved")?,
                address_id: r.address_id.take(),
            })
        }
        "mp_fail" => MptcpOption::MpFail(MpFail {
            reserved: f.need(r.reserved.take(), "reserved")?,
            dsn: f.need(r.dsn.take(), "dsn")?.0,
        }),
        "mp_fastclose" => MptcpOption::MpFastclose(MpFastclose {
            reserved: f.need(r.reserved.take(), "reserved")?,
            receiver_key: f.array(r.receiver_key.take(), "receiver_key")?,
        }),
        "mp_tcprst" => {
            let reserved = f.need(r.reserved.take(), "reserved")?;
            MptcpOption::MpTcpRst(MpTcpRst {
                reserved: f.narrow(reserved, "reserved")?,
                transient: f.need(r.transient.take(), "transient")?,
                reason: f.rst_reason(r.reason.take())?,
            })
        }
        "mp_experimental" => MptcpOption::MpExperimental(MpExperimental {
            nibble: f.need(r.nibble.take(), "nibble")?,
            data: f.inline(r.data.take(), "data")?,
        }),
        "unassigned" => {
            let subtype = f.need(subtype, "subtype")?;
            if !(9..=14).contains(&subtype) {
                return Err(f.err(format_args!(
                    "subtype {subtype} is not an unassigned MPTCP subtype (9..=14)"
                )));
            }
            MptcpOption::Unassigned(Unassigned {
                subtype,
                nibble: f.need(r.nibble.take(), "nibble")?,
                data: f.inline(r.data.take(), "data")?,
            })
        }
        other => {
            return Err(format!(
                "unknown MPTCP option {other:?} (a subtype name such as `dss`, or `unassigned`)"
            ))
        }
    };
    if let Some(given) = subtype {
        if given != option.subtype().value() {
            return Err(f.err(format_args!(
                "has subtype {}, not {given}",
                option.subtype().value()
            )));
        }
    }
    Ok(option)
}

// ---------------------------------------------------------------------------------------------
// Binary form

/// An option in binary formats: its wire bytes, or a custom option with its codec's name.
#[derive(Serialize, Deserialize)]
#[serde(rename = "TcpOption")]
enum Compact {
    Wire(Bytes),
    Custom {
        name: String,
        mptcp_subtype: Option<u8>,
        bytes: Bytes,
    },
}

fn compact_of(o: &TcpOption) -> Result<Compact, String> {
    match o {
        TcpOption::Custom(c) => Ok(Compact::Custom {
            name: c.name().to_owned(),
            mptcp_subtype: c.mptcp_subtype().map(MptcpSubtype::value),
            bytes: InlineBytes::try_from(c.bytes()).map_err(|e| e.to_string())?,
        }),
        _ => {
            let wire = o
                .to_bytes()
                .map_err(|e| format!("option `{}` has no wire bytes: {e}", o.name()))?;
            InlineBytes::try_from(wire.as_slice())
                .map(Compact::Wire)
                .map_err(|e| e.to_string())
        }
    }
}

fn option_of_compact(c: Compact) -> Result<TcpOption, String> {
    match c {
        Compact::Wire(bytes) => TcpOption::parse_lossless(bytes.as_slice())
            .map_err(|e| format!("option bytes {bytes}: {e}")),
        Compact::Custom {
            name,
            mptcp_subtype,
            bytes,
        } => CustomOption::opaque(&name, bytes.as_slice(), mptcp_subtype)
            .map(TcpOption::Custom)
            .map_err(|e| format!("custom option `{name}`: {e}")),
    }
}

// ---------------------------------------------------------------------------------------------
// The impls

impl Serialize for TcpOption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            record_of_option(self).serialize(s)
        } else {
            compact_of(self)
                .map_err(serde::ser::Error::custom)?
                .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for TcpOption {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            option_of_record(Record::deserialize(d)?).map_err(de::Error::custom)
        } else {
            option_of_compact(Compact::deserialize(d)?).map_err(de::Error::custom)
        }
    }
}

/// Alone, an MPTCP option is written as inside a [`TcpOption`] without `"kind"` and `"type"`
/// (human-readable), or as the wire bytes of the whole kind-30 option (binary).
impl Serialize for MptcpOption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            record_of_mptcp(self).serialize(s)
        } else {
            compact_of(&TcpOption::Mptcp(self.clone()))
                .map_err(serde::ser::Error::custom)?
                .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for MptcpOption {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let mut record = Record::deserialize(d)?;
            // `"kind": 30` and `"type": "mptcp"` may be given; nothing else.
            match (record.kind.take(), record.type_name.take()) {
                (None | Some(30), None) => {}
                (None | Some(30), Some(t)) if t == "mptcp" => {}
                (kind, t) => {
                    return Err(de::Error::custom(format_args!(
                        "an MPTCP option has kind 30 and type \"mptcp\", not {kind:?} and {t:?}"
                    )))
                }
            }
            let option = mptcp_of_record(&mut record).map_err(de::Error::custom)?;
            Ctx {
                what: "MPTCP option",
            }
            .done(&record, option)
            .map_err(de::Error::custom)
        } else {
            match option_of_compact(Compact::deserialize(d)?).map_err(de::Error::custom)? {
                TcpOption::Mptcp(m) => Ok(m),
                other => Err(de::Error::custom(format_args!(
                    "expected an MPTCP option, found `{}`",
                    other.name()
                ))),
            }
        }
    }
}

/// serde for the MPTCP subtype structs: each is written as the [`MptcpOption`] holding it.
macro_rules! serde_as_mptcp {
    ($($ty:ident),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                MptcpOption::$ty(*self).serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                match MptcpOption::deserialize(d)? {
                    MptcpOption::$ty(v) => Ok(v),
                    other => Err(de::Error::custom(format_args!(
                        concat!("expected ", stringify!($ty), ", found MPTCP option `{}`"),
                        other.name()
                    ))),
                }
            }
        }
    )*};
}

serde_as_mptcp!(MpCapable, MpJoin, Dss, AddAddr);

/// Alone, a custom option is written as the [`TcpOption::Custom`] holding it; it reads back as
/// an opaque option with the same bytes (the codec's value needs the codec).
impl Serialize for CustomOption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TcpOption::Custom(self.clone()).serialize(s)
    }
}

impl<'de> Deserialize<'de> for CustomOption {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match TcpOption::deserialize(d)? {
            TcpOption::Custom(c) => Ok(c),
            other => Err(de::Error::custom(format_args!(
                "expected a custom option, found `{}`",
                other.name()
            ))),
        }
    }
}
