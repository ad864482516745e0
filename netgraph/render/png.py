"""PNG and SVG of a check run, drawn with matplotlib (Agg: no display, no system package).

Columns are the order the packet meets the hops; passing hops green, the drop red with its
reason and fix written under it, the cause (where the fix goes, when not at the drop)
orange, unknown hops grey and dashed, targets not reached dotted; the role lane below.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.figure import Figure  # a bare Figure draws with Agg: no display, no pyplot
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from netgraph.render.diagram import BOX_H, CAUSE, KIND_LABELS, PALETTE, ROW_H
from netgraph.render.escape import printable
from netgraph.render.fonts import font_for, plain_text
from netgraph.render.topology import SUBNET_LINE, SUBNET_W, Box, route_row_y, subnet_lines

COL_W = 2.5  # inches per column
BOX_W = 2.1  # BOX_H and ROW_H: diagram.py, which reserves rows for the text under a box
REASON_ROWS = 0.2  # space under a band
TITLE_H, LEGEND_H = 0.8, 0.55
DPI = 100

Warn = Callable[[str], None]


def _label(text: str, fallback: str, warn: Warn) -> tuple[str, object]:
    # Escaped before the font is chosen: an escape is ASCII, a control character has no glyph.
    text, fallback = printable(text, newlines=True), printable(fallback, newlines=True)
    font = font_for(text)
    if font is not None:
        return text, font
    warn(f"no installed font has every character of '{text}'; drawing {fallback} instead")
    return fallback, font_for(fallback)


def figure_size(g: nx.DiGraph) -> tuple[float, float]:
    cols = max(int(g.graph.get("columns", 1)), 1)
    rows = float(sum(g.graph.get("band_rows", [1]))) or 1.0
    bands = len(g.graph.get("band_rows", [1]))
    width = max(cols * COL_W + 0.6, 8.0)
    height = TITLE_H + LEGEND_H + rows * ROW_H + bands * (0.35 + REASON_ROWS)
    return width, round(height * DPI) / DPI  # whole pixels: the PNG is exactly this size


def _warner(warn: Warn | None) -> Warn:
    def say(message: str) -> None:
        if warn is not None:
            warn(message)
        else:
            warnings.warn(message, stacklevel=3)

    return say


def _page(
    width: float,
    height: float,
    title: str,
    fallback: str,
    say: Warn,
    x: float = 0.3,
    y: float = TITLE_H / 2,
) -> tuple[Figure, Axes]:
    """A figure whose one axes is measured in inches from the top left, with its title."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downwards, like a page
    ax.axis("off")
    text, font = _label(title, fallback, say)
    ax.text(x, y, text, fontsize=13, fontweight="bold", va="center", fontproperties=font)
    return fig, ax


def _legend(fig: Figure, handles: list[Patch], ncol: int) -> None:
    fig.legend(
        handles=handles,
        loc="lower left",
        ncol=ncol,
        frameon=False,
        fontsize=8,
        bbox_to_anchor=(0.01, 0.0),
    )


def draw_check(g: nx.DiGraph, warn: Warn | None = None) -> Figure:
    say = _warner(warn)
    width, height = figure_size(g)
    fig, ax = _page(width, height, str(g.graph.get("title", "")), "netgraph check", say)

    band_top: list[float] = []
    y = TITLE_H
    for rows in g.graph.get("band_rows", []):
        band_top.append(y)
        y += 0.35 + rows * ROW_H + REASON_ROWS

    def centre(node: str) -> tuple[float, float]:
        d = g.nodes[node]
        return (
            0.3 + d["col"] * COL_W + BOX_W / 2,
            band_top[d["band"]] + 0.35 + d["row"] * ROW_H + BOX_H / 2,
        )

    for band, top in enumerate(band_top):
        root = next(n for n, d in g.nodes(data=True) if d["band"] == band and d["kind"] == "source")
        text, font = _label(str(g.nodes[root]["heading"]), g.nodes[root]["aws_id"], say)
        ax.text(
            0.3,
            top + 0.12,
            text,
            fontsize=10,
            fontweight="bold",
            va="center",
            color="#37474f",
            fontproperties=font,
        )
        if band:
            ax.axhline(top - 0.05, color="#cfd8dc", linewidth=1)

    # The role lane: under the network columns, with a heading of its own.
    for band, row, heading in g.graph.get("lanes", []):
        lane_y = band_top[band] + 0.35 + row * ROW_H
        ax.plot(
            [0.3, width - 0.3],
            [lane_y - 0.36, lane_y - 0.36],
            color="#cfd8dc",
            linewidth=0.8,
            linestyle="--",
        )
        colour = PALETTE["fail"][1] if heading.endswith("denied") else "#37474f"
        ax.text(
            0.3, lane_y - 0.2, heading, fontsize=9, fontweight="bold", va="center", color=colour
        )

    for a, b, data in g.edges(data=True):
        (x1, y1), (x2, y2) = centre(a), centre(b)
        verdict = str(data.get("verdict", g.nodes[b]["verdict"]))
        colour = PALETTE.get(verdict, PALETTE["pass"])[1]
        # In the role lane the policies sit side by side: an arrow that would cross a box
        # leaves the role's top and runs above the boxes to the policy's top instead.
        skips = y1 == y2 and g.nodes[b]["col"] - g.nodes[a]["col"] > 1
        start, end = (x1 + BOX_W / 2, y1), (x2 - BOX_W / 2, y2)
        style = "arc3,rad=0.0"
        if skips:
            start, end = (x1 + BOX_W / 4, y1 - BOX_H / 2), (x2 - BOX_W / 4, y2 - BOX_H / 2)
            style = "bar,armA=-10,armB=-10,fraction=0"
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=10,
                color=colour,
                linewidth=1.0,
                linestyle=":" if data.get("style") == "dotted" else "-",
                connectionstyle=style,
                zorder=1,
            )
        )

    for node, d in g.nodes(data=True):
        x, y = centre(node)
        fill, edge, line = PALETTE.get(d["verdict"], PALETTE["pass"])
        blocked, cause = bool(d.get("blocked")), bool(d.get("cause"))
        if cause:
            fill, edge = CAUSE
        ax.add_patch(
            FancyBboxPatch(
                (x - BOX_W / 2, y - BOX_H / 2),
                BOX_W,
                BOX_H,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                facecolor=fill,
                edgecolor=edge,
                linewidth=3.0 if blocked or cause else 1.2,
                linestyle={"solid": "-", "dashed": "--", "dotted": ":"}[line],
                zorder=2,
            )
        )
        kind = str(d.get("caption") or KIND_LABELS.get(d["kind"], d["kind"]))
        name, font = _label(str(d["label"]), str(d["aws_id"])[-20:], say)
        caption, caption_font = _label(kind, str(d["kind"]), say)
        ax.text(
            x,
            y - 0.13,
            caption,
            ha="center",
            va="center",
            fontsize=7.5,
            color="#455a64",
            zorder=3,
            fontproperties=caption_font,
        )
        ax.text(
            x,
            y + 0.1,
            name,
            ha="center",
            va="center",
            fontsize=8.5,
            zorder=3,
            fontweight="bold" if blocked or cause else "normal",
            fontproperties=font,
        )
        tag = "drop" if blocked and d.get("lane") == "network" else ""
        tag = "cause: fix here" if cause else tag
        if tag:
            ax.text(
                x + BOX_W / 2,
                y - BOX_H / 2 - 0.09,
                tag,
                ha="right",
                va="center",
                fontsize=7,
                fontweight="bold",
                color=edge,
                zorder=4,
            )
        note = str(d.get("note") or "")
        if note:
            colour = edge if (blocked or cause or d["verdict"] != "pass") else "#1b5e20"
            text, font = _label(note, str(d["aws_id"]), say)
            ax.text(
                x - BOX_W / 2,
                y + BOX_H / 2 + 0.08,
                text,
                ha="left",
                va="top",
                fontsize=7,
                linespacing=1.15,
                color=colour,
                zorder=4,
                fontproperties=font,
            )

    legend = [
        Patch(facecolor=PALETTE["pass"][0], edgecolor=PALETTE["pass"][1], label="admits"),
        Patch(
            facecolor=PALETTE["fail"][0],
            edgecolor=PALETTE["fail"][1],
            linewidth=2.5,
            label="drop: the first blocking hop, with why and the fix",
        ),
        Patch(
            facecolor=CAUSE[0],
            edgecolor=CAUSE[1],
            linewidth=2.5,
            label="cause: where the fix goes, when not at the drop",
        ),
        Patch(
            facecolor=PALETTE["unknown"][0],
            edgecolor=PALETTE["unknown"][1],
            linestyle="--",
            label="unknown (data missing or outside the VPC)",
        ),
        Patch(
            facecolor=PALETTE["not-reached"][0],
            edgecolor=PALETTE["not-reached"][1],
            linestyle=":",
            label="not reached",
        ),
    ]
    _legend(fig, legend, ncol=5)
    return plain_text(fig)


def save(fig: Figure, path: str, fmt: str) -> None:
    fig.savefig(path, format=fmt, dpi=DPI)


# ---- the topology of a VPC ---------------------------------------------------------------

_GATEWAY_COLOURS = {
    "igw": "#e3f2fd",
    "nat-gateway": "#e0f7fa",
    "gateway-endpoint": "#f3e5f5",
    "tgw": "#fff8e1",
    "pcx": "#fff8e1",
    "vgw": "#fff8e1",
}
_TIER_COLOURS = {0: "#e8f5e9", 1: "#e3f2fd", 2: "#f5f5f5"}
_TIER_NAMES = {
    0: "public (0.0.0.0/0 → internet gateway)",
    1: "private (0.0.0.0/0 → NAT)",
    2: "isolated or other",
}


def draw_topology(g: nx.DiGraph, warn: Warn | None = None) -> Figure:
    say = _warner(warn)
    width, height = float(g.graph["width"]), float(g.graph["height"])
    fig, ax = _page(
        width, height, f"netgraph draw · {g.graph['title']}", "netgraph draw", say, x=0.4, y=0.4
    )

    vpc: Box = g.graph["vpc_box"]
    ax.add_patch(
        FancyBboxPatch(
            (vpc.x, vpc.y),
            vpc.w,
            vpc.h,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor="#fafafa",
            edgecolor="#546e7a",
            linewidth=1.5,
        )
    )
    ax.text(
        vpc.x + 0.15,
        vpc.y + 0.2,
        str(g.graph.get("name", "VPC")),
        fontsize=10,
        fontweight="bold",
        color="#546e7a",
        va="center",
    )
    for az, x in g.graph["az_columns"]:
        ax.text(
            x + SUBNET_HALF,
            vpc.y + 0.5,
            az,
            fontsize=9,
            ha="center",
            va="center",
            color="#546e7a",
            fontweight="bold",
        )

    for node, d in g.nodes(data=True):
        b = d.get("box")
        if b is None:
            continue
        if d["kind"] == "subnet":
            _draw_subnet(ax, b, d, say)
        elif d["kind"] == "route-table":
            _draw_route_table(ax, g, node, b)
        else:
            colour = _GATEWAY_COLOURS.get(d["kind"], "#eceff1")
            ax.add_patch(
                FancyBboxPatch(
                    (b.x, b.y),
                    b.w,
                    b.h,
                    boxstyle="round,pad=0.02,rounding_size=0.08",
                    facecolor=colour,
                    edgecolor="#455a64",
                )
            )
            ax.text(
                b.x + b.w / 2,
                b.y + 0.2,
                KIND_LABELS.get(d["kind"], d["kind"]),
                ha="center",
                va="center",
                fontsize=7.5,
                color="#455a64",
            )
            ax.text(
                b.x + b.w / 2, b.y + 0.42, str(d["aws_id"]), ha="center", va="center", fontsize=8.5
            )
            if d["kind"] == "nat-gateway":
                where, font = _label(str(d["label"]), "", say)
                ax.text(
                    b.x + b.w / 2,
                    b.y + b.h + 0.1,
                    where,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="#455a64",
                    fontproperties=font,
                )

    # Subnet -> its route table: a thin line; route row -> where the route leads: an arrow.
    for a, b_node, e in g.edges(data=True):
        if e["kind"] == "associated":
            sb, rb = g.nodes[a]["box"], g.nodes[b_node]["box"]
            ax.add_patch(
                FancyArrowPatch(
                    (sb.x + sb.w, sb.y + 0.2),
                    (rb.x, rb.y + 0.2),
                    arrowstyle="-",
                    color="#b0bec5",
                    linewidth=0.7,
                    zorder=0,
                )
            )

    # One arrow per route row, from the row to where the route leads.
    for rt_id, rows in g.graph.get("routes", {}).items():
        rb = g.nodes[rt_id]["box"]
        for i, (_dest, target, state) in enumerate(rows):
            tb = g.nodes[target].get("box")
            if tb is None:
                continue
            ax.add_patch(
                FancyArrowPatch(
                    (rb.x + rb.w, route_row_y(rb, i)),
                    (tb.x, tb.y + tb.h / 2),
                    arrowstyle="-|>",
                    mutation_scale=9,
                    color="#c62828" if state == "blackhole" else "#37474f",
                    linewidth=0.9,
                    connectionstyle="arc3,rad=0.08",
                    zorder=1,
                )
            )

    legend = [
        Patch(facecolor=c, edgecolor="#455a64", label=_TIER_NAMES[t])
        for t, c in _TIER_COLOURS.items()
    ]
    _legend(fig, legend, ncol=3)
    return plain_text(fig)


SUBNET_HALF = SUBNET_W / 2


def _draw_subnet(ax: Axes, box: Box, d: dict[str, object], say: Warn) -> None:
    fill = _TIER_COLOURS.get(int(str(d.get("tier", 2))), "#f5f5f5")
    ax.add_patch(
        FancyBboxPatch(
            (box.x, box.y),
            box.w,
            box.h,
            boxstyle="round,pad=0.02,rounding_size=0.06",
            facecolor=fill,
            edgecolor="#78909c",
        )
    )
    name, font = _label(str(d.get("tag_name") or d["aws_id"]), str(d["aws_id"]), say)
    x, y = box.x + 0.1, box.y + 0.2
    ax.text(x, y, name, fontsize=8.5, fontweight="bold", va="center", fontproperties=font)
    for i, line in enumerate(subnet_lines(d), 1):
        ax.text(x, y + i * SUBNET_LINE, line, fontsize=7, va="center", color="#37474f")


def _draw_route_table(ax: Axes, g: nx.DiGraph, node: str, b: Box) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (b.x, b.y),
            b.w,
            b.h,
            boxstyle="round,pad=0.02,rounding_size=0.06",
            facecolor="#fffde7",
            edgecolor="#8d6e63",
        )
    )
    ax.text(
        b.x + 0.1, b.y + 0.2, f"route table {node}", fontsize=8.5, fontweight="bold", va="center"
    )
    rows = g.graph.get("routes", {}).get(node, [])
    if not rows:
        ax.text(
            b.x + 0.1, route_row_y(b, 0), "local only", fontsize=7, va="center", color="#6d4c41"
        )
    for i, (dest, target, state) in enumerate(rows):
        blackhole = state == "blackhole"
        label = f"{dest} → {target}" + (" (blackhole)" if blackhole else "")
        ax.text(
            b.x + 0.1,
            route_row_y(b, i),
            label,
            fontsize=7,
            va="center",
            color="#c62828" if blackhole else "#3e2723",
        )


# ---- several VPCs: transit gateways, peering, hosted zones (draw --network) ---------------

_NETWORK_COLOURS = {
    "vpc": "#fafafa",
    "spoke-group": "#f1f8e9",
    "tgw": "#fff8e1",
    "transit-gateway-route-table": "#fffde7",
    "hosted-zones": "#ede7f6",
}


def draw_network(g: nx.DiGraph, warn: Warn | None = None) -> Figure:
    from netgraph.render.network import LINE, ROW

    say = _warner(warn)
    width, height = float(g.graph["width"]), float(g.graph["height"])
    fig, ax = _page(
        width, height, f"netgraph draw · {g.graph['title']}", "netgraph draw", say, x=0.4, y=0.4
    )
    row_y: dict[tuple[str, str], float] = {}
    for node, d in g.nodes(data=True):
        b: Box = d["box"]
        ax.add_patch(
            FancyBboxPatch(
                (b.x, b.y),
                b.w,
                b.h,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                facecolor=_NETWORK_COLOURS.get(str(d["kind"]), "#eceff1"),
                edgecolor="#546e7a",
                linewidth=1.2,
            )
        )
        title, font = _label(str(d["label"]), str(d["aws_id"]), say)
        ax.text(
            b.x + 0.1,
            b.y + 0.2,
            title,
            fontsize=8.5,
            fontweight="bold",
            va="center",
            fontproperties=font,
        )
        lines = d.get("lines") or []
        for i, line in enumerate(lines, 1):
            text, font = _label(str(line), "", say)
            ax.text(
                b.x + 0.1,
                b.y + 0.2 + i * LINE,
                text,
                fontsize=6.5,
                va="center",
                color="#37474f",
                fontproperties=font,
            )
        for i, (text, target, state) in enumerate(g.graph["routes"].get(node, ())):
            y = b.y + 0.2 + (len(lines) + 1) * LINE + i * ROW
            bad = state in ("blackhole", "unknown")
            ax.text(
                b.x + 0.1,
                y,
                text,
                fontsize=7,
                va="center",
                color="#c62828" if bad else "#3e2723",
            )
            if target is not None:
                row_y[(str(node), str(target))] = y
    for a, b_node, e in g.edges(data=True):
        ab, bb = g.nodes[a]["box"], g.nodes[b_node]["box"]
        kind = e["kind"]
        if kind == "route":
            y = row_y.get((str(a), str(b_node)), ab.y + ab.h / 2)
            right = bb.x > ab.x
            start = (ab.x + ab.w if right else ab.x, y)
            end = (bb.x if right else bb.x + bb.w, bb.y + 0.2)
            style, colour = "-|>", "#c62828" if e.get("state") == "blackhole" else "#37474f"
        else:
            right = bb.x > ab.x
            start = (ab.x + ab.w if right else ab.x, ab.y + 0.2)
            end = (bb.x if right else bb.x + bb.w, bb.y + 0.2)
            if bb.x == ab.x:  # same column (a peering of two hubs): around the side
                start, end = (ab.x + ab.w, ab.y + ab.h / 2), (bb.x + bb.w, bb.y + bb.h / 2)
            style = "-"
            colour = "#2e7d32" if kind == "peering" else "#90a4ae"
            if e.get("state") not in (None, "available", "active"):
                colour = "#c62828"
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle=style,
                mutation_scale=9,
                color=colour,
                linewidth=1.0 if kind != "peering" else 1.6,
                linestyle="--" if kind == "peering" else "-",
                connectionstyle="arc3,rad=0.5" if bb.x == ab.x else "arc3,rad=0.05",
                zorder=1,
            )
        )
        if e.get("label") and kind in ("peering", "attachment"):
            text, font = _label(str(e["label"]), "", say)
            ax.text(
                (start[0] + end[0]) / 2,
                (start[1] + end[1]) / 2 - 0.08,
                text,
                fontsize=6.5,
                ha="center",
                color=colour,
                fontproperties=font,
            )
    legend = [
        Patch(facecolor=c, edgecolor="#546e7a", label=label)
        for c, label in (
            (_NETWORK_COLOURS["spoke-group"], "spoke VPCs (no NAT, IGW or endpoint)"),
            (_NETWORK_COLOURS["vpc"], "VPC"),
            (_NETWORK_COLOURS["tgw"], "transit gateway"),
            (_NETWORK_COLOURS["transit-gateway-route-table"], "its route tables"),
        )
    ]
    _legend(fig, legend, ncol=4)
    return plain_text(fig)
