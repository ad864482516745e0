"""The rules of name resolution one by one (evaluate/dns.py and evaluate/hosted_zones.py), on
small model snapshots: which Route 53 keys switch the hosted-zone reading on, which Resolver
rules apply, how specific a zone or rule is, and the words a user reads for each answer."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from netgraph.evaluate import dns, hosted_zones
from netgraph.model import (
    ContainerDefinition,
    HostedZone,
    ResolverRule,
    ResolverRuleAssociation,
    ResourceRecordSet,
    Snapshot,
    TaskDefinition,
    Vpc,
)

from .rule_snapshots import VPC, endpoint, snapshot

REGION = "ap-northeast-1"
LOGS = f"logs.{REGION}.amazonaws.com"
LOGS_SERVICE = f"com.amazonaws.{REGION}.logs"
OTHER = "vpc-2"


def vpc(vpc_id: str = VPC, support: bool | None = True, hostnames: bool | None = True) -> Vpc:
    return Vpc(vpc_id, (ipaddress.ip_network("10.0.0.0/16"),), "default", support, hostnames)


def rule(rule_id: str, domain: str | None, kind: str | None = "FORWARD") -> ResolverRule:
    return ResolverRule(rule_id, domain, kind, "COMPLETE")


def link(
    rule_id: str, vpc_id: str = VPC, status: str | None = "COMPLETE"
) -> ResolverRuleAssociation:
    return ResolverRuleAssociation(f"rslvr-rrassoc-{rule_id}", rule_id, vpc_id, status)


def record(name: str, kind: str | None = "A", alias_to: str | None = None) -> ResourceRecordSet:
    if alias_to is not None:
        return ResourceRecordSet(name, kind, True, alias_to, None)
    return ResourceRecordSet(name, kind, False, None, ("10.0.0.9",))


def zone(
    zone_id: str,
    name: str | None,
    vpcs: tuple[str, ...] | None = (VPC,),
    records: tuple[ResourceRecordSet, ...] | None = (),
    private: bool | None = True,
) -> HostedZone:
    return HostedZone(zone_id, name, private, vpcs, records)


def world(**fields: Any) -> Snapshot:
    """The VPC (both DNS attributes on, AmazonProvidedDNS) and ``fields``."""
    base: dict[str, Any] = {"vpcs": {VPC: vpc(), OTHER: vpc(OTHER)}}
    return snapshot(**{**base, **fields})


def resolve(s: Snapshot, service: str = "logs", v: Vpc | None = None) -> dns.DnsAnswer:
    return dns.resolve(s, v or vpc(), dns.AWS_SERVICES[service])


def outcomes(a: dns.DnsAnswer) -> list[str]:
    return [r.outcome for r in a.resolutions]


def only(a: dns.DnsAnswer) -> dns.Resolution:
    assert a.certain and len(a.resolutions) == 1, a
    return a.resolutions[0]


FORWARD_ALL = "rslvr-rr-0fwdamazonaws"
FORWARDED = (
    f"{LOGS}: the Resolver rule {FORWARD_ALL} (FORWARD amazonaws.com) associated with {VPC} "
    "forwards it to DNS servers outside the snapshot"
)


# ---- Resolver rules -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["CREATING", "FAILED", "DELETING", None])
def test_a_system_rule_not_yet_in_effect_does_not_take_a_name_back(status: str | None) -> None:
    # Bug fixed: a SYSTEM rule whose association is not COMPLETE took the name back from a
    # less specific forwarding rule, and the name was certainly resolved publicly.
    s = world(
        hosted_zones={},
        hosted_zones_by_vpc={VPC: ()},
        resolver_rules={
            FORWARD_ALL: rule(FORWARD_ALL, "amazonaws.com"),
            "rslvr-rr-0system": rule("rslvr-rr-0system", LOGS, "SYSTEM"),
        },
        resolver_rule_associations=(link(FORWARD_ALL), link("rslvr-rr-0system", status=status)),
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == ("unknown", FORWARDED)


@pytest.mark.parametrize("status", ["COMPLETE", "complete"])
def test_a_complete_system_rule_takes_a_name_back(status: str) -> None:
    s = world(
        hosted_zones={},
        hosted_zones_by_vpc={VPC: ()},
        resolver_rules={
            FORWARD_ALL: rule(FORWARD_ALL, "amazonaws.com"),
            "rslvr-rr-0system": rule("rslvr-rr-0system", LOGS, "SYSTEM"),
        },
        resolver_rule_associations=(link(FORWARD_ALL), link("rslvr-rr-0system", status=status)),
    )
    assert only(resolve(s)).outcome == "public"


EP = "vpce-0logs"
EP_NAME = f"{EP}-abcd.logs.{REGION}.vpce.amazonaws.com"


def logs_endpoint(private_dns: bool = False) -> Any:
    return endpoint(
        EP, service_name=LOGS_SERVICE, private_dns_enabled=private_dns, dns_names=(EP_NAME,)
    )


def logs_zone(zone_id: str = "Z0LOGS", vpcs: tuple[str, ...] | None = (VPC,)) -> HostedZone:
    """A private zone of the logs name whose alias points at the endpoint."""
    return zone(zone_id, LOGS, vpcs, (record(LOGS, alias_to=EP_NAME),))


def through_zone(zone_id: str = "Z0LOGS") -> str:
    return (
        f"the private hosted zone {zone_id} ({LOGS}) associated with {VPC} answers with the "
        f"alias A record {LOGS} -> {EP_NAME}: the ENIs of {EP} in {VPC}"
    )


# ---- which keys switch the Route 53 reading on ----------------------------------------------


def test_hosted_zones_alone_are_read() -> None:
    s = world(vpc_endpoints={EP: logs_endpoint()}, hosted_zones={"Z0LOGS": logs_zone()})
    r = only(resolve(s))
    assert (r.outcome, r.endpoint, r.reason) == ("endpoint", logs_endpoint(), through_zone())


def test_resolver_rules_alone_may_forward() -> None:
    s = world(resolver_rules={FORWARD_ALL: rule(FORWARD_ALL, "amazonaws.com")})
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the Resolver rule {FORWARD_ALL} (FORWARD amazonaws.com) associated with "
        f"{VPC} forwards it to DNS servers outside the snapshot",
    )


@pytest.mark.parametrize(
    ("rules", "where"),
    [(None, "ResolverRules is not in the snapshot"), ({}, "it is not in ResolverRules")],
)
def test_an_association_of_an_unknown_rule_says_what_is_missing(
    rules: dict[str, ResolverRule] | None, where: str
) -> None:
    s = world(resolver_rules=rules, resolver_rule_associations=(link("rslvr-rr-0gone"),))
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: Resolver rule rslvr-rr-0gone is associated with {VPC} "
        f"(ResolverRuleAssociations) but {where}: which names it forwards is unknown",
    )


# ---- Resolver rules: which apply -------------------------------------------------------------


def test_an_unassociated_rule_for_another_domain_forwards_nothing_here() -> None:
    s = world(resolver_rules={"rslvr-rr-0corp": rule("rslvr-rr-0corp", "corp.example.com")})
    assert only(resolve(s)).outcome == "public"


def test_an_unassociated_system_rule_is_no_forwarding_rule() -> None:
    s = world(resolver_rules={"rslvr-rr-0system": rule("rslvr-rr-0system", LOGS, "SYSTEM")})
    assert only(resolve(s)).outcome == "public"


def test_an_association_of_another_vpc_listed_first_does_not_hide_the_vpcs_own() -> None:
    s = world(
        resolver_rules={FORWARD_ALL: rule(FORWARD_ALL, "amazonaws.com")},
        resolver_rule_associations=(link(FORWARD_ALL, OTHER), link(FORWARD_ALL)),
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == ("unknown", FORWARDED)


def test_a_rule_without_type_or_domain_may_forward_anything() -> None:
    s = world(
        resolver_rules={"rslvr-rr-0bare": rule("rslvr-rr-0bare", None, None)},
        resolver_rule_associations=(link("rslvr-rr-0bare"),),
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the Resolver rule rslvr-rr-0bare (type unknown (domain unknown)) associated "
        f"with {VPC} forwards it to DNS servers outside the snapshot",
    )


def test_a_rule_for_the_root_forwards_a_name_no_zone_takes() -> None:
    s = world(
        resolver_rules={"rslvr-rr-0root": rule("rslvr-rr-0root", "")},
        resolver_rule_associations=(link("rslvr-rr-0root"),),
    )
    assert only(resolve(s)).outcome == "unknown"


def test_a_private_zone_of_a_top_level_domain_beats_a_rule_for_the_root() -> None:
    s = world(
        hosted_zones={"Z0CORP": zone("Z0CORP", "corp")},
        hosted_zones_by_vpc={VPC: ("Z0CORP",)},
        resolver_rules={"rslvr-rr-0root": rule("rslvr-rr-0root", "")},
        resolver_rule_associations=(link("rslvr-rr-0root"),),
    )
    found = hosted_zones.answer(s, vpc(), "db.corp", None)
    assert (found.kind, found.code) == ("fail", "PHZ_NO_RECORD")


def test_the_endpoints_own_private_dns_beats_a_less_specific_forwarding_rule() -> None:
    s = world(
        vpc_endpoints={EP: logs_endpoint(private_dns=True)},
        resolver_rules={FORWARD_ALL: rule(FORWARD_ALL, "amazonaws.com")},
        resolver_rule_associations=(link(FORWARD_ALL),),
    )
    r = only(resolve(s))
    assert (r.outcome, r.endpoint) == ("endpoint", logs_endpoint(private_dns=True))


# ---- which zones serve the VPC -----------------------------------------------------------


def test_a_public_zone_of_the_name_does_not_answer_from_the_vpc() -> None:
    s = world(hosted_zones={"Z0PUB": zone("Z0PUB", LOGS, (), private=False)})
    r = only(resolve(s))
    assert (r.outcome, r.fix) == ("public", None)


def test_a_zone_hosted_zones_by_vpc_does_not_list_for_the_vpc_does_not_answer() -> None:
    s = world(
        hosted_zones={"Z0ELSE": zone("Z0ELSE", LOGS, None, None)},
        hosted_zones_by_vpc={VPC: ()},
    )
    assert only(resolve(s)).outcome == "public"


def test_a_zone_of_another_account_listed_for_the_vpc_answers_unseen() -> None:
    s = world(
        hosted_zones={"Z0ELSE": zone("Z0ELSE", LOGS, None, None)},
        hosted_zones_by_vpc={VPC: ("Z0ELSE",)},
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the private hosted zone Z0ELSE ({LOGS}) associated with {VPC} answers it, "
        "but its details are not in the snapshot (HostedZoneDetails: a zone of another "
        "account, or not collected)",
    )


def test_a_zone_of_other_vpcs_only_is_the_fix_of_the_public_answer() -> None:
    s = world(hosted_zones={"Z0LOGS": logs_zone(vpcs=(OTHER,))})
    r = only(resolve(s))
    assert r.outcome == "public" and r.endpoint is None
    assert r.fix is not None
    assert r.fix.startswith(f"associate the private hosted zone Z0LOGS ({LOGS}) with {VPC}: ")
    assert f"--hosted-zone-id Z0LOGS --vpc VPCRegion={REGION},VPCId={VPC}" in r.fix


def test_a_vpc_hosted_zones_by_vpc_has_no_entry_for_is_unknown_and_says_so() -> None:
    s = world(hosted_zones={}, hosted_zones_by_vpc={OTHER: ()})
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: HostedZonesByVpc has no entry for {VPC}, so the private hosted zones "
        "associated with it are not known",
    )


# ---- the most specific zone, and zones that may be associated -----------------------------


def test_the_most_specific_zone_wins_whatever_their_order() -> None:
    parent = zone("Z0PARENT", "amazonaws.com")  # no record: it alone would say NXDOMAIN
    s = world(
        vpc_endpoints={EP: logs_endpoint()},
        hosted_zones={"Z0PARENT": parent, "Z0LOGS": logs_zone()},
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == ("endpoint", through_zone())


def test_a_zone_that_may_be_associated_and_covers_nothing_asked_is_ignored() -> None:
    s = world(hosted_zones={"Z0CORP": zone("Z0CORP", "corp.internal", None, None)})
    assert only(resolve(s)).outcome == "public"


def test_a_zone_without_its_name_may_answer_anything() -> None:
    s = world(hosted_zones={"Z0NONAME": zone("Z0NONAME", None, None, None)})
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the private hosted zone Z0NONAME may answer it from {VPC}: its name is not "
        "in the snapshot",
    )


@pytest.mark.parametrize("certain_name", ["amazonaws.com", LOGS])
def test_a_zone_that_may_be_associated_and_as_specific_is_unknown(certain_name: str) -> None:
    # A certain zone of the parent (or of the name itself) and a zone of the name whose
    # association is not in the snapshot: that one may answer instead.
    certain = zone("Z0CERTAIN", certain_name, records=(record(LOGS, alias_to=EP_NAME),))
    s = world(
        vpc_endpoints={EP: logs_endpoint()},
        hosted_zones={"Z0CERTAIN": certain, "Z0MAYBE": zone("Z0MAYBE", LOGS, None, None)},
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the private hosted zone Z0MAYBE ({LOGS}) may answer it from {VPC}: whether "
        "it is associated with the VPC is not in the snapshot (HostedZoneDetails has no entry "
        "for it)",
    )


def test_a_zone_of_the_endpoints_own_name_is_reported_as_a_contradiction() -> None:
    s = world(
        vpc_endpoints={EP: logs_endpoint(private_dns=True)}, hosted_zones={"Z0LOGS": logs_zone()}
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: both the private hosted zone Z0LOGS ({LOGS}) and the private DNS of an "
        f"interface endpoint in {VPC} claim {LOGS}; AWS refuses the second "
        "(ConflictingDomainExists), so the snapshot is not of one moment",
    )


def test_a_zone_of_one_registry_name_beats_the_endpoints_registry_wildcard() -> None:
    # The ecr.dkr endpoint's private DNS claims dkr.ecr.REGION.amazonaws.com; a zone of the
    # account's own registry name is more specific and answers (here: with the endpoint).
    dkr_name = f"vpce-0dkr-abcd.dkr.ecr.{REGION}.vpce.amazonaws.com"
    registry = f"111122223333.dkr.ecr.{REGION}.amazonaws.com"
    dkr = endpoint(
        "vpce-0dkr", service_name=f"com.amazonaws.{REGION}.ecr.dkr", dns_names=(dkr_name,)
    )
    s = world(
        vpc_endpoints={"vpce-0dkr": dkr},
        hosted_zones={
            "Z0REG": zone("Z0REG", registry, records=(record(registry, alias_to=dkr_name),))
        },
    )
    r = only(resolve(s, "ecr.dkr"))
    assert (r.outcome, r.endpoint) == ("endpoint", dkr)
    assert r.reason.startswith(f"the private hosted zone Z0REG ({registry}) associated with {VPC}")


def test_on_a_tie_a_forwarding_rule_beats_a_system_rule_listed_first() -> None:
    s = world(
        resolver_rules={
            "rslvr-rr-0system": rule("rslvr-rr-0system", LOGS, "SYSTEM"),
            "rslvr-rr-0fwdlogs": rule("rslvr-rr-0fwdlogs", LOGS),
        },
        resolver_rule_associations=(link("rslvr-rr-0system"), link("rslvr-rr-0fwdlogs")),
    )
    r = only(resolve(s))
    assert r.outcome == "unknown" and "rslvr-rr-0fwdlogs (FORWARD " in r.reason


# ---- the fix of a public answer: a zone that serves other VPCs -----------------------------


def test_a_zone_of_another_name_serving_other_vpcs_is_no_fix() -> None:
    s = world(hosted_zones={"Z0CORP": zone("Z0CORP", "corp.internal", (OTHER,))})
    r = only(resolve(s))
    assert (r.outcome, r.fix) == ("public", None)


def test_the_fix_names_the_most_specific_unassociated_zone_whatever_their_order() -> None:
    s = world(
        hosted_zones={
            "Z0PARENT": zone("Z0PARENT", "amazonaws.com", (OTHER,)),
            "Z0LOGS": logs_zone(vpcs=(OTHER,)),
        }
    )
    r = only(resolve(s))
    assert r.fix is not None and "--hosted-zone-id Z0LOGS " in r.fix


def test_a_zone_associated_with_the_vpc_is_no_association_fix() -> None:
    # The VPC's own endpoint private DNS (local) is more specific than a zone the VPC is
    # associated with: nothing to associate.
    s = world(hosted_zones={"Z0PARENT": zone("Z0PARENT", "amazonaws.com")})
    found = hosted_zones.answer(s, vpc(), LOGS, LOGS)
    assert (found.kind, found.fix) == ("local", None)


# ---- records: empty non-terminals and wildcards (RFC 4592) -------------------------------


def apex(name: str) -> tuple[ResourceRecordSet, ...]:
    return (
        ResourceRecordSet(
            name, "SOA", False, None, ("ns-1.awsdns-1.org. admin. 1 7200 900 1209600 86400",)
        ),
        ResourceRecordSet(name, "NS", False, None, ("ns-1.awsdns-1.org.",)),
    )


def test_a_single_label_zone_answers_nxdomain_for_a_name_it_lacks() -> None:
    s = world(
        hosted_zones={"Z0CORP": zone("Z0CORP", "corp", records=apex("corp"))},
        hosted_zones_by_vpc={VPC: ("Z0CORP",)},
    )
    found = hosted_zones.answer(s, vpc(), "db.corp", None)
    assert (found.kind, found.code) == ("fail", "PHZ_NO_RECORD")


def test_a_wildcard_does_not_answer_below_an_empty_non_terminal() -> None:
    zone_name = "corp.internal"
    records = (
        *apex(zone_name),
        record(f"*.{zone_name}", alias_to=EP_NAME),
        record(f"a.b.{zone_name}"),
    )
    assert hosted_zones.lookup(zone_name, records, f"x.b.{zone_name}") is None
    assert hosted_zones.lookup(zone_name, records, f"x.{zone_name}") == [records[2]]


def test_a_root_zone_has_its_wildcard_and_empty_non_terminals_too() -> None:
    records = (record("*", alias_to=EP_NAME), record("a.b"))
    assert hosted_zones.lookup("", records, "corp") == [records[0]]
    assert hosted_zones.lookup("", records, "x.b") is None


# ---- what a zone that answers does not show ---------------------------------------------


def test_a_zone_whose_records_are_missing_says_so() -> None:
    s = world(hosted_zones={"Z0LOGS": zone("Z0LOGS", LOGS, records=None)})
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the private hosted zone Z0LOGS ({LOGS}) associated with {VPC} answers it, "
        "but its ResourceRecordSets are not in the snapshot",
    )


def test_a_zone_of_another_account_names_its_owner() -> None:
    other = HostedZone("Z0ELSE", LOGS, True, None, None, owner="444455556666")
    s = world(hosted_zones={"Z0ELSE": other}, hosted_zones_by_vpc={VPC: ("Z0ELSE",)})
    assert only(resolve(s)).reason.endswith(
        "(HostedZoneDetails: a zone of another account, 444455556666, or not collected)"
    )


DKR_EP_NAME = f"vpce-0dkr-abcd.dkr.ecr.{REGION}.vpce.amazonaws.com"
REGION_ZONE = f"{REGION}.amazonaws.com"


def registry_world(*extra: ResourceRecordSet) -> Snapshot:
    """No account anywhere (the registry name asked is ``*.dkr.ecr…``), and a zone of the
    Region's names: the registry wildcard aliased to the ecr.dkr endpoint, and logs."""
    dkr = endpoint(
        "vpce-0dkr",
        service_name=f"com.amazonaws.{REGION}.ecr.dkr",
        private_dns_enabled=False,
        dns_names=(DKR_EP_NAME,),
    )
    records = (
        *apex(REGION_ZONE),
        record(LOGS, alias_to=EP_NAME),
        record(f"*.dkr.ecr.{REGION_ZONE}", alias_to=DKR_EP_NAME),
        *extra,
    )
    return world(
        account_id=None,
        vpc_endpoints={"vpce-0dkr": dkr, EP: logs_endpoint()},
        hosted_zones={"Z0REGION": zone("Z0REGION", REGION_ZONE, records=records)},
    )


def test_an_unknown_account_still_gets_the_registry_wildcard_beside_other_names() -> None:
    r = only(resolve(registry_world(), "ecr.dkr"))
    assert r.outcome == "endpoint" and r.endpoint is not None and r.endpoint.id == "vpce-0dkr"
    assert r.reason.startswith(f"the private hosted zone Z0REGION ({REGION_ZONE})")


def test_an_unknown_account_and_one_registrys_own_record_is_unknown() -> None:
    own = f"999999999999.dkr.ecr.{REGION_ZONE}"
    r = only(resolve(registry_world(record(own)), "ecr.dkr"))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"*.dkr.ecr.{REGION_ZONE}: the private hosted zone Z0REGION ({REGION_ZONE}) associated "
        f"with {VPC} holds {own}, and which account's registry name is asked is not in the "
        "snapshot (AccountId)",
    )


def test_a_zone_without_the_name_answers_nxdomain_and_says_what_to_add() -> None:
    s = world(hosted_zones={"Z0REGION": zone("Z0REGION", REGION_ZONE, records=apex(REGION_ZONE))})
    r = only(resolve(s))
    assert (r.outcome, r.blame, r.code) == ("fail", "Z0REGION", "PHZ_NO_RECORD")
    assert r.reason == (
        f"the private hosted zone Z0REGION ({REGION_ZONE}) associated with {VPC} holds no "
        f"record for {LOGS}: the Resolver answers NXDOMAIN and does not ask public DNS"
    )
    assert r.fix is not None
    assert r.fix.startswith(f"add an alias A record {LOGS} to Z0REGION ({REGION_ZONE}) ")
    assert r.fix.endswith(f"or remove the association of Z0REGION with {VPC}")


def test_a_record_without_its_type_is_unknown() -> None:
    s = world(hosted_zones={"Z0LOGS": zone("Z0LOGS", LOGS, records=(record(LOGS, None),))})
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the private hosted zone Z0LOGS ({LOGS}) associated with {VPC} holds a record "
        "for it whose Type is not in the snapshot",
    )


def test_a_cname_to_the_endpoints_name_answers_with_the_endpoint() -> None:
    cname = ResourceRecordSet(LOGS, "CNAME", False, None, (EP_NAME,))
    s = world(
        vpc_endpoints={EP: logs_endpoint()},
        hosted_zones={"Z0LOGS": zone("Z0LOGS", LOGS, records=(cname,))},
    )
    r = only(resolve(s))
    assert (r.outcome, r.endpoint) == ("endpoint", logs_endpoint())
    assert r.reason.endswith(f"the CNAME record {LOGS} -> {EP_NAME}: the ENIs of {EP} in {VPC}")


def test_a_name_with_only_other_types_resolves_to_no_address() -> None:
    records = (record(LOGS, "AAAA"), record(LOGS, "TXT"))
    s = world(hosted_zones={"Z0LOGS": zone("Z0LOGS", LOGS, records=records)})
    r = only(resolve(s))
    assert (r.outcome, r.blame, r.code) == ("fail", "Z0LOGS", "PHZ_NO_RECORD")
    assert r.reason == (
        f"the private hosted zone Z0LOGS ({LOGS}) associated with {VPC} holds no A record for "
        f"{LOGS} (only AAAA, TXT): it resolves to no IPv4 address"
    )
    assert r.fix is not None
    assert r.fix.startswith(f"add an alias A record {LOGS} to Z0LOGS ({LOGS}) ")
    assert r.fix.endswith(f"or remove the association of Z0LOGS with {VPC}")


def test_records_of_two_endpoints_for_one_name_are_unknown() -> None:
    other_name = f"vpce-0logs2-abcd.logs.{REGION}.vpce.amazonaws.com"
    second = endpoint(
        "vpce-0logs2",
        service_name=LOGS_SERVICE,
        private_dns_enabled=False,
        dns_names=(other_name,),
    )
    records = (
        ResourceRecordSet(LOGS, "A", True, EP_NAME, None, "one"),
        ResourceRecordSet(LOGS, "A", True, other_name, None, "two"),
    )
    s = world(
        vpc_endpoints={EP: logs_endpoint(), "vpce-0logs2": second},
        hosted_zones={"Z0LOGS": zone("Z0LOGS", LOGS, records=records)},
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the private hosted zone Z0LOGS ({LOGS}) associated with {VPC} holds several "
        f"records for it ({EP}, vpce-0logs2): which one answers depends on their routing policy",
    )


# ---- the account in the registry name ------------------------------------------------------


def task_definition(arn: str, *images: str) -> TaskDefinition:
    containers = tuple(
        ContainerDefinition(f"c{i}", im, None, (), (), None) for i, im in enumerate(images)
    )
    return TaskDefinition(arn, "app", 1, "awsvpc", None, containers)


TD_ARN = f"arn:aws:ecs:{REGION}:555566667777:task-definition/app:1"


def test_the_registry_account_is_that_of_an_image_in_the_region() -> None:
    td = task_definition(
        TD_ARN,
        "public.ecr.aws/nginx/nginx:1",
        "222233334444.dkr.ecr.us-east-1.amazonaws.com/app:1",
        f"111100001111.dkr.ecr.{REGION}.amazonaws.com/app:1",
    )
    s = world(account_id=None, task_definitions={TD_ARN: td})
    assert dns.host_account(s) == "111100001111"
    assert dns.host_account(s) == "111100001111"  # and again, from the memo


def test_without_an_image_in_the_region_the_account_of_an_arn_is_taken() -> None:
    td = task_definition(TD_ARN, "public.ecr.aws/nginx/nginx:1")
    s = world(account_id=None, task_definitions={TD_ARN: td})
    assert dns.host_account(s) == "555566667777"
    assert dns.host_account(s) == "555566667777"
