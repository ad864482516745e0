"""The topology of a VPC as a graph, laid out from its structure, not by force.

A force-directed layout of 50 subnets and 300 nodes is unreadable; an architecture diagram
is not: the VPC is a box, its Availability Zones are columns, subnets are boxes in them
(public first, then private, then isolated), each with its CIDR, route table, NACL, NAT
gateways and endpoint ENIs written inside. Route tables stand in a column to the right,
one row per route, and each row is an arrow to where the route leads (internet gateway,
NAT gateway, endpoint, transit gateway...), so every route label sits on its own line.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from netgraph.model import RouteTable, Snapshot, Subnet

SUBNET_W = 3.1
SUBNET_LINE = 0.19
COL_GAP = 0.35
RTB_W = 3.3
GW_W = 2.4
ROW = 0.24
MARGIN = 0.4
TITLE_H = 0.8


class TopologyError(Exception):
    """The snapshot cannot be drawn (no VPC, or not the one asked for)."""


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def _tier(snapshot: Snapshot, subnet: Subnet) -> int:
    """0 public (default route to an IGW), 1 private via NAT, 2 anything else."""
    rt = _table(snapshot, subnet)
    for route in rt.routes if rt else ():
        if (
            route.destination is not None
            and route.destination.prefixlen == 0
            and route.state == "active"
        ):
            return {"igw": 0, "nat": 1}.get(route.target_kind, 2)
    return 2


def _table(snapshot: Snapshot, subnet: Subnet) -> RouteTable | None:
    rt_id = snapshot.route_table_by_subnet.get(subnet.id) or snapshot.main_route_table_by_vpc.get(
        subnet.vpc_id
    )
    return (snapshot.route_tables or {}).get(rt_id or "")


def topology_graph(snapshot: Snapshot, vpc_id: str | None = None) -> nx.DiGraph:
    vpcs = snapshot.vpcs or {}
    if not vpcs:
        raise TopologyError("the snapshot holds no VPC (Vpcs)")
    if vpc_id is None:
        counts: dict[str, int] = defaultdict(int)
        for s in (snapshot.subnets or {}).values():
            counts[s.vpc_id] += 1
        vpc_id = max(sorted(vpcs), key=lambda v: counts[v])
    if vpc_id not in vpcs:
        raise TopologyError(
            f"--vpc {vpc_id}: no such VPC in the snapshot (VPCs: {', '.join(sorted(vpcs))})"
        )
    vpc = vpcs[vpc_id]
    title = (
        f"{vpc.id}"
        + (f" ({vpc.name})" if vpc.name else "")
        + " · "
        + ", ".join(str(c) for c in vpc.cidrs)
        + f" · {snapshot.region}"
    )
    g = nx.DiGraph(title=title, name=vpc.id)
    subnets = sorted(
        (s for s in (snapshot.subnets or {}).values() if s.vpc_id == vpc.id),
        key=lambda s: (s.availability_zone or "", _tier(snapshot, s), s.name or "", s.id),
    )
    nat_by_subnet: dict[str, list[str]] = defaultdict(list)
    for gw in (snapshot.nat_gateways or {}).values():
        if gw.state not in ("deleted", "deleting"):
            nat_by_subnet[gw.subnet_id].append(gw.id)
    endpoints_by_subnet: dict[str, list[str]] = defaultdict(list)
    for ep in (snapshot.vpc_endpoints or {}).values():
        if ep.vpc_id == vpc.id and ep.endpoint_type.lower() == "interface":
            for subnet_id in ep.subnet_ids:
                endpoints_by_subnet[subnet_id].append(
                    ep.service_name.rsplit(".", 1)[-1]
                    if ep.service_name.count(".") < 4
                    else ".".join(ep.service_name.split(".")[3:])
                )
                g.add_node(
                    ep.id,
                    kind="interface-endpoint",
                    label=ep.service_name,
                    aws_id=ep.id,
                    state=ep.state,
                )
                g.add_edge(ep.id, subnet_id, kind="eni-in", label="")
    acls = snapshot.network_acl_by_subnet
    for s in subnets:
        rt = _table(snapshot, s)
        acl = acls.get(s.id) or snapshot.default_network_acl_by_vpc.get(s.vpc_id) or "?"
        g.add_node(
            s.id,
            kind="subnet",
            aws_id=s.id,
            label=s.name or s.id,
            tag_name=s.name or "",
            cidr=str(s.cidr) if s.cidr else "",
            az=s.availability_zone or "?",
            route_table=rt.id if rt else "?",
            network_acl=acl,
            nat_gateways=" ".join(nat_by_subnet.get(s.id, [])),
            endpoints=", ".join(sorted(set(endpoints_by_subnet.get(s.id, [])))),
            tier=_tier(snapshot, s),
        )
        for nat_id in nat_by_subnet.get(s.id, []):
            g.add_node(nat_id, kind="nat-gateway", aws_id=nat_id, label=f"in {s.name or s.id}")
            g.add_edge(nat_id, s.id, kind="located-in", label="")
        if rt is not None:
            if rt.id not in g:
                g.add_node(
                    rt.id,
                    kind="route-table",
                    aws_id=rt.id,
                    label=rt.name or rt.id,
                    routes=" | ".join(f"{r.destination_text} -> {r.target_id}" for r in rt.routes),
                )
            g.add_edge(s.id, rt.id, kind="associated", label="")
    # One row per route (a DiGraph keeps one edge per table and target).
    rows: dict[str, list[tuple[str, str, str]]] = g.graph.setdefault("routes", {})
    for rt_id in [n for n, d in list(g.nodes(data=True)) if d["kind"] == "route-table"]:
        rt = (snapshot.route_tables or {})[rt_id]
        for route in rt.routes:
            if route.target_kind == "local":
                continue
            target = route.target_id
            if target not in g:
                g.add_node(target, kind=route.target_kind, aws_id=target, label=target)
            rows.setdefault(rt_id, []).append((route.destination_text, target, route.state))
            if g.has_edge(rt_id, target):
                g.edges[rt_id, target]["label"] += f", {route.destination_text}"
            else:
                g.add_edge(
                    rt_id, target, kind="route", label=route.destination_text, state=route.state
                )
    _layout(g)
    return g


def route_row_y(table: Box, i: int) -> float:
    """The y of the i-th route row of a route-table box."""
    return table.y + 0.45 + ROW * i + ROW / 2


def subnet_lines(d: dict[str, object]) -> list[str]:
    """The text under a subnet's name, wrapped to the width of its box."""
    lines = [f"{d['aws_id']} · {d['cidr']}", f"{d['route_table']} · {d['network_acl']}"]
    if d.get("nat_gateways"):
        lines.append(f"NAT: {d['nat_gateways']}")
    if d.get("endpoints"):
        lines.extend(textwrap.wrap(f"endpoint ENIs: {d['endpoints']}", 46))
    return lines


def _layout(g: nx.DiGraph) -> None:
    """Positions in inches from the top left: VPC box, AZ columns, route tables, gateways."""
    azs = sorted({d["az"] for _, d in g.nodes(data=True) if d["kind"] == "subnet"})
    y_of_col: dict[str, float] = {az: TITLE_H + 0.7 for az in azs}
    for _node, d in g.nodes(data=True):
        if d["kind"] != "subnet":
            continue
        col = azs.index(d["az"])
        h = 0.25 + SUBNET_LINE * (1 + len(subnet_lines(d)))
        y = y_of_col[d["az"]]
        d["box"] = Box(MARGIN + 0.2 + col * (SUBNET_W + COL_GAP), y, SUBNET_W, h)
        y_of_col[d["az"]] = y + h + 0.25
    vpc_w = 0.4 + max(len(azs), 1) * (SUBNET_W + COL_GAP) - COL_GAP
    vpc_h = max(y_of_col.values(), default=TITLE_H + 1.5) - TITLE_H + 0.1
    g.graph["vpc_box"] = Box(MARGIN, TITLE_H, vpc_w, vpc_h)
    g.graph["az_columns"] = [
        (az, MARGIN + 0.2 + i * (SUBNET_W + COL_GAP)) for i, az in enumerate(azs)
    ]
    # Route tables to the right of the VPC box, one row per route.
    x_rt = MARGIN + vpc_w + 0.9
    y = TITLE_H + 0.4
    for node, d in g.nodes(data=True):
        if d["kind"] != "route-table":
            continue
        routes = g.graph["routes"].get(node, [])
        h = 0.45 + ROW * max(len(routes), 1)
        d["box"] = Box(x_rt, y, RTB_W, h)
        y += h + 0.3
    # Where routes lead, outside the VPC (gateways) and gateway endpoints, further right.
    x_gw = x_rt + RTB_W + 1.0
    y_gw = TITLE_H + 0.4
    for _node, d in g.nodes(data=True):
        # NAT gateways stand with the gateways (their subnet says where they live), so that
        # no arrow crosses the subnets; interface endpoints are written in their subnets.
        if d["kind"] in ("subnet", "route-table", "interface-endpoint"):
            continue
        d["box"] = Box(x_gw, y_gw, GW_W, 0.6)
        y_gw += 0.9
    g.graph["width"] = x_gw + GW_W + MARGIN
    g.graph["height"] = max(TITLE_H + vpc_h + 0.6, y + 0.3, y_gw + 0.3, 4.0)
