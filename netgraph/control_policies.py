"""The organization's gate on a call: service control policies (SCPs) on the principal's
account and resource control policies (RCPs) on the resource's, as AWS evaluates them. Used
by ``check``'s execution-role check (``permissions.py``) and by ``simulate``; the policies
themselves are evaluated by ``evaluate/iam.py`` (nothing here reads a statement).

AWS:
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
  To allow a permission for an account, every level from the root through each OU on the
  direct path to the account (the account included) needs an SCP that allows it; an
  explicit Deny in any SCP of any level denies it.
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
  SCPs do not affect users or roles in the management account, nor service-linked roles.
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
  ``RCPFullAWSAccess`` is attached to the root, every OU and every account when RCPs are
  enabled and cannot be detached; a Deny in any RCP from the root to the resource's account
  denies. RCPs do not affect resources of the management account, and apply only to the
  services listed in ``RCP_SERVICES`` (orgs_manage_policies_rcps.html, "List of AWS
  services that support RCPs").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from netgraph.arns import account_of
from netgraph.evaluate import iam
from netgraph.model import Organization, Snapshot

# Services whose resources RCPs govern (the AWS Organizations User Guide's list: S3, STS,
# KMS, SQS, Secrets Manager; ECR and OpenSearch Serverless since June 2025; CloudWatch Logs
# and Cognito since January 2026). SSM Parameter Store is not among them.
RCP_SERVICES = frozenset(
    {"s3", "sts", "kms", "sqs", "secretsmanager", "ecr", "aoss", "logs", "cognito-idp"}
)
Layer = Literal["scp", "rcp"]
_KEYS = {
    "scp": ("OrganizationParents", "OrganizationPolicies", "ServiceControlPoliciesForTarget"),
    "rcp": ("OrganizationParents", "OrganizationPolicies", "ResourceControlPoliciesForTarget"),
}
_NAMES = {"scp": "service control policy", "rcp": "resource control policy"}
_MAX_DEPTH = 10  # root + 5 OU levels + the account, with room: a loop in the data stops here


@dataclass(frozen=True)
class Gate:
    """What the organization says of one call: its decision (an explicit Deny, an implicit
    deny at one level, unknown, or allow), which kind of policy decides, the id to blame
    (the ``p-…`` whose Deny decides; the first policy of the level that allows nothing;
    that level's id when nothing is attached there), and the fix."""

    decision: iam.PolicyDecision
    layer: Layer
    blame: str
    fix: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The gate of a call (None: no SCP or RCP applies to it) and what was not verified."""

    gate: Gate | None
    assumptions: tuple[str, ...]
    checked: tuple[str, ...] = ()  # e.g. "SCPs at 111122223333, ou-…, r-…"


def not_collected(layer: Layer, why: str) -> str:
    kind = "service control policies" if layer == "scp" else "resource control policies"
    could = (
        "an SCP of the organization could still deny these calls"
        if layer == "scp"
        else "an RCP on the calls' resources (ECR, Secrets Manager, CloudWatch Logs, KMS, S3) "
        "could still deny them"
    )
    return f"{kind} were not verified: {why}; {could}"


def _missing(snapshot: Snapshot, org: Organization, layer: Layer) -> str | None:
    """Why a kind of policy cannot be evaluated (the keys that are absent), or None."""
    present = {
        "OrganizationParents": org.parents is not None,
        "OrganizationPolicies": org.policies is not None,
        "ServiceControlPoliciesForTarget": org.scps is not None,
        "ResourceControlPoliciesForTarget": org.rcps is not None,
    }
    absent = [k for k in _KEYS[layer] if not present[k]]
    if not absent:
        return None
    return "; ".join(snapshot.missing_reason(k) for k in absent)


def _chain(org: Organization, account: str) -> list[str] | str:
    """The target ids from the account up to the root, or why they are not known."""
    assert org.parents is not None
    chain = [account]
    while not chain[-1].startswith("r-"):
        parent = org.parents.get(chain[-1])
        if parent is None:
            return f"the parent of {chain[-1]} is not in the snapshot (OrganizationParents)"
        if parent in chain or len(chain) > _MAX_DEPTH:
            return f"OrganizationParents loops at {parent}: the path to the root is unknown"
        chain.append(parent)
    return chain


def _level(
    org: Organization,
    layer: Layer,
    target: str,
    ids: Sequence[str] | None,
    request: iam.Request,
) -> tuple[iam.PolicyDecision, str]:
    """The decision of the policies attached at one level, and the id to blame there."""
    key = _KEYS[layer][2]
    if ids is None:
        why = f"the {_NAMES[layer]} list of {target} is not in the snapshot ({key})"
        return iam.PolicyDecision("unknown", None, why), target
    assert org.policies is not None
    absent = [i for i in ids if i not in org.policies]
    policies = [org.policies[i].policy for i in ids if i in org.policies]
    decision = iam.evaluate(policies, request)
    if decision.decision == "deny":
        return decision, decision.statement.policy if decision.statement else target
    broken = [p for p in policies if p.error]
    if absent:
        why = f"{absent[0]}, attached to {target}, is not in OrganizationPolicies"
        return iam.PolicyDecision("unknown", None, why), absent[0]
    if broken:
        return iam.PolicyDecision("unknown", None, broken[0].error or ""), broken[0].name
    if decision.decision == "implicit-deny":
        names = ", ".join(ids) or "none"
        why = (
            f"no {_NAMES[layer]} attached to {target} ({names}) allows {request.describe()}: "
            "every level from the root to the account must allow it"
        )
        return iam.PolicyDecision("implicit-deny", None, why), ids[0] if ids else target
    return decision, ids[0] if ids else target


def _through(
    org: Organization,
    layer: Layer,
    chain: Sequence[str],
    attached: Mapping[str, tuple[str, ...]],
    request: iam.Request,
    call: str,
) -> Gate | None:
    """Every level must allow; a Deny anywhere wins, then a level that allows nothing,
    then a level that cannot be read. None: it allows at every level."""
    levels = [(t, *_level(org, layer, t, attached.get(t), request)) for t in chain]
    if all(attached.get(t) == () for t in chain):
        # Nothing of this kind attached anywhere: the type is not enabled in the organization
        # (enabled, FullAWSAccess / RCPFullAWSAccess is attached at every level, and the
        # latter cannot be detached).
        return None
    name = _NAMES[layer]
    for target, d, blame in levels:
        if d.decision == "deny" and d.statement is not None:
            fix: str | None = (
                f"remove or narrow {d.statement.label}, the {name} {blame} attached to "
                f"{target}: it denies {call}"
            )
            reason = f"{d.reason} ({name} attached to {target})"
            return Gate(replace(d, reason=reason), layer, blame, fix)
    for target, d, blame in levels:
        if d.decision == "implicit-deny":
            if layer == "scp":
                statement = {"Effect": "Allow", "Action": call.split(" on ")[0], "Resource": "*"}
                fix = (
                    f"allow {call} at {target}: add to {blame} the statement "
                    f"{json.dumps(statement)}, or attach p-FullAWSAccess (AWS's FullAWSAccess) "
                    f"to {target}"
                )
            else:
                fix = f"attach RCPFullAWSAccess (p-RCPFullAWSAccess) to {target}"
            return Gate(d, layer, blame, fix)
    for _target, d, blame in levels:
        if d.decision == "unknown":
            return Gate(d, layer, blame)
    return None


def _service_linked(role_arn: str | None) -> bool:
    return role_arn is not None and ":role/aws-service-role/" in role_arn


def gate(
    snapshot: Snapshot,
    request: iam.Request,
    account: str | None,
    call: str,
) -> Verdict:
    """SCPs (the principal's account) then RCPs (the resource's account, for the services
    RCPs govern) on one call. ``account``: the principal's account; ``call``: how the fix
    names the call ("ecr:BatchGetImage on arn:…")."""
    org = snapshot.organization
    service = request.action.split(":")[0].lower()
    if org is None:
        why = snapshot.missing_reason("Organization")
        layers: tuple[Layer, ...] = ("scp", "rcp") if service in RCP_SERVICES else ("scp",)
        return Verdict(None, tuple(not_collected(layer, why) for layer in layers))
    if org.id is None:
        return Verdict(None, ())  # the account belongs to no organization
    context = {
        "aws:principalorgid": (org.id,),
        "aws:principalisawsservice": ("false",),
        **request.context,  # what the caller knows wins (simulate's --context)
    }
    assumptions: list[str] = []
    checked: list[str] = []
    found: list[Gate] = []
    principal = request.principal.arn
    if account is None:
        assumptions.append(
            not_collected("scp", "the principal's account is unknown (no AccountId)")
        )
    elif account != org.management_account and not _service_linked(principal):
        scp_missing = _missing(snapshot, org, "scp")
        if scp_missing is not None:
            assumptions.append(not_collected("scp", scp_missing))
        else:
            assert org.scps is not None
            chain = _chain(org, account)
            if isinstance(chain, str):
                found.append(Gate(iam.PolicyDecision("unknown", None, chain), "scp", account))
            else:
                g = _through(org, "scp", chain, org.scps, replace(request, context=context), call)
                if g is None:
                    checked.append("SCPs at " + ", ".join(chain))
                else:
                    found.append(g)
    if service in RCP_SERVICES:
        owner = account_of(request.resource) or account  # "*": the caller's account
        if owner is not None and owner != org.management_account:
            rcp_missing = _missing(snapshot, org, "rcp")
            if owner != account:
                assumptions.append(
                    not_collected(
                        "rcp",
                        f"{request.resource} is in account {owner}, whose place in the "
                        "organization is not in the snapshot",
                    )
                )
            elif rcp_missing is not None:
                assumptions.append(not_collected("rcp", rcp_missing))
            else:
                assert org.rcps is not None
                ctx = {
                    **context,
                    "aws:resourceaccount": (owner,),
                    "aws:resourceorgid": (org.id,),
                    **request.context,
                }
                chain = _chain(org, owner)
                if isinstance(chain, str):
                    found.append(Gate(iam.PolicyDecision("unknown", None, chain), "rcp", owner))
                else:
                    g = _through(org, "rcp", chain, org.rcps, replace(request, context=ctx), call)
                    if g is None:
                        checked.append("RCPs at " + ", ".join(chain))
                    else:
                        found.append(g)
    for kind in ("deny", "implicit-deny", "unknown"):
        for g in found:
            if g.decision.decision == kind:
                return Verdict(g, tuple(assumptions), tuple(checked))
    return Verdict(None, tuple(assumptions), tuple(checked))


def combine(
    decision: iam.PolicyDecision, layer: str, g: Gate | None
) -> tuple[iam.PolicyDecision, str]:
    """The call's decision with the organization's gate taken in: an explicit Deny of the
    account's own policies stands; otherwise the gate's Deny or implicit deny decides (AWS
    evaluates RCPs and SCPs before identity and resource policies), and a gate that cannot
    be read leaves an Allow open."""
    if g is None or decision.decision == "deny":
        return decision, layer
    if g.decision.decision in ("deny", "implicit-deny"):
        return g.decision, g.layer
    if g.decision.decision == "unknown" and decision.decision == "allow":
        return g.decision, g.layer
    return decision, layer
