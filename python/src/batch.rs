//! Many segments at once, and `dpkt_parse_opts`.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use crate::header::PyTcpSegment;
use crate::parse_mode;

/// Parses many segments in one call: a list with a `TcpSegment` for each input, or `None`
/// where it does not parse (in strict mode, also where an option is malformed). One call
/// crosses into Rust once for the whole list.
///
/// >>> [s.header.dst_port if s else None for s in parse_many([segment_bytes, b"short"])]
#[pyfunction]
#[pyo3(signature = (segments, mode = "lossless"))]
fn parse_many<'py>(
    py: Python<'py>,
    segments: &Bound<'py, PyAny>,
    mode: &str,
) -> PyResult<Bound<'py, PyList>> {
    let mode = parse_mode(mode)?;
    let out = PyList::empty(py);
    for item in segments.try_iter()? {
        let item = item?;
        let bytes = item.cast::<PyBytes>()?;
        match PyTcpSegment::from_bytes(py, bytes.as_bytes(), mode) {
            Ok(segment) => out.append(Bound::new(py, segment)?)?,
            Err(_) => out.append(py.None())?,
        }
    }
    Ok(out)
}

/// What dpkt's `dpkt.tcp.parse_opts(buf)` returns, for drop-in use: a list of `(kind, data)`
/// tuples, `data` the bytes after Kind and Length (empty for kinds 0 and 1). As dpkt does, it
/// reads past an EOL, takes a Length below 2 as 2, cuts `data` short at the end of the buffer
/// rather than failing, and ends the list with `None` when a kind above 1 has no Length byte.
#[pyfunction]
fn dpkt_parse_opts<'py>(py: Python<'py>, buf: &[u8]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let mut at = 0usize;
    while let Some(&kind) = buf.get(at) {
        if kind > 1 {
            let Some(&length) = buf.get(at + 1) else {
                out.append(py.None())?;
                break;
            };
            let end = at + usize::from(length.max(2));
            let data = buf.get(at + 2..end.min(buf.len())).unwrap_or_default();
            out.append(PyTuple::new(
                py,
                [
                    kind.into_pyobject(py)?.into_any(),
                    PyBytes::new(py, data).into_any(),
                ],
            )?)?;
            at = end;
        } else {
            out.append(PyTuple::new(
                py,
                [
                    kind.into_pyobject(py)?.into_any(),
                    PyBytes::new(py, b"").into_any(),
                ],
            )?)?;
            at += 1;
        }
    }
    Ok(out)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_many, m)?)?;
    m.add_function(wrap_pyfunction!(dpkt_parse_opts, m)?)?;
    Ok(())
}
