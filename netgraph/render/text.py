"""The terminal report (``--format text``): one line per check, the blocking hop, why, and
the fix; for ``path`` the hops, for ``check --live`` the recently stopped tasks, for ``scan``
the counts per target and VPC and the most common blocking hops.

Every piece of snapshot data is escaped (``escape.printable``) before it is styled or laid
out: the only control characters in the report are its own newlines and colours."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any, ClassVar, TextIO

import click

from netgraph.explain import Cause, explain
from netgraph.fixes import Fix, cause_of
from netgraph.fixes import fixes as fixes_of
from netgraph.model import Snapshot
from netgraph.reach import PASSING, Trace
from netgraph.render.escape import printable
from netgraph.render.format import Report, StreamFormat

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
# A transit gateway or peering on the way says the path left the VPC (centralised egress,
# shared endpoints).
_VIA_KINDS = (
    "tgw",
    "pcx",
    "interface-endpoint",
    "gateway-endpoint",
    "nat-gateway",
    "internet-gateway",
)

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


def _who(t: Trace) -> str:
    s = t.source
    if s.service is not None:
        return f"service {s.service.name}"
    return "hypothetical task" if s.kind == "hypothetical" else s.id


def resolved(traces: Sequence[Trace], fix: Fix, limit: int = 5) -> str:
    """Which checks a fix resolves: per source, its subnets and targets."""
    seen: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
    for i in fix.resolves:
        t = traces[i]
        subnets, targets = seen.setdefault(_who(t), ({}, {}))
        subnets[t.source.subnet_id] = None
        targets[t.target] = None
    said = [
        f"{who} in {', '.join(subnets)}: {', '.join(targets)}"
        for who, (subnets, targets) in list(seen.items())[:limit]
    ]
    more = f"; … and {len(seen) - limit} more sources" if len(seen) > limit else ""
    checks = "1 check" if len(fix.resolves) == 1 else f"{len(fix.resolves)} checks"
    return f"resolves {checks}: " + "; ".join(said) + more


def fix_lines(traces: Sequence[Trace], fixes: Sequence[Fix], limit: int | None = None) -> list[str]:
    """The run's fixes, one per cause: what to change, the checks it resolves, the
    commands."""
    if not fixes:
        return []
    lines = ["fixes:"]
    for n, fix in enumerate(fixes[:limit] if limit is not None else fixes, 1):
        lines.append(f"  {n}. {fix.cause}: {fix.text}")
        lines.append(f"     {resolved(traces, fix)}")
        lines += [f"     run: {command}" for command in fix.commands]
    if limit is not None and len(fixes) > limit:
        lines.append(f"  … and {len(fixes) - limit} more (see --format json)")
    return lines


def render(
    traces: Sequence[Trace],
    *,
    title: str,
    style: Style = _plain,
    warnings: Sequence[str] = (),
    fixes: Sequence[Fix] | None = None,
) -> str:
    def styled(text: str, **kw: object) -> str:
        return style(printable(text), **kw)

    fixes = list(fixes) if fixes is not None else []
    fix_of = {i: (n, f) for n, f in enumerate(fixes, 1) for i in f.resolves}
    index = {id(t): i for i, t in enumerate(traces)}
    # What several checks assume (private hosted zones not collected, SCPs not verified) is
    # said once under the checks, not on each: the JSON keeps it per check.
    shared = Counter(a for t in traces for a in dict.fromkeys(t.assumptions))

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
                for action, resource in t.missing if len(t.missing) > 1 else ():
                    on = resource or "its resource (unknown)"
                    lines.append(
                        f"  {'':8} {'':{width}}  " + printable(f"missing: {action} on {on}")
                    )
                cause = cause_of(t)
                if cause is not None:
                    lines.append(
                        f"  {'':8} {'':{width}}  "
                        + printable(f"cause: {cause.id} ({cause.kind}): {cause.reason}")
                    )
                if t.fix:
                    said = _fix_said(t, fix_of.get(index[id(t)]))
                    lines.append(f"  {'':8} {'':{width}}  fix: {printable(said)}")
            else:
                lines.append(f"  {mark} {target}  {printable(t.reason)}")
            for assumed in t.assumptions:
                if shared[assumed] == 1:
                    lines.append(f"  {'':8} {'':{width}}  assumes: {printable(assumed)}")
        lines.append("")
    several = [(a, n) for a, n in shared.items() if n > 1]
    if several:
        lines.append("assumed:")
        for assumed, n in several:
            which = "every check" if n == len(traces) else f"{n} checks"
            lines.append(printable(f"  {assumed} ({which})"))
        lines.append("")
    if fixes:
        lines += [printable(line) for line in fix_lines(traces, fixes)]
        lines.append("")
    counts = {
        v: sum(1 for t in traces if t.verdict == v)
        for v in ("reachable", "allowed", "blocked", "denied", "unknown")
    }
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    lines.append(f"{len(traces)} checks: {summary or 'none'}")
    return "\n".join(lines) + "\n"


def _fix_said(t: Trace, numbered: tuple[int, Fix] | None) -> str:
    """A check's fix: its own, and the run's fix that covers it when that one covers more."""
    own = t.fix or ""
    if numbered is None:
        return own
    n, fix = numbered
    if fix.text == own:
        many = len(fix.resolves)
        return own + (f" (fix {n} below, one fix for {many} checks)" if many > 1 else "")
    return f"see fix {n} below (one fix for {len(fix.resolves)} checks)"


def hops(trace: Trace) -> str:
    """``path``'s hops, one a line, in the order the packet meets them."""
    lines = ["hops:"]
    for i, hop in enumerate(trace.hops, 1):
        leg = " (return)" if hop.leg == "return" else ""
        line = f"  {i:>2}. {hop.status:<7} {hop.kind}{leg} {hop.id}: {hop.reason}"
        lines.append(printable(line))
    return "\n".join(lines) + "\n"


def explanation(causes: Sequence[Cause], hint: str | None) -> list[str]:
    """``explain``'s lines: what a stopped reason means, and the checks that find it."""
    lines = [] if causes else ["no known pattern matches this stopped reason"]
    for c in causes:
        checks = f" (checks: {', '.join(c.targets)})" if c.targets else ""
        lines.append(f"{c.code}: {c.meaning}{checks}")
    if hint:
        lines.append(hint)
    return [printable(line) for line in lines]


def stopped_tasks(snap: Snapshot) -> str:
    """The recently stopped tasks of a live account, each with what its reason means."""
    lines = []
    for task in snap.stopped_tasks:
        causes = explain(task.stopped_reason)
        what = (
            "; ".join(f"{c.meaning} (checks: {', '.join(c.targets) or 'none'})" for c in causes)
            or "no known pattern"
        )
        head = printable(f"stopped task {task.arn}: {task.stopped_reason}")
        lines.append(f"{head}\n  -> {printable(what)}")
    return ("\n".join(["", "Recently stopped tasks:", *lines]) + "\n") if lines else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def scan_summary(
    s: dict[str, Any],
    title: str,
    seconds: float,
    limit: int = 10,
    traces: Sequence[Trace] = (),
    fixes: Sequence[Fix] = (),
) -> str:
    """The scan's report: counts per target and per VPC, the most common blocking hops."""

    def counts(c: dict[str, int]) -> str:
        order = ("reachable", "allowed", "blocked", "denied", "unknown")
        return ", ".join(f"{c[v]} {v}" for v in order if c.get(v))

    lines = [
        title,
        "",
        f"{s['checks']} checks of {s['sources']} sources ({s['services']} services, "
        f"{s['enis']} ENIs); {s['distinct_checks']} distinct configurations computed, "
        f"in {seconds:.2f} s (reading the snapshot included)",
        "",
        "per target:",
    ]
    width = max((len(k) for k in s["by_target"]), default=8)
    lines += [f"  {k:<{width}}  {counts(v)}" for k, v in s["by_target"].items()]
    lines += ["", "per VPC:"]
    lines += [f"  {k}  {counts(v)}" for k, v in s["by_vpc"].items()]
    if s["blocking"]:
        lines += ["", "most common blocking hops:"]
        for e in s["blocking"][:limit]:
            lines.append(
                f"  {e['id']} ({e['kind']}) blocks {e['checks']} checks in "
                + _plural(e["services"], "service")
                + (f" and {_plural(e['enis'], 'ENI')}" if e["enis"] else "")
                + f" ({', '.join(e['targets'])})"
            )
            lines.append(f"      {e['reason']}")
            if e.get("fix"):
                lines.append(f"      fix: {e['fix']}")
        if len(s["blocking"]) > limit:
            lines.append(f"  … and {len(s['blocking']) - limit} more (see --format json)")
    if fixes:
        lines += ["", *fix_lines(traces, fixes, limit)]
    return printable("\n".join(lines) + "\n", newlines=True)


class TextFormat(StreamFormat):
    """``--format text``: for a person at a terminal, in colour when it is one."""

    name: ClassVar[str] = "text"

    def write(self, report: Report, out: TextIO) -> None:
        if report.command == "scan":
            assert report.summary is not None, "a scan's report carries its summary"
            fixes = fixes_of(report.snapshot, report.traces)
            out.write(
                scan_summary(
                    report.summary,
                    report.title,
                    report.seconds,
                    report.top,
                    report.traces,
                    fixes,
                )
            )
            return
        style: Style = click.style if out.isatty() else _plain
        if report.command == "explain":
            out.write("\n")  # after the explanation
        fixes = fixes_of(report.snapshot, report.traces)
        out.write(render(report.traces, title=report.title, style=style, fixes=fixes))
        if report.command == "path":
            out.write(hops(report.traces[0]))
        if report.live:
            out.write(stopped_tasks(report.snapshot))
