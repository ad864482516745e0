"""What a user reads at the end of a path through the interface/gateway rules
(evaluate/interfaces.py, endpoints.py, public.py, internet_gateway.py, nat_gateway.py): the
hop that decides, its id, its kind, and the words of its reason and fix, checked through the
walk on changed samples."""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.check import check_path
from netgraph.flows import hypothetical_source
from netgraph.hop import HopKind
from netgraph.reach import Trace

from .conftest import sample_data, snap

TASK_SUBNET = "subnet-0a11c0ffee0000001"
SG_TASK = "sg-0b0b0b0b0b0b0b0b1"
ENI = "eni-0e1c2a3b4d5e6f711"
ECR_API = "vpce-0e1c2a3b4d5e6f701"


def path(data: dict[str, Any], to: str, port: int = 443, public_ip: bool = False) -> Trace:
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), public_ip)
    return check_path(s, source, to, protocol="6", port=port)


@pytest.mark.parametrize(
    ("to", "dropped", "collection"),
    [
        # The ENI list was not collected: the ENI the user names cannot be placed.
        (ENI, "NetworkInterfaces", "NetworkInterfaces"),
        # No Reservations in the sample: an instance id is not a typo, only not collected.
        ("i-0123456789abcdef0", None, "Reservations"),
    ],
)
def test_an_interface_not_in_the_snapshot_ends_the_path_unknown_naming_what_to_collect(
    to: str, dropped: str | None, collection: str
) -> None:
    data = sample_data("healthy-endpoints")
    if dropped:
        del data[dropped]
    t = path(data, to)
    assert t.verdict == "unknown"
    last = t.hops[-1]
    assert (last.id, last.kind, last.status) == (to, HopKind.DESTINATION, "unknown")
    assert (
        t.reason
        == last.reason
        == (f"{to} or its subnet is not in the snapshot ({collection}, Subnets)")
    )


def test_an_interface_endpoint_with_no_eni_and_no_subnet_blocks_with_its_fix() -> None:
    data = sample_data("healthy-endpoints")
    ep = next(e for e in data["VpcEndpoints"] if e["VpcEndpointId"] == ECR_API)
    ep["NetworkInterfaceIds"] = []
    ep["SubnetIds"] = []
    t = path(data, "ecr.api")
    assert t.verdict == "blocked" and t.blocked_at is not None
    hop = t.blocked_at
    assert (hop.id, hop.kind, hop.code) == (ECR_API, HopKind.INTERFACE_ENDPOINT, "VPCE_NO_ENI")
    assert hop.reason == f"{ECR_API} has no network interface in any subnet"
    assert t.fix == hop.fix == f"add a subnet of each Availability Zone the tasks use to {ECR_API}"
