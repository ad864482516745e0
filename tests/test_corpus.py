"""The Batfish peer corpus (../shared/corpus/batfish): every query agrees, every snapshot
loads. An outside check of the engine that nobody here tuned.

The 18 queries and the 9 snapshots go through the runner's own code (its command line,
exit-code, traceback and JSON checks, its comparison) with each command run by
netgraph.cli.main in this process instead of a process of its own (tests/conftest.py:
run_main); the runner as it is, a process running netgraph processes, loads one snapshot.
`make corpus` runs all of it with real processes."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from contextlib import redirect_stdout
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


def run_in_process(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    """The runner's main(), its netgraph commands in this process: exit code and stdout."""
    _corpus_present()
    runner = load_script("batfish_corpus_run", RUNNER)
    shim = SimpleNamespace(
        run=_in_process, DEVNULL=subprocess.DEVNULL, TimeoutExpired=subprocess.TimeoutExpired
    )
    monkeypatch.setattr(runner, "subprocess", shim)  # the runner's name only, not the module
    stdout = io.StringIO()
    with redirect_stdout(stdout):
        code = runner.main(["--cli", CLI, *args])
    return code, stdout.getvalue()


def test_every_corpus_query_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout = run_in_process(monkeypatch)
    last = stdout.strip().splitlines()[-1]
    assert code == 0, stdout
    assert last.startswith("batfish-corpus: 18/18 queries agree (0 errors)"), stdout


def test_every_corpus_snapshot_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout = run_in_process(monkeypatch, "--load-only")
    assert code == 0, stdout
    assert "9/9 snapshots load (0 errors)" in stdout


def test_the_runner_as_a_process_loads_a_snapshot_with_netgraph_processes() -> None:
    proc = run("--load-only", "test-transit-gateway")
    assert proc.returncode == 0, proc.stdout
    assert "1/1 snapshots load (0 errors)" in proc.stdout
