"""Decode cost of tcpwire's Python package against dpkt, scapy and pypcapkit, on the corpus, in
one run (same-run ratios survive machine load better than absolute figures).

Run it pinned to one core, twice, and note the load:

    uptime; taskset -c 1 python3 tools/python_bench.py; taskset -c 1 python3 tools/python_bench.py

Rows (cost per segment, the best of --repeat passes over the same segments):

- tcpwire parse + typed options: ``TcpSegment.parse_lossless(b).header.options``: every option
  decoded by Rust into its kind's class (``Mss``, ``Timestamps``, ``Dss``, ...).
- tcpwire parse + every option's fields: the above, then ``o.to_dict()`` for each option (all
  fields as Python values, the JSON form).
- one field: ``o.tsval`` of each Timestamps option of the corpus (per option, not per
  segment; the option's other fields are not made).
- tcpwire parse + every option's fields as attributes: each field attribute of the option's
  own class read (``o.tsval``, ``o.tsecr``; ``None`` for one a form leaves out), not the
  ``kind`` of every option nor the ``reserved`` of the MPTCP base class, which ``to_dict()``
  also gives.
- dpkt: ``dpkt.tcp.TCP(b)`` then ``dpkt.tcp.parse_opts(t.opts)``: (kind, bytes) pairs, no
  option decoded.
- with ports, numbers, flags and payload: both of the above, then the source and destination
  ports, sequence and acknowledgment numbers, flags and payload read as attributes (a parsed
  segment makes its payload's bytes object when it is first read).
- scapy: ``TCP(b)`` then ``.options``: scapy's (name, value) pairs.
- pcapkit: ``TCP(file, length).info``; pcapkit raises on MPTCP segments, so it runs on the
  segments it can decode, and tcpwire is timed on that same subset for its ratio.
- batch: ``parse_many(list, "lossless")``: many segments in one call, segments per second.
- columnar batch: ``parse_batch(data, offsets)`` (the segments back to back in one ``bytes``,
  numpy int64 offsets) and ``parse_batch(list_of_bytes)``: every segment decoded into Arrow
  columns (``pyarrow.Table``), no Python object per segment; and, to split that cost, the Rust
  part alone (``_tcpwire.segment_batches``: parse, build the record batches) without handing
  them to pyarrow; and ``layout="narrow"`` (the header, every option's kind, offset, length,
  bytes and MPTCP subtype, the first MSS, window scale and timestamps; no other typed field).
- arrow: ``to_arrow(capture)``: the columnar table of a whole capture, rows per second.
"""

from __future__ import annotations

import argparse
import glob
import io
import logging
import os
import time
import warnings
from pathlib import Path

import tcpwire

REPO = Path(__file__).resolve().parents[1]


def corpus_segments():
    files = sorted(glob.glob(str(REPO / "corpus" / "*.pcap"))) + sorted(glob.glob(str(REPO / "corpus" / "handmade" / "*.pcap")))
    public = os.environ.get("TCPWIRE_PUBLIC_CORPUS", str(REPO.parent / "shared" / "corpus-public"))
    files += sorted(glob.glob(os.path.join(public, "*.pcap*")))
    segments = [bytes(s.segment_bytes) for f in files for s in tcpwire.from_pcap(f) if not s.truncated]
    return files, segments


def best(fn, data, repeat):
    """Nanoseconds per item: the fastest of `repeat` passes of fn over data."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn(data)
        times.append(time.perf_counter_ns() - start)
    return min(times) / len(data)


def run_tcpwire_typed(data):
    parse = tcpwire.TcpSegment.parse_lossless
    for b in data:
        parse(b).header.options


def run_tcpwire_fields(data):
    parse = tcpwire.TcpSegment.parse_lossless
    for b in data:
        for o in parse(b).header.options:
            o.to_dict()


def option_getters():
    """Each option class's own field getters (the base classes' kind, name, subtype left out)."""
    import types

    return {
        klass: tuple(n for n, v in vars(klass).items() if isinstance(v, types.GetSetDescriptorType))
        for klass in vars(tcpwire).values()
        if isinstance(klass, type) and issubclass(klass, tcpwire.TcpOption)
    }


GETTERS = option_getters()


def run_tcpwire_attributes(data):
    parse = tcpwire.TcpSegment.parse_lossless
    getters = GETTERS
    for b in data:
        for o in parse(b).header.options:
            for name in getters[type(o)]:
                getattr(o, name, None)


def run_field_reads(options):
    for o in options:
        o.tsval


def run_tcpwire_typical(data):
    parse = tcpwire.TcpSegment.parse_lossless
    for b in data:
        s = parse(b)
        h = s.header
        h.options, h.src_port, h.dst_port, h.seq, h.ack_number, h.flags, s.payload


def run_dpkt_typical(data):
    import dpkt

    tcp, parse_opts = dpkt.tcp.TCP, dpkt.tcp.parse_opts
    for b in data:
        t = tcp(b)
        parse_opts(t.opts), t.sport, t.dport, t.seq, t.ack, t.flags, t.data


def run_dpkt(data):
    import dpkt

    tcp, parse_opts = dpkt.tcp.TCP, dpkt.tcp.parse_opts
    for b in data:
        parse_opts(tcp(b).opts)


def run_scapy(data):
    from scapy.layers.inet import TCP

    for b in data:
        TCP(b).options


def run_pcapkit(data):
    from pcapkit.protocols.transport.tcp import TCP

    for b in data:
        TCP(io.BytesIO(b), length=len(b)).info


def pcapkit_subset(data):
    from pcapkit.protocols.transport.tcp import TCP

    ok = []
    for b in data:
        try:
            TCP(io.BytesIO(b), length=len(b)).info
        except Exception:  # noqa: BLE001 (pcapkit raises many kinds on MPTCP)
            continue
        ok.append(b)
    return ok


def decodable(data):
    """The segments that dpkt and scapy both decode without raising (the per-segment rows
    run on these, so every library does the same work)."""
    import dpkt
    from scapy.layers.inet import TCP

    ok = []
    for b in data:
        try:
            dpkt.tcp.parse_opts(dpkt.tcp.TCP(b).opts)
            TCP(b).options
        except Exception:  # noqa: BLE001 (either library may raise on odd options)
            continue
        ok.append(b)
    return ok


def best_calls(fn, n, repeat):
    """Nanoseconds per segment: the fastest of `repeat` calls of fn() that handle n segments."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - start)
    return min(times) / n


def columnar_rows(everything, sizes, repeat):
    import numpy

    out = []
    for size in sizes:
        batch = (everything * (size // len(everything) + 1))[:size]
        data = b"".join(batch)
        offsets = numpy.zeros(size + 1, dtype=numpy.int64)
        numpy.cumsum([len(b) for b in batch], out=offsets[1:])
        assert tcpwire.parse_batch(data, offsets).num_rows == size
        ns = best_calls(lambda: tcpwire.parse_batch(data, offsets), size, repeat)
        out.append((f"parse_batch(data, offsets), {size:,} segments a call", ns))
        ns = best_calls(lambda: tcpwire.parse_batch(batch), size, repeat)
        out.append((f"parse_batch(list of bytes), {size:,} segments a call", ns))
        ns = best_calls(lambda: tcpwire.parse_batch(data, offsets, layout="narrow"), size, repeat)
        out.append((f"parse_batch(data, offsets, layout=\"narrow\"), {size:,} segments a call", ns))
        raw = offsets.tobytes()
        ns = best_calls(lambda: tcpwire._tcpwire.segment_batches(data, raw), size, repeat)
        out.append((f"of which Rust (parse, build the columns), {size:,} segments", ns))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, nargs="+", default=[4_096, 200_000], help="segments per batch call")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")

    files, everything = corpus_segments()
    segments = decodable(everything)
    print(f"corpus: {len(everything)} segments from {len(files)} captures, {len(segments)} that dpkt and scapy decode; load: {os.getloadavg()}")
    rows = []
    typed = best(run_tcpwire_typed, segments, args.repeat)
    fields = best(run_tcpwire_fields, segments, args.repeat)
    dpkt_ns = best(run_dpkt, segments, args.repeat)
    scapy_ns = best(run_scapy, segments, max(1, args.repeat // 2))
    rows.append(("tcpwire parse + typed options", typed, "1.00x"))
    rows.append(("tcpwire parse + every option's fields", fields, f"{typed / fields:.2f}x"))
    attributes = best(run_tcpwire_attributes, segments, args.repeat)
    rows.append(("tcpwire parse + every option's fields as attributes", attributes, f"{typed / attributes:.2f}x"))
    rows.append(("dpkt TCP() + parse_opts()", dpkt_ns, f"{dpkt_ns / typed:.1f}x slower ({dpkt_ns / fields:.1f}x vs fields, {dpkt_ns / attributes:.1f}x vs attributes)"))
    rows.append(("scapy TCP() + .options", scapy_ns, f"{scapy_ns / typed:.0f}x slower ({scapy_ns / fields:.0f}x vs fields)"))
    stamps = [o for b in segments for o in tcpwire.TcpSegment.parse_lossless(b).header.options if type(o) is tcpwire.Timestamps]
    rows.append((f"one field: Timestamps .tsval ({len(stamps)} options, ns per option)", best(run_field_reads, stamps, args.repeat), ""))
    typical = best(run_tcpwire_typical, segments, args.repeat)
    dpkt_typical = best(run_dpkt_typical, segments, args.repeat)
    rows.append(("tcpwire, typed options, ports, numbers, flags, payload", typical, "1.00x"))
    rows.append(("dpkt, parse_opts(), ports, numbers, flags, payload", dpkt_typical, f"{dpkt_typical / typical:.1f}x slower"))

    subset = pcapkit_subset(everything)
    pk = best(run_pcapkit, subset, 1)
    typed_subset = best(run_tcpwire_typed, subset, args.repeat)
    rows.append((f"pcapkit TCP().info ({len(subset)} segments it decodes)", pk, f"{pk / typed_subset:.0f}x slower (tcpwire {typed_subset:.0f} ns on them)"))

    batches = []
    for size in args.batch:
        batch = (everything * (size // len(everything) + 1))[:size]
        batches.append((size, best(lambda d: tcpwire.parse_many(d, "lossless"), batch, args.repeat)))
    columnar = columnar_rows(everything, args.batch, args.repeat)
    big = max(files, key=os.path.getsize)
    rows_in_big = sum(1 for _ in tcpwire.from_pcap(big)) + 1
    arrow_ns = best(lambda d: tcpwire.to_arrow(d[0]), [big] * 1, args.repeat) / rows_in_big

    print()
    print("| what | ns per segment | ratio |")
    print("| --- | ---: | --- |")
    for name, ns, ratio in rows:
        print(f"| {name} | {ns:,.0f} | {ratio} |")
    for size, batch_ns in batches:
        print(f"| batch: parse_many, {size:,} segments a call | {batch_ns:,.0f} | {1e9 / batch_ns / 1e6:.2f}M segments/s |")
    for name, ns in columnar:
        print(f"| columnar: {name} | {ns:,.0f} | {1e9 / ns / 1e6:.2f}M segments/s |")
    print(f"| arrow: to_arrow({Path(big).name}), {rows_in_big} rows | {arrow_ns:,.0f} | {1e9 / arrow_ns / 1e6:.2f}M rows/s |")


if __name__ == "__main__":
    main()
