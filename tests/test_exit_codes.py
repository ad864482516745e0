"""Exit codes and stderr of a real `netgraph` process (python -m netgraph), as scripts and CI
see them: 0 all passed, 1 something blocked or denied, 2 bad input or usage (one line on
stderr, nothing on stdout, no traceback), 3 nothing blocked but something unknown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLES, sample_data


def netgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netgraph", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


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
    proc = netgraph("check", str(SAMPLES / f"{sample}.json"), "--format", "json")
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
    proc = netgraph("check", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("netgraph: error: ") and "$.Subnets[2].CidrBlock" in lines[0]
    assert "42" in lines[0]


def test_missing_file_and_unknown_vpc_are_exit_2(tmp_path: Path) -> None:
    proc = netgraph("check", str(tmp_path / "nope.json"))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("netgraph: error: ") and "Traceback" not in proc.stderr
    proc = netgraph("check", str(SAMPLES / "healthy-endpoints.json"), "--vpc", "vpc-0000")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "vpc-0000" in proc.stderr and "Traceback" not in proc.stderr


def test_usage_error_is_exit_2() -> None:
    proc = netgraph("check", str(SAMPLES / "healthy-endpoints.json"), "--no-such-option")
    assert proc.returncode == 2
    assert proc.stdout == "" and "--no-such-option" in proc.stderr
