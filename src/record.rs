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

/// Declares [`Record`] from its option fields (after the four that name the option, which every
/// record has): the struct, its empty value and the check for fields left over, so a field is
/// one line.
macro_rules! record_fields {
    ($( $(#[$doc:meta])* $field:ident: $ty:ty, )*) => {
        /// Every field of every option, in one flat map (human-readable formats). Fields are in
        /// the order each option has them on the wire; a field name means the same thing
        /// wherever it appears.
        #[derive(Deserialize)]
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
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub(crate) $field: Option<$ty>,
            )*
        }

        /// The fields that are set, in declaration order (as `#[derive(Serialize)]` with
        /// `skip_serializing_if = "Option::is_none"` would write them). The option fields are
        /// found with one pass that collects a bit per set field, then only those are visited:
        /// a record holds a handful of its 60-odd fields, and this runs for every option of
        /// every JSON line.
        impl<S: Schema> Serialize for Record<S> {
            fn serialize<Z: Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
                use serde::ser::SerializeStruct;
                type Field<S, T> = fn(&Record<S>, &mut T) -> Result<(), <T as SerializeStruct>::Error>;
                let fields: &[Field<S, Z::SerializeStruct>] = &[
                    $( |r, st| st.serialize_field(stringify!($field), &r.$field), )*
                ];
                let mut set: u64 = 0;
                let mut bit = 0u32;
                $(
                    set |= u64::from(self.$field.is_some()) << bit;
                    bit += 1;
                )*
                let _ = bit;
                const _: () = assert!([$(stringify!($field)),*].len() <= 64, "one bit per field");
                let head = [
                    self.kind.is_some(),
                    self.type_name.is_some(),
                    self.subtype.is_some(),
                    self.mptcp.is_some(),
                ];
                let len = head.iter().filter(|&&h| h).count() + set.count_ones() as usize;
                let mut st = s.serialize_struct("TcpOption", len)?;
                if let Some(v) = &self.kind {
                    st.serialize_field("kind", v)?;
                }
                if let Some(v) = &self.type_name {
                    st.serialize_field("type", v)?;
                }
                if let Some(v) = &self.subtype {
                    st.serialize_field("subtype", v)?;
                }
                if let Some(v) = &self.mptcp {
                    st.serialize_field("mptcp", v)?;
                }
                while set != 0 {
                    let i = set.trailing_zeros() as usize;
                    set &= set - 1;
                    if let Some(field) = fields.get(i) {
                        field(self, &mut st)?;
                    }
                }
                st.end()
            }
        }

        /// Every field unset (`#[derive(Default)]` would ask the schema's types for defaults).
        impl<S: Schema> Default for Record<S> {
            #[inline(always)]
            fn default() -> Self {
                Self {
                    kind: None,
                    type_name: None,
                    subtype: None,
                    mptcp: None,
                    $( $field: None, )*
                }
            }
        }

        /// The first field still set in a record whose type has taken its own: one that does
        /// not belong to the type (the option fields in order, then `subtype` and `mptcp`).
        fn leftover<S: Schema>(r: &Record<S>) -> Option<&'static str> {
            $( if r.$field.is_some() {
                return Some(stringify!($field));
            } )*
            if r.subtype.is_some() {
                return Some("subtype");
            }
            r.mptcp.is_some().then_some("mptcp")
        }
    };
}

// At most 64 fields: the serializer keeps one bit per field.
record_fields! {
    // Custom options.
    name: String,
    mptcp_subtype: u8,
    // Plain options.
    mss: u16,
    shift: u8,
    blocks: S::Blocks,
    info: u32,
    tsval: u32,
    tsecr: u32,
    start: bool,
    end: bool,
    filler: u8,
    count: u32,
    algorithm: AltChecksumAlgorithm,
    digest: Bytes,
    hole_offset: u16,
    hole_size: u16,
    granularity: S::Granularity,
    timeout: u16,
    key_id: u8,
    rnext_key_id: u8,
    mac: Bytes,
    ee0b: u32,
    eceb: u32,
    ee1b: u32,
    exid: u16,
    cookie: Bytes,
    // MPTCP (MP_JOIN's form first, then the fields in wire order).
    form: Cow<'static, str>,
    version: u8,
    flags: S::Flags,
    sender_key: Bytes,
    data_level_length: u16,
    echo: bool,
    backup: bool,
    /// Shared by the Quick-Start response and most MPTCP subtypes (up to 12 bits).
    reserved: u16,
    rate_request: u8,
    ttl_diff: u8,
    nonce: u32,
    nonce_reserved: u8,
    transient: bool,
    data_fin: bool,
    dsn_8_bytes: bool,
    data_ack_8_bytes: bool,
    data_ack: U64Text,
    mapping: S::Mapping,
    address_id: u8,
    address: IpAddr,
    port: u16,
    truncated_hmac: Bytes,
    receiver_token: Bytes,
    sender_truncated_hmac: Bytes,
    sender_random: Bytes,
    sender_hmac: Bytes,
    receiver_key: Bytes,
    checksum: u16,
    address_ids: IdList,
    dsn: U64Text,
    nibble: u8,
    // Opaque bytes, malformed options.
    data: Bytes,
    bytes: Bytes,
    reason: Reason,
    fields: S::Fields,
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
