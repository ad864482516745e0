"""The NACL hops a path shows when a network ACL cannot be judged (Walk.acl_hop): which
resource each names, which way (outbound, inbound) and on which leg, so the user sees where
the doubt sits on the diagram and in the JSON."""

from __future__ import annotations

import pytest

from netgraph.check import check_path
from netgraph.flows import hypothetical_source
from netgraph.hop import HopKind

from .conftest import sample_data, snap
from .test_gateway_rules import ENI, SG_TASK, TASK_SUBNET, path

ACL = "acl-0c0c0c0c0c0c0c0c0"


def _unknown(hops: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
    return [(i, k, leg) for i, k, status, leg in hops if status == "unknown"]


def test_a_subnet_no_nacl_is_associated_with_is_unknown_both_ways_by_its_id() -> None:
    data = sample_data("healthy-endpoints")
    for acl in data["NetworkAcls"]:
        acl["Associations"] = [a for a in acl["Associations"] if a["SubnetId"] != TASK_SUBNET]
    t = path(data, ENI)
    assert t.verdict == "unknown"
    hops = [(h.id, h.kind, h.status, h.leg) for h in t.hops]
    assert _unknown(hops) == [
        (TASK_SUBNET, HopKind.NETWORK_ACL_OUTBOUND, "forward"),
        (TASK_SUBNET, HopKind.NETWORK_ACL_INBOUND, "return"),
    ]


def test_a_source_without_addresses_leaves_the_far_nacl_unknown_by_the_nacls_id() -> None:
    data = sample_data("healthy-endpoints")
    next(x for x in data["Subnets"] if x["SubnetId"] == TASK_SUBNET).pop("CidrBlock")
    t = path(data, ENI)
    assert t.verdict == "unknown"
    hops = [(h.id, h.kind, h.status, h.leg) for h in t.hops]
    assert [u for u in _unknown(hops) if u[0].startswith("acl-")] == [
        (ACL, HopKind.NETWORK_ACL_INBOUND, "forward"),
        (ACL, HopKind.NETWORK_ACL_OUTBOUND, "return"),
    ]


@pytest.mark.parametrize(
    ("low", "high", "status"),
    [(443, 443, "fail"), (1, 65535, "fail"), (0, 65534, "fail"), (0, 65535, "pass")],
)
def test_a_flow_of_every_port_is_judged_on_ports_0_to_65535(
    low: int, high: int, status: str
) -> None:
    # `path --protocol 6` with no port: a NACL that lets out only some ports (port 0 is one)
    # denies part of the flow; one that lets out 0-65535 lets all of it out.
    data = sample_data("healthy-endpoints")
    acl = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == ACL)
    rule = next(e for e in acl["Entries"] if e["Egress"] and e["RuleNumber"] == 100)
    rule.update(Protocol="6", PortRange={"From": low, "To": high})
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    t = check_path(s, source, ENI, protocol="6", port=None)
    out = next(h for h in t.hops if h.kind == HopKind.NETWORK_ACL_OUTBOUND and h.id == ACL)
    assert out.status == status
    if status == "fail":
        assert t.blocked_at == out
        assert out.reason == (
            f"the default rule (*) of {ACL} ({TASK_SUBNET}) denies outbound TCP to "
            "10.0.11.10/32 for part of the flow"
        )
    else:
        assert out.reason.startswith(f"outbound rule 100 of {ACL} ({TASK_SUBNET}) allows TCP")
