"""What the VPC's Amazon resolver answers when enableDnsSupport is not in the snapshot and the
Route 53 keys are read (dns._amazon_dns), on tests/test_dns_rules.py's small model snapshots:
the "nothing resolves" alternative keeps its own words and no fix of a hosted zone, and the
answer names the Amazon resolver."""

from __future__ import annotations

from netgraph.evaluate import dns

from .rule_snapshots import VPC
from .test_dns_rules import LOGS, OTHER, link, logs_zone, record, rule, vpc, world, zone

_NOT_COLLECTED = (
    f"enableDnsSupport of {VPC} is not in the snapshot (VpcAttributes); "
    "if it is off, nothing resolves"
)


def test_a_zone_of_other_vpcs_fixes_only_the_public_answer_not_an_unknown_dns_support() -> None:
    # The logs zone serves another VPC only: associating it is the fix of the public path,
    # not of "enableDnsSupport may be off" (that fix is the VPC attribute, not the zone).
    s = world(hosted_zones={"Z0LOGS": logs_zone(vpcs=(OTHER,))})
    answer = dns.resolve(s, vpc(support=None), dns.AWS_SERVICES["logs"])
    assert not answer.certain
    assert answer.resolver == "AmazonProvidedDNS"
    [fail, public] = answer.resolutions
    assert (fail.outcome, fail.reason, fail.blame, fail.fix) == ("fail", _NOT_COLLECTED, VPC, None)
    assert (public.outcome, public.endpoint) == ("public", None)
    assert public.fix is not None
    assert public.fix.startswith(f"associate the private hosted zone Z0LOGS ({LOGS}) with {VPC}: ")


def test_a_zone_answer_with_dns_support_not_collected_words_the_doubt_and_names_the_resolver() -> (
    None
):
    s = world(
        hosted_zones={
            "Z0CORP": zone("Z0CORP", "corp.internal", records=(record("web.corp.internal"),))
        }
    )
    answer = dns.resolve(s, vpc(support=None), None, "db.corp.internal")
    assert not answer.certain
    assert answer.doubt == f"enableDnsSupport of {VPC} is not in the snapshot (VpcAttributes)"
    assert answer.resolver == "AmazonProvidedDNS"
    assert [(r.outcome, r.reason, r.blame) for r in answer.resolutions] == [
        ("fail", _NOT_COLLECTED, VPC),
        (
            "fail",
            f"the private hosted zone Z0CORP (corp.internal) associated with {VPC} holds no "
            "record for db.corp.internal: the Resolver answers NXDOMAIN and does not ask "
            "public DNS",
            "Z0CORP",
        ),
    ]


def test_any_public_name_under_a_root_forwarding_rule_with_dns_support_not_collected() -> None:
    # The internet target (no service, no name): the rule that forwards every name answers,
    # next to "nothing resolves" where enableDnsSupport may be off.
    s = world(
        resolver_rules={"rslvr-rr-0root": rule("rslvr-rr-0root", "")},
        resolver_rule_associations=(link("rslvr-rr-0root"),),
    )
    answer = dns.resolve(s, vpc(support=None), None)
    assert not answer.certain
    assert answer.doubt == f"enableDnsSupport of {VPC} is not in the snapshot (VpcAttributes)"
    assert answer.resolver == "AmazonProvidedDNS"
    assert [(r.outcome, r.reason, r.blame) for r in answer.resolutions] == [
        ("fail", _NOT_COLLECTED, VPC),
        (
            "unknown",
            "any public name: the Resolver rule rslvr-rr-0root (FORWARD . (every name)) "
            f"associated with {VPC} forwards every name to DNS servers outside the snapshot",
            None,
        ),
    ]
    # A rule for one domain leaves any public name to public DNS.
    s = world(
        resolver_rules={"rslvr-rr-0corp": rule("rslvr-rr-0corp", "corp.internal")},
        resolver_rule_associations=(link("rslvr-rr-0corp"),),
    )
    [public] = dns.resolve(s, vpc(), None).resolutions
    assert public.outcome == "public"
