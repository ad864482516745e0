"""IAM: the task definitions' execution roles with their inline, attached and boundary
policies, for a snapshot (RoleDetailList, Policies)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netgraph.sources.collect import Collector


def collect_iam(c: Collector, snap: dict[str, Any], errors: list[dict[str, str]]) -> None:
    """The execution roles of the task definitions and their policies: one
    GetAccountAuthorizationDetails, or the per-role calls narrower credentials may allow."""
    roles = sorted(
        {
            td["executionRoleArn"]
            for td in snap.get("taskDefinitions", [])
            if td.get("executionRoleArn")
        }
    )
    if not roles:
        return
    details = c.call(
        "iam", "GetAccountAuthorizationDetails", errors, Filter=["Role", "LocalManagedPolicy"]
    )
    if details is not None:
        snap["RoleDetailList"] = details.get("RoleDetailList", [])
        snap["Policies"] = details.get("Policies", [])
        return
    # Fall back to the per-role calls, which narrower credentials may allow.
    role_list: list[dict[str, Any]] = []
    policies: dict[str, dict[str, Any]] = {}
    for arn in roles:
        name = arn.rsplit("/", 1)[-1]
        got = c.call("iam", "GetRole", errors, RoleName=name)
        if got is None:
            return
        if not isinstance(got.get("Role"), dict):
            c.lacks(errors, "iam:GetRole", "Role")
            return
        role = dict(got["Role"])
        inline = c.call("iam", "ListRolePolicies", errors, RoleName=name)
        attached = c.call("iam", "ListAttachedRolePolicies", errors, RoleName=name)
        if inline is None or attached is None:
            return
        role["RolePolicyList"] = []
        for policy_name in inline.get("PolicyNames", []):
            doc = c.call("iam", "GetRolePolicy", errors, RoleName=name, PolicyName=policy_name)
            if doc is None:
                return
            if "PolicyDocument" not in doc:
                c.lacks(errors, "iam:GetRolePolicy", "PolicyDocument")
                return
            role["RolePolicyList"].append(
                {"PolicyName": policy_name, "PolicyDocument": doc["PolicyDocument"]}
            )
        role["AttachedManagedPolicies"] = attached.get("AttachedPolicies", [])
        for p in role["AttachedManagedPolicies"]:
            policy_arn = p.get("PolicyArn")
            if not policy_arn:
                c.lacks(errors, "iam:ListAttachedRolePolicies", "PolicyArn")
                continue
            if policy_arn.startswith("arn:aws:iam::aws:") or policy_arn in policies:
                continue  # AWS-managed: netgraph ships their documents
            meta = c.call("iam", "GetPolicy", errors, PolicyArn=policy_arn)
            if meta is None:
                continue
            version = (meta.get("Policy") or {}).get("DefaultVersionId")
            if not version:
                c.lacks(errors, "iam:GetPolicy", "Policy.DefaultVersionId")
                continue
            doc = c.call("iam", "GetPolicyVersion", errors, PolicyArn=policy_arn, VersionId=version)
            if doc is not None and not isinstance(doc.get("PolicyVersion"), dict):
                c.lacks(errors, "iam:GetPolicyVersion", "PolicyVersion")
            elif doc is not None:
                policies[policy_arn] = {
                    "Arn": policy_arn,
                    "PolicyVersionList": [{**doc["PolicyVersion"], "IsDefaultVersion": True}],
                }
        role_list.append(role)
    snap["RoleDetailList"] = role_list
    snap["Policies"] = list(policies.values())
