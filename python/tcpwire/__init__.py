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

import array
from typing import Any, Optional

from . import _tcpwire
from ._tcpwire import (  # noqa: F401  (re-exported)
    AccEcnOrder0,
    AccEcnOrder1,
    AddAddr,
    AltChecksumData,
    AltChecksumRequest,
    ArrowBatches,
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

# The extension's public names this module re-exports (its helpers, such as
# `segment_batches`, stay in `tcpwire._tcpwire`), and the functions defined here.
__all__ = [name for name in dir(_tcpwire) if not name.startswith("_") and name in globals()] + [
    "to_arrow",
    "parse_batch",
    "__version__",
]


def to_arrow(path: str, mode: str = "lossless", batch_rows: int = 65_536) -> Any:
    """The capture at ``path`` as a ``pyarrow.Table``: tcpwire's columnar table, one row per
    TCP segment (and per error line), every option kept byte for byte (columns: the Rust docs
    of ``tcpwire::columnar``). Needs pyarrow (``pip install pyarrow``).

    The table is made in Rust by arrow-rs and handed over through the Arrow C stream interface
    (``_tcpwire.capture_batches``: any Arrow consumer, polars or DuckDB too, can take it), which
    pyarrow adopts without copying the columns.

    >>> table = tcpwire.to_arrow("corpus/mptcp-ipv4-multipath.pcap")
    >>> table.num_rows, table.column("src_port")[0].as_py()
    (110, ...)
    """
    import pyarrow  # imported here: pyarrow is an optional dependency

    return pyarrow.table(_tcpwire.capture_batches(str(path), mode, batch_rows))


def parse_batch(
    segments: Any,
    offsets: Optional[Any] = None,
    mode: str = "lossless",
    batch_rows: int = 8_192,
    threads: int = 0,
    layout: str = "full",
) -> Any:
    """Many raw TCP segments (header and payload each) decoded at once into a ``pyarrow.Table``,
    with no Python object made per segment: row ``i`` is segment ``i``, every header field and
    every option (MPTCP subtypes included) in columns. Needs pyarrow.

    Two ways in:

    - ``parse_batch(data, offsets)``, the fast one: ``data`` holds the segments back to back
      (``bytes``, or anything ``memoryview`` takes: ``bytearray``, a numpy ``uint8`` array) and
      segment ``i`` is ``data[offsets[i]:offsets[i + 1]]``: ``offsets`` has one more entry
      than there are segments (a numpy integer array, or a sequence of ``int``), as in an
      Arrow binary array. An offset outside ``data``, or below the one before it, raises
      ``ValueError``.
    - ``parse_batch(list_of_bytes)``: a sequence of ``bytes`` objects.

    The columns are those of ``tcpwire.to_arrow`` (the Rust docs of ``tcpwire::columnar``) that
    belong to the segment itself: ``error``, ``src_port`` ... ``urgent_pointer`` and the flag
    columns, ``payload_len``, the first ``mss``, ``window_scale``, ``sack_blocks``, ``tsval``,
    ``tsecr``, ``fast_open_cookie`` and MPTCP key fields, ``options`` (a list per segment of
    ``{kind, name, offset, length, raw, problem, mss, shift, ...}`` in wire order),
    ``mptcp_options`` (each MPTCP option's subtype and fields), ``padding``, ``malformed`` and
    ``header_bytes``. A segment that does not parse in ``mode`` gives a row whose ``error``
    says why and whose header columns are null (in lossless mode, only segments without a
    whole fixed header; malformed options are kept, as ``TcpSegment.parse_lossless`` keeps
    them). Fixed fields convert to numpy without copying: ``table.column("seq").to_numpy()``.

    ``layout="narrow"`` keeps, of those columns, ``error``, the fixed header with the
    ``flag_*`` columns (not the ``flags`` text), ``payload_len``, ``mss``, ``window_scale``,
    ``sack_permitted``, ``tsval``, ``tsecr``, ``padding``, ``header_bytes`` and ``options``
    with ``{kind, offset, length, raw, mptcp_subtype}`` per option: still every option's bytes
    (lossless), the same names and types, several times cheaper to build (no MPTCP or other
    typed option fields).

    The columns are built in Rust with the GIL released, in record batches of ``batch_rows``
    rows built on up to ``threads`` threads (0: every core the process may run on; 1: the
    calling thread only) and handed to pyarrow through the Arrow C stream interface, without a copy; for
    another Arrow consumer (polars, DuckDB), ``_tcpwire.segment_batches(data, offsets_bytes)``
    returns the ``ArrowBatches`` themselves.

    >>> data = syn + ack                                   # two segments' bytes
    >>> table = tcpwire.parse_batch(data, [0, len(syn), len(data)])
    >>> table.column("dst_port").to_pylist()
    [443, 443]
    """
    import pyarrow  # imported here: pyarrow is an optional dependency

    if offsets is None:
        batches = _tcpwire.segment_list_batches(segments, mode, batch_rows, threads, layout)
    else:
        data = segments if isinstance(segments, bytes) else memoryview(segments).tobytes()
        raw = _offsets_bytes(offsets)
        batches = _tcpwire.segment_batches(data, raw, mode, batch_rows, threads, layout)
    return pyarrow.table(batches)


def _offsets_bytes(offsets: Any) -> bytes:
    """Offsets as the bytes of native-endian int64 values (numpy arrays without a Python int
    per element)."""
    if hasattr(offsets, "dtype") and hasattr(offsets, "astype"):  # a numpy array
        return offsets.astype("=i8", copy=False).tobytes()
    try:
        return array.array("q", offsets).tobytes()
    except (OverflowError, TypeError) as e:
        raise ValueError(f"offsets must be integers within 64 bits: {e}") from e
