"""Shared fixtures: the corpus captures and the `tcpwire` binary whose JSON the tests compare
against (the Rust side's own decode of the same bytes)."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

REPO = Path(__file__).resolve().parents[2]


def corpus_files() -> List[Path]:
    """Every shipped capture, and the public corpus beside the repository (../shared in CI)."""
    patterns = [
        "corpus/*.pcap",
        "corpus/handmade/*.pcap",
        "corpus/signed/*.pcap*",
    ]
    files = [Path(p) for pattern in patterns for p in sorted(glob.glob(str(REPO / pattern)))]
    public = os.environ.get("TCPWIRE_PUBLIC_CORPUS", str(REPO.parent / "shared" / "corpus-public"))
    files += [Path(p) for p in sorted(glob.glob(os.path.join(public, "*.pcap*")))]
    return files


CORPUS = corpus_files()


def tcpwire_binary() -> str:
    """The `tcpwire` command line (feature `cli`): $TCPWIRE_BIN, else the one `cargo test` or
    `cargo build --features cli` left in the target directory."""
    candidates = [os.environ.get("TCPWIRE_BIN", "")]
    target = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    candidates += [os.path.join(target, "debug", "tcpwire"), os.path.join(target, "release", "tcpwire")]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    found = shutil.which("tcpwire")
    if found:
        return found
    pytest.fail("no tcpwire binary: build it with `cargo build --features cli` or set TCPWIRE_BIN")


_ndjson_cache: Dict[Tuple[str, bool], List[dict]] = {}


def rust_lines(path: Path, strict: bool) -> List[dict]:
    """`tcpwire pcap [--strict] FILE` parsed: one dict per line."""
    key = (str(path), strict)
    if key not in _ndjson_cache:
        args = [tcpwire_binary(), "pcap"] + (["--strict"] if strict else []) + [str(path)]
        run = subprocess.run(args, capture_output=True, check=False)
        assert run.returncode in (0, 1), (args, run.returncode, run.stderr[-500:])
        _ndjson_cache[key] = [json.loads(line) for line in run.stdout.splitlines()]
    return _ndjson_cache[key]


def pytest_report_header(config):  # noqa: ARG001 (pytest hook signature)
    return f"tcpwire corpus: {len(CORPUS)} captures"


@pytest.fixture(scope="session")
def corpus() -> List[Path]:
    assert len(CORPUS) >= 20, f"corpus not found under {REPO}"
    return CORPUS
