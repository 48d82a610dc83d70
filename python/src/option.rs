//! `TcpOption` and one Python class per option kind and per MPTCP subtype.
//!
//! Every class holds the Rust value. Its fields are the crate's serde record (the JSON form,
//! `{"kind": 2, "type": "mss", "mss": 1460}`), made by a serde serializer that builds Python
//! objects directly: `to_dict()` is that record, and each field's getter picks its one value
//! out of it (`field`), with byte strings as `bytes` and 64-bit sequence numbers as `int` (JSON
//! carries them as hex and decimal text). So every kind's fields have one definition, the Rust
//! serde form, and the Python classes cannot drift from it.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use pyo3::exceptions::{PyAttributeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use pyo3::PyClassInitializer;
use pythonize::{depythonize, pythonize};

use tcpwire::{MptcpOption, TcpOption};

use crate::errors::{encode_error, parse_error};
use crate::field::pick;
use crate::parse_mode;

/// Record fields holding bytes (hex text in the JSON form).
const BYTE_FIELDS: &[&str] = &[
    "digest",
    "mac",
    "cookie",
    "sender_key",
    "receiver_key",
    "truncated_hmac",
    "receiver_token",
    "sender_truncated_hmac",
    "sender_random",
    "sender_hmac",
    "data",
    "bytes",
];

/// Record fields holding 64-bit numbers (decimal text in the JSON form).
const U64_FIELDS: &[&str] = &["data_ack", "dsn"];

/// Kinds whose class does not fix the kind number: their `repr` shows it.
const KIND_SHOWN: &[&str] = &[
    "unknown",
    "experiment",
    "experimental_fast_open",
    "malformed",
    "custom",
];

/// A TCP option (the base class of every option kind's class).
///
/// Options come out of a parsed header (`TcpHeader.options`), from the per-kind constructors
/// (`tcpwire.Mss(mss=1460)`, `tcpwire.Timestamps(tsval=1, tsecr=0)`), from bytes
/// (`TcpOption.parse(b"\x02\x04\x05\xb4")`) or from the JSON form (`TcpOption.from_dict`).
/// Fields are attributes (`option.mss`); `to_dict()` gives the crate's JSON record.
#[pyclass(subclass, frozen, module = "tcpwire", name = "TcpOption")]
pub struct PyTcpOption {
    pub(crate) option: TcpOption,
    /// The record of a field-less option (`{"kind": 1, "type": "nop"}`), made once: those
    /// objects are shared by every header. Other records are made on each call, so that no
    /// list or dict a caller was given is kept by the option.
    unit_record: OnceLock<Py<PyDict>>,
}

impl PyTcpOption {
    fn new(option: TcpOption) -> Self {
        PyTcpOption {
            option,
            unit_record: OnceLock::new(),
        }
    }

    /// The option's serde record, a dict of its own to the caller.
    fn record<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        if !is_unit(&self.option) {
            return Ok(pythonize(py, &self.option)?.cast_into::<PyDict>()?);
        }
        if let Some(record) = self.unit_record.get() {
            return record.bind(py).copy();
        }
        let dict = pythonize(py, &self.option)?.cast_into::<PyDict>()?;
        let copy = dict.copy()?;
        self.unit_record.get_or_init(|| dict.unbind());
        Ok(copy)
    }
}

/// The record field `name` as a Python attribute: bytes for hex, int for 64-bit text.
fn typed_field<'py>(
    py: Python<'py>,
    name: &str,
    value: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if BYTE_FIELDS.contains(&name) {
        if let Ok(text) = value.cast::<PyString>() {
            let bytes = tcpwire::from_hex(&text.to_cow()?)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            return Ok(PyBytes::new(py, &bytes).into_any());
        }
    }
    if U64_FIELDS.contains(&name) {
        if let Ok(text) = value.cast::<PyString>() {
            let number: u64 = text
                .to_cow()?
                .parse()
                .map_err(|_| PyValueError::new_err(format!("{name} is not a number")))?;
            return Ok(number.into_pyobject(py)?.into_any());
        }
    }
    if name == "mapping" {
        if let Ok(mapping) = value.cast::<PyDict>() {
            let copy = PyDict::new(py);
            for (key, item) in mapping.iter() {
                let key_text = key.cast::<PyString>()?.to_cow()?.into_owned();
                copy.set_item(&key, typed_field(py, &key_text, item)?)?;
            }
            return Ok(copy.into_any());
        }
    }
    Ok(value)
}

/// The record field `name` of an option object, as its attribute: picked alone from the
/// option's record, a new object each time (a list or dict read from an option cannot change
/// it); `None` when the option's record has no such field.
fn field<'py>(slf: &Bound<'py, PyAny>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = slf.py();
    let option = &slf.cast::<PyTcpOption>()?.get().option;
    pick(py, option, name)?
        .map(|value| typed_field(py, name, value))
        .transpose()
}

/// Builds an option from constructor keywords: the record with `"type"` (and `"mptcp"`) set
/// by the class; bytes given for hex fields are accepted as bytes.
fn option_from_fields(
    py: Python<'_>,
    type_name: &str,
    mptcp: Option<&str>,
    fields: Option<&Bound<'_, PyDict>>,
) -> PyResult<TcpOption> {
    let record = PyDict::new(py);
    if let Some(fields) = fields {
        for (key, value) in fields.iter() {
            if let Ok(bytes) = value.cast::<PyBytes>() {
                record.set_item(key, tcpwire::to_hex(bytes.as_bytes()))?;
            } else if value.is_instance_of::<pyo3::types::PyInt>()
                && key
                    .cast::<PyString>()
                    .ok()
                    .and_then(|k| k.to_cow().ok())
                    .map(|k| k.into_owned())
                    .is_some_and(|k| U64_FIELDS.contains(&k.as_str()))
            {
                record.set_item(key, value.str()?)?;
            } else {
                record.set_item(key, value)?;
            }
        }
    }
    record.set_item("type", type_name)?;
    if let Some(mptcp) = mptcp {
        record.set_item("mptcp", mptcp)?;
    }
    depythonize::<TcpOption>(&record.into_any()).map_err(|e| PyValueError::new_err(e.to_string()))
}

#[pymethods]
impl PyTcpOption {
    /// The option kind (the first byte on the wire).
    #[getter]
    fn kind(&self) -> u8 {
        self.option.kind()
    }

    /// The type name, as the JSON `"type"` gives it (`"mss"`, `"mptcp"`, ...).
    #[getter]
    fn name(&self) -> &'static str {
        self.option.name()
    }

    /// Bytes on the wire, Kind and Length included.
    #[getter]
    fn encoded_len(&self) -> usize {
        self.option.encoded_len()
    }

    /// Whether this is a malformed option kept byte for byte (lossless parsing).
    #[getter]
    fn is_malformed(&self) -> bool {
        self.option.is_malformed()
    }

    /// Raises `EncodeError` unless the value has an exact encoding.
    fn validate(&self) -> PyResult<()> {
        self.option.validate().map_err(|e| encode_error(&e))
    }

    /// The option's wire bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.option.to_bytes().map_err(|e| encode_error(&e))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// `bytes(x)`: the wire bytes, as `to_bytes()`.
    fn __bytes__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.to_bytes(py)
    }

    /// The option as the crate's JSON record (a new dict each call).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.record(py)
    }

    /// Parses one option (strict: a malformed option raises `ParseError`).
    #[staticmethod]
    fn parse<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        Self::parse_with(py, data, "strict")
    }

    /// Parses one option, keeping a malformed one as `Malformed`.
    #[staticmethod]
    fn parse_lossless<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        Self::parse_with(py, data, "lossless")
    }

    /// Parses one option in `mode` (`"strict"` or `"lossless"`); the bytes must be exactly one
    /// option.
    #[staticmethod]
    #[pyo3(signature = (data, mode = "strict"))]
    fn parse_with<'py>(py: Python<'py>, data: &[u8], mode: &str) -> PyResult<Bound<'py, PyAny>> {
        let option =
            TcpOption::parse_with(data, parse_mode(mode)?).map_err(|e| parse_error(py, &e))?;
        wrap_option(py, option)
    }

    /// The option a JSON record describes (`{"type": "mss", "mss": 1460}`; `"kind"` may be
    /// left out).
    #[staticmethod]
    fn from_dict<'py>(py: Python<'py>, record: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let option =
            depythonize::<TcpOption>(record).map_err(|e| PyValueError::new_err(e.to_string()))?;
        wrap_option(py, option)
    }

    /// Any record field without a getter of its own (`type`, `mptcp`); other names raise
    /// `AttributeError`.
    fn __getattr__<'py>(
        slf: &Bound<'py, Self>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match field(slf.as_any(), &name.to_cow()?)? {
            Some(value) => Ok(value),
            None => Err(PyAttributeError::new_err(format!(
                "{} has no field {:?}",
                slf.get_type().qualname()?,
                name.to_cow()?
            ))),
        }
    }

    /// `Mss(mss=1460)`: the class and the record's fields, as the constructor takes them.
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let this = slf.get();
        let mut text = format!("{}(", slf.get_type().qualname()?);
        let show_kind = KIND_SHOWN.contains(&this.option.name());
        let show_subtype = matches!(&this.option, TcpOption::Mptcp(MptcpOption::Unassigned(_)));
        let mut first = true;
        for (key, value) in this.record(py)?.iter() {
            let key = key.cast::<PyString>()?.to_cow()?.into_owned();
            let hidden = match &*key {
                "type" | "mptcp" => true,
                "kind" => !show_kind,
                "subtype" => !show_subtype,
                _ => false,
            };
            if hidden {
                continue;
            }
            if !first {
                text.push_str(", ");
            }
            first = false;
            text.push_str(&format!("{key}={}", value.repr()?.to_cow()?));
        }
        text.push(')');
        Ok(text)
    }

    /// As tcpdump words it inside `options [..]`: `mss 1460`, `TS val 1 ecr 0`, ...
    fn __str__(&self) -> String {
        self.option.to_string()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(match other.cast::<PyTcpOption>() {
            Ok(other) => self.option == other.get().option,
            Err(_) => false,
        })
    }

    fn __hash__(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.option.hash(&mut hasher);
        hasher.finish()
    }

    /// Pickling: the option by its record (`TcpOption.from_dict`).
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let from_dict = py.get_type::<PyTcpOption>().getattr("from_dict")?;
        Ok((from_dict, PyTuple::new(py, [slf.get().record(py)?])?))
    }

    /// Immutable: a copy is the object itself.
    fn __copy__<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        slf.clone()
    }

    fn __deepcopy__<'py>(slf: &Bound<'py, Self>, _memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        slf.clone()
    }
}

/// The base class of the Multipath TCP options (kind 30): one subclass per subtype.
#[pyclass(extends = PyTcpOption, subclass, frozen, module = "tcpwire", name = "Mptcp")]
pub struct PyMptcp;

#[pymethods]
impl PyMptcp {
    /// The record field `reserved` (`None` for the subtypes without reserved bits).
    #[getter]
    fn reserved<'py>(slf: &Bound<'py, Self>) -> PyResult<Option<Bound<'py, PyAny>>> {
        field(slf.as_any(), "reserved")
    }

    /// The MPTCP subtype (the high nibble of the byte after the length).
    #[getter]
    fn subtype(slf: PyRef<'_, Self>) -> u8 {
        match &slf.as_super().option {
            TcpOption::Mptcp(m) => m.subtype().value(),
            _ => 0,
        }
    }
}

/// Defines one class per option kind, extending `TcpOption`, constructed from keyword fields.
macro_rules! option_classes {
    ($( $(#[$doc:meta])* $rust:ident = $variant:pat => $py:literal, $name:literal [$($field:ident),*]; )*) => {
        $(
            $(#[$doc])*
            #[pyclass(extends = PyTcpOption, frozen, module = "tcpwire", name = $py)]
            pub struct $rust;

            #[pymethods]
            impl $rust {
                #[new]
                #[pyo3(signature = (**fields))]
                fn new(
                    py: Python<'_>,
                    fields: Option<&Bound<'_, PyDict>>,
                ) -> PyResult<PyClassInitializer<Self>> {
                    let option = option_from_fields(py, $name, None, fields)?;
                    if option.name() != $name {
                        return Err(PyTypeError::new_err(format!(
                            "these fields make a {} option, not {}", option.name(), $name
                        )));
                    }
                    Ok(PyClassInitializer::from(PyTcpOption::new(option)).add_subclass($rust))
                }

                $(
                    #[doc = concat!("The record field `", stringify!($field), "` (`None` when this form leaves it out).")]
                    #[getter]
                    fn $field<'py>(slf: &Bound<'py, Self>) -> PyResult<Option<Bound<'py, PyAny>>> {
                        field(slf.as_any(), stringify!($field))
                    }
                )*
            }
        )*

        /// A new Python object for an option that is not MPTCP (dispatched on the variant:
        /// matching the type name's text cost a string comparison per class).
        fn new_plain(py: Python<'_>, option: TcpOption) -> PyResult<Bound<'_, PyAny>> {
            match &option {
                $( $variant => Ok(Bound::new(
                    py,
                    PyClassInitializer::from(PyTcpOption::new(option)).add_subclass($rust),
                )?.into_any()), )*
                TcpOption::Mptcp(_) => wrap_mptcp(py, option),
                other => Err(PyTypeError::new_err(format!("no class for option type {}", other.name()))),
            }
        }

        fn register_plain(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( m.add_class::<$rust>()?; )*
            Ok(())
        }
    };
}

/// Defines one class per MPTCP subtype, extending `Mptcp`.
macro_rules! mptcp_classes {
    ($( $(#[$doc:meta])* $rust:ident = $variant:pat => $py:literal, $name:literal [$($field:ident),*]; )*) => {
        $(
            $(#[$doc])*
            #[pyclass(extends = PyMptcp, frozen, module = "tcpwire", name = $py)]
            pub struct $rust;

            #[pymethods]
            impl $rust {
                #[new]
                #[pyo3(signature = (**fields))]
                fn new(
                    py: Python<'_>,
                    fields: Option<&Bound<'_, PyDict>>,
                ) -> PyResult<PyClassInitializer<Self>> {
                    let option = option_from_fields(py, "mptcp", Some($name), fields)?;
                    match &option {
                        TcpOption::Mptcp(m) if m.name() == $name => {}
                        other => return Err(PyTypeError::new_err(format!(
                            "these fields make a {} option, not {}", other.name(), $name
                        ))),
                    }
                    Ok(PyClassInitializer::from(PyTcpOption::new(option))
                        .add_subclass(PyMptcp)
                        .add_subclass($rust))
                }

                $(
                    #[doc = concat!("The record field `", stringify!($field), "` (`None` when this form leaves it out).")]
                    #[getter]
                    fn $field<'py>(slf: &Bound<'py, Self>) -> PyResult<Option<Bound<'py, PyAny>>> {
                        field(slf.as_any(), stringify!($field))
                    }
                )*
            }
        )*

        /// The Python object of an MPTCP option.
        fn wrap_mptcp(py: Python<'_>, option: TcpOption) -> PyResult<Bound<'_, PyAny>> {
            let TcpOption::Mptcp(mptcp) = &option else {
                return Err(PyTypeError::new_err(format!("{} is not an MPTCP option", option.name())));
            };
            match mptcp {
                $( $variant => Ok(Bound::new(
                    py,
                    PyClassInitializer::from(PyTcpOption::new(option))
                        .add_subclass(PyMptcp)
                        .add_subclass($rust),
                )?.into_any()), )*
                other => Err(PyTypeError::new_err(format!("no class for MPTCP subtype {}", other.name()))),
            }
        }

        fn register_mptcp(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( m.add_class::<$rust>()?; )*
            Ok(())
        }
    };
}

option_classes! {
    /// Kind 0, End of Option List (RFC 9293).
    PyEol = TcpOption::Eol => "Eol", "eol" [];
    /// Kind 1, No-Operation (RFC 9293).
    PyNop = TcpOption::Nop => "Nop", "nop" [];
    /// Kind 2, Maximum Segment Size (RFC 9293): `mss`.
    PyMss = TcpOption::Mss(_) => "Mss", "mss" [mss];
    /// Kind 3, Window Scale (RFC 7323): `shift`.
    PyWindowScale = TcpOption::WindowScale(_) => "WindowScale", "window_scale" [shift];
    /// Kind 4, SACK Permitted (RFC 2018).
    PySackPermitted = TcpOption::SackPermitted => "SackPermitted", "sack_permitted" [];
    /// Kind 5, SACK (RFC 2018): `blocks`, a list of `{"left", "right"}`.
    PySack = TcpOption::Sack(_) => "Sack", "sack" [blocks];
    /// Kind 6, Echo (RFC 1072, obsolete): `info`.
    PyEcho = TcpOption::Echo(_) => "Echo", "echo" [info];
    /// Kind 7, Echo Reply (RFC 1072, obsolete): `info`.
    PyEchoReply = TcpOption::EchoReply(_) => "EchoReply", "echo_reply" [info];
    /// Kind 8, Timestamps (RFC 7323): `tsval`, `tsecr`.
    PyTimestamps = TcpOption::Timestamps(_) => "Timestamps", "timestamps" [tsval, tsecr];
    /// Kind 9, Partial Order Connection Permitted (RFC 1693, obsolete).
    PyPocPermitted = TcpOption::PocPermitted => "PocPermitted", "poc_permitted" [];
    /// Kind 10, Partial Order Service Profile (RFC 1693, obsolete): `start`, `end`, `filler`.
    PyPocServiceProfile = TcpOption::PocServiceProfile(_) => "PocServiceProfile", "poc_service_profile" [start, end, filler];
    /// Kind 11, CC (RFC 1644, obsolete): `count`.
    PyCc = TcpOption::Cc(_) => "Cc", "cc" [count];
    /// Kind 12, CC.NEW (RFC 1644, obsolete): `count`.
    PyCcNew = TcpOption::CcNew(_) => "CcNew", "cc_new" [count];
    /// Kind 13, CC.ECHO (RFC 1644, obsolete): `count`.
    PyCcEcho = TcpOption::CcEcho(_) => "CcEcho", "cc_echo" [count];
    /// Kind 14, Alternate Checksum Request (RFC 1146, obsolete): `algorithm`.
    PyAltChecksumRequest = TcpOption::AltChecksumRequest(_) => "AltChecksumRequest", "alt_checksum_request" [algorithm];
    /// Kind 15, Alternate Checksum Data (RFC 1146, obsolete): `data`.
    PyAltChecksumData = TcpOption::AltChecksumData(_) => "AltChecksumData", "alt_checksum_data" [data];
    /// Kind 19, MD5 Signature (RFC 2385): `digest`.
    PyMd5Signature = TcpOption::Md5Signature(_) => "Md5Signature", "md5_signature" [digest];
    /// Kind 21, SCPS SNACK (CCSDS 714.0-B-2): `hole_offset`, `hole_size`.
    PySnack = TcpOption::Snack(_) => "Snack", "snack" [hole_offset, hole_size];
    /// Kind 27, Quick-Start Response (RFC 4782): `rate_request`, `ttl_diff`, `nonce`, ...
    PyQuickStartResponse = TcpOption::QuickStartResponse(_) => "QuickStartResponse", "quick_start_response" [rate_request, ttl_diff, nonce, nonce_reserved, reserved];
    /// Kind 28, User Timeout (RFC 5482): `granularity`, `timeout`.
    PyUserTimeout = TcpOption::UserTimeout(_) => "UserTimeout", "user_timeout" [granularity, timeout];
    /// Kind 29, TCP Authentication Option (RFC 5925): `key_id`, `rnext_key_id`, `mac`.
    PyTcpAo = TcpOption::TcpAo(_) => "TcpAo", "tcp_ao" [key_id, rnext_key_id, mac];
    /// Kind 34, TCP Fast Open (RFC 7413): `cookie` (empty for a cookie request).
    PyFastOpen = TcpOption::FastOpen(_) => "FastOpen", "fast_open" [cookie];
    /// Kind 69, Encryption Negotiation (RFC 8547): `data`.
    PyEno = TcpOption::Eno(_) => "Eno", "eno" [data];
    /// Kind 172, AccECN Order 0 (RFC 9768): `ee0b`, `eceb`, `ee1b`.
    PyAccEcnOrder0 = TcpOption::AccEcnOrder0(_) => "AccEcnOrder0", "accecn_order0" [ee0b, eceb, ee1b];
    /// Kind 174, AccECN Order 1 (RFC 9768): `ee1b`, `eceb`, `ee0b`.
    PyAccEcnOrder1 = TcpOption::AccEcnOrder1(_) => "AccEcnOrder1", "accecn_order1" [ee1b, eceb, ee0b];
    /// TCP Fast Open in an RFC 6994 experiment option (kind 253 or 254, ExID 0xF989).
    PyExperimentalFastOpen = TcpOption::ExperimentalFastOpen(_) => "ExperimentalFastOpen", "experimental_fast_open" [cookie];
    /// Kinds 253 and 254, RFC 6994 experiments: `exid`, `data`.
    PyExperiment = TcpOption::Experiment(_) => "Experiment", "experiment" [exid, data];
    /// Any kind tcpwire does not decode: `kind`, `data`.
    PyUnknown = TcpOption::Unknown(_) => "Unknown", "unknown" [data];
    /// An option decoded by a user codec (Rust only; never made by the Python parsers).
    PyCustom = TcpOption::Custom(_) => "Custom", "custom" [bytes, mptcp_subtype, fields];
    /// An option that breaks its framing or its specification (lossless parsing), kept byte
    /// for byte: `kind`, `bytes`, `reason`.
    PyMalformed = TcpOption::Malformed(_) => "Malformed", "malformed" [bytes, reason];
}

mptcp_classes! {
    /// MPTCP subtype 0, MP_CAPABLE (RFC 8684 s3.1, RFC 6824): `version`, `flags`, keys.
    PyMpCapable = MptcpOption::MpCapable(_) => "MpCapable", "mp_capable" [version, flags, sender_key, receiver_key, data_level_length, checksum];
    /// MPTCP subtype 1, MP_JOIN: `form` (`syn`, `syn_ack`, `ack`) and its fields.
    PyMpJoin = MptcpOption::MpJoin(_) => "MpJoin", "mp_join" [form, backup, address_id, receiver_token, sender_random, sender_truncated_hmac, sender_hmac];
    /// MPTCP subtype 2, DSS: `data_ack`, `mapping`, `data_fin`, ...
    PyDss = MptcpOption::Dss(_) => "Dss", "dss" [data_fin, data_ack, data_ack_8_bytes, dsn_8_bytes, mapping];
    /// MPTCP subtype 3, ADD_ADDR (v0 or v1 layout): `address_id`, `address`, `port`, ...
    PyAddAddr = MptcpOption::AddAddr(_) => "AddAddr", "add_addr" [version, echo, address_id, address, port, truncated_hmac];
    /// MPTCP subtype 4, REMOVE_ADDR: `address_ids`.
    PyRemoveAddr = MptcpOption::RemoveAddr(_) => "RemoveAddr", "remove_addr" [address_ids];
    /// MPTCP subtype 5, MP_PRIO: `backup` (and `address_id` in v0).
    PyMpPrio = MptcpOption::MpPrio(_) => "MpPrio", "mp_prio" [backup, address_id];
    /// MPTCP subtype 6, MP_FAIL: `dsn`.
    PyMpFail = MptcpOption::MpFail(_) => "MpFail", "mp_fail" [dsn];
    /// MPTCP subtype 7, MP_FASTCLOSE: `receiver_key`.
    PyMpFastclose = MptcpOption::MpFastclose(_) => "MpFastclose", "mp_fastclose" [receiver_key];
    /// MPTCP subtype 8, MP_TCPRST (RFC 8684): `transient`, `reason`.
    PyMpTcpRst = MptcpOption::MpTcpRst(_) => "MpTcpRst", "mp_tcprst" [transient, reason];
    /// MPTCP subtype 15, MP_EXPERIMENTAL: kept as bytes.
    PyMpExperimental = MptcpOption::MpExperimental(_) => "MpExperimental", "mp_experimental" [nibble, data];
    /// MPTCP subtypes 9..=14, not assigned: `subtype`, kept as bytes.
    PyMptcpUnassigned = MptcpOption::Unassigned(_) => "MptcpUnassigned", "unassigned" [nibble, data];
}

/// The options without fields (EOL, NOP, SACK-permitted, POC-permitted), one instance each.
struct SharedUnits {
    eol: Py<PyAny>,
    nop: Py<PyAny>,
    sack_permitted: Py<PyAny>,
    poc_permitted: Py<PyAny>,
}

/// Made on first use by the interpreter that imports the module.
static SHARED_UNITS: PyOnceLock<SharedUnits> = PyOnceLock::new();

/// Whether the option is one of the field-less kinds that [`SharedUnits`] holds.
fn is_unit(option: &TcpOption) -> bool {
    matches!(
        option,
        TcpOption::Eol | TcpOption::Nop | TcpOption::SackPermitted | TcpOption::PocPermitted
    )
}

/// The Python object of any option: an instance of its kind's (or subtype's) class.
///
/// A field-less option is immutable and equal to every other of its kind, so all of them are
/// one shared object: NOPs are half the options of real traffic (10,802 of the corpus's 20,165),
/// and sharing them spares a header an allocation per NOP.
pub(crate) fn wrap_option(py: Python<'_>, option: TcpOption) -> PyResult<Bound<'_, PyAny>> {
    if !is_unit(&option) {
        return new_plain(py, option);
    }
    let shared = SHARED_UNITS.get_or_try_init(py, || -> PyResult<SharedUnits> {
        Ok(SharedUnits {
            eol: new_plain(py, TcpOption::Eol)?.unbind(),
            nop: new_plain(py, TcpOption::Nop)?.unbind(),
            sack_permitted: new_plain(py, TcpOption::SackPermitted)?.unbind(),
            poc_permitted: new_plain(py, TcpOption::PocPermitted)?.unbind(),
        })
    })?;
    let unit = match option {
        TcpOption::Eol => &shared.eol,
        TcpOption::Nop => &shared.nop,
        TcpOption::SackPermitted => &shared.sack_permitted,
        _ => &shared.poc_permitted,
    };
    Ok(unit.bind(py).clone())
}

/// Takes the Rust option out of a Python `TcpOption`.
pub(crate) fn option_of(value: &Bound<'_, PyAny>) -> PyResult<TcpOption> {
    Ok(value.cast::<PyTcpOption>()?.get().option.clone())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTcpOption>()?;
    m.add_class::<PyMptcp>()?;
    register_plain(m)?;
    register_mptcp(m)?;
    Ok(())
}
