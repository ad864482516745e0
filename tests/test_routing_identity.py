"""A route to a prefix list whose entries the snapshot lacks (S3 through its gateway
endpoint): it matches the destination that *is* that list by identity, unless another
route might be more specific. Kills routing._match_by_identity mutants (docs/mutants.md)."""

from __future__ import annotations

import ipaddress

from netgraph.evaluate.routing import lookup
from netgraph.model import Route, RouteTable

net = ipaddress.ip_network
S3 = (net("52.219.0.0/20"), net("3.5.152.0/21"))
PL = "pl-61a54008"


def route(dest: str, kind: str, target: str, origin: str = "CreateRoute") -> Route:
    if dest.startswith("pl-"):
        return Route(None, dest, kind, target, "active", origin)  # type: ignore[arg-type]
    return Route(net(dest), None, kind, target, "active", origin)  # type: ignore[arg-type]


def s3_lookup(*extra: Route, vpc: str = "10.0.0.0/16") -> tuple[str, object, str]:
    routes = (
        route(vpc, "local", "local", "CreateRouteTable"),
        route(PL, "gateway-endpoint", "vpce-s3"),
        *extra,
    )
    table = RouteTable("rtb-1", "vpc-1", routes, (), True)
    matches = lookup(table, S3, {}, destination_prefix_list=PL)
    assert len(matches) == 1
    m = matches[0]
    assert m.networks == S3
    return m.status, (m.route.target_id if m.route else None), m.reason


def test_identity_match_beats_a_default_route() -> None:
    assert s3_lookup(route("0.0.0.0/0", "nat", "nat-1"))[:2] == ("route", "vpce-s3")


def test_a_more_specific_route_overlapping_the_destination_makes_it_unknown() -> None:
    status, target, reason = s3_lookup(route("52.219.0.0/16", "nat", "nat-1"))
    assert (status, target) == ("unknown", None)
    assert PL in reason and "52.219.0.0/16" in reason


def test_a_slash_1_route_is_a_rival_too() -> None:
    assert s3_lookup(route("0.0.0.0/1", "nat", "nat-1"))[0] == "unknown"


def test_routes_that_cannot_hold_the_destination_are_no_rivals() -> None:
    other = route("198.51.100.0/24", "nat", "nat-1")
    v6 = route("2600:1f00::/24", "eigw", "eigw-1")
    assert s3_lookup(other, v6)[:2] == ("route", "vpce-s3")


def test_the_vpcs_own_local_route_is_no_rival() -> None:
    # a VPC whose CIDR is not RFC 1918 and overlaps the service's addresses
    assert s3_lookup(vpc="52.219.0.0/16")[:2] == ("route", "vpce-s3")


def test_the_first_rival_is_named() -> None:
    reason = s3_lookup(route("52.219.0.0/18", "nat", "nat-1"), route("3.5.0.0/16", "nat", "n2"))[2]
    assert "52.219.0.0/18" in reason and "3.5.0.0/16" not in reason
