"""``--format sarif``: every log validates against the official SARIF 2.1.0 schema (shipped in
tests/schemas), one rule per finding code with its AWS page and fix, one result per check that
does not pass (diff: per changed check), located at the blamed resource: the Terraform file and
line a plan gives, else the snapshot file and the first line naming the resource."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from netgraph import cli
from netgraph.diff import compare
from netgraph.findings import FINDINGS
from netgraph.model import SourceLocation
from netgraph.render.diff import DiffReport
from netgraph.render.format import Report
from netgraph.render.sarif import BLOCKED, NOT_CHECKED, UNKNOWN, SarifFormat
from netgraph.scan import scan
from netgraph.sources.snapshot import load_snapshot

from .conftest import ROOT, SAMPLES, run_main, sample_data
from .test_exit_codes import netgraph

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
HEALTHY = SAMPLES / "healthy-endpoints.json"
SG_NO_443 = SAMPLES / "broken-endpoint-sg-no-443.json"
CUSTOM_DNS = SAMPLES / "unknown-custom-dns.json"
SG = "sg-0e0e0e0e0e0e0e0e2"


@cache
def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def valid(doc: Any) -> Any:
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    return doc


def sarif(*argv: str, code: int, real: bool = False) -> dict[str, Any]:
    """The log of ``netgraph ARGV --format sarif``: in a real process if ``real``, else
    through main() in this one (tests/conftest.py: run_main)."""
    proc = (netgraph if real else run_main)(*argv, "--format", "sarif")
    assert proc.returncode == code, proc.stderr
    return valid(json.loads(proc.stdout))  # type: ignore[no-any-return]


def _written(report: Report) -> dict[str, Any]:
    out = io.StringIO()
    SarifFormat().write(report, out)
    return valid(json.loads(out.getvalue()))  # type: ignore[no-any-return]


def test_the_schema_is_the_official_one_and_rejects_what_is_not_sarif() -> None:
    schema = json.loads(SCHEMA.read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert _validator().is_valid({"version": "2.1.0", "runs": []})
    assert not _validator().is_valid({"version": "9", "runs": []})
    # A result's level is one of SARIF's four.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "level": "fatal"}]}]}  # fmt: skip
    assert not _validator().is_valid(bad)


def test_a_blocked_check_is_an_error_at_the_security_group_with_its_fix() -> None:
    doc = sarif("check", str(SG_NO_443), code=1, real=True)
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "netgraph"
    results = run["results"]
    assert len(results) == 8  # the blocked checks; the 4 that pass are not results
    rules = run["tool"]["driver"]["rules"]
    for r in results:
        assert r["ruleId"] == "ENI_SG_RULES_MISMATCH" and r["level"] == "error"
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        text = r["message"]["text"]
        assert f"blocked at {SG} (security-group-ingress)" in text
        assert f"Fix: add an inbound rule to {SG} allowing TCP 443" in text
        (location,) = r["locations"]
        assert location["logicalLocations"] == [
            {"name": SG, "fullyQualifiedName": SG, "kind": "resource"}
        ]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {
            "uri": "samples/broken-endpoint-sg-no-443.json",
            "uriBaseId": "%SRCROOT%",
        } or physical["artifactLocation"]["uri"].endswith("samples/broken-endpoint-sg-no-443.json")
        line = SG_NO_443.read_text().splitlines()[physical["region"]["startLine"] - 1]
        assert f'"{SG}"' in line
    # One fingerprint per check: GitHub tells results apart by it.
    assert len({r["partialFingerprints"]["netgraphCheck/v1"] for r in results}) == 8


def test_one_rule_per_finding_code_with_its_aws_page_and_fix() -> None:
    doc = sarif("check", str(HEALTHY), code=0)
    run = doc["runs"][0]
    assert run["results"] == []
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == set(FINDINGS) | {UNKNOWN, BLOCKED, NOT_CHECKED}
    for code, finding in FINDINGS.items():
        rule = rules[code]
        assert rule["helpUri"] == finding.doc
        assert rule["helpUri"].startswith("https://docs.aws.amazon.com/")
        assert rule["shortDescription"]["text"] == finding.title
        assert "Fix: " in rule["help"]["text"] and finding.doc in rule["help"]["text"]
    sg_rule = rules["ENI_SG_RULES_MISMATCH"]["help"]["text"]
    assert "add an <direction> rule to <group> allowing <flow>" in sg_rule


def test_unknown_is_a_warning_with_its_reason() -> None:
    doc = sarif("check", str(CUSTOM_DNS), code=3)
    results = doc["runs"][0]["results"]
    assert results and all(r["level"] == "warning" for r in results)
    assert {r["ruleId"] for r in results} == {UNKNOWN}
    for r in results:
        assert "custom DNS servers" in r["message"]["text"]
        assert r["locations"][0]["logicalLocations"][0]["name"] == "vpc-0a1b2c3d4e5f60718"


def test_scan_writes_sarif_too() -> None:
    doc = sarif("scan", str(SG_NO_443), code=1)
    assert len(doc["runs"][0]["results"]) == 8
    assert doc["runs"][0]["properties"]["command"] == "scan"


def test_diff_writes_one_result_per_changed_check() -> None:
    doc = sarif("diff", str(HEALTHY), str(SG_NO_443), code=1)
    results = doc["runs"][0]["results"]
    assert len(results) == 8
    for r in results:
        assert (r["level"], r["kind"], r["baselineState"]) == ("error", "fail", "new")
        assert r["message"]["text"].startswith("this change breaks ")
        assert r["properties"]["verdict_before"] == "reachable"
        assert r["locations"][0]["logicalLocations"][0]["name"] == SG
    mended = sarif("diff", str(SG_NO_443), str(HEALTHY), code=0)["runs"][0]["results"]
    assert len(mended) == 8
    assert all((r["kind"], r["baselineState"]) == ("pass", "absent") for r in mended)


def test_a_plan_locates_the_result_at_the_terraform_file_and_line() -> None:
    snap = load_snapshot(str(SG_NO_443), None)
    planned = replace(snap, locations={SG: SourceLocation("network/endpoints.tf", 17)})
    report = Report("check", planned, "tfplan.json", scan(planned).traces)
    results = _written(report)["runs"][0]["results"]
    assert len(results) == 8
    for r in results:
        physical = r["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {
            "uri": "network/endpoints.tf",
            "uriBaseId": "%SRCROOT%",
        }
        assert physical["region"] == {"startLine": 17}


def test_diff_with_terraform_addresses_names_them() -> None:
    old = load_snapshot(str(HEALTHY), None)
    new = load_snapshot(str(SG_NO_443), None)
    report = DiffReport(
        command="diff",
        snapshot=new,
        where="snap.json",
        diff=compare(scan(old).traces, scan(new).traces, snapshots=(old, new)),
        before=old,
        before_where="snap.json",
        plan="tfplan.json",
        addresses={SG: "aws_security_group.endpoints"},
    )
    results = _written(report)["runs"][0]["results"]
    for r in results:
        assert r["message"]["text"].startswith("this plan breaks ")
        assert f"{SG} (aws_security_group.endpoints)" in r["message"]["text"]
        logical = r["locations"][0]["logicalLocations"][0]
        assert logical["fullyQualifiedName"] == "aws_security_group.endpoints"


def test_a_live_check_has_no_file_but_the_resource() -> None:
    snap = load_snapshot(str(SG_NO_443), None)
    report = Report("check", snap, "live AWS", scan(snap).traces, live=True)
    for r in _written(report)["runs"][0]["results"]:
        assert "physicalLocation" not in r["locations"][0]
        assert r["locations"][0]["logicalLocations"][0]["name"] == SG


def test_names_with_control_characters_stay_valid_sarif(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = sample_data("broken-endpoint-sg-no-443")
    for service in data["services"]:
        service["serviceName"] = "web\x1b]0;pwned\x07\u0085\ud800"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data))
    monkeypatch.chdir(ROOT)
    code = cli.main(["check", str(path), "--format", "sarif"])
    assert code == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x85" not in out
    doc = valid(json.loads(out))
    texts = [r["message"]["text"] for r in doc["runs"][0]["results"]]
    assert texts and all("web\x1b]0;pwned\x07\x85\ud800" in t for t in texts)
    # Outside the working folder, a file is a file: URI.
    assert doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ].startswith("file:///")


GREENFIELD_S3_ONLY = Path(__file__).parent / "fixtures" / "plans" / "seed-incident-s3-only"


def test_a_terraform_plan_locates_results_in_its_tf_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed incident as a plan: the route table with no route to ECR is blamed, at the
    line of its resource block in network.tf."""
    monkeypatch.chdir(ROOT)
    doc = sarif("check", str(GREENFIELD_S3_ONLY.relative_to(ROOT) / "tfplan.json"), code=1)
    results = doc["runs"][0]["results"]
    assert results
    tf = GREENFIELD_S3_ONLY / "network.tf"
    block = next(
        n
        for n, line in enumerate(tf.read_text().splitlines(), 1)
        if line.startswith('resource "aws_route_table" "private"')
    )
    blamed_at_table = [
        r
        for r in results
        if r["locations"][0]["logicalLocations"][0]["name"] == "aws_route_table.private"
    ]
    assert blamed_at_table
    for r in blamed_at_table:
        assert r["ruleId"] == "NO_ROUTE_TO_DESTINATION"
        physical = r["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == (
            "tests/fixtures/plans/seed-incident-s3-only/network.tf"
        )
        assert physical["region"] == {"startLine": block}
