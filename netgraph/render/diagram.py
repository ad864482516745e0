"""The picture of a check run, as a networkx graph: what DOT writes and the PNG draws.

One band per source; in it the hops of every target, left to right in the order the packet
meets them, each hop drawn once however many targets pass through it. A node carries the
AWS id, the kind, the verdict and the reason; an edge carries the targets that take it.
Placing is structural (a node's column is its longest distance from the source), so the
picture of the same run is always the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

import networkx as nx

from netgraph.reach import Trace
from netgraph.render.format import Report

IAM_PREFIX = "iam:"

KIND_LABELS = {
    "source": "source",
    "dns": "DNS",
    "security-group-egress": "SG egress",
    "security-group-ingress": "SG ingress",
    "network-acl-outbound": "NACL out",
    "network-acl-inbound": "NACL in",
    "route-table": "route table",
    "internet-gateway": "internet gw",
    "nat-gateway": "NAT gw",
    "gateway-endpoint": "gateway endpoint",
    "interface-endpoint": "interface endpoint",
    "aws-service": "service",
    "internet": "internet",
    "address": "address",
    "network-interface": "ENI",
    "instance": "instance",
    "igw": "internet gateway",
    "nat": "NAT gateway",
    "tgw": "transit gateway",
    "pcx": "peering connection",
    "vgw": "virtual private gateway",
    "eigw": "egress-only internet gw",
    "vpc": "VPC",
    "subnet": "subnet",
    "iam-trust-policy": "trust policy",
    "iam-permission": "permission",
    "iam-role": "role",
    "task-definition": "task definition",
    "target": "target",
}


def short_id(aws_id: str, limit: int = 22) -> str:
    """Shorten for the picture (the DOT keeps the whole id): ARNs to their last part,
    long ids to head…tail."""
    text = aws_id
    if text.startswith("com.amazonaws."):  # com.amazonaws.REGION.ecr.api -> ecr.api
        text = ".".join(text.split(".")[3:]) or text
    if text.startswith("arn:"):
        text = text.split(":", 5)[-1].split("/")[-1] or text
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[-keep:]}"


def _source_label(t: Trace) -> str:
    s = t.source
    if s.service is not None:
        return f"{s.service.name} in {s.subnet_id}"
    return s.label


def check_graph(traces: Sequence[Trace], title: str) -> nx.DiGraph:
    g = nx.DiGraph(title=title)
    for band, (_, group) in enumerate(groupby(traces, key=lambda t: t.source)):
        checks = list(group)
        root = f"b{band}:source"
        src = checks[0].source
        g.add_node(
            root,
            aws_id=src.id,
            kind="source",
            verdict="pass",
            reason=src.label,
            band=band,
            label=src.service.name if src.service else short_id(src.id),
            heading=_source_label(checks[0]),
            targets="",
        )
        for t in checks:
            if t.target.startswith(IAM_PREFIX):
                _add_iam(g, band, root, t)
            else:
                _add_path(g, band, root, t)
    _place(g)
    return g


def _node(
    g: nx.DiGraph,
    band: int,
    kind: str,
    aws_id: str,
    verdict: str,
    reason: str,
    leg: str,
    target: str,
    blocked: bool = False,
    occurrence: int = 0,
) -> str:
    # One path may cross the same NACL twice (the task subnet, then the NAT gateway's when
    # they share it): each crossing is a hop of its own.
    key = f"b{band}:{kind}:{leg}:{verdict}:{aws_id}" + (f"#{occurrence}" if occurrence else "")
    if key not in g:
        g.add_node(
            key,
            aws_id=aws_id,
            kind=kind,
            verdict=verdict,
            reason=reason,
            band=band,
            leg=leg,
            label=short_id(aws_id),
            targets=target,
            blocked=blocked,
        )
    else:
        data = g.nodes[key]
        if target not in data["targets"].split(","):
            data["targets"] += f",{target}"
        data["blocked"] = data.get("blocked", False) or blocked
    return key


def _edge(g: nx.DiGraph, a: str, b: str, target: str, style: str = "solid") -> None:
    if g.has_edge(a, b):
        g.edges[a, b]["targets"] += f",{target}"
    else:
        g.add_edge(a, b, targets=target, style=style)


def _add_path(g: nx.DiGraph, band: int, root: str, t: Trace) -> None:
    prev = root
    seen: dict[tuple[str, str, str], int] = {}
    # An unknown check: say why at the hop that decides it, as a blocked one does.
    why = (
        next((h for h in t.hops if h.status == "unknown"), None) if t.verdict == "unknown" else None
    )
    for hop in t.hops[1:]:
        n = seen.get((hop.kind, hop.leg, hop.id), 0)
        seen[(hop.kind, hop.leg, hop.id)] = n + 1
        blocked = t.blocked_at is hop
        key = _node(
            g, band, hop.kind, hop.id, hop.status, hop.reason, hop.leg, t.target, blocked, n
        )
        if hop is why:
            g.nodes[key]["explain"] = True
        _edge(g, prev, key, t.target)
        prev = key
    if t.verdict != "reachable":
        # Where the packet was going: drawn, but not reached.
        end = _node(
            g,
            band,
            "target",
            t.target,
            "not-reached",
            f"{t.target} is not reached",
            "forward",
            t.target,
        )
        _edge(g, prev, end, t.target, style="dotted")


def _add_iam(g: nx.DiGraph, band: int, root: str, t: Trace) -> None:
    """The role, then each policy that decides a call, side by side, then the check."""
    first, rest = t.hops[0], t.hops[1:]
    head = _node(
        g,
        band,
        first.kind,
        first.id,
        first.status,
        first.reason,
        "forward",
        t.target,
        t.blocked_at is first,
    )
    _edge(g, root, head, t.target)
    verdict = {"allowed": "pass", "denied": "not-reached", "unknown": "unknown"}[t.verdict]
    end = _node(g, band, "target", t.target, verdict, t.reason, "forward", t.target)
    if not rest:
        _edge(g, head, end, t.target, style="solid" if verdict == "pass" else "dotted")
    for hop in rest:
        key = _node(
            g,
            band,
            hop.kind,
            hop.id,
            hop.status,
            hop.reason,
            "forward",
            t.target,
            t.blocked_at is hop,
        )
        _edge(g, head, key, t.target)
        _edge(g, key, end, t.target, style="solid" if hop.status == "pass" else "dotted")


def _place(g: nx.DiGraph) -> None:
    """Column: longest distance from the band's source. Row: order of arrival per column."""
    order = list(nx.topological_sort(g))
    column: dict[str, int] = {}
    for node in order:
        preds = list(g.predecessors(node))
        column[node] = 1 + max((column[p] for p in preds), default=-1)
    rows: dict[tuple[int, int], int] = {}
    for node in g.nodes:  # insertion order: paths in the order of the report
        band = g.nodes[node]["band"]
        col = column[node]
        g.nodes[node]["col"] = col
        g.nodes[node]["row"] = rows.get((band, col), 0)
        # A hop whose reason is written under it keeps the row below free for the text.
        explained = g.nodes[node].get("blocked") or g.nodes[node].get("explain")
        rows[(band, col)] = g.nodes[node]["row"] + (2 if explained else 1)
    g.graph["columns"] = 1 + max(column.values(), default=0)
    bands = 1 + max((g.nodes[n]["band"] for n in g.nodes), default=-1)
    g.graph["band_rows"] = [
        max((r for (b, _), r in rows.items() if b == band), default=1) for band in range(bands)
    ]


# verdict -> (fill, edge colour, line style), shared by the PNG, the SVG and the DOT
PALETTE: dict[str, tuple[str, str, str]] = {
    "pass": ("#e8f5e9", "#2e7d32", "solid"),
    "fail": ("#ffcdd2", "#c62828", "solid"),
    "unknown": ("#eeeeee", "#757575", "dashed"),
    "not-reached": ("#ffffff", "#9e9e9e", "dotted"),
}
BLOCKED_RGB = (0xC6, 0x28, 0x28)  # the outline of the blocking hop: tests look for it


def check_title(report: Report) -> str:
    """The picture's title: the account, Region, VPCs and services of the checks."""
    snap, traces = report.snapshot, report.traces
    subnets = snap.subnets or {}
    vpcs = sorted(
        {subnets[t.source.subnet_id].vpc_id for t in traces if t.source.subnet_id in subnets}
    )
    services = sorted({t.source.service.name for t in traces if t.source.service})
    parts = [
        f"account {snap.account_id}" if snap.account_id else "",
        snap.region,
        ", ".join(vpcs),
        f"service {', '.join(services)}" if services else "",
    ]
    return "netgraph check · " + " · ".join(p for p in parts if p)


def picture_of(report: Report) -> nx.DiGraph:
    """The graph the picture formats draw: the report's own (draw's topology), else the
    picture of its checks, built once for all of them."""
    if report.picture is None:
        report.picture = check_graph(report.traces, check_title(report))
    graph: nx.DiGraph = report.picture
    return graph
