//! Many segments at once (as objects, or as Arrow columns with no object per segment), and
//! `dpkt_parse_opts`.

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use tcpwire::columnar::arrow_array::RecordBatch;
use tcpwire::columnar::arrow_schema::ArrowError;
use tcpwire::columnar::segment_batch;
use tcpwire::ParseMode;

use crate::arrow::{batch_rows_arg, PyArrowBatches};
use crate::header::PyTcpSegment;
use crate::narrow;
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
        match PyTcpSegment::from_bytes(py, bytes, mode) {
            Ok(segment) => out.append(Bound::new(py, segment)?)?,
            Err(_) => out.append(py.None())?,
        }
    }
    Ok(out)
}

/// Segments as record batches, at most `batch_rows` rows each: those of
/// `tcpwire::columnar::segment_batch`, or of the narrow layout (`narrow`). Built with the GIL
/// released on up to `threads` threads (0: as many as the process may run on), each building
/// a contiguous run of batches; the batches stay in input order.
fn batches(
    py: Python<'_>,
    segments: &[&[u8]],
    mode: ParseMode,
    batch_rows: usize,
    threads: usize,
    narrow: bool,
) -> PyResult<PyArrowBatches> {
    let built = py.detach(move || -> Result<_, ArrowError> {
        let schema = if narrow {
            narrow::schema()?
        } else {
            segment_batch(std::iter::empty(), mode)?.schema()
        };
        let chunks: Vec<&[&[u8]]> = segments.chunks(batch_rows).collect();
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
        .clamp(1, chunks.len().max(1));
        let build = |run: &[&[&[u8]]]| -> Result<Vec<RecordBatch>, ArrowError> {
            run.iter()
                .map(|chunk| {
                    if narrow {
                        narrow::narrow_batch(&schema, chunk, mode)
                    } else {
                        segment_batch(chunk.iter().copied(), mode)
                    }
                })
                .collect()
        };
        if threads == 1 {
            let batches = build(&chunks)?;
            return Ok((schema, batches));
        }
        let per_thread = chunks.len().div_ceil(threads);
        let batches = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .chunks(per_thread)
                .map(|run| scope.spawn(|| build(run)))
                .collect();
            let mut batches = Vec::with_capacity(chunks.len());
            for handle in handles {
                match handle.join() {
                    Ok(run) => batches.extend(run?),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            Ok::<_, ArrowError>(batches)
        })?;
        Ok((schema, batches))
    });
    let (schema, batches) = built.map_err(|e| PyRuntimeError::new_err(format!("arrow: {e}")))?;
    Ok(PyArrowBatches::new(schema, batches))
}

/// Reads a layout: `"full"` or `"narrow"` (true).
fn narrow_layout(layout: &str) -> PyResult<bool> {
    match layout {
        "full" => Ok(false),
        "narrow" => Ok(true),
        other => Err(PyValueError::new_err(format!(
            "layout must be \"full\" or \"narrow\", not {other:?}"
        ))),
    }
}

/// Many segments held in one `bytes` object as record batches of tcpwire's segment columns,
/// with no Python object made per segment. Segment `i` is `data[offsets[i]:offsets[i + 1]]`; `offsets` is the bytes of
/// native-endian signed 64-bit integers (`array.array("q", ...)`, a numpy `int64` array's
/// `tobytes()`), one more than there are segments (none or one: no segment).
/// `tcpwire.parse_batch` wraps it.
#[pyfunction]
#[pyo3(signature = (data, offsets, mode = "lossless", batch_rows = 8_192, threads = 0, layout = "full"))]
fn segment_batches(
    py: Python<'_>,
    data: &[u8],
    offsets: &[u8],
    mode: &str,
    batch_rows: usize,
    threads: usize,
    layout: &str,
) -> PyResult<PyArrowBatches> {
    let mode = parse_mode(mode)?;
    let narrow = narrow_layout(layout)?;
    let rows = batch_rows_arg(batch_rows)?;
    if offsets.len() % 8 != 0 {
        return Err(PyValueError::new_err(format!(
            "offsets must be 64-bit integers: {} bytes is not a multiple of 8",
            offsets.len()
        )));
    }
    let offsets: Vec<i64> = offsets
        .chunks_exact(8)
        .map(|b| i64::from_ne_bytes(b.try_into().unwrap_or_default()))
        .collect();
    let at = |i: usize, offset: i64| -> PyResult<usize> {
        usize::try_from(offset)
            .ok()
            .filter(|&o| o <= data.len())
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "offsets[{i}] = {offset} is outside the data's {} bytes",
                    data.len()
                ))
            })
    };
    let mut ranges = Vec::with_capacity(offsets.len().saturating_sub(1));
    let mut start = match offsets.first() {
        Some(&first) => at(0, first)?,
        None => 0,
    };
    for (i, &offset) in offsets.iter().enumerate().skip(1) {
        let end = at(i, offset)?;
        if end < start {
            return Err(PyValueError::new_err(format!(
                "offsets[{i}] = {end} is below offsets[{}] = {start}: offsets must not decrease",
                i - 1
            )));
        }
        ranges.push(start..end);
        start = end;
    }
    let segments: Vec<&[u8]> = ranges
        .into_iter()
        .map(|r| data.get(r).unwrap_or_default())
        .collect();
    batches(py, &segments, mode, rows, threads, narrow)
}

/// Many segments, each a `bytes` object of an iterable, as record batches of tcpwire's
/// segment columns; `tcpwire.parse_batch` wraps it.
#[pyfunction]
#[pyo3(signature = (segments, mode = "lossless", batch_rows = 8_192, threads = 0, layout = "full"))]
fn segment_list_batches<'py>(
    py: Python<'py>,
    segments: &Bound<'py, PyAny>,
    mode: &str,
    batch_rows: usize,
    threads: usize,
    layout: &str,
) -> PyResult<PyArrowBatches> {
    let mode = parse_mode(mode)?;
    let narrow = narrow_layout(layout)?;
    let rows = batch_rows_arg(batch_rows)?;
    let mut items = Vec::new();
    for (i, item) in segments.try_iter()?.enumerate() {
        let item = item?;
        let bytes = item.cast_into::<PyBytes>().map_err(|e| {
            PyTypeError::new_err(format!(
                "segment {i}: expected bytes, not {}",
                e.into_inner().get_type()
            ))
        })?;
        items.push(bytes.unbind());
    }
    let slices: Vec<&[u8]> = items.iter().map(|b| b.as_bytes(py)).collect();
    batches(py, &slices, mode, rows, threads, narrow)
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
    m.add_function(wrap_pyfunction!(segment_batches, m)?)?;
    m.add_function(wrap_pyfunction!(segment_list_batches, m)?)?;
    m.add_function(wrap_pyfunction!(dpkt_parse_opts, m)?)?;
    Ok(())
}
