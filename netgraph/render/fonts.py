"""Fonts for labels: AWS Name tags may be Japanese or any other script.

matplotlib's default font (DejaVu Sans) has no CJK glyphs and draws empty boxes for them.
netgraph ships IPAexGothic through the ``matplotlib-fontja`` package and also looks at the
fonts installed on the machine; a label no font covers is replaced by the resource id, with
a warning, rather than drawn as boxes.

Labels are plain text: matplotlib reads ``$…$`` as TeX math by default, and a Name tag
like ``$x^$`` made it raise. ``plain_text`` is the last step of drawing any figure.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from netgraph.render.escape import printable


@lru_cache(maxsize=1)
def candidate_fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """(font file, the code points it covers), the default font first."""
    paths: list[str] = [font_manager.findfont("DejaVu Sans")]
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is not None and spec.origin is not None:
        shipped = Path(spec.origin).parent / "fonts" / "ipaexg.ttf"
        if shipped.is_file():
            font_manager.fontManager.addfont(str(shipped))
            paths.append(str(shipped))
    for entry in font_manager.fontManager.ttflist:
        # LastResort "covers" every code point, with boxes: exactly what we must avoid.
        name = Path(entry.fname).name.lower()
        if (
            entry.fname not in paths
            and name.endswith((".ttf", ".otf"))
            and "lastresort" not in name
        ):
            paths.append(entry.fname)
    fonts = []
    for path in paths:
        try:
            fonts.append((path, frozenset(FT2Font(path).get_charmap())))
        except (OSError, RuntimeError):
            continue
    return tuple(fonts)


def font_for(text: str) -> font_manager.FontProperties | None:
    """A font that has a glyph for every character of ``text``; None if none does."""
    needed = {ord(c) for c in text if not c.isspace()}
    for path, covered in candidate_fonts():
        if needed <= covered:
            return font_manager.FontProperties(fname=path)
    return None


def plain_text(fig: Figure) -> Figure:
    """Every text of ``fig`` (titles, labels, ticks, legends) drawn as written: no math text,
    no LaTeX (a matplotlibrc may turn it on), control characters and lone surrogates escaped
    (a surrogate cannot be written into an SVG, and has no glyph)."""
    for artist in fig.findobj(Text):
        assert isinstance(artist, Text)
        artist.set_usetex(False)
        artist.set_parse_math(False)
        artist.set_text(printable(artist.get_text(), newlines=True))
    return fig
