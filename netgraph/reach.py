"""Path search: from the flow graph to one verdict, the path that decides it, and the first
hop that drops the packet.

A branch's verdict is its first failing hop (blocked), else its first unknown hop (unknown),
else reachable. Where all children of a node are taken, the worst child decides; where one
of them is taken and we cannot tell which (DNS the snapshot cannot decide), the answer is
certain only if every child agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from netgraph.flow_graph import FlowGraph
from netgraph.flows import Source
from netgraph.hop import Hop, HopKind

Verdict = Literal["reachable", "blocked", "unknown"]
_RANK = {"reachable": 0, "unknown": 1, "blocked": 2}
# The verdicts that pass: a path that is reachable, a permission that is allowed.
PASSING = frozenset({"reachable", "allowed"})


@dataclass(frozen=True)
class Trace:
    """One source x target check: the verdict and the hops that decide it."""

    source: Source
    target: str
    port: int | None
    protocol: str
    verdict: str  # reachable | blocked | unknown | allowed | denied
    hops: tuple[Hop, ...]
    blocked_at: Hop | None
    reason: str
    fix: str | None
    # Some hop admitted only part of the addresses it was asked about: a narrower question
    # (one ENI instead of its whole subnet) may get another answer.
    partial: bool = False
    # What the check could not verify and took as given (service control policies that were
    # not collected, ...): said in the text report and the JSON, never a verdict.
    assumptions: tuple[str, ...] = ()
    # The execution-role check: every call the role may not make, (action, resource).
    # (None: the resource is not known.)
    missing: tuple[tuple[str, str | None], ...] = ()

    def told_for(self, source: Source, head: Hop | None = None) -> Trace:
        """This answer, for another source whose hops are the same but the first: a scan
        computes one trace per configuration and tells it for every source that has it."""
        hops = self.hops
        if head is not None and hops and hops[0].kind == HopKind.SOURCE:
            hops = (head, *hops[1:])
        # A copy with two fields changed, without the frozen dataclass's __init__ (one
        # object.__setattr__ a field): a scan of a large account tells 100,000 answers.
        told = object.__new__(Trace)
        fields = told.__dict__
        fields.update(self.__dict__)
        fields["source"] = source
        fields["hops"] = hops
        return told


PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "-1": "-1"}


@dataclass(frozen=True)
class _Result:
    verdict: Verdict
    path: tuple[Hop, ...]  # from this node down the deciding branch
    decider: Hop | None  # the failing hop (blocked) or the first unknown hop (unknown)


def _solve(flow: FlowGraph, node: int) -> _Result:
    # Most nodes have one child: walk such a chain without recursion, then fold it back.
    hops, children = flow.hops, flow.children
    chain: list[Hop] = []
    while True:
        hop = hops[node]
        kids = children[node]
        if hop.status == "fail":
            result = _Result("blocked", (hop,), hop)
            break
        if not kids:
            if hop.status == "unknown":
                result = _Result("unknown", (hop,), hop)
            else:
                result = _Result("reachable", (hop,), None)
            break
        if len(kids) == 1:
            chain.append(hop)
            node = kids[0]
            continue
        result = _branch(flow, node, hop, kids)
        break
    if not chain:
        return result
    # Fold the chain onto what lies below it, as _above hop by hop would, in one pass.
    path = (*chain, *result.path)
    if result.verdict == "blocked":
        return _Result("blocked", path, result.decider)
    first_unknown = next((h for h in chain if h.status == "unknown"), None)
    if first_unknown is not None:
        return _Result("unknown", path, first_unknown)
    return _Result(result.verdict, path, result.decider)


def _above(hop: Hop, worst: _Result) -> _Result:
    """The verdict at ``hop`` given the deciding result of what lies below it."""
    if worst.verdict == "blocked":
        return _Result("blocked", (hop, *worst.path), worst.decider)
    if hop.status == "unknown":
        return _Result("unknown", (hop, *worst.path), hop)
    return _Result(worst.verdict, (hop, *worst.path), worst.decider)


def _branch(flow: FlowGraph, node: int, hop: Hop, kids: list[int]) -> _Result:
    results = [_solve(flow, c) for c in kids]
    if flow.combine[node] == "any" and len({r.verdict for r in results}) > 1:
        # One of these happens and the snapshot cannot say which.
        first_unknown = next((r for r in results if r.verdict == "unknown"), None)
        pick = first_unknown or next(r for r in results if r.verdict == "reachable")
        # Two branches may read alike (two answers nobody can give, say): each once.
        outcomes = "; ".join(
            dict.fromkeys(
                r.verdict
                + (f" at {r.decider.id}" if r.verdict == "blocked" and r.decider else "")
                + f" if {r.path[0].summary or r.path[0].reason}"
                for r in results
            )
        )
        doubt = Hop(hop.id, hop.kind, "unknown", f"{hop.reason}. Outcomes: {outcomes}", leg=hop.leg)
        return _Result("unknown", (doubt, *pick.path), doubt)
    return _above(hop, max(results, key=lambda r: _RANK[r.verdict]))


def trace(flow: FlowGraph, target: str) -> Trace:
    result = _solve(flow, flow.root)
    blocked_at = result.decider if result.verdict == "blocked" else None
    if result.verdict == "reachable":
        reason = f"every hop admits {_flow(flow)}"
    elif result.decider is not None:
        reason = result.decider.reason
    else:
        reason = ""
    return Trace(
        source=flow.source,
        target=target,
        port=flow.port,
        protocol=flow.protocol,
        verdict=result.verdict,
        hops=result.path,
        blocked_at=blocked_at,
        reason=reason,
        fix=blocked_at.fix if blocked_at is not None else None,
        partial=any(h.partial for h in result.path),
    )


def _flow(flow: FlowGraph) -> str:
    proto = PROTOCOL_NAMES.get(flow.protocol, flow.protocol).upper()
    port = f" {flow.port}" if flow.port is not None and flow.protocol in ("6", "17") else ""
    return f"{proto}{port} to {flow.destination.label}"


__all__ = ["Trace", "trace"]
