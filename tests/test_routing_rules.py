"""The shared rule arithmetic and the route-table, NACL and security-group rules, asked at
their edges: address sets split at a rule's first and last address, port ranges cut at one
port, the words a user reads for a network list or a port list, which addresses are public.
Each test here kills mutants of the mutation run (issue 11) that the rest of the suite let
live; /work/mut-notes/routing.md maps them."""

from __future__ import annotations

import ipaddress

import pytest

from netgraph.evaluate.addresses import (
    Peer,
    describe_networks,
    describe_ports,
    is_public,
    split,
    split_ports,
    within,
)
from netgraph.evaluate.routing import (
    RouteMatch,
    TableChoice,
    lookup,
    network_acl_for_subnet,
    route_hop,
    route_table_for_subnet,
    route_target,
)
from netgraph.evaluate.security_groups import SgDecision, groups_by_id, sg_judged, source_groups
from netgraph.flows import Source
from netgraph.hop import Hop, HopKind
from netgraph.model import (
    TCP,
    IPNetwork,
    NetworkAcl,
    PrefixList,
    Route,
    RouteTable,
    SecurityGroup,
    Vpc,
)
from tests.rule_snapshots import VPC, route, snapshot, subnet, table

NET = ipaddress.ip_network
IP = ipaddress.ip_address


# ---- addresses: which addresses are public -------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("9.255.255.255", True),
        ("10.0.0.0", False),  # the first address of 10.0.0.0/8
        ("10.255.255.255", False),  # its last
        ("11.0.0.0", True),
        ("172.31.255.255", False),
        ("172.32.0.0", True),
        ("52.219.1.1", True),
        ("2600:1f18::1", False),  # an IPv6 address is never "the public IPv4 space"
        ("::a00:1", False),
    ],
)
def test_public_addresses_end_exactly_at_the_reserved_blocks(address: str, public: bool) -> None:
    assert is_public(IP(address)) is public


def test_a_network_of_the_other_ip_version_is_never_within() -> None:
    assert within(NET("10.0.1.0/24"), NET("10.0.0.0/16"))
    assert not within(NET("10.1.0.0/24"), NET("10.0.0.0/16"))
    assert not within(NET("::/128"), NET("0.0.0.0/0"))
    assert not within(NET("10.0.0.0/32"), NET("::/0"))


# ---- addresses: splitting a set of addresses at a rule ----------------------------------


@pytest.mark.parametrize(
    ("networks", "rule", "inside", "outside"),
    [
        # a network that starts where the rule starts, and one that ends where it ends
        (["10.0.0.0/24"], "10.0.0.0/16", ["10.0.0.0/24"], []),
        (["10.0.255.0/24"], "10.0.0.0/16", ["10.0.255.0/24"], []),
        (["10.0.0.0/16"], "10.0.0.0/16", ["10.0.0.0/16"], []),
        # a rule at the start, and at the end, of a larger network
        (["10.0.0.0/16"], "10.0.0.0/17", ["10.0.0.0/17"], ["10.0.128.0/17"]),
        (["10.0.0.0/16"], "10.0.128.0/17", ["10.0.128.0/17"], ["10.0.0.0/17"]),
        # no overlap
        (["10.1.0.0/16"], "10.0.0.0/16", [], ["10.1.0.0/16"]),
        # another IP version passes through whole, and the networks after it still count
        (
            ["2600::/64", "10.0.0.0/24", "10.9.0.0/24"],
            "10.0.0.0/16",
            ["10.0.0.0/24"],
            ["2600::/64", "10.9.0.0/24"],
        ),
    ],
)
def test_split_cuts_exactly_at_the_rules_first_and_last_address(
    networks: list[str], rule: str, inside: list[str], outside: list[str]
) -> None:
    got_in, got_out = split([NET(n) for n in networks], NET(rule))
    assert got_in == [NET(n) for n in inside]
    assert sorted(got_out, key=str) == sorted((NET(n) for n in outside), key=str)


@pytest.mark.parametrize(
    ("ports", "rule", "hit", "rest"),
    [
        ((443, 443), (443, 443), (443, 443), []),
        ((443, 443), (444, 500), None, [(443, 443)]),
        ((1000, 2000), (1000, 1500), (1000, 1500), [(1501, 2000)]),
        ((1000, 2000), (1500, 2000), (1500, 2000), [(1000, 1499)]),
        ((1000, 2000), (1200, 1800), (1200, 1800), [(1000, 1199), (1801, 2000)]),
        ((1000, 2000), (0, 65535), (1000, 2000), []),
        ((1000, 2000), None, (1000, 2000), []),
    ],
)
def test_split_ports_cuts_at_one_port(
    ports: tuple[int, int],
    rule: tuple[int, int] | None,
    hit: tuple[int, int] | None,
    rest: list[tuple[int, int]],
) -> None:
    assert split_ports(ports, rule) == (hit, rest)


# ---- addresses: the words a user reads ---------------------------------------------------


def test_a_list_of_networks_names_three_and_counts_the_rest() -> None:
    nets = [NET(f"10.0.{i}.0/24") for i in range(5)]
    assert describe_networks(nets[:1]) == "10.0.0.0/24"
    assert describe_networks(nets[:3]) == "10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24"
    assert describe_networks(nets[:4]) == "10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24 and 1 more"
    assert describe_networks(nets) == "10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24 and 2 more"
    assert describe_networks(nets, limit=1) == "10.0.0.0/24 and 4 more"


def test_a_list_of_ports_names_single_ports_and_ranges() -> None:
    assert describe_ports([(443, 443)]) == "443"
    assert describe_ports([(1024, 65535), (53, 53)]) == "1024-65535, 53"


def test_a_peer_at_one_address_is_labelled_by_it_unless_named() -> None:
    plain = Peer.address(IP("10.0.0.5"))
    assert (plain.networks, plain.label) == ((NET("10.0.0.5/32"),), "10.0.0.5")
    named = Peer.address(IP("10.0.0.5"), "the task", vpc_id="vpc-1")
    assert (named.networks, named.label, named.vpc_id) == (
        (NET("10.0.0.5/32"),),
        "the task",
        "vpc-1",
    )


# ---- routing: which table and which NACL a subnet uses, and why not ------------------------

RTB_MAIN = table("rtb-main")
RTB_OWN = table("rtb-own")
ACL_1 = NetworkAcl("acl-1", VPC, False, (), ("subnet-a",))
SUBNET_A = subnet("subnet-a", "10.0.1.0/24")
THEIRS = "RouteTables of vpc-1's account are not in the files of 222233334444"


def test_a_subnet_uses_its_own_table_else_the_main_one_and_says_which() -> None:
    tables = {"rtb-main": RTB_MAIN, "rtb-own": RTB_OWN}
    both = snapshot(
        route_tables=tables,
        route_table_by_subnet={"subnet-a": "rtb-own"},
        main_route_table_by_vpc={VPC: "rtb-main"},
    )
    assert route_table_for_subnet(both, SUBNET_A) == TableChoice(
        RTB_OWN, True, "subnet-a is explicitly associated with rtb-own"
    )
    main = snapshot(route_tables=tables, main_route_table_by_vpc={VPC: "rtb-main"})
    assert route_table_for_subnet(main, SUBNET_A) == TableChoice(
        RTB_MAIN,
        False,
        "subnet-a has no explicit association; it uses the main table rtb-main of vpc-1",
    )
    neither = snapshot(route_tables=tables)
    assert route_table_for_subnet(neither, SUBNET_A) == TableChoice(
        None,
        False,
        "no route table of vpc-1 is associated with subnet-a and none is marked main in "
        "RouteTables",
    )


def test_route_tables_absent_for_the_subnets_account_leave_its_table_unknown() -> None:
    absent = snapshot(route_tables=None)
    assert route_table_for_subnet(absent, SUBNET_A) == TableChoice(
        None, False, "RouteTables is not in the snapshot (not collected)"
    )
    # Another account's files have tables (even this subnet's association): not this one's.
    other_account = snapshot(
        route_tables={"rtb-own": RTB_OWN},
        route_table_by_subnet={"subnet-a": "rtb-own"},
        uncollected={"RouteTables": {VPC: THEIRS}},
    )
    assert route_table_for_subnet(other_account, SUBNET_A) == TableChoice(None, False, THEIRS)
    elsewhere = snapshot(
        route_tables={"rtb-own": RTB_OWN},
        route_table_by_subnet={"subnet-a": "rtb-own"},
        uncollected={"RouteTables": {"vpc-2": THEIRS}},
    )
    assert route_table_for_subnet(elsewhere, SUBNET_A).table is RTB_OWN


def test_a_subnets_nacl_or_why_it_is_not_known() -> None:
    known = snapshot(network_acls={"acl-1": ACL_1}, network_acl_by_subnet={"subnet-a": "acl-1"})
    assert network_acl_for_subnet(known, SUBNET_A) is ACL_1
    assert network_acl_for_subnet(snapshot(network_acls={"acl-1": ACL_1}), SUBNET_A) == (
        "no network ACL in the snapshot is associated with subnet-a (AWS associates every "
        "subnet with one; NetworkAcls of vpc-1 are incomplete)"
    )
    assert network_acl_for_subnet(snapshot(network_acls=None), SUBNET_A) == (
        "NetworkAcls is not in the snapshot (not collected)"
    )
    why = "NetworkAcls of vpc-1's account are not in the files of 222233334444"
    other_account = snapshot(
        network_acls={"acl-1": ACL_1},
        network_acl_by_subnet={"subnet-a": "acl-1"},
        uncollected={"NetworkAcls": {VPC: why}},
    )
    assert network_acl_for_subnet(other_account, SUBNET_A) == why
    elsewhere = snapshot(
        network_acls={"acl-1": ACL_1},
        network_acl_by_subnet={"subnet-a": "acl-1"},
        uncollected={"NetworkAcls": {"vpc-2": why}},
    )
    assert network_acl_for_subnet(elsewhere, SUBNET_A) is ACL_1


def test_a_routes_target_or_the_unknown_hop_that_says_why() -> None:
    t = table("rtb-1")
    nats = {"nat-1": "the NAT gateway"}
    s = snapshot()
    assert route_target(s, t, nats, "nat-1", HopKind.NAT_GATEWAY, "NatGateways") == (
        "the NAT gateway"
    )
    assert route_target(s, t, nats, "nat-9", HopKind.NAT_GATEWAY, "NatGateways") == Hop(
        "nat-9",
        HopKind.NAT_GATEWAY,
        "unknown",
        "rtb-1 routes to nat-9, which is not in NatGateways",
    )
    assert route_target(s, t, None, "nat-1", HopKind.NAT_GATEWAY, "NatGateways") == Hop(
        "nat-1",
        HopKind.NAT_GATEWAY,
        "unknown",
        "NatGateways is not in the snapshot (not collected)",
    )
    why = "NatGateways of vpc-1's account are not in the files of 222233334444"
    theirs = snapshot(uncollected={"NatGateways": {VPC: why}})
    assert route_target(theirs, t, nats, "nat-1", HopKind.NAT_GATEWAY, "NatGateways") == Hop(
        "nat-1", HopKind.NAT_GATEWAY, "unknown", why
    )


# ---- routing: the route table's hop for each answer of the lookup ---------------------------

NETS = (NET("0.0.0.0/0"),)


def test_a_table_without_a_route_fails_with_the_plain_fix_or_the_callers() -> None:
    t = table("rtb-1")
    expected = Hop(
        "rtb-1",
        HopKind.ROUTE_TABLE,
        "fail",
        "rtb-1 has no route for the internet",
        code="NO_ROUTE_TO_DESTINATION",
        fix="add a route for 0.0.0.0/0 to rtb-1",
    )
    assert route_hop(t, RouteMatch("no-route", NETS), "the internet", None) == expected
    hinted = route_hop(t, RouteMatch("no-route", NETS), "S3", "route {dest} via {table}")
    assert (hinted.reason, hinted.fix) == ("rtb-1 has no route for S3", "route 0.0.0.0/0 via rtb-1")


def test_a_table_whose_answer_is_not_one_route_is_unknown_with_its_reason() -> None:
    t = table("rtb-1")
    for match in (
        RouteMatch("ambiguous", NETS, reason="two lists overlap"),
        RouteMatch("unknown", NETS, reason="two lists overlap"),
        # a "route" answer without its route is no pass either
        RouteMatch("route", NETS, None, reason="two lists overlap"),
    ):
        assert route_hop(t, match, "x", None) == Hop(
            "rtb-1", HopKind.ROUTE_TABLE, "unknown", "two lists overlap"
        )


def test_a_route_passes_only_when_active_and_says_which() -> None:
    t = table("rtb-1")
    active = route("nat-1", "nat", "52.0.0.0/8")
    assert route_hop(t, RouteMatch("route", NETS, active), "S3", None) == Hop(
        "rtb-1", HopKind.ROUTE_TABLE, "pass", "S3 takes route 52.0.0.0/8 -> nat-1"
    )
    unsure = route("nat-1", "nat", "52.0.0.0/8", state="unknown")
    assert route_hop(t, RouteMatch("route", NETS, unsure), "S3", None) == Hop(
        "rtb-1",
        HopKind.ROUTE_TABLE,
        "unknown",
        "route 52.0.0.0/8 -> nat-1 has no State in the snapshot (RouteTables): it may be a "
        "blackhole",
    )
    gone = route("nat-1", "nat", "52.0.0.0/8", state="blackhole")
    assert route_hop(t, RouteMatch("route", NETS, gone), "S3", None) == Hop(
        "rtb-1",
        HopKind.ROUTE_TABLE,
        "fail",
        "route 52.0.0.0/8 -> nat-1 is a blackhole: its target no longer exists",
        code="BAD_STATE_ROUTE",
        fix="replace the route 52.0.0.0/8 in rtb-1: its target nat-1 is gone (blackhole)",
    )


# ---- routing: precedence at equal prefix length ------------------------------------------


def _route(dest: str, target: str, kind: str, origin: str = "CreateRoute") -> Route:
    if dest.startswith("pl-"):
        return Route(None, dest, kind, target, "active", origin)  # type: ignore[arg-type]
    return Route(NET(dest), None, kind, target, "active", origin)  # type: ignore[arg-type]


def _takes(routes: list[Route], address: str, lists: dict[str, PrefixList] | None = None) -> str:
    t = RouteTable("rtb-1", VPC, tuple(routes), (), False)
    (match,) = lookup(t, (NET(address),), lists)
    return match.route.target_id if match.route else match.status


def test_local_beats_a_static_route_of_the_same_cidr_listed_before_it() -> None:
    local = _route("10.0.0.0/16", "local", "local", "CreateRouteTable")
    static = _route("10.0.0.0/16", "eni-fw", "eni")
    assert _takes([static, local], "10.0.3.4/32") == "local"
    assert _takes([local, static], "10.0.3.4/32") == "local"


def test_a_prefix_list_of_unknown_entries_leaves_addresses_inside_the_vpc_to_local() -> None:
    local = _route("10.0.0.0/16", "local", "local", "CreateRouteTable")
    unknown_list = _route("pl-x", "vpce-1", "gateway-endpoint")
    default = _route("0.0.0.0/0", "nat-1", "nat")
    assert _takes([local, unknown_list, default], "10.0.3.4/32", {}) == "local"
    assert _takes([local, unknown_list], "10.0.3.4/32", {}) == "local"
    assert _takes([local, unknown_list, default], "52.1.1.1/32", {}) == "unknown"


# ---- security groups: the hop a user reads, and the fix it names --------------------------

SG_A = SecurityGroup("sg-a", VPC, "a", (), ())
SG_B = SecurityGroup("sg-b", VPC, "b", (), ())


def _sg_fail(
    *,
    egress: bool,
    peer: Peer,
    matched: tuple[str, ...] = (),
    sources: tuple[str, ...] = ("sg-src",),
) -> Hop:
    decision = SgDecision("fail", "no rule", matched, (NET("10.0.2.0/24"), NET("10.0.3.0/24")))
    return sg_judged(
        decision,
        [SG_A, SG_B],
        egress=egress,
        peer=peer,
        protocol=TCP,
        port=443,
        source_group_ids=sources,
        source_label="a task in subnet-a",
    )


@pytest.mark.parametrize(
    ("peer", "target"),
    [
        (
            Peer((NET("10.0.2.0/23"),), "the endpoint", group_ids=frozenset({"sg-e2", "sg-e1"})),
            "sg-e1 (the destination's security group)",
        ),
        (Peer((NET("52.219.0.0/20"),), "S3", prefix_list_id="pl-s3"), "the prefix list pl-s3"),
        (Peer((NET("0.0.0.0/0"),), "the service (public)", approximate=True), "0.0.0.0/0"),
        (Peer((NET("10.0.2.0/23"),), "the endpoint"), "10.0.2.0/24, 10.0.3.0/24"),
    ],
)
def test_an_egress_fix_names_the_destination_as_a_rule_can(peer: Peer, target: str) -> None:
    assert _sg_fail(egress=True, peer=peer) == Hop(
        "sg-a",
        HopKind.SECURITY_GROUP_EGRESS,
        "fail",
        "no rule",
        code="ENI_SG_RULES_MISMATCH",
        fix=f"add an outbound rule to sg-a allowing TCP 443 to {target}",
    )


def test_an_ingress_fix_names_the_source_and_a_partial_admission_says_so() -> None:
    peer = Peer((NET("10.0.1.0/24"),), "a task in subnet-a", group_ids=frozenset({"sg-src"}))
    assert _sg_fail(egress=False, peer=peer, matched=("sg-a: tcp 443 from 10.0.1.0/25",)) == Hop(
        "sg-a",
        HopKind.SECURITY_GROUP_INGRESS,
        "fail",
        "no rule",
        code="ENI_SG_RULES_MISMATCH",
        fix="add an inbound rule to sg-a allowing TCP 443 from sg-src (the source's security "
        "group)",
        partial=True,
    )
    by_address = _sg_fail(egress=False, peer=peer, sources=())
    assert by_address.fix == "add an inbound rule to sg-a allowing TCP 443 from a task in subnet-a"


@pytest.mark.parametrize("status", ["pass", "unknown"])
def test_a_passing_or_unknown_group_hop_keeps_the_decisions_reason(status: str) -> None:
    decision = SgDecision(status, "why", ("sg-b: tcp 443 to 0.0.0.0/0",))  # type: ignore[arg-type]
    for egress, kind in (
        (True, HopKind.SECURITY_GROUP_EGRESS),
        (False, HopKind.SECURITY_GROUP_INGRESS),
    ):
        hop = sg_judged(
            decision,
            [SG_A, SG_B],
            egress=egress,
            peer=Peer((NET("10.0.2.0/24"),), "x"),
            protocol=TCP,
            port=443,
            source_group_ids=(),
            source_label="x",
        )
        assert hop == Hop("sg-a", kind, status, "why")  # type: ignore[arg-type]


def test_the_sources_groups_or_why_they_are_not_known() -> None:
    snap = snapshot(security_groups={"sg-a": SG_A, "sg-b": SG_B})
    listed = Source("hypothetical", "subnet-a", "subnet-a", ("sg-b", "sg-a"), False)
    assert source_groups(snap, listed, None) == [SG_B, SG_A]
    unknown = Source("hypothetical", "subnet-a", "subnet-a", ("sg-a",), False, groups_unknown="w")
    assert source_groups(snap, unknown, None) == "w"
    default = Source("hypothetical", "subnet-a", "subnet-a", (), False, uses_default_group=True)
    vpc = Vpc(VPC, (NET("10.0.0.0/16"),), "dopt-1", True, True)
    assert source_groups(snap, default, vpc) == (
        "the service names no security group, so Fargate uses the default group of vpc-1, "
        "which is not in the snapshot"
    )
    # the default group named among the service's groups: those groups are the answer
    named = Source(
        "hypothetical", "subnet-a", "subnet-a", ("sg-a",), False, uses_default_group=True
    )
    assert source_groups(snap, named, vpc) == [SG_A]
    assert source_groups(snap, default, None) == (
        "the service names no security group, so Fargate uses the default group of the VPC, "
        "which is not in the snapshot"
    )
    assert groups_by_id(snap, ["sg-a", "sg-x", "sg-y"]) == "sg-x, sg-y not in SecurityGroups"
    assert groups_by_id(snapshot(security_groups=None), ["sg-a"]) == (
        "SecurityGroups is not in the snapshot (not collected)"
    )


def test_ipv6_destinations_take_the_longest_ipv6_route_and_never_an_ipv4_one() -> None:
    routes = [
        _route("10.0.0.0/16", "local", "local", "CreateRouteTable"),
        _route("2600:1f18:1::/56", "local", "local", "CreateRouteTable"),
        _route("0.0.0.0/0", "nat-1", "nat"),
        _route("::/0", "eigw-1", "egress-only-igw"),
        _route("2600:1f18:2::/48", "pcx-1", "peering"),
        _route("2600:1f18:1:5::/64", "vgw-1", "vgw", "EnableVgwRoutePropagation"),
    ]
    assert _takes(routes, "2600:1f18:1::5/128") == "local"
    assert _takes(routes, "2600:1f18:1:5::9/128") == "local"  # propagated never beats local
    assert _takes(routes, "2600:1f18:2:7::1/128") == "pcx-1"
    assert _takes(routes, "2001:db8::1/128") == "eigw-1"
    assert _takes(routes[:1] + routes[2:3], "2001:db8::1/128") == "no-route"
    t = RouteTable("rtb-1", VPC, tuple(routes), (), False)
    wide = NET("2600:1f18::/40")
    got: dict[str, tuple[IPNetwork, ...]] = {}
    for m in lookup(t, (NET("10.0.0.0/8"), wide), None):
        target = m.route.target_id if m.route else m.status
        got[target] = got.get(target, ()) + m.networks
    assert got["local"] == (NET("10.0.0.0/16"), NET("2600:1f18:1::/56"))
    assert got["pcx-1"] == (NET("2600:1f18:2::/48"),)
    eigw = got["eigw-1"]
    assert sum(n.num_addresses for n in eigw) == wide.num_addresses - 2**72 - 2**80
    assert all(n.version == 6 and n.subnet_of(wide) for n in eigw)  # type: ignore[arg-type]
    assert sum(n.num_addresses for n in got["nat-1"]) == 2**24 - 2**16


# ---- routing: the reasons a lookup gives when it cannot name one route ----------------------


def _lookup(
    routes: list[Route], dest: str, lists: dict[str, PrefixList] | None, **kw: object
) -> list[RouteMatch]:
    t = RouteTable("rtb-1", VPC, tuple(routes), (), False)
    return lookup(t, (NET(dest),), lists, **kw)  # type: ignore[arg-type]


def test_prefix_lists_of_unknown_entries_are_named_with_the_fix() -> None:
    routes = [
        _route("0.0.0.0/0", "nat-1", "nat"),
        _route("pl-b", "vpce-2", "gateway-endpoint"),
        _route("pl-a", "vpce-1", "gateway-endpoint"),
        _route("pl-c", "vpce-3", "gateway-endpoint"),
    ]
    (m,) = _lookup(routes, "52.1.1.1/32", {}, foreign_prefix_lists=frozenset({"pl-c"}))
    assert (m.status, m.route, m.networks) == ("unknown", None, (NET("52.1.1.1/32"),))
    assert m.reason == (
        "rtb-1 routes to prefix list pl-a, pl-b, whose entries are not in the snapshot "
        "(add PrefixLists or PrefixListEntries)"
    )


def test_overlapping_prefix_lists_name_both_and_the_overlap() -> None:
    lists = {
        "pl-b": PrefixList("pl-b", "b", (NET("52.0.0.0/8"),)),
        "pl-a": PrefixList("pl-a", "a", (NET("52.0.0.0/8"),)),
    }
    routes = [
        _route("pl-b", "vpce-2", "gateway-endpoint"),
        _route("pl-a", "vpce-1", "gateway-endpoint"),
    ]
    (m,) = _lookup(routes, "52.1.0.0/16", lists)
    assert (m.status, m.route) == ("ambiguous", None)
    assert m.reason == (
        "rtb-1: prefix lists pl-a, pl-b overlap on 52.1.0.0/16; AWS picks one of them and "
        "sticks with it"
    )


def test_one_prefix_list_that_repeats_a_cidr_is_no_ambiguity() -> None:
    lists = {"pl-a": PrefixList("pl-a", "a", (NET("52.0.0.0/8"), NET("52.0.0.0/8")))}
    (m,) = _lookup([_route("pl-a", "vpce-1", "gateway-endpoint")], "52.1.1.1/32", lists)
    assert (m.status, m.route and m.route.target_id) == ("route", "vpce-1")


def test_no_route_says_so() -> None:
    (m,) = _lookup([_route("10.0.0.0/16", "local", "local")], "8.8.8.8/32", None)
    assert (m.status, m.route, m.reason) == ("no-route", None, "rtb-1 has no route for them")


def test_a_destination_that_is_a_prefix_list_of_unknown_entries_names_the_rival() -> None:
    routes = [
        _route("pl-s3", "vpce-s3", "gateway-endpoint"),
        _route("52.219.0.0/16", "nat-1", "nat"),
    ]
    (m,) = _lookup(routes, "52.219.0.0/20", {}, destination_prefix_list="pl-s3")
    assert (m.status, m.route, m.networks) == ("unknown", None, (NET("52.219.0.0/20"),))
    assert m.reason == (
        "the entries of pl-s3 are not in the snapshot, so it is unknown whether route "
        "52.219.0.0/16 is more specific"
    )


def test_a_local_route_recorded_as_propagated_does_not_rule_out_an_unknown_prefix_list() -> None:
    # Propagated routes never count inside the VPC, whatever their target says: the prefix
    # list of unknown entries may hold the address, so the answer is unknown, not the NAT.
    odd_local = _route("10.0.0.0/16", "local", "local", "EnableVgwRoutePropagation")
    routes = [
        odd_local,
        _route("pl-x", "vpce-1", "gateway-endpoint"),
        _route("0.0.0.0/0", "nat-1", "nat"),
    ]
    assert _takes(routes, "10.0.3.4/32", {}) == "unknown"


def test_an_unknown_part_of_a_destination_does_not_hide_the_parts_after_it() -> None:
    routes = [
        _route("10.0.0.0/16", "local", "local", "CreateRouteTable"),
        _route("pl-x", "vpce-1", "gateway-endpoint"),
    ]
    t = RouteTable("rtb-1", VPC, tuple(routes), (), False)
    got = lookup(t, (NET("52.1.1.1/32"), NET("10.0.3.4/32"), NET("8.8.8.8/32")), {})
    assert [(m.status, m.route and m.route.target_id, m.networks) for m in got] == [
        ("unknown", None, (NET("52.1.1.1/32"), NET("8.8.8.8/32"))),
        ("route", "local", (NET("10.0.3.4/32"),)),
    ]


def test_an_ambiguous_or_unrouted_part_does_not_hide_the_parts_after_it() -> None:
    lists = {
        "pl-a": PrefixList("pl-a", "a", (NET("52.0.0.0/8"),)),
        "pl-b": PrefixList("pl-b", "b", (NET("52.0.0.0/8"),)),
    }
    routes = [
        _route("10.0.0.0/16", "local", "local", "CreateRouteTable"),
        _route("pl-a", "vpce-1", "gateway-endpoint"),
        _route("pl-b", "vpce-2", "gateway-endpoint"),
    ]
    t = RouteTable("rtb-1", VPC, tuple(routes), (), False)
    got = lookup(t, (NET("52.1.1.1/32"), NET("8.8.8.8/32"), NET("10.0.3.4/32")), lists)
    assert [(m.status, m.route and m.route.target_id, m.networks) for m in got] == [
        ("ambiguous", None, (NET("52.1.1.1/32"),)),
        ("no-route", None, (NET("8.8.8.8/32"),)),
        ("route", "local", (NET("10.0.3.4/32"),)),
    ]


def test_a_route_whose_state_is_neither_active_nor_blackhole_is_not_a_way_on() -> None:
    # AWS returns only "active" and "blackhole"; an odd value was read as active (reachable).
    t = table("rtb-1", route("nat-1", "nat", state="weird"))
    [match] = lookup(t, NETS, None)
    hop = route_hop(t, match, "S3", None)
    # A route table's hop: drawn, listed and fixed as the table's, like any route's.
    assert (hop.id, hop.kind, hop.status) == ("rtb-1", HopKind.ROUTE_TABLE, "unknown")
    assert "'weird'" in hop.reason
