"""The picture of a check run, as a networkx graph: what DOT writes and the PNG draws.

One band per source, and one for several sources whose checks cross the same hops with the
same statuses ("subnet-a, subnet-b: same result"). In a band the hops of every target, left
to right in the order the packet meets them; each resource is one box per band, coloured by
the worst status any target gets there, with per-target statuses in ``statuses``. A DNS hop
is labelled with the name it resolves. The first blocking hop (the drop) carries its reason
and fix in ``note``; when the fix is elsewhere (a hop before the drop that the fix names, or
a DNS answer that skips an endpoint), that hop is marked ``cause``. The execution-role check
has a lane of its own under the network columns: trust policy, the role (red when denied,
with the calls it may not make), the policies that decide the calls (green only if they
grant). Placing is structural, so the picture of the same run is always the same.
"""

from __future__ import annotations

import itertools
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from itertools import groupby

import networkx as nx

from netgraph.hop import Hop, HopKind
from netgraph.model import Snapshot
from netgraph.reach import Trace
from netgraph.render.escape import printable
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
    "transit-gateway-attachment": "TGW attachment",
    "transit-gateway-route-table": "TGW route table",
    "pcx": "peering connection",
    "vgw": "virtual private gateway",
    "eigw": "egress-only internet gw",
    "vpc": "VPC",
    "subnet": "subnet",
    "iam-trust-policy": "trust policy",
    "iam-permission": "permission",
    "iam-role": "role",
    "iam-policy": "policy",
    "iam-inline-policy": "inline policy",
    "kms-key": "KMS key policy",
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


# Geometry shared with png.py, in inches: a row, a box, a line of the text under a box.
ROW_H, BOX_H = 1.05, 0.62
NOTE_LINE = 0.125  # one line of 7 pt text
NOTE_WIDTH = 38  # characters per line: the text under a box stays in its column
LANE_GAP = 0.5  # rows between the network columns and the role lane (its heading)
LANE_LABEL = 28  # characters of a policy name in a role lane box (the network boxes: 22)

_RANK = {"pass": 0, "not-reached": 1, "unknown": 2, "fail": 3}
_ACTION = re.compile(r"\b[a-z][a-z0-9-]*:[A-Z][A-Za-z0-9]*\b")
_INLINE = re.compile(r"allowed by (\S+) inline policy (\S+)")
_REGION = re.compile(r"\.[a-z]{2}(?:-gov)?-[a-z]+-\d(?=\.|$)")
_CAUSE_TEXT = "private DNS off"


def short_host(name: str) -> str:
    """A DNS name for a box: without ``.amazonaws.com`` and the Region (api.ecr, logs)."""
    text = name.removesuffix(".amazonaws.com")
    text = _REGION.sub("", text)
    return short_id(text or name, 24)


def resolved_name(hop: Hop) -> str | None:
    """The name a DNS hop resolves: its reason starts with it (``NAME: …``)."""
    head, sep, _ = hop.reason.partition(": ")
    return head if sep and "." in head and " " not in head else None


def action_of(reason: str) -> str:
    """The API call an IAM hop decides (``ecr:BatchGetImage``), from its reason."""
    match = _ACTION.search(reason)
    return match.group() if match else ""


def wrap(*paragraphs: str) -> str:
    """The text under a box: every paragraph whole, wrapped to the column, never cut."""
    lines: list[str] = []
    for p in paragraphs:
        if p:
            lines += textwrap.wrap(printable(p), NOTE_WIDTH, break_on_hyphens=False) or [""]
    return "\n".join(lines)


def note_rows(note: str) -> int:
    """Rows a box takes with its note under it."""
    if not note:
        return 1
    lines = note.count("\n") + 1
    return max(1, math.ceil((BOX_H + 0.14 + lines * NOTE_LINE) / ROW_H))


def _name_list(names: Sequence[str]) -> str:
    return ", ".join(dict.fromkeys(n for n in names if n))


def _source_label(t: Trace) -> str:
    s = t.source
    if s.service is not None:
        return f"{s.service.name} in {s.subnet_id}"
    return s.label


def _band_heading(checks: Sequence[Trace]) -> str:
    sources = [t.source for t in checks]
    if len(sources) == 1:
        return _source_label(checks[0])
    services = {s.service.name if s.service else None for s in sources}
    if len(services) == 1 and None not in services:
        where = ", ".join(s.subnet_id for s in sources)
        return f"{services.pop()} in {where}: same result"
    return ", ".join(s.label for s in sources) + ": same result"


def _signature(checks: Sequence[Trace]) -> tuple[object, ...]:
    """What a band shows: sources whose checks cross the same hops with the same statuses
    share one band."""
    src = checks[0].source
    return (
        src.service.name if src.service else None,
        tuple(
            (t.target, t.verdict, tuple((h.kind, h.id, h.status, h.leg) for h in t.hops[1:]))
            for t in checks
        ),
    )


def _bands(traces: Sequence[Trace]) -> list[tuple[list[Trace], list[Trace]]]:
    """(the first source's checks, one check per merged source) for each band."""
    bands: dict[tuple[object, ...], tuple[list[Trace], list[Trace]]] = {}
    for _, group in groupby(traces, key=lambda t: t.source):
        checks = list(group)
        sig = _signature(checks)
        if sig in bands:
            bands[sig][1].append(checks[0])
        else:
            bands[sig] = (checks, [checks[0]])
    return list(bands.values())


def cause_of(t: Trace) -> Hop | None:
    """The hop to fix when it is not the one that drops: a hop before the drop whose id the
    fix names (the drop's own id not named), or a DNS hop whose answer skips the endpoint."""
    if t.blocked_at is None:
        return None
    fix = t.fix or ""
    if t.blocked_at.id in fix:
        return None
    before = t.hops[1 : t.hops.index(t.blocked_at)]
    named = [h for h in before if h.id and h.id in fix]
    dns = [h for h in before if h.kind == HopKind.DNS and _CAUSE_TEXT in h.reason]
    return next(iter(named + dns), None)


class _Builder:
    """The graph and what its notes are made of (traces stay out of node attributes: the DOT
    writes every attribute)."""

    def __init__(self, title: str) -> None:
        self.g = nx.DiGraph(title=title)
        self.statuses: dict[str, dict[str, str]] = {}
        self.blocks: dict[str, list[Trace]] = {}
        self.edge_statuses: dict[tuple[str, str], list[str]] = {}
        self.explained: dict[tuple[int, str], str] = {}
        self.vpc_of: Mapping[str, str] = {}

    def node(
        self,
        key: str,
        *,
        band: int,
        kind: str,
        aws_id: str,
        status: str,
        reason: str,
        target: str,
        label: str,
        caption: str,
        leg: str = "forward",
        lane: str = "network",
    ) -> str:
        g = self.g
        if key not in g:
            g.add_node(
                key,
                aws_id=aws_id,
                kind=kind,
                caption=caption,
                label=label,
                verdict=status,
                reason=reason,
                band=band,
                leg=leg,
                lane=lane,
                targets=target,
                blocked=False,
                cause=False,
                note="",
            )
            self.statuses[key] = {}
        data = g.nodes[key]
        if _RANK.get(status, 0) > _RANK.get(data["verdict"], 0):
            data["verdict"], data["reason"] = status, reason  # the worst status is drawn
        seen = self.statuses[key]
        if _RANK.get(status, 0) >= _RANK.get(seen.get(target, "pass"), 0):
            seen[target] = status
        if target not in data["targets"].split(","):
            data["targets"] += f",{target}"
        return key

    def edge(self, a: str, b: str, target: str, status: str, style: str = "solid") -> None:
        g = self.g
        if g.has_edge(a, b):
            if target not in g.edges[a, b]["targets"].split(","):
                g.edges[a, b]["targets"] += f",{target}"
        else:
            g.add_edge(a, b, targets=target, style=style)
        self.edge_statuses.setdefault((a, b), []).append(status)

    def finish(self) -> nx.DiGraph:
        g = self.g
        for key, seen in self.statuses.items():
            g.nodes[key]["statuses"] = ",".join(f"{t}:{s}" for t, s in seen.items())
        for (a, b), statuses in self.edge_statuses.items():
            # Green while one target goes on through b: red only where all stop.
            g.edges[a, b]["verdict"] = min(statuses, key=lambda s: _RANK.get(s, 0))
        for key, checks in self.blocks.items():
            self._blocked_note(key, checks)
        return g

    def _blocked_note(self, key: str, checks: list[Trace]) -> None:
        data = self.g.nodes[key]
        if data.get("note"):
            return  # the role lane wrote its own
        seen = self.statuses[key]
        blocked = [t.target for t in checks]
        passed = [t for t, s in seen.items() if s == "pass"]
        head = ""
        if len(seen) > 1:
            head = f"blocks {_name_list(blocked)}"
            if passed:
                head += f"; admits {_name_list(passed)}"
        reasons = list(dict.fromkeys(t.blocked_at.reason for t in checks if t.blocked_at))
        reason = reasons[0] if reasons else data["reason"]
        if len(reasons) > 1:
            reason += f" ({checks[0].target}; alike for {len(checks) - 1} more)"
        fixes: dict[str, list[str]] = {}
        for t in checks:
            if t.fix:
                fixes.setdefault(t.fix, []).append(t.target)
        lines = [head, reason]
        for fix, targets in fixes.items():
            lines.append(
                f"fix: {fix}" if len(fixes) == 1 else f"fix for {', '.join(targets)}: {fix}"
            )
        data["note"] = wrap(*lines)


def vpc_names(snapshot: Snapshot) -> Mapping[str, str]:
    """Resource id -> the VPC it is in, as the picture names it (its Name tag, else its
    shortened id): for the hops of a path that crosses into another VPC."""
    vpcs = snapshot.vpcs or {}

    def name(vpc_id: str | None) -> str | None:
        if vpc_id is None:
            return None
        vpc = vpcs.get(vpc_id)
        return short_id(vpc.name, 16) if vpc and vpc.name else short_id(vpc_id, 14)

    out: dict[str, str] = {}
    pairs: list[tuple[str, str | None]] = [(v, v) for v in vpcs]
    pairs += [(s.id, s.vpc_id) for s in (snapshot.subnets or {}).values()]
    pairs += [(t.id, t.vpc_id) for t in (snapshot.route_tables or {}).values()]
    pairs += [(a.id, a.vpc_id) for a in (snapshot.network_acls or {}).values()]
    pairs += [(g.id, g.vpc_id) for g in (snapshot.security_groups or {}).values()]
    pairs += [(n.id, n.vpc_id) for n in (snapshot.nat_gateways or {}).values()]
    pairs += [(e.id, e.vpc_id) for e in (snapshot.vpc_endpoints or {}).values()]
    pairs += [(i.id, i.vpc_id) for i in (snapshot.network_interfaces or {}).values()]
    pairs += [
        (ig.id, ig.attached_vpc_ids[0])
        for ig in (snapshot.internet_gateways or {}).values()
        if len(ig.attached_vpc_ids) == 1
    ]
    for rid, vpc_id in pairs:
        label = name(vpc_id)
        if label is not None:
            out[rid] = label
    return out


def check_graph(
    traces: Sequence[Trace], title: str, vpc_of: Mapping[str, str] | None = None
) -> nx.DiGraph:
    """``vpc_of`` (``vpc_names``): hops in a VPC other than their source's say which."""
    b = _Builder(title)
    b.vpc_of = vpc_of or {}
    lanes: list[tuple[int, str, str]] = []
    for band, (checks, sources) in enumerate(_bands(traces)):
        root = f"b{band}:source"
        src = checks[0].source
        b.g.add_node(
            root,
            aws_id=src.id,
            kind="source",
            caption="source",
            verdict="pass",
            reason=src.label,
            band=band,
            lane="network",
            label=src.service.name if src.service else short_id(src.id),
            heading=_band_heading(sources),
            sources=",".join(s.source.id for s in sources),
            targets="",
            note="",
        )
        for t in checks:
            if t.target.startswith(IAM_PREFIX):
                lanes.append((band, t.target, _add_role(b, band, len(lanes), t)))
            else:
                _add_path(b, band, root, t)
    g = b.finish()
    _place(g, lanes)
    return g


def _caption(kind: str, leg: str = "forward") -> str:
    text = KIND_LABELS.get(kind, kind)
    return f"{text} (return)" if leg == "return" else text


def _add_path(b: _Builder, band: int, root: str, t: Trace) -> None:
    prev = root
    seen: dict[tuple[str, str, str], int] = {}
    # An unknown check: say why at the hop that decides it, as a blocked one does.
    why = (
        next((h for h in t.hops if h.status == "unknown"), None) if t.verdict == "unknown" else None
    )
    cause = cause_of(t)
    home = b.vpc_of.get(t.source.subnet_id)
    for hop in t.hops[1:]:
        name = resolved_name(hop) if hop.kind == HopKind.DNS else None
        ident = name or hop.id
        n = seen.get((hop.kind, hop.leg, ident), 0)
        seen[(hop.kind, hop.leg, ident)] = n + 1
        # One box per resource per band, whatever each target makes of it; one path may
        # cross the same NACL twice (the task subnet, then the NAT gateway's): a box each.
        key = f"b{band}:{hop.kind}:{hop.leg}:{ident}" + (f"#{n}" if n else "")
        caption = _caption(hop.kind, hop.leg)
        if name:
            caption = f"DNS · {short_id(hop.id, 20)}"
        far = b.vpc_of.get(hop.id)
        if far is not None and far != home:
            # Past a transit gateway or a peering: the box says whose VPC it is in.
            caption = f"{caption} · {far}"
        b.node(
            key,
            band=band,
            kind=hop.kind,
            aws_id=hop.id,
            status=hop.status,
            reason=hop.reason,
            target=t.target,
            label=short_host(name) if name else short_id(hop.id),
            caption=caption,
            leg=hop.leg,
        )
        data = b.g.nodes[key]
        if name:
            data["resolves"] = name
        if t.blocked_at is hop:
            data["blocked"] = True
            b.blocks.setdefault(key, []).append(t)
        if hop is why and not data["note"]:
            # Said in full once per resource and band: the other names it leaves unknown
            # point to it (the text report has each in full).
            first = b.explained.setdefault((band, hop.id), data["label"])
            data["explain"] = True
            data["note"] = wrap(
                hop.reason if first == data["label"] else f"unknown, as for {first}"
            )
        if hop is cause:
            data["cause"] = True
            data["note"] = wrap(f"cause: {hop.reason}")
        b.edge(prev, key, t.target, hop.status)
        prev = key
    if t.verdict != "reachable":
        # Where the packet was going: drawn, but not reached.
        end = b.node(
            f"b{band}:target:{t.target}",
            band=band,
            kind="target",
            aws_id=t.target,
            status="not-reached",
            reason=f"{t.target} is not reached",
            target=t.target,
            label=short_id(t.target),
            caption="target",
        )
        b.edge(prev, end, t.target, "not-reached", style="dotted")


def _add_role(b: _Builder, band: int, lane: int, t: Trace) -> str:
    """The role check in a lane of its own: trust policy, the role (red when denied, with the
    calls it may not make), then each policy that decides a call (green only if it grants)."""
    g = b.g
    trace_status = {"allowed": "pass", "denied": "fail", "unknown": "unknown"}.get(
        t.verdict, "pass"
    )
    role_id = next(
        (h.id for h in t.hops if h.kind in (HopKind.IAM_TRUST_POLICY, HopKind.IAM_ROLE)), None
    )
    prefix = f"b{band}:role{lane}:"
    boxes: list[str] = []
    calls: dict[str, dict[str, list[str]]] = {}  # box -> status -> actions

    def box(key: str, kind: str, aws_id: str, status: str, reason: str, label: str) -> str:
        key = b.node(
            prefix + key,
            band=band,
            kind=kind,
            aws_id=aws_id,
            status=status,
            reason=reason,
            target=t.target,
            label=label,
            caption=_caption(kind),
            lane="role",
        )
        if key not in boxes:
            boxes.append(key)
        return key

    role_key = None
    not_required: list[str] = []
    for hop in t.hops:
        if hop.kind in (HopKind.IAM_PERMISSION, HopKind.IAM_ROLE):
            continue
        label = short_id(hop.id)
        key = box(f"{hop.kind}:{hop.id}", hop.kind, hop.id, hop.status, hop.reason, label)
        if t.blocked_at is hop:
            g.nodes[key]["blocked"] = True
            g.nodes[key]["note"] = wrap(hop.reason, f"fix: {t.fix}" if t.fix else "")
        elif hop.status == "unknown" and not g.nodes[key]["note"]:
            g.nodes[key]["note"] = wrap(hop.reason)
    chain = list(boxes)
    if role_id is not None:
        role_key = box(
            "role", "iam-role", role_id, trace_status, t.reason, short_id(role_id, LANE_LABEL)
        )
        chain.append(role_key)
    for hop in t.hops:
        if hop.kind != HopKind.IAM_PERMISSION:
            continue
        action = action_of(hop.reason)
        inline = _INLINE.search(hop.reason)
        if hop.id == role_id and inline is not None and hop.status == "pass":
            name = inline.group(2)
            kind = "iam-inline-policy"
            key = box(
                f"{kind}:{name}", kind, hop.id, "pass", hop.reason, short_id(name, LANE_LABEL)
            )
        elif hop.id == role_id and role_key is not None:
            if hop.status == "pass":
                not_required.append(action)
                continue
            key = role_key
        else:
            kind = "kms-key" if ":key/" in hop.id else "iam-policy"
            key = box(
                f"{kind}:{hop.id}",
                kind,
                hop.id,
                hop.status,
                hop.reason,
                short_id(hop.id, LANE_LABEL),
            )
        calls.setdefault(key, {}).setdefault(hop.status, []).append(action)
        if t.blocked_at is hop:
            g.nodes[key]["blocked"] = True
            b.blocks.setdefault(key, []).append(t)

    words = {"pass": "grants", "fail": "denies", "unknown": "may not grant"}
    for key, by_status in calls.items():
        data = g.nodes[key]
        if key == role_key:
            continue
        lines = [f"{words.get(s, s)} {_name_list(acts)}" for s, acts in by_status.items()]
        if data["blocked"]:
            lines += [data["reason"], f"fix: {t.fix}" if t.fix else ""]
        data["note"] = wrap(*lines)
    if role_key is not None:
        denied = [action_of(h.reason) for h in t.hops if h.status == "fail"]
        unknown = [action_of(h.reason) for h in t.hops if h.status == "unknown"]
        lines = [
            f"not allowed: {_name_list(denied)}" if denied else "",
            f"unknown: {_name_list(unknown)}" if unknown else "",
            f"not granted, not required: {_name_list(not_required)}" if not_required else "",
        ]
        role_hop = next((h for h in t.hops if h.kind == HopKind.IAM_ROLE), None)
        if role_hop is not None:
            lines.append(role_hop.reason)
        if g.nodes[role_key]["blocked"]:
            lines.append(f"fix: {t.fix}" if t.fix else "")
        g.nodes[role_key]["note"] = wrap(*lines)
    for a, c in itertools.pairwise(chain):
        b.edge(a, c, t.target, g.nodes[c]["verdict"])
    for key in boxes:
        if role_key is not None and key not in chain:
            b.edge(role_key, key, t.target, g.nodes[key]["verdict"])
    for col, key in enumerate(boxes):
        g.nodes[key]["col"] = col
    verdict = {"pass": "allowed", "fail": "denied"}.get(trace_status, trace_status)
    return f"execution role: {verdict}"


def _place(g: nx.DiGraph, lanes: Sequence[tuple[int, str, str]]) -> None:
    """Network: column is the longest distance from the band's source, row the order of
    arrival per column. The role lanes go under the band's network rows, one row each."""
    net = g.subgraph(n for n, d in g.nodes(data=True) if d["lane"] == "network")
    column: dict[str, int] = {}
    for node in nx.topological_sort(net):
        preds = list(net.predecessors(node))
        column[node] = 1 + max((column[p] for p in preds), default=-1)
    rows: dict[tuple[int, int], float] = {}
    for node in net.nodes:  # insertion order: paths in the order of the report
        d = g.nodes[node]
        band, col = d["band"], column[node]
        d["col"] = col
        d["row"] = rows.get((band, col), 0)
        # A box with text under it keeps the rows below free for the text.
        rows[(band, col)] = d["row"] + note_rows(str(d.get("note", "")))
    bands = 1 + max((d["band"] for _, d in g.nodes(data=True)), default=-1)
    height = [
        max((r for (b, _), r in rows.items() if b == band), default=1.0) for band in range(bands)
    ]
    placed: list[tuple[int, float, str]] = []
    for lane, (band, _target, heading) in enumerate(lanes):
        top = height[band] + LANE_GAP
        members = [n for n, d in g.nodes(data=True) if d["lane"] == "role" and f":role{lane}:" in n]
        for node in members:
            g.nodes[node]["row"] = top
        placed.append((band, top, heading))
        height[band] = top + max((note_rows(str(g.nodes[n]["note"])) for n in members), default=1)
    columns = [d["col"] for _, d in g.nodes(data=True)]
    g.graph["columns"] = 1 + max(columns, default=0)
    g.graph["band_rows"] = height
    g.graph["lanes"] = placed


# verdict -> (fill, edge colour, line style), shared by the PNG, the SVG and the DOT
PALETTE: dict[str, tuple[str, str, str]] = {
    "pass": ("#e8f5e9", "#2e7d32", "solid"),
    "fail": ("#ffcdd2", "#c62828", "solid"),
    "unknown": ("#eeeeee", "#757575", "dashed"),
    "not-reached": ("#ffffff", "#9e9e9e", "dotted"),
}
BLOCKED_RGB = (0xC6, 0x28, 0x28)  # the outline of the blocking hop: tests look for it
CAUSE = ("#fff3e0", "#ef6c00")  # fill and outline of the cause, where the fix goes
CAUSE_RGB = (0xEF, 0x6C, 0x00)


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
        report.picture = check_graph(report.traces, check_title(report), vpc_names(report.snapshot))
    graph: nx.DiGraph = report.picture
    return graph
