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


# ---- several VPCs: hub and spoke in one account (snapshot-format.md "Several VPCs") -------
#
# A spoke VPC with the service and no NAT gateway or endpoint of its own; an egress VPC with
# a NAT gateway; a shared-services VPC with interface endpoints. Every VPC has its transit
# gateway attachment in /28 subnets of its own, as AWS recommends.

SPOKE = "vpc-05b0ke00000000001"
SPOKE_CIDR = "10.1.0.0/16"
EGRESS = "vpc-0e9e5500000000002"
EGRESS_CIDR = "10.100.0.0/16"
SHARED = "vpc-05a4ed00000000003"
SHARED_CIDR = "10.50.0.0/16"
TGW = "tgw-0a1b2c3d4e5f60001"
TGW_RTB_SPOKES = "tgw-rtb-0a1b2c3d4e5f60011"
TGW_RTB_HUB = "tgw-rtb-0a1b2c3d4e5f60012"
ATTACH = {
    SPOKE: "tgw-attach-0a1b2c3d4e5f60021",
    EGRESS: "tgw-attach-0a1b2c3d4e5f60022",
    SHARED: "tgw-attach-0a1b2c3d4e5f60023",
}
PCX = "pcx-0a1b2c3d4e5f60031"
HUB_IGW = "igw-0e9e5500000000001"
HUB_NAT = "nat-0e9e5500000000001"
SG_SPOKE_TASK = "sg-05b0ke00000000001"
SG_HUB_ENDPOINTS = "sg-05a4ed00000000001"
# name: (subnet id, cidr, az), per VPC
VPC_SUBNETS: dict[str, dict[str, tuple[str, str, str]]] = {
    SPOKE: {
        "private-a": ("subnet-05b0ke000000001a", "10.1.1.0/24", "ap-northeast-1a"),
        "private-c": ("subnet-05b0ke000000001c", "10.1.2.0/24", "ap-northeast-1c"),
        "tgw-a": ("subnet-05b0ke00000000fa", "10.1.250.0/28", "ap-northeast-1a"),
        "tgw-c": ("subnet-05b0ke00000000fc", "10.1.250.16/28", "ap-northeast-1c"),
    },
    EGRESS: {
        "public-a": ("subnet-0e9e5500000001a", "10.100.101.0/24", "ap-northeast-1a"),
        "public-c": ("subnet-0e9e5500000001c", "10.100.102.0/24", "ap-northeast-1c"),
        "tgw-a": ("subnet-0e9e55000000fa", "10.100.250.0/28", "ap-northeast-1a"),
        "tgw-c": ("subnet-0e9e55000000fc", "10.100.250.16/28", "ap-northeast-1c"),
    },
    SHARED: {
        "endpoints-a": ("subnet-05a4ed0000001a", "10.50.11.0/24", "ap-northeast-1a"),
        "endpoints-c": ("subnet-05a4ed0000001c", "10.50.12.0/24", "ap-northeast-1c"),
        "tgw-a": ("subnet-05a4ed000000fa", "10.50.250.0/28", "ap-northeast-1a"),
        "tgw-c": ("subnet-05a4ed000000fc", "10.50.250.16/28", "ap-northeast-1c"),
    },
}
VPC_NAMES = {SPOKE: "spoke-app", EGRESS: "hub-egress", SHARED: "hub-shared-services"}
VPC_CIDRS = {SPOKE: SPOKE_CIDR, EGRESS: EGRESS_CIDR, SHARED: SHARED_CIDR}
HUB_ENDPOINTS = {
    # service: (endpoint id, DNS id part, ENI ids)
    "ecr.api": (
        "vpce-05a4ed0000000e01",
        "a1b2c3d4",
        ("eni-05a4ed00000e0101", "eni-05a4ed00000e0102"),
    ),
    "ecr.dkr": (
        "vpce-05a4ed0000000e02",
        "b2c3d4e5",
        ("eni-05a4ed00000e0201", "eni-05a4ed00000e0202"),
    ),
    "logs": ("vpce-05a4ed0000000e03", "c3d4e5f6", ("eni-05a4ed00000e0301", "eni-05a4ed00000e0302")),
    "secretsmanager": (
        "vpce-05a4ed0000000e04",
        "d4e5f6a7",
        ("eni-05a4ed00000e0401", "eni-05a4ed00000e0402"),
    ),
    "s3": ("vpce-05a4ed0000000e05", "e5f6a7b8", ("eni-05a4ed00000e0501", "eni-05a4ed00000e0502")),
}


def _subnet_id(vpc: str, name: str) -> str:
    return VPC_SUBNETS[vpc][name][0]


def _vpc_record(vpc: str) -> dict[str, Any]:
    cidr = VPC_CIDRS[vpc]
    return {
        "CidrBlock": cidr,
        "DhcpOptionsId": DOPT,
        "State": "available",
        "VpcId": vpc,
        "OwnerId": ACCOUNT,
        "InstanceTenancy": "default",
        "IsDefault": False,
        "CidrBlockAssociationSet": [
            {
                "AssociationId": f"vpc-cidr-assoc-{vpc[4:]}",
                "CidrBlock": cidr,
                "CidrBlockState": {"State": "associated"},
            }
        ],
        "Tags": tags(VPC_NAMES[vpc]),
    }


def _route_table(
    rtb: str, vpc: str, subnets: list[str], routes: list[dict[str, Any]], name: str
) -> dict[str, Any]:
    return {
        "RouteTableId": rtb,
        "VpcId": vpc,
        "OwnerId": ACCOUNT,
        "Associations": [
            {
                "Main": False,
                "RouteTableAssociationId": f"rtbassoc-{rtb[4:]}{i}",
                "RouteTableId": rtb,
                "SubnetId": s,
                "AssociationState": {"State": "associated"},
            }
            for i, s in enumerate(subnets)
        ],
        "Routes": [route(VPC_CIDRS[vpc], "GatewayId", "local", "CreateRouteTable"), *routes],
        "PropagatingVgws": [],
        "Tags": tags(name),
    }


def _main_route_table(rtb: str, vpc: str) -> dict[str, Any]:
    table = _route_table(rtb, vpc, [], [], f"{VPC_NAMES[vpc]}-main")
    table["Associations"] = [
        {
            "Main": True,
            "RouteTableAssociationId": f"rtbassoc-{rtb[4:]}m",
            "RouteTableId": rtb,
            "AssociationState": {"State": "associated"},
        }
    ]
    return table


def _open_acl(acl: str, vpc: str) -> dict[str, Any]:
    return {
        "NetworkAclId": acl,
        "VpcId": vpc,
        "IsDefault": True,
        "OwnerId": ACCOUNT,
        "Associations": [
            {
                "NetworkAclAssociationId": f"aclassoc-{acl[4:]}{i}",
                "NetworkAclId": acl,
                "SubnetId": sid,
            }
            for i, (sid, _, _) in enumerate(VPC_SUBNETS[vpc].values())
        ],
        "Entries": [
            acl_entry(100, True, "-1", "allow", "0.0.0.0/0"),
            acl_entry(32767, True, "-1", "deny", "0.0.0.0/0"),
            acl_entry(100, False, "-1", "allow", "0.0.0.0/0"),
            acl_entry(32767, False, "-1", "deny", "0.0.0.0/0"),
        ],
        "Tags": [],
    }


def _vpc_eni(
    eni_id: str,
    vpc: str,
    subnet: str,
    ip: str,
    groups: list[str],
    description: str,
    interface_type: str,
    public_ip: str | None = None,
) -> dict[str, Any]:
    out = eni(eni_id, "private-a", ip, groups, description, interface_type, public_ip)
    sid, _, az = VPC_SUBNETS[vpc][subnet]
    out.update({"SubnetId": sid, "VpcId": vpc, "AvailabilityZone": az})
    return out


def _tgw_route(cidr: str, vpc: str, kind: str = "static") -> dict[str, Any]:
    return {
        "DestinationCidrBlock": cidr,
        "TransitGatewayAttachments": [
            {
                "ResourceId": vpc,
                "TransitGatewayAttachmentId": ATTACH[vpc],
                "ResourceType": "vpc",
            }
        ],
        "Type": kind,
        "State": "active",
    }


def _transit_gateway(hubs: tuple[str, ...], spoke_routes: list[dict[str, Any]]) -> dict[str, Any]:
    """The transit gateway keys: the spoke and ``hubs`` attached; the spokes' route table
    sends ``spoke_routes`` on, the hubs' table has the spoke's CIDR propagated."""
    vpcs = (SPOKE, *hubs)
    return {
        "TransitGateways": [
            {
                "TransitGatewayId": TGW,
                "TransitGatewayArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:transit-gateway/{TGW}",
                "State": "available",
                "OwnerId": ACCOUNT,
                "Description": "hub",
                "CreationTime": "2026-03-02T04:05:06.000Z",
                "Options": {
                    "AmazonSideAsn": 64512,
                    "AutoAcceptSharedAttachments": "disable",
                    "DefaultRouteTableAssociation": "disable",
                    "DefaultRouteTablePropagation": "disable",
                    "VpnEcmpSupport": "enable",
                    "DnsSupport": "enable",
                    "SecurityGroupReferencingSupport": "disable",
                    "MulticastSupport": "disable",
                },
                "Tags": tags("hub"),
            }
        ],
        "TransitGatewayAttachments": [
            {
                "TransitGatewayAttachmentId": ATTACH[vpc],
                "TransitGatewayId": TGW,
                "TransitGatewayOwnerId": ACCOUNT,
                "ResourceOwnerId": ACCOUNT,
                "ResourceType": "vpc",
                "ResourceId": vpc,
                "State": "available",
                "Association": {
                    "TransitGatewayRouteTableId": TGW_RTB_SPOKES if vpc == SPOKE else TGW_RTB_HUB,
                    "State": "associated",
                },
                "CreationTime": "2026-03-02T04:05:06.000Z",
                "Tags": tags(f"{VPC_NAMES[vpc]}-attachment"),
            }
            for vpc in vpcs
        ],
        "TransitGatewayVpcAttachments": [
            {
                "TransitGatewayAttachmentId": ATTACH[vpc],
                "TransitGatewayId": TGW,
                "VpcId": vpc,
                "VpcOwnerId": ACCOUNT,
                "State": "available",
                "SubnetIds": [_subnet_id(vpc, "tgw-a"), _subnet_id(vpc, "tgw-c")],
                "CreationTime": "2026-03-02T04:05:06.000Z",
                "Options": {
                    "DnsSupport": "enable",
                    "SecurityGroupReferencingSupport": "disable",
                    "Ipv6Support": "disable",
                    "ApplianceModeSupport": "disable",
                },
                "Tags": tags(f"{VPC_NAMES[vpc]}-attachment"),
            }
            for vpc in vpcs
        ],
        "TransitGatewayRouteTables": [
            {
                "TransitGatewayRouteTableId": rt,
                "TransitGatewayId": TGW,
                "State": "available",
                "DefaultAssociationRouteTable": False,
                "DefaultPropagationRouteTable": False,
                "CreationTime": "2026-03-02T04:05:06.000Z",
                "Tags": tags(name),
            }
            for rt, name in ((TGW_RTB_SPOKES, "spokes"), (TGW_RTB_HUB, "hub"))
        ],
        # aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id ID
        #   --filters Name=state,Values=active,blackhole, one per table
        "TransitGatewayRouteTableRoutes": {
            TGW_RTB_SPOKES: {"Routes": spoke_routes, "AdditionalRoutesAvailable": False},
            TGW_RTB_HUB: {
                "Routes": [_tgw_route(SPOKE_CIDR, SPOKE, "propagated")],
                "AdditionalRoutesAvailable": False,
            },
        },
    }


def _hub_and_spoke(hubs: tuple[str, ...]) -> dict[str, Any]:
    """The spoke with the service (healthy-endpoints' task, role and secret), and ``hubs``:
    each VPC with its subnets, main route table, open NACL and default security group."""
    snap = healthy_endpoints()
    vpcs = (SPOKE, *hubs)
    snap["Vpcs"] = [_vpc_record(v) for v in vpcs]
    snap["VpcAttributes"] = [
        attr
        for v in vpcs
        for attr in (
            {"VpcId": v, "EnableDnsSupport": {"Value": True}},
            {"VpcId": v, "EnableDnsHostnames": {"Value": True}},
        )
    ]
    snap["Subnets"] = [
        {
            "AvailabilityZone": az,
            "CidrBlock": cidr,
            "SubnetId": sid,
            "VpcId": v,
            "State": "available",
            "MapPublicIpOnLaunch": name.startswith("public"),
            "AvailableIpAddressCount": 250,
            "DefaultForAz": False,
            "OwnerId": ACCOUNT,
            "Tags": tags(f"{VPC_NAMES[v]}-{name}"),
        }
        for v in vpcs
        for name, (sid, cidr, az) in VPC_SUBNETS[v].items()
    ]
    snap["RouteTables"] = [_main_route_table(f"rtb-{v[4:]}0", v) for v in vpcs]
    snap["InternetGateways"] = []
    snap["NatGateways"] = []
    snap["VpcEndpoints"] = []
    snap["NetworkInterfaces"] = []
    snap["NetworkAcls"] = [_open_acl(f"acl-{v[4:]}0", v) for v in vpcs]
    snap["SecurityGroups"] = [
        {
            "GroupId": f"sg-{v[4:]}0",
            "GroupName": "default",
            "VpcId": v,
            "OwnerId": ACCOUNT,
            "Description": "default VPC security group",
            "IpPermissions": [sg_rule("-1", None, None, groups=(f"sg-{v[4:]}0",))],
            "IpPermissionsEgress": [sg_rule("-1", None, None, cidrs=("0.0.0.0/0",))],
        }
        for v in vpcs
    ] + [
        {
            "GroupId": SG_SPOKE_TASK,
            "GroupName": "web-task",
            "VpcId": SPOKE,
            "OwnerId": ACCOUNT,
            "Description": "web tasks",
            "IpPermissions": [sg_rule("tcp", 8080, 8080, cidrs=(SPOKE_CIDR,))],
            "IpPermissionsEgress": [sg_rule("-1", None, None, cidrs=("0.0.0.0/0",))],
        }
    ]
    conf = snap["services"][0]["networkConfiguration"]["awsvpcConfiguration"]
    conf["subnets"] = [_subnet_id(SPOKE, "private-a"), _subnet_id(SPOKE, "private-c")]
    conf["securityGroups"] = [SG_SPOKE_TASK]
    return snap


def _spoke_table(target_key: str, target: str) -> dict[str, Any]:
    return _route_table(
        f"rtb-{SPOKE[4:]}1",
        SPOKE,
        [_subnet_id(SPOKE, n) for n in ("private-a", "private-c", "tgw-a", "tgw-c")],
        [route("0.0.0.0/0", target_key, target)],
        "spoke-app-private",
    )


def _egress_vpc(snap: dict[str, Any], return_route: dict[str, Any] | None) -> None:
    """The egress VPC's NAT gateway, internet gateway and route tables: its attachment
    subnets send everything to the NAT gateway; the NAT's subnets send the internet to the
    internet gateway and, with ``return_route``, the spokes back."""
    nat_eni = "eni-0e9e5500000000n01"
    snap["RouteTables"] += [
        _route_table(
            f"rtb-{EGRESS[4:]}1",
            EGRESS,
            [_subnet_id(EGRESS, "tgw-a"), _subnet_id(EGRESS, "tgw-c")],
            [route("0.0.0.0/0", "NatGatewayId", HUB_NAT)],
            "hub-egress-tgw",
        ),
        _route_table(
            f"rtb-{EGRESS[4:]}2",
            EGRESS,
            [_subnet_id(EGRESS, "public-a"), _subnet_id(EGRESS, "public-c")],
            [
                route("0.0.0.0/0", "GatewayId", HUB_IGW),
                *([return_route] if return_route else []),
            ],
            "hub-egress-public",
        ),
    ]
    snap["InternetGateways"] = [
        {
            "InternetGatewayId": HUB_IGW,
            "OwnerId": ACCOUNT,
            "Attachments": [{"State": "available", "VpcId": EGRESS}],
            "Tags": tags("hub-egress-igw"),
        }
    ]
    snap["NatGateways"] = [
        {
            "NatGatewayId": HUB_NAT,
            "VpcId": EGRESS,
            "SubnetId": _subnet_id(EGRESS, "public-a"),
            "State": "available",
            "ConnectivityType": "public",
            "CreateTime": "2026-03-02T04:05:06.000Z",
            "NatGatewayAddresses": [
                {
                    "AllocationId": "eipalloc-0e9e5500000000001",
                    "NetworkInterfaceId": nat_eni,
                    "PrivateIp": "10.100.101.25",
                    "PublicIp": "54.250.10.30",
                    "IsPrimary": True,
                    "Status": "succeeded",
                }
            ],
            "Tags": tags("hub-egress-nat-a"),
        }
    ]
    snap["NetworkInterfaces"].append(
        _vpc_eni(
            nat_eni,
            EGRESS,
            "public-a",
            "10.100.101.25",
            [],
            f"Interface for NAT Gateway {HUB_NAT}",
            "nat_gateway",
            public_ip="54.250.10.30",
        )
    )


def healthy_hub_centralized_egress() -> dict[str, Any]:
    """The spoke routes 0.0.0.0/0 to a transit gateway; the egress VPC's NAT gateway takes
    it to the internet, and the NAT's subnets route the spoke's CIDR back to the transit
    gateway. The ECR, logs, S3 and Secrets Manager names resolve publicly."""
    snap = _hub_and_spoke((EGRESS,))
    snap["RouteTables"].append(_spoke_table("TransitGatewayId", TGW))
    _egress_vpc(snap, route("10.0.0.0/8", "TransitGatewayId", TGW))
    snap.update(_transit_gateway((EGRESS,), [_tgw_route("0.0.0.0/0", EGRESS)]))
    return snap


def broken_tgw_missing_return_route() -> dict[str, Any]:
    """Centralised egress whose NAT subnets have no route back to the spokes: the requests
    leave, the replies go to the internet gateway (which drops private destinations)."""
    snap = _hub_and_spoke((EGRESS,))
    snap["RouteTables"].append(_spoke_table("TransitGatewayId", TGW))
    _egress_vpc(snap, None)
    snap.update(_transit_gateway((EGRESS,), [_tgw_route("0.0.0.0/0", EGRESS)]))
    return snap


def broken_peering_edge_to_edge() -> dict[str, Any]:
    """The spoke is peered with the egress VPC and routes 0.0.0.0/0 to the peering: a
    peering never carries traffic on through the peer's NAT gateway (no edge-to-edge)."""
    snap = _hub_and_spoke((EGRESS,))
    snap["RouteTables"].append(_spoke_table("VpcPeeringConnectionId", PCX))
    _egress_vpc(snap, route(SPOKE_CIDR, "VpcPeeringConnectionId", PCX))

    def side(vpc: str) -> dict[str, Any]:
        return {
            "CidrBlock": VPC_CIDRS[vpc],
            "CidrBlockSet": [{"CidrBlock": VPC_CIDRS[vpc]}],
            "OwnerId": ACCOUNT,
            "PeeringOptions": {
                "AllowDnsResolutionFromRemoteVpc": False,
                "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
                "AllowEgressFromLocalVpcToRemoteClassicLink": False,
            },
            "VpcId": vpc,
            "Region": REGION,
        }

    snap["VpcPeeringConnections"] = [
        {
            "AccepterVpcInfo": side(EGRESS),
            "RequesterVpcInfo": side(SPOKE),
            "Status": {"Code": "active", "Message": "Active"},
            "VpcPeeringConnectionId": PCX,
            "Tags": tags("spoke-app-to-hub-egress"),
        }
    ]
    return snap


def _endpoint_dns(svc: str, dns_id: str, ep_id: str) -> str:
    return f"{ep_id}-{dns_id}.{svc}.{REGION}.vpce.amazonaws.com"


def _zone(
    zone_id: str, name: str, records: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A private hosted zone associated with the spoke: its list-hosted-zones entry and its
    HostedZoneDetails (get-hosted-zone plus list-resource-record-sets)."""
    summary = {
        "Id": f"/hostedzone/{zone_id}",
        "Name": f"{name}.",
        "CallerReference": f"hub-{zone_id}",
        "Config": {"Comment": "centralised endpoint", "PrivateZone": True},
        "ResourceRecordSetCount": len(records) + 2,
    }
    soa_ns = [
        {
            "Name": f"{name}.",
            "Type": "NS",
            "TTL": 172800,
            "ResourceRecords": [{"Value": "ns-0.awsdns-00.com."}],
        },
        {
            "Name": f"{name}.",
            "Type": "SOA",
            "TTL": 900,
            "ResourceRecords": [
                {
                    "Value": "ns-0.awsdns-00.com. awsdns-hostmaster.amazon.com. "
                    "1 7200 900 1209600 86400"
                }
            ],
        },
    ]
    details = {
        "HostedZone": summary,
        "VPCs": [{"VPCRegion": REGION, "VPCId": SPOKE}],
        "ResourceRecordSets": [*soa_ns, *records],
    }
    return summary, details


def _alias(name: str, target: str) -> dict[str, Any]:
    return {
        "Name": f"{name}.",
        "Type": "A",
        "AliasTarget": {
            "HostedZoneId": "Z2E726K9Y6RL4W",
            "DNSName": f"{target}.",
            "EvaluateTargetHealth": True,
        },
    }


def healthy_hub_centralized_endpoints() -> dict[str, Any]:
    """A shared-services VPC holds the interface endpoints (ECR, logs, Secrets Manager, S3)
    with private DNS off; private hosted zones per service name, associated with the spoke,
    alias the names to the endpoints; the spoke reaches them through the transit gateway."""
    snap = _hub_and_spoke((SHARED,))
    snap["RouteTables"] += [
        _spoke_table("TransitGatewayId", TGW),
        _route_table(
            f"rtb-{SHARED[4:]}1",
            SHARED,
            [_subnet_id(SHARED, n) for n in VPC_SUBNETS[SHARED]],
            [route(SPOKE_CIDR, "TransitGatewayId", TGW)],
            "hub-shared-services",
        ),
    ]
    snap["SecurityGroups"].append(
        {
            "GroupId": SG_HUB_ENDPOINTS,
            "GroupName": "endpoints",
            "VpcId": SHARED,
            "OwnerId": ACCOUNT,
            "Description": "HTTPS from the spokes to the endpoints",
            "IpPermissions": [sg_rule("tcp", 443, 443, cidrs=("10.0.0.0/8",))],
            "IpPermissionsEgress": [sg_rule("-1", None, None, cidrs=("0.0.0.0/0",))],
        }
    )
    subnets = [_subnet_id(SHARED, "endpoints-a"), _subnet_id(SHARED, "endpoints-c")]
    zones: list[dict[str, Any]] = []
    details: dict[str, Any] = {}
    for n, (svc, (ep_id, dns_id, enis)) in enumerate(HUB_ENDPOINTS.items()):
        regional = _endpoint_dns(svc, dns_id, ep_id)
        entries = [{"DnsName": regional, "HostedZoneId": "Z2E726K9Y6RL4W"}] + [
            {
                "DnsName": _endpoint_dns(svc, dns_id, ep_id).replace(
                    f"{ep_id}-{dns_id}", f"{ep_id}-{dns_id}-{az}"
                ),
                "HostedZoneId": "Z2E726K9Y6RL4W",
            }
            for az in ("ap-northeast-1a", "ap-northeast-1c")
        ]
        if svc == "s3":
            entries = [
                {"DnsName": f"*.{e['DnsName']}", "HostedZoneId": e["HostedZoneId"]} for e in entries
            ]
        snap["VpcEndpoints"].append(
            {
                "VpcEndpointId": ep_id,
                "VpcEndpointType": "Interface",
                "VpcId": SHARED,
                "ServiceName": f"com.amazonaws.{REGION}.{svc}",
                "State": "available",
                "PolicyDocument": DEFAULT_POLICY,
                "RouteTableIds": [],
                "SubnetIds": subnets,
                "Groups": [{"GroupId": SG_HUB_ENDPOINTS, "GroupName": "endpoints"}],
                "IpAddressType": "ipv4",
                "DnsOptions": {"DnsRecordIpType": "ipv4"},
                "PrivateDnsEnabled": False,
                "RequesterManaged": False,
                "NetworkInterfaceIds": list(enis),
                "DnsEntries": entries,
                "OwnerId": ACCOUNT,
                "CreationTimestamp": "2026-03-02T04:05:06.000Z",
                "Tags": tags(f"hub-{svc}-endpoint"),
            }
        )
        for i, eni_id in enumerate(enis):
            snap["NetworkInterfaces"].append(
                _vpc_eni(
                    eni_id,
                    SHARED,
                    "endpoints-a" if i == 0 else "endpoints-c",
                    f"10.50.{11 + i}.{10 + n * 10}",
                    [SG_HUB_ENDPOINTS],
                    f"VPC Endpoint Interface {ep_id}",
                    "vpc_endpoint",
                )
            )
        zone_id = f"Z0HUB{n:02d}EXAMPLE{svc.replace('.', '').upper()}"
        if svc == "ecr.dkr":
            name = f"dkr.ecr.{REGION}.amazonaws.com"
            records = [_alias(name, regional), _alias(f"\\052.{name}", regional)]
        elif svc == "ecr.api":
            name = f"api.ecr.{REGION}.amazonaws.com"
            records = [_alias(name, regional)]
        elif svc == "s3":
            name = f"s3.{REGION}.amazonaws.com"
            # The S3 endpoint's names are *.vpce-…: an alias to that name, as AWS shows it.
            target = f"*.{regional}"
            records = [_alias(name, target), _alias(f"\\052.{name}", target)]
        else:
            name = f"{svc}.{REGION}.amazonaws.com"
            records = [_alias(name, regional)]
        summary, detail = _zone(zone_id, name, records)
        zones.append(summary)
        details[zone_id] = detail
    snap["HostedZones"] = zones
    snap["HostedZoneDetails"] = details
    # As `aws route53 list-hosted-zones-by-vpc` answers for each VPC, and the Resolver rules
    # as listed (only AWS's autodefined internet resolver: nothing is forwarded), so that
    # the checks assume nothing about DNS.
    snap["HostedZonesByVpc"] = {
        vpc: {
            "HostedZoneSummaries": [
                {
                    "HostedZoneId": z["Id"].rsplit("/", 1)[-1],
                    "Name": z["Name"],
                    "Owner": {"OwningAccount": ACCOUNT},
                }
                for z in zones
                if vpc == SPOKE
            ],
            "MaxItems": "100",
        }
        for vpc in (SPOKE, SHARED)
    }
    snap["ResolverRules"] = [
        {
            "Id": "rslvr-autodefined-rr-internet-resolver",
            "CreatorRequestId": "",
            "DomainName": ".",
            "Status": "COMPLETE",
            "RuleType": "RECURSIVE",
            "Name": "Internet Resolver",
            "OwnerId": "Route 53 Resolver",
            "ShareStatus": "NOT_SHARED",
        }
    ]
    snap["ResolverRuleAssociations"] = [
        {
            "Id": f"rslvr-autodefined-assoc-{vpc}-internet-resolver",
            "ResolverRuleId": "rslvr-autodefined-rr-internet-resolver",
            "Name": "System Rule Association",
            "VPCId": vpc,
            "Status": "COMPLETE",
            "StatusMessage": "",
        }
        for vpc in (SPOKE, SHARED)
    ]
    snap.update(_transit_gateway((SHARED,), [_tgw_route(SHARED_CIDR, SHARED)]))
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

# Several VPCs in one snapshot (their verdicts: tests/test_multi_vpc_samples.py).
MULTI_VPC_SAMPLES = {
    "healthy-hub-centralized-egress": healthy_hub_centralized_egress,
    "broken-tgw-missing-return-route": broken_tgw_missing_return_route,
    "broken-peering-edge-to-edge": broken_peering_edge_to_edge,
    "healthy-hub-centralized-endpoints": healthy_hub_centralized_endpoints,
}


def render(name: str) -> str:
    make = SAMPLES.get(name) or MULTI_VPC_SAMPLES[name]
    return json.dumps(copy.deepcopy(make()), indent=2) + "\n"


def main() -> int:
    for name in [*SAMPLES, *MULTI_VPC_SAMPLES]:
        (HERE / f"{name}.json").write_text(render(name), encoding="utf-8")
        print(f"wrote samples/{name}.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
