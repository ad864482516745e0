"""`netgraph simulate`: may this principal call this action on this resource? The offline
counterpart of ``aws iam simulate-principal-policy`` (and, with policy files,
``simulate-custom-policy``), on the snapshot.

It asks the same questions as ``check``'s execution-role check, through the same functions
(``permissions``): the role's identity policies (inline and attached managed, with netgraph's
shipped AWS-managed copies where the snapshot lacks them) within its permissions boundary;
for the ECR pull actions on a repository the repository policy as AWS combines it (same
account: either allows; across accounts: both must); through ``--vpce`` the endpoint's policy
on top. There is one evaluator (``evaluate/iam.py``): nothing here reads a statement.

A condition key the user does not give stays unknown and is named, as in ``check``: the
answer is ``unknown``, never a guess. AWS's simulator treats such a key as absent instead;
``--context KEY=`` says that here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from netgraph import control_policies
from netgraph.arns import account_of
from netgraph.evaluate import iam
from netgraph.model import Policy, Role, Snapshot, Statement, VpcEndpoint
from netgraph.permissions import (
    PATH_BLIND_ACTIONS,
    boundary_decision,
    identity_decision,
    with_repository,
)
from netgraph.requirements import ApiCall
from netgraph.sources.policies import PolicyError, load_document, parse_policy

Answer = Literal["allowed", "denied", "unknown"]
# Which layer denies: an explicit Deny anywhere, or the layer that does not allow.
DeniedBy = Literal["explicit", "implicit", "boundary", "repository", "endpoint", "scp", "rcp"]
Context = Mapping[str, tuple[str, ...] | None]

_LISTED = 5  # known roles or endpoints named in an error message
_PATH_KEYS = ("aws:sourcevpce", "aws:sourcevpc", "aws:vpcsourceip")


class SimulateError(ValueError):
    """Input the user must fix (exit 2): the message names it and, where it can, the fix."""


@dataclass(frozen=True)
class StatementRef:
    """A statement that decides: its policy (ARN, or name for inline and custom policies),
    its index in the policy's Statement list, and its Sid."""

    policy: str
    index: int
    sid: str | None

    @staticmethod
    def of(st: Statement) -> StatementRef:
        return StatementRef(st.policy, st.index, st.sid)

    @property
    def label(self) -> str:
        which = (
            f"Sid {self.sid} / statement #{self.index}" if self.sid else f"statement #{self.index}"
        )
        return f"{self.policy} ({which})"

    def record(self) -> dict[str, Any]:
        return {"policy": self.policy, "index": self.index, "sid": self.sid}


@dataclass(frozen=True)
class EndpointResult:
    """What the ``--vpce`` endpoint's policy says of the request, on its own."""

    id: str
    answer: Answer
    statement: StatementRef | None
    reason: str


@dataclass(frozen=True)
class Result:
    """One action on one resource."""

    action: str
    resource: str  # as given; "*" by default
    answer: Answer
    denied_by: DeniedBy | None
    statements: tuple[StatementRef, ...]
    unknown_keys: tuple[str, ...]
    reason: str
    fix: str | None
    endpoint: EndpointResult | None = None
    # What was not verified (service and resource control policies not collected).
    assumptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Simulation:
    principal: str | None  # the principal's ARN, when known
    role_in_snapshot: bool  # the principal is a role of RoleDetailList
    policies: tuple[str, ...]  # the identity policies evaluated (names or ARNs)
    custom: bool  # --policy-file: the files stand in for the role's identity policies
    boundary: str | None  # the permissions boundary that applies
    shipped: tuple[str, ...]  # AWS-managed policies taken from netgraph's shipped copies
    vpce: VpcEndpoint | None
    context: tuple[tuple[str, tuple[str, ...] | None], ...]  # --context, as given
    results: tuple[Result, ...]

    @property
    def exit_code(self) -> int:
        """As ``check``: 1 something denied, 3 nothing denied but something unknown."""
        answers = {r.answer for r in self.results}
        return 1 if "denied" in answers else 3 if "unknown" in answers else 0


# ---- input ---------------------------------------------------------------------------------


def parse_context(items: Sequence[str]) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """``KEY=VALUE`` pairs: a key given twice has both values (a multivalued key, as
    ``aws:TagKeys``); ``KEY=`` says the request does not carry the key."""
    keys: dict[str, str] = {}  # lower case -> as first spelled
    values: dict[str, list[str] | None] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise SimulateError(
                f"--context {item}: expected KEY=VALUE, e.g. --context "
                "aws:SourceVpce=vpce-0a1b2c3d (KEY= for a key the request does not carry)"
            )
        if ":" not in key:
            raise SimulateError(
                f"--context {item}: {key} is not a condition key; a key has its service's prefix, "
                "e.g. aws:SourceVpce or ecr:ResourceTag/team"
            )
        lower = key.lower()
        keys.setdefault(lower, key)
        if lower in values and (values[lower] is None) != (value == ""):
            raise SimulateError(
                f"--context {key}: given both as absent ({key}=) and with a value; give one"
            )
        if value == "":
            values[lower] = None
        else:
            listed = values.setdefault(lower, [])
            assert listed is not None
            listed.append(value)
    return tuple(
        (keys[k], None if v is None else tuple(dict.fromkeys(v))) for k, v in values.items()
    )


def read_policy_file(path: str) -> Policy:
    """A policy document from a file, as ``simulate-custom-policy`` takes it: the document
    itself, or the output of ``aws iam get-policy-version`` / ``get-role-policy``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SimulateError(f"--policy-file {path}: no such file") from None
    except UnicodeDecodeError:
        raise SimulateError(f"--policy-file {path}: not UTF-8 text (a policy is JSON)") from None
    except OSError as exc:
        raise SimulateError(
            f"--policy-file {path}: cannot read it: {exc.strerror or exc}"
        ) from None
    try:
        doc: Any = load_document(text)
    except PolicyError as exc:
        raise SimulateError(
            f"--policy-file {path}: {exc}; expected an IAM policy document"
        ) from None
    # The AWS CLI's wrappings of a document, so its output can be passed as it is.
    if "Statement" not in doc and isinstance(doc.get("PolicyVersion"), dict):
        doc = doc["PolicyVersion"].get("Document", doc)
    elif "Statement" not in doc and "PolicyDocument" in doc:
        doc = doc["PolicyDocument"]
    if isinstance(doc, str):
        try:
            doc = load_document(doc)
        except PolicyError as exc:
            raise SimulateError(f"--policy-file {path}: its document: {exc}") from None
    if not isinstance(doc, dict):
        raise SimulateError(f"--policy-file {path}: the document is not a JSON object")
    policy = parse_policy(path, doc)
    if policy.error:
        why = policy.error.removeprefix(f"the document of {path} cannot be read: ")
        raise SimulateError(
            f'--policy-file {path}: not an IAM policy: {why} (expected {{"Version": '
            '"2012-10-17", "Statement": [{"Effect": ..., "Action": ..., "Resource": ...}]})'
        )
    if not policy.statements:
        raise SimulateError(f"--policy-file {path}: its Statement list is empty")
    return policy


def _check_action(action: str) -> None:
    service, colon, name = action.partition(":")
    if not colon or not service or not name or any(c.isspace() for c in action):
        raise SimulateError(
            f"--action {action}: expected SERVICE:ACTION, e.g. --action ecr:GetAuthorizationToken"
        )
    if "*" in action or "?" in action:
        raise SimulateError(
            f"--action {action}: name one action (ecr:BatchGetImage), not a pattern; "
            "--action may be repeated"
        )


def _check_resource(resource: str) -> None:
    if resource != "*" and not (resource.startswith("arn:") and resource.count(":") >= 5):
        raise SimulateError(
            f"--resource {resource}: expected an ARN "
            "(arn:aws:ecr:ap-northeast-1:111122223333:repository/web) or *"
        )


def _some(names: Sequence[str]) -> str:
    listed = ", ".join(sorted(names)[:_LISTED])
    more = len(names) - _LISTED
    return listed + (f" and {more} more" if more > 0 else "") if names else "none"


def _find_role(snapshot: Snapshot, principal: str) -> Role | None:
    roles = snapshot.roles or {}
    if principal in roles:
        return roles[principal]
    named = [r for r in roles.values() if r.name == principal]
    if len(named) > 1:
        raise SimulateError(
            f"--principal {principal}: {len(named)} roles have this name "
            f"({_some([r.arn for r in named])}); give the role's ARN"
        )
    return named[0] if named else None


def _role(snapshot: Snapshot, principal: str, custom: bool) -> Role | None:
    """The role ``--principal`` names. With policy files, a principal outside the snapshot
    is only an ARN (for Principal elements and aws:PrincipalArn)."""
    if snapshot.roles is None and not (custom and principal.startswith("arn:")):
        raise SimulateError(
            f"--principal {principal}: {snapshot.missing_reason('RoleDetailList')}, so its "
            "policies are unknown; collect the roles (aws iam get-account-authorization-details), "
            "or simulate a policy of your own with --policy-file FILE"
        )
    role = _find_role(snapshot, principal)
    if role is None and not (custom and principal.startswith("arn:")):
        raise SimulateError(
            f"--principal {principal}: no such role in the snapshot's RoleDetailList (roles: "
            f"{_some([r.arn for r in (snapshot.roles or {}).values()])}); give a role's ARN or "
            "name, or --policy-file FILE with the principal's ARN"
        )
    return role


def _endpoint(snapshot: Snapshot, vpce: str) -> VpcEndpoint:
    if snapshot.vpc_endpoints is None:
        raise SimulateError(
            f"--vpce {vpce}: {snapshot.missing_reason('VpcEndpoints')}; give --context "
            "aws:SourceVpce=… and aws:SourceVpc=… instead"
        )
    ep = snapshot.vpc_endpoints.get(vpce)
    if ep is None:
        raise SimulateError(
            f"--vpce {vpce}: no such endpoint in the snapshot (VpcEndpoints: "
            f"{_some(list(snapshot.vpc_endpoints))})"
        )
    return ep


# ---- evaluation ----------------------------------------------------------------------------


def simulate(
    snapshot: Snapshot,
    *,
    actions: Sequence[str],
    principal: str | None = None,
    resources: Sequence[str] = ("*",),
    context: Sequence[tuple[str, tuple[str, ...] | None]] = (),
    vpce: str | None = None,
    policies: Sequence[Policy] | None = None,
) -> Simulation:
    """One result per action x resource. ``policies`` (``--policy-file``) stand in for the
    role's identity policies; a role of the snapshot keeps its permissions boundary and the
    repository policies, so the answer is the one the role would get with those policies."""
    if not actions:
        raise SimulateError("give at least one --action, e.g. --action ecr:GetAuthorizationToken")
    for action in actions:
        _check_action(action)
    for resource in resources:
        _check_resource(resource)
    custom = policies is not None
    if principal is None and not custom:
        raise SimulateError(
            "give --principal ROLE (its ARN or name), or --policy-file FILE to simulate a policy"
        )
    role = _role(snapshot, principal, custom) if principal is not None else None
    if role is not None and policies is not None:
        role = replace(role, policies=tuple(policies), missing_policy_arns=())
    ep = _endpoint(snapshot, vpce) if vpce is not None else None
    given = {k.lower(): v for k, v in context}

    arn = role.arn if role is not None else principal
    if arn is None:
        named = given.get("aws:principalarn")
        arn = named[0] if named and len(named) == 1 else None
    account = role.account if role is not None else account_of(arn)
    if account is None:
        named = given.get("aws:principalaccount")
        account = named[0] if named and len(named) == 1 else None
    who = iam.Principal(
        arn=arn, account=account, boundary=role is not None and role.boundary_arn is not None
    )

    results = [
        _one(snapshot, who, role, policies, ep, given, action, resource)
        for action in actions
        for resource in resources
    ]
    evaluated = role.policies if role is not None else tuple(policies or ())
    return Simulation(
        principal=arn,
        role_in_snapshot=role is not None,
        policies=tuple(p.name for p in evaluated),
        custom=custom,
        boundary=role.boundary_arn if role is not None else None,
        shipped=tuple(sorted({p.name for p in evaluated if p.shipped})),
        vpce=ep,
        context=tuple(context),
        results=tuple(results),
    )


def _request_context(
    snapshot: Snapshot,
    who: iam.Principal,
    ep: VpcEndpoint | None,
    given: Context,
    resource: str | None,
) -> dict[str, tuple[str, ...] | None]:
    """What ``check`` knows of every call (HTTPS, the region the resource is in), the path
    keys of ``--vpce``, then the user's ``--context``, which overrides them all."""
    parts = (resource or "").split(":")
    region = parts[3] if len(parts) > 5 and parts[3] else snapshot.region
    ctx = iam.request_context(who)
    ctx["aws:securetransport"] = ("true",)
    ctx["aws:requestedregion"] = (region,)
    if ep is not None:
        ctx["aws:sourcevpce"] = (ep.id,)
        ctx["aws:sourcevpc"] = (ep.vpc_id,)
    ctx.update(given)
    return ctx


def _one(
    snapshot: Snapshot,
    who: iam.Principal,
    role: Role | None,
    policies: Sequence[Policy] | None,
    ep: VpcEndpoint | None,
    given: Context,
    action: str,
    resource: str,
) -> Result:
    target = None if resource == "*" else resource  # "*": which resource is not known
    ctx = _request_context(snapshot, who, ep, given, target)
    identity_ctx = dict(ctx)
    if action.lower() in PATH_BLIND_ACTIONS:
        # As check: AWS documents that this call carries no path keys.
        identity_ctx.update(dict.fromkeys(_PATH_KEYS))
    request = iam.Request(action, target, who, identity_ctx)

    if role is not None:
        decision, layer = identity_decision(role, request)
        call = ApiCall("", action, target, "simulated")
        with_repo = with_repository(snapshot, role, call, request, decision)
        if with_repo is not None and with_repo is not decision:
            decision, layer = with_repo, "repository"
    else:
        decision, layer = iam.evaluate(policies or (), request), "identity"
    # The organization's SCPs and RCPs, as check takes them in.
    account = (role.account if role is not None else None) or who.account or snapshot.account_id
    org = control_policies.gate(snapshot, request, account, f"{action} on {resource}")
    decision, layer = control_policies.combine(decision, layer, org.gate)
    gate_fix = org.gate.fix if org.gate is not None and layer == org.gate.layer else None
    allowing = [decision.statement] if decision.decision == "allow" else []
    if decision.decision == "allow" and layer == "identity" and role is not None:
        boundary = boundary_decision(role, request)
        if boundary is not None and boundary.statement is not None:
            allowing.append(boundary.statement)

    endpoint: EndpointResult | None = None
    if ep is not None:
        through = _endpoint_decision(ep, iam.Request(action, target, who, ctx))
        endpoint = _endpoint_result(ep, through, action)
        final = iam.combine_all(decision, through)
        if final is through and final is not decision:
            decision, layer = through, "endpoint"
        elif through.decision == "allow":
            allowing.append(through.statement)

    found = _result(role, action, resource, decision, layer, allowing, endpoint)
    if gate_fix and found.answer == "denied":
        found = replace(found, fix=gate_fix)
    return replace(found, assumptions=org.assumptions)


def _endpoint_decision(ep: VpcEndpoint, request: iam.Request) -> iam.PolicyDecision:
    """The endpoint policy on its own, as the path judges it (evaluate/endpoints.py)."""
    if ep.policy is None:
        return iam.PolicyDecision(
            "unknown",
            None,
            f"the PolicyDocument of {ep.id} ({ep.service_name}) is not in the snapshot; its "
            "endpoint policy may deny the request",
        )
    if ep.policy.error:
        return iam.PolicyDecision("unknown", None, ep.policy.error)
    decision = iam.evaluate([ep.policy], request)
    if decision.decision == "implicit-deny":
        return replace(
            decision,
            reason=f"the endpoint policy of {ep.id} does not allow {request.describe()}",
        )
    return decision


def _endpoint_result(ep: VpcEndpoint, d: iam.PolicyDecision, action: str) -> EndpointResult:
    answer = _answer(d)
    reason = d.reason
    service = ep.service_name.split(".")[3:]  # com.amazonaws.REGION.ecr.api -> ecr, api
    if service and service[0].lower() != action.split(":")[0].lower():
        reason += (
            f" (note: {ep.id} is an endpoint of {'.'.join(service)}; requests for {action} "
            "do not go through it)"
        )
    st = StatementRef.of(d.statement) if d.statement is not None else None
    return EndpointResult(ep.id, answer, st, reason)


def _answer(d: iam.PolicyDecision) -> Answer:
    return (
        "allowed" if d.decision == "allow" else "unknown" if d.decision == "unknown" else "denied"
    )


def _result(
    role: Role | None,
    action: str,
    resource: str,
    d: iam.PolicyDecision,
    layer: str,
    allowing: Sequence[Statement | None],
    endpoint: EndpointResult | None,
) -> Result:
    answer = _answer(d)
    denied_by: DeniedBy | None = None
    if answer == "denied":
        layers: dict[str, DeniedBy] = {
            "boundary": "boundary",
            "repository": "repository",
            "endpoint": "endpoint",
            "scp": "scp",
            "rcp": "rcp",
        }
        denied_by = "explicit" if d.decision == "deny" else layers.get(layer, "implicit")
        if layer in ("scp", "rcp"):
            # The organization's policies: whether by a Deny or a level that allows nothing.
            denied_by = layers[layer]
    deciding = allowing if answer == "allowed" else [d.statement]
    refs = tuple(dict.fromkeys(StatementRef.of(s) for s in deciding if s is not None))
    keys = tuple(dict.fromkeys(d.unknown_keys)) if answer == "unknown" else ()
    return Result(
        action,
        resource,
        answer,
        denied_by,
        refs,
        keys,
        d.reason,
        _fix(role, action, resource, answer, denied_by, refs, keys, endpoint),
        endpoint,
    )


def _fix(
    role: Role | None,
    action: str,
    resource: str,
    answer: Answer,
    denied_by: DeniedBy | None,
    refs: Sequence[StatementRef],
    keys: Sequence[str],
    endpoint: EndpointResult | None,
) -> str | None:
    """The smallest change that would decide it, or the input that would."""
    if answer == "allowed":
        return None
    if answer == "unknown":
        named = [k for k in keys if ":" in k and " " not in k]
        if named:
            return "give the request's values: " + " ".join(f"--context {k}=…" for k in named)
        if "the resource" in keys:
            return "name the resource: --resource ARN"
        return None
    statement = json.dumps({"Effect": "Allow", "Action": action, "Resource": resource})
    if denied_by == "explicit" and refs:
        return f"remove or narrow {refs[0].label}, which denies {action} on {resource}"
    if denied_by == "boundary" and role is not None:
        return f"allow {action} on {resource} in the permissions boundary {role.boundary_arn}"
    if denied_by == "repository":
        return (
            f"add to the repository policy of {resource} a statement allowing {action} to "
            f"{role.arn if role is not None else 'the principal'}"
        )
    if denied_by == "endpoint" and endpoint is not None:
        return (
            f"add to the endpoint policy of {endpoint.id} a statement allowing {action} on "
            f"{resource}"
        )
    whose = f"a policy of {role.name}" if role is not None else "the policy"
    return f"add to {whose} the statement {statement}"
