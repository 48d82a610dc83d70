#!/usr/bin/env python3
"""Markdown tables of the `speed` benchmark's medians, with tcpwire / peer ratios from the same
run, read from criterion's output (target/criterion/<group>/<function>/<input>/new/).

    cargo bench --bench speed -- --measurement-time 5
    python3 tools/bench_table.py            # or: tools/bench_table.py path/to/target/criterion
    python3 tools/bench_table.py RUN1 RUN2  # two runs' copies: tables of RUN1, targets of both

With two runs, the targets table (issue 13) gives each ratio from each run (every ratio is
taken within one run) and their spread.
"""

import json
import sys
from pathlib import Path

RUNS = [Path(a) for a in sys.argv[1:]] or [Path(__file__).resolve().parent.parent / "target" / "criterion"]
ROOT = RUNS[0]

HEADERS = ["ack_20", "linux_syn_40", "ts_sack3_60", "mptcp_dss_52", "mptcp_capable_syn_44"]
SIZES = ["64", "576", "1460", "9000"]
FAMILIES = ["plain", "sack", "fast_open", "mptcp", "md5", "ecn", "accecn", "all"]

# Issue 13's targets: (what, group, ours, peer, input, bound). Ratios are ours / peer.
TARGETS = [
    ("view, fixed fields / etherparse slice (same fields), bare ACK", "parse", "tcpwire_view_fixed", "etherparse_slice_fields", "ack_20", 1.0),
    ("view, fixed fields / etherparse slice+decode, bare ACK", "parse", "tcpwire_view_fixed", "etherparse_slice_decode", "ack_20", 1.0),
] + [
    (f"view, all options / etherparse slice+decode, {h}", "parse", "tcpwire_view_all", "etherparse_slice_decode", h, 1.0)
    for h in HEADERS
] + [
    ("view, all options / etherparse slice+decode, Linux corpus", "parse_linux", "tcpwire_view_all", "etherparse_slice_decode", "all", 0.8),
    ("owned strict / etherparse slice+decode, Linux corpus", "parse_linux", "tcpwire_strict", "etherparse_slice_decode", "all", 1.0),
    ("owned strict / etherparse slice+decode, bare ACK", "parse", "tcpwire_strict", "etherparse_slice_decode", "ack_20", 1.5),
] + [
    (f"TcpSegment::parse / (header parse + payload copy), {h}", "parse", "tcpwire_segment", "tcpwire_strict_and_payload", h, 1.2)
    for h in HEADERS
] + [
    (f"write_to / etherparse write, {h}", "write", "tcpwire_write_to", "etherparse_write", h, 2.0)
    for h in ["mptcp_dss_52", "mptcp_capable_syn_44"]
]


def targets():
    """The targets table: each ratio from each run, the spread, met or not (on the worse run)."""
    names = " | ".join(f"run {i + 1}" for i in range(len(RUNS)))
    print(f"| target | bound | {names} | met? |")
    print("| --- | --- |" + " --- |" * len(RUNS) + " --- |")
    for what, group, ours, peer, col, bound in TARGETS:
        rs = []
        for root in RUNS:
            a, b = median(group, ours, col, root=root), median(group, peer, col, root=root)
            rs.append(None if a is None or b is None else a / b)
        cells = " | ".join("-" if r is None else f"{r:.2f}" for r in rs)
        known = [r for r in rs if r is not None]
        met = "-" if not known else ("met" if max(known) <= bound else ("**missed**" if min(known) > bound else "one run"))
        print(f"| {what} | <= {bound} | {cells} | {met} |")
    print()


def estimate(*parts, root=None):
    """(median in ns, throughput dict) of one benchmark, or None when it did not run."""
    d = (root or ROOT).joinpath(*parts, "new")
    try:
        est = json.loads((d / "estimates.json").read_text())
        bench = json.loads((d / "benchmark.json").read_text())
    except FileNotFoundError:
        return None
    return est["median"]["point_estimate"], bench.get("throughput") or {}


def ns(x):
    if x is None:
        return "-"
    if x >= 1e6:
        return f"{x / 1e6:.3f} ms"
    if x >= 1e3:
        return f"{x / 1e3:.2f} µs"
    return f"{x:.1f}"


def median(*parts, root=None):
    e = estimate(*parts, root=root)
    return None if e is None else e[0]


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}"


def grid(group, ops, columns, label):
    print(f"| {label} | " + " | ".join(columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    for op in ops:
        print(f"| {op} | " + " | ".join(ns(median(group, op, c)) for c in columns) + " |")
    print()


def ratios(group, ours, peers, columns):
    print("| ratio | " + " | ".join(columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    for mine in ours:
        for peer in peers:
            cells = [ratio(median(group, mine, c), median(group, peer, c)) for c in columns]
            print(f"| {mine} / {peer} | " + " | ".join(cells) + " |")
    print()


def main():
    print("### parse: ns per header (median)\n")
    peers = ["etherparse_slice_decode", "etherparse_owned_decode", "smoltcp_repr_parse", "pnet_get_options"]
    ours = ["tcpwire_strict", "tcpwire_lossless", "tcpwire_in_place", "tcpwire_strict_moved",
            "tcpwire_segment", "tcpwire_strict_and_payload", "tcpwire_view_fixed", "tcpwire_view_all"]
    grid("parse", ours + peers + ["etherparse_slice_fields"], HEADERS, "operation")
    ratios("parse", ["tcpwire_strict", "tcpwire_in_place", "tcpwire_view_all"], peers[:1], HEADERS)
    ratios("parse", ["tcpwire_strict"], peers[1:], HEADERS)

    print("### parse_linux: ns per header, the Linux captures of corpus/ by option family\n")
    lops = ["tcpwire_strict", "tcpwire_in_place", "tcpwire_view_all", "etherparse_slice_decode"]
    print("| family | headers | " + " | ".join(lops) + " | strict / etherparse | view_all / etherparse |")
    print("| --- | --- |" + " --- |" * (len(lops) + 2))
    for family in FAMILIES:
        es = [estimate("parse_linux", op, family) for op in lops]
        if es[0] is None:
            continue
        n = es[0][1].get("Elements", 1)
        per = [None if e is None else e[0] / n for e in es]
        cells = [f"{p:.1f}" if p is not None else "-" for p in per]
        print(f"| {family} | {n} | " + " | ".join(cells) + f" | {ratio(per[0], per[3])} | {ratio(per[2], per[3])} |")
    print()

    print("### parse_corpus: ns per header (median over the whole corpus / its header count)\n")
    print("| operation | ns per header | headers per second | tcpwire_lossless / this |")
    print("| --- | --- | --- | --- |")
    base = estimate("parse_corpus", "tcpwire_lossless")
    for op in ["tcpwire_lossless", "tcpwire_in_place"] + peers:
        e = estimate("parse_corpus", op)
        if e is None:
            continue
        n = e[1].get("Elements", 1)
        per = e[0] / n
        print(f"| {op} | {per:.1f} | {1e9 / per / 1e6:.2f} M | {ratio(base[0] if base else None, e[0])} |")
    print()

    print("### write: ns per header (median)\n")
    wpeers = ["etherparse_write", "smoltcp_emit"]
    grid("write", ["tcpwire_write_to", "tcpwire_generator"] + wpeers, HEADERS, "operation")
    ratios("write", ["tcpwire_write_to"], wpeers, HEADERS)

    print("### checksum: ns per segment (median), IPv4 pseudo-header\n")
    cpeers = ["smoltcp_verify", "etherparse_calc_checksum_ipv4", "naive_u16_loop"]
    grid("checksum", ["tcpwire_verify", "tcpwire_compute"] + cpeers, SIZES, "operation / bytes")
    ratios("checksum", ["tcpwire_verify", "tcpwire_compute"], cpeers, SIZES)

    print("### capture: the reader over pymptcpanalyzer__client_2.pcap (median per pass)\n")
    print("| operation | time per pass | MB/s | TCP segments per second |")
    print("| --- | --- | --- | --- |")
    frames = estimate("capture", "frames")
    size = frames[1].get("Bytes") if frames else None
    segs = None
    for op in ["frames", "tcp_headers", "tcp_headers_checksum"]:
        e = estimate("capture", op)
        if e is None:
            continue
        segs = e[1].get("Elements", segs)
        mbs = f"{size / e[0] * 1e3:.0f}" if size else "-"
        sps = f"{segs / e[0] * 1e3:.2f} M" if segs and op != "frames" else "-"
        print(f"| {op} | {ns(e[0])} | {mbs} | {sps} |")
    print()

    print("### targets (issue 13)\n")
    targets()


main()
