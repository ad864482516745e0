"""Route tables: which table a subnet uses, and which route a destination takes.

AWS: https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html
- A subnet uses its explicitly associated table, else its VPC's main table.
- Longest prefix match across CIDR routes and prefix-list routes (each prefix-list entry
  competes with its own length). At equal length: local > static CIDR > prefix list >
  propagated. Propagated routes never beat `local`.
- A blackhole route is still selected; it drops the packet (no fall-through).
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

from netgraph.evaluate.addresses import describe_networks
from netgraph.hop import Hop, HopKind, blocking
from netgraph.model import (
    IPNetwork,
    NetworkAcl,
    PrefixList,
    Route,
    RouteTable,
    Snapshot,
    Subnet,
)

T = TypeVar("T")


@dataclass(frozen=True)
class TableChoice:
    table: RouteTable | None
    explicit: bool
    reason: str


def route_table_for_subnet(snapshot: Snapshot, subnet: Subnet) -> TableChoice:
    if snapshot.route_tables is None or not snapshot.collected("RouteTables", subnet.vpc_id):
        return TableChoice(None, False, snapshot.missing_reason("RouteTables", subnet.vpc_id))
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


def network_acl_for_subnet(snapshot: Snapshot, subnet: Subnet) -> NetworkAcl | str:
    """The NACL a subnet uses, or why it is not known."""
    acls = snapshot.network_acls
    if acls is None or not snapshot.collected("NetworkAcls", subnet.vpc_id):
        return snapshot.missing_reason("NetworkAcls", subnet.vpc_id)
    acl_id = snapshot.network_acl_by_subnet.get(subnet.id)
    if acl_id is None:
        # AWS associates every subnet with exactly one NACL and lists the association
        # (the default NACL's too): silence means the data is incomplete.
        return (
            f"no network ACL in the snapshot is associated with {subnet.id} "
            f"(AWS associates every subnet with one; NetworkAcls of {subnet.vpc_id} "
            "are incomplete)"
        )
    return acls[acl_id]


def route_target(
    snapshot: Snapshot,
    table: RouteTable,
    known: Mapping[str, T] | None,
    target_id: str,
    kind: HopKind,
    key: str,
) -> T | Hop:
    """The gateway a route names, or, if the snapshot lacks ``key`` or that gateway, the
    unknown hop (never a passing one) that says so."""
    if known is None or not snapshot.collected(key, table.vpc_id):
        reason = snapshot.missing_reason(key, table.vpc_id)
    elif target_id in known:
        return known[target_id]
    else:
        reason = f"{table.id} routes to {target_id}, which is not in {key}"
    return Hop(target_id, kind, "unknown", reason)


MatchStatus = Literal["route", "no-route", "ambiguous", "unknown"]


# A part of a destination and how it was decided: status, route, reason, the part.
_Part = tuple[MatchStatus, Route | None, str, IPNetwork]


@dataclass(frozen=True)
class RouteMatch:
    """The route that part of the destination takes."""

    status: MatchStatus
    networks: tuple[IPNetwork, ...]
    route: Route | None = None
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


def _entry(route: Route, net: IPNetwork) -> _Entry:
    lo, plen = int(net.network_address), net.prefixlen
    # The last address as an int, without making it an address object first.
    hi = lo | ((1 << (net.max_prefixlen - plen)) - 1)
    return _Entry(route, net, net.version, lo, hi, plen)


class _Inside:
    """Which entry of a table comes first (in table order) among those strictly inside a
    network: the one a set of addresses is cut at. The entries of one IP version sorted by
    start address then length, so those inside a network are one run of them, and a sparse
    table of the minimum table position over runs of 2**k: each question is two bisections
    and two reads, however many routes the network holds."""

    __slots__ = ("keys", "levels")

    def __init__(self, keyed: list[tuple[int, int]]) -> None:
        keyed.sort()
        self.keys = [k for k, _ in keyed]
        level = [i for _, i in keyed]
        self.levels = [level]
        step = 1
        while 2 * step <= len(self.keys):
            level = list(map(min, level[:-step], level[step:]))
            self.levels.append(level)
            step *= 2

    def first(self, lo: int, hi: int, plen: int) -> int | None:
        # Keys are (start << 8) | length: the entries with a start in [lo, hi] and a length
        # above plen (an entry starting at lo with a length up to plen holds the network).
        a = bisect_left(self.keys, (lo << 8) | (plen + 1))
        b = bisect_right(self.keys, (hi << 8) | 255)
        if a >= b:
            return None
        k = (b - a).bit_length() - 1
        level = self.levels[k]
        found = min(level[a], level[b - (1 << k)])
        return None if found == _NEVER else found


_NEVER = 1 << 62  # a position no table reaches: an entry left out of a question


class _Space:
    """A table's entries of one IP version, found by address rather than by walking the
    list: those that hold a network by prefix length and start address, the first one
    inside it by ``_Inside``."""

    __slots__ = ("_static", "_static_index", "bits", "exact", "inside", "lengths", "local")

    def __init__(self, version: int, entries: list[_Entry]) -> None:
        self.bits = 32 if version == 4 else 128
        # (start << 8) | length -> positions in the table
        self.exact: dict[int, list[int]] = {}
        keyed: list[tuple[int, int]] = []
        static: list[tuple[int, int]] = []
        for i, e in enumerate(entries):
            if e.net is None or e.version != version:
                continue
            key = (e.lo << 8) | e.plen
            self.exact.setdefault(key, []).append(i)
            keyed.append((key, i))
            static.append((key, _NEVER if e.route.propagated else i))
        self.lengths = sorted({key & 255 for key in self.exact})
        self.inside = _Inside(keyed)
        # Every entry but the propagated ones, which do not count inside the VPC: built when
        # a part inside the VPC is first asked about (a public lookup never is).
        self._static = static if any(i == _NEVER for _, i in static) else None
        self._static_index: _Inside | None = None
        self.local = [
            (e.lo, e.hi)
            for e in entries
            if e.net is not None and e.version == version and e.route.target_kind == "local"
        ]

    def inside_static(self) -> _Inside:
        if self._static is None:
            return self.inside
        if self._static_index is None:
            self._static_index = _Inside(self._static)
        return self._static_index

    def containing(self, lo: int, plen: int) -> list[int]:
        found: list[int] = []
        for length in self.lengths:
            if length > plen:
                break
            shift = self.bits - length
            found += self.exact.get((lo >> shift << shift << 8) | length, ())
        return found


@dataclass(frozen=True)
class _Index:
    """A table's entries, indexed once: a scan asks each table about the whole public
    address space (tens of networks, cut into as many parts as routes lie in them), and a
    table may have tens of thousands of routes."""

    entries: list[_Entry]  # in table order
    unresolved: list[_Entry]  # routes to prefix lists whose entries are not in the snapshot
    spaces: dict[int, _Space]  # by IP version
    # By position: the prefix length and priority together, highest first wins.
    level: list[int]
    propagated: list[bool]
    local: list[bool]


def _index(entries: list[_Entry]) -> _Index:
    return _Index(
        entries,
        [e for e in entries if e.net is None],
        {4: _Space(4, entries), 6: _Space(6, entries)},
        [e.plen * 8 + _priority(e.route) for e in entries],
        [e.route.propagated for e in entries],
        [e.route.target_kind == "local" for e in entries],
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

    # Depth first, as the parts are cut: a part that some entry lies strictly inside is cut
    # at the first such entry in table order, into that entry's network and the halves
    # left beside the way down to it (largest first); each is then decided or cut in turn.
    # A part carries the positions of the entries that hold it, so a cut only adds those
    # of the networks on the way down. The order of the parts is that of the answer.
    results: list[_Part] = []
    stack: list[tuple[int, int, int, list[int] | None, IPNetwork | None]] = [
        (net.version, int(net.network_address), net.prefixlen, None, net)
        for net in reversed(destination)
    ]
    level, propagated, is_local = index.level, index.propagated, index.local
    while stack:
        version, lo, plen, holding, net = stack.pop()
        space = index.spaces[version]
        bits = space.bits
        hi = lo | ((1 << (bits - plen)) - 1)
        if holding is None:
            holding = space.containing(lo, plen)
        in_vpc = False
        for local_lo, local_hi in space.local:
            if local_lo <= lo and hi <= local_hi:
                in_vpc = True
                break
        # Propagated routes never beat local, so inside the VPC they do not count at all.
        finder = space.inside_static() if in_vpc else space.inside
        cut = finder.first(lo, hi, plen)
        if cut is not None:
            exact = space.exact
            clo, cplen = entries[cut].lo, entries[cut].plen
            parts: list[tuple[int, int, int, list[int] | None, IPNetwork | None]] = []
            for depth in range(plen + 1, cplen + 1):
                shift = bits - depth
                on_way = clo >> shift << shift
                beside = on_way ^ (1 << shift)
                more = exact.get((beside << 8) | depth)
                parts.append((version, beside, depth, holding + more if more else holding, None))
                more = exact.get((on_way << 8) | depth)
                if more:
                    holding = holding + more
            stack += reversed(parts)
            stack.append((version, clo, cplen, holding, None))  # decided first
            continue
        if net is None:
            net = _network(version, lo, plen)
        candidates = [i for i in holding if not propagated[i]] if in_vpc else holding
        if unknown_lists and not (in_vpc and any(is_local[i] for i in candidates)):
            results.append(
                (
                    "unknown",
                    None,
                    f"{table.id} routes to prefix list {', '.join(unknown_lists)}, whose "
                    "entries are not in the snapshot (add PrefixLists or PrefixListEntries)",
                    net,
                )
            )
            continue
        if not candidates:
            results.append(("no-route", None, f"{table.id} has no route for them", net))
            continue
        # The longest, then the highest priority, then the first in the table.
        top = max(level[i] for i in candidates)
        winner = entries[min(i for i in candidates if level[i] == top)]
        if winner.route.prefix_list_id:
            winners = [entries[i] for i in sorted(candidates) if level[i] == top]
            if (
                len(winners) > 1
                and len({(w.route.target_id, w.route.destination_text) for w in winners}) > 1
                and all(w.route.prefix_list_id for w in winners)
            ):
                results.append(
                    (
                        "ambiguous",
                        None,
                        f"{table.id}: prefix lists "
                        f"{', '.join(sorted({w.route.destination_text for w in winners}))} "
                        f"overlap on {net}; AWS picks one of them and sticks with it",
                        net,
                    )
                )
                continue
        results.append(("route", winner.route, "", net))
    return _merge(results)


_NETWORKS: dict[tuple[int, int, int], IPNetwork] = {}


def _network(version: int, lo: int, plen: int) -> IPNetwork:
    """A part of a destination as a network object: tables over the same address space cut
    it into the same parts, so each is made once."""
    key = (version, lo, plen)
    found = _NETWORKS.get(key)
    if found is None:
        if len(_NETWORKS) > 200_000:
            _NETWORKS.clear()
        cls = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
        found = _NETWORKS[key] = cls((lo, plen))
    return found


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
    return RouteMatch("route", destination, route)


def _merge(
    results: list[_Part],
) -> list[RouteMatch]:
    """Group the parts of the destination that end in the same decision, in the order of
    their first part."""
    merged: dict[tuple[object, ...], list[IPNetwork]] = {}
    first: dict[tuple[object, ...], tuple[MatchStatus, Route | None, str]] = {}
    for status, route, reason, net in results:
        key = (status, id(route) if route else None, reason)
        found = merged.get(key)
        if found is None:
            merged[key] = [net]
            first[key] = (status, route, reason)
        else:
            found.append(net)
    return [
        RouteMatch(status, tuple(merged[key]), route, reason)
        for key, (status, route, reason) in first.items()
    ]


def route_hop(table: RouteTable, match: RouteMatch, label: str, hint: str | None) -> Hop:
    """The route table's hop for the part of a destination (``label``) that ``match``
    carries. It passes only where an active route leads on, to ``match.route``'s target;
    ``hint``: the fix for no route (``{table}``, ``{dest}``), if not the plain one."""
    if match.status == "no-route":
        fix = (hint or "add a route for {dest} to {table}").format(
            table=table.id, dest=describe_networks(match.networks)
        )
        return Hop(
            table.id,
            HopKind.ROUTE_TABLE,
            "fail",
            f"{table.id} has no route for {label}",
            code="NO_ROUTE_TO_DESTINATION",
            fix=fix,
        )
    if match.status != "route" or match.route is None:
        return Hop(table.id, HopKind.ROUTE_TABLE, "unknown", match.reason)
    route = match.route
    route_text = f"{route.destination_text} -> {route.target_id}"
    if route.state == "unknown":
        return Hop(
            table.id,
            HopKind.ROUTE_TABLE,
            "unknown",
            f"route {route_text} has no State in the snapshot (RouteTables): it may be a blackhole",
        )
    if route.state == "blackhole":
        return blocking(
            table.id,
            HopKind.ROUTE_TABLE,
            f"route {route_text} is a blackhole: its target no longer exists",
            "BAD_STATE_ROUTE",
            route=route.destination_text,
            table=table.id,
            target=route.target_id,
            state="gone (blackhole)",
        )
    if route.state != "active":
        # AWS returns only active and blackhole: anything else is not read as a way on.
        return Hop(
            table.id,
            HopKind.ROUTE_TABLE,
            "unknown",
            f"route {route_text} has State {route.state!r}, neither active nor blackhole",
        )
    return Hop(table.id, HopKind.ROUTE_TABLE, "pass", f"{label} takes route {route_text}")
