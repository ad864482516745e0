"""sources/route53.py: the Route 53 keys read into the model (names unescaped, the three zone
keys merged, absent keys None, nulls refused) and endpoints' DnsEntries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netgraph.sources.route53 import dns_name
from netgraph.sources.snapshot import SnapshotError, load_snapshot

from .hosted_zone_fixtures import HUB, SPOKE, ZONE_IDS, hub_endpoint, hub_spoke, load, phz


def test_names_are_unescaped_lowercased_and_without_the_trailing_dot() -> None:
    assert dns_name("\\052.dkr.ecr.ap-northeast-1.amazonaws.com.") == (
        "*.dkr.ecr.ap-northeast-1.amazonaws.com"
    )
    assert (
        dns_name("Api.ECR.ap-northeast-1.amazonaws.com") == "api.ecr.ap-northeast-1.amazonaws.com"
    )
    assert dns_name("a\\100b.example.com.") == "a@b.example.com"
    assert dns_name(".") == ""


def test_the_three_zone_keys_make_one_zone() -> None:
    snapshot = load(hub_spoke(("ecr.api",)))
    zones = snapshot.hosted_zones
    assert zones is not None
    api = zones[ZONE_IDS["ecr.api"]]  # "/hostedzone/" dropped
    assert api.name == "api.ecr.ap-northeast-1.amazonaws.com"
    assert api.private is True
    assert api.vpc_ids == (HUB, SPOKE)
    assert api.records is not None
    wildcard = [r for r in zones[ZONE_IDS["ecr.dkr"]].records or () if r.name.startswith("*.")]
    assert wildcard and wildcard[0].alias and wildcard[0].type == "A"
    assert wildcard[0].alias_target is not None and wildcard[0].alias_target.startswith("vpce-")
    assert snapshot.hosted_zones_by_vpc is not None
    assert snapshot.hosted_zones_by_vpc[SPOKE] == (ZONE_IDS["ecr.api"],)
    assert snapshot.resolver_rules is not None
    assert snapshot.resolver_rules["rslvr-autodefined-rr-internet-resolver"].domain_name == ""
    assert snapshot.resolver_rule_associations == ()


def test_a_zone_named_only_by_hosted_zones_by_vpc_has_nothing_else() -> None:
    data = hub_spoke()
    del data["HostedZoneDetails"][ZONE_IDS["logs"]]
    data["HostedZones"] = [z for z in data["HostedZones"] if not z["Id"].endswith(ZONE_IDS["logs"])]
    zone = (load(data).hosted_zones or {})[ZONE_IDS["logs"]]
    assert zone.name == "logs.ap-northeast-1.amazonaws.com"
    assert zone.vpc_ids is None and zone.records is None
    assert zone.owner == phz.ACCOUNT


def test_absent_keys_are_none() -> None:
    data = hub_spoke()
    for key in ("HostedZones", "HostedZoneDetails", "HostedZonesByVpc", "ResolverRules"):
        del data[key]
    del data["ResolverRuleAssociations"]
    snapshot = load(data)
    assert snapshot.hosted_zones is None and snapshot.hosted_zones_by_vpc is None
    assert snapshot.resolver_rules is None and snapshot.resolver_rule_associations is None


def test_an_association_without_its_vpc_leaves_the_zones_vpcs_unknown() -> None:
    data = hub_spoke()
    del data["HostedZoneDetails"][ZONE_IDS["logs"]]["VPCs"][0]["VPCId"]
    assert (load(data).hosted_zones or {})[ZONE_IDS["logs"]].vpc_ids is None


def test_a_record_value_missing_leaves_the_values_unknown() -> None:
    data = hub_spoke()
    soa = data["HostedZoneDetails"][ZONE_IDS["logs"]]["ResourceRecordSets"][0]
    del soa["ResourceRecords"][0]["Value"]
    records = (load(data).hosted_zones or {})[ZONE_IDS["logs"]].records or ()
    assert records[0].type == "SOA" and records[0].values is None


@pytest.mark.parametrize("key", ["HostedZoneDetails", "HostedZonesByVpc"])
def test_a_null_object_is_refused_in_one_line(key: str) -> None:
    data = hub_spoke()
    data[key] = None
    with pytest.raises(SnapshotError) as err:
        load(data)
    assert "\n" not in str(err.value) and key in str(err.value)
    data = hub_spoke()
    first = next(iter(data[key]))
    data[key][first] = None
    with pytest.raises(SnapshotError, match=first):
        load(data)


def test_a_record_without_its_name_is_refused() -> None:
    data = hub_spoke()
    del data["HostedZoneDetails"][ZONE_IDS["logs"]]["ResourceRecordSets"][0]["Name"]
    with pytest.raises(SnapshotError, match="'Name' is missing"):
        load(data)


def test_endpoint_dns_entries_are_read_and_absent_is_none() -> None:
    data = hub_spoke()
    ep_id = hub_endpoint(data, "logs")["VpcEndpointId"]
    del hub_endpoint(data, "ecr.api")["DnsEntries"]
    endpoints = load(data).vpc_endpoints or {}
    names = endpoints[ep_id].dns_names
    assert (
        names is not None and names[0] == f"{ep_id}-7x3k9q2m.logs.ap-northeast-1.vpce.amazonaws.com"
    )
    assert endpoints[hub_endpoint(data, "ecr.api")["VpcEndpointId"]].dns_names is None


def test_zone_details_split_over_files_merge_by_zone(tmp_path: Path) -> None:
    data = hub_spoke()
    details = data.pop("HostedZoneDetails")
    (tmp_path / "main.json").write_text(json.dumps(data), encoding="utf-8")
    for zone_id, value in details.items():
        (tmp_path / f"r53-{zone_id}.json").write_text(
            json.dumps({"HostedZoneDetails": {zone_id: value}}), encoding="utf-8"
        )
    zones = load_snapshot(tmp_path).hosted_zones or {}
    assert {z for z, v in zones.items() if v.records is not None} == set(details)
