"""ECS stopped reasons -> what they mean, and which checks find the cause.

The patterns are the messages ECS and the Fargate agent write into ``stoppedReason`` (AWS
Knowledge Center articles on "unable to pull secrets or registry auth" and
"CannotPullContainerError", and the ECS troubleshooting guide).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from netgraph.evaluate.addresses import is_public


@dataclass(frozen=True)
class Cause:
    code: str
    pattern: re.Pattern[str]
    meaning: str
    targets: tuple[str, ...]  # the checks that find the cause; () when no check can


def _p(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE | re.DOTALL)


_TIMEOUT = (
    r"(i/o timeout|context deadline exceeded|retried \d+ time|connection issue|"
    r"request ?canceled|send request failed|exceeded maximum number of attempts)"
)

CAUSES: tuple[Cause, ...] = (
    Cause(
        "ECR_AUTH_DENIED",
        _p(r"(AccessDenied|not authorized to perform).{0,200}ecr:GetAuthorizationToken"),
        "the execution role may not call ecr:GetAuthorizationToken",
        ("iam:execution-role",),
    ),
    Cause(
        "ECR_PULL_DENIED",
        _p(
            r"(pull access denied|not authorized to perform: ecr:(BatchGetImage|"
            r"GetDownloadUrlForLayer))"
        ),
        "the execution role or the repository policy does not allow the pull",
        ("iam:execution-role",),
    ),
    Cause(
        "SECRET_DENIED",
        _p(
            r"(AccessDenied|not authorized).{0,200}(ssm:GetParameters|"
            r"secretsmanager:GetSecretValue|kms:Decrypt)"
        ),
        "the execution role may not read a secret or parameter (or decrypt it)",
        ("iam:execution-role",),
    ),
    Cause(
        "ECR_AUTH_NO_PATH",
        _p(
            r"(unable to retrieve ecr registry auth|cannot pull registry auth from Amazon ECR|"
            r"api\.ecr\.[a-z0-9-]+\.amazonaws\.com).{0,400}" + _TIMEOUT
        ),
        "no network path to ecr.api (route, NAT or endpoint, security group, NACL or DNS)",
        ("ecr.api",),
    ),
    Cause(
        "SECRETS_MANAGER_NO_PATH",
        _p(r"(unable to retrieve secret from asm|AWS Secrets Manager).{0,400}" + _TIMEOUT),
        "no network path to Secrets Manager",
        ("secretsmanager",),
    ),
    Cause(
        "SSM_NO_PATH",
        _p(r"(unable to retrieve secrets? from ssm|Systems Manager).{0,400}" + _TIMEOUT),
        "no network path to SSM Parameter Store",
        ("ssm",),
    ),
    Cause(
        "SECRET_REFERENCE",
        _p(r"(ResourceNotFoundException|InvalidParameter.{0,80}VersionId)"),
        "the task definition names a secret that does not exist, or names it wrongly",
        (),
    ),
    Cause(
        "LAYER_REFUSED",
        _p(r"httpReaderSeeker: failed open: unexpected status code"),
        "a layer download from S3 was refused (often the S3 gateway endpoint policy)",
        ("s3",),
    ),
    Cause(
        "S3_NO_PATH",
        _p(r"starport-layer-bucket.{0,400}" + _TIMEOUT),
        "no network path to the S3 layer bucket",
        ("s3",),
    ),
    Cause(
        "PULL_KILLED",
        _p(r"pull command failed: : signal: killed"),
        "the pull did not finish in time: the path to ecr.dkr or S3 (or a very large image)",
        ("ecr.dkr", "s3"),
    ),
    Cause(
        "ECR_DKR_NO_PATH",
        _p(
            r"CannotPullContainerError.{0,400}(" + _TIMEOUT[1:-1] + r"|context canceled|"
            r"waiting for connection)"
        ),
        "no network path to the registry (ecr.dkr), or to the internet for other registries",
        ("ecr.dkr", "internet"),
    ),
    Cause(
        "DNS_FAILURE",
        _p(r"no such host"),
        "a name did not resolve: custom DNS without forwarding, or enableDnsSupport off",
        ("ecr.api", "ecr.dkr", "logs"),
    ),
    Cause(
        "LOG_GROUP_MISSING",
        _p(r"log group does not exist"),
        "the awslogs log group does not exist (create it, or set awslogs-create-group with "
        "logs:CreateLogGroup)",
        (),
    ),
    Cause(
        "LOGS_NO_PATH",
        _p(
            r"(failed to (initialize|validate) logger|CloudWatch Logs|logs\.[a-z0-9-]+\."
            r"amazonaws\.com).{0,400}" + _TIMEOUT
        ),
        "no network path to CloudWatch Logs",
        ("logs",),
    ),
    Cause(
        "IMAGE_NOT_FOUND",
        _p(r"(manifest unknown|repository .{0,120} not found|: not found)"),
        "the image URI or tag is wrong, or the image was deleted",
        (),
    ),
    Cause(
        "PLATFORM_MISMATCH",
        _p(r"(no matching manifest|does not contain descriptor matching platform)"),
        "the image has no build for the task's CPU architecture",
        (),
    ),
    Cause(
        "RATE_LIMITED",
        _p(r"(toomanyrequests|pull rate limit)"),
        "Docker Hub's pull rate limit: use ECR (a pull-through cache) or authenticate",
        (),
    ),
)


def explain(reason: str) -> list[Cause]:
    """Every known cause whose pattern the stopped reason matches, most specific first."""
    return [c for c in CAUSES if c.pattern.search(reason)]


def address_hint(reason: str) -> str | None:
    """`dial tcp IP:443`: a private address means DNS worked and packets were dropped."""
    m = re.search(r"dial tcp (\d+\.\d+\.\d+\.\d+):443", reason)
    if m is None:
        return None
    ip = m.group(1)
    try:
        private = not is_public(ipaddress.ip_address(ip))
    except ValueError:
        return None
    if private:
        return (
            f"{ip} is a private address: the name resolved to a VPC endpoint, and packets "
            "were dropped between the task and the endpoint (security groups or NACLs)"
        )
    return (
        f"{ip} is a public address: the name resolved to the public service, so there is "
        "no endpoint with private DNS in effect, and no working NAT or internet path"
    )
