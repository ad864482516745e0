"""Every output format, by name: ``--format`` offers the stream formats, and each file
format is saved where its option (``--png FILE``, ``--heatmap FILE``) says.

A new format is a module with a ``StreamFormat`` or ``FileFormat`` subclass, and a line
here (a file format also needs its option in ``cli.py``).

A command whose report is of another kind (``simulate``: no checks) has formats of its own
under the same names (``text``, ``json``): ``format_for(name, command)`` finds the one a
command writes, ``stream_formats(command)`` the names it offers."""

from __future__ import annotations

from netgraph.render.diff import DiffJsonFormat, DiffTextFormat
from netgraph.render.dot import DotFormat
from netgraph.render.format import FileFormat, OutputFormat, Report, StreamFormat
from netgraph.render.html import HtmlFormat
from netgraph.render.json import JsonFormat
from netgraph.render.junit import JunitFormat
from netgraph.render.pictures import HeatmapFormat, PngFormat, SvgFormat
from netgraph.render.sarif import SarifFormat
from netgraph.render.simulate import SimulateJsonFormat, SimulateTextFormat
from netgraph.render.text import TextFormat

__all__ = [
    "FORMATS",
    "FileFormat",
    "OutputFormat",
    "Report",
    "StreamFormat",
    "file_formats",
    "format_for",
    "register",
    "stream_formats",
]

FORMATS: dict[str, type[OutputFormat]] = {}
# A command's own format under a name FORMATS already holds for other commands:
# (command, name) -> format.
OWN_FORMATS: dict[tuple[str, str], type[OutputFormat]] = {}


def register(fmt: type[OutputFormat]) -> type[OutputFormat]:
    """Add a format (also usable as a class decorator); a name is taken once for a command."""
    taken = FORMATS.get(fmt.name)
    if taken is None or taken is fmt:
        FORMATS[fmt.name] = fmt
        return fmt
    own = [OWN_FORMATS.get((c, fmt.name)) for c in fmt.commands]
    if taken.commands & fmt.commands or any(o not in (None, fmt) for o in own):
        raise ValueError(f"two output formats named {fmt.name}")
    for command in fmt.commands:
        OWN_FORMATS[(command, fmt.name)] = fmt
    return fmt


# The stream formats' order is --format's; the file formats' is the order they are written.
for _fmt in (
    TextFormat,
    JsonFormat,
    SarifFormat,
    JunitFormat,
    DotFormat,
    PngFormat,
    SvgFormat,
    HeatmapFormat,
    SimulateTextFormat,
    SimulateJsonFormat,
    DiffTextFormat,
    DiffJsonFormat,
    HtmlFormat,  # last: it reuses the figure --png/--svg drew
):
    register(_fmt)


def format_for(name: str, command: str) -> type[OutputFormat]:
    """The format ``command`` writes for ``--format name``."""
    return OWN_FORMATS.get((command, name)) or FORMATS[name]


def stream_formats(command: str | None = None) -> list[str]:
    """The names ``--format`` offers (to ``command``, when it has formats of its own)."""
    own = [n for (c, n), fmt in OWN_FORMATS.items() if c == command and fmt.to_stdout]
    if own:
        # Then the shared formats that also write this command's report (sarif, junit).
        shared = [
            name
            for name, fmt in FORMATS.items()
            if fmt.to_stdout and command in fmt.commands and name not in own
        ]
        return own + shared
    return [
        name
        for name, fmt in FORMATS.items()
        if fmt.to_stdout and (command is None or command in fmt.commands)
    ]


def file_formats(command: str) -> list[type[FileFormat]]:
    """The file formats ``command`` can save, in the order it writes them."""
    return [
        fmt for fmt in FORMATS.values() if issubclass(fmt, FileFormat) and command in fmt.commands
    ]
