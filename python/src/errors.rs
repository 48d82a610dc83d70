//! The package's exceptions and the conversion of tcpwire's errors into them.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;

use tcpwire::Error;

create_exception!(
    tcpwire,
    ParseError,
    PyValueError,
    "Bytes that do not parse: too short, an unusable data offset, or (strict mode) a malformed \
option. Attributes: `kind` and `offset` (the option's kind and the offset of its kind byte from \
the start of the TCP header) and `problem` (the reason's short name, e.g. \"bad_length\"), all \
None when no option is at fault."
);
create_exception!(
    tcpwire,
    EncodeError,
    PyValueError,
    "A value that has no exact encoding (to_bytes, the builder, checksums over such a value)."
);
create_exception!(
    tcpwire,
    CaptureError,
    PyException,
    "A capture that cannot be opened or read (not pcap/pcapng, corrupt, truncated). Attribute \
`frame`: the 1-based frame number where reading stopped."
);

/// The `ParseError` for a parse failure, with `kind`, `offset` and `problem` set.
pub(crate) fn parse_error(py: Python<'_>, e: &Error) -> PyErr {
    let err = ParseError::new_err(e.to_string());
    let (kind, offset, problem) = match e {
        Error::MalformedOption {
            kind,
            offset,
            reason,
        } => (Some(*kind), Some(*offset), Some(reason.name())),
        _ => (None, None, None),
    };
    let value = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail in practice; if it did, the
    // exception would still carry its message.
    let _ = value.setattr("kind", kind);
    let _ = value.setattr("offset", offset);
    let _ = value.setattr("problem", problem);
    err
}

/// The `EncodeError` for a value that cannot be written.
pub(crate) fn encode_error(e: &Error) -> PyErr {
    EncodeError::new_err(e.to_string())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("EncodeError", py.get_type::<EncodeError>())?;
    m.add("CaptureError", py.get_type::<CaptureError>())?;
    Ok(())
}
