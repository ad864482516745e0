"""The terminal report: one line per check, the blocking hop, why, and the fix.

Every piece of snapshot data is escaped (``escape.printable``) before it is styled or laid
out: the only control characters in the report are its own newlines and colours."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby

from netgraph.reach import PASSING, Trace
from netgraph.render.escape import printable

_MARK = {
    "reachable": "ok",
    "allowed": "ok",
    "blocked": "BLOCKED",
    "denied": "DENIED",
    "unknown": "unknown",
}
_COLOUR = {
    "reachable": "green",
    "allowed": "green",
    "blocked": "red",
    "denied": "red",
    "unknown": "yellow",
}
_VIA_KINDS = ("interface-endpoint", "gateway-endpoint", "nat-gateway", "internet-gateway")

Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


def _via(t: Trace) -> str:
    if t.target.startswith("iam:"):
        granting = [h.id for h in t.hops if h.kind == "iam-permission"]
        shipped = " (shipped copy of an AWS-managed policy used)" if "shipped" in t.reason else ""
        names = ", ".join(dict.fromkeys(granting))
        return f"granted by {names}{shipped}" if names else t.reason
    seen: list[str] = []
    for hop in t.hops:
        if hop.kind in _VIA_KINDS and hop.leg == "forward" and hop.id not in seen:
            seen.append(hop.id)
    if seen:
        return "via " + " -> ".join(seen)
    local = [h for h in t.hops if h.kind in ("network-interface", "instance")]
    return f"to {local[-1].id}" if local else ""


def _source_heading(t: Trace) -> str:
    s = t.source
    groups = ", ".join(s.security_group_ids) or "no security group"
    public = "public IP" if s.public_ip else "no public IP"
    if s.service is not None:
        head = f"service {s.service.name} (cluster {s.service.cluster or '?'}) in {s.subnet_id}"
    elif s.kind == "hypothetical":
        head = f"hypothetical task in {s.subnet_id}"
    else:
        head = f"{s.id} in {s.subnet_id}"
        if s.address is not None:
            head += f" ({s.address})"
    return f"{head}  [{groups}; {public}]"


def render(
    traces: Sequence[Trace], *, title: str, style: Style = _plain, warnings: Sequence[str] = ()
) -> str:
    def styled(text: str, **kw: object) -> str:
        return style(printable(text), **kw)

    lines = [styled(title, bold=True)]
    for w in warnings:
        lines.append(styled(f"warning: {w}", fg="yellow"))
    lines.append("")
    width = max((len(printable(t.target)) for t in traces), default=8)
    for _, group in groupby(traces, key=lambda t: t.source):
        checks = list(group)
        lines.append(styled(_source_heading(checks[0]), bold=True))
        for t in checks:
            mark = style(f"{_MARK[t.verdict]:<8}", fg=_COLOUR[t.verdict], bold=True)
            target = printable(t.target).ljust(width)
            if t.verdict in PASSING:
                lines.append(f"  {mark} {target}  {printable(_via(t))}")
            elif t.blocked_at is not None:
                b = t.blocked_at
                lines.append(
                    f"  {mark} {target}  " + printable(f"at {b.id} ({b.kind}): {b.reason}")
                )
                if t.fix:
                    lines.append(f"  {'':8} {'':{width}}  fix: {printable(t.fix)}")
            else:
                lines.append(f"  {mark} {target}  {printable(t.reason)}")
        lines.append("")
    counts = {
        v: sum(1 for t in traces if t.verdict == v)
        for v in ("reachable", "allowed", "blocked", "denied", "unknown")
    }
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    lines.append(f"{len(traces)} checks: {summary or 'none'}")
    return "\n".join(lines) + "\n"
