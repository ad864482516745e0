"""Bad input is a clear error, never a crash: random damage to a real snapshot either loads
(and checks) or is refused with a SnapshotError naming the file and the key."""

from __future__ import annotations

import copy
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgraph.check import check_source
from netgraph.flows import SourceError, service_sources
from netgraph.sources.snapshot import SnapshotError, snapshot_from_data

from .conftest import build

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 70000)
    | st.text(max_size=8)
    | st.sampled_from(["10.0.0.0/8", "0.0.0.0/0", "::/0", "10.0.1.5", "-1", "tcp", "allow"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            out += paths(v, (*prefix, i))
    return out


# make fuzz runs 5,000 (NETGRAPH_FUZZ_EXAMPLES); make test 250.
EXAMPLES = int(os.environ.get("NETGRAPH_FUZZ_EXAMPLES", "250"))
BASE = build.SAMPLES["healthy-endpoints"]()
ALL_PATHS = paths(BASE)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), json_values), min_size=1, max_size=3))
def test_damaged_snapshots_load_or_fail_cleanly(damage: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = copy.deepcopy(BASE)
    for path, value in damage:
        target = data
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        snap = snapshot_from_data(data, "fuzz.json")
    except SnapshotError as exc:
        message = str(exc)
        assert message.startswith(("fuzz.json", "snapshot:")) and "\n" not in message
        return
    try:
        for source in service_sources(snap):
            for trace in check_source(snap, source):
                assert trace.verdict in ("reachable", "blocked", "unknown", "allowed", "denied")
    except SourceError:
        pass
