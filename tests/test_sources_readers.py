"""Each reader of sources/ on one small record, by itself: the model object it makes, and the
wording of what it refuses (sources/wording.py)."""

from __future__ import annotations

import ipaddress
from typing import Any, ClassVar

import pytest

from netgraph.model import (
    CollectionError,
    ContainerDefinition,
    EcsService,
    NetworkAcl,
    NetworkAclEntry,
    NetworkInterface,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    StoppedTask,
    Subnet,
    TaskDefinition,
)
from netgraph.sources import ec2, ecs, firewalls, iam
from netgraph.sources.merge import RawSnapshot, _merge
from netgraph.sources.reader import Obj, SnapshotError
from netgraph.sources.snapshot import build_snapshot
from netgraph.sources.wording import SNAPSHOT, Wording

net = ipaddress.ip_network
ip = ipaddress.ip_address


def obj(data: dict[str, Any], where: str = "$.X[0]") -> Obj:
    return Obj(data, "f.json", where)


def raw(data: dict[str, Any]) -> RawSnapshot:
    out = RawSnapshot(lists={}, scalars={}, objects={}, present=set(), unknown={})
    _merge(out, data, "f.json")
    return out


def test_subnet() -> None:
    record = {
        "SubnetId": "subnet-1",
        "VpcId": "vpc-1",
        "CidrBlock": "10.0.1.0/24",
        "AvailabilityZone": "ap-northeast-1a",
        "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8::/64"}],
        "Tags": [{"Key": "Name", "Value": "app-a"}],
    }
    assert ec2.subnet(obj(record)) == Subnet(
        id="subnet-1",
        vpc_id="vpc-1",
        cidr=net("10.0.1.0/24"),
        ipv6_cidrs=(net("2001:db8::/64"),),
        availability_zone="ap-northeast-1a",
        name="app-a",
    )


def test_route_table_with_both_readers_of_a_route() -> None:
    record = {
        "RouteTableId": "rtb-1",
        "VpcId": "vpc-1",
        "Associations": [
            {"Main": True, "AssociationState": {"State": "associated"}},
            {"SubnetId": "subnet-1", "AssociationState": {"State": "associated"}},
            {"SubnetId": "subnet-2", "AssociationState": {"State": "disassociated"}},
        ],
        "Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
            {"DestinationPrefixListId": "pl-1", "GatewayId": "vpce-1", "State": "active"},
            {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"},
        ],
    }
    table = ec2.route_table(obj(record))
    assert table == RouteTable(
        id="rtb-1",
        vpc_id="vpc-1",
        routes=(
            Route(net("10.0.0.0/16"), None, "local", "local", "active", "CreateRoute"),
            Route(None, "pl-1", "gateway-endpoint", "vpce-1", "active", "CreateRoute"),
            Route(net("0.0.0.0/0"), None, "nat", "nat-1", "unknown", "CreateRoute"),
        ),
        subnet_ids=("subnet-1",),
        main=True,
        name=None,
    )
    # The fast path and the validating reader make the same routes.
    for route, data in zip(table.routes, record["Routes"], strict=True):
        assert ec2._route_fast(data) == route
        assert ec2._route_read(obj(data)) == route


def test_route_without_destination_is_refused() -> None:
    with pytest.raises(SnapshotError) as err:
        ec2.route_table(obj({"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [{}]}))
    assert str(err.value) == (
        "f.json: $.X[0].Routes[0]: route has no DestinationCidrBlock, "
        "DestinationIpv6CidrBlock or DestinationPrefixListId"
    )


def test_security_group() -> None:
    record = {
        "GroupId": "sg-1",
        "GroupName": "app",
        "VpcId": "vpc-1",
        "IpPermissions": [
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [{"GroupId": "sg-2"}],
            }
        ],
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    }
    group = firewalls.security_group(obj(record))
    assert group == SecurityGroup(
        id="sg-1",
        vpc_id="vpc-1",
        name="app",
        ingress=(
            SecurityGroupRule("6", 443, 443, "cidr", cidr=net("10.0.0.0/16")),
            SecurityGroupRule("6", 443, 443, "group", group_id="sg-2"),
        ),
        egress=(SecurityGroupRule("-1", None, None, "cidr", cidr=net("0.0.0.0/0")),),
    )
    o = obj(record)
    assert firewalls._sg_rules_fast(record["IpPermissions"]) == group.ingress
    assert firewalls._sg_rules_read(o, "IpPermissions") == group.ingress


def test_security_group_without_ports_is_refused() -> None:
    record = {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443}]}
    with pytest.raises(SnapshotError) as err:
        firewalls.security_group(obj(record))
    assert str(err.value) == (
        "f.json: $.X[0].IpPermissions[0]: a TCP/UDP permission without ToPort "
        "(AWS always returns both)"
    )


def test_network_acl() -> None:
    record = {
        "NetworkAclId": "acl-1",
        "VpcId": "vpc-1",
        "IsDefault": False,
        "Associations": [{"SubnetId": "subnet-1"}],
        "Entries": [
            {
                "RuleNumber": 32767,
                "Protocol": "-1",
                "RuleAction": "deny",
                "Egress": False,
                "CidrBlock": "0.0.0.0/0",
            },
            {
                "RuleNumber": 100,
                "Protocol": "6",
                "RuleAction": "allow",
                "Egress": False,
                "CidrBlock": "10.0.0.0/16",
                "PortRange": {"From": 1024, "To": 65535},
            },
        ],
    }
    assert firewalls.network_acl(obj(record)) == NetworkAcl(
        id="acl-1",
        vpc_id="vpc-1",
        is_default=False,
        entries=(  # in rule-number order
            NetworkAclEntry(100, False, "6", True, net("10.0.0.0/16"), 1024, 65535),
            NetworkAclEntry(32767, False, "-1", False, net("0.0.0.0/0"), None, None),
        ),
        subnet_ids=("subnet-1",),
        name=None,
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"RuleNumber": 1}, "f.json: $.X[0].Entries[0]: entry has no CidrBlock or Ipv6CidrBlock"),
        (
            {"CidrBlock": "0.0.0.0/0"},
            "f.json: $.X[0].Entries[0]: required key 'RuleNumber' is missing",
        ),
        (
            {"CidrBlock": "0.0.0.0/0", "RuleNumber": 1, "RuleAction": "Drop", "Protocol": "6"},
            "f.json: $.X[0].Entries[0].RuleAction: expected allow or deny, got 'drop'",
        ),
        (
            {"CidrBlock": "0.0.0.0/0", "RuleNumber": 1, "RuleAction": "allow", "Protocol": "6"},
            "f.json: $.X[0].Entries[0]: a TCP/UDP entry without PortRange (AWS always returns it)",
        ),
        (
            {
                "CidrBlock": "0.0.0.0/0",
                "RuleNumber": 1,
                "RuleAction": "allow",
                "Protocol": "17",
                "PortRange": {"From": 53},
            },
            "f.json: $.X[0].Entries[0].PortRange: required keys 'From' and 'To' "
            "(got 53 (a number), null)",
        ),
    ],
)
def test_network_acl_refusals(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(SnapshotError) as err:
        firewalls.network_acl(obj({"NetworkAclId": "acl-1", "VpcId": "vpc-1", "Entries": [entry]}))
    assert str(err.value) == message


def test_vpc_endpoint() -> None:
    record = {
        "VpcEndpointId": "vpce-1",
        "VpcId": "vpc-1",
        "VpcEndpointType": "Interface",
        "ServiceName": "com.amazonaws.ap-northeast-1.ecr.api",
        "State": "Available",
        "PrivateDnsEnabled": True,
        "SubnetIds": ["subnet-1"],
        "Groups": [{"GroupId": "sg-9", "GroupName": "endpoints"}],
        "NetworkInterfaceIds": ["eni-9"],
        "PolicyDocument": '{"Statement": [{"Effect": "Allow", "Principal": "*", '
        '"Action": "*", "Resource": "*"}]}',
    }
    endpoint = ec2.vpc_endpoint(obj(record))
    assert (endpoint.id, endpoint.endpoint_type, endpoint.state) == (
        "vpce-1",
        "Interface",
        "available",
    )
    assert endpoint.private_dns_enabled and not endpoint.private_dns_only_for_inbound_resolver
    assert (endpoint.subnet_ids, endpoint.group_ids) == (("subnet-1",), ("sg-9",))
    assert (endpoint.network_interface_ids, endpoint.route_table_ids) == (("eni-9",), ())
    assert endpoint.policy is not None and endpoint.policy.error is None
    assert endpoint.policy.name == "endpoint policy of vpce-1"
    assert len(endpoint.policy.statements) == 1
    with pytest.raises(SnapshotError) as err:
        ec2.vpc_endpoint(obj({**record, "PolicyDocument": 3}))
    assert str(err.value) == "f.json: $.X[0].PolicyDocument: expected a JSON string"


def test_network_interface_by_both_readers() -> None:
    record = {
        "NetworkInterfaceId": "eni-1",
        "SubnetId": "subnet-1",
        "VpcId": "vpc-1",
        "PrivateIpAddress": "10.0.1.10",
        "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.10", "Primary": True}],
        "Groups": [{"GroupId": "sg-1"}],
        "Association": {"PublicIp": "203.0.113.7"},
        "InterfaceType": "interface",
        "Attachment": {"InstanceId": "i-1"},
        "Description": "web",
    }
    expected = NetworkInterface(
        id="eni-1",
        subnet_id="subnet-1",
        vpc_id="vpc-1",
        private_ips=(ip("10.0.1.10"),),
        public_ip=ip("203.0.113.7"),
        group_ids=("sg-1",),
        interface_type="interface",
        instance_id="i-1",
        description="web",
    )
    assert ec2.network_interface(obj(record)) == expected
    assert ec2._network_interface_fast(record) == expected
    assert ec2._network_interface_read(obj(record)) == expected
    # Without Groups the groups are unknown, not none: the validating reader says so.
    bare = {"NetworkInterfaceId": "eni-2", "PrivateIpAddress": "10.0.1.11"}
    assert ec2._network_interface_fast(bare) is None
    assert ec2.network_interface(obj(bare)).group_ids is None


def test_task_definition() -> None:
    record = {
        "taskDefinitionArn": "arn:aws:ecs:ap-northeast-1:111122223333:task-definition/web:3",
        "family": "web",
        "revision": 3,
        "networkMode": "awsvpc",
        "executionRoleArn": "arn:aws:iam::111122223333:role/exec",
        "containerDefinitions": [
            {
                "name": "app",
                "image": "111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/web:1",
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/web", "awslogs-region": "ap-northeast-1"},
                },
                "secrets": [
                    {"name": "DB", "valueFrom": "arn:aws:ssm:ap-northeast-1:1:parameter/db"}
                ],
            }
        ],
    }
    arn = record["taskDefinitionArn"]
    assert ecs.task_definition(obj(record)) == TaskDefinition(
        arn=arn,
        family="web",
        revision=3,
        network_mode="awsvpc",
        execution_role_arn="arn:aws:iam::111122223333:role/exec",
        containers=(
            ContainerDefinition(
                name="app",
                image="111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/web:1",
                log_driver="awslogs",
                log_options=(
                    ("awslogs-group", "/ecs/web"),
                    ("awslogs-region", "ap-northeast-1"),
                ),
                secrets=("arn:aws:ssm:ap-northeast-1:1:parameter/db",),
                repository_credentials=None,
            ),
        ),
        unreadable=None,
    )
    empty = ecs.task_definition(obj({"family": "batch", "revision": 1}))
    assert empty.arn == "batch:1"
    assert empty.unreadable == "batch:1 has no containerDefinitions in the snapshot"
    with pytest.raises(SnapshotError) as err:
        ecs.container(obj({"image": "x", "logConfiguration": {}}))
    assert str(err.value) == (
        "f.json: $.X[0].logConfiguration: required key 'logDriver' is missing "
        "(AWS always returns it)"
    )


def test_service_and_stopped_tasks() -> None:
    record = {
        "serviceName": "web",
        "serviceArn": "arn:aws:ecs:ap-northeast-1:111122223333:service/app/web",
        "clusterArn": "arn:aws:ecs:ap-northeast-1:111122223333:cluster/app",
        "taskDefinition": "arn:aws:ecs:ap-northeast-1:111122223333:task-definition/web:3",
        "launchType": "FARGATE",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-1", "subnet-2"],
                "securityGroups": ["sg-1"],
                "assignPublicIp": "DISABLED",
            }
        },
    }
    assert ecs.service(obj(record)) == EcsService(
        name="web",
        arn="arn:aws:ecs:ap-northeast-1:111122223333:service/app/web",
        cluster="app",
        task_definition="arn:aws:ecs:ap-northeast-1:111122223333:task-definition/web:3",
        launch_type="FARGATE",
        platform_version=None,
        subnet_ids=("subnet-1", "subnet-2"),
        security_group_ids=("sg-1",),
        assign_public_ip=False,
        has_awsvpc_configuration=True,
    )
    tasks = [obj({"taskArn": "t-1", "group": "service:web", "stoppedReason": "pull"}), obj({})]
    assert ecs.stopped_tasks(tasks[:1]) == (StoppedTask("t-1", "service:web", "pull"),)
    assert ecs.stopped_tasks([obj({"taskArn": "t-2"})]) == ()


def test_role_with_shipped_and_missing_policies() -> None:
    execution = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    data = {
        "Region": "ap-northeast-1",
        "RoleDetailList": [
            {
                "Arn": "arn:aws:iam::111122223333:role/exec",
                "RoleName": "exec",
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                },
                "RolePolicyList": [
                    {
                        "PolicyName": "logs",
                        "PolicyDocument": {
                            "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]
                        },
                    }
                ],
                "AttachedManagedPolicies": [
                    {"PolicyArn": execution},
                    {"PolicyArn": "arn:aws:iam::111122223333:policy/gone"},
                ],
            }
        ],
        "Policies": [],
    }
    roles = iam.roles(raw(data))
    assert roles is not None
    role = roles["arn:aws:iam::111122223333:role/exec"]
    assert (role.name, role.account) == ("exec", "111122223333")
    assert [(p.name, p.shipped) for p in role.policies] == [
        ("arn:aws:iam::111122223333:role/exec inline policy logs", False),
        (execution, True),  # not in Policies: netgraph's shipped copy
    ]
    assert role.missing_policy_arns == ("arn:aws:iam::111122223333:policy/gone",)
    assert role.trust_policy is not None and role.trust_policy.error is None
    assert iam.roles(raw({"Region": "x"})) is None  # RoleDetailList absent: not collected


def test_build_snapshot_words_absent_keys_through_its_wording() -> None:
    data = {
        "Region": "ap-northeast-1",
        "CollectionErrors": [{"Call": "ec2:DescribeNetworkAcls", "Error": "AccessDenied"}],
        "Unknown": 1,
    }
    snap = build_snapshot(raw(data))
    assert snap.missing_reason("Subnets") == "Subnets is not in the snapshot (not collected)"
    assert snap.missing_reason("NetworkAcls") == (
        "NetworkAcls is not in the snapshot (ec2:DescribeNetworkAcls failed: AccessDenied)"
    )
    assert snap.warnings == ("f.json: key 'Unknown' is not part of the snapshot format; ignored",)

    class Plan(Wording):
        def absent(self, key: str, collection_errors: Any) -> str:
            return f"{key} is not in the plan"

        def ignored(self, file: str, key: str) -> str:
            return f"{file}: {key}: not a resource netgraph reads"

    planned = build_snapshot(raw(data), wording=Plan())
    assert planned.missing_reason("Subnets") == "Subnets is not in the plan"
    assert planned.warnings == ("f.json: Unknown: not a resource netgraph reads",)
    assert SNAPSHOT.absent("Vpcs", (CollectionError("ec2:DescribeVpcs", "Throttling"),)) == (
        "Vpcs is not in the snapshot (ec2:DescribeVpcs failed: Throttling)"
    )


def test_a_readers_wording_is_its_objs() -> None:
    class Worded(Wording):
        def missing(self, where: str, key: str, *, always: bool = False) -> str:
            return f"{where}: the attribute {key} is not set"

    class PlanObj(Obj):
        wording: ClassVar[Wording] = Worded()

    record = {"Associations": [{"SubnetId": "subnet-1"}]}
    with pytest.raises(SnapshotError) as err:
        ec2.subnet(PlanObj(record, "plan.json", "$.resource_changes[0]"))
    assert str(err.value) == "plan.json: $.resource_changes[0]: the attribute SubnetId is not set"
    # The parts of a record word as the record does.
    child = PlanObj(record, "plan.json", "$").objs("Associations")[0]
    with pytest.raises(SnapshotError) as err:
        child.req("RouteTableId")
    assert str(err.value) == "plan.json: $.Associations[0]: the attribute RouteTableId is not set"
