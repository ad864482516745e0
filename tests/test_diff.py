"""``netgraph diff``: the checks whose verdict a change moves, the hop that decides each, what
the change did on the path, and the gate's exit code (1 when a check gets worse), from the
pure comparison (``netgraph/diff.py``) to a real process (each exit code, a plan's gate, a
mistake's one line); the other command lines run netgraph.cli.main in this process
(tests/conftest.py: run_main), read back as a process would be."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from netgraph import diff
from netgraph.reach import Trace
from netgraph.render.diff import message
from netgraph.scan import scan
from netgraph.sources.snapshot import load_snapshot

from .conftest import SAMPLES, run_main, sample_data
from .test_exit_codes import netgraph

HEALTHY = SAMPLES / "healthy-endpoints.json"
SG_NO_443 = SAMPLES / "broken-endpoint-sg-no-443.json"
S3_ONLY = SAMPLES / "broken-s3-only-endpoint.json"
CUSTOM_DNS = SAMPLES / "unknown-custom-dns.json"
NETWORK = ("ecr.api", "ecr.dkr", "logs", "secretsmanager")


def _run(path: Path) -> tuple[Trace, ...]:
    return scan(load_snapshot(str(path), None)).traces


def _compare(before: Path, after: Path) -> diff.Diff:
    old, new = load_snapshot(str(before), None), load_snapshot(str(after), None)
    return diff.compare(scan(old).traces, scan(new).traces, snapshots=(old, new))


def test_deleted_interface_endpoints_make_every_check_through_them_worse() -> None:
    found = _compare(HEALTHY, S3_ONLY)
    assert found.counts() == {
        "worse": 8,
        "better": 0,
        "appeared": 0,
        "disappeared": 0,
        "compared": 12,
        "unchanged": 4,
        "regressions": 8,
    }
    assert {c.trace.target for c in found.changes} == set(NETWORK)
    for change in found.changes:
        assert (change.verdict_before, change.verdict_after) == ("reachable", "blocked")
        # The hop that now drops: the source subnet's route table, which has no route to the
        # public service; the same table routed the endpoint's ENI locally before.
        assert change.hop is not None and change.hop.id == "rtb-0f0f0f0f0f0f0f0f1"
        assert change.hop.status == "fail" and change.hop.code == "NO_ROUTE_TO_DESTINATION"
        assert change.other is not None and change.other.status == "pass"
        assert "local" in change.other.reason
        # What the change did on the path: the endpoint the check went through is gone.
        deleted = [t.id for t in change.touched if t.action == "deleted"]
        assert len(deleted) == 1 and deleted[0].startswith("vpce-")
    assert diff.exit_code(found) == 1


def test_a_narrowed_security_group_is_named_as_changed_and_blamed() -> None:
    found = _compare(HEALTHY, SG_NO_443)
    assert len(found.changes) == 8 and diff.exit_code(found) == 1
    for change in found.changes:
        assert change.hop is not None and change.hop.id == "sg-0e0e0e0e0e0e0e0e2"
        assert change.hop.kind == "security-group-ingress"
        assert diff.Touched("sg-0e0e0e0e0e0e0e0e2", "changed") in change.touched
        assert change.after is not None and change.after.fix
        assert "sg-0e0e0e0e0e0e0e0e2" in change.after.fix


def test_the_fix_is_better_and_passes_the_gate() -> None:
    found = _compare(SG_NO_443, HEALTHY)
    assert [c.movement for c in found.changes] == ["better"] * 8
    for change in found.changes:
        # The hop that no longer drops: the before-run's blocking hop.
        assert change.hop is not None and change.hop.id == "sg-0e0e0e0e0e0e0e0e2"
        assert change.hop.status == "fail" and not change.regression
    assert diff.exit_code(found) == 0


def test_the_same_snapshot_changes_nothing() -> None:
    found = _compare(HEALTHY, HEALTHY)
    assert found.changes == () and found.unchanged == found.compared == 12
    assert diff.exit_code(found) == 0


def test_reachable_to_unknown_is_worse() -> None:
    """Absent data is unknown, never a pass: losing the ability to verify fails the gate."""
    found = _compare(HEALTHY, CUSTOM_DNS)
    worse = found.of("worse")
    assert worse and diff.exit_code(found) == 1
    for change in worse:
        assert change.verdict_after == "unknown"
        assert change.hop is not None and change.hop.status == "unknown"
        assert change.hop.kind == "dns"


def test_verdicts_rank_pass_unknown_fail_and_a_strange_one_ranks_unknown() -> None:
    assert diff.rank("reachable") == diff.rank("allowed") < diff.rank("unknown")
    assert diff.rank("unknown") < diff.rank("blocked") == diff.rank("denied")
    assert diff.rank("maybe") == diff.rank("unknown")


def test_checks_are_matched_by_source_and_target_not_by_order() -> None:
    before = _run(HEALTHY)
    after = _run(SG_NO_443)
    assert (
        diff.compare(before, tuple(reversed(after))).counts()
        == diff.compare(before, after).counts()
    )


def test_a_new_check_fails_the_gate_only_when_it_is_blocked() -> None:
    before = _run(HEALTHY)
    after = _run(SG_NO_443)
    kept = [t for t in before if t.target != "ecr.api"]
    found = diff.compare(kept, after)
    appeared = found.of("appeared")
    assert {c.trace.target for c in appeared} == {"ecr.api"}
    assert all(c.regression and c.verdict_before is None for c in appeared)
    # A new check that passes is reported, not failed.
    found = diff.compare(kept, before)
    assert [c.movement for c in found.changes] == ["appeared", "appeared"]
    assert not found.regressions and diff.exit_code(found) == 0
    # A new check that is unknown is reported, not failed: nothing that worked stopped.
    unknown = _run(CUSTOM_DNS)
    found = diff.compare([t for t in unknown if t.target != "ecr.api"], unknown)
    assert all(c.verdict_after == "unknown" for c in found.of("appeared"))
    assert diff.exit_code(found) == 0


def test_a_removed_check_is_reported_and_passes() -> None:
    before = _run(SG_NO_443)
    found = diff.compare(before, [t for t in before if t.target != "logs"])
    assert [c.movement for c in found.changes] == ["disappeared", "disappeared"]
    assert diff.exit_code(found) == 0


def test_a_service_in_another_subnet_is_another_check() -> None:
    before = _run(HEALTHY)
    moved = [t for t in before if t.source.subnet_id == "subnet-0a11c0ffee0000001"]
    moved_keys = {diff.check_key(t) for t in moved}
    assert len(moved_keys) == 6
    assert all("subnet-0a11c0ffee0000001" in key for key in moved_keys)
    found = diff.compare(before, moved)
    assert len(found.of("disappeared")) == 6


def test_the_message_names_the_terraform_address_of_the_changing_hop() -> None:
    found = _compare(HEALTHY, S3_ONLY)
    change = next(c for c in found.changes if c.trace.target == "ecr.dkr")
    endpoint = change.touched[0].id
    names = {
        "rtb-0f0f0f0f0f0f0f0f1": "aws_route_table.private",
        endpoint: 'aws_vpc_endpoint.interface["ecr.dkr"]',
    }
    said = message(change, "this plan", names)
    assert said.startswith(
        "this plan breaks ecr.dkr for service web (cluster app) in subnet-0a11c0ffee000000"
    )
    assert "blocked at rtb-0f0f0f0f0f0f0f0f1 (aws_route_table.private) (route-table)" in said
    assert f'{endpoint} (aws_vpc_endpoint.interface["ecr.dkr"]) deleted' in said


# ---- the command: a real process for each exit code ------------------------------------------


def test_exit_1_when_a_check_gets_worse() -> None:
    proc = netgraph("diff", str(HEALTHY), str(S3_ONLY))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"netgraph diff {HEALTHY} -> {S3_ONLY} (ap-northeast-1")
    broke = [line for line in lines if line.startswith("WORSE")]
    assert len(broke) == 8
    assert any(
        "this change breaks ecr.dkr for service web (cluster app) in subnet-0a11c0ffee0000001: "
        "reachable -> blocked at rtb-0f0f0f0f0f0f0f0f1 (route-table)"
        in line
        and "vpce-0e1c2a3b4d5e6f702 deleted" in line
        for line in broke
    )
    assert lines[-1] == "12 checks compared: 8 worse; 4 unchanged"


def test_exit_0_when_nothing_gets_worse() -> None:
    proc = netgraph("diff", str(SG_NO_443), str(HEALTHY), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["better"] == 8 and doc["summary"]["regressions"] == 0
    change = doc["changes"][0]
    assert change["change"] == "better" and change["regression"] is False
    assert change["hop"]["id"] == "sg-0e0e0e0e0e0e0e0e2"
    assert change["before"]["verdict"] == "blocked" and change["after"]["verdict"] == "reachable"
    same = run_main("diff", str(HEALTHY), str(HEALTHY))
    assert same.returncode == 0, same.stderr
    assert "changes no check's verdict" in same.stdout


def test_json_of_a_regression() -> None:
    proc = run_main("diff", str(HEALTHY), str(SG_NO_443), "--format", "json", "--target", "logs")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["version"] == 1 and doc["before"] == str(HEALTHY)
    assert doc["after"] == str(SG_NO_443) and doc["plan"] is None
    assert [c["target"] for c in doc["changes"]] == ["logs", "logs"]
    change = doc["changes"][0]
    assert change["verdict_before"] == "reachable" and change["verdict_after"] == "blocked"
    assert change["hop"]["id"] == change["after"]["blocked_at"]["id"] == "sg-0e0e0e0e0e0e0e0e2"
    assert change["hop_before"]["verdict"] == "pass"
    assert {"id": "sg-0e0e0e0e0e0e0e0e2", "action": "changed", "address": None} in change["touched"]
    assert change["fix"].startswith("add an inbound rule to sg-0e0e0e0e0e0e0e0e2")


@pytest.mark.parametrize(
    "argv, said",
    [
        (["diff", str(HEALTHY)], "give BEFORE and AFTER snapshots, or a SNAPSHOT and --plan"),
        (
            ["diff", str(HEALTHY), str(HEALTHY), "--plan", str(HEALTHY)],
            "give BEFORE and AFTER snapshots, or a SNAPSHOT and --plan",
        ),
        (["diff", str(HEALTHY), "no-such-snapshot.json"], "no-such-snapshot.json"),
        (["diff", str(HEALTHY), str(HEALTHY), "--target", "ecr"], "--target ecr: unknown target"),
        (["diff", str(HEALTHY), "--plan", str(HEALTHY)], "not a Terraform plan"),
    ],
)
def test_exit_2_on_bad_input(argv: list[str], said: str) -> None:
    # A real process for a usage mistake and a file that is no plan; the rest in this process.
    real = said in (
        "give BEFORE and AFTER snapshots, or a SNAPSHOT and --plan",
        "not a Terraform plan",
    )
    proc = (netgraph if real else run_main)(*argv)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert said in proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr


def test_exit_2_on_snapshots_of_two_regions(tmp_path: Path) -> None:
    other = sample_data("healthy-endpoints")
    other["Region"] = "eu-west-1"
    path = tmp_path / "eu.json"
    path.write_text(json.dumps(other))
    proc = run_main("diff", str(HEALTHY), str(path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "ap-northeast-1" in proc.stderr and "eu-west-1" in proc.stderr
    assert proc.stdout == ""


def test_the_after_snapshot_is_compared_with_its_own_data() -> None:
    """A diff of a snapshot with one whose key is absent: the checks that needed it become
    unknown (never reachable), and that is worse."""
    old = load_snapshot(str(HEALTHY), None)
    new = replace(old, vpc_endpoints=None)
    found = diff.compare(scan(old).traces, scan(new).traces, snapshots=(old, new))
    assert found.regressions
    assert all(c.verdict_after in ("unknown", "blocked") for c in found.regressions)


# ---- a plan overlaid on a snapshot ----------------------------------------------------------

PLANS = Path(__file__).parent / "fixtures" / "plans"
DELETE_ENDPOINT = PLANS / "delete-endpoint"
GREENFIELD_S3_ONLY = PLANS / "seed-incident-s3-only" / "tfplan.json"


@pytest.mark.skipif(
    not (DELETE_ENDPOINT / "tfplan.json").is_file(), reason="the delete-endpoint plan fixture"
)
def test_a_plan_that_deletes_an_endpoint_breaks_ecr_dkr_and_names_its_address() -> None:
    """The CI gate: the plan deletes aws_vpc_endpoint.interface["ecr.dkr"]; only ecr.dkr
    gets worse (the fixture's expected.json), blamed on the private route table, which the
    text names by its Terraform address."""
    snapshot, plan = DELETE_ENDPOINT / "snapshot.json", DELETE_ENDPOINT / "tfplan.json"
    expected = json.loads((DELETE_ENDPOINT / "expected.json").read_text())
    before = {(c["source"]["subnet"], c["target"]): c["verdict"] for c in expected["before_checks"]}
    worse = {
        (c["source"]["subnet"], c["target"])
        for c in expected["checks"]
        if diff.rank(c["verdict"]) > diff.rank(before[(c["source"]["subnet"], c["target"])])
    }
    assert {target for _, target in worse} == {"ecr.dkr"}
    # The fixture's ids are moto's of the run that made it: read them from the plan.
    ids = {
        rc["address"]: (rc["change"]["before"] or {}).get("id")
        for rc in json.loads(plan.read_text())["resource_changes"]
    }
    table, endpoint = ids["aws_route_table.private"], ids['aws_vpc_endpoint.interface["ecr.dkr"]']
    assert table.startswith("rtb-") and endpoint.startswith("vpce-")
    proc = netgraph("diff", str(snapshot), "--plan", str(plan), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["plan"] == str(plan) and doc["after"] is None
    got = {(c["source"]["subnet"], c["target"]) for c in doc["changes"] if c["regression"]}
    assert got == worse
    for change in doc["changes"]:
        assert change["hop"]["id"] == table
        assert change["hop"]["address"] == "aws_route_table.private"
        assert {
            "id": endpoint,
            "action": "deleted",
            "address": 'aws_vpc_endpoint.interface["ecr.dkr"]',
        } in change["touched"]
    text = run_main("diff", str(snapshot), "--plan", str(plan))
    assert text.returncode == 1, text.stderr
    subnet = sorted(worse)[0][0]
    assert (
        f"this plan breaks ecr.dkr for service web (cluster app) in {subnet}: "
        f"reachable -> blocked at {table} (aws_route_table.private) (route-table)"
    ) in text.stdout
    assert f'{endpoint} (aws_vpc_endpoint.interface["ecr.dkr"]) deleted' in text.stdout


def test_a_plan_alone_is_not_a_before() -> None:
    proc = run_main("diff", str(GREENFIELD_S3_ONLY), "--plan", str(GREENFIELD_S3_ONLY))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1
    assert "plan" in proc.stderr


def test_an_after_that_does_not_list_the_services_is_unknown_not_a_pass(tmp_path: Path) -> None:
    """Rule 1 for the gate: an AFTER whose ECS services were not collected has no checks, but
    that does not mean they are gone: every check is unknown, and the gate fails."""
    old = load_snapshot(str(HEALTHY), None)
    new = replace(old, services=None)
    found = diff.compare(scan(old).traces, scan(new).traces, snapshots=(old, new))
    assert [c.movement for c in found.changes] == ["disappeared"] * 12
    assert all(
        c.regression and "services is not in the snapshot" in c.unlisted for c in found.changes
    )
    assert diff.exit_code(found) == 1
    # Without the snapshots nothing says why they are gone: a removed check, not a failure.
    assert diff.exit_code(diff.compare(scan(old).traces, ())) == 0

    data = sample_data("healthy-endpoints")
    del data["services"]
    path = tmp_path / "no-services.json"
    path.write_text(json.dumps(data))
    proc = run_main("diff", str(HEALTHY), str(path), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["regressions"] == 12
    change = doc["changes"][0]
    assert change["change"] == "disappeared" and change["regression"] is True
    assert change["unlisted"].startswith("services is not in the snapshot")
    assert "unknown" in change["message"]
    for fmt in ("sarif", "junit", "text"):
        assert run_main("diff", str(HEALTHY), str(path), "--format", fmt).returncode == 1


def test_an_unknown_no_hop_decides_is_explained_by_the_checks_reason() -> None:
    """Without task definitions the targets cannot be derived: the checks are unknown with
    a reason but no unknown hop; the change says that reason."""
    old = load_snapshot(str(HEALTHY), None)
    new = replace(old, task_definitions=None)
    found = diff.compare(scan(old).traces, scan(new).traces, snapshots=(old, new))
    network = [c for c in found.of("worse") if c.trace.target == "ecr.api"]
    assert len(network) == 2 and diff.exit_code(found) == 1
    for change in network:
        said = message(change, "this change", {})
        assert "reachable -> unknown: " in said
        assert "taskDefinitions is not in the snapshot" in said


def _overlay_fixtures() -> list[Path]:
    return sorted(
        p
        for p in PLANS.glob("*")
        if (p / "snapshot.json").is_file()
        and (p / "tfplan.json").is_file()
        and (p / "expected.json").is_file()
        and "before_checks" in json.loads((p / "expected.json").read_text())
    )


@pytest.mark.parametrize("fixture", _overlay_fixtures(), ids=lambda p: p.name)
def test_every_overlay_fixture_gets_worse_where_its_expected_json_says(fixture: Path) -> None:
    """For each plan over an existing account (a deleted endpoint, a narrowed task security
    group, ...): the checks diff calls worse are those whose verdict expected.json ranks
    worse, each blamed on the hop expected.json names, and the gate fails only if any."""
    expected = json.loads((fixture / "expected.json").read_text())
    key = lambda c: (c["source"]["subnet"], c["target"])  # noqa: E731
    before = {key(c): c["verdict"] for c in expected["before_checks"]}
    after = {key(c): c for c in expected["checks"]}
    worse = {k for k, c in after.items() if diff.rank(c["verdict"]) > diff.rank(before[k])}
    proc = run_main(
        "diff", str(fixture / "snapshot.json"), "--plan", str(fixture / "tfplan.json"),
        "--format", "json",
    )  # fmt: skip
    assert proc.returncode == (1 if worse else 0), proc.stderr
    doc = json.loads(proc.stdout)
    assert {key(c) for c in doc["changes"] if c["regression"]} == worse
    for change in doc["changes"]:
        blocked = after[key(change)].get("blocked_at")
        if change["regression"] and blocked:
            assert change["hop"]["id"] == blocked["id"]
            assert change["hop"]["address"], "a resource the plan manages is named by address"
