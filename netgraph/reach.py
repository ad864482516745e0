"""Path search: from the flow graph to one verdict, the path that decides it, and the first
hop that drops the packet.

A branch's verdict is its first failing hop (blocked), else its first unknown hop (unknown),
else reachable. Where all children of a node are taken, the worst child decides; where one
of them is taken and we cannot tell which (DNS the snapshot cannot decide), the answer is
certain only if every child agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from netgraph.flows import Source
from netgraph.graph import FlowGraph, Hop

Verdict = Literal["reachable", "blocked", "unknown"]
_RANK = {"reachable": 0, "unknown": 1, "blocked": 2}


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

    def to_json(self) -> dict[str, Any]:
        blocked = None
        if self.blocked_at is not None:
            blocked = {
                "id": self.blocked_at.id,
                "kind": self.blocked_at.kind,
                "reason": self.blocked_at.reason,
            }
            if self.blocked_at.code:
                blocked["code"] = self.blocked_at.code
        return {
            "source": self.source.to_json(),
            "target": self.target,
            "port": self.port,
            "protocol": _PROTOCOL_NAMES.get(self.protocol, self.protocol) or None,
            "verdict": self.verdict,
            "blocked_at": blocked,
            "reason": self.reason,
            "path": [
                {
                    "id": h.id,
                    "kind": h.kind,
                    "verdict": h.status,
                    "reason": h.reason,
                    **({"leg": h.leg} if h.leg != "forward" else {}),
                }
                for h in self.hops
            ],
            "fix": self.fix,
        }


_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "-1": "-1"}


@dataclass(frozen=True)
class _Result:
    verdict: Verdict
    path: tuple[Hop, ...]  # from this node down the deciding branch
    decider: Hop | None  # the failing hop (blocked) or the first unknown hop (unknown)


def _solve(g: nx.DiGraph, node: int) -> _Result:
    hop: Hop = g.nodes[node]["hop"]
    children = list(g.successors(node))
    if hop.status == "fail":
        return _Result("blocked", (hop,), hop)
    if not children:
        if hop.status == "unknown":
            return _Result("unknown", (hop,), hop)
        return _Result("reachable", (hop,), None)
    results = [_solve(g, c) for c in children]
    if g.nodes[node]["combine"] == "any" and len({r.verdict for r in results}) > 1:
        # One of these happens and the snapshot cannot say which.
        first_unknown = next((r for r in results if r.verdict == "unknown"), None)
        pick = first_unknown or next(r for r in results if r.verdict == "reachable")
        outcomes = "; ".join(
            r.verdict
            + (f" at {r.decider.id}" if r.verdict == "blocked" and r.decider else "")
            + f" if {r.path[0].summary or r.path[0].reason}"
            for r in results
        )
        doubt = Hop(hop.id, hop.kind, "unknown", f"{hop.reason}. Outcomes: {outcomes}", leg=hop.leg)
        return _Result("unknown", (doubt, *pick.path), doubt)
    worst = max(results, key=lambda r: _RANK[r.verdict])
    if worst.verdict == "blocked":
        return _Result("blocked", (hop, *worst.path), worst.decider)
    if hop.status == "unknown":
        return _Result("unknown", (hop, *worst.path), hop)
    return _Result(worst.verdict, (hop, *worst.path), worst.decider)


def trace(flow: FlowGraph, target: str) -> Trace:
    result = _solve(flow.graph, flow.root)
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
    )


def _flow(flow: FlowGraph) -> str:
    proto = _PROTOCOL_NAMES.get(flow.protocol, flow.protocol).upper()
    port = f" {flow.port}" if flow.port is not None and flow.protocol in ("6", "17") else ""
    return f"{proto}{port} to {flow.destination.label}"


__all__ = ["Trace", "trace"]
