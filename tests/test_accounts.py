"""A snapshot folder of several accounts (snapshot-format.md "Several accounts"): read
together, the owner's copy of a shared resource wins, AccountId and Region agree within an
account, and absent is per account (a lookup in the lacking account's VPC is unknown).

tests/data/accounts/hub-spoke: the workload account 111122223333 (the healthy-endpoints
sample, its own files in the folder) and the network account 444455556666 in network/ (a
shared-services VPC with a centralized ecr.api endpoint, the transit gateway it shares
through RAM, its attachments with their Association and its route table)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from netgraph.check import check_source
from netgraph.flows import SourceError, hypothetical_source, service_sources
from netgraph.model import Snapshot
from netgraph.sources.accounts import read_snapshot
from netgraph.sources.snapshot import load_snapshot

from .conftest import run_main

HUB_SPOKE = Path(__file__).parent / "data" / "accounts" / "hub-spoke"
WORKLOAD, NETWORK = "111122223333", "444455556666"
SPOKE, HUB = "vpc-0a1b2c3d4e5f60718", "vpc-0c0ffee0c0ffee001"
ATT_SPOKE = "tgw-attach-0a0a0a0a0a0a0a0a1"
RTB = "tgw-rtb-0c0c0c0c0c0c0c0c3"


def netgraph(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netgraph", *argv], capture_output=True, text=True, check=False
    )


def in_process(*argv: str) -> subprocess.CompletedProcess[str]:
    """What netgraph() gives, through main() in this process (tests/conftest.py: run_main)."""
    return run_main(*argv)


def copy(tmp_path: Path) -> Path:
    snap = tmp_path / "snap"
    shutil.copytree(HUB_SPOKE, snap)
    return snap


def edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def verdicts(s: Snapshot, target: str) -> set[tuple[str, str]]:
    return {
        (t.verdict, t.reason) for src in service_sources(s) for t in check_source(s, src, [target])
    }


def test_two_accounts_are_read_as_one_snapshot() -> None:
    s = load_snapshot(HUB_SPOKE)
    assert s.account_id == WORKLOAD  # the folder's own files: the workload account
    assert s.vpcs is not None and set(s.vpcs) == {SPOKE, HUB}
    assert s.subnets is not None and "subnet-0c0ffee0c0ffee011" in s.subnets
    assert s.warnings == ()
    assert s.uncollected == {}
    proc = netgraph("check", str(HUB_SPOKE))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "(ap-northeast-1, account 111122223333)" in proc.stdout


def test_the_owners_copy_of_a_shared_resource_wins() -> None:
    raw = read_snapshot(HUB_SPOKE)
    (tgw,) = raw.lists["TransitGateways"]  # listed by both accounts: one resource
    assert "Options" in tgw.data and tgw.file.endswith("network/tgw.json")
    attachments = [
        o
        for o in raw.lists["TransitGatewayAttachments"]
        if o.data["TransitGatewayAttachmentId"] == ATT_SPOKE
    ]
    # The workload account (read first) lists its attachment without the Association that
    # only the transit gateway's owner sees: the owner's copy is the one kept.
    assert len(attachments) == 1
    assert attachments[0].data["Association"]["TransitGatewayRouteTableId"] == RTB
    assert len(raw.lists["TransitGatewayVpcAttachments"]) == 2
    routes = {k for o in raw.objects["TransitGatewayRouteTableRoutes"] for k in o.data}
    assert routes == {RTB}


def test_without_files_of_its_own_the_account_holding_the_services_is_the_primary(
    tmp_path: Path,
) -> None:
    snap = tmp_path / "snap"
    shutil.copytree(HUB_SPOKE / "network", snap / "a-network")
    (snap / "b-workload").mkdir()
    for f in HUB_SPOKE.glob("*.json"):
        shutil.copy(f, snap / "b-workload" / f.name)
    s = load_snapshot(snap)
    assert s.account_id == WORKLOAD
    assert s.vpcs is not None and set(s.vpcs) == {SPOKE, HUB}


def test_account_ids_that_disagree_within_an_account_exit_2(tmp_path: Path) -> None:
    snap = copy(tmp_path)
    edit(snap / "network" / "tgw.json", lambda d: d.update(AccountId=WORKLOAD))
    proc = netgraph("check", str(snap))  # a real process: exit 2 of a folder
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert str(snap / "network" / "tgw.json") in line
    assert str(snap / "network" / "meta.json") in line
    assert "AccountId" in line and NETWORK in line and WORKLOAD in line


def test_an_account_folder_of_another_region_is_left_out(tmp_path: Path) -> None:
    snap = copy(tmp_path)
    for f in (snap / "network").glob("*.json"):
        f.unlink()
    (snap / "network" / "meta.json").write_text(
        json.dumps({"Region": "eu-west-1", "AccountId": NETWORK, "Vpcs": []}), encoding="utf-8"
    )
    s = load_snapshot(snap)
    assert s.vpcs is not None and set(s.vpcs) == {SPOKE}
    (warning,) = s.warnings
    assert "network" in warning and "eu-west-1" in warning and "--region eu-west-1" in warning
    # --region picks the Region analysed: the workload account is the one left out then.
    other = load_snapshot(snap, "eu-west-1")
    assert other.region == "eu-west-1" and other.vpcs == {}


def test_a_folder_without_region_needs_region(tmp_path: Path) -> None:
    snap = copy(tmp_path)
    edit(snap / "network" / "meta.json", lambda d: d.pop("Region"))
    proc = in_process("check", str(snap))
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert "network: no Region in its files (account 444455556666" in line and "--region" in line
    assert load_snapshot(snap, "ap-northeast-1").vpcs is not None  # --region supplies it


def test_a_key_one_account_lacks_is_unknown_in_its_vpcs_never_blocked(tmp_path: Path) -> None:
    """The workload account's files lack VpcEndpoints; the network account's have some. Read
    as "collected, none in the spoke", ecr.api would be blocked (no endpoint, no NAT): it is
    unknown, naming the account and the key."""
    snap = copy(tmp_path)
    edit(snap / "ec2.json", lambda d: d.pop("VpcEndpoints"))
    s = load_snapshot(snap)
    assert s.vpc_endpoints is not None  # the network account's
    assert not s.collected("VpcEndpoints", SPOKE) and s.collected("VpcEndpoints", HUB)
    got = verdicts(s, "ecr.api")
    assert {v for v, _ in got} == {"unknown"}
    for _, reason in got:
        assert f"account {WORKLOAD} ({snap}): VpcEndpoints is not in the snapshot" in reason
    proc = in_process("check", str(snap))
    assert proc.returncode == 3, proc.stdout


def test_route_tables_one_account_lacks_are_unknown_with_its_collection_error(
    tmp_path: Path,
) -> None:
    snap = copy(tmp_path)

    def drop(d: dict[str, Any]) -> None:
        d.pop("RouteTables")

    edit(snap / "ec2.json", drop)
    edit(
        snap / "meta.json",
        lambda d: d.update(
            CollectionErrors=[{"Call": "ec2:DescribeRouteTables", "Error": "AccessDenied"}]
        ),
    )
    s = load_snapshot(snap)
    got = verdicts(s, "logs")
    assert {v for v, _ in got} == {"unknown"}
    assert all("ec2:DescribeRouteTables failed: AccessDenied" in r for _, r in got)
    # The network account's own data stands.
    assert s.route_tables is not None and "rtb-0c0ffee0c0ffee021" in s.route_tables


def test_an_address_in_the_vpc_of_an_account_without_interfaces_is_unknown(
    tmp_path: Path,
) -> None:
    """path to an address in the hub, whose account's files lack NetworkInterfaces: not
    "nothing holds it" (a block) but unknown."""
    snap = copy(tmp_path)
    edit(snap / "network" / "ec2.json", lambda d: d.pop("NetworkInterfaces"))
    s = load_snapshot(snap)
    assert s.network_interfaces is not None and not s.collected("NetworkInterfaces", HUB)
    assert s.collected("NetworkInterfaces", SPOKE)
    assert "account 444455556666" in s.missing_reason("NetworkInterfaces", HUB)


def test_a_subnet_of_an_account_whose_subnets_were_not_collected_is_not_called_a_typo(
    tmp_path: Path,
) -> None:
    """--subnet of the network account, whose files lack Subnets: the message names the VPC
    whose subnets are missing and why, rather than "no such subnet: check the id"."""
    snap = copy(tmp_path)
    edit(snap / "network" / "ec2.json", lambda d: d.pop("Subnets"))
    s = load_snapshot(snap)
    with pytest.raises(SourceError) as caught:
        hypothetical_source(s, "subnet-0c0ffee0c0ffee011", ("sg-1",), public_ip=False)
    said = str(caught.value)
    assert said.startswith("--subnet subnet-0c0ffee0c0ffee011: not in the snapshot, whose ")
    assert f"subnets of {HUB} were not collected (" in said and "account 444455556666" in said
    assert "check the id" in said
    proc = in_process("check", str(snap), "--subnet", "x", "--security-group", "sg-1")
    assert proc.returncode == 2 and f"subnets of {HUB} were not collected" in proc.stderr


@pytest.mark.parametrize("where", ["root", "network"])
def test_deeper_folders_are_not_read(tmp_path: Path, where: str) -> None:
    snap = copy(tmp_path)
    deep = (snap if where == "root" else snap / "network") / "old" / "x"
    deep.mkdir(parents=True)
    (deep / "ec2.json").write_text('{"Vpcs": [{"VpcId": "vpc-0dead"}]}', encoding="utf-8")
    s = load_snapshot(snap)
    assert s.vpcs is not None and "vpc-0dead" not in s.vpcs
    assert any("skipped old/" in w for w in s.warnings)
