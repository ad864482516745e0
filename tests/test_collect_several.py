"""The collector's calls of several VPCs (transit gateways, peering, Route 53, Resolver) and
several accounts x Regions at once, against a real moto server over HTTP on 127.0.0.1.

Two accounts, as AWS tells them apart: by their credentials. The "workload" profile's key is
unknown to moto, so it is moto's default account 123456789012 (tests/test_collect.py's
healthy NAT VPC and ECS service are built there); the "network" profile's key is an IAM
user's of account 222222222222, and moto serves a request with that key as that account
(moto.iam.models.get_account_id_from). The profiles are written to a credentials file of the
test; no request leaves loopback.

moto 5.2.5 implements every new call (search-transit-gateway-routes with the state filter,
list-hosted-zones-by-vpc, route53resolver's lists) but never pages list-hosted-zones-by-vpc
and always answers AdditionalRoutesAvailable false: those two go through botocore's
Stubber, as do a failing search of one route table and AccessDenied."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from netgraph.check import check_source
from netgraph.cli import main
from netgraph.flows import service_sources
from netgraph.sources.collect import Collector
from netgraph.sources.collect_route53 import collect_route53
from netgraph.sources.collect_several import Job, Progress, collect_several, jobs_of
from netgraph.sources.collect_transit import EVERY_ROUTE, collect_transit
from netgraph.sources.snapshot import load_snapshot
from tests.conftest import MotoWorld
from tests.test_collect import nat_vpc

__all__ = ["nat_vpc"]  # a fixture, used by name

REGION = "us-east-1"
OTHER = "eu-west-1"
WORKLOAD = "123456789012"  # moto's default account
NETWORK = "222222222222"


@pytest.fixture
def network_ids(aws: str, moto_world: MotoWorld) -> dict[str, str]:
    """Account 222222222222 as network_account() builds it, once per test process."""
    return moto_world.once("network", network_account)


def _as_account(c: Any, account: str) -> Any:
    def header(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    c.meta.events.register("before-sign", header)
    return c


def network_account(url: str) -> dict[str, str]:
    """Account 222222222222: a hub VPC, a transit gateway with a route table (one route to the
    workload's CIDR, one blackhole), a private hosted zone of the hub VPC with one record, a
    Resolver forwarding rule associated with the hub; and the credentials that are it."""
    iam = _as_account(boto3.client("iam", region_name=REGION, endpoint_url=url), NETWORK)
    iam.create_user(UserName="netgraph")
    key = iam.create_access_key(UserName="netgraph")["AccessKey"]
    session = boto3.Session(
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        region_name=REGION,
    )
    ec2 = session.client("ec2", endpoint_url=url)
    vpc = ec2.create_vpc(CidrBlock="10.100.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.100.1.0/24", AvailabilityZone="us-east-1a")[
        "Subnet"
    ]["SubnetId"]
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
    att = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    # The attachment is associated with the transit gateway's default route table.
    (gateway,) = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"]
    rtb = gateway["Options"]["AssociationDefaultRouteTableId"]
    ec2.create_transit_gateway_route(
        DestinationCidrBlock="10.0.0.0/16",
        TransitGatewayRouteTableId=rtb,
        TransitGatewayAttachmentId=att,
    )
    ec2.create_transit_gateway_route(
        DestinationCidrBlock="10.9.0.0/16", TransitGatewayRouteTableId=rtb, Blackhole=True
    )
    r53 = session.client("route53", endpoint_url=url)
    zone = r53.create_hosted_zone(
        Name="internal.example.",
        CallerReference="hub",
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": REGION, "VPCId": vpc},
    )["HostedZone"]["Id"]
    r53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": "db.internal.example.",
                        "Type": "A",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "10.100.1.10"}],
                    },
                }
            ]
        },
    )
    resolver = session.client("route53resolver", endpoint_url=url)
    rule = resolver.create_resolver_rule(
        CreatorRequestId="corp",
        DomainName="corp.example",
        RuleType="FORWARD",
        TargetIps=[{"Ip": "10.100.1.53", "Port": 53}],
    )["ResolverRule"]["Id"]
    resolver.associate_resolver_rule(ResolverRuleId=rule, VPCId=vpc)
    return {
        "vpc": vpc,
        "tgw": tgw,
        "attachment": att,
        "rtb": rtb,
        "zone": zone.rsplit("/", 1)[-1],
        "rule": rule,
        "key": key["AccessKeyId"],
        "secret": key["SecretAccessKey"],
    }


def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, network: dict[str, str]) -> None:
    creds = tmp_path / "credentials"
    creds.write_text(
        "[workload]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
        f"[network]\naws_access_key_id = {network['key']}\n"
        f"aws_secret_access_key = {network['secret']}\n",
        encoding="utf-8",
    )
    config = tmp_path / "config"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)


def test_the_new_keys_are_collected_as_the_format_says(
    aws: str, network_ids: dict[str, str]
) -> None:
    ids = network_ids
    session = boto3.Session(
        aws_access_key_id=ids["key"], aws_secret_access_key=ids["secret"], region_name=REGION
    )
    collector = Collector(region=REGION, endpoint_url=aws, session=session)
    data = collector.collect()
    assert data["AccountId"] == NETWORK
    assert data["CollectionErrors"] == []
    (tgw,) = data["TransitGateways"]
    assert tgw["TransitGatewayId"] == ids["tgw"] and tgw["OwnerId"] == NETWORK
    (att,) = data["TransitGatewayAttachments"]
    assert att["Association"]["TransitGatewayRouteTableId"] == ids["rtb"]
    assert data["TransitGatewayVpcAttachments"][0]["VpcId"] == ids["vpc"]
    tables = {t["TransitGatewayRouteTableId"] for t in data["TransitGatewayRouteTables"]}
    assert ids["rtb"] in tables
    # One entry per table, the search's reply unchanged but for its metadata.
    assert set(data["TransitGatewayRouteTableRoutes"]) == tables
    routes = data["TransitGatewayRouteTableRoutes"][ids["rtb"]]
    assert routes["AdditionalRoutesAvailable"] is False
    assert {(r["DestinationCidrBlock"], r["State"]) for r in routes["Routes"]} == {
        ("10.0.0.0/16", "active"),
        ("10.9.0.0/16", "blackhole"),
    }
    assert data["VpcPeeringConnections"] == []
    (zone,) = data["HostedZones"]
    assert zone["Config"]["PrivateZone"] is True
    details = data["HostedZoneDetails"][ids["zone"]]
    assert details["VPCs"] == [{"VPCRegion": REGION, "VPCId": ids["vpc"]}]
    assert "db.internal.example." in {r["Name"] for r in details["ResourceRecordSets"]}
    summaries = data["HostedZonesByVpc"][ids["vpc"]]["HostedZoneSummaries"]
    assert [s["HostedZoneId"] for s in summaries] == [ids["zone"]]
    assert [r["Id"] for r in data["ResolverRules"]] == [ids["rule"]]
    assert [a["VPCId"] for a in data["ResolverRuleAssociations"]] == [ids["vpc"]]
    snap = load_snapshot_data(data)
    assert snap.transit_gateways is not None and ids["tgw"] in snap.transit_gateways


def load_snapshot_data(data: dict[str, Any]) -> Any:
    from netgraph.sources.snapshot import snapshot_from_data

    return snapshot_from_data(data, "live")


def test_two_profiles_in_two_regions_are_four_folders_read_together(
    aws: str,
    nat_vpc: Any,  # the workload account: a healthy NAT VPC and an ECS service
    network_ids: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = network_ids
    profiles(tmp_path, monkeypatch, ids)
    out = tmp_path / "snap"
    code = main(
        [
            "collect",
            "--profile",
            "workload",
            "--profile",
            "network",
            "--regions",
            f"{REGION},{OTHER}",
            "--endpoint-url",
            aws,
            "-o",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    folders = sorted(p.name for p in out.iterdir())
    assert folders == [
        f"network.{OTHER}",
        f"network.{REGION}",
        f"workload.{OTHER}",
        f"workload.{REGION}",
    ]
    for name in folders:
        data = json.loads((out / name / "snapshot.json").read_text(encoding="utf-8"))
        assert data["AccountId"] == (NETWORK if name.startswith("network") else WORKLOAD)
        assert data["Region"] == name.split(".", 1)[1]
        assert stat.S_IMODE((out / name / "snapshot.json").stat().st_mode) == 0o600
    # One progress display: every line names its job.
    lines = [line for line in err.splitlines() if line.startswith("[")]
    assert lines and all("/" in line.split(": ", 1)[0] for line in lines)
    assert any(line.startswith("[4/4 done]") for line in lines)

    s = load_snapshot(out, REGION)
    assert s.account_id == WORKLOAD  # the account holding the ECS service
    assert s.vpcs is not None and ids["vpc"] in s.vpcs
    assert s.transit_gateways is not None and ids["tgw"] in s.transit_gateways
    assert any(OTHER in w for w in s.warnings)  # the other Region's folders: not read
    got = {t.target: t.verdict for src in service_sources(s) for t in check_source(s, src)}
    assert got["ecr.api"] == "reachable" and got["logs"] == "reachable"


def test_a_call_denied_in_one_account_is_that_accounts_absent_key(
    aws: str, nat_vpc: Any, network_ids: dict[str, str]
) -> None:
    ids = network_ids

    def session(job: Job) -> Any:
        key, secret = (
            (ids["key"], ids["secret"]) if job.profile == "network" else ("testing", "testing")
        )
        s = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=REGION)
        if job.profile == "network":
            stub_denied(s, "DescribeTransitGatewayRouteTables")
        return s

    lines: list[str] = []
    results = collect_several(
        jobs_of(["workload", "network"], [REGION]),
        endpoint_url=aws,
        progress=Progress(2, lines.append),
        session=session,
    )
    by_profile = {job.profile: data for job, data in results.items()}
    network, workload = by_profile["network"], by_profile["workload"]
    assert network["CollectionErrors"] == [
        {"Call": "ec2:DescribeTransitGatewayRouteTables", "Error": "AccessDenied"}
    ]
    assert "TransitGatewayRouteTables" not in network
    assert "TransitGatewayRouteTableRoutes" not in network
    assert "TransitGateways" in network  # collection went on
    assert workload["CollectionErrors"] == [] and "TransitGatewayRouteTables" in workload
    assert any(
        "network/us-east-1: ec2:DescribeTransitGatewayRouteTables failed: AccessDenied" in x
        for x in lines
    )


def stub_denied(session: Any, operation: str) -> None:
    """Every client of the session answers ``operation`` with AccessDenied (moto cannot)."""

    def deny(**_: Any) -> tuple[Any, dict[str, Any]]:
        return _Http(403), {
            "Error": {"Code": "AccessDenied", "Message": "denied"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }

    session.events.register(f"before-call.ec2.{operation}", deny)


class _Http:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.raw = None
        self.content = b""
        self.text = ""


def test_a_profile_without_credentials_names_it_and_writes_nothing(
    aws: str,
    network_ids: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = network_ids
    profiles(tmp_path, monkeypatch, ids)
    out = tmp_path / "snap"
    argv = ["collect", "--profile", "network", "--profile", "nobody", "--region", REGION]
    code = main([*argv, "--endpoint-url", aws, "-o", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("netgraph: error: nobody/us-east-1: ")
    assert "nobody" in err[-1] and err[-1].endswith("nothing was written")
    assert not out.exists()
    file = tmp_path / "one.json"
    file.write_text("{}", encoding="utf-8")
    code = main(
        ["collect", "--regions", f"{REGION},{OTHER}", "--endpoint-url", aws, "-o", str(file)]
    )
    assert code == 2
    assert "is a file: several accounts or Regions" in capsys.readouterr().err


# ---- Stubber: what moto does not do ---------------------------------------------------------


def stubbed(service: str) -> tuple[Collector, Stubber]:
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION)
    collector = Collector(region=REGION, session=session)
    stub = Stubber(collector.client(service))
    stub.activate()
    return collector, stub


def test_hosted_zones_by_vpc_follow_every_page_and_a_failed_vpc_is_left_out() -> None:
    # moto answers list-hosted-zones-by-vpc in one page; botocore has no paginator for it.
    collector, stub = stubbed("route53")
    stub.add_response(
        "list_hosted_zones",
        {"HostedZones": [], "Marker": "", "IsTruncated": False, "MaxItems": "100"},
    )
    summary = {"HostedZoneId": "Z1", "Name": "a.example.", "Owner": {"OwningAccount": "1"}}
    first = {"HostedZoneSummaries": [summary], "MaxItems": "1", "NextToken": "t2"}
    second = {"HostedZoneSummaries": [dict(summary, HostedZoneId="Z2")], "MaxItems": "1"}
    stub.add_response("list_hosted_zones_by_vpc", first, {"VPCId": "vpc-1", "VPCRegion": REGION})
    stub.add_response(
        "list_hosted_zones_by_vpc",
        second,
        {"VPCId": "vpc-1", "VPCRegion": REGION, "NextToken": "t2"},
    )
    stub.add_client_error("list_hosted_zones_by_vpc", service_error_code="AccessDenied")
    resolver = Stubber(collector.client("route53resolver"))
    resolver.activate()
    resolver.add_client_error("list_resolver_rules", service_error_code="AccessDenied")
    resolver.add_response("list_resolver_rule_associations", {"ResolverRuleAssociations": []})
    snap: dict[str, Any] = {"Vpcs": [{"VpcId": "vpc-1"}, {"VpcId": "vpc-2"}]}
    errors: list[dict[str, str]] = []
    collect_route53(collector, snap, REGION, errors)
    stub.assert_no_pending_responses()
    by_vpc = snap["HostedZonesByVpc"]
    assert [s["HostedZoneId"] for s in by_vpc["vpc-1"]["HostedZoneSummaries"]] == ["Z1", "Z2"]
    assert "vpc-2" not in by_vpc  # its zones are unknown, not none
    assert "ResolverRules" not in snap and snap["ResolverRuleAssociations"] == []
    assert errors == [
        {"Call": "route53:ListHostedZonesByVPC", "Error": "AccessDenied"},
        {"Call": "route53resolver:ListResolverRules", "Error": "AccessDenied"},
    ]


def test_a_route_table_whose_search_fails_is_left_out_and_more_routes_say_so() -> None:
    # moto always answers AdditionalRoutesAvailable false and never fails one table.
    collector, stub = stubbed("ec2")
    for operation, key in (
        ("describe_transit_gateways", "TransitGateways"),
        ("describe_transit_gateway_attachments", "TransitGatewayAttachments"),
        ("describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"),
    ):
        stub.add_response(operation, {key: []})
    stub.add_response(
        "describe_transit_gateway_route_tables",
        {
            "TransitGatewayRouteTables": [
                {"TransitGatewayRouteTableId": "tgw-rtb-1"},
                {"TransitGatewayRouteTableId": "tgw-rtb-2"},
            ]
        },
    )
    route = {"DestinationCidrBlock": "10.0.0.0/16", "Type": "static", "State": "active"}
    stub.add_response(
        "search_transit_gateway_routes",
        {"Routes": [route], "AdditionalRoutesAvailable": True},
        {"TransitGatewayRouteTableId": "tgw-rtb-1", "Filters": EVERY_ROUTE},
    )
    stub.add_client_error(
        "search_transit_gateway_routes", service_error_code="RequestLimitExceeded"
    )
    stub.add_response("describe_vpc_peering_connections", {"VpcPeeringConnections": []})
    snap: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    collect_transit(collector, snap, errors)
    stub.assert_no_pending_responses()
    assert snap["TransitGatewayRouteTableRoutes"] == {
        "tgw-rtb-1": {"Routes": [route], "AdditionalRoutesAvailable": True}
    }
    assert errors == [{"Call": "ec2:SearchTransitGatewayRoutes", "Error": "RequestLimitExceeded"}]
