"""Which DNS servers a VPC uses when its DHCP option set is not all in the snapshot
(dns.resolve): the answer is the custom-servers one (Amazon's, public or none), it still asks
the service or name the user asked, and its doubt says which piece is missing. Also the year
range of an IAM date (iam._date): year 1 is a date, only year 0 is not."""

from __future__ import annotations

import ipaddress

import pytest

from netgraph.evaluate import dns
from netgraph.evaluate.iam import evaluate
from netgraph.model import DhcpOptions, Vpc

from .rule_snapshots import VPC
from .test_dns_rules import EP, logs_endpoint, record, world, zone
from .test_principal_edges import identity_policy
from .test_statement_edges import pull_request

_DOPT = "dopt-0gone"
_NAME = "db.corp.internal"


def _vpc(dhcp_options_id: str | None) -> Vpc:
    return Vpc(VPC, (ipaddress.ip_network("10.0.0.0/16"),), dhcp_options_id, True, True)


# Each way the VPC's DHCP option set can be incomplete: the VPC's id of it, and the world
# fields that go with it (the set absent, or present without all its servers).
_INCOMPLETE = {
    "no-dhcp-options-id": (None, {}),
    "set-not-listed": (_DOPT, {"dhcp_options": {}}),
    "servers-not-all-read": (_DOPT, {"dhcp_options": {_DOPT: DhcpOptions(_DOPT, None)}}),
}


@pytest.mark.parametrize("case", sorted(_INCOMPLETE))
def test_a_vpc_with_unknown_dns_servers_still_resolves_the_service_asked(case: str) -> None:
    # The servers are unknown, but were they Amazon's, the logs endpoint's private DNS would
    # answer: that alternative is the endpoint, not the public name of "any service".
    dopt, fields = _INCOMPLETE[case]
    s = world(vpc_endpoints={EP: logs_endpoint(private_dns=True)}, **fields)
    a = dns.resolve(s, _vpc(dopt), dns.AWS_SERVICES["logs"])
    assert not a.certain and a.resolver == "custom"
    assert [(r.outcome, r.endpoint.id if r.endpoint else None) for r in a.resolutions] == [
        ("endpoint", EP),
        ("public", None),
        ("unknown", None),
    ]


def test_a_vpc_without_its_dhcp_options_id_says_so() -> None:
    a = dns.resolve(world(), _vpc(None), dns.AWS_SERVICES["logs"])
    assert a.doubt == (
        f"the DhcpOptionsId of {VPC} is not in the snapshot (Vpcs), so its DNS servers are unknown"
    )


@pytest.mark.parametrize("case", sorted(_INCOMPLETE))
def test_a_vpc_with_unknown_dns_servers_still_asks_the_name_given(case: str) -> None:
    # `path --to db.corp.internal`: forwarded to the VPC resolver, the private zone answers
    # NXDOMAIN for the name asked (not a public answer for "any public name").
    dopt, fields = _INCOMPLETE[case]
    s = world(
        hosted_zones={
            "Z0CORP": zone("Z0CORP", "corp.internal", records=(record("web.corp.internal"),))
        },
        **fields,
    )
    a = dns.resolve(s, _vpc(dopt), None, _NAME)
    assert a.resolver == "custom"
    first = a.resolutions[0]
    assert (first.outcome, first.blame, first.code) == ("fail", "Z0CORP", "PHZ_NO_RECORD")


@pytest.mark.parametrize(
    ("dhcp_options", "why"),
    [
        (None, "DhcpOptions is not in the snapshot (not collected)"),
        ({}, f"{_DOPT} is not in DhcpOptions"),
    ],
    ids=["key-absent", "set-not-listed"],
)
def test_dhcp_options_not_in_the_snapshot_say_which_piece_is_missing(
    dhcp_options: dict[str, object] | None, why: str
) -> None:
    s = world(dhcp_options=dhcp_options)
    a = dns.resolve(s, _vpc(_DOPT), dns.AWS_SERVICES["logs"])
    assert not a.certain and a.resolver == "custom"
    assert a.doubt == f"the DNS servers of {VPC} ({_DOPT}) are unknown: {why}"


@pytest.mark.parametrize("year", ["0001", "0001-01"])
def test_a_date_of_year_one_is_read_and_a_deny_after_it_applies(year: str) -> None:
    # Year 0 is no date netgraph can read (803677f); year 1 is: now is after it, whichever way
    # a bare "0001" reads (year 1, or 1 second after 1970), so the Deny certainly applies.
    deny = {
        "Effect": "Deny",
        "Action": "ecr:*",
        "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": year}},
    }
    allow = {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}
    now = pull_request(aws_CurrentTime="2026-06-01T00:00:00Z")
    assert evaluate([identity_policy(deny, allow)], now).decision == "deny"


def test_dhcp_options_without_all_their_servers_say_so() -> None:
    s = world(dhcp_options={_DOPT: DhcpOptions(_DOPT, None)})
    a = dns.resolve(s, _vpc(_DOPT), dns.AWS_SERVICES["logs"])
    assert not a.certain and a.resolver == "custom"
    assert a.doubt == (
        f"the DNS servers of {VPC} are unknown: the DhcpConfigurations of {_DOPT} are not all "
        "in the snapshot (a Key or its Values is missing)"
    )
