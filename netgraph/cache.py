"""Caching in one place: the per-snapshot memo of the evaluate functions' answers, the keys
a scan shares answers under, and its cache of traces and templates.

Two grains. The memo (``memo_of``) keeps, per snapshot, what the pure rules answered (a
NACL's verdict on a question, a route lookup, a DNS answer, a worded hop): every flow that
asks again gets the same object. The scan's cache (``Cache``) keeps whole answers per
configuration of a source (``configuration``) and, per placement (``placement``), the
template flow graph whose security-group hops are filled per source (``templates.template``,
``templates.fill``).

A snapshot is data: its memo lives here, keyed by the snapshot object (``Snapshot`` compares
by identity), and goes with it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar, cast

from netgraph.evaluate import iam
from netgraph.model import IPNetwork, Snapshot

if TYPE_CHECKING:
    from netgraph.flow_graph import FlowGraph
    from netgraph.flows import Source
    from netgraph.reach import Trace
    from netgraph.requirements import ApiCall

T = TypeVar("T")
Memo = dict[tuple[object, ...], object]
NetKey = tuple[tuple[int, int, int], ...]

MISSING = object()  # not yet in the memo (None is a possible answer)

_MEMOS: weakref.WeakKeyDictionary[Snapshot, Memo] = weakref.WeakKeyDictionary()
# The snapshot asked last and its memo: a scan asks for one snapshot's memo per source, and
# a WeakKeyDictionary look-up makes a weak reference each time.
_last: tuple[Callable[[], Snapshot | None], Memo] = (lambda: None, {})


def memo_of(snapshot: Snapshot) -> Memo:
    """The memo of this snapshot's answers, made on first use and gone with the snapshot."""
    global _last
    ref, memo = _last
    if ref() is snapshot:
        return memo
    found = _MEMOS.get(snapshot)
    if found is None:
        found = _MEMOS[snapshot] = {}
    _last = (weakref.ref(snapshot), found)
    return found


def remember(memo: Memo, key: tuple[object, ...], compute: Callable[..., T], *args: object) -> T:
    """The evaluate functions are pure: their answers are kept for the whole snapshot, so a
    scan evaluates each NACL, security-group set and route lookup once per question, however
    many flows ask it."""
    value = memo.get(key, MISSING)
    if value is MISSING:
        value = memo[key] = compute(*args)
    return cast(T, value)


def network_ints(memo: Memo) -> dict[int, tuple[object, object]]:
    """The table ``netkey`` keeps its answers in, one per snapshot."""
    table = memo.setdefault(("netints",), {})
    assert isinstance(table, dict)
    return table


def netkey(table: dict[int, tuple[object, object]], networks: tuple[IPNetwork, ...]) -> NetKey:
    """A memo key for a set of networks, as plain ints. ``IPNetwork`` compares and hashes
    in Python code, and a scan looks its keys up hundreds of thousands of times."""
    # The same tuples (S3's CIDRs, the public address space) come back again and again.
    whole = table.get(id(networks))
    if whole is not None and whole[0] is networks:
        return cast(NetKey, whole[1])
    out = []
    for n in networks:
        entry = table.get(id(n))
        if entry is None or entry[0] is not n:
            # The entry keeps the network alive, so its id stays its own.
            entry = (n, (n.version, int(n.network_address), n.prefixlen))
            table[id(n)] = entry
        out.append(entry[1])
    key = tuple(out)
    table[id(networks)] = (networks, key)
    return cast(NetKey, key)


# ---- the scan's cache: answers per configuration, templates per placement ----------------

# A cache entry is a trace (or a template's flow graph), or KIND_SPECIFIC: the answer for
# that configuration speaks of the kind of source, and each kind's answer is kept under the
# key plus the kind.
KIND_SPECIFIC = "kind-specific"
Cache = dict[tuple[object, ...], "Trace | FlowGraph | str"]


@lru_cache(maxsize=8)
def requests_matter(snapshot: Snapshot) -> bool:
    """Do the task's requests change any network answer? Only through an endpoint policy
    that does not allow everything."""
    return any(
        ep.policy is not None and not iam.allows_everything(ep.policy)
        for ep in (snapshot.vpc_endpoints or {}).values()
    )


# The fields of ``configuration``: the scan's cache keys of answers start with them
# (``check_source`` keys an answer by the configuration and the question).
CONFIGURATION_FIELDS = 6


def answer_configuration(key: tuple[object, ...]) -> tuple[object, ...] | None:
    """The configuration whose answer a cache key holds, None for a template or the
    execution role's answer (kept per task definition, for every configuration)."""
    if key[:1] in (("template",), ("iam",)):
        return None
    return key[:CONFIGURATION_FIELDS]


def configuration(source: Source, *, any_address: bool = False) -> tuple[object, ...]:
    """What of a source its network hops depend on: two sources with the same configuration
    get the same hops, but for the first (the source itself). ``any_address``: that of the
    source asked as any address of its subnet."""
    return (
        *placement(source, any_address=any_address),
        tuple(sorted(source.security_group_ids)),
        source.uses_default_group,
        "" if source.security_group_ids else source.id,
    )


def placement(source: Source, *, any_address: bool = False) -> tuple[object, ...]:
    """The part of a configuration every hop but the security-group ones depends on."""
    return (source.subnet_id, source.public_ip, None if any_address else source.address)


def template_key(source: Source, question: tuple[object, ...]) -> tuple[object, ...]:
    """Where the template of this source's placement for this question is kept."""
    return ("template", *placement(source), *question)


def template_placement(key: tuple[object, ...]) -> tuple[object, ...] | None:
    """The placement whose template a cache key holds (see ``template_key``), None for any
    other key: a scan drops the templates of a placement once no source left to check has
    it."""
    return key[1:4] if key[:1] == ("template",) else None


def question(
    snapshot: Snapshot,
    target: str,
    calls: tuple[ApiCall, ...],
    role: str | None,
    port: int,
) -> tuple[object, ...]:
    """What is asked of a configuration: the target, the port and, where an endpoint policy
    judges them, the requests; not which task asks."""
    requests = requests_matter(snapshot)
    return (
        target,
        tuple(c for c in calls if c.target == target) if requests else (),
        role if requests else None,
        port,
    )


def recall(cache: Cache, key: tuple[object, ...], source: Source) -> Trace | FlowGraph | None:
    """What ``keep`` kept under ``key``, for this source's kind where the answer has one."""
    found = cache.get(key)
    if found == KIND_SPECIFIC:
        found = cache.get((*key, source.kind))
    return None if isinstance(found, str) else found


def keep(
    cache: Cache,
    key: tuple[object, ...],
    source: Source,
    value: Trace | FlowGraph,
    kind_used: bool,
) -> None:
    # Only a hop that spoke of the kind of source (a fix for a service differs from one for
    # an ENI) keeps the answer from sources of other kinds.
    if kind_used:
        cache[key] = KIND_SPECIFIC
        cache[(*key, source.kind)] = value
    else:
        cache[key] = value
