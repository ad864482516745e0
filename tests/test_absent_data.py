"""Absent data is unknown, never reachable: every key of every sample removed, and set to
null (tests/absent_data.py says what must hold).

`make test` runs a fixed part (NETGRAPH_ABSENT_FRACTION=0.05, set by the Makefile): every
key at every depth of every sample, removed and nulled, in its first list element, and a
seeded twentieth of the cases of the other list elements; `make fuzz` and a bare `pytest` run
every case of every sample (about 28,000 runs, four minutes).
"""

from __future__ import annotations

import os

import pytest

from .absent_data import (
    Case,
    Outcome,
    changed_words,
    check_sample,
    damaged,
    run_checks,
    sample_data,
    sample_names,
    violations,
)

FRACTION = float(os.environ.get("NETGRAPH_ABSENT_FRACTION", "1"))


@pytest.mark.parametrize("name", sample_names())
def test_no_key_removed_or_nulled_makes_a_check_pass(name: str) -> None:
    digests: dict[str, str] = {}
    ran, found = check_sample(name, FRACTION, digests=digests)
    assert ran > 0
    assert not found, f"{len(found)} of {ran} cases:\n" + "\n".join(found[:40])
    # And every kind of key tried once says what it said when its words were reviewed.
    changed = changed_words(name, digests)
    assert not changed, (
        f"{len(changed)} cases; `python -m tests.absent_data --write` records a change "
        "that is meant (review the words with `netgraph check` on the damaged sample):\n"
        + "\n".join(changed[:40])
    )


def test_the_oracle_catches_a_check_that_starts_to_pass() -> None:
    case = Case("x", ("Subnets", 0, "CidrBlock"), True)
    intact = Outcome(1, {("ecs-service", "subnet-1", "ecr.api"): "blocked"})
    widened = Outcome(0, {("ecs-service", "subnet-1", "ecr.api"): "reachable"})
    found = violations(case, intact, widened)
    assert any("became reachable" in f for f in found)
    assert any("exit code 1 became 0" in f for f in found)
    assert (
        violations(case, intact, Outcome(3, {("ecs-service", "subnet-1", "ecr.api"): "unknown"}))
        == []
    )
    assert violations(case, intact, Outcome(0, {})) != []  # a check that disappears
    assert violations(case, intact, Outcome(2, {}, "sample.json: $.x: two\nlines")) != []


def test_the_fixed_part_tries_every_kind_of_key_once_and_is_the_same_on_every_run() -> None:
    from .absent_data import cases, chosen, shape

    every = cases("healthy-endpoints", sample_data("healthy-endpoints"))
    part = chosen(every, 0.1, 11)
    kinds = {(shape(c.path), c.remove) for c in every}
    assert {(shape(c.path), c.remove) for c in part} == kinds
    assert len(kinds) < len(part) < len(every)
    assert part == chosen(every, 0.1, 11)
    assert chosen(every, 1.0, 11) == every


def test_damage_copies_only_the_path_and_leaves_the_sample_whole() -> None:
    data = sample_data("healthy-endpoints")
    before = run_checks(data)
    hurt = damaged(data, ("Subnets", 0, "CidrBlock"), True)
    assert "CidrBlock" in data["Subnets"][0] and "CidrBlock" not in hurt["Subnets"][0]
    assert hurt["Vpcs"] is data["Vpcs"]
    assert run_checks(data) == before
