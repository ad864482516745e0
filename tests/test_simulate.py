"""`netgraph simulate` (issue 13, part 4): the offline `aws iam simulate-principal-policy`.
Unit tests of ``simulate.simulate``, and the command line for every answer, exit code, the
JSON's shape, --policy-file, --context and --vpce: the installed console script as a process
for each exit code (0, 1, 2 of each kind of bad input, 3), the other cases through
netgraph.cli.main in this process (tests/conftest.py: run_main). The cases from AWS's
documentation name the page they come from."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from netgraph.check import check_source
from netgraph.flows import service_sources
from netgraph.requirements import api_calls
from netgraph.simulate import SimulateError, parse_context, read_policy_file, simulate
from netgraph.sources.policies import parse_policy
from netgraph.sources.snapshot import load_snapshot

from .conftest import SAMPLES, run_main, sample_data, snap

NETGRAPH = Path(sys.executable).with_name("netgraph")
ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
REPO = f"arn:aws:ecr:ap-northeast-1:{ACCOUNT}:repository/web"
S3_VPCE = "vpce-0e1c2a3b4d5e6f7s3"
LAYERS = "arn:aws:s3:::prod-ap-northeast-1-starport-layer-bucket/sha256/abc"
NO_ECR = SAMPLES / "broken-role-without-ecr.json"
DENY = SAMPLES / "broken-explicit-deny.json"
HEALTHY = SAMPLES / "healthy-endpoints.json"
S3_POLICY = SAMPLES / "broken-s3-endpoint-policy.json"

EVALUATION = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"
)
CONDITIONS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_condition_operators.html"
)
MULTIVALUED = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-single-vs-multi-valued-context-keys.html"
)
SIMULATOR = "https://docs.aws.amazon.com/cli/latest/reference/iam/simulate-principal-policy.html"


def netgraph(*argv: str) -> subprocess.CompletedProcess[str]:
    assert NETGRAPH.is_file(), f"{NETGRAPH}: install the package (pip install -e .)"
    return subprocess.run(
        [str(NETGRAPH), "simulate", *argv],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NETGRAPH_DEBUG": ""},
        timeout=120,
    )


def in_process(*argv: str) -> subprocess.CompletedProcess[str]:
    """What netgraph() gives, without a process (a second each)."""
    return run_main("simulate", *argv)


def write_policy(tmp_path: Path, name: str, *statements: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
    return str(path)


def one(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The only result of a --format json run."""
    (result,) = json.loads(proc.stdout)["results"]
    assert isinstance(result, dict)
    return result


# ---- the seed's example: why may this role not call ecr:GetAuthorizationToken? ----------


def test_the_role_without_ecr_rights_is_denied_the_auth_token_implicitly() -> None:
    proc = netgraph(
        str(NO_ECR), "--principal", "ecsTaskExecutionRole", "--action", "ecr:GetAuthorizationToken"
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    row = next(line for line in proc.stdout.splitlines() if line.startswith("ecr:"))
    assert row.split()[:4] == ["ecr:GetAuthorizationToken", "*", "DENIED", "implicit"]
    assert "(no statement allows it)" in row
    assert 'fix: add to a policy of ecsTaskExecutionRole the statement {"Effect": "Allow", ' in (
        proc.stdout
    )
    assert "shipped copy of arn:aws:iam::aws:policy/CloudWatchLogsFullAccess" in proc.stdout


def test_the_fix_as_a_policy_file_is_allowed(tmp_path: Path) -> None:
    fix = write_policy(
        tmp_path,
        "ecr-pull.json",
        {
            "Sid": "EcrPull",
            "Effect": "Allow",
            "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"],
            "Resource": "*",
        },
    )
    proc = netgraph(
        str(NO_ECR),
        "--principal",
        "ecsTaskExecutionRole",
        "--action",
        "ecr:GetAuthorizationToken",
        "--policy-file",
        fix,
        "--format",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["custom_policies"] is True and doc["policies"] == [fix]
    assert doc["results"][0]["decision"] == "allowed"
    assert doc["results"][0]["statements"] == [{"policy": fix, "index": 0, "sid": "EcrPull"}]


def test_simulate_agrees_with_check_on_every_call_of_every_sample() -> None:
    """One evaluator: for each call the execution-role check judges, simulate gives the
    same answer (the samples' policies have no condition on the path)."""
    compared = 0
    for sample in sorted(SAMPLES.glob("*.json")):
        s = load_snapshot(sample)
        for source in service_sources(s)[:1]:
            (trace,) = check_source(s, source, ["iam:execution-role"])
            td = source.task_definition
            if td is None or td.execution_role_arn is None or trace.hops[0].status != "pass":
                continue
            calls = [c for c in api_calls(td, s.region, s.account_id) if c.by_role]
            hops = [h for h in trace.hops if h.kind == "iam-permission"]
            # Each call's hop names it (the check also judges kms:Decrypt on secrets' keys).
            for call in calls:
                hop = next(h for h in hops if call.describe() in h.reason)
                sim = simulate(
                    s,
                    principal=td.execution_role_arn,
                    actions=[call.action],
                    resources=[call.resource or "*"],
                )
                want = {"pass": "allowed", "fail": "denied", "unknown": "unknown"}[hop.status]
                got = sim.results[0].answer
                if not call.required and got == "denied":
                    got = "allowed"  # check passes a call pulls do not need
                assert got == want, (sample.name, call, hop.reason, sim.results[0].reason)
                compared += 1
    assert compared >= 20


# ---- AWS's evaluation logic -------------------------------------------------------------


def test_an_explicit_deny_overrides_an_allow() -> None:
    # EVALUATION: "An explicit deny in any of these policies overrides the allow."
    s = load_snapshot(DENY)
    sim = simulate(s, principal=ROLE, actions=["ecr:BatchGetImage"], resources=[REPO])
    (r,) = sim.results
    assert (r.answer, r.denied_by) == ("denied", "explicit")
    policy = f"arn:aws:iam::{ACCOUNT}:policy/deny-unapproved-repositories"
    assert [(s.policy, s.index, s.sid) for s in r.statements] == [
        (policy, 0, "OnlyApprovedRepositories")
    ]
    assert r.fix is not None and policy in r.fix
    approved = f"arn:aws:ecr:ap-northeast-1:{ACCOUNT}:repository/approved/web"
    sim = simulate(s, principal=ROLE, actions=["ecr:BatchGetImage"], resources=[approved])
    assert sim.results[0].answer == "allowed"


def test_a_permissions_boundary_that_does_not_allow_denies(tmp_path: Path) -> None:
    # EVALUATION: "the permissions boundary ... If the action is not allowed by the
    # permissions boundary, the request is implicitly denied."
    data = sample_data("healthy-endpoints")
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
    data["RoleDetailList"][0]["PermissionsBoundary"] = {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    document = {
        "Statement": [{"Sid": "LogsOnly", "Effect": "Allow", "Action": "logs:*", "Resource": "*"}]
    }
    data["Policies"] = [
        {
            "PolicyName": "boundary",
            "Arn": boundary,
            "PolicyVersionList": [
                {"VersionId": "v1", "IsDefaultVersion": True, "Document": document}
            ],
        }
    ]
    s = snap(data)
    sim = simulate(s, principal=ROLE, actions=["ecr:GetAuthorizationToken", "logs:PutLogEvents"])
    token, logs = sim.results
    assert (token.answer, token.denied_by) == ("denied", "boundary")
    assert token.fix is not None and boundary in token.fix
    assert logs.answer == "allowed"
    # Both the identity policy's Allow and the boundary's decide an allowed call.
    assert [st.policy for st in logs.statements] == [
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        boundary,
    ]
    assert sim.boundary == boundary
    # A policy file stands in for the identity policies only: the boundary still applies.
    wide = parse_policy(
        "wide.json", {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    sim = simulate(s, principal=ROLE, actions=["ecr:GetAuthorizationToken"], policies=[wide])
    assert (sim.results[0].answer, sim.results[0].denied_by) == ("denied", "boundary")


def test_a_cross_account_repository_must_allow_the_pull_itself() -> None:
    # EVALUATION (cross-account policy evaluation): both the identity policy and the
    # resource policy of the other account must allow.
    s = load_snapshot(HEALTHY)
    other = "arn:aws:ecr:ap-northeast-1:999999999999:repository/base"
    sim = simulate(s, principal=ROLE, actions=["ecr:BatchGetImage"], resources=[other])
    (r,) = sim.results
    # The role's AmazonECSTaskExecutionRolePolicy allows it; the repository has no policy
    # in the snapshot's RepositoryPolicies, so nothing there allows it (as check judges).
    assert (r.answer, r.denied_by) == ("denied", "repository")
    assert "999999999999" in r.reason and r.fix is not None and ROLE in r.fix


def test_a_resource_of_star_leaves_a_narrower_resource_unknown(tmp_path: Path) -> None:
    # SIMULATOR: --resource-arns defaults to "*". netgraph does not read "*" as a match for
    # a statement on one repository: which resource is meant is not known.
    narrow = write_policy(
        tmp_path,
        "narrow.json",
        {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": REPO},
    )
    s = load_snapshot(NO_ECR)
    sim = simulate(s, actions=["ecr:BatchGetImage"], policies=[read_policy_file(narrow)])
    assert sim.results[0].answer == "unknown"
    assert sim.results[0].fix == "name the resource: --resource ARN"
    sim = simulate(
        s, actions=["ecr:BatchGetImage"], resources=[REPO], policies=[read_policy_file(narrow)]
    )
    assert sim.results[0].answer == "allowed"
    assert sim.principal is None and not sim.role_in_snapshot


# ---- condition operators, with the values --context gives ---------------------------------

# CONDITIONS, "String condition operators": the tag example.
TAGGED = {
    "Effect": "Allow",
    "Action": "iam:*AccessKey*",
    "Resource": f"arn:aws:iam::{ACCOUNT}:user/*",
    "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
}
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"


@pytest.mark.parametrize(
    ("context", "answer", "code"),
    [
        ([], "unknown", 3),
        (["--context", "aws:PrincipalTag/job-category=iamuser-admin"], "allowed", 0),
        (["--context", "aws:PrincipalTag/job-category=developer"], "denied", 1),
        # KEY= : the request does not carry the key; a positive operator then fails.
        (["--context", "aws:PrincipalTag/job-category="], "denied", 1),
    ],
)
def test_a_string_condition_needs_the_key_from_context(
    tmp_path: Path, context: list[str], answer: str, code: int
) -> None:
    policy = write_policy(tmp_path, "tagged.json", TAGGED)
    proc = in_process(
        str(NO_ECR),
        "--policy-file",
        policy,
        "--action",
        "iam:CreateAccessKey",
        "--resource",
        USER,
        *context,
        "--format",
        "json",
    )
    assert proc.returncode == code, proc.stderr
    r = one(proc)
    assert r["decision"] == answer
    if answer == "unknown":
        assert r["unknown_keys"] == ["aws:PrincipalTag/job-category"]
        assert r["fix"] == "give the request's values: --context aws:PrincipalTag/job-category=…"
        assert r["statements"] == [{"policy": policy, "index": 0, "sid": None}]
    else:
        assert r["unknown_keys"] == []
    if answer == "denied":
        assert r["denied_by"] == "implicit" and r["statements"] == []


@pytest.mark.parametrize(
    ("address", "answer"), [("203.0.113.7", "allowed"), ("198.51.100.1", "denied")]
)
def test_ip_address_condition(address: str, answer: str) -> None:
    # CONDITIONS, "IP address condition operators": allow only from 203.0.113.0/24.
    policy = parse_policy(
        "ip.json",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:*AccessKey*",
                    "Resource": f"arn:aws:iam::{ACCOUNT}:user/*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                }
            ]
        },
    )
    sim = simulate(
        load_snapshot(NO_ECR),
        actions=["iam:CreateAccessKey"],
        resources=[USER],
        context=parse_context([f"aws:SourceIp={address}"]),
        policies=[policy],
    )
    assert sim.results[0].answer == answer


@pytest.mark.parametrize(
    ("tags", "answer"),
    [
        (["environment", "cost-center"], "allowed"),
        (["environment"], "allowed"),
        (["environment", "owner"], "denied"),
    ],
)
def test_a_repeated_context_key_is_a_multivalued_key(
    tmp_path: Path, tags: list[str], answer: str
) -> None:
    # MULTIVALUED: ForAllValues:StringEquals on aws:TagKeys: every tag key of the request
    # must be in the list.
    policy = write_policy(
        tmp_path,
        "tags.json",
        {
            "Effect": "Allow",
            "Action": "ec2:CreateTags",
            "Resource": "*",
            "Condition": {
                "ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}
            },
        },
    )
    argv = [a for t in tags for a in ("--context", f"aws:TagKeys={t}")]
    proc = in_process(
        str(NO_ECR),
        "--policy-file",
        policy,
        "--action",
        "ec2:CreateTags",
        *argv,
        "--format",
        "json",
    )
    assert one(proc)["decision"] == answer, proc.stdout
    assert json.loads(proc.stdout)["context"] == {"aws:TagKeys": tags}


def test_null_condition_and_an_absent_key() -> None:
    # CONDITIONS, "Condition operator to check existence of condition keys": Null "true"
    # holds when the request does not carry the key.
    policy = parse_policy(
        "null.json",
        {
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Null": {"aws:TokenIssueTime": "true"}},
                },
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            ]
        },
    )
    s = load_snapshot(NO_ECR)

    def answer(*context: str) -> str:
        sim = simulate(
            s, actions=["s3:GetObject"], context=parse_context(context), policies=[policy]
        )
        return sim.results[0].answer

    assert answer() == "unknown"
    assert answer("aws:TokenIssueTime=") == "denied"
    assert answer("aws:TokenIssueTime=2026-01-01T00:00:00Z") == "allowed"


# ---- --vpce: the endpoint's keys and its policy ----------------------------------------


def test_vpce_sets_source_vpce_and_judges_the_endpoint_policy(tmp_path: Path) -> None:
    # The sample's S3 gateway endpoint allows only the company's buckets (Sid
    # CompanyBucketsOnly), so ECR's layer bucket is denied there, as check finds.
    policy = write_policy(
        tmp_path,
        "s3-through-endpoint.json",
        {
            "Sid": "ThroughTheEndpoint",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": S3_VPCE}},
        },
    )
    base = [
        str(S3_POLICY),
        "--principal",
        ROLE,
        "--policy-file",
        policy,
        "--action",
        "s3:GetObject",
        "--format",
        "json",
    ]
    # A real process: exit code 3 of the console script.
    without = netgraph(*base, "--resource", "arn:aws:s3:::acme-prod-logs/x")
    assert without.returncode == 3 and one(without)["unknown_keys"] == ["aws:SourceVpce"]

    company = in_process(*base, "--resource", "arn:aws:s3:::acme-prod-logs/x", "--vpce", S3_VPCE)
    assert company.returncode == 0, company.stdout
    r = one(company)
    assert r["endpoint"]["decision"] == "allowed"
    assert r["endpoint"]["statement"]["sid"] == "CompanyBucketsOnly"
    assert [s["sid"] for s in r["statements"]] == ["ThroughTheEndpoint", "CompanyBucketsOnly"]
    assert json.loads(company.stdout)["vpce"] == {"id": S3_VPCE, "vpc": "vpc-0a1b2c3d4e5f60718"}

    layers = in_process(*base, "--resource", LAYERS, "--vpce", S3_VPCE)
    assert layers.returncode == 1
    r = one(layers)
    assert (r["decision"], r["denied_by"]) == ("denied", "endpoint")
    assert r["endpoint"]["decision"] == "denied" and S3_VPCE in r["fix"]

    text = in_process(*base[:-2], "--resource", LAYERS, "--vpce", S3_VPCE)
    assert f"endpoint {S3_VPCE}: denied" in text.stdout


def test_the_auth_token_ignores_the_path_keys_as_check_does(tmp_path: Path) -> None:
    # ECR's documentation: ecr:GetAuthorizationToken cannot be conditioned on
    # aws:SourceVpce; check evaluates such a condition as if the key were absent.
    policy = write_policy(
        tmp_path,
        "token.json",
        {
            "Effect": "Allow",
            "Action": "ecr:GetAuthorizationToken",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0e1c2a3b4d5e6f701"}},
        },
    )
    proc = in_process(
        str(HEALTHY),
        "--principal",
        ROLE,
        "--policy-file",
        policy,
        "--action",
        "ecr:GetAuthorizationToken",
        "--vpce",
        "vpce-0e1c2a3b4d5e6f701",
        "--format",
        "json",
    )
    assert one(proc)["decision"] == "denied"


# ---- the JSON document ----------------------------------------------------------------


def test_json_is_one_result_per_action_and_resource() -> None:
    other = f"arn:aws:ecr:ap-northeast-1:{ACCOUNT}:repository/approved/web"
    proc = in_process(
        str(DENY),
        "--principal",
        ROLE,
        "--action",
        "ecr:BatchGetImage",
        "--action",
        "ecr:GetDownloadUrlForLayer",
        "--resource",
        REPO,
        "--resource",
        other,
        "--format",
        "json",
    )
    assert proc.returncode == 1 and proc.stderr == ""
    doc = json.loads(proc.stdout)
    assert list(doc) == [
        "version",
        "region",
        "account_id",
        "principal",
        "policies",
        "custom_policies",
        "permissions_boundary",
        "shipped_policies",
        "vpce",
        "context",
        "results",
    ]
    assert doc["version"] == 1 and doc["principal"] == ROLE
    assert [(r["action"], r["resource"], r["decision"]) for r in doc["results"]] == [
        ("ecr:BatchGetImage", REPO, "denied"),
        ("ecr:BatchGetImage", other, "allowed"),
        ("ecr:GetDownloadUrlForLayer", REPO, "denied"),
        ("ecr:GetDownloadUrlForLayer", other, "allowed"),
    ]
    for r in doc["results"]:
        assert list(r) == [
            "action",
            "resource",
            "decision",
            "denied_by",
            "statements",
            "unknown_keys",
            "reason",
            "fix",
            "endpoint",
            "assumptions",
        ]
        assert all(list(s) == ["policy", "index", "sid"] for s in r["statements"])
        assert (r["denied_by"] is None) == (r["decision"] != "denied")


# ---- bad input: exit 2, one line, nothing on stdout ----------------------------------


REAL_PROCESS = {
    "give --principal ROLE",
    "--resource web: expected an ARN",
    "Missing option '--action'",
    "not valid JSON",
}


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["--principal", "nobody", "--action", "ecr:GetAuthorizationToken"],
            f"--principal nobody: no such role in the snapshot's RoleDetailList (roles: {ROLE})",
        ),
        (["--action", "ecr:GetAuthorizationToken"], "give --principal ROLE"),
        (
            ["--principal", ROLE, "--action", "GetAuthorizationToken"],
            "--action GetAuthorizationToken: expected SERVICE:ACTION",
        ),
        (["--principal", ROLE, "--action", "ecr:Get*"], "name one action"),
        (
            ["--principal", ROLE, "--action", "ecr:BatchGetImage", "--resource", "web"],
            "--resource web: expected an ARN",
        ),
        (
            ["--principal", ROLE, "--action", "s3:GetObject", "--context", "aws:SourceVpce"],
            "--context aws:SourceVpce: expected KEY=VALUE",
        ),
        (
            ["--principal", ROLE, "--action", "s3:GetObject", "--context", "SourceVpce=vpce-1"],
            "SourceVpce is not a condition key",
        ),
        (
            [
                "--principal",
                ROLE,
                "--action",
                "s3:GetObject",
                "--context",
                "aws:SourceIp=",
                "--context",
                "aws:SourceIp=10.0.0.1",
            ],
            "given both as absent",
        ),
        (
            ["--principal", ROLE, "--action", "s3:GetObject", "--vpce", "vpce-nope"],
            "--vpce vpce-nope: no such endpoint in the snapshot",
        ),
        (["--principal", ROLE], "Missing option '--action'"),
    ],
)
def test_bad_input_is_exit_2_and_one_line(argv: list[str], says: str) -> None:
    # A real process for each way a mistake reaches stderr (the snapshot's names, an
    # option's value, click's usage error), the others in this process.
    run = netgraph if says in REAL_PROCESS else in_process
    proc = run(str(NO_ECR), *argv)
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and says in proc.stderr, proc.stderr
    assert proc.stderr.startswith("netgraph: error: ")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "a policy document must be a JSON object"),
        ('{"Statement": [{"Effect": "Allow", "Resource": "*"}]}', "neither Action nor NotAction"),
        ('{"Statement": [{"Effect": "Maybe", "Action": "*"}]}', "expected Allow or Deny"),
        ('{"Version": "2012-10-17"}', "no Statement"),
        ('{"Statement": []}', "its Statement list is empty"),
    ],
)
def test_a_policy_file_that_is_not_a_policy_is_exit_2_naming_the_file(
    tmp_path: Path, content: str, says: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_text(content)
    run = netgraph if says in REAL_PROCESS else in_process
    proc = run(str(NO_ECR), "--policy-file", str(path), "--action", "s3:GetObject")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(f"netgraph: error: --policy-file {path}: "), proc.stderr
    assert says in proc.stderr and proc.stderr.count("\n") == 1
    with pytest.raises(SimulateError, match=re.escape(str(path))):
        read_policy_file(str(path))


def test_the_aws_clis_outputs_are_policy_files(tmp_path: Path) -> None:
    # `aws iam get-policy-version` and `aws iam get-role-policy` wrap the document.
    document = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    version = tmp_path / "version.json"
    version.write_text(json.dumps({"PolicyVersion": {"Document": document, "VersionId": "v1"}}))
    inline = tmp_path / "inline.json"
    inline.write_text(json.dumps({"RoleName": "r", "PolicyName": "p", "PolicyDocument": document}))
    for path in (version, inline):
        assert len(read_policy_file(str(path)).statements) == 1


def test_a_snapshot_without_roles_names_the_key_and_the_fix() -> None:
    data = sample_data("broken-role-without-ecr")
    del data["RoleDetailList"]
    with pytest.raises(SimulateError, match=r"RoleDetailList.*--policy-file"):
        simulate(snap(data), principal="ecsTaskExecutionRole", actions=["s3:GetObject"])


def test_a_deny_whose_date_netgraph_cannot_read_is_not_dropped(tmp_path: Path) -> None:
    """A Deny whose condition value netgraph cannot read as a date once answered "no", so
    the Deny vanished and the Allow decided: a wrong "allowed". It is open now. ("2020-06",
    the W3C month that first showed it, is read since, and denies.)"""
    allow = {"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "*"}

    def decide(when: str) -> tuple[int, str]:
        deny = {
            "Effect": "Deny",
            "Action": "iam:*AccessKey*",
            "Resource": "*",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": when}},
        }
        policy = write_policy(tmp_path, "dated.json", allow, deny)
        proc = in_process(
            str(NO_ECR),
            "--policy-file",
            policy,
            "--action",
            "iam:CreateAccessKey",
            "--resource",
            USER,
            "--context",
            "aws:CurrentTime=2026-06-01T00:00:00Z",
            "--format",
            "json",
        )
        return proc.returncode, str(one(proc)["decision"])

    assert decide("June 2020") == (3, "unknown")
    assert decide("2020-06") == (1, "denied")
