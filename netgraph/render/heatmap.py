"""Sources x targets, coloured by verdict: where an account breaks, at a glance.

Up to ``MAX_ROWS`` rows, one per source; beyond, the first grouping that fits: one row per
subnet and security-group set, per subnet, or per VPC, coloured by the worst verdict of its
sources (with their count in the label). A picture taller than that is not read, and takes
minutes to draw.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib import font_manager
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from PIL import Image, ImageDraw, ImageFont

from netgraph.reach import Trace
from netgraph.render.escape import printable
from netgraph.render.fonts import plain_text

MAX_ROWS = 2000
_ORDER = {"reachable": 0, "allowed": 0, "unknown": 1, "blocked": 2, "denied": 2}
_COLOURS = ["#66bb6a", "#bdbdbd", "#e53935", "#ffffff"]  # ok, unknown, blocked, not checked
ROW_IN = 0.16
DPI = 100


_GROUPINGS = ("", "subnet and security groups", "subnet", "VPC")


def _row_key(t: Trace, level: int, vpc_of: Mapping[str, str]) -> str:
    s = t.source
    if level == 0:
        who = s.service.name if s.service else s.id
        return f"{who} · {s.subnet_id}"
    if level == 1:
        return f"{s.subnet_id} · {'+'.join(sorted(s.security_group_ids)) or '-'}"
    if level == 2:
        return s.subnet_id
    return vpc_of.get(s.subnet_id, "VPC not in the snapshot")


@dataclass
class Heatmap:
    """The picture without its row labels, and the labels, top to bottom. matplotlib lays
    out and draws each label in about 5 ms (2,000 rows: 10 s); ``save`` writes them onto the
    rendered picture with Pillow, at the rows' own heights, in a fraction of that."""

    figure: Figure
    labels: list[str]
    font_points: float

    def save(self, path: str | Path) -> None:
        raw = io.BytesIO()
        self.figure.savefig(raw, format="rgba", dpi=DPI)
        data = raw.getvalue()
        width = int(self.figure.bbox.width)  # Agg truncates the figure's size to pixels
        height = len(data) // (4 * width)
        image = Image.frombytes("RGBA", (width, height), data).convert("RGB")
        box = self.figure.axes[0].get_window_extent()  # pixels, from the bottom left
        row = box.height / max(len(self.labels), 1)
        top = height - box.y1
        font = ImageFont.truetype(
            font_manager.findfont("DejaVu Sans"), size=max(round(self.font_points * DPI / 72), 6)
        )
        pen = ImageDraw.Draw(image)
        for i, label in enumerate(self.labels):
            pen.text(
                (box.x0 - 4, top + (i + 0.5) * row), label, fill="black", font=font, anchor="rm"
            )
        image.save(path, format="PNG")


def draw(traces: Sequence[Trace], title: str, vpc_of: Mapping[str, str] | None = None) -> Heatmap:
    """``vpc_of`` maps subnet ids to VPC ids, for the coarsest grouping."""
    vpcs = vpc_of or {}
    targets = list(dict.fromkeys(t.target for t in traces))
    level = 0
    while level < len(_GROUPINGS) - 1 and (
        len({_row_key(t, level, vpcs) for t in traces}) > MAX_ROWS
    ):
        level += 1
    grouped = level > 0
    cells: dict[tuple[str, str], int] = {}
    members: dict[str, set[str]] = defaultdict(set)
    for t in traces:
        row = _row_key(t, level, vpcs)
        members[row].add(_row_key(t, 0, vpcs))
        value = _ORDER.get(t.verdict, 1)
        cells[(row, t.target)] = max(cells.get((row, t.target), 0), value)
    rows = sorted(members, key=lambda r: (-max(cells.get((r, c), 0) for c in targets), r))
    grid = np.full((len(rows), len(targets)), 3, dtype=int)
    for i, r in enumerate(rows):
        for j, c in enumerate(targets):
            if (r, c) in cells:
                grid[i, j] = cells[(r, c)]
    height = min(1.6 + len(rows) * ROW_IN, 650 / 1.0)
    fig = Figure(figsize=(3.5 + 1.1 * len(targets), max(height, 3.0)), dpi=DPI)
    ax = fig.add_axes((0.32, 0.5 / max(height, 3.0), 0.64, 1 - 1.3 / max(height, 3.0)))
    ax.imshow(
        grid, aspect="auto", cmap=ListedColormap(_COLOURS), vmin=0, vmax=3, interpolation="nearest"
    )
    ax.set_xticks(range(len(targets)), targets, rotation=30, ha="left", fontsize=8)
    ax.xaxis.tick_top()
    labels = [f"{r} ({len(members[r])})" if grouped else r for r in rows]
    ax.set_yticks([])
    fig.suptitle(
        title + (f" · rows grouped by {_GROUPINGS[level]}" if grouped else ""),
        fontsize=10,
        x=0.02,
        # A fixed distance from the top edge: as a fraction of the height, the default put
        # the title of a 2,000-row picture 600 pixels down, over the row labels.
        y=1 - 0.15 / max(height, 3.0),
        ha="left",
        va="top",
    )
    fig.legend(
        handles=[
            Patch(color=_COLOURS[0], label="reachable / allowed"),
            Patch(color=_COLOURS[1], label="unknown"),
            Patch(color=_COLOURS[2], label="blocked / denied"),
        ],
        loc="lower left",
        ncol=3,
        frameon=False,
        fontsize=8,
    )
    return Heatmap(
        plain_text(fig), [printable(label) for label in labels], 6 if len(rows) > 60 else 8
    )
