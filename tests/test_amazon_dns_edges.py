"""What the VPC's Amazon resolver answers for a name a user gives (dns._amazon_dns, dns._answer),
on tests/test_dns_rules.py's small model snapshots: a `path --to` name is matched against the
private hosted zones whatever its case and trailing dot, and an answer with several doubts
tells each of them (the walk shows the doubt as its DNS branch hop's words)."""

from __future__ import annotations

import pytest

from netgraph.evaluate import dns

from .rule_snapshots import VPC
from .test_dns_rules import record, vpc, world, zone

_ZONE = "Z0CORP"
_NXDOMAIN = (
    f"the private hosted zone {_ZONE} (corp.internal) associated with {VPC} holds no record "
    "for db.corp.internal: the Resolver answers NXDOMAIN and does not ask public DNS"
)


@pytest.mark.parametrize("asked", ["db.corp.internal.", "DB.Corp.Internal.", "db.corp.internal"])
def test_a_name_with_a_trailing_dot_is_answered_by_its_private_hosted_zone(asked: str) -> None:
    # A fully qualified name (`path --to db.corp.internal.`) is the same name: the zone
    # takes it and answers NXDOMAIN; it is not a public name that resolves.
    s = world(
        hosted_zones={_ZONE: zone(_ZONE, "corp.internal", records=(record("web.corp.internal"),))}
    )
    answer = dns.resolve(s, vpc(), None, asked)
    assert answer.certain and answer.doubt == ""
    [r] = answer.resolutions
    assert (r.outcome, r.reason, r.blame, r.code) == ("fail", _NXDOMAIN, _ZONE, "PHZ_NO_RECORD")


def test_an_answer_with_two_doubts_tells_both_apart() -> None:
    s = world(
        hosted_zones={_ZONE: zone(_ZONE, "corp.internal", records=(record("web.corp.internal"),))}
    )
    answer = dns.resolve(s, vpc(support=None, hostnames=None), None, "db.corp.internal.")
    assert not answer.certain
    assert answer.doubt == (
        f"enableDnsSupport of {VPC} is not in the snapshot (VpcAttributes); "
        f"enableDnsHostnames of {VPC} is not in the snapshot (VpcAttributes)"
    )
    assert [(r.outcome, r.blame) for r in answer.resolutions] == [
        ("fail", VPC),
        ("fail", _ZONE),
        ("public", VPC),
    ]
    assert answer.resolutions[1].reason == _NXDOMAIN
