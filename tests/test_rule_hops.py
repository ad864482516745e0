"""The hops the walk asks the rules for, called directly: a NACL crossing (acl_verdict), a
security-group hop (sg_judged), a route table's hop (route_hop) and the interfaces at either
end of a flow (evaluate/interfaces.py)."""

from __future__ import annotations

import ipaddress

from netgraph.evaluate.addresses import EPHEMERAL_LINUX, Peer, PortRange
from netgraph.evaluate.interfaces import (
    find_interface,
    missing_interface_hop,
    side_for_eni,
    source_hop,
    source_peer,
)
from netgraph.evaluate.network_acls import acl_fix_peer, acl_verdict, evaluate_acl
from netgraph.evaluate.routing import RouteMatch, route_hop
from netgraph.evaluate.security_groups import (
    evaluate_security_groups,
    groups_by_id,
    sg_judged,
    source_groups,
)
from netgraph.hop import Hop, HopKind, Leg
from netgraph.model import (
    TCP,
    Instance,
    NetworkAcl,
    NetworkAclEntry,
    NetworkInterface,
    SecurityGroup,
    SecurityGroupRule,
    Vpc,
)
from tests.rule_snapshots import VPC, endpoint, route, snapshot, source, subnet, table

NET = ipaddress.ip_network
VPC_1 = Vpc(VPC, (NET("10.0.0.0/16"),), "dopt-1", True, True)


def _acl(*entries: NetworkAclEntry) -> NetworkAcl:
    return NetworkAcl("acl-1", VPC, False, entries, ("subnet-a",))


def _entry(number: int, *, allow: bool, cidr: str, egress: bool = True) -> NetworkAclEntry:
    return NetworkAclEntry(number, egress, TCP, allow, NET(cidr), 0, 65535)


def _acl_hop(
    acl: NetworkAcl,
    peer: Peer,
    *,
    egress: bool = True,
    span: PortRange = (443, 443),
    ports: PortRange | None = None,
    leg: Leg = "forward",
) -> Hop:
    decision = evaluate_acl(acl, egress=egress, protocol=TCP, ports=span, peer=peer.networks)
    return acl_verdict(
        decision,
        acl,
        where="subnet-a",
        egress=egress,
        ports=ports,
        span=span,
        peer=peer,
        leg=leg,
        protocol=TCP,
        port=443,
        vpc=VPC_1,
    )


def test_acl_allowing_all_passes_and_names_its_rules() -> None:
    hop = _acl_hop(
        _acl(_entry(100, allow=True, cidr="0.0.0.0/0")), Peer.address(NET("10.0.1.5/32")[0])
    )
    assert hop.status == "pass" and hop.kind == HopKind.NETWORK_ACL_OUTBOUND
    assert hop.reason == "outbound rule 100 of acl-1 (subnet-a) allows TCP 443 to 10.0.1.5"


def test_acl_default_deny_fails_with_a_fix_inside_the_vpc() -> None:
    hop = _acl_hop(_acl(), Peer.address(NET("10.0.1.5/32")[0]))
    assert hop.status == "fail" and hop.code == "SUBNET_ACL_RESTRICTION"
    assert "the default rule (*)" in hop.reason
    # One rule that mends every flow of the VPC.
    assert hop.fix is not None and "10.0.0.0/16" in hop.fix


def test_acl_return_leg_fix_recommends_the_ephemeral_range() -> None:
    acl = _acl(_entry(100, allow=True, cidr="0.0.0.0/0", egress=False))
    deny = _acl(_entry(100, allow=False, cidr="0.0.0.0/0", egress=False))
    peer = Peer.address(NET("10.0.1.5/32")[0])
    passed = _acl_hop(
        acl, peer, egress=False, span=EPHEMERAL_LINUX, ports=EPHEMERAL_LINUX, leg="return"
    )
    assert passed.status == "pass" and passed.reason.endswith("(return traffic)")
    failed = _acl_hop(
        deny, peer, egress=False, span=EPHEMERAL_LINUX, ports=EPHEMERAL_LINUX, leg="return"
    )
    assert failed.status == "fail" and "1024-65535" in (failed.fix or "")


def test_acl_denying_part_of_an_approximate_peer_is_unknown() -> None:
    acl = _acl(
        _entry(100, allow=False, cidr="52.0.0.0/8"), _entry(200, allow=True, cidr="0.0.0.0/0")
    )
    peer = Peer((NET("0.0.0.0/0"),), "the service (public)", approximate=True)
    hop = _acl_hop(acl, peer)
    assert hop.status == "unknown" and "only for part of the addresses" in hop.reason


def test_acl_fix_peer() -> None:
    denied = [NET("10.0.1.0/24")]
    assert (
        acl_fix_peer(VPC_1, Peer((NET("0.0.0.0/0"),), "x", approximate=True), denied) == "0.0.0.0/0"
    )
    assert acl_fix_peer(VPC_1, Peer(tuple(denied), "x", prefix_list_id="pl-1"), denied).startswith(
        "0.0.0.0/0 (or each CIDR of pl-1)"
    )
    assert acl_fix_peer(VPC_1, Peer(tuple(denied), "x"), denied) == "10.0.0.0/16"
    assert acl_fix_peer(None, Peer(tuple(denied), "x"), denied) == "10.0.1.0/24"


def _group(
    *, egress: tuple[SecurityGroupRule, ...] = (), ingress: tuple[SecurityGroupRule, ...] = ()
) -> SecurityGroup:
    return SecurityGroup("sg-1", VPC, "one", ingress, egress)


def _sg_hop(
    group: SecurityGroup, *, egress: bool, peer: Peer, source_ids: tuple[str, ...] = ("sg-src",)
) -> Hop:
    decision = evaluate_security_groups(
        [group], egress=egress, protocol=TCP, port=443, peer=peer, prefix_lists={}
    )
    return sg_judged(
        decision,
        [group],
        egress=egress,
        peer=peer,
        protocol=TCP,
        port=443,
        source_group_ids=source_ids,
        source_label="10.0.1.5",
    )


def test_sg_pass_and_fail_are_worded_with_their_fix() -> None:
    allow = SecurityGroupRule(TCP, 443, 443, "cidr", cidr=NET("0.0.0.0/0"))
    peer = Peer.address(NET("10.0.2.7/32")[0])
    passed = _sg_hop(_group(egress=(allow,)), egress=True, peer=peer)
    assert passed.status == "pass" and passed.kind == HopKind.SECURITY_GROUP_EGRESS
    failed = _sg_hop(_group(), egress=True, peer=peer)
    assert failed.status == "fail" and failed.code == "ENI_SG_RULES_MISMATCH"
    assert "TCP 443 to 10.0.2.7/32" in (failed.fix or "") and not failed.partial


def test_sg_ingress_fix_names_the_source() -> None:
    peer = Peer.address(NET("10.0.1.5/32")[0])
    hop = _sg_hop(_group(), egress=False, peer=peer)
    assert hop.kind == HopKind.SECURITY_GROUP_INGRESS
    assert "from sg-src (the source's security group)" in (hop.fix or "")
    by_address = _sg_hop(_group(), egress=False, peer=peer, source_ids=())
    assert "from 10.0.1.5" in (by_address.fix or "")


def test_groups_by_id_and_source_groups_say_what_is_missing() -> None:
    group = _group()
    snap = snapshot(security_groups={"sg-1": group})
    assert groups_by_id(snap, ["sg-1"]) == [group]
    assert groups_by_id(snap, ["sg-1", "sg-9"]) == "sg-9 not in SecurityGroups"
    assert isinstance(groups_by_id(snapshot(security_groups=None), ["sg-1"]), str)
    assert source_groups(snap, source(), VPC_1) == [group]


def test_route_hop() -> None:
    t = table("rtb-1")
    nets = (NET("0.0.0.0/0"),)
    none = route_hop(t, RouteMatch("no-route", nets), "the internet", None)
    assert none.status == "fail" and none.code == "NO_ROUTE_TO_DESTINATION"
    assert none.fix == "add a route for 0.0.0.0/0 to rtb-1"
    hinted = route_hop(t, RouteMatch("no-route", nets), "S3", "route {dest} in {table}")
    assert hinted.fix == "route 0.0.0.0/0 in rtb-1"
    r = route("igw-1", "igw")
    assert route_hop(t, RouteMatch("route", nets, r), "x", None).status == "pass"
    gone = route_hop(
        t, RouteMatch("route", nets, route("nat-1", "nat", state="blackhole")), "x", None
    )
    assert gone.status == "fail" and gone.code == "BAD_STATE_ROUTE"
    unsure = route_hop(
        t, RouteMatch("route", nets, route("nat-1", "nat", state="unknown")), "x", None
    )
    assert unsure.status == "unknown"
    ambiguous = route_hop(t, RouteMatch("ambiguous", nets, reason="two lists"), "x", None)
    assert ambiguous.status == "unknown" and ambiguous.reason == "two lists"


def test_interfaces_at_either_end() -> None:
    ip = ipaddress.ip_address("10.0.1.5")
    eni = NetworkInterface("eni-1", "subnet-a", VPC, (ip,), None, ("sg-1",), "interface", None)
    bare = NetworkInterface(
        "eni-2", "subnet-a", VPC, (ipaddress.ip_address("10.0.1.6"),), None, (), "nat_gateway", None
    )
    inst = Instance(
        "i-1", "running", "subnet-a", VPC, ipaddress.ip_address("10.0.1.7"), None, ("sg-1",), ()
    )
    ep = endpoint(network_interface_ids=("eni-1",))
    snap = snapshot(
        vpcs={VPC: VPC_1},
        subnets={"subnet-a": subnet("subnet-a", "10.0.1.0/24")},
        network_interfaces={"eni-1": eni, "eni-2": bare},
        instances={"i-1": inst},
        vpc_endpoints={ep.id: ep},
    )
    side = side_for_eni(snap, "eni-1")
    assert side is not None and side.group_ids == ("sg-1",) and side.endpoint == ep
    assert side.terminal.kind == HopKind.NETWORK_INTERFACE
    unfiltered = side_for_eni(snap, "eni-2")
    assert unfiltered is not None and unfiltered.group_ids is None and unfiltered.no_group_reason
    found = find_interface(snap, ipaddress.ip_address("10.0.1.7"))
    assert found is not None and found.terminal.kind == HopKind.INSTANCE
    assert find_interface(snap, ipaddress.ip_address("10.0.1.99")) is None
    assert side_for_eni(snap, "eni-9") is None
    assert missing_interface_hop("i-9").reason.endswith("(Reservations, Subnets)")
    src = source()
    assert source_hop(snap, src).status == "pass"
    assert source_hop(snapshot(), src).status == "unknown"
    peer = source_peer(subnet("subnet-a", "10.0.1.0/24"), VPC_1, src)
    assert peer.networks == (NET("10.0.1.0/24"),) and peer.group_ids == frozenset({"sg-1"})


def test_acl_pass_names_every_rule_that_admits_a_part() -> None:
    """Kills acl_verdict 53 (the rules joined otherwise)."""
    acl = _acl(
        _entry(100, allow=True, cidr="10.0.1.0/25"), _entry(200, allow=True, cidr="0.0.0.0/0")
    )
    hop = _acl_hop(acl, Peer((NET("10.0.1.0/24"),), "subnet-b (10.0.1.0/24)"))
    assert hop.reason == (
        "outbound rule 100, 200 of acl-1 (subnet-a) allows TCP 443 to subnet-b (10.0.1.0/24)"
    )


def test_acl_denying_ipv4_and_ipv6_parts_names_them_in_order() -> None:
    """Kills acl_verdict 69 and 71 (unsorted, or sorted without the version: IPv4 and IPv6
    networks do not compare)."""
    acl = _acl(_entry(100, allow=True, cidr="10.0.1.0/24"))
    peer = Peer((NET("2001:db8::/64"), NET("10.0.2.0/24"), NET("10.0.1.0/24")), "the peers")
    hop = _acl_hop(acl, peer)
    assert hop.status == "fail" and hop.partial
    assert "denies outbound TCP 443 to 10.0.2.0/24, 2001:db8::/64 for part of the flow" in (
        hop.reason
    )


def test_acl_unknown_hop_keeps_its_id_kind_and_leg() -> None:
    """Kills acl_verdict 110, 111, 114 and 119 (the unknown hop's fields)."""
    acl = _acl(
        _entry(100, allow=False, cidr="52.0.0.0/8", egress=False),
        _entry(200, allow=True, cidr="0.0.0.0/0", egress=False),
    )
    peer = Peer((NET("0.0.0.0/0"),), "the service (public)", approximate=True)
    hop = _acl_hop(
        acl, peer, egress=False, span=EPHEMERAL_LINUX, ports=EPHEMERAL_LINUX, leg="return"
    )
    assert hop.status == "unknown"
    assert (hop.id, hop.kind, hop.leg) == ("acl-1", HopKind.NETWORK_ACL_INBOUND, "return")


def test_acl_forward_fix_names_the_flows_own_port() -> None:
    """Kills acl_verdict 122 (the ephemeral range recommended on the forward leg too)."""
    hop = _acl_hop(_acl(), Peer.address(NET("10.0.1.5/32")[0]))
    assert hop.fix is not None and "TCP 443 to 10.0.0.0/16" in hop.fix
    assert "1024-65535" not in hop.fix
