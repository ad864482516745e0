"""IAM and ECR responses -> model: roles with every policy resolved, repository policies."""

from __future__ import annotations

from netgraph.arns import account_of
from netgraph.model import Policy, Role
from netgraph.sources.merge import RawSnapshot
from netgraph.sources.policies import parse_policy, shipped_managed_policies
from netgraph.sources.reader import Obj, SnapshotError


def _policy_value(o: Obj, key: str, name: str, *, resource_based: bool = False) -> Policy | None:
    value = o.data.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, dict)):
        raise SnapshotError(o.wording.wrong(o.at(key), "a policy document"))
    return parse_policy(name, value, resource_based=resource_based)


def roles(raw: RawSnapshot) -> dict[str, Role] | None:
    """Roles of `aws iam get-account-authorization-details`, with every policy resolved:
    managed ones from `Policies` (their default version), else netgraph's shipped copy."""
    if "RoleDetailList" not in raw.present:
        return None
    managed: dict[str, Policy] = {}
    for o in raw.lists.get("Policies", []):
        arn = o.req("Arn")
        versions = o.objs("PolicyVersionList")
        default = next((v for v in versions if v.opt_bool("IsDefaultVersion")), None)
        if default is None and versions:
            default = versions[0]
        if default is not None:
            doc = _policy_value(default, "Document", arn)
            if doc is not None:
                managed[arn] = doc
    shipped = shipped_managed_policies()
    roles: dict[str, Role] = {}
    for o in raw.lists.get("RoleDetailList", []):
        arn, name = o.req("Arn"), o.req("RoleName")
        inline = [
            p
            for x in o.objs("RolePolicyList")
            if (
                p := _policy_value(
                    x, "PolicyDocument", f"{arn} inline policy {x.req('PolicyName')}"
                )
            )
            is not None
        ]
        attached, missing = [], []
        for x in o.objs("AttachedManagedPolicies"):
            policy_arn = x.req("PolicyArn")
            doc = managed.get(policy_arn) or shipped.get(policy_arn)
            if doc is None:
                missing.append(policy_arn)
            else:
                attached.append(doc)
        boundary = o.opt_obj("PermissionsBoundary")
        boundary_arn = boundary.opt_str("PermissionsBoundaryArn") if boundary else None
        roles[arn] = Role(
            arn=arn,
            name=name,
            account=account_of(arn),
            trust_policy=_policy_value(
                o, "AssumeRolePolicyDocument", f"trust policy of {arn}", resource_based=True
            ),
            policies=tuple(inline + attached),
            missing_policy_arns=tuple(missing),
            boundary_arn=boundary_arn,
            boundary=(managed.get(boundary_arn) or shipped.get(boundary_arn))
            if boundary_arn
            else None,
        )
    return roles


def repository_policies(raw: RawSnapshot, region: str) -> dict[str, Policy] | None:
    if "RepositoryPolicies" not in raw.present:
        return None
    out: dict[str, Policy] = {}
    for o in raw.lists.get("RepositoryPolicies", []):
        arn = f"arn:aws:ecr:{region}:{o.req('registryId')}:repository/{o.req('repositoryName')}"
        policy = _policy_value(o, "policyText", f"repository policy of {arn}", resource_based=True)
        if policy is not None:
            out[arn] = policy
    return out


def repositories(items: list[Obj] | None) -> frozenset[str] | None:
    """The ARNs of `aws ecr describe-repositories`."""
    if items is None:
        return None
    return frozenset(o.req("repositoryArn") for o in items)
