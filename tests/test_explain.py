"""Stopped reasons -> causes -> the checks that find them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netgraph.cli import main
from netgraph.explain import address_hint, explain

from .conftest import SAMPLES, sample_data

AUTH_TIMEOUT = (
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
    "retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 "
    "time(s): RequestError: send request failed caused by: Post "
    '"https://api.ecr.ap-northeast-1.amazonaws.com/": dial tcp 10.0.11.10:443: i/o timeout'
)


@pytest.mark.parametrize(
    "reason, code, targets",
    [
        (AUTH_TIMEOUT, "ECR_AUTH_NO_PATH", ("ecr.api",)),
        (
            "ResourceInitializationError: unable to pull secrets or registry auth: execution "
            "resource retrieval failed: unable to retrieve secret from asm: service call has "
            "been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:r:1:secret:x",
            "SECRETS_MANAGER_NO_PATH",
            ("secretsmanager",),
        ),
        (
            "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
            "resolve ref 1.dkr.ecr.r.amazonaws.com/web:1: failed to do request: Head "
            '"https://1.dkr.ecr.r.amazonaws.com/v2/web/manifests/1": '
            "dial tcp 3.1.2.3:443: i/o timeout",
            "ECR_DKR_NO_PATH",
            ("ecr.dkr", "internet"),
        ),
        (
            "AccessDeniedException: User: arn:aws:sts::1:assumed-role/exec/x is not authorized to "
            "perform: ecr:GetAuthorizationToken on resource: *",
            "ECR_AUTH_DENIED",
            ("iam:execution-role",),
        ),
        (
            "CannotPullContainerError: failed to copy: httpReaderSeeker: failed open: unexpected "
            "status code https://prod-r-starport-layer-bucket.s3.r.amazonaws.com/x: 403 Forbidden",
            "LAYER_REFUSED",
            ("s3",),
        ),
        (
            "CannotPullContainerError: toomanyrequests: You have reached your pull rate limit",
            "RATE_LIMITED",
            (),
        ),
    ],
)
def test_known_stopped_reasons(reason: str, code: str, targets: tuple[str, ...]) -> None:
    causes = explain(reason)
    assert causes and causes[0].code == code
    assert causes[0].targets == targets


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
    assert {c["target"] for c in doc["checks"]} == {"ecr.api"}
    assert doc["checks"][0]["blocked_at"]["id"] == "sg-0e0e0e0e0e0e0e0e2"
    assert "ECR_AUTH_NO_PATH" in captured.err


def test_unknown_reason_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "Essential container in task exited"]) == 3
    assert "no known pattern" in capsys.readouterr().out


def test_stopped_tasks_in_a_snapshot_are_read(tmp_path: Path) -> None:
    from netgraph.render.text import stopped_tasks
    from netgraph.sources.snapshot import snapshot_from_data

    data = sample_data("healthy-nat")
    data["tasks"] = [
        {
            "taskArn": "arn:aws:ecs:r:1:task/app/abc",
            "group": "service:web",
            "lastStatus": "STOPPED",
            "stoppedReason": AUTH_TIMEOUT,
        }
    ]
    text = stopped_tasks(snapshot_from_data(data))
    assert "arn:aws:ecs:r:1:task/app/abc" in text and "checks: ecr.api" in text
