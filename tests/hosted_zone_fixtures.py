"""Snapshots with Route 53 private hosted zones and Resolver rules, built in memory (not read
from samples/*.json): the hub and spoke of samples/build_phz.py, and one VPC whose endpoints
have private DNS off and are answered by zones instead."""

from __future__ import annotations

import copy
from typing import Any

from netgraph.model import Snapshot

from .conftest import SAMPLES, build, load_script, snap

phz = load_script("samples_build_phz", SAMPLES / "build_phz.py")

REGION = phz.REGION
ACCOUNT = phz.ACCOUNT
SPOKE = phz.SPOKE
HUB = phz.HUB
ZONE_IDS: dict[str, str] = phz.ZONE_IDS
ALL_ZONES = ("ecr.api", "ecr.dkr", "logs", "secretsmanager")


def hub_spoke(spoke_zones: tuple[str, ...] = ALL_ZONES) -> dict[str, Any]:
    """The spoke (the service's VPC) and the hub of the interface endpoints over a transit
    gateway; the zones of ``spoke_zones`` are associated with the spoke too."""
    return copy.deepcopy(phz.hub_and_spoke(spoke_zones))


def hub_endpoint(data: dict[str, Any], service: str) -> dict[str, Any]:
    name = f"com.amazonaws.{REGION}.{service}"
    return next(e for e in data["VpcEndpoints"] if e["ServiceName"] == name and e["VpcId"] == HUB)


def endpoint_name(data: dict[str, Any], service: str) -> str:
    """The regional DNS name of the hub's endpoint of the service (alias targets name it)."""
    return str(hub_endpoint(data, service)["DnsEntries"][0]["DnsName"])


def add_zone(
    data: dict[str, Any],
    zone_id: str,
    name: str,
    vpcs: list[str],
    records: list[dict[str, Any]],
    *,
    listed: bool = True,
) -> None:
    """A private zone with its details; ``listed``: in HostedZones and in HostedZonesByVpc
    of the VPCs it is associated with (those that have an entry)."""
    data.setdefault("HostedZoneDetails", {})[zone_id] = phz.zone_details(
        zone_id, name, vpcs, records
    )
    if listed:
        data.setdefault("HostedZones", []).append(phz.zone_summary(zone_id, name))
        for vpc in vpcs:
            entry = data.setdefault("HostedZonesByVpc", {}).setdefault(vpc, phz.by_vpc([]))
            entry["HostedZoneSummaries"].append(
                {
                    "HostedZoneId": zone_id,
                    "Name": phz.escaped(name),
                    "Owner": {"OwningAccount": ACCOUNT},
                }
            )


def drop_zone(data: dict[str, Any], zone_id: str) -> None:
    data["HostedZoneDetails"].pop(zone_id, None)
    data["HostedZones"] = [z for z in data["HostedZones"] if not z["Id"].endswith(zone_id)]
    for entry in data["HostedZonesByVpc"].values():
        entry["HostedZoneSummaries"] = [
            s for s in entry["HostedZoneSummaries"] if s["HostedZoneId"] != zone_id
        ]


def forward_rule(rule_id: str, domain: str, kind: str = "FORWARD") -> dict[str, Any]:
    return {
        "Id": rule_id,
        "DomainName": domain if domain.endswith(".") else domain + ".",
        "Status": "COMPLETE",
        "RuleType": kind,
        "Name": rule_id,
        "OwnerId": ACCOUNT,
        "ShareStatus": "NOT_SHARED",
        **({"TargetIps": [{"Ip": "192.168.0.2", "Port": 53}]} if kind == "FORWARD" else {}),
    }


def associate_rule(data: dict[str, Any], rule: dict[str, Any], vpc: str) -> None:
    data.setdefault("ResolverRules", []).append(rule)
    data.setdefault("ResolverRuleAssociations", []).append(
        {
            "Id": f"rslvr-rrassoc-{rule['Id'][-6:]}",
            "ResolverRuleId": rule["Id"],
            "Name": "",
            "VPCId": vpc,
            "Status": "COMPLETE",
        }
    )


def one_vpc(private_dns: bool = False) -> dict[str, Any]:
    """build.py's healthy VPC, its interface endpoints with ``private_dns`` and DnsEntries,
    and a private zone per service name with an alias to its endpoint, associated with it."""
    data: dict[str, Any] = copy.deepcopy(build.healthy_endpoints())
    azs = tuple(build.SUBNETS[n][2] for n in ("endpoints-a", "endpoints-c"))
    summaries = []
    data["HostedZoneDetails"] = {}
    for ep in data["VpcEndpoints"]:
        if ep["VpcEndpointType"] != "Interface":
            continue
        service = ep["ServiceName"].rsplit(f"{REGION}.", 1)[1]
        ep["PrivateDnsEnabled"] = private_dns
        ep["DnsEntries"] = phz.dns_entries(ep["VpcEndpointId"], service, azs)
        if private_dns:
            continue
        zone_id = ZONE_IDS[service]
        domain = phz.service_domain(service)
        records = phz.service_zone_records(service, ep["DnsEntries"][0]["DnsName"])
        data["HostedZoneDetails"][zone_id] = phz.zone_details(zone_id, domain, [build.VPC], records)
        summaries.append((zone_id, domain))
    data["HostedZones"] = [phz.zone_summary(z, n) for z, n in summaries]
    data["HostedZonesByVpc"] = {build.VPC: phz.by_vpc(summaries)}
    data["ResolverRules"] = [dict(phz.INTERNET_RESOLVER)]
    data["ResolverRuleAssociations"] = []
    return data


def load(data: dict[str, Any]) -> Snapshot:
    return snap(data)
