"""``--html FILE``: the report as one self-contained page, for a person or a CI artifact.

One file, nothing fetched to view it (no CDN, no web font, no external script: a CI
artifact is often opened offline or behind a proxy): the summary (checks per verdict, what the
exit code means), a table of the checks filtered by verdict and by text (plain JavaScript,
inline), the fixes one per cause as the text and the JSON group them (``fixes.py``), and the
diagrams of the checks as inline SVG, drawn by the picture formats' engine (``png.py``), each
box with its hop's reason as a ``<title>`` (a tooltip on hover).

Every id, name and reason comes from the snapshot, so from whoever named the resource: all of
it is written through ``html.escape`` (after ``printable``), and the SVG is parsed and written
again with an allow-list of elements and attributes, ids prefixed per diagram (two diagrams'
clip paths must not collide) and no reference leaving the document. The page's
Content-Security-Policy allows only its own script (by hash) and no network request: markup
that slipped through could still not run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx

from netgraph.check import exit_code
from netgraph.fixes import Fix, cause_of
from netgraph.fixes import fixes as fixes_of
from netgraph.flows import Source
from netgraph.reach import PASSING, PROTOCOL_NAMES, Trace
from netgraph.render.diagram import KIND_LABELS, check_graph, check_title, picture_of
from netgraph.render.diff import DiffReport, message
from netgraph.render.escape import printable
from netgraph.render.format import FileFormat, Report
from netgraph.render.text import resolved

VERDICTS = ("reachable", "allowed", "blocked", "denied", "unknown")
EXIT_CODES = {
    0: "every check passed",
    1: "at least one check is blocked or denied",
    3: "nothing blocked, but at least one check is unknown (data the snapshot lacks)",
}
# A scan of a large account has 100,000 checks: the table lists the ones that do not pass
# first, up to this many, and a diagram is drawn for this many sources.
ROW_LIMIT = 5000
DIAGRAM_SOURCES = 8

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# What matplotlib's SVG backend writes for a check's picture; anything else is dropped.
_SVG_ELEMENTS = frozenset(
    {"svg", "g", "path", "defs", "use", "clipPath", "rect", "circle", "ellipse", "line",
     "polyline", "polygon", "title"}
)  # fmt: skip
_SVG_ATTRIBUTES = frozenset(
    {"id", "href", "d", "x", "y", "width", "height", "viewBox", "version", "transform",
     "style", "clip-path", "fill", "stroke", "stroke-width", "opacity", "cx", "cy", "r",
     "rx", "ry", "x1", "y1", "x2", "y2", "points", "class"}
)  # fmt: skip
_URL = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_FOREIGN_URL = re.compile(r"url\(\s*(?!#)", re.IGNORECASE)


def h(text: object) -> str:
    """Snapshot data as HTML text or an attribute value: nothing in it is markup."""
    return html.escape(printable(str(text), newlines=True), quote=True)


# ---- the diagrams -------------------------------------------------------------------------


def _hop_title(d: dict[str, Any]) -> str:
    """What hovering a box says: the hop, its verdict and reason, and the note under it."""
    kind = str(d.get("caption") or KIND_LABELS.get(str(d.get("kind")), d.get("kind")))
    lines = [f"{kind}: {d.get('aws_id', '')}", f"{d.get('verdict', '')}: {d.get('reason', '')}"]
    # The note under the box, its lines wrapped to the column joined again, without the
    # reason said just above.
    note = " ".join(str(d.get("note") or "").split()).replace(str(d.get("reason", "")), "")
    if note.strip():
        lines.append(" ".join(note.split()))
    return printable("\n".join(lines), newlines=True)


def _clean(elem: ET.Element, prefix: str, ids: dict[str, ET.Element]) -> None:
    """Keep only the allow-listed SVG of ``elem``'s subtree, its ids and references under
    ``prefix``."""
    for child in list(elem):
        ns, _, tag = child.tag.rpartition("}")
        if ns != "{" + _SVG_NS or tag not in _SVG_ELEMENTS:
            elem.remove(child)  # metadata, the global <style>, anything unexpected
            continue
        child.tag = tag  # in HTML an <svg>'s children are SVG without a namespace
        for name, value in list(child.attrib.items()):
            del child.attrib[name]
            local = "href" if name == _XLINK_HREF else name
            if local not in _SVG_ATTRIBUTES:
                continue
            if local == "href":
                if value.startswith("#"):
                    child.set("href", "#" + prefix + value[1:])
                continue
            if local == "id":
                child.set("id", prefix + value)
                ids[prefix + value] = child
                continue
            if _FOREIGN_URL.search(_URL.sub("", value)):
                continue  # a url() that would leave the page
            child.set(local, _URL.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))
        _clean(child, prefix, ids)


def inline_svg(svg: str, prefix: str, nodes: Sequence[dict[str, Any]], label: str) -> str:
    """``svg`` (matplotlib's file) as markup to put inside the page: comments, metadata and
    unknown elements dropped, ids prefixed, and the box of node ``i`` (its patch's gid
    ``hop-i``) given its hop's title and classes for its verdict."""
    root = ET.fromstring(svg)  # comments (matplotlib writes each label in one) are dropped
    kept = {k: v for k, v in root.attrib.items() if k in ("width", "height", "viewBox")}
    root.attrib.clear()
    root.attrib.update(kept)
    root.tag = "svg"
    root.set("xmlns", _SVG_NS)
    ids: dict[str, ET.Element] = {}
    _clean(root, prefix, ids)
    root.set("class", "diagram-svg")
    root.set("role", "img")
    root.set("aria-label", printable(label))
    for i, d in enumerate(nodes):
        box = ids.get(f"{prefix}hop-{i}")
        if box is None:
            continue
        classes = ["hop", f"verdict-{d.get('verdict', 'pass')}"]
        classes += [c for c in ("blocked", "cause") if d.get(c)]
        box.set("class", " ".join(classes))
        box.set("data-id", printable(str(d.get("aws_id", ""))))
        title = ET.Element("title")
        title.text = _hop_title(d)
        box.insert(0, title)
    return ET.tostring(root, encoding="unicode")


def _svg_of(report: Report, g: nx.DiGraph, figure: Any) -> tuple[str, list[dict[str, Any]]]:
    """The figure of ``g`` as SVG, each node's box tagged with its index."""
    from matplotlib.patches import FancyBboxPatch

    nodes = [d for _, d in g.nodes(data=True)]
    # draw_check adds one FancyBboxPatch per node, in the graph's order (the arrows are
    # FancyArrowPatch, the legend's patches are the figure's): the i-th box is node i.
    boxes = [p for p in figure.axes[0].patches if isinstance(p, FancyBboxPatch)]
    if len(boxes) != len(nodes):
        report.warn("the HTML report's diagram has no hover text: its boxes are not its hops")
        nodes = []
    for i, patch in enumerate(boxes if nodes else []):
        patch.set_gid(f"hop-{i}")
    from matplotlib import rc_context

    out = io.StringIO()
    # Clip-path ids are hashes salted with a random uuid unless told: the same run, the
    # same page.
    with rc_context({"svg.hashsalt": "netgraph"}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue(), nodes


def _diagram_traces(report: Report) -> tuple[list[Trace], str]:
    """The checks a scan draws: the sources with a check that does not pass (else the
    first ones), at most ``DIAGRAM_SOURCES``; and what was left out."""
    by_source = [list(g) for _, g in groupby(report.traces, key=lambda t: t.source)]
    failing = [c for c in by_source if any(t.verdict not in PASSING for t in c)]
    chosen = failing or by_source
    left = len(chosen) - DIAGRAM_SOURCES
    note = ""
    if left > 0:
        which = "with a check that does not pass " if failing else ""
        note = f"the first {DIAGRAM_SOURCES} sources {which}are drawn; {left} more are not"
    return [t for c in chosen[:DIAGRAM_SOURCES] for t in c], note


def diagrams(report: Report) -> str:
    """The section of diagrams: the picture of the checks (a scan's: of its failing
    sources), as inline SVG."""
    if not report.traces:
        return ""
    from netgraph.render import png

    note = ""
    if report.command == "check":
        g = picture_of(report)
        if "figure" not in report.memo:  # --png/--svg of the same run drew it already
            report.memo["figure"] = png.draw_check(g, report.warn)
        figure = report.memo["figure"]
    else:
        traces, note = _diagram_traces(report)
        g = check_graph(traces, check_title(report).replace("netgraph check", "netgraph scan"))
        figure = png.draw_check(g, report.warn)
    svg, nodes = _svg_of(report, g, figure)
    markup = inline_svg(svg, "d0-", nodes, str(g.graph.get("title", "")))
    parts = [
        '<section id="diagrams"><h2>Diagram</h2>',
        '<p class="hint">Hover a box for its hop and reason. Red: the hop that drops the '
        "packet; orange: where the fix goes; grey dashed: unknown.</p>",
    ]
    if note:
        parts.append(f'<p class="note">{h(note)}</p>')
    parts += [f'<div class="diagram">{markup}</div>', "</section>"]
    return "\n".join(parts)


# ---- the summary, the table, the fixes -----------------------------------------------------


def _who(source: Source) -> str:
    if source.service is not None:
        cluster = f" (cluster {source.service.cluster})" if source.service.cluster else ""
        return f"service {source.service.name}{cluster}"
    return "hypothetical task" if source.kind == "hypothetical" else source.id


def summary(report: Report) -> str:
    traces = report.traces
    counts = {v: sum(1 for t in traces if t.verdict == v) for v in VERDICTS}
    code = exit_code(traces)
    items = "".join(
        f'<li class="count verdict-{v}"><span class="n">{n}</span> {v}</li>'
        for v, n in counts.items()
        if n
    )
    meanings = {**EXIT_CODES, 2: "bad input or usage (no report is written)"}
    rows = "".join(
        f"<tr{' class=current' if c == code else ''}><td>{c}</td><td>{h(m)}</td></tr>"
        for c, m in sorted(meanings.items())
    )
    parts = [
        '<section id="summary"><h2>Summary</h2>',
        f'<p><span id="total">{len(traces)}</span> checks:</p>',
        f'<ul class="counts">{items or "<li>none</li>"}</ul>',
        f'<p id="exit-code">exit code <strong>{code}</strong>: {h(EXIT_CODES[code])}</p>',
        f'<table class="exit-codes"><tr><th>exit code</th><th>meaning</th></tr>{rows}</table>',
    ]
    s = report.summary
    if report.command == "scan" and s is not None:
        parts.append(
            f"<p>{s['checks']} checks of {s['sources']} sources ({s['services']} services, "
            f"{s['enis']} ENIs), {s['distinct_checks']} distinct configurations.</p>"
        )
        if s.get("blocking"):
            parts.append("<h3>Most common blocking hops</h3><ol class=blocking>")
            for e in s["blocking"][: report.top]:
                parts.append(
                    f"<li><code>{h(e['id'])}</code> ({h(e['kind'])}) blocks {e['checks']} "
                    f"checks ({h(', '.join(e['targets']))}): {h(e['reason'])}</li>"
                )
            parts.append("</ol>")
    warnings = report.snapshot.warnings
    if warnings:
        parts.append("<h3>Warnings</h3><ul class=warnings>")
        parts += [f"<li>{h(w)}</li>" for w in warnings]
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _listed(traces: Sequence[Trace]) -> tuple[list[int], str]:
    """The indexes of the checks the table lists, and a note when not all."""
    if len(traces) <= ROW_LIMIT:
        return list(range(len(traces))), ""
    failing = [i for i, t in enumerate(traces) if t.verdict not in PASSING]
    passing = [i for i, t in enumerate(traces) if t.verdict in PASSING]
    listed = sorted((failing + passing)[:ROW_LIMIT])
    return listed, (
        f"{len(listed)} of {len(traces)} checks are listed (those that do not pass first); "
        "--format json lists them all"
    )


def _search_text(t: Trace) -> str:
    """What the text filter matches: the source, the target, the blocking hop."""
    s = t.source
    words = [_who(s), s.id, s.subnet_id, *s.security_group_ids, t.target]
    if t.blocked_at is not None:
        words += [t.blocked_at.id, t.blocked_at.kind]
    return printable(" ".join(words)).lower()


def _row(i: int, t: Trace, fix_of: dict[int, Fix]) -> str:
    s = t.source
    proto = PROTOCOL_NAMES.get(t.protocol, t.protocol) or ""
    port = f"{proto} {t.port}" if t.port is not None else proto
    blocked = ""
    if t.blocked_at is not None:
        b = t.blocked_at
        blocked = f'<code title="{h(b.reason)}">{h(b.id)}</code> <small>{h(b.kind)}</small>'
    reason = t.blocked_at.reason if t.blocked_at is not None else t.reason
    cause = cause_of(t)
    if cause is not None:
        reason += f" (cause: {cause.id}: {cause.reason})"
    fix = h(t.fix or "")
    if i in fix_of:
        fix += f' <a href="#{h(fix_of[i].id)}">{h(fix_of[i].id)}</a>'
    hops = "".join(
        f'<li class="verdict-{h(x.status)}">{h(x.status)} {h(x.kind)}'
        f"{' (return)' if x.leg == 'return' else ''} <code>{h(x.id)}</code>: {h(x.reason)}</li>"
        for x in t.hops
    )
    assumed = "".join(f"<li>assumes: {h(a)}</li>" for a in t.assumptions)
    return (
        f'<tr data-verdict="{h(t.verdict)}" data-search="{h(_search_text(t))}">'
        f"<td>{i + 1}</td>"
        f"<td>{h(_who(s))}<br><small>{h(s.subnet_id)}</small></td>"
        f"<td>{h(t.target)}<br><small>{h(port)}</small></td>"
        f'<td><span class="badge verdict-{h(t.verdict)}">{h(t.verdict)}</span></td>'
        f"<td>{blocked}</td>"
        f"<td>{h(reason)}</td>"
        f"<td>{fix}</td>"
        f"<td><details><summary>{len(t.hops)} hops</summary><ol>{hops}</ol>"
        f"{f'<ul>{assumed}</ul>' if assumed else ''}</details></td>"
        "</tr>"
    )


def checks_table(traces: Sequence[Trace], fixes: Sequence[Fix]) -> str:
    fix_of = {i: f for f in fixes for i in f.resolves}
    listed, note = _listed(traces)
    present = [v for v in VERDICTS if any(t.verdict == v for t in traces)]
    options = "".join(f'<option value="{v}">{v}</option>' for v in present)
    parts = [
        '<section id="checks"><h2>Checks</h2>',
        '<div class="filters"><label>verdict <select id="verdict-filter">'
        '<option value="">all</option><option value="not-passing">not passing</option>'
        f"{options}</select></label> "
        '<label>filter <input id="text-filter" type="search" '
        'placeholder="source, target or blocking hop" autocomplete="off"></label> '
        f'<span class="shown"><span id="shown">{len(listed)}</span> of {len(listed)} '
        "shown</span></div>",
    ]
    if note:
        parts.append(f'<p class="note">{h(note)}</p>')
    parts.append(
        '<table id="checks-table"><thead><tr><th>#</th><th>source</th><th>target</th>'
        "<th>verdict</th><th>blocked at</th><th>reason</th><th>fix</th><th>path</th></tr>"
        "</thead><tbody>"
    )
    parts += [_row(i, traces[i], fix_of) for i in listed]
    parts.append("</tbody></table></section>")
    return "\n".join(parts)


def fixes_section(traces: Sequence[Trace], fixes: Sequence[Fix]) -> str:
    if not fixes:
        return ""
    parts = ['<section id="fixes"><h2>Fixes</h2><p>One fix per cause.</p><ol>']
    for fix in fixes:
        commands = "".join(f"<pre><code>{h(c)}</code></pre>" for c in fix.commands)
        parts.append(
            f'<li id="{h(fix.id)}"><p><code>{h(fix.cause)}</code>: {h(fix.text)}</p>'
            f"<p class=resolves>{h(resolved(traces, fix))}</p>{commands}</li>"
        )
    parts.append("</ol></section>")
    return "\n".join(parts)


# ---- the page -------------------------------------------------------------------------------

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 1.5rem 3rem;
color:#263238}
h1{font-size:1.35rem;margin:1rem 0 .5rem}h2{font-size:1.15rem;border-bottom:1px solid #cfd8dc;
padding-bottom:.2rem;margin-top:1.8rem}h3{font-size:1rem}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f5f5f5;padding:.4rem .6rem;overflow-x:auto;margin:.3rem 0}
ul.counts{list-style:none;padding:0;display:flex;gap:.6rem;flex-wrap:wrap}
li.count{padding:.3rem .7rem;border-radius:4px;border:1px solid #b0bec5}
li.count .n{font-weight:bold;font-size:1.2em}
.verdict-reachable,.verdict-allowed,.verdict-pass{background:#e8f5e9;border-color:#2e7d32}
.verdict-blocked,.verdict-denied,.verdict-fail{background:#ffcdd2;border-color:#c62828}
.verdict-unknown{background:#eeeeee;border-color:#757575}
.change-worse{background:#ffcdd2;border-color:#c62828}.change-better{background:#e8f5e9;
border-color:#2e7d32}.change-appeared,.change-disappeared{background:#fff8e1}
table{border-collapse:collapse}th,td{border:1px solid #cfd8dc;padding:.25rem .45rem;
vertical-align:top;text-align:left}
#checks-table td:nth-child(6),#checks-table td:nth-child(7){max-width:32rem}
tr.current td{font-weight:bold;background:#fff8e1}
.badge{padding:0 .4rem;border:1px solid;border-radius:3px;white-space:nowrap}
.filters{margin:.5rem 0 .8rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.filters input{width:22rem;padding:.2rem}
details ol{margin:.2rem 0;padding-left:1.2rem}details li{background:none}
.note,.hint{color:#546e7a}
.diagram{overflow:auto;border:1px solid #cfd8dc;max-height:80vh}
.diagram svg{display:block}
.diagram svg *{stroke-linejoin:round;stroke-linecap:butt}
.diagram svg g[id*="text_"],.diagram svg g[id*="legend"]{pointer-events:none}
.diagram svg g.hop{cursor:help}
.diagram svg g.hop:hover path{stroke-width:4}
"""

SCRIPT = """
(function () {
  "use strict";
  var verdict = document.getElementById("verdict-filter");
  var text = document.getElementById("text-filter");
  var shown = document.getElementById("shown");
  if (!verdict || !text || !shown) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("#checks-table tbody tr"));
  var passing = {reachable: true, allowed: true};
  function apply() {
    var v = verdict.value;
    var words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (row) {
      var rv = row.getAttribute("data-verdict");
      var hay = row.getAttribute("data-search") || "";
      var ok = !v || rv === v || (v === "not-passing" && !passing[rv]);
      ok = ok && words.every(function (w) { return hay.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = String(n);
  }
  verdict.addEventListener("change", apply);
  text.addEventListener("input", apply);
  apply();
})();
"""


def _csp(script: str) -> str:
    """Nothing fetched, only this page's script (by its hash) runs."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


# ---- diff: the checks whose verdict the change moves ----------------------------------------

DIFF_EXIT_CODES = {
    0: "no check gets worse",
    1: "a check gets worse, or a new check is blocked or denied",
    2: "bad input or usage (no report is written)",
}


def _diff_body(report: DiffReport) -> list[str]:
    from netgraph.diff import exit_code as diff_exit_code

    diff, names = report.diff, report.names()
    counts = diff.counts()
    code = diff_exit_code(diff)
    items = "".join(
        f'<li class="count change-{m}"><span class="n">{counts[m]}</span> {m}</li>'
        for m in ("worse", "better", "appeared", "disappeared", "unchanged")
    )
    rows = "".join(
        f"<tr{' class=current' if c == code else ''}><td>{c}</td><td>{h(m)}</td></tr>"
        for c, m in DIFF_EXIT_CODES.items()
    )
    parts = [
        f"<header><h1>{h(report.title)}</h1></header>",
        '<section id="summary"><h2>Summary</h2>',
        f'<p><span id="total">{counts["compared"]}</span> checks compared:</p>',
        f'<ul class="counts">{items}</ul>',
        f'<p id="exit-code">exit code <strong>{code}</strong>: {h(DIFF_EXIT_CODES[code])}</p>',
        f'<table class="exit-codes"><tr><th>exit code</th><th>meaning</th></tr>{rows}</table>',
        "</section>",
    ]
    worse = [c.after for c in diff.regressions if c.after is not None]
    if worse:
        shown = Report("diff", report.snapshot, report.where, worse, warn=report.warn)
        traces, note = _diagram_traces(shown)
        g = check_graph(traces, f"netgraph diff · after the change · {report.snapshot.region}")
        from netgraph.render import png

        svg, nodes = _svg_of(report, g, png.draw_check(g, report.warn))
        parts += [
            '<section id="diagrams"><h2>Diagram of the checks that get worse</h2>',
            '<p class="hint">As they are after the change. Hover a box for its hop and reason.</p>',
            f'<p class="note">{h(note)}</p>' if note else "",
            f'<div class="diagram">{inline_svg(svg, "d0-", nodes, str(g.graph["title"]))}</div>',
            "</section>",
        ]
    present = [m for m in ("worse", "better", "appeared", "disappeared") if counts[m]]
    options = "".join(f'<option value="{m}">{m}</option>' for m in present)
    parts += [
        '<section id="checks"><h2>Changed checks</h2>',
        '<div class="filters"><label>change <select id="verdict-filter">'
        f'<option value="">all</option>{options}</select></label> '
        '<label>filter <input id="text-filter" type="search" '
        'placeholder="source, target or deciding hop" autocomplete="off"></label> '
        f'<span class="shown"><span id="shown">{len(diff.changes)}</span> of '
        f"{len(diff.changes)} shown</span></div>",
        '<table id="checks-table"><thead><tr><th>#</th><th>source</th><th>target</th>'
        "<th>change</th><th>before</th><th>after</th><th>deciding hop</th><th>what happened"
        "</th><th>fix</th></tr></thead><tbody>",
    ]
    for i, change in enumerate(diff.changes):
        t = change.trace
        hop = change.hop
        hop_cell = ""
        words = [_search_text(t)]
        if hop is not None:
            address = names.get(hop.id)
            hop_cell = (
                f'<code title="{h(hop.reason)}">{h(hop.id)}</code> <small>{h(hop.kind)}'
                f"{f' ({h(address)})' if address else ''}</small>"
            )
            words.append(printable(f"{hop.id} {address or ''}").lower())
        fix = change.after.fix if change.after is not None and change.regression else None
        parts.append(
            f'<tr data-verdict="{h(change.movement)}" data-search="{h(" ".join(words))}">'
            f"<td>{i + 1}</td><td>{h(_who(t.source))}<br><small>{h(t.source.subnet_id)}"
            f"</small></td><td>{h(t.target)}</td>"
            f'<td><span class="badge change-{h(change.movement)}">{h(change.movement)}</span>'
            f"</td><td>{h(change.verdict_before or 'not checked')}</td>"
            f"<td>{h(change.verdict_after or 'not checked')}</td><td>{hop_cell}</td>"
            f"<td>{h(message(change, report.subject, names))}</td><td>{h(fix or '')}</td></tr>"
        )
    parts.append("</tbody></table></section>")
    fixes = fixes_of(report.snapshot, worse)
    parts.append(fixes_section(worse, fixes))
    return parts


def page(report: Report, *, with_diagrams: bool = True) -> str:
    """The whole page."""
    traces = report.traces
    if isinstance(report, DiffReport):
        body = _diff_body(report)
    else:
        fixes = fixes_of(report.snapshot, traces)
        body = [
            f"<header><h1>{h(report.title)}</h1></header>",
            summary(report),
            diagrams(report) if with_diagrams else "",
            checks_table(traces, fixes),
            fixes_section(traces, fixes),
        ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_csp(SCRIPT)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="netgraph">',
            '<link rel="icon" href="data:,">',
            f"<title>{h(report.title)}</title>",
            f"<style>{CSS}</style>",
            "</head><body>",
            *(part for part in body if part),
            f"<script>{SCRIPT}</script>",
            "</body></html>",
            "",
        ]
    )


class HtmlFormat(FileFormat):
    """``--html FILE``: the self-contained HTML report."""

    name: ClassVar[str] = "html"
    commands: ClassVar[frozenset[str]] = frozenset({"check", "scan", "diff"})
    noun: ClassVar[str] = "HTML report"

    def save(self, report: Report, path: str) -> None:
        Path(path).write_text(page(report), encoding="utf-8")
