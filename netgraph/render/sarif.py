"""``--format sarif``: SARIF 2.1.0 for code-scanning tools (GitHub, GitLab, Azure DevOps).

One rule (``reportingDescriptor``) per finding code of ``findings.py``, with its AWS page
(``helpUri``) and its fix (``help``); netgraph's own rules for what has no finding code:
``NETGRAPH_UNKNOWN`` (the snapshot cannot decide), ``NETGRAPH_BLOCKED`` (a hop drops without a
code) and, for ``diff``, ``NETGRAPH_NOT_CHECKED`` (a check the change removes).

Results: for ``check``, ``path`` and ``scan``, one per check that does not pass: ``blocked``
and ``denied`` at level ``error``, ``unknown`` at level ``warning`` (it is not a proven
failure, but the gate cannot pass it either: exit code 3, and a ``note`` is hidden by default
in GitHub's view). Passing checks are not results. For ``diff``, one per changed check: a
regression at ``error`` with ``baselineState: new``; a mended check ``kind: pass``, and a
removed one ``kind: informational``, both ``baselineState: absent``.

Each result is located at the resource it blames (the resource to change: ``cause_of``, else
the blocking hop, else the first unknown hop): the Terraform file and line when the input
says (``Snapshot.locations``, from a plan), else the snapshot file with the first line that
names the resource; the resource id (and its Terraform address) is the logical location.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, TextIO
from urllib.parse import quote

from netgraph.diff import Change
from netgraph.findings import FINDINGS, Finding
from netgraph.reach import PASSING, Trace
from netgraph.render.ci import Locator, addresses_of, blamed, named, source_name
from netgraph.render.diff import DiffReport, message
from netgraph.render.escape import json_text
from netgraph.render.format import Report, StreamFormat
from netgraph.render.json import source_record

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
UNKNOWN = "NETGRAPH_UNKNOWN"
BLOCKED = "NETGRAPH_BLOCKED"
NOT_CHECKED = "NETGRAPH_NOT_CHECKED"
_OWN_RULES: tuple[tuple[str, str, str], ...] = (
    (
        UNKNOWN,
        "the snapshot cannot decide the check",
        "supply what the result's message names as missing (collect the key, add the far "
        "side's account or VPC, or give the snapshot with the plan), then check again",
    ),
    (
        BLOCKED,
        "a hop drops the traffic",
        "change the resource the result names as the result's message says",
    ),
    (
        NOT_CHECKED,
        "the change removes a check (its source or target is gone)",
        "nothing to fix if the source was meant to go",
    ),
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _version() -> str:
    try:
        return metadata.version("netgraph")
    except metadata.PackageNotFoundError:
        return "0"


def _camel(code: str) -> str:
    return "".join(part.capitalize() for part in code.lower().split("_"))


def _help(f: Finding) -> str:
    if f.fix.strip() == "{fix}":
        how = "the result's message gives the fix for the resource it names"
    else:
        how = _PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", f.fix)
    return f"{f.title[0].upper()}{f.title[1:]}. Fix: {how}. AWS documentation: {f.doc}"


def _rule(code: str, title: str, help_text: str, doc: str | None) -> dict[str, Any]:
    iam = code.startswith(("IAM_", "KMS_"))
    rule: dict[str, Any] = {
        "id": code,
        "name": _camel(code),
        "shortDescription": {"text": title},
        "fullDescription": {"text": f"{title[0].upper()}{title[1:]}."},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": "warning" if code == UNKNOWN else "error"},
        "properties": {"tags": ["iam" if iam else "network", "aws"]},
    }
    if doc is not None:
        rule["helpUri"] = doc
        rule["help"]["markdown"] = (
            f"{help_text.rsplit(' AWS documentation: ', 1)[0]}\n\n[{doc}]({doc})"
        )
    return rule


def rules() -> list[dict[str, Any]]:
    """Every rule netgraph can report, in a stable order (``ruleIndex`` points into it)."""
    out = [_rule(f.code, f.title, _help(f), f.doc) for f in FINDINGS.values()]
    for code, title, fix in _OWN_RULES:
        out.append(_rule(code, title, f"{title[0].upper()}{title[1:]}. Fix: {fix}.", None))
    return out


def rule_of(trace: Trace) -> str:
    if trace.verdict in PASSING:
        return ""
    if trace.blocked_at is not None:
        code = trace.blocked_at.code
        return code if code in FINDINGS else BLOCKED
    return UNKNOWN


def _uri(path: str) -> tuple[str, str | None]:
    """A file as SARIF wants it: relative to the checkout (``%SRCROOT%``) where it can be."""
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            return p.as_uri(), None
    return quote(p.as_posix()), "%SRCROOT%"


def _location(resource: str | None, locator: Locator, names: Mapping[str, str]) -> dict[str, Any]:
    location: dict[str, Any] = {}
    place = locator.place(resource)
    if place.file is not None:
        uri, base = _uri(place.file)
        artifact: dict[str, Any] = {"uri": uri}
        if base is not None:
            artifact["uriBaseId"] = base
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if place.line is not None:
            physical["region"] = {"startLine": place.line}
        location["physicalLocation"] = physical
    if resource is not None:
        location["logicalLocations"] = [
            {
                "name": resource,
                "fullyQualifiedName": names.get(resource, resource),
                "kind": "resource",
            }
        ]
    return location


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class _Results:
    def __init__(self, report: Report) -> None:
        self.index = {r["id"]: i for i, r in enumerate(rules())}
        names = dict(addresses_of(report.snapshot))
        if isinstance(report, DiffReport):
            names = {**addresses_of(report.before), **names, **report.addresses}
        self.names = names
        self.locator = Locator(report.snapshot, report.where, live=report.live, addresses=names)

    def result(
        self,
        rule: str,
        level: str,
        text: str,
        trace: Trace,
        resource: str | None,
        **extra: Any,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ruleId": rule,
            "ruleIndex": self.index[rule],
            "level": level,
            "message": {"text": text},
            "locations": [_location(resource, self.locator, self.names)],
            "partialFingerprints": {
                "netgraphCheck/v1": _fingerprint(
                    source_name(trace.source), trace.target, rule, resource or ""
                )
            },
            **extra,
        }
        return out

    def of_trace(self, trace: Trace) -> dict[str, Any]:
        rule = rule_of(trace)
        hop = blamed(trace)
        resource = hop.id if hop is not None else None
        where = f" at {named(hop.id, self.names)} ({hop.kind})" if hop is not None else ""
        text = f"{trace.target} from {source_name(trace.source)}: {trace.verdict}{where}"
        text += f": {trace.reason}" if trace.reason else ""
        if trace.fix:
            text += f". Fix: {trace.fix}"
        level = "warning" if trace.verdict == "unknown" else "error"
        props = {
            "source": source_record(trace.source),
            "target": trace.target,
            "verdict": trace.verdict,
            "fix": trace.fix,
        }
        return self.result(rule, level, text, trace, resource, properties=props)

    def of_change(self, change: Change, subject: str) -> dict[str, Any]:
        trace = change.trace
        hop = change.hop
        resource = hop.id if hop is not None else None
        text = message(change, subject, self.names)
        fix = change.after.fix if change.after is not None else None
        if fix and change.regression:
            text += f". Fix: {fix}"
        decided = change.after if change.movement in ("worse", "appeared") else change.before
        assert decided is not None
        rule = UNKNOWN if change.unlisted else rule_of(decided) or UNKNOWN
        extra: dict[str, Any] = {}
        if change.regression:
            level, kind, state = "error", "fail", "new"
        elif change.movement == "appeared" and change.verdict_after == "unknown":
            level, kind, state = "warning", "fail", "new"
        elif change.movement == "appeared":
            level, kind, state = "none", "pass", "new"
        elif change.movement == "disappeared":
            level, kind, state = "none", "informational", "absent"
            rule = NOT_CHECKED
        else:  # better
            level, kind, state = "none", "pass", "absent"
        extra = {
            "kind": kind,
            "baselineState": state,
            "properties": {
                "change": change.movement,
                "source": source_record(trace.source),
                "target": trace.target,
                "verdict_before": change.verdict_before,
                "verdict_after": change.verdict_after,
                "touched": [t.id for t in change.touched],
            },
        }
        return self.result(rule, level, text, trace, resource, **extra)


def _results(report: Report) -> Iterator[dict[str, Any]]:
    made = _Results(report)
    if isinstance(report, DiffReport):
        for change in report.diff.changes:
            yield made.of_change(change, report.subject)
        return
    for trace in report.traces:
        if trace.verdict not in PASSING:
            yield made.of_trace(trace)


def document_head(report: Report) -> dict[str, Any]:
    snap = report.snapshot
    version = _version()
    properties: dict[str, Any] = {"command": report.command, "region": snap.region}
    if snap.account_id:
        properties["account_id"] = snap.account_id
    if isinstance(report, DiffReport):
        properties["summary"] = report.diff.counts()
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "netgraph",
                "version": version,
                "semanticVersion": version,
                "rules": rules(),
            }
        },
        "automationDetails": {"id": f"netgraph/{report.command}/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True}],
        "properties": properties,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


class SarifFormat(StreamFormat):
    """``--format sarif``: a SARIF 2.1.0 log with one run, written a result at a time (a
    scan of a large account has many)."""

    name: ClassVar[str] = "sarif"
    commands: ClassVar[frozenset[str]] = frozenset({"check", "path", "scan", "diff"})

    def write(self, report: Report, out: TextIO) -> None:
        doc = document_head(report)
        doc["runs"][0]["results"] = _SLOT
        head = json_text(json.dumps(doc, indent=1, ensure_ascii=False))
        before, after = head.split(json.dumps(_SLOT), 1)
        out.write(before + "[")
        for i, result in enumerate(_results(report)):
            text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
            out.write(("\n   " if i == 0 else ",\n   ") + json_text(text))
        out.write("\n  ]" + after + "\n")
        out.flush()


# Where the results go in the written head: no snapshot string can equal it (json.dumps
# escapes a quote inside one).
_SLOT = "\x00netgraph-results\x00"


__all__ = ["SarifFormat", "document_head", "rule_of", "rules"]
