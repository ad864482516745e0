"""The scan's templates: one flow graph per placement of a source (subnet, public IP,
address) and question, whose security-group hops are judged again for each source that has
that placement (``cache.template_key`` keeps them)."""

from __future__ import annotations

from netgraph.evaluate.interfaces import source_hop
from netgraph.evaluate.security_groups import source_groups
from netgraph.flow_graph import FlowGraph
from netgraph.flows import Source
from netgraph.graph import Walk, walk_flow
from netgraph.hop import Destination, Hop
from netgraph.model import TCP, Snapshot


def template(
    snapshot: Snapshot,
    source: Source,
    destination: Destination,
    *,
    protocol: str = TCP,
    port: int | None = 443,
) -> FlowGraph:
    """The flow graph of every source that shares this one's subnet, public IP and address,
    whatever its security groups: those hops are slots, filled per source by ``fill``. In a
    subnet, many services differ only in their groups; the rest of the path is built once."""
    return walk_flow(Walk(snapshot, source, destination, protocol, port, template=True))


def fill(
    snapshot: Snapshot, template: FlowGraph, source: Source, head: Hop | None = None
) -> FlowGraph:
    """The template's flow graph for ``source``: its own first hop (``head``, if made
    already) and security-group hops. A failing one ends its branch there, as in
    ``build_flow_graph`` (the solver stops at a failing hop), so the hops the template built
    beyond it are never read."""
    hops = list(template.hops)
    hops[template.root] = head or source_hop(snapshot, source)
    if template.slots:
        walk = Walk(snapshot, source, template.destination, template.protocol, template.port)
        walk.prepare()
        for node, slot in template.slots.items():
            hops[node] = walk.sg_verdict(
                source_groups(snapshot, source, walk.vpc) if slot.groups is None else slot.groups,
                egress=slot.egress,
                peer=walk.src_peer if slot.peer is None else slot.peer,
            )
    return FlowGraph(
        hops,
        template.combine,
        template.children,
        template.root,
        source,
        template.destination,
        template.protocol,
        template.port,
        template.kind_used,
    )


__all__ = ["fill", "template"]
