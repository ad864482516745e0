"""The reply's way back across a transit gateway or a peering (walk_across._way_back and
its parts): each test changes one thing of a sample on the way back and asserts the
verdict and the hop that decides it."""

from __future__ import annotations

import copy
import ipaddress
import itertools
import json
from typing import Any

import pytest

from netgraph.check import check_path
from netgraph.evaluate import dns
from netgraph.flows import hypothetical_source
from netgraph.model import TCP, ResourceRecordSet, Snapshot
from netgraph.reach import Trace

from .conftest import build, snap
from .rule_snapshots import VPC, endpoint
from .test_dns_rules import EP, EP_NAME, REGION, logs_endpoint, only, resolve, vpc, world, zone
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


@pytest.mark.parametrize(
    ("blackholed", "routed"),
    [(1, None), (0, None), (None, 0)],
    ids=["upper-half-blackholed", "lower-half-blackholed", "subnet-blackholed-but-lower-half"],
)
def test_a_reply_blackholed_for_part_of_the_source_subnet_is_blocked_there(
    blackholed: int | None, routed: int | None
) -> None:
    """The transit gateway lists the most specific route first: the blackholed part decides
    wherever it comes in that order."""
    data = egress()
    cidr = _subnet_cidr(data, SPOKE_A)
    routes = _tgw_routes(data, build.TGW_RTB_HUB)
    if blackholed is None:
        routes.append(_tgw_route(cidr, blackhole=True))
    else:
        routes.append(_tgw_route(_halves(cidr)[blackholed], blackhole=True))
    if routed is not None:
        routes.append(_tgw_route(_halves(cidr)[routed]))
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


HUB_PUBLIC_A = "subnet-0e9e5500000001a"  # the NAT gateway's subnet: it sends the reply
HUB_PUBLIC_RTB = "rtb-0e9e55000000000022"
HUB_MAIN_RTB = "rtb-0e9e55000000000020"


def _table(data: dict[str, Any], rtb: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in data["RouteTables"] if t["RouteTableId"] == rtb)
    return found


def test_a_replying_subnet_with_no_route_table_is_unknown_at_that_subnet_on_the_return() -> None:
    data = egress()
    for rtb in (HUB_PUBLIC_RTB, HUB_MAIN_RTB):
        t = _table(data, rtb)
        t["Associations"] = [a for a in t["Associations"] if a.get("SubnetId") != HUB_PUBLIC_A]
        t["Associations"] = [a for a in t["Associations"] if not a.get("Main")]
    trace = to_nat(data)
    assert trace.verdict == "unknown"
    hop = next(h for h in trace.hops if h.status != "pass")
    assert (hop.id, hop.kind, hop.status, hop.leg) == (
        HUB_PUBLIC_A,
        "route-table",
        "unknown",
        "return",
    )
    assert hop.reason
    assert hop.reason in trace.reason


def test_a_replying_subnet_routes_the_source_back_by_a_prefix_list_it_knows() -> None:
    data = egress()
    for r in _table(data, HUB_PUBLIC_RTB)["Routes"]:
        if r.get("DestinationCidrBlock") == "10.0.0.0/8":
            del r["DestinationCidrBlock"]
            r["DestinationPrefixListId"] = "pl-0bbb"
    data.setdefault("PrefixLists", []).append(
        {"PrefixListId": "pl-0bbb", "PrefixListName": "spokes", "Cidrs": [build.SPOKE_CIDR]}
    )
    trace = to_nat(data)
    assert trace.verdict == "reachable", trace.reason


def test_the_transit_gateway_routes_the_reply_by_a_prefix_list_it_knows() -> None:
    data = egress()
    for r in _tgw_routes(data, build.TGW_RTB_HUB):
        if r.get("DestinationCidrBlock") == build.SPOKE_CIDR:
            del r["DestinationCidrBlock"]
            r["PrefixListId"] = "pl-0ccc"
    data.setdefault("PrefixLists", []).append(
        {"PrefixListId": "pl-0ccc", "PrefixListName": "spokes", "Cidrs": [build.SPOKE_CIDR]}
    )
    trace = to_nat(data)
    assert trace.verdict == "reachable", trace.reason


SPOKE_ACL = f"acl-{build.SPOKE[4:]}0"


def _over_peering(data: dict[str, Any]) -> Trace:
    s = snap(data)
    source = hypothetical_source(s, SPOKE_A, (build.SG_SPOKE_TASK,), public_ip=False)
    return check_path(s, source, NAT_ENI_IP, protocol=TCP, port=443)


def test_over_a_peering_the_source_subnets_inbound_rules_must_admit_the_reply_ports() -> None:
    """The request's port (443) is allowed in, the reply's ephemeral ports are not: the
    reply is dropped by the source subnet's inbound rules, on the way back."""
    data = copy.deepcopy(build.broken_peering_edge_to_edge())
    acl = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == SPOKE_ACL)
    acl["Entries"] = [e for e in acl["Entries"] if e["Egress"]] + [
        build.acl_entry(100, False, "6", "allow", "0.0.0.0/0", (443, 443)),
        build.acl_entry(32767, False, "-1", "deny", "0.0.0.0/0"),
    ]
    trace = _over_peering(data)
    assert trace.verdict == "blocked", trace.reason
    assert trace.blocked_at is not None
    h = trace.blocked_at
    assert (h.id, h.kind, h.status, h.leg) == (SPOKE_ACL, "network-acl-inbound", "fail", "return")


def _spoke_vpc_cidr(data: dict[str, Any], cidr: str) -> None:
    vpc = next(v for v in data["Vpcs"] if v["VpcId"] == build.SPOKE)
    vpc["CidrBlock"] = cidr
    vpc["CidrBlockAssociationSet"] = [
        {"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}
    ]


@pytest.mark.parametrize(
    ("vpc_cidr", "routed_back"),
    [
        (None, build.SPOKE_CIDR),
        # The source's subnet is outside every CIDR the snapshot lists for its VPC: the fix
        # routes back the source's own addresses.
        ("10.2.0.0/16", "10.1.1.0/24"),
    ],
    ids=["whole-source-vpc", "source-subnet-outside-listed-vpc-cidrs"],
)
def test_a_replier_without_a_route_back_is_blamed_with_the_route_to_add(
    vpc_cidr: str | None, routed_back: str
) -> None:
    data = egress()
    for r in _table(data, HUB_PUBLIC_RTB)["Routes"]:
        if r.get("DestinationCidrBlock") == "10.0.0.0/8":
            r["DestinationCidrBlock"] = "10.3.0.0/16"
    if vpc_cidr is not None:
        _spoke_vpc_cidr(data, vpc_cidr)
    trace = to_nat(data)
    assert trace.verdict == "blocked"
    assert _last(trace) == (HUB_PUBLIC_RTB, "fail", "return")
    assert trace.fix is not None
    assert f"--destination-cidr-block {routed_back} --transit-gateway-id" in trace.fix


_FRESH = itertools.count()


def test_a_transit_gateway_route_table_met_for_the_first_time_routes_the_reply() -> None:
    """The shaped copy of each transit gateway route table is kept across snapshots: a
    table id never met before (each run of this test makes a new one) must be shaped, not
    read from that store."""
    new_id = f"tgw-rtb-0f{next(_FRESH):015x}"
    data = json.loads(json.dumps(egress()).replace(build.TGW_RTB_HUB, new_id))
    trace = to_nat(data)
    assert trace.verdict == "reachable", trace.reason
    assert (new_id, "return") in [(h.id, h.leg) for h in trace.hops]


# ---- the domain the VPC's own endpoint private DNS claims (evaluate/dns._local_domain) --------
# (Here, not in a DNS file, because this file is the one this triage owns.)


@pytest.mark.parametrize(
    ("target", "collected", "inbound_only", "outcome"),
    [
        # Endpoints not collected: the VPC may have one with private DNS, claiming its domain.
        ("logs", False, False, "unknown"),
        ("logs", True, False, "unknown"),
        # "only for the inbound Resolver endpoint" exempts S3's private DNS only.
        ("logs", True, True, "unknown"),
        ("s3", True, False, "unknown"),
        ("s3", True, True, "fail"),
    ],
)
def test_a_zone_of_the_endpoint_domain_conflicts_only_with_a_private_dns_the_vpc_answers(
    target: str, collected: bool, inbound_only: bool, outcome: str
) -> None:
    service = dns.AWS_SERVICES[target]
    domain = dns.endpoint_domain(service, REGION)
    own = endpoint(
        "vpce-0own",
        service_name=service.service_name(REGION),
        dns_names=(),
        private_dns_only_for_inbound_resolver=inbound_only,
    )
    s = world(
        vpc_endpoints={"vpce-0own": own} if collected else None,
        hosted_zones={"Z0SAME": zone("Z0SAME", domain, records=())},
    )
    r = only(resolve(s, target))
    assert r.outcome == outcome
    conflict = f"interface endpoint in {VPC} claim {domain}; AWS refuses the second"
    assert (conflict in r.reason) == (outcome == "unknown"), r.reason


# ---- a zone of the root ("" once read) among the VPC's zones (evaluate/hosted_zones.answer) ---

_DB = "db.corp"


def _ask(s: Snapshot) -> dns.Resolution:
    return only(dns.resolve(s, vpc(), None, _DB))


def test_a_one_label_zone_holding_the_name_beats_a_root_zone_listed_first() -> None:
    record = ResourceRecordSet(_DB, "A", True, EP_NAME, None)
    s = world(
        vpc_endpoints={EP: logs_endpoint()},
        hosted_zones={
            "Z0ROOT": zone("Z0ROOT", "", records=()),
            "Z0CORP": zone("Z0CORP", "corp", records=(record,)),
        },
    )
    r = _ask(s)
    assert (r.outcome, r.endpoint) == ("endpoint", logs_endpoint())
    assert "Z0CORP" in r.reason


def test_a_root_zone_that_may_be_associated_keeps_a_certain_root_zones_answer_unknown() -> None:
    s = world(
        hosted_zones={
            "Z0ROOT": zone("Z0ROOT", "", records=()),
            "Z0MAYBE": zone("Z0MAYBE", "", vpcs=None, records=()),
        },
    )
    r = _ask(s)
    assert r.outcome == "unknown"
    assert r.reason.startswith(f"{_DB}: the private hosted zone Z0MAYBE () may answer it")


def test_a_source_subnet_without_its_cidr_leaves_the_transit_gateway_reply_unknown() -> None:
    data = egress()
    subnet = next(s for s in data["Subnets"] if s["SubnetId"] == SPOKE_A)
    del subnet["CidrBlock"]
    trace = to_nat(data)
    assert trace.verdict == "unknown"
    label = f"{SPOKE_A} (its CidrBlock is not in the snapshot)"
    # The reply's hop, on the return leg (the text report marks it "(return)").
    assert (
        build.TGW_RTB_HUB,
        "transit-gateway-route-table",
        "unknown",
        f"{label}: no address",
        "return",
    ) in [(h.id, h.kind, h.status, h.reason, h.leg) for h in trace.hops]
