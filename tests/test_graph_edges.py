"""The walk's dispatch on what a destination is (graph.to_interface_endpoint, to_interface,
to_address, _beyond) and the solver's fold at a fork (reach._above): an interface endpoint
of another VPC that a route sends to the internet, a name a private hosted zone answers
with an endpoint, a fork that is itself unknown. Each asserts what the user reads."""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.check import check_path, check_source
from netgraph.flows import hypothetical_source
from netgraph.hop import Hop
from netgraph.reach import Trace

from .conftest import build, sample_data, snap
from .hosted_zone_fixtures import load, one_vpc

PUBLIC_SUBNET = build.SUBNETS["public-a"][0]
PRIVATE_SUBNET = build.SUBNETS["private-a"][0]
FAR_VPC = "vpc-0f4e00000000000001"
FAR_SUBNET = "subnet-0f4e000000000001"
FAR_SG = "sg-0f4e000000000001"
ECR_API = "com.amazonaws.ap-northeast-1.ecr.api"
ECR_API_HOST = "api.ecr.ap-northeast-1.amazonaws.com"


def decider(t: Trace) -> Hop:
    """The first hop of the deciding path that does not pass."""
    return next(h for h in t.hops if h.status != "pass")


def _endpoint(data: dict[str, Any], service: str) -> dict[str, Any]:
    return next(e for e in data["VpcEndpoints"] if e["ServiceName"].endswith(f".{service}"))


def _endpoint_in_far_public_range_vpc() -> dict[str, Any]:
    """hosted_zone_fixtures.one_vpc (a private zone per service answers with an alias to the
    VPC's endpoint), with the ecr.api endpoint and its ENIs moved into another VPC, connected
    by nothing, whose CIDR is publicly routable (44.5.0.0/16, AWS allows it); the endpoint's
    group there admits nothing."""
    data = one_vpc()
    vpc = dict(data["Vpcs"][0])
    vpc.update(
        VpcId=FAR_VPC,
        CidrBlock="44.5.0.0/16",
        CidrBlockAssociationSet=[
            {"CidrBlock": "44.5.0.0/16", "CidrBlockState": {"State": "associated"}}
        ],
    )
    data["Vpcs"].append(vpc)
    subnet = dict(data["Subnets"][0])
    subnet.update(SubnetId=FAR_SUBNET, VpcId=FAR_VPC, CidrBlock="44.5.0.0/24")
    data["Subnets"].append(subnet)
    data["SecurityGroups"].append(
        {
            "GroupId": FAR_SG,
            "GroupName": "closed",
            "VpcId": FAR_VPC,
            "OwnerId": build.ACCOUNT,
            "Description": "admits nothing",
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        }
    )
    closed = [{"GroupId": FAR_SG, "GroupName": "closed"}]
    ep = _endpoint(data, "ecr.api")
    ep.update(VpcId=FAR_VPC, SubnetIds=[FAR_SUBNET], Groups=closed)
    held = ep["NetworkInterfaceIds"]
    enis = [e for e in data["NetworkInterfaces"] if e["NetworkInterfaceId"] in held]
    for i, eni in enumerate(enis):
        ip = f"44.5.0.{10 + i}"
        eni.update(
            SubnetId=FAR_SUBNET,
            VpcId=FAR_VPC,
            PrivateIpAddress=ip,
            PrivateIpAddresses=[{"Primary": True, "PrivateIpAddress": ip}],
            Groups=closed,
        )
    return data


# ---- an interface endpoint of another VPC is not reached over the internet ---------------


def test_an_endpoint_of_another_vpc_that_a_zone_names_is_not_reached_over_the_internet() -> None:
    # The public subnet's route 0.0.0.0/0 sends the endpoint's (public-range) addresses to
    # the internet gateway; the internet does not carry them into the endpoint's VPC, and
    # its group (which admits nothing) is never met: not "reachable" (was, before the fix).
    s = load(_endpoint_in_far_public_range_vpc())
    source = hypothetical_source(s, PUBLIC_SUBNET, (build.SG_TASK,), True)
    t = check_source(s, source, ["ecr.api"])[0]
    assert t.verdict == "unknown", t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (ECR_API, "aws-service", "unknown")
    assert build.IGW in [h.id for h in t.hops]
    assert (
        t.reason
        == hop.reason
        == (
            f"{ECR_API_HOST} is in {FAR_VPC}, but the route leads to the internet, which does not "
            f"carry its private address into {FAR_VPC}, and its security groups and NACL are not "
            "met on this way: reach it through a transit gateway or a VPC peering connection"
        )
    )


# ---- an interface of the source's own VPC that a route sends to the internet --------------

OWN_SUBNET = "subnet-0f4e000000000002"
OWN_ENI = "eni-0f4e000000000002"
OWN_ENI_IP = "44.5.1.10"


def _own_eni_behind_an_internet_route() -> dict[str, Any]:
    """healthy-public with a second, publicly routable CIDR (44.5.0.0/16) and an ENI there
    whose group admits nothing; the public route table sends that ENI's subnet to the
    internet gateway by a route more specific than local (AWS refuses one to an internet
    gateway; a hand-written snapshot or a plan may hold it)."""
    data = sample_data("healthy-public")
    data["Vpcs"][0]["CidrBlockAssociationSet"].append(
        {"CidrBlock": "44.5.0.0/16", "CidrBlockState": {"State": "associated"}}
    )
    subnet = dict(data["Subnets"][0])
    subnet.update(SubnetId=OWN_SUBNET, CidrBlock="44.5.1.0/24")
    data["Subnets"].append(subnet)
    data["SecurityGroups"].append(
        {
            "GroupId": FAR_SG,
            "GroupName": "closed",
            "VpcId": build.VPC,
            "OwnerId": build.ACCOUNT,
            "Description": "admits nothing",
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        }
    )
    eni = build.eni(OWN_ENI, "public-a", OWN_ENI_IP, [FAR_SG], "closed", "interface")
    eni.update(SubnetId=OWN_SUBNET)
    data["NetworkInterfaces"].append(eni)
    public = next(r for r in data["RouteTables"] if r["RouteTableId"] == build.RTB_PUBLIC)
    public["Routes"] += [
        build.route("44.5.0.0/16", "GatewayId", "local", "CreateRouteTable"),
        build.route("44.5.1.0/24", "GatewayId", build.IGW),
    ]
    return data


@pytest.mark.parametrize("to", [OWN_ENI, OWN_ENI_IP])
def test_an_interface_of_the_own_vpc_is_not_reached_over_the_internet(to: str) -> None:
    # The internet does not carry the ENI's private address back into the VPC, and its
    # group (which admits nothing) is never met: not "reachable" (was, before the fix), and
    # the fix is the local route, not a transit gateway.
    s = snap(_own_eni_behind_an_internet_route())
    source = hypothetical_source(s, PUBLIC_SUBNET, (build.SG_TASK,), True)
    t = check_path(s, source, to, protocol="6", port=443)
    assert t.verdict == "unknown", t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (OWN_ENI, "network-interface", "unknown")
    assert build.IGW in [h.id for h in t.hops]
    vpc = build.VPC
    assert (
        t.reason
        == hop.reason
        == (
            f"{OWN_ENI} ({OWN_ENI_IP}) is in {vpc}, but the route leads to the internet, which "
            f"does not carry its private address into {vpc}, and its security groups and NACL "
            f"are not met on this way: let the local route of {vpc} carry it (remove the more "
            "specific route that sends it to the internet)"
        )
    )
