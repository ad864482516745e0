"""The graph of hops one flow meets, from the source ENI to its destination.

Nodes are AWS components (security groups, NACLs, route tables, gateways, endpoints, the
service) with the verdict of the evaluate function that judged them; edges are the order a
packet meets them. A node's children are either all taken (``combine="all"``: several
endpoint ENIs, a destination that two routes split) or one of them is, and we do not know
which (``combine="any"``: a DNS answer that the snapshot cannot decide). A hop that fails
ends its branch; a hop that is unknown does not, because a certain failure further on still
decides the verdict.

Every hop is a pure function of (subnet, security groups, public IP, address, destination):
nothing here depends on which task or service the source belongs to.

``Walk`` holds the graph as it is built and the hops many flows share (through the memo);
the functions below walk from the source to the destination and dispatch on what a route
leads to (``ROUTE_TARGETS``, whose handlers are in ``walk_targets.py`` and, for transit
gateways and peering, ``walk_across.py``). The result is a
``flow_graph.FlowGraph``; ``templates.py`` builds the scan's templates with the same walk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar, cast

from netgraph.cache import MISSING, NetKey, memo_of, netkey, network_ints
from netgraph.evaluate import dns
from netgraph.evaluate.addresses import Peer, PortRange
from netgraph.evaluate.endpoints import endpoint_sides, endpoint_verdict, no_interface_hop
from netgraph.evaluate.interfaces import (
    find_interface,
    missing_interface_hop,
    side_for_eni,
    source_hop,
    source_peer,
)
from netgraph.evaluate.network_acls import acl_verdict, evaluate_acl
from netgraph.evaluate.public import (
    endpoint_terminal,
    gateway_endpoint_lists,
    public_hint,
    public_label,
    public_outside,
    s3_hint,
    s3_peer,
    service_terminal,
)
from netgraph.evaluate.routing import (
    RouteMatch,
    lookup,
    network_acl_for_subnet,
    route_hop,
    route_table_for_subnet,
)
from netgraph.evaluate.security_groups import evaluate_security_groups, sg_judged, source_groups
from netgraph.findings import fix_for
from netgraph.flow_graph import FlowGraph, Slot
from netgraph.flows import Source
from netgraph.hop import Destination, FarSide, Hop, HopKind, Leg, blocking
from netgraph.model import (
    TCP,
    IPAddress,
    IPNetwork,
    NetworkAcl,
    Route,
    RouteTable,
    RouteTargetKind,
    SecurityGroup,
    Snapshot,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from netgraph.walk_across import to_peering, to_transit_gateway
from netgraph.walk_targets import (
    to_gateway_endpoint,
    to_internet_gateway,
    to_local,
    to_nat_gateway,
    unfollowable,
)

Step = Callable[[int], "int | None"]
T = TypeVar("T")


# A walk's source before prepare() places it (Peer is frozen: one serves all).
_NO_PEER = Peer((), "source")


@dataclass
class Walk:
    """The graph of one flow as it is built, and the hops that ask the memo; the walk's steps
    are the functions below and the handlers of ``walk_targets.py``."""

    snapshot: Snapshot
    source: Source
    destination: Destination
    protocol: str
    port: int | None
    # A template: every hop is built as if each security-group hop passed, and those hops
    # are noted in ``slots`` to be judged per source (see ``templates.template``).
    template: bool = False
    hops: list[Hop] = field(default_factory=list)
    combine: list[str] = field(default_factory=list)
    children: list[list[int]] = field(default_factory=list)
    subnet: Subnet | None = None
    vpc: Vpc | None = None
    src_peer: Peer = _NO_PEER
    # Set when a hop's words depend on what kind of source this is (a service, an ENI, a
    # task): only then may the answer not be told for a source of another kind.
    kind_used: bool = False
    slots: dict[int, Slot] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.store = memo_of(self.snapshot)
        # A partial, not a method: keys are made on every hop, and a call costs.
        self.netkey: Callable[[tuple[IPNetwork, ...]], NetKey] = partial(
            netkey, network_ints(self.store)
        )

    # ---- plumbing ---------------------------------------------------------------------

    def memo(self, key: tuple[object, ...], compute: Callable[..., T], *args: object) -> T:
        """See ``cache.remember``: inlined, as memo hits are the scan's hot path."""
        store = self.store
        value = store.get(key, MISSING)
        if value is MISSING:
            value = store[key] = compute(*args)
        return cast(T, value)

    def block(
        self, parent: int, hop_id: str, kind: HopKind, reason: str, code: str, **fields: object
    ) -> None:
        """Add the hop that drops the packet, with its finding code and its fix."""
        self.add(parent, blocking(hop_id, kind, reason, code, **fields))

    def chain(self, parent: int, steps: Sequence[Step]) -> int | None:
        """Add hops one after another; a hop that fails (returns None) ends the branch."""
        node: int | None = parent
        for step in steps:
            if node is None:
                return None
            node = step(node)
        return node

    def add(self, parent: int | None, hop: Hop, combine: str = "all") -> int:
        node = len(self.hops)
        self.hops.append(hop)
        self.combine.append(combine)
        self.children.append([])
        if parent is not None:
            self.children[parent].append(node)
        return node

    def prepare(self) -> bool:
        """The source's subnet, VPC and itself as a peer; False if the snapshot lacks them."""
        src = self.source
        subnet = (self.snapshot.subnets or {}).get(src.subnet_id)
        vpc = (self.snapshot.vpcs or {}).get(subnet.vpc_id) if subnet else None
        if subnet is None or vpc is None:
            return False
        self.subnet, self.vpc = subnet, vpc
        self.src_peer = self.memo(
            ("source-peer", subnet.id, src.address, src.security_group_ids),
            source_peer,
            subnet,
            vpc,
            src,
        )
        return True

    # ---- the hops many flows share: judged once, through the memo -----------------------

    def endpoint_hop(self, parent: int, ep: VpcEndpoint, kind: HopKind) -> int | None:
        dest = self.destination
        # Every flow to a service through this endpoint asks its policy the same question.
        key = (
            "endpoint-hop",
            ep.id,
            kind,
            dest.service.target if dest.service else None,
            dest.calls,
            dest.role_arn,
            dest.label,
        )
        hop, goes_on = self.memo(key, endpoint_verdict, ep, kind, dest, self.snapshot.region)
        node = self.add(parent, hop)
        return node if goes_on and hop.status != "fail" else None

    def sg_hop(
        self, parent: int, groups: list[SecurityGroup] | str, *, egress: bool, peer: Peer
    ) -> int | None:
        hop = self.sg_verdict(groups, egress=egress, peer=peer)
        node = self.add(parent, hop)
        if self.template:
            # Go on as if it passed: another source's groups may let the packet through.
            self.slots[node] = Slot(True, None, peer) if egress else Slot(False, groups, None)
            return node
        return None if hop.status == "fail" else node

    def sg_verdict(self, groups: list[SecurityGroup] | str, *, egress: bool, peer: Peer) -> Hop:
        kind = HopKind.SECURITY_GROUP_EGRESS if egress else HopKind.SECURITY_GROUP_INGRESS
        if isinstance(groups, str):
            ids = (self.source.security_group_ids if egress else ()) or (
                self.subnet.id if self.subnet else "?",
            )
            return Hop(ids[0], kind, "unknown", groups)
        if not groups:
            return Hop(self.source.id, kind, "pass", "no security group on this interface")
        question = (
            tuple(g.id for g in groups),
            # Groups judged across a peering name any VPC's groups (vpc_id None): not the
            # same question as the same groups asked from their own VPC's side.
            tuple(g.vpc_id for g in groups),
            egress,
            self.protocol,
            self.port,
            self.netkey(peer.networks),
            peer.prefix_list_id,
            peer.group_ids,
            peer.vpc_id,
            peer.approximate,
            peer.label,
        )
        src = self.source
        # Many flows ask the same groups the same question: judge and word it once. Inbound,
        # the words name the source (its first group, or its address).
        named = (
            None
            if egress
            else (src.security_group_ids[0] if src.security_group_ids else self.src_peer.label)
        )
        return self.memo(
            ("sg-hop", *question, named), self.judge_groups, groups, egress, peer, question
        )

    def judge_groups(
        self,
        groups: list[SecurityGroup],
        egress: bool,
        peer: Peer,
        question: tuple[object, ...],
    ) -> Hop:
        """``sg_verdict``'s memo miss: the rules' decision (itself kept), then its words."""
        decision = self.memo(
            ("sg", *question),
            lambda: evaluate_security_groups(
                groups,
                egress=egress,
                protocol=self.protocol,
                port=self.port,
                peer=peer,
                prefix_lists=self.snapshot.prefix_lists,
            ),
        )
        return sg_judged(
            decision,
            groups,
            egress=egress,
            peer=peer,
            protocol=self.protocol,
            port=self.port,
            source_group_ids=self.source.security_group_ids,
            source_label=self.src_peer.label,
        )

    def acl_hop(
        self,
        parent: int,
        subnet: Subnet,
        *,
        egress: bool,
        ports: PortRange | None,
        peer: Peer,
        leg: Leg = "forward",
        far_label: str | None = None,
    ) -> int | None:
        """One NACL crossing. ``peer`` is the far end as this rule set sees it: the
        destination for outbound rules, the source for inbound rules."""
        kind = HopKind.NETWORK_ACL_OUTBOUND if egress else HopKind.NETWORK_ACL_INBOUND
        acl = network_acl_for_subnet(self.snapshot, subnet)
        if isinstance(acl, str):
            return self.add(parent, Hop(subnet.id, kind, "unknown", acl, leg=leg))
        if not peer.networks:
            # A rule set asked about no address at all would "allow" vacuously.
            reason = f"the addresses of {peer.label} are not known, so {acl.id} cannot be judged"
            return self.add(parent, Hop(acl.id, kind, "unknown", reason, leg=leg))
        if ports is None:
            span: PortRange = (self.port, self.port) if self.port is not None else (0, 65535)
        else:
            span = ports
        where = far_label or subnet.id
        # Many flows cross the same NACL with the same question: judge and word it once.
        key = (
            "acl-hop",
            acl.id,
            where,
            egress,
            self.protocol,
            self.port,
            span,
            ports is None,
            self.netkey(peer.networks),
            peer.label,
            peer.approximate,
            peer.prefix_list_id,
            leg,
        )
        hop = self.memo(key, self.judge_acl, acl, egress, ports, span, peer, leg, where)
        if hop.status == "fail":
            # Only a denial's fix speaks of the source's VPC (acl_verdict): an allowing hop
            # is the same from every VPC, so the spokes of a hub share it.
            vpc_key = (*key, self.vpc.id if self.vpc else None)
            hop = self.memo(vpc_key, self.judge_acl, acl, egress, ports, span, peer, leg, where)
        node = self.add(parent, hop)
        return None if hop.status == "fail" else node

    def judge_acl(
        self,
        acl: NetworkAcl,
        egress: bool,
        ports: PortRange | None,
        span: PortRange,
        peer: Peer,
        leg: Leg,
        where: str,
    ) -> Hop:
        """``acl_hop``'s memo miss: the rules' decision (itself kept), then its words."""
        decision = self.memo(
            ("acl", acl.id, egress, self.protocol, span, self.netkey(peer.networks)),
            lambda: evaluate_acl(
                acl, egress=egress, protocol=self.protocol, ports=span, peer=peer.networks
            ),
        )
        return acl_verdict(
            decision,
            acl,
            where=where,
            egress=egress,
            ports=ports,
            span=span,
            peer=peer,
            leg=leg,
            protocol=self.protocol,
            port=self.port,
            vpc=self.vpc,
        )


# ---- the walk: from the source to each destination the flow may reach --------------------


def build(w: Walk) -> int:
    head = source_hop(w.snapshot, w.source)
    if not w.prepare():
        return w.add(None, head)
    root = w.add(None, head)
    dest = w.destination
    if dest.kind in ("service", "internet", "hostname"):
        resolve(w, root, dest.service)
    elif dest.kind == "address" and dest.address is not None:
        to_address(w, root, dest.address)
    elif dest.kind == "interface" and dest.interface_id is not None:
        to_interface(w, root, dest.interface_id)
    return root


def resolve(w: Walk, parent: int, service: dns.AwsService | None) -> None:
    assert w.vpc is not None
    # A name the user gave (`path --to NAME`) is asked as given: a private hosted zone may
    # hold it. A target is asked by its service's name.
    name = w.destination.label if w.destination.kind == "hostname" else None
    answer = w.memo(("dns", w.vpc.id, service, name), dns.resolve, w.snapshot, w.vpc, service, name)
    host = name or (
        service.host(w.snapshot.region, dns.host_account(w.snapshot))
        if service
        else w.destination.label
    )
    if answer.certain and len(answer.resolutions) == 1:
        follow_resolution(w, parent, answer.resolutions[0], service, host)
        return
    node = w.add(
        parent,
        Hop(w.vpc.id, HopKind.DNS, "pass", f"{host}: {answer.doubt}"),
        combine="any",
    )
    for r in answer.resolutions:
        follow_resolution(w, node, r, service, host)


def follow_resolution(
    w: Walk, parent: int, r: dns.Resolution, service: dns.AwsService | None, host: str
) -> None:
    assert w.vpc is not None
    if r.outcome == "fail":
        hop = Hop(
            r.blame or w.vpc.id,
            HopKind.DNS,
            "fail",
            f"{host} does not resolve: {r.reason}",
            code=r.code or "DNS_SUPPORT_DISABLED",
            fix=r.fix or fix_for("DNS_SUPPORT_DISABLED", vpc=w.vpc.id),
            summary=r.short,
        )
        w.add(parent, hop)
        return
    if r.outcome == "unknown":
        w.add(
            parent,
            Hop(w.vpc.id, HopKind.DNS, "unknown", f"{host}: {r.reason}", summary=r.short),
        )
        return
    hop_id = r.endpoint.id if r.endpoint else w.vpc.id
    node = w.add(parent, Hop(hop_id, HopKind.DNS, "pass", f"{host}: {r.reason}", summary=r.short))
    if r.outcome == "endpoint" and r.endpoint is not None:
        to_interface_endpoint(w, node, r.endpoint, service)
    else:
        to_public(w, node, service, r)


def to_public(
    w: Walk, parent: int, service: dns.AwsService | None, resolution: dns.Resolution
) -> None:
    snap = w.snapshot
    terminal = service_terminal(w.snapshot, service, w.destination.label)
    if service is not None and service.target == "s3":
        hint = resolution.fix or s3_hint(snap.region)  # (a hosted zone to associate)
        forward(w, parent, s3_peer(snap), terminal, None, hint, frozenset())
        return
    label = public_label(service, w.destination.label)
    foreign = w.memo(("gateway-endpoint-lists",), gateway_endpoint_lists, snap)
    # The same tuple of networks for every flow to the public side: memo keys of it are
    # made once (see cache.netkey).
    peer = w.memo(
        ("public-peer", label, foreign),
        lambda: Peer(public_outside(snap, foreign), label, approximate=True),
    )
    vpc_id = w.vpc.id if w.vpc else "the VPC"
    hint = public_hint(snap.region, service, resolution, vpc_id)
    forward(w, parent, peer, terminal, None, hint, foreign=foreign)


def to_interface_endpoint(
    w: Walk, parent: int, ep: VpcEndpoint, service: dns.AwsService | None
) -> None:
    terminal = (
        service_terminal(w.snapshot, service, w.destination.label)
        if service is not None
        else endpoint_terminal(ep, w.destination.label)
    )
    # The same endpoint is met by every flow to its service: find its ENIs once.
    sides = w.memo(("endpoint-sides", ep.id, terminal), endpoint_sides, w.snapshot, ep, terminal)
    if not sides:
        w.add(parent, no_interface_hop(ep))
        return
    for side in sides:
        # An endpoint of another VPC (a private hosted zone's alias may name one) is as any
        # ENI: a route to the internet does not reach it (_beyond).
        same_vpc = side.subnet.vpc_id == (w.vpc.id if w.vpc else None)
        forward(w, parent, side.peer, _beyond(side, same_vpc), side, None, frozenset())


def to_interface(w: Walk, parent: int, interface_id: str) -> None:
    side = side_for_eni(w.snapshot, interface_id)
    if side is None:
        w.add(parent, missing_interface_hop(interface_id))
        return
    # In another VPC, the route decides how (a transit gateway, a peering) and the far
    # side's rules apply on arrival.
    same_vpc = side.subnet.vpc_id == (w.vpc.id if w.vpc else None)
    hint = None if same_vpc else _ROUTE_HINT
    forward(w, parent, side.peer, _beyond(side, same_vpc), side, hint, frozenset())


def to_address(w: Walk, parent: int, address: IPAddress) -> None:
    assert w.vpc is not None
    in_vpc = any(address in c for c in w.vpc.cidrs)
    # An address held in another VPC is reached through a transit gateway or a peering:
    # its ENI's subnet and security groups are the far side there.
    side = w.memo(("interface-at", address), find_interface, w.snapshot, address)
    if side is not None and (in_vpc or side.subnet.vpc_id != w.vpc.id):
        hint = None if in_vpc else _ROUTE_HINT
        terminal = _beyond(side, side.subnet.vpc_id == w.vpc.id)
        forward(w, parent, side.peer, terminal, side, hint, frozenset())
        return
    peer = Peer.address(address)
    terminal = Hop(str(address), HopKind.ADDRESS, "pass", f"{address}")
    forward(w, parent, peer, terminal, None, _ROUTE_HINT, frozenset())


_ROUTE_HINT = "add a route for {dest} to {table}"


def _beyond(side: FarSide, same_vpc: bool = False) -> Hop:
    """Where a path to an ENI ends if a route takes it to the internet (an internet gateway,
    a NAT gateway; the local route, a transit gateway or a peering reach the far side, whose
    own hops end the path): the internet does not carry a VPC's private address into that
    VPC, and the ENI's security groups and NACL are never met, so it is not known to be
    reached (never "reachable"). In the source's own VPC only a route more specific than
    local does this (AWS refuses one to an internet gateway; a snapshot or a plan may hold
    it)."""
    end = side.terminal
    vpc = side.subnet.vpc_id
    fix = (
        f"let the local route of {vpc} carry it (remove the more specific route that sends "
        "it to the internet)"
        if same_vpc
        else "reach it through a transit gateway or a VPC peering connection"
    )
    return Hop(
        end.id,
        end.kind,
        "unknown",
        f"{end.reason} is in {vpc}, but the route leads to the internet, which does not carry "
        f"its private address into {vpc}, and its security groups and NACL are not met on "
        f"this way: {fix}",
    )


def forward(
    w: Walk,
    parent: int,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
    hint: str | None,
    foreign: frozenset[str],
) -> None:
    """Source SG egress -> source NACL out -> route table -> whatever the route leads to."""
    assert w.subnet is not None
    choice = route_table_for_subnet(w.snapshot, w.subnet)
    table = choice.table
    matches = (
        None
        if table is None
        else w.memo(
            ("route", table.id, w.netkey(peer.networks), peer.prefix_list_id, foreign),
            lambda: lookup(
                table,
                peer.networks,
                w.snapshot.prefix_lists,
                destination_prefix_list=peer.prefix_list_id,
                foreign_prefix_lists=foreign,
            ),
        )
    )
    egress_peer = peer
    if (
        far is not None
        and peer.vpc_id is not None
        and peer.vpc_id != w.subnet.vpc_id
        and matches
        and all(m.route is not None and m.route.target_kind == "pcx" for m in matches)
    ):
        # Across a same-Region peering a rule may name a group of the peer VPC, outbound as
        # inbound (aws-semantics.md 12.2); across a transit gateway only inbound rules may.
        # Every way on is that peering, and the walk reaches the far ENI only if the peering
        # is active, in this Region and leads to the ENI's VPC (to_peering), so judging the
        # egress as if any VPC's group could be named widens nothing else.
        egress_peer = replace(peer, vpc_id=None)
    groups = source_groups(w.snapshot, w.source, w.vpc)
    node = w.sg_hop(parent, groups, egress=True, peer=egress_peer)
    if node is None:
        return
    same_subnet = far is not None and far.subnet.id == w.subnet.id
    if not same_subnet:
        node = w.acl_hop(node, w.subnet, egress=True, ports=None, peer=peer)
        if node is None:
            return
    if table is None or matches is None:
        w.add(node, Hop(w.subnet.id, HopKind.ROUTE_TABLE, "unknown", choice.reason))
        return
    for match in matches:
        part = replace(peer, networks=match.networks) if len(matches) > 1 else peer
        follow_route(w, node, table, match, part, terminal, far, hint)


def follow_route(
    w: Walk,
    parent: int,
    table: RouteTable,
    match: RouteMatch,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
    hint: str | None,
) -> None:
    # The lookup's matches are kept in the memo (forward), so one match is one object:
    # every source of the table's subnets asking for the same label gets the same words.
    key = ("route-hop", table.id, id(match), peer.label, hint)
    kept = cast("tuple[RouteMatch, Hop] | None", w.store.get(key))
    if kept is not None and kept[0] is match:
        hop = kept[1]
    else:
        hop = route_hop(table, match, peer.label, hint)
        w.store[key] = (match, hop)
    node = w.add(parent, hop)
    if hop.status == "pass" and match.route is not None:
        ROUTE_TARGETS[match.route.target_kind](w, node, table, match.route, peer, terminal, far)


# ---- what routes lead to: one handler per kind of route target (walk_targets.py) ----------

Handler = Callable[[Walk, int, RouteTable, Route, Peer, Hop, "FarSide | None"], None]

# A new kind of route target: its rule in evaluate/, its handler in walk_targets.py (or
# walk_across.py, when it leaves the VPC), a row.
ROUTE_TARGETS: dict[RouteTargetKind, Handler] = {
    "local": to_local,
    "igw": to_internet_gateway,
    "nat": to_nat_gateway,
    "gateway-endpoint": to_gateway_endpoint,
    "tgw": to_transit_gateway,
    "pcx": to_peering,
    "vgw": unfollowable,
    "eni": unfollowable,
    "instance": unfollowable,
    "eigw": unfollowable,
    "other": unfollowable,
}


def build_flow_graph(
    snapshot: Snapshot,
    source: Source,
    destination: Destination,
    *,
    protocol: str = TCP,
    port: int | None = 443,
) -> FlowGraph:
    return walk_flow(Walk(snapshot, source, destination, protocol, port))


def walk_flow(w: Walk) -> FlowGraph:
    """Walk the flow and hand over its graph."""
    root = build(w)
    return FlowGraph(
        w.hops,
        w.combine,
        w.children,
        root,
        w.source,
        w.destination,
        w.protocol,
        w.port,
        w.kind_used,
        w.slots,
    )


__all__ = ["Destination", "FlowGraph", "Hop", "Walk", "build_flow_graph", "walk_flow"]
