"""Write samples/broken-phz-not-associated.json: a spoke VPC whose service names are answered
by Route 53 private hosted zones of a shared-services (hub) VPC, over a transit gateway.

The spoke is samples/build.py's healthy VPC without its interface endpoints; the hub holds
them, with private DNS off, and one private hosted zone per service name with an alias record
to its endpoint. The zones of ecr.api, logs and secretsmanager are associated with both VPCs;
the zone of ecr.dkr only with the hub: from the spoke, ``ACCOUNT.dkr.ecr.REGION.amazonaws.com``
resolves to public addresses, which the spoke cannot route. Run `python samples/build_phz.py`
after changing this file. The helpers (zones, records, endpoint DNS names) are also the test
fixtures' (tests/hosted_zone_fixtures.py).
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import build as base  # noqa: E402  (samples/build.py, next to this file)

REGION = base.REGION
ACCOUNT = base.ACCOUNT
SPOKE = base.VPC
HUB = "vpc-0b2c3d4e5f6071829"
HUB_CIDR = "10.1.0.0/16"
TGW = "tgw-0a1a2a3a4a5a6a7a8"
TGW_RTB = "tgw-rtb-0a1a2a3a4a5a6a7a8"
ATTACH_SPOKE = "tgw-attach-0a0a0a0a0a0a0a0s1"
ATTACH_HUB = "tgw-attach-0a0a0a0a0a0a0a0h1"
# The hub's copies of build.py's ids: the same resources, another VPC.
HUB_IDS = {
    "0a1b2c3d4e5f60718": "0b2c3d4e5f6071829",  # the VPC (and its CIDR association)
    "subnet-0a11c0ffee": "subnet-0b22c0ffee",
    "sg-0d0d0d0d0d0d0d0d0": "sg-0d1d1d1d1d1d1d1d1",
    "sg-0e0e0e0e0e0e0e0e2": "sg-0e1e1e1e1e1e1e1e2",
    "acl-0c0c0c0c": "acl-0d0d0d0d",
    "aclassoc-0c0c0c0c": "aclassoc-0d0d0d0d",
    "rtb-0f0f0f0f": "rtb-0e0e0e0e",
    "rtbassoc-0f0f0f0f": "rtbassoc-0e0e0e0e",
    "vpce-0e1c2a3b4d5e6f7": "vpce-0a9b8c7d6e5f4a3",
    "eni-0e1c2a3b4d5e6f7": "eni-0a9b8c7d6e5f4a3",
    '"10.0.': '"10.1.',
    "app-prod": "shared-services",
}
# The alias target zone of every interface endpoint DNS name in the Region (any id will do:
# netgraph compares names).
VPCE_ZONE = "Z2E726K9Y6RL4W"
# DNS name of an endpoint: vpce-ID-SUFFIX.<this>.REGION.vpce.amazonaws.com
DNS_LABEL = {"ecr.api": "api.ecr", "ecr.dkr": "dkr.ecr", "s3": "s3"}
ZONE_IDS = {
    "ecr.api": "Z0ECRAPI0000000000001",
    "ecr.dkr": "Z0ECRDKR0000000000002",
    "logs": "Z0LOGS00000000000003",
    "secretsmanager": "Z0SECRETS000000000004",
}


def hub_id(text: str) -> str:
    """build.py's id of a resource, as the hub's copy of it is named."""
    for old, new in HUB_IDS.items():
        text = text.replace(old, new)
    return text


# ---- Route 53 records, in the shapes the API returns ---------------------------------------


def escaped(name: str) -> str:
    """A name as Route 53 returns it: lowercase, trailing dot, ``*`` as ``\\052``."""
    return name.lower().replace("*", "\\052").rstrip(".") + "."


def service_domain(service: str, region: str = REGION) -> str:
    """The name of the zone an endpoint's private DNS makes (and a shared zone mirrors)."""
    return f"{DNS_LABEL.get(service, service)}.{region}.amazonaws.com"


def dns_entries(endpoint_id: str, service: str, azs: tuple[str, ...]) -> list[dict[str, str]]:
    """DnsEntries of an interface endpoint: its regional name (and for S3 the wildcard of
    it), then one name per Availability Zone."""
    tail = f"{DNS_LABEL.get(service, service)}.{REGION}.vpce.amazonaws.com"
    regional = f"{endpoint_id}-7x3k9q2m.{tail}"
    names = [regional] + ([f"*.{regional}"] if service == "s3" else [])
    names += [f"{endpoint_id}-7x3k9q2m-{az}.{tail}" for az in azs]
    return [{"DnsName": n, "HostedZoneId": VPCE_ZONE} for n in names]


def alias(name: str, target: str, kind: str = "A") -> dict[str, Any]:
    return {
        "Name": escaped(name),
        "Type": kind,
        "AliasTarget": {
            "HostedZoneId": VPCE_ZONE,
            "DNSName": escaped(target),
            "EvaluateTargetHealth": True,
        },
    }


def plain(name: str, kind: str, *values: str) -> dict[str, Any]:
    return {
        "Name": escaped(name),
        "Type": kind,
        "TTL": 300,
        "ResourceRecords": [{"Value": v} for v in values],
    }


def apex(name: str) -> list[dict[str, Any]]:
    """The SOA and NS records every hosted zone has at its apex."""
    return [
        plain(name, "SOA", "ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900"),
        plain(name, "NS", "ns-1536.awsdns-00.co.uk.", "ns-0.awsdns-00.com."),
    ]


def zone_details(
    zone_id: str, name: str, vpc_ids: list[str], records: list[dict[str, Any]]
) -> dict[str, Any]:
    """get-hosted-zone of a private zone, with its ResourceRecordSets."""
    return {
        "HostedZone": {
            "Id": f"/hostedzone/{zone_id}",
            "Name": escaped(name),
            "CallerReference": f"{zone_id}-ref",
            "Config": {"PrivateZone": True},
            "ResourceRecordSetCount": len(records),
        },
        "VPCs": [{"VPCRegion": REGION, "VPCId": v} for v in vpc_ids],
        "ResourceRecordSets": records,
    }


def zone_summary(zone_id: str, name: str) -> dict[str, Any]:
    """One HostedZones entry of list-hosted-zones."""
    return {
        "Id": f"/hostedzone/{zone_id}",
        "Name": escaped(name),
        "CallerReference": f"{zone_id}-ref",
        "Config": {"PrivateZone": True},
        "ResourceRecordSetCount": 3,
    }


def by_vpc(zones: list[tuple[str, str]]) -> dict[str, Any]:
    """list-hosted-zones-by-vpc of one VPC: (zone id, name) of each zone."""
    return {
        "HostedZoneSummaries": [
            {"HostedZoneId": z, "Name": escaped(n), "Owner": {"OwningAccount": ACCOUNT}}
            for z, n in zones
        ],
        "MaxItems": "100",
    }


def service_zone_records(service: str, target: str) -> list[dict[str, Any]]:
    """The records of a shared zone for a service: the apex, and for names under it (the
    registry of an account, an S3 bucket) the wildcard, both aliases to the endpoint."""
    domain = service_domain(service)
    records = [*apex(domain), alias(domain, target)]
    if service in ("ecr.dkr", "s3"):
        star = f"*.{target}" if service == "s3" and not target.startswith("*.") else target
        records.append(alias(f"*.{domain}", star))
    return records


INTERNET_RESOLVER = {
    "Id": "rslvr-autodefined-rr-internet-resolver",
    "CreatorRequestId": "",
    "DomainName": ".",
    "Status": "COMPLETE",
    "RuleType": "RECURSIVE",
    "Name": "Internet Resolver",
    "OwnerId": "Route 53 Resolver",
    "ShareStatus": "NOT_SHARED",
}


# ---- the sample --------------------------------------------------------------------------


def _hub() -> dict[str, Any]:
    """The hub's part of the snapshot: build.py's healthy VPC renamed, with only its
    endpoint subnets and its interface endpoints (private DNS off)."""
    whole = json.loads(hub_id(json.dumps(base.healthy_endpoints())))
    endpoint_subnets = {hub_id(base.SUBNETS[n][0]) for n in ("endpoints-a", "endpoints-c")}
    rtb_private = hub_id(base.RTB_PRIVATE)
    tables = []
    for table in whole["RouteTables"]:
        if table["RouteTableId"] == hub_id(base.RTB_PUBLIC):
            continue
        table["Associations"] = [
            a for a in table["Associations"] if a.get("Main") or a["SubnetId"] in endpoint_subnets
        ]
        if table["RouteTableId"] == rtb_private:
            table["Routes"] = [
                base.route(HUB_CIDR, "GatewayId", "local", "CreateRouteTable"),
                base.route(base.CIDR, "TransitGatewayId", TGW),
            ]
        tables.append(table)
    for acl in whole["NetworkAcls"]:
        acl["Associations"] = [a for a in acl["Associations"] if a["SubnetId"] in endpoint_subnets]
    for group in whole["SecurityGroups"]:
        if group["GroupId"] == hub_id(base.SG_ENDPOINTS):
            group["IpPermissions"] = [base.sg_rule("tcp", 443, 443, cidrs=("10.0.0.0/8",))]
    endpoints = []
    azs = tuple(base.SUBNETS[n][2] for n in ("endpoints-a", "endpoints-c"))
    for ep in whole["VpcEndpoints"]:
        if ep["VpcEndpointType"] != "Interface":
            continue
        service = ep["ServiceName"].rsplit(f"{REGION}.", 1)[1]
        ep["PrivateDnsEnabled"] = False
        ep["DnsEntries"] = dns_entries(ep["VpcEndpointId"], service, azs)
        endpoints.append(ep)
    return {
        "Vpcs": whole["Vpcs"],
        "VpcAttributes": whole["VpcAttributes"],
        "Subnets": [s for s in whole["Subnets"] if s["SubnetId"] in endpoint_subnets],
        "RouteTables": tables,
        "SecurityGroups": [
            g for g in whole["SecurityGroups"] if g["GroupId"] != hub_id(base.SG_TASK)
        ],
        "NetworkAcls": whole["NetworkAcls"],
        "VpcEndpoints": endpoints,
        "NetworkInterfaces": whole["NetworkInterfaces"],
    }


def _transit_gateway(spoke_subnets: list[str], hub_subnets: list[str]) -> dict[str, Any]:
    def attachment(att: str, vpc: str) -> dict[str, Any]:
        return {
            "TransitGatewayAttachmentId": att,
            "TransitGatewayId": TGW,
            "TransitGatewayOwnerId": ACCOUNT,
            "ResourceOwnerId": ACCOUNT,
            "ResourceType": "vpc",
            "ResourceId": vpc,
            "State": "available",
            "Association": {"TransitGatewayRouteTableId": TGW_RTB, "State": "associated"},
        }

    def vpc_attachment(att: str, vpc: str, subnets: list[str]) -> dict[str, Any]:
        return {
            "TransitGatewayAttachmentId": att,
            "TransitGatewayId": TGW,
            "VpcId": vpc,
            "VpcOwnerId": ACCOUNT,
            "State": "available",
            "SubnetIds": subnets,
            "Options": {"DnsSupport": "enable", "ApplianceModeSupport": "disable"},
        }

    def tgw_route(cidr: str, att: str, vpc: str) -> dict[str, Any]:
        return {
            "DestinationCidrBlock": cidr,
            "TransitGatewayAttachments": [
                {"ResourceId": vpc, "TransitGatewayAttachmentId": att, "ResourceType": "vpc"}
            ],
            "Type": "propagated",
            "State": "active",
        }

    return {
        "TransitGateways": [
            {
                "TransitGatewayId": TGW,
                "OwnerId": ACCOUNT,
                "State": "available",
                "Options": {
                    "DefaultRouteTableAssociation": "enable",
                    "DefaultRouteTablePropagation": "enable",
                    "AssociationDefaultRouteTableId": TGW_RTB,
                    "PropagationDefaultRouteTableId": TGW_RTB,
                    "DnsSupport": "enable",
                },
            }
        ],
        "TransitGatewayAttachments": [
            attachment(ATTACH_SPOKE, SPOKE),
            attachment(ATTACH_HUB, HUB),
        ],
        "TransitGatewayVpcAttachments": [
            vpc_attachment(ATTACH_SPOKE, SPOKE, spoke_subnets),
            vpc_attachment(ATTACH_HUB, HUB, hub_subnets),
        ],
        "TransitGatewayRouteTables": [
            {
                "TransitGatewayRouteTableId": TGW_RTB,
                "TransitGatewayId": TGW,
                "State": "available",
                "DefaultAssociationRouteTable": True,
                "DefaultPropagationRouteTable": True,
            }
        ],
        "TransitGatewayRouteTableRoutes": {
            TGW_RTB: {
                "Routes": [
                    tgw_route(base.CIDR, ATTACH_SPOKE, SPOKE),
                    tgw_route(HUB_CIDR, ATTACH_HUB, HUB),
                ],
                "AdditionalRoutesAvailable": False,
            }
        },
    }


def hub_and_spoke(spoke_zones: tuple[str, ...]) -> dict[str, Any]:
    """The spoke and the hub over a transit gateway; a private hosted zone per service of
    the hub's endpoints, associated with the hub and, for ``spoke_zones``, with the spoke."""
    snap = base.healthy_endpoints()
    hub = _hub()
    snap["VpcEndpoints"] = [e for e in snap["VpcEndpoints"] if e["VpcEndpointType"] == "Gateway"]
    snap["NetworkInterfaces"] = []
    private = next(t for t in snap["RouteTables"] if t["RouteTableId"] == base.RTB_PRIVATE)
    private["Routes"].append(base.route(HUB_CIDR, "TransitGatewayId", TGW))
    for key, items in hub.items():
        snap[key] = snap[key] + items
    spoke_subnets = [base.SUBNETS[n][0] for n in ("private-a", "private-c")]
    hub_subnets = [s["SubnetId"] for s in hub["Subnets"]]
    snap.update(_transit_gateway(spoke_subnets, hub_subnets))

    details: dict[str, Any] = {}
    summaries = []
    for ep in hub["VpcEndpoints"]:
        service = ep["ServiceName"].rsplit(f"{REGION}.", 1)[1]
        zone_id = ZONE_IDS[service]
        vpcs = [HUB, SPOKE] if service in spoke_zones else [HUB]
        target = ep["DnsEntries"][0]["DnsName"]
        domain = service_domain(service)
        details[zone_id] = zone_details(
            zone_id, domain, vpcs, service_zone_records(service, target)
        )
        summaries.append((zone_id, domain))
    snap["HostedZones"] = [zone_summary(z, n) for z, n in summaries]
    snap["HostedZoneDetails"] = details
    snap["HostedZonesByVpc"] = {
        HUB: by_vpc(summaries),
        SPOKE: by_vpc([(z, n) for z, n in summaries if z in {ZONE_IDS[s] for s in spoke_zones}]),
    }
    snap["ResolverRules"] = [dict(INTERNET_RESOLVER)]
    snap["ResolverRuleAssociations"] = []
    return snap


def broken_phz_not_associated() -> dict[str, Any]:
    """The ecr.dkr zone is associated with the hub only: the spoke resolves the registry's
    name publicly and has no route there."""
    return hub_and_spoke(spoke_zones=("ecr.api", "logs", "secretsmanager"))


SAMPLES = {"broken-phz-not-associated": broken_phz_not_associated}


def render(name: str) -> str:
    return json.dumps(copy.deepcopy(SAMPLES[name]()), indent=2) + "\n"


def main() -> int:
    for name in SAMPLES:
        (HERE / f"{name}.json").write_text(render(name), encoding="utf-8")
        print(f"wrote samples/{name}.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
