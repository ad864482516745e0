"""Security groups: union of rules, protocol and port, CIDR / prefix list / group peers;
checked against a brute-force per-address oracle."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph.evaluate.addresses import Peer
from netgraph.evaluate.security_groups import (
    evaluate_security_groups,
    rule_admits_traffic,
    rule_text,
)
from netgraph.model import PrefixList, SecurityGroup, SecurityGroupRule

from .conftest import examples

net = ipaddress.ip_network


def cidr_rule(
    cidr: str, protocol: str = "6", ports: tuple[int, int] | None = (443, 443)
) -> SecurityGroupRule:
    return SecurityGroupRule(
        protocol, ports[0] if ports else None, ports[1] if ports else None, "cidr", cidr=net(cidr)
    )


def group(
    gid: str,
    egress: tuple[SecurityGroupRule, ...] = (),
    ingress: tuple[SecurityGroupRule, ...] = (),
) -> SecurityGroup:
    return SecurityGroup(gid, "vpc-1", gid, ingress, egress)


def egress(
    groups: list[SecurityGroup],
    peer: Peer,
    port: int = 443,
    prefix_lists: dict[str, PrefixList] | None = None,
) -> str:
    return evaluate_security_groups(
        groups, egress=True, protocol="6", port=port, peer=peer, prefix_lists=prefix_lists
    ).status


def test_rules_of_all_groups_are_unioned() -> None:
    a = group("sg-a", egress=(cidr_rule("10.0.0.0/17"),))
    b = group("sg-b", egress=(cidr_rule("10.0.128.0/17"),))
    peer = Peer((net("10.0.0.0/16"),), "vpc")
    assert egress([a], peer) == "fail"
    assert egress([a, b], peer) == "pass"


def test_protocol_all_admits_any_port_and_tcp_range_is_inclusive() -> None:
    assert rule_admits_traffic(cidr_rule("0.0.0.0/0", "-1", None), "6", 22)
    assert rule_admits_traffic(cidr_rule("0.0.0.0/0", "6", (443, 443)), "6", 443)
    assert not rule_admits_traffic(cidr_rule("0.0.0.0/0", "6", (80, 442)), "6", 443)
    assert not rule_admits_traffic(cidr_rule("0.0.0.0/0", "17", (443, 443)), "6", 443)


def test_no_egress_rules_admit_nothing() -> None:
    assert egress([group("sg-a")], Peer.address(ipaddress.ip_address("1.2.3.4"))) == "fail"


def test_group_reference_matches_members_only() -> None:
    rule = SecurityGroupRule("6", 443, 443, "group", group_id="sg-task")
    endpoint = group("sg-ep", ingress=(rule,))
    member = Peer((net("10.0.1.0/24"),), "task", group_ids=frozenset({"sg-task"}))
    stranger = Peer((net("10.0.1.0/24"),), "other", group_ids=frozenset({"sg-other"}))

    def check(p: Peer) -> str:
        return evaluate_security_groups(
            [endpoint], egress=False, protocol="6", port=443, peer=p, prefix_lists={}
        ).status

    assert check(member) == "pass"
    assert check(stranger) == "fail"


def test_prefix_list_rule_matches_the_list_and_its_cidrs() -> None:
    rule = SecurityGroupRule("6", 443, 443, "prefix-list", prefix_list_id="pl-s3")
    g = group("sg-a", egress=(rule,))
    s3 = Peer((net("52.219.0.0/20"),), "S3", prefix_list_id="pl-s3")
    assert egress([g], s3) == "pass"
    lists = {"pl-s3": PrefixList("pl-s3", "s3", (net("52.219.0.0/16"),))}
    inside = Peer.address(ipaddress.ip_address("52.219.1.1"))
    assert egress([g], inside, prefix_lists=lists) == "pass"
    assert egress([g], inside, prefix_lists={"pl-s3": PrefixList("pl-s3", "s3", None)}) == "unknown"


def test_partial_cover_fails_for_real_sets_and_is_unknown_for_approximate_ones() -> None:
    g = group("sg-a", egress=(cidr_rule("52.0.0.0/8"),))
    assert egress([g], Peer((net("0.0.0.0/1"),), "exact")) == "fail"
    assert egress([g], Peer((net("0.0.0.0/1"),), "somewhere", approximate=True)) == "unknown"


# ---- property: pass iff every address is admitted by some rule ----------------------------

small = st.builds(
    lambda base, plen: net(f"10.0.0.{base}/{plen}", strict=False),
    st.integers(0, 15),
    st.integers(28, 32),
)
rules = st.builds(
    lambda c, proto, lo, width: SecurityGroupRule(
        proto, None if proto == "-1" else lo, None if proto == "-1" else lo + width, "cidr", cidr=c
    ),
    small,
    st.sampled_from(["6", "17", "-1"]),
    st.integers(0, 6),
    st.integers(0, 3),
)


def oracle_admits(rule: SecurityGroupRule, address: ipaddress.IPv4Address, port: int) -> bool:
    """One TCP packet to ``address``:``port`` against one rule, from the AWS rule text alone:
    protocol -1 is all traffic; a TCP rule admits its inclusive port range; UDP never TCP."""
    assert rule.cidr is not None
    if address not in rule.cidr:
        return False
    if rule.protocol == "-1":
        return True
    if rule.protocol != "6":
        return False
    assert rule.from_port is not None and rule.to_port is not None
    return rule.from_port <= port <= rule.to_port


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.lists(rules, max_size=4), min_size=1, max_size=3), small, st.integers(0, 9))
def test_union_matches_per_address_oracle(
    groups_rules: list[list[SecurityGroupRule]], peer_net: ipaddress.IPv4Network, port: int
) -> None:
    groups = [group(f"sg-{i}", egress=tuple(r)) for i, r in enumerate(groups_rules)]
    admitted = [any(oracle_admits(r, a, port) for g in groups for r in g.egress) for a in peer_net]
    status = egress(groups, Peer((peer_net,), "peer"), port=port)
    assert status == ("pass" if all(admitted) else "fail")


def test_oracle_is_independent_and_can_say_no() -> None:
    tcp = cidr_rule("10.0.0.0/30", "6", (3, 5))
    assert oracle_admits(tcp, ipaddress.ip_address("10.0.0.1"), 5)
    assert not oracle_admits(tcp, ipaddress.ip_address("10.0.0.1"), 6)
    assert not oracle_admits(tcp, ipaddress.ip_address("10.0.0.4"), 4)
    assert not oracle_admits(cidr_rule("10.0.0.0/30", "17", (0, 9)), net("10.0.0.1")[0], 4)
    assert oracle_admits(cidr_rule("10.0.0.0/30", "-1", None), net("10.0.0.1")[0], 4)


# ---- what the unit tests above leave open (mutants of security_groups.py) -----------------


def test_group_reference_holds_only_within_the_peers_vpc() -> None:
    rule = SecurityGroupRule("6", 443, 443, "group", group_id="sg-task")
    here = SecurityGroup("sg-ep", "vpc-1", "sg-ep", (rule,), ())
    member = Peer((net("10.0.1.0/24"),), "task", group_ids=frozenset({"sg-task"}), vpc_id="vpc-1")
    elsewhere = replace(member, vpc_id="vpc-2")
    unplaced = replace(member, vpc_id=None)

    def check(p: Peer, g: SecurityGroup = here) -> str:
        return evaluate_security_groups(
            [g], egress=False, protocol="6", port=443, peer=p, prefix_lists={}
        ).status

    assert check(member) == "pass"
    assert check(elsewhere) == "fail"
    assert check(unplaced) == "pass"
    assert check(elsewhere, replace(here, vpc_id=None)) == "pass"


def test_odd_port_ranges_never_widen_a_tcp_rule() -> None:
    # -1/-1 or absent ports on a TCP rule are not "all ports" (the loader refuses the latter)
    assert not rule_admits_traffic(cidr_rule("0.0.0.0/0", "6", (-1, -1)), "6", 443)
    assert not rule_admits_traffic(cidr_rule("0.0.0.0/0", "6", None), "6", 443)
    # a flow of any port needs the whole range
    assert rule_admits_traffic(cidr_rule("0.0.0.0/0", "6", (0, 65535)), "6", None)
    assert not rule_admits_traffic(cidr_rule("0.0.0.0/0", "6", (1, 65535)), "6", None)
    assert not rule_admits_traffic(cidr_rule("0.0.0.0/0", "6", (0, 65534)), "6", None)


def test_icmp_rules_ignore_ports_and_an_all_traffic_flow_needs_an_all_traffic_rule() -> None:
    icmp = SecurityGroupRule("1", 8, 0, "cidr", cidr=net("0.0.0.0/0"))
    assert rule_admits_traffic(icmp, "1", None)
    assert not rule_admits_traffic(icmp, "6", 443)
    assert not rule_admits_traffic(cidr_rule("0.0.0.0/0", "6", (0, 65535)), "-1", None)
    assert rule_admits_traffic(cidr_rule("0.0.0.0/0", "-1", None), "-1", None)
    gre = SecurityGroupRule("47", None, None, "cidr", cidr=net("0.0.0.0/0"))
    assert rule_admits_traffic(gre, "47", None)
    icmpv6 = SecurityGroupRule("58", 128, 0, "cidr", cidr=net("::/0"))
    assert rule_admits_traffic(icmpv6, "58", None)


def test_the_reasons_name_the_rules_used_and_what_is_left() -> None:
    a = group("sg-a", egress=(cidr_rule("10.0.0.0/17"), cidr_rule("10.0.0.0/8", "17", (53, 53))))
    vpc = Peer((net("10.0.0.0/16"),), "the VPC")
    d = evaluate_security_groups(
        [a], egress=True, protocol="6", port=443, peer=vpc, prefix_lists=None
    )
    assert (d.status, d.matched, d.uncovered) == (
        "fail",
        ("sg-a: tcp 443 to 10.0.0.0/17",),
        (net("10.0.128.0/17"),),
    )
    assert d.reason == (
        "egress of sg-a admits TCP 443 to the VPC only in part: no rule for 10.0.128.0/17"
    )
    b = group("sg-b", ingress=(cidr_rule("10.0.0.0/16", "6", (1024, 65535)),))
    d = evaluate_security_groups(
        [a, b], egress=False, protocol="6", port=2049, peer=vpc, prefix_lists=None
    )
    assert d.status == "pass"
    assert d.reason == (
        "ingress of sg-a, sg-b admits TCP 2049 from the VPC (sg-b: tcp 1024-65535 from 10.0.0.0/16)"
    )
    none = evaluate_security_groups(
        [a], egress=True, protocol="17", port=123, peer=vpc, prefix_lists=None
    )
    assert (none.status, none.reason) == (
        "fail",
        "no egress rule of sg-a admits UDP 123 to the VPC",
    )
    assert (none.matched, none.uncovered) == ((), (net("10.0.0.0/16"),))


def test_partial_cover_of_an_approximate_peer_names_what_is_covered() -> None:
    g = group("sg-a", egress=(cidr_rule("52.0.0.0/8"),))
    d = evaluate_security_groups(
        [g],
        egress=True,
        protocol="6",
        port=443,
        peer=Peer((net("0.0.0.0/1"),), "logs", approximate=True),
        prefix_lists=None,
    )
    assert d.status == "unknown"
    assert "admits TCP 443 to logs only for 52.0.0.0/8;" in d.reason
    assert d.reason.endswith("; whether its addresses fall there is not known")
    assert d.matched == ("sg-a: tcp 443 to 52.0.0.0/8",)
    assert net("52.0.0.0/8") not in d.uncovered and net("0.0.0.0/3") in d.uncovered


def test_prefix_list_without_entries_is_named_in_the_unknown() -> None:
    rule = SecurityGroupRule("6", 443, 443, "prefix-list", prefix_list_id="pl-x")
    d = evaluate_security_groups(
        [group("sg-a", egress=(rule, rule))],
        egress=True,
        protocol="6",
        port=443,
        peer=Peer.address(ipaddress.ip_address("52.219.1.1")),
        prefix_lists={},
    )
    assert d.status == "unknown"
    assert "only if prefix list pl-x holds it" in d.reason and "pl-x, pl-x" not in d.reason


def test_rule_and_flow_wording() -> None:
    def text(protocol: str, ports: tuple[int, int] | None, egress: bool = True) -> str:
        rule = SecurityGroupRule(
            protocol, *(ports or (None, None)), "cidr", cidr=net("10.0.0.0/16")
        )
        return rule_text("sg-a", rule, egress)

    assert text("-1", None) == "sg-a: all traffic to 10.0.0.0/16"
    assert text("6", (443, 443), egress=False) == "sg-a: tcp 443 from 10.0.0.0/16"
    assert text("17", (1024, 65535)) == "sg-a: udp 1024-65535 to 10.0.0.0/16"
    assert text("1", (8, 0)) == "sg-a: icmp to 10.0.0.0/16"
    assert text("58", (128, 0)) == "sg-a: icmpv6 to 10.0.0.0/16"
    assert text("47", None) == "sg-a: protocol 47 to 10.0.0.0/16"
    g = group("sg-a")
    peer = Peer((net("10.0.0.0/16"),), "the VPC")
    for protocol, port, flow in (
        ("-1", None, "all traffic to the VPC"),
        ("1", None, "ICMP to the VPC"),
        ("17", 53, "UDP 53 to the VPC"),
        ("47", None, "protocol 47 to the VPC"),
        ("6", None, "TCP to the VPC"),
    ):
        d = evaluate_security_groups(
            [g], egress=True, protocol=protocol, port=port, peer=peer, prefix_lists=None
        )
        assert d.reason == f"no egress rule of sg-a admits {flow}"


def test_odd_rules_never_widen_and_nobody_is_not_admitted_vacuously() -> None:
    half = SecurityGroupRule("6", 443, None, "cidr", cidr=net("0.0.0.0/0"))
    assert not rule_admits_traffic(half, "6", 443)
    anywhere = Peer.address(ipaddress.ip_address("10.0.0.5"))
    no_cidr = SecurityGroupRule("6", 443, 443, "cidr")
    no_list = SecurityGroupRule("6", 443, 443, "prefix-list")
    for odd in (no_cidr, no_list):
        assert egress([group("sg-a", egress=(odd,))], anywhere, prefix_lists={}) == "fail"
    d = evaluate_security_groups(
        [group("sg-a", egress=(cidr_rule("0.0.0.0/0"),))],
        egress=True,
        protocol="6",
        port=443,
        peer=Peer((), "nowhere"),
        prefix_lists=None,
    )
    assert (d.status, d.reason) == ("unknown", "the addresses of nowhere are not known")


def test_a_prefix_list_without_entries_does_not_hide_the_next_rule() -> None:
    unknown_list = SecurityGroupRule("6", 443, 443, "prefix-list", prefix_list_id="pl-x")
    g = group("sg-a", egress=(unknown_list, cidr_rule("0.0.0.0/0")))
    assert egress([g], Peer.address(ipaddress.ip_address("52.219.1.1")), prefix_lists={}) == (
        "pass"
    )


def test_decisions_carry_the_rules_used_and_the_addresses_left() -> None:
    a = group("sg-a", egress=(cidr_rule("10.0.0.0/17"), cidr_rule("10.0.128.0/17")))
    vpc = Peer((net("10.0.0.0/16"),), "the VPC")
    d = evaluate_security_groups(
        [a], egress=True, protocol="6", port=443, peer=vpc, prefix_lists=None
    )
    used = ("sg-a: tcp 443 to 10.0.0.0/17", "sg-a: tcp 443 to 10.0.128.0/17")
    assert (d.status, d.matched, d.uncovered) == ("pass", used, ())
    assert d.reason.endswith(f"({used[0]}; {used[1]})")
    lists = tuple(
        SecurityGroupRule("6", 443, 443, "prefix-list", prefix_list_id=p) for p in ("pl-b", "pl-a")
    )
    b = group("sg-b", egress=(cidr_rule("10.0.0.0/17"), *lists))
    d = evaluate_security_groups(
        [b], egress=True, protocol="6", port=443, peer=vpc, prefix_lists={}
    )
    assert (d.status, d.matched, d.uncovered) == (
        "unknown",
        ("sg-b: tcp 443 to 10.0.0.0/17",),
        (net("10.0.128.0/17"),),
    )
    assert "only if prefix list pl-a, pl-b holds it" in d.reason
