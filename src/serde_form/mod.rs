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

mod mptcp;
mod option;

use crate::mptcp::{MpExperimental, MpFail, MpFastclose, MpPrio, MpTcpRst, RemoveAddr, Unassigned};
use crate::option::{
    AltChecksumData, AltChecksumRequest, Cc, CcEcho, CcNew, Echo, EchoReply, Eno, Experiment,
    ExperimentalFastOpen, FastOpen, Malformed, Md5Signature, Mss, PocServiceProfile,
    QuickStartResponse, Sack, Snack, TcpAo, Timestamps, Unknown, UserTimeout, WindowScale,
};
use mptcp::{mptcp_of_record, record_of_mptcp};
use option::{option_of_record, record_of_option};
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
