"""Stopped reasons -> causes -> the checks that find them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netgraph.cli import main
from netgraph.explain import address_hint, denied_actions, explain

from .conftest import SAMPLES, sample_data

AUTH_TIMEOUT = (
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
    "retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 "
    "time(s): RequestError: send request failed caused by: Post "
    '"https://api.ecr.ap-northeast-1.amazonaws.com/": dial tcp 10.0.11.10:443: i/o timeout'
)


# Where the messages come from (each row cites its page):
KC_SECRETS = "https://repost.aws/knowledge-center/ecs-unable-to-pull-secrets"
KC_SECRETS_MANAGER = "https://repost.aws/knowledge-center/ecs-secrets-manager-issues"
KC_PULL = "https://repost.aws/knowledge-center/ecs-fargate-pull-container-error"
KC_TIMEOUT = "https://repost.aws/knowledge-center/ecs-fargate-docker-timeout-error"
GUIDE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
PULL_GUIDE = GUIDE + "task_cannot_pull_image.html"
STOP_CODES = GUIDE + "stopped-task-error-codes.html"
API_FAILURES = GUIDE + "api_failures_messages.html"
AGENT = "https://github.com/aws/amazon-ecs-agent (ecs-agent/errormessages/error_messages_test.go)"
ROLE_ARN = "arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/8f1c"
SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:web/db-Xy12Ab"
PULL_PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: "
RETRIEVAL = PULL_PREFIX + "execution resource retrieval failed: "

# (message, the cause it names first, that cause's checks, the page it comes from)
REAL_MESSAGES: list[tuple[str, str, tuple[str, ...], str]] = [
    (AUTH_TIMEOUT, "ECR_AUTH_NO_PATH", ("ecr.api",), KC_SECRETS),
    (
        RETRIEVAL + "unable to retrieve secret from asm: service call has been retried 5 "
        "time(s): failed to fetch secret " + SECRET_ARN,
        "SECRETS_MANAGER_NO_PATH",
        ("secretsmanager",),
        KC_SECRETS,
    ),
    (
        PULL_PREFIX + "pull command failed: : signal: killed",
        "PULL_KILLED",
        ("ecr.dkr", "s3"),
        KC_SECRETS,
    ),
    (
        RETRIEVAL + "unable to retrieve secret from asm: service call has been retried 1 "
        f"time(s): failed to fetch secret {SECRET_ARN} from secrets manager: InvalidParameter: "
        "1 validation error(s) found. - minimum field size of 32, GetSecretValueInput.VersionId.",
        "SECRET_REFERENCE",
        (),
        KC_SECRETS,
    ),
    (
        RETRIEVAL + "unable to retrieve secret from asm: service call has been retried 1 "
        f"time(s): failed to fetch secret {SECRET_ARN} from secrets manager: "
        "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
        "SECRET_REFERENCE",
        (),
        KC_SECRETS_MANAGER,
    ),
    (
        RETRIEVAL + "unable to retrieve secret from asm: service call has been retried 1 "
        f"time(s): failed to fetch secret {SECRET_ARN} from secrets manager: "
        f"AccessDeniedException: User: {ROLE_ARN} is not authorized to perform: "
        f"secretsmanager:GetSecretValue on resource: {SECRET_ARN} because no identity-based "
        "policy allows the secretsmanager:GetSecretValue action",
        "SECRET_DENIED",
        ("iam:execution-role",),
        KC_SECRETS_MANAGER,
    ),
    (
        RETRIEVAL + "unable to retrieve secret from asm: service call has been retried 1 "
        f"time(s): failed to fetch secret {SECRET_ARN} from secrets manager: "
        "AccessDeniedException: Access to KMS is not allowed",
        "SECRET_DENIED",
        ("iam:execution-role",),
        KC_SECRETS_MANAGER,
    ),
    (
        RETRIEVAL + "unable to retrieve secrets from ssm: service call has been retried 5 "
        "time(s): RequestCanceled: request context canceled caused by: context deadline "
        "exceeded",
        "SSM_NO_PATH",
        ("ssm",),
        KC_SECRETS,
    ),
    (
        RETRIEVAL + "unable to retrieve secrets from ssm: service call has been retried 1 "
        f"time(s): AccessDeniedException: User: {ROLE_ARN} is not authorized to perform: "
        "ssm:GetParameters on resource: arn:aws:ssm:ap-northeast-1:111122223333:parameter/db",
        "SECRET_DENIED",
        ("iam:execution-role",),
        KC_SECRETS,
    ),
    (
        RETRIEVAL + "unable to retrieve ecr registry auth: service call has been retried 3 "
        f"time(s): AccessDeniedException: User: {ROLE_ARN} is not authorized to perform: "
        "ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the "
        "ecr:GetAuthorizationToken action status code: 400",
        "ECR_AUTH_DENIED",
        ("iam:execution-role",),
        KC_SECRETS,
    ),
    (
        RETRIEVAL + "unable to get registry auth from asm: service call has been retried 1 "
        "time(s): asm fetching secret from the service for dockerhub-creds: RequestError: send "
        "request failed",
        "SECRETS_MANAGER_NO_PATH",
        ("secretsmanager",),
        KC_SECRETS,
    ),
    (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        "resolve ref docker.io/tryretool/backend:2.110.5: failed to do request: Head "
        '"https://registry-1.docker.io/v2/tryretool/backend/manifests/2.110.5": dial tcp '
        "34.205.13.154:443: i/o timeout",
        "ECR_DKR_NO_PATH",
        ("ecr.dkr", "internet"),
        KC_PULL,
    ),
    (
        "CannotPullContainerError: Error response from daemon: Get "
        "https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/: net/http: request canceled "
        "while waiting for connection (Client.Timeout exceeded while awaiting headers)",
        "ECR_DKR_NO_PATH",
        ("ecr.dkr", "internet"),
        PULL_GUIDE,
    ),
    (
        "CannotPullContainerError: Error response from daemon: pull access denied for "
        "123123123123.dkr.ecr.us-east-1.amazonaws.com/my_image, repository does not exist or "
        "may require 'docker login': denied: User: arn:aws:sts::123123123123:assumed-role/"
        "MyBrokenRole/xyz is not authorized to perform: ecr:BatchGetImage on resource: "
        "arn:aws:ecr:us-east-1:123123123123:repository/test_image because no identity-based "
        "policy allows the ecr:BatchGetImage action",
        "ECR_PULL_DENIED",
        ("iam:execution-role",),
        AGENT,
    ),
    (
        "CannotPullContainerError: Error response from daemon: pull access denied for "
        "some/nonsense, repository does not exist or may require 'docker login': denied: "
        "requested access to the resource is denied",
        "IMAGE_NOT_FOUND",
        (),
        AGENT,
    ),
    (
        "CannotPullContainerError: Error response from daemon: manifest for "
        "111122223333.dkr.ecr.us-east-1.amazonaws.com/web:latest not found: manifest unknown: "
        "Requested image not found",
        "IMAGE_NOT_FOUND",
        (),
        PULL_GUIDE,
    ),
    (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        "resolve ref 111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4.3: "
        "111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4.3: not found",
        "IMAGE_NOT_FOUND",
        (),
        PULL_GUIDE,
    ),
    (
        "CannotPullContainerError: Error response from daemon: Get "
        "https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/web/manifests/1: no basic "
        "auth credentials",
        "ECR_AUTH_MISSING",
        ("iam:execution-role",),
        PULL_GUIDE,
    ),
    (
        "TaskFailedToStart - CannotPullContainerError: pull image manifest has been retried 1 "
        "time(s): failed to resolve ref ghcr.io/my-org/my-image:latest: failed to authorize: "
        "failed to fetch anonymous token: unexpected status from GET request to "
        "https://ghcr.io/token?scope=repository%3Amy-org%2Fmy-image%3Apull&service=ghcr.io: "
        "401 Unauthorized",
        "REGISTRY_CREDENTIALS",
        (),
        "https://github.com/PrefectHQ/prefect/discussions/16964",
    ),
    (
        "CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: "
        "httpReadSeeker: failed open: unexpected status code "
        "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/x: 403 "
        "Forbidden",
        "LAYER_REFUSED",
        ("s3",),
        PULL_GUIDE,
    ),
    (
        "CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: "
        "httpReadSeeker: failed open: failed to do request: Get "
        '"https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/x": dial tcp '
        "52.216.1.2:443: i/o timeout",
        "S3_NO_PATH",
        ("s3",),
        PULL_GUIDE,
    ),
    (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        "resolve ref docker.io/library/nginx:latest: ... toomanyrequests: You have reached "
        "your pull rate limit.",
        "RATE_LIMITED",
        (),
        PULL_GUIDE,
    ),
    (
        "CannotPullContainerError: failed to extract layer: write /var/lib/containerd/x: no "
        "space left on device",
        "DISK_FULL",
        (),
        PULL_GUIDE,
    ),
    (
        "CannotPullContainerError: image Manifest does not contain descriptor matching "
        "platform 'linux/amd64'",
        "PLATFORM_MISMATCH",
        (),
        PULL_GUIDE,
    ),
    (
        "ResourceInitializationError: failed to validate logger args: : signal: killed",
        "LOGS_NO_PATH",
        ("logs",),
        "https://gist.github.com/bradleybeddoes/7b568d87d20c5e4ebfe31de9a8dc08c7",
    ),
    (
        "ResourceInitializationError: failed to validate logger args: create stream has been "
        "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: "
        "The specified log group does not exist. : exit status 1",
        "LOG_GROUP_MISSING",
        (),
        GUIDE + "resource-initialization-error.html",
    ),
    (
        "ResourceInitializationError: failed to validate logger args: create stream has been "
        "retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: "
        f"{ROLE_ARN} is not authorized to perform: logs:CreateLogStream on resource: "
        "arn:aws:logs:ap-northeast-1:111122223333:log-group:/ecs/web:log-stream:x : exit "
        "status 1",
        "LOGS_DENIED",
        ("iam:execution-role",),
        GUIDE + "resource-initialization-error.html",
    ),
    (
        "CannotStartContainerError: Error response from daemon: failed to initialize logging "
        "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The "
        "specified log group does not exist. status code: 400",
        "LOG_GROUP_MISSING",
        (),
        GUIDE + "cannot-start-container.html",
    ),
    (
        "ECS was unable to assume the role 'arn:aws:iam::111122223333:role/ecsTaskExecutionRole'"
        " that was provided for this task. Please verify that the role being passed has the "
        "proper trust relationship and permissions and that your IAM user has permissions to "
        "pass this role.",
        "ROLE_TRUST",
        ("iam:execution-role",),
        API_FAILURES,
    ),
    (
        "DockerTimeoutError: Could not transition to started; timed out after waiting 3m0s",
        "START_TIMEOUT",
        ("ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm"),
        KC_TIMEOUT,
    ),
    ("Essential container in task exited", "ESSENTIAL_EXITED", (), STOP_CODES),
    (
        "OutOfMemoryError: Container killed due to memory usage",
        "OUT_OF_MEMORY",
        (),
        STOP_CODES,
    ),
    (
        "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:"
        "ap-northeast-1:111122223333:targetgroup/web/0123456789abcdef)",
        "HEALTH_CHECK_FAILED",
        (),
        STOP_CODES,
    ),
    (
        "Timeout waiting for network interface provisioning to complete.",
        "ENI_PROVISIONING",
        (),
        STOP_CODES,
    ),
    ("Your Spot Task was interrupted.", "SPOT_INTERRUPTED", (), STOP_CODES),
    (
        "Scaling activity initiated by (deployment ecs-svc/1234567890123456789)",
        "SCALED_IN",
        (),
        STOP_CODES,
    ),
    ("TaskFailedToStart: RESOURCE:MEMORY", "TASK_FAILED_TO_START", (), API_FAILURES),
    (
        "CannotCreateContainerError: Error response from daemon: devmapper: Thin Pool has "
        "4350 free data blocks which is less than minimum required 4454 free data blocks.",
        "CANNOT_CREATE_CONTAINER",
        (),
        GUIDE + "cannot-create-container.html",
    ),
]


@pytest.mark.parametrize(
    "reason, code, targets",
    [pytest.param(m, c, t, id=f"{c}-{i}") for i, (m, c, t, _page) in enumerate(REAL_MESSAGES)],
)
def test_real_stopped_reasons(reason: str, code: str, targets: tuple[str, ...]) -> None:
    causes = explain(reason)
    assert causes and causes[0].code == code, [c.code for c in causes]
    assert causes[0].targets == targets
    assert causes[0].fix  # every cause says what to do


def test_every_row_cites_its_page() -> None:
    assert all(page.startswith("https://") for *_, page in REAL_MESSAGES)


@pytest.mark.parametrize(
    "reason", [m for m, _c, t, _p in REAL_MESSAGES if t == ("iam:execution-role",)]
)
def test_a_refused_call_is_never_a_missing_path(reason: str) -> None:
    """The user saw an AccessDenied mapped to "no network path": the call got there."""
    assert all(c.kind != "network" for c in explain(reason))


def test_the_refused_action_is_named() -> None:
    kms = (
        RETRIEVAL + "unable to retrieve secrets from ssm: service call has been retried 1 "
        f"time(s): AccessDeniedException: User: {ROLE_ARN} is not authorized to perform: "
        "kms:Decrypt on resource: arn:aws:kms:ap-northeast-1:111122223333:key/1234"
    )
    assert [c.code for c in explain(kms)] == ["SECRET_DENIED"]
    assert denied_actions(kms) == ("kms:Decrypt",)
    assert denied_actions(REAL_MESSAGES[6][0]) == ("kms:Decrypt",)  # Access to KMS ...
    assert denied_actions(AUTH_TIMEOUT) == ()


def test_the_address_in_the_message_says_where_it_broke() -> None:
    assert "private address" in (address_hint(AUTH_TIMEOUT) or "")
    assert "public address" in (address_hint("dial tcp 52.1.2.3:443: i/o timeout") or "")
    assert address_hint("no address here") is None


def test_explain_runs_the_checks_on_a_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "explain",
            AUTH_TIMEOUT,
            str(SAMPLES / "broken-endpoint-sg-no-443.json"),
            "--format",
            "json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    doc = json.loads(captured.out)
    # Every check of the service, the role's too; the one that explains it is marked.
    assert {c["target"] for c in doc["checks"]} >= {"ecr.api", "ecr.dkr", "iam:execution-role"}
    explains = [c for c in doc["checks"] if c["explains"]]
    assert {c["target"] for c in explains} == {"ecr.api"}
    assert explains[0]["blocked_at"]["id"] == "sg-0e0e0e0e0e0e0e0e2"
    assert doc["diagnosis"]["status"] == "explained"
    assert [c["code"] for c in doc["causes"]] == ["ECR_AUTH_NO_PATH"]
    assert "ECR_AUTH_NO_PATH" in captured.err


def _explain(
    capsys: pytest.CaptureFixture[str], reason: str, sample: str, *args: str
) -> tuple[int, str]:
    code = main(["explain", reason, str(SAMPLES / f"{sample}.json"), *args])
    return code, capsys.readouterr().out


def test_the_seed_on_the_broken_network_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _explain(capsys, AUTH_TIMEOUT, "broken-s3-only-endpoint")
    assert code == 1
    verdict = out[out.index("explain: ") :]
    assert "the snapshot shows the cause (ECR_AUTH_NO_PATH): ecr.api is blocked" in verdict
    assert "fix: create an interface endpoint com.amazonaws.ap-northeast-1.ecr.api" in verdict
    # What else is broken, named apart from the cause.
    assert "also broken: ecr.dkr is blocked" in verdict


def test_the_seed_on_the_fixed_network_names_the_role(capsys: pytest.CaptureFixture[str]) -> None:
    """The user's report: the network fixed, the role still broken, and explain said
    "2 reachable" and exit 0 without a word about the role."""
    code, out = _explain(capsys, AUTH_TIMEOUT, "broken-role-without-ecr")
    assert code == 1
    assert (
        "the snapshot no longer shows the cause: the network path is now open; the role "
        "still lacks ecr:GetAuthorizationToken" in out
    )
    assert "arn:aws:iam::111122223333:role/ecsTaskExecutionRole" in out
    assert (
        "fix: attach arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" in out
    )


def test_the_seed_on_a_healthy_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _explain(capsys, AUTH_TIMEOUT, "healthy-endpoints", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["diagnosis"]["status"] == "nothing-explains"
    assert doc["diagnosis"]["summary"].startswith(
        "nothing in this snapshot explains it: the snapshot may be newer than the failure"
    )
    assert not any(c["explains"] for c in doc["checks"])
    code, out = _explain(capsys, AUTH_TIMEOUT, "healthy-endpoints")
    assert code == 0 and "nothing in this snapshot explains it" in out


KMS_DENIED = (
    RETRIEVAL + "unable to retrieve secret from asm: service call has been retried 1 time(s): "
    f"failed to fetch secret {SECRET_ARN} from secrets manager: AccessDeniedException: User: "
    f"{ROLE_ARN} is not authorized to perform: kms:Decrypt on resource: "
    "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)


def test_access_denied_on_kms_is_the_permission_cause(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _explain(capsys, KMS_DENIED, "broken-kms-key-policy", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert [c["code"] for c in doc["causes"]] == ["SECRET_DENIED"]
    assert doc["causes"][0]["targets"] == ["iam:execution-role"]
    assert doc["denied_actions"] == ["kms:Decrypt"]
    assert doc["diagnosis"]["status"] == "explained"
    assert {c["target"] for c in doc["checks"] if c["explains"]} == {"iam:execution-role"}


def test_the_role_now_allows_the_action_named(capsys: pytest.CaptureFixture[str]) -> None:
    # secretsmanager:GetSecretValue is allowed in this snapshot; the ECR actions are not.
    code, out = _explain(capsys, REAL_MESSAGES[5][0], "broken-role-without-ecr")
    assert code == 1
    assert (
        "the snapshot no longer shows the cause: the role now allows "
        "secretsmanager:GetSecretValue; the role still lacks ecr:GetAuthorizationToken" in out
    )


def test_an_action_the_role_check_does_not_judge(capsys: pytest.CaptureFixture[str]) -> None:
    # The secret of this snapshot uses the AWS managed key: no check judges kms:Decrypt.
    code, out = _explain(capsys, KMS_DENIED, "healthy-endpoints")
    assert code == 3
    assert "the snapshot cannot tell: kms:Decrypt is not judged" in out
    assert (
        "check that the execution role arn:aws:iam::111122223333:role/ecsTaskExecutionRole" in out
    )


def test_a_cause_no_check_finds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _explain(capsys, REAL_MESSAGES[14][0], "healthy-endpoints")
    assert code == 0
    assert "no check of a snapshot finds IMAGE_NOT_FOUND" in out
    assert "fix: correct the image" in out


def test_json_without_a_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", KMS_DENIED, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["causes"][0]["code"] == "SECRET_DENIED"
    assert doc["diagnosis"] is None and doc["checks"] == []


def test_unknown_reason_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "something no page describes"]) == 3
    assert "no known pattern" in capsys.readouterr().out


def test_stopped_tasks_in_a_snapshot_are_read(tmp_path: Path) -> None:
    from netgraph.render.text import stopped_tasks
    from netgraph.sources.snapshot import snapshot_from_data

    data = sample_data("healthy-nat")
    data["tasks"] = [
        {
            "taskArn": "arn:aws:ecs:ap-northeast-1:111122223333:task/app/abc",
            "group": "service:web",
            "lastStatus": "STOPPED",
            "stoppedReason": AUTH_TIMEOUT,
        }
    ]
    text = stopped_tasks(snapshot_from_data(data))
    assert (
        "arn:aws:ecs:ap-northeast-1:111122223333:task/app/abc" in text and "checks: ecr.api" in text
    )
