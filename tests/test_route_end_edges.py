"""Where a path to the public side ends and how it is named (graph.to_public), and where the
flow graph ends at an endpoint whose policy denies (Walk.endpoint_hop): the last hop of a
name on the internet, the public side of a service named as the service, a rule that covers
only part of the public space, a denying policy that nothing follows. Each asserts what the
user (or a caller of build_flow_graph) reads: verdict, deciding hop, words, the graph's
leaves."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netgraph.check import check_path, destination_for_target
from netgraph.flows import hypothetical_source
from netgraph.graph import build_flow_graph
from netgraph.hop import HopKind
from netgraph.reach import Trace

from .conftest import build, sample_data, snap

PUBLIC_SUBNET = build.SUBNETS["public-a"][0]
PRIVATE_SUBNET = build.SUBNETS["private-a"][0]
LOGS_HOST = f"logs.{build.REGION}.amazonaws.com"
DENY_ALL = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Nothing", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}
        ],
    }
)


def _public_path(to: str, data: dict[str, Any] | None = None) -> Trace:
    """`path --to TO` from a task with a public IP in healthy-public's public subnet (its
    route 0.0.0.0/0 leads to the internet gateway)."""
    s = snap(data or sample_data("healthy-public"))
    source = hypothetical_source(s, PUBLIC_SUBNET, (build.SG_TASK,), True)
    return check_path(s, source, to, protocol="6", port=443)


# ---- the public side's last hop and its name (graph.to_public) ----------------------------


def test_a_name_on_the_internet_ends_at_the_name_asked() -> None:
    # `path --to example.com`: no AWS service, so the last hop is the internet, worded by the
    # name the user gave (service_terminal with the destination's label).
    t = _public_path("example.com")
    assert (t.verdict, t.reason) == ("reachable", "every hop admits TCP 443 to example.com")
    last = t.hops[-1]
    assert (last.id, last.kind, last.status) == ("internet", HopKind.INTERNET, "pass")
    assert last.reason == "example.com on the internet"


@pytest.mark.parametrize("to", [LOGS_HOST.upper(), f"{LOGS_HOST}."], ids=["capitals", "fqdn"])
def test_a_service_asked_by_another_spelling_of_its_name_is_named_as_the_service(to: str) -> None:
    # DNS names are case-insensitive and may end with the root's dot: `path --to` such a
    # spelling of CloudWatch Logs' name is the service, and its public side is named by the
    # service's own name in the hops, as the last hop names it.
    t = _public_path(to)
    assert t.verdict == "reachable", t.reason
    route = next(h for h in t.hops if h.kind == HopKind.ROUTE_TABLE)
    assert route.reason == f"{LOGS_HOST} (public) takes route 0.0.0.0/0 -> {build.IGW}"
    egress = next(h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_EGRESS)
    assert f"admits TCP 443 to {LOGS_HOST} (public) (" in egress.reason
    assert (t.hops[-1].id, t.hops[-1].reason) == (f"com.amazonaws.{build.REGION}.logs", LOGS_HOST)


@pytest.mark.parametrize(
    ("to", "label"),
    [("logs", f"{LOGS_HOST} (public)"), ("example.com", "example.com (public)")],
)
def test_an_egress_rule_for_part_of_the_public_space_is_unknown_not_blocked(
    to: str, label: str
) -> None:
    # A public name answers from *some* public address, which the snapshot does not say: a
    # task whose egress admits TCP 443 only to 52.0.0.0/8 may or may not reach it. Unknown at
    # its group, not "blocked ... only in part" as for a peer whose every address is used.
    data = sample_data("healthy-public")
    group = next(g for g in data["SecurityGroups"] if g["GroupId"] == build.SG_TASK)
    group["IpPermissionsEgress"] = [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "52.0.0.0/8"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]
    t = _public_path(to, data)
    assert (t.verdict, t.blocked_at) == ("unknown", None), t.reason
    hop = next(h for h in t.hops if h.status != "pass")
    assert (hop.id, hop.kind, hop.status) == (
        build.SG_TASK,
        HopKind.SECURITY_GROUP_EGRESS,
        "unknown",
    )
    assert (
        t.reason
        == hop.reason
        == (
            f"egress of {build.SG_TASK} admits TCP 443 to {label} only for 52.0.0.0/8; whether "
            "its addresses fall there is not known"
        )
    )


# ---- an endpoint whose policy denies ends its branch (Walk.endpoint_hop) -------------------


@pytest.mark.parametrize(
    ("service", "kind"),
    [("logs", HopKind.INTERFACE_ENDPOINT), ("s3", HopKind.GATEWAY_ENDPOINT)],
)
def test_an_endpoint_whose_policy_denies_is_a_leaf_of_the_flow_graph(
    service: str, kind: HopKind
) -> None:
    # healthy-endpoints with the service's endpoint denying everything: the flow graph
    # (build_flow_graph, its networkx view) ends each branch at that failing hop, as at any
    # failing hop (templates.fill relies on it): no return NACL, no "pass" service hop below
    # a denial for a reader of the graph to take as reached.
    data = sample_data("healthy-endpoints")
    endpoint = next(e for e in data["VpcEndpoints"] if e["ServiceName"].endswith(f".{service}"))
    endpoint["PolicyDocument"] = DENY_ALL
    s = snap(data)
    source = hypothetical_source(s, PRIVATE_SUBNET, (build.SG_TASK,), False)
    flow = build_flow_graph(s, source, destination_for_target(service, s))
    denials = [
        n
        for n, hop in enumerate(flow.hops)
        if hop.kind == kind and hop.id == endpoint["VpcEndpointId"]
    ]
    assert denials
    assert {flow.hops[n].status for n in denials} == {"fail"}
    assert all(flow.children[n] == [] for n in denials)
    failing = [n for n, hop in enumerate(flow.hops) if hop.status == "fail"]
    assert all(flow.children[n] == [] for n in failing)
    graph = flow.to_networkx()
    leaves = [graph.nodes[n]["hop"] for n in graph.nodes if graph.out_degree(n) == 0]
    assert {h.status for h in leaves} == {"fail"}
