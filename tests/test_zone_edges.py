"""The edges of a private hosted zone's answer (evaluate/hosted_zones.py through evaluate/dns.py):
the exact words a user reads when a record does not lead to an interface endpoint, a zone the
VPC's DNS attributes silence, the domain an endpoint's private DNS claims, and a zone of the
root ("." in the snapshot); and the words naming the ENI a path ends at, as such a zone's
answer leads there (evaluate/interfaces.py)."""

from __future__ import annotations

import pytest

from netgraph.check import check_path
from netgraph.evaluate import dns, hosted_zones
from netgraph.flows import hypothetical_source
from netgraph.hop import HopKind
from netgraph.model import ResourceRecordSet, Snapshot, VpcEndpoint

from .conftest import sample_data, snap
from .rule_snapshots import VPC, endpoint
from .test_dns_rules import (
    EP,
    EP_NAME,
    LOGS,
    OTHER,
    REGION,
    logs_endpoint,
    logs_zone,
    only,
    resolve,
    vpc,
    world,
    zone,
)

NAME = "db.corp"
CORP = f"the private hosted zone Z0CORP (corp) associated with {VPC}"


def ask(s: Snapshot, name: str = NAME) -> dns.Resolution:
    """What a `path --to NAME` reads (no service: no endpoint private DNS of its own)."""
    return only(dns.resolve(s, vpc(), None, name))


def corp(*records: ResourceRecordSet, endpoints: dict[str, VpcEndpoint] | None = None) -> Snapshot:
    return world(
        vpc_endpoints={EP: logs_endpoint()} if endpoints is None else endpoints,
        hosted_zones={"Z0CORP": zone("Z0CORP", "corp", records=records)},
    )


def unnamed(endpoint_id: str) -> VpcEndpoint:
    """An interface endpoint whose DnsEntries are not in the snapshot."""
    return endpoint(endpoint_id, dns_names=None)


ELSEWHERE = "internal-app-123.ap-northeast-1.elb.amazonaws.com"


@pytest.mark.parametrize(
    ("answering", "endpoints", "why"),
    [
        pytest.param(
            ResourceRecordSet(NAME, "A", True, None, None),
            None,
            f"the alias A record {NAME} -> None: its AliasTarget.DNSName is not in the snapshot",
            id="alias-without-target",
        ),
        pytest.param(
            ResourceRecordSet(NAME, "CNAME", False, None, None),
            None,
            f"the CNAME record {NAME} -> : its ResourceRecords are not in the snapshot",
            id="cname-without-values",
        ),
        pytest.param(
            ResourceRecordSet(NAME, "CNAME", False, None, (EP_NAME, ELSEWHERE)),
            None,
            f"the CNAME record {NAME} -> {EP_NAME}, {ELSEWHERE}: its ResourceRecords are not "
            "in the snapshot",
            id="cname-with-two-values",
        ),
        pytest.param(
            ResourceRecordSet(NAME, "A", False, None, None),
            None,
            f"the A record {NAME} -> : its ResourceRecords are not in the snapshot",
            id="a-without-values",
        ),
        pytest.param(
            ResourceRecordSet(NAME, "A", False, None, ("10.0.0.9", "10.0.0.10")),
            None,
            f"the A record {NAME} -> 10.0.0.9, 10.0.0.10: netgraph follows alias records and "
            "CNAMEs to interface endpoints, not fixed addresses",
            id="a-with-addresses",
        ),
        pytest.param(
            ResourceRecordSet(NAME, "A", True, ELSEWHERE, None),
            {EP: logs_endpoint(), "vpce-0a": unnamed("vpce-0a"), "vpce-0b": unnamed("vpce-0b")},
            f"the alias A record {NAME} -> {ELSEWHERE}: {ELSEWHERE} is the DNS name of no "
            "endpoint whose DnsEntries are in the snapshot (those of vpce-0a, vpce-0b are not)",
            id="alias-while-two-endpoints-lack-names",
        ),
        pytest.param(
            ResourceRecordSet(NAME, "A", True, ELSEWHERE, None),
            {f"vpce-0{c}": unnamed(f"vpce-0{c}") for c in "abcd"},
            f"the alias A record {NAME} -> {ELSEWHERE}: {ELSEWHERE} is the DNS name of no "
            "endpoint whose DnsEntries are in the snapshot (those of vpce-0a, vpce-0b, vpce-0c "
            "are not)",
            id="alias-while-four-endpoints-lack-names",
        ),
        pytest.param(
            ResourceRecordSet(NAME, "A", True, ELSEWHERE, None),
            None,
            f"the alias A record {NAME} -> {ELSEWHERE}: {ELSEWHERE} is not the DNS name of an "
            "interface endpoint in the snapshot (an endpoint of another account or Region, a "
            "load balancer, another record)",
            id="alias-to-no-endpoint",
        ),
    ],
)
def test_a_record_that_leads_to_no_endpoint_is_unknown_and_says_why(
    answering: ResourceRecordSet, endpoints: dict[str, VpcEndpoint] | None, why: str
) -> None:
    r = ask(corp(answering, endpoints=endpoints))
    assert (r.outcome, r.endpoint) == ("unknown", None)
    assert r.reason == f"{NAME}: {CORP} answers with {why}"


def test_an_alias_while_endpoints_are_not_collected_names_what_is_missing() -> None:
    s = world(
        vpc_endpoints=None,
        hosted_zones={
            "Z0CORP": zone(
                "Z0CORP", "corp", records=(ResourceRecordSet(NAME, "A", True, EP_NAME, None),)
            )
        },
    )
    r = ask(s)
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{NAME}: {CORP} answers with the alias A record {NAME} -> {EP_NAME}: "
        f"{s.missing_reason('VpcEndpoints')}, so what {EP_NAME} is is unknown",
    )
    assert "VpcEndpoints" in r.reason


def test_an_alias_to_another_services_endpoint_says_that_service_does_not_answer_there() -> None:
    api_name = f"vpce-0api-abcd.api.ecr.{REGION}.vpce.amazonaws.com"
    api = endpoint(
        "vpce-0api",
        service_name=f"com.amazonaws.{REGION}.ecr.api",
        private_dns_enabled=False,
        dns_names=(api_name,),
    )
    records = (ResourceRecordSet(LOGS, "A", True, api_name, None),)
    s = world(
        vpc_endpoints={"vpce-0api": api},
        hosted_zones={"Z0LOGS": zone("Z0LOGS", LOGS, records=records)},
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{LOGS}: the private hosted zone Z0LOGS ({LOGS}) associated with {VPC} answers with "
        f"the alias A record {LOGS} -> {api_name}, the endpoint vpce-0api of "
        f"com.amazonaws.{REGION}.ecr.api, not of com.amazonaws.{REGION}.logs: that service "
        "does not answer there",
    )


# ---- a zone the VPC's DNS attributes silence ------------------------------------------------

HOSTNAMES_FIX = (
    f"enable enableDnsHostnames on {VPC} (aws ec2 modify-vpc-attribute --vpc-id {VPC} "
    f"--enable-dns-hostnames) so that the private hosted zone Z0LOGS ({LOGS}) answers"
)


def silenced(answers_with_endpoint: bool) -> Snapshot:
    """A zone of the logs name that answers with the endpoint, or holds no record for it."""
    found = (
        logs_zone()
        if answers_with_endpoint
        else zone(
            "Z0LOGS",
            LOGS,
            records=(ResourceRecordSet(f"x.{LOGS}", "A", False, None, ("10.0.0.9",)),),
        )
    )
    return world(vpc_endpoints={EP: logs_endpoint()}, hosted_zones={"Z0LOGS": found})


@pytest.mark.parametrize("answers_with_endpoint", [True, False], ids=["endpoint", "nxdomain"])
def test_with_dns_hostnames_off_the_zone_named_does_not_answer(answers_with_endpoint: bool) -> None:
    a = dns.resolve(silenced(answers_with_endpoint), vpc(hostnames=False), dns.AWS_SERVICES["logs"])
    r = only(a)
    assert (r.outcome, r.endpoint, r.blame) == ("public", None, VPC)
    assert r.reason == (
        f"enableDnsHostnames is off on {VPC}, so the private hosted zone Z0LOGS ({LOGS}) does "
        "not answer (AWS requires it for private hosted zones): the name resolves publicly"
    )
    assert r.fix == HOSTNAMES_FIX


@pytest.mark.parametrize("answers_with_endpoint", [True, False], ids=["endpoint", "nxdomain"])
def test_with_dns_hostnames_unknown_the_zone_may_be_silent(answers_with_endpoint: bool) -> None:
    a = dns.resolve(silenced(answers_with_endpoint), vpc(hostnames=None), dns.AWS_SERVICES["logs"])
    assert not a.certain
    assert a.doubt == f"enableDnsHostnames of {VPC} is not in the snapshot (VpcAttributes)"
    answered, public = a.resolutions
    assert answered.outcome == ("endpoint" if answers_with_endpoint else "fail")
    assert (public.outcome, public.blame, public.fix) == ("public", VPC, HOSTNAMES_FIX)
    assert public.reason == f"the public service (if enableDnsHostnames is off on {VPC})"


# ---- the domain an interface endpoint's private DNS claims ---------------------------------


@pytest.mark.parametrize(
    ("target", "domain", "host"),
    [
        ("ecr.api", f"api.ecr.{REGION}.amazonaws.com", f"api.ecr.{REGION}.amazonaws.com"),
        (
            "ecr.dkr",
            f"dkr.ecr.{REGION}.amazonaws.com",
            f"111122223333.dkr.ecr.{REGION}.amazonaws.com",
        ),
        ("logs", LOGS, LOGS),
    ],
)
def test_a_zone_of_the_endpoints_private_dns_domain_names_that_domain(
    target: str, domain: str, host: str
) -> None:
    # The ECR endpoints' private DNS claims api.ecr.REGION… and dkr.ecr.REGION… (not the
    # endpoint service's suffix ecr.api / ecr.dkr turned into a name).
    service = dns.AWS_SERVICES[target]
    own = endpoint("vpce-0own", service_name=service.service_name(REGION), dns_names=())
    s = world(
        vpc_endpoints={"vpce-0own": own},
        hosted_zones={"Z0SAME": zone("Z0SAME", domain, records=())},
    )
    assert dns.endpoint_domain(service, REGION) == domain
    r = only(resolve(s, target))
    assert (r.outcome, r.reason) == (
        "unknown",
        f"{host}: both the private hosted zone Z0SAME ({domain}) and the private DNS of an "
        f"interface endpoint in {VPC} claim {domain}; AWS refuses the second "
        "(ConflictingDomainExists), so the snapshot is not of one moment",
    )


# ---- a zone of the root (Name "." in the snapshot) -------------------------------------------


def test_a_root_zones_wildcard_answers_a_name_no_other_zone_holds() -> None:
    star = ResourceRecordSet("*", "A", True, EP_NAME, None)
    s = world(
        vpc_endpoints={EP: logs_endpoint()},
        hosted_zones={"Z0ROOT": zone("Z0ROOT", "", records=(star,))},
    )
    r = ask(s)
    assert (r.outcome, r.endpoint) == ("endpoint", logs_endpoint())
    assert r.reason == (
        f"the private hosted zone Z0ROOT () associated with {VPC} answers with the alias A "
        f"record * -> {EP_NAME}: the ENIs of {EP} in {VPC}"
    )


def test_the_association_fix_prefers_a_zone_of_the_name_to_a_root_zone_listed_first() -> None:
    s = world(
        hosted_zones={
            "Z0ROOT": zone("Z0ROOT", "", vpcs=(OTHER,)),
            "Z0CORP": zone("Z0CORP", "corp", vpcs=(OTHER,)),
        },
    )
    r = ask(s)
    assert r.outcome == "public"
    assert r.fix is not None and "Z0CORP" in r.fix and "Z0ROOT" not in r.fix


# ---- the answer as evaluate/dns.py receives it -----------------------------------------------


def test_a_zone_answering_with_an_endpoint_is_an_endpoint_answer_naming_both() -> None:
    s = world(vpc_endpoints={EP: logs_endpoint()}, hosted_zones={"Z0LOGS": logs_zone()})
    found = hosted_zones.answer(s, vpc(), LOGS, None, f"com.amazonaws.{REGION}.logs")
    assert (found.kind, found.endpoint, found.zone) == ("endpoint", logs_endpoint(), logs_zone())
    # Resolution.blame is the resource that makes a name fail: an answer that works has none.
    r = only(resolve(s))
    assert (r.outcome, r.blame, r.code, r.fix) == ("endpoint", None, None, None)


def test_a_record_outside_the_zones_own_name_never_answers_for_it() -> None:
    # Route 53 refuses such a record (InvalidChangeBatch); a hand-made snapshot may hold one.
    # The zone's apex bounds the search for a wildcard: x.corp has no record in corp.
    star = ResourceRecordSet("*", "A", True, EP_NAME, None)
    r = ask(corp(star), "x.corp")
    assert (r.outcome, r.blame, r.code) == ("fail", "Z0CORP", "PHZ_NO_RECORD")


# ---- the ENI a path ends at (healthy-endpoints: the ecr.api endpoint's ENI) -----------------

TASK_SUBNET = "subnet-0a11c0ffee0000001"
SG_TASK = "sg-0b0b0b0b0b0b0b0b1"
API_ENI = "eni-0e1c2a3b4d5e6f711"


def path_to_api_eni(groups: list[str] | None) -> list[tuple[HopKind, str, str, str]]:
    data = sample_data("healthy-endpoints")
    eni = next(e for e in data["NetworkInterfaces"] if e["NetworkInterfaceId"] == API_ENI)
    if groups is not None:
        eni["Groups"] = [{"GroupId": g, "GroupName": g} for g in groups]
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    t = check_path(s, source, API_ENI, protocol="6", port=443)
    assert t.verdict == "reachable", t.reason
    return [(h.kind, h.id, h.status, h.reason) for h in t.hops if h.leg == "forward"]


def test_the_hops_toward_an_eni_name_it_by_id_and_address() -> None:
    hops = path_to_api_eni(None)
    route = next(h for h in hops if h[0] == HopKind.ROUTE_TABLE)
    assert route[3] == f"{API_ENI} (10.0.11.10) takes route 10.0.0.0/16 -> local"
    egress = next(h for h in hops if h[0] == HopKind.SECURITY_GROUP_EGRESS)
    assert f"admits TCP 443 to {API_ENI} (10.0.11.10) (" in egress[3]


def test_an_eni_without_security_groups_passes_ingress_saying_none_filters_it() -> None:
    hops = path_to_api_eni([])
    [ingress] = [h for h in hops if h[0] == HopKind.SECURITY_GROUP_INGRESS]
    assert ingress == (
        HopKind.SECURITY_GROUP_INGRESS,
        API_ENI,
        "pass",
        f"{API_ENI} (vpc_endpoint) carries no security group, so none filters what reaches it",
    )
