"""Edges of the VPC endpoint rules (evaluate/endpoints.py) and of the public side
(evaluate/public.py): what the endpoint policy says of each request and as whom, the
per-account collection of VpcEndpoints, the ENIs an interface endpoint stands for, and the
fix of a path to the internet. Rules are called directly on small model objects; the
security-group and public-space cases go through the walk on a changed sample."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netgraph.check import check_path, check_source
from netgraph.evaluate import dns
from netgraph.evaluate.addresses import public_ipv4
from netgraph.evaluate.endpoints import (
    endpoint_sides,
    endpoint_verdict,
    gateway_endpoint,
    policy_verdict,
)
from netgraph.evaluate.public import s3_peer
from netgraph.flows import hypothetical_source, service_sources
from netgraph.hop import Destination, Hop, HopKind
from netgraph.model import Route, Subnet
from netgraph.reach import Trace
from netgraph.requirements import ApiCall
from netgraph.sources.policies import parse_policy
from tests.rule_snapshots import endpoint, route, snapshot, subnet, table

from .conftest import build, sample_data, snap

REGION = "ap-northeast-1"
ROLE = "arn:aws:iam::111122223333:role/exec"
KIND = HopKind.INTERFACE_ENDPOINT
ECR_API = Destination("service", "api.ecr", service=dns.AWS_SERVICES["ecr.api"], role_arn=ROLE)
ECR_DKR = Destination("service", "dkr.ecr", service=dns.AWS_SERVICES["ecr.dkr"], role_arn=ROLE)
S3 = Destination("service", "s3", service=dns.AWS_SERVICES["s3"], role_arn=ROLE)
AVAILABLE = "vpce-1 (com.amazonaws.ap-northeast-1.ecr.api) is available"
LABEL = "vpce-1 policy (statement #0)"
LAYERS = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*"


def _policy(*statements: dict[str, Any]) -> Any:
    return parse_policy("vpce-1 policy", {"Statement": list(statements)})


def _allow(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": "*", "Action": action, "Resource": resource, **extra}


def _verdict(dest: Destination, *statements: dict[str, Any]) -> Hop:
    return policy_verdict(endpoint(policy=_policy(*statements)), KIND, dest, REGION)


def _hop(hop: Hop) -> tuple[str, HopKind, str, str]:
    return (hop.id, hop.kind, hop.status, hop.reason)


# --- the endpoint policy ------------------------------------------------------------


def test_an_endpoint_policy_not_collected_or_unreadable_is_the_endpoints_unknown_hop() -> None:
    missing = policy_verdict(endpoint(), KIND, ECR_API, REGION)
    assert _hop(missing) == (
        "vpce-1",
        KIND,
        "unknown",
        "the PolicyDocument of vpce-1 (com.amazonaws.ap-northeast-1.ecr.api) is not in the "
        "snapshot; its endpoint policy may deny the request",
    )
    unreadable = _policy({"Effect": "Maybe", "Action": "*", "Resource": "*"})
    assert unreadable.error
    hop = policy_verdict(endpoint(policy=unreadable), HopKind.GATEWAY_ENDPOINT, S3, REGION)
    assert _hop(hop) == ("vpce-1", HopKind.GATEWAY_ENDPOINT, "unknown", unreadable.error)


def test_a_path_to_an_address_through_an_endpoint_does_not_judge_its_policy() -> None:
    # The policy would deny every request: it filters API calls, and an address has none.
    to = Destination("address", "10.0.9.9")
    hop = _verdict(to, {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"})
    assert _hop(hop) == (
        "vpce-1",
        KIND,
        "pass",
        f"{AVAILABLE}; its endpoint policy filters API requests, not packets, and is not "
        "judged for a path to 10.0.9.9",
    )


@pytest.mark.parametrize(
    ("dest", "allowed"),
    [
        (ECR_API, f"ecr:GetAuthorizationToken by {LABEL}"),
        (ECR_DKR, f"ecr:BatchGetImage by {LABEL}; ecr:GetDownloadUrlForLayer by {LABEL}"),
    ],
    ids=["one-call", "two-calls"],
)
def test_the_endpoint_policy_names_each_call_it_allows_and_the_statement(
    dest: Destination, allowed: str
) -> None:
    hop = _verdict(dest, _allow("ecr:*"))
    assert _hop(hop) == ("vpce-1", KIND, "pass", f"{AVAILABLE}; its policy allows {allowed}")


def test_a_call_the_agent_can_do_without_is_not_named_among_the_allowed() -> None:
    # ecr:BatchCheckLayerAvailability is listed by AWS, but a pull works without it: its
    # explicit deny does not block, and is said as a deny, not as "allowed by" anything.
    dest = Destination(
        "service",
        "api.ecr",
        service=dns.AWS_SERVICES["ecr.api"],
        calls=(
            ApiCall("ecr.api", "ecr:GetAuthorizationToken", "*", "an ECR pull"),
            ApiCall("ecr.api", "ecr:BatchCheckLayerAvailability", "*", "x", required=False),
        ),
        role_arn=ROLE,
    )
    deny = {
        "Sid": "NoCheck",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "ecr:BatchCheckLayerAvailability",
        "Resource": "*",
    }
    hop = _verdict(dest, _allow("ecr:GetAuthorizationToken"), deny)
    assert _hop(hop) == (
        "vpce-1",
        KIND,
        "pass",
        f"{AVAILABLE}; its policy allows ecr:GetAuthorizationToken by {LABEL} and denies "
        "ecr:BatchCheckLayerAvailability on *, which the task can do without",
    )


def test_a_deny_names_the_statement_and_the_fix_any_resource() -> None:
    deny = {"Sid": "NoEcr", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*"}
    hop = _verdict(ECR_DKR, deny, _allow("*"))
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        "vpce-1",
        KIND,
        "fail",
        "VPCE_POLICY_DENIES",
    )
    assert hop.reason == (
        "the endpoint policy of vpce-1 denies ecr:BatchGetImage on its resource: "
        "vpce-1 policy (Sid NoEcr) denies it"
    )
    assert hop.fix == "allow ecr:BatchGetImage on * in the policy of vpce-1"


def test_an_allow_that_hangs_on_an_unknown_key_is_the_endpoints_unknown_hop() -> None:
    tagged = _allow("ecr:*", Condition={"StringEquals": {"aws:PrincipalTag/team": "web"}})
    assert _hop(_verdict(ECR_API, tagged)) == (
        "vpce-1",
        KIND,
        "unknown",
        f"endpoint policy of vpce-1: {LABEL} allows ecr:GetAuthorizationToken on * only "
        "depending on aws:PrincipalTag/team, which netgraph cannot know",
    )


def test_the_ecr_layer_download_is_judged_on_the_bucket_of_the_region() -> None:
    # Without a task definition, the S3 call is the layer bucket of the snapshot's region.
    hop = _verdict(S3, _allow("s3:GetObject", LAYERS))
    assert _hop(hop) == (
        "vpce-1",
        KIND,
        "pass",
        f"{AVAILABLE}; its policy allows s3:GetObject by {LABEL}",
    )


def test_the_roles_calls_are_made_as_the_role_and_a_layer_download_is_not() -> None:
    # ECR calls carry the execution role's credentials: a policy naming the role allows
    # them, by Principal or by aws:PrincipalArn.
    by_principal = {**_allow("ecr:*"), "Principal": {"AWS": ROLE}}
    assert _verdict(ECR_API, by_principal).status == "pass"
    by_arn = _allow("ecr:*", Condition={"StringEquals": {"aws:PrincipalArn": ROLE}})
    assert _verdict(ECR_API, by_arn).status == "pass"
    # The layer download is a presigned URL: not the role's request, so a policy that
    # allows only the role leaves it unknown (never allowed on the role's account).
    only_role = {**_allow("s3:*"), "Principal": {"AWS": ROLE}}
    hop = _verdict(S3, only_role)
    assert _hop(hop) == (
        "vpce-1",
        KIND,
        "unknown",
        f"endpoint policy of vpce-1: {LABEL} allows s3:GetObject on {LAYERS} only depending "
        "on the principal, which netgraph cannot know",
    )


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("aws:SourceVpce", "vpce-1", "pass"),
        ("aws:SourceVpce", "vpce-other", "fail"),
        ("aws:SourceVpc", "vpc-1", "pass"),
        ("aws:SourceVpc", "vpc-other", "fail"),
    ],
)
def test_the_policy_sees_the_request_come_through_this_endpoint_and_its_vpc(
    key: str, value: str, status: str
) -> None:
    conditioned = _allow("ecr:*", Condition={"StringEquals": {key: value}})
    assert _verdict(ECR_API, conditioned).status == status


# --- the gateway endpoint a route names ---------------------------------------------------


def test_a_gateway_endpoint_in_an_account_whose_endpoints_were_not_collected_is_unknown() -> None:
    # VpcEndpoints was collected, but not for the account of vpc-1 (several accounts): the
    # endpoint listed under its id must not be judged, and the reason is that account's.
    ep = endpoint("vpce-gw", endpoint_type="Gateway")
    why = "VpcEndpoints of account 111122223333 was not collected (AccessDenied)"
    gw_route = route("vpce-gw", "gateway-endpoint")
    s = snapshot(vpc_endpoints={"vpce-gw": ep}, uncollected={"VpcEndpoints": {"vpc-1": why}})
    hop = gateway_endpoint(s, table("rtb-1", gw_route), gw_route, "6")
    assert isinstance(hop, Hop)
    assert _hop(hop) == ("vpce-gw", HopKind.GATEWAY_ENDPOINT, "unknown", why)
    # Another VPC's account was not collected: this one's endpoint is judged.
    other = snapshot(vpc_endpoints={"vpce-gw": ep}, uncollected={"VpcEndpoints": {"vpc-2": why}})
    assert gateway_endpoint(other, table("rtb-1", gw_route), gw_route, "6") is ep


# --- the ENIs of an interface endpoint ----------------------------------------------------


def test_without_its_enis_each_listed_subnet_of_an_endpoint_stands_for_one() -> None:
    # The first subnet is not in the snapshot: skipped, the next still counts.
    sub = subnet("subnet-e", "10.0.5.0/24")
    ep = endpoint(subnet_ids=("subnet-gone", "subnet-e"))
    terminal = Hop("com.amazonaws.ap-northeast-1.ecr.api", HopKind.AWS_SERVICE, "pass", "ecr")
    sides = endpoint_sides(snapshot(subnets={"subnet-e": sub}), ep, terminal)
    assert [(s.peer.label, s.subnet.id) for s in sides] == [("vpce-1 ENI in subnet-e", "subnet-e")]
    assert isinstance(sides[0].subnet, Subnet)


# --- the public side ---------------------------------------------------------------------

TASK_SUBNET = "subnet-0a11c0ffee0000001"
SG_TASK = "sg-0b0b0b0b0b0b0b0b1"
TASK_TABLE = "rtb-0f0f0f0f0f0f0f0f1"


def _path(data: dict[str, Any], to: str) -> Trace:
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    return check_path(s, source, to, protocol="6", port=443)


def test_a_path_to_the_internet_with_no_route_says_to_route_it_to_a_nat_or_internet_gateway() -> (
    None
):
    t = _path(sample_data("healthy-endpoints"), "internet")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (TASK_TABLE, "NO_ROUTE_TO_DESTINATION")
    assert t.blocked_at.fix == (
        f"route 0.0.0.0/0 in {TASK_TABLE} to a NAT gateway (private subnet) or an internet "
        "gateway (with a public IP)"
    )


def test_a_nacl_that_denies_s3s_addresses_does_not_stand_between_a_task_and_another_service() -> (
    None
):
    # STS's public addresses leave out S3's prefix list (pl-61a54008 in the sample), so a
    # NACL rule denying exactly those CIDRs does not touch the path: it still ends for want
    # of a route, not at the NACL.
    data = sample_data("healthy-endpoints")
    [s3_list] = data["PrefixLists"]
    [acl] = data["NetworkAcls"]
    acl["Entries"] += [
        {
            "CidrBlock": cidr,
            "Egress": True,
            "Protocol": "-1",
            "RuleAction": "deny",
            "RuleNumber": 10 + i,
        }
        for i, cidr in enumerate(s3_list["Cidrs"])
    ]
    t = _path(data, "sts")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (TASK_TABLE, "NO_ROUTE_TO_DESTINATION")
    assert t.blocked_at.reason == (
        f"{TASK_TABLE} has no route for sts.ap-northeast-1.amazonaws.com (public)"
    )
    assert all(h.kind != HopKind.GATEWAY_ENDPOINT for h in t.hops)
    [acl_hop] = [h for h in t.hops if h.kind == HopKind.NETWORK_ACL_OUTBOUND]
    assert (acl_hop.id, acl_hop.status) == ("acl-0c0c0c0c0c0c0c0c0", "pass")


# --- the security groups of an interface endpoint's ENIs -----------------------------------


def _ecr_api_with_task_egress_only_to(name: str, task_sg: str, to_sg: str, enis: bool) -> Trace:
    """ecr.api for the sample's first service, its task's only egress rule naming ``to_sg``;
    without ``enis``, the endpoint's ENIs are not in NetworkInterfaces (its subnets stand
    for them)."""
    data = copy.deepcopy((build.SAMPLES.get(name) or build.MULTI_VPC_SAMPLES[name])())
    task = next(g for g in data["SecurityGroups"] if g["GroupId"] == task_sg)
    task["IpPermissionsEgress"] = [build.sg_rule("tcp", 443, 443, groups=(to_sg,))]
    if not enis:
        api = next(e for e in data["VpcEndpoints"] if e["ServiceName"].endswith(".ecr.api"))
        listed = set(api["NetworkInterfaceIds"])
        data["NetworkInterfaces"] = [
            n for n in data["NetworkInterfaces"] if n["NetworkInterfaceId"] not in listed
        ]
    s = snap(data)
    return check_source(s, service_sources(s)[0], ["ecr.api"])[0]


@pytest.mark.parametrize("enis", [True, False], ids=["enis", "subnets-for-enis"])
def test_a_task_egress_rule_naming_the_endpoints_group_admits_the_path_to_it(enis: bool) -> None:
    t = _ecr_api_with_task_egress_only_to(
        "healthy-endpoints", build.SG_TASK, build.SG_ENDPOINTS, enis
    )
    assert (t.verdict, t.blocked_at) == ("reachable", None), t.reason


@pytest.mark.parametrize(
    ("enis", "far"),
    [
        (True, "eni-05a4ed00000e0101 (10.50.11.10)"),
        (False, "vpce-05a4ed0000000e01 ENI in subnet-05a4ed0000001a"),
    ],
    ids=["enis", "subnets-for-enis"],
)
def test_a_task_egress_rule_naming_a_hub_endpoints_group_does_not_cross_a_transit_gateway(
    enis: bool, far: str
) -> None:
    # Across a transit gateway no egress rule may name the other VPC's group: the task's
    # only rule admits nothing, whatever the endpoint's ENIs are known as.
    t = _ecr_api_with_task_egress_only_to(
        "healthy-hub-centralized-endpoints", build.SG_SPOKE_TASK, build.SG_HUB_ENDPOINTS, enis
    )
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.reason) == (
        build.SG_SPOKE_TASK,
        f"no egress rule of {build.SG_SPOKE_TASK} admits TCP 443 to {far}",
    )


# --- a NAT gateway as a middlebox inside its VPC -------------------------------------------


def test_a_vpc_address_routed_through_a_nat_gateway_is_not_blamed_on_a_missing_internet_route() -> (
    None
):
    # AWS lets a subnet's whole CIDR be routed to a NAT gateway ahead of local (middlebox
    # routing, aws-semantics.md section 3.3); the NAT's subnet then delivers it by its local
    # route. netgraph does not follow that delivery: the path is unknown, named after the
    # NAT's route table, not blocked for want of an internet gateway.
    data = sample_data("healthy-nat")
    task_table = next(t for t in data["RouteTables"] if t["RouteTableId"] == build.RTB_PRIVATE)
    task_table["Routes"].append(
        {
            "DestinationCidrBlock": "10.0.12.0/24",
            "NatGatewayId": build.NAT,
            "State": "active",
            "Origin": "CreateRoute",
        }
    )
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    t = check_path(s, source, "10.0.12.5", protocol="6", port=443)
    assert (t.verdict, t.blocked_at) == ("unknown", None), t.reason
    last = t.hops[-1]
    assert (last.id, last.kind, last.status) == (build.RTB_PUBLIC, HopKind.ROUTE_TABLE, "unknown")
    assert last.reason == (
        f"{build.RTB_PUBLIC} sends 10.0.12.5 from {build.NAT} by route 10.0.0.0/16 -> local "
        f"back into {build.VPC}; netgraph does not follow a NAT gateway's traffic inside "
        "its VPC"
    )


# --- batch 2: an available endpoint, calls it may do without, S3's public side ------------


def test_an_available_endpoint_judges_the_layer_download_on_its_regions_bucket() -> None:
    # endpoint_verdict hands the snapshot's region on: the layer bucket is the region's.
    ep = endpoint(policy=_policy(_allow("s3:GetObject", LAYERS)))
    hop, goes_on = endpoint_verdict(ep, KIND, S3, REGION)
    assert goes_on
    assert _hop(hop) == (
        "vpce-1",
        KIND,
        "pass",
        f"{AVAILABLE}; its policy allows s3:GetObject by {LABEL}",
    )


def test_an_endpoint_whose_only_calls_are_optional_passes_without_naming_an_allow() -> None:
    # A pull works without ecr:BatchCheckLayerAvailability: its implicit deny does not
    # block, and the reason says it is denied (it once read "allows the calls").
    dest = Destination(
        "service",
        "dkr.ecr",
        service=dns.AWS_SERVICES["ecr.dkr"],
        calls=(ApiCall("ecr.dkr", "ecr:BatchCheckLayerAvailability", "*", "x", required=False),),
        role_arn=ROLE,
    )
    hop = _verdict(dest, _allow("ecr:GetAuthorizationToken"))
    assert _hop(hop) == (
        "vpce-1",
        KIND,
        "pass",
        f"{AVAILABLE}; its policy denies ecr:BatchCheckLayerAvailability on *, which the task "
        "can do without",
    )


def _optional(*actions: str) -> Destination:
    """ecr.api asked for GetAuthorizationToken and, as calls it can do without, ``actions``."""
    return Destination(
        "service",
        "api.ecr",
        service=dns.AWS_SERVICES["ecr.api"],
        calls=(
            ApiCall("ecr.api", "ecr:GetAuthorizationToken", "*", "an ECR pull"),
            *(ApiCall("ecr.api", a, "*", "x", required=False) for a in actions),
        ),
        role_arn=ROLE,
    )


def test_optional_calls_are_named_as_the_policy_decides_them() -> None:
    # Allowed: among the allowed, not among the denied. Denied: each named, after "denies".
    # Undecided (a condition on a key the request lacks): "may deny", never "allows".
    dest = _optional("ecr:BatchCheckLayerAvailability", "ecr:DescribeImages", "ecr:ListImages")
    hop = _verdict(
        dest,
        _allow("ecr:GetAuthorizationToken"),
        _allow("ecr:DescribeImages"),
        _allow("ecr:ListImages", Condition={"StringEquals": {"aws:SourceIp": "10.0.0.1"}}),
    )
    assert _hop(hop) == (
        "vpce-1",
        KIND,
        "pass",
        f"{AVAILABLE}; its policy allows ecr:GetAuthorizationToken by {LABEL}; "
        "ecr:DescribeImages by vpce-1 policy (statement #1) and denies "
        "ecr:BatchCheckLayerAvailability on *, which the task can do without and may deny "
        "ecr:ListImages on *, which the task can do without",
    )
    two = _verdict(
        _optional("ecr:BatchCheckLayerAvailability", "ecr:DescribeImages"),
        _allow("ecr:GetAuthorizationToken"),
    )
    assert two.reason.endswith(
        "and denies ecr:BatchCheckLayerAvailability on *, ecr:DescribeImages on *, which the "
        "task can do without"
    )


def _prefix_route(pl_id: str, target: str) -> Route:
    return Route(None, pl_id, "gateway-endpoint", target, "active", "CreateRoute")


def test_s3s_prefix_list_is_the_one_the_s3_gateway_endpoints_own_route_names() -> None:
    # PrefixLists does not list S3's: the id comes from the route to the S3 gateway endpoint,
    # not from DynamoDB's endpoint (listed first) nor from its route in the same table; a
    # route table the endpoint names but the snapshot lacks is skipped.
    name = "com.amazonaws.ap-northeast-1.{}"
    ddb = endpoint(
        "vpce-ddb",
        endpoint_type="Gateway",
        service_name=name.format("dynamodb"),
        route_table_ids=("rtb-1",),
    )
    s3 = endpoint(
        "vpce-s3",
        endpoint_type="Gateway",
        service_name=name.format("s3"),
        route_table_ids=("rtb-gone", "rtb-1"),
    )
    rtb = table("rtb-1", _prefix_route("pl-ddb", "vpce-ddb"), _prefix_route("pl-s3", "vpce-s3"))
    s = snapshot(vpc_endpoints={"vpce-ddb": ddb, "vpce-s3": s3}, route_tables={"rtb-1": rtb})
    peer = s3_peer(s)
    assert (peer.label, peer.prefix_list_id, peer.approximate) == ("S3 (pl-s3)", "pl-s3", True)
    assert peer.networks == public_ipv4()


def test_a_task_egress_rule_for_part_of_the_public_space_leaves_s3_unknown_without_its_list() -> (
    None
):
    # No prefix list names S3 and no endpoint route does: S3 is somewhere in the public
    # space, so a rule that admits 52.0.0.0/8 may or may not cover it.
    data = sample_data("healthy-nat")
    data["PrefixLists"] = []
    task = next(g for g in data["SecurityGroups"] if g["GroupId"] == SG_TASK)
    task["IpPermissionsEgress"] = [build.sg_rule("tcp", 443, 443, cidrs=("52.0.0.0/8",))]
    t = _path(data, "s3")
    assert t.verdict == "unknown" and t.blocked_at is None
    [sg_hop] = [h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_EGRESS]
    assert (sg_hop.id, sg_hop.status, sg_hop.reason) == (
        SG_TASK,
        "unknown",
        f"egress of {SG_TASK} admits TCP 443 to S3 (public addresses) only for 52.0.0.0/8; "
        "whether its addresses fall there is not known",
    )


def test_a_path_to_s3_with_no_route_says_to_add_the_gateway_endpoint_or_a_nat_route() -> None:
    data = sample_data("healthy-nat")
    task_table = next(t for t in data["RouteTables"] if t["RouteTableId"] == build.RTB_PRIVATE)
    task_table["Routes"] = [r for r in task_table["Routes"] if "NatGatewayId" not in r]
    t = _path(data, "s3")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (TASK_TABLE, "NO_ROUTE_TO_DESTINATION")
    assert t.blocked_at.fix == (
        f"add the S3 gateway endpoint com.amazonaws.{REGION}.s3 to {TASK_TABLE} (aws ec2 "
        "modify-vpc-endpoint --add-route-table-ids), or route 0.0.0.0/0 to a NAT gateway"
    )


def test_a_blackhole_local_route_of_a_nat_gateways_subnet_blocks_a_vpc_address_sent_to_it() -> None:
    # A blackhole route drops the packet, local or not (a hand-made snapshot may hold one):
    # the path ends there, blocked, not unknown as a delivery inside the VPC.
    data = sample_data("healthy-nat")
    task_table = next(t for t in data["RouteTables"] if t["RouteTableId"] == build.RTB_PRIVATE)
    task_table["Routes"].append(
        {
            "DestinationCidrBlock": "10.0.12.0/24",
            "NatGatewayId": build.NAT,
            "State": "active",
            "Origin": "CreateRoute",
        }
    )
    nat_table = next(t for t in data["RouteTables"] if t["RouteTableId"] == build.RTB_PUBLIC)
    [local] = [r for r in nat_table["Routes"] if r.get("GatewayId") == "local"]
    local["State"] = "blackhole"
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    t = check_path(s, source, "10.0.12.5", protocol="6", port=443)
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (
        build.RTB_PUBLIC,
        "NGW_SUBNET_NO_INTERNET_ROUTE",
    )
    assert t.blocked_at.reason == (
        f"{build.NAT} lives in subnet-0a11c0ffee0000101, whose route table {build.RTB_PUBLIC} "
        "has route 10.0.0.0/16 -> local (blackhole) for 10.0.12.5, not an internet gateway"
    )
