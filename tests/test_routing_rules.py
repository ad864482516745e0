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
