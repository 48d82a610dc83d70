//! The record form of a wire element: one flat map whose field names mean the same thing for
//! every option kind and MPTCP subtype, and the checks that take a kind's fields back out of it.
//!
//! Each kind's file converts its value to and from a [`Record`] (the crate's `RecordForm`
//! trait); the serde glue (`serde_form`) reads and writes the record. The record sits at the
//! bottom so that the kind files can use it: it names no option type. The few fields whose
//! values are option types themselves (SACK blocks, the User Timeout granularity, the
//! MP_CAPABLE flags, the DSS mapping, a custom option's codec fields) have their types given by
//! a [`Schema`], which the serde glue fixes.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::bytes::{InlineBytes, U64Text};
use crate::error::MalformedReason;
use crate::registry::{AltChecksumAlgorithm, TcpRstReason};

/// The most bytes an option has (the whole option area).
const OPTION_BYTES: usize = 40;

/// The most address IDs a REMOVE_ADDR carries (the bytes after byte 2 of a 40-byte option).
const ADDRESS_IDS: usize = 37;

/// The types of the record fields whose values are option types of their own.
pub(crate) trait Schema {
    /// `blocks`: the SACK blocks.
    type Blocks: Serialize + DeserializeOwned;
    /// `granularity`: the User Timeout unit.
    type Granularity: Serialize + DeserializeOwned;
    /// `flags`: the MP_CAPABLE flags.
    type Flags: Serialize + DeserializeOwned;
    /// `mapping`: the DSS data sequence mapping.
    type Mapping: Serialize + DeserializeOwned;
    /// `fields`: a custom option's codec fields.
    type Fields: Serialize + DeserializeOwned;
}

/// Bytes of any option field, before they are fitted to the field's own size.
pub(crate) type Bytes = InlineBytes<OPTION_BYTES>;

/// MPTCP address IDs: a list of numbers.
#[derive(Clone, Copy)]
pub(crate) struct IdList(pub(crate) InlineBytes<ADDRESS_IDS>);

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
                write!(f, "a list of at most {ADDRESS_IDS} address IDs (0..=255)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IdList, A::Error> {
                let mut buf = [0u8; ADDRESS_IDS];
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
pub(crate) enum Reason {
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

/// Every field of every option, in one flat map (human-readable formats). Fields are in the
/// order each option has them on the wire; a field name means the same thing wherever it
/// appears.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "TcpOption", bound = "")]
pub(crate) struct Record<S: Schema> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<u8>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub(crate) type_name: Option<Cow<'static, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) subtype: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mptcp: Option<Cow<'static, str>>,
    // Custom options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mptcp_subtype: Option<u8>,
    // Plain options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mss: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) shift: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) blocks: Option<S::Blocks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) info: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tsval: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tsecr: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) start: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) end: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) filler: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) algorithm: Option<AltChecksumAlgorithm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) digest: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hole_offset: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hole_size: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) granularity: Option<S::Granularity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) timeout: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) key_id: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) rnext_key_id: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mac: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) ee0b: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) eceb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) ee1b: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) exid: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cookie: Option<Bytes>,
    // MPTCP (MP_JOIN's form first, then the fields in wire order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) form: Option<Cow<'static, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) flags: Option<S::Flags>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sender_key: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) data_level_length: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) echo: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) backup: Option<bool>,
    /// Shared by the Quick-Start response and most MPTCP subtypes (up to 12 bits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reserved: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) rate_request: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) ttl_diff: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) nonce: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) nonce_reserved: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) transient: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) data_fin: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dsn_8_bytes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) data_ack_8_bytes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) data_ack: Option<U64Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mapping: Option<S::Mapping>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) address_id: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) truncated_hmac: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) receiver_token: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sender_truncated_hmac: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sender_random: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sender_hmac: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) receiver_key: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) checksum: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) address_ids: Option<IdList>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dsn: Option<U64Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) nibble: Option<u8>,
    // Opaque bytes, malformed options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bytes: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<Reason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fields: Option<S::Fields>,
}

/// Every field unset (`#[derive(Default)]` would ask the schema's types for defaults).
impl<S: Schema> Default for Record<S> {
    fn default() -> Self {
        Self {
            kind: None,
            type_name: None,
            subtype: None,
            mptcp: None,
            name: None,
            mptcp_subtype: None,
            mss: None,
            shift: None,
            blocks: None,
            info: None,
            tsval: None,
            tsecr: None,
            start: None,
            end: None,
            filler: None,
            count: None,
            algorithm: None,
            digest: None,
            hole_offset: None,
            hole_size: None,
            granularity: None,
            timeout: None,
            key_id: None,
            rnext_key_id: None,
            mac: None,
            ee0b: None,
            eceb: None,
            ee1b: None,
            exid: None,
            cookie: None,
            form: None,
            version: None,
            flags: None,
            sender_key: None,
            data_level_length: None,
            echo: None,
            backup: None,
            reserved: None,
            rate_request: None,
            ttl_diff: None,
            nonce: None,
            nonce_reserved: None,
            transient: None,
            data_fin: None,
            dsn_8_bytes: None,
            data_ack_8_bytes: None,
            data_ack: None,
            mapping: None,
            address_id: None,
            address: None,
            port: None,
            truncated_hmac: None,
            receiver_token: None,
            sender_truncated_hmac: None,
            sender_random: None,
            sender_hmac: None,
            receiver_key: None,
            checksum: None,
            address_ids: None,
            dsn: None,
            nibble: None,
            data: None,
            bytes: None,
            reason: None,
            fields: None,
        }
    }
}

/// Bytes as a record field (they always fit: every option field is shorter than an option).
pub(crate) fn bytes(b: &[u8]) -> Option<Bytes> {
    InlineBytes::try_from(b).ok()
}

/// Checks and converts a record's fields for one option type, naming the type in every error.
pub(crate) struct Ctx<'a> {
    /// The type named in errors (`option type "mss"`).
    pub(crate) what: &'a str,
}

impl Ctx<'_> {
    pub(crate) fn err(&self, msg: fmt::Arguments<'_>) -> String {
        format!("{}: {msg}", self.what)
    }

    pub(crate) fn need<T>(&self, v: Option<T>, field: &str) -> Result<T, String> {
        v.ok_or_else(|| self.err(format_args!("missing field `{field}`")))
    }

    pub(crate) fn narrow<T: TryFrom<u16>>(&self, v: u16, field: &str) -> Result<T, String> {
        T::try_from(v).map_err(|_| self.err(format_args!("field `{field}` {v} is out of range")))
    }

    /// A byte field fitted to its storage (at most `N` bytes).
    pub(crate) fn inline<const N: usize>(
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
    pub(crate) fn array<const N: usize>(
        &self,
        v: Option<Bytes>,
        field: &str,
    ) -> Result<[u8; N], String> {
        let v = self.need(v, field)?;
        <[u8; N]>::try_from(v.as_slice()).map_err(|_| {
            self.err(format_args!(
                "field `{field}` has {} bytes, it must have exactly {N}",
                v.len()
            ))
        })
    }

    pub(crate) fn opt_array<const N: usize>(
        &self,
        v: Option<Bytes>,
        field: &str,
    ) -> Result<Option<[u8; N]>, String> {
        v.map(|b| self.array(Some(b), field)).transpose()
    }

    pub(crate) fn rst_reason(&self, v: Option<Reason>) -> Result<TcpRstReason, String> {
        match self.need(v, "reason")? {
            Reason::Rst(r) => Ok(r),
            Reason::Malformed(_) => Err(self.err(format_args!(
                "field `reason` must be a reset reason name or number, not an object"
            ))),
        }
    }

    /// Fails when a field that does not belong to the type is still set in `r`.
    pub(crate) fn done<T, S: Schema>(&self, r: &Record<S>, value: T) -> Result<T, String> {
        match leftover(r) {
            Some(field) => Err(self.err(format_args!("field `{field}` does not belong here"))),
            None => Ok(value),
        }
    }
}

/// The first field still set in a record whose type has taken its own: one that does not
/// belong to the type.
fn leftover<S: Schema>(r: &Record<S>) -> Option<&'static str> {
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
