"""Route tables: which table a subnet uses, and which route a destination takes.

AWS: https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html
- A subnet uses its explicitly associated table, else its VPC's main table.
- Longest prefix match across CIDR routes and prefix-list routes (each prefix-list entry
  competes with its own length). At equal length: local > static CIDR > prefix list >
  propagated. Propagated routes never beat `local`.
- A blackhole route is still selected; it drops the packet (no fall-through).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from netgraph.evaluate.addresses import split
from netgraph.model import IPNetwork, PrefixList, Route, RouteTable, Snapshot, Subnet


@dataclass(frozen=True)
class TableChoice:
    table: RouteTable | None
    explicit: bool
    reason: str


def route_table_for_subnet(snapshot: Snapshot, subnet: Subnet) -> TableChoice:
    if snapshot.route_tables is None:
        return TableChoice(None, False, snapshot.missing_reason("RouteTables"))
    rt_id = snapshot.route_table_by_subnet.get(subnet.id)
    if rt_id is not None:
        return TableChoice(
            snapshot.route_tables[rt_id], True, f"{subnet.id} is explicitly associated with {rt_id}"
        )
    main_id = snapshot.main_route_table_by_vpc.get(subnet.vpc_id)
    if main_id is not None:
        return TableChoice(
            snapshot.route_tables[main_id],
            False,
            f"{subnet.id} has no explicit association; it uses the main table "
            f"{main_id} of {subnet.vpc_id}",
        )
    return TableChoice(
        None,
        False,
        f"no route table of {subnet.vpc_id} is associated with {subnet.id} and "
        "none is marked main in RouteTables",
    )


MatchStatus = Literal["route", "no-route", "ambiguous", "unknown"]


@dataclass(frozen=True)
class RouteMatch:
    """The route that part of the destination takes."""

    status: MatchStatus
    networks: tuple[IPNetwork, ...]
    route: Route | None = None
    matched: IPNetwork | None = None  # the route's CIDR (or prefix-list entry) that matched
    reason: str = ""


def _priority(route: Route) -> int:
    if route.target_kind == "local":
        return 4
    if route.propagated:
        return 1
    return 2 if route.prefix_list_id else 3


@dataclass(frozen=True)
class _Entry:
    route: Route
    net: IPNetwork | None  # None: the route's prefix list has unknown entries
    # The network as integers, for speed: a table is searched once per flow and network.
    version: int = 0
    lo: int = 0
    hi: int = 0
    plen: int = -1


def _entry(route: Route, net: IPNetwork | None) -> _Entry:
    if net is None:
        return _Entry(route, None)
    lo, plen = int(net.network_address), net.prefixlen
    # The last address as an int, without making it an address object first.
    hi = lo | ((1 << (net.max_prefixlen - plen)) - 1)
    return _Entry(route, net, net.version, lo, hi, plen)


@dataclass(frozen=True)
class _Index:
    """A table's entries, found by address rather than by walking the list: the containing
    ones by prefix length (``lo`` masked to that length), the finer ones by start address.
    A scan asks each table about the whole public address space (tens of networks) once."""

    entries: list[_Entry]  # in table order
    local: list[_Entry]
    unresolved: list[_Entry]  # routes to prefix lists whose entries are not in the snapshot
    buckets: dict[tuple[int, int], dict[int, list[int]]]  # (version, plen) -> lo -> positions
    lengths: dict[int, list[int]]  # version -> prefix lengths present, shortest first
    starts: dict[int, tuple[list[int], list[int]]]  # version -> (los, positions) sorted by lo

    def containing(self, version: int, lo: int, plen: int) -> list[int]:
        bits = 32 if version == 4 else 128
        found: list[int] = []
        for length in self.lengths.get(version, ()):
            if length > plen:
                break
            shift = bits - length
            found += self.buckets[(version, length)].get(lo >> shift << shift, ())
        return sorted(found)

    def finer(self, version: int, lo: int, hi: int, plen: int) -> list[int]:
        los, positions = self.starts.get(version, ([], []))
        first, last = bisect_left(los, lo), bisect_right(los, hi)
        return sorted(i for i in positions[first:last] if self.entries[i].plen > plen)


def _index(entries: list[_Entry]) -> _Index:
    buckets: dict[tuple[int, int], dict[int, list[int]]] = {}
    starts: dict[int, list[tuple[int, int]]] = {}
    for i, e in enumerate(entries):
        if e.net is None:
            continue
        buckets.setdefault((e.version, e.plen), {}).setdefault(e.lo, []).append(i)
        starts.setdefault(e.version, []).append((e.lo, i))
    lengths: dict[int, list[int]] = {}
    for version, length in sorted(buckets):
        lengths.setdefault(version, []).append(length)
    return _Index(
        entries,
        [e for e in entries if e.route.target_kind == "local" and e.net is not None],
        [e for e in entries if e.net is None],
        buckets,
        lengths,
        {
            v: ([lo for lo, _ in sorted(pairs)], [i for _, i in sorted(pairs)])
            for v, pairs in starts.items()
        },
    )


_ENTRY_CACHE: dict[tuple[str, int], tuple[object, RouteTable, _Index]] = {}


def _entries(table: RouteTable, prefix_lists: Mapping[str, PrefixList] | None) -> _Index:
    key = (table.id, id(prefix_lists))
    cached = _ENTRY_CACHE.get(key)
    if cached is not None and cached[0] is prefix_lists and cached[1] is table:
        return cached[2]
    out: list[_Entry] = []
    for route in table.routes:
        if route.destination is not None:
            out.append(_entry(route, route.destination))
            continue
        pl = (prefix_lists or {}).get(route.prefix_list_id or "")
        if pl is None or pl.cidrs is None:
            out.append(_Entry(route, None))
        else:
            out.extend(_entry(route, net) for net in pl.cidrs)
    if len(_ENTRY_CACHE) > 50_000:
        _ENTRY_CACHE.clear()
    index = _index(out)
    _ENTRY_CACHE[key] = (prefix_lists, table, index)
    return index


def lookup(
    table: RouteTable,
    destination: tuple[IPNetwork, ...],
    prefix_lists: Mapping[str, PrefixList] | None,
    *,
    destination_prefix_list: str | None = None,
    foreign_prefix_lists: frozenset[str] = frozenset(),
) -> list[RouteMatch]:
    """Longest-prefix match for every address of ``destination``.

    The destination is split where routes split it, so a set of addresses that leaves by
    two different routes comes back as two matches. ``destination_prefix_list`` names the
    prefix list the destination *is* (S3 through its gateway endpoint) for when that list's
    CIDRs are not in the snapshot: a route to it then matches by identity.
    """
    index = _entries(table, prefix_lists)
    entries = index.entries
    unknown_lists = sorted(
        {
            e.route.prefix_list_id or ""
            for e in index.unresolved
            if e.route.prefix_list_id not in foreign_prefix_lists
        }
    )
    by_identity = [e for e in index.unresolved if e.route.prefix_list_id == destination_prefix_list]
    if by_identity:
        return [_match_by_identity(by_identity[0].route, entries, destination)]
    local = index.local

    results: list[RouteMatch] = []
    queue = list(destination)
    while queue:
        net = queue.pop(0)
        version, lo, hi = net.version, int(net.network_address), int(net.broadcast_address)
        plen = net.prefixlen
        in_vpc = any(e.version == version and e.lo <= lo and hi <= e.hi for e in local)
        # Propagated routes never beat local, so inside the VPC they do not count at all.
        containing = [
            entries[i]
            for i in index.containing(version, lo, plen)
            if not (in_vpc and entries[i].route.propagated)
        ]
        best_len = max((e.plen for e in containing), default=-1)
        finer = [
            entries[i]
            for i in index.finer(version, lo, hi, plen)
            if not (in_vpc and entries[i].route.propagated)
        ]
        if finer:
            # A more specific route covers part of this network: decide the parts apart.
            cut = finer[0].net
            assert cut is not None
            inside_part, outside_part = split([net], cut)
            queue[:0] = inside_part + outside_part
            continue
        if unknown_lists and not (
            in_vpc and any(e.route.target_kind == "local" for e in containing)
        ):
            results.append(
                RouteMatch(
                    "unknown",
                    (net,),
                    reason=f"{table.id} routes to prefix list {', '.join(unknown_lists)}, whose "
                    "entries are not in the snapshot (add PrefixLists or PrefixListEntries)",
                )
            )
            continue
        if not containing:
            results.append(
                RouteMatch("no-route", (net,), reason=f"{table.id} has no route for them")
            )
            continue
        top = [e for e in containing if e.net is not None and e.net.prefixlen == best_len]
        top_priority = max(_priority(e.route) for e in top)
        winners = [e for e in top if _priority(e.route) == top_priority]
        if (
            len(winners) > 1
            and len({(w.route.target_id, w.route.destination_text) for w in winners}) > 1
            and all(w.route.prefix_list_id for w in winners)
        ):
            results.append(
                RouteMatch(
                    "ambiguous",
                    (net,),
                    reason=f"{table.id}: prefix lists "
                    f"{', '.join(sorted({w.route.destination_text for w in winners}))} "
                    f"overlap on {net}; AWS picks one of them and sticks with it",
                )
            )
            continue
        winner = winners[0]
        results.append(RouteMatch("route", (net,), winner.route, winner.net))
    return _merge(results)


def _match_by_identity(
    route: Route, entries: list[_Entry], destination: tuple[IPNetwork, ...]
) -> RouteMatch:
    # Without the list's CIDRs we only know they are more specific than a default route.
    rivals = [
        e
        for e in entries
        if e.net is not None
        and e.route.target_kind != "local"
        and e.net.prefixlen > 0
        and any(e.net.overlaps(d) for d in destination if d.version == e.net.version)
    ]
    if rivals:
        return RouteMatch(
            "unknown",
            destination,
            reason=f"the entries of {route.prefix_list_id} are not in the snapshot, so it is "
            f"unknown whether route {rivals[0].route.destination_text} is more specific",
        )
    return RouteMatch("route", destination, route, None)


def _merge(results: list[RouteMatch]) -> list[RouteMatch]:
    """Group the parts of the destination that end in the same decision."""
    merged: dict[tuple[object, ...], RouteMatch] = {}
    for r in results:
        key = (r.status, id(r.route) if r.route else None, r.reason)
        if key in merged:
            prev = merged[key]
            merged[key] = RouteMatch(
                r.status, prev.networks + r.networks, r.route, prev.matched or r.matched, r.reason
            )
        else:
            merged[key] = r
    return list(merged.values())
