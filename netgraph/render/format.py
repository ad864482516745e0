"""The interface of an output format: what a command hands it (``Report``) and what it does
with it. ``formats.FORMATS`` lists them all.

A format either writes the report on standard output (``StreamFormat``: ``--format NAME``)
or saves it to a file the user named (``FileFormat``: ``--png FILE``, ``--heatmap FILE``).
A format reads only the layers before ``render`` (the snapshot, the checks, the scan's
summary) and never decides an exit code: ``cli.py`` composes.
"""

from __future__ import annotations

import dataclasses
import functools
import io
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TextIO

from netgraph.model import Snapshot
from netgraph.reach import Trace
from netgraph.render.redact import Redactor, redactor_of


def _quiet(message: str) -> None:
    """Warnings nobody asked to see."""


@dataclass
class Report:
    """One command's results, for every format it writes."""

    command: str  # check | path | explain | scan | draw
    snapshot: Snapshot
    where: str  # the snapshot's path, or "live AWS"
    traces: Sequence[Trace] = ()
    live: bool = False  # check --live: the text adds the recently stopped tasks
    # The scan's: its summary (scan.summary), the seconds it took, the blocking hops the text
    # lists, and whether the JSON lists only the checks that do not pass.
    summary: dict[str, Any] | None = None
    seconds: float = 0.0
    top: int = 10
    failing_only: bool = False
    # The graph the picture formats draw: draw's topology, or for a check run built from its
    # checks the first time a picture format asks (diagram.picture_of).
    picture: Any = None
    # Where the formats send warnings (netgraph: warning: ... on stderr).
    warn: Callable[[str], None] = _quiet
    # What formats of one run share, drawn once: the PNG and the SVG are one figure.
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        snap = self.snapshot
        account = f", account {snap.account_id}" if snap.account_id else ""
        return f"netgraph {self.command} {self.where} ({snap.region}{account})"


class OutputFormat(ABC):
    """One output format: its name (the ``--format`` value, or the file option without its
    dashes) and the commands that offer it."""

    name: ClassVar[str]
    commands: ClassVar[frozenset[str]]
    # Written on standard output (``--format NAME``), or saved to the file its option names.
    to_stdout: ClassVar[bool]


def redacted(report: Report, *, picture: bool = False) -> tuple[Report, Redactor]:
    """The report with the input's sensitive values replaced by ``(sensitive)``
    (``render.redact``), and the redactor for the written document; the report itself when
    the input has none. ``picture``: also the picture the drawn formats draw."""
    redactor = redactor_of(report.snapshot, getattr(report, "before", None))
    if not redactor:
        return report, redactor
    keep = {"snapshot", "before", "warn", "memo", "command"}
    changes = {
        f.name: redactor.scrub(getattr(report, f.name))
        for f in dataclasses.fields(report)
        if f.init and f.name not in keep
    }
    copy = dataclasses.replace(report, **changes)
    copy.memo = report.memo  # one figure for the PNG and the SVG: drawn from a copy like this
    copy.warn = lambda message: report.warn(redactor.text(message))
    if picture and (copy.traces or copy.picture is not None):
        from netgraph.render.diagram import picture_of

        copy.picture = redactor.scrub(picture_of(copy))
    return copy, redactor


def _redacting_write(write: Callable[[Any, Report, TextIO], None]) -> Callable[..., None]:
    @functools.wraps(write)
    def redacting(self: Any, report: Report, out: TextIO) -> None:
        shown, redactor = redacted(report)
        if not redactor:
            write(self, report, out)
            return
        buffer = io.StringIO()
        write(self, shown, buffer)
        out.write(redactor.document(buffer.getvalue()))
        out.flush()

    return redacting


def _redacting_save(save: Callable[[Any, Report, str], None]) -> Callable[..., None]:
    @functools.wraps(save)
    def redacting(self: Any, report: Report, path: str) -> None:
        shown, redactor = redacted(report, picture=True)
        save(self, shown, path)
        if not redactor:
            return
        data = Path(path).read_bytes()
        if data.startswith(b"\x89PNG"):
            return  # drawn from the scrubbed picture
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return
        cleaned = redactor.document(text)
        if cleaned != text:
            Path(path).write_text(cleaned, encoding="utf-8")

    return redacting


class StreamFormat(OutputFormat):
    """A report on standard output: ``--format NAME``."""

    commands: ClassVar[frozenset[str]] = frozenset({"check", "path", "explain", "scan"})
    to_stdout: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every format writes the input's sensitive values as "(sensitive)": one place.
        super().__init_subclass__(**kwargs)
        if "write" in cls.__dict__:
            cls.write = _redacting_write(cls.__dict__["write"])  # type: ignore[method-assign]

    @abstractmethod
    def write(self, report: Report, out: TextIO) -> None:
        """Write the report to ``out``, as it goes: a scan of a large account has 100,000
        checks, and building the whole document first took gigabytes."""


class FileFormat(OutputFormat):
    """A report saved to a file: ``--NAME FILE``."""

    # What "cannot write the …" calls it when the file cannot be written.
    noun: ClassVar[str] = "diagram"
    to_stdout: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "save" in cls.__dict__:
            cls.save = _redacting_save(cls.__dict__["save"])  # type: ignore[method-assign]

    @abstractmethod
    def save(self, report: Report, path: str) -> None:
        """Write the report to ``path``; an ``OSError`` is the user's to fix (exit 2)."""
