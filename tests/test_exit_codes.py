"""Every exit code of check-output.md, from a real process (the installed console script, and
`python -m netgraph`), as scripts and CI see them: 0 all passed, 1 something blocked or
denied, 2 bad input or usage (one line on stderr, nothing on stdout, no traceback), 3 nothing
blocked but something unknown, 4 an internal error (one line; the traceback with --debug)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLES, sample_data

NETGRAPH = Path(sys.executable).with_name("netgraph")


def netgraph(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert NETGRAPH.is_file(), f"{NETGRAPH}: install the package (pip install -e .)"
    return subprocess.run(
        [str(NETGRAPH), *argv],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def python_m_netgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netgraph", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_0_every_check_passed() -> None:
    proc = netgraph("check", str(SAMPLES / "healthy-endpoints.json"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.startswith("netgraph check ")
    assert "BLOCKED" not in proc.stdout and proc.stdout.rstrip().endswith("allowed")


def test_1_something_blocked() -> None:
    proc = netgraph("check", str(SAMPLES / "broken-nacl-no-ephemeral.json"), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    verdicts = {c["verdict"] for c in json.loads(proc.stdout)["checks"]}
    assert "blocked" in verdicts


@pytest.mark.parametrize(
    "argv, says",
    [
        (["check", "no-such-snapshot.json"], "no-such-snapshot.json: no such file or folder"),
        (["check"], "give a SNAPSHOT file or folder, or --live"),
        (["check", str(SAMPLES / "healthy-nat.json"), "--target", "ecr"], "unknown target"),
        (["nonsense"], "No such command"),
        (
            [
                "check",
                str(SAMPLES / "healthy-nat.json"),
                "--dot",
                str(SAMPLES / "healthy-nat.json"),
            ],
            "would destroy the input",
        ),
    ],
)
def test_2_bad_input_is_one_line(argv: list[str], says: str) -> None:
    proc = netgraph(*argv)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("netgraph: error: ") and says in lines[0]


def test_3_nothing_blocked_something_unknown() -> None:
    proc = netgraph("check", str(SAMPLES / "unknown-custom-dns.json"))
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr == ""
    assert "unknown" in proc.stdout and "BLOCKED" not in proc.stdout


@pytest.mark.parametrize(
    ("sample", "code"),
    [
        ("healthy-endpoints", 0),
        ("broken-nacl-no-ephemeral", 1),
        ("broken-role-without-ecr", 1),
        ("unknown-custom-dns", 3),
    ],
)
def test_exit_code_of_a_check(sample: str, code: int) -> None:
    proc = python_m_netgraph("check", str(SAMPLES / f"{sample}.json"), "--format", "json")
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    verdicts = {c["verdict"] for c in json.loads(proc.stdout)["checks"]}
    want = {0: {"reachable", "allowed"}, 3: {"unknown", "allowed"}}.get(code)
    if want is not None:
        assert verdicts == want
    else:
        assert verdicts & {"blocked", "denied"}


def test_bad_input_is_exit_2_with_one_line_on_stderr(tmp_path: Path) -> None:
    data = sample_data("healthy-endpoints")
    data["Subnets"][2]["CidrBlock"] = 42
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    proc = python_m_netgraph("check", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("netgraph: error: ") and "$.Subnets[2].CidrBlock" in lines[0]
    assert "42" in lines[0]


def test_missing_file_and_unknown_vpc_are_exit_2(tmp_path: Path) -> None:
    proc = python_m_netgraph("check", str(tmp_path / "nope.json"))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("netgraph: error: ") and "Traceback" not in proc.stderr
    proc = python_m_netgraph("check", str(SAMPLES / "healthy-endpoints.json"), "--vpc", "vpc-0000")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "vpc-0000" in proc.stderr and "Traceback" not in proc.stderr


def test_usage_error_is_exit_2() -> None:
    proc = python_m_netgraph("check", str(SAMPLES / "healthy-endpoints.json"), "--no-such-option")
    assert proc.returncode == 2
    assert proc.stdout == "" and "--no-such-option" in proc.stderr


# An internal error cannot be provoked from outside without a hook in production code, so
# the process imports the CLI, breaks one function and runs the console-script entry point.
BROKEN = """
import sys
import netgraph.cli
import netgraph.commands.check

def broken(*args, **kwargs):
    raise KeyError("a bug")

netgraph.commands.check.check_source = broken
netgraph.cli.run()
"""


def run_broken(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BROKEN, *argv],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "NETGRAPH_DEBUG"} | (env or {}),
        timeout=120,
    )


def test_4_internal_error_is_one_line_not_a_verdict() -> None:
    proc = run_broken("check", str(SAMPLES / "healthy-endpoints.json"))
    assert proc.returncode == 4, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("netgraph: internal error: KeyError: 'a bug' (")
    assert "please report" in line and "--debug" in line


@pytest.mark.parametrize(
    "argv, env",
    [(["--debug"], None), ([], {"NETGRAPH_DEBUG": "1"})],
)
def test_4_with_debug_shows_the_traceback(argv: list[str], env: dict[str, str] | None) -> None:
    proc = run_broken(*argv, "check", str(SAMPLES / "healthy-endpoints.json"), env=env)
    assert proc.returncode == 4, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("Traceback (most recent call last):")
    assert "in broken" in proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("netgraph: internal error: KeyError")


def test_4_is_not_the_console_scripts_only() -> None:
    # `python -m netgraph` goes through the same main().
    code = BROKEN.replace("netgraph.cli.run()", "import runpy; runpy.run_module('netgraph')")
    proc = subprocess.run(
        [sys.executable, "-c", code, "check", str(SAMPLES / "healthy-endpoints.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE on this platform")
def test_a_reader_that_stops_early_ends_it_by_sigpipe_not_exit_1(tmp_path: Path) -> None:
    """`netgraph scan ... | head`: ended by SIGPIPE, as `cat` is, not by click's exit code 1,
    which a CI gate reads as "blocked"."""
    from .test_scan import account

    path = tmp_path / "snap.json"
    path.write_text(json.dumps(account(vpcs=3, subnets=18, enis=60, services=9, seed=5)))
    proc = subprocess.Popen(
        [str(NETGRAPH), "scan", str(path), "--all-enis", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100).startswith(b"{")
    proc.stdout.close()  # far more than a pipe holds is still to come
    code = proc.wait(timeout=120)
    assert code == -signal.SIGPIPE, (code, proc.stderr.read())
