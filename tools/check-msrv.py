#!/usr/bin/env python3
"""Checks Cargo.lock against the package's `rust-version` (the MSRV).

Every package the library or the binary builds with any feature, on any target platform
(normal and build dependencies, followed from tcpwire), must declare a `rust-version` no newer
than tcpwire's: a dependent on the oldest supported Rust resolves to versions like these (with
cargo's MSRV-aware resolver, `.cargo/config.toml`), so the claim is only true if they build.

Dev-only packages (tests and benchmarks) may need more only when listed in DEV_ALLOWED with the
reason: the MSRV is a promise to dependents, and `cargo test` is run on the current toolchain.
Anything else newer than the MSRV fails, naming the package, its version and what it needs.

Usage: tools/check-msrv.py (from anywhere; it runs `cargo metadata --locked` at the root).
"""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Dev-only packages allowed above the MSRV: the benchmark harness and a peer measured in
# benches/ (BENCHMARKS.md names their versions), with what they pull in.
DEV_ALLOWED = {
    "criterion": "benchmark harness; 0.8 needs 1.86",
    "smoltcp": "benchmark peer; 0.14 needs 1.91",
}


def version_key(text):
    """'1.85' or '1.85.0' as a comparable tuple."""
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--all-features"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    meta = json.loads(out)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = next(i for i in meta["workspace_members"] if packages[i]["name"] == "tcpwire")
    msrv_text = packages[root]["rust_version"]
    if not msrv_text:
        sys.exit("Cargo.toml: tcpwire declares no rust-version")
    msrv = version_key(msrv_text)

    # What tcpwire's library and binary build: normal and build edges, every feature.
    library = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in library:
            continue
        library.add(node)
        for dep in nodes[node]["deps"]:
            if any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
                stack.append(dep["pkg"])

    failures, allowed, unknown = [], [], 0
    for pid, pkg in sorted(packages.items(), key=lambda kv: kv[1]["name"]):
        if pid not in nodes or pkg["source"] is None:
            continue  # not in the lock file's graph, or a workspace member
        need = pkg["rust_version"]
        if need is None:
            unknown += pid in library
            continue
        if version_key(need) <= msrv:
            continue
        line = f"{pkg['name']} {pkg['version']} needs Rust {need}"
        if pid in library:
            failures.append(f"{line} (built by the library or the binary)")
        elif pkg["name"] in DEV_ALLOWED:
            allowed.append(f"{line} ({DEV_ALLOWED[pkg['name']]})")
        else:
            failures.append(f"{line} (dev-dependency graph; not in DEV_ALLOWED)")

    print(
        f"MSRV {msrv_text}: {len(library) - 1} packages in the library's graph "
        f"({unknown} declare no rust-version)"
    )
    for line in allowed:
        print(f"  allowed, dev only: {line}")
    for line in failures:
        print(f"  too new: {line}")
    if failures:
        print(
            "Cargo.lock needs more than rust-version: `cargo update` (the MSRV-aware resolver "
            "picks versions within it), lower a requirement in Cargo.toml, or raise rust-version",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
