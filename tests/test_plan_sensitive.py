"""Values a plan marks sensitive (plan-input.md "Values": ``after_sensitive``, sensitive
variables) are used but never printed: every output format writes ``(sensitive)``.

The plan is the seed-incident fixture (real Terraform output) with its ECS service named by a
sensitive variable, as Terraform 1.11 writes it: the value in plain text in ``after`` and in
``variables``, ``after_sensitive.name: true``, the variable ``sensitive`` in the
configuration. The service's name is in every format's output (the source of each check).
"""

from __future__ import annotations

import json
import xml.dom.minidom
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netgraph.cli import cli as main
from netgraph.render.redact import SENSITIVE, Redactor
from netgraph.sources.plan import load_input

FIXTURES = Path(__file__).parent / "fixtures" / "plans"
SECRET = "web-s3cr3t-9f1"


def _sensitive_plan(tmp_path: Path, name: str = "seed-incident-s3-only") -> Path:
    doc: dict[str, Any] = json.loads((FIXTURES / name / "tfplan.json").read_text())
    for rc in doc["resource_changes"]:
        if rc["type"] == "aws_ecs_service":
            rc["change"]["after"]["name"] = SECRET
            rc["change"]["after_sensitive"]["name"] = True
    doc.setdefault("variables", {})["service_name"] = {"value": SECRET}
    root = doc["configuration"]["root_module"]
    root.setdefault("variables", {})["service_name"] = {"sensitive": True}
    for tf in (FIXTURES / name).glob("*.tf"):  # SARIF locates results in the .tf files
        (tmp_path / tf.name).write_text(tf.read_text())
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(doc))
    return plan


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout


def test_the_model_uses_the_value_and_knows_it_is_sensitive(tmp_path: Path) -> None:
    snap = load_input(_sensitive_plan(tmp_path))
    assert SECRET in snap.sensitive
    assert [s.name for s in (snap.services or {}).values()] == [SECRET]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_no_stream_format_prints_the_value(fmt: str, tmp_path: Path) -> None:
    plan = _sensitive_plan(tmp_path)
    code, out = _run(["check", str(plan), "--format", fmt])
    assert code == 1  # the seed incident: blocked, as without the sensitive name
    assert SECRET not in out
    assert SENSITIVE in out
    if fmt in ("json", "sarif"):
        json.loads(out)  # still a document its readers parse
    if fmt == "junit":
        xml.dom.minidom.parseString(out)
    if fmt == "json":
        sources = {c["source"]["service"] for c in json.loads(out)["checks"]}
        assert sources == {SENSITIVE}


def test_no_file_format_writes_the_value(tmp_path: Path) -> None:
    plan = _sensitive_plan(tmp_path)
    files = {ext: tmp_path / f"out.{ext}" for ext in ("html", "dot", "svg", "png")}
    code, _ = _run(
        ["check", str(plan), "--format", "json"]
        + [arg for ext, path in files.items() for arg in (f"--{ext}", str(path))]
    )
    assert code == 1
    for ext in ("html", "dot", "svg"):
        data = files[ext].read_bytes()
        assert SECRET.encode() not in data, ext
        assert SENSITIVE.encode() in data, ext
    xml.dom.minidom.parse(str(files["svg"]))
    assert files["png"].read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_scan_does_not_print_it(fmt: str, tmp_path: Path) -> None:
    _, out = _run(["scan", str(_sensitive_plan(tmp_path)), "--format", fmt])
    assert SECRET not in out
    assert SENSITIVE in out


def test_without_sensitive_values_the_output_is_unchanged(tmp_path: Path) -> None:
    plan = FIXTURES / "seed-incident-s3-only" / "tfplan.json"
    assert not load_input(plan).sensitive
    _, out = _run(["check", str(plan)])
    assert "service web " in out and SENSITIVE not in out


# ---- the redactor -------------------------------------------------------------------------


def test_a_short_value_is_replaced_only_as_a_whole_token() -> None:
    r = Redactor({"web"})
    assert r.text("service web in subnet-1") == f"service {SENSITIVE} in subnet-1"
    assert r.text("sg web-task, webserver") == "sg web-task, webserver"


def test_json_stays_json_when_a_value_is_also_a_number() -> None:
    r = Redactor({"443", 'p"w'})
    doc = json.dumps({"port": 443, "reason": "allows 443", "x": 'a p"w b'})
    got = json.loads(r.document(doc))
    assert got == {"port": 443, "reason": f"allows {SENSITIVE}", "x": f"a {SENSITIVE} b"}


def test_xml_values_are_replaced_in_text_and_attributes_not_in_names() -> None:
    r = Redactor({"text", "a&b secret"})
    doc = '<svg><text title="a&amp;b secret">text</text></svg>'
    assert r.document(doc) == (f'<svg><text title="{SENSITIVE}">{SENSITIVE}</text></svg>')
