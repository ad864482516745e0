"""The drawn formats: ``--png``/``--svg`` (the picture of the checks, or ``draw``'s topology)
and the scan's ``--heatmap``. Their engines (``png.py``, ``heatmap.py``) import matplotlib,
which costs most of a second: they are imported only when a picture is drawn."""

from __future__ import annotations

from typing import Any, ClassVar

from netgraph.render.diagram import picture_of
from netgraph.render.format import FileFormat, Report


def _figure(report: Report) -> Any:
    """The report's picture drawn, once for the PNG and the SVG (and its warnings said once)."""
    if "figure" not in report.memo:
        from netgraph.render import png

        graph = picture_of(report)
        if graph.graph.get("drawing") == "network":
            draw = png.draw_network
        else:
            draw = png.draw_topology if report.command == "draw" else png.draw_check
        report.memo["figure"] = draw(graph, report.warn)
    return report.memo["figure"]


class PngFormat(FileFormat):
    """``--png FILE``."""

    name: ClassVar[str] = "png"
    commands: ClassVar[frozenset[str]] = frozenset({"check", "draw"})

    def save(self, report: Report, path: str) -> None:
        from netgraph.render import png

        png.save(_figure(report), path, self.name)


class SvgFormat(PngFormat):
    """``--svg FILE``: the same picture, as SVG."""

    name: ClassVar[str] = "svg"


class HeatmapFormat(FileFormat):
    """``scan --heatmap FILE``: sources x targets, coloured by verdict (a PNG)."""

    name: ClassVar[str] = "heatmap"
    commands: ClassVar[frozenset[str]] = frozenset({"scan"})
    noun: ClassVar[str] = "heatmap"

    def save(self, report: Report, path: str) -> None:
        from netgraph.render import heatmap

        vpc_of = {s.id: s.vpc_id for s in (report.snapshot.subnets or {}).values()}
        heatmap.draw(report.traces, report.title, vpc_of).save(path)
