"""Every bundled sample gives the verdict an AWS engineer would give, with the right hop."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netgraph.cli import main

from .conftest import SAMPLES, build

NETWORK = ("ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager")
RTB_PRIVATE = "rtb-0f0f0f0f0f0f0f0f1"
SUBNETS = {
    "healthy-endpoints": ("subnet-0a11c0ffee0000001", "subnet-0a11c0ffee0000002"),
    "healthy-public": ("subnet-0a11c0ffee0000101", "subnet-0a11c0ffee0000102"),
}


def ok(*targets: str) -> dict[str, tuple[str, str | None, str | None]]:
    return {t: ("reachable", None, None) for t in targets}


def blocked(at: str, kind: str, *targets: str) -> dict[str, tuple[str, str | None, str | None]]:
    return {t: ("blocked", at, kind) for t in targets}


ROLE = "arn:aws:iam::111122223333:role/ecsTaskExecutionRole"
GUARDRAIL = "arn:aws:iam::111122223333:policy/deny-unapproved-repositories"
KMS_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
IAM_OK = ("allowed", None, None)
Want = tuple[str, str | None, str | None]

# sample -> (exit code, network target -> (verdict, blocked_at id, kind), execution role)
EXPECTED: dict[str, tuple[int, dict[str, Want], Want]] = {
    "healthy-endpoints": (0, ok(*NETWORK), IAM_OK),
    "healthy-nat": (0, ok(*NETWORK), IAM_OK),
    "healthy-public": (0, ok(*NETWORK), IAM_OK),
    "broken-s3-only-endpoint": (
        1,
        {
            **blocked(RTB_PRIVATE, "route-table", "ecr.api", "ecr.dkr", "logs", "secretsmanager"),
            **ok("s3"),
        },
        IAM_OK,
    ),
    "broken-nacl-no-ephemeral": (
        1,
        blocked("acl-0c0c0c0c0c0c0c0c1", "network-acl-inbound", *NETWORK),
        IAM_OK,
    ),
    "broken-endpoint-sg-no-443": (
        1,
        {
            **blocked(
                "sg-0e0e0e0e0e0e0e0e2",
                "security-group-ingress",
                "ecr.api",
                "ecr.dkr",
                "logs",
                "secretsmanager",
            ),
            **ok("s3"),
        },
        IAM_OK,
    ),
    "broken-private-dns-off": (
        1,
        {
            **blocked(RTB_PRIVATE, "route-table", "ecr.dkr"),
            **ok("ecr.api", "s3", "logs", "secretsmanager"),
        },
        IAM_OK,
    ),
    "broken-public-no-public-ip": (
        1,
        blocked("igw-0a0a0a0a0a0a0a0a0", "internet-gateway", *NETWORK),
        IAM_OK,
    ),
    "unknown-custom-dns": (3, {t: ("unknown", None, None) for t in NETWORK}, IAM_OK),
    "broken-role-without-ecr": (1, ok(*NETWORK), ("denied", ROLE, "iam-permission")),
    "broken-explicit-deny": (1, ok(*NETWORK), ("denied", GUARDRAIL, "iam-permission")),
    "broken-trust-policy": (1, ok(*NETWORK), ("denied", ROLE, "iam-trust-policy")),
    "broken-s3-endpoint-policy": (
        1,
        {
            **ok("ecr.api", "ecr.dkr", "logs", "secretsmanager"),
            **blocked("vpce-0e1c2a3b4d5e6f7s3", "gateway-endpoint", "s3"),
        },
        IAM_OK,
    ),
    "broken-kms-key-policy": (
        1,
        ok(*NETWORK),
        ("denied", f"arn:aws:kms:ap-northeast-1:111122223333:key/{KMS_KEY_ID}", "iam-permission"),
    ),
}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_every_sample_has_expectations() -> None:
    assert set(EXPECTED) == set(build.SAMPLES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_verdicts(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_json(capsys, "check", str(SAMPLES / f"{name}.json"), "--format", "json")
    want_code, want, want_iam = EXPECTED[name]
    assert code == want_code
    assert doc["version"] == 1 and doc["region"] == "ap-northeast-1"
    checks = doc["checks"]
    # one source per subnet of the service, each with every target it needs
    assert len({c["source"]["subnet"] for c in checks}) == 2
    assert {c["target"] for c in checks} == {*NETWORK, "iam:execution-role"}
    for check in checks:
        target = check["target"]
        verdict, at, kind = want_iam if target == "iam:execution-role" else want[target]
        assert check["verdict"] == verdict, (target, check["reason"])
        if at is None:
            assert check["blocked_at"] is None
        else:
            assert check["blocked_at"]["id"] == at, target
            assert check["blocked_at"]["kind"] == kind, target
            assert check["fix"], target
        assert all(hop["id"] for hop in check["path"])


def test_samples_are_what_build_py_writes() -> None:
    for name in build.SAMPLES:
        assert (SAMPLES / f"{name}.json").read_text(encoding="utf-8") == build.render(name), (
            f"samples/{name}.json is stale: run python samples/build.py"
        )


def test_healthy_endpoints_reach_through_the_endpoints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, doc = run_json(
        capsys,
        "check",
        str(SAMPLES / "healthy-endpoints.json"),
        "--format",
        "json",
        "--target",
        "ecr.dkr",
        "--target",
        "s3",
    )
    dkr, s3 = doc["checks"][:2]
    assert "vpce-0e1c2a3b4d5e6f702" in [h["id"] for h in dkr["path"]]
    assert "sg-0e0e0e0e0e0e0e0e2" in [h["id"] for h in dkr["path"]]
    assert [h["kind"] for h in s3["path"]][-3:] == [
        "gateway-endpoint",
        "network-acl-inbound",
        "aws-service",
    ]


def test_nat_path_checks_the_nat_subnet(capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_json(
        capsys,
        "check",
        str(SAMPLES / "healthy-nat.json"),
        "--format",
        "json",
        "--target",
        "ecr.api",
    )
    kinds = [h["kind"] for h in doc["checks"][0]["path"]]
    assert kinds.index("nat-gateway") < kinds.index("internet-gateway")
    assert kinds.count("route-table") == 2  # the task subnet's and the NAT subnet's


def test_fix_for_missing_ephemeral_rule_names_the_acl_and_the_range(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, doc = run_json(
        capsys,
        "check",
        str(SAMPLES / "broken-nacl-no-ephemeral.json"),
        "--format",
        "json",
        "--target",
        "ecr.api",
    )
    check = doc["checks"][0]
    assert check["fix"] == (
        "add an inbound rule to acl-0c0c0c0c0c0c0c0c1 allowing TCP 1024-65535 from 10.0.0.0/16"
    )
    assert check["blocked_at"]["code"] == "SUBNET_ACL_RESTRICTION"


def test_private_dns_off_fix_names_the_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_json(
        capsys,
        "check",
        str(SAMPLES / "broken-private-dns-off.json"),
        "--format",
        "json",
        "--target",
        "ecr.dkr",
    )
    assert "enable private DNS on vpce-0e1c2a3b4d5e6f702" in doc["checks"][0]["fix"]
