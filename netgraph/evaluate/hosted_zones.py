"""Route 53 private hosted zones and Resolver rules: who answers a name asked from a VPC.

AWS (aws-semantics.md sections 12.3 and 12.5):
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html
and .../resolver-overview-forward-vpc-to-network-domain-name-matches.html
- A private zone answers the names it equals or is a parent of, for the VPCs associated with
  it. Of several, the most specific wins. A name it holds no record for is NXDOMAIN: the
  Resolver does not fall back to public DNS.
- An interface endpoint's private DNS is such a zone, for its own VPC only (``local``).
- A forwarding rule associated with the VPC sends the names it covers (most specific rule
  first) to servers outside the snapshot; for the same name it beats a zone. A more specific
  SYSTEM rule takes a name back; the autodefined RECURSIVE rule forwards nothing.
- ``*`` as the whole leftmost label of a record is a wildcard for the names below its
  parent that have no record of their own (RFC 4592's closest encloser).
- An alias record (or a CNAME) to an interface endpoint's DNS name answers with its ENIs.
Whatever the snapshot does not hold (a zone's records, a zone of another account, the
rules) makes the answer unknown, never public.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from netgraph.findings import fix_for
from netgraph.model import HostedZone, ResourceRecordSet, Snapshot, Vpc, VpcEndpoint

Kind = Literal["local", "endpoint", "fail", "unknown"]

# Rules that AWS makes and that forward nothing (the Internet Resolver, reverse lookups).
AUTODEFINED = "rslvr-autodefined-"
_FORWARDING = frozenset({"FORWARD", "DELEGATE"})


@dataclass(frozen=True)
class ZoneAnswer:
    """Who answers a name. ``local``: no private hosted zone or rule takes it, so the VPC's
    own endpoint private DNS, or else public DNS, does (``fix``: a zone that would answer
    it if it were associated with the VPC)."""

    kind: Kind
    reason: str = ""
    endpoint: VpcEndpoint | None = None
    zone: HostedZone | None = None
    code: str | None = None
    fix: str | None = None


def covers(domain: str, name: str) -> bool:
    """The domain is the name or one of its parents ("" is the root)."""
    return not domain or name == domain or name.endswith("." + domain)


def depth(domain: str) -> int:
    return domain.count(".") + 1 if domain else 0


def zone_label(zone: HostedZone) -> str:
    return f"{zone.id} ({zone.name})" if zone.name is not None else zone.id


def enabled(snapshot: Snapshot) -> bool:
    """Whether the snapshot says anything of zones or rules (else the Resolver is read as
    version 1 read it: endpoint private DNS, or public)."""
    return (
        snapshot.hosted_zones is not None
        or snapshot.resolver_rules is not None
        or snapshot.resolver_rule_associations is not None
    )


# ---- which zones serve a VPC --------------------------------------------------------------


def associated(snapshot: Snapshot, zone: HostedZone, vpc_id: str) -> bool | None:
    """Whether the zone answers queries from the VPC; None: the snapshot cannot say."""
    if zone.private is False:
        return False
    by_vpc = snapshot.hosted_zones_by_vpc
    if zone.vpc_ids is not None and vpc_id in zone.vpc_ids:
        return True
    if by_vpc is not None and vpc_id in by_vpc:
        # list-hosted-zones-by-vpc names every zone associated with the VPC, whoever owns it.
        return zone.id in by_vpc[vpc_id]
    if zone.vpc_ids is not None:
        return False
    return None


def _unlisted(snapshot: Snapshot, vpc_id: str) -> str | None:
    """Why the zones associated with the VPC cannot all be known, if they cannot."""
    by_vpc = snapshot.hosted_zones_by_vpc
    if by_vpc is not None and vpc_id not in by_vpc:
        return (
            f"HostedZonesByVpc has no entry for {vpc_id}, so the private hosted zones "
            "associated with it are not known"
        )
    return None


_ZONES: weakref.WeakKeyDictionary[Snapshot, dict[str, tuple[list[HostedZone], list[HostedZone]]]]
_ZONES = weakref.WeakKeyDictionary()


def _zones_of(snapshot: Snapshot, vpc_id: str) -> tuple[list[HostedZone], list[HostedZone]]:
    """The zones certainly associated with the VPC, and those that may be (computed once a
    snapshot and VPC: a scan asks for every service of every subnet)."""
    memo = _ZONES.setdefault(snapshot, {})
    found = memo.get(vpc_id)
    if found is None:
        certain: list[HostedZone] = []
        maybe: list[HostedZone] = []
        for zone in (snapshot.hosted_zones or {}).values():
            is_associated = associated(snapshot, zone, vpc_id)
            if is_associated is True:
                certain.append(zone)
            elif is_associated is None:
                maybe.append(zone)
        found = memo[vpc_id] = (certain, maybe)
    return found


# ---- Resolver rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    domain: str | None  # None: not known (covers any name)
    forwards: bool
    certain: bool  # associated with the VPC for sure (a SYSTEM rule counts only then)
    label: str


def _rules_of(snapshot: Snapshot, vpc_id: str) -> tuple[list[_Rule], str | None]:
    """The rules that may apply to the VPC's queries, or why none can be trusted."""
    rules = snapshot.resolver_rules
    links = snapshot.resolver_rule_associations
    if links is None:
        if rules is None:
            return [], None
        # Any rule of the account may be associated with the VPC: only forwarding ones
        # matter then (a SYSTEM rule takes nothing back unless it certainly applies).
        return [
            _Rule(r.domain_name, True, False, f"{r.id} ({r.rule_type} {_domain(r.domain_name)})")
            for r in rules.values()
            if _may_forward(r.rule_type) and not r.id.startswith(AUTODEFINED)
        ], None
    out: list[_Rule] = []
    for link in links:
        if link.vpc_id != vpc_id or link.resolver_rule_id.startswith(AUTODEFINED):
            continue
        rule = (rules or {}).get(link.resolver_rule_id)
        if rule is None:
            where = (
                "ResolverRules is not in the snapshot"
                if rules is None
                else "it is not in ResolverRules"
            )
            return [], (
                f"Resolver rule {link.resolver_rule_id} is associated with {vpc_id} "
                f"(ResolverRuleAssociations) but {where}: which names it forwards is unknown"
            )
        complete = (link.status or "").upper() == "COMPLETE"
        out.append(
            _Rule(
                rule.domain_name,
                _may_forward(rule.rule_type),
                complete,
                f"{rule.id} ({rule.rule_type or 'type unknown'} {_domain(rule.domain_name)})",
            )
        )
    return out, None


def _domain(name: str | None) -> str:
    """A rule's domain as a user writes it: "." is the root, every name."""
    if name is None:
        return "(domain unknown)"
    return name or ". (every name)"


def _may_forward(rule_type: str | None) -> bool:
    return rule_type is None or rule_type in _FORWARDING


# ---- the answer ---------------------------------------------------------------------------


def answer(
    snapshot: Snapshot,
    vpc: Vpc,
    name: str,
    local: str | None,
    service_name: str | None = None,
) -> ZoneAnswer:
    """Who answers ``name`` (lowercase, no trailing dot) from ``vpc``. ``local``: the domain
    of the VPC's own endpoint private DNS for the name's service, when it has (or may have)
    such an endpoint. ``service_name``: the endpoint service the name belongs to (an alias
    to an endpoint of another service is not an answer that works)."""
    rules, rules_unknown = _rules_of(snapshot, vpc.id)
    if rules_unknown is not None:
        return ZoneAnswer("unknown", f"{name}: {rules_unknown}")
    certain, maybe = _zones_of(snapshot, vpc.id)
    unlisted = _unlisted(snapshot, vpc.id)
    if unlisted is not None:
        return ZoneAnswer("unknown", f"{name}: {unlisted}")

    zones = [z for z in certain if z.name is not None and covers(z.name, name)]
    best = max(zones, key=lambda z: depth(z.name or ""), default=None)
    best_depth = max(
        (depth(best.name or "") if best else -1, depth(local) if local is not None else -1)
    )
    for zone in maybe:
        if zone.name is None or (covers(zone.name, name) and depth(zone.name) >= best_depth):
            why = (
                "its name is not in the snapshot"
                if zone.name is None
                else "whether it is associated with the VPC is not in the snapshot "
                "(HostedZoneDetails has no entry for it)"
            )
            return ZoneAnswer(
                "unknown",
                f"{name}: the private hosted zone {zone_label(zone)} may answer it from "
                f"{vpc.id}: {why}",
                zone=zone,
            )

    rule = _deciding_rule(rules, name)
    if (
        rule is not None
        and rule.forwards
        and (rule.domain is None or depth(rule.domain) >= best_depth)
    ):
        return ZoneAnswer(
            "unknown",
            f"{name}: the Resolver rule {rule.label} associated with {vpc.id} forwards it to "
            "DNS servers outside the snapshot",
        )

    if best is None or (local is not None and depth(local) > depth(best.name or "")):
        return ZoneAnswer("local", fix=_association_fix(snapshot, vpc, name))
    if local is not None and depth(local) == depth(best.name or ""):
        return ZoneAnswer(
            "unknown",
            f"{name}: both the private hosted zone {zone_label(best)} and the private DNS of "
            f"an interface endpoint in {vpc.id} claim {local}; AWS refuses the second "
            "(ConflictingDomainExists), so the snapshot is not of one moment",
            zone=best,
        )
    return _from_zone(snapshot, vpc, best, name, service_name)


def any_name(snapshot: Snapshot, vpc: Vpc) -> ZoneAnswer | None:
    """Who answers *any* public name (the internet target) from ``vpc``: unknown where a
    Resolver rule that may forward takes every name (its domain the root, or not known) or
    the rules cannot be read; None where public DNS answers (a rule or zone for some domain
    takes only some names, so not "any")."""
    rules, rules_unknown = _rules_of(snapshot, vpc.id)
    if rules_unknown is not None:
        return ZoneAnswer("unknown", f"any public name: {rules_unknown}")
    rule = _deciding_rule([r for r in rules if not r.domain], "")
    if rule is None or not rule.forwards:
        return None
    return ZoneAnswer(
        "unknown",
        f"any public name: the Resolver rule {rule.label} associated with {vpc.id} forwards "
        "every name to DNS servers outside the snapshot",
    )


def _deciding_rule(rules: list[_Rule], name: str) -> _Rule | None:
    """The most specific rule covering the name; on a tie, a forwarding one (the cautious
    reading: the rule that may forward). A SYSTEM rule whose association is not COMPLETE is
    left out: it may not be in effect, and then a less specific forwarding rule takes the name."""
    found = [
        r
        for r in rules
        if (r.forwards or r.certain) and (r.domain is None or covers(r.domain, name))
    ]
    if not found:
        return None
    if any(r.domain is None for r in found):
        return next(r for r in found if r.domain is None)
    top = max(depth(r.domain or "") for r in found)
    tied = [r for r in found if depth(r.domain or "") == top]
    forwarding = [r for r in tied if r.forwards]
    return forwarding[0] if forwarding else tied[0]


def _association_fix(snapshot: Snapshot, vpc: Vpc, name: str) -> str | None:
    """The fix when a private zone for the name serves other VPCs, not this one."""
    zone = unassociated_zone(snapshot, vpc, name)
    if zone is None:
        return None
    return fix_for(
        "PHZ_NOT_ASSOCIATED", zone=zone.id, name=zone.name, vpc=vpc.id, region=snapshot.region
    )


def unassociated_zone(snapshot: Snapshot, vpc: Vpc, name: str) -> HostedZone | None:
    """The private zone for the name that serves other VPCs but not this one, if any."""
    candidates = [
        z
        for z in (snapshot.hosted_zones or {}).values()
        if z.name is not None
        and z.private is not False
        and covers(z.name, name)
        and associated(snapshot, z, vpc.id) is False
    ]
    return max(candidates, key=lambda z: depth(z.name or ""), default=None)


# ---- records ------------------------------------------------------------------------------


def lookup(
    zone_name: str, records: tuple[ResourceRecordSet, ...], name: str
) -> list[ResourceRecordSet] | None:
    """The records that answer ``name`` in a zone: those of the name itself, or else of the
    wildcard of its closest existing parent. None: the name does not exist (NXDOMAIN)."""
    by_name: dict[str, list[ResourceRecordSet]] = {}
    for r in records:
        by_name.setdefault(r.name, []).append(r)
    if name in by_name:
        return by_name[name]
    existing = set(by_name)
    for owner in by_name:  # the parents of a record exist too (empty non-terminals)
        parent = owner
        while parent != zone_name and "." in parent and covers(zone_name, parent):
            parent = parent.split(".", 1)[1]
            existing.add(parent)
    existing.add(zone_name)
    encloser = name
    while encloser != zone_name:
        encloser = encloser.split(".", 1)[1] if "." in encloser else zone_name
        if encloser in existing:
            break
    wildcard = f"*.{encloser}" if encloser else "*"
    return by_name.get(wildcard)


def _from_zone(
    snapshot: Snapshot, vpc: Vpc, zone: HostedZone, name: str, service_name: str | None
) -> ZoneAnswer:
    where = f"the private hosted zone {zone_label(zone)} associated with {vpc.id}"
    if zone.records is None:
        why = (
            "its details are not in the snapshot (HostedZoneDetails: a zone of another "
            f"account{f', {zone.owner}' if zone.owner else ''}, or not collected)"
            if zone.vpc_ids is None
            else "its ResourceRecordSets are not in the snapshot"
        )
        return ZoneAnswer("unknown", f"{name}: {where} answers it, but {why}", zone=zone)
    zone_name = zone.name or ""
    if name.startswith("*."):
        # The name's first label is not known (the registry's account): a record of its own
        # for some label would answer otherwise than the wildcard.
        parent = name[2:]
        others = [
            r.name
            for r in zone.records
            if r.name != name and covers(parent, r.name) and r.name != parent
        ]
        if others:
            return ZoneAnswer(
                "unknown",
                f"{name}: {where} holds {others[0]}, and which account's registry name is "
                "asked is not in the snapshot (AccountId)",
                zone=zone,
            )
    found = lookup(zone_name, zone.records, name)
    if found is None:
        return ZoneAnswer(
            "fail",
            f"{where} holds no record for {name}: the Resolver answers NXDOMAIN and does "
            "not ask public DNS",
            zone=zone,
            code="PHZ_NO_RECORD",
            fix=fix_for("PHZ_NO_RECORD", host=name, zone=zone.id, name=zone.name, vpc=vpc.id),
        )
    if any(r.type is None for r in found):
        return ZoneAnswer(
            "unknown",
            f"{name}: {where} holds a record for it whose Type is not in the snapshot",
            zone=zone,
        )
    answering = [r for r in found if r.type in ("A", "CNAME")]
    if not answering:
        types = ", ".join(sorted({r.type or "" for r in found}))
        return ZoneAnswer(
            "fail",
            f"{where} holds no A record for {name} (only {types}): it resolves to no IPv4 address",
            zone=zone,
            code="PHZ_NO_RECORD",
            fix=fix_for("PHZ_NO_RECORD", host=name, zone=zone.id, name=zone.name, vpc=vpc.id),
        )
    targets: list[tuple[ResourceRecordSet, VpcEndpoint | None, str]] = [
        (r, *_endpoint_of(snapshot, r)) for r in answering
    ]
    for record, endpoint, why in targets:
        if endpoint is None:
            return ZoneAnswer(
                "unknown", f"{name}: {where} answers with {_show(record)}: {why}", zone=zone
            )
    endpoints = {ep.id: ep for _, ep, _ in targets if ep is not None}
    if len(endpoints) > 1:
        return ZoneAnswer(
            "unknown",
            f"{name}: {where} holds several records for it ({', '.join(sorted(endpoints))}): "
            "which one answers depends on their routing policy",
            zone=zone,
        )
    record, endpoint, _ = targets[0]
    assert endpoint is not None
    if service_name is not None and endpoint.service_name.lower() != service_name.lower():
        return ZoneAnswer(
            "unknown",
            f"{name}: {where} answers with {_show(record)}, the endpoint {endpoint.id} of "
            f"{endpoint.service_name}, not of {service_name}: that service does not answer "
            "there",
            zone=zone,
        )
    return ZoneAnswer(
        "endpoint",
        f"{where} answers with {_show(record)}: the ENIs of {endpoint.id} in {endpoint.vpc_id}",
        endpoint=endpoint,
        zone=zone,
    )


def _show(record: ResourceRecordSet) -> str:
    kind = "alias A" if record.alias else (record.type or "?")
    target = record.alias_target if record.alias else ", ".join(record.values or ())
    return f"the {kind} record {record.name} -> {target}"


def _endpoint_of(snapshot: Snapshot, record: ResourceRecordSet) -> tuple[VpcEndpoint | None, str]:
    """The interface endpoint an A alias or a CNAME names, or why none can be said."""
    if record.alias:
        target = record.alias_target
        if target is None:
            return None, "its AliasTarget.DNSName is not in the snapshot"
    elif record.type == "CNAME":
        if record.values is None or len(record.values) != 1:
            return None, "its ResourceRecords are not in the snapshot"
        target = record.values[0]  # (the loader writes a CNAME's value as a name)
    else:
        if record.values is None:
            return None, "its ResourceRecords are not in the snapshot"
        return None, (
            "netgraph follows alias records and CNAMEs to interface endpoints, not fixed addresses"
        )
    endpoints = snapshot.vpc_endpoints
    if endpoints is None:
        return None, snapshot.missing_reason("VpcEndpoints") + f", so what {target} is is unknown"
    index = _endpoint_names(snapshot, endpoints)
    found = index.get(target)
    if found is not None:
        return found, ""
    unnamed = [ep.id for ep in endpoints.values() if ep.dns_names is None]
    if unnamed:
        return None, (
            f"{target} is the DNS name of no endpoint whose DnsEntries are in the snapshot "
            f"(those of {', '.join(unnamed[:3])} are not)"
        )
    return None, (
        f"{target} is not the DNS name of an interface endpoint in the snapshot (an endpoint "
        "of another account or Region, a load balancer, another record)"
    )


_NAMES: weakref.WeakKeyDictionary[Snapshot, dict[str, VpcEndpoint]] = weakref.WeakKeyDictionary()


def _endpoint_names(
    snapshot: Snapshot, endpoints: Mapping[str, VpcEndpoint]
) -> dict[str, VpcEndpoint]:
    found = _NAMES.get(snapshot)
    if found is None:
        found = {
            n: ep
            for ep in endpoints.values()
            if ep.endpoint_type.lower() == "interface"
            for n in ep.dns_names or ()
        }
        _NAMES[snapshot] = found
    return found
