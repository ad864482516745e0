"""Write the bundled sample snapshots (samples/*.json) in the shapes AWS returns.

One healthy VPC is described here once; every sample is that VPC with one thing changed,
so each broken sample differs from a healthy one by exactly the fault it shows. Run
`python samples/build.py` after changing this file; tests check the files match it.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REGION = "ap-northeast-1"
ACCOUNT = "111122223333"
VPC = "vpc-0a1b2c3d4e5f60718"
CIDR = "10.0.0.0/16"

SUBNETS = {
    # name: (id, cidr, az)
    "private-a": ("subnet-0a11c0ffee0000001", "10.0.1.0/24", "ap-northeast-1a"),
    "private-c": ("subnet-0a11c0ffee0000002", "10.0.2.0/24", "ap-northeast-1c"),
    "endpoints-a": ("subnet-0a11c0ffee0000011", "10.0.11.0/24", "ap-northeast-1a"),
    "endpoints-c": ("subnet-0a11c0ffee0000012", "10.0.12.0/24", "ap-northeast-1c"),
    "public-a": ("subnet-0a11c0ffee0000101", "10.0.101.0/24", "ap-northeast-1a"),
    "public-c": ("subnet-0a11c0ffee0000102", "10.0.102.0/24", "ap-northeast-1c"),
}
SG_DEFAULT = "sg-0d0d0d0d0d0d0d0d0"
SG_TASK = "sg-0b0b0b0b0b0b0b0b1"
SG_ENDPOINTS = "sg-0e0e0e0e0e0e0e0e2"
ACL_DEFAULT = "acl-0c0c0c0c0c0c0c0c0"
ACL_TASKS = "acl-0c0c0c0c0c0c0c0c1"
RTB_MAIN = "rtb-0f0f0f0f0f0f0f0f0"
RTB_PRIVATE = "rtb-0f0f0f0f0f0f0f0f1"
RTB_PUBLIC = "rtb-0f0f0f0f0f0f0f0f2"
IGW = "igw-0a0a0a0a0a0a0a0a0"
NAT = "nat-0a0a0a0a0a0a0a0a1"
DOPT = "dopt-0a0a0a0a0a0a0a0a0"
S3_PL = "pl-61a54008"
S3_CIDRS = [
    "52.219.0.0/20",
    "52.219.16.0/22",
    "52.219.68.0/22",
    "52.219.136.0/22",
    "52.219.152.0/22",
    "52.219.162.0/23",
    "52.219.172.0/22",
    "52.219.195.0/24",
    "3.5.152.0/21",
]
ENDPOINTS = {
    # service: (endpoint id, ENI ids)
    "ecr.api": ("vpce-0e1c2a3b4d5e6f701", ("eni-0e1c2a3b4d5e6f711", "eni-0e1c2a3b4d5e6f712")),
    "ecr.dkr": ("vpce-0e1c2a3b4d5e6f702", ("eni-0e1c2a3b4d5e6f721", "eni-0e1c2a3b4d5e6f722")),
    "logs": ("vpce-0e1c2a3b4d5e6f703", ("eni-0e1c2a3b4d5e6f731", "eni-0e1c2a3b4d5e6f732")),
    "secretsmanager": (
        "vpce-0e1c2a3b4d5e6f704",
        ("eni-0e1c2a3b4d5e6f741", "eni-0e1c2a3b4d5e6f742"),
    ),
}
S3_ENDPOINT = "vpce-0e1c2a3b4d5e6f7s3"
DEFAULT_POLICY = json.dumps(
    {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    },
    indent=2,
)
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web:1.4.2"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:web/db-password-Xy12Ab"
EXEC_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
REPO_ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/web"
TASK_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
GUARDRAIL = f"arn:aws:iam::{ACCOUNT}:policy/deny-unapproved-repositories"
KMS_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KMS_KEY_ID}"
KEY_ADMIN = f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"


def tags(name: str) -> list[dict[str, str]]:
    return [{"Key": "Name", "Value": name}]


def sg_rule(
    protocol: str,
    from_port: int | None,
    to_port: int | None,
    cidrs: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
) -> dict[str, Any]:
    rule: dict[str, Any] = {"IpProtocol": protocol}
    if from_port is not None:
        rule["FromPort"], rule["ToPort"] = from_port, to_port
    rule["IpRanges"] = [{"CidrIp": c} for c in cidrs]
    rule["Ipv6Ranges"] = []
    rule["PrefixListIds"] = []
    rule["UserIdGroupPairs"] = [{"GroupId": g, "UserId": ACCOUNT} for g in groups]
    return rule


def acl_entry(
    number: int,
    egress: bool,
    protocol: str,
    action: str,
    cidr: str,
    ports: tuple[int, int] | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "CidrBlock": cidr,
        "Egress": egress,
        "Protocol": protocol,
        "RuleAction": action,
        "RuleNumber": number,
    }
    if ports is not None:
        entry["PortRange"] = {"From": ports[0], "To": ports[1]}
    return entry


def route(dest: str, target_key: str, target: str, origin: str = "CreateRoute") -> dict[str, Any]:
    key = "DestinationPrefixListId" if dest.startswith("pl-") else "DestinationCidrBlock"
    return {key: dest, target_key: target, "Origin": origin, "State": "active"}


def eni(
    eni_id: str,
    subnet: str,
    ip: str,
    groups: list[str],
    description: str,
    interface_type: str,
    public_ip: str | None = None,
) -> dict[str, Any]:
    sub_id, _, az = SUBNETS[subnet]
    out: dict[str, Any] = {
        "AvailabilityZone": az,
        "Description": description,
        "Groups": [{"GroupId": g, "GroupName": g} for g in groups],
        "InterfaceType": interface_type,
        "NetworkInterfaceId": eni_id,
        "OwnerId": ACCOUNT,
        "PrivateIpAddress": ip,
        "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}],
        "RequesterManaged": True,
        "SourceDestCheck": True,
        "Status": "in-use",
        "SubnetId": sub_id,
        "VpcId": VPC,
    }
    if public_ip:
        out["Association"] = {"IpOwnerId": "amazon", "PublicIp": public_ip}
    return out


def healthy_endpoints() -> dict[str, Any]:
    """Private subnets, interface endpoints for ECR/logs/Secrets Manager, S3 gateway."""
    private = [SUBNETS["private-a"][0], SUBNETS["private-c"][0]]
    endpoint_subnets = [SUBNETS["endpoints-a"][0], SUBNETS["endpoints-c"][0]]
    snap: dict[str, Any] = {
        "SnapshotVersion": 1,
        "Region": REGION,
        "AccountId": ACCOUNT,
        "CollectedAt": "2026-11-20T09:30:00Z",
        "Vpcs": [
            {
                "CidrBlock": CIDR,
                "DhcpOptionsId": DOPT,
                "State": "available",
                "VpcId": VPC,
                "OwnerId": ACCOUNT,
                "InstanceTenancy": "default",
                "IsDefault": False,
                "CidrBlockAssociationSet": [
                    {
                        "AssociationId": "vpc-cidr-assoc-0a1b2c3d4e5f60718",
                        "CidrBlock": CIDR,
                        "CidrBlockState": {"State": "associated"},
                    }
                ],
                "Tags": tags("app-prod"),
            }
        ],
        "VpcAttributes": [
            {"VpcId": VPC, "EnableDnsSupport": {"Value": True}},
            {"VpcId": VPC, "EnableDnsHostnames": {"Value": True}},
        ],
        "DhcpOptions": [
            {
                "DhcpOptionsId": DOPT,
                "OwnerId": ACCOUNT,
                "DhcpConfigurations": [
                    {"Key": "domain-name", "Values": [{"Value": f"{REGION}.compute.internal"}]},
                    {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]},
                ],
            }
        ],
        "Subnets": [
            {
                "AvailabilityZone": az,
                "CidrBlock": cidr,
                "SubnetId": sid,
                "VpcId": VPC,
                "State": "available",
                "MapPublicIpOnLaunch": name.startswith("public"),
                "AvailableIpAddressCount": 250,
                "DefaultForAz": False,
                "OwnerId": ACCOUNT,
                "Tags": tags(f"app-prod-{name}"),
            }
            for name, (sid, cidr, az) in SUBNETS.items()
        ],
        "RouteTables": [
            {
                "RouteTableId": RTB_MAIN,
                "VpcId": VPC,
                "OwnerId": ACCOUNT,
                "Associations": [
                    {
                        "Main": True,
                        "RouteTableAssociationId": "rtbassoc-0f0f0f0f00",
                        "RouteTableId": RTB_MAIN,
                        "AssociationState": {"State": "associated"},
                    }
                ],
                "Routes": [route(CIDR, "GatewayId", "local", "CreateRouteTable")],
                "PropagatingVgws": [],
                "Tags": tags("app-prod-main"),
            },
            {
                "RouteTableId": RTB_PRIVATE,
                "VpcId": VPC,
                "OwnerId": ACCOUNT,
                "Associations": [
                    {
                        "Main": False,
                        "RouteTableAssociationId": f"rtbassoc-0f0f0f0f1{i}",
                        "RouteTableId": RTB_PRIVATE,
                        "SubnetId": s,
                        "AssociationState": {"State": "associated"},
                    }
                    for i, s in enumerate(private + endpoint_subnets)
                ],
                "Routes": [
                    route(CIDR, "GatewayId", "local", "CreateRouteTable"),
                    route(S3_PL, "GatewayId", S3_ENDPOINT, "CreateRoute"),
                ],
                "PropagatingVgws": [],
                "Tags": tags("app-prod-private"),
            },
            {
                "RouteTableId": RTB_PUBLIC,
                "VpcId": VPC,
                "OwnerId": ACCOUNT,
                "Associations": [
                    {
                        "Main": False,
                        "RouteTableAssociationId": f"rtbassoc-0f0f0f0f2{i}",
                        "RouteTableId": RTB_PUBLIC,
                        "SubnetId": SUBNETS[n][0],
                        "AssociationState": {"State": "associated"},
                    }
                    for i, n in enumerate(("public-a", "public-c"))
                ],
                "Routes": [
                    route(CIDR, "GatewayId", "local", "CreateRouteTable"),
                    route("0.0.0.0/0", "GatewayId", IGW),
                ],
                "PropagatingVgws": [],
                "Tags": tags("app-prod-public"),
            },
        ],
        "InternetGateways": [
            {
                "InternetGatewayId": IGW,
                "OwnerId": ACCOUNT,
                "Attachments": [{"State": "available", "VpcId": VPC}],
                "Tags": tags("app-prod-igw"),
            }
        ],
        "EgressOnlyInternetGateways": [],
        "NatGateways": [],
        "VpcEndpoints": [
            {
                "VpcEndpointId": ep_id,
                "VpcEndpointType": "Interface",
                "VpcId": VPC,
                "ServiceName": f"com.amazonaws.{REGION}.{svc}",
                "State": "available",
                "PolicyDocument": DEFAULT_POLICY,
                "RouteTableIds": [],
                "SubnetIds": endpoint_subnets,
                "Groups": [{"GroupId": SG_ENDPOINTS, "GroupName": "vpc-endpoints"}],
                "IpAddressType": "ipv4",
                "DnsOptions": {"DnsRecordIpType": "ipv4"},
                "PrivateDnsEnabled": True,
                "RequesterManaged": False,
                "NetworkInterfaceIds": list(enis),
                "OwnerId": ACCOUNT,
                "CreationTimestamp": "2026-03-02T04:05:06.000Z",
                "Tags": tags(f"{svc}-endpoint"),
            }
            for svc, (ep_id, enis) in ENDPOINTS.items()
        ]
        + [
            {
                "VpcEndpointId": S3_ENDPOINT,
                "VpcEndpointType": "Gateway",
                "VpcId": VPC,
                "ServiceName": f"com.amazonaws.{REGION}.s3",
                "State": "available",
                "PolicyDocument": DEFAULT_POLICY,
                "RouteTableIds": [RTB_PRIVATE],
                "SubnetIds": [],
                "Groups": [],
                "PrivateDnsEnabled": False,
                "RequesterManaged": False,
                "NetworkInterfaceIds": [],
                "DnsEntries": [],
                "OwnerId": ACCOUNT,
                "CreationTimestamp": "2026-03-02T04:05:06.000Z",
                "Tags": tags("s3-gateway"),
            },
        ],
        "SecurityGroups": [
            {
                "GroupId": SG_DEFAULT,
                "GroupName": "default",
                "VpcId": VPC,
                "OwnerId": ACCOUNT,
                "Description": "default VPC security group",
                "IpPermissions": [sg_rule("-1", None, None, groups=(SG_DEFAULT,))],
                "IpPermissionsEgress": [sg_rule("-1", None, None, cidrs=("0.0.0.0/0",))],
            },
            {
                "GroupId": SG_TASK,
                "GroupName": "web-task",
                "VpcId": VPC,
                "OwnerId": ACCOUNT,
                "Description": "web tasks",
                "IpPermissions": [sg_rule("tcp", 8080, 8080, cidrs=(CIDR,))],
                "IpPermissionsEgress": [sg_rule("-1", None, None, cidrs=("0.0.0.0/0",))],
            },
            {
                "GroupId": SG_ENDPOINTS,
                "GroupName": "vpc-endpoints",
                "VpcId": VPC,
                "OwnerId": ACCOUNT,
                "Description": "HTTPS from the VPC to the endpoints",
                "IpPermissions": [sg_rule("tcp", 443, 443, cidrs=(CIDR,))],
                "IpPermissionsEgress": [sg_rule("-1", None, None, cidrs=("0.0.0.0/0",))],
            },
        ],
        "NetworkAcls": [
            {
                "NetworkAclId": ACL_DEFAULT,
                "VpcId": VPC,
                "IsDefault": True,
                "OwnerId": ACCOUNT,
                "Associations": [
                    {
                        "NetworkAclAssociationId": f"aclassoc-0c0c0c0c{i:02d}",
                        "NetworkAclId": ACL_DEFAULT,
                        "SubnetId": sid,
                    }
                    for i, (sid, _, _) in enumerate(SUBNETS.values())
                ],
                "Entries": [
                    acl_entry(100, True, "-1", "allow", "0.0.0.0/0"),
                    acl_entry(32767, True, "-1", "deny", "0.0.0.0/0"),
                    acl_entry(100, False, "-1", "allow", "0.0.0.0/0"),
                    acl_entry(32767, False, "-1", "deny", "0.0.0.0/0"),
                ],
                "Tags": [],
            },
        ],
        "NetworkInterfaces": [
            eni(
                eni_id,
                "endpoints-a" if i == 0 else "endpoints-c",
                f"10.0.{11 + i}.{10 + n * 10}",
                [SG_ENDPOINTS],
                f"VPC Endpoint Interface {ep_id}",
                "vpc_endpoint",
            )
            for n, (ep_id, enis) in enumerate(ENDPOINTS.values())
            for i, eni_id in enumerate(enis)
        ],
        "PrefixLists": [
            {
                "PrefixListId": S3_PL,
                "PrefixListName": f"com.amazonaws.{REGION}.s3",
                "Cidrs": S3_CIDRS,
            },
        ],
        "services": [
            {
                "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/app/web",
                "serviceName": "web",
                "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/app",
                "status": "ACTIVE",
                "desiredCount": 2,
                "runningCount": 0,
                "pendingCount": 2,
                "launchType": "FARGATE",
                "platformVersion": "LATEST",
                "platformFamily": "Linux",
                "taskDefinition": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:7",
                "networkConfiguration": {
                    "awsvpcConfiguration": {
                        "subnets": private,
                        "securityGroups": [SG_TASK],
                        "assignPublicIp": "DISABLED",
                    }
                },
            }
        ],
        "taskDefinitions": [
            {
                "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:7",
                "family": "web",
                "revision": 7,
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "cpu": "512",
                "memory": "1024",
                "executionRoleArn": EXEC_ROLE,
                "containerDefinitions": [
                    {
                        "name": "web",
                        "image": IMAGE,
                        "essential": True,
                        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {
                                "awslogs-group": "/ecs/web",
                                "awslogs-region": REGION,
                                "awslogs-stream-prefix": "web",
                            },
                        },
                        "secrets": [{"name": "DB_PASSWORD", "valueFrom": SECRET}],
                    }
                ],
            }
        ],
        # aws iam get-account-authorization-details --filter Role LocalManagedPolicy
        "RoleDetailList": [execution_role()],
        "Policies": [],
        # aws ecr describe-repositories; get-repository-policy for each (none here)
        "repositories": [
            {
                "repositoryArn": REPO_ARN,
                "registryId": ACCOUNT,
                "repositoryName": "web",
                "repositoryUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web",
            }
        ],
        "RepositoryPolicies": [],
        # aws secretsmanager describe-secret for each secret the tasks read (never its
        # value): no KmsKeyId, so it is encrypted with the AWS managed key aws/secretsmanager
        "SecretDescriptions": [secret_description()],
    }
    return snap


def secret_description(kms_key_id: str | None = None) -> dict[str, Any]:
    """`aws secretsmanager describe-secret --secret-id SECRET` (AWS leaves KmsKeyId out for a
    secret encrypted with aws/secretsmanager)."""
    out: dict[str, Any] = {
        "ARN": SECRET,
        "Name": "web/db-password",
        "Description": "password of the web database user",
        "LastChangedDate": "2026-03-02T04:05:06+00:00",
        "LastAccessedDate": "2026-11-20T00:00:00+00:00",
        "Tags": [],
        "VersionIdsToStages": {"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111": ["AWSCURRENT"]},
        "CreatedDate": "2026-03-02T04:05:06+00:00",
    }
    if kms_key_id is not None:
        out["KmsKeyId"] = kms_key_id
    return out


def execution_role(
    attached: tuple[str, ...] = (TASK_EXECUTION_POLICY,),
    trusted: str = "ecs-tasks.amazonaws.com",
) -> dict[str, Any]:
    """The role as get-account-authorization-details returns it (documents decoded, as the
    AWS CLI prints them)."""
    return {
        "Path": "/",
        "RoleName": "ecsTaskExecutionRole",
        "RoleId": "AROAEXAMPLEEXECROLE01",
        "Arn": EXEC_ROLE,
        "CreateDate": "2026-03-02T04:05:06+00:00",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "",
                    "Effect": "Allow",
                    "Principal": {"Service": trusted},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "InstanceProfileList": [],
        "RolePolicyList": [
            {
                "PolicyName": "read-web-secrets",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:web/*",
                        }
                    ],
                },
            }
        ],
        "AttachedManagedPolicies": [
            {"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in attached
        ],
        "Tags": [],
        "RoleLastUsed": {},
    }


def _find(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(i for i in items if i.get(key) == value)


def _use_subnets(snap: dict[str, Any], names: tuple[str, ...]) -> None:
    conf = snap["services"][0]["networkConfiguration"]["awsvpcConfiguration"]
    conf["subnets"] = [SUBNETS[n][0] for n in names]


def healthy_nat() -> dict[str, Any]:
    """Private subnets whose default route goes to a NAT gateway in a public subnet."""
    snap = healthy_endpoints()
    snap["VpcEndpoints"] = []
    snap["NetworkInterfaces"] = [
        eni(
            "eni-0a0a0a0a0a0a0a0n1",
            "public-a",
            "10.0.101.25",
            [],
            f"Interface for NAT Gateway {NAT}",
            "nat_gateway",
            public_ip="54.250.10.20",
        )
    ]
    snap["NatGateways"] = [
        {
            "NatGatewayId": NAT,
            "VpcId": VPC,
            "SubnetId": SUBNETS["public-a"][0],
            "State": "available",
            "ConnectivityType": "public",
            "CreateTime": "2026-03-02T04:05:06.000Z",
            "NatGatewayAddresses": [
                {
                    "AllocationId": "eipalloc-0a0a0a0a0a0a0a0a0",
                    "NetworkInterfaceId": "eni-0a0a0a0a0a0a0a0n1",
                    "PrivateIp": "10.0.101.25",
                    "PublicIp": "54.250.10.20",
                    "IsPrimary": True,
                    "Status": "succeeded",
                }
            ],
            "Tags": tags("app-prod-nat-a"),
        }
    ]
    private = _find(snap["RouteTables"], "RouteTableId", RTB_PRIVATE)
    private["Routes"] = [
        route(CIDR, "GatewayId", "local", "CreateRouteTable"),
        route("0.0.0.0/0", "NatGatewayId", NAT),
    ]
    return snap


def healthy_public() -> dict[str, Any]:
    """Tasks in public subnets with a public IP, out through the internet gateway."""
    snap = healthy_nat()
    snap["NatGateways"] = []
    snap["NetworkInterfaces"] = []
    private = _find(snap["RouteTables"], "RouteTableId", RTB_PRIVATE)
    private["Routes"] = private["Routes"][:1]
    _use_subnets(snap, ("public-a", "public-c"))
    snap["services"][0]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] = "ENABLED"
    return snap


def broken_s3_only_endpoint() -> dict[str, Any]:
    """Private subnets with only the S3 gateway endpoint: no way to ECR, logs, secrets."""
    snap = healthy_endpoints()
    snap["VpcEndpoints"] = [e for e in snap["VpcEndpoints"] if e["VpcEndpointType"] == "Gateway"]
    snap["NetworkInterfaces"] = []
    return snap


def broken_nacl_no_ephemeral() -> dict[str, Any]:
    """The task subnets' NACL admits 443 out but no return traffic on ephemeral ports."""
    snap = healthy_endpoints()
    private = [SUBNETS["private-a"][0], SUBNETS["private-c"][0]]
    default = _find(snap["NetworkAcls"], "NetworkAclId", ACL_DEFAULT)
    default["Associations"] = [a for a in default["Associations"] if a["SubnetId"] not in private]
    snap["NetworkAcls"].append(
        {
            "NetworkAclId": ACL_TASKS,
            "VpcId": VPC,
            "IsDefault": False,
            "OwnerId": ACCOUNT,
            "Associations": [
                {
                    "NetworkAclAssociationId": f"aclassoc-0c0c0c0c1{i}",
                    "NetworkAclId": ACL_TASKS,
                    "SubnetId": s,
                }
                for i, s in enumerate(private)
            ],
            "Entries": [
                acl_entry(100, True, "6", "allow", "0.0.0.0/0", (443, 443)),
                acl_entry(32767, True, "-1", "deny", "0.0.0.0/0"),
                acl_entry(100, False, "6", "allow", CIDR, (8080, 8080)),
                acl_entry(110, False, "6", "allow", CIDR, (443, 443)),
                acl_entry(32767, False, "-1", "deny", "0.0.0.0/0"),
            ],
            "Tags": tags("app-prod-tasks"),
        }
    )
    return snap


def broken_endpoint_sg_no_443() -> dict[str, Any]:
    """The endpoints' security group admits only HTTP, not HTTPS, from the VPC."""
    snap = healthy_endpoints()
    group = _find(snap["SecurityGroups"], "GroupId", SG_ENDPOINTS)
    group["IpPermissions"] = [sg_rule("tcp", 80, 80, cidrs=(CIDR,))]
    return snap


def broken_private_dns_off() -> dict[str, Any]:
    """The ecr.dkr endpoint was created with private DNS off."""
    snap = healthy_endpoints()
    dkr = _find(snap["VpcEndpoints"], "VpcEndpointId", ENDPOINTS["ecr.dkr"][0])
    dkr["PrivateDnsEnabled"] = False
    return snap


def broken_public_no_public_ip() -> dict[str, Any]:
    """Tasks in public subnets without a public IP: the internet gateway will not carry them."""
    snap = healthy_public()
    snap["services"][0]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] = (
        "DISABLED"
    )
    return snap


def unknown_custom_dns() -> dict[str, Any]:
    """Healthy endpoints, but the VPC's DHCP options name the company's own DNS servers."""
    snap = healthy_endpoints()
    snap["DhcpOptions"][0]["DhcpConfigurations"][1]["Values"] = [
        {"Value": "10.0.0.53"},
        {"Value": "10.0.1.53"},
    ]
    return snap


def broken_role_without_ecr() -> dict[str, Any]:
    """The network is fixed (endpoints), but the execution role can only write logs."""
    snap = healthy_endpoints()
    snap["RoleDetailList"] = [
        execution_role(attached=("arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",))
    ]
    return snap


def broken_explicit_deny() -> dict[str, Any]:
    """A company guardrail denies pulls from repositories outside approved/."""
    snap = healthy_endpoints()
    snap["RoleDetailList"] = [execution_role(attached=(TASK_EXECUTION_POLICY, GUARDRAIL))]
    snap["Policies"] = [
        {
            "PolicyName": "deny-unapproved-repositories",
            "PolicyId": "ANPAEXAMPLEGUARDRAIL1",
            "Arn": GUARDRAIL,
            "Path": "/",
            "DefaultVersionId": "v2",
            "AttachmentCount": 1,
            "IsAttachable": True,
            "PolicyVersionList": [
                {
                    "VersionId": "v2",
                    "IsDefaultVersion": True,
                    "Document": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "OnlyApprovedRepositories",
                                "Effect": "Deny",
                                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                                "NotResource": f"arn:aws:ecr:*:{ACCOUNT}:repository/approved/*",
                            }
                        ],
                    },
                },
                {
                    "VersionId": "v1",
                    "IsDefaultVersion": False,
                    "Document": {"Version": "2012-10-17", "Statement": []},
                },
            ],
        }
    ]
    return snap


def broken_trust_policy() -> dict[str, Any]:
    """The execution role trusts EC2, not ECS tasks."""
    snap = healthy_endpoints()
    snap["RoleDetailList"] = [execution_role(trusted="ec2.amazonaws.com")]
    return snap


def broken_s3_endpoint_policy() -> dict[str, Any]:
    """The S3 gateway endpoint allows only the company's buckets, not ECR's layer bucket."""
    snap = healthy_endpoints()
    s3 = _find(snap["VpcEndpoints"], "VpcEndpointId", S3_ENDPOINT)
    s3["PolicyDocument"] = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CompanyBucketsOnly",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::acme-prod-*", "arn:aws:s3:::acme-prod-*/*"],
                }
            ],
        },
        indent=2,
    )
    return snap


def broken_kms_key_policy() -> dict[str, Any]:
    """The secret is encrypted with a customer managed key whose key policy lets only the
    key administrators use it: not the execution role, nor the account (no "Enable IAM User
    Permissions" statement), so the role's own kms:Decrypt grant has no effect."""
    snap = healthy_endpoints()
    snap["SecretDescriptions"] = [secret_description(KMS_KEY)]
    role = snap["RoleDetailList"][0]
    role["RolePolicyList"][0]["PolicyDocument"]["Statement"].append(
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KMS_KEY}
    )
    # aws kms describe-key --key-id KEY, for each key a secret names: its KeyMetadata
    snap["KmsKeys"] = [
        {
            "AWSAccountId": ACCOUNT,
            "KeyId": KMS_KEY_ID,
            "Arn": KMS_KEY,
            "CreationDate": "2026-03-02T04:05:06+00:00",
            "Enabled": True,
            "Description": "web secrets",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": "Enabled",
            "Origin": "AWS_KMS",
            "KeyManager": "CUSTOMER",
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        }
    ]
    # aws kms get-key-policy --key-id KEY, with the KeyId the reply does not carry
    snap["KmsKeyPolicies"] = [
        {
            "KeyId": KMS_KEY_ID,
            "PolicyName": "default",
            "Policy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Id": "key-web-secrets",
                    "Statement": [
                        {
                            "Sid": "Allow access for Key Administrators",
                            "Effect": "Allow",
                            "Principal": {"AWS": KEY_ADMIN},
                            "Action": "kms:*",
                            "Resource": "*",
                        }
                    ],
                },
                indent=2,
            ),
        }
    ]
    return snap


SAMPLES = {
    "healthy-endpoints": healthy_endpoints,
    "healthy-nat": healthy_nat,
    "healthy-public": healthy_public,
    "broken-s3-only-endpoint": broken_s3_only_endpoint,
    "broken-nacl-no-ephemeral": broken_nacl_no_ephemeral,
    "broken-endpoint-sg-no-443": broken_endpoint_sg_no_443,
    "broken-private-dns-off": broken_private_dns_off,
    "broken-public-no-public-ip": broken_public_no_public_ip,
    "unknown-custom-dns": unknown_custom_dns,
    "broken-role-without-ecr": broken_role_without_ecr,
    "broken-explicit-deny": broken_explicit_deny,
    "broken-trust-policy": broken_trust_policy,
    "broken-s3-endpoint-policy": broken_s3_endpoint_policy,
    "broken-kms-key-policy": broken_kms_key_policy,
}


def render(name: str) -> str:
    return json.dumps(copy.deepcopy(SAMPLES[name]()), indent=2) + "\n"


def main() -> int:
    for name in SAMPLES:
        (HERE / f"{name}.json").write_text(render(name), encoding="utf-8")
        print(f"wrote samples/{name}.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
