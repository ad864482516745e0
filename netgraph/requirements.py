"""Which targets a task needs, read from its task definition (check-output.md, Targets).

AWS: on Fargate platform 1.4.0+, the task ENI carries the ECR auth call (ecr.api), the
registry API (ecr.dkr), the layer download (S3), awslogs and secrets retrieval. Platform
1.3.0 and earlier fetched the auth token and secrets through a Fargate-owned ENI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from netgraph.arns import ecr_image, repository_arn
from netgraph.kms_refs import alias_of, aws_managed_alias, key_id_of, parameter_name
from netgraph.model import SecretKeyRef, Snapshot, TaskDefinition

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
    # kms:Decrypt of a secret's key: the service that calls KMS with the role's credentials
    # (kms:ViaService), and why the key is unknown when it is (then the call is unknown).
    via: str | None = None
    unknown: str | None = None

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


# ---- the KMS key behind each secret ------------------------------------------------------
# AWS: Secrets Manager decrypts a secret with its KMS key when GetSecretValue is called, with
# the caller's permissions (https://docs.aws.amazon.com/secretsmanager/latest/userguide/
# security-encryption.html#security-encryption-authz); so does Parameter Store for a
# SecureString (https://docs.aws.amazon.com/systems-manager/latest/userguide/
# ps-restrict-decryption.html). ECS: kms:Decrypt is "required only if your secret uses a
# customer managed key" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/
# secrets-envvar-secrets-manager.html). The AWS managed keys (aws/secretsmanager, aws/ssm)
# let every principal of the account use them through their service: no call to judge.

_SECRET_SOURCES = {
    "secretsmanager:getsecretvalue": ("secretsmanager", "SecretDescriptions", "KmsKeyId"),
    "ssm:getparameters": ("ssm", "ParameterDescriptions", "KeyId"),
}


def _described(
    index: Mapping[str, SecretKeyRef], resource: str, service: str
) -> SecretKeyRef | None:
    if service == "ssm":
        return index.get(parameter_name(resource))
    found = index.get(resource)
    if found is None:
        # A partial ARN (without the six characters AWS appends) names the same secret.
        found = next(
            (
                v
                for k, v in index.items()
                if k.startswith(f"{resource}-") and len(k) == len(resource) + 7
            ),
            None,
        )
    return found


def key_calls(snapshot: Snapshot, calls: Sequence[ApiCall]) -> list[ApiCall]:
    """The kms:Decrypt each secret and parameter read needs, on its customer managed key
    (an unknown call, with the reason, where the snapshot does not say which key)."""
    out: dict[tuple[str, str | None, str | None], ApiCall] = {}
    for call in calls:
        found = _key_call(snapshot, call)
        if found is not None:
            out.setdefault((found.action, found.resource, found.unknown), found)
    return list(out.values())


def _key_call(snapshot: Snapshot, call: ApiCall) -> ApiCall | None:
    source = _SECRET_SOURCES.get(call.action.lower())
    if source is None:
        return None
    service, key_name, field = source
    secret = call.resource or "its secret"
    index = snapshot.secret_keys if service == "secretsmanager" else snapshot.parameter_keys
    via = f"{service}.{snapshot.region}.amazonaws.com"
    why = f"{call.why}, which {service} decrypts with its KMS key"

    def unknown(reason: str) -> ApiCall:
        return ApiCall(call.target, "kms:Decrypt", None, why, via=via, unknown=reason)

    if index is None:
        return unknown(f"the KMS key of {secret} is unknown: {snapshot.missing_reason(key_name)}")
    if call.resource is None:
        return unknown(f"the KMS key of {call.describe()} is unknown: its ARN is not known")
    ref = _described(index, call.resource, service)
    if ref is None:
        return unknown(
            f"{secret} is not in {key_name} (the snapshot may describe only some): its KMS "
            "key is unknown"
        )
    if not ref.encrypted:
        return None  # a String parameter: no key
    if ref.key is None:
        if service == "secretsmanager":
            return None  # AWS leaves KmsKeyId out for aws/secretsmanager
        return unknown(f"{key_name} gives no {field} for the SecureString {ref.arn}")
    if aws_managed_alias(ref.key):
        return None
    key_id = key_id_of(ref.key)
    if key_id is None:
        return unknown(
            f"{secret} names its KMS key by the alias {alias_of(ref.key)}, which netgraph "
            f"does not resolve: give its key ARN in {key_name}, or check the key by hand"
        )
    if snapshot.kms_keys is None:
        return unknown(
            f"{secret} is encrypted with {ref.key}; {snapshot.missing_reason('KmsKeys')}, so "
            "whether it is an AWS managed key is unknown"
        )
    key = snapshot.kms_keys.get(ref.key) or snapshot.kms_keys.get(key_id)
    if key is None:
        return unknown(
            f"{secret} is encrypted with {ref.key}, which is not in KmsKeys (aws kms describe-key)"
        )
    if key.key_manager == "AWS":
        return None
    if key.key_manager != "CUSTOMER":
        return unknown(f"KmsKeys gives no KeyManager for {key.arn}: who manages it is unknown")
    return ApiCall(call.target, "kms:Decrypt", key.arn, why, via=via)


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
