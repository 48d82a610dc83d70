#!/usr/bin/env python3
"""Checks the Parquet export against `tcpwire stats --json`, capture by capture, with DuckDB.

For every capture given: `tcpwire pcap --format parquet` writes its table, DuckDB (the Python
package) reads it, and the counts DuckDB computes from the columns must equal the counts
`tcpwire stats --json` gives for the same capture, exactly: option kinds (kind, name, length),
MPTCP subtypes by length, malformed options by kind and problem, flag combinations, checksum
verdicts, segments, headers cut short, and the error rows. `tcpwire encode --from-parquet` must
also make every header again byte for byte. The same counts are then taken with Polars, from
each capture's file and from one `--partition` directory of all the captures (read as one
hive-partitioned table), and with DataFusion when its Python package is installed.
`tools/spark_tcpwire.py --check` uses the same comparison for Spark.

Usage: tools/columnar_check.py [--binary target/debug/tcpwire] [--no-polars] CAPTURE...
       (a binary built with the features cli and parquet; `cargo test` builds one)
Exit code: 0 when every capture agrees, 1 otherwise (each difference is printed).
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def stats_counts(stats):
    """The counts of a `tcpwire stats --json` object, in the form `compare` takes."""
    return {
        "segments": stats["segments"],
        "headers_only": stats["headers_only"],
        "header_cut_short": stats["skipped"]["header_cut_short"],
        "header_unusable": stats["skipped"]["header_unusable"],
        "options": sorted(
            (o["kind"], o["name"], o["length"], o["count"]) for o in stats["options"]
        ),
        "mptcp_subtypes": sorted(
            (m["subtype"], m["name"], m["length"], m["count"])
            for m in stats["mptcp_subtypes"]
        ),
        "malformed": sorted(
            (m["kind"], m["problem"], m["count"]) for m in stats["malformed"]
        ),
        "flags": sorted((f["flags"], f["count"]) for f in stats["flags"]),
        "checksums": sorted((v, n) for v, n in stats["checksums"].items() if n),
    }


# The same counts as SQL over the segment table `t`, in the dialect DuckDB and Spark share but
# for the list functions: {explode} is DuckDB's `unnest(x)` or Spark's `explode(x)`.
QUERIES = {
    "segments": "SELECT count(*) FROM t WHERE error IS NULL",
    "headers_only": "SELECT count(*) FROM t WHERE error IS NULL AND truncated",
    # Error rows of frames (they have a timestamp; an unreadable record has none and `stats`
    # does not count it).
    "header_cut_short": "SELECT count(*) FROM t WHERE error LIKE 'TCP header not captured whole%'",
    "header_unusable": "SELECT count(*) FROM t WHERE error IS NOT NULL AND timestamp_nanos IS NOT NULL"
    " AND error NOT LIKE 'TCP header not captured whole%'",
    "options": "SELECT o.kind, o.name, o.length, count(*) FROM"
    " (SELECT {explode_options} AS o FROM t WHERE error IS NULL) u"
    " WHERE o.problem IS NULL GROUP BY o.kind, o.name, o.length",
    "mptcp_subtypes": "SELECT m.subtype, m.subtype_name, m.length, count(*) FROM"
    " (SELECT {explode_mptcp} AS m FROM t WHERE error IS NULL) u"
    " GROUP BY m.subtype, m.subtype_name, m.length",
    "malformed": "SELECT m.kind, m.problem, count(*) FROM"
    " (SELECT {explode_malformed} AS m FROM t WHERE error IS NULL) u GROUP BY m.kind, m.problem",
    "flags": "SELECT flags, count(*) FROM t WHERE error IS NULL GROUP BY flags",
    "checksums": "SELECT checksum_verdict, count(*) FROM t WHERE error IS NULL"
    " GROUP BY checksum_verdict",
}

SCALARS = ("segments", "headers_only", "header_cut_short", "header_unusable")


def table_counts(run_sql, explode):
    """The counts from a table `t`; run_sql(sql) returns rows as tuples; explode is 'unnest' or
    'explode'."""
    out = {}
    for name, sql in QUERIES.items():
        sql = sql.format(
            explode_options=f"{explode}(options)",
            explode_mptcp=f"{explode}(mptcp_options)",
            explode_malformed=f"{explode}(malformed)",
        )
        rows = [tuple(int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                      for v in row) for row in run_sql(sql)]
        if name in SCALARS:
            out[name] = rows[0][0]
        else:
            out[name] = sorted(rows)
    return out


def polars_counts(df):
    """The counts of `QUERIES`, computed with Polars' DataFrame API from the segment table."""
    import polars as pl

    cut = pl.col("error").str.starts_with("TCP header not captured whole")
    seg = df.filter(pl.col("error").is_null())

    def elements(column):
        # An empty list explodes to one null: dropped with the rows of segments without any.
        return seg.select(pl.col(column).explode().alias("x")).drop_nulls().unnest("x")

    def counted(frame, *keys):
        return sorted(tuple(row) for row in frame.group_by(*keys).len().select(*keys, "len").rows())

    options = elements("options").filter(pl.col("problem").is_null())
    return {
        "segments": seg.height,
        "headers_only": seg.filter(pl.col("truncated")).height,
        "header_cut_short": df.filter(cut).height,
        "header_unusable": df.filter(
            pl.col("error").is_not_null() & pl.col("timestamp_nanos").is_not_null() & ~cut
        ).height,
        "options": counted(options, "kind", "name", "length"),
        "mptcp_subtypes": counted(elements("mptcp_options"), "subtype", "subtype_name", "length"),
        "malformed": counted(elements("malformed"), "kind", "problem"),
        "flags": counted(seg, "flags"),
        "checksums": counted(seg, "checksum_verdict"),
    }


def datafusion_counts(path):
    """The counts of `QUERIES` with DataFusion's SQL over one Parquet file."""
    import datafusion

    ctx = datafusion.SessionContext()
    ctx.register_parquet("t", str(path))

    def run_sql(sql):
        table = ctx.sql(sql).to_arrow_table()
        return list(zip(*(column.to_pylist() for column in table.columns)))

    return table_counts(run_sql, "unnest")


def compare(what, table, stats):
    """The differences between two count dicts, as lines."""
    problems = []
    for key, expected in stats.items():
        got = table.get(key)
        if got != expected:
            problems.append(f"{what}: {key}: parquet {got} != stats {expected}")
    return problems


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(ROOT / "target/debug/tcpwire"))
    parser.add_argument("--no-polars", action="store_true", help="skip the Polars checks")
    parser.add_argument("captures", nargs="+")
    args = parser.parse_args()
    import duckdb  # the Python package: pip install duckdb

    polars = None
    if not args.no_polars:
        import polars  # pip install polars
    try:
        import datafusion  # optional: pip install datafusion
    except ImportError:
        datafusion = None
        print("DataFusion not installed: its check is skipped")
    engines = ["DuckDB"] + (["Polars"] if polars else []) + (["DataFusion"] if datafusion else [])
    expected_of = {}

    problems, headers = [], 0
    with tempfile.TemporaryDirectory(prefix="tcpwire-columnar-") as tmp:
        for i, capture in enumerate(args.captures):
            out = pathlib.Path(tmp) / f"{i}.parquet"
            export = run([args.binary, "pcap", "--format", "parquet", "-o", str(out), capture])
            if export.returncode not in (0, 1) or not out.exists():
                problems.append(f"{capture}: export failed ({export.returncode}): {export.stderr}")
                continue
            stats = run([args.binary, "stats", "--json", capture])
            if stats.returncode not in (0, 1):
                problems.append(f"{capture}: stats failed: {stats.stderr}")
                continue
            expected = stats_counts(json.loads(stats.stdout))
            expected_of[capture] = expected
            con = duckdb.connect()
            con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{out}')")
            got = table_counts(lambda sql: con.execute(sql).fetchall(), "unnest")
            con.close()
            problems += compare(capture, got, expected)
            if polars:
                problems += compare(
                    f"{capture} (Polars)", polars_counts(polars.read_parquet(out)), expected
                )
            if datafusion:
                problems += compare(f"{capture} (DataFusion)", datafusion_counts(out), expected)
            encode = run([args.binary, "encode", "--from-parquet", str(out)])
            lines = encode.stdout.splitlines()
            if encode.returncode != 0 or len(lines) != expected["segments"]:
                problems.append(
                    f"{capture}: encode --from-parquet: exit {encode.returncode}, {len(lines)} "
                    f"headers for {expected['segments']} segments: {encode.stderr.strip()}"
                )
            headers += len(lines)
            print(
                f"{capture}: {got['segments']} segments, {sum(c for *_, c in got['options'])} "
                f"options, {sum(c for *_, c in got['mptcp_subtypes'])} MPTCP, "
                f"{sum(c for *_, c in got['malformed'])} malformed: "
                + ("agree" if not any(p.startswith(capture) for p in problems) else "DIFFER")
            )
        if polars and expected_of:
            problems += check_partition(args.binary, polars, tmp, expected_of)
    for p in problems:
        print(p, file=sys.stderr)
    print(
        f"{len(args.captures)} captures ({', '.join(engines)}), {headers} headers made again "
        f"byte-exactly from Parquet, {len(problems)} differences"
    )
    return 1 if problems else 0


def check_partition(binary, pl, tmp, expected_of):
    """Exports every capture into one `--partition` directory and reads it with Polars as one
    hive-partitioned table: one `capture` per part, and each capture's counts as `stats`'."""
    root = pathlib.Path(tmp) / "table"
    export = run([binary, "pcap", "--format", "parquet", "--partition", "-j", "2", "-o", str(root),
                  *expected_of])
    if export.returncode not in (0, 1):
        return [f"--partition export failed ({export.returncode}): {export.stderr}"]
    df = pl.scan_parquet(str(root / "**" / "*.parquet"), hive_partitioning=True).collect()
    problems = []
    parts = df.select(pl.col("capture").n_unique()).item()
    if parts != len({pathlib.Path(c).name for c in expected_of}):
        problems.append(f"--partition (Polars): {parts} values of `capture`")
    for capture, expected in expected_of.items():
        got = polars_counts(df.filter(pl.col("file") == capture))
        problems += compare(f"{capture} (Polars, --partition)", got, expected)
    print(f"--partition directory read by Polars: {df.height} rows, {parts} captures: "
          + ("agree" if not problems else "DIFFER"))
    return problems


if __name__ == "__main__":
    sys.exit(main())
