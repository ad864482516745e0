"""The `iam:execution-role` check: may the task execution role do what the task needs?

AWS: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- The role must trust ``ecs-tasks.amazonaws.com`` (its trust policy allows sts:AssumeRole).
- Its identity policies (inline and attached managed), intersected with its permissions
  boundary, must allow each call: the ECR auth token on ``*``, the pull actions on the
  repository, the log stream calls on the log group, each secret and parameter.
- The ECR repository policy takes part: in the same account an Allow in either the identity
  policies or the repository policy suffices; across accounts both must allow; an explicit
  Deny in any of them wins.
- ``ecr:GetAuthorizationToken`` cannot be conditioned on ``aws:SourceVpc``/``aws:SourceVpce``
  (AWS documents it): such a condition is evaluated as if the key were absent.

Endpoint policies are judged on the network path (graph.py), where the endpoint is known.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace

from netgraph import control_policies
from netgraph.arns import account_of
from netgraph.evaluate import iam
from netgraph.findings import fix_for
from netgraph.flows import Source
from netgraph.hop import Hop, HopKind
from netgraph.model import Policy, Role, Snapshot
from netgraph.reach import Trace
from netgraph.requirements import IAM_TARGET, ApiCall, api_calls, key_calls

TASK_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
ECS_TASKS = "ecs-tasks.amazonaws.com"
_ENDPOINT_KINDS = (HopKind.INTERFACE_ENDPOINT, HopKind.GATEWAY_ENDPOINT)
# Calls AWS documents cannot be conditioned on the path they took (aws:SourceVpce,
# aws:SourceVpc, aws:VpcSourceIp): such a condition is evaluated as if the key were absent.
PATH_BLIND_ACTIONS = frozenset({"ecr:getauthorizationtoken"})
_REPOSITORY_ACTIONS = (
    "ecr:batchgetimage",
    "ecr:getdownloadurlforlayer",
    "ecr:batchchecklayeravailability",
)


def _trace(
    source: Source,
    verdict: str,
    hops: Sequence[Hop],
    blocked: Hop | None,
    reason: str,
    fix: str | None = None,
) -> Trace:
    return Trace(source, IAM_TARGET, None, "", verdict, tuple(hops), blocked, reason, fix)


def _network_context(
    snapshot: Snapshot, call: ApiCall, network: Mapping[str, Trace]
) -> dict[str, tuple[str, ...] | None]:
    """The keys a request carries that its path decides: aws:SourceVpce, aws:SourceVpc and
    aws:VpcSourceIp (present only through a VPC endpoint), and the ones every call of the
    agent carries: aws:SecureTransport (HTTPS) and aws:RequestedRegion."""
    region = call.resource.split(":")[3] if call.resource and call.resource.count(":") >= 5 else ""
    ctx: dict[str, tuple[str, ...] | None] = {
        "aws:securetransport": ("true",),
        "aws:requestedregion": (region or snapshot.region,),
    }
    if call.action.lower() in PATH_BLIND_ACTIONS:
        return {**ctx, "aws:sourcevpce": None, "aws:sourcevpc": None, "aws:vpcsourceip": None}
    trace = network.get(call.target)
    if trace is None or trace.verdict != "reachable":
        return ctx  # the path is not known to work: its keys stay unknown
    endpoint = next((h for h in trace.hops if h.kind in _ENDPOINT_KINDS), None)
    if endpoint is None:
        return {**ctx, "aws:sourcevpce": None, "aws:sourcevpc": None, "aws:vpcsourceip": None}
    ctx["aws:sourcevpce"] = (endpoint.id,)
    ep = (snapshot.vpc_endpoints or {}).get(endpoint.id)
    if ep is not None:
        ctx["aws:sourcevpc"] = (ep.vpc_id,)
    address = _source_address(snapshot, trace)
    if address is not None:
        ctx["aws:vpcsourceip"] = (address,)
    return ctx


def _source_address(snapshot: Snapshot, trace: Trace) -> str | None:
    """The task's address as an endpoint sees it: exact for an ENI, else its subnet's CIDR
    (any address of it; a condition on part of it stays unknown)."""
    source = trace.source
    if source.address is not None:
        return str(source.address)
    subnet = (snapshot.subnets or {}).get(source.subnet_id)
    return str(subnet.cidr) if subnet is not None and subnet.cidr is not None else None


def _blame_id(decision: iam.PolicyDecision, role: Role) -> str:
    """The contract names the ARN of the policy whose Deny decides, else the role."""
    st = decision.statement
    if decision.decision == "deny" and st is not None and ":policy/" in st.policy:
        return st.policy
    return role.arn


def identity_decision(role: Role, request: iam.Request) -> tuple[iam.PolicyDecision, str]:
    """The identity policies intersected with the boundary, and which of them decided."""
    decision = iam.evaluate(role.policies, request)
    if not role.policies and decision.decision == "implicit-deny":
        # Not "nothing in no policy allows …": say that the role has none.
        decision = iam.PolicyDecision(
            "implicit-deny", None, f"{role.arn} has no policy that allows {request.describe()}"
        )
    if role.missing_policy_arns and decision.decision != "deny":
        missing = ", ".join(role.missing_policy_arns)
        return iam.PolicyDecision(
            "unknown",
            None,
            f"{role.arn} attaches {missing}, whose document is neither in the snapshot "
            "(Policies) nor among netgraph's shipped AWS-managed policies",
        ), "identity"
    broken = [p for p in role.policies if p.error]
    if broken and decision.decision != "deny":
        return iam.PolicyDecision("unknown", None, broken[0].error or ""), "identity"
    boundary = boundary_decision(role, request)
    if boundary is None:
        return decision, "identity"
    combined = iam.combine_all(decision, boundary)
    return combined, "boundary" if combined is boundary else "identity"


def boundary_decision(role: Role, request: iam.Request) -> iam.PolicyDecision | None:
    """The permissions boundary's decision (None: the role has none)."""
    if role.boundary_arn is None:
        return None
    if role.boundary is None:
        return iam.PolicyDecision(
            "unknown",
            None,
            f"the permissions boundary {role.boundary_arn} of {role.arn} is not in the "
            "snapshot (Policies)",
        )
    boundary = iam.evaluate([role.boundary], request)
    if boundary.decision == "implicit-deny":
        boundary = iam.PolicyDecision(
            "implicit-deny",
            None,
            f"the permissions boundary {role.boundary_arn} does not allow {request.describe()}",
        )
    return boundary


def with_repository(
    snapshot: Snapshot,
    role: Role,
    call: ApiCall,
    request: iam.Request,
    identity: iam.PolicyDecision,
) -> iam.PolicyDecision | None:
    """The decision with the repository policy taken in, or None if it takes no part."""
    if call.action.lower() not in _REPOSITORY_ACTIONS or not call.resource:
        return None
    repo = call.resource
    repo_account = account_of(repo)
    cross = role.account is not None and repo_account != role.account
    if snapshot.repository_policies is None:
        why = f"the repository policy of {repo} is not in the snapshot (RepositoryPolicies)"
        if cross:
            return iam.PolicyDecision(
                "unknown",
                None,
                f"{repo} is in account {repo_account}: its policy must allow the pull, and {why}",
            )
        if identity.decision in ("allow", "unknown"):
            return iam.PolicyDecision(
                "unknown",
                identity.statement,
                f"{identity.reason}; but {why}, and a Deny there would win",
            )
        return None
    policy = snapshot.repository_policies.get(repo)
    if policy is None:
        resource = iam.PolicyDecision("implicit-deny", None, f"{repo} has no repository policy")
    elif policy.error:
        resource = iam.PolicyDecision("unknown", None, policy.error)
    else:
        resource = iam.evaluate([policy], request)
    if cross:
        if resource.decision == "implicit-deny":
            resource = iam.PolicyDecision(
                "implicit-deny",
                None,
                f"{repo} is in account {repo_account}; its repository policy must allow "
                f"{call.action} to {role.arn}, and it does not",
            )
        return iam.combine_all(identity, resource)
    return iam.combine_any(identity, resource, boundary_decision(role, request))


def _grant_fix(snapshot: Snapshot, role: Role, denied: Sequence[ApiCall]) -> str:
    """The smallest fix: attach the AWS-managed execution policy for what it covers, and a
    statement for the rest."""
    shipped = snapshot.shipped_policies[TASK_EXECUTION_POLICY]
    attached = TASK_EXECUTION_POLICY in [p.name for p in role.policies]
    covered = (
        []
        if attached
        else [
            c
            for c in denied
            if iam.evaluate([shipped], iam.Request(c.action, c.resource)).decision == "allow"
        ]
    )
    rest = [c for c in denied if c not in covered]
    parts = [f"attach {TASK_EXECUTION_POLICY} to {role.name}"] if covered else []
    if rest:
        statement = {
            "Effect": "Allow",
            "Action": sorted({c.action for c in rest}),
            "Resource": sorted({c.resource or "*" for c in rest}),
        }
        parts.append(f"add to a policy of {role.name} the statement {json.dumps(statement)}")
    return "; and ".join(parts)


def _with_organization(
    snapshot: Snapshot,
    role: Role,
    call: ApiCall,
    request: iam.Request,
    decision: iam.PolicyDecision,
    layer: str,
) -> tuple[iam.PolicyDecision, str, control_policies.Verdict, str]:
    """A call's decision with the organization's SCPs and RCPs taken in, and its reason
    (naming the levels checked when they allow it)."""
    org = control_policies.gate(
        snapshot, request, role.account or snapshot.account_id, call.describe()
    )
    decision, layer = control_policies.combine(decision, layer, org.gate)
    reason = f"{decision.reason} ({call.why})"
    if decision.decision == "allow" and org.checked:
        reason += f"; the organization's policies allow it ({'; '.join(org.checked)})"
    return decision, layer, org, reason


def _judge(snapshot: Snapshot, role: Role, call: ApiCall, request: iam.Request) -> Hop:
    """One call: a hop naming the policy that decides, and the fix when it is denied."""
    identity, layer = identity_decision(role, request)
    decision = identity
    with_repo = with_repository(snapshot, role, call, request, identity)
    if with_repo is not None and with_repo is not identity:
        decision, layer = with_repo, "repository"
    decision, layer, org, reason = _with_organization(
        snapshot, role, call, request, decision, layer
    )
    if decision.decision == "allow":
        st = decision.statement
        hop_id = st.policy if st is not None and ":policy/" in st.policy else role.arn
        return Hop(hop_id, HopKind.IAM_PERMISSION, "pass", reason)
    gate = org.gate if org.gate is not None and layer == org.gate.layer else None
    if decision.decision == "unknown":
        return Hop(gate.blame if gate else role.arn, HopKind.IAM_PERMISSION, "unknown", reason)
    if not call.required:
        return Hop(
            role.arn,
            HopKind.IAM_PERMISSION,
            "pass",
            f"{reason}; not required: AWS lists it, but pulls work without it",
        )
    if gate is not None:
        code = "IAM_SCP_DENIES" if gate.layer == "scp" else "IAM_RCP_DENIES"
        return Hop(gate.blame, HopKind.IAM_PERMISSION, "fail", reason, code=code, fix=gate.fix)
    if decision.decision == "deny" and decision.statement is not None:
        code = "IAM_EXPLICIT_DENY"
        fix = fix_for(code, statement=decision.statement.label, call=call.describe())
    elif layer == "boundary":
        code = "IAM_BOUNDARY_DENIES"
        fix = fix_for(code, call=call.describe(), boundary=role.boundary_arn)
    elif layer == "repository":
        code = "IAM_REPOSITORY_POLICY_DENIES"
        fix = fix_for(code, repository=call.resource, action=call.action, role=role.arn)
    else:
        code = "IAM_NOT_ALLOWED"
        fix = _grant_fix(snapshot, role, [call])
    hop_id = call.resource if layer == "repository" and call.resource else _blame_id(decision, role)
    return Hop(hop_id, HopKind.IAM_PERMISSION, "fail", reason, code=code, fix=fix)


# ---- kms:Decrypt of a secret's customer managed key ------------------------------------
# AWS (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html): "Unless the
# key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key"
# (an IAM Deny still denies). A key policy that names the account ("Enable IAM User
# Permissions", https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
# lets the account's IAM policies decide; one that names the role allows it by itself. A key
# that is not Enabled decrypts nothing
# (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html).
_KEY_UNUSABLE = frozenset({"Disabled", "PendingDeletion", "PendingImport", "Unavailable"})


def _key_request(role: Role, call: ApiCall) -> iam.Request:
    """The Decrypt request Secrets Manager / Parameter Store send with the role's
    credentials: kms:ViaService names the service, kms:CallerAccount the role's account."""
    who = iam.Principal(arn=role.arn, account=role.account, boundary=role.boundary_arn is not None)
    ctx = iam.request_context(who, kms_ViaService=call.via)
    if role.account is not None:
        ctx["kms:calleraccount"] = (role.account,)
    region = (call.resource or "").split(":")
    if len(region) > 3 and region[3]:
        ctx["aws:requestedregion"] = (region[3],)
    return iam.Request(call.action, call.resource, who, ctx)


def key_policy_decision(
    snapshot: Snapshot, key_arn: str, request: iam.Request
) -> iam.PolicyDecision:
    """The key policy's own decision (unknown when it is not in the snapshot)."""
    key = (snapshot.kms_keys or {}).get(key_arn)
    key_id = key.key_id if key is not None else key_arn.rsplit("/", 1)[-1]
    if snapshot.kms_key_policies is None:
        why = snapshot.missing_reason("KmsKeyPolicies")
        return iam.PolicyDecision("unknown", None, f"the key policy of {key_arn} is unknown: {why}")
    policy = snapshot.kms_key_policies.get(key_id)
    if policy is None:
        return iam.PolicyDecision(
            "unknown",
            None,
            f"the key policy of {key_arn} is not in KmsKeyPolicies (every key has one: it was "
            "not collected)",
        )
    if policy.error:
        return iam.PolicyDecision("unknown", None, policy.error)
    decision = iam.evaluate([policy], request)
    if decision.decision == "implicit-deny":
        return iam.PolicyDecision(
            "implicit-deny",
            None,
            f"the key policy of {key_arn} allows neither {request.principal.arn} nor its "
            f"account to call {request.action}, and IAM policies cannot allow what it does not",
        )
    return decision


def _key_policy_fix(role: Role, call: ApiCall) -> str:
    statement = {
        "Sid": "AllowEcsExecutionRoleDecrypt",
        "Effect": "Allow",
        "Principal": {"AWS": role.arn},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": call.via}},
    }
    return f"add to the key policy of {call.resource} the statement {json.dumps(statement)}"


def _key_hop(snapshot: Snapshot, role: Role, call: ApiCall) -> Hop:
    """kms:Decrypt on a secret's customer managed key: the key's state, its key policy
    (authoritative) and the role's own policies and boundary."""
    if call.unknown is not None or call.resource is None:
        return Hop(role.arn, HopKind.IAM_PERMISSION, "unknown", f"{call.unknown} ({call.why})")
    key_arn = call.resource
    key = (snapshot.kms_keys or {}).get(key_arn)
    state = key.key_state if key is not None else None
    if state in _KEY_UNUSABLE:
        return Hop(
            key_arn,
            HopKind.IAM_PERMISSION,
            "fail",
            f"{key_arn} is {state}: it cannot decrypt ({call.why})",
            code="KMS_KEY_NOT_ENABLED",
            fix=fix_for("KMS_KEY_NOT_ENABLED", key=key_arn),
        )
    if state != "Enabled":
        why = f"KmsKeys gives {'no KeyState' if state is None else f'the KeyState {state}'}"
        return Hop(
            role.arn,
            HopKind.IAM_PERMISSION,
            "unknown",
            f"{why} for {key_arn}: whether it can decrypt is unknown ({call.why})",
        )
    request = _key_request(role, call)
    identity, layer = identity_decision(role, request)
    resource = key_policy_decision(snapshot, key_arn, request)
    if identity.decision == "deny" or identity.maybe_deny:
        decision = identity
    elif resource.decision in ("deny", "implicit-deny", "unknown") or resource.maybe_deny:
        decision, layer = resource, "key-policy"  # the key policy is authoritative
    else:
        decision = iam.combine_any(identity, resource, boundary_decision(role, request))
        if decision is resource:
            layer = "key-policy"
        elif decision is not identity:
            layer = "boundary"
    # The organization's gate, as on every other call: SCPs apply to kms:Decrypt, and RCPs
    # to KMS keys (control_policies.RCP_SERVICES).
    decision, layer, org, reason = _with_organization(
        snapshot, role, call, request, decision, layer
    )
    if decision.decision == "allow":
        st = decision.statement
        hop_id = key_arn if layer == "key-policy" else _blame_id(decision, role)
        if st is not None and ":policy/" in st.policy:
            hop_id = st.policy
        return Hop(hop_id, HopKind.IAM_PERMISSION, "pass", reason)
    gate = org.gate if org.gate is not None and layer == org.gate.layer else None
    if decision.decision == "unknown":
        return Hop(gate.blame if gate else role.arn, HopKind.IAM_PERMISSION, "unknown", reason)
    if gate is not None:
        code = "IAM_SCP_DENIES" if gate.layer == "scp" else "IAM_RCP_DENIES"
        return Hop(gate.blame, HopKind.IAM_PERMISSION, "fail", reason, code=code, fix=gate.fix)
    if layer == "key-policy":
        if decision.decision == "deny" and decision.statement is not None:
            fix = (
                f"remove or narrow {decision.statement.label} in the key policy of {key_arn}: "
                f"it denies {call.describe()} to {role.arn}"
            )
        else:
            fix = _key_policy_fix(role, call)
        return Hop(
            key_arn,
            HopKind.IAM_PERMISSION,
            "fail",
            reason,
            code="IAM_KMS_KEY_POLICY_DENIES",
            fix=fix_for("IAM_KMS_KEY_POLICY_DENIES", fix=fix),
        )
    if decision.decision == "deny" and decision.statement is not None:
        code = "IAM_EXPLICIT_DENY"
        fix = fix_for(code, statement=decision.statement.label, call=call.describe())
    elif layer == "boundary":
        code = "IAM_BOUNDARY_DENIES"
        fix = fix_for(code, call=call.describe(), boundary=role.boundary_arn)
    else:
        code = "IAM_NOT_ALLOWED"
        fix = _grant_fix(snapshot, role, [call])
    return Hop(
        _blame_id(decision, role), HopKind.IAM_PERMISSION, "fail", reason, code=code, fix=fix
    )


def _role_trace(snapshot: Snapshot, source: Source, network: Mapping[str, Trace]) -> Trace:
    td = source.task_definition
    if td is None:
        ref = source.service.task_definition if source.service else source.id
        reason = (
            f"the task definition {ref} is not in the snapshot (taskDefinitions), so its "
            "execution role is unknown"
        )
        hop = Hop(ref or source.id, HopKind.TASK_DEFINITION, "unknown", reason)
        return _trace(source, "unknown", [hop], None, reason)
    if td.unreadable:
        reason = f"{td.unreadable}: the calls its execution role must be allowed are unknown"
        hop = Hop(td.arn, HopKind.TASK_DEFINITION, "unknown", reason)
        return _trace(source, "unknown", [hop], None, reason)
    account = snapshot.account_id or account_of(td.execution_role_arn) or account_of(td.arn)
    calls = [c for c in api_calls(td, snapshot.region, account) if c.by_role]
    if not calls:
        hop = Hop(
            td.arn,
            HopKind.TASK_DEFINITION,
            "pass",
            "the task pulls no private ECR image, uses no awslogs and reads no secret: "
            "it needs nothing of an execution role",
        )
        return _trace(source, "allowed", [hop], None, hop.reason)
    if td.execution_role_arn is None:
        needs = ", ".join(sorted({c.action for c in calls}))
        fix = fix_for("IAM_NO_EXECUTION_ROLE", policy=TASK_EXECUTION_POLICY)
        hop = Hop(
            td.arn,
            HopKind.TASK_DEFINITION,
            "fail",
            f"{td.arn} sets no executionRoleArn, but the task needs {needs}",
            code="IAM_NO_EXECUTION_ROLE",
            fix=fix,
        )
        return _trace(source, "denied", [hop], hop, hop.reason, fix)
    role_arn = td.execution_role_arn
    if snapshot.roles is None:
        reason = snapshot.missing_reason("RoleDetailList") + f": the role {role_arn} is unknown"
        hop = Hop(role_arn, HopKind.IAM_ROLE, "unknown", reason)
        return _trace(source, "unknown", [hop], None, reason)
    role = snapshot.roles.get(role_arn)
    if role is None:
        reason = (
            f"{role_arn} is not in RoleDetailList (the snapshot may hold only some "
            "roles; if it holds all, the role does not exist)"
        )
        hop = Hop(role_arn, HopKind.IAM_ROLE, "unknown", reason)
        return _trace(source, "unknown", [hop], None, reason)

    hops = [_trust_hop(role, account)]
    if hops[0].status == "fail":
        return _trace(source, "denied", hops, hops[0], hops[0].reason, hops[0].fix)
    for call in calls:
        who = iam.Principal(
            arn=role.arn, account=role.account, boundary=role.boundary_arn is not None
        )
        ctx = iam.request_context(who)
        ctx.update(_network_context(snapshot, call, network))
        hops.append(_judge(snapshot, role, call, iam.Request(call.action, call.resource, who, ctx)))
    # Reading a secret encrypted with a customer managed key needs kms:Decrypt on that key too.
    keys = key_calls(snapshot, calls)
    hops.extend(_key_hop(snapshot, role, call) for call in keys)
    calls = [*calls, *keys]
    failing = [(c, h) for c, h in zip(calls, hops[1:], strict=True) if h.status == "fail"]
    if failing:
        first = failing[0][1]
        # Calls that nothing allows are mended together; a Deny, a boundary or a repository
        # policy is mended where it stands.
        ungranted = [c for c, h in failing if h.code == "IAM_NOT_ALLOWED"]
        mend = (
            _grant_fix(snapshot, role, ungranted) if first.code == "IAM_NOT_ALLOWED" else first.fix
        )
        missing = tuple((c.action, c.resource) for c, _ in failing)
        reason = first.reason
        if len(failing) > 1:
            calls_said = "; ".join(c.describe() for c, _ in failing)
            reason = (
                f"{role.arn} may not make {len(failing)} of the calls the task needs: "
                f"{calls_said}. The first: {first.reason}"
            )
        denied = _trace(source, "denied", hops, first, reason, mend)
        return replace(denied, missing=missing)
    unknown = [h for h in hops if h.status == "unknown"]
    if unknown:
        return _trace(source, "unknown", hops, None, unknown[0].reason)
    shipped = sorted({p.name for p in role.policies if p.shipped})
    note = (
        (
            f" (netgraph's shipped copy of {', '.join(shipped)} was used: the snapshot does "
            "not carry its document)"
        )
        if shipped
        else ""
    )
    return _trace(
        source,
        "allowed",
        hops,
        None,
        f"{role.arn} may do all {len(calls)} calls the task needs{note}",
    )


def _trust_hop(role: Role, account: str | None) -> Hop:
    trust: Policy | None = role.trust_policy
    if trust is None or trust.error:
        why = (
            trust.error
            if trust and trust.error
            else (f"the trust policy of {role.arn} is not in the snapshot")
        )
        return Hop(role.arn, HopKind.IAM_TRUST_POLICY, "unknown", why or "")
    who = iam.Principal(service=ECS_TASKS)
    ctx = iam.request_context(who, aws_SourceAccount=account)
    d = iam.evaluate([trust], iam.Request("sts:AssumeRole", role.arn, who, ctx))
    if d.decision == "allow":
        return Hop(
            role.arn,
            HopKind.IAM_TRUST_POLICY,
            "pass",
            f"the trust policy lets {ECS_TASKS} assume {role.name} "
            f"({d.statement.label if d.statement else ''})",
        )
    if d.decision == "unknown":
        return Hop(role.arn, HopKind.IAM_TRUST_POLICY, "unknown", d.reason)
    statement = {"Effect": "Allow", "Principal": {"Service": ECS_TASKS}, "Action": "sts:AssumeRole"}
    return Hop(
        role.arn,
        HopKind.IAM_TRUST_POLICY,
        "fail",
        f"the trust policy of {role.arn} does not let {ECS_TASKS} assume it: {d.reason}",
        code="IAM_TRUST_POLICY",
        fix=fix_for("IAM_TRUST_POLICY", role=role.name, statement=json.dumps(statement)),
    )


def execution_role_trace(snapshot: Snapshot, source: Source, network: Mapping[str, Trace]) -> Trace:
    """The check, with what it could not verify of the calls it judged (SCPs and RCPs that
    were not collected) as its assumptions."""
    trace = _role_trace(snapshot, source, network)
    assumed = _assumptions(snapshot, source) if _judged_calls(trace) else ()
    return replace(trace, assumptions=assumed) if assumed else trace


def _judged_calls(trace: Trace) -> bool:
    return any(h.kind == HopKind.IAM_PERMISSION for h in trace.hops)


def _assumptions(snapshot: Snapshot, source: Source) -> tuple[str, ...]:
    """What the organization's gate took as given for the calls of the source's role."""
    td = source.task_definition
    role = (snapshot.roles or {}).get(td.execution_role_arn or "") if td is not None else None
    if td is None or role is None:
        return ()
    account = snapshot.account_id or account_of(td.execution_role_arn) or account_of(td.arn)
    out: list[str] = []
    calls = [c for c in api_calls(td, snapshot.region, account) if c.by_role]
    # kms:Decrypt of each customer managed key that the check judged goes through the gate too.
    keys = [c for c in key_calls(snapshot, calls) if c.unknown is None and c.resource]
    for call in [*calls, *keys]:
        who = iam.Principal(arn=role.arn, account=role.account)
        request = iam.Request(call.action, call.resource, who, iam.request_context(who))
        verdict = control_policies.gate(
            snapshot, request, role.account or snapshot.account_id, call.describe()
        )
        out.extend(verdict.assumptions)
    return tuple(dict.fromkeys(out))
