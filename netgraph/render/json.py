"""The contract's JSON (check-output.md): stable for scripts and CI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from netgraph.reach import Trace
from netgraph.render.escape import json_text

JSON_VERSION = 1


def _head(region: str, account_id: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"version": JSON_VERSION, "region": region}
    if account_id:
        doc["account_id"] = account_id
    return doc


def document(traces: Sequence[Trace], region: str, account_id: str | None = None) -> dict[str, Any]:
    doc = _head(region, account_id)
    doc["checks"] = [t.to_json() for t in traces]
    return doc


def write(
    out: TextIO,
    traces: Sequence[Trace],
    region: str,
    account_id: str | None = None,
    **after: Any,
) -> None:
    """The same document, written one check at a time (a line each), with ``after`` as
    further top-level keys. A scan of a large account has 100,000 checks: building them as
    one object and one string first took 2.3 GB and most of a minute."""
    head = json_text(json.dumps(_head(region, account_id), ensure_ascii=False))
    out.write(head[:-1] + ', "checks": [\n')
    for i, t in enumerate(traces):
        check = json_text(json.dumps(t.to_json(), ensure_ascii=False))
        out.write(("" if i == 0 else ",\n") + check)
    out.write("\n]")
    for key, value in after.items():
        out.write(
            f", {json.dumps(key)}: " + json_text(json.dumps(value, indent=1, ensure_ascii=False))
        )
    out.write("}\n")


def write_document(
    out: TextIO, traces: Sequence[Trace], region: str, account_id: str | None = None
) -> None:
    """``render``'s text, written one check at a time: the whole document of a large
    account, as an object and then as one string, took three times the memory of the
    snapshot. Nested at depth 2 (four spaces), a check's json.dumps is its lines in the
    whole document's json.dumps, indented four more."""
    head = json.dumps(_head(region, account_id), indent=2, ensure_ascii=False)
    out.write(json_text(head[: -len("\n}")]) + ',\n  "checks": [')
    for i, t in enumerate(traces):
        check = json.dumps(t.to_json(), indent=2, ensure_ascii=False)
        out.write(("\n    " if i == 0 else ",\n    ") + json_text(check.replace("\n", "\n    ")))
    out.write("\n  ]\n}\n" if traces else "]\n}\n")


def render(traces: Sequence[Trace], region: str, account_id: str | None = None) -> str:
    text = json.dumps(document(traces, region, account_id), indent=2, ensure_ascii=False)
    return json_text(text) + "\n"
