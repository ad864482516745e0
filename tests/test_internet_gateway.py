"""The internet gateway's rule, called directly (evaluate/internet_gateway.py)."""

from __future__ import annotations

import ipaddress

from netgraph.evaluate.internet_gateway import internet_gateway_hop, non_public
from netgraph.findings import fix_for
from netgraph.model import InternetGateway, Snapshot
from tests.rule_snapshots import VPC, route, snapshot, source, table

PUBLIC = (ipaddress.ip_network("52.0.0.0/8"),)
IGW_ROUTE = route("igw-1", "igw")
RTB = table("rtb-1", IGW_ROUTE)


def _snap(*attached: str, unknown: tuple[str, ...] = ()) -> Snapshot:
    return snapshot(internet_gateways={"igw-1": InternetGateway("igw-1", attached, unknown)})


def test_attached_with_public_ip_passes() -> None:
    hop = internet_gateway_hop(_snap(VPC), RTB, IGW_ROUTE, PUBLIC, source(public_ip=True))
    assert (hop.id, hop.kind, hop.status, hop.code) == ("igw-1", "internet-gateway", "pass", None)
    assert hop.reason == f"igw-1 is attached to {VPC}; the source has a public IP"


def test_from_nat_needs_no_public_ip_on_the_source() -> None:
    hop = internet_gateway_hop(_snap(VPC), RTB, IGW_ROUTE, PUBLIC, source(), from_nat="nat-1")
    assert hop.status == "pass"
    assert hop.reason.endswith("nat-1 sends it out with its Elastic IP")


def test_no_public_ip_fails_with_a_fix_for_the_kind_of_source() -> None:
    hop = internet_gateway_hop(_snap(VPC), RTB, IGW_ROUTE, PUBLIC, source())
    assert (hop.status, hop.code) == ("fail", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")
    assert hop.fix is not None and "--public-ip" in hop.fix and "rtb-1" in hop.fix


def test_not_attached_is_blamed_on_the_gateway() -> None:
    hop = internet_gateway_hop(_snap("vpc-other"), RTB, IGW_ROUTE, PUBLIC, source(public_ip=True))
    assert (hop.id, hop.status, hop.code) == ("igw-1", "fail", "IGW_NOT_ATTACHED")
    assert hop.reason == f"igw-1 is not attached to {VPC}"
    assert hop.fix == fix_for("IGW_NOT_ATTACHED", igw="igw-1", vpc=VPC)


def test_attachment_state_missing_is_unknown() -> None:
    hop = internet_gateway_hop(
        _snap(unknown=(VPC,)), RTB, IGW_ROUTE, PUBLIC, source(public_ip=True)
    )
    assert (hop.status, hop.code) == ("unknown", None)
    assert "State of the attachment" in hop.reason


def test_private_destination_is_dropped() -> None:
    private = (ipaddress.ip_network("10.1.0.0/16"),)
    hop = internet_gateway_hop(_snap(VPC), RTB, IGW_ROUTE, private, source(public_ip=True))
    assert (hop.status, hop.code) == ("fail", "IGW_DESTINATION_ADDRESS_NOT_PUBLIC")
    assert "10.1.0.0/16" in hop.reason
    assert non_public(private) == list(private)
    assert non_public(PUBLIC) == []


def test_gateway_missing_from_the_snapshot_is_unknown_never_passing() -> None:
    hop = internet_gateway_hop(snapshot(), RTB, IGW_ROUTE, PUBLIC, source(public_ip=True))
    assert (hop.id, hop.status) == ("igw-1", "unknown")
    assert hop.reason == "rtb-1 routes to igw-1, which is not in InternetGateways"
    hop = internet_gateway_hop(
        snapshot(internet_gateways=None), RTB, IGW_ROUTE, PUBLIC, source(public_ip=True)
    )
    assert hop.status == "unknown" and "InternetGateways is not in the snapshot" in hop.reason


def test_ipv6_is_unknown_but_a_private_ipv4_part_still_drops() -> None:
    v6 = (ipaddress.ip_network("2600:1f18::/32"),)
    for public_ip in (True, False):
        hop = internet_gateway_hop(_snap(VPC), RTB, IGW_ROUTE, v6, source(public_ip=public_ip))
        assert (hop.status, hop.code) == ("unknown", None)
        assert "IPv6 (2600:1f18::/32)" in hop.reason
    assert non_public(v6) == []
    mixed = (ipaddress.ip_network("10.1.0.0/16"), *v6)
    hop = internet_gateway_hop(_snap(VPC), RTB, IGW_ROUTE, mixed, source(public_ip=True))
    assert (hop.status, hop.code) == ("fail", "IGW_DESTINATION_ADDRESS_NOT_PUBLIC")
    assert "10.1.0.0/16" in hop.reason and "2600" not in hop.reason
