"""The solver on forked paths: an interface endpoint with one ENI per AZ forks the path, and
the task may land on either ENI, so the worst branch decides, and `blocked` outranks
`unknown`. Each test names the mutant it kills (docs/mutants.md)."""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.check import check_source
from netgraph.flow_graph import FlowGraph
from netgraph.flows import Source, hypothetical_source
from netgraph.hop import Destination, Hop, HopKind
from netgraph.reach import Trace, trace

from .conftest import build, sample_data, snap

ENDPOINTS_A = build.SUBNETS["endpoints-a"][0]
ENDPOINTS_C = build.SUBNETS["endpoints-c"][0]
ACL_DENY_443 = "acl-0c0c0c0c0c0c0cd43"


def check(data: dict[str, Any], target: str = "ecr.api") -> Trace:
    s = snap(data)
    source = hypothetical_source(s, build.SUBNETS["private-a"][0], (build.SG_TASK,), False)
    return check_source(s, source, [target])[0]


def unassociate(data: dict[str, Any], subnet: str) -> None:
    default = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == build.ACL_DEFAULT)
    default["Associations"] = [a for a in default["Associations"] if a["SubnetId"] != subnet]


def deny_443_in(data: dict[str, Any], subnet: str) -> None:
    """``subnet`` gets a NACL that admits everything but TCP 443 inbound."""
    unassociate(data, subnet)
    data["NetworkAcls"].append(
        {
            "NetworkAclId": ACL_DENY_443,
            "VpcId": build.VPC,
            "IsDefault": False,
            "Associations": [{"NetworkAclId": ACL_DENY_443, "SubnetId": subnet}],
            "Entries": [
                build.acl_entry(100, True, "-1", "allow", "0.0.0.0/0"),
                build.acl_entry(90, False, "6", "deny", "0.0.0.0/0", (443, 443)),
                build.acl_entry(100, False, "-1", "allow", "0.0.0.0/0"),
            ],
        }
    )


def test_one_blocked_endpoint_eni_blocks_the_target_whichever_branch_comes_first() -> None:
    # Kills: the solver taking the best branch (min instead of max) where all are taken.
    for subnet in (ENDPOINTS_A, ENDPOINTS_C):
        data = sample_data("healthy-endpoints")
        deny_443_in(data, subnet)
        t = check(data)
        assert t.verdict == "blocked", subnet
        assert t.blocked_at is not None
        assert (t.blocked_at.id, t.blocked_at.kind) == (ACL_DENY_443, "network-acl-inbound")


def test_blocked_outranks_unknown_between_branches() -> None:
    # Kills: `unknown` ranked above `blocked` in the solver. One ENI's subnet has no NACL
    # the snapshot can name (unknown), the other's NACL drops 443 (blocked).
    data = sample_data("healthy-endpoints")
    default = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == build.ACL_DEFAULT)
    default["IsDefault"] = False
    unassociate(data, ENDPOINTS_A)
    deny_443_in(data, ENDPOINTS_C)
    t = check(data)
    assert t.verdict == "blocked"
    assert t.blocked_at is not None and t.blocked_at.id == ACL_DENY_443
    # and with the blocked branch healed, the unknown one decides: unknown, not reachable
    data["NetworkAcls"][-1]["Entries"].pop(1)
    healed = check(data)
    assert healed.verdict == "unknown" and healed.blocked_at is None
    assert ENDPOINTS_A in healed.reason


def split_s3_at_unknown_nacl(state: str) -> Trace:
    """healthy-nat, the task subnet's NACL unknown (no association, no default NACL), and a
    second route for part of S3: the path forks at that unknown hop, one branch per route."""
    data = sample_data("healthy-nat")
    default = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == build.ACL_DEFAULT)
    default["IsDefault"] = False
    unassociate(data, build.SUBNETS["private-a"][0])
    private = next(r for r in data["RouteTables"] if r["RouteTableId"] == build.RTB_PRIVATE)
    private["Routes"].append(
        {**build.route("52.219.0.0/20", "NatGatewayId", build.NAT), "State": state}
    )
    return check(data, "s3")


def test_a_blocked_branch_below_an_unknown_fork_is_blocked() -> None:
    # Kills: _above not seeing a blocked worst child (reach _above mutants 2, 3).
    t = split_s3_at_unknown_nacl("blackhole")
    assert t.verdict == "blocked"
    assert t.blocked_at is not None and t.blocked_at.id == build.RTB_PRIVATE


def test_an_unknown_fork_over_reachable_branches_is_unknown_there() -> None:
    # Kills: _above's unknown result at a fork made wrong (reach _above 15-22). 13-14 (the
    # fork's own unknown ignored) are equivalent here: the same NACL is unknown again on the
    # return leg, with the same reason (docs/mutants.md).
    t = split_s3_at_unknown_nacl("active")
    assert (t.verdict, t.blocked_at) == ("unknown", None)
    assert t.reason.startswith("no network ACL in the snapshot is associated with")
    unknown = [h for h in t.hops if h.status == "unknown"]
    assert unknown[0].kind == "network-acl-outbound"


def test_dns_doubt_names_every_outcome_and_follows_the_resolving_one() -> None:
    # Kills: _branch's doubt (one of several DNS answers): the outcomes written, the path
    # shown is the one that resolves, and two different verdicts are enough to doubt
    # (reach _branch mutants 11, 16, 22, 25-39).
    data = sample_data("healthy-endpoints")
    data["VpcAttributes"] = [a for a in data["VpcAttributes"] if "EnableDnsSupport" not in a]
    t = check(data)
    assert (t.verdict, t.blocked_at) == ("unknown", None)
    vpc, api = build.VPC, build.ENDPOINTS["ecr.api"][0]
    assert t.reason.endswith(
        f"Outcomes: blocked at {vpc} if it does not resolve; "
        f"reachable if it resolves to the ENIs of {api}"
    )
    assert [h.status for h in t.hops][:3] == ["pass", "unknown", "pass"]
    assert (t.hops[2].id, t.hops[2].kind) == (api, "dns")
    assert "fail" not in {h.status for h in t.hops}
    assert t.hops[-1].kind == "aws-service"


def test_a_reachable_flow_of_any_protocol_is_worded_with_its_name_and_no_port() -> None:
    """Kills reach._flow mutants 4-6 (a protocol without a name crashed) and 9 (a port
    written for a protocol that has none)."""
    from netgraph.check import check_path
    from netgraph.flows import hypothetical_source

    from .conftest import build, sample_data, snap

    data = sample_data("healthy-endpoints")
    endpoints_sg = next(g for g in data["SecurityGroups"] if g["GroupId"] == "sg-0e0e0e0e0e0e0e0e2")
    endpoints_sg["IpPermissions"].append(
        {
            "IpProtocol": "-1",
            "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    )
    s = snap(data)
    src = hypothetical_source(s, build.SUBNETS["private-a"][0], (build.SG_TASK,), False)
    gre = check_path(s, src, "10.0.11.10", protocol="47", port=None)
    assert (gre.verdict, gre.reason) == ("reachable", "every hop admits 47 to 10.0.11.10")
    icmp = check_path(s, src, "10.0.11.10", protocol="1", port=7)
    assert (icmp.verdict, icmp.reason) == ("reachable", "every hop admits ICMP to 10.0.11.10")
    # Kills _flow 14 (UDP's port dropped).
    udp = check_path(s, src, "10.0.11.10", protocol="17", port=53)
    assert (udp.verdict, udp.reason) == ("reachable", "every hop admits UDP 53 to 10.0.11.10")


@pytest.mark.parametrize("status", ["XXpassXX", "PASS", "ok", "", "blocked", "reachable"])
def test_a_hop_with_a_status_the_solver_does_not_know_is_refused(status: str) -> None:
    """The solver takes any status but "fail" and "unknown" as a pass: a misspelt status
    (a typo in a rule, a mutant) must not make a path pass, so it is refused when made."""
    with pytest.raises(ValueError, match="is not pass, fail or unknown"):
        Hop("acl-1", HopKind.NETWORK_ACL_INBOUND, status, "r")  # type: ignore[arg-type]


def test_a_hop_with_a_leg_that_is_neither_way_is_refused() -> None:
    with pytest.raises(ValueError, match="is not forward or return"):
        Hop("acl-1", HopKind.NETWORK_ACL_INBOUND, "pass", "r", leg="back")  # type: ignore[arg-type]


def _solved(hops: list[Hop], combine: list[str], children: list[list[int]]) -> Trace:
    """The solver on a flow graph written by hand (node i is hops[i], the root node 0)."""
    source = Source("hypothetical", "subnet-1", "subnet-1", ("sg-1",), False)
    flow = FlowGraph(
        hops, combine, children, 0, source, Destination("address", "10.0.0.9"), "6", 443
    )
    return trace(flow, "10.0.0.9")


def _hop(hop_id: str, status: str = "pass", **fields: Any) -> Hop:
    return Hop(hop_id, HopKind.NETWORK_ACL_INBOUND, status, f"reason of {hop_id}", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("partial_at", [None, 1, 2])
def test_a_check_is_partial_exactly_when_a_hop_of_its_path_admitted_part(
    partial_at: int | None,
) -> None:
    """The scan re-checks single ENIs of a subnet only for a partial answer (reach.trace's
    `partial`, once dropped to None by a mutant)."""
    hops = [_hop(f"h{i}", partial=i == partial_at) for i in range(3)]
    t = _solved(hops, ["all"] * 3, [[1], [2], []])
    assert t.verdict == "reachable"
    assert t.partial is (partial_at is not None)


def test_an_undecided_fork_words_each_outcome_by_its_own_first_hop() -> None:
    """A DNS fork whose answers disagree: each outcome is worded by the first hop of its
    branch (its summary, else its reason), not by a later hop of that branch."""
    hops = [
        _hop("fork"),
        _hop("a1"),  # no summary: worded by its reason
        _hop("a2", "fail", code="X"),
        _hop("b1", summary="the second answer"),
        _hop("b2"),
    ]
    t = _solved(hops, ["any", "all", "all", "all", "all"], [[1, 3], [2], [], [4], []])
    assert t.verdict == "unknown"
    assert t.reason == (
        "reason of fork. Outcomes: blocked at a2 if reason of a1; reachable if the second answer"
    )


def test_an_undecided_fork_names_alike_outcomes_once() -> None:
    """Two answers worded alike (a VPC's endpoints not collected and custom DNS servers: both
    "not answered, or answered otherwise") are one outcome to the reader, not a repeat."""
    hops = [
        _hop("fork"),
        _hop("a1", "fail", code="X"),
        _hop("b1", "unknown", summary="nobody can say"),
        _hop("c1", "unknown", summary="nobody can say"),
    ]
    t = _solved(hops, ["any", "all", "all", "all"], [[1, 2, 3], [], [], []])
    assert t.verdict == "unknown"
    assert (
        t.reason
        == "reason of fork. Outcomes: blocked at a1 if reason of a1; unknown if nobody can say"
    )


@pytest.mark.parametrize("leg", ["forward", "return"])
def test_an_undecided_fork_keeps_its_leg(leg: str) -> None:
    """The doubt hop made of an undecided fork is on the fork's leg (a fork on the reply's
    way is drawn and listed as return traffic)."""
    hops = [_hop("fork", leg=leg), _hop("a", "fail", code="X"), _hop("b")]
    t = _solved(hops, ["any", "all", "all"], [[1, 2], [], []])
    assert t.verdict == "unknown"
    assert t.hops[0].id == "fork" and t.hops[0].leg == leg
