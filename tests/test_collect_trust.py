"""Issue 11, "Trust", in the live collector: replies that lack fields, endpoints that do not
answer or refuse, calls denied, the exact list of operations, and secrets kept off disk.

A real moto server on 127.0.0.1 answers through boto3; faults moto cannot produce come from
botocore's Stubber, or from a hook that answers inside botocore as the wire would."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest
from botocore import xform_name
from botocore.stub import Stubber

from netgraph.check import check_source
from netgraph.cli import main
from netgraph.flows import service_sources
from netgraph.sources import collect as collect_module
from netgraph.sources.collect import (
    MAX_ATTEMPTS,
    OPERATIONS,
    Collector,
    ReadOnlyViolation,
    write_snapshot,
)
from netgraph.sources.snapshot import snapshot_from_data
from tests.conftest import MotoWorld
from tests.test_collect import ACCOUNT, REGION, build_vpc, client, nat_vpc

__all__ = ["nat_vpc"]  # a fixture, used by name

# build_vpc(nat=True) with with_secret(): moto's default account in a Region no other test
# reads (the service of nat_vpc, in us-east-1, stays as it was built).
SECRET_REGION = "us-east-2"
SECRET = f"arn:aws:secretsmanager:{SECRET_REGION}:{ACCOUNT}:secret:db-password"
# The environment variables of its task definition: names to keep, values never written.
ENVIRONMENT = [{"name": "DB_HOST", "value": "db.internal"}, {"name": "TOKEN", "value": "s3cr3t"}]


def _answer(status: int, parsed: dict[str, Any]) -> Callable[..., tuple[Any, dict[str, Any]]]:
    """A before-call hook that answers inside botocore, as the server would."""

    class Http:
        status_code = status
        headers: ClassVar[dict[str, str]] = {}
        raw = None
        content = b""
        text = ""

    def hook(**_: Any) -> tuple[Any, dict[str, Any]]:
        return Http(), parsed

    return hook


def deny(c: Any, operation: str, code: str = "AccessDeniedException") -> None:
    parsed = {
        "Error": {"Code": code, "Message": "not authorized"},
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }
    service = c.meta.service_model.service_name
    c.meta.events.register(f"before-call.{service}.{operation}", _answer(400, parsed))


def verdicts(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    s = snapshot_from_data(data, "live")
    return {
        t.target: (t.verdict, t.reason) for src in service_sources(s) for t in check_source(s, src)
    }


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "aws-config"
    empty.write_text("", encoding="utf-8")
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def with_secret(
    url: str, environment: list[dict[str, str]] | None = None, region: str = REGION
) -> str:
    """Point the service of build_vpc at a task definition that reads a secret (and has these
    environment variables); its ARN."""
    ecs = client(url, "ecs", region)
    arn: str = ecs.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
        containerDefinitions=[
            {
                "name": "web",
                "image": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/web:1",
                "essential": True,
                "environment": environment or [],
                "secrets": [{"name": "DB_PASSWORD", "valueFrom": SECRET}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="app", service="web", taskDefinition=arn)
    return arn


@pytest.fixture
def secret_vpc(aws: str, moto_world: MotoWorld) -> str:
    """build_vpc(nat=True) whose service reads SECRET and has ENVIRONMENT, in SECRET_REGION;
    the ARN of its task definition."""

    def build(url: str) -> str:
        build_vpc(url, nat=True, region=SECRET_REGION)
        return with_secret(url, ENVIRONMENT, SECRET_REGION)

    return moto_world.once("secret", build)


# ---- 1 and 5: a task definition that is not there ------------------------------------------


@pytest.mark.parametrize("fault", ["reply without taskDefinition", "AccessDeniedException"])
def test_a_missing_task_definition_makes_every_possible_target_unknown(
    aws: str, secret_vpc: str, fault: str
) -> None:
    arn = secret_vpc
    collector = Collector(region=SECRET_REGION, endpoint_url=aws)
    ecs = collector.client("ecs")
    services = client(aws, "ecs", SECRET_REGION).describe_services(cluster="app", services=["web"])[
        "services"
    ]
    stub = Stubber(ecs)
    stub.add_response("describe_services", {"services": services})
    stub.add_response("list_tasks", {"taskArns": []})
    if fault.startswith("reply"):
        stub.add_response("describe_task_definition", {}, {"taskDefinition": arn})
    else:
        stub.add_client_error("describe_task_definition", fault, http_status_code=400)
    with stub:
        data = collector.collect(clusters=["app"], services=["web"])
    assert data["CollectionErrors"] == [{"Call": "ecs:DescribeTaskDefinition", "Error": fault}]
    assert "taskDefinitions" not in data
    got = verdicts(data)
    # The secret's target does not vanish: what the task needs is unknown, all of it.
    assert set(got) >= {"ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm"}
    assert "iam:execution-role" in got
    for target, (verdict, reason) in got.items():
        assert verdict == "unknown", target
        assert f"ecs:DescribeTaskDefinition failed: {fault}" in reason, target


def test_check_live_with_the_task_definition_denied_is_unknown_not_passed(
    aws: str, secret_vpc: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _deny_in_every_collector(monkeypatch, "ecs", "DescribeTaskDefinition")
    region = ["--region", SECRET_REGION]
    args = ["check", "--live", *region, "--endpoint-url", aws, "--format", "json"]
    assert main(args) == 3
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert {c["target"] for c in checks} >= {"secretsmanager", "ssm"}
    assert {c["verdict"] for c in checks} == {"unknown"}


# ---- 1: fields the collector reads, absent ------------------------------------------------


def _empty_ec2_stubs(stub: Stubber) -> None:
    for method, key in [
        ("describe_subnets", "Subnets"),
        ("describe_route_tables", "RouteTables"),
        ("describe_internet_gateways", "InternetGateways"),
        ("describe_egress_only_internet_gateways", "EgressOnlyInternetGateways"),
        ("describe_nat_gateways", "NatGateways"),
        ("describe_vpc_endpoints", "VpcEndpoints"),
        ("describe_security_groups", "SecurityGroups"),
        ("describe_network_acls", "NetworkAcls"),
        ("describe_network_interfaces", "NetworkInterfaces"),
        ("describe_instances", "Reservations"),
        ("describe_prefix_lists", "PrefixLists"),
        ("describe_managed_prefix_lists", "PrefixLists"),
    ]:
        stub.add_response(method, {key: []})
    _empty_transit_stubs(stub)


def _empty_transit_stubs(stub: Stubber) -> None:
    """The calls of several VPCs (collect_transit), answered empty."""
    for method, key in [
        ("describe_transit_gateways", "TransitGateways"),
        ("describe_transit_gateway_attachments", "TransitGatewayAttachments"),
        ("describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"),
        ("describe_transit_gateway_route_tables", "TransitGatewayRouteTables"),
        ("describe_vpc_peering_connections", "VpcPeeringConnections"),
    ]:
        stub.add_response(method, {key: []})


def stubbed_collector() -> tuple[Collector, dict[str, Stubber]]:
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION)
    collector = Collector(region=REGION, session=session)
    # Every client the collector uses is stubbed: an unstubbed one would call AWS itself.
    stubs = {
        s: Stubber(collector.client(s)) for s in ("sts", "ecs", "ec2", "route53", "route53resolver")
    }
    stubs["route53"].add_response(
        "list_hosted_zones",
        {"HostedZones": [], "Marker": "", "IsTruncated": False, "MaxItems": "100"},
    )
    stubs["route53resolver"].add_response("list_resolver_rules", {"ResolverRules": []})
    stubs["route53resolver"].add_response(
        "list_resolver_rule_associations", {"ResolverRuleAssociations": []}
    )
    stubs["sts"].add_response(
        "get_caller_identity", {"Account": ACCOUNT, "Arn": "arn:aws:iam::1:user/u", "UserId": "u"}
    )
    stubs["ecs"].add_response(
        "describe_services",
        {
            "services": [
                {
                    "serviceName": "web",
                    "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/app/web",
                    "taskDefinition": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:1",
                    "networkConfiguration": {
                        "awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": []}
                    },
                }
            ]
        },
    )
    stubs["ecs"].add_response("list_tasks", {"taskArns": []})
    stubs["ecs"].add_response(
        "describe_task_definition",
        {"taskDefinition": {"family": "web", "containerDefinitions": []}},
    )
    return collector, stubs


def test_a_subnet_without_vpc_id_is_recorded_not_a_key_error() -> None:
    collector, stubs = stubbed_collector()
    ec2 = stubs["ec2"]
    ec2.add_response(
        "describe_subnets", {"Subnets": [{"SubnetId": "subnet-1"}]}, {"SubnetIds": ["subnet-1"]}
    )
    # Its VPC unknown, every VPC is collected; one of them lacks its id too.
    ec2.add_response("describe_vpcs", {"Vpcs": [{"CidrBlock": "10.0.0.0/16"}]}, {})
    _empty_ec2_stubs(ec2)
    for s in stubs.values():
        s.activate()
    data = collector.collect(clusters=["app"], services=["web"])
    for s in stubs.values():
        s.assert_no_pending_responses()
    assert data["CollectionErrors"] == [
        {"Call": "ec2:DescribeSubnets", "Error": "reply without Subnets[].VpcId"},
        {"Call": "ec2:DescribeVpcs", "Error": "reply without Vpcs[].VpcId"},
    ]
    assert "VpcAttributes" not in data  # which VPCs have DNS on is unknown
    json.dumps(data, default=str)


def test_a_security_group_without_prefix_list_id_is_not_a_key_error() -> None:
    collector, stubs = stubbed_collector()
    ec2 = stubs["ec2"]
    ec2.add_response("describe_subnets", {"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"}]})
    ec2.add_response("describe_vpcs", {"Vpcs": []})
    ec2.add_response("describe_subnets", {"Subnets": []})
    ec2.add_response("describe_route_tables", {"RouteTables": []})
    ec2.add_response("describe_internet_gateways", {"InternetGateways": []})
    ec2.add_response("describe_egress_only_internet_gateways", {})
    ec2.add_response("describe_nat_gateways", {})
    ec2.add_response("describe_vpc_endpoints", {})
    ec2.add_response(
        "describe_security_groups",
        {"SecurityGroups": [{"GroupId": "sg-1", "IpPermissionsEgress": [{"PrefixListIds": [{}]}]}]},
    )
    for method in [
        "describe_network_acls",
        "describe_network_interfaces",
        "describe_instances",
        "describe_prefix_lists",
    ]:
        ec2.add_response(method, {})
    ec2.add_response("describe_managed_prefix_lists", {"PrefixLists": [{}]})
    _empty_transit_stubs(ec2)
    for s in stubs.values():
        s.activate()
    data = collector.collect(clusters=["app"], services=["web"])
    ec2.assert_no_pending_responses()
    assert data["PrefixListEntries"] == {}


# ---- 2 and 3: endpoints that do not answer, or refuse ---------------------------------------


@pytest.fixture
def silent_endpoint() -> Iterator[tuple[str, list[socket.socket]]]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.05)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", held
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def refusing_endpoint() -> Iterator[str]:
    """A port bound but not listening: every connection is refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


LIVE_COMMANDS = [
    ["collect", "--region", REGION],
    ["check", "--live", "--region", REGION],
    ["scan", "--live", "--region", REGION],
]


@pytest.mark.parametrize("command", LIVE_COMMANDS, ids=lambda c: c[0])
def test_a_silent_endpoint_ends_within_the_timeouts_exit_2_one_line(
    command: list[str],
    credentials: None,
    silent_endpoint: tuple[str, list[socket.socket]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, connections = silent_endpoint
    out = tmp_path / "snap.json"
    args = [*command, "--endpoint-url", url, "--connect-timeout", "1", "--read-timeout", "0.3"]
    started = time.monotonic()
    code = main([*args, "-o", str(out)] if command[0] == "collect" else args)
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("netgraph: error: sts:GetCallerIdentity: Read timeout on endpoint URL")
    assert "--read-timeout" in line
    assert len(connections) == MAX_ATTEMPTS  # the retry budget, not botocore's 11 tries
    assert elapsed < MAX_ATTEMPTS * 0.3 + 5
    assert not out.exists()


@pytest.mark.parametrize("command", LIVE_COMMANDS, ids=lambda c: c[0])
def test_a_refused_endpoint_is_exit_2_one_line_and_no_snapshot(
    command: list[str],
    credentials: None,
    refusing_endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "snap.json"
    args = [*command, "--endpoint-url", refusing_endpoint]
    started = time.monotonic()
    code = main([*args, "-o", str(out)] if command[0] == "collect" else args)
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert code == 2
    (line,) = captured.err.splitlines()
    assert line.startswith(
        "netgraph: error: sts:GetCallerIdentity: Could not connect to the endpoint URL"
    )
    assert refusing_endpoint in line
    assert elapsed < 5
    assert not out.exists()


def test_the_timeouts_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--live", "--read-timeout", "0"]) == 2
    assert "--read-timeout" in capsys.readouterr().err
    assert main(["collect", "--connect-timeout", "-1", "-o", "x.json"]) == 2
    assert "--connect-timeout" in capsys.readouterr().err


def test_a_timeout_after_the_endpoint_answered_is_recorded_and_collection_goes_on(
    aws: str, nat_vpc: Any
) -> None:
    import botocore.exceptions

    collector = Collector(region=REGION, endpoint_url=aws, read_timeout=1)

    def timeout(request: Any, **_: Any) -> None:
        raise botocore.exceptions.ReadTimeoutError(endpoint_url=request.url)

    collector.client("ec2").meta.events.register("before-send.ec2.DescribeNetworkAcls", timeout)
    data = collector.collect()
    assert data["CollectionErrors"] == [
        {"Call": "ec2:DescribeNetworkAcls", "Error": "ReadTimeoutError"}
    ]
    assert "NetworkAcls" not in data and "SecurityGroups" in data


# ---- 4: the services cannot be listed --------------------------------------------------------


def _deny_in_every_collector(monkeypatch: pytest.MonkeyPatch, service: str, operation: str) -> None:
    """The CLI makes its own collector: deny the call in each client it creates."""
    original = collect_module.Collector.client

    def client_with_fault(self: Collector, name: str) -> Any:
        fresh = name not in self._clients
        c = original(self, name)
        if fresh and name == service:
            deny(c, operation)
        return c

    monkeypatch.setattr(collect_module.Collector, "client", client_with_fault)


@pytest.mark.parametrize("operation", ["ListServices", "DescribeServices", "ListClusters"])
def test_services_that_cannot_be_listed_are_unknown_not_no_service(
    aws: str,
    nat_vpc: Any,
    operation: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _deny_in_every_collector(monkeypatch, "ecs", operation)
    live = ["--live", "--region", REGION, "--endpoint-url", aws]
    assert main(["check", *live, "--format", "json"]) == 3
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert checks and {c["verdict"] for c in checks} == {"unknown"}
    assert all(
        f"ecs:{operation} failed: AccessDeniedException" in c["reason"]
        and "could not be listed" in c["reason"]
        for c in checks
    )
    assert main(["scan", *live, "--format", "json"]) == 3
    assert json.loads(capsys.readouterr().out)["checks"] == checks
    out = tmp_path / "snap.json"
    assert main(["collect", "--region", REGION, "--endpoint-url", aws, "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["check", str(out)]) == 3
    text = capsys.readouterr().out
    assert f"ecs:{operation} failed: AccessDeniedException" in text


def test_a_named_service_that_cannot_be_described_is_unknown(
    aws: str, nat_vpc: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _deny_in_every_collector(monkeypatch, "ecs", "DescribeServices")
    args = ["check", "--live", "--region", REGION, "--endpoint-url", aws]
    assert main([*args, "--cluster", "app", "--service", "web", "--format", "json"]) == 3
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert {c["source"]["service"] for c in checks} == {"web"}
    assert {c["verdict"] for c in checks} == {"unknown"}


# ---- 6: the exact list of operations --------------------------------------------------------


def _moto(url: str, path: str, method: str = "POST") -> bytes:
    request = urllib.request.Request(f"{url}/moto-api/recorder/{path}", method=method)
    with urllib.request.urlopen(request) as answer:
        body: bytes = answer.read()
    return body


def test_every_operation_off_the_list_is_refused_before_a_request_leaves(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto's own log of the requests it received (its recorder, in this process).
    from moto.moto_api import recorder

    monkeypatch.setattr(recorder, "_location", str(tmp_path / "moto-requests"))
    _moto(aws, "reset-recording")
    _moto(aws, "start-recording")
    collector = Collector(region=REGION, endpoint_url=aws)
    sent: list[str] = []
    refused: set[str] = set()
    services = sorted({op.split(":")[0] for op in OPERATIONS})
    assert services == [
        "ec2",
        "ecr",
        "ecs",
        "iam",
        "kms",
        "organizations",
        "route53",
        "route53resolver",
        "secretsmanager",
        "ssm",
        "sts",
    ]
    try:
        for service in services:
            c = collector.client(service)
            c.meta.events.register(
                f"before-send.{c.meta.service_model.service_id.hyphenize()}",
                lambda request, **_: sent.append(request.url),
            )
            for operation in c.meta.service_model.operation_names:
                name = f"{service}:{operation}"
                if name in OPERATIONS:
                    continue
                with pytest.raises(ReadOnlyViolation, match=name):
                    getattr(c, xform_name(operation))()
                refused.add(name)
        received = _moto(aws, "download-recording", "GET")
        assert len(refused) > 1000
        assert {
            "sts:GetSessionToken",
            "sts:GetFederationToken",
            "ecr:GetAuthorizationToken",
            "ec2:GetPasswordData",
            "iam:ListAccessKeys",
            "ec2:CreateVpc",
        } <= refused
        assert sent == [] and received == b""
        assert collector.called == set()
        # The same hook and log see a call on the list.
        collector.client("ec2").describe_vpcs()
        assert len(sent) == 1
        assert len(_moto(aws, "download-recording", "GET").splitlines()) == 1
    finally:
        _moto(aws, "stop-recording")


def test_the_allowed_list_is_the_shipped_policy() -> None:
    policy = json.loads(
        (Path(collect_module.__file__).parent.parent / "data" / "collector-policy.json").read_text(
            encoding="utf-8"
        )
    )
    (statement,) = policy["Statement"]
    assert frozenset(statement["Action"]) == OPERATIONS


# ---- 7: no secrets on disk ------------------------------------------------------------------


def test_collect_keeps_environment_names_not_values_in_a_0600_file(
    aws: str, secret_vpc: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap.json"
    out.write_text("{}", encoding="utf-8")
    out.chmod(0o644)  # a file that was there loses its other readers too
    region = ["--region", SECRET_REGION]
    assert main(["collect", *region, "--endpoint-url", aws, "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    assert "s3cr3t" not in text and "db.internal" not in text
    (td,) = json.loads(text)["taskDefinitions"]
    (container,) = td["containerDefinitions"]
    assert container["environment"] == [{"name": "DB_HOST"}, {"name": "TOKEN"}]
    assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": SECRET}]

    fresh = tmp_path / "kept.json"
    args = ["collect", *region, "--endpoint-url", aws, "--keep-environment"]
    assert main([*args, "-o", str(fresh)]) == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    (td,) = json.loads(fresh.read_text(encoding="utf-8"))["taskDefinitions"]
    assert {"name": "TOKEN", "value": "s3cr3t"} in td["containerDefinitions"][0]["environment"]


def test_stopped_tasks_lose_their_override_values(aws: str, nat_vpc: Any) -> None:
    task = {
        "taskArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/app/1",
        "group": "service:web",
        "stoppedReason": "Essential container in task exited",
        "overrides": {
            "containerOverrides": [
                {"name": "web", "environment": [{"name": "TOKEN", "value": "s3cr3t"}]}
            ],
            "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/task",
        },
    }
    for keep in (False, True):
        collector = Collector(region=REGION, endpoint_url=aws, keep_environment=keep)
        ecs = collector.client("ecs")
        ecs.meta.events.register(
            "before-call.ecs.ListTasks", _answer(200, {"taskArns": [task["taskArn"]]})
        )
        ecs.meta.events.register("before-call.ecs.DescribeTasks", _answer(200, {"tasks": [task]}))
        (got,) = collector.collect()["tasks"]
        overrides = got["overrides"]
        assert overrides["taskRoleArn"] == task["overrides"]["taskRoleArn"]  # type: ignore[index]
        env = overrides["containerOverrides"][0]["environment"]
        assert env == ([{"name": "TOKEN", "value": "s3cr3t"}] if keep else [{"name": "TOKEN"}])


def test_write_snapshot_creates_the_file_0600(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    old = os.umask(0)  # even where files are made world-writable by default
    try:
        write_snapshot(str(out), {"Region": REGION})
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text(encoding="utf-8")) == {"Region": REGION}
