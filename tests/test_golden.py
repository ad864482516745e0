"""Outputs that a refactoring must not change: every check of every sample, of the Batfish
corpus and of generated accounts gives the JSON recorded in tests/golden/outputs.json
(tests/golden.py says how to compare, dump and accept)."""

from __future__ import annotations

from .golden import differences


def test_every_output_is_its_golden_one() -> None:
    found = differences()
    assert not found, (
        "outputs changed (python -m tests.golden --dump DIR on both revisions to see how; "
        "--write to accept a change that is meant):\n" + "\n".join(found)
    )
