"""Odd or missing input never widens a rule (issue 11, part 1): each case seen with the
bundled samples gives `unknown`, or exit code 2 naming the JSON path where the input is not
what AWS can return. Each test here failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netgraph.check import check_source
from netgraph.cli import main
from netgraph.flows import service_sources
from netgraph.sources.snapshot import SnapshotError

from .conftest import sample_data, snap


def verdicts(data: dict[str, Any]) -> dict[str, set[str]]:
    """target -> the verdicts it gets across the sample's sources."""
    s = snap(data)
    out: dict[str, set[str]] = {}
    for source in service_sources(s):
        for t in check_source(s, source):
            out.setdefault(t.target, set()).add(t.verdict)
    return out


def refused(data: dict[str, Any], where: str) -> str:
    with pytest.raises(SnapshotError) as err:
        snap(data)
    message = str(err.value)
    assert where in message and "\n" not in message, message
    return message


# ---- ports outside what AWS allows are exit 2, naming the path ----------------------------


def _task_sg_443(data: dict[str, Any]) -> dict[str, Any]:
    """The ingress permission of the endpoints' group that admits 443."""
    for group in data["SecurityGroups"]:
        for perm in group["IpPermissions"]:
            if perm.get("FromPort") == 443:
                return perm
    raise AssertionError("no 443 permission")


@pytest.mark.parametrize(
    "change",
    [
        {"FromPort": None},
        {"ToPort": None},
        {"ToPort": 65536},
        {"ToPort": 99999},
        {"FromPort": -1},
        {"FromPort": 500, "ToPort": 443},
    ],
)
def test_sg_tcp_ports_that_aws_cannot_return_are_refused(change: dict[str, Any]) -> None:
    data = sample_data("broken-endpoint-sg-no-443")
    # The broken sample's endpoint group admits 8443 only: widen that permission's ports.
    group = next(g for g in data["SecurityGroups"] if g["GroupId"].endswith("e2"))
    perm = group["IpPermissions"][0]
    for key, value in change.items():
        if value is None:
            del perm[key]
        else:
            perm[key] = value
    refused(data, "IpPermissions[0]")


def test_sg_permission_without_ports_never_admits_443() -> None:
    data = sample_data("broken-endpoint-sg-no-443")
    group = next(g for g in data["SecurityGroups"] if g["GroupId"].endswith("e2"))
    group["IpPermissions"][0]["FromPort"] = None
    group["IpPermissions"][0]["ToPort"] = None
    refused(data, "SecurityGroups[")


def _nacl_entry(data: dict[str, Any]) -> dict[str, Any]:
    return next(e for acl in data["NetworkAcls"] for e in acl["Entries"] if e.get("PortRange"))


@pytest.mark.parametrize(
    "change",
    [
        {"PortRange": None},
        {"PortRange": {"From": None, "To": 443}},
        {"PortRange": {"From": 443, "To": None}},
        {"PortRange": {"From": 443}},
        {"PortRange": {"From": 1024, "To": 65536}},
        {"PortRange": {"From": 1024, "To": 1e20}},
        {"PortRange": {"From": 2000, "To": 1024}},
    ],
)
def test_nacl_tcp_entry_port_ranges_aws_cannot_return_are_refused(change: dict[str, Any]) -> None:
    data = sample_data("broken-nacl-no-ephemeral")
    entry = _nacl_entry(data)
    for key, value in change.items():
        if value is None:
            del entry[key]
        else:
            entry[key] = value
    refused(data, ".Entries[")


def test_nacl_entry_without_port_range_is_exit_2_from_the_cli(tmp_path: Path) -> None:
    data = sample_data("broken-nacl-no-ephemeral")
    del _nacl_entry(data)["PortRange"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    assert main(["check", str(path)]) == 2


# ---- missing data is unknown -----------------------------------------------------------


def test_a_subnet_the_nacls_do_not_associate_has_an_unknown_nacl() -> None:
    data = sample_data("broken-nacl-no-ephemeral")
    for acl in data["NetworkAcls"]:
        acl["Associations"] = []
    got = verdicts(data)
    assert got["ecr.api"] == {"unknown"}, got
    # Was: the VPC's default NACL was taken, which allows everything.


def test_a_subnet_without_cidr_block_never_passes_its_hops() -> None:
    data = sample_data("broken-endpoint-sg-no-443")
    for subnet in data["Subnets"]:
        subnet.pop("CidrBlock")
    got = verdicts(data)
    assert "reachable" not in got["ecr.api"] and got["ecr.api"] <= {"unknown", "blocked"}


def test_an_interface_endpoint_without_groups_is_unknown() -> None:
    data = sample_data("broken-endpoint-sg-no-443")
    for ep in data["VpcEndpoints"]:
        ep.pop("Groups", None)
    got = verdicts(data)
    assert got["ecr.api"] == {"unknown"} and got["logs"] == {"unknown"}, got


@pytest.mark.parametrize("how", ["no DhcpConfigurations", "no Values", "no Key"])
def test_dhcp_options_not_all_collected_make_dns_unknown(how: str) -> None:
    data = sample_data("unknown-custom-dns")
    options = data["DhcpOptions"][0]
    if how == "no DhcpConfigurations":
        del options["DhcpConfigurations"]
    else:
        conf = next(c for c in options["DhcpConfigurations"] if c["Key"] == "domain-name-servers")
        del conf["Values" if how == "no Values" else "Key"]
    got = verdicts(data)
    assert got["ecr.api"] == {"unknown"}, got  # was: AmazonProvidedDNS, reachable


def test_dhcp_options_naming_no_servers_still_mean_amazon_dns() -> None:
    data = sample_data("unknown-custom-dns")
    options = data["DhcpOptions"][0]
    options["DhcpConfigurations"] = [
        c for c in options["DhcpConfigurations"] if c["Key"] != "domain-name-servers"
    ]
    assert verdicts(data)["ecr.api"] == {"reachable"}


@pytest.mark.parametrize("how", ["removed", "null"])
def test_a_task_definition_without_containers_makes_every_check_unknown(how: str) -> None:
    data = sample_data("broken-endpoint-sg-no-443")
    td = data["taskDefinitions"][0]
    if how == "removed":
        del td["containerDefinitions"]
    else:
        td["containerDefinitions"] = None
    got = verdicts(data)
    assert set(got) >= {"ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "iam:execution-role"}
    assert all(v == {"unknown"} for v in got.values()), got


@pytest.mark.parametrize("image", ["", "@", ":", " ", ":latest", "@sha256:00"])
def test_an_image_that_names_nothing_makes_every_check_unknown(image: str) -> None:
    data = sample_data("healthy-endpoints")
    data["taskDefinitions"][0]["containerDefinitions"][0]["image"] = image
    got = verdicts(data)
    assert got and all(v == {"unknown"} for v in got.values()), got


def test_a_trust_policy_statement_without_principal_is_unknown_not_allowed() -> None:
    data = sample_data("broken-trust-policy")
    role = data["RoleDetailList"][0]
    del role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert verdicts(data)["iam:execution-role"] == {"unknown"}


def test_a_policy_condition_set_to_null_is_not_read_as_no_condition() -> None:
    data = sample_data("broken-s3-endpoint-policy")
    ep = next(e for e in data["VpcEndpoints"] if e["ServiceName"].endswith(".s3"))
    doc = json.loads(ep["PolicyDocument"])
    doc["Statement"][0]["Condition"] = None
    doc["Statement"][0]["Resource"] = "*"
    ep["PolicyDocument"] = json.dumps(doc)
    assert verdicts(data)["s3"] == {"unknown"}


@pytest.mark.parametrize("key", ["logConfiguration", "secrets", "repositoryCredentials"])
def test_null_where_absence_means_none_is_refused(key: str) -> None:
    data = sample_data("healthy-endpoints")
    data["taskDefinitions"][0]["containerDefinitions"][0][key] = None
    refused(data, f"containerDefinitions[0].{key}")


def test_a_log_configuration_without_its_driver_is_refused() -> None:
    data = sample_data("healthy-endpoints")
    del data["taskDefinitions"][0]["containerDefinitions"][0]["logConfiguration"]["logDriver"]
    refused(data, "logConfiguration")


def test_an_eni_without_groups_is_unknown_as_a_source() -> None:
    import copy

    from netgraph.flows import eni_source

    data = sample_data("healthy-endpoints")
    # A task's ENI: an endpoint ENI's record made the task's, then its Groups dropped.
    eni = copy.deepcopy(data["NetworkInterfaces"][0])
    eni.update(
        NetworkInterfaceId="eni-0aaaaaaaaaaaaaaa1",
        InterfaceType="interface",
        RequesterManaged=False,
        Description="",
        PrivateIpAddress="10.0.11.200",
        PrivateIpAddresses=[{"Primary": True, "PrivateIpAddress": "10.0.11.200"}],
    )
    data["NetworkInterfaces"].append(eni)
    s = snap(data)
    with_groups = check_source(s, eni_source(s, eni["NetworkInterfaceId"]))
    assert {t.verdict for t in with_groups} == {"reachable"}  # the control
    del eni["Groups"]
    s = snap(data)
    traces = check_source(s, eni_source(s, eni["NetworkInterfaceId"]))
    assert {t.verdict for t in traces} == {"unknown"}
    assert all("Groups of eni-0aaaaaaaaaaaaaaa1" in t.reason for t in traces), traces[0].reason


# ---- no traceback: what json cannot read ----------------------------------------------


def test_an_integer_of_5000_digits_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        '{"Region": "ap-northeast-1", "Vpcs": [{"VpcId": "vpc-1", "X": ' + "1" * 5000 + "}]}"
    )
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "4,300 digits" in err and str(path) in err


def test_json_nested_100000_deep_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"Region": "ap-northeast-1", "Vpcs": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nested too deeply" in err


def test_a_policy_document_nested_100000_deep_is_unknown_not_a_crash() -> None:
    data = sample_data("healthy-endpoints")
    ep = next(e for e in data["VpcEndpoints"] if e["ServiceName"].endswith(".s3"))
    ep["PolicyDocument"] = '{"Statement": ' + "[" * 100_000 + "]" * 100_000 + "}"
    got = verdicts(data)
    assert got["s3"] == {"unknown"}


@pytest.mark.parametrize(
    ("key", "call"),
    [
        ("OrganizationParents", "organizations:ListParents"),
        ("RoleDetailList", "iam:GetAccountAuthorizationDetails"),
        ("KmsKeyPolicies", "kms:GetKeyPolicy"),
        ("taskDefinitions", "ecs:DescribeTaskDefinition"),
    ],
)
def test_a_failed_call_is_named_as_the_reason_its_key_is_absent(key: str, call: str) -> None:
    from netgraph.model import CollectionError, not_in_snapshot

    failed = [CollectionError(call, "AccessDeniedException")]
    assert not_in_snapshot(key, failed) == (
        f"{key} is not in the snapshot ({call} failed: AccessDeniedException)"
    )
    assert not_in_snapshot(key, []) == f"{key} is not in the snapshot (not collected)"
