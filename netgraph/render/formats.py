"""Every output format, by name: ``--format`` offers the stream formats, and each file
format is saved where its option (``--png FILE``, ``--heatmap FILE``) says.

A new format is a module with a ``StreamFormat`` or ``FileFormat`` subclass, and a line
here (a file format also needs its option in ``cli.py``)."""

from __future__ import annotations

from netgraph.render.dot import DotFormat
from netgraph.render.format import FileFormat, OutputFormat, Report, StreamFormat
from netgraph.render.json import JsonFormat
from netgraph.render.pictures import HeatmapFormat, PngFormat, SvgFormat
from netgraph.render.text import TextFormat

__all__ = [
    "FORMATS",
    "FileFormat",
    "OutputFormat",
    "Report",
    "StreamFormat",
    "file_formats",
    "register",
    "stream_formats",
]

FORMATS: dict[str, type[OutputFormat]] = {}


def register(fmt: type[OutputFormat]) -> type[OutputFormat]:
    """Add a format (also usable as a class decorator); a name is taken once."""
    if fmt.name in FORMATS and FORMATS[fmt.name] is not fmt:
        raise ValueError(f"two output formats named {fmt.name}")
    FORMATS[fmt.name] = fmt
    return fmt


# The stream formats' order is --format's; the file formats' is the order they are written.
for _fmt in (TextFormat, JsonFormat, DotFormat, PngFormat, SvgFormat, HeatmapFormat):
    register(_fmt)


def stream_formats() -> list[str]:
    """The names ``--format`` offers."""
    return [name for name, fmt in FORMATS.items() if fmt.to_stdout]


def file_formats(command: str) -> list[type[FileFormat]]:
    """The file formats ``command`` can save, in the order it writes them."""
    return [
        fmt for fmt in FORMATS.values() if issubclass(fmt, FileFormat) and command in fmt.commands
    ]
