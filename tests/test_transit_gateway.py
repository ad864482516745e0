"""Transit gateways (aws-semantics.md 12.1, 12.6): each rule changes one thing of the
centralised-egress sample and asserts the verdict and the hop blamed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netgraph.check import check_path, check_source
from netgraph.flows import hypothetical_source, service_sources
from netgraph.model import TCP
from netgraph.reach import Trace
from netgraph.scan import scan

from .conftest import build, snap

SPOKE_A = "subnet-05b0ke000000001a"
SPOKE_C = "subnet-05b0ke000000001c"
SPOKE_ATTACH = build.ATTACH[build.SPOKE]
EGRESS_ATTACH = build.ATTACH[build.EGRESS]
NAT_ENI_IP = "10.100.101.25"


def egress() -> dict[str, Any]:
    return copy.deepcopy(build.healthy_hub_centralized_egress())


def _item(data: dict[str, Any], key: str, id_key: str, value: str) -> dict[str, Any]:
    return next(i for i in data[key] if i[id_key] == value)


def _tgw_routes(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    routes: list[dict[str, Any]] = data["TransitGatewayRouteTableRoutes"][table]["Routes"]
    return routes


def to_nat(data: dict[str, Any], subnet: str = SPOKE_A, port: int = 443) -> Trace:
    """A flow from a hypothetical task ENI in the spoke to the egress NAT gateway's ENI."""
    s = snap(data)
    source = hypothetical_source(s, subnet, (build.SG_SPOKE_TASK,), public_ip=False)
    return check_path(s, source, NAT_ENI_IP, protocol=TCP, port=port)


def service(data: dict[str, Any], target: str = "ecr.api") -> dict[str, Trace]:
    s = snap(data)
    return {src.subnet_id: check_source(s, src, [target])[0] for src in service_sources(s)}


def test_healthy_egress_reaches_the_internet_and_the_nat_eni() -> None:
    for trace in service(egress()).values():
        assert trace.verdict == "reachable", trace.reason
    assert to_nat(egress()).verdict == "reachable"


def test_a_source_in_an_az_without_attachment_subnet_is_dropped_at_the_attachment() -> None:
    data = egress()
    vpc_att = _item(
        data, "TransitGatewayVpcAttachments", "TransitGatewayAttachmentId", SPOKE_ATTACH
    )
    vpc_att["SubnetIds"] = [build._subnet_id(build.SPOKE, "tgw-a")]
    traces = service(data)
    assert traces[SPOKE_A].verdict == "reachable"
    blocked = traces[SPOKE_C]
    assert blocked.verdict == "blocked"
    assert blocked.blocked_at is not None
    assert (blocked.blocked_at.id, blocked.blocked_at.code) == (
        SPOKE_ATTACH,
        "TGW_ATTACH_VPC_AZ_RESTRICTION",
    )
    assert "ap-northeast-1c" in (blocked.fix or "")


def test_no_route_in_the_transit_gateway_route_table_is_blamed_on_it() -> None:
    data = egress()
    data["TransitGatewayRouteTableRoutes"][build.TGW_RTB_SPOKES]["Routes"] = []
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert (trace.blocked_at.id, trace.blocked_at.code) == (
        build.TGW_RTB_SPOKES,
        "TGW_RTB_CANNOT_ROUTE",
    )
    # the fix names the attachment of the VPC that holds the address
    assert f"--transit-gateway-attachment-id {EGRESS_ATTACH}" in (trace.fix or "")


def test_no_listed_route_with_more_routes_available_is_unknown() -> None:
    data = egress()
    table = data["TransitGatewayRouteTableRoutes"][build.TGW_RTB_SPOKES]
    table["Routes"], table["AdditionalRoutesAvailable"] = [], True
    trace = to_nat(data)
    assert trace.verdict == "unknown"
    assert "AdditionalRoutesAvailable" in trace.reason


def test_a_blackhole_route_drops_even_with_a_shorter_route_behind_it() -> None:
    data = egress()
    blackhole = build._tgw_route("10.100.0.0/16", build.EGRESS)
    blackhole["State"], blackhole["TransitGatewayAttachments"] = "blackhole", []
    _tgw_routes(data, build.TGW_RTB_SPOKES).append(blackhole)
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert (trace.blocked_at.id, trace.blocked_at.code) == (
        build.TGW_RTB_SPOKES,
        "TGW_RTB_BAD_STATE_ROUTE",
    )


@pytest.mark.parametrize(
    ("static_state", "propagated_state", "verdict"),
    [("active", "blackhole", "reachable"), ("blackhole", "active", "blocked")],
)
def test_a_static_route_wins_over_a_propagated_one_of_the_same_prefix(
    static_state: str, propagated_state: str, verdict: str
) -> None:
    data = egress()
    routes = _tgw_routes(data, build.TGW_RTB_SPOKES)
    static = build._tgw_route("10.100.0.0/16", build.EGRESS, "static")
    propagated = build._tgw_route("10.100.0.0/16", build.EGRESS, "propagated")
    static["State"], propagated["State"] = static_state, propagated_state
    routes += [propagated, static]  # the propagated one first: order must not decide
    assert to_nat(data).verdict == verdict


def test_the_longest_prefix_decides_in_a_transit_gateway_route_table() -> None:
    data = egress()
    # 0.0.0.0/0 -> the egress VPC stays; a more specific route for the NAT's subnet leads to
    # the spoke itself (a misconfiguration): the packet goes back to the spoke, not on.
    more = build._tgw_route("10.100.101.0/24", build.SPOKE)
    _tgw_routes(data, build.TGW_RTB_SPOKES).append(more)
    trace = to_nat(data)
    assert trace.verdict != "reachable"
    assert any(h.id == SPOKE_ATTACH and "delivers" in h.reason for h in trace.hops)


@pytest.mark.parametrize("state", ["pending", "deleting", "pendingAcceptance"])
def test_an_attachment_that_is_not_available_carries_nothing(state: str) -> None:
    data = egress()
    for key in ("TransitGatewayAttachments", "TransitGatewayVpcAttachments"):
        _item(data, key, "TransitGatewayAttachmentId", EGRESS_ATTACH)["State"] = state
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert (trace.blocked_at.id, trace.blocked_at.code) == (EGRESS_ATTACH, "TGW_ATTACH_BAD_STATE")


def test_an_unassociated_attachment_routes_nothing() -> None:
    data = egress()
    del _item(data, "TransitGatewayAttachments", "TransitGatewayAttachmentId", SPOKE_ATTACH)[
        "Association"
    ]
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert (trace.blocked_at.id, trace.blocked_at.code) == (
        SPOKE_ATTACH,
        "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
    )


def test_the_reply_needs_a_route_back_in_the_far_attachments_table() -> None:
    data = egress()
    _tgw_routes(data, build.TGW_RTB_HUB).clear()
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert trace.blocked_at.id == build.TGW_RTB_HUB
    assert trace.hops[-1].leg == "return"


def test_the_attachment_subnets_nacl_applies_inbound_on_the_way_in() -> None:
    data = egress()
    acl = _item(data, "NetworkAcls", "NetworkAclId", f"acl-{build.SPOKE[4:]}0")
    tgw_subnets = {build._subnet_id(build.SPOKE, n) for n in ("tgw-a", "tgw-c")}
    acl["Associations"] = [a for a in acl["Associations"] if a["SubnetId"] not in tgw_subnets]
    strict = copy.deepcopy(acl)
    strict.update(
        NetworkAclId="acl-05b0ke0000000000t",
        IsDefault=False,
        Associations=[
            {"NetworkAclAssociationId": f"aclassoc-t{i}", "NetworkAclId": "acl-05b0ke0000000000t"}
            | {"SubnetId": s}
            for i, s in enumerate(sorted(tgw_subnets))
        ],
        Entries=[
            build.acl_entry(100, True, "-1", "allow", "0.0.0.0/0"),
            build.acl_entry(100, False, "-1", "deny", build.SPOKE_CIDR),
            build.acl_entry(200, False, "-1", "allow", "0.0.0.0/0"),
        ],
    )
    data["NetworkAcls"].append(strict)
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert (trace.blocked_at.id, trace.blocked_at.kind) == (
        "acl-05b0ke0000000000t",
        "network-acl-inbound",
    )


def test_a_security_group_reference_does_not_cross_a_transit_gateway() -> None:
    """Without SecurityGroupReferencingSupport, a far group that names the source's group
    admits nothing from across the transit gateway."""
    data = egress()
    hub_sg = "sg-0e9e5500000000077"
    data["SecurityGroups"].append(
        {
            "GroupId": hub_sg,
            "GroupName": "from-spoke-tasks",
            "VpcId": build.EGRESS,
            "OwnerId": build.ACCOUNT,
            "Description": "spoke tasks by reference",
            "IpPermissions": [build.sg_rule("tcp", 443, 443, groups=(build.SG_SPOKE_TASK,))],
            "IpPermissionsEgress": [],
        }
    )
    nat_eni = data["NetworkInterfaces"][0]
    nat_eni["Groups"] = [{"GroupId": hub_sg, "GroupName": "from-spoke-tasks"}]
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert trace.blocked_at.id == hub_sg


def _referencing_far_group(data: dict[str, Any]) -> str:
    """The NAT ENI's only group admits TCP 443 from the spoke tasks' group by reference."""
    hub_sg = "sg-0e9e5500000000077"
    data["SecurityGroups"].append(
        {
            "GroupId": hub_sg,
            "GroupName": "from-spoke-tasks",
            "VpcId": build.EGRESS,
            "OwnerId": build.ACCOUNT,
            "Description": "spoke tasks by reference",
            "IpPermissions": [build.sg_rule("tcp", 443, 443, groups=(build.SG_SPOKE_TASK,))],
            "IpPermissionsEgress": [],
        }
    )
    data["NetworkInterfaces"][0]["Groups"] = [{"GroupId": hub_sg, "GroupName": "x"}]
    return hub_sg


def _referencing(data: dict[str, Any], tgw: str | None, spoke: str | None, hub: str | None) -> None:
    """SecurityGroupReferencingSupport of the transit gateway and the two attachments
    ("enable", "disable", or None: the key left out)."""
    said = [
        (data["TransitGateways"][0]["Options"], tgw),
        (_item(data, "TransitGatewayVpcAttachments", "VpcId", build.SPOKE)["Options"], spoke),
        (_item(data, "TransitGatewayVpcAttachments", "VpcId", build.EGRESS)["Options"], hub),
    ]
    for options, value in said:
        options.pop("SecurityGroupReferencingSupport")
        if value is not None:
            options["SecurityGroupReferencingSupport"] = value


def test_a_security_group_reference_crosses_where_referencing_is_on_everywhere() -> None:
    data = egress()
    _referencing_far_group(data)
    _referencing(data, "enable", "enable", "enable")
    trace = to_nat(data)
    assert trace.verdict == "reachable", trace.reason
    assert build.TGW not in [h.id for h in trace.hops if "referencing" in h.reason]


def test_an_egress_rule_naming_a_far_group_does_not_cross_even_with_referencing_on() -> None:
    # AWS: across a transit gateway only inbound rules may name another VPC's group [S64];
    # across a same-Region peering both may (tests/test_peering.py).
    data = egress()
    hub_sg = _referencing_far_group(data)
    _referencing(data, "enable", "enable", "enable")
    task = next(g for g in data["SecurityGroups"] if g["GroupId"] == build.SG_SPOKE_TASK)
    task["IpPermissionsEgress"] = [build.sg_rule("tcp", 443, 443, groups=(hub_sg,))]
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert trace.blocked_at.id == build.SG_SPOKE_TASK


@pytest.mark.parametrize(
    ("tgw", "spoke", "hub", "silent"),
    [
        (None, "enable", "enable", build.TGW),
        ("enable", None, "enable", SPOKE_ATTACH),
        ("enable", "enable", None, EGRESS_ATTACH),
        (None, None, None, f"{build.TGW}, {SPOKE_ATTACH}, {EGRESS_ATTACH}"),
    ],
)
def test_a_reference_across_a_transit_gateway_whose_referencing_is_not_said_is_unknown(
    tgw: str | None, spoke: str | None, hub: str | None, silent: str
) -> None:
    """Absent is not "disabled": the reference may admit the source or not, so the check is
    unknown (it was "blocked" at the far group), and says which resource lacks the option."""
    data = egress()
    hub_sg = _referencing_far_group(data)
    _referencing(data, tgw, spoke, hub)
    trace = to_nat(data)
    assert trace.verdict == "unknown", trace.reason
    assert trace.blocked_at is None
    assert f"SecurityGroupReferencingSupport of {silent} is not in the snapshot" in trace.reason
    assert "reachable if security-group referencing is on" in trace.reason
    assert f"blocked at {hub_sg} if security-group referencing is off" in trace.reason


@pytest.mark.parametrize(
    ("tgw", "spoke", "hub"), [(None, "disable", None), ("disable", None, None)]
)
def test_one_referencing_option_said_off_decides_whatever_the_others(
    tgw: str | None, spoke: str | None, hub: str | None
) -> None:
    data = egress()
    hub_sg = _referencing_far_group(data)
    _referencing(data, tgw, spoke, hub)
    trace = to_nat(data)
    assert trace.verdict == "blocked", trace.reason
    assert trace.blocked_at is not None and trace.blocked_at.id == hub_sg


def test_referencing_not_said_does_not_matter_to_groups_that_name_no_other_group() -> None:
    """The sample's far side admits by address: no fork, the same hops as before."""
    data = egress()
    before = to_nat(data)
    _referencing(data, None, None, None)
    after = to_nat(data)
    assert after.verdict == before.verdict == "reachable"
    assert after.hops == before.hops


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda d: d.pop("TransitGateways"), "TransitGateways"),
        (lambda d: d.pop("TransitGatewayVpcAttachments"), "TransitGatewayVpcAttachments"),
        (
            lambda d: d["TransitGatewayRouteTableRoutes"].pop(build.TGW_RTB_SPOKES),
            build.TGW_RTB_SPOKES,
        ),
        (lambda d: d["TransitGatewayRouteTableRoutes"].pop(build.TGW_RTB_HUB), build.TGW_RTB_HUB),
        (lambda d: d.pop("TransitGatewayAttachments"), "Association"),
    ],
)
def test_what_the_snapshot_does_not_describe_is_unknown(damage: Any, named: str) -> None:
    data = egress()
    damage(data)
    trace = to_nat(data)
    assert trace.verdict == "unknown", trace.reason
    assert named in trace.reason


def test_an_attachment_to_a_vpc_not_in_the_snapshot_is_unknown() -> None:
    data = egress()
    for key in ("TransitGatewayAttachments", "TransitGatewayVpcAttachments"):
        att = _item(data, key, "TransitGatewayAttachmentId", EGRESS_ATTACH)
        att["ResourceId" if key == "TransitGatewayAttachments" else "VpcId"] = "vpc-0404"
    trace = service(data)[SPOKE_A]
    assert trace.verdict == "unknown"
    assert "vpc-0404" in trace.reason and "Vpcs" in trace.reason


def test_without_any_transit_gateway_key_the_old_words_stand() -> None:
    data = egress()
    for key in [k for k in data if k.startswith("TransitGateway")]:
        del data[key]
    trace = service(data)[SPOKE_A]
    assert trace.verdict == "unknown"
    assert "netgraph cannot follow it from this snapshot" in trace.reason


def test_a_scan_with_its_templates_and_cache_gives_the_checks_answers() -> None:
    """The memo and the scan's templates key the far hops by what they depend on: the
    scan's verdicts equal those of the flows walked one by one."""
    for make in (
        build.healthy_hub_centralized_egress,
        build.broken_tgw_missing_return_route,
        build.broken_peering_edge_to_edge,
    ):
        s = snap(copy.deepcopy(make()))
        scanned = {
            (t.source.subnet_id, t.target): (t.verdict, t.blocked_at.id if t.blocked_at else None)
            for t in scan(s).traces
        }
        fresh = snap(copy.deepcopy(make()))
        alone = {
            (t.source.subnet_id, t.target): (t.verdict, t.blocked_at.id if t.blocked_at else None)
            for src in service_sources(fresh)
            for t in check_source(fresh, src)
        }
        assert scanned == alone, make.__name__


def test_appliance_mode_is_said_not_judged() -> None:
    data = egress()
    att = _item(data, "TransitGatewayVpcAttachments", "TransitGatewayAttachmentId", EGRESS_ATTACH)
    att["Options"]["ApplianceModeSupport"] = "enable"
    trace = to_nat(data)
    assert trace.verdict == "reachable"
    said = [h.reason for h in trace.hops if h.id == EGRESS_ATTACH]
    assert any("appliance mode is on" in r for r in said)
    assert not any("appliance mode" in h.reason for h in to_nat(egress()).hops)
