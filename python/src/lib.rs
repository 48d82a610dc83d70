#![forbid(unsafe_code)]
//! The `tcpwire` Python package's extension module (`tcpwire._tcpwire`): tcpwire's values as
//! Python classes built natively (pyo3 objects, dicts built by a serde serializer), never through
//! JSON text.
//!
//! Layout, each layer using only those above it in this list:
//! - `errors`: the exceptions and the conversion of tcpwire's errors;
//! - `field`: one field of an option's serde record, picked without building the record;
//! - `option`: `TcpOption` and one class per option kind and MPTCP subtype;
//! - `header`: `Flags`, `TcpHeader`, `TcpSegment`;
//! - `builder`: `Builder`;
//! - `arrow`: `ArrowBatches`, record batches handed over through the Arrow C stream interface;
//! - `capture`: `from_pcap` and its `CapturedSegment`, a capture's Arrow table;
//! - `narrow`: the narrow layout of a batch of raw segments;
//! - `batch`: many segments at once (as objects, or as Arrow columns), `dpkt_parse_opts`.

use std::net::IpAddr;

use pyo3::prelude::*;
use pyo3::types::PyString;

mod arrow;
mod batch;
mod builder;
mod capture;
mod errors;
mod field;
mod header;
mod narrow;
mod option;

use tcpwire::ParseMode;

/// Reads a parse mode: `"strict"` or `"lossless"`.
pub(crate) fn parse_mode(mode: &str) -> PyResult<ParseMode> {
    match mode {
        "strict" => Ok(ParseMode::Strict),
        "lossless" => Ok(ParseMode::Lossless),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "mode must be \"strict\" or \"lossless\", not {other:?}"
        ))),
    }
}

/// Reads an IP address from a `str` or an `ipaddress.IPv4Address`/`IPv6Address` (anything whose
/// `str()` is an address).
pub(crate) fn ip_address(value: &Bound<'_, PyAny>) -> PyResult<IpAddr> {
    let text = match value.cast::<PyString>() {
        Ok(s) => s.to_cow()?.into_owned(),
        Err(_) => value.str()?.to_cow()?.into_owned(),
    };
    text.parse().map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!("not an IP address: {text:?}"))
    })
}

/// The extension module.
#[pymodule]
fn _tcpwire(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    option::register(m)?;
    header::register(m)?;
    builder::register(m)?;
    arrow::register(m)?;
    capture::register(m)?;
    batch::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
