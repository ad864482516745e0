"""A flow's graph of hops as the walk (``graph.py``) leaves it, for the solver (``reach.py``)
and for the scan's templates (``templates.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from netgraph.evaluate.addresses import Peer
from netgraph.flows import Source
from netgraph.hop import Destination, Hop
from netgraph.model import SecurityGroup


@dataclass
class FlowGraph:
    """The hops as plain lists (node i is ``hops[i]``): a scan builds tens of thousands of
    these and only reads them once; ``to_networkx`` gives the graph for anyone who wants it."""

    hops: list[Hop]
    combine: list[str]  # "all" or "any", per node
    children: list[list[int]]
    root: int
    source: Source
    destination: Destination
    protocol: str
    port: int | None
    kind_used: bool = False  # some hop speaks of the kind of source (see graph.Walk)
    # A template's security-group hops, to be judged again for each source (see templates.template).
    slots: dict[int, Slot] = field(default_factory=dict)

    def to_networkx(self) -> nx.DiGraph:
        g = nx.DiGraph()
        for node, hop in enumerate(self.hops):
            g.add_node(node, hop=hop, combine=self.combine[node])
        for node, kids in enumerate(self.children):
            g.add_edges_from((node, kid) for kid in kids)
        return g


@dataclass(frozen=True)
class Slot:
    """A security-group hop of a template. Every such hop depends on the source: its egress
    (the source's groups, towards ``peer``) or the far side's ingress (``groups``, with the
    source as the peer its rules are asked about)."""

    egress: bool
    groups: list[SecurityGroup] | str | None  # None: the source's own groups
    peer: Peer | None  # None: the source
