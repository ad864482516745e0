"""Which targets a task needs, read from its task definition (check-output.md, Targets).

AWS: on Fargate platform 1.4.0+, the task ENI carries the ECR auth call (ecr.api), the
registry API (ecr.dkr), the layer download (S3), awslogs and secrets retrieval. Platform
1.3.0 and earlier fetched the auth token and secrets through a Fargate-owned ENI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netgraph.model import TaskDefinition

NETWORK_TARGETS = ("ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm", "kms", "internet")
IAM_TARGET = "iam:execution-role"
ALL_TARGETS = (*NETWORK_TARGETS, IAM_TARGET)
DEFAULT_TARGETS = ("ecr.api", "ecr.dkr", "s3", "logs")

_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
)


@dataclass(frozen=True)
class Need:
    target: str
    why: str


def ecr_image(image: str) -> tuple[str, str] | None:
    """(account, region) of a private ECR image URI, else None."""
    m = _ECR_IMAGE.match(image)
    return (m.group("account"), m.group("region")) if m else None


def needs(task_def: TaskDefinition, region: str, platform_version: str | None = None) -> list[Need]:
    """The targets a task of this definition must reach, each with the reason."""
    out: dict[str, Need] = {}
    legacy = platform_version is not None and platform_version.startswith("1.3")

    def add(target: str, why: str) -> None:
        out.setdefault(target, Need(target, why))

    for c in task_def.containers:
        ecr = ecr_image(c.image)
        if ecr is not None and ecr[1] == region:
            if not legacy:
                add("ecr.api", f"container {c.name} pulls {c.image} (ECR auth token)")
            add("ecr.dkr", f"container {c.name} pulls {c.image}")
            add("s3", f"container {c.name} pulls image layers from S3")
        else:
            where = (
                f"ECR in {ecr[1]}, not {region}: VPC endpoints serve only their own region"
                if ecr
                else "not a private ECR image of this region"
            )
            add("internet", f"container {c.name} pulls {c.image} ({where})")
        if c.log_driver == "awslogs":
            log_region = dict(c.log_options).get("awslogs-region", region)
            if log_region == region:
                add("logs", f"container {c.name} logs with awslogs")
            else:
                add("internet", f"container {c.name} logs to CloudWatch Logs in {log_region}")
        refs = list(c.secrets) + ([c.repository_credentials] if c.repository_credentials else [])
        for ref in refs:
            if legacy:
                continue
            if ref.startswith("arn:aws:secretsmanager:") or ref == c.repository_credentials:
                add("secretsmanager", f"container {c.name} reads secret {ref}")
            else:
                add("ssm", f"container {c.name} reads parameter {ref}")
    return [out[t] for t in NETWORK_TARGETS if t in out]
