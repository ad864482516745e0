"""The Batfish peer corpus (../shared/corpus/batfish): every query agrees, every snapshot
loads. An outside check of the engine that nobody here tuned."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "batfish" / "run.py"
CLI = shlex.join([sys.executable, "-m", "netgraph"])

# CI always has ../shared beside the clone: a missing corpus is a failure, not a silent skip.
# NETGRAPH_SKIP_CORPUS=1 says, explicitly, to run the suite without it.
SKIP = os.environ.get("NETGRAPH_SKIP_CORPUS", "") not in ("", "0")
pytestmark = pytest.mark.skipif(SKIP, reason="NETGRAPH_SKIP_CORPUS is set")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    if not RUNNER.is_file():
        pytest.fail(
            f"{RUNNER} is missing: clone the shared corpus beside this repository "
            "(../shared), or set NETGRAPH_SKIP_CORPUS=1 to run without it",
            pytrace=False,
        )
    return subprocess.run(
        [sys.executable, str(RUNNER), "--cli", CLI, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_every_corpus_query_agrees() -> None:
    proc = run()
    last = proc.stdout.strip().splitlines()[-1]
    assert proc.returncode == 0, proc.stdout
    assert last.startswith("batfish-corpus: 18/18 queries agree (0 errors)"), proc.stdout


def test_every_corpus_snapshot_loads() -> None:
    proc = run("--load-only")
    assert proc.returncode == 0, proc.stdout
    assert "9/9 snapshots load (0 errors)" in proc.stdout
