"""Scan of hub-and-spoke accounts (bench/hub_and_spoke.py, few spokes, broken variants): every
check of the scan, hop by hop, equals checking that source alone with an empty memo. The
scan shares the hub side of the walk (transit gateway lookups, the far VPC's hops, the
reply's lookups) across spokes through the per-snapshot memo; a memo key that misses
something an answer depends on gives a spoke another spoke's answer, and fails here
(the reference empties the memo before each source, so it cannot share the mistake)."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgraph.cache import memo_of
from netgraph.check import check_source
from netgraph.flows import Source, eni_source, service_sources
from netgraph.reach import Trace
from netgraph.scan import MANAGED_INTERFACE_TYPES, scan
from netgraph.sources.snapshot import snapshot_from_data

from .conftest import ROOT, examples

sys.path.insert(0, str(ROOT / "bench"))
from hub_and_spoke import SHARED_CIDR, SPOKES_CIDR, generate_hub_and_spoke

BREAKS = (
    "no-return-route",
    "return-to-wrong-attachment",
    "blackhole-shared",
    "blackhole-spoke",
    "spoke-az-without-attachment",
    "hub-az-without-attachment",
    "reply-acl-denies-one-spoke",
    "endpoints-admit-one-spoke",
    "shared-table-misses-one-spoke",
    "spoke-group-unassociated",
)


def _named(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(i for i in items if {"Key": "Name", "Value": name} in i.get("Tags", []))


def _spoke(data: dict[str, Any], j: int) -> tuple[str, str, str]:
    """Spoke j's VPC id, CIDR and attachment id."""
    vpc = _named(data["Vpcs"], f"spoke-{j}")
    att = next(a for a in data["TransitGatewayAttachments"] if a["ResourceId"] == vpc["VpcId"])
    return vpc["VpcId"], vpc["CidrBlock"], att["TransitGatewayAttachmentId"]


def _tables(data: dict[str, Any], name: str) -> list[list[dict[str, Any]]]:
    """The routes of the transit gateway route tables whose Name starts with ``name``."""
    ids = [
        t["TransitGatewayRouteTableId"]
        for t in data["TransitGatewayRouteTables"]
        if t["Tags"][0]["Value"].startswith(name)
    ]
    return [data["TransitGatewayRouteTableRoutes"][i]["Routes"] for i in ids]


def broken(data: dict[str, Any], how: str, j: int) -> None:
    """Break spoke j (or the hub, for spoke j) the way ``how`` says."""
    vpc, cidr, att = _spoke(data, j)
    hub = _tables(data, "hub")[0]
    if how == "no-return-route":
        hub[:] = [r for r in hub if r["DestinationCidrBlock"] != cidr]
    elif how == "return-to-wrong-attachment":
        other = _spoke(data, j + 1)[2] if j == 0 else _spoke(data, 0)[2]
        for r in hub:
            if r["DestinationCidrBlock"] == cidr:
                r["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"] = other
    elif how == "blackhole-shared":
        # The route of spoke j's group (spokes are dealt to groups in turn) to the endpoints.
        tables = _tables(data, "spokes-")
        for r in tables[j % len(tables)]:
            if r["DestinationCidrBlock"] == SHARED_CIDR:
                r["State"] = "blackhole"
                r["TransitGatewayAttachments"] = []
    elif how == "blackhole-spoke":
        for r in hub:
            if r["DestinationCidrBlock"] == cidr:
                r["State"] = "blackhole"
    elif how == "spoke-az-without-attachment":
        vatt = next(a for a in data["TransitGatewayVpcAttachments"] if a["VpcId"] == vpc)
        vatt["SubnetIds"] = vatt["SubnetIds"][:-1] or vatt["SubnetIds"]
    elif how == "hub-az-without-attachment":
        shared = _named(data["Vpcs"], "shared-services")["VpcId"]
        vatt = next(a for a in data["TransitGatewayVpcAttachments"] if a["VpcId"] == shared)
        vatt["SubnetIds"] = vatt["SubnetIds"][1:]
    elif how == "reply-acl-denies-one-spoke":
        shared = _named(data["Vpcs"], "shared-services")["VpcId"]
        acl = next(a for a in data["NetworkAcls"] if a["VpcId"] == shared)
        acl["Entries"].insert(
            0,
            {
                "RuleNumber": 50,
                "Egress": True,
                "Protocol": "-1",
                "RuleAction": "deny",
                "CidrBlock": cidr,
            },
        )
    elif how == "endpoints-admit-one-spoke":
        sg = next(g for g in data["SecurityGroups"] if g["GroupName"] == "endpoints")
        sg["IpPermissions"][0]["IpRanges"] = [{"CidrIp": cidr}]
    elif how == "shared-table-misses-one-spoke":
        shared = _named(data["Vpcs"], "shared-services")["VpcId"]
        table = next(t for t in data["RouteTables"] if t["VpcId"] == shared)
        tgw = next(r for r in table["Routes"] if r.get("DestinationCidrBlock") == SPOKES_CIDR)
        table["Routes"].remove(tgw)
        for k in range(len(data["Vpcs"]) - 2):
            if k != j:
                table["Routes"].append({**tgw, "DestinationCidrBlock": _spoke(data, k)[1]})
    elif how == "spoke-group-unassociated":
        a = next(
            x for x in data["TransitGatewayAttachments"] if x["TransitGatewayAttachmentId"] == att
        )
        a.pop("Association", None)


def sources_alone(snap: Any) -> list[Source]:
    out = list(service_sources(snap))
    for eni in (snap.network_interfaces or {}).values():
        if eni.interface_type not in MANAGED_INTERFACE_TYPES:
            out.append(eni_source(snap, eni.id))
    return out


def alone(snap: Any, source: Source) -> dict[str, Trace]:
    # An empty memo: nothing another source asked can answer for this one.
    memo_of(snap).clear()
    return {t.target: t for t in check_source(snap, source)}


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    spokes=st.integers(2, 5),
    groups=st.integers(1, 3),
    azs=st.integers(1, 3),
    tiers=st.integers(1, 2),
    enis=st.integers(0, 5),
    services=st.integers(1, 3),
    seed=st.integers(0, 1000),
    breaks=st.lists(
        st.tuples(st.sampled_from(BREAKS), st.integers(0, 4)), max_size=3, unique_by=lambda b: b[0]
    ),
)
def test_scan_of_a_hub_and_spoke_is_checking_each_source_alone(
    spokes: int,
    groups: int,
    azs: int,
    tiers: int,
    enis: int,
    services: int,
    seed: int,
    breaks: list[tuple[str, int]],
) -> None:
    data = generate_hub_and_spoke(
        spokes=spokes,
        groups=groups,
        azs=azs,
        tiers=tiers,
        security_groups=3,
        rules_per_group=3,
        extra_routes=1,
        enis=enis,
        services=services,
        seed=seed,
    )
    for how, j in breaks:
        broken(data, how, j % spokes)
    snap = snapshot_from_data(data)
    result = scan(snap, all_enis=True)
    expected: dict[Source, dict[str, Trace]] = {}
    for t in result.traces:
        source = t.source
        if source.kind == "eni" and not t.partial:
            source = replace(source, address=None)
        if source not in expected:
            expected[source] = alone(snap, source)
        want = expected[source][t.target]
        assert t.hops[1:] == want.hops[1:], (t.source, t.target)
        assert (t.verdict, t.blocked_at, t.reason, t.fix, t.partial, t.assumptions) == (
            want.verdict,
            want.blocked_at,
            want.reason,
            want.fix,
            want.partial,
            want.assumptions,
        )
    assert len(result.traces) == sum(len(alone(snap, s)) for s in sources_alone(snap))


def test_the_broken_variants_block_where_they_break() -> None:
    # The variants above must reach the hops they break, or the test above proves little.
    verdicts: dict[str, set[str]] = {}
    for how in BREAKS:
        data = generate_hub_and_spoke(
            spokes=3, groups=2, security_groups=3, rules_per_group=3, enis=2, services=1
        )
        broken(data, how, 1)
        snap = snapshot_from_data(data)
        codes = {
            t.blocked_at.code or t.blocked_at.status
            for t in scan(snap).traces
            if t.blocked_at is not None and t.source.subnet_id in _subnets(data, 1)
        }
        verdicts[how] = codes
    assert verdicts["no-return-route"] == {"TGW_RTB_CANNOT_ROUTE"}
    assert verdicts["return-to-wrong-attachment"] == {"TGW_RTB_CANNOT_ROUTE"}
    assert verdicts["blackhole-shared"] == {"TGW_RTB_BAD_STATE_ROUTE"}
    assert verdicts["blackhole-spoke"] == {"TGW_RTB_BAD_STATE_ROUTE"}
    assert verdicts["spoke-az-without-attachment"] == {"TGW_ATTACH_VPC_AZ_RESTRICTION"}
    assert verdicts["reply-acl-denies-one-spoke"] == {"SUBNET_ACL_RESTRICTION"}
    assert (
        "RESPONSE_RTB_HAS_NO_ROUTE_TO_TRANSIT_GATEWAY" in verdicts["shared-table-misses-one-spoke"]
    )
    assert verdicts["spoke-group-unassociated"] == {"TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"}


def _subnets(data: dict[str, Any], j: int) -> set[str]:
    vpc = _spoke(data, j)[0]
    return {s["SubnetId"] for s in data["Subnets"] if s["VpcId"] == vpc}
