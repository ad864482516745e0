"""Route tables: which table, longest prefix match, tie-breaks, blackholes, prefix lists;
LPM checked against a brute-force oracle."""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph.evaluate.routing import lookup, route_table_for_subnet
from netgraph.model import PrefixList, Route, RouteTable

from .conftest import sample_data, snap

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


@settings(max_examples=300, deadline=None)
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
