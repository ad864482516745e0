"""The command line: bad input is one line and exit code 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from netgraph.cli import main

from .conftest import SAMPLES, sample_data

HEALTHY = str(SAMPLES / "healthy-endpoints.json")


def write(tmp_path: Path, data: Any, name: str = "snap.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def bad(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_invalid_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '{"Region": "ap-northeast-1",\n "Vpcs": [}')
    line = bad(capsys, "check", path)
    assert path in line and "invalid JSON at line 2" in line


def test_missing_region(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = sample_data("healthy-endpoints")
    del data["Region"]
    line = bad(capsys, "check", write(tmp_path, data))
    assert "'Region' is missing" in line and "--region" in line


def test_region_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = sample_data("healthy-endpoints")
    del data["Region"]
    assert main(["check", write(tmp_path, data), "--region", "ap-northeast-1"]) == 0


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d.update(Subnets={"SubnetId": "x"}), "$.Subnets: expected a list"),
        (
            lambda d: d["Subnets"][2].update(CidrBlock=42),
            "$.Subnets[2].CidrBlock: expected a string",
        ),
        (lambda d: d["Subnets"][0].update(CidrBlock="10.0.1.0/33"), "is not a CIDR block"),
        (
            lambda d: d["NetworkAcls"][0]["Entries"][0].update(RuleNumber="100"),
            "Entries[0].RuleNumber: expected an integer",
        ),
        (lambda d: d["Vpcs"][0].pop("VpcId"), "required key 'VpcId' is missing"),
        (
            lambda d: d["VpcEndpoints"][0].update(PrivateDnsEnabled="yes"),
            "PrivateDnsEnabled: expected true or false",
        ),
        (lambda d: d["SecurityGroups"].append(7), "$.SecurityGroups[3]: expected an object"),
        (
            lambda d: d["SecurityGroups"][2].update(GroupId=""),
            "$.SecurityGroups[2].GroupId: its id is an empty string",
        ),
        # The loader skips empty peer lists cheaply; any other value is still checked.
        (
            lambda d: d["SecurityGroups"][0]["IpPermissions"][0].update(Ipv6Ranges={}),
            "IpPermissions[0].Ipv6Ranges: expected a list",
        ),
        (
            lambda d: d["SecurityGroups"][0]["IpPermissions"][0].update(UserIdGroupPairs=0),
            "IpPermissions[0].UserIdGroupPairs: expected a list",
        ),
    ],
)
def test_wrong_types_name_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, where: str
) -> None:
    data = sample_data("healthy-endpoints")
    change(data)
    path = write(tmp_path, data)
    line = bad(capsys, "check", path)
    assert path in line and where in line, line


def test_subnet_naming_a_missing_vpc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = sample_data("healthy-endpoints")
    data["Subnets"][0]["VpcId"] = "vpc-0000000000000dead"
    line = bad(capsys, "check", write(tmp_path, data))
    assert "vpc-0000000000000dead" in line and "Subnets[0].VpcId" in line


def test_not_an_object_at_the_top(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "expected a JSON object" in bad(capsys, "check", write(tmp_path, "[1, 2]"))


def test_missing_file_and_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no such file or folder" in bad(capsys, "check", str(tmp_path / "nope.json"))
    assert "holds no *.json files" in bad(capsys, "check", str(tmp_path))


def test_unknown_sources_and_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert "no such ECS service" in bad(capsys, "check", HEALTHY, "--service", "nope")
    assert "no such network interface" in bad(capsys, "check", HEALTHY, "--eni", "eni-0nope")
    assert "no such subnet" in bad(
        capsys, "check", HEALTHY, "--subnet", "subnet-0nope", "--security-group", "sg-1"
    )
    assert "give --subnet too" in bad(capsys, "check", HEALTHY, "--security-group", "sg-1")
    assert "unknown target" in bad(capsys, "check", HEALTHY, "--target", "ecr")
    assert "expected eni-" in bad(capsys, "path", HEALTHY, "--from", "x", "--to", "8.8.8.8")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    bad(capsys, "check")
    bad(
        capsys,
        "path",
        HEALTHY,
        "--from",
        "subnet-0a11c0ffee0000001",
        "--to",
        "8.8.8.8",
        "--port",
        "70000",
    )


def test_folder_of_describe_outputs_is_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = sample_data("broken-s3-only-endpoint")
    folder = tmp_path / "snap"
    folder.mkdir()
    for key, value in data.items():
        write(folder, {key: value}, f"{key}.json")
    write(folder, {"Unrelated": []}, "zz-extra.json")
    code = main(["check", str(folder), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 1
    assert "Unrelated" in captured.err  # ignored with a warning
    assert len(json.loads(captured.out)["checks"]) == 12


def test_hypothetical_task_and_eni_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "check",
            HEALTHY,
            "--subnet",
            "subnet-0a11c0ffee0000001",
            "--security-group",
            "sg-0b0b0b0b0b0b0b0b1",
            "--format",
            "json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0  # no task definition: no execution-role check
    assert [c["target"] for c in doc["checks"]] == ["ecr.api", "ecr.dkr", "s3", "logs"]
    assert doc["checks"][0]["source"]["kind"] == "hypothetical"
    code = main(
        ["check", HEALTHY, "--eni", "eni-0e1c2a3b4d5e6f711", "--target", "s3", "--format", "json"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["checks"][0]["source"] == {
        "kind": "eni",
        "id": "eni-0e1c2a3b4d5e6f711",
        "subnet": "subnet-0a11c0ffee0000011",
        "security_groups": ["sg-0e0e0e0e0e0e0e0e2"],
        "public_ip": False,
        "address": "10.0.11.10",
    }


def test_path_to_a_dns_name_and_to_an_endpoint_eni(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "path",
            HEALTHY,
            "--from",
            "subnet-0a11c0ffee0000001",
            "--security-group",
            "sg-0b0b0b0b0b0b0b0b1",
            "--to",
            "api.ecr.ap-northeast-1.amazonaws.com",
            "--format",
            "json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["checks"][0]["target"] == "api.ecr.ap-northeast-1.amazonaws.com"
    code = main(
        [
            "path",
            HEALTHY,
            "--from",
            "subnet-0a11c0ffee0000001",
            "--security-group",
            "sg-0b0b0b0b0b0b0b0b1",
            "--to",
            "eni-0e1c2a3b4d5e6f721",
            "--port",
            "22",
            "--format",
            "json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert doc["checks"][0]["blocked_at"]["id"] == "sg-0e0e0e0e0e0e0e0e2"


def test_text_report_names_hop_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(SAMPLES / "broken-endpoint-sg-no-443.json"), "--target", "ecr.api"])
    out = capsys.readouterr().out
    assert code == 1
    assert "BLOCKED  ecr.api  at sg-0e0e0e0e0e0e0e0e2 (security-group-ingress)" in out
    assert "fix: add an inbound rule to sg-0e0e0e0e0e0e0e0e2 allowing TCP 443" in out


def test_installed_entry_points_work() -> None:
    for argv in (
        [sys.executable, "-m", "netgraph"],
        [sys.executable, str(Path(__file__).parent.parent / "cli.py")],
    ):
        proc = subprocess.run(
            [*argv, "check", HEALTHY, "--target", "s3"], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr
        assert "ok       s3" in proc.stdout


def test_readme_documents_every_finding_code() -> None:
    from netgraph.findings import FINDINGS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("```sh\nmake demo")
    missing = [code for code in FINDINGS if code not in readme]
    assert not missing
