"""Longest-prefix match of a whole destination network against a brute-force per-address
oracle, on tables large enough that the lookup's index (sorted runs, range minimum over
runs of 2**k entries) is actually used. Kills the mutants of the index's arithmetic."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph.evaluate.routing import lookup
from netgraph.model import Route, RouteTable

from .conftest import examples

net = ipaddress.ip_network
SPACE = net("10.0.0.0/26")  # 64 addresses: small enough to check one by one

cidrs = st.builds(
    lambda offset, plen: net(f"10.0.0.{offset}/{plen}", strict=False),
    st.integers(0, 63),
    st.integers(26, 32),
)


def table(networks: list[ipaddress.IPv4Network]) -> RouteTable:
    routes = tuple(
        Route(n, None, "igw", f"igw-{i:04d}", "active", "CreateRoute")
        for i, n in enumerate(networks)
    )
    return RouteTable("rtb-1", "vpc-1", routes, (), True)


def oracle(networks: list[ipaddress.IPv4Network], address: ipaddress.IPv4Address) -> str | None:
    """The target of the longest route that holds the address, found by trying them all."""
    holding = [(n.prefixlen, i) for i, n in enumerate(networks) if address in n]
    return f"igw-{max(holding)[1]:04d}" if holding else None


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(cidrs, min_size=0, max_size=40, unique=True),
    st.integers(0, 63),
    st.integers(26, 32),
)
def test_lookup_matches_per_address_longest_prefix(
    networks: list[ipaddress.IPv4Network], offset: int, plen: int
) -> None:
    destination = net(f"10.0.0.{offset}/{plen}", strict=False)
    matches = lookup(table(networks), (destination,), None)
    seen: set[ipaddress.IPv4Address] = set()
    for m in matches:
        for part in m.networks:
            for address in part:
                assert address not in seen, "parts overlap"
                seen.add(address)
                want = oracle(networks, address)
                if want is None:
                    assert m.status == "no-route", (address, m)
                else:
                    assert m.status == "route" and m.route is not None, (address, m)
                    assert m.route.target_id == want, address
    assert seen == set(destination)


def test_many_nested_routes_cut_the_destination_at_each() -> None:
    # 32 host routes under one /26: every host is cut out and takes its own route
    hosts = [net(f"10.0.0.{2 * i}/32") for i in range(32)]
    networks = [SPACE, *hosts]
    matches = lookup(table(networks), (SPACE,), None)
    by_target: dict[str, set[ipaddress.IPv4Address]] = {}
    for m in matches:
        assert m.route is not None
        for part in m.networks:
            by_target.setdefault(m.route.target_id, set()).update(part)
    assert by_target["igw-0000"] == {a for a in SPACE if int(a) % 2 == 1}
    for i in range(32):
        assert by_target[f"igw-{i + 1:04d}"] == {ipaddress.ip_address(f"10.0.0.{2 * i}")}


LOCAL = net("10.0.0.0/27")  # the VPC: half of SPACE


def table_with_local(routes: list[tuple[ipaddress.IPv4Network, bool]]) -> RouteTable:
    local = Route(LOCAL, None, "local", "local", "active", "CreateRouteTable")
    others = tuple(
        Route(
            n,
            None,
            "vgw" if propagated else "igw",
            f"{'vgw' if propagated else 'igw'}-{i:04d}",
            "active",
            "EnableVgwRoutePropagation" if propagated else "CreateRoute",
        )
        for i, (n, propagated) in enumerate(routes)
    )
    return RouteTable("rtb-2", "vpc-1", (local, *others), (), True)


def oracle_with_local(
    routes: list[tuple[ipaddress.IPv4Network, bool]], address: ipaddress.IPv4Address
) -> str:
    """Propagated routes never beat local: where local holds the address they do not count."""
    in_vpc = address in LOCAL
    best: tuple[int, str] | None = (LOCAL.prefixlen, "local") if in_vpc else None
    for i, (n, propagated) in enumerate(routes):
        if address not in n or (in_vpc and propagated):
            continue
        if best is None or n.prefixlen > best[0]:
            best = (n.prefixlen, f"{'vgw' if propagated else 'igw'}-{i:04d}")
    return best[1] if best else "no-route"


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.tuples(cidrs.filter(lambda n: n != LOCAL), st.booleans()),
        max_size=40,
        unique_by=lambda r: r[0],
    ),
    st.integers(0, 63),
    st.integers(26, 32),
)
def test_propagated_routes_never_beat_local_per_address(
    routes: list[tuple[ipaddress.IPv4Network, bool]], offset: int, plen: int
) -> None:
    destination = net(f"10.0.0.{offset}/{plen}", strict=False)
    for m in lookup(table_with_local(routes), (destination,), None):
        got = m.route.target_id if m.status == "route" and m.route else m.status
        for part in m.networks:
            for address in part:
                assert got == oracle_with_local(routes, address), address
