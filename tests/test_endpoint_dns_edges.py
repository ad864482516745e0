"""Edges of what the Amazon DNS server answers when no private hosted zone or Resolver rule
takes the name (evaluate/dns._endpoint_dns), on small model snapshots: enableDnsSupport off or
not collected, a public name (no AWS service), and VpcEndpoints not collected. Each answer is
asserted whole: the outcomes the walk follows, the reasons a user reads, the resource blamed,
and which resolver answered."""

from __future__ import annotations

from netgraph.evaluate import dns

from .rule_snapshots import VPC
from .test_dns_rules import REGION, resolve, vpc, world

LOGS_SERVICE = f"com.amazonaws.{REGION}.logs"
SUPPORT_UNKNOWN = f"enableDnsSupport of {VPC} is not in the snapshot (VpcAttributes)"
SUPPORT_UNKNOWN_FAIL = dns.Resolution(
    "fail", f"{SUPPORT_UNKNOWN}; if it is off, nothing resolves", blame=VPC
)
PUBLIC_NAME = dns.Resolution("public", "a public name: resolves to public addresses")


def test_dns_support_off_fails_every_name_and_blames_the_vpc() -> None:
    # No hosted-zone keys in the snapshot: the Amazon DNS server's own answer decides.
    a = resolve(world(), "logs", vpc(support=False))
    assert a == dns.DnsAnswer(
        (
            dns.Resolution(
                "fail",
                f"enableDnsSupport is off on {VPC}: the Amazon DNS server answers no query",
                blame=VPC,
            ),
        ),
        True,
        resolver="AmazonProvidedDNS",
    )
    assert a.resolutions[0].short == "it does not resolve"


def test_dns_support_not_collected_may_fail_or_resolve_publicly() -> None:
    a = resolve(world(), "logs", vpc(support=None))
    assert a == dns.DnsAnswer(
        (
            SUPPORT_UNKNOWN_FAIL,
            dns.Resolution(
                "public",
                f"{VPC} has no interface endpoint for {LOGS_SERVICE}: the name resolves to the "
                "public service",
            ),
        ),
        False,
        SUPPORT_UNKNOWN,
        resolver="AmazonProvidedDNS",
    )


def test_a_public_name_resolves_publicly_through_the_amazon_dns_server() -> None:
    a = dns.resolve(world(), vpc(), None)
    assert a == dns.DnsAnswer((PUBLIC_NAME,), True, resolver="AmazonProvidedDNS")
    assert a.resolutions[0].short == "it resolves to public addresses"
    # With enableDnsSupport not collected, the public answer is one of two.
    b = dns.resolve(world(), vpc(support=None), None)
    assert b == dns.DnsAnswer(
        (SUPPORT_UNKNOWN_FAIL, PUBLIC_NAME), False, SUPPORT_UNKNOWN, resolver="AmazonProvidedDNS"
    )


def test_endpoints_not_collected_may_resolve_publicly_or_to_an_unseen_endpoint() -> None:
    a = resolve(world(vpc_endpoints=None), "logs")
    assert a == dns.DnsAnswer(
        (
            dns.Resolution(
                "public",
                f"if {VPC} has no {LOGS_SERVICE} endpoint, the name resolves to the public service",
            ),
            dns.Resolution(
                "unknown",
                f"whether {VPC} has a {LOGS_SERVICE} interface endpoint is unknown: "
                "VpcEndpoints not in the snapshot",
            ),
        ),
        False,
        "VpcEndpoints is not in the snapshot (not collected): an interface endpoint "
        f"{LOGS_SERVICE} may exist",
        resolver="AmazonProvidedDNS",
    )
    assert [r.short for r in a.resolutions] == [
        "it resolves to public addresses",
        "it is not answered, or answered otherwise",
    ]
