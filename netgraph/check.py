"""Compose the layers for `check` and `path`: sources x targets -> traces."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import cast

from netgraph.arns import account_of
from netgraph.cache import (
    Cache,
    configuration,
    keep,
    memo_of,
    question,
    recall,
    template_key,
)
from netgraph.evaluate import dns
from netgraph.evaluate.interfaces import source_hop
from netgraph.flow_graph import FlowGraph
from netgraph.flows import Source, SourceError, known
from netgraph.graph import Destination, build_flow_graph
from netgraph.hop import INTERNET_LABEL, Hop, HopKind
from netgraph.model import TCP, Snapshot
from netgraph.permissions import execution_role_trace
from netgraph.reach import Trace, trace
from netgraph.requirements import (
    ALL_TARGETS,
    DEFAULT_TARGETS,
    IAM_TARGET,
    ApiCall,
    api_calls,
    needs,
)
from netgraph.templates import fill, template


def destination_for_target(target: str, snapshot: Snapshot) -> Destination:
    if target == "internet":
        return Destination("internet", INTERNET_LABEL)
    service = dns.AWS_SERVICES.get(target)
    if service is None:
        raise SourceError(f"unknown target '{target}' (targets: {', '.join(ALL_TARGETS)})")
    return Destination(
        "service", service.host(snapshot.region, dns.host_account(snapshot)), service=service
    )


# What is meant as an address: digits and dots (300.1.1.1, 10.0.1), hex and colons with a
# colon pair or three groups (2001:db8::zz is a name), or either with a /prefix.
_LIKE_ADDRESS = re.compile(
    r"[0-9.]*[0-9][0-9.]*(?:/\d*)?|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(?:/\d*)?"
)


def _refuse_unknown_interface(text: str, snapshot: Snapshot) -> None:
    """An eni-…/i-… the collected NetworkInterfaces/Reservations do not hold is a typo (not
    collected: the destination stays unknown)."""
    held, key = (
        (snapshot.instances, "Reservations")
        if text.startswith("i-")
        else (snapshot.network_interfaces, "NetworkInterfaces")
    )
    if held is not None and text not in held:
        raise SourceError(f"--to {text}: not in the snapshot ({known(held, key)}): check the id")


def parse_destination(text: str, snapshot: Snapshot) -> Destination:
    """`path --to`: an IP, an eni-…/i-…, a target name, or a DNS name."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        address = None
    if address is not None:
        return Destination("address", text, address=address)
    if _LIKE_ADDRESS.fullmatch(text):
        raise SourceError(
            f"--to {text}: not a valid IP address (four numbers 0-255, as 10.0.1.5, or IPv6 "
            "as 2001:db8::5; one address, not a CIDR block)"
        )
    if text.startswith(("eni-", "i-")):
        _refuse_unknown_interface(text, snapshot)
        return Destination("interface", text, interface_id=text)
    if text in dns.AWS_SERVICES or text == "internet":
        return destination_for_target(text, snapshot)
    if "." in text and " " not in text:
        service = dns.service_for_hostname(text, snapshot.region)
        return Destination("hostname", text, service=service)
    raise SourceError(f"--to {text}: not an IP address, eni-…, i-…, target name or DNS name")


# What a task may need when its task definition cannot say: every target it could need but
# kms (the task itself does not call KMS).
POSSIBLE_TARGETS = (*DEFAULT_TARGETS, "secretsmanager", "ssm", "internet")


def undescribed(snapshot: Snapshot, source: Source) -> str | None:
    """Why what a service needs cannot be known: it stands for services that could not be
    listed, or its task definition is absent because the call describing it failed."""
    if source.unknown is not None:
        return source.unknown
    if source.service is None or source.task_definition is not None:
        return None
    service = source.service
    for err in snapshot.collection_errors:
        if err.call == "ecs:DescribeTaskDefinition":
            return (
                f"the task definition {service.task_definition} of service "
                f"{service.name} is not in the snapshot (ecs:DescribeTaskDefinition "
                f"failed: {err.error})"
            )
    # Not collected, or the service names none: what its tasks need is just as unknown.
    if not service.task_definition:
        return f"service {service.name} names no taskDefinition in the snapshot"
    if snapshot.task_definitions is None:
        return (
            f"the task definition {service.task_definition} of service {service.name}: "
            + snapshot.missing_reason("taskDefinitions")
        )
    return (
        f"the task definition {service.task_definition} of service {service.name} is not "
        "in the snapshot (taskDefinitions)"
    )


def targets_for(source: Source, snapshot: Snapshot, chosen: Sequence[str]) -> list[str]:
    if chosen:
        return list(chosen)
    if undescribed(snapshot, source) is not None:
        return [*POSSIBLE_TARGETS, IAM_TARGET]
    if source.task_definition is not None and source.task_definition.unreadable:
        return [*POSSIBLE_TARGETS, IAM_TARGET]
    if source.task_definition is not None:
        platform = source.service.platform_version if source.service else None
        found = [n.target for n in needs(source.task_definition, snapshot.region, platform)]
        return [*found, IAM_TARGET]
    if source.service is not None:
        # The service's task definition is not in the snapshot: check the usual needs.
        return [*DEFAULT_TARGETS, IAM_TARGET]
    return list(DEFAULT_TARGETS)


def _calls(snapshot: Snapshot, source: Source) -> tuple[tuple[ApiCall, ...], str | None]:
    td = source.task_definition
    if td is None:
        return (), None
    account = snapshot.account_id or account_of(td.execution_role_arn)
    memo = memo_of(snapshot)
    key = ("api-calls", td.arn, account)  # services share a few task definitions
    calls = memo.get(key)
    if calls is None:
        calls = memo[key] = tuple(api_calls(td, snapshot.region, account))
    return cast(tuple[ApiCall, ...], calls), td.execution_role_arn


def _destination(
    snapshot: Snapshot, target: str, calls: tuple[ApiCall, ...], role: str | None
) -> Destination:
    """A target with the requests a task sends to it (a scan asks the same few again and
    again: kept with the snapshot)."""
    memo = memo_of(snapshot)
    key = ("destination", target, calls, role)
    found = memo.get(key)
    if not isinstance(found, Destination):
        found = memo[key] = replace(
            destination_for_target(target, snapshot), calls=calls, role_arn=role
        )
    return found


def _template(
    snapshot: Snapshot,
    source: Source,
    dest: Destination,
    asked: tuple[object, ...],
    port: int,
    cache: Cache,
) -> FlowGraph:
    """The flow graph of every source placed as this one (subnet, public IP, address), for
    this question, with its security-group hops left to ``fill``: built once."""
    key = template_key(source, asked)
    found = recall(cache, key, source)
    if isinstance(found, FlowGraph):
        return found
    flow = template(snapshot, source, dest, protocol=TCP, port=port)
    keep(cache, key, source, flow, flow.kind_used)
    return flow


def check_source(
    snapshot: Snapshot,
    source: Source,
    chosen: Sequence[str] = (),
    *,
    port: int = 443,
    cache: Cache | None = None,
) -> list[Trace]:
    """Every target of one source; the execution-role check last, as it uses the paths.

    With ``cache``, traces of equivalent sources (same subnet, security groups, public IP,
    address, requests) are computed once: the whole-account scan relies on it.
    """
    calls, role = _calls(snapshot, source)
    targets = targets_for(source, snapshot, chosen)
    if source.unknown is not None:
        hop = Hop(source.id, HopKind.SOURCE, "unknown", source.unknown)
        return [
            Trace(source, t, None, "", "unknown", (hop,), None, source.unknown, None)
            if t == IAM_TARGET
            else Trace(source, t, port, TCP, "unknown", (hop,), None, source.unknown, None)
            for t in targets
        ]
    network: dict[str, Trace] = {}
    head: list[Hop] = []  # this source's first hop, made once and only when needed
    config = configuration(source)

    def network_trace(target: str) -> Trace:
        asked = question(snapshot, target, calls, role, port)
        key = (*config, *asked)
        cached = recall(cache, key, source) if cache is not None else None
        if isinstance(cached, Trace):
            if cached.source is source:
                return cached
            if not head:
                head.append(source_hop(snapshot, source))
            return cached.told_for(source, head[0])
        dest = _destination(snapshot, target, calls, role)
        if cache is None:
            flow = build_flow_graph(snapshot, source, dest, protocol=TCP, port=port)
        else:
            if not head:
                head.append(source_hop(snapshot, source))
            shared = _template(snapshot, source, dest, asked, port, cache)
            flow = fill(snapshot, shared, source, head[0])
        result = _explained(snapshot, _dns_assumed(snapshot, source, trace(flow, target)))
        if cache is not None:
            keep(cache, key, source, result, flow.kind_used)
        return result

    for target in targets:
        if target != IAM_TARGET:
            network[target] = network_trace(target)
    if IAM_TARGET in targets:
        # Where a call travels (an endpoint or not) sets aws:SourceVpce for its policies.
        for target in sorted({c.target for c in calls} - set(network)):
            network[target] = network_trace(target)
        paths = tuple(
            (t, tr.verdict, next((h.id for h in tr.hops if h.kind.endswith("-endpoint")), ""))
            for t, tr in sorted(network.items())
        )
        td = source.task_definition
        key = (
            "iam",
            td.arn if td else source.service.task_definition if source.service else source.id,
            paths,
        )
        hit = cache.get(key) if cache is not None else None
        if isinstance(hit, Trace):
            iam_trace = hit.told_for(source)
        else:
            iam_trace = execution_role_trace(snapshot, source, network)
            if cache is not None:
                cache[key] = iam_trace
    traces = [iam_trace if t == IAM_TARGET else network[t] for t in targets]
    why = None if chosen else undescribed(snapshot, source)
    if why is not None:
        # Its targets are the possible ones, and each may not be needed at all.
        return [
            replace(t, reason=f"{why}, so its execution role is unknown")
            if t.target == IAM_TARGET and t.verdict == "unknown"
            else _undecided(t, why)
            for t in traces
        ]
    td = source.task_definition
    if td is not None and td.unreadable:
        return [_undecided(t, td.unreadable) for t in traces]
    return traces


def _undecided(found: Trace, why: str) -> Trace:
    """A check whose target may not be needed at all: neither its pass nor its failure
    decides anything."""
    if found.verdict == "unknown":
        return found
    reason = (
        f"{why}, so whether the task needs {found.target} cannot be derived "
        f"(on its own: {found.verdict}, {found.reason})"
    )
    return replace(found, verdict="unknown", blocked_at=None, reason=reason, fix=None)


def check_path(
    snapshot: Snapshot, source: Source, to: str, *, protocol: str, port: int | None
) -> Trace:
    dest = parse_destination(to, snapshot)
    flow = build_flow_graph(snapshot, source, dest, protocol=protocol, port=port)
    return _dns_assumed(snapshot, source, trace(flow, to))


def _explained(snapshot: Snapshot, found: Trace) -> Trace:
    """An unknown check whose deciding hop names a value the input leaves unresolved (a
    plan's value known only after apply) gives the input's reason (Snapshot.explain)."""
    if found.verdict != "unknown" or not snapshot.unresolved:
        return found
    why = snapshot.explain(found.reason)
    return found if why == found.reason else replace(found, reason=why)


def _dns_assumed(snapshot: Snapshot, source: Source, found: Trace) -> Trace:
    """A check that resolved a name, with what its resolution took as given (Route 53 keys
    that were not collected: dns.assumptions)."""
    if not any(h.kind == HopKind.DNS for h in found.hops):
        return found
    subnet = (snapshot.subnets or {}).get(source.subnet_id)
    assumed = dns.assumptions(snapshot, subnet.vpc_id if subnet else None)
    return replace(found, assumptions=(*found.assumptions, *assumed)) if assumed else found


def exit_code(traces: Sequence[Trace]) -> int:
    verdicts = {t.verdict for t in traces}
    if verdicts & {"blocked", "denied"}:
        return 1
    if "unknown" in verdicts:
        return 3
    return 0
