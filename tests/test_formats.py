"""The output formats as a registry (render/formats.py): every format registered once under
its name, ``--format`` offering exactly the stream formats, each command's file options the
file formats it saves, a new format one class and one registration away, and the formats
writing what the command line prints."""

from __future__ import annotations

import inspect
import io
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import ClassVar, TextIO

import click
import pytest

from netgraph import cli
from netgraph.check import check_source
from netgraph.commands import common
from netgraph.flows import service_sources
from netgraph.render import png
from netgraph.render.format import FileFormat, OutputFormat, Report, StreamFormat
from netgraph.render.formats import FORMATS, file_formats, format_for, register, stream_formats
from netgraph.sources.snapshot import load_snapshot

from .conftest import ROOT, SAMPLES

BLOCKED = SAMPLES / "broken-endpoint-sg-no-443.json"


def test_every_format_is_registered_once_under_its_name() -> None:
    assert list(FORMATS) == [
        "text",
        "json",
        "sarif",
        "junit",
        "dot",
        "png",
        "svg",
        "heatmap",
        "html",
    ]
    for name, fmt in FORMATS.items():
        assert fmt.name == name
        assert issubclass(fmt, OutputFormat) and not inspect.isabstract(fmt)
        assert fmt.to_stdout == issubclass(fmt, StreamFormat) != issubclass(fmt, FileFormat)


def test_format_choices_are_the_registrys_stream_formats() -> None:
    assert stream_formats() == ["text", "json", "sarif", "junit"]
    offering = set()
    for name, command in cli.cli.commands.items():
        for param in command.params:
            if param.name == "fmt":
                assert isinstance(param.type, click.Choice)
                assert list(param.type.choices) == stream_formats(name)
                offering.add(name)
    assert set(StreamFormat.commands) == {"check", "path", "explain", "scan"}
    # simulate writes another report (no checks): text and json of its own; diff writes
    # its own text and json, and the shared CI formats.
    assert offering == set(StreamFormat.commands) | {"simulate", "diff"}
    assert stream_formats("diff") == ["text", "json", "sarif", "junit"]
    assert stream_formats("simulate") == ["text", "json"]
    assert {format_for(n, "simulate").__name__ for n in ("text", "json")} == {
        "SimulateTextFormat",
        "SimulateJsonFormat",
    }
    assert format_for("json", "check") is FORMATS["json"]


def test_each_commands_file_options_are_its_file_formats() -> None:
    saved = {name: [f.name for f in file_formats(name)] for name in cli.cli.commands}
    assert saved == {
        "check": ["dot", "png", "svg", "html"],
        "path": [],
        "draw": ["dot", "png", "svg"],
        "collect": [],
        "explain": [],
        "scan": ["heatmap", "html"],
        "simulate": [],
        "diff": ["html"],
    }
    for name, command in cli.cli.commands.items():
        options = {p.name for p in command.params}
        assert set(saved[name]) <= options


def test_a_name_is_taken_once() -> None:
    class Other(StreamFormat):
        name: ClassVar[str] = "json"

        def write(self, report: Report, out: TextIO) -> None:
            out.write("")

    with pytest.raises(ValueError, match="two output formats named json"):
        register(Other)
    assert FORMATS["json"] is not Other


def _report(sample: Path, command: str = "check") -> Report:
    snap = load_snapshot(sample)
    traces = [t for s in service_sources(snap) for t in check_source(snap, s)]
    return Report(command, snap, str(sample), traces)


def test_a_registered_format_is_what_the_cli_dispatches_to(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Count(StreamFormat):
        name: ClassVar[str] = "count"

        def write(self, report: Report, out: TextIO) -> None:
            out.write(f"{report.command}: {len(report.traces)} checks\n")

    monkeypatch.setitem(FORMATS, "count", Count)
    assert "count" in stream_formats()
    common.write(_report(BLOCKED), "count", {})
    assert capsys.readouterr().out == "check: 12 checks\n"


def test_a_new_format_is_one_class_and_one_registration(tmp_path: Path) -> None:
    """Registered before the command line is built, a format is a ``--format`` choice."""
    script = textwrap.dedent(
        """
        import sys
        from netgraph.render.format import StreamFormat
        from netgraph.render.formats import register

        @register
        class Count(StreamFormat):
            name = "count"

            def write(self, report, out):
                out.write(f"{report.command}: {len(report.traces)} checks\\n")

        from netgraph.cli import main
        sys.exit(main(sys.argv[1:]))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script, "check", str(BLOCKED), "--format", "count"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert (run.returncode, run.stdout, run.stderr) == (1, "check: 12 checks\n", "")


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
@pytest.mark.parametrize("name", ["text", "json"])
def test_a_stream_format_writes_what_check_prints(
    sample: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    stream = FORMATS[name]()
    assert isinstance(stream, StreamFormat)
    stream.write(_report(sample), out)
    cli.main(["check", str(sample), "--format", name])
    assert capsys.readouterr().out == out.getvalue()


def test_png_and_svg_are_one_drawing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    drawn = []
    draw_check = png.draw_check

    def counted(*args: object, **kwargs: object) -> object:
        drawn.append(1)
        return draw_check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(png, "draw_check", counted)
    report = _report(BLOCKED)
    for fmt in file_formats("check"):
        fmt().save(report, str(tmp_path / f"run.{fmt.name}"))
    assert len(drawn) == 1
    assert (tmp_path / "run.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (tmp_path / "run.svg").read_bytes()
    assert (tmp_path / "run.dot").read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.parametrize(
    ("argv", "noun"),
    [
        (["check", str(BLOCKED), "--dot"], "diagram"),
        (["scan", str(BLOCKED), "--heatmap"], "heatmap"),
    ],
)
def test_a_file_that_cannot_be_written_is_exit_2(
    argv: list[str], noun: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([*argv, str(tmp_path / "missing" / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"netgraph: error: cannot write the {noun}: "), err


def test_text_says_an_assumption_of_several_checks_once_and_one_of_a_single_check_on_it() -> None:
    from netgraph.render import text

    s = load_snapshot(SAMPLES / "healthy-endpoints.json")
    traces = check_source(s, service_sources(s)[0], ["iam:execution-role", "s3", "logs"])
    assert all(t.assumptions for t in traces)
    report = text.render(traces, title="t")
    lines = report.splitlines()
    zones = [ln for ln in lines if "private hosted zones not collected" in ln]
    # s3 and logs share it: one line in the footer, counted; the role's SCP note stays on it.
    assert len(zones) == 1 and zones[0].endswith("(2 checks)")
    assert lines.index(zones[0]) > lines.index("assumed:")
    scp = [ln for ln in lines if "service control policies were not verified" in ln]
    assert len(scp) == 1 and "assumes: " in scp[0]
