"""An EC2 instance always has at least one security group (AWS does not launch one
without). An instance whose SecurityGroups are absent, null or empty in the snapshot is
one whose groups were not read: its checks are unknown, never "no security group on this
interface", as a destination and as a source (rule 1: absent data is never reachable)."""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.check import check_path
from netgraph.flows import hypothetical_source, instance_source
from netgraph.hop import HopKind

from .conftest import sample_data, snap
from .test_gateway_rules import ENI, SG_TASK, TASK_SUBNET

INSTANCE = "i-0dst"
UNREAD = f"the security groups of {INSTANCE} (SecurityGroups) are not in the snapshot"


def _with_instance(groups: object) -> dict[str, Any]:
    data = sample_data("healthy-endpoints")
    instance: dict[str, Any] = {
        "InstanceId": INSTANCE,
        "State": {"Name": "running"},
        "SubnetId": "subnet-0a11c0ffee0000011",
        "VpcId": data["Vpcs"][0]["VpcId"],
        "PrivateIpAddress": "10.0.11.99",
    }
    if groups != "absent":
        instance["SecurityGroups"] = groups
    data["Reservations"] = [{"ReservationId": "r-0dst", "Instances": [instance]}]
    return data


@pytest.mark.parametrize("groups", ["absent", None, []], ids=["absent", "null", "empty"])
def test_an_instance_without_its_groups_is_an_unknown_destination(groups: object) -> None:
    s = snap(_with_instance(groups))
    t = check_path(
        s, hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False), INSTANCE, protocol="6", port=443
    )
    assert (t.verdict, t.reason) == ("unknown", UNREAD)
    hop = next(h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_INGRESS)
    assert (hop.id, hop.status) == (INSTANCE, "unknown")


@pytest.mark.parametrize("groups", ["absent", None, []], ids=["absent", "null", "empty"])
def test_an_instance_without_its_groups_is_an_unknown_source(groups: object) -> None:
    s = snap(_with_instance(groups))
    t = check_path(s, instance_source(s, INSTANCE), ENI, protocol="6", port=443)
    assert (t.verdict, t.reason) == ("unknown", UNREAD)
    hop = next(h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_EGRESS)
    assert hop.status == "unknown"


def test_an_instance_with_its_group_is_judged_by_it() -> None:
    s = snap(_with_instance([{"GroupId": "sg-0e0e0e0e0e0e0e0e2", "GroupName": "endpoints"}]))
    t = check_path(
        s, hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False), INSTANCE, protocol="6", port=443
    )
    assert t.verdict == "reachable"
    hop = next(h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_INGRESS)
    assert (hop.id, hop.status) == ("sg-0e0e0e0e0e0e0e0e2", "pass")
