"""The engine on changed samples: each AWS rule on the path, and absent data is never
turned into reachable."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgraph.check import check_path, check_source
from netgraph.flows import hypothetical_source, service_sources
from netgraph.reach import Trace

from .conftest import build, examples, sample_data, snap

TASK_SUBNET = "subnet-0a11c0ffee0000001"
SG_TASK = "sg-0b0b0b0b0b0b0b0b1"
RTB_PRIVATE = "rtb-0f0f0f0f0f0f0f0f1"
RTB_PUBLIC = "rtb-0f0f0f0f0f0f0f0f2"


def one(data: dict[str, Any], target: str, public_ip: bool = False) -> Trace:
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), public_ip)
    return check_source(s, source, [target])[0]


def find(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(i for i in items if i[key] == value)


def test_nat_gateway_not_available_blames_the_route_table() -> None:
    data = sample_data("healthy-nat")
    data["NatGateways"][0]["State"] = "deleted"
    t = one(data, "ecr.api")
    assert (t.verdict, t.blocked_at.id if t.blocked_at else None) == ("blocked", RTB_PRIVATE)
    assert t.blocked_at and t.blocked_at.code == "BAD_STATE_ROUTE"


def test_nat_subnet_without_internet_route_blames_its_route_table() -> None:
    data = sample_data("healthy-nat")
    public = find(data["RouteTables"], "RouteTableId", RTB_PUBLIC)
    public["Routes"] = public["Routes"][:1]
    t = one(data, "ecr.dkr")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (RTB_PUBLIC, "NGW_SUBNET_NO_INTERNET_ROUTE")


def test_nat_subnet_nacl_is_checked_on_both_legs() -> None:
    data = sample_data("healthy-nat")
    data["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-0nat",
            "VpcId": build.VPC,
            "IsDefault": False,
            "Associations": [
                {"NetworkAclId": "acl-0nat", "SubnetId": build.SUBNETS["public-a"][0]}
            ],
            "Entries": [
                build.acl_entry(100, True, "6", "allow", "0.0.0.0/0", (443, 443)),
                build.acl_entry(110, True, "6", "allow", "10.0.0.0/16", (1024, 65535)),
                build.acl_entry(100, False, "6", "allow", "10.0.0.0/16", (443, 443)),
            ],
        }
    )
    default = find(data["NetworkAcls"], "NetworkAclId", build.ACL_DEFAULT)
    default["Associations"] = [
        a for a in default["Associations"] if a["SubnetId"] != build.SUBNETS["public-a"][0]
    ]
    t = one(data, "logs")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.kind, t.blocked_at.leg) == (
        "acl-0nat",
        "network-acl-inbound",
        "return",
    )


def test_blackhole_route_blames_its_table() -> None:
    data = sample_data("healthy-nat")
    private = find(data["RouteTables"], "RouteTableId", RTB_PRIVATE)
    private["Routes"][1]["State"] = "blackhole"
    t = one(data, "ecr.api")
    assert t.verdict == "blocked" and t.blocked_at and t.blocked_at.id == RTB_PRIVATE


@pytest.mark.parametrize("state", ["blackhole", "pending", None])
def test_a_route_that_is_no_way_on_is_where_the_path_ends(state: str | None) -> None:
    # The NAT gateway behind a blackhole (or not yet active) route is not walked: the route
    # table's hop is the last one the user is shown, and the only one that does not pass.
    data = sample_data("healthy-nat")
    route = find(data["RouteTables"], "RouteTableId", RTB_PRIVATE)["Routes"][1]
    assert "NatGatewayId" in route
    if state is None:
        del route["State"]
    else:
        route["State"] = state
    t = one(data, "ecr.api")
    assert t.verdict == ("blocked" if state == "blackhole" else "unknown")
    assert [h.id for h in t.hops if h.status != "pass"] == [RTB_PRIVATE]
    assert t.hops[-1].id == RTB_PRIVATE


def test_route_to_transit_gateway_is_unknown() -> None:
    data = sample_data("healthy-nat")
    private = find(data["RouteTables"], "RouteTableId", RTB_PRIVATE)
    private["Routes"][1] = build.route("0.0.0.0/0", "TransitGatewayId", "tgw-0123")
    t = one(data, "ecr.api")
    assert t.verdict == "unknown" and "tgw-0123" in t.reason


def test_public_subnet_needs_a_public_ip() -> None:
    data = sample_data("healthy-public")
    s = snap(data)
    src = hypothetical_source(s, build.SUBNETS["public-a"][0], (SG_TASK,), False)
    t = check_source(s, src, ["ecr.api"])[0]
    assert t.blocked_at and t.blocked_at.id == build.IGW
    src = hypothetical_source(s, build.SUBNETS["public-a"][0], (SG_TASK,), True)
    assert check_source(s, src, ["ecr.api"])[0].verdict == "reachable"


def test_detached_internet_gateway_is_blamed() -> None:
    data = sample_data("healthy-public")
    data["InternetGateways"][0]["Attachments"] = []
    s = snap(data)
    src = hypothetical_source(s, build.SUBNETS["public-a"][0], (SG_TASK,), True)
    t = check_source(s, src, ["logs"])[0]
    assert t.blocked_at and (t.blocked_at.id, t.blocked_at.code) == (build.IGW, "IGW_NOT_ATTACHED")


def test_task_sg_without_egress_is_blamed_first() -> None:
    data = sample_data("healthy-endpoints")
    find(data["SecurityGroups"], "GroupId", SG_TASK)["IpPermissionsEgress"] = []
    t = one(data, "ecr.api")
    assert t.blocked_at and (t.blocked_at.id, t.blocked_at.kind) == (
        SG_TASK,
        "security-group-egress",
    )


def test_s3_needs_the_gateway_route_in_the_task_table() -> None:
    data = sample_data("healthy-endpoints")
    private = find(data["RouteTables"], "RouteTableId", RTB_PRIVATE)
    private["Routes"] = private["Routes"][:1]
    t = one(data, "s3")
    assert t.blocked_at and t.blocked_at.id == RTB_PRIVATE
    assert t.fix and "com.amazonaws.ap-northeast-1.s3" in t.fix


def test_s3_egress_by_prefix_list_id() -> None:
    data = sample_data("healthy-endpoints")
    group = find(data["SecurityGroups"], "GroupId", SG_TASK)
    group["IpPermissionsEgress"] = [
        build.sg_rule("tcp", 443, 443, cidrs=("10.0.0.0/16",)),
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [],
            "Ipv6Ranges": [],
            "UserIdGroupPairs": [],
            "PrefixListIds": [{"PrefixListId": build.S3_PL}],
        },
    ]
    assert one(data, "s3").verdict == "reachable"
    assert one(data, "ecr.api").verdict == "reachable"
    group["IpPermissionsEgress"] = group["IpPermissionsEgress"][:1]
    t = one(data, "s3")
    assert t.blocked_at and t.blocked_at.id == SG_TASK


def test_endpoint_not_available_and_custom_policy() -> None:
    data = sample_data("healthy-endpoints")
    api = find(data["VpcEndpoints"], "VpcEndpointId", build.ENDPOINTS["ecr.api"][0])
    api["State"] = "pendingAcceptance"
    t = one(data, "ecr.api")
    assert t.blocked_at and (t.blocked_at.id, t.blocked_at.code) == (
        build.ENDPOINTS["ecr.api"][0],
        "VPCE_BAD_STATE",
    )
    s3 = find(data["VpcEndpoints"], "VpcEndpointId", build.S3_ENDPOINT)
    s3["PolicyDocument"] = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::acme-*/*",
                }
            ]
        }
    )
    t = one(data, "s3")
    assert t.blocked_at and (t.blocked_at.id, t.blocked_at.code) == (
        build.S3_ENDPOINT,
        "VPCE_POLICY_DENIES",
    )


def test_endpoint_enis_missing_fall_back_to_its_subnets() -> None:
    data = sample_data("healthy-endpoints")
    del data["NetworkInterfaces"]
    assert one(data, "ecr.api").verdict == "reachable"


def test_custom_nacl_on_endpoint_subnet_blames_that_acl() -> None:
    data = sample_data("healthy-endpoints")
    endpoint_subnets = [build.SUBNETS["endpoints-a"][0], build.SUBNETS["endpoints-c"][0]]
    default = find(data["NetworkAcls"], "NetworkAclId", build.ACL_DEFAULT)
    default["Associations"] = [
        a for a in default["Associations"] if a["SubnetId"] not in endpoint_subnets
    ]
    data["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-0ep",
            "VpcId": build.VPC,
            "IsDefault": False,
            "Associations": [{"NetworkAclId": "acl-0ep", "SubnetId": s} for s in endpoint_subnets],
            "Entries": [
                build.acl_entry(100, False, "-1", "allow", "10.0.0.0/16"),
                build.acl_entry(100, True, "6", "allow", "10.0.0.0/16", (443, 443)),
            ],
        }
    )
    t = one(data, "ecr.api")
    assert t.blocked_at and (t.blocked_at.id, t.blocked_at.kind, t.blocked_at.leg) == (
        "acl-0ep",
        "network-acl-outbound",
        "return",
    )


def test_dns_support_off_blames_the_vpc() -> None:
    data = sample_data("healthy-endpoints")
    data["VpcAttributes"][0]["EnableDnsSupport"]["Value"] = False
    t = one(data, "ecr.api")
    assert t.blocked_at and (t.blocked_at.id, t.blocked_at.kind) == (build.VPC, "dns")


def test_missing_nacls_are_unknown_but_a_certain_block_later_still_blocks() -> None:
    data = sample_data("broken-s3-only-endpoint")
    del data["NetworkAcls"]
    assert one(data, "s3").verdict == "unknown"
    t = one(data, "ecr.api")
    assert t.verdict == "blocked" and t.blocked_at and t.blocked_at.id == RTB_PRIVATE


def test_service_without_security_groups_uses_the_vpc_default_group() -> None:
    data = sample_data("healthy-endpoints")
    data["services"][0]["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"] = []
    s = snap(data)
    sources = service_sources(s)
    assert sources[0].security_group_ids == (build.SG_DEFAULT,)
    del data["SecurityGroups"]
    s = snap(data)
    t = check_source(s, service_sources(s)[0], ["logs"])[0]
    assert t.verdict == "unknown"


def test_address_in_vpc_but_no_subnet_is_blocked_at_the_vpc() -> None:
    s = snap(sample_data("healthy-endpoints"))
    src = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    t = check_path(s, src, "10.0.200.1", protocol="6", port=443)
    assert t.blocked_at and t.blocked_at.id == build.VPC


# ---- absent data is never reachable -------------------------------------------------------

KEYS = sorted(
    {k for name in build.SAMPLES for k in build.SAMPLES[name]()}
    - {"Region", "SnapshotVersion", "AccountId", "CollectedAt", "services", "taskDefinitions"}
)


def verdicts(data: dict[str, Any]) -> dict[tuple[str, str], str]:
    s = snap(data)
    return {
        (src.subnet_id, t.target): t.verdict
        for src in service_sources(s)
        for t in check_source(s, src)
    }


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(build.SAMPLES)), st.sets(st.sampled_from(KEYS), min_size=1, max_size=3)
)
def test_removing_data_never_adds_reachable(name: str, removed: set[str]) -> None:
    full = sample_data(name)
    before = verdicts(full)
    for key in removed:
        full.pop(key, None)
    after = verdicts(full)
    for check, verdict in after.items():
        if verdict == "reachable":
            assert before[check] == "reachable", (check, removed)


@pytest.mark.parametrize(
    "key",
    [
        "SecurityGroups",
        "NetworkAcls",
        "RouteTables",
        "VpcEndpoints",
        "DhcpOptions",
        "VpcAttributes",
    ],
)
def test_each_key_on_the_path_is_needed_for_reachable(key: str) -> None:
    data = sample_data("healthy-endpoints")
    del data[key]
    got = verdicts(data)
    assert "reachable" not in {v for (_, t), v in got.items() if t in ("ecr.api", "ecr.dkr")}


def test_absent_states_policy_and_dhcp_id_are_unknown_not_reachable() -> None:
    data = sample_data("healthy-nat")
    del data["NatGateways"][0]["State"]
    assert one(data, "ecr.api").verdict == "unknown"
    data = sample_data("healthy-endpoints")
    for ep in data["VpcEndpoints"]:
        del ep["PolicyDocument"]
    assert one(data, "s3").verdict == "unknown"
    assert one(data, "ecr.dkr").verdict == "unknown"
    data = sample_data("healthy-endpoints")
    del data["VpcEndpoints"][0]["State"]
    assert one(data, "ecr.api").verdict == "unknown"
    data = sample_data("healthy-endpoints")
    del data["Vpcs"][0]["DhcpOptionsId"]
    assert one(data, "logs").verdict == "unknown"


def test_absent_route_state_or_igw_attachment_state_is_unknown() -> None:
    data = sample_data("healthy-nat")
    for table in data["RouteTables"]:
        for route in table["Routes"]:
            route.pop("State")
    assert one(data, "ecr.api").verdict == "unknown"
    data = sample_data("healthy-public")
    data["InternetGateways"][0]["Attachments"][0].pop("State")
    s = snap(data)
    src = hypothetical_source(s, build.SUBNETS["public-a"][0], (SG_TASK,), True)
    assert check_source(s, src, ["logs"])[0].verdict == "unknown"


def test_flow_graph_as_networkx_is_a_tree_from_the_source() -> None:
    import networkx as nx

    from netgraph.check import destination_for_target
    from netgraph.graph import build_flow_graph

    s = snap(sample_data("healthy-endpoints"))
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    flow = build_flow_graph(s, source, destination_for_target("ecr.api", s))
    g = flow.to_networkx()
    assert nx.is_arborescence(g)
    assert g.in_degree(flow.root) == 0
    assert [g.nodes[n]["hop"] for n in g.nodes] == flow.hops
    # The ecr.api endpoint has one ENI per AZ: the path forks into one branch each.
    leaves = [g.nodes[n]["hop"] for n in g.nodes if g.out_degree(n) == 0]
    assert len(leaves) == 2 and {h.status for h in leaves} == {"pass"}


def first_unknown(t: Trace) -> str | None:
    return next((h.id for h in t.hops if h.status == "unknown"), None)


def test_task_route_without_state_is_unknown_even_when_the_rest_is_known() -> None:
    # Kills: a route with no State taken as active (only the task's default route lacks it;
    # the NAT subnet's routes keep theirs, so nothing further down says unknown instead).
    data = sample_data("healthy-nat")
    find(data["RouteTables"], "RouteTableId", RTB_PRIVATE)["Routes"][1].pop("State")
    t = one(data, "ecr.api")
    assert t.verdict == "unknown" and first_unknown(t) == RTB_PRIVATE
    assert "no State" in t.reason


def test_nat_subnet_route_without_state_is_unknown() -> None:
    # Kills: the NAT subnet's route with no State taken as active.
    data = sample_data("healthy-nat")
    find(data["RouteTables"], "RouteTableId", RTB_PUBLIC)["Routes"][1].pop("State")
    t = one(data, "logs")
    assert t.verdict == "unknown" and first_unknown(t) == RTB_PUBLIC


def test_internet_route_without_state_is_unknown_on_a_public_subnet() -> None:
    # Kills: a route to the internet gateway with no State taken as active.
    data = sample_data("healthy-public")
    find(data["RouteTables"], "RouteTableId", RTB_PUBLIC)["Routes"][1].pop("State")
    s = snap(data)
    src = hypothetical_source(s, build.SUBNETS["public-a"][0], (SG_TASK,), True)
    t = check_source(s, src, ["logs"])[0]
    assert t.verdict == "unknown" and first_unknown(t) == RTB_PUBLIC


def test_private_nat_gateway_cannot_reach_the_internet() -> None:
    # Kills: a private NAT gateway reaching the internet.
    data = sample_data("healthy-nat")
    data["NatGateways"][0]["ConnectivityType"] = "private"
    for target in ("ecr.api", "logs"):
        t = one(data, target)
        assert t.verdict == "blocked" and t.blocked_at is not None, target
        assert (t.blocked_at.id, t.blocked_at.code) == (
            build.NAT,
            "NGW_PRIVATE_CONNECTIVITY",
        ), target


def test_private_nat_gateway_still_reaches_private_addresses() -> None:
    # Kills: every NAT gateway flow blamed on a private NAT, whatever the destination.
    data = sample_data("healthy-nat")
    data["NatGateways"][0]["ConnectivityType"] = "private"
    private = find(data["RouteTables"], "RouteTableId", RTB_PRIVATE)
    private["Routes"][1] = build.route("192.168.0.0/16", "NatGatewayId", build.NAT)
    s = snap(data)
    src = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    t = check_path(s, src, "192.168.1.10", protocol="6", port=443)
    # past the NAT gateway; its subnet routes 0.0.0.0/0 to the internet gateway, which drops
    # a private destination
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (build.IGW, "IGW_DESTINATION_ADDRESS_NOT_PUBLIC")
    assert any(h.id == build.NAT and h.status == "pass" for h in t.hops)
