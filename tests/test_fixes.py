"""One fix per cause (issue 14, parts 1 and 2): a hop that blocks several targets or subnets
is mended once, with the AWS CLI commands; the role finding lists every missing call; no
placeholder account in any output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netgraph.check import check_source
from netgraph.cli import main
from netgraph.fixes import cause_of, fixes
from netgraph.flows import service_sources
from netgraph.model import Snapshot
from netgraph.reach import Trace
from netgraph.render import json as json_render
from netgraph.render.text import render
from netgraph.sources.snapshot import load_snapshot, snapshot_from_data

from .conftest import SAMPLES, sample_data

VPC = "vpc-0a1b2c3d4e5f60718"
SUBNETS = "subnet-0a11c0ffee0000001 subnet-0a11c0ffee0000002"
ROLE = "arn:aws:iam::111122223333:role/ecsTaskExecutionRole"


def _checks(name: str) -> tuple[Snapshot, list[Trace]]:
    snap = load_snapshot(str(SAMPLES / f"{name}.json"))
    return snap, [t for s in service_sources(snap) for t in check_source(snap, s)]


def _endpoint_command(service: str) -> str:
    return (
        "aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface "
        f"--vpc-id {VPC} --service-name com.amazonaws.ap-northeast-1.{service} "
        f"--subnet-ids {SUBNETS} --security-group-ids sg-0b0b0b0b0b0b0b0b1 --private-dns-enabled"
    )


def test_the_missing_endpoints_are_one_fix_with_a_command_each() -> None:
    snap, traces = _checks("broken-s3-only-endpoint")
    found = fixes(snap, traces)
    assert len(found) == 1
    fix = found[0]
    assert fix.cause == VPC
    assert fix.text.startswith(
        "create interface endpoints ecr.api, ecr.dkr, logs and secretsmanager in "
        f"{VPC} (subnets subnet-0a11c0ffee0000001, subnet-0a11c0ffee0000002; security group "
        "sg-0b0b0b0b0b0b0b0b1, which must admit TCP 443 from the tasks; private DNS on)"
    )
    assert fix.commands == tuple(
        _endpoint_command(s) for s in ("ecr.api", "ecr.dkr", "logs", "secretsmanager")
    )
    blocked = [i for i, t in enumerate(traces) if t.verdict == "blocked"]
    assert list(fix.resolves) == blocked and len(blocked) == 8


def test_check_text_says_the_fix_once_with_its_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(SAMPLES / "broken-s3-only-endpoint.json")]) == 1
    out = capsys.readouterr().out
    assert out.count("fixes:") == 1
    assert "  1. vpc-0a1b2c3d4e5f60718: create interface endpoints ecr.api, ecr.dkr, logs" in out
    for service in ("ecr.api", "ecr.dkr", "logs", "secretsmanager"):
        assert f"run: {_endpoint_command(service)}" in out
    assert "resolves 8 checks: service web in subnet-0a11c0ffee0000001, " in out
    assert out.count("see fix 1 below (one fix for 8 checks)") == 8


def test_scan_groups_the_blocked_checks_under_one_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(SAMPLES / "broken-s3-only-endpoint.json")]) == 1
    out = capsys.readouterr().out
    assert "blocks 8 checks" in out
    assert "      fix: create interface endpoints ecr.api, ecr.dkr, logs and secretsmanager" in out
    assert "fix: create an interface endpoint" not in out
    assert out.count("run: aws ec2 create-vpc-endpoint") == 4
    assert main(["scan", str(SAMPLES / "broken-s3-only-endpoint.json"), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [f["id"] for f in doc["fixes"]] == ["fix-1"]
    assert doc["summary"]["blocking"][0]["fixes"] == ["fix-1"]


def test_the_role_finding_lists_every_missing_call(capsys: pytest.CaptureFixture[str]) -> None:
    _, traces = _checks("broken-role-without-ecr")
    denied = [t for t in traces if t.verdict == "denied"]
    repo = "arn:aws:ecr:ap-northeast-1:111122223333:repository/web"
    want = (
        ("ecr:GetAuthorizationToken", "*"),
        ("ecr:BatchGetImage", repo),
        ("ecr:GetDownloadUrlForLayer", repo),
    )
    assert denied and all(t.missing == want for t in denied)
    for action, resource in want:
        assert f"{action} on {resource}" in denied[0].reason
    assert main(["check", str(SAMPLES / "broken-role-without-ecr.json")]) == 1
    out = capsys.readouterr().out
    for action, resource in want:
        assert f"missing: {action} on {resource}" in out
    assert (
        "run: aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn "
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" in out
    )
    assert main(["check", str(SAMPLES / "broken-role-without-ecr.json"), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    role = next(c for c in doc["checks"] if c["verdict"] == "denied")
    assert role["missing"] == [{"action": a, "resource": r} for a, r in want]


def test_a_role_without_policies_is_worded_as_such() -> None:
    data = sample_data("broken-role-without-ecr")
    for role in data["RoleDetailList"]:
        role["RolePolicyList"] = []
        role["AttachedManagedPolicies"] = []
    snap = snapshot_from_data(data)
    traces = [t for s in service_sources(snap) for t in check_source(snap, s)]
    role = next(t for t in traces if t.verdict == "denied")
    said = role.reason + " ".join(h.reason for h in role.hops)
    assert "no policy allows" not in said and "nothing in no policy" not in said
    assert f"{ROLE} has no policy that allows ecr:GetAuthorizationToken on *" in said


def test_private_dns_off_names_the_endpoint_as_the_cause(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, traces = _checks("broken-private-dns-off")
    blocked = [t for t in traces if t.verdict == "blocked"]
    assert blocked
    for t in blocked:
        assert t.blocked_at is not None and t.blocked_at.id.startswith("rtb-")
        cause = cause_of(t)
        assert cause is not None and cause.id == "vpce-0e1c2a3b4d5e6f702"
    assert main(["check", str(SAMPLES / "broken-private-dns-off.json"), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    check = next(c for c in doc["checks"] if c["verdict"] == "blocked")
    assert check["blocked_at"]["id"].startswith("rtb-")
    assert check["cause"]["id"] == "vpce-0e1c2a3b4d5e6f702"
    assert doc["fixes"][0]["cause"] == "vpce-0e1c2a3b4d5e6f702"
    assert doc["fixes"][0]["commands"] == [
        "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0e1c2a3b4d5e6f702 --private-dns-enabled"
    ]
    assert main(["check", str(SAMPLES / "broken-private-dns-off.json")]) == 1
    assert "cause: vpce-0e1c2a3b4d5e6f702 (dns): " in capsys.readouterr().out


def test_the_nacl_fix_is_one_command_per_rule() -> None:
    snap, traces = _checks("broken-nacl-no-ephemeral")
    (fix,) = fixes(snap, traces)
    assert fix.cause == "acl-0c0c0c0c0c0c0c0c1"
    assert all(c.startswith("aws ec2 create-network-acl-entry ") for c in fix.commands)
    numbers = [c.split("--rule-number ")[1].split()[0] for c in fix.commands]
    assert len(set(numbers)) == len(numbers)  # two rules, two numbers


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_json_fixes_reference_failing_checks_once(
    path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", str(path), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    failing = {i for i, c in enumerate(doc["checks"]) if c["verdict"] in ("blocked", "denied")}
    resolved = [i for f in doc["fixes"] for i in f["resolves"]]
    assert sorted(resolved) == sorted(failing)  # each failing check by exactly one fix
    for f in doc["fixes"]:
        assert f["fix"] and f["cause"] and f["id"].startswith("fix-")


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_no_placeholder_account_without_account_id(
    path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(Path(str(path)).read_text(encoding="utf-8"))
    data.pop("AccountId", None)
    snap = snapshot_from_data(data)
    traces = [t for s in service_sources(snap) for t in check_source(snap, s)]
    said = render(traces, title="t", fixes=fixes(snap, traces))
    said += json_render.render(traces, snap.region, snap.account_id, fixes(snap, traces))
    assert "ACCOUNT" not in said


def test_an_endpoint_takes_one_subnet_per_zone() -> None:
    data = sample_data("broken-s3-only-endpoint")
    for subnet in data["Subnets"]:
        subnet["AvailabilityZone"] = "ap-northeast-1a"
        subnet.pop("AvailabilityZoneId", None)
    snap = snapshot_from_data(data)
    traces = [t for s in service_sources(snap) for t in check_source(snap, s)]
    (fix,) = fixes(snap, traces)
    assert all("--subnet-ids subnet-0a11c0ffee0000001 --" in c for c in fix.commands)
    assert "(subnets subnet-0a11c0ffee0000001; security group" in fix.text
