"""The loader reads the records a large account has by the ten thousand (security-group
rules, routes, ENIs) through a fast path, and the validating reader takes whatever the fast
path declines. The fast path must never accept what the reader would refuse, nor read
anything differently: the reader is the oracle, over real shapes and random damage."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgraph.sources.ec2 import (
    _network_interface_fast,
    _network_interface_read,
    _route_fast,
    _route_read,
)
from netgraph.sources.firewalls import _sg_rules_fast, _sg_rules_read
from netgraph.sources.reader import Obj, SnapshotError

from .conftest import ROOT, build, examples, load_script
from .test_fuzz import json_values, paths

generate = load_script("bench_generate", ROOT / "bench" / "generate.py").generate

GENERATED = generate(
    vpcs=2,
    subnets=12,
    security_groups=12,
    rules_per_group=6,
    route_tables=4,
    routes_per_table=8,
    enis=40,
    services=6,
    seed=3,
)
SNAPSHOTS = [GENERATED, *(make() for make in build.SAMPLES.values())]


def _records(key: str) -> list[dict[str, Any]]:
    return [r for snap in SNAPSHOTS for r in snap.get(key, [])]


# The permissions of each side of each group, as the record the fast path reads.
SECURITY_GROUPS = [
    {"IpPermissions": g[side]}
    for g in _records("SecurityGroups")
    for side in ("IpPermissions", "IpPermissionsEgress")
    if side in g
]
ROUTES = [r for table in _records("RouteTables") for r in table.get("Routes", [])]
ENIS = _records("NetworkInterfaces")


def _sg(record: dict[str, Any]) -> tuple[Any, Any]:
    fast = _sg_rules_fast(record.get("IpPermissions"))
    return fast, lambda: _sg_rules_read(Obj(record, "t.json", "$"), "IpPermissions")


def _route(record: dict[str, Any]) -> tuple[Any, Any]:
    return _route_fast(record), lambda: _route_read(Obj(record, "t.json", "$"))


def _eni(record: dict[str, Any]) -> tuple[Any, Any]:
    return _network_interface_fast(record), lambda: _network_interface_read(
        Obj(record, "t.json", "$")
    )


KINDS: dict[str, tuple[list[dict[str, Any]], Callable[[dict[str, Any]], tuple[Any, Any]]]] = {
    "security-group": (SECURITY_GROUPS, _sg),
    "route": (ROUTES, _route),
    "eni": (ENIS, _eni),
}


def _agree(record: dict[str, Any], read: Callable[[dict[str, Any]], tuple[Any, Any]]) -> bool:
    """True if the fast path took the record (and then read it as the reader does)."""
    fast, careful = read(record)
    if fast is None:
        return False
    try:
        expected = careful()
    except SnapshotError as exc:
        raise AssertionError(f"the fast path accepted what the reader refuses: {exc}") from None
    assert fast == expected
    return True


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_fast_path_takes_the_shapes_aws_returns(kind: str) -> None:
    records, read = KINDS[kind]
    assert records
    taken = [_agree(r, read) for r in records]
    # The generator writes records as AWS returns them: all must take the fast path, or
    # the large account is read at the slow pace without anyone noticing.
    generated = _generated(kind)
    assert generated and all(t for r, t in zip(records, taken, strict=True) if r in generated)


def _generated(kind: str) -> list[dict[str, Any]]:
    if kind == "security-group":
        return [
            {"IpPermissions": g[side]}
            for g in GENERATED["SecurityGroups"]
            for side in ("IpPermissions", "IpPermissionsEgress")
        ]
    if kind == "route":
        return [r for t in GENERATED["RouteTables"] for r in t["Routes"]]
    return [e for e in GENERATED["NetworkInterfaces"] if len(e.get("PrivateIpAddresses", [])) <= 1]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind = draw(st.sampled_from(sorted(KINDS)))
    record = copy.deepcopy(draw(st.sampled_from(KINDS[kind][0])))
    for _ in range(draw(st.integers(1, 3))):
        spots = paths(record)
        if not spots:
            break
        path = draw(st.sampled_from(spots))
        target = record
        for step in path[:-1]:
            target = target[step]
        if draw(st.booleans()) and isinstance(target, dict):
            del target[path[-1]]
        else:
            target[path[-1]] = draw(json_values)
    return kind, record


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_fast_path_never_reads_differently(case: tuple[str, dict[str, Any]]) -> None:
    kind, record = case
    _agree(record, KINDS[kind][1])


def test_declined_records_still_get_the_readers_message() -> None:
    sg = copy.deepcopy(GENERATED["SecurityGroups"][0])
    sg["IpPermissions"][0]["FromPort"] = "443"
    assert _sg_rules_fast(sg["IpPermissions"]) is None
    with pytest.raises(
        SnapshotError, match=r"\$\.IpPermissions\[0\]\.FromPort: expected an integer"
    ):
        _sg_rules_read(Obj(sg, "t.json", "$"), "IpPermissions")
