"""Honest inputs (issue 14, part 4): each input mistake is exit code 2 with one line that
names the file or the option, what is wrong and the fix; and what is not a mistake (YAML, a
byte order mark) reads as its JSON would. The real console script runs for a mistake of each
kind (a file's value, JSON, YAML nested too deep, bytes that are not UTF-8, an option, a live
Region) and for a warning; the other command lines run netgraph.cli.main in this process
(tests/conftest.py: run_main), read back as the process would be."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from netgraph.sources.regions import (
    is_region,
    known_regions,
    region_of_arn,
    region_of_zone,
    suggest,
)
from netgraph.sources.snapshot import load_snapshot

from .conftest import SAMPLES, run_main, sample_data
from .test_exit_codes import netgraph

HEALTHY = SAMPLES / "healthy-endpoints.json"
SUBNET = "subnet-0a11c0ffee0000011"
ENI = "eni-0e1c2a3b4d5e6f711"


def in_process(*argv: str) -> subprocess.CompletedProcess[str]:
    """What netgraph() gives, without a process (a second each)."""
    return run_main(*argv)


def refused(*argv: str, real: bool = False) -> str:
    """Exit code 2, nothing on stdout, one line on stderr (returned, without its prefix);
    from the console script if ``real``, else through main() in this process."""
    proc = (netgraph if real else in_process)(*argv)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("netgraph: error: "), proc.stderr
    return lines[0].removeprefix("netgraph: error: ")


def write(tmp_path: Path, data: Any, name: str = "snap.json") -> str:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


# ---- the region -----------------------------------------------------------------------


def test_an_unknown_region_in_the_snapshot(tmp_path: Path) -> None:
    data = sample_data("healthy-endpoints")
    data["Region"] = "tokyo"
    path = write(tmp_path, data)
    line = refused("check", path, real=True)
    assert line.startswith(f"{path}: $.Region: 'tokyo' is not an AWS region")
    assert "(did you mean ap-northeast-1?)" in line


def test_an_unknown_region_from_the_command_line() -> None:
    line = refused("check", str(HEALTHY), "--region", "ap-northeast1")
    assert line.startswith("--region: 'ap-northeast1' is not an AWS region")
    assert "did you mean ap-northeast-1?" in line


def test_the_wrong_region_from_the_command_line() -> None:
    """Was: BLOCKED internet ... no route for the internet (the endpoints serve the names
    of ap-northeast-1, and the check asked for us-east-1's)."""
    line = refused("check", str(HEALTHY), "--region", "us-east-1")
    assert line == (
        f"--region us-east-1 disagrees with the snapshot: {HEALTHY}: "
        "$.Subnets[0].AvailabilityZone is 'ap-northeast-1a', in ap-northeast-1: "
        "pass --region ap-northeast-1, or leave --region out"
    )
    assert in_process("check", str(HEALTHY), "--region", "ap-northeast-1").returncode == 0


def test_the_wrong_region_in_the_snapshot(tmp_path: Path) -> None:
    data = sample_data("healthy-endpoints")
    data["Region"] = "eu-west-1"
    path = write(tmp_path, data)
    line = refused("check", path)
    assert line.startswith(f"{path}: $.Region is 'eu-west-1', but {path}: $.Subnets[0]")
    assert "in ap-northeast-1: set Region to ap-northeast-1" in line


@pytest.mark.parametrize(
    "key, field, value",
    [
        ("VpcEndpoints", "ServiceName", "com.amazonaws.eu-west-1.ecr.api"),
        ("services", "serviceArn", "arn:aws:ecs:eu-west-1:111122223333:service/app/web"),
        (
            "taskDefinitions",
            "taskDefinitionArn",
            "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1",
        ),
    ],
)
def test_records_of_another_region(tmp_path: Path, key: str, field: str, value: str) -> None:
    data = sample_data("healthy-endpoints")
    data[key][0][field] = value
    line = refused("check", write(tmp_path, data))
    assert f"$.{key}[0].{field} is '{value}', in eu-west-1" in line
    assert "$.Region is 'ap-northeast-1'" in line


def test_what_may_be_in_another_region(tmp_path: Path) -> None:
    """An image of another region's ECR, logs to another region, a role (IAM is global),
    a cross-region endpoint that says so: not a mismatch."""
    data = sample_data("healthy-endpoints")
    container = data["taskDefinitions"][0]["containerDefinitions"][0]
    container["image"] = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1"
    endpoint = data["VpcEndpoints"][0]
    endpoint["ServiceName"] = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"
    endpoint["ServiceRegion"] = "eu-west-1"
    proc = in_process("check", write(tmp_path, data))
    assert proc.returncode in (0, 1, 3), proc.stderr
    assert "internet" in proc.stdout  # the image from another region: over the internet


def test_region_names() -> None:
    assert {"ap-northeast-1", "us-gov-west-1", "cn-north-1", "il-central-1"} <= set(known_regions())
    assert is_region("ap-southeast-9")  # a region opened after the table: of the shape
    assert not is_region("us-tokyo-1") and not is_region("tokyo") and not is_region("")
    assert suggest("Frankfurt") == "eu-central-1" and suggest("us-tokyo-1") == "ap-northeast-1"
    assert region_of_zone("us-west-2-lax-1a") == "us-west-2"
    assert region_of_zone("apne1-az1") is None
    assert region_of_arn("arn:aws:iam::111122223333:role/r") is None  # IAM: global


def test_no_region_key_stays_the_known_error(tmp_path: Path) -> None:
    data = sample_data("healthy-endpoints")
    del data["Subnets"][0]["AvailabilityZone"]  # absent: nothing to compare, no error
    assert in_process("check", write(tmp_path, data)).returncode == 0


# ---- files that are not JSON --------------------------------------------------------------


def aws_cli_yaml(data: Any) -> str:
    """YAML as `aws ... --output yaml` writes it: block style, keys in their order, no
    aliases (its data comes from JSON: no object is shared, as the samples' are)."""
    return yaml.safe_dump(
        json.loads(json.dumps(data)), sort_keys=False, allow_unicode=True, default_flow_style=False
    )


@pytest.mark.parametrize("sample", sorted(p.stem for p in SAMPLES.glob("*.json")))
def test_yaml_reads_as_its_json(
    tmp_path: Path, sample: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every sample as YAML: the same verdicts, the same exit code. (In-process: the real
    process is tested once, below; two processes per sample cost a minute.)"""
    from netgraph.cli import main

    data = json.loads((SAMPLES / f"{sample}.json").read_text(encoding="utf-8"))
    as_yaml = write(tmp_path, aws_cli_yaml(data), f"{sample}.yaml")

    def run(path: str) -> tuple[int, str, str]:
        code = main(["check", path, "--format", "json"])
        out = capsys.readouterr()
        return code, out.out, out.err

    json_code, json_out, json_err = run(str(SAMPLES / f"{sample}.json"))
    yaml_code, yaml_out, yaml_err = run(as_yaml)
    assert yaml_err == json_err
    assert (yaml_code, yaml_out) == (json_code, json_out)
    assert json.loads(json_out)["checks"]


def test_yaml_reads_as_its_json_in_a_real_process(tmp_path: Path) -> None:
    sample = "broken-endpoint-sg-no-443"
    data = json.loads((SAMPLES / f"{sample}.json").read_text(encoding="utf-8"))
    as_yaml = write(tmp_path, aws_cli_yaml(data), f"{sample}.yaml")
    json_run = netgraph("check", str(SAMPLES / f"{sample}.json"), "--format", "json")
    yaml_run = netgraph("check", as_yaml, "--format", "json")
    assert yaml_run.stderr == json_run.stderr
    assert (yaml_run.returncode, yaml_run.stdout) == (json_run.returncode, json_run.stdout)
    assert json_run.returncode == 1


def test_yaml_scalars_read_as_json_would(tmp_path: Path) -> None:
    """YAML 1.1's on/yes/no, dates and octals stay strings, as the JSON holds them."""
    data = sample_data("healthy-endpoints")
    vpc = data["Vpcs"][0]
    vpc["Tags"] = [{"Key": "Name", "Value": "PLACEHOLDER"}]
    text = aws_cli_yaml(data).replace("Value: PLACEHOLDER", "Value: on")
    text += "CollectedAt: 2024-05-01T00:00:00Z\n"
    snap = load_snapshot(write(tmp_path, text, "snap.yml"))
    assert snap.vpcs is not None and snap.vpcs[vpc["VpcId"]].name == "on"
    assert snap.region == "ap-northeast-1"


def test_yaml_output_saved_as_json(tmp_path: Path) -> None:
    """`aws ... --output yaml > ec2.json`: read as the YAML it is."""
    path = write(tmp_path, aws_cli_yaml(sample_data("healthy-endpoints")))
    assert in_process("check", path).returncode == 0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Region: ap-northeast-1\nVpcs:\n  - VpcId: a\n   b: c\n", "invalid YAML at line 4"),
        ("Region: &r ap-northeast-1\nAccountId: *r\n", "YAML alias *r at line 2"),
        ("Region: ap-northeast-1\n1: x\n", "$: the key 1 is not a string"),
        ("Region: ap-northeast-1\nVpcs: !!binary aGk=\n", "$.Vpcs: a YAML bytes value"),
        ("Region: ap-northeast-1\nVpcs: [" * 1 + "1" * 5000 + "]\n", "number too long"),
        ("Vpcs: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
    ],
    ids=["syntax", "alias", "key", "binary", "long", "deep"],
)
def test_bad_yaml(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text, "snap.yaml")
    # A real process for the deepest: its stack is not pytest's.
    line = refused("check", path, real=expected == "nested too deeply")
    assert line.startswith(f"{path}: ") and expected in line


@pytest.mark.parametrize(
    "text, output",
    [
        (
            "-----------------------\n|   DescribeSubnets   |\n+---------------------+\n"
            "||      Subnets      ||\n",
            "table",
        ),
        ("SUBNETS\tFalse\tap-northeast-1a\t10.0.0.0/24\tsubnet-0a11\n", "text"),
    ],
)
def test_table_and_text_output(tmp_path: Path, text: str, output: str) -> None:
    path = write(tmp_path, text)
    assert refused("check", path) == (
        f"{path}: this looks like the AWS CLI's {output} output, which netgraph cannot read: "
        "run the AWS CLI with --output json"
    )


@pytest.mark.parametrize("mark, encoding", [(b"\xef\xbb\xbf", "utf-8"), (b"", "utf-16")])
def test_a_byte_order_mark(tmp_path: Path, mark: bytes, encoding: str) -> None:
    """PowerShell: `Out-File -Encoding utf8` writes UTF-8 with a BOM, `>` UTF-16 with one."""
    data = mark + HEALTHY.read_text(encoding="utf-8").encode(encoding)
    proc = in_process("check", write(tmp_path, data))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == in_process("check", str(HEALTHY)).stdout.replace(
        str(HEALTHY), str(tmp_path / "snap.json")
    )


def test_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"Region": "\xff"}')
    assert refused("check", path, real=True) == (
        f"{path}: not UTF-8 text: save the AWS CLI's output as UTF-8 "
        "(PowerShell: `| Out-File -Encoding utf8`)"
    )


def test_a_trailing_comma(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "Region": "ap-northeast-1",\n  "Vpcs": [],\n}\n')
    assert refused("check", path, real=True) == (
        f"{path}: invalid JSON at line 4 column 1: Expecting property name enclosed in double "
        "quotes, in '}' (a trailing comma after the last item? JSON allows none: remove it)"
    )
    path = write(tmp_path, '{"Vpcs": [{"VpcId": "vpc-1"},  ]}')
    line = refused("check", path)
    assert "Expecting value" in line and "(a trailing comma after the last item?" in line


def test_a_missing_comma(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "Region": "ap-northeast-1"\n  "Vpcs": []\n}\n')
    assert refused("check", path) == (
        f"{path}: invalid JSON at line 3 column 3: Expecting ',' delimiter, in "
        "'\"Vpcs\": []' (a comma missing at the end of line 2?)"
    )


def test_other_json_errors_show_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{"Region": "ap-northeast-1", "Vpcs": [' + '"x", ' * 50 + "x]}")
    line = refused("check", path)
    assert line == (
        f"{path}: invalid JSON at line 1 column 289: Expecting value, in "
        '\'…"x", "x", "x", "x", "x", "x", x]}\': correct the file, or write it again '
        "with the AWS CLI (--output json)"
    )


def test_a_broken_json_is_not_read_as_yaml(tmp_path: Path) -> None:
    """`{a: 1}` is YAML, and not JSON: a file that starts as JSON is judged as JSON."""
    line = refused("check", write(tmp_path, '{"Region": "ap-northeast-1", Vpcs: []}'))
    assert "invalid JSON at line 1 column 30" in line


def test_files_skipped_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "snap").mkdir()
    write(tmp_path / "snap", HEALTHY.read_text(encoding="utf-8"), "ec2.json")
    write(tmp_path / "snap", "Region: ap-northeast-1\n", "meta.yaml")
    write(tmp_path / "snap", "SUBNETS\tx\n", "subnets.txt")
    write(tmp_path / "snap", "{}", "ecs.json.bak")
    (tmp_path / "snap" / "old").mkdir()
    proc = netgraph("check", str(tmp_path / "snap"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == (
        f"netgraph: warning: {tmp_path / 'snap'}: skipped ecs.json.bak, old/, subnets.txt: "
        "netgraph reads only *.json, *.yaml and *.yml (rename a file to read it)\n"
    )


def test_a_folder_of_nothing_readable(tmp_path: Path) -> None:
    write(tmp_path, "x", "notes.txt")
    assert "folder holds no *.json files (nor *.yaml, *.yml)" in refused("check", str(tmp_path))


# ---- the command's own names ----------------------------------------------------------------


def test_an_unknown_security_group() -> None:
    """Was exit code 3 (the hop unknown), while a bad --subnet was 2."""
    line = refused(
        "check", str(HEALTHY), "--subnet", SUBNET, "--security-group", "sg-typo", real=True
    )
    assert line.startswith(
        "--security-group sg-typo: no such security group in the snapshot (SecurityGroups: sg-"
    )
    assert line.endswith("): check the id")


def test_a_security_group_of_another_vpc(tmp_path: Path) -> None:
    data = sample_data("healthy-endpoints")
    data["SecurityGroups"][0]["VpcId"] = "vpc-0other"
    group = data["SecurityGroups"][0]["GroupId"]
    line = refused("check", write(tmp_path, data), "--subnet", SUBNET, "--security-group", group)
    assert line.startswith(f"--security-group {group}: it is in vpc-0other, but {SUBNET} is in")


def test_security_groups_not_collected_stay_unknown(tmp_path: Path) -> None:
    data = sample_data("healthy-endpoints")
    del data["SecurityGroups"]
    proc = in_process(
        "check", write(tmp_path, data), "--subnet", SUBNET, "--security-group", "sg-any"
    )
    assert proc.returncode == 3, proc.stderr


def test_an_unknown_eni() -> None:
    line = refused("check", str(HEALTHY), "--eni", "eni-typo")
    assert line.startswith(
        f"eni-typo: no such network interface in the snapshot (NetworkInterfaces: {ENI}, "
    )
    assert line.endswith(" and 3 more): check the id")
    assert refused("path", str(HEALTHY), "--from", "eni-typo", "--to", "8.8.8.8") == line


def test_an_unknown_subnet_names_some() -> None:
    line = refused("check", str(HEALTHY), "--subnet", "subnet-typo", "--security-group", "sg-1")
    assert line.startswith("--subnet subnet-typo: no such subnet in the snapshot (Subnets: ")


def test_an_unknown_destination_interface() -> None:
    line = refused("path", str(HEALTHY), "--from", ENI, "--to", "eni-typo")
    assert line.startswith("--to eni-typo: not in the snapshot (NetworkInterfaces: ")


@pytest.mark.parametrize("text", ["300.1.1.1", "10.0.1", "10.0.0.0/16", "2001:db8::1::2"])
def test_an_invalid_ip_address(text: str) -> None:
    """Was: read as a DNS name, `no route`."""
    assert refused("path", str(HEALTHY), "--from", ENI, "--to", text) == (
        f"--to {text}: not a valid IP address (four numbers 0-255, as 10.0.1.5, or IPv6 as "
        "2001:db8::5; one address, not a CIDR block)"
    )


def test_valid_destinations_still_read() -> None:
    for to in ("8.8.8.8", "2001:db8::5", "api.ecr.ap-northeast-1.amazonaws.com", "ecr.api"):
        proc = in_process("path", str(HEALTHY), "--from", ENI, "--to", to)
        assert proc.returncode in (0, 1, 3), (to, proc.stderr)


@pytest.mark.parametrize(
    "argv",
    [
        ["collect", "--region", "tokyo", "-o", "OUT"],
        ["check", "--live", "--region", "tokyo"],
        ["scan", "--live", "--region", "tokyo"],
    ],
)
def test_a_live_region_that_is_no_aws_region_is_refused_before_any_call(
    tmp_path: Path, argv: list[str]
) -> None:
    out = tmp_path / "snap.json"
    # The endpoint is a closed port on loopback: a call would fail otherwise, and slowly.
    message = refused(
        *[str(out) if a == "OUT" else a for a in argv],
        "--endpoint-url",
        "http://127.0.0.1:9",
        real=argv[0] == "collect",
    )
    assert message.startswith("--region: 'tokyo' is not an AWS region (did you mean")
    assert not out.exists()


def test_a_warning_is_said_once_whatever_the_format(tmp_path: Path) -> None:
    """With --format json the warning about a key outside the format was said twice (once
    by the command, once again by the JSON writer, in other words)."""
    snapshot = json.loads(HEALTHY.read_text(encoding="utf-8"))
    snapshot["Bogus"] = 1
    path = write(tmp_path, json.dumps(snapshot))
    for fmt in ("text", "json"):
        proc = in_process("check", path, "--format", fmt)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == (
            "netgraph: warning: keys outside the snapshot format, ignored: Bogus\n"
        ), fmt


def test_a_yaml_stream_of_pages_is_named(tmp_path: Path) -> None:
    """`aws ... --output yaml-stream` writes a list of pages: the error says which output to
    use instead of only "expected a JSON object"."""
    path = tmp_path / "pages.yaml"
    path.write_text("- Subnets:\n  - SubnetId: subnet-1\n- Subnets: []\n", encoding="utf-8")
    line = refused("check", str(path))
    assert "expected a JSON object at the top, got a list" in line
    assert "--output json or --output yaml (yaml-stream writes a list of pages)" in line
    # A list of anything else is not said to be pages.
    path.write_text("[1, 2]\n", encoding="utf-8")
    assert "yaml-stream" not in refused("check", str(path))
