"""`check --format json` is written one check at a time: the same document, byte for byte,
as building it whole."""

from __future__ import annotations

import io

import pytest

from netgraph.check import check_source
from netgraph.cli import main
from netgraph.fixes import fixes
from netgraph.flows import service_sources
from netgraph.render import json as json_render
from netgraph.sources.snapshot import load_snapshot, snapshot_from_data

from .conftest import SAMPLES, sample_data

SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_streamed_document_is_the_whole_one(path: object) -> None:
    snap = load_snapshot(str(path))
    traces = [t for s in service_sources(snap) for t in check_source(snap, s)]
    for some, account in ((traces, snap.account_id), (traces[:1], None), ([], snap.account_id)):
        out = io.StringIO()
        json_render.write_document(out, some, snap.region, account)
        assert out.getvalue() == json_render.render(some, snap.region, account)
        # With the run's fixes after the checks, as check --format json writes them.
        found = fixes(snap, some)
        out = io.StringIO()
        json_render.write_document(out, some, snap.region, account, found)
        assert out.getvalue() == json_render.render(some, snap.region, account, found)


def test_streamed_document_escapes_as_the_whole_one() -> None:
    data = sample_data("healthy-endpoints")
    data["services"][0]["serviceName"] = "web\ud800\x85\x1b名前"
    snap = snapshot_from_data(data)
    traces = [t for s in service_sources(snap) for t in check_source(snap, s)]
    out = io.StringIO()
    json_render.write_document(out, traces, snap.region, snap.account_id)
    assert out.getvalue() == json_render.render(traces, snap.region, snap.account_id)
    assert "\\ud800" in out.getvalue()


def test_check_json_prints_the_whole_document(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(SAMPLES / "broken-nacl-no-ephemeral.json")
    assert main(["check", path, "--format", "json"]) == 1
    snap = load_snapshot(path)
    traces = [t for s in service_sources(snap) for t in check_source(snap, s)]
    whole = json_render.render(traces, snap.region, snap.account_id, fixes(snap, traces))
    assert capsys.readouterr().out == whole
