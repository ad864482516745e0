"""Where the walk ends at the edges of what it knows: an address in a VPC that nothing holds
(in no subnet, or in a subnet where no interface holds it, or where the account did not
collect the subnets or the interfaces), in this VPC or across a transit gateway or a
peering; a route to a target netgraph cannot follow; the hub's NAT gateway behind a transit
gateway; security-group referencing not said; an interface of another VPC that a route
sends to the internet. Each asserts what the user reads: verdict, deciding hop, words, fix."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from netgraph.check import check_path
from netgraph.flows import hypothetical_source
from netgraph.hop import Hop
from netgraph.model import Snapshot
from netgraph.reach import Trace

from .conftest import build, sample_data, snap

TASK_SUBNET = build.SUBNETS["private-a"][0]
OTHER_SUBNET = build.SUBNETS["private-c"][0]  # 10.0.2.0/24, the task's VPC
RTB_PRIVATE = build.RTB_PRIVATE
NOT_IN_A_SUBNET = "10.0.200.1"  # in 10.0.0.0/16, in none of its subnets
NOT_HELD = "10.0.2.77"  # in private-c, held by no interface
WHY = "the account 444455556666 was not collected (AccessDenied)"


def check(s: Snapshot, to: str, port: int | None = 443) -> Trace:
    source = hypothetical_source(s, TASK_SUBNET, (build.SG_TASK,), False)
    return check_path(s, source, to, protocol="6", port=port)


def decider(t: Trace) -> Hop:
    """The hop that decides a verdict that is not reachable: the first that does not pass."""
    return next(h for h in t.hops if h.status != "pass")


def uncollected(data: dict[str, Any], key: str) -> Snapshot:
    """The sample, as if the account of its VPC had not collected ``key`` (several
    accounts: the others did)."""
    return replace(snap(data), uncollected={key: {build.VPC: WHY}})


# ---- an address in the VPC that nothing holds (walk_targets.nowhere) ---------------------


def test_address_in_no_subnet_is_blocked_at_the_vpc_with_its_words_and_fix() -> None:
    t = check(snap(sample_data("healthy-endpoints")), NOT_IN_A_SUBNET)
    assert t.verdict == "blocked" and t.blocked_at is not None
    hop = t.blocked_at
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        build.VPC,
        "vpc",
        "fail",
        "ADDRESS_NOT_IN_SUBNET",
    )
    assert hop.reason == (
        f"{NOT_IN_A_SUBNET} is in {build.VPC}'s CIDR but in none of its subnets: "
        "nothing receives it"
    )
    assert t.reason == hop.reason
    assert t.fix == f"check the destination address {NOT_IN_A_SUBNET}"
    # The route table passed it to the VPC (the local route), and the VPC is the end.
    assert [h.kind for h in t.hops][-2:] == ["route-table", "vpc"]


def test_address_in_a_subnet_that_no_interface_holds_is_blocked_at_that_subnet() -> None:
    t = check(snap(sample_data("healthy-endpoints")), NOT_HELD)
    assert t.verdict == "blocked" and t.blocked_at is not None
    hop = t.blocked_at
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        OTHER_SUBNET,
        "subnet",
        "fail",
        "NO_INTERFACE_AT_ADDRESS",
    )
    assert hop.reason == f"no network interface in the snapshot holds {NOT_HELD} in {OTHER_SUBNET}"
    assert t.fix == f"check the destination address {NOT_HELD}"
    assert [h.kind for h in t.hops][-2:] == ["route-table", "subnet"]


def test_a_subnet_of_another_vpc_with_the_same_cidr_does_not_hold_the_address() -> None:
    # A VPC elsewhere in the snapshot whose subnet covers the address: the address is still
    # in this VPC's CIDR and in none of this VPC's subnets.
    data = sample_data("healthy-endpoints")
    data["Vpcs"].append({**data["Vpcs"][0], "VpcId": "vpc-0other0000000001"})
    data["Subnets"].append(
        {
            **data["Subnets"][0],
            "SubnetId": "subnet-0other000000001",
            "VpcId": "vpc-0other0000000001",
            "CidrBlock": "10.0.200.0/24",
        }
    )
    t = check(snap(data), NOT_IN_A_SUBNET)
    assert t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (build.VPC, "ADDRESS_NOT_IN_SUBNET")


def test_subnets_not_collected_for_the_vpc_is_unknown_at_the_vpc_with_the_reason() -> None:
    t = check(uncollected(sample_data("healthy-endpoints"), "Subnets"), NOT_IN_A_SUBNET)
    assert t.verdict == "unknown" and t.blocked_at is None and t.fix is None
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (build.VPC, "vpc", "unknown")
    assert hop.reason == f"{NOT_IN_A_SUBNET}: {WHY}"
    assert t.reason == hop.reason
    assert t.hops[-1] == hop


def test_subnets_not_collected_for_another_vpc_still_blocks_here() -> None:
    s = replace(
        snap(sample_data("healthy-endpoints")),
        uncollected={"Subnets": {"vpc-0other0000000001": WHY}},
    )
    t = check(s, NOT_IN_A_SUBNET)
    assert t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (build.VPC, "ADDRESS_NOT_IN_SUBNET")


def test_interfaces_not_collected_for_the_vpc_is_unknown_at_the_subnet_with_the_reason() -> None:
    t = check(uncollected(sample_data("healthy-endpoints"), "NetworkInterfaces"), NOT_HELD)
    assert t.verdict == "unknown" and t.blocked_at is None
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (OTHER_SUBNET, "subnet", "unknown")
    assert hop.reason == (
        f"{NOT_HELD} is in {OTHER_SUBNET}; which interface holds it is unknown: {WHY}"
    )
    assert t.hops[-1] == hop


def test_interfaces_not_in_the_snapshot_is_unknown_at_the_subnet() -> None:
    data = sample_data("healthy-endpoints")
    del data["NetworkInterfaces"]
    s = snap(data)
    t = check(s, NOT_HELD)
    assert t.verdict == "unknown"
    hop = decider(t)
    assert (hop.id, hop.kind) == (OTHER_SUBNET, "subnet")
    assert hop.reason == (
        f"{NOT_HELD} is in {OTHER_SUBNET}; which interface holds it is unknown: "
        f"{s.missing_reason('NetworkInterfaces')}"
    )


def test_interfaces_not_collected_for_another_vpc_still_blocks_here() -> None:
    s = replace(
        snap(sample_data("healthy-endpoints")),
        uncollected={"NetworkInterfaces": {"vpc-0other0000000001": WHY}},
    )
    t = check(s, NOT_HELD)
    assert t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (OTHER_SUBNET, "NO_INTERFACE_AT_ADDRESS")


# ---- a route to a target netgraph cannot follow (walk_targets.unfollowable) --------------


@pytest.mark.parametrize(
    ("key", "target", "kind", "what"),
    [
        ("CarrierGatewayId", "cagw-0a0a0a0a0a0a0a0a9", "other", "gateway"),
        ("LocalGatewayId", "lgw-0a0a0a0a0a0a0a0a9", "other", "gateway"),
        ("NetworkInterfaceId", "eni-0a0a0a0a0a0a0a0a9", "eni", "network interface (appliance)"),
        ("GatewayId", "vgw-0a0a0a0a0a0a0a0a9", "vgw", "virtual private gateway"),
    ],
)
def test_a_route_netgraph_cannot_follow_is_unknown_at_its_target(
    key: str, target: str, kind: str, what: str
) -> None:
    data = sample_data("healthy-endpoints")
    table = next(t for t in data["RouteTables"] if t["RouteTableId"] == RTB_PRIVATE)
    table["Routes"].append({"DestinationCidrBlock": "192.0.2.0/24", key: target, "State": "active"})
    t = check(snap(data), "192.0.2.10")
    assert t.verdict == "unknown"
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (target, kind, "unknown")
    assert hop.reason == (
        f"the path leaves {build.VPC} through {what} {target}; "
        "netgraph cannot follow it from this snapshot"
    )


# ---- across a transit gateway or a peering (walk_across) ---------------------------------

SPOKE_A = build.VPC_SUBNETS[build.SPOKE]["private-a"][0]
HUB_PUBLIC_A = build.VPC_SUBNETS[build.EGRESS]["public-a"][0]
HUB_PUBLIC_C = build.VPC_SUBNETS[build.EGRESS]["public-c"][0]
HUB_TGW_A = build.VPC_SUBNETS[build.EGRESS]["tgw-a"][0]
HUB_TGW_RTB = f"rtb-{build.EGRESS[4:]}1"
HUB_PUBLIC_RTB = f"rtb-{build.EGRESS[4:]}2"
HUB_MAIN_RTB = f"rtb-{build.EGRESS[4:]}0"
NAT_ENI = "eni-0e9e5500000000n01"
NAT_ENI_IP = "10.100.101.25"
PUBLIC = "8.8.8.8"

SAMPLES_ACROSS = {
    "tgw": build.healthy_hub_centralized_egress,
    "pcx": build.broken_peering_edge_to_edge,
}


def from_spoke(s: Snapshot, to: str) -> Trace:
    source = hypothetical_source(s, SPOKE_A, (build.SG_SPOKE_TASK,), False)
    return check_path(s, source, to, protocol="6", port=443)


def hub_egress() -> dict[str, Any]:
    data: dict[str, Any] = build.healthy_hub_centralized_egress()
    return data


def table_of(data: dict[str, Any], rtb: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in data["RouteTables"] if t["RouteTableId"] == rtb)
    return found


@pytest.mark.parametrize("way", sorted(SAMPLES_ACROSS))
@pytest.mark.parametrize(
    ("address", "hop_id", "kind", "code", "reason"),
    [
        (
            "10.100.200.1",
            build.EGRESS,
            "vpc",
            "ADDRESS_NOT_IN_SUBNET",
            f"10.100.200.1 is in {build.EGRESS}'s CIDR but in none of its subnets: "
            "nothing receives it",
        ),
        (
            "10.100.102.9",
            HUB_PUBLIC_C,
            "subnet",
            "NO_INTERFACE_AT_ADDRESS",
            f"no network interface in the snapshot holds 10.100.102.9 in {HUB_PUBLIC_C}",
        ),
    ],
)
def test_an_address_of_the_far_vpc_that_nothing_holds_is_blocked_in_that_vpc(
    way: str, address: str, hop_id: str, kind: str, code: str, reason: str
) -> None:
    t = from_spoke(snap(SAMPLES_ACROSS[way]()), address)
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.kind, t.blocked_at.code) == (hop_id, kind, code)
    assert t.blocked_at.reason == reason
    assert t.fix == f"check the destination address {address}"
    # It crossed first: the way across is on the path before the far VPC's verdict.
    assert (build.TGW if way == "tgw" else build.PCX) in [h.id for h in t.hops]


@pytest.mark.parametrize("way", sorted(SAMPLES_ACROSS))
def test_a_far_interface_without_security_groups_is_not_filtered_and_says_so(way: str) -> None:
    # The hub's NAT gateway ENI carries no group (AWS: none filters what reaches it).
    t = from_spoke(snap(SAMPLES_ACROSS[way]()), NAT_ENI_IP)
    assert t.verdict == "reachable", t.reason
    ingress = [h for h in t.hops if h.kind == "security-group-ingress"]
    assert [(h.id, h.status, h.reason) for h in ingress] == [
        (
            NAT_ENI,
            "pass",
            f"{NAT_ENI} (nat_gateway) carries no security group, so none filters what reaches it",
        )
    ]
    assert t.hops[-1].id == NAT_ENI


def test_through_the_hubs_nat_gateway_a_public_address_is_reached_and_named_at_the_end() -> None:
    t = from_spoke(snap(hub_egress()), PUBLIC)
    assert t.verdict == "reachable", t.reason
    ids = [h.id for h in t.hops]
    assert ids.index(build.TGW) < ids.index(build.HUB_NAT) < ids.index(build.HUB_IGW)
    assert HUB_PUBLIC_RTB in ids
    end = t.hops[-1]
    assert (end.id, end.kind, end.status, end.reason) == (PUBLIC, "address", "pass", PUBLIC)


def test_the_hubs_nat_subnet_without_an_internet_route_is_blamed_on_its_table() -> None:
    data = hub_egress()
    table = table_of(data, HUB_PUBLIC_RTB)
    table["Routes"] = [r for r in table["Routes"] if r.get("GatewayId") != build.HUB_IGW]
    t = from_spoke(snap(data), PUBLIC)
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (HUB_PUBLIC_RTB, "NGW_SUBNET_NO_INTERNET_ROUTE")
    assert t.blocked_at.reason == (
        f"{build.HUB_NAT} lives in {HUB_PUBLIC_A}, whose route table {HUB_PUBLIC_RTB} has "
        f"no route for {PUBLIC}, not an internet gateway"
    )
    assert t.hops[-1] == t.blocked_at


def test_a_nat_gateway_in_the_attachment_subnet_needs_that_subnets_table_to_reach_an_igw() -> None:
    # The attachment subnet's table sends everything to the NAT gateway: so does the NAT's
    # own traffic, which never reaches an internet gateway.
    data = hub_egress()
    data["NatGateways"][0]["SubnetId"] = HUB_TGW_A
    eni = next(e for e in data["NetworkInterfaces"] if e["NetworkInterfaceId"] == NAT_ENI)
    eni["SubnetId"] = HUB_TGW_A
    t = from_spoke(snap(data), PUBLIC)
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (HUB_TGW_RTB, "NGW_SUBNET_NO_INTERNET_ROUTE")
    assert HUB_TGW_A in t.blocked_at.reason


def test_the_hubs_nat_subnet_with_no_route_table_is_unknown_there() -> None:
    data = hub_egress()
    public = table_of(data, HUB_PUBLIC_RTB)
    public["Associations"] = [
        a for a in public["Associations"] if a.get("SubnetId") != HUB_PUBLIC_A
    ]
    data["RouteTables"].remove(table_of(data, HUB_MAIN_RTB))
    t = from_spoke(snap(data), PUBLIC)
    assert t.verdict == "unknown"
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (HUB_PUBLIC_A, "route-table", "unknown")
    assert hop.reason == (
        f"no route table of {build.EGRESS} is associated with {HUB_PUBLIC_A} and "
        "none is marked main in RouteTables"
    )
    assert t.hops[-1] == hop


def test_the_hubs_nat_subnet_routes_by_a_prefix_list_it_knows() -> None:
    data = hub_egress()
    table = table_of(data, HUB_PUBLIC_RTB)
    for r in table["Routes"]:
        if r.get("GatewayId") == build.HUB_IGW:
            del r["DestinationCidrBlock"]
            r["DestinationPrefixListId"] = "pl-0aaa"
    data.setdefault("PrefixLists", []).append(
        {"PrefixListId": "pl-0aaa", "PrefixListName": "dns", "Cidrs": ["8.8.8.0/24"]}
    )
    t = from_spoke(snap(data), PUBLIC)
    assert t.verdict == "reachable", t.reason
    assert build.HUB_IGW in [h.id for h in t.hops]


def test_checks_on_one_snapshot_do_not_share_the_hubs_nat_route_for_other_addresses() -> None:
    # Hops are kept per snapshot for many checks: each destination gets its own look-up.
    s = snap(hub_egress())
    assert from_spoke(s, PUBLIC).verdict == "reachable"
    private = from_spoke(s, "172.20.0.5")
    fresh = from_spoke(snap(hub_egress()), "172.20.0.5")
    assert (private.verdict, private.hops) == (fresh.verdict, fresh.hops)
    assert private.blocked_at is not None and private.blocked_at.id == build.HUB_IGW


def test_a_private_nat_gateway_in_the_hub_cannot_reach_the_internet() -> None:
    data = hub_egress()
    data["NatGateways"][0]["ConnectivityType"] = "private"
    t = from_spoke(snap(data), PUBLIC)
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (build.HUB_NAT, "NGW_PRIVATE_CONNECTIVITY")


def test_every_part_of_the_internet_the_hubs_nat_subnet_routes_counts() -> None:
    # The NAT's subnet sends 1.0.0.0/8 by a route without State (unknown) and 9.0.0.0/8 to
    # a blackhole: the blackhole after the unknown part still decides.
    data = hub_egress()
    table = table_of(data, HUB_PUBLIC_RTB)
    table["Routes"] += [
        {"DestinationCidrBlock": "1.0.0.0/8", "GatewayId": build.HUB_IGW},
        {"DestinationCidrBlock": "9.0.0.0/8", "GatewayId": build.HUB_IGW, "State": "blackhole"},
    ]
    t = from_spoke(snap(data), "internet")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (HUB_PUBLIC_RTB, "NGW_SUBNET_NO_INTERNET_ROUTE")
    assert "9.0.0.0/8 -> " in t.blocked_at.reason


def _referencing_unsaid(data: dict[str, Any], value: str | None) -> None:
    """SecurityGroupReferencingSupport of the transit gateway and its attachments: all
    ``value`` ("enable", "disable"), or left out (None)."""
    options = [data["TransitGateways"][0]["Options"]] + [
        a["Options"] for a in data["TransitGatewayVpcAttachments"]
    ]
    for o in options:
        o.pop("SecurityGroupReferencingSupport", None)
        if value is not None:
            o["SecurityGroupReferencingSupport"] = value


def _nat_eni_group(data: dict[str, Any], rules: list[dict[str, Any]]) -> None:
    data["SecurityGroups"].append(
        {
            "GroupId": "sg-0e9e5500000000077",
            "GroupName": "hub",
            "VpcId": build.EGRESS,
            "OwnerId": build.ACCOUNT,
            "Description": "hub",
            "IpPermissions": rules,
            "IpPermissionsEgress": [],
        }
    )
    eni = next(e for e in data["NetworkInterfaces"] if e["NetworkInterfaceId"] == NAT_ENI)
    eni["Groups"] = [{"GroupId": "sg-0e9e5500000000077", "GroupName": "hub"}]


def _no_nat_eni_groups(data: dict[str, Any]) -> None:
    eni = next(e for e in data["NetworkInterfaces"] if e["NetworkInterfaceId"] == NAT_ENI)
    del eni["Groups"]


@pytest.mark.parametrize(
    "far_groups",
    [
        # By address, and by a group of the hub's own VPC (its default group): no rule
        # names a group of another VPC.
        lambda d: _nat_eni_group(
            d,
            [
                build.sg_rule("tcp", 443, 443, cidrs=("10.0.0.0/8",)),
                build.sg_rule("tcp", 443, 443, groups=(f"sg-{build.EGRESS[4:]}0",)),
            ],
        ),
        # The ENI's groups are not in the snapshot: unknown, whatever referencing does.
        _no_nat_eni_groups,
    ],
    ids=["own-vpc-group", "groups-unknown"],
)
def test_referencing_not_said_changes_nothing_where_no_far_rule_names_another_vpcs_group(
    far_groups: Any,
) -> None:
    said, unsaid = hub_egress(), hub_egress()
    for data, value in ((said, "disable"), (unsaid, None)):
        far_groups(data)
        _referencing_unsaid(data, value)
    off, unknown = from_spoke(snap(said), NAT_ENI_IP), from_spoke(snap(unsaid), NAT_ENI_IP)
    assert (unknown.verdict, unknown.reason, unknown.hops) == (off.verdict, off.reason, off.hops)
    assert not any("referencing" in h.reason for h in unknown.hops)


def test_the_hubs_nat_subnet_nacl_judges_each_part_of_the_internet_by_its_own_route() -> None:
    # The NAT's subnet routes 9.0.0.0/8 by a route without State (unknown) and the rest to
    # the internet gateway; its NACL denies 9.0.0.0/8 outbound. The rest passes that NACL,
    # so the answer is the unknown route's, not a NACL block.
    data = hub_egress()
    table_of(data, HUB_PUBLIC_RTB)["Routes"].append(
        {"DestinationCidrBlock": "9.0.0.0/8", "GatewayId": build.HUB_IGW}
    )
    open_acl = next(a for a in data["NetworkAcls"] if a["VpcId"] == build.EGRESS)
    open_acl["Associations"] = [
        a for a in open_acl["Associations"] if a["SubnetId"] != HUB_PUBLIC_A
    ]
    data["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-0e9e55000000000n1",
            "VpcId": build.EGRESS,
            "IsDefault": False,
            "OwnerId": build.ACCOUNT,
            "Associations": [{"NetworkAclId": "acl-0e9e55000000000n1", "SubnetId": HUB_PUBLIC_A}],
            "Entries": [
                build.acl_entry(50, True, "-1", "deny", "9.0.0.0/8"),
                build.acl_entry(100, True, "-1", "allow", "0.0.0.0/0"),
                build.acl_entry(100, False, "-1", "allow", "0.0.0.0/0"),
            ],
        }
    )
    t = from_spoke(snap(data), "internet")
    assert t.verdict == "unknown", t.reason
    hop = decider(t)
    assert (hop.id, hop.kind) == (HUB_PUBLIC_RTB, "route-table")
    assert "9.0.0.0/8" in hop.reason


# ---- the destination an address or an interface names (graph.to_address, to_interface) --


def _endpoint_eni(data: dict[str, Any]) -> tuple[str, str]:
    """An interface endpoint's ENI in the task's VPC: its id and address."""
    eni = next(e for e in data["NetworkInterfaces"] if e.get("InterfaceType") == "vpc_endpoint")
    return eni["NetworkInterfaceId"], eni["PrivateIpAddress"]


def test_checks_on_one_snapshot_find_each_addresss_own_interface() -> None:
    # Hops are kept per snapshot for many checks: the interface an address names is looked
    # up per address, not once for all.
    data = sample_data("healthy-endpoints")
    _, held = _endpoint_eni(data)
    s = snap(data)
    first = check(s, NOT_HELD)
    assert first.blocked_at is not None and first.blocked_at.code == "NO_INTERFACE_AT_ADDRESS"
    again, fresh = check(s, held), check(snap(data), held)
    assert again.verdict == fresh.verdict == "reachable"
    assert again.hops == fresh.hops


def _unresolved_prefix_list_route(data: dict[str, Any]) -> None:
    """The task's route table has a route to a prefix list whose entries are not in the
    snapshot."""
    table = next(t for t in data["RouteTables"] if t["RouteTableId"] == RTB_PRIVATE)
    table["Routes"].append(
        {"DestinationPrefixListId": "pl-0zzz", "GatewayId": build.IGW, "State": "active"}
    )


@pytest.mark.parametrize(
    ("to", "verdict", "code"),
    [
        ("address-held", "reachable", None),
        ("interface", "reachable", None),
        ("address-not-held", "blocked", "NO_INTERFACE_AT_ADDRESS"),
    ],
)
def test_a_route_to_a_prefix_list_not_in_the_snapshot_does_not_beat_the_local_route(
    to: str, verdict: str, code: str | None
) -> None:
    data = sample_data("healthy-endpoints")
    eni, held = _endpoint_eni(data)
    _unresolved_prefix_list_route(data)
    target = {"address-held": held, "interface": eni, "address-not-held": NOT_HELD}[to]
    t = check(snap(data), target)
    assert (t.verdict, t.blocked_at.code if t.blocked_at else None) == (verdict, code)


def test_a_route_to_a_prefix_list_not_in_the_snapshot_leaves_an_outside_address_unknown() -> None:
    data = sample_data("healthy-endpoints")
    _unresolved_prefix_list_route(data)
    t = check(snap(data), PUBLIC)
    assert t.verdict == "unknown"
    assert "pl-0zzz" in t.reason


def test_a_peer_vpc_with_two_public_range_blocks_receives_its_part_of_the_internet() -> None:
    # The spoke routes 44.0.0.0/15 to the peering, whose peer holds 44.0.0.0/16 and
    # 44.1.0.0/16 (publicly routable VPC CIDR blocks); the rest of the internet goes to a
    # gateway netgraph cannot follow. The peer VPC receives its part in two blocks, and no
    # subnet of it holds them.
    data: dict[str, Any] = build.broken_peering_edge_to_edge()
    accepter = data["VpcPeeringConnections"][0]["AccepterVpcInfo"]
    accepter["CidrBlockSet"] += [{"CidrBlock": "44.0.0.0/16"}, {"CidrBlock": "44.1.0.0/16"}]
    spoke = next(
        t
        for t in data["RouteTables"]
        if any(r.get("VpcPeeringConnectionId") == build.PCX for r in t["Routes"])
        and t["VpcId"] == build.SPOKE
    )
    for r in spoke["Routes"]:
        if r.get("VpcPeeringConnectionId") == build.PCX:
            del r["VpcPeeringConnectionId"]
            r["GatewayId"] = "vgw-05b0ke00000000001"
    spoke["Routes"].append(
        {
            "DestinationCidrBlock": "44.0.0.0/15",
            "VpcPeeringConnectionId": build.PCX,
            "State": "active",
        }
    )
    t = from_spoke(snap(data), "internet")
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.code) == (build.EGRESS, "ADDRESS_NOT_IN_SUBNET")
    assert t.blocked_at.reason == (
        f"the internet (public) is in {build.EGRESS}'s CIDR but in none of its subnets: "
        "nothing receives it"
    )
    crossed = next(h for h in t.hops if h.id == build.PCX)
    assert crossed.status == "pass"


# ---- an interface of another VPC that a route sends to the internet ----------------------

FAR_VPC = "vpc-0f4e00000000000001"
FAR_SUBNET = "subnet-0f4e000000000001"
FAR_ENI = "eni-0f4e000000000001"
FAR_ENI_IP = "44.5.0.10"


def _far_vpc_with_public_range_cidr() -> dict[str, Any]:
    """healthy-public, and another VPC (connected by nothing) whose CIDR is publicly
    routable (44.5.0.0/16, AWS allows it): an ENI there whose group admits nothing."""
    data = sample_data("healthy-public")
    vpc = dict(data["Vpcs"][0])
    vpc.update(
        VpcId=FAR_VPC,
        CidrBlock="44.5.0.0/16",
        CidrBlockAssociationSet=[
            {"CidrBlock": "44.5.0.0/16", "CidrBlockState": {"State": "associated"}}
        ],
    )
    data["Vpcs"].append(vpc)
    subnet = dict(data["Subnets"][0])
    subnet.update(SubnetId=FAR_SUBNET, VpcId=FAR_VPC, CidrBlock="44.5.0.0/24")
    data["Subnets"].append(subnet)
    data["SecurityGroups"].append(
        {
            "GroupId": "sg-0f4e000000000001",
            "GroupName": "closed",
            "VpcId": FAR_VPC,
            "OwnerId": build.ACCOUNT,
            "Description": "admits nothing",
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        }
    )
    eni = build.eni(FAR_ENI, "public-a", FAR_ENI_IP, ["sg-0f4e000000000001"], "far", "interface")
    eni.update(SubnetId=FAR_SUBNET, VpcId=FAR_VPC)
    data["NetworkInterfaces"].append(eni)
    return data


@pytest.mark.parametrize("to", [FAR_ENI, FAR_ENI_IP])
def test_an_interface_of_another_vpc_is_not_reached_over_the_internet(to: str) -> None:
    # The public subnet's route 0.0.0.0/0 leads to the internet gateway: the packet goes to
    # the internet, which does not carry a VPC's private address to that VPC, and the ENI's
    # group (which admits nothing) is never met. Not "reachable".
    s = snap(_far_vpc_with_public_range_cidr())
    source = hypothetical_source(s, build.SUBNETS["public-a"][0], (build.SG_TASK,), True)
    t = check_path(s, source, to, protocol="6", port=443)
    assert t.verdict == "unknown", t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (FAR_ENI, "network-interface", "unknown")
    assert build.IGW in [h.id for h in t.hops]
    assert FAR_VPC in hop.reason and "internet" in hop.reason
