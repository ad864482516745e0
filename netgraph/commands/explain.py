"""``netgraph explain``: an ECS stoppedReason, and with a snapshot every check of its services
(the network targets and ``iam:execution-role``) and whether the snapshot still shows the
cause the reason names.

Exit code: without a snapshot, 0 when a pattern matches and 3 when none does; with one, the
checks' (0 all pass, 1 something blocked or denied, 3 unknown), and 3 too when the checks
pass but cannot tell about the named cause (a permission the role check does not judge)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from netgraph.check import check_source, exit_code
from netgraph.commands.common import (
    REGION,
    BadInput,
    echo,
    format_option,
    load,
    warn_unknown_keys,
    warning,
    write,
)
from netgraph.explain import Cause, Diagnosis, address_hint, denied_actions, diagnose, explain
from netgraph.flows import Source, SourceError, service_sources
from netgraph.model import Snapshot
from netgraph.reach import Trace
from netgraph.render.escape import json_text, printable
from netgraph.render.formats import Report
from netgraph.render.json import JSON_VERSION, trace_record

EXPLAIN_JSON_VERSION = JSON_VERSION


def explanation(causes: list[Cause], actions: tuple[str, ...], hint: str | None) -> list[str]:
    """What the stopped reason means: its causes, the checks that find them, their fixes."""
    lines = [] if causes else ["no known pattern matches this stopped reason"]
    for c in causes:
        checks = f" (checks: {', '.join(c.targets)})" if c.targets else " (no check finds it)"
        lines.append(f"{c.code}: {c.meaning}{checks}")
        lines.append(f"  fix: {c.fix}")
    if actions:
        lines.append(f"the call refused: {', '.join(actions)}")
    if hint:
        lines.append(hint)
    return [printable(line) for line in lines]


def verdict_lines(d: Diagnosis) -> list[str]:
    lines = ["", f"explain: {d.summary}"]
    lines += [f"  - {line}" for line in d.details]
    return [printable(line) for line in lines]


def document(
    reason: str,
    causes: list[Cause],
    actions: tuple[str, ...],
    hint: str | None,
    snap: Snapshot | None = None,
    traces: list[Trace] | None = None,
    diagnosis: Diagnosis | None = None,
) -> dict[str, Any]:
    """``explain --format json``: the causes, and with a snapshot the diagnosis and every
    check (the contract's check records, each with ``explains``)."""
    doc: dict[str, Any] = {"version": EXPLAIN_JSON_VERSION}
    if snap is not None:
        doc["region"] = snap.region
        if snap.account_id:
            doc["account_id"] = snap.account_id
    doc["reason"] = reason
    doc["causes"] = [
        {
            "code": c.code,
            "kind": c.kind,
            "meaning": c.meaning,
            "targets": list(c.targets),
            "fix": c.fix,
        }
        for c in causes
    ]
    doc["denied_actions"] = list(actions)
    doc["hint"] = hint
    doc["diagnosis"] = None
    doc["checks"] = []
    if diagnosis is not None and traces is not None:
        doc["diagnosis"] = {
            "status": diagnosis.status,
            "summary": diagnosis.summary,
            "details": list(diagnosis.details),
        }
        doc["checks"] = [{**trace_record(t), "explains": t in diagnosis.explaining} for t in traces]
    return doc


def _print_json(doc: dict[str, Any]) -> None:
    sys.stdout.write(json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n")
    sys.stdout.flush()


@click.command(name="explain")
@click.argument("reason")
@click.argument("snapshot", type=click.Path(), required=False)
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="NAME",
    help="check only this service of SNAPSHOT",
)
@REGION
@format_option("explain")
def explain_cmd(
    reason: str, snapshot: str | None, services: tuple[str, ...], region: str | None, fmt: str
) -> None:
    """Explain an ECS stoppedReason; with SNAPSHOT, run every check of its services and say
    whether the snapshot still shows the cause."""
    causes = explain(reason)
    actions = denied_actions(reason)
    hint = address_hint(reason)
    for line in explanation(causes, actions, hint):
        echo(line, err=fmt != "text")  # on stdout for text, on stderr beside JSON
    if snapshot is None:
        if fmt == "json":
            _print_json(document(reason, causes, actions, hint))
        raise click.exceptions.Exit(0 if causes else 3)
    snap = load(snapshot, region)
    warn_unknown_keys(snap)
    try:
        sources: list[Source] = []
        for name in services or (None,):
            sources.extend(service_sources(snap, name))
        if not sources:
            raise SourceError("the snapshot holds no ECS service that uses awsvpc")
        traces = [t for s in sources for t in check_source(snap, s)]
    except SourceError as exc:
        raise BadInput(str(exc)) from None
    diagnosis = diagnose(causes, actions, traces)
    if fmt == "json":
        _print_json(document(reason, causes, actions, hint, snap, traces, diagnosis))
        for w in snap.warnings:
            warning(w)
    else:
        write(Report("explain", snap, snapshot, traces, warn=warning), fmt, {})
        for line in verdict_lines(diagnosis):
            echo(line)
    code = exit_code(traces)
    raise click.exceptions.Exit(3 if code == 0 and diagnosis.status == "cannot-tell" else code)
