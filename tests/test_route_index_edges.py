"""The route index (routing._Inside, _Space, _entries) on tables of more than a handful of
routes of one IP version, where the index's runs of 4 and 8 entries are read: each
address still takes its longest route, and a part is cut at the first route inside it."""

from __future__ import annotations

from netgraph.evaluate.routing import lookup
from netgraph.model import RouteTable

from .test_routing import net, r, table, target_of


def _nine_routes() -> RouteTable:
    # With the local route, nine entries of IPv4: runs of 1, 2, 4 and 8 in the index.
    return table(
        r("0.0.0.0/0", "igw-1", "igw"),
        r("52.0.0.0/8", "nat-1"),
        r("52.1.0.0/16", "nat-2"),
        r("52.1.2.0/24", "nat-3"),
        r("52.1.2.128/25", "nat-4"),
        r("8.0.0.0/8", "nat-5"),
        r("8.8.0.0/16", "nat-6"),
        r("8.8.8.0/24", "nat-7"),
    )


def test_each_address_takes_its_longest_route_in_a_table_of_nine() -> None:
    t = _nine_routes()
    asked = {
        "52.1.2.200/32": "nat-4",
        "52.1.2.3/32": "nat-3",
        "52.1.9.9/32": "nat-2",
        "52.9.9.9/32": "nat-1",
        "8.8.8.8/32": "nat-7",
        "8.8.9.9/32": "nat-6",
        "8.9.9.9/32": "nat-5",
        "9.9.9.9/32": "igw-1",
        "10.0.1.1/32": "local",
    }
    assert {a: target_of(t, a) for a in asked} == asked


def test_a_wide_part_is_cut_at_every_route_inside_it() -> None:
    matches = lookup(_nine_routes(), (net("0.0.0.0/0"),), None)
    targets = sorted(m.route.target_id for m in matches if m.route)
    assert targets == ["igw-1", "local", *(f"nat-{i}" for i in range(1, 8))]
