"""ECS stopped reasons -> what they mean, and which checks find the cause; with the checks of
a snapshot, whether it still shows that cause (``diagnose``).

The patterns are the messages ECS, the ECS agent and the Fargate agent write into a task's
``stoppedReason``. Where they come from (tests/test_explain.py cites each message):

- the Knowledge Center articles "unable to pull secrets or registry auth"
  (https://repost.aws/knowledge-center/ecs-unable-to-pull-secrets), "CannotPullContainerError
  on Fargate" (https://repost.aws/knowledge-center/ecs-fargate-pull-container-error), "Secrets
  Manager secrets in ECS" (https://repost.aws/knowledge-center/ecs-secrets-manager-issues),
  "DockerTimeoutError" (https://repost.aws/knowledge-center/ecs-fargate-docker-timeout-error);
- the ECS Developer Guide: "CannotPullContainer task errors"
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html),
  "CannotStartContainerError" (.../cannot-start-container.html), "Stopped tasks error codes"
  (.../stopped-task-error-codes.html), "API failure reasons" (.../api_failures_messages.html);
- the ECS agent's own message parser (aws/amazon-ecs-agent, ecs-agent/errormessages).

A reason that says the call was refused (``AccessDenied``, ``is not authorized to perform``,
``Access to KMS is not allowed``) is a permission cause, checked by ``iam:execution-role``,
never a missing network path: the call reached the service.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from netgraph.evaluate.addresses import is_public

if TYPE_CHECKING:
    from netgraph.reach import Trace

ROLE = "iam:execution-role"
Kind = Literal["network", "permission", "other"]
NETWORK: Kind = "network"
PERMISSION: Kind = "permission"


@dataclass(frozen=True)
class Cause:
    code: str
    pattern: re.Pattern[str]
    meaning: str
    targets: tuple[str, ...]  # the checks that find the cause; () when no check can
    fix: str = ""
    kind: Kind = "other"
    # Generic (``TaskFailedToStart``, a timeout anywhere in a pull): dropped when a specific
    # cause matches too.
    fallback: bool = False
    # Dropped when one of these matches too.
    unless: tuple[str, ...] = field(default=())


def _p(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE | re.DOTALL)


_TIMEOUT = (
    r"(i/o timeout|context deadline exceeded|retried \d+ time|connection issue|"
    r"request ?canceled|send request failed|exceeded maximum number of attempts|"
    r"waiting for connection|Client\.Timeout)"
)
# The call was refused by the service: it was reached.
_DENIED = r"(AccessDenied|not authorized to perform|Access to KMS is not allowed)"
_ACTION = re.compile(r"\b([a-z][a-z0-9-]*:[A-Z][A-Za-z0-9]*)\b")
_NETWORK_FIX = (
    "give the task's subnets a path: an interface endpoint with private DNS (and a security "
    "group allowing 443 from the task), or a route to a NAT gateway; see the check's fix"
)
_ROLE_FIX = (
    "grant the action to the task definition's executionRoleArn (the managed policy "
    "AmazonECSTaskExecutionRolePolicy for ECR and logs; secretsmanager:GetSecretValue, "
    "ssm:GetParameters and kms:Decrypt on the secrets and their key); see the check's fix"
)


def _cause(
    code: str,
    pattern: str,
    meaning: str,
    targets: tuple[str, ...],
    fix: str,
    kind: Kind = "other",
    *,
    fallback: bool = False,
    unless: tuple[str, ...] = (),
) -> Cause:
    return Cause(code, _p(pattern), meaning, targets, fix, kind, fallback, unless)


_ECR_DKR = ("ecr.dkr", "internet")
_EVERY_PULL = ("ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm")

CAUSES: tuple[Cause, ...] = (
    # Refused calls: the service was reached, the execution role (or a policy on the
    # resource) said no.
    _cause(
        "ROLE_TRUST",
        r"unable to assume the role",
        "ECS could not assume the execution role: its trust policy does not let "
        "ecs-tasks.amazonaws.com call sts:AssumeRole (or the role does not exist)",
        (ROLE,),
        "let ecs-tasks.amazonaws.com assume the role in its trust policy, and check that "
        "executionRoleArn names an existing role",
        PERMISSION,
    ),
    _cause(
        "ECR_AUTH_DENIED",
        _DENIED + r".{0,300}ecr:GetAuthorizationToken",
        "the execution role may not call ecr:GetAuthorizationToken",
        (ROLE,),
        _ROLE_FIX,
        PERMISSION,
    ),
    _cause(
        "ECR_PULL_DENIED",
        _DENIED + r".{0,300}ecr:(BatchGetImage|GetDownloadUrlForLayer)",
        "the execution role, or the repository's policy, does not allow the pull",
        (ROLE,),
        _ROLE_FIX + "; a repository in another account must also allow it in its policy",
        PERMISSION,
    ),
    _cause(
        "SECRET_DENIED",
        _DENIED + r".{0,300}(ssm:GetParameters?|secretsmanager:GetSecretValue|kms:Decrypt)|"
        r"Access to KMS is not allowed",
        "the execution role may not read a secret or parameter, or decrypt it with its KMS key",
        (ROLE,),
        _ROLE_FIX + "; a customer managed key's policy must allow the role kms:Decrypt",
        PERMISSION,
    ),
    _cause(
        "LOGS_DENIED",
        _DENIED + r".{0,300}logs:(CreateLogStream|PutLogEvents|CreateLogGroup)",
        "the execution role may not write to CloudWatch Logs (or create the log group)",
        (ROLE,),
        _ROLE_FIX,
        PERMISSION,
    ),
    _cause(
        "PERMISSION_DENIED",
        _DENIED,
        "a call the task needed was refused: the execution role lacks the action named",
        (ROLE,),
        _ROLE_FIX,
        PERMISSION,
        fallback=True,
    ),
    # No answer: the packets did not get there (or back).
    _cause(
        "ECR_AUTH_NO_PATH",
        r"(unable to retrieve ecr registry auth|cannot pull registry auth from Amazon ECR|"
        r"api\.ecr\.[a-z0-9-]+\.amazonaws\.com).{0,400}" + _TIMEOUT,
        "no network path to ecr.api (route, NAT or endpoint, security group, NACL or DNS)",
        ("ecr.api",),
        _NETWORK_FIX,
        NETWORK,
    ),
    _cause(
        "SECRETS_MANAGER_NO_PATH",
        r"(unable to retrieve secret from asm|unable to get registry auth from asm|"
        r"AWS Secrets Manager).{0,400}" + _TIMEOUT,
        "no network path to Secrets Manager",
        ("secretsmanager",),
        _NETWORK_FIX,
        NETWORK,
        unless=("SECRET_REFERENCE",),
    ),
    _cause(
        "SSM_NO_PATH",
        r"(unable to retrieve secrets? from ssm|Systems Manager).{0,400}" + _TIMEOUT,
        "no network path to SSM Parameter Store",
        ("ssm",),
        _NETWORK_FIX,
        NETWORK,
        unless=("SECRET_REFERENCE",),
    ),
    _cause(
        "LAYER_REFUSED",
        r"httpRead(er)?Seeker: failed open: unexpected status code",
        "a layer download from S3 was refused (often the S3 gateway endpoint policy)",
        ("s3",),
        "let the S3 gateway endpoint's policy allow s3:GetObject on "
        "arn:aws:s3:::prod-REGION-starport-layer-bucket/*",
        NETWORK,
    ),
    _cause(
        "S3_NO_PATH",
        r"starport-layer-bucket.{0,400}" + _TIMEOUT,
        "no network path to the S3 layer bucket",
        ("s3",),
        "add the S3 gateway endpoint to the route tables of the task's subnets, or route them "
        "to a NAT gateway",
        NETWORK,
    ),
    _cause(
        "PULL_KILLED",
        r"pull command failed: : signal: killed",
        "the pull did not finish in time: the path to ecr.dkr or S3 (or a very large image)",
        ("ecr.dkr", "s3"),
        _NETWORK_FIX,
        NETWORK,
    ),
    _cause(
        "DNS_FAILURE",
        r"no such host",
        "a name did not resolve: custom DNS without forwarding, or enableDnsSupport off",
        ("ecr.api", "ecr.dkr", "logs"),
        "turn on enableDnsSupport (and enableDnsHostnames for private DNS), or forward "
        "amazonaws.com from the custom DNS servers to the Route 53 Resolver",
        NETWORK,
    ),
    _cause(
        "LOGS_NO_PATH",
        r"(failed to (initialize|validate) logger|CloudWatch Logs|logs\.[a-z0-9-]+\."
        r"amazonaws\.com).{0,400}(" + _TIMEOUT[1:-1] + r"|signal: killed)",
        "no network path to CloudWatch Logs",
        ("logs",),
        _NETWORK_FIX,
        NETWORK,
        unless=("LOG_GROUP_MISSING",),
    ),
    _cause(
        "START_TIMEOUT",
        r"(DockerTimeoutError|Could not transition to started|unable to transition start)",
        "the task did not start within the start timeout: usually an image, secret or log "
        "call that never got an answer",
        _EVERY_PULL,
        _NETWORK_FIX,
        NETWORK,
    ),
    _cause(
        "ECR_DKR_NO_PATH",
        r"CannotPullContainerError.{0,600}(" + _TIMEOUT[1:-1] + r"|context canceled)",
        "no network path to the registry (ecr.dkr), or to the internet for other registries",
        _ECR_DKR,
        _NETWORK_FIX,
        NETWORK,
        fallback=True,
    ),
    # What no check of the network or the role can find.
    _cause(
        "LOG_GROUP_MISSING",
        r"log group does not exist",
        "the awslogs log group does not exist",
        (),
        "create the log group named by awslogs-group, or set awslogs-create-group to true "
        "and allow the execution role logs:CreateLogGroup",
    ),
    _cause(
        "SECRET_REFERENCE",
        r"(ResourceNotFoundException|ParameterNotFound|invalid parameters|"
        r"InvalidParameter.{0,80}VersionId)",
        "the task definition names a secret or parameter that does not exist, or names it "
        "wrongly (a partial ARN, a version id)",
        (),
        "put the secret's full ARN (or the parameter's name or ARN) in the container's "
        "secrets valueFrom, in the task's Region",
        unless=("LOG_GROUP_MISSING",),
    ),
    _cause(
        "ECR_AUTH_MISSING",
        r"no basic auth credentials",
        "the pull from ECR carried no credentials: the execution (or instance) role got no "
        "ECR token (ecr:GetAuthorizationToken)",
        (ROLE,),
        _ROLE_FIX,
        PERMISSION,
    ),
    _cause(
        "REGISTRY_CREDENTIALS",
        r"(failed to authorize|401 Unauthorized|authentication required|"
        r"incorrect username or password)",
        "a private registry outside ECR refused the pull: no or wrong credentials",
        (),
        "set repositoryCredentials.credentialsParameter to a Secrets Manager secret with the "
        "registry's username and password, readable by the execution role",
    ),
    _cause(
        "IMAGE_NOT_FOUND",
        r"(manifest unknown|manifest for .{0,200} not found|repository .{0,200} not found|"
        r"requested access to the resource is denied|failed to resolve ref.{0,300}: not found)",
        "the image URI or tag is wrong, or the image was deleted",
        (),
        "correct the image (repository, tag or digest) in the task definition, or push it",
        unless=("ECR_PULL_DENIED",),
    ),
    _cause(
        "PLATFORM_MISMATCH",
        r"(no matching manifest|does not contain descriptor matching platform|"
        r"exec format error)",
        "the image has no build for the task's CPU architecture or operating system",
        (),
        "build the image for the task definition's runtimePlatform (linux/amd64 or "
        "linux/arm64), or change runtimePlatform",
    ),
    _cause(
        "RATE_LIMITED",
        r"(toomanyrequests|pull rate limit)",
        "Docker Hub's pull rate limit",
        (),
        "pull through ECR (a pull-through cache rule) or authenticate with repositoryCredentials",
    ),
    _cause(
        "DISK_FULL",
        r"no space left on device",
        "the image and its layers do not fit in the task's storage",
        (),
        "raise ephemeralStorage in the task definition (Fargate) or the instance's volume, "
        "or make the image smaller",
    ),
    _cause(
        "OUT_OF_MEMORY",
        r"(OutOfMemoryError|killed due to memory usage)",
        "a container used more memory than its limit and was killed",
        (),
        "raise the container's memory (or the task's), or find what grows in the application",
    ),
    _cause(
        "ESSENTIAL_EXITED",
        r"Essential container in task exited",
        "the application itself exited: the network and the role got it started",
        (),
        "read the container's exitCode and its logs (awslogs) for why it stopped",
    ),
    _cause(
        "HEALTH_CHECK_FAILED",
        r"failed (ELB|container) health checks",
        "the task started but failed its health checks (load balancer or container)",
        (),
        "check the target group's health check path and port, the security group from the "
        "load balancer to the task, and healthCheckGracePeriodSeconds",
    ),
    _cause(
        "ENI_PROVISIONING",
        r"(Timeout waiting for network interface provisioning|"
        r"ENI provisioning|network interface.{0,80}(limit|quota))",
        "the task's network interface could not be created in time",
        (),
        "check the free IP addresses of the task's subnets and the account's ENI quota",
    ),
    _cause(
        "SPOT_INTERRUPTED",
        r"(Spot Task was interrupted|SpotInterruption)",
        "Fargate Spot took the capacity back",
        (),
        "nothing to fix in the task: run a share on FARGATE in the capacity provider strategy",
    ),
    _cause(
        "SCALED_IN",
        r"(Scaling activity initiated by|Task stopped by user|"
        r"ECS is performing maintenance|deployment ecs-svc)",
        "ECS stopped the task on purpose (a deployment, scale-in, maintenance or a user)",
        (),
        "nothing to fix: read the service's events for the deployment or scaling activity",
    ),
    _cause(
        "CANNOT_CREATE_CONTAINER",
        r"CannotCreateContainerError",
        "the container runtime could not create the container",
        (),
        "read the rest of the message: the task definition (mounts, ulimits, devices) or the "
        "host's storage",
        fallback=True,
    ),
    _cause(
        "CANNOT_START_CONTAINER",
        r"CannotStartContainerError",
        "the container was created but could not start",
        (),
        "read the rest of the message: the entryPoint/command, memory, or the log driver",
        fallback=True,
    ),
    _cause(
        "TASK_FAILED_TO_START",
        r"TaskFailedToStart",
        "the task did not start; the rest of the message says why",
        (),
        "read the rest of the message (RESOURCE:CPU or MEMORY: capacity; AGENT: the "
        "container instance's agent is disconnected)",
        fallback=True,
    ),
)


def explain(reason: str) -> list[Cause]:
    """Every known cause the stopped reason names, most specific first: a refused call is a
    permission cause and never a missing path; a generic one (``fallback``) only when no
    specific one matches."""
    matched = [c for c in CAUSES if c.pattern.search(reason)]
    if any(c.kind == PERMISSION for c in matched):
        matched = [c for c in matched if c.kind != NETWORK]
    if any(not c.fallback for c in matched):
        matched = [c for c in matched if not c.fallback]
    codes = {c.code for c in matched}
    return [c for c in matched if not codes & set(c.unless)]


def denied_actions(reason: str) -> tuple[str, ...]:
    """The actions a refused call names (``not authorized to perform: kms:Decrypt``); Secrets
    Manager's "Access to KMS is not allowed" is kms:Decrypt."""
    if not re.search(_DENIED, reason, re.IGNORECASE):
        return ()
    found = _ACTION.findall(reason)
    if re.search(r"Access to KMS is not allowed", reason, re.IGNORECASE):
        found.append("kms:Decrypt")
    return tuple(dict.fromkeys(found))


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


# --- With a snapshot: does it still show the cause? ---

Status = Literal[
    "explained",  # a check the cause names fails: the snapshot shows it
    "cause-gone",  # the cause's checks pass, another check fails
    "nothing-explains",  # every check passes
    "cannot-tell",  # the cause's checks are unknown, or do not judge the action named
    "not-checkable",  # no check can find the cause (a wrong image tag, the application)
    "unmatched",  # no known pattern: the checks as they are
]
FAILING = frozenset({"blocked", "denied"})


@dataclass(frozen=True)
class Diagnosis:
    status: Status
    summary: str  # one sentence: what the snapshot says about the stopped reason
    explaining: tuple[Trace, ...]  # failing checks the cause names
    others: tuple[Trace, ...]  # failing checks it does not name
    details: tuple[str, ...]  # one line per broken (or now open) resource, with its fix


def _who(t: Trace) -> str:
    s = t.source
    if s.service is not None:
        return f"service {s.service.name} (cluster {s.service.cluster or '?'})"
    return s.id


def _lacks(t: Trace) -> list[str]:
    """The actions the failing permission hops of a denied role check name."""
    actions: list[str] = []
    for h in t.hops:
        if h.status == "fail" and h.kind == "iam-permission":
            found = _ACTION.findall(h.reason)
            if found and found[0] not in actions:
                actions.append(found[0])
    return actions


def _judged(t: Trace, action: str) -> str | None:
    """``fail``/``pass`` when a hop of the role check judges ``action``, else None."""
    verdicts = {h.status for h in t.hops if h.kind.startswith("iam") and action in h.reason}
    if "fail" in verdicts:
        return "fail"
    return "pass" if verdicts else None


def _names(cause: Cause, actions: Sequence[str], t: Trace) -> bool:
    """Whether the failing check ``t`` is the cause: a network check it names, or a role
    check denied for the action the message names (or for any action, when it names none;
    for ROLE_TRUST, the trust policy)."""
    if t.target not in cause.targets or t.verdict not in FAILING:
        return False
    if t.target != ROLE:
        return True
    if cause.code == "ROLE_TRUST":
        return any(h.kind == "iam-trust-policy" and h.status == "fail" for h in t.hops)
    return not actions or any(_judged(t, a) == "fail" for a in actions)


def _broken(t: Trace, still: str = "still ", *, short: bool = False) -> str:
    """One failing check: the resource, what is wrong, and the fix (``short``: what only)."""
    fix = f"; fix: {t.fix}" if t.fix else ""
    at = t.blocked_at.id if t.blocked_at is not None else ""
    if t.target == ROLE:
        lacks = _lacks(t)
        if lacks:
            what = f"the role {still}lacks {', '.join(lacks)}"
        elif any(h.kind == "iam-trust-policy" and h.status == "fail" for h in t.hops):
            what = f"ECS {still}cannot assume the role"
        else:
            what = f"the role is {still}denied"
        return what if short else f"{what} ({at}, {_who(t)}): {t.reason}{fix}"
    what = f"{t.target} is {still}{t.verdict} for {_who(t)}"
    return (
        what
        if short
        else f"{t.target} is {still}{t.verdict} at {at} for {_who(t)}: {t.reason}{fix}"
    )


def _unique(traces: Sequence[Trace]) -> list[Trace]:
    """One check per (service, target, blocking hop): a service's subnets repeat them."""
    seen: set[tuple[str, str, str, str]] = set()
    out: list[Trace] = []
    for t in traces:
        key = (_who(t), t.target, t.blocked_at.id if t.blocked_at else "", t.reason)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def _now_open(cause: Cause, actions: Sequence[str]) -> str:
    if cause.kind == PERMISSION:
        if actions:
            return f"the role now allows {', '.join(actions)}"
        return "the role now passes its check"
    return "the network path is now open"


def diagnose(causes: Sequence[Cause], actions: Sequence[str], traces: Sequence[Trace]) -> Diagnosis:
    """What the checks of a snapshot say about a stopped reason: the failing checks that
    explain it, or that the snapshot no longer shows its cause (and what else is broken).
    The summary says what; the details name each resource, what is wrong and its fix."""
    failing = [t for t in traces if t.verdict in FAILING]
    explaining = [t for t in failing if any(_names(c, actions, t) for c in causes)]
    others = [t for t in failing if t not in explaining]
    uniq_explaining, uniq_others = _unique(explaining), _unique(others)
    short_others = "; ".join(dict.fromkeys(_broken(t, short=True) for t in uniq_others))
    also = f"; also broken: {short_others}" if short_others else ""
    checkable = [c for c in causes if c.targets]
    named = {t for c in checkable for t in c.targets}
    unknown = _unique([t for t in traces if t.target in named and t.verdict == "unknown"])
    role_checks = [t for t in traces if t.target == ROLE]
    judges_role = any(c.kind == PERMISSION for c in checkable) and role_checks
    unjudged = [
        a for a in actions if judges_role and all(_judged(t, a) is None for t in role_checks)
    ]

    def result(status: Status, summary: str, first: Sequence[str] = ()) -> Diagnosis:
        details = (*first, *(_broken(t) for t in uniq_others))
        return Diagnosis(status, summary, tuple(explaining), tuple(others), details)

    if explaining:
        codes = ", ".join(c.code for c in checkable)
        shown = "; ".join(dict.fromkeys(_broken(t, "", short=True) for t in uniq_explaining))
        besides = "; ".join(dict.fromkeys(_broken(t, "", short=True) for t in uniq_others))
        return result(
            "explained",
            f"the snapshot shows the cause ({codes}): {shown}"
            + (f"; also broken: {besides}" if besides else ""),
            [_broken(t, "") for t in uniq_explaining],
        )
    if not causes:
        if others:
            return result("unmatched", f"no known pattern matches; in this snapshot{also[1:]}")
        return result(
            "unmatched",
            "no known pattern matches, and every check of this snapshot passes: the snapshot "
            "may be newer than the failure",
        )
    if not checkable:
        c = causes[0]
        return result(
            "not-checkable",
            f"no check of a snapshot finds {c.code} ({c.meaning}); fix: {c.fix}{also}",
        )
    if unknown or unjudged:
        why = [f"{t.target} is unknown for {_who(t)}: {t.reason}" for t in unknown]
        why += [
            f"the role check does not judge {a}: check that the execution role "
            f"{role_checks[0].hops[0].id if role_checks[0].hops else ROLE} allows it"
            for a in unjudged
        ]
        what = "; ".join(dict.fromkeys(f"{t.target} is unknown" for t in unknown))
        what = "; ".join(x for x in (what, *(f"{a} is not judged" for a in unjudged)) if x)
        return result("cannot-tell", f"the snapshot cannot tell: {what}{also}", why)
    if others:
        gone = "; ".join(dict.fromkeys(_now_open(c, actions) for c in checkable))
        return result(
            "cause-gone", f"the snapshot no longer shows the cause: {gone}; {short_others}"
        )
    passing = ", ".join(dict.fromkeys(t.target for t in traces))
    return result(
        "nothing-explains",
        "nothing in this snapshot explains it: the snapshot may be newer than the failure",
        [
            f"every check passes ({passing}): collect a snapshot while tasks are failing, or "
            "compare with the configuration at the time of the failure (AWS Config, CloudTrail)"
        ],
    )
