"""The contract's JSON (check-output.md): stable for scripts and CI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from netgraph.reach import Trace

JSON_VERSION = 1


def document(traces: Sequence[Trace], region: str, account_id: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"version": JSON_VERSION, "region": region}
    if account_id:
        doc["account_id"] = account_id
    doc["checks"] = [t.to_json() for t in traces]
    return doc


def render(traces: Sequence[Trace], region: str, account_id: str | None = None) -> str:
    return json.dumps(document(traces, region, account_id), indent=2, ensure_ascii=False) + "\n"
