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

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal, TypeVar, cast

import networkx as nx

from netgraph.arns import account_of
from netgraph.evaluate import dns, iam
from netgraph.evaluate.addresses import (
    EPHEMERAL_LINUX,
    EPHEMERAL_NAT_GATEWAY,
    EPHEMERAL_RECOMMENDED,
    Peer,
    PortRange,
    describe_networks,
    describe_ports,
    is_public,
    public_ipv4,
    split,
    within,
)
from netgraph.evaluate.network_acls import DEFAULT_DENY_RULE, evaluate_acl
from netgraph.evaluate.routing import RouteMatch, lookup, route_table_for_subnet
from netgraph.evaluate.security_groups import evaluate_security_groups
from netgraph.findings import fix_for
from netgraph.flows import Source
from netgraph.model import (
    TCP,
    IPAddress,
    IPNetwork,
    NatGateway,
    NetworkAcl,
    Route,
    RouteTable,
    SecurityGroup,
    Snapshot,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from netgraph.requirements import ApiCall, default_calls

Status = Literal["pass", "fail", "unknown"]
Leg = Literal["forward", "return"]
Step = Callable[[int], "int | None"]
T = TypeVar("T")


_MISSING = object()  # not yet in the memo (None is a possible answer)


@dataclass(frozen=True)
class Hop:
    id: str  # the AWS id of the component (or the service name / address at the end)
    kind: str
    status: Status
    reason: str
    code: str | None = None
    fix: str | None = None
    leg: Leg = "forward"
    summary: str = ""  # for one of several DNS answers: what that answer is
    # The hop admits part of the addresses it was asked about: a narrower question (one ENI
    # instead of its whole subnet) may get another answer.
    partial: bool = False


@dataclass(frozen=True)
class Destination:
    """What a flow is aimed at, as the user named it."""

    kind: Literal["service", "internet", "address", "interface", "hostname"]
    label: str
    service: dns.AwsService | None = None
    address: IPAddress | None = None
    interface_id: str | None = None  # eni-… or i-…
    # The requests the task makes to this target (for endpoint policies), and as whom.
    calls: tuple[ApiCall, ...] = ()
    role_arn: str | None = None


@dataclass(frozen=True)
class _FarSide:
    """A destination inside a VPC: its subnet, its security groups and what it is."""

    peer: Peer
    subnet: Subnet
    group_ids: tuple[str, ...] | None  # None: the ENI carries no security group
    terminal: Hop
    endpoint: VpcEndpoint | None = None
    no_group_reason: str = ""
    groups_unknown: str = ""  # why its security groups are not known


def _endpoint_side(peer: Peer, subnet: Subnet, ep: VpcEndpoint, terminal: Hop) -> _FarSide:
    # AWS gives every interface endpoint at least one security group (the VPC's default
    # when none is named): none in the snapshot means they were not collected.
    unknown = (
        "" if ep.group_ids else f"the security groups of {ep.id} (Groups) are not in the snapshot"
    )
    return _FarSide(peer, subnet, ep.group_ids or (), terminal, endpoint=ep, groups_unknown=unknown)


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
        # Memo keys for networks, as ints, kept per snapshot (see netkey).
        table = self.snapshot.memo.setdefault(("netints",), {})
        assert isinstance(table, dict)
        self._netints: dict[int, tuple[object, Any]] = table

    # ---- plumbing ---------------------------------------------------------------------

    def memo(self, key: tuple[object, ...], compute: Callable[..., T], *args: object) -> T:
        """The evaluate functions are pure: their answers are kept for the whole snapshot,
        so a scan evaluates each NACL, security-group set and route lookup once per
        question, however many flows ask it."""
        store = self.snapshot.memo
        value = store.get(key, _MISSING)
        if value is _MISSING:
            value = store[key] = compute(*args)
        return cast(T, value)

    def netkey(self, networks: tuple[IPNetwork, ...]) -> tuple[tuple[int, int, int], ...]:
        """A memo key for a set of networks, as plain ints. ``IPNetwork`` compares and hashes
        in Python code, and a scan looks its keys up hundreds of thousands of times."""
        table = self._netints
        # The same tuples (S3's CIDRs, the public address space) come back again and again.
        whole = table.get(id(networks))
        if whole is not None and whole[0] is networks:
            return cast(tuple[tuple[int, int, int], ...], whole[1])
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
        return key

    def block(
        self, parent: int, hop_id: str, kind: str, reason: str, code: str, **fields: object
    ) -> None:
        """Add the hop that drops the packet, with its finding code and its fix."""
        self.add(parent, blocking(hop_id, kind, reason, code, **fields))

    def route_target(
        self,
        parent: int,
        table: RouteTable,
        known: Mapping[str, T] | None,
        target_id: str,
        kind: str,
        key: str,
    ) -> T | None:
        """The gateway a route names. If the snapshot lacks ``key`` or that gateway, adds an
        unknown hop (never a passing one) and returns None."""
        if known is None:
            reason = self.snapshot.missing_reason(key)
        elif target_id in known:
            return known[target_id]
        else:
            reason = f"{table.id} routes to {target_id}, which is not in {key}"
        self.add(parent, Hop(target_id, kind, "unknown", reason))
        return None

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

    def flow_text(self, port: int | PortRange | None = None) -> str:
        return _flow_text(self.protocol, self.port if port is None else port)

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
            _source_peer,
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
            Hop(self.vpc.id, "dns", "pass", f"{host}: {answer.doubt}"),
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
                "dns",
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
                parent, Hop(self.vpc.id, "dns", "unknown", f"{host}: {r.reason}", summary=r.short)
            )
            return
        hop_id = r.endpoint.id if r.endpoint else self.vpc.id
        node = self.add(parent, Hop(hop_id, "dns", "pass", f"{host}: {r.reason}", summary=r.short))
        if r.outcome == "endpoint" and r.endpoint is not None:
            self.to_interface_endpoint(node, r.endpoint, service)
        else:
            self.to_public(node, service, r)

    def service_terminal(self, service: dns.AwsService | None) -> Hop:
        if service is None:
            return Hop("internet", "internet", "pass", f"{self.destination.label} on the internet")
        name = service.service_name(self.snapshot.region)
        return Hop(
            name,
            "aws-service",
            "pass",
            f"{service.host(self.snapshot.region, self.snapshot.account_id)}",
        )

    def s3_prefix_list(self) -> tuple[str | None, tuple[IPNetwork, ...] | None]:
        name = f"com.amazonaws.{self.snapshot.region}.s3"
        for pl in (self.snapshot.prefix_lists or {}).values():
            if pl.name == name:
                return pl.id, pl.cidrs
        # Not listed: the gateway endpoint's route names it all the same.
        for ep in (self.snapshot.vpc_endpoints or {}).values():
            if ep.service_name == name and ep.endpoint_type.lower() == "gateway":
                for rt_id in ep.route_table_ids:
                    table = (self.snapshot.route_tables or {}).get(rt_id)
                    for route in table.routes if table else ():
                        if route.target_id == ep.id and route.prefix_list_id:
                            return route.prefix_list_id, None
        return None, None

    def to_public(
        self, parent: int, service: dns.AwsService | None, resolution: dns.Resolution
    ) -> None:
        region = self.snapshot.region
        terminal = self.service_terminal(service)
        if service is not None and service.target == "s3":
            pl_id, cidrs = self.s3_prefix_list()
            if cidrs:
                peer = Peer(cidrs, f"S3 ({pl_id})", prefix_list_id=pl_id)
            else:
                peer = Peer(
                    public_ipv4(),
                    f"S3 ({pl_id or 'public addresses'})",
                    approximate=True,
                    prefix_list_id=pl_id,
                )
            hint = (
                f"add the S3 gateway endpoint com.amazonaws.{region}.s3 to "
                "{table} (aws ec2 modify-vpc-endpoint --add-route-table-ids), or route "
                "0.0.0.0/0 to a NAT gateway"
            )
            self.forward(parent, peer, terminal, None, hint, foreign=frozenset())
            return
        label = (
            f"{service.host(region, self.snapshot.account_id)} (public)"
            if service
            else f"{self.destination.label} (public)"
        )
        foreign = self.foreign_lists()
        # Another AWS service does not answer from S3's or DynamoDB's addresses: take the
        # known CIDRs of those lists out of where it may be.
        peer = self.memo(
            ("public-peer", label, foreign),
            lambda: Peer(self.public_outside(foreign), label, approximate=True),
        )
        if service is None:
            hint = (
                "route 0.0.0.0/0 in {table} to a NAT gateway (private subnet) or an internet "
                "gateway (with a public IP)"
            )
        elif resolution.endpoint is not None and not resolution.endpoint.private_dns_enabled:
            hint = (
                f"enable private DNS on {resolution.endpoint.id} (aws ec2 modify-vpc-endpoint "
                f"--vpc-endpoint-id {resolution.endpoint.id} --private-dns-enabled)"
            )
        elif resolution.endpoint is not None:
            hint = (
                f"enable enableDnsHostnames on {self.vpc.id if self.vpc else 'the VPC'} so "
                f"that the private DNS of {resolution.endpoint.id} applies"
            )
        else:
            hint = (
                f"create an interface endpoint {service.service_name(region)} in "
                f"{self.vpc.id if self.vpc else 'the VPC'} with private DNS, or route "
                "0.0.0.0/0 in {table} to a NAT gateway"
            )
        self.forward(parent, peer, terminal, None, hint, foreign=foreign)

    def foreign_lists(self) -> frozenset[str]:
        """The prefix lists of gateway endpoints (S3, DynamoDB)."""
        return self.memo(
            ("gateway-endpoint-lists",),
            lambda: frozenset(
                r.prefix_list_id
                for t in (self.snapshot.route_tables or {}).values()
                for r in t.routes
                if r.prefix_list_id and r.target_kind == "gateway-endpoint"
            ),
        )

    def public_outside(self, lists: frozenset[str]) -> tuple[IPNetwork, ...]:
        nets = list(public_ipv4())
        for pl_id in sorted(lists):
            pl = (self.snapshot.prefix_lists or {}).get(pl_id)
            for cidr in (pl.cidrs or ()) if pl else ():
                nets = split(nets, cidr)[1]
        return tuple(sorted(nets, key=lambda n: (n.version, int(n.network_address))))

    def to_interface_endpoint(
        self, parent: int, ep: VpcEndpoint, service: dns.AwsService | None
    ) -> None:
        terminal = self.service_terminal(service)
        # The same endpoint is met by every flow to its service: find its ENIs once.
        sides = self.memo(("endpoint-sides", ep.id, terminal), self.endpoint_sides, ep, terminal)
        if not sides:
            self.block(
                parent,
                ep.id,
                "interface-endpoint",
                f"{ep.id} has no network interface in any subnet",
                "VPCE_NO_ENI",
                endpoint=ep.id,
            )
            return
        for side in sides:
            self.forward(parent, side.peer, terminal, side, None, frozenset())

    def endpoint_sides(self, ep: VpcEndpoint, terminal: Hop) -> list[_FarSide]:
        sides: list[_FarSide] = []
        enis = self.snapshot.network_interfaces
        for eni_id in ep.network_interface_ids:
            eni = (enis or {}).get(eni_id)
            subnet = (self.snapshot.subnets or {}).get(eni.subnet_id or "") if eni else None
            if eni is not None and subnet is not None and eni.primary_ip is not None:
                peer = Peer.address(
                    eni.primary_ip,
                    f"{eni_id} ({eni.primary_ip})",
                    group_ids=frozenset(ep.group_ids or ()),
                    vpc_id=ep.vpc_id,
                )
                sides.append(_endpoint_side(peer, subnet, ep, terminal))
        if not sides:
            # Without the ENIs, each endpoint subnet stands for its ENI: one address in it.
            for subnet_id in ep.subnet_ids:
                subnet = (self.snapshot.subnets or {}).get(subnet_id)
                if subnet is None or subnet.cidr is None:
                    continue
                peer = Peer(
                    (subnet.cidr,),
                    f"{ep.id} ENI in {subnet_id}",
                    approximate=True,
                    group_ids=frozenset(ep.group_ids or ()),
                    vpc_id=ep.vpc_id,
                )
                sides.append(_endpoint_side(peer, subnet, ep, terminal))
        return sides

    def find_interface(self, address: IPAddress) -> _FarSide | None:
        """The ENI, instance, endpoint ENI or NAT gateway that holds an address."""
        snap = self.snapshot
        for eni in (snap.network_interfaces or {}).values():
            if address in eni.private_ips:
                return self.side_for_eni(eni.id)
        for inst in (snap.instances or {}).values():
            if inst.private_ip == address:
                return self.side_for_eni(inst.id)
        return None

    def side_for_eni(self, interface_id: str) -> _FarSide | None:
        """The far side of an instance (its primary interface) or of an ENI."""
        snap = self.snapshot
        unknown = ""
        if interface_id.startswith("i-"):
            inst = (snap.instances or {}).get(interface_id)
            if inst is None:
                return None
            subnet_id, ip, groups, vpc_id = (
                inst.subnet_id,
                inst.private_ip,
                inst.group_ids,
                inst.vpc_id,
            )
            kind, endpoint, no_group = "instance", None, ""
        else:
            eni = (snap.network_interfaces or {}).get(interface_id)
            if eni is None:
                return None
            subnet_id, ip, vpc_id = eni.subnet_id, eni.primary_ip, eni.vpc_id
            groups = eni.group_ids or ()
            if eni.group_ids is None:
                unknown = f"the security groups of {eni.id} (Groups) are not in the snapshot"
            kind = "network-interface"
            endpoint = next(
                (
                    ep
                    for ep in (snap.vpc_endpoints or {}).values()
                    if eni.id in ep.network_interface_ids
                ),
                None,
            )
            no_group = (
                f"{eni.id} ({eni.interface_type}) carries no security group, so none "
                "filters what reaches it"
            )
        subnet = (snap.subnets or {}).get(subnet_id or "")
        if subnet is None or ip is None:
            return None
        label = f"{interface_id} ({ip})"
        peer = Peer.address(ip, label, group_ids=frozenset(groups), vpc_id=vpc_id)
        # An instance always has groups; an ENI without any (NLB, NAT) is not filtered.
        group_ids = groups if kind == "instance" or groups or unknown else None
        return _FarSide(
            peer,
            subnet,
            group_ids,
            Hop(interface_id, kind, "pass", label),
            endpoint=endpoint,
            no_group_reason=no_group,
            groups_unknown=unknown,
        )

    def to_interface(self, parent: int, interface_id: str) -> None:
        side = self.side_for_eni(interface_id)
        if side is None:
            what = "Reservations" if interface_id.startswith("i-") else "NetworkInterfaces"
            self.add(
                parent,
                Hop(
                    interface_id,
                    "destination",
                    "unknown",
                    f"{interface_id} or its subnet is not in the snapshot ({what}, Subnets)",
                ),
            )
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
        side = self.find_interface(address) if in_vpc else None
        if side is not None:
            self.forward(parent, side.peer, side.terminal, side, None, frozenset())
            return
        peer = Peer.address(address)
        terminal = Hop(str(address), "address", "pass", f"{address}")
        self.forward(parent, peer, terminal, None, "add a route for {dest} to {table}", frozenset())

    # ---- the forward path -------------------------------------------------------------

    def forward(
        self,
        parent: int,
        peer: Peer,
        terminal: Hop,
        far: _FarSide | None,
        hint: str | None,
        foreign: frozenset[str],
    ) -> None:
        """Source SG egress -> source NACL out -> route table -> whatever the route leads to."""
        assert self.subnet is not None
        node = self.sg_hop(parent, self.source_groups(), egress=True, peer=peer)
        if node is None:
            return
        same_subnet = far is not None and far.subnet.id == self.subnet.id
        if not same_subnet:
            node = self.acl_hop(node, self.subnet, egress=True, ports=None, peer=peer)
            if node is None:
                return
        choice = route_table_for_subnet(self.snapshot, self.subnet)
        if choice.table is None:
            self.add(node, Hop(self.subnet.id, "route-table", "unknown", choice.reason))
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
        far: _FarSide | None,
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
                    "route-table",
                    "fail",
                    f"{table.id} has no route for {peer.label}",
                    code="NO_ROUTE_TO_DESTINATION",
                    fix=fix,
                ),
            )
            return
        if match.status != "route" or match.route is None:
            self.add(parent, Hop(table.id, "route-table", "unknown", match.reason))
            return
        route = match.route
        route_text = f"{route.destination_text} -> {route.target_id}"
        if route.state == "unknown":
            self.add(
                parent,
                Hop(
                    table.id,
                    "route-table",
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
                "route-table",
                f"route {route_text} is a blackhole: its target no longer exists",
                "BAD_STATE_ROUTE",
                route=route.destination_text,
                table=table.id,
                target=route.target_id,
                state="gone (blackhole)",
            )
            return
        node = self.add(
            parent, Hop(table.id, "route-table", "pass", f"{peer.label} takes route {route_text}")
        )
        kind = route.target_kind
        if kind == "local":
            self.arrive_local(node, peer, terminal, far)
        elif kind == "igw":
            self.via_internet_gateway(node, table, route, peer, terminal, from_nat=None)
        elif kind == "nat":
            self.via_nat_gateway(node, table, route, peer, terminal)
        elif kind == "gateway-endpoint":
            self.via_gateway_endpoint(node, table, route, peer, terminal)
        else:
            names = {
                "tgw": "transit gateway",
                "pcx": "VPC peering connection",
                "vgw": "virtual private gateway",
                "eni": "network interface (appliance)",
                "instance": "instance (appliance)",
                "eigw": "egress-only internet gateway",
            }
            what = names.get(kind, "gateway")
            self.add(
                node,
                Hop(
                    route.target_id,
                    kind,
                    "unknown",
                    f"the path leaves {table.vpc_id} through {what} {route.target_id}; "
                    "netgraph cannot follow it from this snapshot",
                ),
            )

    # ---- what routes lead to ----------------------------------------------------------

    def arrive_local(self, parent: int, peer: Peer, terminal: Hop, far: _FarSide | None) -> None:
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
                    "vpc",
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
                        "subnet",
                        "unknown",
                        f"{peer.label} is in {subnet.id}; which interface holds it "
                        f"is unknown: {snap.missing_reason('NetworkInterfaces')}",
                    ),
                )
                return
            self.block(
                parent,
                subnet.id,
                "subnet",
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
            no_group = Hop(far.terminal.id, "security-group-ingress", "pass", far.no_group_reason)
            steps.append(lambda n: self.add(n, no_group))
        else:
            groups = far.groups_unknown or self.groups(far.group_ids)
            steps.append(lambda n: self.sg_hop(n, groups, egress=False, peer=self.src_peer))
        endpoint = far.endpoint
        if endpoint is not None:
            steps.append(lambda n: self.endpoint_hop(n, endpoint, "interface-endpoint"))
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

    def via_internet_gateway(
        self,
        parent: int,
        table: RouteTable,
        route: Route,
        peer: Peer,
        terminal: Hop,
        from_nat: str | None,
    ) -> int | None:
        snap = self.snapshot
        igw_id = route.target_id
        igw = self.route_target(
            parent, table, snap.internet_gateways, igw_id, "internet-gateway", "InternetGateways"
        )
        if igw is None:
            return None
        if table.vpc_id in igw.unknown_state_vpc_ids:
            self.add(
                parent,
                Hop(
                    igw_id,
                    "internet-gateway",
                    "unknown",
                    f"the State of the attachment of {igw_id} to {table.vpc_id} is "
                    "not in the snapshot (InternetGateways)",
                ),
            )
            return None
        if table.vpc_id not in igw.attached_vpc_ids:
            self.block(
                parent,
                igw_id,
                "internet-gateway",
                f"{igw_id} is not attached to {table.vpc_id}",
                "IGW_NOT_ATTACHED",
                igw=igw_id,
                vpc=table.vpc_id,
            )
            return None
        private = self.memo(
            ("not-public", self.netkey(peer.networks)),
            lambda: [
                n
                for n in peer.networks
                if not (
                    n.version == 4
                    and is_public(n.network_address)
                    and is_public(n.broadcast_address)
                )
            ],
        )
        if private:
            self.block(
                parent,
                igw_id,
                "internet-gateway",
                f"{igw_id} drops traffic to non-public addresses ({describe_networks(private)})",
                "IGW_DESTINATION_ADDRESS_NOT_PUBLIC",
                destination=describe_networks(private),
                igw=igw_id,
            )
            return None
        if from_nat is None and not self.source.public_ip:
            self.add(
                parent,
                Hop(
                    igw_id,
                    "internet-gateway",
                    "fail",
                    f"the task's ENI has no public IP, and {igw_id} translates "
                    "only for ENIs with a public address",
                    code="IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                    fix=self.public_ip_fix(table),
                ),
            )
            return None
        why = (
            f"{from_nat} sends it out with its Elastic IP"
            if from_nat
            else "the source has a public IP"
        )
        node = self.add(
            parent,
            Hop(
                igw_id, "internet-gateway", "pass", f"{igw_id} is attached to {table.vpc_id}; {why}"
            ),
        )
        if from_nat is not None:
            return node
        assert self.subnet is not None
        back = self.acl_hop(
            node, self.subnet, egress=False, ports=EPHEMERAL_LINUX, peer=peer, leg="return"
        )
        if back is not None:
            self.add(back, terminal)
        return None

    def public_ip_fix(self, table: RouteTable) -> str:
        src = self.source
        self.kind_used = True
        if src.service is not None:
            return (
                "set assignPublicIp=ENABLED in the service's network configuration, or move "
                "it to subnets whose route table sends 0.0.0.0/0 to a NAT gateway (or add VPC "
                "endpoints)"
            )
        if src.kind in ("eni", "instance"):
            return (
                f"associate an Elastic IP with the ENI, or route 0.0.0.0/0 in {table.id} "
                "to a NAT gateway"
            )
        return (
            "run the task with --public-ip (assignPublicIp=ENABLED), or route 0.0.0.0/0 in "
            f"{table.id} to a NAT gateway"
        )

    def via_nat_gateway(
        self, parent: int, table: RouteTable, route: Route, peer: Peer, terminal: Hop
    ) -> None:
        snap = self.snapshot
        nat_id = route.target_id
        nat = self.route_target(
            parent, table, snap.nat_gateways, nat_id, "nat-gateway", "NatGateways"
        )
        if nat is None:
            return
        if nat.state == "unknown":
            self.add(
                parent,
                Hop(
                    nat_id,
                    "nat-gateway",
                    "unknown",
                    f"the State of {nat_id} is not in the snapshot (NatGateways)",
                ),
            )
            return
        if nat.state != "available":
            self.block(
                parent,
                table.id,
                "route-table",
                f"route {route.destination_text} -> {nat_id} leads to a NAT "
                f"gateway that is {nat.state}",
                "BAD_STATE_ROUTE",
                route=route.destination_text,
                table=table.id,
                target=nat_id,
                state=nat.state,
            )
            return
        if nat.connectivity_type == "private" and any(
            n.version == 4 and is_public(n.network_address) for n in peer.networks
        ):
            self.block(
                parent,
                nat_id,
                "nat-gateway",
                f"{nat_id} is a private NAT gateway: it cannot reach the internet",
                "NGW_PRIVATE_CONNECTIVITY",
                nat=nat_id,
            )
            return
        node = self.add(
            parent,
            Hop(
                nat_id,
                "nat-gateway",
                "pass",
                f"{nat_id} is available ({nat.connectivity_type}) in {nat.subnet_id}",
            ),
        )
        nat_subnet = (snap.subnets or {}).get(nat.subnet_id)
        if nat_subnet is None:
            self.add(
                node,
                Hop(
                    nat.subnet_id,
                    "subnet",
                    "unknown",
                    f"the subnet {nat.subnet_id} of {nat_id} is not in Subnets",
                ),
            )
            return
        assert self.subnet is not None
        subnet = self.subnet
        same = nat_subnet.id == subnet.id
        side = f"{nat_subnet.id} (NAT gateway side)"
        # The task side keeps the remote address on both legs; the NAT rewrites only its own
        # side (source port 1024-65535 out, back to the task's port on the way in).
        cur = (
            node
            if same
            else self.acl_hop(
                node, nat_subnet, egress=False, ports=None, peer=self.src_peer, far_label=side
            )
        )
        if cur is None:
            return
        choice = route_table_for_subnet(snap, nat_subnet)
        if choice.table is None:
            self.add(cur, Hop(nat_subnet.id, "route-table", "unknown", choice.reason))
            return
        nat_table = choice.table
        nat_matches = self.memo(
            ("route", nat_table.id, self.netkey(peer.networks), None, frozenset()),
            lambda: lookup(nat_table, peer.networks, snap.prefix_lists),
        )
        for match in nat_matches:
            part = replace(peer, networks=match.networks)
            route2 = match.route
            if not self.nat_route_is_igw(cur, nat_id, nat_subnet, nat_table, match, part):
                continue
            assert route2 is not None
            self.nat_to_internet(cur, nat, nat_subnet, nat_table, route2, part, terminal)

    def nat_to_internet(
        self,
        parent: int,
        nat: NatGateway,
        nat_subnet: Subnet,
        nat_table: RouteTable,
        route2: Route,
        part: Peer,
        terminal: Hop,
    ) -> None:
        """From the NAT gateway out of its subnet to the internet gateway, and back."""
        assert self.subnet is not None
        subnet, nat_id = self.subnet, nat.id
        same = nat_subnet.id == subnet.id
        side = f"{nat_subnet.id} (NAT gateway side)"
        passed = Hop(
            nat_table.id,
            "route-table",
            "pass",
            f"from {nat_id}, {part.label} takes route "
            f"{route2.destination_text} -> {route2.target_id}",
        )
        steps: list[Step] = [
            lambda n: self.add(n, passed),
            lambda n: self.acl_hop(
                n, nat_subnet, egress=True, ports=None, peer=part, far_label=side
            ),
            lambda n: self.via_internet_gateway(
                n, nat_table, route2, part, terminal, from_nat=nat_id
            ),
            lambda n: self.acl_hop(
                n,
                nat_subnet,
                egress=False,
                ports=EPHEMERAL_NAT_GATEWAY,
                peer=part,
                leg="return",
                far_label=side,
            ),
        ]
        if not same:
            steps += [
                lambda n: self.acl_hop(
                    n,
                    nat_subnet,
                    egress=True,
                    ports=EPHEMERAL_LINUX,
                    peer=self.src_peer,
                    leg="return",
                    far_label=side,
                ),
                lambda n: self.acl_hop(
                    n, subnet, egress=False, ports=EPHEMERAL_LINUX, peer=part, leg="return"
                ),
            ]
        steps.append(lambda n: self.add(n, terminal))
        self.chain(parent, steps)

    def nat_route_is_igw(
        self,
        parent: int,
        nat_id: str,
        nat_subnet: Subnet,
        nat_table: RouteTable,
        match: RouteMatch,
        part: Peer,
    ) -> bool:
        """A NAT gateway forwards to the internet only through its subnet's internet route;
        add the hop that says why not, when it does not."""
        route = match.route
        if (
            match.status == "route"
            and route is not None
            and route.state == "active"
            and (route.target_kind == "igw")
        ):
            return True
        if match.status in ("unknown", "ambiguous"):
            self.add(parent, Hop(nat_table.id, "route-table", "unknown", match.reason))
            return False
        if route is not None and route.state == "unknown":
            self.add(
                parent,
                Hop(
                    nat_table.id,
                    "route-table",
                    "unknown",
                    f"route {route.destination_text} -> {route.target_id} has no "
                    "State in the snapshot (RouteTables): it may be a blackhole",
                ),
            )
            return False
        if (
            route is not None
            and route.state != "blackhole"
            and route.target_kind not in ("igw", "nat", "local")
        ):
            self.add(
                parent,
                Hop(
                    route.target_id,
                    route.target_kind,
                    "unknown",
                    f"{nat_table.id} sends {part.label} from {nat_id} to {route.target_id}; "
                    "netgraph cannot follow it",
                ),
            )
            return False
        found = (
            "no route"
            if route is None
            else f"route {route.destination_text} -> {route.target_id}"
            + (" (blackhole)" if route.state == "blackhole" else "")
        )
        self.block(
            parent,
            nat_table.id,
            "route-table",
            f"{nat_id} lives in {nat_subnet.id}, whose route table {nat_table.id} has "
            f"{found} for {part.label}, not an internet gateway",
            "NGW_SUBNET_NO_INTERNET_ROUTE",
            table=nat_table.id,
            subnet=nat_subnet.id,
            nat=nat_id,
        )
        return False

    def via_gateway_endpoint(
        self, parent: int, table: RouteTable, route: Route, peer: Peer, terminal: Hop
    ) -> None:
        snap = self.snapshot
        if snap.vpc_endpoints is None:
            self.add(
                parent,
                Hop(
                    route.target_id,
                    "gateway-endpoint",
                    "unknown",
                    snap.missing_reason("VpcEndpoints"),
                ),
            )
            return
        ep = snap.vpc_endpoints.get(route.target_id)
        if ep is None:
            self.add(
                parent,
                Hop(
                    route.target_id,
                    "gateway-endpoint",
                    "unknown",
                    f"{table.id} routes to {route.target_id}, which is not in VpcEndpoints",
                ),
            )
            return
        if self.protocol not in (TCP, "1"):
            self.block(
                parent,
                ep.id,
                "gateway-endpoint",
                f"{ep.id} is a gateway endpoint: it carries TCP and ICMP only",
                "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
                endpoint=ep.id,
            )
            return
        node = self.endpoint_hop(parent, ep, "gateway-endpoint")
        if node is None:
            return
        assert self.subnet is not None
        back = self.acl_hop(
            node, self.subnet, egress=False, ports=EPHEMERAL_LINUX, peer=peer, leg="return"
        )
        if back is not None:
            self.add(back, terminal)

    def endpoint_hop(self, parent: int, ep: VpcEndpoint, kind: str) -> int | None:
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
        hop, goes_on = self.memo(key, self.endpoint_verdict, ep, kind)
        node = self.add(parent, hop)
        return node if goes_on and hop.status != "fail" else None

    def endpoint_verdict(self, ep: VpcEndpoint, kind: str) -> tuple[Hop, bool]:
        """The endpoint's hop, and whether the packet goes on past it."""
        if ep.state == "unknown":
            reason = f"the State of {ep.id} is not in the snapshot (VpcEndpoints)"
            return Hop(ep.id, kind, "unknown", reason), False
        if ep.state != "available":
            return blocking(
                ep.id,
                kind,
                f"{ep.id} ({ep.service_name}) is {ep.state}",
                "VPCE_BAD_STATE",
                endpoint=ep.id,
                state=ep.state,
            ), False
        return self.policy_verdict(ep, kind), True

    def policy_verdict(self, ep: VpcEndpoint, kind: str) -> Hop:
        """The endpoint policy is one more filter on every call that goes through it."""
        if ep.policy is None:
            return Hop(
                ep.id,
                kind,
                "unknown",
                f"the PolicyDocument of {ep.id} ({ep.service_name}) is not in the "
                "snapshot; its endpoint policy may deny the request",
            )
        if ep.policy.error:
            return Hop(ep.id, kind, "unknown", ep.policy.error)
        dest = self.destination
        service = dest.service.target if dest.service else None
        calls = [c for c in dest.calls if c.target == service] or default_calls(
            service or "", self.snapshot.region
        )
        if not calls:
            # A path to an address: the policy filters API requests, not packets.
            return Hop(
                ep.id,
                kind,
                "pass",
                f"{ep.id} ({ep.service_name}) is available; its "
                "endpoint policy filters API requests, not packets, and is not judged for "
                f"a path to {dest.label}",
            )
        if iam.allows_everything(ep.policy):
            # Worded without the calls: a scan tells this answer to every task of the
            # configuration, whichever calls its task definition makes.
            return Hop(
                ep.id,
                kind,
                "pass",
                f"{ep.id} ({ep.service_name}) is available; its policy allows every request "
                "(Allow * on * to any principal, no condition)",
            )
        role = dest.role_arn
        account = account_of(role)
        decisions = []
        for call in calls:
            who = iam.Principal(arn=role, account=account) if call.by_role else iam.Principal()
            ctx = iam.request_context(who, aws_SourceVpce=ep.id, aws_SourceVpc=ep.vpc_id)
            if not call.by_role:
                # A presigned URL: the signer is ECR's, not a principal netgraph can name.
                ctx.pop("aws:principalarn", None)
                ctx.pop("aws:principalaccount", None)
            request = iam.Request(call.action, call.resource, who, ctx)
            decisions.append((call, iam.evaluate([ep.policy], request)))
        for call, d in decisions:
            if d.decision in ("deny", "implicit-deny") and call.required:
                why = f"the endpoint policy of {ep.id} denies {call.describe()}: " + (
                    f"{d.statement.label} denies it" if d.statement else "no statement allows it"
                )
                return blocking(
                    ep.id,
                    kind,
                    why,
                    "VPCE_POLICY_DENIES",
                    endpoint=ep.id,
                    action=call.action,
                    resource=call.resource or "*",
                )
        unknown = [(c, d) for c, d in decisions if d.decision == "unknown" and c.required]
        if unknown:
            call, d = unknown[0]
            return Hop(ep.id, kind, "unknown", f"endpoint policy of {ep.id}: {d.reason}")
        allowed = "; ".join(
            f"{c.action} by {d.statement.label}"
            for c, d in decisions
            if d.statement is not None and d.decision == "allow"
        )
        return Hop(
            ep.id,
            kind,
            "pass",
            f"{ep.id} ({ep.service_name}) is available; its policy allows {allowed or 'the calls'}",
        )

    # ---- security groups and NACLs ----------------------------------------------------

    def source_groups(self) -> list[SecurityGroup] | str:
        src = self.source
        if src.groups_unknown:
            return src.groups_unknown
        if src.uses_default_group and not src.security_group_ids:
            return (
                "the service names no security group, so Fargate uses the default group "
                f"of {self.vpc.id if self.vpc else 'the VPC'}, which is not in the snapshot"
            )
        return self.groups(src.security_group_ids)

    def groups(self, ids: Sequence[str]) -> list[SecurityGroup] | str:
        known = self.snapshot.security_groups
        if known is None:
            return self.snapshot.missing_reason("SecurityGroups")
        missing = [g for g in ids if g not in known]
        if missing:
            return f"{', '.join(missing)} not in SecurityGroups"
        return [known[g] for g in ids]

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
        kind = "security-group-egress" if egress else "security-group-ingress"
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
            ("sg-hop", *question, named), self.sg_judged, groups, egress, peer, question
        )

    def sg_judged(
        self,
        groups: list[SecurityGroup],
        egress: bool,
        peer: Peer,
        question: tuple[object, ...],
    ) -> Hop:
        kind = "security-group-egress" if egress else "security-group-ingress"
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
        hop_id = groups[0].id
        if decision.status == "fail":
            direction = "outbound" if egress else "inbound"
            if peer.group_ids:
                target = f"{sorted(peer.group_ids)[0]} (the destination's security group)"
            elif peer.prefix_list_id:
                target = f"the prefix list {peer.prefix_list_id}"
            elif peer.approximate:
                target = "0.0.0.0/0"
            else:
                target = describe_networks(decision.uncovered)
            if not egress:
                target = (
                    f"{self.source.security_group_ids[0]} (the source's security group)"
                    if self.source.security_group_ids
                    else self.src_peer.label
                )
            flow = f"{self.flow_text()} {'to' if egress else 'from'} {target}"
            return Hop(
                hop_id,
                kind,
                "fail",
                decision.reason,
                code="ENI_SG_RULES_MISMATCH",
                fix=fix_for("ENI_SG_RULES_MISMATCH", group=hop_id, direction=direction, flow=flow),
                partial=bool(decision.matched),
            )
        return Hop(hop_id, kind, decision.status, decision.reason)

    def acl_fix_peer(self, peer: Peer, denied: list[IPNetwork]) -> str:
        """The CIDR to name in a NACL fix: one rule that mends every flow of this kind."""
        if peer.approximate:
            return "0.0.0.0/0"
        if peer.prefix_list_id:
            # NACLs cannot name prefix lists: their CIDRs, or everything.
            return f"0.0.0.0/0 (or each CIDR of {peer.prefix_list_id})"
        vpc_cidrs = [
            c for c in (self.vpc.cidrs if self.vpc else ()) if all(within(n, c) for n in denied)
        ]
        if vpc_cidrs:
            return str(vpc_cidrs[0])
        return describe_networks(denied)

    def acl_for(self, subnet: Subnet) -> NetworkAcl | str:
        acls = self.snapshot.network_acls
        if acls is None:
            return self.snapshot.missing_reason("NetworkAcls")
        acl_id = self.snapshot.network_acl_by_subnet.get(subnet.id)
        if acl_id is None:
            # AWS associates every subnet with exactly one NACL and lists the association
            # (the default NACL's too): silence means the data is incomplete.
            return (
                f"no network ACL in the snapshot is associated with {subnet.id} "
                f"(AWS associates every subnet with one; NetworkAcls of {subnet.vpc_id} "
                "are incomplete)"
            )
        return acls[acl_id]

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
        kind = "network-acl-outbound" if egress else "network-acl-inbound"
        acl = self.acl_for(subnet)
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
        hop = self.memo(
            key, self.acl_verdict, acl, subnet, egress, ports, span, peer, leg, far_label
        )
        node = self.add(parent, hop)
        return None if hop.status == "fail" else node

    def acl_verdict(
        self,
        acl: NetworkAcl,
        subnet: Subnet,
        egress: bool,
        ports: PortRange | None,
        span: PortRange,
        peer: Peer,
        leg: Leg,
        far_label: str | None,
    ) -> Hop:
        kind = "network-acl-outbound" if egress else "network-acl-inbound"
        decision = self.memo(
            ("acl", acl.id, egress, self.protocol, span, self.netkey(peer.networks)),
            lambda: evaluate_acl(
                acl, egress=egress, protocol=self.protocol, ports=span, peer=peer.networks
            ),
        )
        where = far_label or subnet.id
        direction = "outbound" if egress else "inbound"
        to_from = "to" if egress else "from"
        what = f"{self.flow_text(span if ports else None)} {to_from} {peer.label}"
        leg_text = " (return traffic)" if leg == "return" else ""
        if decision.allows_all:
            rules = sorted({p.rule_number for p in decision.pieces})
            return Hop(
                acl.id,
                kind,
                "pass",
                f"{direction} rule {', '.join(map(str, rules))} of "
                f"{acl.id} ({where}) allows {what}{leg_text}",
                leg=leg,
            )
        denied = decision.denied()
        deny_rule = min(p.rule_number for p in denied)
        rule_text = (
            "the default rule (*)" if deny_rule == DEFAULT_DENY_RULE else f"rule {deny_rule}"
        )
        denied_nets = sorted(
            {n for p in denied for n in p.networks},
            key=lambda n: (n.version, int(n.network_address)),
        )
        denied_ports = sorted({p.ports for p in denied})
        if (
            not decision.denies_all
            and peer.approximate
            and len(denied_ports) == 1
            and denied_ports[0] == span
        ):
            status: Status = "unknown"
            reason = (
                f"{direction} rules of {acl.id} ({where}) allow {what} only for part of "
                f"the addresses; {rule_text} denies {describe_networks(denied_nets)}"
            )
        else:
            status = "fail"
            part = "" if decision.denies_all else " for part of the flow"
            denied_text = peer.label if decision.denies_all else describe_networks(denied_nets)
            reason = (
                f"{rule_text} of {acl.id} ({where}) denies {direction} "
                f"{self.flow_text(denied_ports[0] if ports else None)} {to_from} "
                f"{denied_text}{part}{leg_text}"
            )
        if status == "unknown":
            return Hop(acl.id, kind, status, reason, leg=leg)
        fix_ports = EPHEMERAL_RECOMMENDED if leg == "return" else span
        rule_clause = (
            f", with a rule number below {deny_rule}" if deny_rule != DEFAULT_DENY_RULE else ""
        )
        return Hop(
            acl.id,
            kind,
            "fail",
            reason,
            code="SUBNET_ACL_RESTRICTION",
            fix=fix_for(
                "SUBNET_ACL_RESTRICTION",
                direction=direction,
                acl=acl.id,
                rule_clause=rule_clause,
                flow=f"{self.flow_text(fix_ports)} {to_from} "
                f"{self.acl_fix_peer(peer, denied_nets)}",
            ),
            leg=leg,
            partial=not decision.denies_all,
        )


def blocking(hop_id: str, kind: str, reason: str, code: str, **fields: object) -> Hop:
    """The hop that drops the packet, with its finding code and its fix."""
    return Hop(hop_id, kind, "fail", reason, code=code, fix=fix_for(code, **fields))


@lru_cache(maxsize=1024)
def _flow_text(protocol: str, port: int | PortRange | None) -> str:
    """The flow as the hops word it ("TCP 443", "TCP 1024-65535", "all traffic"): NACL hops
    ask this tens of thousands of times in a scan, for a handful of flows."""
    proto = {"-1": "all traffic", "6": "TCP", "17": "UDP", "1": "ICMP"}.get(
        protocol, f"protocol {protocol}"
    )
    if protocol not in ("6", "17") or port is None:
        return proto
    if isinstance(port, tuple):
        return f"{proto} {describe_ports([port])}"
    return f"{proto} {port}"


def _source_peer(subnet: Subnet, vpc: Vpc, src: Source) -> Peer:
    """The source as the far end sees it: its address, or any address of its subnet."""
    if src.address is not None:
        nets: tuple[IPNetwork, ...] = (ipaddress.ip_network(src.address),)
        label = str(src.address)
    else:
        nets = (subnet.cidr,) if subnet.cidr else ()
        label = (
            f"{subnet.id} ({subnet.cidr})"
            if subnet.cidr
            else f"{subnet.id} (its CidrBlock is not in the snapshot)"
        )
    return Peer(nets, label, group_ids=frozenset(src.security_group_ids), vpc_id=vpc.id)


def source_hop(snapshot: Snapshot, src: Source) -> Hop:
    """The first hop of every path: the source itself."""
    reason = f"{src.label}, security groups {', '.join(src.security_group_ids) or 'none'}"
    reason += ", public IP" if src.public_ip else ", no public IP"
    subnet = (snapshot.subnets or {}).get(src.subnet_id)
    if subnet is None or subnet.vpc_id not in (snapshot.vpcs or {}):
        missing = (
            f"{src.subnet_id} is not in Subnets" if subnet is None else ("its VPC is not in Vpcs")
        )
        return Hop(src.id, "source", "unknown", f"{reason}: {missing}; nothing can be checked")
    return Hop(src.id, "source", "pass", reason)


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
                builder.source_groups() if slot.groups is None else slot.groups,
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
