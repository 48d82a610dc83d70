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
//! The record's fields and each option's conversion to and from it live with the option: the
//! record in `record.rs`, each kind's `RecordForm` at the end of its file. This module only
//! fixes the record's nested field types and runs the serde forms.

use std::borrow::Cow;

use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::bytes::InlineBytes;
use crate::codec::CustomOption;
use crate::element::RecordForm;
use crate::mptcp::{AddAddr, Dss, DssMapping, MpCapable, MpCapableFlags, MpJoin, MptcpOption};
use crate::option::custom::CodecFields;
use crate::option::{Granularity, SackBlocks, TcpOption};
use crate::record::{Bytes, Ctx, Schema};
use crate::registry::MptcpSubtype;

/// The record's nested fields hold the option types' own values.
#[derive(Default)]
pub(crate) struct Wire;

impl Schema for Wire {
    type Blocks = SackBlocks;
    type Granularity = Granularity;
    type Flags = MpCapableFlags;
    type Mapping = DssMapping;
    type Fields = CodecFields;
}

/// The flat record of an option in human-readable formats.
type Record = crate::record::Record<Wire>;

/// Writes `"kind"`, `"type"`, then the option's own fields into `r` (built in place by the
/// caller: a record is large, and this runs for every option of every JSON line).
#[inline(always)]
fn fill_record(o: &TcpOption, r: &mut Record) {
    r.kind = Some(o.kind());
    r.type_name = Some(Cow::Borrowed(o.name()));
    o.fields_to_record(r);
}

/// An option in its record (human-readable formats).
fn serialize_record<S: Serializer>(o: &TcpOption, s: S) -> Result<S::Ok, S::Error> {
    let mut r = Record::default();
    fill_record(o, &mut r);
    r.serialize(s)
}

/// A kind without a body, whose record is `"kind"` and `"type"` alone, written without building
/// the record: the kinds of nearly every header (NOP above all), so this decides speed only (a
/// test checks it against `serialize_record`).
fn serialize_unit<S: Serializer>(o: &TcpOption, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("TcpOption", 2)?;
    st.serialize_field("kind", &o.kind())?;
    st.serialize_field("type", o.name())?;
    st.end()
}

/// The option a record's `"type"` names, checked against its `"kind"` when given; a field
/// that does not belong to the type is an error.
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
    let Some(option) = TcpOption::from_record_named(type_name.as_ref(), kind, r, &f) else {
        return Err(format!(
            "unknown option type {:?} (a snake_case option name such as `mss`, or `unknown`, `experiment`, `custom`, `malformed`)",
            type_name.as_ref()
        ));
    };
    let option = option?;
    if let Some(given) = kind {
        if option.kind() != given {
            return Err(f.err(format_args!("has kind {}, not {given}", option.kind())));
        }
    }
    f.done(r, option)
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
            if let TcpOption::Nop | TcpOption::Eol | TcpOption::SackPermitted = self {
                return serialize_unit(self, s);
            }
            serialize_record(self, s)
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
            {
                let mut r = Record::default();
                RecordForm::<Wire>::to_record(self, &mut r);
                r.serialize(s)
            }
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
            let option = <MptcpOption as RecordForm<Wire>>::from_record(
                None,
                &mut record,
                &Ctx {
                    what: "MPTCP option",
                },
            )
            .map_err(de::Error::custom)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds written without a record are written as their record.
    #[test]
    fn units_are_written_as_their_record() {
        for o in [
            TcpOption::Nop,
            TcpOption::Eol,
            TcpOption::SackPermitted,
            TcpOption::PocPermitted,
        ] {
            let mut fast = Vec::new();
            serialize_unit(&o, &mut serde_json::Serializer::new(&mut fast)).unwrap();
            let mut record = Vec::new();
            serialize_record(&o, &mut serde_json::Serializer::new(&mut record)).unwrap();
            assert_eq!(String::from_utf8(fast), String::from_utf8(record), "{o:?}");
        }
    }
}
