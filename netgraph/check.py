"""Compose the layers for `check` and `path`: sources x targets -> traces."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from netgraph.evaluate import dns
from netgraph.flows import Source, SourceError
from netgraph.graph import Destination, build_flow_graph
from netgraph.model import TCP, Snapshot
from netgraph.reach import Trace, trace, unknown_trace
from netgraph.requirements import ALL_TARGETS, DEFAULT_TARGETS, IAM_TARGET, needs


def destination_for_target(target: str, snapshot: Snapshot) -> Destination:
    if target == "internet":
        return Destination("internet", "the internet")
    service = dns.AWS_SERVICES.get(target)
    if service is None:
        raise SourceError(f"unknown target '{target}' (targets: {', '.join(ALL_TARGETS)})")
    return Destination(
        "service", service.host(snapshot.region, snapshot.account_id), service=service
    )


def parse_destination(text: str, snapshot: Snapshot) -> Destination:
    """`path --to`: an IP, an eni-…/i-…, a target name, or a DNS name."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        address = None
    if address is not None:
        return Destination("address", text, address=address)
    if text.startswith(("eni-", "i-")):
        return Destination("interface", text, interface_id=text)
    if text in dns.AWS_SERVICES or text == "internet":
        return destination_for_target(text, snapshot)
    if "." in text and " " not in text:
        service = dns.service_for_hostname(text, snapshot.region)
        return Destination("hostname", text, service=service)
    raise SourceError(f"--to {text}: not an IP address, eni-…, i-…, target name or DNS name")


def targets_for(source: Source, snapshot: Snapshot, chosen: Sequence[str]) -> list[str]:
    if chosen:
        return list(chosen)
    if source.task_definition is not None:
        platform = source.service.platform_version if source.service else None
        found = [n.target for n in needs(source.task_definition, snapshot.region, platform)]
        return [*found, IAM_TARGET]
    if source.service is not None:
        # The service's task definition is not in the snapshot: check the usual needs.
        return [*DEFAULT_TARGETS, IAM_TARGET]
    return list(DEFAULT_TARGETS)


def _iam_trace(source: Source, snapshot: Snapshot) -> Trace:
    td = source.task_definition
    if td is None:
        hop_id = source.service.task_definition if source.service else source.id
        why = (
            f"the task definition {hop_id} is not in the snapshot (taskDefinitions), so its "
            "execution role is unknown"
            if source.service
            else "no task definition: the execution role is unknown"
        )
        return unknown_trace(source, IAM_TARGET, why, hop_id or source.id, "task-definition")
    role = td.execution_role_arn or td.arn
    why = (
        (
            f"the permissions of execution role {td.execution_role_arn} are not evaluated yet "
            "(planned: the permissions check)"
        )
        if td.execution_role_arn
        else (
            f"{td.arn} sets no executionRoleArn; the permissions check that judges it is not "
            "implemented yet"
        )
    )
    return unknown_trace(source, IAM_TARGET, why, role, "iam-role")


def check_source(
    snapshot: Snapshot, source: Source, chosen: Sequence[str] = (), *, port: int = 443
) -> list[Trace]:
    traces = []
    for target in targets_for(source, snapshot, chosen):
        if target == IAM_TARGET:
            traces.append(_iam_trace(source, snapshot))
            continue
        dest = destination_for_target(target, snapshot)
        flow = build_flow_graph(snapshot, source, dest, protocol=TCP, port=port)
        traces.append(trace(flow, target))
    return traces


def check_path(
    snapshot: Snapshot, source: Source, to: str, *, protocol: str, port: int | None
) -> Trace:
    dest = parse_destination(to, snapshot)
    flow = build_flow_graph(snapshot, source, dest, protocol=protocol, port=port)
    return trace(flow, to)


def exit_code(traces: Sequence[Trace]) -> int:
    verdicts = {t.verdict for t in traces}
    if verdicts & {"blocked", "denied"}:
        return 1
    if "unknown" in verdicts:
        return 3
    return 0
