#!/usr/bin/env python3
"""Peak memory of the Parquet export of a large capture: it must stay within a bound whatever
the capture's size (the export streams: one batch and one row group in memory).

Builds a capture of at least --size-mb MB (default 1024) by repeating the records of the
Ethernet captures of corpus/ (little-endian microsecond pcap, link type Ethernet) into a
temporary file, runs `tcpwire pcap --format parquet -o OUT` on it, and reads the child's peak
resident set size from the kernel (getrusage, RUSAGE_CHILDREN: exact, not sampled). Fails when
the peak is above --bound-mb (default 256 MB).

Usage: tools/memory_check.py [--binary target/release/tcpwire] [--size-mb 1024] [--bound-mb 256]
"""

import argparse
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def corpus_records():
    """The pcap header of the first Ethernet capture and the records of all of them."""
    header, records = None, bytearray()
    for path in sorted(ROOT.glob("corpus/*.pcap")) + sorted(ROOT.glob("corpus/handmade/*.pcap")):
        data = path.read_bytes()
        if data[:4] == bytes([0xD4, 0xC3, 0xB2, 0xA1]) and data[20:24] == bytes([1, 0, 0, 0]):
            if header is None:
                header = bytearray(data[:24])
                header[16:20] = (262144).to_bytes(4, "little")
            records += data[24:]
    return bytes(header), bytes(records)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(ROOT / "target/release/tcpwire"))
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--bound-mb", type=int, default=256)
    parser.add_argument("--format", default="parquet", choices=["parquet", "arrow"])
    parser.add_argument("--dir", default=None, help="where the capture is written (default: temp)")
    args = parser.parse_args()

    header, records = corpus_records()
    with tempfile.TemporaryDirectory(prefix="tcpwire-memory-", dir=args.dir) as tmp:
        capture = pathlib.Path(tmp) / "large.pcap"
        out = pathlib.Path(tmp) / f"large.{args.format}"
        repeats = -(-args.size_mb * 1_000_000 // len(records))
        with open(capture, "wb") as f:
            f.write(header)
            for _ in range(repeats):
                f.write(records)
        size = capture.stat().st_size
        started = time.monotonic()
        run = subprocess.run(
            [args.binary, "pcap", "--format", args.format, "-o", str(out), str(capture)],
            capture_output=True, text=True,
        )
        seconds = time.monotonic() - started
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
        out_size = out.stat().st_size if out.exists() else 0
        print(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "(no summary)")
        print(
            f"capture {size / 1e6:.0f} MB ({repeats} copies of the corpus records) -> "
            f"{args.format} {out_size / 1e6:.1f} MB in {seconds:.1f} s; exit {run.returncode}; "
            f"peak RSS {peak_kb / 1024:.1f} MiB (bound {args.bound_mb} MB)"
        )
    if run.returncode not in (0, 1):
        print(f"the export failed: {run.stderr}", file=sys.stderr)
        return 1
    if size < args.size_mb * 1_000_000:
        print("the capture is smaller than asked", file=sys.stderr)
        return 1
    return 0 if peak_kb * 1024 <= args.bound_mb * 1_000_000 else 1


if __name__ == "__main__":
    sys.exit(main())
