//! `Flags`, `TcpHeader` and `TcpSegment`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple, PyType};
use pythonize::{depythonize, pythonize};

use tcpwire::{Flags, ParseMode, TcpHeader, TcpHeaderView, TcpSegment};

use crate::errors::{encode_error, parse_error};
use crate::option::wrap_option;
use crate::{ip_address, parse_mode};

/// The nine TCP control flags (AE, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
///
/// >>> f = Flags.SYN | Flags.ACK
/// >>> f.syn, f.ack, f.fin, int(f)
/// (True, True, False, 18)
#[pyclass(frozen, eq, hash, module = "tcpwire", name = "Flags")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyFlags {
    pub(crate) flags: Flags,
}

#[pymethods]
impl PyFlags {
    #[classattr]
    const FIN: PyFlags = PyFlags { flags: Flags::FIN };
    /// Whether FIN is set.
    #[getter]
    fn fin(&self) -> bool {
        self.flags.fin()
    }
    #[classattr]
    const SYN: PyFlags = PyFlags { flags: Flags::SYN };
    /// Whether SYN is set.
    #[getter]
    fn syn(&self) -> bool {
        self.flags.syn()
    }
    #[classattr]
    const RST: PyFlags = PyFlags { flags: Flags::RST };
    /// Whether RST is set.
    #[getter]
    fn rst(&self) -> bool {
        self.flags.rst()
    }
    #[classattr]
    const PSH: PyFlags = PyFlags { flags: Flags::PSH };
    /// Whether PSH is set.
    #[getter]
    fn psh(&self) -> bool {
        self.flags.psh()
    }
    #[classattr]
    const ACK: PyFlags = PyFlags { flags: Flags::ACK };
    /// Whether ACK is set.
    #[getter]
    fn ack(&self) -> bool {
        self.flags.ack()
    }
    #[classattr]
    const URG: PyFlags = PyFlags { flags: Flags::URG };
    /// Whether URG is set.
    #[getter]
    fn urg(&self) -> bool {
        self.flags.urg()
    }
    #[classattr]
    const ECE: PyFlags = PyFlags { flags: Flags::ECE };
    /// Whether ECE is set.
    #[getter]
    fn ece(&self) -> bool {
        self.flags.ece()
    }
    #[classattr]
    const CWR: PyFlags = PyFlags { flags: Flags::CWR };
    /// Whether CWR is set.
    #[getter]
    fn cwr(&self) -> bool {
        self.flags.cwr()
    }
    #[classattr]
    const AE: PyFlags = PyFlags { flags: Flags::AE };
    /// Whether AE is set.
    #[getter]
    fn ae(&self) -> bool {
        self.flags.ae()
    }
    /// Flags from their 9-bit value (FIN is bit 0, AE bit 8).
    #[new]
    #[pyo3(signature = (bits = 0))]
    fn new(bits: u16) -> PyResult<Self> {
        Flags::from_bits(bits)
            .map(|flags| PyFlags { flags })
            .ok_or_else(|| PyValueError::new_err(format!("{bits:#x} is wider than the 9 flags")))
    }

    /// The 9-bit value.
    #[getter]
    fn bits(&self) -> u16 {
        self.flags.bits()
    }

    /// The names of the flags set, high bit first (`["SYN", "ACK"]`... in the crate's order).
    fn names(&self) -> Vec<&'static str> {
        self.flags.iter_names().collect()
    }

    /// `{"ae": false, ..., "fin": false}`, as in the JSON form.
    // pyo3 methods take `&self`; the Python name is the package's one for every class.
    #[allow(clippy::wrong_self_convention)]
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize(py, &self.flags)?)
    }

    fn __int__(&self) -> u16 {
        self.flags.bits()
    }

    fn __or__(&self, other: &Self) -> Self {
        PyFlags {
            flags: self.flags | other.flags,
        }
    }

    fn __and__(&self, other: &Self) -> Self {
        PyFlags {
            flags: self.flags & other.flags,
        }
    }

    fn __contains__(&self, other: &Self) -> bool {
        self.flags.contains(other.flags)
    }

    fn __bool__(&self) -> bool {
        !self.flags.is_empty()
    }

    fn __repr__(&self) -> String {
        format!("Flags({})", self.flags)
    }

    /// Pickling: `Flags(bits)`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyType>, (u16,)) {
        (slf.get_type(), (slf.get().flags.bits(),))
    }

    /// Immutable: a copy is the object itself.
    fn __copy__<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        slf.clone()
    }

    fn __deepcopy__<'py>(slf: &Bound<'py, Self>, _memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        slf.clone()
    }

    fn __str__(&self) -> String {
        self.flags.to_string()
    }
}

/// A TCP header, every bit of it: the fixed fields as sent, the options in wire order, the
/// padding after an EOL.
///
/// >>> h = TcpHeader.parse(bytes.fromhex("01bbc350000000010000000250100200" "00000000"))
/// >>> h.src_port, h.dst_port, h.flags.ack, h.options
/// (443, 50000, True, ())
#[pyclass(frozen, module = "tcpwire", name = "TcpHeader")]
pub struct PyTcpHeader {
    /// The header's bytes, for a header parsed from them: the fixed fields and the options are
    /// read from these, so parsing builds no owned value (about 600 bytes, copied as it moves).
    wire: Option<WireHeader>,
    /// The owned header: given to a header made from a value; made from `wire` on first use.
    value: OnceLock<Box<TcpHeader>>,
    options: OnceLock<Py<PyTuple>>,
}

/// A parsed header's bytes (a header is at most 60).
struct WireHeader {
    bytes: [u8; 60],
    len: usize,
}

/// A fixed field: read from the wire bytes when the header has them, else from the value.
macro_rules! fixed_field {
    ($this:ident, $field:ident) => {
        match $this.view() {
            Some(view) => view.$field(),
            None => $this.header().$field,
        }
    };
}

impl PyTcpHeader {
    /// A header made from a value (a builder, a record, a capture).
    pub(crate) fn new(header: TcpHeader) -> Self {
        PyTcpHeader {
            wire: None,
            value: OnceLock::from(Box::new(header)),
            options: OnceLock::new(),
        }
    }

    /// Parses the header at the start of `data` in `mode`; returns it and the bytes after it.
    ///
    /// Lossless parsing only checks the fixed header; strict parsing also checks that no option
    /// is malformed, and when one is, the error is the strict parser's (the first malformed
    /// option, as the view finds it).
    pub(crate) fn parse_wire<'d>(
        py: Python<'_>,
        data: &'d [u8],
        mode: ParseMode,
    ) -> PyResult<(Self, &'d [u8])> {
        let (view, rest) = TcpHeaderView::parse_prefix(data).map_err(|e| parse_error(py, &e))?;
        if mode == ParseMode::Strict && view.has_malformed() {
            return match TcpHeader::parse_with(data, ParseMode::Strict) {
                Err(e) => Err(parse_error(py, &e)),
                Ok(header) => Ok((Self::new(header), rest)),
            };
        }
        let mut bytes = [0u8; 60];
        let len = view.header_len();
        match (bytes.get_mut(..len), data.get(..len)) {
            (Some(to), Some(from)) => to.copy_from_slice(from),
            // A view's header lies within its input and is at most 60 bytes.
            _ => return Ok((Self::new(view.to_owned()), rest)),
        }
        let header = PyTcpHeader {
            wire: Some(WireHeader { bytes, len }),
            value: OnceLock::new(),
            options: OnceLock::new(),
        };
        Ok((header, rest))
    }

    /// The view of the wire bytes, for a parsed header.
    fn view(&self) -> Option<TcpHeaderView<'_>> {
        let wire = self.wire.as_ref()?;
        TcpHeaderView::parse(wire.bytes.get(..wire.len)?).ok()
    }

    /// The owned header (made on first use for a parsed header: equal to what the lossless
    /// parser gives, and so to the strict parser's value for a header that passed it).
    pub(crate) fn header(&self) -> &TcpHeader {
        self.value.get_or_init(|| {
            Box::new(match self.view() {
                Some(view) => view.to_owned(),
                // Not reached: a header without wire bytes is given its value when made.
                None => TcpHeader::default(),
            })
        })
    }
}

#[pymethods]
impl PyTcpHeader {
    /// Parses a header (strict); bytes after the header are ignored (`parse_prefix` returns
    /// them).
    #[staticmethod]
    fn parse(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        Self::parse_wire(py, data, ParseMode::Strict).map(|(header, _)| header)
    }

    /// Parses a header, keeping malformed options as `Malformed`.
    #[staticmethod]
    fn parse_lossless(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        Self::parse_wire(py, data, ParseMode::Lossless).map(|(header, _)| header)
    }

    /// Parses a header in `mode` (`"strict"` or `"lossless"`).
    #[staticmethod]
    #[pyo3(signature = (data, mode = "strict"))]
    fn parse_with(py: Python<'_>, data: &[u8], mode: &str) -> PyResult<Self> {
        Self::parse_wire(py, data, parse_mode(mode)?).map(|(header, _)| header)
    }

    /// Parses the header at the start of `data`; returns it and the bytes after it.
    #[staticmethod]
    #[pyo3(signature = (data, mode = "strict"))]
    fn parse_prefix<'py>(
        py: Python<'py>,
        data: &[u8],
        mode: &str,
    ) -> PyResult<(Self, Bound<'py, PyBytes>)> {
        let (header, rest) = Self::parse_wire(py, data, parse_mode(mode)?)?;
        Ok((header, PyBytes::new(py, rest)))
    }

    /// The header a JSON record describes (the form `to_dict` gives).
    #[staticmethod]
    fn from_dict(record: &Bound<'_, PyAny>) -> PyResult<Self> {
        depythonize::<TcpHeader>(record)
            .map(Self::new)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Source port.
    #[getter]
    fn src_port(&self) -> u16 {
        fixed_field!(self, src_port)
    }
    /// Destination port.
    #[getter]
    fn dst_port(&self) -> u16 {
        fixed_field!(self, dst_port)
    }
    /// Sequence number.
    #[getter]
    fn seq(&self) -> u32 {
        fixed_field!(self, seq)
    }
    /// Acknowledgment number (as sent, whether or not ACK is set).
    #[getter]
    fn ack_number(&self) -> u32 {
        fixed_field!(self, ack_number)
    }
    /// The raw 4-bit data offset, in 32-bit words.
    #[getter]
    fn data_offset(&self) -> u8 {
        fixed_field!(self, data_offset)
    }
    /// The 3 reserved bits, as sent.
    #[getter]
    fn reserved(&self) -> u8 {
        fixed_field!(self, reserved)
    }
    /// The control flags.
    #[getter]
    fn flags(&self) -> PyFlags {
        PyFlags {
            flags: fixed_field!(self, flags),
        }
    }
    /// Window.
    #[getter]
    fn window(&self) -> u16 {
        fixed_field!(self, window)
    }
    /// Checksum, as sent.
    #[getter]
    fn checksum(&self) -> u16 {
        fixed_field!(self, checksum)
    }
    /// Urgent pointer (as sent, whether or not URG is set).
    #[getter]
    fn urgent_pointer(&self) -> u16 {
        fixed_field!(self, urgent_pointer)
    }
    /// The bytes after an EOL up to the end of the header.
    #[getter]
    fn padding<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        match self.view() {
            Some(view) => PyBytes::new(py, view.padding()),
            None => PyBytes::new(py, self.header().padding.as_slice()),
        }
    }

    /// The options in wire order, each an instance of its kind's class (a tuple, built once).
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        if let Some(options) = self.options.get() {
            return Ok(options.bind(py).clone());
        }
        let items = match self.view() {
            Some(view) => view
                .options()
                .map(|option| wrap_option(py, option.to_owned()))
                .collect::<PyResult<Vec<_>>>()?,
            None => self
                .header()
                .options
                .iter()
                .map(|option| wrap_option(py, option.clone()))
                .collect::<PyResult<Vec<_>>>()?,
        };
        let tuple = PyTuple::new(py, items)?.unbind();
        Ok(self.options.get_or_init(|| tuple).bind(py).clone())
    }

    /// Header length in bytes (data offset × 4).
    #[getter]
    fn header_len(&self) -> usize {
        match self.view() {
            Some(view) => view.header_len(),
            None => self.header().header_len(),
        }
    }

    /// Whether any option was kept as malformed.
    #[getter]
    fn has_malformed(&self) -> bool {
        match self.view() {
            Some(view) => view.has_malformed(),
            None => self.header().has_malformed(),
        }
    }

    /// The MSS option's value, if present.
    #[getter]
    fn mss(&self) -> Option<u16> {
        self.header().mss()
    }
    /// The window scale shift, if present.
    #[getter]
    fn window_scale(&self) -> Option<u8> {
        self.header().window_scale()
    }
    /// Whether SACK Permitted is present.
    #[getter]
    fn sack_permitted(&self) -> bool {
        self.header().sack_permitted()
    }
    /// `(tsval, tsecr)` of the timestamps option, if present.
    #[getter]
    fn timestamps(&self) -> Option<(u32, u32)> {
        self.header().timestamps()
    }

    /// Raises `EncodeError` unless the header writes back exactly.
    fn validate(&self) -> PyResult<()> {
        self.header().validate().map_err(|e| encode_error(&e))
    }

    /// The header's wire bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.header().to_bytes().map_err(|e| encode_error(&e))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// `bytes(x)`: the wire bytes, as `to_bytes()`.
    fn __bytes__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.to_bytes(py)
    }

    /// The header as the crate's JSON form (`tcpwire pcap`'s `"header"`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize(py, &self.header())?)
    }

    /// The checksum this header and `payload` should carry between `src` and `dst` (str or
    /// `ipaddress` objects, both IPv4 or both IPv6).
    #[pyo3(signature = (src, dst, payload = b"".as_slice()))]
    fn checksum_for(
        &self,
        src: &Bound<'_, PyAny>,
        dst: &Bound<'_, PyAny>,
        payload: &[u8],
    ) -> PyResult<u16> {
        self.header()
            .checksum_for(ip_address(src)?, ip_address(dst)?, payload)
            .map_err(|e| encode_error(&e))
    }

    /// Whether the header's checksum field is right for `payload` between `src` and `dst`.
    #[pyo3(signature = (src, dst, payload = b"".as_slice()))]
    fn verify_checksum(
        &self,
        src: &Bound<'_, PyAny>,
        dst: &Bound<'_, PyAny>,
        payload: &[u8],
    ) -> PyResult<bool> {
        self.header()
            .verify_checksum(ip_address(src)?, ip_address(dst)?, payload)
            .map_err(|e| encode_error(&e))
    }

    fn __repr__(&self) -> String {
        format!("<TcpHeader {}>", self.header())
    }

    fn __str__(&self) -> String {
        self.header().to_string()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyTcpHeader>() {
            Ok(other) => self.header() == other.get().header(),
            Err(_) => false,
        }
    }

    fn __hash__(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.header().hash(&mut hasher);
        hasher.finish()
    }

    /// Pickling: a parsed header by its bytes (`parse_lossless`), another by its record
    /// (`from_dict`).
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let this = slf.get();
        match this.wire.as_ref().and_then(|w| w.bytes.get(..w.len)) {
            Some(bytes) => Ok((
                slf.get_type().getattr("parse_lossless")?,
                PyTuple::new(py, [PyBytes::new(py, bytes)])?,
            )),
            None => Ok((
                slf.get_type().getattr("from_dict")?,
                PyTuple::new(py, [pythonize(py, this.header())?])?,
            )),
        }
    }

    /// Immutable: a copy is the object itself.
    fn __copy__<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        slf.clone()
    }

    fn __deepcopy__<'py>(slf: &Bound<'py, Self>, _memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        slf.clone()
    }
}

/// A TCP segment: its header and the payload after it.
///
/// >>> s = TcpSegment.parse(bytes.fromhex("0050 9c40 00000007 00000000 5018 ffff 0000 0000") + b"GET /")
/// >>> s.header.dst_port, s.payload
/// (40000, b'GET /')
#[pyclass(frozen, module = "tcpwire", name = "TcpSegment")]
pub struct PyTcpSegment {
    header: Py<PyTcpHeader>,
    payload: Payload,
}

/// A segment's payload: its own bytes object, or, for a parsed segment, the part of the
/// parsed bytes after the header, made into a bytes object when first asked for (copying a
/// payload that is never read was a third of a parse's cost).
enum Payload {
    Bytes(Py<PyBytes>),
    Parsed {
        input: Py<PyBytes>,
        start: usize,
        object: OnceLock<Py<PyBytes>>,
    },
}

impl PyTcpSegment {
    /// Parses a segment into its Python object; the payload stays in `data` until read.
    pub(crate) fn from_bytes(
        py: Python<'_>,
        data: &Bound<'_, PyBytes>,
        mode: ParseMode,
    ) -> PyResult<Self> {
        let bytes = data.as_bytes();
        let (header, payload) = PyTcpHeader::parse_wire(py, bytes, mode)?;
        Ok(PyTcpSegment {
            header: Py::new(py, header)?,
            payload: Payload::Parsed {
                input: data.clone().unbind(),
                start: bytes.len().saturating_sub(payload.len()),
                object: OnceLock::new(),
            },
        })
    }

    pub(crate) fn from_parts(py: Python<'_>, header: TcpHeader, payload: &[u8]) -> PyResult<Self> {
        Ok(PyTcpSegment {
            header: Py::new(py, PyTcpHeader::new(header))?,
            payload: Payload::Bytes(PyBytes::new(py, payload).unbind()),
        })
    }

    /// The payload's bytes.
    fn payload_bytes<'a>(&'a self, py: Python<'_>) -> &'a [u8] {
        match &self.payload {
            Payload::Bytes(bytes) => bytes.as_bytes(py),
            Payload::Parsed { input, start, .. } => {
                input.as_bytes(py).get(*start..).unwrap_or_default()
            }
        }
    }

    fn segment(&self, py: Python<'_>) -> TcpSegment {
        TcpSegment {
            header: self.header.get().header().clone(),
            payload: self.payload_bytes(py).to_vec(),
        }
    }
}

#[pymethods]
impl PyTcpSegment {
    /// Builds a segment from a header and a payload.
    #[new]
    #[pyo3(signature = (header, payload = None))]
    fn new(py: Python<'_>, header: Py<PyTcpHeader>, payload: Option<Bound<'_, PyBytes>>) -> Self {
        PyTcpSegment {
            header,
            payload: Payload::Bytes(payload.unwrap_or_else(|| PyBytes::new(py, b"")).unbind()),
        }
    }

    /// Parses a segment (strict: a malformed option raises `ParseError` naming kind and offset).
    #[staticmethod]
    fn parse(py: Python<'_>, data: &Bound<'_, PyBytes>) -> PyResult<Self> {
        Self::from_bytes(py, data, ParseMode::Strict)
    }

    /// Parses a segment, keeping malformed options as `Malformed` (`to_bytes()` then gives back
    /// exactly the input).
    #[staticmethod]
    fn parse_lossless(py: Python<'_>, data: &Bound<'_, PyBytes>) -> PyResult<Self> {
        Self::from_bytes(py, data, ParseMode::Lossless)
    }

    /// Parses a segment in `mode` (`"strict"` or `"lossless"`).
    #[staticmethod]
    #[pyo3(signature = (data, mode = "strict"))]
    fn parse_with(py: Python<'_>, data: &Bound<'_, PyBytes>, mode: &str) -> PyResult<Self> {
        Self::from_bytes(py, data, parse_mode(mode)?)
    }

    /// The segment a JSON record describes (the form `to_dict` gives).
    #[staticmethod]
    fn from_dict(py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<Self> {
        let segment =
            depythonize::<TcpSegment>(record).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Self::from_parts(py, segment.header, &segment.payload)
    }

    /// The header.
    #[getter]
    fn header(&self, py: Python<'_>) -> Py<PyTcpHeader> {
        self.header.clone_ref(py)
    }

    /// The bytes after the header.
    #[getter]
    fn payload(&self, py: Python<'_>) -> Py<PyBytes> {
        match &self.payload {
            Payload::Bytes(bytes) => bytes.clone_ref(py),
            Payload::Parsed { object, .. } => {
                if let Some(bytes) = object.get() {
                    return bytes.clone_ref(py);
                }
                // Made outside the cell's initializer: Python code (a collection) may run while
                // a Python object is allocated.
                let bytes = PyBytes::new(py, self.payload_bytes(py)).unbind();
                object.get_or_init(|| bytes).clone_ref(py)
            }
        }
    }

    /// The segment's wire bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut bytes = self
            .header
            .get()
            .header()
            .to_bytes()
            .map_err(|e| encode_error(&e))?;
        bytes.extend_from_slice(self.payload_bytes(py));
        Ok(PyBytes::new(py, &bytes))
    }

    /// `bytes(x)`: the wire bytes, as `to_bytes()`.
    fn __bytes__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.to_bytes(py)
    }

    /// `{"header": {...}, "payload": "<hex>"}`, the crate's JSON form.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize(py, &self.segment(py))?)
    }

    /// The checksum this segment should carry between `src` and `dst`.
    fn checksum_for(&self, src: &Bound<'_, PyAny>, dst: &Bound<'_, PyAny>) -> PyResult<u16> {
        let py = src.py();
        self.header
            .get()
            .header()
            .checksum_for(ip_address(src)?, ip_address(dst)?, self.payload_bytes(py))
            .map_err(|e| encode_error(&e))
    }

    /// Whether the segment's checksum field is right between `src` and `dst`.
    fn verify_checksum(&self, src: &Bound<'_, PyAny>, dst: &Bound<'_, PyAny>) -> PyResult<bool> {
        let py = src.py();
        self.header
            .get()
            .header()
            .verify_checksum(ip_address(src)?, ip_address(dst)?, self.payload_bytes(py))
            .map_err(|e| encode_error(&e))
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.header.get().header_len() + self.payload_bytes(py).len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("<TcpSegment {}>", self.segment(py))
    }

    fn __str__(&self, py: Python<'_>) -> String {
        self.segment(py).to_string()
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyTcpSegment>() {
            Ok(other) => {
                let other = other.get();
                self.header.get().header() == other.header.get().header()
                    && self.payload_bytes(py) == other.payload_bytes(py)
            }
            Err(_) => false,
        }
    }

    fn __hash__(&self, py: Python<'_>) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.header.get().header().hash(&mut hasher);
        self.payload_bytes(py).hash(&mut hasher);
        hasher.finish()
    }

    /// Pickling: a parsed segment by the bytes it was parsed from (`parse_lossless`), another
    /// by its record (`from_dict`).
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let this = slf.get();
        match &this.payload {
            Payload::Parsed { input, .. } => Ok((
                slf.get_type().getattr("parse_lossless")?,
                PyTuple::new(py, [input.clone_ref(py)])?,
            )),
            Payload::Bytes(_) => Ok((
                slf.get_type().getattr("from_dict")?,
                PyTuple::new(py, [pythonize(py, &this.segment(py))?])?,
            )),
        }
    }

    /// Immutable: a copy is the object itself.
    fn __copy__<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        slf.clone()
    }

    fn __deepcopy__<'py>(slf: &Bound<'py, Self>, _memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        slf.clone()
    }
}

/// Computes the checksum of segment bytes (header and payload, checksum field as it is)
/// between `src` and `dst`.
#[pyfunction]
fn checksum_compute(
    src: &Bound<'_, PyAny>,
    dst: &Bound<'_, PyAny>,
    segment: &[u8],
) -> PyResult<u16> {
    tcpwire::checksum::compute(ip_address(src)?, ip_address(dst)?, segment)
        .map_err(|e| encode_error(&e))
}

/// Whether segment bytes carry the right checksum between `src` and `dst`.
#[pyfunction]
fn checksum_verify(
    src: &Bound<'_, PyAny>,
    dst: &Bound<'_, PyAny>,
    segment: &[u8],
) -> PyResult<bool> {
    tcpwire::checksum::verify(ip_address(src)?, ip_address(dst)?, segment)
        .map_err(|e| encode_error(&e))
}

/// Parses a segment: `TcpSegment.parse_with(data, mode)`.
#[pyfunction]
#[pyo3(signature = (data, mode = "strict"))]
fn parse(py: Python<'_>, data: &Bound<'_, PyBytes>, mode: &str) -> PyResult<PyTcpSegment> {
    PyTcpSegment::from_bytes(py, data, parse_mode(mode)?)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFlags>()?;
    m.add_class::<PyTcpHeader>()?;
    m.add_class::<PyTcpSegment>()?;
    m.add_function(wrap_pyfunction!(checksum_compute, m)?)?;
    m.add_function(wrap_pyfunction!(checksum_verify, m)?)?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    Ok(())
}
