"""The Batfish peer corpus (../shared/corpus/batfish): every query agrees, every snapshot
loads. An outside check of the engine that nobody here tuned.

The snapshots load through the runner as it is, a process per command; the 18 queries go
through the runner's own code (its command line, exit-code, traceback and JSON checks, its
comparison) with each command run by netgraph.cli.main in this process instead of a process
of its own (tests/conftest.py: run_main). `make corpus` runs both with real processes."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from .conftest import load_script, run_main

RUNNER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "batfish" / "run.py"
COMMAND = [sys.executable, "-m", "netgraph"]
CLI = shlex.join(COMMAND)

# CI always has ../shared beside the clone: a missing corpus is a failure, not a silent skip.
# NETGRAPH_SKIP_CORPUS=1 says, explicitly, to run the suite without it.
SKIP = os.environ.get("NETGRAPH_SKIP_CORPUS", "") not in ("", "0")
pytestmark = pytest.mark.skipif(SKIP, reason="NETGRAPH_SKIP_CORPUS is set")


def _corpus_present() -> None:
    if not RUNNER.is_file():
        pytest.fail(
            f"{RUNNER} is missing: clone the shared corpus beside this repository "
            "(../shared), or set NETGRAPH_SKIP_CORPUS=1 to run without it",
            pytrace=False,
        )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    _corpus_present()
    return subprocess.run(
        [sys.executable, str(RUNNER), "--cli", CLI, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _in_process(argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
    """The runner's subprocess.run for the netgraph command: main() in this process."""
    assert argv[: len(COMMAND)] == COMMAND, argv
    return run_main(*argv[len(COMMAND) :])


def test_every_corpus_query_agrees(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _corpus_present()
    runner = load_script("batfish_corpus_run", RUNNER)
    shim = SimpleNamespace(
        run=_in_process, DEVNULL=subprocess.DEVNULL, TimeoutExpired=subprocess.TimeoutExpired
    )
    monkeypatch.setattr(runner, "subprocess", shim)  # the runner's name only, not the module
    code = runner.main(["--cli", CLI])
    stdout = capsys.readouterr().out
    last = stdout.strip().splitlines()[-1]
    assert code == 0, stdout
    assert last.startswith("batfish-corpus: 18/18 queries agree (0 errors)"), stdout


def test_every_corpus_snapshot_loads() -> None:
    proc = run("--load-only")
    assert proc.returncode == 0, proc.stdout
    assert "9/9 snapshots load (0 errors)" in proc.stdout
