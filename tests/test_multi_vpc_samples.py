"""The hub-and-spoke samples (several VPCs in one snapshot) give the verdicts an AWS engineer
would give, blamed on the hop check-output.md names, through the real `check` command."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netgraph.cli import main

from .conftest import SAMPLES, build

NETWORK = ("ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager")
SPOKE_SUBNETS = {"subnet-05b0ke000000001a", "subnet-05b0ke000000001c"}
EGRESS_PUBLIC_RTB = "rtb-0e9e55000000000022"
PCX = build.PCX
TGW = build.TGW

# sample -> (exit code, target -> (verdict, blocked_at id, blocked_at kind, code))
Want = tuple[str, str | None, str | None, str | None]
EXPECTED: dict[str, tuple[int, dict[str, Want]]] = {
    "healthy-hub-centralized-egress": (
        0,
        {t: ("reachable", None, None, None) for t in NETWORK},
    ),
    "broken-tgw-missing-return-route": (
        1,
        {
            t: (
                "blocked",
                EGRESS_PUBLIC_RTB,
                "route-table",
                "RESPONSE_RTB_HAS_NO_ROUTE_TO_TRANSIT_GATEWAY",
            )
            for t in NETWORK
        },
    ),
    "broken-peering-edge-to-edge": (
        1,
        {t: ("blocked", PCX, "pcx", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR") for t in NETWORK},
    ),
    "healthy-hub-centralized-endpoints": (
        0,
        {t: ("reachable", None, None, None) for t in NETWORK},
    ),
}


def test_every_multi_vpc_sample_has_expectations_and_is_what_build_py_writes() -> None:
    assert set(EXPECTED) == set(build.MULTI_VPC_SAMPLES)
    for name in build.MULTI_VPC_SAMPLES:
        assert (SAMPLES / f"{name}.json").read_text(encoding="utf-8") == build.render(name), (
            f"samples/{name}.json is stale: run python samples/build.py"
        )


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_multi_vpc_sample_verdicts(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_json(capsys, "check", str(SAMPLES / f"{name}.json"), "--format", "json")
    want_code, want = EXPECTED[name]
    checks = doc["checks"]
    assert {c["source"]["subnet"] for c in checks} == SPOKE_SUBNETS
    assert {c["target"] for c in checks} == {*NETWORK, "iam:execution-role"}
    for check in checks:
        target = check["target"]
        if target == "iam:execution-role":
            assert check["verdict"] == "allowed"
            continue
        verdict, at, kind, code_ = want[target]
        assert check["verdict"] == verdict, (target, check["reason"])
        if at is None:
            assert check["blocked_at"] is None
        else:
            assert check["blocked_at"]["id"] == at, (target, check["reason"])
            assert check["blocked_at"]["kind"] == kind
            assert check["blocked_at"]["code"] == code_
            assert check["fix"]
    assert code == want_code


def test_centralized_egress_goes_through_the_transit_gateway_and_comes_back(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, doc = run_json(
        capsys,
        "check",
        str(SAMPLES / "healthy-hub-centralized-egress.json"),
        "--format",
        "json",
        "--target",
        "ecr.api",
    )
    path = doc["checks"][0]["path"]
    ids = [h["id"] for h in path]
    kinds = [h["kind"] for h in path]
    # forward: the spoke's table -> the TGW -> its route table -> the egress VPC's NAT -> IGW
    assert kinds.index("transit-gateway-route-table") < kinds.index("nat-gateway")
    assert kinds.index("nat-gateway") < kinds.index("internet-gateway")
    # the reply: the NAT subnet's route back, then the hub's TGW route table
    assert build.TGW_RTB_SPOKES in ids and build.TGW_RTB_HUB in ids
    back = [h for h in path if h.get("leg") == "return"]
    assert [h["id"] for h in back if h["kind"] == "route-table"] == [EGRESS_PUBLIC_RTB]
    assert [h["id"] for h in back if h["kind"] == "transit-gateway-route-table"] == [
        build.TGW_RTB_HUB
    ]


def test_missing_return_route_fix_adds_the_spoke_route_to_the_nat_subnet_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, doc = run_json(
        capsys,
        "check",
        str(SAMPLES / "broken-tgw-missing-return-route.json"),
        "--format",
        "json",
        "--target",
        "logs",
    )
    check = doc["checks"][0]
    assert check["path"][-1]["leg"] == "return"  # the request went through; the reply did not
    assert check["path"][-1]["id"] == check["blocked_at"]["id"]
    assert check["fix"].startswith(f"add the return route to {EGRESS_PUBLIC_RTB}")
    assert f"--transit-gateway-id {TGW}" in check["fix"]
    assert f"--destination-cidr-block {build.SPOKE_CIDR} " in check["fix"]


def test_centralized_endpoints_reach_the_hub_endpoint_enis(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, doc = run_json(
        capsys,
        "check",
        str(SAMPLES / "healthy-hub-centralized-endpoints.json"),
        "--format",
        "json",
        "--target",
        "ecr.dkr",
    )
    path = doc["checks"][0]["path"]
    ids = [h["id"] for h in path]
    assert build.HUB_ENDPOINTS["ecr.dkr"][0] in ids  # the hub's endpoint, not the internet
    assert build.SG_HUB_ENDPOINTS in ids  # its security group judged on arrival
    assert "internet-gateway" not in [h["kind"] for h in path]


def test_path_to_an_address_in_another_vpc(capsys: pytest.CaptureFixture[str]) -> None:
    """`path --to` an ENI's address in the egress VPC: through the TGW to the NAT gateway's
    ENI (which carries no security group) and back by the NAT subnet's return route."""
    code, doc = run_json(
        capsys,
        "path",
        str(SAMPLES / "healthy-hub-centralized-egress.json"),
        "--from",
        "subnet-05b0ke000000001a",
        "--security-group",
        build.SG_SPOKE_TASK,
        "--to",
        "10.100.101.25",
        "--format",
        "json",
    )
    check = doc["checks"][0]
    assert check["verdict"] == "reachable", check["reason"]
    assert code == 0
    assert TGW in [h["id"] for h in check["path"]]
    code, doc = run_json(
        capsys,
        "path",
        str(SAMPLES / "broken-tgw-missing-return-route.json"),
        "--from",
        "subnet-05b0ke000000001a",
        "--security-group",
        build.SG_SPOKE_TASK,
        "--to",
        "10.100.101.25",
        "--format",
        "json",
    )
    assert doc["checks"][0]["blocked_at"]["id"] == EGRESS_PUBLIC_RTB
    assert code == 1


@pytest.mark.parametrize(
    ("name", "via"),
    [
        (
            "healthy-hub-centralized-egress",
            f"via {TGW} -> nat-0e9e5500000000001 -> igw-0e9e5500000000001",
        ),
        ("healthy-hub-centralized-endpoints", f"via {TGW} -> {build.HUB_ENDPOINTS['ecr.dkr'][0]}"),
    ],
)
def test_text_says_the_path_went_through_the_transit_gateway(
    name: str, via: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(SAMPLES / f"{name}.json"), "--target", "ecr.dkr"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "ecr.dkr" in ln)
    assert line.rstrip().endswith(via)
