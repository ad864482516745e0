"""ECS: the services, their stopped tasks and task definitions, for a snapshot; the values
of the containers' ``environment`` variables are dropped unless kept (often secrets)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netgraph.sources.collect import Collector


def collect_ecs(
    c: Collector, clusters: Sequence[str], names: Sequence[str], errors: list[dict[str, str]]
) -> dict[str, Any]:
    """The services (of ``clusters``, named or all), their recently stopped tasks and their
    task definitions, without the containers' environment values unless kept."""
    out: dict[str, Any] = {}
    cluster_list = list(clusters)
    if not cluster_list:
        listed = c.call("ecs", "ListClusters", errors)
        if listed is None:
            return out
        cluster_list = listed.get("clusterArns", [])
    services: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    ok = True
    for cluster in cluster_list:
        arns = list(names)
        if not arns:
            listed = c.call("ecs", "ListServices", errors, cluster=cluster)
            if listed is None:
                ok = False
                continue
            arns = listed.get("serviceArns", [])
        for batch in chunks(arns, 10):
            got = c.call("ecs", "DescribeServices", errors, cluster=cluster, services=batch)
            if got is None:
                ok = False
                continue
            services.extend(got.get("services", []))
        stopped = c.call("ecs", "ListTasks", errors, cluster=cluster, desiredStatus="STOPPED")
        for batch in chunks((stopped or {}).get("taskArns", []), 100):
            got = c.call("ecs", "DescribeTasks", errors, cluster=cluster, tasks=batch)
            tasks.extend(private(c, t) for t in (got or {}).get("tasks", []))
    if ok:
        out["services"] = services
    out["tasks"] = tasks
    definitions: list[dict[str, Any]] = []
    defs_ok = True
    for ref in sorted({s["taskDefinition"] for s in services if s.get("taskDefinition")}):
        got = c.call("ecs", "DescribeTaskDefinition", errors, taskDefinition=ref)
        if got is None:
            defs_ok = False
            continue
        if not isinstance(got.get("taskDefinition"), dict):
            c.lacks(errors, "ecs:DescribeTaskDefinition", "taskDefinition")
            defs_ok = False
            continue
        definitions.append(private(c, got["taskDefinition"]))
    if defs_ok:
        out["taskDefinitions"] = definitions
    return out


def private(c: Collector, item: dict[str, Any]) -> dict[str, Any]:
    """A task definition or a task without its containers' environment values (unless
    kept): in task definitions and in a task's container overrides."""
    if c.keep_environment:
        return item
    out = dict(item)
    if "containerDefinitions" in out:
        out["containerDefinitions"] = [_names_only(d) for d in out["containerDefinitions"]]
    overrides = out.get("overrides")
    if isinstance(overrides, dict) and "containerOverrides" in overrides:
        out["overrides"] = {
            **overrides,
            "containerOverrides": [_names_only(d) for d in overrides["containerOverrides"]],
        }
    return out


def _names_only(container: Any) -> Any:
    if not isinstance(container, dict) or not isinstance(container.get("environment"), list):
        return container
    return {
        **container,
        "environment": [
            {k: v for k, v in e.items() if k != "value"} if isinstance(e, dict) else e
            for e in container["environment"]
        ],
    }


def chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
