"""Route 53 private hosted zones and Resolver rules for a snapshot (HostedZones,
HostedZoneDetails, HostedZonesByVpc, ResolverRules, ResolverRuleAssociations), as
snapshot-format.md "Several VPCs" says ``aws route53 …`` and ``aws route53resolver …`` give
them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netgraph.sources.collect import Collector

ZONE_PREFIX = "/hostedzone/"


def collect_route53(
    c: Collector, snap: dict[str, Any], region: str, errors: list[dict[str, str]]
) -> None:
    """The account's hosted zones; for each private one, its VPCs and all its records; for
    each VPC collected, the zones associated with it (also those of other accounts); and the
    Resolver rules and their associations. A zone whose details or records fail is left out
    of HostedZoneDetails (names under it are unknown); a VPC whose zones fail, out of
    HostedZonesByVpc."""
    zones = c.call("route53", "ListHostedZones", errors)
    if zones is not None:
        snap["HostedZones"] = zones.get("HostedZones", [])
        details: dict[str, Any] = {}
        for zone in snap["HostedZones"]:
            if not (zone.get("Config") or {}).get("PrivateZone"):
                continue  # a public zone: answered the same inside and outside the VPC
            zone_id = str(zone.get("Id", "")).removeprefix(ZONE_PREFIX)
            if not zone_id:
                c.lacks(errors, "route53:ListHostedZones", "HostedZones[].Id")
                continue
            got = c.call("route53", "GetHostedZone", errors, Id=zone_id)
            records = c.call("route53", "ListResourceRecordSets", errors, HostedZoneId=zone_id)
            if got is None or records is None:
                continue
            details[zone_id] = {
                "HostedZone": got.get("HostedZone", zone),
                "VPCs": got.get("VPCs", []),
                "ResourceRecordSets": records.get("ResourceRecordSets", []),
            }
        snap["HostedZoneDetails"] = details
    by_vpc: dict[str, Any] = {}
    for vpc in snap.get("Vpcs", []):
        vpc_id = vpc.get("VpcId")
        if not vpc_id:
            continue
        summaries = _zones_by_vpc(c, vpc_id, region, errors)
        if summaries is not None:
            by_vpc[vpc_id] = {"HostedZoneSummaries": summaries}
    if "Vpcs" in snap:
        snap["HostedZonesByVpc"] = by_vpc
    rules = c.call("route53resolver", "ListResolverRules", errors)
    if rules is not None:
        snap["ResolverRules"] = rules.get("ResolverRules", [])
    associations = c.call("route53resolver", "ListResolverRuleAssociations", errors)
    if associations is not None:
        snap["ResolverRuleAssociations"] = associations.get("ResolverRuleAssociations", [])


def _zones_by_vpc(
    c: Collector, vpc_id: str, region: str, errors: list[dict[str, str]]
) -> list[Any] | None:
    """Every page of list-hosted-zones-by-vpc (botocore has no paginator for it)."""
    summaries: list[Any] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"VPCId": vpc_id, "VPCRegion": region}
        if token:
            params["NextToken"] = token
        got = c.call("route53", "ListHostedZonesByVPC", errors, **params)
        if got is None:
            return None
        summaries.extend(got.get("HostedZoneSummaries", []))
        token = got.get("NextToken")
        if not token:
            return summaries
