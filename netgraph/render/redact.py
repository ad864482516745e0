"""Values the input marks sensitive (``Snapshot.sensitive``: a Terraform plan's
``after_sensitive`` values and sensitive variables) are read and used, but every output
writes ``(sensitive)`` in their place (plan-input.md "Values").

One place does it for every format (``render.format`` wraps each format's ``write`` and
``save``), in two passes, so that no renderer needs to know:

1. ``scrub``: the report's data (checks, hops, sources, the picture's graph, a diff's
   changes) with each sensitive value replaced, before any format reads it. This is what a
   PNG draws, where no later pass can reach.
2. ``redact_text``: the written document, for what a format took from the model directly
   (a fix that quotes a CIDR, a title). It replaces the value as the format escapes it
   (JSON, XML/HTML, DOT), and only where a value can stand: inside JSON strings, in XML
   text and attribute values, anywhere in plain text, so the document stays well formed.

A value shorter than ``WHOLE`` characters is replaced only where it stands as a whole
token (a secret ``web`` in ``service web:``, not in ``web-task`` nor ``webserver``): a short
value inside a longer name is not the value, and replacing it everywhere would garble the
report.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Iterable
from enum import Enum
from typing import Any

SENSITIVE = "(sensitive)"
WHOLE = 8  # shorter values: only as a whole token
# Fields that hold netgraph's own vocabulary (a verdict, a hop kind), never input values.
_VOCABULARY = frozenset({"verdict", "kind", "status", "leg", "protocol", "code", "target"})


def _forms(value: str) -> set[str]:
    """``value`` as each format writes it."""
    forms = {value, html.escape(value, quote=False), html.escape(value, quote=True)}
    forms |= {json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    forms.add(value.replace("\\", "\\\\").replace('"', '\\"'))  # DOT's quoted strings
    forms.add(html.escape(value, quote=True).replace("&#x27;", "&#39;"))
    return {f for f in forms if f}


class Redactor:
    """Replaces the sensitive values of one input; falsy when there are none."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = frozenset(v for v in values if v and v != SENSITIVE)
        forms = sorted({f for v in self.values for f in _forms(v)}, key=len, reverse=True)
        parts = [
            re.escape(f) if len(f) >= WHOLE else rf"(?<![\w.-]){re.escape(f)}(?![\w-])"
            for f in forms
        ]
        self.pattern = re.compile("|".join(parts)) if parts else None

    def __bool__(self) -> bool:
        return self.pattern is not None

    def text(self, text: str) -> str:
        """Plain text (a report, DOT): every occurrence."""
        if self.pattern is None or not text:
            return text
        return self.pattern.sub(SENSITIVE, text)

    # ---- pass 1: the data --------------------------------------------------------------

    def scrub(self, value: Any) -> Any:
        """``value`` with the sensitive values of its strings replaced; containers and
        dataclasses rebuilt only where something changed; other values (numbers, addresses,
        enumerations, a snapshot's model) as they are."""
        if self.pattern is None:
            return value
        return self._scrub(value, 0)

    def _scrub(self, value: Any, depth: int) -> Any:
        if depth > 60:
            return value
        if isinstance(value, str):
            return value if isinstance(value, Enum) else self.text(value)
        if isinstance(value, (tuple, list)):
            items = [self._scrub(v, depth + 1) for v in value]
            if all(a is b for a, b in zip(items, value, strict=True)):
                return value
            if isinstance(value, list):
                return items
            if hasattr(value, "_fields"):  # a named tuple
                return type(value)(*items)
            return tuple(items)
        if isinstance(value, (set, frozenset)):
            changed = {self._scrub(v, depth + 1) for v in value}
            return value if changed == value else type(value)(changed)
        if isinstance(value, dict):
            out = {self._scrub(k, depth + 1): self._scrub(v, depth + 1) for k, v in value.items()}
            same = len(out) == len(value) and all(k in value and out[k] is value[k] for k in out)
            return value if same else out
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._dataclass(value, depth)
        if _is_graph(value):
            return self._graph(value, depth)
        return value

    def _dataclass(self, value: Any, depth: int) -> Any:
        from netgraph.model import Snapshot

        if isinstance(value, Snapshot):
            return value  # the model: evaluated, not printed as a whole
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init or f.name in _VOCABULARY:
                continue
            old = getattr(value, f.name)
            new = self._scrub(old, depth + 1)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value

    def _graph(self, graph: Any, depth: int) -> Any:
        """A networkx graph (the picture): a copy with its labels scrubbed."""
        out = graph.copy()
        out.graph.update({k: self._scrub(v, depth + 1) for k, v in graph.graph.items()})
        for _, attrs in out.nodes(data=True):
            attrs.update({k: self._scrub(v, depth + 1) for k, v in attrs.items()})
        for *_, attrs in out.edges(data=True):
            attrs.update({k: self._scrub(v, depth + 1) for k, v in attrs.items()})
        mapping = {n: self._scrub(n, depth + 1) for n in out.nodes if isinstance(n, str)}
        mapping = {k: v for k, v in mapping.items() if k != v}
        if mapping:
            import networkx as nx

            out = nx.relabel_nodes(out, mapping, copy=True)
        return out

    # ---- pass 2: the written document ----------------------------------------------------

    def document(self, text: str) -> str:
        """A written document: JSON (strings only), XML/HTML (text and attribute values
        only) or plain text, told apart by its first character."""
        if self.pattern is None or not text:
            return text
        head = text.lstrip()[:1]
        if head in ("{", "["):
            return _JSON_STRING.sub(lambda m: self.text(m.group()), text)
        if head == "<":
            return _TAG.sub(self._tag_or_text, text)
        return self.text(text)

    def _tag_or_text(self, m: re.Match[str]) -> str:
        if m.group("tag") is not None:
            return _QUOTED.sub(lambda q: self.text(q.group()), m.group("tag"))
        return self.text(m.group())


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_TAG = re.compile(r"(?P<tag><[^<>]*>)|[^<]+|<")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')


def _is_graph(value: Any) -> bool:
    return type(value).__module__.startswith("networkx.") and hasattr(value, "nodes")


def redactor_of(*snapshots: Any) -> Redactor:
    """The redactor of the sensitive values of these snapshots (None ones skipped)."""
    values: set[str] = set()
    for snap in snapshots:
        values |= set(getattr(snap, "sensitive", ()) or ())
    return Redactor(values)
