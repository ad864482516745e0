"""The walk's dispatch on what a destination is (graph.to_interface_endpoint, to_interface,
to_address, _beyond) and the solver's fold at a fork (reach._above): an ENI or an interface
endpoint, of this VPC or another, that a route sends to the internet; a name a private
hosted zone answers with an endpoint; a fork that is itself unknown. Each asserts what the
user reads: verdict, deciding hop, words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netgraph.check import check_path, check_source
from netgraph.flow_graph import FlowGraph
from netgraph.flows import Source, hypothetical_source
from netgraph.hop import Destination, Hop, HopKind
from netgraph.reach import Trace, trace

from .conftest import build, sample_data, snap
from .hosted_zone_fixtures import add_zone, load, one_vpc, phz

PUBLIC_SUBNET = build.SUBNETS["public-a"][0]
PRIVATE_SUBNET = build.SUBNETS["private-a"][0]
FAR_VPC = "vpc-0f4e00000000000001"
FAR_SUBNET = "subnet-0f4e000000000001"
OWN_SUBNET = "subnet-0f4e000000000002"  # 44.5.1.0/24, a second CIDR of build.VPC
CLOSED_SG = "sg-0f4e000000000001"
OWN_ENI = "eni-0f4e000000000002"
OWN_ENI_IP = "44.5.1.10"
ECR_API = "com.amazonaws.ap-northeast-1.ecr.api"
ECR_API_HOST = "api.ecr.ap-northeast-1.amazonaws.com"
PUBLIC_RANGE = {"CidrBlock": "44.5.0.0/16", "CidrBlockState": {"State": "associated"}}
OTHER_VPC_FIX = "reach it through a transit gateway or a VPC peering connection"


def own_vpc_fix(vpc: str) -> str:
    return (
        f"let the local route of {vpc} carry it (remove the more specific route that sends "
        "it to the internet)"
    )


def beyond_reason(what: str, vpc: str, fix: str) -> str:
    """graph._beyond's words: the internet does not carry a private address into a VPC."""
    return (
        f"{what} is in {vpc}, but the route leads to the internet, which does not carry its "
        f"private address into {vpc}, and its security groups and NACL are not met on this "
        f"way: {fix}"
    )


def decider(t: Trace) -> Hop:
    """The first hop of the deciding path that does not pass."""
    return next(h for h in t.hops if h.status != "pass")


def _endpoint(data: dict[str, Any], service: str) -> dict[str, Any]:
    return next(e for e in data["VpcEndpoints"] if e["ServiceName"].endswith(f".{service}"))


def _closed_group(data: dict[str, Any], vpc_id: str) -> None:
    data["SecurityGroups"].append(
        {
            "GroupId": CLOSED_SG,
            "GroupName": "closed",
            "VpcId": vpc_id,
            "OwnerId": build.ACCOUNT,
            "Description": "admits nothing",
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        }
    )


def _own_public_range(data: dict[str, Any]) -> None:
    """A second, publicly routable CIDR of build.VPC (44.5.0.0/16) with a subnet
    44.5.1.0/24 that the public route table sends to the internet gateway by a route more
    specific than local (AWS refuses one to an internet gateway; a hand-written snapshot or
    a plan may hold it)."""
    data["Vpcs"][0]["CidrBlockAssociationSet"].append(PUBLIC_RANGE)
    subnet = dict(data["Subnets"][0])
    subnet.update(SubnetId=OWN_SUBNET, CidrBlock="44.5.1.0/24")
    data["Subnets"].append(subnet)
    public = next(r for r in data["RouteTables"] if r["RouteTableId"] == build.RTB_PUBLIC)
    public["Routes"] += [
        build.route("44.5.0.0/16", "GatewayId", "local", "CreateRouteTable"),
        build.route("44.5.1.0/24", "GatewayId", build.IGW),
    ]


def _closed_endpoint_in_public_range(own: bool) -> dict[str, Any]:
    """hosted_zone_fixtures.one_vpc (a private zone per service answers with an alias to its
    endpoint), with the ecr.api endpoint and its ENIs moved into a publicly routable CIDR
    (AWS allows one) where a group admits nothing: another VPC, 44.5.0.0/16, connected by
    nothing; or (``own``) the source VPC's second CIDR of ``_own_public_range``."""
    data = one_vpc()
    if own:
        vpc_id, subnet_id, prefix = build.VPC, OWN_SUBNET, "44.5.1"
        _own_public_range(data)
    else:
        vpc_id, subnet_id, prefix = FAR_VPC, FAR_SUBNET, "44.5.0"
        vpc = dict(data["Vpcs"][0])
        vpc.update(VpcId=FAR_VPC, CidrBlock="44.5.0.0/16", CidrBlockAssociationSet=[PUBLIC_RANGE])
        data["Vpcs"].append(vpc)
        subnet = dict(data["Subnets"][0])
        subnet.update(SubnetId=FAR_SUBNET, VpcId=FAR_VPC, CidrBlock="44.5.0.0/24")
        data["Subnets"].append(subnet)
    _closed_group(data, vpc_id)
    closed = [{"GroupId": CLOSED_SG, "GroupName": "closed"}]
    ep = _endpoint(data, "ecr.api")
    ep.update(VpcId=vpc_id, SubnetIds=[subnet_id], Groups=closed)
    held = ep["NetworkInterfaceIds"]
    enis = [e for e in data["NetworkInterfaces"] if e["NetworkInterfaceId"] in held]
    for i, eni in enumerate(enis):
        ip = f"{prefix}.{10 + i}"
        eni.update(
            SubnetId=subnet_id,
            VpcId=vpc_id,
            PrivateIpAddress=ip,
            PrivateIpAddresses=[{"Primary": True, "PrivateIpAddress": ip}],
            Groups=closed,
        )
    return data


# ---- what a route sends to the internet is not reached (graph._beyond) --------------------


@pytest.mark.parametrize("own", [False, True], ids=["other-vpc", "own-vpc"])
def test_an_endpoint_that_a_zone_names_is_not_reached_over_the_internet(own: bool) -> None:
    # The public subnet's route sends the endpoint's (public-range) addresses to the
    # internet gateway; the internet does not carry them into the endpoint's VPC, and its
    # group (which admits nothing) is never met: not "reachable" (was, before the fix).
    s = load(_closed_endpoint_in_public_range(own))
    source = hypothetical_source(s, PUBLIC_SUBNET, (build.SG_TASK,), True)
    t = check_source(s, source, ["ecr.api"])[0]
    assert t.verdict == "unknown", t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (ECR_API, "aws-service", "unknown")
    assert build.IGW in [h.id for h in t.hops]
    vpc = build.VPC if own else FAR_VPC
    fix = own_vpc_fix(vpc) if own else OTHER_VPC_FIX
    assert t.reason == hop.reason == beyond_reason(ECR_API_HOST, vpc, fix)


@pytest.mark.parametrize("to", [OWN_ENI, OWN_ENI_IP])
def test_an_interface_of_the_own_vpc_is_not_reached_over_the_internet(to: str) -> None:
    # healthy-public, an ENI whose group admits nothing in _own_public_range's subnet: the
    # internet does not carry its private address back into the VPC, and its group is never
    # met: not "reachable" (was, before the fix); the fix is the local route, not a transit
    # gateway.
    data = sample_data("healthy-public")
    _own_public_range(data)
    _closed_group(data, build.VPC)
    eni = build.eni(OWN_ENI, "public-a", OWN_ENI_IP, [CLOSED_SG], "closed", "interface")
    eni.update(SubnetId=OWN_SUBNET)
    data["NetworkInterfaces"].append(eni)
    s = snap(data)
    source = hypothetical_source(s, PUBLIC_SUBNET, (build.SG_TASK,), True)
    t = check_path(s, source, to, protocol="6", port=443)
    assert t.verdict == "unknown", t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (OWN_ENI, "network-interface", "unknown")
    assert build.IGW in [h.id for h in t.hops]
    what = f"{OWN_ENI} ({OWN_ENI_IP})"
    assert t.reason == hop.reason == beyond_reason(what, build.VPC, own_vpc_fix(build.VPC))


# ---- a name a private hosted zone answers with an interface endpoint -----------------------


def test_a_name_a_zone_answers_with_an_endpoint_ends_at_the_endpoints_service() -> None:
    # `path --to api.corp.internal`: no AWS service's name, but the zone's alias leads to the
    # ecr.api endpoint, so the walk ends at that endpoint's service, worded by the name the
    # user gave (public.endpoint_terminal), never "on the internet": it never left the VPC.
    data = one_vpc()
    endpoint = _endpoint(data, "ecr.api")
    target = endpoint["DnsEntries"][0]["DnsName"]
    records = [*phz.apex("corp.internal"), phz.alias("api.corp.internal", target)]
    add_zone(data, "Z0CORP00000000000010", "corp.internal", [build.VPC], records)
    s = load(data)
    source = hypothetical_source(s, PRIVATE_SUBNET, (build.SG_TASK,), False)
    t = check_path(s, source, "api.corp.internal", protocol="6", port=443)
    assert (t.verdict, t.reason) == ("reachable", "every hop admits TCP 443 to api.corp.internal")
    assert "interface-endpoint" in [h.kind for h in t.hops]
    assert "internet" not in [h.kind for h in t.hops]
    service = endpoint["ServiceName"]
    last = t.hops[-1]
    assert (last.id, last.kind, last.status) == (service, "aws-service", "pass")
    assert last.reason == (
        f"api.corp.internal, served by {service} through {endpoint['VpcEndpointId']}"
    )


# ---- the solver at a fork that is itself unknown (reach._above) ---------------------------


def _solved(hops: list[Hop], children: list[list[int]]) -> Trace:
    """The solver on a flow graph written by hand (node i is hops[i], the root node 0)."""
    source = Source("hypothetical", "subnet-1", "subnet-1", ("sg-1",), False)
    destination = Destination("address", "10.0.0.9")
    flow = FlowGraph(hops, ["all"] * len(hops), children, 0, source, destination, "6", 443)
    return trace(flow, "10.0.0.9")


def _hop(hop_id: str, status: str = "pass") -> Hop:
    return Hop(hop_id, HopKind.NETWORK_ACL_OUTBOUND, status, f"reason of {hop_id}")  # type: ignore[arg-type]


@pytest.mark.parametrize("below", ["pass", "unknown"])
def test_a_fork_at_an_unknown_hop_is_unknown_there_whatever_its_branches(below: str) -> None:
    # A hop whose children are all taken (a destination two routes split) and that is
    # itself unknown: the verdict is unknown, decided by that hop (its reason), even when
    # every branch below is reachable; and it comes before any unknown hop below it.
    hops = [_hop("source"), _hop("fork", "unknown"), _hop("a", below), _hop("b", below)]
    t = _solved(hops, [[1], [2, 3], [], []])
    assert (t.verdict, t.blocked_at) == ("unknown", None)
    assert t.reason == "reason of fork"
    assert [h.id for h in t.hops] == ["source", "fork", "a"]


# ---- an endpoint's policy is asked in the snapshot's Region (Walk.endpoint_hop) ----------


def test_an_s3_endpoint_policy_naming_the_regions_layer_bucket_admits_the_layer_download() -> None:
    # A source with no task definition asks S3 for ECR's layer bucket of the snapshot's
    # Region (requirements.default_calls): a gateway endpoint policy that allows only that
    # bucket lets it through (asked in no Region, the bucket would be another, and denied).
    data = sample_data("healthy-endpoints")
    s3 = next(e for e in data["VpcEndpoints"] if e["ServiceName"].endswith(".s3"))
    layers = f"arn:aws:s3:::prod-{build.REGION}-starport-layer-bucket/*"
    statement = {
        "Sid": "EcrLayersOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": layers,
    }
    s3["PolicyDocument"] = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    s = snap(data)
    source = hypothetical_source(s, PRIVATE_SUBNET, (build.SG_TASK,), False)
    t = check_source(s, source, ["s3"])[0]
    assert (t.verdict, t.blocked_at) == ("reachable", None), t.reason
    endpoint = next(h for h in t.hops if h.kind == "gateway-endpoint")
    assert (endpoint.id, endpoint.status) == (s3["VpcEndpointId"], "pass")
    assert endpoint.reason.endswith(
        "its policy allows s3:GetObject by endpoint policy of "
        f"{s3['VpcEndpointId']} (Sid EcrLayersOnly)"
    )


# ---- the public side of a name (graph.to_public) ----------------------------------------


@pytest.mark.parametrize(
    ("to", "peer", "end"),
    [
        ("example.com", "example.com (public)", "example.com on the internet"),
        # The internet target is the internet, not "the internet on the internet".
        ("internet", "the internet (public)", "the internet"),
        # An AWS name is worded as the name asked, in DNS's own spelling (lower case, no
        # root dot), however it was typed.
        (
            "LOGS.ap-northeast-1.amazonaws.com.",
            "logs.ap-northeast-1.amazonaws.com (public)",
            "logs.ap-northeast-1.amazonaws.com",
        ),
        # Another account's registry is that account's, not the snapshot's own.
        (
            "999988887777.dkr.ecr.ap-northeast-1.amazonaws.com",
            "999988887777.dkr.ecr.ap-northeast-1.amazonaws.com (public)",
            "999988887777.dkr.ecr.ap-northeast-1.amazonaws.com",
        ),
    ],
)
def test_a_public_name_is_worded_by_the_name_or_its_services_host(
    to: str, peer: str, end: str
) -> None:
    s = snap(sample_data("healthy-nat"))
    source = hypothetical_source(s, PRIVATE_SUBNET, (build.SG_TASK,), False)
    t = check_path(s, source, to, protocol="6", port=443)
    named = "the internet" if to == "internet" else to
    assert (t.verdict, t.reason) == ("reachable", f"every hop admits TCP 443 to {named}")
    egress = next(h for h in t.hops if h.kind == "security-group-egress")
    assert egress.reason.startswith(f"egress of {build.SG_TASK} admits TCP 443 to {peer} (")
    assert t.hops[-1].reason == end


def test_a_group_admitting_part_of_the_public_space_leaves_a_public_service_unknown() -> None:
    # The public side of a service stands for addresses the snapshot cannot list
    # (approximate): a group that admits only part of the internet may or may not admit
    # the service's addresses, so the check is unknown at that group, not blocked.
    data = sample_data("healthy-nat")
    task = next(g for g in data["SecurityGroups"] if g["GroupId"] == build.SG_TASK)
    task["IpPermissionsEgress"] = [build.sg_rule("tcp", 443, 443, ("52.0.0.0/8",))]
    s = snap(data)
    source = hypothetical_source(s, PRIVATE_SUBNET, (build.SG_TASK,), False)
    t = check_source(s, source, ["logs"])[0]
    assert (t.verdict, t.blocked_at) == ("unknown", None), t.reason
    hop = decider(t)
    assert (hop.id, hop.kind) == (build.SG_TASK, "security-group-egress")
    assert t.reason == hop.reason
    assert "admits TCP 443 to logs.ap-northeast-1.amazonaws.com (public) only for " in hop.reason
    assert hop.reason.endswith("whether its addresses fall there is not known")
