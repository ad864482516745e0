"""``--format junit``: read back with a JUnit reader (junitparser, as CI test-report tools
read it): one test case per check, classname its source and name its target; blocked/denied
fail with the blocking hop and the fix, unknown is skipped with its reason, a pass passes;
for diff, one test case per changed check, a regression failing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from netgraph import cli

from .conftest import SAMPLES, run_main, sample_data
from .test_exit_codes import netgraph

HEALTHY = SAMPLES / "healthy-endpoints.json"
SG_NO_443 = SAMPLES / "broken-endpoint-sg-no-443.json"
CUSTOM_DNS = SAMPLES / "unknown-custom-dns.json"
EXPLICIT_DENY = SAMPLES / "broken-explicit-deny.json"
SG = "sg-0e0e0e0e0e0e0e0e2"
WEB_1 = "service web (cluster app) in subnet-0a11c0ffee0000001"


def _suite(xml: str) -> TestSuite:
    parsed = JUnitXml.fromstring(xml)
    suites = list(parsed) if isinstance(parsed, JUnitXml) else [parsed]
    assert len(suites) == 1
    return suites[0]


def junit(*argv: str, code: int, real: bool = False) -> tuple[TestSuite, list[TestCase]]:
    """The report of ``netgraph ARGV --format junit``: in a real process if ``real``, else
    through main() in this one (tests/conftest.py: run_main)."""
    proc = (netgraph if real else run_main)(*argv, "--format", "junit")
    assert proc.returncode == code, proc.stderr
    suite = _suite(proc.stdout)
    return suite, list(suite)


def _outcome(case: TestCase) -> str:
    if not case.result:
        return "pass"
    (result,) = case.result
    return "failure" if isinstance(result, Failure) else "skipped"


def test_one_case_per_check_blocked_is_a_failure_at_the_hop_with_the_fix() -> None:
    suite, cases = junit("check", str(SG_NO_443), code=1, real=True)
    assert (suite.tests, suite.failures, suite.skipped, suite.errors) == (12, 8, 0, 0)
    assert len(cases) == 12
    assert {(c.classname, c.name) for c in cases} >= {(WEB_1, "ecr.api"), (WEB_1, "s3")}
    by_target = {c.name: _outcome(c) for c in cases if c.classname == WEB_1}
    assert by_target == {
        "ecr.api": "failure",
        "ecr.dkr": "failure",
        "s3": "pass",
        "logs": "failure",
        "secretsmanager": "failure",
        "iam:execution-role": "pass",
    }
    failed = next(c for c in cases if c.classname == WEB_1 and c.name == "ecr.dkr")
    (failure,) = failed.result
    assert failure.type == "ENI_SG_RULES_MISMATCH"
    assert failure.message.startswith(f"blocked at {SG} (security-group-ingress): ")
    assert f"fix: add an inbound rule to {SG} allowing TCP 443" in failure.text
    assert f"fail    {SG} (security-group-ingress)" in failure.text


def test_unknown_is_skipped_with_its_reason() -> None:
    suite, cases = junit("check", str(CUSTOM_DNS), code=3)
    assert suite.failures == 0 and suite.skipped == 10 and suite.tests == 12
    skipped = [c for c in cases if _outcome(c) == "skipped"]
    assert len(skipped) == 10
    for case in skipped:
        (result,) = case.result
        assert isinstance(result, Skipped)
        assert result.message.startswith("unknown at vpc-0a1b2c3d4e5f60718 (dns): ")
        assert "custom DNS servers" in result.message


def test_denied_is_a_failure_at_the_policy() -> None:
    _, cases = junit("check", str(EXPLICIT_DENY), code=1)
    role = [c for c in cases if c.name == "iam:execution-role"]
    assert role and all(_outcome(c) == "failure" for c in role)
    (failure,) = role[0].result
    assert failure.message.startswith("denied at arn:aws:iam::")
    assert failure.type.startswith("IAM_")


def test_every_check_passes() -> None:
    suite, cases = junit("check", str(HEALTHY), code=0)
    assert suite.tests == 12 and suite.failures == suite.skipped == 0
    assert all(_outcome(c) == "pass" for c in cases)


def test_scan_writes_junit_too() -> None:
    suite, cases = junit("scan", str(SG_NO_443), code=1)
    assert suite.tests == len(cases) == 12 and suite.failures == 8


def test_diff_one_case_per_changed_check_a_regression_fails() -> None:
    suite, cases = junit("diff", str(HEALTHY), str(SG_NO_443), code=1)
    assert suite.tests == len(cases) == 8 and suite.failures == 8
    for case in cases:
        (failure,) = case.result
        assert failure.message.startswith(f"this change breaks {case.name} for ")
        assert "fix: add an inbound rule" in failure.text
    suite, cases = junit("diff", str(SG_NO_443), str(HEALTHY), code=0)
    assert suite.tests == 8 and suite.failures == suite.skipped == 0
    assert all(c.system_out and "this change mends" in c.system_out for c in cases)
    suite, cases = junit("diff", str(HEALTHY), str(HEALTHY), code=0)
    assert suite.tests == 0 and cases == []


def test_names_with_control_characters_stay_well_formed_xml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = sample_data("broken-endpoint-sg-no-443")
    for service in data["services"]:
        service["serviceName"] = 'web\x1b]0;pwned\x07\x85<&"\ud800'
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data))
    assert cli.main(["check", str(path), "--format", "junit"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x85" not in out
    suite = _suite(out)
    names = {c.classname for c in suite}
    shown = 'service web\\u001b]0;pwned\\u0007\\u0085<&"\\ud800 (cluster app) in '
    assert names == {f"{shown}subnet-0a11c0ffee0000001", f"{shown}subnet-0a11c0ffee0000002"}
