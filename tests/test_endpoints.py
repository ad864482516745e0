"""The rules of VPC endpoints, called directly (evaluate/endpoints.py)."""

from __future__ import annotations

import ipaddress

from netgraph.evaluate import dns
from netgraph.evaluate.endpoints import (
    endpoint_sides,
    endpoint_verdict,
    gateway_endpoint,
    no_interface_hop,
)
from netgraph.hop import Destination, Hop, HopKind
from netgraph.model import NetworkInterface
from netgraph.sources.policies import parse_policy
from tests.rule_snapshots import endpoint, route, snapshot, subnet, table

REGION = "ap-northeast-1"
GW_ROUTE = route("vpce-gw", "gateway-endpoint")
RTB = table("rtb-1", GW_ROUTE)
ECR = Destination("service", "api.ecr", service=dns.AWS_SERVICES["ecr.api"])
TERMINAL = Hop("com.amazonaws.ap-northeast-1.ecr.api", HopKind.AWS_SERVICE, "pass", "ecr")


def _policy(effect: str) -> object:
    doc = {"Statement": [{"Effect": effect, "Principal": "*", "Action": "*", "Resource": "*"}]}
    return parse_policy("vpce-1 policy", doc)


def test_gateway_endpoint_carries_tcp_only() -> None:
    ep = endpoint("vpce-gw", endpoint_type="Gateway")
    snap = snapshot(vpc_endpoints={"vpce-gw": ep})
    assert gateway_endpoint(snap, RTB, GW_ROUTE, "6") is ep
    hop = gateway_endpoint(snap, RTB, GW_ROUTE, "17")
    assert isinstance(hop, Hop)
    assert (hop.id, hop.status, hop.code) == (
        "vpce-gw",
        "fail",
        "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
    )


def test_gateway_endpoint_missing_is_unknown() -> None:
    hop = gateway_endpoint(snapshot(), RTB, GW_ROUTE, "6")
    assert isinstance(hop, Hop) and hop.status == "unknown"
    assert hop.reason == "rtb-1 routes to vpce-gw, which is not in VpcEndpoints"


def test_state_decides_before_the_policy() -> None:
    hop, goes_on = endpoint_verdict(
        endpoint(state="pending"), HopKind.INTERFACE_ENDPOINT, ECR, REGION
    )
    assert (hop.status, hop.code, goes_on) == ("fail", "VPCE_BAD_STATE", False)
    hop, goes_on = endpoint_verdict(
        endpoint(state="unknown"), HopKind.INTERFACE_ENDPOINT, ECR, REGION
    )
    assert (hop.status, goes_on) == ("unknown", False)


def test_policy_missing_is_unknown_and_allow_all_passes() -> None:
    hop, goes_on = endpoint_verdict(endpoint(), HopKind.INTERFACE_ENDPOINT, ECR, REGION)
    assert (hop.status, goes_on) == ("unknown", True) and "PolicyDocument" in hop.reason
    ep = endpoint(policy=_policy("Allow"))
    hop, goes_on = endpoint_verdict(ep, HopKind.INTERFACE_ENDPOINT, ECR, REGION)
    assert (hop.status, goes_on) == ("pass", True)
    assert hop.reason.endswith(
        "its policy allows every request (Allow * on * to any principal, no condition)"
    )


def test_policy_that_denies_blocks() -> None:
    ep = endpoint(policy=_policy("Deny"))
    hop, _ = endpoint_verdict(ep, HopKind.INTERFACE_ENDPOINT, ECR, REGION)
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        "vpce-1",
        "interface-endpoint",
        "fail",
        "VPCE_POLICY_DENIES",
    )
    assert hop.fix is not None and "vpce-1" in hop.fix


def test_sides_are_the_enis_else_the_subnets() -> None:
    sub = subnet("subnet-e", "10.0.5.0/24")
    eni = NetworkInterface(
        "eni-e",
        "subnet-e",
        "vpc-1",
        (ipaddress.ip_address("10.0.5.9"),),
        None,
        ("sg-e",),
        "vpc_endpoint",
        None,
    )
    ep = endpoint(network_interface_ids=("eni-e",), subnet_ids=("subnet-e",))
    snap = snapshot(subnets={"subnet-e": sub}, network_interfaces={"eni-e": eni})
    [side] = endpoint_sides(snap, ep, TERMINAL)
    assert (side.peer.label, side.subnet, side.endpoint) == ("eni-e (10.0.5.9)", sub, ep)
    assert side.group_ids == ("sg-e",) and side.groups_unknown == ""
    [side] = endpoint_sides(snapshot(subnets={"subnet-e": sub}), ep, TERMINAL)
    assert side.peer.label == "vpce-1 ENI in subnet-e" and side.peer.approximate
    no_groups = endpoint(network_interface_ids=("eni-e",), group_ids=None)
    [side] = endpoint_sides(snap, no_groups, TERMINAL)
    assert "not in the snapshot" in side.groups_unknown


def test_no_eni_at_all_blocks() -> None:
    assert endpoint_sides(snapshot(), endpoint(), TERMINAL) == []
    hop = no_interface_hop(endpoint())
    assert (hop.id, hop.status, hop.code) == ("vpce-1", "fail", "VPCE_NO_ENI")
