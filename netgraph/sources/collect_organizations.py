"""The AWS Organizations keys of a snapshot, collected: the organization, the account's chain of
parents up to the root, the service and resource control policies attached along it, and
those policies' documents (the shapes ``sources/organizations.py`` reads; README "Making a
snapshot").

The management account, or a delegated administrator, may read them; a member account may
usually call only DescribeOrganization. A call that fails is a ``CollectionErrors`` entry and
its key stays absent: the execution-role check then says what it assumed (an SCP or an RCP
could still deny). AWS:
https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
("AWSOrganizationsNotInUseException": the account is in no organization, ``{}``),
API_ListParents.html, API_ListPoliciesForTarget.html, API_DescribePolicy.html. A policy type
that is not enabled is no error of ListPoliciesForTarget (PolicyTypeNotEnabledException is
not among its documented errors; disabling a type detaches its policies): its lists come back
empty and are kept as such. Any error, that one included, is recorded like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netgraph.sources.collect import Collector

# The policy type each key lists (ListPoliciesForTarget's Filter).
FILTERS = (
    ("ServiceControlPoliciesForTarget", "SERVICE_CONTROL_POLICY"),
    ("ResourceControlPoliciesForTarget", "RESOURCE_CONTROL_POLICY"),
)
# Root, five levels of OUs and the account, with room: a loop in the replies stops here.
MAX_DEPTH = 10


def collect_organizations(c: Collector, snap: dict[str, Any], errors: list[dict[str, str]]) -> None:
    """Organization, OrganizationParents, Service/ResourceControlPoliciesForTarget and
    OrganizationPolicies, for the execution roles' account. Nothing is asked when no task
    definition names an execution role (no check reads them) or the account is unknown."""
    account = snap.get("AccountId")
    roles = [td for td in snap.get("taskDefinitions", []) if td.get("executionRoleArn")]
    if not roles or not isinstance(account, str):
        return
    got = c.call(
        "organizations",
        "DescribeOrganization",
        errors,
        absent="AWSOrganizationsNotInUseException",
    )
    if got is None:
        return
    if not got:  # the account belongs to no organization
        snap["Organization"] = {}
        return
    if not isinstance(got.get("Organization"), dict):
        c.lacks(errors, "organizations:DescribeOrganization", "Organization")
        return
    snap["Organization"] = got["Organization"]
    chain = _parents(c, snap, account, errors)
    if chain is None:
        return  # without the path to the root, the attached policies decide nothing
    ids: list[str] = []
    for key, kind in FILTERS:
        listed = _attached(c, chain, kind, errors)
        if listed is not None:
            snap[key], found = listed
            ids.extend(found)
    policies: list[dict[str, Any]] = []
    for policy_id in dict.fromkeys(ids):
        described = c.call("organizations", "DescribePolicy", errors, PolicyId=policy_id)
        if described is None:
            return
        if not isinstance(described.get("Policy"), dict):
            c.lacks(errors, "organizations:DescribePolicy", "Policy")
            return
        policies.append(described["Policy"])
    snap["OrganizationPolicies"] = policies


def _attached(
    c: Collector, chain: list[str], kind: str, errors: list[dict[str, str]]
) -> tuple[dict[str, Any], list[str]] | None:
    """ListPoliciesForTarget of one policy type at each target of the chain (target id ->
    the reply, pages merged) and the policy ids they name; None when a call fails."""
    replies: dict[str, Any] = {}
    ids: list[str] = []
    for target in chain:
        got = c.call("organizations", "ListPoliciesForTarget", errors, TargetId=target, Filter=kind)
        if got is None:
            return None
        for summary in got.get("Policies", []):
            if not isinstance(summary, dict) or not isinstance(summary.get("Id"), str):
                c.lacks(errors, "organizations:ListPoliciesForTarget", "Policies[].Id")
                return None
            ids.append(summary["Id"])
        replies[target] = got
    return replies, ids


def _parents(
    c: Collector, snap: dict[str, Any], account: str, errors: list[dict[str, str]]
) -> list[str] | None:
    """ListParents from the account up to the root (``r-…``): the target ids of the chain,
    the account first; None (OrganizationParents left absent) when a step fails."""
    chain = [account]
    replies: dict[str, Any] = {}
    while not chain[-1].startswith("r-"):
        if len(chain) > MAX_DEPTH:
            c.lacks(errors, "organizations:ListParents", "a path to the root")
            return None
        got = c.call("organizations", "ListParents", errors, ChildId=chain[-1])
        if got is None:
            return None
        parents = got.get("Parents")
        if (
            not isinstance(parents, list)
            or len(parents) != 1
            or not isinstance(parents[0], dict)
            or not isinstance(parents[0].get("Id"), str)
            or parents[0]["Id"] in chain
        ):
            c.lacks(errors, "organizations:ListParents", "Parents[].Id (one parent)")
            return None
        replies[chain[-1]] = got
        chain.append(parents[0]["Id"])
    snap["OrganizationParents"] = replies
    return chain
