"""Trust (issue 11): no snapshot data crashes a writer, reaches the terminal as control
characters, or gets an output written over an input; a bug is exit code 4, not 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pydot
import pytest
from PIL import Image

from netgraph import cli
from netgraph.cli import main
from netgraph.commands import check as check_command
from netgraph.commands import collect as collect_command
from netgraph.render.escape import json_text, printable

from .conftest import SAMPLES, build, sample_data

HEALTHY = str(SAMPLES / "healthy-endpoints.json")
NETGRAPH = str(Path(sys.executable).with_name("netgraph"))
SURROGATE = "\ud800"
EVIL = "\x1b]0;evil\x07"  # sets the terminal's title
CSI = "\x9b31m"  # C1: red, on a terminal that obeys 8-bit controls


def write_sample(tmp_path: Path, data: dict[str, Any], name: str = "snap.json") -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # ensure_ascii (the default) writes a lone surrogate as the escape "\ud800", as AWS or a
    # hand-edited file would carry it.
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def renamed(sample: str, name: str, *, ids: bool = True) -> dict[str, Any]:
    """``sample`` with the service, a subnet's Name tag and (with ``ids``) the endpoints'
    security group id carrying ``name``; in broken-endpoint-sg-no-443 that group is the
    blocking hop, so the name is also in ``blocked_at`` and the fix."""
    data = sample_data(sample)
    if ids:
        escaped = json.dumps(name)[1:-1]
        text = json.dumps(data).replace(build.SG_ENDPOINTS, build.SG_ENDPOINTS + escaped)
        data = json.loads(text)
    data["services"][0]["serviceName"] = "web" + name
    data["Subnets"][0]["Tags"] = [{"Key": "Name", "Value": name + "-subnet"}]
    return data


def run_cli(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capfd.readouterr()
    return code, out, err


def run_installed(
    *argv: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The console script, as a user runs it: the crash was in encoding its real stdout."""
    return subprocess.run([NETGRAPH, *argv], capture_output=True, check=False, env=env, timeout=120)


# ---- A. `$` in a name: matplotlib must not read it as TeX -----------------------------------


@pytest.mark.parametrize("name", ["$x^$", "$\\frac{$", "$\\undefined$ and $y_$"])
def test_dollar_names_draw_png_and_svg(tmp_path: Path, name: str) -> None:
    path = write_sample(tmp_path, renamed("broken-endpoint-sg-no-443", name, ids=False))
    out = tmp_path / "out"
    out.mkdir()
    code = main(["check", path, "--png", str(out / "c.png"), "--svg", str(out / "c.svg")])
    assert code == 1
    code = main(["draw", path, "--png", str(out / "t.png"), "--svg", str(out / "t.svg")])
    assert code == 0
    for picture in ("c.png", "t.png"):
        with Image.open(out / picture) as image:
            image.load()
            assert image.width > 100
    for picture in ("c.svg", "t.svg"):
        ET.parse(out / picture)


def test_dollar_in_the_snapshot_path_draws_the_heatmap(tmp_path: Path) -> None:
    # The heatmap's title holds the path; its row labels the service names.
    data = renamed("broken-endpoint-sg-no-443", "$x^$", ids=False)
    path = write_sample(tmp_path, data, "$y_$/snap.json")
    heatmap = tmp_path / "h.png"
    assert main(["scan", path, "--heatmap", str(heatmap)]) == 1
    with Image.open(heatmap) as image:
        image.load()


def test_every_drawn_text_is_plain() -> None:
    from matplotlib.text import Text

    from netgraph.check import check_source
    from netgraph.flows import service_sources
    from netgraph.render import diagram, heatmap, png
    from netgraph.render.topology import topology_graph

    from .conftest import snap

    s = snap(renamed("broken-endpoint-sg-no-443", "$x^$", ids=False))
    traces = [t for src in service_sources(s) for t in check_source(s, src)]
    figures = [
        png.draw_check(diagram.check_graph(traces, "$t$"), warn=lambda m: None),
        png.draw_topology(topology_graph(s), warn=lambda m: None),
        heatmap.draw(traces, "$t$").figure,
    ]
    for fig in figures:
        texts = [t for t in fig.findobj(Text) if isinstance(t, Text)]
        assert any("$" in t.get_text() for t in texts)
        assert all(not t.get_usetex() and not t.get_parse_math() for t in texts)


# ---- A. lone surrogates: every writer, in process and through the real stdout ---------------


def surrogate_snapshot(tmp_path: Path) -> str:
    return write_sample(tmp_path, renamed("broken-endpoint-sg-no-443", SURROGATE))


def test_surrogates_in_text_and_json(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = surrogate_snapshot(tmp_path)
    code, out, err = run_cli(capfd, "check", path)
    assert code == 1, err
    assert "service web\\ud800 (cluster app)" in out
    assert f"at {build.SG_ENDPOINTS}\\ud800 (security-group-ingress)" in out
    code, out, err = run_cli(capfd, "check", path, "--format", "json")
    assert code == 1, err
    doc = json.loads(out)
    # Written as the JSON escape it came in as: a reader gets the same string back.
    assert doc["checks"][0]["source"]["service"] == "web" + SURROGATE
    blocked = [c["blocked_at"]["id"] for c in doc["checks"] if c["blocked_at"]]
    assert build.SG_ENDPOINTS + SURROGATE in blocked
    code, out, err = run_cli(capfd, "scan", path, "--format", "json")
    assert code == 1, err
    assert json.loads(out)["checks"][0]["source"]["service"] == "web" + SURROGATE
    code, out, err = run_cli(capfd, "scan", path)
    assert code == 1 and f"{build.SG_ENDPOINTS}\\ud800" in out
    code, out, err = run_cli(
        capfd,
        "path",
        path,
        "--from",
        build.SUBNETS["private-a"][0],
        "--security-group",
        build.SG_TASK,
        "--to",
        "ecr.api",
    )
    assert code == 1 and f"{build.SG_ENDPOINTS}\\ud800" in out


def test_surrogates_in_dot_svg_png(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = surrogate_snapshot(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    files = {ext: out / f"c.{ext}" for ext in ("png", "svg", "dot")}
    code, _, err = run_cli(
        capfd, "check", path, *(a for ext, f in files.items() for a in (f"--{ext}", str(f)))
    )
    assert code == 1, err
    graphs = pydot.graph_from_dot_data(files["dot"].read_text(encoding="utf-8"))
    assert graphs is not None
    (graph,) = graphs
    ids = {(n.get("aws_id") or "").strip('"') for n in graph.get_nodes()}
    assert build.SG_ENDPOINTS + "\\\\ud800" in ids  # DOT escapes the backslash
    ET.parse(files["svg"])
    with Image.open(files["png"]) as image:
        image.load()
    code, _, err = run_cli(
        capfd, "draw", path, "--png", str(out / "t.png"), "--svg", str(out / "t.svg"),
        "--dot", str(out / "t.dot"),
    )  # fmt: skip
    assert code == 0, err
    ET.parse(out / "t.svg")
    assert "\\\\ud800-subnet" in (out / "t.dot").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "--format", "json"],
        ["scan"],
        ["scan", "--format", "json"],
        # A byte that is not UTF-8 in argv arrives as a lone surrogate (surrogateescape).
        ["check", "--service", "nope\udcff"],
    ],
)
def test_surrogates_through_the_installed_command(tmp_path: Path, argv: list[str]) -> None:
    path = surrogate_snapshot(tmp_path)
    proc = run_installed(argv[0], path, *argv[1:])
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    assert proc.returncode in (1, 2), proc.stderr
    proc.stdout.decode("utf-8")  # strict: no surrogate escaped into the bytes
    proc.stderr.decode("utf-8")
    if proc.returncode == 2:
        assert proc.stdout == b""
        assert proc.stderr.decode().count("\n") == 1
        assert "nope\\udcff" in proc.stderr.decode()
    elif "json" in argv:
        doc = json.loads(proc.stdout)
        assert doc["checks"][0]["source"]["service"] == "web" + SURROGATE
    else:
        assert b"0e2\\ud800" in proc.stdout


def test_json_text_escapes_are_json() -> None:
    value = {"a": "x" + SURROGATE + "\x7f\x85本", "b": "\x1b"}
    text = json_text(json.dumps(value, ensure_ascii=False))
    text.encode("utf-8")
    assert "本" in text
    assert json.loads(text) == value


# ---- C. control characters ------------------------------------------------------------------


def assert_no_controls(text: str) -> None:
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F]
    assert not bad, bad


def test_control_characters_are_escaped_in_terminal_output(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    data = renamed("broken-endpoint-sg-no-443", EVIL + CSI + "\nFORGED LINE")
    data[EVIL + "Unknown"] = []  # an unknown key: warned about on stderr
    path = write_sample(tmp_path, data)
    code, out, err = run_cli(capfd, "check", path)
    assert code == 1
    assert_no_controls(out)
    assert_no_controls(err)
    assert "service web\\x1b]0;evil\\x07\\x9b31m\\nFORGED LINE (cluster app)" in out
    assert not any(line.startswith("FORGED") for line in out.splitlines())
    assert "\\x1b]0;evil\\x07Unknown" in err
    code, out, err = run_cli(capfd, "check", path, "--service", EVIL)
    assert code == 2 and out == ""
    assert_no_controls(err)
    assert "--service \\x1b]0;evil\\x07: no such ECS service" in err
    # The warning of the unknown key, then the error: one line each, however many newlines
    # the names hold.
    assert [line.split(":")[1] for line in err.splitlines()] == [" warning", " error"]
    for argv in (
        ["scan", path],
        ["path", path, "--from", build.SUBNETS["private-a"][0], "--security-group",
         build.SG_TASK, "--to", "ecr.api"],
        ["draw", path, "--dot", str(tmp_path / "t.dot")],
        ["explain", "CannotPullContainerError: dial tcp 3.1.2.3:443: i/o timeout " + EVIL, path],
    ):  # fmt: skip
        code, out, err = run_cli(capfd, *argv)
        assert code in (0, 1), (argv, err)
        assert_no_controls(out)
        assert_no_controls(err)
        assert "\\x1b" in out + err, argv


def test_colours_survive_escaping() -> None:
    from netgraph.render import text as text_render

    from .conftest import snap

    s = snap(renamed("broken-endpoint-sg-no-443", EVIL, ids=False))
    from netgraph.check import check_source
    from netgraph.flows import service_sources

    traces = [t for src in service_sources(s) for t in check_source(s, src)]
    report = text_render.render(traces, title="t", style=lambda text, **kw: f"\x1b[1m{text}\x1b[0m")
    assert "\x1b[1mservice web\\x1b]0;evil\\x07 (cluster app)" in report
    assert "\x07" not in report


def test_printable_is_idempotent_and_keeps_text() -> None:
    text = "本番 " + EVIL + CSI + SURROGATE + "\t\r\n"
    once = printable(text)
    assert once == "本番 \\x1b]0;evil\\x07\\x9b31m\\ud800\\t\\r\\n"
    assert printable(once) == once
    assert printable("a\nb", newlines=True) == "a\nb"


# ---- B. outputs never destroy inputs --------------------------------------------------------


def refused(capfd: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run_cli(capfd, *argv)
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    "command, option",
    [
        ("check", "--dot"),
        ("check", "--png"),
        ("check", "--svg"),
        ("draw", "--dot"),
        ("draw", "--png"),
        ("draw", "--svg"),
        ("scan", "--heatmap"),
    ],
)
def test_an_output_over_the_snapshot_is_refused(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], command: str, option: str
) -> None:
    data = sample_data("healthy-endpoints")
    path = write_sample(tmp_path, data)
    before = Path(path).read_bytes()
    line = refused(capfd, command, path, option, path)
    assert f"{option} {path}" in line and "snapshot" in line
    # Through a symbolic link, a relative path and a hard link, too.
    link = tmp_path / "link.out"
    link.symlink_to(path)
    assert str(link) in refused(capfd, command, path, option, str(link))
    hard = tmp_path / "hard.out"
    os.link(path, hard)
    refused(capfd, command, path, option, str(hard))
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        refused(capfd, command, "snap.json", option, "./snap.json")
    finally:
        os.chdir(cwd)
    assert Path(path).read_bytes() == before


@pytest.mark.parametrize("command", ["check", "draw"])
def test_two_outputs_naming_one_file_are_refused(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], command: str
) -> None:
    out = str(tmp_path / "x")
    line = refused(capfd, command, HEALTHY, "--png", out, "--svg", out)
    assert f"--png {out}" in line and f"--svg {out}" in line
    line = refused(capfd, command, HEALTHY, "--dot", out, "--svg", str(tmp_path / "." / "x"))
    assert "same file" in line
    assert not Path(out).exists()  # refused before any work


def test_outputs_in_an_account_subfolder_are_refused(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A folder of several accounts reads each subfolder's files: they are inputs too."""
    data = sample_data("healthy-endpoints")
    account = tmp_path / "snap" / "111122223333"
    for key, value in data.items():
        write_sample(account, {key: value}, f"{key}.json")
    before = {p.name: p.read_bytes() for p in account.iterdir()}
    folder = str(tmp_path / "snap")
    line = refused(capfd, "check", folder, "--dot", str(account / "Subnets.json"))
    assert "Subnets.json" in line and "destroy the input" in line
    line = refused(capfd, "check", folder, "--svg", str(account / "new.yaml"))
    assert "account subfolders" in line
    assert {p.name: p.read_bytes() for p in account.iterdir()} == before
    code, _, err = run_cli(capfd, "check", folder, "--dot", str(account / "run.dot"))
    assert code == 0, err


def test_outputs_in_a_snapshot_folder(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    data = sample_data("healthy-endpoints")
    folder = tmp_path / "snap"
    for key, value in data.items():
        write_sample(folder, {key: value}, f"{key}.json")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    line = refused(capfd, "check", str(folder), "--dot", str(folder / "Subnets.json"))
    assert str(folder) in line and "Subnets.json" in line
    # A new .json in the folder would be read as part of the snapshot next time.
    line = refused(capfd, "draw", str(folder), "--dot", str(folder / "topology.json"))
    assert "inside the snapshot folder" in line
    refused(capfd, "scan", str(folder), "--heatmap", str(folder / "Vpcs.json"))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # Any other name there is not an input.
    code, _, err = run_cli(capfd, "check", str(folder), "--dot", str(folder / "run.dot"))
    assert code == 0, err
    assert (folder / "run.dot").is_file()


def test_collect_into_a_folder_is_refused_before_collecting(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_collecting(*args: object) -> dict[str, Any]:
        raise AssertionError("collected before checking -o")

    monkeypatch.setattr(collect_command, "collect_live", no_collecting)
    line = refused(capfd, "collect", "--region", "ap-northeast-1", "-o", str(tmp_path))
    assert f"-o {tmp_path} is a folder" in line


# ---- A. an internal error is exit code 4 ----------------------------------------------------


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom\nsecond line " + EVIL)


def test_an_internal_error_is_exit_4_and_one_line(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NETGRAPH_DEBUG", raising=False)
    monkeypatch.setattr(check_command, "check_source", boom)
    code, out, err = run_cli(capfd, "check", HEALTHY)
    assert code == cli.INTERNAL_ERROR == 4
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.startswith("netgraph: internal error: RuntimeError: boom\\nsecond line \\x1b")
    assert "please report" in err and "--debug" in err

    code, out, err = run_cli(capfd, "--debug", "check", HEALTHY)
    assert code == 4
    assert "Traceback (most recent call last)" in err and "in boom\n" in err
    assert err.splitlines()[-1].startswith("netgraph: internal error: RuntimeError: boom")
    assert_no_controls(err)

    monkeypatch.setenv("NETGRAPH_DEBUG", "1")
    code, _, err = run_cli(capfd, "check", HEALTHY)
    assert code == 4 and "Traceback" in err


def test_readme_and_docstring_document_exit_4() -> None:
    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    assert "| 4 |" in readme and "--debug" in readme
    assert cli.__doc__ is not None and "4 an" in cli.__doc__ and "--debug" in cli.__doc__


def test_a_terminal_that_is_not_utf8(tmp_path: Path) -> None:
    # (An ASCII stdout is not this case: click writes UTF-8 to it.)
    name = "本番😀é"
    path = write_sample(tmp_path, renamed("healthy-endpoints", name, ids=False))
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    for command in ("check", "scan"):
        proc = run_installed(command, path, "--format", "json", env=env)
        assert proc.returncode == 0, proc.stderr
        # What the stream cannot encode is a JSON escape: the document reads back whole.
        doc = json.loads(proc.stdout.decode("latin-1"))
        assert doc["checks"][0]["source"]["service"] == "web" + name
    proc = run_installed("check", path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "service web\\u672c\\u756a\\ud83d\\ude00é (cluster" in proc.stdout.decode("latin-1")
