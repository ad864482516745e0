"""Route 53 private hosted zones and Resolver rules: who answers a service name asked from a
VPC (evaluate/hosted_zones.py through evaluate/dns.py), and the checks that follow."""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.check import check_path, check_source
from netgraph.evaluate import dns
from netgraph.flows import hypothetical_source, service_sources
from netgraph.model import Snapshot
from netgraph.reach import Trace

from . import absent_data
from .conftest import SAMPLES, build
from .hosted_zone_fixtures import (
    ACCOUNT,
    HUB,
    REGION,
    SPOKE,
    ZONE_IDS,
    add_zone,
    associate_rule,
    drop_zone,
    endpoint_name,
    forward_rule,
    hub_endpoint,
    hub_spoke,
    load,
    one_vpc,
    phz,
)

DKR_HOST = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"


def resolve(snapshot: Snapshot, target: str, vpc: str = SPOKE) -> dns.DnsAnswer:
    assert snapshot.vpcs is not None
    return dns.resolve(snapshot, snapshot.vpcs[vpc], dns.AWS_SERVICES[target])


def only(answer: dns.DnsAnswer) -> dns.Resolution:
    assert answer.certain and len(answer.resolutions) == 1, answer
    return answer.resolutions[0]


def checks(snapshot: Snapshot) -> dict[str, Trace]:
    """The traces of the first source of the service (subnet private-a), by target."""
    source = next(iter(service_sources(snapshot)))
    return {t.target: t for t in check_source(snapshot, source)}


# ---- the sample: broken-phz-not-associated ------------------------------------------------


def test_sample_file_is_current() -> None:
    path = SAMPLES / "broken-phz-not-associated.json"
    assert path.read_text(encoding="utf-8") == phz.render("broken-phz-not-associated"), (
        "samples/broken-phz-not-associated.json is stale: run python samples/build_phz.py"
    )


def test_sample_blocks_ecr_dkr_at_the_spoke_route_table_with_the_association_fix() -> None:
    snapshot = load(phz.broken_phz_not_associated())
    found = checks(snapshot)
    dkr = found["ecr.dkr"]
    assert dkr.verdict == "blocked"
    assert dkr.blocked_at is not None and dkr.blocked_at.id == build.RTB_PRIVATE
    assert dkr.fix is not None
    assert (
        f"aws route53 associate-vpc-with-hosted-zone --hosted-zone-id {ZONE_IDS['ecr.dkr']} "
        f"--vpc VPCRegion={REGION},VPCId={SPOKE}"
    ) in dkr.fix
    # The zones associated with the spoke take the other names to the hub's endpoints.
    for target in ("ecr.api", "logs", "secretsmanager"):
        trace = found[target]
        assert trace.verdict == "reachable", (target, trace.reason)
        assert hub_endpoint(phz.broken_phz_not_associated(), target)["VpcEndpointId"] in {
            h.id for h in trace.hops
        }
    assert found["s3"].verdict == "reachable"  # the spoke's own gateway endpoint
    assert found["iam:execution-role"].verdict == "allowed"


def test_sample_resolution_names_the_zone_and_the_public_answer() -> None:
    snapshot = load(phz.broken_phz_not_associated())
    r = only(resolve(snapshot, "ecr.dkr"))
    assert r.outcome == "public" and r.endpoint is None
    assert r.fix is not None and ZONE_IDS["ecr.dkr"] in r.fix and SPOKE in r.fix


def test_every_zone_associated_makes_the_sample_healthy() -> None:
    snapshot = load(hub_spoke())
    assert {t: tr.verdict for t, tr in checks(snapshot).items()} == {
        "ecr.api": "reachable",
        "ecr.dkr": "reachable",
        "s3": "reachable",
        "logs": "reachable",
        "secretsmanager": "reachable",
        "iam:execution-role": "allowed",
    }


# ---- resolution ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["ecr.api", "ecr.dkr", "logs", "secretsmanager"])
def test_an_alias_in_an_associated_zone_resolves_to_the_hub_endpoint(target: str) -> None:
    data = hub_spoke()
    r = only(resolve(load(data), target))
    assert r.outcome == "endpoint"
    assert r.endpoint is not None and r.endpoint.vpc_id == HUB
    assert r.endpoint.id == hub_endpoint(data, target)["VpcEndpointId"]
    assert ZONE_IDS[target] in r.reason and phz.service_domain(target) in r.reason
    assert SPOKE in r.reason


def test_the_registry_name_without_an_account_still_matches_the_wildcard() -> None:
    data = hub_spoke()
    del data["AccountId"]
    snapshot = load(data)
    assert dns.host_account(snapshot) == ACCOUNT  # from the image: the name is still exact
    data2 = hub_spoke()
    del data2["AccountId"]
    for td in data2["taskDefinitions"]:
        for c in td["containerDefinitions"]:
            c["image"] = "public.ecr.aws/nginx/nginx:1"
    for key in ("taskDefinitions", "services", "RoleDetailList"):
        data2.pop(key, None)
    r = only(resolve(load(data2), "ecr.dkr"))
    assert r.outcome == "endpoint", r.reason


def test_a_specific_registry_record_makes_an_unknown_account_unknown() -> None:
    data = hub_spoke()
    for key in ("AccountId", "taskDefinitions", "services", "RoleDetailList"):
        data.pop(key, None)
    zone = data["HostedZoneDetails"][ZONE_IDS["ecr.dkr"]]
    zone["ResourceRecordSets"].append(
        phz.alias(f"999999999999.dkr.ecr.{REGION}.amazonaws.com", "elsewhere.example.com")
    )
    assert only(resolve(load(data), "ecr.dkr")).outcome == "unknown"


def test_no_record_in_the_zone_is_nxdomain_blamed_on_the_zone() -> None:
    data = hub_spoke(("ecr.api", "ecr.dkr", "secretsmanager"))
    drop_zone(data, ZONE_IDS["logs"])
    zone_id = "Z0REGION000000000009"
    add_zone(
        data, zone_id, f"{REGION}.amazonaws.com", [SPOKE, HUB], phz.apex(f"{REGION}.amazonaws.com")
    )
    snapshot = load(data)
    r = only(resolve(snapshot, "logs"))
    assert r.outcome == "fail" and r.code == "PHZ_NO_RECORD" and r.blame == zone_id
    assert "NXDOMAIN" in r.reason
    trace = checks(snapshot)["logs"]
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None and trace.blocked_at.id == zone_id
    assert trace.fix is not None and f"logs.{REGION}.amazonaws.com" in trace.fix
    # The more specific zones still answer their own names.
    assert checks(snapshot)["ecr.api"].verdict == "reachable"


def test_the_most_specific_zone_wins() -> None:
    data = hub_spoke()
    parent = "Z0PARENT000000000008"
    add_zone(data, parent, "amazonaws.com", [SPOKE], phz.apex("amazonaws.com"))
    assert only(resolve(load(data), "logs")).outcome == "endpoint"


def test_a_zone_answering_with_only_aaaa_gives_no_address() -> None:
    data = hub_spoke()
    zone = data["HostedZoneDetails"][ZONE_IDS["logs"]]
    for r in zone["ResourceRecordSets"]:
        if r["Type"] == "A":
            r["Type"] = "AAAA"
    assert only(resolve(load(data), "logs")).outcome == "fail"


def test_a_cname_to_the_endpoint_name_resolves_to_it() -> None:
    data = hub_spoke()
    zone = data["HostedZoneDetails"][ZONE_IDS["logs"]]
    name = phz.service_domain("logs")
    zone["ResourceRecordSets"] = [
        *phz.apex(name),
        phz.plain(f"*.{name}", "CNAME", endpoint_name(data, "logs")),
    ]
    zone["ResourceRecordSets"].append(phz.alias(name, endpoint_name(data, "logs")))
    assert only(resolve(load(data), "logs")).outcome == "endpoint"


def test_an_a_record_with_addresses_is_unknown() -> None:
    data = hub_spoke()
    zone = data["HostedZoneDetails"][ZONE_IDS["logs"]]
    name = phz.service_domain("logs")
    zone["ResourceRecordSets"] = [*phz.apex(name), phz.plain(name, "A", "10.1.11.30")]
    r = only(resolve(load(data), "logs"))
    assert r.outcome == "unknown" and "10.1.11.30" in r.reason


def test_an_alias_to_another_services_endpoint_is_unknown() -> None:
    data = hub_spoke()
    zone = data["HostedZoneDetails"][ZONE_IDS["logs"]]
    name = phz.service_domain("logs")
    zone["ResourceRecordSets"] = [*phz.apex(name), phz.alias(name, endpoint_name(data, "ecr.api"))]
    r = only(resolve(load(data), "logs"))
    assert r.outcome == "unknown" and "ecr.api" in r.reason


def test_an_alias_to_an_endpoint_not_in_the_snapshot_is_unknown() -> None:
    data = hub_spoke()
    zone = data["HostedZoneDetails"][ZONE_IDS["logs"]]
    name = phz.service_domain("logs")
    target = f"vpce-0ffffffffffffffff-abc.logs.{REGION}.vpce.amazonaws.com"
    zone["ResourceRecordSets"] = [*phz.apex(name), phz.alias(name, target)]
    r = only(resolve(load(data), "logs"))
    assert r.outcome == "unknown" and target in r.reason


def test_s3_virtual_hosted_names_match_the_wildcard_alias() -> None:
    data = one_vpc()
    ep = {
        "VpcEndpointId": "vpce-0s3s3s3s3s3s3s3s3",
        "VpcEndpointType": "Interface",
        "VpcId": build.VPC,
        "ServiceName": f"com.amazonaws.{REGION}.s3",
        "State": "available",
        "SubnetIds": [build.SUBNETS["endpoints-a"][0]],
        "Groups": [{"GroupId": build.SG_ENDPOINTS, "GroupName": "e"}],
        "PrivateDnsEnabled": False,
        "NetworkInterfaceIds": [],
        "DnsEntries": phz.dns_entries("vpce-0s3s3s3s3s3s3s3s3", "s3", ("ap-northeast-1a",)),
    }
    data["VpcEndpoints"].append(ep)
    domain = phz.service_domain("s3")
    records = phz.service_zone_records("s3", ep["DnsEntries"][0]["DnsName"])
    assert records[-1]["AliasTarget"]["DNSName"].startswith("\\052.vpce-")
    add_zone(data, "Z0S3000000000000005", domain, [build.VPC], records)
    r = only(resolve(load(data), "s3", build.VPC))
    assert r.outcome == "endpoint" and r.endpoint is not None
    assert r.endpoint.id == "vpce-0s3s3s3s3s3s3s3s3"


# ---- the endpoint's own private DNS -------------------------------------------------------


def test_zones_answer_for_endpoints_with_private_dns_off_in_one_vpc() -> None:
    snapshot = load(one_vpc())
    found = checks(snapshot)
    assert {t: tr.verdict for t, tr in found.items()} == {
        "ecr.api": "reachable",
        "ecr.dkr": "reachable",
        "s3": "reachable",
        "logs": "reachable",
        "secretsmanager": "reachable",
        "iam:execution-role": "allowed",
    }
    assert not found["ecr.api"].assumptions


def test_endpoint_private_dns_beats_a_less_specific_zone() -> None:
    data = one_vpc(private_dns=True)
    add_zone(
        data,
        "Z0REGION000000000009",
        f"{REGION}.amazonaws.com",
        [build.VPC],
        phz.apex(f"{REGION}.amazonaws.com"),
    )
    r = only(resolve(load(data), "logs", build.VPC))
    assert r.outcome == "endpoint" and r.endpoint is not None
    assert r.endpoint.id == build.ENDPOINTS["logs"][0]
    # ... but not the names its endpoints do not cover: ssm has no endpoint here.
    assert only(resolve(load(data), "ssm", build.VPC)).outcome == "fail"


def test_a_zone_of_the_endpoints_own_name_is_a_contradiction() -> None:
    data = one_vpc(private_dns=True)
    name = phz.service_domain("logs")
    add_zone(data, "Z0LOGS00000000000003", name, [build.VPC], phz.apex(name))
    assert only(resolve(load(data), "logs", build.VPC)).outcome == "unknown"


# ---- Resolver rules -----------------------------------------------------------------------


def test_a_forwarding_rule_makes_the_names_it_covers_unknown() -> None:
    data = hub_spoke()
    associate_rule(
        data, forward_rule("rslvr-rr-0forward000001", f"logs.{REGION}.amazonaws.com"), SPOKE
    )
    snapshot = load(data)
    r = only(resolve(snapshot, "logs"))
    assert r.outcome == "unknown" and "rslvr-rr-0forward000001" in r.reason
    assert checks(snapshot)["logs"].verdict == "unknown"
    assert only(resolve(snapshot, "ecr.api")).outcome == "endpoint"


def test_a_more_specific_zone_beats_a_forwarding_rule_and_a_tie_goes_to_the_rule() -> None:
    data = hub_spoke()
    associate_rule(data, forward_rule("rslvr-rr-0forward000002", "amazonaws.com"), SPOKE)
    assert only(resolve(load(data), "logs")).outcome == "endpoint"
    data = hub_spoke()
    associate_rule(data, forward_rule("rslvr-rr-0forward000003", phz.service_domain("logs")), SPOKE)
    assert only(resolve(load(data), "logs")).outcome == "unknown"


def test_a_system_rule_takes_a_subdomain_back() -> None:
    data = hub_spoke()
    associate_rule(data, forward_rule("rslvr-rr-0forward000004", "amazonaws.com"), SPOKE)
    associate_rule(
        data, forward_rule("rslvr-rr-0system0000005", f"{REGION}.amazonaws.com", "SYSTEM"), SPOKE
    )
    # No zone for ssm: the Resolver answers it publicly again (not forwarded).
    assert only(resolve(load(data), "ssm")).outcome == "public"


def test_a_forwarding_rule_of_another_vpc_does_not_apply() -> None:
    data = hub_spoke()
    associate_rule(data, forward_rule("rslvr-rr-0forward000006", "amazonaws.com"), HUB)
    assert only(resolve(load(data), "ssm")).outcome == "public"


def test_rules_without_their_associations_may_forward() -> None:
    data = hub_spoke()
    data["ResolverRules"].append(forward_rule("rslvr-rr-0forward000007", "amazonaws.com"))
    del data["ResolverRuleAssociations"]
    assert only(resolve(load(data), "ssm")).outcome == "unknown"


def test_an_association_of_a_rule_not_in_the_snapshot_is_unknown() -> None:
    data = hub_spoke()
    associate_rule(data, forward_rule("rslvr-rr-0forward000008", "example.com"), SPOKE)
    data["ResolverRules"] = [
        r for r in data["ResolverRules"] if r["Id"] != "rslvr-rr-0forward000008"
    ]
    r = only(resolve(load(data), "logs"))
    assert r.outcome == "unknown" and "rslvr-rr-0forward000008" in r.reason


def test_the_internet_resolver_rule_forwards_nothing() -> None:
    data = hub_spoke()
    data["ResolverRuleAssociations"].append(
        {
            "ResolverRuleId": "rslvr-autodefined-rr-internet-resolver",
            "VPCId": SPOKE,
            "Status": "COMPLETE",
        }
    )
    assert only(resolve(load(data), "logs")).outcome == "endpoint"


# ---- what the snapshot lacks is unknown ---------------------------------------------------


def test_a_zone_listed_for_the_vpc_without_its_details_is_unknown() -> None:
    data = hub_spoke()
    del data["HostedZoneDetails"][ZONE_IDS["logs"]]
    r = only(resolve(load(data), "logs"))
    assert r.outcome == "unknown" and ZONE_IDS["logs"] in r.reason


def test_a_vpc_missing_from_hosted_zones_by_vpc_is_unknown() -> None:
    data = hub_spoke()
    del data["HostedZonesByVpc"][SPOKE]
    assert only(resolve(load(data), "ssm")).outcome == "unknown"


def test_a_private_zone_in_hosted_zones_only_may_be_associated() -> None:
    data = hub_spoke()
    del data["HostedZonesByVpc"]
    del data["HostedZoneDetails"][ZONE_IDS["logs"]]
    r = only(resolve(load(data), "logs"))
    assert r.outcome == "unknown" and ZONE_IDS["logs"] in r.reason


def test_records_not_collected_are_unknown() -> None:
    data = hub_spoke()
    del data["HostedZoneDetails"][ZONE_IDS["logs"]]["ResourceRecordSets"]
    assert only(resolve(load(data), "logs")).outcome == "unknown"


def test_endpoint_dns_entries_not_collected_are_unknown() -> None:
    data = hub_spoke()
    del hub_endpoint(data, "logs")["DnsEntries"]
    r = only(resolve(load(data), "logs"))
    assert r.outcome == "unknown" and hub_endpoint(data, "logs")["VpcEndpointId"] in r.reason


def test_dns_hostnames_off_makes_the_zones_silent() -> None:
    data = hub_spoke()
    data["VpcAttributes"] = [
        a for a in data["VpcAttributes"] if not (a["VpcId"] == SPOKE and "EnableDnsHostnames" in a)
    ] + [{"VpcId": SPOKE, "EnableDnsHostnames": {"Value": False}}]
    r = only(resolve(load(data), "logs"))
    assert r.outcome == "public" and r.blame == SPOKE
    assert r.fix is not None and "--enable-dns-hostnames" in r.fix
    data["VpcAttributes"] = [
        a for a in data["VpcAttributes"] if "EnableDnsHostnames" not in a or a["VpcId"] != SPOKE
    ]
    answer = resolve(load(data), "logs")
    assert not answer.certain
    assert {r.outcome for r in answer.resolutions} == {"endpoint", "public"}


# Every key under the Route 53 keys and the endpoints' DnsEntries, removed or null: nothing
# the sample's checks did not pass may pass (rule 1 of the brief).
_OURS = (
    "HostedZones",
    "HostedZoneDetails",
    "HostedZonesByVpc",
    "ResolverRules",
    "ResolverRuleAssociations",
)


def _cases(data: dict[str, Any]) -> list[absent_data.Case]:
    out = []
    for case in absent_data.cases("phz", data):
        head = case.path[0]
        if head in _OURS or (
            head == "VpcEndpoints" and len(case.path) > 2 and case.path[2] == "DnsEntries"
        ):
            out.append(case)
    return out


@pytest.mark.parametrize(
    "build_data",
    [
        phz.broken_phz_not_associated,
        lambda: hub_spoke(("ecr.api", "logs", "secretsmanager", "ecr.dkr")),
    ],
    ids=["broken-phz-not-associated", "healthy-hub"],
)
def test_no_route53_key_removed_or_null_makes_a_check_pass(build_data: Any) -> None:
    data = build_data()
    intact = absent_data.run_checks(data)
    assert intact.code in (0, 1)
    problems: list[str] = []
    for case in _cases(data):
        after = absent_data.run_checks(absent_data.damaged(data, case.path, case.remove))
        problems.extend(absent_data.violations(case, intact, after))
    assert not problems, problems[:5]


# ---- assumptions, the path command --------------------------------------------------------


def test_without_route53_keys_the_check_assumes_no_zones_and_says_so() -> None:
    snapshot = load(build.healthy_endpoints())
    found = checks(snapshot)
    assumed = found["ecr.api"].assumptions
    assert any("private hosted zones not collected" in a for a in assumed)
    assert any("Resolver rules not collected" in a for a in assumed)
    assert found["ecr.api"].verdict == "reachable"


def test_without_hosted_zones_by_vpc_the_check_says_what_it_assumed() -> None:
    data = hub_spoke()
    del data["HostedZonesByVpc"]
    found = checks(load(data))
    assert found["logs"].verdict == "reachable"
    assert any("HostedZonesByVpc" in a and SPOKE in a for a in found["logs"].assumptions)


def test_path_to_a_name_is_answered_by_the_zone_that_holds_it() -> None:
    data = hub_spoke()
    zone = "Z0CORP00000000000010"
    add_zone(data, zone, "corp.internal", [SPOKE], phz.apex("corp.internal"))
    snapshot = load(data)
    source = hypothetical_source(snapshot, build.SUBNETS["private-a"][0], (build.SG_TASK,), False)
    trace = check_path(snapshot, source, "db.corp.internal", protocol="6", port=5432)
    assert trace.verdict == "blocked" and trace.blocked_at is not None
    assert trace.blocked_at.id == zone
