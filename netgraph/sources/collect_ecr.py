"""ECR: the repositories of the task definitions' images and their policies, for a
snapshot (repositories, RepositoryPolicies)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netgraph.arns import repository_arn

if TYPE_CHECKING:
    from netgraph.sources.collect import Collector


def collect_ecr(
    c: Collector, snap: dict[str, Any], region: str, errors: list[dict[str, str]]
) -> None:
    """The ECR repositories of the images (in the region) and their repository policies."""
    repos: dict[str, set[str]] = {}
    for td in snap.get("taskDefinitions", []):
        for container in td.get("containerDefinitions", []):
            arn = repository_arn(container.get("image", ""))
            if arn and arn.split(":")[3] == region:
                account, name = arn.split(":")[4], arn.split("/", 1)[1]
                repos.setdefault(account, set()).add(name)
    if not repos:
        return
    found: list[dict[str, Any]] = []
    policies: list[dict[str, Any]] = []
    complete = True
    for account, names in sorted(repos.items()):
        got = c.call(
            "ecr",
            "DescribeRepositories",
            errors,
            registryId=account,
            repositoryNames=sorted(names),
        )
        if got is None:
            complete = False
            continue
        found.extend(got.get("repositories", []))
        for name in sorted(names):
            policy = c.call(
                "ecr",
                "GetRepositoryPolicy",
                errors,
                absent="RepositoryPolicyNotFoundException",
                registryId=account,
                repositoryName=name,
            )
            if policy is None:
                complete = False
            elif policy:  # {}: no policy; collected, and there is none
                policies.append(policy)
    snap["repositories"] = found
    if complete:
        snap["RepositoryPolicies"] = policies
