"""The reply's way back across a transit gateway or a peering (walk_across._way_back and
its parts): each test changes one thing of a sample on the way back and asserts the
verdict and the hop that decides it."""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

import pytest

from netgraph.check import check_path
from netgraph.flows import hypothetical_source
from netgraph.model import TCP
from netgraph.reach import Trace

from .conftest import build, snap
from .test_transit_gateway import NAT_ENI_IP, SPOKE_A, SPOKE_C, _tgw_routes, egress, to_nat

SPOKE_ATTACH = build.ATTACH[build.SPOKE]


def _subnet_cidr(data: dict[str, Any], subnet: str) -> str:
    cidr: str = next(s["CidrBlock"] for s in data["Subnets"] if s["SubnetId"] == subnet)
    return cidr


def _halves(cidr: str) -> tuple[str, str]:
    low, high = ipaddress.ip_network(cidr).subnets()
    return str(low), str(high)


def _tgw_route(cidr: str, *, blackhole: bool = False) -> dict[str, Any]:
    if blackhole:
        return {"DestinationCidrBlock": cidr, "Type": "static", "State": "blackhole"}
    return {
        "DestinationCidrBlock": cidr,
        "TransitGatewayAttachments": [
            {
                "ResourceId": build.SPOKE,
                "TransitGatewayAttachmentId": SPOKE_ATTACH,
                "ResourceType": "vpc",
            }
        ],
        "Type": "static",
        "State": "active",
    }


def _last(trace: Trace) -> tuple[str, str, str]:
    assert trace.blocked_at is not None, trace.reason
    h = trace.blocked_at
    return (h.id, h.status, h.leg)


@pytest.mark.parametrize("half", [0, 1])
def test_a_reply_blackholed_for_part_of_the_source_subnet_is_blocked_there(half: int) -> None:
    data = egress()
    part = _halves(_subnet_cidr(data, SPOKE_A))[half]
    _tgw_routes(data, build.TGW_RTB_HUB).append(_tgw_route(part, blackhole=True))
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert _last(trace) == (build.TGW_RTB_HUB, "fail", "return")


def test_a_reply_route_listed_for_part_of_the_source_subnet_only_is_unknown() -> None:
    data = egress()
    part = _halves(_subnet_cidr(data, SPOKE_A))[0]
    data["TransitGatewayRouteTableRoutes"][build.TGW_RTB_HUB] = {
        "Routes": [_tgw_route(part)],
        "AdditionalRoutesAvailable": True,
    }
    trace = to_nat(data)
    assert trace.verdict == "unknown"
    assert build.TGW_RTB_HUB in trace.reason
    assert (build.TGW_RTB_HUB, "unknown", "return") in [(h.id, h.status, h.leg) for h in trace.hops]


def test_checks_on_one_snapshot_look_up_each_sources_own_reply_route() -> None:
    data = egress()
    _tgw_routes(data, build.TGW_RTB_HUB).append(
        _tgw_route(_subnet_cidr(data, SPOKE_C), blackhole=True)
    )
    s = snap(data)

    def from_(subnet: str) -> Trace:
        source = hypothetical_source(s, subnet, (build.SG_SPOKE_TASK,), public_ip=False)
        return check_path(s, source, NAT_ENI_IP, protocol=TCP, port=443)

    assert from_(SPOKE_A).verdict == "reachable"
    blocked = from_(SPOKE_C)
    assert blocked.verdict == "blocked"
    assert _last(blocked) == (build.TGW_RTB_HUB, "fail", "return")
