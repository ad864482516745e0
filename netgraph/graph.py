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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar, cast

import networkx as nx

from netgraph.cache import MISSING, NetKey, memo_of, netkey, network_ints
from netgraph.evaluate import dns
from netgraph.evaluate.addresses import (
    EPHEMERAL_LINUX,
    EPHEMERAL_NAT_GATEWAY,
    Peer,
    PortRange,
    describe_networks,
    within,
)
from netgraph.evaluate.endpoints import (
    endpoint_sides,
    endpoint_verdict,
    gateway_endpoint,
    no_interface_hop,
)
from netgraph.evaluate.interfaces import (
    find_interface,
    missing_interface_hop,
    side_for_eni,
    source_hop,
    source_peer,
)
from netgraph.evaluate.internet_gateway import NO_PUBLIC_IP, internet_gateway_hop, non_public
from netgraph.evaluate.nat_gateway import nat_gateway_hops, nat_subnet_route
from netgraph.evaluate.network_acls import acl_verdict, evaluate_acl
from netgraph.evaluate.public import (
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
    route_table_for_subnet,
)
from netgraph.evaluate.security_groups import (
    evaluate_security_groups,
    groups_by_id,
    sg_judged,
    source_groups,
)
from netgraph.findings import fix_for
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

Step = Callable[[int], "int | None"]
T = TypeVar("T")


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
    kind_used: bool = False  # some hop speaks of the kind of source (see _Builder)
    # A template's security-group hops, to be judged again for each source (see template).
    slots: dict[int, _Slot] = field(default_factory=dict)

    def to_networkx(self) -> nx.DiGraph:
        g = nx.DiGraph()
        for node, hop in enumerate(self.hops):
            g.add_node(node, hop=hop, combine=self.combine[node])
        for node, kids in enumerate(self.children):
            g.add_edges_from((node, kid) for kid in kids)
        return g


@dataclass(frozen=True)
class _Slot:
    """A security-group hop of a template. Every such hop depends on the source: its egress
    (the source's groups, towards ``peer``) or the far side's ingress (``groups``, with the
    source as the peer its rules are asked about)."""

    egress: bool
    groups: list[SecurityGroup] | str | None  # None: the source's own groups
    peer: Peer | None  # None: the source


# A builder's source before prepare() places it (Peer is frozen: one serves all).
_NO_PEER = Peer((), "source")


@dataclass
class _Builder:
    snapshot: Snapshot
    source: Source
    destination: Destination
    protocol: str
    port: int | None
    # A template: every hop is built as if each security-group hop passed, and those hops
    # are noted in ``slots`` to be judged per source (see ``template``).
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
    slots: dict[int, _Slot] = field(default_factory=dict)

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

    # ---- entry ------------------------------------------------------------------------

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

    def build(self) -> int:
        head = source_hop(self.snapshot, self.source)
        if not self.prepare():
            return self.add(None, head)
        root = self.add(None, head)
        dest = self.destination
        if dest.kind in ("service", "internet", "hostname"):
            self.resolve(root, dest.service)
        elif dest.kind == "address" and dest.address is not None:
            self.to_address(root, dest.address)
        elif dest.kind == "interface" and dest.interface_id is not None:
            self.to_interface(root, dest.interface_id)
        return root

    # ---- destinations -----------------------------------------------------------------

    def resolve(self, parent: int, service: dns.AwsService | None) -> None:
        assert self.vpc is not None
        answer = self.memo(
            ("dns", self.vpc.id, service), dns.resolve, self.snapshot, self.vpc, service
        )
        host = (
            service.host(self.snapshot.region, self.snapshot.account_id)
            if service
            else self.destination.label
        )
        if answer.certain and len(answer.resolutions) == 1:
            self.follow_resolution(parent, answer.resolutions[0], service, host)
            return
        node = self.add(
            parent,
            Hop(self.vpc.id, HopKind.DNS, "pass", f"{host}: {answer.doubt}"),
            combine="any",
        )
        for r in answer.resolutions:
            self.follow_resolution(node, r, service, host)

    def follow_resolution(
        self, parent: int, r: dns.Resolution, service: dns.AwsService | None, host: str
    ) -> None:
        assert self.vpc is not None
        if r.outcome == "fail":
            hop = Hop(
                r.blame or self.vpc.id,
                HopKind.DNS,
                "fail",
                f"{host} does not resolve: {r.reason}",
                code="DNS_SUPPORT_DISABLED",
                fix=fix_for("DNS_SUPPORT_DISABLED", vpc=self.vpc.id),
                summary=r.short,
            )
            self.add(parent, hop)
            return
        if r.outcome == "unknown":
            self.add(
                parent,
                Hop(self.vpc.id, HopKind.DNS, "unknown", f"{host}: {r.reason}", summary=r.short),
            )
            return
        hop_id = r.endpoint.id if r.endpoint else self.vpc.id
        node = self.add(
            parent, Hop(hop_id, HopKind.DNS, "pass", f"{host}: {r.reason}", summary=r.short)
        )
        if r.outcome == "endpoint" and r.endpoint is not None:
            self.to_interface_endpoint(node, r.endpoint, service)
        else:
            self.to_public(node, service, r)

    def service_terminal(self, service: dns.AwsService | None) -> Hop:
        return service_terminal(self.snapshot, service, self.destination.label)

    def to_public(
        self, parent: int, service: dns.AwsService | None, resolution: dns.Resolution
    ) -> None:
        snap = self.snapshot
        terminal = self.service_terminal(service)
        if service is not None and service.target == "s3":
            self.forward(parent, s3_peer(snap), terminal, None, s3_hint(snap.region), frozenset())
            return
        label = public_label(snap, service, self.destination.label)
        foreign = self.memo(("gateway-endpoint-lists",), gateway_endpoint_lists, snap)
        # The same tuple of networks for every flow to the public side: memo keys of it are
        # made once (see cache.netkey).
        peer = self.memo(
            ("public-peer", label, foreign),
            lambda: Peer(public_outside(snap, foreign), label, approximate=True),
        )
        vpc_id = self.vpc.id if self.vpc else "the VPC"
        hint = public_hint(snap.region, service, resolution, vpc_id)
        self.forward(parent, peer, terminal, None, hint, foreign=foreign)

    def to_interface_endpoint(
        self, parent: int, ep: VpcEndpoint, service: dns.AwsService | None
    ) -> None:
        terminal = self.service_terminal(service)
        # The same endpoint is met by every flow to its service: find its ENIs once.
        sides = self.memo(
            ("endpoint-sides", ep.id, terminal), endpoint_sides, self.snapshot, ep, terminal
        )
        if not sides:
            self.add(parent, no_interface_hop(ep))
            return
        for side in sides:
            self.forward(parent, side.peer, terminal, side, None, frozenset())

    def to_interface(self, parent: int, interface_id: str) -> None:
        side = side_for_eni(self.snapshot, interface_id)
        if side is None:
            self.add(parent, missing_interface_hop(interface_id))
            return
        if side.subnet.vpc_id != (self.vpc.id if self.vpc else None):
            # In another VPC: the route decides, and its security groups apply on arrival
            # only if that route can be followed (it cannot: peering and TGW are unknown).
            self.forward(
                parent,
                side.peer,
                side.terminal,
                None,
                "add a route for {dest} to {table}",
                frozenset(),
            )
            return
        self.forward(parent, side.peer, side.terminal, side, None, frozenset())

    def to_address(self, parent: int, address: IPAddress) -> None:
        assert self.vpc is not None
        in_vpc = any(address in c for c in self.vpc.cidrs)
        side = find_interface(self.snapshot, address) if in_vpc else None
        if side is not None:
            self.forward(parent, side.peer, side.terminal, side, None, frozenset())
            return
        peer = Peer.address(address)
        terminal = Hop(str(address), HopKind.ADDRESS, "pass", f"{address}")
        self.forward(parent, peer, terminal, None, "add a route for {dest} to {table}", frozenset())

    # ---- the forward path -------------------------------------------------------------

    def forward(
        self,
        parent: int,
        peer: Peer,
        terminal: Hop,
        far: FarSide | None,
        hint: str | None,
        foreign: frozenset[str],
    ) -> None:
        """Source SG egress -> source NACL out -> route table -> whatever the route leads to."""
        assert self.subnet is not None
        node = self.sg_hop(
            parent, source_groups(self.snapshot, self.source, self.vpc), egress=True, peer=peer
        )
        if node is None:
            return
        same_subnet = far is not None and far.subnet.id == self.subnet.id
        if not same_subnet:
            node = self.acl_hop(node, self.subnet, egress=True, ports=None, peer=peer)
            if node is None:
                return
        choice = route_table_for_subnet(self.snapshot, self.subnet)
        if choice.table is None:
            self.add(node, Hop(self.subnet.id, HopKind.ROUTE_TABLE, "unknown", choice.reason))
            return
        table = choice.table
        matches = self.memo(
            ("route", table.id, self.netkey(peer.networks), peer.prefix_list_id, foreign),
            lambda: lookup(
                table,
                peer.networks,
                self.snapshot.prefix_lists,
                destination_prefix_list=peer.prefix_list_id,
                foreign_prefix_lists=foreign,
            ),
        )
        for match in matches:
            part = replace(peer, networks=match.networks) if len(matches) > 1 else peer
            self.follow_route(node, table, match, part, terminal, far, hint)

    def follow_route(
        self,
        parent: int,
        table: RouteTable,
        match: RouteMatch,
        peer: Peer,
        terminal: Hop,
        far: FarSide | None,
        hint: str | None,
    ) -> None:
        dest_text = describe_networks(match.networks)
        if match.status == "no-route":
            fix = (hint or "add a route for {dest} to {table}").format(
                table=table.id, dest=dest_text
            )
            self.add(
                parent,
                Hop(
                    table.id,
                    HopKind.ROUTE_TABLE,
                    "fail",
                    f"{table.id} has no route for {peer.label}",
                    code="NO_ROUTE_TO_DESTINATION",
                    fix=fix,
                ),
            )
            return
        if match.status != "route" or match.route is None:
            self.add(parent, Hop(table.id, HopKind.ROUTE_TABLE, "unknown", match.reason))
            return
        route = match.route
        route_text = f"{route.destination_text} -> {route.target_id}"
        if route.state == "unknown":
            self.add(
                parent,
                Hop(
                    table.id,
                    HopKind.ROUTE_TABLE,
                    "unknown",
                    f"route {route_text} has no State in the snapshot "
                    "(RouteTables): it may be a blackhole",
                ),
            )
            return
        if route.state == "blackhole":
            self.block(
                parent,
                table.id,
                HopKind.ROUTE_TABLE,
                f"route {route_text} is a blackhole: its target no longer exists",
                "BAD_STATE_ROUTE",
                route=route.destination_text,
                table=table.id,
                target=route.target_id,
                state="gone (blackhole)",
            )
            return
        node = self.add(
            parent,
            Hop(table.id, HopKind.ROUTE_TABLE, "pass", f"{peer.label} takes route {route_text}"),
        )
        ROUTE_TARGETS[route.target_kind](self, node, table, route, peer, terminal, far)

    # ---- what routes lead to ----------------------------------------------------------

    def arrive_local(self, parent: int, peer: Peer, terminal: Hop, far: FarSide | None) -> None:
        snap = self.snapshot
        assert self.vpc is not None and self.subnet is not None
        if far is None:
            subnet = next(
                (
                    s
                    for s in (snap.subnets or {}).values()
                    if s.vpc_id == self.vpc.id
                    and s.cidr is not None
                    and all(within(n, s.cidr) for n in peer.networks)
                ),
                None,
            )
            if subnet is None:
                self.block(
                    parent,
                    self.vpc.id,
                    HopKind.VPC,
                    f"{peer.label} is in {self.vpc.id}'s CIDR but in none of "
                    "its subnets: nothing receives it",
                    "ADDRESS_NOT_IN_SUBNET",
                    destination=peer.label,
                )
                return
            if snap.network_interfaces is None:
                self.add(
                    parent,
                    Hop(
                        subnet.id,
                        HopKind.SUBNET,
                        "unknown",
                        f"{peer.label} is in {subnet.id}; which interface holds it "
                        f"is unknown: {snap.missing_reason('NetworkInterfaces')}",
                    ),
                )
                return
            self.block(
                parent,
                subnet.id,
                HopKind.SUBNET,
                f"no network interface in the snapshot holds {peer.label} in {subnet.id}",
                "NO_INTERFACE_AT_ADDRESS",
                destination=peer.label,
            )
            return
        subnet = self.subnet
        same_subnet = far.subnet.id == subnet.id
        steps: list[Step] = []
        if not same_subnet:
            steps.append(
                lambda n: self.acl_hop(
                    n,
                    far.subnet,
                    egress=False,
                    ports=None,
                    peer=self.src_peer,
                    far_label=f"{far.subnet.id} (destination side)",
                )
            )
        if far.group_ids is None:
            no_group = Hop(
                far.terminal.id, HopKind.SECURITY_GROUP_INGRESS, "pass", far.no_group_reason
            )
            steps.append(lambda n: self.add(n, no_group))
        else:
            groups = far.groups_unknown or groups_by_id(self.snapshot, far.group_ids)
            steps.append(lambda n: self.sg_hop(n, groups, egress=False, peer=self.src_peer))
        endpoint = far.endpoint
        if endpoint is not None:
            steps.append(lambda n: self.endpoint_hop(n, endpoint, HopKind.INTERFACE_ENDPOINT))
        if not same_subnet:
            steps += [
                lambda n: self.acl_hop(
                    n,
                    far.subnet,
                    egress=True,
                    ports=EPHEMERAL_LINUX,
                    peer=self.src_peer,
                    leg="return",
                ),
                lambda n: self.acl_hop(
                    n, subnet, egress=False, ports=EPHEMERAL_LINUX, peer=far.peer, leg="return"
                ),
            ]
        steps.append(lambda n: self.add(n, far.terminal))
        self.chain(parent, steps)

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

    # ---- security groups and NACLs ----------------------------------------------------

    def sg_hop(
        self, parent: int, groups: list[SecurityGroup] | str, *, egress: bool, peer: Peer
    ) -> int | None:
        hop = self.sg_verdict(groups, egress=egress, peer=peer)
        node = self.add(parent, hop)
        if self.template:
            # Go on as if it passed: another source's groups may let the packet through.
            self.slots[node] = _Slot(True, None, peer) if egress else _Slot(False, groups, None)
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
        # Many flows cross the same NACL with the same question: judge and word it once.
        key = (
            "acl-hop",
            acl.id,
            far_label or subnet.id,
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
            self.vpc.id if self.vpc else None,
        )
        where = far_label or subnet.id
        hop = self.memo(key, self.judge_acl, acl, egress, ports, span, peer, leg, where)
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


# ---- what routes lead to: one handler per kind of route target -----------------------------
# A handler asks the target's rule (evaluate/) for its judged hops, adds them, and follows
# where the packet goes on; the rule never walks.

Handler = Callable[[_Builder, int, RouteTable, Route, Peer, Hop, "FarSide | None"], None]


def _local(
    b: _Builder,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    b.arrive_local(node, peer, terminal, far)


def _igw_hop(b: _Builder, table: RouteTable, route: Route, peer: Peer, from_nat: str | None) -> Hop:
    hop = internet_gateway_hop(
        b.snapshot,
        table,
        route,
        peer.networks,
        b.source,
        from_nat=from_nat,
        private=lambda: b.memo(("not-public", b.netkey(peer.networks)), non_public, peer.networks),
    )
    if hop.code == NO_PUBLIC_IP:
        b.kind_used = True  # its fix is worded for the kind of source
    return hop


def _internet_gateway(
    b: _Builder,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    hop = _igw_hop(b, table, route, peer, from_nat=None)
    node = b.add(node, hop)
    if hop.status != "pass":
        return
    assert b.subnet is not None
    back = b.acl_hop(node, b.subnet, egress=False, ports=EPHEMERAL_LINUX, peer=peer, leg="return")
    if back is not None:
        b.add(back, terminal)


def _nat_gateway(
    b: _Builder,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    judged = nat_gateway_hops(b.snapshot, table, route, peer)
    for hop in judged.hops:
        node = b.add(node, hop)
    if judged.next is None:
        return
    nat, nat_subnet = judged.next
    assert b.subnet is not None
    same = nat_subnet.id == b.subnet.id
    side = f"{nat_subnet.id} (NAT gateway side)"
    # The task side keeps the remote address on both legs; the NAT rewrites only its own
    # side (source port 1024-65535 out, back to the task's port on the way in).
    cur = (
        node
        if same
        else b.acl_hop(node, nat_subnet, egress=False, ports=None, peer=b.src_peer, far_label=side)
    )
    if cur is None:
        return
    choice = route_table_for_subnet(b.snapshot, nat_subnet)
    if choice.table is None:
        b.add(cur, Hop(nat_subnet.id, HopKind.ROUTE_TABLE, "unknown", choice.reason))
        return
    nat_table = choice.table
    prefix_lists = b.snapshot.prefix_lists
    nat_matches = b.memo(
        ("route", nat_table.id, b.netkey(peer.networks), None, frozenset()),
        lambda: lookup(nat_table, peer.networks, prefix_lists),
    )
    for match in nat_matches:
        part = replace(peer, networks=match.networks)
        hop = nat_subnet_route(nat.id, nat_subnet, nat_table, match, part)
        if hop.status != "pass" or match.route is None:
            b.add(cur, hop)
            continue
        _nat_to_internet(b, cur, hop, nat.id, nat_subnet, nat_table, match.route, part, terminal)


def _nat_to_internet(
    b: _Builder,
    parent: int,
    passed: Hop,
    nat_id: str,
    nat_subnet: Subnet,
    nat_table: RouteTable,
    route: Route,
    part: Peer,
    terminal: Hop,
) -> None:
    """From the NAT gateway out of its subnet to the internet gateway, and back."""
    assert b.subnet is not None
    subnet = b.subnet
    side = f"{nat_subnet.id} (NAT gateway side)"

    def igw(n: int) -> int | None:
        hop = _igw_hop(b, nat_table, route, part, from_nat=nat_id)
        node = b.add(n, hop)
        return node if hop.status == "pass" else None

    steps: list[Step] = [
        lambda n: b.add(n, passed),
        lambda n: b.acl_hop(n, nat_subnet, egress=True, ports=None, peer=part, far_label=side),
        igw,
        lambda n: b.acl_hop(
            n,
            nat_subnet,
            egress=False,
            ports=EPHEMERAL_NAT_GATEWAY,
            peer=part,
            leg="return",
            far_label=side,
        ),
    ]
    if nat_subnet.id != subnet.id:
        steps += [
            lambda n: b.acl_hop(
                n,
                nat_subnet,
                egress=True,
                ports=EPHEMERAL_LINUX,
                peer=b.src_peer,
                leg="return",
                far_label=side,
            ),
            lambda n: b.acl_hop(
                n, subnet, egress=False, ports=EPHEMERAL_LINUX, peer=part, leg="return"
            ),
        ]
    steps.append(lambda n: b.add(n, terminal))
    b.chain(parent, steps)


def _gateway_endpoint(
    b: _Builder,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    ep = gateway_endpoint(b.snapshot, table, route, b.protocol)
    if isinstance(ep, Hop):
        b.add(node, ep)
        return
    after = b.endpoint_hop(node, ep, HopKind.GATEWAY_ENDPOINT)
    if after is None:
        return
    assert b.subnet is not None
    back = b.acl_hop(after, b.subnet, egress=False, ports=EPHEMERAL_LINUX, peer=peer, leg="return")
    if back is not None:
        b.add(back, terminal)


_UNFOLLOWABLE = {
    "tgw": "transit gateway",
    "pcx": "VPC peering connection",
    "vgw": "virtual private gateway",
    "eni": "network interface (appliance)",
    "instance": "instance (appliance)",
    "eigw": "egress-only internet gateway",
}


def _unfollowable(
    b: _Builder,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    what = _UNFOLLOWABLE.get(route.target_kind, "gateway")
    reason = (
        f"the path leaves {table.vpc_id} through {what} {route.target_id}; "
        "netgraph cannot follow it from this snapshot"
    )
    b.add(node, Hop(route.target_id, HopKind(route.target_kind), "unknown", reason))


# Adding a kind of route target: its rule in evaluate/, its handler here, one row.
ROUTE_TARGETS: dict[RouteTargetKind, Handler] = {
    "local": _local,
    "igw": _internet_gateway,
    "nat": _nat_gateway,
    "gateway-endpoint": _gateway_endpoint,
    "tgw": _unfollowable,
    "pcx": _unfollowable,
    "vgw": _unfollowable,
    "eni": _unfollowable,
    "instance": _unfollowable,
    "eigw": _unfollowable,
    "other": _unfollowable,
}


def build_flow_graph(
    snapshot: Snapshot,
    source: Source,
    destination: Destination,
    *,
    protocol: str = TCP,
    port: int | None = 443,
) -> FlowGraph:
    return _built(_Builder(snapshot, source, destination, protocol, port))


def _built(builder: _Builder) -> FlowGraph:
    root = builder.build()
    return FlowGraph(
        builder.hops,
        builder.combine,
        builder.children,
        root,
        builder.source,
        builder.destination,
        builder.protocol,
        builder.port,
        builder.kind_used,
        builder.slots,
    )


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
    return _built(_Builder(snapshot, source, destination, protocol, port, template=True))


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
        builder = _Builder(snapshot, source, template.destination, template.protocol, template.port)
        builder.prepare()
        for node, slot in template.slots.items():
            hops[node] = builder.sg_verdict(
                source_groups(snapshot, source, builder.vpc)
                if slot.groups is None
                else slot.groups,
                egress=slot.egress,
                peer=builder.src_peer if slot.peer is None else slot.peer,
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


__all__ = ["Destination", "FlowGraph", "Hop", "build_flow_graph", "fill", "template"]
