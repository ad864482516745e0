"""``netgraph simulate``'s report: a table (``--format text``) or a versioned JSON document
(``--format json``), one row or record per action x resource.

The JSON (version 1)::

    {"version": 1, "region": "...", "account_id": "...",
     "principal": "arn:aws:iam::...:role/..." | null, "policies": ["..."],
     "custom_policies": false, "permissions_boundary": "arn:..." | null,
     "shipped_policies": ["arn:aws:iam::aws:policy/..."],
     "vpce": {"id": "vpce-...", "vpc": "vpc-..."} | null,
     "context": {"aws:SourceVpce": ["vpce-..."], "aws:SourceIp": null},
     "results": [{"action": "...", "resource": "*",
                  "decision": "allowed" | "denied" | "unknown",
                  "denied_by": "explicit" | "implicit" | "boundary" | "repository"
                               | "endpoint" | "scp" | "rcp" | null,
                  "statements": [{"policy": "...", "index": 0, "sid": "..." | null}],
                  "unknown_keys": ["..."], "reason": "...", "fix": "..." | null,
                  "endpoint": {"id": "vpce-...", "decision": "...",
                               "statement": {...} | null, "reason": "..."} | null,
                  "assumptions": ["service control policies were not collected ..."]}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar, TextIO

from netgraph.render.escape import json_text, printable
from netgraph.render.format import Report, StreamFormat
from netgraph.simulate import Result, Simulation

SIMULATE_JSON_VERSION = 1
_MARK = {"allowed": "allowed", "denied": "DENIED", "unknown": "unknown"}


@dataclass(kw_only=True)
class SimulationReport(Report):
    """A ``Report`` that carries the simulation (it has no checks)."""

    simulation: Simulation


def _simulation(report: Report) -> Simulation:
    if not isinstance(report, SimulationReport):
        raise TypeError(f"{report.command}'s report holds no simulation")
    return report.simulation


def _deciding(r: Result) -> str:
    if r.statements:
        return "; ".join(s.label for s in r.statements)
    if r.answer == "denied" and r.denied_by != "explicit":
        return "(no statement allows it)"
    return "-"


def _heading(sim: Simulation) -> list[str]:
    lines = []
    if sim.principal is not None:
        where = "" if sim.role_in_snapshot or not sim.custom else " (not a role of the snapshot)"
        lines.append(f"principal: {sim.principal}{where}")
    else:
        lines.append("principal: not given (aws:PrincipalArn and Principal elements: unknown)")
    which = "custom policies (--policy-file)" if sim.custom else "identity policies"
    lines.append(f"{which}: {', '.join(sim.policies) or 'none'}")
    if sim.boundary:
        lines.append(f"permissions boundary: {sim.boundary}")
    if sim.shipped:
        lines.append(
            f"netgraph's shipped copy of {', '.join(sim.shipped)} was used: the snapshot does "
            "not carry its document"
        )
    if sim.vpce is not None:
        lines.append(
            f"through {sim.vpce.id} ({sim.vpce.service_name}, {sim.vpce.vpc_id}): its endpoint "
            "policy applies; aws:SourceVpce and aws:SourceVpc are set"
        )
    for key, values in sim.context:
        lines.append(f"context: {key} = " + ("(absent)" if values is None else ", ".join(values)))
    return lines


def render_text(sim: Simulation, title: str) -> str:
    header = ("ACTION", "RESOURCE", "DECISION", "DENIED BY", "DECIDING STATEMENT", "UNKNOWN KEYS")
    rows: list[tuple[str, ...]] = [
        (
            r.action,
            r.resource,
            _MARK[r.answer],
            r.denied_by or "-",
            _deciding(r),
            ", ".join(r.unknown_keys) or "-",
        )
        for r in sim.results
    ]
    rows = [tuple(printable(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)] + [row[-1]]
        return "  ".join(cells).rstrip()

    lines = [printable(title), *(printable(h) for h in _heading(sim)), "", line(header)]
    for r, row in zip(sim.results, rows, strict=True):
        lines.append(line(row))
        if r.answer != "allowed":
            lines.append(printable(f"    why: {r.reason}"))
        if r.endpoint is not None:
            e = r.endpoint
            by = f" ({e.statement.label})" if e.statement is not None else ""
            lines.append(printable(f"    endpoint {e.id}: {e.answer}{by}: {e.reason}"))
        if r.fix:
            lines.append(printable(f"    fix: {r.fix}"))

    counts = {a: sum(1 for r in sim.results if r.answer == a) for a in _MARK}
    summary = ", ".join(f"{n} {a}" for a, n in counts.items() if n)
    lines += ["", f"{len(sim.results)} simulated: {summary}"]
    # Said once: what was not verified is the same for most rows.
    for assumption in dict.fromkeys(a for r in sim.results for a in r.assumptions):
        lines.append(printable(f"assumes: {assumption}"))
    return "\n".join(lines) + "\n"


def result_record(r: Result) -> dict[str, Any]:
    endpoint = None
    if r.endpoint is not None:
        e = r.endpoint
        endpoint = {
            "id": e.id,
            "decision": e.answer,
            "statement": e.statement.record() if e.statement is not None else None,
            "reason": e.reason,
        }
    return {
        "action": r.action,
        "resource": r.resource,
        "decision": r.answer,
        "denied_by": r.denied_by,
        "statements": [s.record() for s in r.statements],
        "unknown_keys": list(r.unknown_keys),
        "reason": r.reason,
        "fix": r.fix,
        "endpoint": endpoint,
        "assumptions": list(r.assumptions),
    }


def document(sim: Simulation, region: str, account_id: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"version": SIMULATE_JSON_VERSION, "region": region}
    if account_id:
        doc["account_id"] = account_id
    doc.update(
        {
            "principal": sim.principal,
            "policies": list(sim.policies),
            "custom_policies": sim.custom,
            "permissions_boundary": sim.boundary,
            "shipped_policies": list(sim.shipped),
            "vpce": ({"id": sim.vpce.id, "vpc": sim.vpce.vpc_id} if sim.vpce is not None else None),
            "context": {k: (None if v is None else list(v)) for k, v in sim.context},
            "results": [result_record(r) for r in sim.results],
        }
    )
    return doc


class SimulateTextFormat(StreamFormat):
    """``simulate --format text``: the table, with why, the endpoint's answer and the fix
    under each row that is not allowed."""

    name: ClassVar[str] = "text"
    commands: ClassVar[frozenset[str]] = frozenset({"simulate"})

    def write(self, report: Report, out: TextIO) -> None:
        out.write(render_text(_simulation(report), report.title))


class SimulateJsonFormat(StreamFormat):
    """``simulate --format json``: the versioned document above."""

    name: ClassVar[str] = "json"
    commands: ClassVar[frozenset[str]] = frozenset({"simulate"})

    def write(self, report: Report, out: TextIO) -> None:
        snap = report.snapshot
        doc = document(_simulation(report), snap.region, snap.account_id)
        out.write(json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n")
