#!/usr/bin/env python3
"""Decodes many captures on a Spark cluster with tcpwire, then queries them as one table.

The driver lists the captures and distributes their paths to the executors; each task runs the
`tcpwire` binary on its share (`tcpwire pcap --format parquet --partition -o OUT FILE...`),
which writes one Parquet part per capture under OUT (hive-style: OUT/capture=NAME/part-*.parquet);
the driver then reads OUT as one table and answers the queries below (option kinds, MPTCP
subtypes by length, malformed options, checksum verdicts). A part is named from its capture's
path, so a retried task replaces its parts rather than adding to them.

Locally (PySpark from pip, Java 17):

    cargo build --release --features cli,parquet
    python3 tools/spark_tcpwire.py --binary target/release/tcpwire --out /tmp/table corpus/

On a cluster, ship the binary with the job (it lands in each executor's working directory) and
put the captures and OUT on storage every executor sees (a shared mount):

    spark-submit --master yarn --files target/release/tcpwire \\
        tools/spark_tcpwire.py --binary tcpwire --out /shared/table /shared/captures/

`--check` also runs `tcpwire stats --json` over the same captures on the driver and exits 1
unless the counts Spark computes equal it exactly (.ci/run does this over corpus/).
"""

import argparse
import json
import os
import pathlib
import stat
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from columnar_check import compare, stats_counts, table_counts  # noqa: E402

SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")


def list_captures(inputs):
    """Files as given, and the captures under directories (recursively), sorted."""
    found = []
    for item in inputs:
        path = pathlib.Path(item)
        if path.is_dir():
            found += sorted(
                str(p.resolve()) for p in path.rglob("*") if p.name.endswith(SUFFIXES)
            )
        else:
            found.append(str(path.resolve()))
    return found


def resolve_binary(binary):
    """The binary's path on this machine: as given when it exists, else the copy Spark
    shipped with --files (SparkFiles), made executable."""
    if os.path.isfile(binary):
        return os.path.abspath(binary)
    from pyspark import SparkFiles

    shipped = SparkFiles.get(os.path.basename(binary))
    mode = os.stat(shipped).st_mode
    os.chmod(shipped, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return shipped


def decode_task(binary, out):
    """The task run on an executor for its share of the paths."""

    def task(paths):
        paths = list(paths)
        if not paths:
            return
        cmd = [resolve_binary(binary), "pcap", "--format", "parquet", "--partition", "-o", out]
        done = subprocess.run(cmd + paths, capture_output=True, text=True)
        yield {"files": len(paths), "exit": done.returncode, "stderr": done.stderr[-2000:]}

    return task


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True, help="tcpwire path, or its name with --files")
    parser.add_argument("--out", required=True, help="the table's directory")
    parser.add_argument("--tasks", type=int, default=0, help="tasks (default: one per capture)")
    parser.add_argument("--master", default=None, help="Spark master when not spark-submit'ted")
    parser.add_argument("--check", action="store_true", help="compare with tcpwire stats --json")
    parser.add_argument("inputs", nargs="+", help="captures or directories of captures")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("tcpwire")
    if args.master or "SPARK_HOME" not in os.environ and "PYSPARK_SUBMIT_ARGS" not in os.environ:
        builder = builder.master(args.master or "local[*]")
    spark = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")

    paths = list_captures(args.inputs)
    out = os.path.abspath(args.out)
    tasks = args.tasks or len(paths)
    results = (
        spark.sparkContext.parallelize(paths, max(1, min(tasks, len(paths))))
        .mapPartitions(decode_task(args.binary, out))
        .collect()
    )
    failed = [r for r in results if r["exit"] not in (0, 1)]
    for r in failed:
        print(f"task over {r['files']} files: exit {r['exit']}: {r['stderr']}", file=sys.stderr)

    spark.read.parquet(out).createOrReplaceTempView("t")
    got = table_counts(lambda sql: [tuple(r) for r in spark.sql(sql).collect()], "explode")
    per_capture = spark.sql(
        "SELECT capture, count(*) AS segments, sum(size(options)) AS options,"
        " sum(size(mptcp_subtypes)) AS mptcp FROM t WHERE error IS NULL"
        " GROUP BY capture ORDER BY capture"
    ).collect()
    for row in per_capture:
        print(f"{row['capture']}: {row['segments']} segments, {row['options']} options, "
              f"{row['mptcp']} MPTCP options")
    total = {k: sum(row[-1] for row in got[k]) for k in ("options", "mptcp_subtypes", "malformed")}
    print(json.dumps({"captures": len(paths), "tasks": len(results), "segments": got["segments"],
                      **total, "checksum_verdicts": dict(got["checksums"])}))

    problems = [f"{len(failed)} tasks failed"] if failed else []
    if args.check:
        stats = subprocess.run(
            [resolve_binary(args.binary), "stats", "--json"] + paths,
            capture_output=True, text=True,
        )
        problems += compare("spark", got, stats_counts(json.loads(stats.stdout)))
        for p in problems:
            print(p, file=sys.stderr)
        print(f"spark: {len(paths)} captures in {len(results)} tasks: "
              + ("counts equal tcpwire stats" if not problems else f"{len(problems)} differences"))
    spark.stop()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
