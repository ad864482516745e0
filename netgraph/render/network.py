"""The network of several VPCs as a graph: transit gateways, their route tables, the VPCs
attached to them, peering connections and the private hosted zones that answer service names
(``netgraph draw --network``).

A hub-and-spoke network has a few VPCs that matter one by one (the egress VPC with its NAT
gateways, the shared-services VPC with the endpoints) and hundreds that look alike (spokes
without NAT or endpoints). Hubs are drawn one box each, on the right; spokes are gathered per
transit gateway route table they are associated with, on the left, one box per group that
names the first few; transit gateways and their route tables stand between them, one row per
route (routes to the VPCs of one group are one row). Peering connections are lines between
the VPCs they join, with their status.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from netgraph.model import Snapshot, TransitGatewayAttachment, Vpc
from netgraph.render.topology import Box, TopologyError

COL_W = 3.6
MID_W = 3.4
GAP = 1.3
MARGIN = 0.4
TITLE_H = 0.9
LINE = 0.19
ROW = 0.22
SHOWN = 5  # spokes named in a group's box


@dataclass(frozen=True)
class _Vpc:
    vpc: Vpc
    attachments: tuple[TransitGatewayAttachment, ...]
    nat: tuple[str, ...]
    igw: tuple[str, ...]
    endpoints: tuple[str, ...]  # "ecr.api (vpce-…)"

    @property
    def hub(self) -> bool:
        return bool(self.nat or self.igw or self.endpoints) or not self.attachments


def _service(name: str) -> str:
    parts = name.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 else name


def _facts(snapshot: Snapshot) -> dict[str, _Vpc]:
    attachments: dict[str, list[TransitGatewayAttachment]] = defaultdict(list)
    for att in (snapshot.transit_gateway_attachments or {}).values():
        if att.resource_type == "vpc" and att.resource_id:
            attachments[att.resource_id].append(att)
    nat: dict[str, list[str]] = defaultdict(list)
    for gw in (snapshot.nat_gateways or {}).values():
        if gw.vpc_id and gw.state not in ("deleted", "deleting"):
            nat[gw.vpc_id].append(gw.id)
    igw: dict[str, list[str]] = defaultdict(list)
    for ig in (snapshot.internet_gateways or {}).values():
        for vpc_id in ig.attached_vpc_ids:
            igw[vpc_id].append(ig.id)
    endpoints: dict[str, list[str]] = defaultdict(list)
    for ep in (snapshot.vpc_endpoints or {}).values():
        dns = (
            ""
            if ep.endpoint_type.lower() != "interface"
            else (", private DNS" if ep.private_dns_enabled else ", private DNS off")
        )
        endpoints[ep.vpc_id].append(f"{_service(ep.service_name)} ({ep.id}{dns})")
    return {
        vpc_id: _Vpc(
            vpc,
            tuple(sorted(attachments.get(vpc_id, []), key=lambda a: a.id)),
            tuple(sorted(nat.get(vpc_id, []))),
            tuple(sorted(igw.get(vpc_id, []))),
            tuple(sorted(endpoints.get(vpc_id, []))),
        )
        for vpc_id, vpc in sorted((snapshot.vpcs or {}).items())
    }


def _vpc_title(vpc: Vpc) -> str:
    return f"{vpc.name} ({vpc.id})" if vpc.name else vpc.id


def _cidrs(vpc: Vpc) -> str:
    return ", ".join(str(c) for c in vpc.cidrs) or "no CIDR in the snapshot"


def network_graph(snapshot: Snapshot) -> nx.DiGraph:
    """Raises TopologyError when the snapshot holds no transit gateway or peering."""
    tgws = snapshot.transit_gateways or {}
    pcxs = snapshot.vpc_peering_connections or {}
    if not tgws and not pcxs and not snapshot.transit_gateway_attachments:
        raise TopologyError(
            "the snapshot holds no transit gateway and no peering connection "
            "(TransitGateways, TransitGatewayAttachments, VpcPeeringConnections): "
            "draw one VPC with `netgraph draw SNAPSHOT --vpc VPC`"
        )
    facts = _facts(snapshot)
    g = nx.DiGraph(
        name="network",
        drawing="network",
        title=f"{len(facts)} VPCs · {len(tgws)} transit gateways · "
        f"{len(pcxs)} peering connections · {snapshot.region}",
    )
    # The box each VPC is drawn in: its own (hubs) or its group's (spokes).
    box_of: dict[str, str] = {}
    groups: dict[tuple[str, str], list[_Vpc]] = defaultdict(list)
    for vpc_id, f in facts.items():
        if f.hub:
            lines = [_cidrs(f.vpc)]
            if f.igw:
                lines.append("internet gateway " + ", ".join(f.igw))
            if f.nat:
                lines.append("NAT " + ", ".join(f.nat))
            lines += [f"endpoint {e}" for e in f.endpoints]
            for att in f.attachments:
                table = att.route_table_id or "no associated route table"
                lines.append(f"{att.id} ({att.state}) → {table}")
            g.add_node(
                vpc_id,
                kind="vpc",
                side="right" if f.attachments else "left",
                aws_id=vpc_id,
                label=_vpc_title(f.vpc),
                lines=lines,
            )
            box_of[vpc_id] = vpc_id
        else:
            att = f.attachments[0]
            groups[(att.transit_gateway_id, att.route_table_id or "none")].append(f)
    for (tgw_id, table), members in sorted(groups.items()):
        node = f"spokes:{tgw_id}:{table}"
        lines = [f"{_vpc_title(m.vpc)} · {_cidrs(m.vpc)}" for m in members[:SHOWN]]
        if len(members) > SHOWN:
            lines.append(f"… and {len(members) - SHOWN} more")
        g.add_node(
            node,
            kind="spoke-group",
            side="left",
            aws_id=table,
            label=f"{len(members)} spoke VPC{'s' if len(members) != 1 else ''} "
            f"associated with {table}",
            lines=lines,
            vpcs=" ".join(m.vpc.id for m in members),
        )
        for m in members:
            box_of[m.vpc.id] = node
    att_vpc = {
        a.id: a.resource_id
        for a in (snapshot.transit_gateway_attachments or {}).values()
        if a.resource_id
    }
    for tgw_id, tgw in sorted(tgws.items()):
        g.add_node(
            tgw_id,
            kind="tgw",
            side="middle",
            aws_id=tgw_id,
            label=f"transit gateway {tgw_id}",
            lines=[f"owner {tgw.owner_id or '?'} · {tgw.state}"],
        )
    for f in facts.values():
        for att in f.attachments:
            if att.transit_gateway_id in g:
                g.add_edge(
                    box_of[f.vpc.id],
                    att.transit_gateway_id,
                    kind="attachment",
                    label="" if box_of[f.vpc.id] != f.vpc.id else att.id,
                    state=att.state,
                )
    rows_of: dict[str, list[tuple[str, str | None, str]]] = {}
    for rtb_id, rtb in sorted((snapshot.transit_gateway_route_tables or {}).items()):
        rows: dict[tuple[str | None, str, str], list[str]] = defaultdict(list)
        for r in rtb.routes or ():
            dest = str(r.destination) if r.destination is not None else (r.prefix_list_id or "?")
            targets = [box_of.get(att_vpc.get(a, "")) for a in r.attachment_ids]
            target = targets[0] if targets else None
            rows[(target, r.type, r.state)].append(dest)
        listed: list[tuple[str, str | None, str]] = []
        for (target, kind, state), dests in rows.items():
            text = dests[0] if len(dests) == 1 else f"{len(dests)} routes ({dests[0]}, …)"
            if state == "blackhole" and target is None:
                listed.append((f"{text} blackhole", None, state))
            else:
                listed.append((f"{text} {kind}", target, state))
        if rtb.routes is None:
            listed.append(("routes not in the snapshot", None, "unknown"))
        rows_of[rtb_id] = listed
        g.add_node(
            rtb_id,
            kind="transit-gateway-route-table",
            side="middle",
            aws_id=rtb_id,
            label=f"route table {rtb_id}",
            lines=[],
        )
        if rtb.transit_gateway_id in g:
            g.add_edge(rtb.transit_gateway_id, rtb_id, kind="holds", label="")
        for _text, target, state in listed:
            if target is not None:
                g.add_edge(rtb_id, target, kind="route", label=_text, state=state)
    g.graph["routes"] = rows_of
    for pcx_id, pcx in sorted(pcxs.items()):
        a = box_of.get(pcx.requester.vpc_id or "")
        b = box_of.get(pcx.accepter.vpc_id or "")
        if a is None or b is None:
            # A side this snapshot does not describe: drawn as its own box.
            for side in (pcx.requester, pcx.accepter):
                vid = side.vpc_id or "?"
                if vid not in box_of:
                    g.add_node(
                        vid,
                        kind="vpc",
                        side="left",
                        aws_id=vid,
                        label=f"{vid} (not in the snapshot)",
                        lines=[f"owner {side.owner_id or '?'} · {side.region or '?'}"],
                    )
                    box_of[vid] = vid
            a = box_of[pcx.requester.vpc_id or "?"]
            b = box_of[pcx.accepter.vpc_id or "?"]
        g.add_edge(a, b, kind="peering", label=f"{pcx_id} ({pcx.status})", state=pcx.status)
    zones = []
    for zone in sorted((snapshot.hosted_zones or {}).values(), key=lambda z: z.name or z.id):
        if zone.private is False:
            continue
        n = "?" if zone.vpc_ids is None else str(len(zone.vpc_ids))
        zones.append(f"{zone.name or zone.id} ({zone.id}) · {n} VPCs")
    if zones:
        g.add_node(
            "hosted-zones",
            kind="hosted-zones",
            side="right",
            aws_id="Route 53",
            label="private hosted zones",
            lines=zones,
        )
    _layout(g)
    return g


def _height(d: dict[str, object], rows: int = 0) -> float:
    lines = d.get("lines")
    n = len(lines) if isinstance(lines, list) else 0
    return 0.35 + LINE * n + ROW * rows + 0.1


def _layout(g: nx.DiGraph) -> None:
    """Positions in inches from the top left: spokes left, transit gateways in the middle,
    hubs right."""
    xs = {
        "left": MARGIN,
        "middle": MARGIN + COL_W + GAP,
        "right": MARGIN + COL_W + GAP + MID_W + GAP,
    }
    widths = {"left": COL_W, "middle": MID_W, "right": COL_W}
    y = dict.fromkeys(xs, TITLE_H)
    order = sorted(
        g.nodes(data=True),
        key=lambda nd: (
            {"tgw": 0, "transit-gateway-route-table": 1}.get(str(nd[1]["kind"]), 2),
            nd[1]["kind"] == "hosted-zones",
            str(nd[0]),
        ),
    )
    for node, d in order:
        side = str(d["side"])
        rows = (
            len(g.graph["routes"].get(node, ()))
            if d["kind"] == "transit-gateway-route-table"
            else 0
        )
        h = _height(d, max(rows, 1) if d["kind"] == "transit-gateway-route-table" else 0)
        d["box"] = Box(xs[side], y[side], widths[side], h)
        y[side] += h + 0.35
    g.graph["width"] = xs["right"] + COL_W + MARGIN
    g.graph["height"] = max(max(y.values()) + 0.2, 4.0)
