"""Realistic synthetic snapshots in the contract format, for benchmarks and scale tests.

    python bench/generate.py --size large -o /tmp/large.json
    python bench/generate.py --vpcs 2 --subnets 20 --enis 100 --services 10 --seed 7 -o x.json

Seeded and deterministic. Each VPC is one of a few shapes (endpoints, NAT, public, broken
in one of several ways), subnets are spread over three AZs, ENIs and services reuse a pool of
security-group sets per VPC, as real accounts do.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any

REGION = "ap-northeast-1"
ACCOUNT = "111122223333"
AZS = [f"{REGION}a", f"{REGION}c", f"{REGION}d"]
S3_PL = "pl-61a54008"
S3_CIDRS = ["52.219.0.0/20", "52.219.16.0/22", "52.219.68.0/22", "52.219.136.0/22", "3.5.152.0/21"]
SIZES: dict[str, dict[str, int]] = {
    "small": dict(
        vpcs=1,
        subnets=6,
        security_groups=10,
        rules_per_group=5,
        route_tables=3,
        routes_per_table=5,
        enis=30,
        services=4,
    ),
    "medium": dict(
        vpcs=10,
        subnets=200,
        security_groups=500,
        rules_per_group=10,
        route_tables=50,
        routes_per_table=20,
        enis=2000,
        services=200,
    ),
    "large": dict(
        vpcs=10,
        subnets=2000,
        security_groups=5000,
        rules_per_group=20,
        route_tables=500,
        routes_per_table=100,
        enis=20000,
        services=2000,
    ),
}
# The policy AWS gives an endpoint that was not given one, as describe-vpc-endpoints returns it.
FULL_ACCESS = json.dumps(
    {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    }
)
SHAPES = [
    "endpoints",
    "nat",
    "endpoints",
    "nat",
    "public",
    "s3-only",
    "nacl-no-ephemeral",
    "endpoint-sg-no-443",
    "nat",
    "endpoints",
]


def _id(prefix: str, n: int) -> str:
    return f"{prefix}-{n:017x}"


# What AWS returns besides the fields netgraph reads: real describe-* output carries them,
# and the JSON parser (the benchmark's floor) pays for them as a real snapshot makes it.


def _permission(
    protocol: str, port: int | None, cidr: str, description: str | None
) -> dict[str, Any]:
    rng: dict[str, Any] = {"CidrIp": cidr}
    if description:
        rng["Description"] = description
    perm: dict[str, Any] = {
        "IpProtocol": protocol,
        "IpRanges": [rng],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "UserIdGroupPairs": [],
    }
    if port is not None:
        perm = {"FromPort": port, **perm, "ToPort": port}
    return perm


def _association(table: str, n: int, subnet: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Main": subnet is None,
        "RouteTableAssociationId": _id("rtbassoc", n),
        "RouteTableId": table,
        "AssociationState": {"State": "associated"},
    }
    if subnet is not None:
        out["SubnetId"] = subnet
    return out


def _task_eni(
    eni: str, subnet: str, vpc: str, az: str, ip: str, groups: list[tuple[str, str]], n: int
) -> dict[str, Any]:
    dns_name = f"ip-{ip.replace('.', '-')}.{REGION}.compute.internal"
    return {
        "Attachment": {
            "AttachTime": "2026-11-02T09:14:07+00:00",
            "AttachmentId": _id("ela-attach", n),
            "DeleteOnTermination": True,
            "DeviceIndex": 1,
            "NetworkCardIndex": 0,
            "InstanceOwnerId": "amazon-aws",
            "Status": "attached",
        },
        "AvailabilityZone": az,
        "Description": f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/{n:08x}-4f1c-4e2b-9d7a-{n:012x}",
        "Groups": [{"GroupName": name, "GroupId": gid} for gid, name in groups],
        "InterfaceType": "interface",
        "Ipv6Addresses": [],
        "MacAddress": f"06:{n >> 24 & 255:02x}:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:"
        f"{n & 255:02x}:3b",
        "NetworkInterfaceId": eni,
        "OwnerId": ACCOUNT,
        "PrivateDnsName": dns_name,
        "PrivateIpAddress": ip,
        "PrivateIpAddresses": [
            {"Primary": True, "PrivateDnsName": dns_name, "PrivateIpAddress": ip}
        ],
        "RequesterId": "578734482556",
        "RequesterManaged": True,
        "SourceDestCheck": True,
        "Status": "in-use",
        "SubnetId": subnet,
        "TagSet": [],
        "VpcId": vpc,
    }


def _service_details(n: int) -> dict[str, Any]:
    return {
        "status": "ACTIVE",
        "desiredCount": 2,
        "runningCount": 2,
        "pendingCount": 0,
        "platformVersion": "LATEST",
        "platformFamily": "Linux",
        "loadBalancers": [],
        "serviceRegistries": [],
        "schedulingStrategy": "REPLICA",
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
        "createdAt": "2026-10-01T08:00:00+00:00",
        "placementConstraints": [],
        "placementStrategy": [],
        "enableECSManagedTags": True,
        "propagateTags": "NONE",
        "enableExecuteCommand": False,
        "events": [
            {
                "id": f"{n:08x}-{k:04x}-4000-8000-{n * 7 + k:012x}",
                "createdAt": f"2026-11-2{k}T0{k}:00:00+00:00",
                "message": f"(service svc{n}) has reached a steady state.",
            }
            for k in range(3)
        ],
    }


def generate(
    *,
    vpcs: int,
    subnets: int,
    security_groups: int,
    rules_per_group: int,
    route_tables: int,
    routes_per_table: int,
    enis: int,
    services: int,
    seed: int = 1,
    route_prefix_lengths: tuple[int, int] | None = None,
    nat_table_routes: int = 0,
    wide_service_subnets: int = 0,
) -> dict[str, Any]:
    """``route_prefix_lengths`` (shortest, longest): the filler routes of every table go to
    random networks of those lengths, anywhere but the VPC's CIDR, instead of 172.16.0.0/12
    /24s; ``nat_table_routes``: the table of the first NAT gateway's subnet gets that many
    more such routes (a pathological size); ``wide_service_subnets``: one more service names
    that many subnets (of every VPC, first ones first). Each draws from its own seeded
    stream, so the rest of the snapshot is the one the same sizes give without them."""
    rnd = random.Random(seed)
    route_rnd = random.Random(seed * 7919 + 1)
    snap: dict[str, Any] = {
        "SnapshotVersion": 1,
        "Region": REGION,
        "AccountId": ACCOUNT,
        "Vpcs": [],
        "VpcAttributes": [],
        "DhcpOptions": [],
        "Subnets": [],
        "RouteTables": [],
        "InternetGateways": [],
        "EgressOnlyInternetGateways": [],
        "NatGateways": [],
        "VpcEndpoints": [],
        "SecurityGroups": [],
        "NetworkAcls": [],
        "NetworkInterfaces": [],
        "PrefixLists": [
            {
                "PrefixListId": S3_PL,
                "PrefixListName": f"com.amazonaws.{REGION}.s3",
                "Cidrs": S3_CIDRS,
            }
        ],
        "services": [],
        "taskDefinitions": [],
        "RoleDetailList": [],
        "Policies": [],
        "repositories": [],
        "RepositoryPolicies": [],
    }
    role = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
    snap["RoleDetailList"].append(
        {
            "RoleName": "ecsTaskExecutionRole",
            "Arn": role,
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "RolePolicyList": [],
            "AttachedManagedPolicies": [
                {
                    "PolicyName": "AmazonECSTaskExecutionRolePolicy",
                    "PolicyArn": "arn:aws:iam::aws:policy/service-role/"
                    "AmazonECSTaskExecutionRolePolicy",
                }
            ],
        }
    )
    task_defs = []
    for t in range(max(1, min(50, services))):
        arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/app{t}:1"
        task_defs.append(arn)
        snap["taskDefinitions"].append(
            {
                "taskDefinitionArn": arn,
                "family": f"app{t}",
                "revision": 1,
                "networkMode": "awsvpc",
                "executionRoleArn": role,
                "containerDefinitions": [
                    {
                        "name": "app",
                        "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app{t}:1",
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {
                                "awslogs-group": f"/ecs/app{t}",
                                "awslogs-region": REGION,
                                "awslogs-stream-prefix": "app",
                            },
                        },
                    }
                ],
            }
        )
        snap["repositories"].append(
            {
                "repositoryArn": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/app{t}",
                "repositoryName": f"app{t}",
                "registryId": ACCOUNT,
            }
        )

    per = lambda total, v: total // vpcs + (1 if v < total % vpcs else 0)  # noqa: E731
    subnet_n = sg_n = rt_n = eni_n = svc_n = acl_n = 0
    nat_table_done = False
    for v in range(vpcs):
        shape = SHAPES[v % len(SHAPES)]
        vpc = _id("vpc", v)
        cidr = f"10.{v}.0.0/16"
        snap["Vpcs"].append(
            {
                "VpcId": vpc,
                "CidrBlock": cidr,
                "DhcpOptionsId": "default",
                "State": "available",
                "CidrBlockAssociationSet": [
                    {"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}
                ],
                "Tags": [{"Key": "Name", "Value": f"{shape}-{v}"}],
            }
        )
        snap["VpcAttributes"] += [
            {"VpcId": vpc, "EnableDnsSupport": {"Value": True}},
            {"VpcId": vpc, "EnableDnsHostnames": {"Value": True}},
        ]
        igw = _id("igw", v)
        snap["InternetGateways"].append(
            {"InternetGatewayId": igw, "Attachments": [{"State": "available", "VpcId": vpc}]}
        )
        n_sub = max(per(subnets, v), 3)
        my_subnets = []
        for i in range(n_sub):
            sid = _id("subnet", subnet_n)
            subnet_n += 1
            my_subnets.append(sid)
            snap["Subnets"].append(
                {
                    "AvailabilityZone": AZS[i % 3],
                    "AvailabilityZoneId": f"apne1-az{i % 3 + 1}",
                    "AvailableIpAddressCount": 251 - (subnet_n * 37) % 120,
                    "CidrBlock": f"10.{v}.{i % 256}.0/24",
                    "DefaultForAz": False,
                    "MapPublicIpOnLaunch": False,
                    "State": "available",
                    "SubnetId": sid,
                    "VpcId": vpc,
                    "OwnerId": ACCOUNT,
                    "AssignIpv6AddressOnCreation": False,
                    "Ipv6CidrBlockAssociationSet": [],
                    "Tags": [{"Key": "Name", "Value": f"{shape}-{v}-{i}"}],
                    "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{sid}",
                    "EnableDns64": False,
                    "Ipv6Native": False,
                    "PrivateDnsNameOptionsOnLaunch": {
                        "HostnameType": "ip-name",
                        "EnableResourceNameDnsARecord": False,
                        "EnableResourceNameDnsAAAARecord": False,
                    },
                }
            )
        public, private = my_subnets[:3], my_subnets[3:] or my_subnets
        # NAT gateways in the public subnets
        nats = []
        if shape == "nat":
            for a in range(3):
                nat = _id("nat", v * 3 + a)
                nats.append(nat)
                snap["NatGateways"].append(
                    {
                        "NatGatewayId": nat,
                        "VpcId": vpc,
                        "SubnetId": public[a],
                        "State": "available",
                        "ConnectivityType": "public",
                        "NatGatewayAddresses": [
                            {"PrivateIp": f"10.{v}.{a}.10", "PublicIp": f"54.{v}.{a}.10"}
                        ],
                    }
                )
        # security groups: a pool; the first is the task group, the second the endpoints'
        n_sg = max(per(security_groups, v), 3)
        groups = []
        for g in range(n_sg):
            gid = _id("sg", sg_n)
            sg_n += 1
            groups.append(gid)
            ingress = [
                _permission("tcp", p, f"10.{v}.{rnd.randrange(256)}.0/24", None)
                for p in rnd.sample(range(1000, 9000), rules_per_group - 1)
            ]
            egress = [_permission("-1", None, "0.0.0.0/0", None)]
            if g == 1:  # the endpoints' group
                port = 80 if shape == "endpoint-sg-no-443" else 443
                ingress = [_permission("tcp", port, cidr, "HTTPS from the VPC"), *ingress]
            snap["SecurityGroups"].append(
                {
                    "Description": f"security group g{g} of {shape}-{v}",
                    "GroupName": f"g{g}",
                    "IpPermissions": ingress,
                    "OwnerId": ACCOUNT,
                    "GroupId": gid,
                    "IpPermissionsEgress": egress,
                    "VpcId": vpc,
                    "Tags": [
                        {"Key": "Name", "Value": f"g{g}"},
                        {"Key": "team", "Value": f"t{g % 9}"},
                    ],
                    "SecurityGroupArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{gid}",
                }
            )
        # route tables: one public, the rest private with many internal routes
        n_rt = max(per(route_tables, v), 2)
        tables = []
        for r in range(n_rt):
            rid = _id("rtb", rt_n)
            rt_n += 1
            routes = [
                {
                    "DestinationCidrBlock": cidr,
                    "GatewayId": "local",
                    "State": "active",
                    "Origin": "CreateRouteTable",
                }
            ]
            if r == 0 or shape == "public":
                routes.append(
                    {
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "GatewayId": igw,
                        "State": "active",
                        "Origin": "CreateRoute",
                    }
                )
            elif shape == "nat":
                routes.append(
                    {
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "NatGatewayId": nats[r % 3],
                        "State": "active",
                        "Origin": "CreateRoute",
                    }
                )
            if shape in ("endpoints", "s3-only", "nacl-no-ephemeral", "endpoint-sg-no-443"):
                routes.append(
                    {
                        "DestinationPrefixListId": S3_PL,
                        "GatewayId": _id("vpce", v * 8),
                        "State": "active",
                        "Origin": "CreateRoute",
                    }
                )
            extra = routes_per_table - len(routes)
            spread = max(extra, 0) if route_prefix_lengths else 0
            for k in range(0 if route_prefix_lengths else extra):
                routes.append(
                    {
                        "DestinationCidrBlock": f"172.{16 + k % 16}.{k // 16 % 256}.0/24",
                        "TransitGatewayId": "tgw-0000000000000000a",
                        "State": "active",
                        "Origin": "CreateRoute",
                    }
                )
            if shape == "nat" and r == 0 and not nat_table_done:
                spread += nat_table_routes  # the first NAT gateway's subnet uses table 0
                nat_table_done = True
            routes += _spread_routes(route_rnd, spread, route_prefix_lengths or (8, 28), v)
            tables.append(
                {
                    "Associations": ([_association(rid, rt_n, None)] if r == 1 else []),
                    "PropagatingVgws": [],
                    "RouteTableId": rid,
                    "Routes": routes,
                    "Tags": [{"Key": "Name", "Value": f"{shape}-{v}-rt{r}"}],
                    "VpcId": vpc,
                    "OwnerId": ACCOUNT,
                }
            )
        for i, sid in enumerate(my_subnets):
            t = tables[0] if (sid in public or shape == "public") else tables[1 + i % (n_rt - 1)]
            t["Associations"].append(_association(t["RouteTableId"], subnet_n + i, sid))
        snap["RouteTables"] += tables
        # endpoints
        if shape in ("endpoints", "s3-only", "nacl-no-ephemeral", "endpoint-sg-no-443"):
            snap["VpcEndpoints"].append(
                {
                    "VpcEndpointId": _id("vpce", v * 8),
                    "VpcEndpointType": "Gateway",
                    "VpcId": vpc,
                    "ServiceName": f"com.amazonaws.{REGION}.s3",
                    "State": "available",
                    "PolicyDocument": FULL_ACCESS,
                    "RouteTableIds": [t["RouteTableId"] for t in tables],
                }
            )
        if shape in ("endpoints", "nacl-no-ephemeral", "endpoint-sg-no-443"):
            for k, svc in enumerate(("ecr.api", "ecr.dkr", "logs"), 1):
                ep = _id("vpce", v * 8 + k)
                ep_enis = []
                for a in range(3):
                    eni = _id("eni", eni_n)
                    eni_n += 1
                    ep_enis.append(eni)
                    snap["NetworkInterfaces"].append(
                        {
                            "NetworkInterfaceId": eni,
                            "SubnetId": private[a % len(private)],
                            "VpcId": vpc,
                            "PrivateIpAddress": f"10.{v}.{3 + a}.{10 + k}",
                            "Groups": [{"GroupId": groups[1]}],
                            "InterfaceType": "vpc_endpoint",
                        }
                    )
                snap["VpcEndpoints"].append(
                    {
                        "VpcEndpointId": ep,
                        "VpcEndpointType": "Interface",
                        "VpcId": vpc,
                        "ServiceName": f"com.amazonaws.{REGION}.{svc}",
                        "State": "available",
                        "PrivateDnsEnabled": True,
                        "SubnetIds": private[:3],
                        "PolicyDocument": FULL_ACCESS,
                        "Groups": [{"GroupId": groups[1]}],
                        "NetworkInterfaceIds": ep_enis,
                    }
                )
        # NACLs: the default allows all; "nacl-no-ephemeral" gives the task subnets one that
        # lets 443 out and nothing back
        default = {
            "NetworkAclId": _id("acl", acl_n),
            "VpcId": vpc,
            "IsDefault": True,
            # AWS lists every subnet that uses the default ACL (none is left unassociated).
            "Associations": [
                {
                    "NetworkAclAssociationId": _id("aclassoc", subnet_n * 2 + k),
                    "NetworkAclId": _id("acl", acl_n),
                    "SubnetId": s,
                }
                for k, s in enumerate(my_subnets)
                if not (shape == "nacl-no-ephemeral" and s in private[3:])
            ],
            "Entries": [
                {
                    "RuleNumber": 100,
                    "Egress": e,
                    "Protocol": "-1",
                    "RuleAction": "allow",
                    "CidrBlock": "0.0.0.0/0",
                }
                for e in (True, False)
            ],
        }
        acl_n += 1
        snap["NetworkAcls"].append(default)
        if shape == "nacl-no-ephemeral":
            snap["NetworkAcls"].append(
                {
                    "NetworkAclId": _id("acl", acl_n),
                    "VpcId": vpc,
                    "IsDefault": False,
                    "Associations": [{"SubnetId": s} for s in private[3:]],
                    "Entries": [
                        {
                            "RuleNumber": 100,
                            "Egress": True,
                            "Protocol": "6",
                            "RuleAction": "allow",
                            "CidrBlock": "0.0.0.0/0",
                            "PortRange": {"From": 443, "To": 443},
                        },
                        {
                            "RuleNumber": 100,
                            "Egress": False,
                            "Protocol": "6",
                            "RuleAction": "allow",
                            "CidrBlock": cidr,
                            "PortRange": {"From": 8080, "To": 8080},
                        },
                    ],
                }
            )
            acl_n += 1
        # ENIs and services reuse a few security-group sets: the app tiers' sets across the
        # VPC, and in each subnet one more of its own
        sets = [[groups[0]], [groups[0], groups[2]]] + [[g] for g in groups[3:8]]
        for _ in range(per(enis, v)):
            i = rnd.randrange(len(private))
            sid = private[i]
            chosen_set = rnd.choice([sets[0], sets[2 + i % (len(sets) - 2)]])
            snap["NetworkInterfaces"].append(
                _task_eni(
                    _id("eni", eni_n),
                    sid,
                    vpc,
                    AZS[my_subnets.index(sid) % 3],
                    f"10.{v}.{my_subnets.index(sid) % 256}.{4 + eni_n % 250}",
                    [(g, f"g{groups.index(g)}") for g in chosen_set],
                    eni_n,
                )
            )
            eni_n += 1
        for _ in range(per(services, v)):
            in_public = shape == "public"
            pool = public if in_public else private
            chosen = rnd.sample(pool, min(3, len(pool)))
            snap["services"].append(
                {
                    "serviceName": f"svc{svc_n}",
                    "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/c{v}/svc{svc_n}",
                    "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/c{v}",
                    "taskDefinition": rnd.choice(task_defs),
                    "launchType": "FARGATE",
                    "networkConfiguration": {
                        "awsvpcConfiguration": {
                            "subnets": chosen,
                            "securityGroups": rnd.choice(sets[:2]),
                            "assignPublicIp": "ENABLED" if in_public else "DISABLED",
                        }
                    },
                    **_service_details(svc_n),
                }
            )
            svc_n += 1
    if wide_service_subnets:
        snap["services"].append(
            {
                "serviceName": "wide",
                "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/c0/wide",
                "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/c0",
                "taskDefinition": task_defs[0],
                "launchType": "FARGATE",
                "networkConfiguration": {
                    "awsvpcConfiguration": {
                        "subnets": [s["SubnetId"] for s in snap["Subnets"]][:wide_service_subnets],
                        "securityGroups": [_id("sg", 0)],
                        "assignPublicIp": "DISABLED",
                    }
                },
                **_service_details(svc_n),
            }
        )
    return snap


def lengths(text: str | None) -> tuple[int, int] | None:
    """``MIN-MAX`` (or one length) as a pair."""
    if not text:
        return None
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def _spread_routes(
    rnd: random.Random, count: int, lengths: tuple[int, int], v: int
) -> list[dict[str, Any]]:
    """``count`` routes to distinct random networks over a spread of prefix lengths, none
    inside or around the VPC's 10.v.0.0/16 (so the VPC's own traffic stays local): half to a
    transit gateway, half propagated from a virtual private gateway, as a large table of
    on-premises prefixes is."""
    vpc_lo, vpc_hi = (10 << 24) | (v << 16), (10 << 24) | (v << 16) | 0xFFFF
    seen: set[tuple[int, int]] = set()
    out: list[dict[str, Any]] = []
    while len(out) < count:
        plen = rnd.randint(*lengths)
        lo = rnd.getrandbits(32) >> (32 - plen) << (32 - plen) if plen else 0
        hi = lo | ((1 << (32 - plen)) - 1)
        if (lo, plen) in seen or (lo <= vpc_hi and vpc_lo <= hi):
            continue
        seen.add((lo, plen))
        cidr = f"{lo >> 24}.{lo >> 16 & 255}.{lo >> 8 & 255}.{lo & 255}/{plen}"
        if len(out) % 2:
            out.append(
                {
                    "DestinationCidrBlock": cidr,
                    "GatewayId": "vgw-0000000000000000b",
                    "State": "active",
                    "Origin": "EnableVgwRoutePropagation",
                }
            )
        else:
            out.append(
                {
                    "DestinationCidrBlock": cidr,
                    "TransitGatewayId": "tgw-0000000000000000a",
                    "State": "active",
                    "Origin": "CreateRoute",
                }
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES))
    for key in SIZES["small"]:
        parser.add_argument(f"--{key.replace('_', '-')}", type=int)
    parser.add_argument(
        "--route-prefix-lengths",
        metavar="MIN-MAX",
        help="filler routes to random networks of these prefix lengths (e.g. 8-28)",
    )
    parser.add_argument(
        "--nat-table-routes",
        type=int,
        default=0,
        help="that many more routes (of --route-prefix-lengths, else 8-28) in the table of "
        "the first NAT gateway's subnet",
    )
    parser.add_argument(
        "--wide-service-subnets", type=int, default=0, help="one more service naming N subnets"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--shape",
        choices=("account", "hub-and-spoke"),
        default="account",
        help="hub-and-spoke: a transit gateway, an egress VPC, a shared-services VPC with the "
        "endpoints and private hosted zones, and --spokes spoke VPCs (bench/hub_and_spoke.py)",
    )
    parser.add_argument("--spokes", type=int, default=500)
    parser.add_argument("--spoke-groups", type=int, default=10)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    if args.shape == "hub-and-spoke":
        from hub_and_spoke import generate_hub_and_spoke

        data = generate_hub_and_spoke(spokes=args.spokes, groups=args.spoke_groups, seed=args.seed)
        with open(args.output, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        return 0
    params = dict(SIZES[args.size or "small"])
    for key in params:
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    with open(args.output, "w", encoding="utf-8") as fh:
        json.dump(
            generate(
                seed=args.seed,
                route_prefix_lengths=lengths(args.route_prefix_lengths),
                nat_table_routes=args.nat_table_routes,
                wide_service_subnets=args.wide_service_subnets,
                **params,
            ),
            fh,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
