#!/usr/bin/env python3
"""Markdown tables of the `speed` benchmark's medians, with tcpwire / peer ratios from the same
run, read from criterion's output (target/criterion/<group>/<function>/<input>/new/).

    cargo bench --bench speed -- --measurement-time 5
    python3 tools/bench_table.py            # or: tools/bench_table.py path/to/target/criterion
"""

import json
import sys
from pathlib import Path

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "target" / "criterion"

HEADERS = ["ack_20", "linux_syn_40", "ts_sack3_60", "mptcp_dss_52", "mptcp_capable_syn_44"]
SIZES = ["64", "576", "1460", "9000"]


def estimate(*parts):
    """(median in ns, throughput dict) of one benchmark, or None when it did not run."""
    d = ROOT.joinpath(*parts, "new")
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


def median(*parts):
    e = estimate(*parts)
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
    ours = ["tcpwire_strict", "tcpwire_lossless", "tcpwire_in_place", "tcpwire_strict_moved"]
    grid("parse", ours + peers, HEADERS, "operation")
    ratios("parse", ["tcpwire_strict", "tcpwire_in_place"], peers, HEADERS)

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


main()
