"""tcpwire: TCP segments as typed Python objects, and back into the very same bytes.

The parsing, writing, checksums and capture reading are tcpwire's Rust code; the objects are
built natively (no JSON text in between).

>>> import tcpwire
>>> seg = tcpwire.TcpSegment.parse(bytes.fromhex(
...     "c35001bb0000000100000000a002faf000000000020405b40402080a000000010000000001030307"))
>>> seg.header.flags.syn, seg.header.options[0]
(True, Mss(mss=1460))
>>> seg.to_bytes().hex()[:8]
'c35001bb'

Modules: ``tcpwire`` (everything below), ``tcpwire.compat`` (dpkt drop-ins).
"""

from __future__ import annotations

from typing import Any

from . import _tcpwire
from ._tcpwire import (  # noqa: F401  (re-exported)
    AccEcnOrder0,
    AccEcnOrder1,
    AddAddr,
    AltChecksumData,
    AltChecksumRequest,
    Builder,
    CaptureError,
    CaptureIterator,
    CapturedSegment,
    Cc,
    CcEcho,
    CcNew,
    Custom,
    Dss,
    Echo,
    EchoReply,
    EncodeError,
    Eno,
    Eol,
    Experiment,
    ExperimentalFastOpen,
    FastOpen,
    Flags,
    Malformed,
    Md5Signature,
    MpCapable,
    MpExperimental,
    MpFail,
    MpFastclose,
    MpJoin,
    MpPrio,
    MpTcpRst,
    Mptcp,
    MptcpUnassigned,
    Mss,
    Nop,
    ParseError,
    PocPermitted,
    PocServiceProfile,
    QuickStartResponse,
    RemoveAddr,
    Sack,
    SackPermitted,
    Snack,
    TcpAo,
    TcpHeader,
    TcpOption,
    TcpSegment,
    Timestamps,
    Unknown,
    UserTimeout,
    WindowScale,
    __version__,
    checksum_compute,
    checksum_verify,
    from_pcap,
    parse,
    parse_many,
)

__all__ = [name for name in dir(_tcpwire) if not name.startswith("_")] + [
    "to_arrow",
    "__version__",
]


def to_arrow(path: str, mode: str = "lossless", batch_rows: int = 65_536) -> Any:
    """The capture at ``path`` as a ``pyarrow.Table``: tcpwire's columnar table, one row per
    TCP segment (and per error line), every option kept byte for byte (columns: the Rust docs
    of ``tcpwire::columnar``). Needs pyarrow (``pip install pyarrow``).

    The table is made in Rust by arrow-rs and handed over as one Arrow IPC stream, which
    pyarrow opens without copying the columns.

    >>> table = tcpwire.to_arrow("corpus/mptcp-ipv4-multipath.pcap")
    >>> table.num_rows, table.column("src_port")[0].as_py()
    (110, ...)
    """
    import pyarrow.ipc  # imported here: pyarrow is an optional dependency

    stream = _tcpwire.arrow_ipc_stream(str(path), mode, batch_rows)
    return pyarrow.ipc.open_stream(stream).read_all()
