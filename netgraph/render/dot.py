"""DOT: the networkx graph written with all its attributes, so that `dot -Tsvg` renders it
and scripts read it back (pydot, networkx). Every id is quoted: ARNs hold ':' which Graphviz
tools would otherwise read as a port. Control characters and lone surrogates are written as
escapes (``escape.printable``): a surrogate cannot be written as UTF-8 at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import networkx as nx

from netgraph.render.diagram import CAUSE, KIND_LABELS, PALETTE, picture_of
from netgraph.render.escape import printable
from netgraph.render.format import FileFormat, Report


def quote(value: Any) -> str:
    text = (
        printable(str(value), newlines=True)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
    )
    return f'"{text}"'


def _attrs(data: dict[str, Any]) -> str:
    return ", ".join(f"{k}={quote(v)}" for k, v in data.items() if v is not None)


def render(g: nx.DiGraph) -> str:
    lines = [f"digraph {quote(g.graph.get('name', 'netgraph'))} {{"]
    graph_attrs = {
        "label": g.graph.get("title", ""),
        "labelloc": "t",
        "rankdir": "LR",
        "fontname": "Helvetica",
    }
    lines.append(f"  graph [{_attrs(graph_attrs)}];")
    lines.append('  node [shape="box", style="rounded,filled", fontname="Helvetica"];')
    for node, data in g.nodes(data=True):
        verdict = str(data.get("verdict", "pass"))
        fill, colour, line = PALETTE.get(verdict, PALETTE["pass"])
        if data.get("cause"):
            fill, colour = CAUSE
        kind = str(data.get("kind", ""))
        caption = data.get("caption") or KIND_LABELS.get(kind, kind)
        extra = {
            "label": f"{caption}\n{data.get('label', data.get('aws_id', ''))}",
            "fillcolor": fill,
            "color": colour,
            "style": f"rounded,filled,{line}" if line != "solid" else "rounded,filled",
            "penwidth": 3 if data.get("blocked") or data.get("cause") else 1,
        }
        attrs = {k: v for k, v in data.items() if k != "label"} | extra
        lines.append(f"  {quote(node)} [{_attrs(attrs)}];")
    for a, b, data in g.edges(data=True):
        attrs = dict(data)
        if "verdict" in attrs:
            attrs["color"] = PALETTE.get(str(attrs["verdict"]), PALETTE["pass"])[1]
        if attrs.get("style") not in (None, "solid", "dotted", "dashed"):
            attrs.pop("style")
        lines.append(f"  {quote(a)} -> {quote(b)} [{_attrs(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


class DotFormat(FileFormat):
    """``--dot FILE``: the picture of the checks (``draw``: of the topology) as Graphviz DOT."""

    name: ClassVar[str] = "dot"
    commands: ClassVar[frozenset[str]] = frozenset({"check", "draw"})

    def save(self, report: Report, path: str) -> None:
        Path(path).write_text(render(picture_of(report)), encoding="utf-8")
