"""A hub-and-spoke account for benchmarks: one transit gateway, an egress VPC with NAT
gateways, a shared-services VPC with the interface endpoints (private DNS off) and Route 53
private hosted zones that answer the service names with them, and N spoke VPCs without NAT
or endpoints whose 0.0.0.0/0 goes to the transit gateway.

    python bench/hub_and_spoke.py --spokes 500 -o /tmp/hub.json
    python bench/hub_and_spoke.py --spokes 20 --azs 2 --enis 10 --services 2 -o /tmp/small.json
    python bench/generate.py --shape hub-and-spoke --spokes 500 -o /tmp/hub.json

Spokes are grouped (``groups``): each group's attachments are associated with one transit
gateway route table (0.0.0.0/0 static to the egress attachment, the shared-services CIDR
propagated), as large networks separate prod/dev/... spokes; the hub attachments are
associated with one more table that holds every spoke CIDR, propagated.

A spoke holds workloads, as a real one does (defaults in brackets): a /20 with ``azs`` [3]
Availability Zones, each with ``tiers`` [2] /24 app subnets ("app", "data") and a /28
transit gateway attachment subnet; a route table per AZ for its app subnets (the VPC's
local route, 0.0.0.0/0 to the transit gateway and ``extra_routes`` [8] more static routes
to on-premises /24s through it) and the main table for the attachment subnets; the default
NACL, open; ``security_groups`` [8] groups of ``rules_per_group`` [12] inbound rules each
("alb": 443 from 10.0.0.0/8; "app": 8080 from the alb group and from the VPC; "data":
5432 from the app group; the rest random ports from /24s of the VPC), every rule with the
four peer lists AWS returns; ``enis`` [40] Fargate task ENIs spread over the app subnets,
each with one of a few group sets (app; app + one of the others), with the attachment, MAC,
DNS name and address list of describe-network-interfaces; ``services`` [4] services, each
naming the app subnets of one tier (one per AZ) and one group set, with their deployment
settings and last events. That is about 90 KB of describe output a spoke (the "large"
size of generate.py carries the same fields). Seeded and deterministic; the keys are those
of snapshot-format.md "Several VPCs".
"""

from __future__ import annotations

import random
import sys
from typing import Any

from generate import (
    ACCOUNT,
    AZS,
    FULL_ACCESS,
    REGION,
    S3_CIDRS,
    S3_PL,
    _association,
    _id,
    _permission,
    _service_details,
    _task_eni,
)

TGW = "tgw-0a1b2c3d4e5f60718"
SERVICES = ("ecr.api", "ecr.dkr", "logs", "s3")
# The name each service answers under (the zone's name) and the label AWS's endpoint DNS
# names carry for it ("vpce-….api.ecr.<region>.vpce.amazonaws.com").
HOST_LABEL = {"ecr.api": "api.ecr", "ecr.dkr": "dkr.ecr", "logs": "logs", "s3": "s3"}
EGRESS_CIDR = "172.16.0.0/16"
SHARED_CIDR = "172.17.0.0/16"
SPOKES_CIDR = "10.0.0.0/8"


def _spoke_base(i: int) -> int:
    """Spoke i owns 10.x.y.0/20: its app /24s first, then its attachment /28s."""
    return (10 << 24) | ((i + 1) << 12)


def _dotted(n: int) -> str:
    return f"{n >> 24}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.n = 0
        self.snap: dict[str, Any] = {
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
            "TransitGateways": [
                {
                    "TransitGatewayId": TGW,
                    "OwnerId": ACCOUNT,
                    "State": "available",
                    "Options": {
                        "DefaultRouteTableAssociation": "disable",
                        "DefaultRouteTablePropagation": "disable",
                    },
                }
            ],
            "TransitGatewayAttachments": [],
            "TransitGatewayVpcAttachments": [],
            "TransitGatewayRouteTables": [],
            "TransitGatewayRouteTableRoutes": {},
            "HostedZones": [],
            "HostedZoneDetails": {},
            "ResolverRules": [
                {
                    "Id": "rslvr-autodefined-rr-internet-resolver",
                    "DomainName": ".",
                    "RuleType": "RECURSIVE",
                    "Status": "COMPLETE",
                }
            ],
            "ResolverRuleAssociations": [],
            "services": [],
            "taskDefinitions": [],
            "RoleDetailList": [],
            "Policies": [],
            "repositories": [],
            "RepositoryPolicies": [],
        }

    def next(self, prefix: str) -> str:
        self.n += 1
        return _id(prefix, self.n)

    def vpc(self, name: str, cidr: str) -> str:
        vpc = self.next("vpc")
        self.snap["Vpcs"].append(
            {
                "VpcId": vpc,
                "CidrBlock": cidr,
                "DhcpOptionsId": "default",
                "State": "available",
                "OwnerId": ACCOUNT,
                "CidrBlockAssociationSet": [
                    {"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}
                ],
                "Tags": [{"Key": "Name", "Value": name}],
            }
        )
        self.snap["VpcAttributes"] += [
            {"VpcId": vpc, "EnableDnsSupport": {"Value": True}},
            {"VpcId": vpc, "EnableDnsHostnames": {"Value": True}},
        ]
        return vpc

    def subnet(self, vpc: str, cidr: str, az: int, name: str) -> str:
        sid = self.next("subnet")
        self.snap["Subnets"].append(
            {
                "AvailabilityZone": AZS[az],
                "AvailabilityZoneId": f"apne1-az{az + 1}",
                "AvailableIpAddressCount": 240,
                "CidrBlock": cidr,
                "DefaultForAz": False,
                "MapPublicIpOnLaunch": False,
                "State": "available",
                "SubnetId": sid,
                "VpcId": vpc,
                "OwnerId": ACCOUNT,
                "AssignIpv6AddressOnCreation": False,
                "Ipv6CidrBlockAssociationSet": [],
                "Tags": [{"Key": "Name", "Value": name}],
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
        return sid

    def table(
        self, vpc: str, cidr: str, routes: list[dict[str, Any]], subnets: list[str], main: bool
    ) -> str:
        rid = self.next("rtb")
        local = {
            "DestinationCidrBlock": cidr,
            "GatewayId": "local",
            "State": "active",
            "Origin": "CreateRouteTable",
        }
        assoc = [_association(rid, self.n * 4 + k, s) for k, s in enumerate(subnets)]
        if main:
            assoc.append(_association(rid, self.n * 4 + 3, None))
        self.snap["RouteTables"].append(
            {
                "Associations": assoc,
                "PropagatingVgws": [],
                "RouteTableId": rid,
                "Routes": [local, *routes],
                "VpcId": vpc,
                "OwnerId": ACCOUNT,
            }
        )
        return rid

    def open_acl(self, vpc: str, subnets: list[str]) -> None:
        acl = self.next("acl")
        self.snap["NetworkAcls"].append(
            {
                "NetworkAclId": acl,
                "VpcId": vpc,
                "IsDefault": True,
                "Associations": [
                    {
                        "NetworkAclAssociationId": self.next("aclassoc"),
                        "NetworkAclId": acl,
                        "SubnetId": s,
                    }
                    for s in subnets
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
        )

    def group(self, vpc: str, name: str, ingress: list[dict[str, Any]]) -> str:
        gid = self.next("sg")
        self.snap["SecurityGroups"].append(
            {
                "Description": name,
                "GroupName": name,
                "IpPermissions": ingress,
                "OwnerId": ACCOUNT,
                "GroupId": gid,
                "IpPermissionsEgress": [_permission("-1", None, "0.0.0.0/0", None)],
                "VpcId": vpc,
                "Tags": [{"Key": "Name", "Value": name}],
                "SecurityGroupArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{gid}",
            }
        )
        return gid

    def attach(self, vpc: str, subnets: list[str], name: str) -> str:
        att = self.next("tgw-attach")
        self.snap["TransitGatewayAttachments"].append(
            {
                "TransitGatewayAttachmentId": att,
                "TransitGatewayId": TGW,
                "TransitGatewayOwnerId": ACCOUNT,
                "ResourceOwnerId": ACCOUNT,
                "ResourceType": "vpc",
                "ResourceId": vpc,
                "State": "available",
                "Tags": [{"Key": "Name", "Value": name}],
            }
        )
        self.snap["TransitGatewayVpcAttachments"].append(
            {
                "TransitGatewayAttachmentId": att,
                "TransitGatewayId": TGW,
                "VpcId": vpc,
                "VpcOwnerId": ACCOUNT,
                "State": "available",
                "SubnetIds": subnets,
                "Options": {
                    "DnsSupport": "enable",
                    "Ipv6Support": "disable",
                    "ApplianceModeSupport": "disable",
                },
            }
        )
        return att

    def tgw_table(self, name: str, attachments: list[str], routes: list[dict[str, Any]]) -> None:
        rtb = self.next("tgw-rtb")
        self.snap["TransitGatewayRouteTables"].append(
            {
                "TransitGatewayRouteTableId": rtb,
                "TransitGatewayId": TGW,
                "State": "available",
                "DefaultAssociationRouteTable": False,
                "DefaultPropagationRouteTable": False,
                "Tags": [{"Key": "Name", "Value": name}],
            }
        )
        self.snap["TransitGatewayRouteTableRoutes"][rtb] = {
            "Routes": routes,
            "AdditionalRoutesAvailable": False,
        }
        by_id = {a["TransitGatewayAttachmentId"]: a for a in self.snap["TransitGatewayAttachments"]}
        for att in attachments:
            by_id[att]["Association"] = {"TransitGatewayRouteTableId": rtb, "State": "associated"}


TIERS = ("app", "data")


def _spoke_groups(
    b: _Builder, vpc: str, cidr: str, count: int, rules: int
) -> list[tuple[str, str]]:
    """``count`` groups of ``rules`` inbound rules: alb (443 from 10.0.0.0/8), app (8080 from
    alb and the VPC), data (5432 from app), then others; each padded with random ports from
    /24s of the VPC, as generate.py's groups are. (id, name) of each."""
    net = int(cidr.split(".")[1]) << 16 | int(cidr.split(".")[2]) << 8
    made: list[str] = []
    names: list[str] = []
    for g in range(max(1, count)):
        name = ("alb", "app", "data")[g] if g < 3 else f"g{g}"
        if g == 0:
            first = [_permission("tcp", 443, SPOKES_CIDR, "HTTPS from the spokes")]
        elif g == 1:
            first = [_permission("tcp", 8080, cidr, None), _group_pair(8080, made[0])]
        elif g == 2:
            first = [_group_pair(5432, made[1])]
        else:
            first = []
        pad = [
            _permission(
                "tcp",
                p,
                f"10.{net >> 16}.{(net >> 8 & 0xF0) + b.rnd.randrange(16)}.0/24",
                None,
            )
            for p in b.rnd.sample(range(1000, 9000), max(0, rules - len(first)))
        ]
        made.append(b.group(vpc, name, first + pad))
        names.append(name)
    return list(zip(made, names, strict=True))


def _group_pair(port: int, group: str) -> dict[str, Any]:
    return {
        "FromPort": port,
        "IpProtocol": "tcp",
        "IpRanges": [],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "ToPort": port,
        "UserIdGroupPairs": [{"GroupId": group, "UserId": ACCOUNT}],
    }


def _tgw_route(cidr: str, attachment: str, vpc: str, kind: str) -> dict[str, Any]:
    return {
        "DestinationCidrBlock": cidr,
        "TransitGatewayAttachments": [
            {
                "ResourceId": vpc,
                "TransitGatewayAttachmentId": attachment,
                "ResourceType": "vpc",
            }
        ],
        "Type": kind,
        "State": "active",
    }


def generate_hub_and_spoke(
    *,
    spokes: int = 500,
    groups: int = 10,
    seed: int = 1,
    azs: int = 3,
    tiers: int = 2,
    security_groups: int = 8,
    rules_per_group: int = 12,
    extra_routes: int = 8,
    enis: int = 40,
    services: int = 4,
) -> dict[str, Any]:
    """See the module's docstring for the shape; ``azs`` is 1 to 3 (the hubs span at least
    two, and every AZ the spokes use)."""
    if not 1 <= azs <= len(AZS):
        raise ValueError(f"azs must be 1 to {len(AZS)}")
    if tiers * azs * 256 + azs * 16 > 4096:
        raise ValueError("a spoke's /20 holds at most 15 app /24s (tiers x azs)")
    hub_azs = max(2, azs)
    b = _Builder(seed)
    snap = b.snap
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
    for t in range(max(1, min(50, spokes))):
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

    # The egress VPC: NAT gateways in public subnets, the attachment in private /28s.
    egress = b.vpc("egress", EGRESS_CIDR)
    igw = b.next("igw")
    snap["InternetGateways"].append(
        {"InternetGatewayId": igw, "Attachments": [{"State": "available", "VpcId": egress}]}
    )
    public = [b.subnet(egress, f"172.16.{a}.0/24", a, f"egress-public-{a}") for a in range(hub_azs)]
    egress_att_subnets = [
        b.subnet(egress, f"172.16.10.{16 * a}/28", a, f"egress-tgw-{a}") for a in range(hub_azs)
    ]
    nats = []
    for a, sid in enumerate(public):
        nat = b.next("nat")
        nats.append(nat)
        snap["NatGateways"].append(
            {
                "NatGatewayId": nat,
                "VpcId": egress,
                "SubnetId": sid,
                "State": "available",
                "ConnectivityType": "public",
                "NatGatewayAddresses": [
                    {"PrivateIp": f"172.16.{a}.10", "PublicIp": f"54.250.{a}.10"}
                ],
            }
        )
    default_igw = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "State": "active"}
    back = {"DestinationCidrBlock": SPOKES_CIDR, "TransitGatewayId": TGW, "State": "active"}
    b.table(egress, EGRESS_CIDR, [default_igw, back], public, main=True)
    for a, sid in enumerate(egress_att_subnets):
        to_nat = {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nats[a], "State": "active"}
        b.table(egress, EGRESS_CIDR, [to_nat], [sid], main=False)
    b.open_acl(egress, public + egress_att_subnets)
    b.group(egress, "default", [])
    egress_att = b.attach(egress, egress_att_subnets, "egress")

    # The shared-services VPC: interface endpoints, private DNS off, answered by PHZs.
    shared = b.vpc("shared-services", SHARED_CIDR)
    shared_subnets = [
        b.subnet(shared, f"172.17.{a}.0/24", a, f"shared-{a}") for a in range(hub_azs)
    ]
    b.table(
        shared,
        SHARED_CIDR,
        [{"DestinationCidrBlock": SPOKES_CIDR, "TransitGatewayId": TGW, "State": "active"}],
        shared_subnets,
        main=True,
    )
    b.open_acl(shared, shared_subnets)
    ep_sg = b.group(
        shared, "endpoints", [_permission("tcp", 443, SPOKES_CIDR, "HTTPS from the spokes")]
    )
    shared_att = b.attach(shared, shared_subnets, "shared-services")
    spoke_vpcs: list[tuple[str, str]] = []
    endpoint_names: dict[str, str] = {}
    for k, svc in enumerate(SERVICES):
        ep = b.next("vpce")
        ep_enis = []
        for a, sid in enumerate(shared_subnets):
            eni = b.next("eni")
            ep_enis.append(eni)
            snap["NetworkInterfaces"].append(
                {
                    "NetworkInterfaceId": eni,
                    "SubnetId": sid,
                    "VpcId": shared,
                    "AvailabilityZone": AZS[a],
                    "PrivateIpAddress": f"172.17.{a}.{10 + k}",
                    "Groups": [{"GroupId": ep_sg, "GroupName": "endpoints"}],
                    "InterfaceType": "vpc_endpoint",
                    "RequesterManaged": True,
                }
            )
        name = f"{ep}-{k:04x}.{HOST_LABEL[svc]}.{REGION}.vpce.amazonaws.com"
        endpoint_names[svc] = name
        snap["VpcEndpoints"].append(
            {
                "VpcEndpointId": ep,
                "VpcEndpointType": "Interface",
                "VpcId": shared,
                "ServiceName": f"com.amazonaws.{REGION}.{svc}",
                "State": "available",
                "PrivateDnsEnabled": False,
                "SubnetIds": shared_subnets,
                "PolicyDocument": FULL_ACCESS,
                "Groups": [{"GroupId": ep_sg, "GroupName": "endpoints"}],
                "NetworkInterfaceIds": ep_enis,
                "DnsEntries": [
                    {
                        "DnsName": ("*." if svc == "s3" else "") + name,
                        "HostedZoneId": "Z2E726K9Y6RL4W",
                    }
                ]
                + [
                    {
                        "DnsName": f"{ep}-{k:04x}-{AZS[a]}.{HOST_LABEL[svc]}.{REGION}"
                        ".vpce.amazonaws.com",
                        "HostedZoneId": "Z2E726K9Y6RL4W",
                    }
                    for a in range(hub_azs)
                ],
            }
        )

    # Spokes: app subnets per AZ and tier, an attachment /28 per AZ, workloads.
    group_attachments: list[list[str]] = [[] for _ in range(max(1, groups))]
    hub_routes: list[dict[str, Any]] = []
    svc_n = 0
    for i in range(spokes):
        base = _spoke_base(i)
        cidr = f"{_dotted(base)}/20"
        vpc = b.vpc(f"spoke-{i}", cidr)
        spoke_vpcs.append((vpc, cidr))
        # apps[t][a]: the subnet of tier t in AZ a.
        apps = [
            [
                b.subnet(
                    vpc,
                    f"{_dotted(base + 256 * (t * azs + a))}/24",
                    a,
                    f"spoke-{i}-{TIERS[t % len(TIERS)]}{t // len(TIERS) or ''}-{a}",
                )
                for a in range(azs)
            ]
            for t in range(tiers)
        ]
        first_free = base + 256 * tiers * azs
        atts = [
            b.subnet(vpc, f"{_dotted(first_free + 16 * a)}/28", a, f"spoke-{i}-tgw-{a}")
            for a in range(azs)
        ]
        default_tgw = {
            "DestinationCidrBlock": "0.0.0.0/0",
            "TransitGatewayId": TGW,
            "State": "active",
            "Origin": "CreateRoute",
        }
        on_prem = [
            {
                "DestinationCidrBlock": f"192.168.{(i + k) % 256}.0/24",
                "TransitGatewayId": TGW,
                "State": "active",
                "Origin": "CreateRoute",
            }
            for k in range(extra_routes)
        ]
        b.table(vpc, cidr, [default_tgw], atts, main=True)
        for a in range(azs):
            b.table(vpc, cidr, [default_tgw, *on_prem], [apps[t][a] for t in range(tiers)], False)
        b.open_acl(vpc, [s for tier in apps for s in tier] + atts)
        sgs = _spoke_groups(b, vpc, cidr, security_groups, rules_per_group)
        att = b.attach(vpc, atts, f"spoke-{i}")
        group_attachments[i % len(group_attachments)].append(att)
        hub_routes.append(_tgw_route(cidr, att, vpc, "propagated"))
        # Group sets reused by tasks and services, as real workloads do: the app group
        # alone, or with one more (alb, data, or one of the rest).
        app = sgs[min(1, len(sgs) - 1)]
        sets = [[app], *[[app, g] for g in sgs if g != app][:4]]
        flat = [(t, a, s) for t, tier in enumerate(apps) for a, s in enumerate(tier)]
        for k in range(enis):
            t, a, sid = flat[b.rnd.randrange(len(flat))]
            chosen = sets[b.rnd.randrange(len(sets))]
            ip = _dotted(base + 256 * (t * azs + a) + 4 + (k * 5 + i) % 250)
            snap["NetworkInterfaces"].append(
                _task_eni(b.next("eni"), sid, vpc, AZS[a], ip, chosen, b.n)
            )
        for k in range(services):
            tier = apps[k % tiers]
            snap["services"].append(
                {
                    "serviceName": f"svc{svc_n}",
                    "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/spoke{i}/svc{svc_n}",
                    "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/spoke{i}",
                    "taskDefinition": b.rnd.choice(task_defs),
                    "launchType": "FARGATE",
                    "networkConfiguration": {
                        "awsvpcConfiguration": {
                            "subnets": list(tier),
                            "securityGroups": [g for g, _ in sets[k % min(2, len(sets))]],
                            "assignPublicIp": "DISABLED",
                        }
                    },
                    **_service_details(svc_n),
                }
            )
            svc_n += 1
    for g, atts in enumerate(group_attachments):
        b.tgw_table(
            f"spokes-{g}",
            atts,
            [
                _tgw_route("0.0.0.0/0", egress_att, egress, "static"),
                _tgw_route(SHARED_CIDR, shared_att, shared, "propagated"),
                _tgw_route(EGRESS_CIDR, egress_att, egress, "propagated"),
            ],
        )
    b.tgw_table("hub", [egress_att, shared_att], hub_routes)

    # One private hosted zone per service name, associated with every spoke.
    for svc in SERVICES:
        zone_name = f"{HOST_LABEL[svc]}.{REGION}.amazonaws.com"
        zone = f"Z{b.rnd.getrandbits(60):015X}"[:16]
        snap["HostedZones"].append(
            {
                "Id": f"/hostedzone/{zone}",
                "Name": zone_name + ".",
                "CallerReference": f"hub-{svc}",
                "Config": {"PrivateZone": True},
                "ResourceRecordSetCount": 4,
            }
        )
        # S3's endpoint name is a wildcard ("*.vpce-…"), and Route 53 returns the asterisk
        # of an alias target escaped, as it does a record's name.
        alias = {
            "HostedZoneId": "Z2E726K9Y6RL4W",
            "DNSName": ("\\052." if svc == "s3" else "") + endpoint_names[svc] + ".",
            "EvaluateTargetHealth": True,
        }
        records: list[dict[str, Any]] = [
            {"Name": zone_name + ".", "Type": "A", "AliasTarget": alias},
            {
                "Name": zone_name + ".",
                "Type": "SOA",
                "TTL": 900,
                "ResourceRecords": [{"Value": "x"}],
            },
        ]
        if svc in ("ecr.dkr", "s3"):
            # Bucket and registry names live one level down: a wildcard record, as Route 53
            # returns it (octal escape), aliased to the same endpoint name.
            wildcard = alias
            records.append(
                {"Name": "\\052." + zone_name + ".", "Type": "A", "AliasTarget": wildcard}
            )
        snap["HostedZoneDetails"][zone] = {
            "HostedZone": {
                "Id": f"/hostedzone/{zone}",
                "Name": zone_name + ".",
                "Config": {"PrivateZone": True},
            },
            "VPCs": [{"VPCRegion": REGION, "VPCId": v} for v, _ in spoke_vpcs]
            + [{"VPCRegion": REGION, "VPCId": shared}],
            "ResourceRecordSets": records,
        }
    return snap


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spokes", type=int, default=500)
    parser.add_argument("--groups", type=int, default=10, help="TGW route tables of spokes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--azs", type=int, default=3, help="AZs of a spoke (1 to 3)")
    parser.add_argument("--tiers", type=int, default=2, help="app subnets of a spoke per AZ")
    parser.add_argument("--security-groups", type=int, default=8, help="per spoke")
    parser.add_argument("--rules-per-group", type=int, default=12)
    parser.add_argument("--extra-routes", type=int, default=8, help="per app route table")
    parser.add_argument("--enis", type=int, default=40, help="task ENIs per spoke")
    parser.add_argument("--services", type=int, default=4, help="per spoke")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    params = {k: v for k, v in vars(args).items() if k != "output"}
    with open(args.output, "w", encoding="utf-8") as fh:
        json.dump(generate_hub_and_spoke(**params), fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
