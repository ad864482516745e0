"""Which targets a task needs, read from its task definition (check-output.md, Targets).

AWS: on Fargate platform 1.4.0+, the task ENI carries the ECR auth call (ecr.api), the
registry API (ecr.dkr), the layer download (S3), awslogs and secrets retrieval. Platform
1.3.0 and earlier fetched the auth token and secrets through a Fargate-owned ENI.
"""

from __future__ import annotations

from dataclasses import dataclass

from netgraph.arns import ecr_image, repository_arn
from netgraph.model import TaskDefinition

NETWORK_TARGETS = ("ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm", "kms", "internet")
IAM_TARGET = "iam:execution-role"
ALL_TARGETS = (*NETWORK_TARGETS, IAM_TARGET)
DEFAULT_TARGETS = ("ecr.api", "ecr.dkr", "s3", "logs")


@dataclass(frozen=True)
class Need:
    target: str
    why: str


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


# ---- the API calls behind each target --------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    """One request the Fargate agent makes for a task, and the target it travels to."""

    target: str
    action: str
    resource: str | None  # None: not known (no task definition)
    why: str
    by_role: bool = True  # made with the execution role's credentials (else: a presigned URL)
    required: bool = True  # False: AWS lists it, but pulls work without it

    def describe(self) -> str:
        return f"{self.action} on {self.resource or 'its resource'}"


def layer_bucket(region: str) -> str:
    return f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*"


def _secret_arn(ref: str) -> str:
    # arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf[:json-key:stage:version]
    return ":".join(ref.split(":")[:7])


def _parameter_arn(ref: str, region: str, account: str | None) -> str | None:
    if ref.startswith("arn:"):
        return ref
    if account is None:
        return None
    return f"arn:aws:ssm:{region}:{account}:parameter/{ref.lstrip('/')}"


def api_calls(task_def: TaskDefinition, region: str, account: str | None) -> list[ApiCall]:
    """What the agent asks AWS for, in the order it does: auth, image, logs, secrets."""
    calls: dict[tuple[str, str | None], ApiCall] = {}

    def add(call: ApiCall) -> None:
        calls.setdefault((call.action, call.resource), call)

    for c in task_def.containers:
        repo = repository_arn(c.image)
        ecr = ecr_image(c.image)
        if repo is not None and ecr is not None:
            here = ecr[1] == region
            why = f"container {c.name} pulls {c.image}"
            add(ApiCall("ecr.api" if here else "internet", "ecr:GetAuthorizationToken", "*", why))
            dkr = "ecr.dkr" if here else "internet"
            add(ApiCall(dkr, "ecr:BatchGetImage", repo, why))
            add(ApiCall(dkr, "ecr:GetDownloadUrlForLayer", repo, why))
            add(ApiCall(dkr, "ecr:BatchCheckLayerAvailability", repo, why, required=False))
            add(
                ApiCall(
                    "s3" if here else "internet",
                    "s3:GetObject",
                    layer_bucket(ecr[1]),
                    f"container {c.name} downloads image layers",
                    by_role=False,
                )
            )
        options = dict(c.log_options)
        group = options.get("awslogs-group")
        if c.log_driver == "awslogs":
            log_region = options.get("awslogs-region", region)
            target = "logs" if log_region == region else "internet"
            prefix = options.get("awslogs-stream-prefix", "")
            stream = f"{prefix}/{c.name}/TASK_ID" if prefix else "TASK_ID"
            base = (
                f"arn:aws:logs:{log_region}:{account}:log-group:{group}"
                if group and account
                else None
            )
            why = f"container {c.name} logs to {group or 'its log group'}"
            if options.get("awslogs-create-group", "").lower() == "true":
                add(ApiCall(target, "logs:CreateLogGroup", f"{base}:*" if base else None, why))
            for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
                add(ApiCall(target, action, f"{base}:log-stream:{stream}" if base else None, why))
        refs = [(s, False) for s in c.secrets]
        if c.repository_credentials:
            refs.append((c.repository_credentials, True))
        for ref, is_creds in refs:
            why = (
                f"container {c.name} logs in to its registry with {ref}"
                if is_creds
                else f"container {c.name} reads {ref}"
            )
            if ref.startswith("arn:aws:secretsmanager:") or is_creds:
                add(
                    ApiCall(
                        "secretsmanager", "secretsmanager:GetSecretValue", _secret_arn(ref), why
                    )
                )
            else:
                add(ApiCall("ssm", "ssm:GetParameters", _parameter_arn(ref, region, account), why))
    return list(calls.values())


def default_calls(target: str, region: str) -> list[ApiCall]:
    """Without a task definition: the calls behind a target, resources unknown."""
    table = {
        "ecr.api": [ApiCall("ecr.api", "ecr:GetAuthorizationToken", "*", "an ECR pull")],
        "ecr.dkr": [
            ApiCall("ecr.dkr", a, None, "an ECR pull")
            for a in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
        ],
        "s3": [
            ApiCall("s3", "s3:GetObject", layer_bucket(region), "ECR image layers", by_role=False)
        ],
        "logs": [
            ApiCall("logs", a, None, "awslogs")
            for a in ("logs:CreateLogStream", "logs:PutLogEvents")
        ],
        "secretsmanager": [
            ApiCall("secretsmanager", "secretsmanager:GetSecretValue", None, "secrets")
        ],
        "ssm": [ApiCall("ssm", "ssm:GetParameters", None, "parameters")],
    }
    return table.get(target, [])
