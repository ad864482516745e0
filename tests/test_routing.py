"""Route tables: which table, longest prefix match, tie-breaks, blackholes, prefix lists;
LPM checked against a brute-force oracle, for addresses and for networks cut by tables of
many prefix lengths and thousands of routes; verdicts of generated accounts as before."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph.evaluate.addresses import public_ipv4
from netgraph.evaluate.routing import lookup, route_table_for_subnet
from netgraph.model import PrefixList, Route, RouteTable
from netgraph.scan import scan
from netgraph.sources.snapshot import snapshot_from_data

from .conftest import ROOT, examples, load_script, sample_data, snap

generate = load_script("bench_generate", ROOT / "bench" / "generate.py").generate

net = ipaddress.ip_network


def r(
    dest: str, target: str, kind: str = "nat", origin: str = "CreateRoute", state: str = "active"
) -> Route:
    if dest.startswith("pl-"):
        return Route(None, dest, kind, target, state, origin)  # type: ignore[arg-type]
    return Route(net(dest), None, kind, target, state, origin)  # type: ignore[arg-type]


def table(*routes: Route) -> RouteTable:
    return RouteTable(
        "rtb-1",
        "vpc-1",
        (r("10.0.0.0/16", "local", "local", "CreateRouteTable"), *routes),
        (),
        False,
    )


def target_of(t: RouteTable, ip: str, lists: dict[str, PrefixList] | None = None) -> str:
    matches = lookup(t, (net(ip),), lists)
    assert len(matches) == 1
    m = matches[0]
    return m.route.target_id if m.route else m.status


def test_explicit_association_else_main_table(healthy: dict[str, Any]) -> None:
    s = snap(healthy)
    assert s.subnets is not None
    private = s.subnets["subnet-0a11c0ffee0000001"]
    assert route_table_for_subnet(s, private).table.id == "rtb-0f0f0f0f0f0f0f0f1"  # type: ignore[union-attr]
    for t in healthy["RouteTables"]:
        t["Associations"] = [a for a in t["Associations"] if a.get("Main")]
    s = snap(healthy)
    choice = route_table_for_subnet(s, s.subnets["subnet-0a11c0ffee0000001"])  # type: ignore[index]
    assert choice.table is not None and choice.table.id == "rtb-0f0f0f0f0f0f0f0f0"
    assert not choice.explicit


def test_no_route_tables_collected_is_unknown() -> None:
    data = sample_data("healthy-endpoints")
    del data["RouteTables"]
    s = snap(data)
    choice = route_table_for_subnet(s, s.subnets["subnet-0a11c0ffee0000001"])  # type: ignore[index]
    assert choice.table is None and "RouteTables" in choice.reason


def test_longest_prefix_wins() -> None:
    t = table(r("0.0.0.0/0", "igw-1", "igw"), r("52.0.0.0/8", "nat-1"))
    assert target_of(t, "52.1.2.3/32") == "nat-1"
    assert target_of(t, "8.8.8.8/32") == "igw-1"
    assert target_of(t, "10.0.3.4/32") == "local"


def test_blackhole_is_selected_and_does_not_fall_through() -> None:
    t = table(r("0.0.0.0/0", "igw-1", "igw"), r("52.0.0.0/8", "nat-gone", state="blackhole"))
    m = lookup(t, (net("52.1.2.3/32"),), None)[0]
    assert m.route is not None and m.route.state == "blackhole"


def test_prefix_list_entries_compete_by_their_own_length() -> None:
    lists = {
        "pl-s3": PrefixList("pl-s3", "com.amazonaws.ap-northeast-1.s3", (net("52.219.0.0/20"),))
    }
    t = table(
        r("0.0.0.0/0", "nat-1"),
        r("pl-s3", "vpce-s3", "gateway-endpoint"),
        r("52.219.1.0/24", "eni-fw", "eni"),
    )
    assert target_of(t, "52.219.2.1/32", lists) == "vpce-s3"
    assert target_of(t, "52.219.1.1/32", lists) == "eni-fw"


def test_static_beats_prefix_list_beats_propagated_at_equal_length() -> None:
    lists = {"pl-x": PrefixList("pl-x", "x", (net("52.0.0.0/8"),))}
    t = table(
        r("52.0.0.0/8", "vgw-1", "vgw", origin="EnableVgwRoutePropagation"),
        r("pl-x", "vpce-1", "gateway-endpoint"),
    )
    assert target_of(t, "52.1.1.1/32", lists) == "vpce-1"
    t2 = table(r("pl-x", "vpce-1", "gateway-endpoint"), r("52.0.0.0/8", "nat-1"))
    assert target_of(t2, "52.1.1.1/32", lists) == "nat-1"


def test_propagated_route_never_beats_local() -> None:
    t = table(r("10.0.5.0/24", "vgw-1", "vgw", origin="EnableVgwRoutePropagation"))
    assert target_of(t, "10.0.5.5/32") == "local"


def test_overlapping_prefix_lists_are_ambiguous() -> None:
    lists = {
        "pl-a": PrefixList("pl-a", "a", (net("52.0.0.0/8"),)),
        "pl-b": PrefixList("pl-b", "b", (net("52.0.0.0/8"),)),
    }
    t = table(r("pl-a", "vpce-1", "gateway-endpoint"), r("pl-b", "vpce-2", "gateway-endpoint"))
    assert lookup(t, (net("52.1.1.1/32"),), lists)[0].status == "ambiguous"


def test_unknown_prefix_list_entries_make_the_answer_unknown() -> None:
    t = table(r("0.0.0.0/0", "nat-1"), r("pl-x", "vpce-1", "gateway-endpoint"))
    assert lookup(t, (net("52.1.1.1/32"),), {})[0].status == "unknown"
    # ...unless the list is known not to hold the destination
    m = lookup(t, (net("52.1.1.1/32"),), {}, foreign_prefix_lists=frozenset({"pl-x"}))[0]
    assert m.route is not None and m.route.target_id == "nat-1"
    # ...or the destination *is* that list
    m = lookup(t, (net("52.1.1.1/32"),), {}, destination_prefix_list="pl-x")[0]
    assert m.route is not None and m.route.target_id == "vpce-1"


def test_a_set_of_addresses_is_split_where_routes_split_it() -> None:
    t = table(r("0.0.0.0/0", "igw-1", "igw"), r("52.0.0.0/8", "nat-1"))
    matches = lookup(t, (net("48.0.0.0/4"),), None)
    by_target = {m.route.target_id: m.networks for m in matches if m.route}
    assert by_target["nat-1"] == (net("52.0.0.0/8"),)
    assert net("48.0.0.0/6") in by_target["igw-1"]


def test_no_route_is_reported() -> None:
    t = table()
    assert lookup(t, (net("8.8.8.8/32"),), None)[0].status == "no-route"


# ---- property: LPM over random tables equals the brute-force oracle ----------------------

dests = st.builds(
    lambda a, b, plen: net(f"{a}.{b}.0.0/{plen}", strict=False),
    st.sampled_from([10, 52, 172]),
    st.integers(0, 3),
    st.integers(0, 24),
)
route_sets = st.lists(
    st.tuples(dests, st.sampled_from(["static", "propagated"])),
    max_size=8,
    unique_by=lambda t: t[0],
)


@settings(max_examples=examples(300), deadline=None)
@given(route_sets, st.integers(0, 2**32 - 1))
def test_lpm_matches_oracle(routes: list[tuple[ipaddress.IPv4Network, str]], raw: int) -> None:
    address = ipaddress.IPv4Address(raw)
    built = [
        Route(
            d,
            None,
            "vgw" if how == "propagated" else "nat",
            f"t-{i}",
            "active",
            "EnableVgwRoutePropagation" if how == "propagated" else "CreateRoute",
        )
        for i, (d, how) in enumerate(routes)
    ]
    t = RouteTable("rtb-1", "vpc-1", tuple(built), (), False)
    got = lookup(t, (net(f"{address}/32"),), None)
    containing = [rt for rt in built if address in rt.destination]  # type: ignore[operator]
    if not containing:
        assert got[0].status == "no-route"
        return
    best = max(rt.destination.prefixlen for rt in containing)  # type: ignore[union-attr]
    top = [rt for rt in containing if rt.destination.prefixlen == best]  # type: ignore[union-attr]
    expected = [rt for rt in top if not rt.propagated] or top
    assert got[0].route in expected


# ---- property: a network destination over many prefix lengths, cut where routes cut it ----

ROUTE_KINDS = ("static", "propagated", "blackhole")


def _oracle(routes: list[Route], address: ipaddress.IPv4Address) -> Route | None:
    """The route one address takes, by the rule as AWS states it, route by route."""
    holding = [rt for rt in routes if rt.destination is not None and address in rt.destination]
    if any(rt.target_kind == "local" for rt in holding):
        holding = [rt for rt in holding if not rt.propagated]
    if not holding:
        return None
    best = max(rt.destination.prefixlen for rt in holding)  # type: ignore[union-attr]
    top = [rt for rt in holding if rt.destination.prefixlen == best]  # type: ignore[union-attr]
    rank = {"local": 3}
    level = max(rank.get(rt.target_kind, 1 if rt.propagated else 2) for rt in top)
    return next(rt for rt in top if rank.get(rt.target_kind, 1 if rt.propagated else 2) == level)


def _random_table(rnd: random.Random, count: int, lengths: tuple[int, int]) -> RouteTable:
    routes = [r("10.0.0.0/16", "local", "local", "CreateRouteTable")]
    for i in range(count):
        plen = rnd.randint(*lengths)
        # A third near the VPC, so that routes inside and around its CIDR are drawn too.
        base = (10 << 24) | rnd.getrandbits(20) << 4 if i % 3 == 0 else rnd.getrandbits(32)
        lo = base >> (32 - plen) << (32 - plen) if plen else 0
        how = ROUTE_KINDS[rnd.randrange(3)]
        routes.append(
            Route(
                ipaddress.IPv4Network((lo, plen)),
                None,
                "vgw" if how == "propagated" else "nat",
                f"t-{i}",
                "blackhole" if how == "blackhole" else "active",
                "EnableVgwRoutePropagation" if how == "propagated" else "CreateRoute",
            )
        )
    rnd.shuffle(routes)
    return RouteTable("rtb-1", "vpc-1", tuple(routes), (), False)


def _cut_in_order(routes: list[Route], part: ipaddress.IPv4Network) -> list[ipaddress.IPv4Network]:
    """The order of the parts, as the answer lists them: depth first, a part cut at the first
    route (in table order) strictly inside it, into that route's network and then the
    halves beside the way down to it, largest first."""
    in_vpc = any(
        rt.target_kind == "local" and part.subnet_of(rt.destination)  # type: ignore[arg-type]
        for rt in routes
    )
    inside = [
        rt.destination
        for rt in routes
        if rt.destination is not None
        and rt.destination.prefixlen > part.prefixlen
        and rt.destination.subnet_of(part)  # type: ignore[arg-type]
        and not (in_vpc and rt.propagated)
    ]
    if not inside:
        return [part]
    cut = inside[0]
    assert isinstance(cut, ipaddress.IPv4Network)
    out: list[ipaddress.IPv4Network] = []
    for piece in [cut, *part.address_exclude(cut)]:
        out += _cut_in_order(routes, piece)
    return out


def _check_against_oracle(
    t: RouteTable,
    destination: tuple[ipaddress.IPv4Network, ...],
    rnd: random.Random,
    samples: int,
    *,
    order: bool = False,
) -> None:
    matches = lookup(t, destination, None)
    routes = list(t.routes)
    parts = [(n, m) for m in matches for n in m.networks]
    if order:
        # Matches in the order of their first part, each one's parts in the order cut.
        match_of = {n: id(m) for n, m in parts}
        grouped: dict[int, list[ipaddress.IPv4Network]] = {}
        for d in destination:
            for n in _cut_in_order(routes, d):
                grouped.setdefault(match_of[n], []).append(n)
        assert [n for group in grouped.values() for n in group] == [n for n, _ in parts]
    # One decision per route: parts that end alike are merged.
    assert len({(m.status, id(m.route)) for m in matches}) == len(matches)
    # The parts are the destination, each address once.
    assert sum(n.num_addresses for n, _ in parts) == sum(d.num_addresses for d in destination)
    assert sorted(ipaddress.collapse_addresses(n for n, _ in parts)) == sorted(
        ipaddress.collapse_addresses(destination)
    )
    # Each part is decided whole: its first and last addresses, and random ones, take the
    # route the oracle gives them.
    for n, m in rnd.sample(parts, min(len(parts), samples)):
        for address in (n.network_address, n.broadcast_address):
            expected = _oracle(routes, address)
            assert (m.route is expected) if expected else (m.status == "no-route")
    for _ in range(samples):
        d = rnd.choice(destination)
        address = d.network_address + rnd.randrange(d.num_addresses)
        n, m = next((n, m) for n, m in parts if address in n)
        expected = _oracle(routes, address)
        assert (m.route is expected) if expected else (m.status == "no-route")


@settings(max_examples=examples(150), deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(0, 40),
    st.tuples(st.integers(0, 12), st.integers(12, 30)),
    st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 26)), min_size=1, max_size=3),
)
def test_lpm_of_networks_over_many_prefix_lengths_matches_oracle(
    seed: int, count: int, lengths: tuple[int, int], dests: list[tuple[int, int]]
) -> None:
    rnd = random.Random(seed)
    t = _random_table(rnd, count, lengths)
    destination = tuple(
        ipaddress.IPv4Network((lo >> (32 - plen) << (32 - plen) if plen else 0, plen))
        for lo, plen in dests
    )
    # Destinations are sets of addresses: overlapping networks are one network.
    destination = tuple(ipaddress.collapse_addresses(destination))
    _check_against_oracle(t, destination, rnd, samples=20, order=True)
    _check_against_oracle(t, (net("10.0.0.0/14"),), rnd, samples=20, order=True)


def test_a_large_table_over_many_prefix_lengths_matches_oracle() -> None:
    rnd = random.Random(11)
    t = _random_table(rnd, 3000, (8, 28))
    _check_against_oracle(t, public_ipv4(), rnd, samples=150)
    _check_against_oracle(t, (net("10.0.0.0/12"),), rnd, samples=150)


def test_parts_are_the_coarsest_the_routes_allow() -> None:
    # A part is cut only where a route lies strictly inside it, and no further.
    t = table(r("0.0.0.0/0", "igw-1", "igw"), r("52.1.2.0/24", "nat-1"))
    matches = lookup(t, (net("52.0.0.0/8"),), None)
    by_target = {m.route.target_id: m.networks for m in matches if m.route}
    assert by_target["nat-1"] == (net("52.1.2.0/24"),)
    assert by_target["igw-1"] == tuple(net("52.0.0.0/8").address_exclude(net("52.1.2.0/24")))


# ---- the verdicts of generated accounts with large and varied tables, as before ----------

GOLDEN = Path(__file__).parent / "golden" / "routing-shapes.json"
SHAPES: dict[str, dict[str, Any]] = {
    "spread": dict(
        vpcs=3,
        subnets=18,
        security_groups=12,
        rules_per_group=3,
        route_tables=9,
        routes_per_table=40,
        enis=30,
        services=6,
        route_prefix_lengths=(4, 30),
    ),
    "nat-table": dict(
        vpcs=2,
        subnets=10,
        security_groups=8,
        rules_per_group=3,
        route_tables=4,
        routes_per_table=6,
        enis=12,
        services=4,
        nat_table_routes=400,
    ),
    "wide-service": dict(
        vpcs=1,
        subnets=60,
        security_groups=4,
        rules_per_group=3,
        route_tables=3,
        routes_per_table=6,
        enis=10,
        services=2,
        wide_service_subnets=60,
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_verdicts_of_generated_accounts_are_those_before_the_indexed_lookup(shape: str) -> None:
    """The golden file holds, per shape, a digest of every check's source, target, verdict and
    blocking hop under ``scan --all-enis``, as the route lookup that walked the table gave
    them (before it was indexed for large tables; the whole JSON output was also the same,
    byte for byte). A change here is a change of verdicts: regenerate the file only for one
    meant to change them."""
    snap = snapshot_from_data(generate(seed=3, **SHAPES[shape]))
    checks = [
        [t.source.label, t.target, t.verdict, t.blocked_at.id if t.blocked_at else None]
        for t in scan(snap, all_enis=True).traces
    ]
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[shape]
    assert len(checks) == expected["checks"]
    assert dict(sorted(Counter(c[2] for c in checks).items())) == expected["verdicts"]
    assert hashlib.sha256(json.dumps(checks).encode()).hexdigest() == expected["sha256"]
