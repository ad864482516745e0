"""The JSON contract of a check (README, "JSON (--format json)"): the keys and values scripts
rely on, return-leg hops marked, and a trace told for another source. Kills the surviving
mutants of render.json.trace_record and Trace.told_for (docs/mutants.md)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from netgraph.check import check_path, check_source
from netgraph.cli import main
from netgraph.flows import hypothetical_source
from netgraph.graph import Hop
from netgraph.render.json import trace_record

from .conftest import SAMPLES, build, sample_data, snap

CHECK_KEYS = {
    "source",
    "target",
    "port",
    "protocol",
    "verdict",
    "blocked_at",
    "reason",
    "path",
    "fix",
}


def test_a_blocked_check_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(SAMPLES / "broken-nacl-no-ephemeral.json")
    assert main(["check", sample, "--target", "ecr.api", "--format", "json"]) == 1
    checks = json.loads(capsys.readouterr().out)["checks"]
    c = checks[0]
    # The sample has no Route 53 keys: the resolution says what it assumed (optional key).
    assert set(c) == CHECK_KEYS | {"assumptions"}
    assert any("private hosted zones not collected" in a for a in c["assumptions"])
    assert (c["target"], c["port"], c["protocol"], c["verdict"]) == (
        "ecr.api",
        443,
        "tcp",
        "blocked",
    )
    assert c["blocked_at"]["id"] == build.ACL_TASKS
    assert set(c["blocked_at"]) == {"id", "kind", "reason", "code"}
    assert c["blocked_at"]["reason"] == c["reason"] and "32768-60999" in c["reason"]
    for hop in c["path"]:
        assert set(hop) - {"leg"} == {"id", "kind", "verdict", "reason"}, hop
        assert hop["verdict"] in ("pass", "fail", "unknown") and hop["reason"]
        assert hop.get("leg", "return") == "return"  # only return hops carry "leg"
    legs = [h.get("leg") for h in c["path"]]
    assert legs[0] is None and legs[-1] == "return"
    assert c["path"][-1] == {
        "id": build.ACL_TASKS,
        "kind": "network-acl-inbound",
        "verdict": "fail",
        "reason": c["reason"],
        "leg": "return",
    }


def test_protocol_names_in_json() -> None:
    s = snap(sample_data("healthy-endpoints"))
    src = hypothetical_source(s, build.SUBNETS["private-a"][0], (build.SG_TASK,), False)
    tcp = trace_record(check_source(s, src, ["logs"])[0])
    assert (tcp["protocol"], tcp["port"]) == ("tcp", 443)
    assert tcp["reason"].startswith("every hop admits TCP 443")
    gre = trace_record(check_path(s, src, "10.0.11.10", protocol="47", port=None))
    assert (gre["protocol"], gre["port"]) == ("47", None)


def test_told_for_replaces_only_a_source_head() -> None:
    s = snap(sample_data("healthy-endpoints"))
    src = hypothetical_source(s, build.SUBNETS["private-a"][0], (build.SG_TASK,), False)
    other = hypothetical_source(s, build.SUBNETS["private-c"][0], (build.SG_TASK,), False)
    t = check_source(s, src, ["logs"])[0]
    head = Hop(build.SUBNETS["private-c"][0], "source", "pass", "the other source")
    assert t.hops[0].kind == "source"
    told = t.told_for(other, head)
    assert told.source == other and told.hops == (head, *t.hops[1:])
    assert t.told_for(other).hops == t.hops  # no head: the hops stay
    not_source = dataclasses.replace(t, hops=(Hop("vpc-1", "dns", "pass", "x"), *t.hops[1:]))
    assert not_source.told_for(other, head).hops == not_source.hops
