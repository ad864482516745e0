"""What a change does to the checks: two runs' traces compared, check by check.

A check is matched across the runs by its source (an ECS service's cluster, name and subnet;
an ENI's id; a hypothetical task's subnet and security groups) and its target. A change is
one whose verdict moves: **worse** along reachable/allowed -> unknown -> blocked/denied,
**better** the other way; a check only one run has **appeared** or **disappeared**. A check
whose verdict stays (blocked before and after, at another hop) is not a change: the gate asks
"does this change break something that worked".

For each change, the hop that decides it (the hop that now drops the packet or is now unknown;
for a better verdict the hop that no longer drops it) and the components on either path that
the change created, deleted or changed (``Touched``): the things a reviewer goes and looks at.
Pure: the runs' traces and snapshots in, data out; the command composes and renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, Literal

from netgraph.flows import Source
from netgraph.hop import Hop
from netgraph.model import Snapshot
from netgraph.reach import Trace

# The order a verdict gets worse in. Absent data is unknown, which is worse than a pass.
RANK: Mapping[str, int] = {
    "reachable": 0,
    "allowed": 0,
    "unknown": 1,
    "blocked": 2,
    "denied": 2,
}
FAILING = frozenset({"blocked", "denied"})

Movement = Literal["worse", "better", "appeared", "disappeared"]
Action = Literal["created", "deleted", "changed"]
CheckKey = tuple[str, ...]


def rank(verdict: str) -> int:
    # A verdict netgraph does not know (a newer run's) ranks as unknown, never as a pass.
    return RANK.get(verdict, RANK["unknown"])


def source_key(source: Source) -> tuple[str, ...]:
    """What a source is across two runs: the same service in the same subnet, the same ENI,
    the same hypothetical task. (A service's ARN changes when it is replaced; its cluster and
    name do not.)"""
    if source.service is not None:
        return ("service", source.service.cluster or "", source.service.name, source.subnet_id)
    if source.kind == "hypothetical":
        groups = ",".join(sorted(source.security_group_ids))
        return ("hypothetical", source.subnet_id, groups, str(source.public_ip))
    return (str(source.kind), source.id)


def check_key(trace: Trace) -> CheckKey:
    return (*source_key(trace.source), trace.target, trace.protocol, str(trace.port))


@dataclass(frozen=True)
class Touched:
    """A component on a check's path that the change created, deleted or changed."""

    id: str
    action: Action


@dataclass(frozen=True)
class Change:
    """One check whose verdict the change moves (or that only one run has)."""

    movement: Movement
    before: Trace | None
    after: Trace | None
    # The hop that decides the change: the after-run's blocking or first unknown hop when the
    # verdict got worse (or appeared), the before-run's when it got better (or disappeared).
    hop: Hop | None
    # The same component (id, kind, leg) on the other run's path, if it is there: what it
    # said before it changed.
    other: Hop | None
    touched: tuple[Touched, ...] = ()
    # A disappeared check whose source the after-run cannot list (its ECS services or ENIs
    # were not collected): why. Such a check is not known to be gone, so it is unknown.
    unlisted: str = ""

    @property
    def trace(self) -> Trace:
        """The run the change is reported by: the after-run's, else the before-run's."""
        found = self.after or self.before
        assert found is not None, "a change has at least one run's check"
        return found

    @property
    def verdict_before(self) -> str | None:
        return self.before.verdict if self.before is not None else None

    @property
    def verdict_after(self) -> str | None:
        return self.after.verdict if self.after is not None else None

    @property
    def regression(self) -> bool:
        """What fails the gate: a verdict that got worse, or a new check that is blocked or
        denied (a new service that cannot pull its image is broken by this change too). A
        new check that is unknown is reported, not failed: nothing that worked stopped."""
        if self.movement == "worse":
            return True
        if self.movement == "disappeared":
            # Absent data is unknown, never a pass: an AFTER that does not list the services
            # must not clear the gate by having no checks.
            return bool(self.unlisted)
        return self.movement == "appeared" and self.verdict_after in FAILING


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...]
    compared: int  # checks both runs have
    unchanged: int  # of those, checks whose verdict stays

    def of(self, movement: Movement) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.movement == movement)

    @property
    def regressions(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.regression)

    def counts(self) -> dict[str, int]:
        out = {m: len(self.of(m)) for m in ("worse", "better", "appeared", "disappeared")}
        out["compared"] = self.compared
        out["unchanged"] = self.unchanged
        out["regressions"] = len(self.regressions)
        return out


def deciding_hop(trace: Trace) -> Hop | None:
    """The hop that makes a verdict: the blocking hop, else the first unknown one."""
    if trace.blocked_at is not None:
        return trace.blocked_at
    if trace.verdict == "unknown":
        return next((h for h in trace.hops if h.status == "unknown"), None)
    return None


def _first_difference(before: Trace, after: Trace) -> Hop | None:
    """The first hop of ``after`` whose component or status differs from ``before``'s at
    the same place: the hop that changed a verdict neither run blames on a hop."""
    for i, hop in enumerate(after.hops):
        if i >= len(before.hops):
            return hop
        old = before.hops[i]
        if (old.id, old.kind, old.leg, old.status) != (hop.id, hop.kind, hop.leg, hop.status):
            return hop
    return None


def _same_component(hop: Hop, trace: Trace | None) -> Hop | None:
    if trace is None:
        return None
    return next(
        (h for h in trace.hops if (h.id, h.kind, h.leg) == (hop.id, hop.kind, hop.leg)), None
    )


# Snapshot fields that index components by id; derived indexes (id -> id) and netgraph's own
# tables are not components a change touches.
_NOT_COMPONENTS = frozenset(
    {
        "route_table_by_subnet",
        "main_route_table_by_vpc",
        "network_acl_by_subnet",
        "default_network_acl_by_vpc",
        "shipped_policies",
        "locations",
    }
)


def _component_maps(snapshot: Snapshot) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for f in fields(snapshot):
        if f.name in _NOT_COMPONENTS:
            continue
        value = getattr(snapshot, f.name)
        if isinstance(value, Mapping):
            out.append(value)
    return out


def _canonical(value: Any) -> Any:
    """A component as a comparable value in which order does not count: AWS lists a route
    table's routes, a group's rules and a table's subnets in no meaningful order, and two
    describes (or a plan's overlay) may list them differently."""
    if is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple((f.name, _canonical(getattr(value, f.name))) for f in fields(value)),
        )
    if isinstance(value, Mapping):
        return ("{}", tuple(sorted(((repr(k), _canonical(v)) for k, v in value.items()), key=repr)))
    if isinstance(value, (tuple, list, set, frozenset)):
        return ("[]", tuple(sorted((_canonical(v) for v in value), key=repr)))
    return value


class _Components:
    """Finds a component by id in either snapshot, and says how the change treats it."""

    def __init__(self, before: Snapshot, after: Snapshot) -> None:
        self._before = _component_maps(before)
        self._after = _component_maps(after)
        self._said: dict[str, Action | None] = {}

    @staticmethod
    def _find(maps: Sequence[Mapping[str, Any]], key: str) -> tuple[bool, Any]:
        for m in maps:
            if key in m:
                return True, m[key]
        return False, None

    def action(self, key: str) -> Action | None:
        if key in self._said:
            return self._said[key]
        had, old = self._find(self._before, key)
        has, new = self._find(self._after, key)
        said: Action | None = None
        if had and not has:
            said = "deleted"
        elif has and not had:
            said = "created"
        elif had and has and old != new and _canonical(old) != _canonical(new):
            said = "changed"
        self._said[key] = said
        return said


def _touched(
    components: _Components | None, before: Trace | None, after: Trace | None
) -> tuple[Touched, ...]:
    if components is None:
        return ()
    ids: dict[str, None] = {}
    for t in (after, before):
        for hop in t.hops if t is not None else ():
            ids[hop.id] = None
    out = []
    for key in ids:
        action = components.action(key)
        if action is not None:
            out.append(Touched(key, action))
    return tuple(out)


def unlisted(source: Source, after: Snapshot) -> str:
    """Why ``after`` cannot say whether ``source`` is still there ("" when it can)."""
    if source.service is not None and after.services is None:
        return after.missing_reason("services")
    if source.kind == "eni" and after.network_interfaces is None:
        return after.missing_reason("NetworkInterfaces")
    if source.kind == "instance" and after.instances is None:
        return after.missing_reason("Reservations")
    if source.kind == "hypothetical" and after.subnets is None:
        return after.missing_reason("Subnets")
    return ""


def _change(
    movement: Movement,
    before: Trace | None,
    after: Trace | None,
    components: _Components | None,
) -> Change:
    if movement in ("worse", "appeared"):
        decided, other = after, before
    else:
        decided, other = before, after
    assert decided is not None
    hop = deciding_hop(decided)
    if hop is None and before is not None and after is not None:
        hop = _first_difference(before, after)
    found = _same_component(hop, other) if hop is not None else None
    return Change(movement, before, after, hop, found, _touched(components, before, after))


def compare(
    before: Iterable[Trace],
    after: Iterable[Trace],
    *,
    snapshots: tuple[Snapshot, Snapshot] | None = None,
) -> Diff:
    """The checks whose verdict differs between ``before`` and ``after``, in the after-run's
    order, then the checks only ``before`` has. With ``snapshots`` (the runs' snapshots),
    each change names the components on its paths that the change created, deleted or
    changed."""
    old: dict[CheckKey, Trace] = {}
    for t in before:
        old.setdefault(check_key(t), t)
    components = _Components(*snapshots) if snapshots is not None else None
    changes: list[Change] = []
    seen: set[CheckKey] = set()
    compared = unchanged = 0
    for t in after:
        key = check_key(t)
        if key in seen:
            continue
        seen.add(key)
        was = old.get(key)
        if was is None:
            changes.append(_change("appeared", None, t, components))
            continue
        compared += 1
        step = rank(t.verdict) - rank(was.verdict)
        if step > 0:
            changes.append(_change("worse", was, t, components))
        elif step < 0:
            changes.append(_change("better", was, t, components))
        else:
            unchanged += 1
    for key, t in old.items():
        if key not in seen:
            gone = _change("disappeared", t, None, components)
            if snapshots is not None:
                why = unlisted(t.source, snapshots[1])
                if why:
                    gone = replace(gone, unlisted=why)
            changes.append(gone)
    return Diff(tuple(changes), compared, unchanged)


def exit_code(diff: Diff) -> int:
    """1 when any check got worse (or a new one is blocked or denied), else 0."""
    return 1 if diff.regressions else 0


__all__ = [
    "RANK",
    "Change",
    "Diff",
    "Touched",
    "check_key",
    "compare",
    "deciding_hop",
    "exit_code",
    "rank",
]
