"""Terraform plans as input (plan-input.md): each fixture's verdicts as its expected.json
says, through the real CLI; bad plans exit 2 with one line; unknown values leave nothing
that depends on them reachable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netgraph.check import check_source
from netgraph.cli import cli as main
from netgraph.flows import service_sources
from netgraph.sources.plan import input_record, load_input
from netgraph.sources.plan_map import AFTER_APPLY

from .conftest import run_main

FIXTURES = Path(__file__).parent / "fixtures" / "plans"
PLANS = (
    sorted(
        d.name
        for d in FIXTURES.iterdir()
        if (d / "tfplan.json").is_file() and (d / "expected.json").is_file()
    )
    if FIXTURES.is_dir()
    else []
)


def _snapshot_of(d: Path) -> Path | None:
    for name in ("snapshot.json", "snapshot"):
        if (d / name).exists():
            return d / name
    return None


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


def _args(d: Path) -> list[str]:
    snap = _snapshot_of(d)
    if snap is not None:
        return [str(snap), "--plan", str(d / "tfplan.json")]
    return [str(d / "tfplan.json")]


def _key(check: dict[str, Any]) -> tuple[str, str | None, str]:
    src = check["source"]
    subnet = src.get("subnet")
    if subnet is not None and subnet.endswith(AFTER_APPLY):
        subnet = None  # a subnet known only after apply (expected.json: null)
    return src.get("service") or "", subnet, check["target"]


@pytest.mark.parametrize("name", PLANS)
def test_fixture_verdicts(name: str) -> None:
    d = FIXTURES / name
    expected = json.loads((d / "expected.json").read_text())
    code, out, err = _run(["check", *_args(d), "--format", "json"])
    got = json.loads(out)
    by_key = {_key(c): c for c in got["checks"]}
    for want in expected["checks"]:
        key = _key(want)
        assert key in by_key, f"{name}: no check {key}"
        check = by_key[key]
        assert check["verdict"] == want["verdict"], (name, key, check["reason"])
        blocked = want.get("blocked_at")
        want_id = blocked.get("id") if isinstance(blocked, dict) else blocked
        if want_id:
            assert check["blocked_at"]["id"] == want_id, (name, key)
    verdicts = {c["verdict"] for c in expected["checks"]}
    want_code = 1 if verdicts & {"blocked", "denied"} else 3 if "unknown" in verdicts else 0
    assert code == want_code, err
    assert got["input"]["kind"] == "terraform-plan"
    assert got["input"]["snapshot"] == (str(_snapshot_of(d)) if _snapshot_of(d) else None)


@pytest.mark.parametrize("name", PLANS)
def test_unknown_attributes_leave_nothing_reachable(name: str) -> None:
    """Rule 1, per fixture: every check whose path or source touches an attribute known only
    after apply is unknown (or blocked before it), never reachable."""
    d = FIXTURES / name
    snap = load_input(
        _snapshot_of(d) or d / "tfplan.json", d / "tfplan.json" if _snapshot_of(d) else None
    )
    record = input_record(snap)
    assert record is not None
    unresolved = {(u["address"], u["attribute"]) for u in record["unresolved"]}
    placeholders = {f"{a}.{attr}{AFTER_APPLY}" for a, attr in unresolved}
    touched = 0
    for source in service_sources(snap):
        for trace in check_source(snap, source):
            ids = {h.id for h in trace.hops} | {source.subnet_id, *source.security_group_ids}
            if ids & placeholders:
                touched += 1
                # The role's check does not depend on where the task runs: only paths do.
                assert trace.verdict != "reachable", (name, trace.target, trace.reason)
    if any(u["attribute"] != "container_definitions" for u in record["unresolved"]):
        assert touched, f"{name}: no check met an unresolved attribute"


def test_unknown_until_apply_names_the_data_source() -> None:
    d = FIXTURES / "unknown-until-apply"
    if not (d / "tfplan.json").is_file():
        pytest.skip("fixture not committed")
    code, out, _ = _run(["check", str(d / "tfplan.json"), "--format", "json"])
    doc = json.loads(out)
    reasons = {(u["address"], u["attribute"]): u["reason"] for u in doc["input"]["unresolved"]}
    assert reasons[('aws_vpc_endpoint.interface["ecr.api"]', "subnet_ids")] == (
        "comes from data.aws_subnets.private, which is read during apply"
    )
    assert doc["input"]["changes"]["read"] == 1
    # the check says why in the plan's words, not the snapshot's ("no network ACL ...")
    api = next(c for c in doc["checks"] if c["target"] == "ecr.api")
    assert api["verdict"] == "unknown"
    assert api["reason"] == (
        'subnet_ids of aws_vpc_endpoint.interface["ecr.api"] is known only after apply (it '
        "comes from data.aws_subnets.private, which is read during apply)"
    )
    assert not [
        c for c in doc["checks"] if c["target"] == "ecr.api" and c["verdict"] == "reachable"
    ]
    assert code == 3


def test_greenfield_names_by_address_and_locates_blocks() -> None:
    d = FIXTURES / "greenfield-healthy"
    snap = load_input(d / "tfplan.json")
    assert snap.region == "ap-northeast-1"
    assert snap.account_id == "123456789012"
    # AWS's objects of a new VPC, named by the VPC's address
    assert "aws_vpc.main.main_route_table_id" in (snap.route_tables or {})
    assert (snap.network_acls or {})["aws_vpc.main.default_network_acl_id"].is_default
    assert "aws_vpc.main.default_security_group_id" in (snap.security_groups or {})
    vpc = (snap.vpcs or {})["aws_vpc.main"]
    assert vpc.enable_dns_support and vpc.enable_dns_hostnames
    # every new subnet has a NACL (the default one) and its explicit route table
    assert (
        snap.network_acl_by_subnet["aws_subnet.private[0]"] == "aws_vpc.main.default_network_acl_id"
    )
    assert snap.route_table_by_subnet["aws_subnet.private[1]"] == "aws_route_table.private"
    loc = snap.locations["aws_vpc_endpoint.s3"]
    assert loc.file.endswith("greenfield-healthy/network.tf")
    line = (d / "network.tf").read_text().splitlines()[loc.line - 1]
    assert line.startswith('resource "aws_vpc_endpoint" "s3"')


def test_greenfield_text_names_the_subnet_address() -> None:
    code, out, _ = _run(["check", str(FIXTURES / "greenfield-healthy" / "tfplan.json")])
    assert code == 0
    assert "aws_subnet.private[0]" in out


@pytest.mark.parametrize("command", [["scan"], ["draw", "--svg"]])
def test_scan_and_draw_accept_a_plan(command: list[str], tmp_path: Path) -> None:
    plan = str(FIXTURES / "greenfield-healthy" / "tfplan.json")
    if command[0] == "draw":
        args = ["draw", plan, "--svg", str(tmp_path / "t.svg")]
    else:
        args = ["scan", plan]
    code, _, err = _run(args)
    assert code == 0, err
    if command[0] == "draw":
        assert (tmp_path / "t.svg").read_bytes().startswith(b"<?xml") or b"<svg" in (
            tmp_path / "t.svg"
        ).read_bytes()


# ---- bad plans: one line, exit 2 --------------------------------------------------------


def _plan(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {}},
        "resource_changes": [],
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "expressions": {"region": {"constant_value": "ap-northeast-1"}},
                }
            },
            "root_module": {},
        },
    }
    doc.update(extra)
    return doc


def _cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    """``python -m netgraph ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "netgraph", *args], capture_output=True, text=True, timeout=120
    )


def _in_process(args: list[str]) -> subprocess.CompletedProcess[str]:
    """What _cli gives, through main() in this process (tests/conftest.py: run_main)."""
    return run_main(*args)


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        (
            {"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}},
            "a Terraform state, not a plan",
        ),
        (_plan(format_version="2.0"), "format_version '2.0'"),
        (_plan(errored=True), "errored: true"),
    ],
)
def test_bad_plans_exit_2_with_one_line(doc: dict[str, Any], words: str, tmp_path: Path) -> None:
    f = tmp_path / "tfplan.json"
    f.write_text(json.dumps(doc))
    # A real process for the first (exit 2 of a plan), the others in this process.
    p = (_cli if words == "a Terraform state, not a plan" else _in_process)(["check", str(f)])
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in p.stderr


def test_plan_option_with_a_non_plan_exits_2(tmp_path: Path) -> None:
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps({"Region": "ap-northeast-1", "Vpcs": []}))
    p = _in_process(["check", str(snap), "--plan", str(snap), "--subnet", "subnet-1"])
    assert p.returncode == 2
    assert "not a Terraform plan" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_plan_region_differs_from_the_snapshot_exits_2(tmp_path: Path) -> None:
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps({"Region": "eu-west-1", "Vpcs": []}))
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(_plan()))
    p = _in_process(["check", str(snap), "--plan", str(plan)])
    assert p.returncode == 2
    assert "ap-northeast-1" in p.stderr and "eu-west-1" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_a_plan_without_region_exits_2(tmp_path: Path) -> None:
    doc = _plan()
    doc["configuration"]["provider_config"] = {}
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(doc))
    p = _in_process(["check", str(plan)])
    assert p.returncode == 2 and "region" in p.stderr


def test_snapshot_json_has_no_input_key() -> None:
    """The JSON of a snapshot run is as before (no ``input``)."""
    sample = Path(__file__).parents[1] / "samples" / "broken-private-dns-off.json"
    code, out, _ = _run(["check", str(sample), "--format", "json"])
    assert code in (0, 1, 3)
    assert "input" not in json.loads(out)


# ---- what is not read: other regions, other providers ------------------------------------


def _vpc_change(address: str, provider: str = "registry.terraform.io/hashicorp/aws") -> Any:
    rtype, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": provider,
        "change": {
            "actions": ["create"],
            "before": None,
            "after": {"cidr_block": "10.9.0.0/16", "enable_dns_support": True},
            "after_unknown": {"id": True},
        },
    }


def _aliased_plan() -> dict[str, Any]:
    doc = _plan()
    doc["configuration"]["provider_config"]["aws.west"] = {
        "name": "aws",
        "alias": "west",
        "expressions": {"region": {"references": ["var.dr_region"]}},
    }
    doc["configuration"]["provider_config"]["aws.here"] = {
        "name": "aws",
        "alias": "here",
        "expressions": {"region": {"constant_value": "ap-northeast-1"}},
    }
    doc["variables"] = {"dr_region": {"value": "us-west-2"}}
    doc["resource_changes"] = [
        _vpc_change("aws_vpc.main"),
        _vpc_change("aws_vpc.dr"),
        _vpc_change("aws_vpc.same"),
        _vpc_change("aws_vpc.fork", "registry.example.com/someone/aws"),
        _vpc_change("random_id.suffix", "registry.terraform.io/hashicorp/random"),
    ]
    doc["configuration"]["root_module"]["resources"] = [
        {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
         "provider_config_key": "aws", "expressions": {}},
        {"address": "aws_vpc.dr", "mode": "managed", "type": "aws_vpc", "name": "dr",
         "provider_config_key": "aws.west", "expressions": {}},
        {"address": "aws_vpc.same", "mode": "managed", "type": "aws_vpc", "name": "same",
         "provider_config_key": "aws.here", "expressions": {}},
    ]  # fmt: skip
    return doc


def test_resources_of_another_region_are_ignored_with_a_warning(tmp_path: Path) -> None:
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(_aliased_plan()))
    snap = load_input(plan)
    assert set(snap.vpcs or {}) == {"aws_vpc.main", "aws_vpc.same"}
    record = input_record(snap)
    assert record is not None
    warnings = record["warnings"]
    assert len(warnings) == 2
    region = next(w for w in warnings if "aws.west" in w)
    assert "us-west-2" in region and "ap-northeast-1" in region
    assert region.endswith(": aws_vpc.dr")
    fork = next(w for w in warnings if "someone/aws" in w)
    assert fork.endswith(": aws_vpc.fork")
    assert not any("random" in w for w in warnings)  # not an AWS resource: nothing to say
    assert record["changes"]["create"] == 3  # AWS-provider instances, the ignored one too
    p = _in_process(["draw", str(plan), "--dot", str(tmp_path / "t.dot")])
    assert p.returncode == 0, p.stderr
    said = [line for line in p.stderr.splitlines() if "aws.west" in line]
    assert said and said[0].startswith("netgraph: warning: ") and "aws_vpc.dr" in said[0]
    assert "keys outside the snapshot format" not in p.stderr


# ---- managed prefix lists -----------------------------------------------------------------


def _change(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None) -> Any:
    rtype, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": actions,
            "before": before,
            "after": after,
            "after_unknown": unknown or {},
        },
    }


def _config(address: str, **expressions: Any) -> dict[str, Any]:
    rtype, name = address.split(".")
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "provider_config_key": "aws", "expressions": expressions}  # fmt: skip


def test_a_managed_prefix_list_and_its_entry_resources(tmp_path: Path) -> None:
    doc = _plan()
    doc["resource_changes"] = [
        _change("aws_ec2_managed_prefix_list.office", ["create"], None,
                {"name": "office", "address_family": "IPv4", "max_entries": 5,
                 "entry": [{"cidr": "192.0.2.0/24", "description": "hq"}]},
                {"id": True}),
        _change("aws_ec2_managed_prefix_list.vpn", ["create"], None,
                {"name": "vpn", "address_family": "IPv4", "max_entries": 5},
                {"id": True, "entry": True}),
        _change("aws_ec2_managed_prefix_list_entry.home", ["create"], None,
                {"cidr": "198.51.100.7/32", "description": "home"},
                {"id": True, "prefix_list_id": True}),
        _change("aws_ec2_managed_prefix_list.later", ["create"], None,
                {"name": "later", "address_family": "IPv4", "max_entries": 5},
                {"id": True, "entry": True}),
    ]  # fmt: skip
    doc["configuration"]["root_module"]["resources"] = [
        _config("aws_ec2_managed_prefix_list.office", entry=[{"cidr": {"constant_value": "x"}}]),
        _config("aws_ec2_managed_prefix_list.vpn"),
        _config(
            "aws_ec2_managed_prefix_list_entry.home",
            prefix_list_id={
                "references": [
                    "aws_ec2_managed_prefix_list.vpn.id",
                    "aws_ec2_managed_prefix_list.vpn",
                ]
            },
        ),
        _config("aws_ec2_managed_prefix_list.later", entry={"references": ["local.cidrs"]}),
    ]
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(doc))
    snap = load_input(plan)
    lists = snap.prefix_lists or {}
    office = lists["aws_ec2_managed_prefix_list.office"]
    assert office.name == "office"
    assert [str(n) for n in office.cidrs or ()] == ["192.0.2.0/24"]
    # no entry block: only what the entry resources add
    assert [str(n) for n in lists["aws_ec2_managed_prefix_list.vpn"].cidrs or ()] == [
        "198.51.100.7/32"
    ]
    # entries known only after apply: its CIDRs are unknown, not empty
    assert lists["aws_ec2_managed_prefix_list.later"].cidrs is None
    record = input_record(snap)
    assert record is not None
    assert {k: v for k, v in record["unresolved"][0].items() if k != "reason"} == {
        "address": "aws_ec2_managed_prefix_list.later",
        "attribute": "entry",
    }


def test_an_overlay_removes_an_entry_of_a_collected_prefix_list(tmp_path: Path) -> None:
    snap_file = tmp_path / "snap.json"
    snap_file.write_text(
        json.dumps(
            {
                "Region": "ap-northeast-1",
                "ManagedPrefixLists": [{"PrefixListId": "pl-0a1", "PrefixListName": "office"}],
                "PrefixListEntries": {
                    "pl-0a1": [{"Cidr": "192.0.2.0/24"}, {"Cidr": "203.0.113.0/24"}],
                    "pl-0b2": [{"Cidr": "10.9.0.0/16"}],
                },
            }
        )
    )
    doc = _plan()
    doc["resource_changes"] = [
        _change("aws_ec2_managed_prefix_list_entry.old", ["delete"],
                {"id": "pl-0a1,203.0.113.0/24", "prefix_list_id": "pl-0a1",
                 "cidr": "203.0.113.0/24"}, None),
    ]  # fmt: skip
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(doc))
    lists = load_input(snap_file, plan).prefix_lists or {}
    assert [str(n) for n in lists["pl-0a1"].cidrs or ()] == ["192.0.2.0/24"]
    assert [str(n) for n in lists["pl-0b2"].cidrs or ()] == ["10.9.0.0/16"]
