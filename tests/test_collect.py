"""The live collector against a real moto server over HTTP on 127.0.0.1, and against
botocore's Stubber for what moto cannot do (paging, faults, throttling)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

from netgraph.check import check_source
from netgraph.cli import main
from netgraph.flows import service_sources
from netgraph.sources.collect import OPERATIONS, Collector, ReadOnlyViolation
from netgraph.sources.collect_organizations import collect_organizations
from netgraph.sources.snapshot import snapshot_from_data
from tests.conftest import MotoWorld

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's
POLICY_FILE = Path(__file__).parent.parent / "netgraph" / "data" / "collector-policy.json"


# The moto server is one per test process (tests/conftest.py: moto_world, aws); each
# account or Region below is built once, the first time a test asks for it, and then only
# read. A test that writes does it in a Region (or accounts) of its own.
S3_ONLY_REGION = "us-west-2"  # build_vpc(nat=False)
KMS_REGION = "us-west-1"  # test_secret_keys_are_collected_without_the_secret_value writes here
MANAGEMENT = "333333333333"  # the organization's management account (its test writes there)


@pytest.fixture
def nat_vpc(aws: str, moto_world: MotoWorld) -> dict[str, str]:
    """moto's default account in us-east-1: build_vpc(nat=True), like samples/healthy-nat."""
    return moto_world.once("nat", lambda url: build_vpc(url, nat=True))


@pytest.fixture
def s3_only_vpc(aws: str, moto_world: MotoWorld) -> dict[str, str]:
    """moto's default account in us-west-2: build_vpc(nat=False), like the s3-only sample."""
    return moto_world.once("s3-only", lambda url: build_vpc(url, nat=False, region=S3_ONLY_REGION))


def client(url: str, service: str, region: str = REGION) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=url)


def build_vpc(url: str, *, nat: bool, region: str = REGION) -> dict[str, str]:
    """A VPC like samples/healthy-nat (nat=True) or samples/broken-s3-only-endpoint, with an
    ECS service; the execution role is the account's (IAM has no Region: made once)."""
    ec2 = client(url, "ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    dhcp = ec2.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS"]}]
    )["DhcpOptions"]
    ec2.associate_dhcp_options(DhcpOptionsId=dhcp["DhcpOptionsId"], VpcId=vpc)
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.101.0/24", AvailabilityZone=f"{region}a")[
        "Subnet"
    ]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=f"{region}a")[
        "Subnet"
    ]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt_public = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt_public, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rt_public, SubnetId=public)
    rt_private = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rt_private, SubnetId=private)
    if nat:
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat_id = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"][
            "NatGatewayId"
        ]
        ec2.create_route(
            RouteTableId=rt_private, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_id
        )
    else:
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{region}.s3",
            VpcEndpointType="Gateway",
            RouteTableIds=[rt_private],
        )
    sg = ec2.create_security_group(GroupName="web-task", Description="web", VpcId=vpc)["GroupId"]

    iam = client(url, "iam")
    try:
        role = iam.get_role(RoleName="ecsTaskExecutionRole")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = _create_execution_role(iam)
    client(url, "ecr", region).create_repository(repositoryName="web")
    ecs = client(url, "ecs", region)
    ecs.create_cluster(clusterName="app")
    ecs.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn=role,
        containerDefinitions=[
            {
                "name": "web",
                "image": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/web:1",
                "essential": True,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/web",
                        "awslogs-region": region,
                        "awslogs-stream-prefix": "web",
                    },
                },
            }
        ],
    )
    ecs.create_service(
        cluster="app",
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [private],
                "securityGroups": [sg],
                "assignPublicIp": "DISABLED",
            }
        },
    )
    return {"vpc": vpc, "private": private, "rt_private": rt_private, "sg": sg, "role": role}


def _create_execution_role(iam: Any) -> str:
    role: str = iam.create_role(
        RoleName="ecsTaskExecutionRole",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    iam.attach_role_policy(
        RoleName="ecsTaskExecutionRole",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    )
    return role


def verdicts(data: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    s = snapshot_from_data(data, "live")
    return {
        t.target: (t.verdict, t.blocked_at.id if t.blocked_at else None)
        for src in service_sources(s)
        for t in check_source(s, src)
    }


def test_healthy_nat_vpc_gives_the_verdicts_of_the_sample(aws: str, nat_vpc: Any) -> None:
    data = Collector(region=REGION, endpoint_url=aws).collect()
    assert data["CollectionErrors"] == []
    assert data["AccountId"] == ACCOUNT
    assert verdicts(data) == {
        "ecr.api": ("reachable", None),
        "ecr.dkr": ("reachable", None),
        "s3": ("reachable", None),
        "logs": ("reachable", None),
        "iam:execution-role": ("allowed", None),
    }


def test_s3_only_vpc_is_blocked_at_its_route_table_like_the_sample(
    aws: str, s3_only_vpc: dict[str, str]
) -> None:
    ids = s3_only_vpc
    data = Collector(region=S3_ONLY_REGION, endpoint_url=aws).collect()
    got = verdicts(data)
    assert got["s3"] == ("reachable", None)
    for target in ("ecr.api", "ecr.dkr", "logs"):
        assert got[target] == ("blocked", ids["rt_private"]), target


def test_collect_then_check_equals_check_live(
    aws: str, s3_only_vpc: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap.json"
    region = ["--region", S3_ONLY_REGION]
    assert main(["collect", *region, "--endpoint-url", aws, "-o", str(out)]) == 0
    capsys.readouterr()
    offline = main(["check", str(out), "--format", "json"])
    offline_json = json.loads(capsys.readouterr().out)
    live = main(["check", "--live", *region, "--endpoint-url", aws, "--format", "json"])
    live_json = json.loads(capsys.readouterr().out)
    assert offline == live == 1
    assert offline_json == live_json


def test_scan_live_equals_scan_of_the_collected_snapshot(
    aws: str, s3_only_vpc: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = s3_only_vpc
    out = tmp_path / "snap.json"
    region = ["--region", S3_ONLY_REGION]
    assert main(["collect", *region, "--endpoint-url", aws, "-o", str(out)]) == 0
    capsys.readouterr()
    live_args = ["--live", *region, "--endpoint-url", aws, "--format", "json"]
    assert main(["scan", str(out), "--all-enis", "--format", "json"]) == 1
    offline = json.loads(capsys.readouterr().out)
    assert main(["scan", "--all-enis", *live_args]) == 1
    live = json.loads(capsys.readouterr().out)
    assert live == offline
    blocked = {c["target"]: c["blocked_at"]["id"] for c in live["checks"] if c["blocked_at"]}
    assert blocked["ecr.api"] == blocked["logs"] == ids["rt_private"]
    # --vpc limits what is collected and what is scanned; a VPC AWS does not have is an error.
    assert main(["scan", *live_args, "--vpc", ids["vpc"]]) == 1
    services = [c for c in live["checks"] if c["source"]["kind"] == "ecs-service"]
    assert json.loads(capsys.readouterr().out)["checks"] == services
    assert main(["scan", *live_args, "--vpc", "vpc-0000000000000dead"]) == 2
    assert "vpc-0000000000000dead" in capsys.readouterr().err


def test_secret_keys_are_collected_without_the_secret_value(aws: str) -> None:
    """DescribeSecret, DescribeParameters, DescribeKey and GetKeyPolicy: the KMS key of
    each secret the task reads, and its key policy; never GetSecretValue/GetParameter.
    (It writes: in a Region of its own.)"""
    region = KMS_REGION
    build_vpc(aws, nat=True, region=region)
    kms = client(aws, "kms", region)
    key = kms.create_key(Description="web secrets")["KeyMetadata"]
    secret = client(aws, "secretsmanager", region).create_secret(
        Name="web/db-password", SecretString="hunter2", KmsKeyId=key["Arn"]
    )["ARN"]
    ssm = client(aws, "ssm", region)
    ssm.put_parameter(Name="/web/api-key", Value="k", Type="SecureString", KeyId=key["KeyId"])
    ssm.put_parameter(Name="/web/plain", Value="p", Type="String")
    ecs = client(aws, "ecs", region)
    td = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    container = dict(td["containerDefinitions"][0])
    container["secrets"] = [
        {"name": "DB_PASSWORD", "valueFrom": secret},
        {"name": "API_KEY", "valueFrom": "/web/api-key"},
        {"name": "PLAIN", "valueFrom": f"arn:aws:ssm:{region}:{ACCOUNT}:parameter/web/plain"},
    ]
    arn = ecs.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn=td["executionRoleArn"],
        containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="app", service="web", taskDefinition=arn)
    collector = Collector(region=region, endpoint_url=aws)
    data = collector.collect()
    assert data["CollectionErrors"] == []
    assert [(d["ARN"], d["KmsKeyId"]) for d in data["SecretDescriptions"]] == [(secret, key["Arn"])]
    assert {p["Name"]: p["Type"] for p in data["ParameterDescriptions"]} == {
        "/web/api-key": "SecureString",
        "/web/plain": "String",
    }
    assert [k["Arn"] for k in data["KmsKeys"]] == [key["Arn"]]
    (policy,) = data["KmsKeyPolicies"]
    assert policy["KeyId"] == key["KeyId"] and "Statement" in policy["Policy"]
    assert "hunter2" not in json.dumps(data, default=str)
    assert {"secretsmanager:DescribeSecret", "ssm:DescribeParameters"} <= collector.called
    assert {"kms:DescribeKey", "kms:GetKeyPolicy"} <= collector.called
    s = snapshot_from_data(data, "live")
    (role,) = [t for t in check_source(s, service_sources(s)[0], ["iam:execution-role"])]
    # moto's default key policy lets IAM decide; the role allows neither the reads nor
    # kms:Decrypt on the key: the fix names both.
    assert role.verdict == "denied" and role.fix is not None
    assert "kms:Decrypt" in role.fix and key["Arn"] in role.fix


def test_a_write_is_refused_before_it_is_sent(aws: str) -> None:
    collector = Collector(region=REGION, endpoint_url=aws)
    ec2 = collector.client("ec2")
    with pytest.raises(ReadOnlyViolation, match="ec2:CreateVpc"):
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    vpcs = client(aws, "ec2").describe_vpcs()["Vpcs"]
    assert all(v["CidrBlock"] != "10.9.0.0/16" for v in vpcs)  # never reached the server
    assert "ec2:CreateVpc" not in collector.called


def test_the_shipped_policy_is_exactly_what_the_collector_calls(aws: str, nat_vpc: Any) -> None:
    policy = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    (statement,) = policy["Statement"]
    assert set(statement["Action"]) == set(OPERATIONS)
    assert all(
        a.split(":")[1].startswith(("Describe", "List", "Get", "Search")) for a in OPERATIONS
    )
    collector = Collector(region=REGION, endpoint_url=aws)
    collector.collect()
    assert collector.called <= OPERATIONS
    assert len(collector.called) >= 20


def test_access_denied_on_one_call_is_recorded_and_makes_checks_unknown(
    aws: str, nat_vpc: Any
) -> None:
    collector = Collector(region=REGION, endpoint_url=aws)
    ec2 = collector.client("ec2")

    def deny(**_: Any) -> tuple[Any, dict[str, Any]]:
        raise_error = {
            "Error": {"Code": "UnauthorizedOperation", "Message": "denied"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }
        return _HttpResponse(403), raise_error

    ec2.meta.events.register("before-call.ec2.DescribeNetworkAcls", deny)
    data = collector.collect()
    assert data["CollectionErrors"] == [
        {"Call": "ec2:DescribeNetworkAcls", "Error": "UnauthorizedOperation"}
    ]
    assert "NetworkAcls" not in data and "Subnets" in data
    s = snapshot_from_data(data, "live")
    trace = check_source(s, service_sources(s)[0], ["ecr.api"])[0]
    assert trace.verdict == "unknown"
    assert "ec2:DescribeNetworkAcls failed: UnauthorizedOperation" in trace.reason


# ---- AWS Organizations: SCPs and RCPs ----------------------------------------------------


def _as_account(c: Any, account: str) -> Any:
    """A client whose requests moto serves as ``account`` (its x-moto-account-id header)."""

    def header(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    c.meta.events.register("before-sign", header)
    return c


def test_organizations_keys_are_collected_and_an_ou_scp_denies_at_its_policy_id(
    aws: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Account 333333333333 manages the organization; the workload runs in a member account
    # under an OU whose SCP denies CloudWatch Logs. The collector reads the Organizations keys
    # as the management account would (a member usually may not: the next test). Neither is
    # moto's default account, which stays in no organization for the other tests.
    org = _as_account(client(aws, "organizations"), MANAGEMENT)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    member = org.create_account(AccountName="workload", Email="workload@example.com")[
        "CreateAccountStatus"
    ]["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyLogs", "Effect": "Deny", "Action": "logs:*", "Resource": "*"}],
    }
    scp = org.create_policy(
        Name="deny-logs",
        Description="no CloudWatch Logs",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps(deny),
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=ou)

    plain = client
    monkeypatch.setattr(
        sys.modules[__name__],
        "client",
        lambda url, s, region=REGION: _as_account(plain(url, s, region), member),
    )
    build_vpc(aws, nat=True)
    ecs = client(aws, "ecs")
    td = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    container = {
        **td["containerDefinitions"][0],
        "image": f"{member}.dkr.ecr.{REGION}.amazonaws.com/web:1",
    }
    arn = ecs.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn=td["executionRoleArn"],
        containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="app", service="web", taskDefinition=arn)

    collector = Collector(region=REGION, endpoint_url=aws)
    for service in ("sts", "ec2", "ecs", "iam", "ecr", "kms", "secretsmanager", "ssm"):
        _as_account(collector.client(service), member)
    _as_account(collector.client("organizations"), MANAGEMENT)
    data = collector.collect()
    assert data["CollectionErrors"] == []
    assert data["AccountId"] == member
    assert data["Organization"]["MasterAccountId"] == MANAGEMENT
    assert data["OrganizationParents"] == {
        member: {"Parents": [{"Id": ou, "Type": "ORGANIZATIONAL_UNIT"}]},
        ou: {"Parents": [{"Id": root, "Type": "ROOT"}]},
    }
    for key in ("ServiceControlPoliciesForTarget", "ResourceControlPoliciesForTarget"):
        assert set(data[key]) == {member, ou, root}, key
    assert scp in [p["Id"] for p in data["ServiceControlPoliciesForTarget"][ou]["Policies"]]
    described = {p["PolicySummary"]["Id"]: p for p in data["OrganizationPolicies"]}
    assert json.loads(described[scp]["Content"]) == deny
    assert {
        "organizations:DescribeOrganization",
        "organizations:ListParents",
        "organizations:ListPoliciesForTarget",
        "organizations:DescribePolicy",
    } <= collector.called

    out = tmp_path / "snap.json"
    out.write_text(json.dumps(data, default=str), encoding="utf-8")
    assert main(["check", str(out), "--target", "iam:execution-role", "--format", "json"]) == 1
    (check,) = json.loads(capsys.readouterr().out)["checks"]
    assert check["verdict"] == "denied" and "assumptions" not in check
    assert (check["blocked_at"]["id"], check["blocked_at"]["code"]) == (scp, "IAM_SCP_DENIES")
    assert "logs:CreateLogStream" in check["blocked_at"]["reason"]
    assert "Sid DenyLogs" in check["fix"] and ou in check["fix"]


def test_an_account_in_no_organization_is_collected_as_empty(aws: str, nat_vpc: Any) -> None:
    collector = Collector(region=REGION, endpoint_url=aws)
    data = collector.collect()
    assert data["CollectionErrors"] == []
    assert data["Organization"] == {}  # AWSOrganizationsNotInUseException
    for key in ("OrganizationParents", "OrganizationPolicies", "ServiceControlPoliciesForTarget"):
        assert key not in data
    s = snapshot_from_data(data, "live")
    (role,) = check_source(s, service_sources(s)[0], ["iam:execution-role"])
    assert role.verdict == "allowed" and role.assumptions == ()


ORGANIZATION = {
    "Id": "o-exampleorgid",
    "Arn": "arn:aws:organizations::999988887777:organization/o-exampleorgid",
    "MasterAccountId": "999988887777",
    "FeatureSet": "ALL",
}


@pytest.mark.parametrize("denied", ["DescribeOrganization", "ListParents"])
def test_organizations_denied_is_recorded_and_the_check_says_what_it_assumed(
    aws: str, nat_vpc: Any, denied: str
) -> None:
    # A member account may call DescribeOrganization, usually not the rest (AWS: "You can only
    # call this operation from the management account or a member account that is a
    # delegated administrator").
    collector = Collector(region=REGION, endpoint_url=aws)
    stub = Stubber(collector.client("organizations"))
    if denied == "DescribeOrganization":
        stub.add_client_error(
            "describe_organization", "AccessDeniedException", http_status_code=400
        )
    else:
        stub.add_response("describe_organization", {"Organization": ORGANIZATION})
        stub.add_client_error(
            "list_parents",
            "AccessDeniedException",
            http_status_code=400,
            expected_params={"ChildId": ACCOUNT},
        )
    with stub:
        data = collector.collect()
    stub.assert_no_pending_responses()
    assert data["CollectionErrors"] == [
        {"Call": f"organizations:{denied}", "Error": "AccessDeniedException"}
    ]
    assert ("Organization" in data) == (denied == "ListParents")
    for key in (
        "OrganizationParents",
        "OrganizationPolicies",
        "ServiceControlPoliciesForTarget",
        "ResourceControlPoliciesForTarget",
    ):
        assert key not in data
    s = snapshot_from_data(data, "live")
    (role,) = check_source(s, service_sources(s)[0], ["iam:execution-role"])
    assert role.verdict == "allowed"  # what the account's own policies give
    assert any("service control policies were not verified" in a for a in role.assumptions)
    assert any("resource control policies were not verified" in a for a in role.assumptions)
    if denied == "DescribeOrganization":
        assert "organizations:DescribeOrganization failed: AccessDeniedException" in " ".join(
            role.assumptions
        )


def test_policies_are_merged_across_pages_and_a_level_is_keyed_by_its_target() -> None:
    collector, _, stub = stubbed("organizations")
    stub.add_response("describe_organization", {"Organization": ORGANIZATION})
    stub.add_response(
        "list_parents",
        {"Parents": [{"Id": "r-ab12", "Type": "ROOT"}]},
        {"ChildId": "111122223333"},
    )
    summary = {"Id": "p-FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": True}
    for target in ("111122223333", "r-ab12"):
        params = {"TargetId": target, "Filter": "SERVICE_CONTROL_POLICY"}
        first = (
            {"Policies": [summary], "NextToken": "2"}
            if target == "r-ab12"
            else {"Policies": [summary]}
        )
        stub.add_response("list_policies_for_target", first, params)
        if target == "r-ab12":
            other = {**summary, "Id": "p-denyecr0001", "AwsManaged": False}
            stub.add_response(
                "list_policies_for_target", {"Policies": [other]}, {**params, "NextToken": "2"}
            )
    for target in ("111122223333", "r-ab12"):
        params = {"TargetId": target, "Filter": "RESOURCE_CONTROL_POLICY"}
        stub.add_response("list_policies_for_target", {"Policies": []}, params)
    for pid in ("p-FullAWSAccess", "p-denyecr0001"):
        stub.add_response(
            "describe_policy",
            {
                "Policy": {
                    "PolicySummary": {"Id": pid, "Type": "SERVICE_CONTROL_POLICY"},
                    "Content": "{}",
                }
            },
            {"PolicyId": pid},
        )
    snap: dict[str, Any] = {
        "AccountId": "111122223333",
        "taskDefinitions": [{"executionRoleArn": "arn:aws:iam::111122223333:role/r"}],
    }
    errors: list[dict[str, str]] = []
    collect_organizations(collector, snap, errors)
    stub.assert_no_pending_responses()
    assert errors == []
    assert snap["OrganizationParents"] == {
        "111122223333": {"Parents": [{"Id": "r-ab12", "Type": "ROOT"}]}
    }
    root = snap["ServiceControlPoliciesForTarget"]["r-ab12"]["Policies"]
    assert [p["Id"] for p in root] == ["p-FullAWSAccess", "p-denyecr0001"]
    assert snap["ResourceControlPoliciesForTarget"] == {
        "111122223333": {"Policies": []},
        "r-ab12": {"Policies": []},
    }
    assert [p["PolicySummary"]["Id"] for p in snap["OrganizationPolicies"]] == [
        "p-FullAWSAccess",
        "p-denyecr0001",
    ]


class _HttpResponse:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.raw = None
        self.content = b""
        self.text = ""


# ---- Stubber: paging, faults, throttling ---------------------------------------------------


def stubbed(service: str, session: Any = None) -> tuple[Collector, Any, Stubber]:
    # The collector's own client (adaptive retries, read-only guard), with stubbed answers.
    # A session given is shared only for its cache of botocore's models (a new one reads them
    # all again: a third of a second each).
    if session is None:
        session = _session()
    collector = Collector(region=REGION, session=session)
    c = collector.client(service)
    stub = Stubber(c)
    stub.activate()
    return collector, c, stub


def _session() -> Any:
    return boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION)


def _item(shape: Any) -> Any:
    """The least value of a shape the Stubber accepts: its required members filled (Route 53's
    replies have several)."""
    if shape.type_name == "structure":
        return {name: _item(shape.members[name]) for name in shape.required_members}
    if shape.type_name == "list":
        return []
    return {"boolean": False, "integer": 1, "long": 1, "map": {}}.get(shape.type_name, "x")


# One botocore session reads the paginator models (a new session reads its files again).
MODELS = botocore.session.get_session()
PAGED = sorted(
    op
    for op in OPERATIONS
    if MODELS.get_paginator_model(op.split(":")[0])
    .__dict__["_paginator_config"]
    .get(op.split(":")[1])
)
REQUIRED: dict[str, dict[str, Any]] = {
    "ec2:GetManagedPrefixListEntries": {"PrefixListId": "pl-1"},
    "ec2:SearchTransitGatewayRoutes": {
        "TransitGatewayRouteTableId": "tgw-rtb-1",
        "Filters": [{"Name": "state", "Values": ["active", "blackhole"]}],
    },
    "route53:ListResourceRecordSets": {"HostedZoneId": "Z1"},
    "ecs:ListServices": {"cluster": "app"},
    "ecs:ListTasks": {"cluster": "app"},
    "iam:ListRolePolicies": {"RoleName": "r"},
    "iam:ListAttachedRolePolicies": {"RoleName": "r"},
    "organizations:ListParents": {"ChildId": "123456789012"},
    "organizations:ListPoliciesForTarget": {
        "TargetId": "r-ab12",
        "Filter": "SERVICE_CONTROL_POLICY",
    },
}


def test_every_paginated_call_follows_every_page() -> None:
    assert len(PAGED) >= 15
    session = _session()
    for op in PAGED:
        service, name = op.split(":")
        collector, c, stub = stubbed(service, session)
        method = botocore.xform_name(name)
        config = MODELS.get_paginator_model(service).get_paginator(name)
        keys = (
            config["result_key"]
            if isinstance(config["result_key"], list)
            else [config["result_key"]]
        )
        out_token, in_token = config["output_token"], config["input_token"]
        out_token = out_token if isinstance(out_token, str) else out_token[0]
        in_token = in_token if isinstance(in_token, str) else in_token[0]
        shape = c.meta.service_model.operation_model(name).output_shape
        lists = {k: [_item(shape.members[k].member)] for k in keys if k in shape.members}
        required = {k: _item(shape.members[k]) for k in shape.required_members if k not in lists}
        page = {**required, **lists}
        params: dict[str, Any] = dict(REQUIRED.get(op, {}))
        first = dict(page, **{out_token: "page-2"})
        if "more_results" in config:
            first[config["more_results"]] = True
        stub.add_response(method, first, params)
        stub.add_response(method, dict(page), {**params, in_token: "page-2"})
        errors: list[dict[str, str]] = []
        result = collector.call(service, name, errors, **params)
        stub.assert_no_pending_responses()
        assert errors == [], op
        assert result is not None
        assert all(len(result[k]) == 2 for k in lists), op


def test_an_error_is_recorded_and_collection_goes_on() -> None:
    collector, _, stub = stubbed("ec2")
    stub.add_client_error(
        "describe_network_acls", service_error_code="AccessDenied", http_status_code=403
    )
    stub.add_response("describe_subnets", {"Subnets": [{"SubnetId": "subnet-1"}]})
    errors: list[dict[str, str]] = []
    assert collector.call("ec2", "DescribeNetworkAcls", errors) is None
    assert collector.call("ec2", "DescribeSubnets", errors) == {
        "Subnets": [{"SubnetId": "subnet-1"}]
    }
    assert errors == [{"Call": "ec2:DescribeNetworkAcls", "Error": "AccessDenied"}]


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def test_throttling_is_retried() -> None:
    # Stubber answers before botocore's retry loop, so it cannot show a retry; a
    # before-send hook answers inside it, as the wire would: first throttled, then served.
    from botocore.awsrequest import AWSResponse

    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION)
    collector = Collector(region=REGION, session=session)
    ec2 = collector.client("ec2")
    answers = [
        (
            400,
            b"<Response><Errors><Error><Code>Throttling</Code><Message>Rate exceeded"
            b"</Message></Error></Errors><RequestID>1</RequestID></Response>",
        ),
        (
            200,
            b'<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            b"<requestId>2</requestId><vpcSet><item><vpcId>vpc-1</vpcId></item></vpcSet>"
            b"</DescribeVpcsResponse>",
        ),
    ]
    sent: list[int] = []

    def wire(request: Any, **_: Any) -> AWSResponse:
        status, body = answers[len(sent)]
        sent.append(status)
        return AWSResponse(request.url, status, {}, _Raw(body))

    ec2.meta.events.register("before-send.ec2.DescribeVpcs", wire)
    errors: list[dict[str, str]] = []
    result = collector.call("ec2", "DescribeVpcs", errors)
    assert sent == [400, 200]
    assert errors == []
    assert result is not None and result["Vpcs"] == [{"VpcId": "vpc-1"}]


def test_no_credentials_and_unknown_region_are_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(key, raising=False)
    empty = tmp_path / "empty"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    out = str(tmp_path / "s.json")
    assert main(["collect", "--region", REGION, "-o", out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "netgraph: error: no AWS credentials: configure a profile (--profile) or "
        "set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
    )
    assert main(["collect", "--region", "xx-nowhere-1", "-o", out]) == 2
    # Refused before any call (live.collect), as the region of a snapshot file is.
    line = capsys.readouterr().err.strip()
    assert line.startswith("netgraph: error: --region: 'xx-nowhere-1' is not an AWS region")
    assert "\n" not in line
    assert main(["check", "--live", "--region", "xx-nowhere-1"]) == 2


def test_readme_carries_the_collector_policy() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    policy = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    assert all(f'"{action}"' in readme for action in policy["Statement"][0]["Action"])
