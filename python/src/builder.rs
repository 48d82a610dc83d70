//! `Builder`: canonical segments (data offset, padding, checksum) from fields and options.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use tcpwire::option::SackBlock;
use tcpwire::{Flags, TcpSegment, TcpSegmentBuilder};

use crate::errors::encode_error;
use crate::header::{PyFlags, PyTcpHeader, PyTcpSegment};
use crate::ip_address;
use crate::option::option_of;

/// Builds a segment; every setter returns the builder, so calls chain. `build()` works out the
/// data offset and padding and checks the result; `build_with_checksum(src, dst)` fills the
/// checksum too.
///
/// >>> seg = (Builder().ports(50000, 80).seq(1).syn().mss(1460).sack_permitted()
/// ...        .timestamps(100, 0).nop().window_scale(7).build_with_checksum("192.0.2.1", "192.0.2.2"))
/// >>> [o.name for o in seg.header.options]
/// ['mss', 'sack_permitted', 'timestamps', 'nop', 'window_scale']
#[pyclass(module = "tcpwire", name = "Builder")]
pub struct PyBuilder {
    builder: Option<TcpSegmentBuilder>,
}

impl PyBuilder {
    /// Applies one setter and hands back the same builder object.
    fn step<'py>(
        slf: &Bound<'py, Self>,
        f: impl FnOnce(TcpSegmentBuilder) -> TcpSegmentBuilder,
    ) -> Bound<'py, Self> {
        {
            let mut this = slf.borrow_mut();
            let builder = this.builder.take().unwrap_or_default();
            this.builder = Some(f(builder));
        }
        slf.clone()
    }

    fn current(&self) -> TcpSegmentBuilder {
        self.builder.clone().unwrap_or_default()
    }
}

#[pymethods]
impl PyBuilder {
    /// A builder with every field at its default (window 65535, data offset worked out).
    /// `Builder(header)` or `Builder(segment)` starts from an existing value instead.
    #[new]
    #[pyo3(signature = (start = None))]
    fn new(start: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let builder = match start {
            None => TcpSegment::builder(),
            Some(value) => {
                if let Ok(header) = value.cast::<PyTcpHeader>() {
                    TcpSegmentBuilder::from(TcpSegment {
                        header: header.get().header().clone(),
                        payload: Vec::new(),
                    })
                } else {
                    let segment = value.cast::<PyTcpSegment>()?;
                    let header = segment.getattr("header")?;
                    let header = header.cast::<PyTcpHeader>()?;
                    let payload = segment.getattr("payload")?;
                    TcpSegmentBuilder::from(TcpSegment {
                        header: header.get().header().clone(),
                        payload: payload.cast::<PyBytes>()?.as_bytes().to_vec(),
                    })
                }
            }
        };
        Ok(PyBuilder {
            builder: Some(builder),
        })
    }

    /// Source port.
    fn src_port<'py>(slf: &Bound<'py, Self>, port: u16) -> Bound<'py, Self> {
        Self::step(slf, |b| b.src_port(port))
    }
    /// Destination port.
    fn dst_port<'py>(slf: &Bound<'py, Self>, port: u16) -> Bound<'py, Self> {
        Self::step(slf, |b| b.dst_port(port))
    }
    /// Both ports.
    fn ports<'py>(slf: &Bound<'py, Self>, src: u16, dst: u16) -> Bound<'py, Self> {
        Self::step(slf, |b| b.ports(src, dst))
    }
    /// Sequence number.
    fn seq<'py>(slf: &Bound<'py, Self>, seq: u32) -> Bound<'py, Self> {
        Self::step(slf, |b| b.seq(seq))
    }
    /// Acknowledgment number.
    fn ack_number<'py>(slf: &Bound<'py, Self>, ack: u32) -> Bound<'py, Self> {
        Self::step(slf, |b| b.ack_number(ack))
    }
    /// The 3 reserved bits.
    fn reserved<'py>(slf: &Bound<'py, Self>, reserved: u8) -> Bound<'py, Self> {
        Self::step(slf, |b| b.reserved(reserved))
    }
    /// All nine flags at once (a `Flags` or its 9-bit value), replacing those set so far.
    fn flags<'py>(slf: &Bound<'py, Self>, flags: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let flags = match flags.cast::<PyFlags>() {
            Ok(f) => f.get().flags,
            Err(_) => {
                let bits: u16 = flags.extract()?;
                Flags::from_bits(bits).ok_or_else(|| {
                    pyo3::exceptions::PyValueError::new_err(format!(
                        "{bits:#x} is wider than the 9 flags"
                    ))
                })?
            }
        };
        Ok(Self::step(slf, |b| b.flags(flags)))
    }
    /// Sets FIN.
    fn fin<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.fin())
    }
    /// Sets SYN.
    fn syn<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.syn())
    }
    /// Sets RST.
    fn rst<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.rst())
    }
    /// Sets PSH.
    fn psh<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.psh())
    }
    /// Sets ACK.
    fn ack<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.ack())
    }
    /// Sets URG.
    fn urg<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.urg())
    }
    /// Sets ECE.
    fn ece<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.ece())
    }
    /// Sets CWR.
    fn cwr<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.cwr())
    }
    /// Sets AE.
    fn ae<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.ae())
    }
    /// Window.
    fn window<'py>(slf: &Bound<'py, Self>, window: u16) -> Bound<'py, Self> {
        Self::step(slf, |b| b.window(window))
    }
    /// Checksum field (`build_with_checksum` computes it instead).
    fn checksum<'py>(slf: &Bound<'py, Self>, checksum: u16) -> Bound<'py, Self> {
        Self::step(slf, |b| b.checksum(checksum))
    }
    /// Urgent pointer.
    fn urgent_pointer<'py>(slf: &Bound<'py, Self>, urgent_pointer: u16) -> Bound<'py, Self> {
        Self::step(slf, |b| b.urgent_pointer(urgent_pointer))
    }
    /// Appends an option (any `TcpOption`, e.g. `tcpwire.Mss(mss=1460)`).
    fn option<'py>(
        slf: &Bound<'py, Self>,
        option: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, Self>> {
        let option = option_of(option)?;
        Ok(Self::step(slf, |b| b.option(option)))
    }
    /// Appends a NOP.
    fn nop<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.nop())
    }
    /// Appends an EOL.
    fn eol<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.eol())
    }
    /// Appends an MSS option.
    fn mss<'py>(slf: &Bound<'py, Self>, mss: u16) -> Bound<'py, Self> {
        Self::step(slf, |b| b.mss(mss))
    }
    /// Appends a window scale option.
    fn window_scale<'py>(slf: &Bound<'py, Self>, shift: u8) -> Bound<'py, Self> {
        Self::step(slf, |b| b.window_scale(shift))
    }
    /// Appends SACK Permitted.
    fn sack_permitted<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.sack_permitted())
    }
    /// Appends a SACK option with `(left, right)` blocks.
    fn sack<'py>(slf: &Bound<'py, Self>, blocks: Vec<(u32, u32)>) -> Bound<'py, Self> {
        let blocks: Vec<SackBlock> = blocks
            .into_iter()
            .map(|(left, right)| SackBlock { left, right })
            .collect();
        Self::step(slf, |b| b.sack(&blocks))
    }
    /// Appends a timestamps option.
    fn timestamps<'py>(slf: &Bound<'py, Self>, tsval: u32, tsecr: u32) -> Bound<'py, Self> {
        Self::step(slf, |b| b.timestamps(tsval, tsecr))
    }
    /// Appends a TCP Fast Open option (an empty cookie is a cookie request).
    fn fast_open<'py>(slf: &Bound<'py, Self>, cookie: &[u8]) -> Bound<'py, Self> {
        Self::step(slf, |b| b.fast_open(cookie))
    }
    /// Appends an MPTCP REMOVE_ADDR.
    fn remove_addr<'py>(slf: &Bound<'py, Self>, address_ids: Vec<u8>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.remove_addr(&address_ids))
    }
    /// Appends an MPTCP MP_PRIO.
    fn mp_prio<'py>(slf: &Bound<'py, Self>, backup: bool) -> Bound<'py, Self> {
        Self::step(slf, |b| b.mp_prio(backup))
    }
    /// Appends an MPTCP MP_FAIL.
    fn mp_fail<'py>(slf: &Bound<'py, Self>, dsn: u64) -> Bound<'py, Self> {
        Self::step(slf, |b| b.mp_fail(dsn))
    }
    /// Appends an MPTCP MP_FASTCLOSE with the 8-byte receiver key.
    fn mp_fastclose<'py>(slf: &Bound<'py, Self>, receiver_key: [u8; 8]) -> Bound<'py, Self> {
        Self::step(slf, |b| b.mp_fastclose(receiver_key))
    }
    /// The payload.
    fn payload<'py>(slf: &Bound<'py, Self>, payload: Vec<u8>) -> Bound<'py, Self> {
        Self::step(slf, |b| b.payload(payload))
    }

    /// The segment (raises `EncodeError` when the fields cannot make one).
    fn build(&self, py: Python<'_>) -> PyResult<PyTcpSegment> {
        let segment = self.current().build().map_err(|e| encode_error(&e))?;
        PyTcpSegment::from_parts(py, segment.header, &segment.payload)
    }

    /// The segment with its checksum computed between `src` and `dst`.
    fn build_with_checksum(
        &self,
        src: &Bound<'_, PyAny>,
        dst: &Bound<'_, PyAny>,
    ) -> PyResult<PyTcpSegment> {
        let segment = self
            .current()
            .build_with_checksum(ip_address(src)?, ip_address(dst)?)
            .map_err(|e| encode_error(&e))?;
        PyTcpSegment::from_parts(src.py(), segment.header, &segment.payload)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBuilder>()
}
