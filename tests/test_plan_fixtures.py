"""The committed Terraform plan fixtures are real `terraform show -json` output of the change
each one is about (tests/fixtures/plans/README.md). Runs without Terraform."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from netgraph.cli import main

PLANS = Path(__file__).parent / "fixtures" / "plans"
NAMES = (
    "greenfield-healthy",
    "seed-incident-s3-only",
    "role-without-policies",
    "module-vpc",
    "delete-endpoint",
    "narrow-task-sg",
    "unknown-until-apply",
)
OVERLAYS = ("delete-endpoint", "narrow-task-sg")
VERDICTS = {"reachable", "allowed", "blocked", "denied", "unknown"}
INTERFACE = 'aws_vpc_endpoint.interface["{}"]'

Json = dict[str, Any]


def load(name: str, file: str) -> Json:
    data: Json = json.loads((PLANS / name / file).read_text())
    return data


def changes(plan: Json) -> dict[str, Json]:
    return {r["address"]: r for r in plan["resource_changes"]}


def actions(plan: Json) -> dict[str, list[str]]:
    return {a: r["change"]["actions"] for a, r in changes(plan).items()}


def test_every_fixture_is_there() -> None:
    present = {p.parent.name for p in PLANS.glob("*/tfplan.json")}
    assert present == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_a_terraform_1_11_plan(name: str) -> None:
    plan = load(name, "tfplan.json")
    assert re.fullmatch(r"1\.\d+", plan["format_version"])
    assert plan["terraform_version"].startswith("1.11.")
    assert "planned_values" in plan and plan["errored"] is False
    assert plan["configuration"]["provider_config"]["aws"]["full_name"] == (
        "registry.terraform.io/hashicorp/aws"
    )
    assert {r["provider_name"] for r in plan["resource_changes"]} == {
        "registry.terraform.io/hashicorp/aws"
    }
    # nothing of the machine that made it: no scratch folder, no moto port
    text = (PLANS / name / "tfplan.json").read_text()
    assert "/tmp/" not in text and "127.0.0.1" not in text
    assert plan["timestamp"] == "2025-01-01T00:00:00Z"
    assert list((PLANS / name).glob("*.tf")), "the configuration that made the plan"


@pytest.mark.parametrize("name", NAMES)
def test_no_terraform_working_files_committed(name: str) -> None:
    folder = PLANS / name
    leftovers = [
        p
        for p in folder.rglob("*")
        if p.name in {".terraform", ".terraform.lock.hcl", "tfplan"} or ".tfstate" in p.name
    ]
    assert leftovers == []


@pytest.mark.parametrize("name", NAMES)
def test_expected_names_what_the_plan_or_snapshot_holds(name: str) -> None:
    plan = load(name, "tfplan.json")
    expected = load(name, "expected.json")
    addresses = set(changes(plan))
    known: set[str] = set(addresses)
    if name in OVERLAYS:
        snapshot = load(name, "snapshot.json")
        known |= {s["SubnetId"] for s in snapshot["Subnets"]}
        known |= {t["RouteTableId"] for t in snapshot["RouteTables"]}
        known |= {g["GroupId"] for g in snapshot["SecurityGroups"]}
    assert expected["checks"]
    for entry in expected["checks"]:
        assert entry["verdict"] in VERDICTS
        blocked = entry["verdict"] in {"blocked", "denied"}
        assert (entry["blocked_at"] is not None) == blocked, entry
        if blocked:
            assert entry["blocked_at"]["id"] in known, entry
        subnet = entry["source"]["subnet"]
        assert subnet is None or subnet in known, entry


def test_greenfield_healthy_creates_the_whole_service() -> None:
    plan = load("greenfield-healthy", "tfplan.json")
    acts = actions(plan)
    assert set(map(tuple, acts.values())) == {("create",)}
    for address in (
        "aws_vpc.main",
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
        "aws_vpc_endpoint.s3",
        "aws_iam_role_policy_attachment.execution",
        "aws_ecs_service.web",
        *(INTERFACE.format(s) for s in ("ecr.api", "ecr.dkr", "logs")),
    ):
        assert acts[address] == ["create"], address
    task = changes(plan)["aws_ecs_task_definition.web"]["change"]["after"]
    containers = json.loads(task["container_definitions"])
    assert containers[0]["image"].startswith("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/")
    assert containers[0]["logConfiguration"]["logDriver"] == "awslogs"
    checks = load("greenfield-healthy", "expected.json")["checks"]
    assert {c["verdict"] for c in checks} == {"reachable", "allowed"}


def test_seed_incident_has_only_the_s3_gateway_endpoint() -> None:
    plan = load("seed-incident-s3-only", "tfplan.json")
    endpoints = [r for r in plan["resource_changes"] if r["type"] == "aws_vpc_endpoint"]
    assert [e["address"] for e in endpoints] == ["aws_vpc_endpoint.s3"]
    assert endpoints[0]["change"]["after"]["vpc_endpoint_type"] == "Gateway"
    assert not any(r["type"] == "aws_nat_gateway" for r in plan["resource_changes"])
    blocked = {
        c["target"]: c["blocked_at"]["id"]
        for c in load("seed-incident-s3-only", "expected.json")["checks"]
        if c["verdict"] == "blocked"
    }
    assert blocked == dict.fromkeys(("ecr.api", "ecr.dkr", "logs"), "aws_route_table.private")


def test_role_without_policies_has_no_attachment() -> None:
    plan = load("role-without-policies", "tfplan.json")
    types = {r["type"] for r in plan["resource_changes"]}
    assert "aws_iam_role" in types
    assert not types & {"aws_iam_role_policy_attachment", "aws_iam_role_policy"}
    denied = [
        c
        for c in load("role-without-policies", "expected.json")["checks"]
        if c["verdict"] == "denied"
    ]
    assert {(c["target"], c["blocked_at"]["id"]) for c in denied} == {
        ("iam:execution-role", "aws_iam_role.execution")
    }


def test_module_vpc_builds_the_network_in_a_module() -> None:
    plan = load("module-vpc", "tfplan.json")
    subnets = [r for r in plan["resource_changes"] if r["type"] == "aws_subnet"]
    assert {s["address"] for s in subnets} == {
        'module.network.aws_subnet.private["ap-northeast-1a"]',
        'module.network.aws_subnet.private["ap-northeast-1c"]',
    }
    assert {s["module_address"] for s in subnets} == {"module.network"}
    root = plan["configuration"]["root_module"]
    service = next(r for r in root["resources"] if r["address"] == "aws_ecs_service.web")
    net = service["expressions"]["network_configuration"][0]
    assert net["subnets"]["references"][0] == "module.network.private_subnet_ids"
    assert root["module_calls"]["network"]["source"] == "./modules/network"
    region = plan["configuration"]["provider_config"]["aws"]["expressions"]["region"]
    assert region == {"references": ["var.region"]}
    assert plan["variables"]["region"]["value"] == "ap-northeast-1"


def test_delete_endpoint_deletes_an_endpoint_of_the_snapshot() -> None:
    plan = load("delete-endpoint", "tfplan.json")
    acts = actions(plan)
    assert acts[INTERFACE.format("ecr.dkr")] == ["delete"]
    assert [a for a, act in acts.items() if "delete" in act] == [INTERFACE.format("ecr.dkr")]
    assert acts[INTERFACE.format("ecr.api")] == ["no-op"]
    gone = changes(plan)[INTERFACE.format("ecr.dkr")]["change"]["before"]
    snapshot = load("delete-endpoint", "snapshot.json")
    endpoint = next(e for e in snapshot["VpcEndpoints"] if e["VpcEndpointId"] == gone["id"])
    assert endpoint["ServiceName"] == "com.amazonaws.ap-northeast-1.ecr.dkr"
    after = {
        c["target"]: c["verdict"]
        for c in load("delete-endpoint", "expected.json")["checks"]
        if c["target"] != "iam:execution-role"
    }
    assert after == {
        "ecr.api": "reachable",
        "ecr.dkr": "blocked",
        "s3": "reachable",
        "logs": "reachable",
    }


def test_narrow_task_sg_leaves_only_port_80() -> None:
    plan = load("narrow-task-sg", "tfplan.json")
    change = changes(plan)["aws_security_group.task"]["change"]
    assert change["actions"] == ["update"]
    ports = [(e["from_port"], e["to_port"]) for e in change["after"]["egress"]]
    assert [(e["from_port"], e["to_port"]) for e in change["before"]["egress"]] == [(443, 443)]
    assert ports == [(80, 80)]
    snapshot = load("narrow-task-sg", "snapshot.json")
    assert change["before"]["id"] in {g["GroupId"] for g in snapshot["SecurityGroups"]}
    for entry in load("narrow-task-sg", "expected.json")["checks"]:
        if entry["target"] != "iam:execution-role":
            assert entry["blocked_at"] == {"id": change["before"]["id"]}


def test_unknown_until_apply_reads_the_subnets_during_apply() -> None:
    plan = load("unknown-until-apply", "tfplan.json")
    read = changes(plan)["data.aws_subnets.private"]
    assert read["change"]["actions"] == ["read"]
    assert read["action_reason"] == "read_because_config_unknown"
    for service in ("ecr.api", "ecr.dkr", "logs"):
        change = changes(plan)[INTERFACE.format(service)]["change"]
        assert change["after_unknown"]["subnet_ids"] is True
        assert "subnet_ids" not in change["after"]
    worker = changes(plan)["aws_ecs_service.worker"]["change"]
    assert worker["after_unknown"]["network_configuration"][0]["subnets"] is True
    # whatever depends on the data source is never reachable
    depends = {"ecr.api", "ecr.dkr", "logs"}
    for entry in load("unknown-until-apply", "expected.json")["checks"]:
        network = entry["target"] != "iam:execution-role"
        if network and (entry["source"]["service"] == "worker" or entry["target"] in depends):
            assert entry["verdict"] == "unknown", entry


@pytest.mark.parametrize("name", OVERLAYS)
def test_overlay_snapshot_gives_the_before_verdicts(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The collected account (before the plan) is healthy by netgraph's own check."""
    code = main(["check", str(PLANS / name / "snapshot.json"), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    got = {(c["source"]["subnet"], c["target"]): c["verdict"] for c in doc["checks"]}
    want = {
        (c["source"]["subnet"], c["target"]): c["verdict"]
        for c in load(name, "expected.json")["before_checks"]
    }
    assert code == 0
    assert got == want
