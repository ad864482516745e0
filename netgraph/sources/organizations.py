"""AWS Organizations responses -> model: the organization, the account's chain of parents
up to the root, and the service and resource control policies attached along it.

Keys (snapshot-format, README "Making a snapshot"): ``Organization`` (describe-organization;
``{}`` when the account belongs to no organization), ``OrganizationParents`` (child id ->
list-parents), ``OrganizationPolicies`` (the ``Policy`` of describe-policy, each),
``ServiceControlPoliciesForTarget`` and ``ResourceControlPoliciesForTarget`` (target id ->
list-policies-for-target with that filter). Absent keys stay ``None`` on the model.
"""

from __future__ import annotations

from netgraph.model import Organization, OrganizationPolicy
from netgraph.sources.merge import RawSnapshot
from netgraph.sources.policies import parse_policy
from netgraph.sources.reader import Obj, SnapshotError

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"


def _objects(raw: RawSnapshot, key: str) -> list[Obj] | None:
    """The object-valued key's parts (one a file), or None when absent. A null is refused:
    absence means "not collected", and a null is no AWS answer."""
    if key not in raw.present:
        return None
    parts = raw.objects.get(key, [])
    if not parts:
        raise SnapshotError(Obj.wording.null(f"snapshot: $.{key}"))
    return parts


def organization(raw: RawSnapshot) -> Organization | None:
    """The organization of the snapshot's account, or None when ``Organization`` is absent."""
    parts = _objects(raw, "Organization")
    if parts is None:
        return None
    org_id: str | None = None
    management: str | None = None
    for o in parts:
        if not o.data:
            continue  # {}: the account belongs to no organization
        org_id = o.req("Id")
        management = o.req("MasterAccountId")
    return Organization(
        id=org_id,
        management_account=management,
        parents=_parents(raw),
        scps=_attached(raw, "ServiceControlPoliciesForTarget", SCP),
        rcps=_attached(raw, "ResourceControlPoliciesForTarget", RCP),
        policies=_policies(raw),
    )


def _parents(raw: RawSnapshot) -> dict[str, str] | None:
    parts = _objects(raw, "OrganizationParents")
    if parts is None:
        return None
    out: dict[str, str] = {}
    for obj in parts:
        for child in obj.data:
            reply = obj.opt_obj(child)
            if reply is None:
                raise SnapshotError(obj.wording.null(obj.at(child)))
            parents = reply.objs("Parents")
            if len(parents) != 1:
                raise SnapshotError(
                    obj.wording.wrong(reply.at("Parents"), "one parent (AWS lists exactly one)")
                )
            out[child] = parents[0].req("Id")
    return out


def _attached(raw: RawSnapshot, key: str, kind: str) -> dict[str, tuple[str, ...]] | None:
    parts = _objects(raw, key)
    if parts is None:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for obj in parts:
        for target in obj.data:
            reply = obj.opt_obj(target)
            if reply is None:
                raise SnapshotError(obj.wording.null(obj.at(target)))
            ids = [
                s.req("Id")
                for s in reply.objs("Policies")
                if s.opt_str("Type") in (None, kind)  # as filtered; a summary may say its type
            ]
            out[target] = tuple(dict.fromkeys([*out.get(target, ()), *ids]))
    return out


def _policies(raw: RawSnapshot) -> dict[str, OrganizationPolicy] | None:
    if "OrganizationPolicies" not in raw.present:
        return None
    out: dict[str, OrganizationPolicy] = {}
    for o in raw.lists.get("OrganizationPolicies", []):
        summary = o.opt_obj("PolicySummary")
        if summary is None:
            raise SnapshotError(o.wording.missing(o.at(), "PolicySummary", always=True))
        policy_id = summary.req("Id")
        kind = summary.req("Type")
        content = o.data.get("Content")
        if not isinstance(content, (str, dict)):
            raise SnapshotError(o.wording.wrong(o.at("Content"), "a policy document"))
        out[policy_id] = OrganizationPolicy(
            id=policy_id,
            name=summary.opt_str("Name") or policy_id,
            type=kind,
            aws_managed=bool(summary.opt_bool("AwsManaged")),
            # An RCP names its principal ("*") as a resource-based policy does.
            policy=parse_policy(policy_id, content, resource_based=kind == RCP),
        )
    return out
