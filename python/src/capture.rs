//! `from_pcap`: the TCP segments of a pcap/pcapng capture, read by tcpwire's capture reader,
//! with addresses, timestamps and checksum verdicts; and a capture's Arrow table.

use std::net::IpAddr;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use pythonize::pythonize;

use tcpwire::capture::{CaptureError, CaptureReader, Examined, Frame, SegmentError};
use tcpwire::checksum::ChecksumVerdict;
use tcpwire::columnar::{CaptureBatches, ExportOptions};
use tcpwire::option::Malformed;
use tcpwire::wire::options_with_offsets;
use tcpwire::{ParseMode, TcpHeader, TcpOption};

use crate::arrow::{batch_rows_arg, PyArrowBatches};
use crate::errors::{parse_error, CaptureError as PyCaptureError};
use crate::header::PyTcpHeader;
use crate::{ip_address, parse_mode};

/// A malformed option of a captured segment: kind, offset, problem, reason.
type MalformedEntry = (u8, usize, &'static str, String);

/// A TCP segment found in a capture, with where and when it was seen.
///
/// `to_dict()` is the segment's line of `tcpwire pcap` (its keys and values: `"checksum"`
/// there is the verdict, `checksum_verdict` here).
#[pyclass(frozen, module = "tcpwire", name = "CapturedSegment")]
pub struct PyCapturedSegment {
    /// 1-based frame number in the capture.
    #[pyo3(get)]
    frame: u64,
    timestamp: (u64, u32),
    /// IP version of the packet carrying the segment (4 or 6).
    #[pyo3(get)]
    ip_version: u8,
    src: IpAddr,
    dst: IpAddr,
    /// The TCP header.
    #[pyo3(get)]
    header: Py<PyTcpHeader>,
    /// The captured payload (shorter than `payload_len` when the capture cut it).
    #[pyo3(get)]
    payload: Py<PyBytes>,
    /// The TCP segment's bytes as captured: the header as sent, then the captured payload.
    #[pyo3(get)]
    segment_bytes: Py<PyBytes>,
    /// The payload length: captured, or as the IP header declares when cut short.
    #[pyo3(get)]
    payload_len: usize,
    /// Whether the capture holds less of the segment than the IP header declares.
    #[pyo3(get)]
    truncated: bool,
    /// `"ok"`, `"offload"`, `"zero"`, `"bad"` or `"not_checkable"`.
    #[pyo3(get)]
    checksum_verdict: &'static str,
    /// Whether the segment is a TSO/GSO super-segment.
    #[pyo3(get)]
    super_segment: bool,
    malformed: Vec<MalformedEntry>,
}

#[pymethods]
impl PyCapturedSegment {
    /// Capture time in seconds since the epoch (a float; `timestamp_ns` is exact).
    #[getter]
    fn timestamp(&self) -> f64 {
        self.timestamp.0 as f64 + f64::from(self.timestamp.1) / 1e9
    }

    /// Capture time in nanoseconds since the epoch.
    #[getter]
    fn timestamp_ns(&self) -> u128 {
        u128::from(self.timestamp.0) * 1_000_000_000 + u128::from(self.timestamp.1)
    }

    /// Source IP address (text).
    #[getter]
    fn src(&self) -> String {
        self.src.to_string()
    }

    /// Destination IP address (text).
    #[getter]
    fn dst(&self) -> String {
        self.dst.to_string()
    }

    /// The malformed options: dicts with `kind`, `offset`, `problem`, `reason`.
    #[getter]
    fn malformed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for (kind, offset, problem, reason) in &self.malformed {
            let entry = PyDict::new(py);
            entry.set_item("kind", kind)?;
            entry.set_item("offset", offset)?;
            entry.set_item("problem", problem)?;
            entry.set_item("reason", reason)?;
            list.append(entry)?;
        }
        Ok(list)
    }

    /// The segment as its `tcpwire pcap` line (a dict).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("frame", self.frame)?;
        d.set_item(
            "timestamp",
            format!("{}.{:09}", self.timestamp.0, self.timestamp.1),
        )?;
        d.set_item("ip_version", self.ip_version)?;
        d.set_item("src", self.src.to_string())?;
        d.set_item("dst", self.dst.to_string())?;
        d.set_item("header", pythonize(py, self.header.get().header())?)?;
        d.set_item("payload_len", self.payload_len)?;
        d.set_item("truncated", self.truncated)?;
        d.set_item("checksum", self.checksum_verdict)?;
        if self.super_segment {
            d.set_item("super_segment", true)?;
        }
        if !self.malformed.is_empty() {
            d.set_item("malformed", self.malformed(py)?)?;
        }
        Ok(d)
    }

    /// Pickling: rebuilt from its fields (`malformed` is worked out again from the header).
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let this = slf.get();
        let rebuild = py
            .import("tcpwire._tcpwire")?
            .getattr("_captured_segment")?;
        let fields = (
            this.frame,
            this.timestamp,
            this.ip_version,
            this.src.to_string(),
            this.dst.to_string(),
            this.header.clone_ref(py),
            this.payload.clone_ref(py),
            this.segment_bytes.clone_ref(py),
            this.payload_len,
            this.truncated,
            this.checksum_verdict,
            this.super_segment,
        );
        Ok((rebuild, fields.into_pyobject(py)?))
    }

    /// Immutable: a copy is the object itself.
    fn __copy__<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        slf.clone()
    }

    fn __deepcopy__<'py>(slf: &Bound<'py, Self>, _memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        slf.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "<CapturedSegment frame {} {} > {}: {} checksum {}>",
            self.frame,
            self.src,
            self.dst,
            self.header.get().header(),
            self.checksum_verdict
        )
    }
}

/// The malformed options of a header, with their offsets (`CapturedSegment.malformed`).
fn malformed_entries(header: &TcpHeader) -> Vec<MalformedEntry> {
    options_with_offsets(header)
        .filter_map(|(offset, option)| match option {
            TcpOption::Malformed(Malformed { kind, reason, .. }) => {
                Some((*kind, offset, reason.name(), reason.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// Rebuilds a `CapturedSegment` from what its `__reduce__` gives (unpickling).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn _captured_segment(
    frame: u64,
    timestamp: (u64, u32),
    ip_version: u8,
    src: &Bound<'_, PyAny>,
    dst: &Bound<'_, PyAny>,
    header: Py<PyTcpHeader>,
    payload: Py<PyBytes>,
    segment_bytes: Py<PyBytes>,
    payload_len: usize,
    truncated: bool,
    checksum_verdict: &str,
    super_segment: bool,
) -> PyResult<PyCapturedSegment> {
    let verdict = ChecksumVerdict::ALL
        .into_iter()
        .find(|v| v.name() == checksum_verdict)
        .ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(format!(
                "{checksum_verdict:?} is not a checksum verdict"
            ))
        })?;
    let malformed = malformed_entries(header.get().header());
    Ok(PyCapturedSegment {
        frame,
        timestamp,
        ip_version,
        src: ip_address(src)?,
        dst: ip_address(dst)?,
        header,
        payload,
        segment_bytes,
        payload_len,
        truncated,
        checksum_verdict: verdict.name(),
        super_segment,
        malformed,
    })
}

/// What one frame gave.
enum Found {
    Segment(PyCapturedSegment),
    Error(SegmentError),
    Nothing,
}

/// The frame's segment (the walk and error messages of `tcpwire pcap`).
fn examine(py: Python<'_>, frame: &Frame, mode: ParseMode) -> PyResult<Found> {
    let segment = match tcpwire::capture::examine(frame, mode) {
        Examined::Segment(segment) => segment,
        Examined::Error(e) => return Ok(Found::Error(e)),
        Examined::Skipped(_) => return Ok(Found::Nothing),
    };
    let malformed = malformed_entries(&segment.header);
    let payload = PyBytes::new(py, segment.payload()).unbind();
    let tcp = segment.tcp;
    Ok(Found::Segment(PyCapturedSegment {
        frame: frame.number,
        timestamp: frame.timestamp,
        ip_version: tcp.ip_version,
        src: tcp.src,
        dst: tcp.dst,
        header: Py::new(py, PyTcpHeader::new(segment.header))?,
        payload,
        segment_bytes: PyBytes::new(py, tcp.segment).unbind(),
        payload_len: segment.payload_len,
        truncated: tcp.truncated,
        checksum_verdict: segment.checksum.name(),
        super_segment: tcp.super_segment || frame.tso_flagged(),
        malformed,
    }))
}

/// An iterator over the TCP segments of a capture (what `from_pcap` returns).
///
/// Frames without TCP are passed over. With `errors="skip"` (the default) a frame whose TCP
/// header cannot be given, or a record the reader cannot use, is recorded in `errors` as
/// `(frame, message)` (the error lines of `tcpwire pcap`) and reading goes on; with
/// `errors="raise"` it raises (`ParseError` for the header, `CaptureError` for the capture).
#[pyclass(module = "tcpwire", name = "CaptureIterator")]
pub struct PyCaptureIterator {
    // A Mutex: the reader is Send but not Sync, and pyo3 classes must be Sync.
    reader: std::sync::Mutex<Option<CaptureReader>>,
    mode: ParseMode,
    raise: bool,
    /// `(frame, message)` for each frame that gave no segment.
    #[pyo3(get)]
    errors: Vec<(u64, String)>,
}

fn capture_error(e: &CaptureError) -> PyErr {
    let err = PyCaptureError::new_err(e.to_string());
    Python::attach(|py| {
        let _ = err.value(py).setattr("frame", e.frame());
    });
    err
}

#[pymethods]
impl PyCaptureIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<PyCapturedSegment>> {
        let reader = self
            .reader
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            let Some(current) = reader.as_mut() else {
                return Ok(None);
            };
            let frame = match current.next_frame() {
                None => {
                    *reader = None;
                    return Ok(None);
                }
                Some(Ok(frame)) => frame,
                Some(Err(e)) => {
                    if e.is_fatal() {
                        *reader = None;
                    }
                    if self.raise {
                        return Err(capture_error(&e));
                    }
                    self.errors.push((e.frame(), e.to_string()));
                    continue;
                }
            };
            match examine(py, &frame, self.mode)? {
                Found::Segment(segment) => return Ok(Some(segment)),
                Found::Nothing => {}
                Found::Error(e) => {
                    if self.raise {
                        return Err(match e.parse_error() {
                            Some(cause) => parse_error(py, cause),
                            None => PyCaptureError::new_err(e.message()),
                        });
                    }
                    self.errors.push((frame.number, e.message()));
                }
            }
        }
    }
}

/// The TCP segments of a pcap or pcapng capture (gzip-compressed either way), in capture order.
///
/// >>> for seg in from_pcap("corpus/mptcp-ipv4-multipath.pcap"):
/// ...     print(seg.src, seg.dst, seg.header, seg.checksum_verdict)
#[pyfunction]
#[pyo3(signature = (path, mode = "lossless", errors = "skip"))]
fn from_pcap(path: std::path::PathBuf, mode: &str, errors: &str) -> PyResult<PyCaptureIterator> {
    let raise = match errors {
        "skip" => false,
        "raise" => true,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "errors must be \"skip\" or \"raise\", not {other:?}"
            )))
        }
    };
    let reader = CaptureReader::open(&path).map_err(|e| capture_error(&e))?;
    Ok(PyCaptureIterator {
        reader: std::sync::Mutex::new(Some(reader)),
        mode: parse_mode(mode)?,
        raise,
        errors: Vec::new(),
    })
}

/// A capture as record batches of tcpwire's columnar table (`batch_rows` rows each), read and
/// built with the GIL released; `tcpwire.to_arrow` makes them a `pyarrow.Table`.
#[pyfunction]
#[pyo3(signature = (path, mode = "lossless", batch_rows = 65_536))]
fn capture_batches(
    py: Python<'_>,
    path: std::path::PathBuf,
    mode: &str,
    batch_rows: usize,
) -> PyResult<PyArrowBatches> {
    let options = ExportOptions {
        batch_rows: batch_rows_arg(batch_rows)?,
        mode: parse_mode(mode)?,
        ..ExportOptions::default()
    };
    let reader = CaptureReader::open(&path).map_err(|e| capture_error(&e))?;
    let name = path.to_string_lossy().into_owned();
    let batches = py.detach(|| CaptureBatches::new(reader, &name, &options).collect());
    Ok(PyArrowBatches::new(tcpwire::columnar::schema(), batches))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCapturedSegment>()?;
    m.add_class::<PyCaptureIterator>()?;
    m.add_function(wrap_pyfunction!(from_pcap, m)?)?;
    m.add_function(wrap_pyfunction!(capture_batches, m)?)?;
    m.add_function(wrap_pyfunction!(_captured_segment, m)?)?;
    Ok(())
}
