"""Edges of three rules the focused tests left unpinned: what a VPC with custom DNS servers
may resolve a name to (evaluate/dns.py), how a destination cut by a more specific route
comes back in parts (evaluate/routing.py), and the scan's per-placement templates
(templates.py)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest

from netgraph.evaluate import dns
from netgraph.evaluate.routing import lookup
from netgraph.flows import service_sources
from netgraph.graph import build_flow_graph
from netgraph.hop import Destination
from netgraph.model import DhcpOptions, Route, RouteTable, Snapshot, Vpc
from netgraph.reach import trace
from netgraph.sources.snapshot import snapshot_from_data
from netgraph.templates import fill, template

from .conftest import sample_data
from .rule_snapshots import VPC
from .test_dns_rules import EP, logs_endpoint, record, resolve, world, zone

CUSTOM = "dopt-0custom"
CUSTOM_DOUBT = (
    f"{VPC} uses custom DNS servers 10.9.9.9 ({CUSTOM}): whether they forward AWS "
    "names to the VPC resolver cannot be seen from the snapshot"
)


def custom_vpc(support: bool | None = True) -> Vpc:
    return Vpc(VPC, (ipaddress.ip_network("10.0.0.0/16"),), CUSTOM, support, True)


def custom_world(**fields: Any) -> Snapshot:
    return world(dhcp_options={CUSTOM: DhcpOptions(CUSTOM, ("10.9.9.9",))}, **fields)


# ---- custom DNS servers --------------------------------------------------------------------


def test_custom_servers_may_answer_as_amazon_publicly_or_not_at_all() -> None:
    s = custom_world(vpc_endpoints={EP: logs_endpoint(private_dns=True)})
    a = resolve(s, v=custom_vpc())
    assert a.certain is False
    assert a.resolver == "custom"
    assert a.doubt == CUSTOM_DOUBT
    assert [r.endpoint.id if r.endpoint else None for r in a.resolutions] == [EP, None, None]
    assert [(r.outcome, r.reason) for r in a.resolutions][1:] == [
        ("public", "the public service (if the custom servers resolve AWS names publicly)"),
        ("unknown", "the custom servers may not answer it at all"),
    ]


def test_custom_servers_keep_the_doubt_of_the_amazon_answer_after_their_own() -> None:
    s = custom_world(hosted_zones={})
    a = resolve(s, v=custom_vpc(support=None))
    assert a.doubt == (
        f"{CUSTOM_DOUBT}; enableDnsSupport of {VPC} is not in the snapshot (VpcAttributes)"
    )


def test_custom_servers_forwarding_to_amazon_ask_the_name_given() -> None:
    name = "db.corp.internal"
    s = custom_world(
        hosted_zones={"Z0CORP": zone("Z0CORP", "corp.internal", records=(record(name),))}
    )
    a = dns.resolve(s, custom_vpc(), None, name)
    first = a.resolutions[0]
    assert first.outcome == "unknown"
    assert first.reason.startswith(f"{name}: the private hosted zone Z0CORP (corp.internal)")


# ---- a destination cut by a more specific route -------------------------------------------


def _route(dest: str, target: str, kind: str) -> Route:
    return Route(ipaddress.ip_network(dest), None, kind, target, "active", "CreateRoute")  # type: ignore[arg-type]


def _collapsed(networks: Iterable[Any]) -> list[str]:
    return [str(n) for n in ipaddress.collapse_addresses(networks)]


@pytest.mark.parametrize(
    ("default", "inner", "destination"),
    [
        ("0.0.0.0/0", "10.1.2.0/24", "10.1.0.0/16"),
        ("::/0", "2600:1f18:0:2::/64", "2600:1f18::/56"),
    ],
)
def test_a_destination_a_route_lies_inside_comes_back_as_that_route_and_the_rest(
    default: str, inner: str, destination: str
) -> None:
    t = RouteTable(
        "rtb-1",
        VPC,
        (_route(default, "igw-1", "igw"), _route(inner, "pcx-1", "pcx")),
        (),
        False,
    )
    matches = lookup(t, (ipaddress.ip_network(destination),), {})
    by_target = {m.route.target_id: m.networks for m in matches if m.route}
    assert [m.status for m in matches] == ["route", "route"]
    assert _collapsed(by_target["pcx-1"]) == [inner]
    whole: Any = ipaddress.ip_network(destination)
    rest = whole.address_exclude(ipaddress.ip_network(inner))
    assert _collapsed(by_target["igw-1"]) == _collapsed(sorted(rest))


# ---- the scan's templates, filled for one source --------------------------------------------


@pytest.mark.parametrize("sample", ["healthy-endpoints", "broken-endpoint-sg-no-443"])
@pytest.mark.parametrize("service", ["ecr.api", "logs"])
def test_a_template_filled_without_a_head_is_the_sources_own_flow_graph(
    sample: str, service: str
) -> None:
    snap = snapshot_from_data(sample_data(sample))
    dest = Destination("service", service, service=dns.AWS_SERVICES[service])
    for source in service_sources(snap):
        own = build_flow_graph(snap, source, dest)
        filled = fill(snap, template(snap, source, dest), source)
        assert filled.port == own.port == 443
        # Past a failing hop the template's hops are never read, so the traces are compared.
        got, want = trace(filled, service), trace(own, service)
        assert got.hops[0] == want.hops[0] == filled.hops[filled.root]
        assert (got.hops, got.verdict, got.blocked_at, got.reason, got.fix) == (
            want.hops,
            want.verdict,
            want.blocked_at,
            want.reason,
            want.fix,
        )


def test_a_filled_source_on_a_default_group_not_in_the_snapshot_names_its_vpc() -> None:
    snap = snapshot_from_data(sample_data("healthy-endpoints"))
    dest = Destination("service", "logs", service=dns.AWS_SERVICES["logs"])
    for placed in service_sources(snap):
        source = replace(placed, security_group_ids=(), uses_default_group=True)
        vpc_id = (snap.subnets or {})[source.subnet_id].vpc_id
        # The template is shared with the service's own groups, as the scan shares it.
        got = trace(fill(snap, template(snap, placed, dest), source), "logs")
        assert (got.verdict, got.reason) == (
            "unknown",
            "the service names no security group, so Fargate uses the default group of "
            f"{vpc_id}, which is not in the snapshot",
        )


def test_the_custom_servers_public_answer_is_kept_beside_an_endpoints_public_one() -> None:
    # The Amazon answer is public because of the endpoint (its fix is the endpoint's); the
    # custom servers' own public answer is another alternative, not a duplicate of it.
    s = custom_world(vpc_endpoints={EP: logs_endpoint(private_dns=False)})
    a = resolve(s, v=custom_vpc())
    assert [(r.outcome, r.endpoint.id if r.endpoint else None) for r in a.resolutions] == [
        ("public", EP),
        ("public", None),
        ("unknown", None),
    ]
