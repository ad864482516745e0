"""The whole account at once: every ECS service (and with ``all_enis`` every ENI) against
the targets it needs, with the work done once per distinct configuration.

A hop's verdict depends on the subnet, the security groups, the public IP and the target,
not on which task it is: ``check_source`` memoizes at that grain. ENIs are first checked as
"any address of their subnet"; that answer holds for each address unless some hop admitted
only part of the subnet (``Hop.partial``), and only then is the ENI checked again with its
own address.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from netgraph.cache import answer_configuration, configuration, placement, template_placement
from netgraph.check import check_source
from netgraph.evaluate.interfaces import source_hop
from netgraph.fixes import fixes as fixes_of
from netgraph.flow_graph import FlowGraph
from netgraph.flows import Scope, Source, eni_source, service_sources
from netgraph.gc_pause import collector_paused
from netgraph.model import Snapshot
from netgraph.reach import Trace

# ENIs that AWS services own and that send nothing of their own.
MANAGED_INTERFACE_TYPES = frozenset(
    {
        "vpc_endpoint",
        "nat_gateway",
        "network_load_balancer",
        "gateway_load_balancer",
        "gateway_load_balancer_endpoint",
        "transit_gateway",
        "load_balancer",
        "api_gateway_managed",
        "efs",
        "quicksight",
        "iot_rules_managed",
        "global_accelerator_managed",
        "trunk",
    }
)


@dataclass(frozen=True)
class ScanResult:
    traces: tuple[Trace, ...]
    sources: int
    services: int
    enis: int
    distinct: int  # traces actually computed (the rest were told from these)


def scan(
    snapshot: Snapshot,
    *,
    all_enis: bool = False,
    targets: Sequence[str] = (),
    within: Scope | None = None,
) -> ScanResult:
    with collector_paused():
        return _scan(snapshot, all_enis, targets, within or Scope())


class _ScanCache(dict[tuple[object, ...], Trace | FlowGraph | str]):
    """The scan's cache, which knows the keys of each placement's templates and of each
    configuration's answers so that it can drop them. A template is the flow graph of a
    placement and a target, kept for the other sources placed there; with a placement per
    source (a service naming 100,000 subnets) they outgrew the checks themselves. An answer
    is kept for the other sources of its configuration; once the last ENI of it is told,
    what is told is in the result, and the answer only adds to the peak."""

    def __init__(self) -> None:
        super().__init__()
        self.templates: dict[tuple[object, ...], list[tuple[object, ...]]] = {}
        self.answers: dict[tuple[object, ...], list[tuple[object, ...]]] = {}
        self.computed = 0  # answers worked out (the rest were told from these)

    def __setitem__(self, key: tuple[object, ...], value: Trace | FlowGraph | str) -> None:
        super().__setitem__(key, value)
        self.computed += isinstance(value, Trace)
        where = template_placement(key)
        if where is not None:
            self.templates.setdefault(where, []).append(key)
            return
        config = answer_configuration(key)
        if config is not None:
            self.answers.setdefault(config, []).append(key)

    def forget(self, where: tuple[object, ...]) -> None:
        for key in self.templates.pop(where, ()):
            self.pop(key, None)

    def forget_answers(self, config: tuple[object, ...]) -> None:
        for key in self.answers.pop(config, ()):
            self.pop(key, None)


def _scan(snapshot: Snapshot, all_enis: bool, targets: Sequence[str], within: Scope) -> ScanResult:
    cache = _ScanCache()
    traces: list[Trace] = []
    sources = [s for s in service_sources(snapshot) if within.holds(snapshot, s)]
    exacts: list[Source] = []
    if all_enis:
        for eni in (snapshot.network_interfaces or {}).values():
            if eni.interface_type in MANAGED_INTERFACE_TYPES or eni.subnet_id is None:
                continue
            exact = eni_source(snapshot, eni.id)
            if within.holds(snapshot, exact):
                exacts.append(exact)
    # How many sources left to check have each placement: at none, its templates go.
    left = Counter(placement(s) for s in sources)
    left.update(placement(e, any_address=True) for e in exacts)

    def done(where: tuple[object, ...]) -> None:
        left[where] -= 1
        if left[where] <= 0:
            cache.forget(where)

    for src in sources:
        traces.extend(check_source(snapshot, src, targets, cache=cache))
        done(placement(src))
    # ENIs of one configuration share their subnet-wide answers: ask once per configuration.
    subnet_wide: dict[tuple[object, ...], list[Trace]] = {}
    configs_left = Counter(configuration(e, any_address=True) for e in exacts)
    for exact in exacts:
        config = configuration(exact, any_address=True)
        shared = subnet_wide.get(config)
        if shared is None:
            wide = replace(exact, address=None)
            shared = subnet_wide[config] = check_source(snapshot, wide, targets, cache=cache)
        head = source_hop(snapshot, exact)
        for t in shared:
            if exact.address is None or not t.partial:
                traces.append(t.told_for(exact, head))
            else:
                traces.extend(check_source(snapshot, exact, [t.target], cache=cache))
                cache.forget(placement(exact))  # an address is one ENI's
        done(placement(exact, any_address=True))
        configs_left[config] -= 1
        if configs_left[config] == 0:
            # No ENI left to tell these answers to: they need not wait for the scan's end.
            del subnet_wide[config]
            cache.forget_answers(config)
    return ScanResult(
        tuple(traces),
        len(sources) + len(exacts),
        len({s.service.arn for s in sources if s.service}),
        len(exacts),
        cache.computed,
    )


def _vpc_of(snapshot: Snapshot, source: Source) -> str:
    subnet = (snapshot.subnets or {}).get(source.subnet_id)
    return subnet.vpc_id if subnet else "?"


def _who(source: Source) -> str:
    return f"service {source.service.name}" if source.service else source.id


def summary(snapshot: Snapshot, result: ScanResult) -> dict[str, Any]:
    by_target: dict[str, Counter[str]] = defaultdict(Counter)
    by_vpc: dict[str, Counter[str]] = defaultdict(Counter)
    blocking: dict[str, dict[str, Any]] = {}
    for t in result.traces:
        by_target[t.target][t.verdict] += 1
        by_vpc[_vpc_of(snapshot, t.source)][t.verdict] += 1
        if t.blocked_at is not None:
            entry = blocking.setdefault(
                t.blocked_at.id,
                {
                    "id": t.blocked_at.id,
                    "kind": t.blocked_at.kind,
                    "checks": 0,
                    "services": set(),
                    "enis": set(),
                    "targets": set(),
                    "reason": t.blocked_at.reason,
                    "fix": t.fix,
                },
            )
            entry["checks"] += 1
            (entry["services"] if t.source.service else entry["enis"]).add(_who(t.source))
            entry["targets"].add(t.target)
    # One fix per cause: a hop that blocks several targets is mended by the fix that covers
    # them all (the missing endpoints of a VPC together), not by its first check's.
    by_check = {i: f for f in fixes_of(snapshot, result.traces) for i in f.resolves}
    covering: dict[str, dict[str, str]] = defaultdict(dict)
    for i, t in enumerate(result.traces):
        fix = by_check.get(i)
        if fix is not None and t.blocked_at is not None:
            covering[t.blocked_at.id][fix.id] = fix.text
    for hop_id, entry in blocking.items():
        if covering.get(hop_id):
            entry["fix"] = "; and ".join(covering[hop_id].values())
            entry["fixes"] = list(covering[hop_id])
    top = sorted(blocking.values(), key=lambda e: (-e["checks"], e["id"]))
    return {
        "sources": result.sources,
        "services": result.services,
        "enis": result.enis,
        "checks": len(result.traces),
        "distinct_checks": result.distinct,
        "by_target": {k: dict(v) for k, v in sorted(by_target.items())},
        "by_vpc": {k: dict(v) for k, v in sorted(by_vpc.items())},
        "blocking": [
            {
                **e,
                "services": len(e["services"]),
                "enis": len(e["enis"]),
                "targets": sorted(e["targets"]),
            }
            for e in top
        ],
    }
