"""Route 53 responses -> model: private hosted zones with their VPCs and records, and the
Resolver's rules and their associations with VPCs.

Keys (snapshot-format.md "Route 53 private hosted zones and Resolver rules"):
``HostedZones`` (list-hosted-zones), ``HostedZoneDetails`` (zone id -> get-hosted-zone plus
``ResourceRecordSets``), ``HostedZonesByVpc`` (VPC id -> list-hosted-zones-by-vpc),
``ResolverRules`` and ``ResolverRuleAssociations``. The three zone keys make one index of
zones; a zone named by one key only carries ``None`` for what the others would have said.
Absent keys stay ``None`` on the model; a null where AWS returns an object is refused, as
read as absent it could drop a zone (and with it an NXDOMAIN or an alias).
"""

from __future__ import annotations

import re

from netgraph.model import HostedZone, ResolverRule, ResolverRuleAssociation, ResourceRecordSet
from netgraph.sources.merge import RawSnapshot
from netgraph.sources.reader import Obj, SnapshotError

_ZONE_KEYS = ("HostedZones", "HostedZoneDetails", "HostedZonesByVpc")
_OCTAL = re.compile(r"\\([0-7]{3})")


def dns_name(text: str) -> str:
    """A name as DNS compares it: Route 53's three-digit octal escapes undone (``\\052`` is
    ``*``), lowercase, without the trailing dot ("" is the root)."""
    plain = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), text)
    return plain.lower().rstrip(".")


def zone_id(text: str) -> str:
    """``/hostedzone/Z123`` and ``Z123`` name the same zone."""
    return text.rsplit("/", 1)[-1]


def _objects(raw: RawSnapshot, key: str) -> list[Obj] | None:
    if key not in raw.present:
        return None
    parts = raw.objects.get(key, [])
    if not parts:
        raise SnapshotError(Obj.wording.null(f"snapshot: $.{key}"))
    return parts


def _entries(raw: RawSnapshot, key: str) -> list[tuple[str, Obj]] | None:
    """The (inner key, value) pairs of an object-valued key, over every file."""
    parts = _objects(raw, key)
    if parts is None:
        return None
    out: list[tuple[str, Obj]] = []
    for obj in parts:
        for inner in obj.data:
            value = obj.opt_obj(inner)
            if value is None:
                raise SnapshotError(obj.wording.null(obj.at(inner)))
            out.append((inner, value))
    return out


class _Zone:
    """What the keys say of one zone, gathered before the model object is made."""

    def __init__(self, zid: str) -> None:
        self.id = zid
        self.name: str | None = None
        self.private: bool | None = None
        self.vpc_ids: tuple[str, ...] | None = None
        self.records: tuple[ResourceRecordSet, ...] | None = None
        self.owner: str | None = None

    def named(self, name: str | None, private: bool | None) -> None:
        if name is not None and self.name is None:
            self.name = dns_name(name)
        if private is not None and self.private is None:
            self.private = private

    def build(self) -> HostedZone:
        return HostedZone(
            id=self.id,
            name=self.name,
            private=self.private,
            vpc_ids=self.vpc_ids,
            records=self.records,
            owner=self.owner,
        )


def _private(o: Obj) -> bool | None:
    config = o.opt_obj("Config")
    return config.opt_bool("PrivateZone") if config is not None else None


def hosted_zones(raw: RawSnapshot) -> dict[str, HostedZone] | None:
    """Every zone any of the three keys names, by id; None when none of them is present."""
    if not any(k in raw.present for k in _ZONE_KEYS):
        return None
    zones: dict[str, _Zone] = {}

    def zone(text: str) -> _Zone:
        zid = zone_id(text)
        return zones.setdefault(zid, _Zone(zid))

    for o in raw.items("HostedZones") or []:
        zone(o.req("Id")).named(o.opt_str("Name"), _private(o))
    for zid, details in _entries(raw, "HostedZoneDetails") or []:
        z = zone(zid)
        head = details.opt_obj("HostedZone")
        if head is not None:
            z.named(head.opt_str("Name"), _private(head))
        z.vpc_ids = _vpc_ids(details, z.private)
        z.records = (
            tuple(record(r) for r in details.objs("ResourceRecordSets"))
            if details.has("ResourceRecordSets")
            else None
        )
    for _vpc, reply in _entries(raw, "HostedZonesByVpc") or []:
        for s in reply.objs("HostedZoneSummaries"):
            z = zone(s.req("HostedZoneId"))
            z.named(s.opt_str("Name"), True)  # list-hosted-zones-by-vpc lists private zones
            owner = s.opt_obj("Owner")
            if owner is not None and z.owner is None:
                z.owner = owner.opt_str("OwningAccount") or owner.opt_str("OwningService")
    return {zid: z.build() for zid, z in zones.items()}


def _vpc_ids(details: Obj, private: bool | None) -> tuple[str, ...] | None:
    """The VPCs get-hosted-zone lists; None when they cannot all be named (a public zone
    has none: AWS leaves VPCs out)."""
    if not details.has("VPCs"):
        return () if private is False else None
    ids = tuple(v.opt_str("VPCId") for v in details.objs("VPCs"))
    if any(i is None for i in ids):
        return None  # an association without its VPC: which VPCs the zone serves is unknown
    return tuple(i for i in ids if i is not None)


def record(o: Obj) -> ResourceRecordSet:
    alias = o.opt_obj("AliasTarget")
    target = alias.opt_str("DNSName") if alias is not None else None
    values: tuple[str, ...] | None = None
    if o.has("ResourceRecords"):
        values = tuple(r.opt_str("Value") or "" for r in o.objs("ResourceRecords"))
        if any(not v for v in values):
            values = None  # a value missing: the answer is unknown, not shorter
    kind = o.opt_str("Type")
    if values is not None and kind is not None and kind.upper() == "CNAME":
        values = tuple(dns_name(v) for v in values)  # a name, compared as names are
    return ResourceRecordSet(
        name=dns_name(o.req("Name")),
        type=kind.upper() if kind is not None else None,
        alias=alias is not None,
        alias_target=dns_name(target) if target is not None else None,
        values=values,
        set_identifier=o.opt_str("SetIdentifier"),
    )


def hosted_zones_by_vpc(raw: RawSnapshot) -> dict[str, tuple[str, ...]] | None:
    """VPC id -> the ids of the zones associated with it, whoever owns them. A VPC whose
    reply has no HostedZoneSummaries is left out (not collected for that VPC)."""
    entries = _entries(raw, "HostedZonesByVpc")
    if entries is None:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for vpc_id, reply in entries:
        if not reply.has("HostedZoneSummaries"):
            continue
        ids = tuple(zone_id(s.req("HostedZoneId")) for s in reply.objs("HostedZoneSummaries"))
        out[vpc_id] = (*out.get(vpc_id, ()), *ids)
    return out


def resolver_rules(raw: RawSnapshot) -> dict[str, ResolverRule] | None:
    items = raw.items("ResolverRules")
    if items is None:
        return None
    out: dict[str, ResolverRule] = {}
    for o in items:
        domain = o.opt_str("DomainName")
        kind = o.opt_str("RuleType")
        rule = ResolverRule(
            id=o.req("Id"),
            domain_name=dns_name(domain) if domain is not None else None,
            rule_type=kind.upper() if kind is not None else None,
            status=o.opt_str("Status"),
            name=o.opt_str("Name"),
        )
        out[rule.id] = rule
    return out


def resolver_rule_associations(raw: RawSnapshot) -> tuple[ResolverRuleAssociation, ...] | None:
    items = raw.items("ResolverRuleAssociations")
    if items is None:
        return None
    return tuple(
        ResolverRuleAssociation(
            id=o.opt_str("Id"),
            resolver_rule_id=o.req("ResolverRuleId"),
            vpc_id=o.req("VPCId"),
            status=o.opt_str("Status"),
        )
        for o in items
    )
