"""EC2 describe responses -> model: VPCs and their attributes, DHCP options, subnets, route
tables, gateways, VPC endpoints, network interfaces, instances and prefix lists.

Routes and network interfaces, which a large account has by the ten thousand, are read by a
fast path over plain dicts; anything it does not recognise goes to the validating reader,
which names the error. Both make the model object through one helper (``_route_of``,
``_interface_of``), which says what an absent field means.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from netgraph.model import (
    DhcpOptions,
    Instance,
    InternetGateway,
    IPAddress,
    IPNetwork,
    NatGateway,
    NetworkInterface,
    PrefixList,
    Route,
    RouteTable,
    RouteTargetKind,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from netgraph.sources.merge import RawSnapshot
from netgraph.sources.policies import parse_policy
from netgraph.sources.reader import Obj, SnapshotError, _cidr_fast, has_empty_id
from netgraph.sources.route53 import dns_name


def vpc(o: Obj) -> Vpc:
    cidrs: list[IPNetwork] = []
    assocs = o.objs("CidrBlockAssociationSet")
    if assocs:
        for a in assocs:
            state = a.opt_obj("CidrBlockState")
            # Disassociated secondary CIDRs have no local route any more.
            if state is None or state.opt_str("State") in (None, "associated", "associating"):
                net = a.network("CidrBlock")
                if net is not None:
                    cidrs.append(net)
    else:
        net = o.network("CidrBlock")
        if net is not None:
            cidrs.append(net)
    for a in o.objs("Ipv6CidrBlockAssociationSet"):
        state = a.opt_obj("Ipv6CidrBlockState")
        if state is None or state.opt_str("State") in (None, "associated"):
            net = a.network("Ipv6CidrBlock")
            if net is not None:
                cidrs.append(net)
    return Vpc(
        id=o.req("VpcId"),
        cidrs=tuple(cidrs),
        dhcp_options_id=o.opt_str("DhcpOptionsId"),
        enable_dns_support=None,
        enable_dns_hostnames=None,
        name=o.name_tag(),
    )


def apply_vpc_attributes(vpcs: dict[str, Any] | None, items: list[Obj] | None) -> None:
    if vpcs is None or items is None:
        return
    for o in items:
        vpc_id = o.req("VpcId")
        if vpc_id not in vpcs:
            raise SnapshotError(o.wording.not_in(o.at("VpcId"), vpc_id, "Vpcs"))
        vpc: Vpc = vpcs[vpc_id]
        support, hostnames = vpc.enable_dns_support, vpc.enable_dns_hostnames
        for key in ("EnableDnsSupport", "EnableDnsHostnames"):
            attr = o.opt_obj(key)
            if attr is None:
                continue
            value = attr.opt_bool("Value")
            if key == "EnableDnsSupport":
                support = value
            else:
                hostnames = value
        vpcs[vpc_id] = Vpc(
            id=vpc.id,
            cidrs=vpc.cidrs,
            dhcp_options_id=vpc.dhcp_options_id,
            enable_dns_support=support,
            enable_dns_hostnames=hostnames,
            name=vpc.name,
        )


def check_subnet_vpcs(items: list[Obj], vpcs: dict[str, Any]) -> None:
    """Each subnet's VPC is in ``Vpcs`` (when both were collected)."""
    for o in items:
        vpc_id = o.req("VpcId")
        if vpc_id not in vpcs:
            by = f"subnet {o.req('SubnetId')}"
            raise SnapshotError(o.wording.not_in(o.at("VpcId"), vpc_id, "Vpcs", by=by))


def dhcp_options(o: Obj) -> DhcpOptions:
    dhcp_id = o.req("DhcpOptionsId")
    # AWS returns DhcpConfigurations, and a Key and Values in each: without them the DNS
    # servers are unknown, not AmazonProvidedDNS.
    if not o.has("DhcpConfigurations"):
        return DhcpOptions(dhcp_id, None)
    servers: tuple[str, ...] = ()
    for conf in o.objs("DhcpConfigurations"):
        key = conf.opt_str("Key")
        if key is None:
            return DhcpOptions(dhcp_id, None)
        if key == "domain-name-servers":
            if not conf.has("Values") or not conf.objs("Values"):
                return DhcpOptions(dhcp_id, None)
            servers = tuple(v.req("Value") for v in conf.objs("Values"))
    return DhcpOptions(id=dhcp_id, domain_name_servers=servers)


def subnet(o: Obj) -> Subnet:
    return Subnet(
        id=o.req("SubnetId"),
        vpc_id=o.req("VpcId"),
        cidr=o.network("CidrBlock"),
        ipv6_cidrs=tuple(
            n
            for a in o.objs("Ipv6CidrBlockAssociationSet")
            if (n := a.network("Ipv6CidrBlock")) is not None
        ),
        availability_zone=o.opt_str("AvailabilityZone"),
        name=o.name_tag(),
    )


_TARGET_KEYS: tuple[tuple[str, RouteTargetKind], ...] = (
    ("NatGatewayId", "nat"),
    ("TransitGatewayId", "tgw"),
    ("VpcPeeringConnectionId", "pcx"),
    ("EgressOnlyInternetGatewayId", "eigw"),
    ("InstanceId", "instance"),
    ("NetworkInterfaceId", "eni"),
    ("LocalGatewayId", "other"),
    ("CarrierGatewayId", "other"),
    ("CoreNetworkArn", "other"),
)


def _gateway_kind(gateway: str) -> RouteTargetKind:
    """What a route's GatewayId names: the VPC itself or a gateway, by its id's prefix."""
    if gateway == "local":
        return "local"
    for prefix, kind in _GATEWAY_PREFIXES:
        if gateway.startswith(prefix):
            return kind
    return "other"


_GATEWAY_PREFIXES: tuple[tuple[str, RouteTargetKind], ...] = (
    ("igw-", "igw"),
    ("vgw-", "vgw"),
    ("vpce-", "gateway-endpoint"),
    ("eigw-", "eigw"),
)


def _route(o: Obj) -> Route:
    return _route_fast(o.data) or _route_read(o)


def _route_fast(d: dict[str, Any]) -> Route | None:
    """``_route_read`` for a well-formed route, without the reader's bookkeeping (a large
    account has tens of thousands). None: let ``_route_read`` read it and name any error."""
    dest: IPNetwork | None = None
    text = d.get("DestinationCidrBlock")
    if text is None:
        text = d.get("DestinationIpv6CidrBlock")
    if text is not None:
        dest = _cidr_fast(text)
        if dest is None:
            return None
    pl = d.get("DestinationPrefixListId")
    gateway = d.get("GatewayId")
    state = d.get("State")
    origin = d.get("Origin")
    for value in (pl, gateway, state, origin):
        if value is not None and type(value) is not str:
            return None
    if has_empty_id(d):
        return None
    if dest is None and pl is None:
        return None
    kind: RouteTargetKind = "other"
    target = ""
    if gateway is not None:
        target = gateway
        kind = _gateway_kind(gateway)
    for key, key_kind in _TARGET_KEYS:
        if key in d:
            value = d[key]
            if value is None:
                continue
            if type(value) is not str:
                return None
            if not target:
                target, kind = value, key_kind
    return _route_of(dest, pl, kind, target, state, origin)


_DESTINATION_KEYS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")


def _route_read(o: Obj) -> Route:
    dest = o.network("DestinationCidrBlock")
    if dest is None:
        dest = o.network("DestinationIpv6CidrBlock")
    pl = o.opt_str("DestinationPrefixListId")
    if dest is None and pl is None:
        raise SnapshotError(o.wording.none_of(o.at(), "route", _DESTINATION_KEYS))
    kind: RouteTargetKind = "other"
    target = ""
    gateway = o.opt_str("GatewayId")
    if gateway is not None:
        target = gateway
        kind = _gateway_kind(gateway)
    # An instance route also names the instance's ENI; the ENI is what forwards.
    present = o.data
    for key, key_kind in _TARGET_KEYS:
        if key not in present:  # a route names one target: skip the others cheaply
            continue
        value = o.opt_str(key)
        if value is not None and not target:
            target, kind = value, key_kind
    return _route_of(dest, pl, kind, target, o.opt_str("State"), o.opt_str("Origin"))


def _route_of(
    dest: IPNetwork | None,
    prefix_list_id: str | None,
    kind: RouteTargetKind,
    target: str,
    state: str | None,
    origin: str | None,
) -> Route:
    """A route as both readers of a route record make it, with what absent fields mean."""
    return Route(
        destination=dest,
        prefix_list_id=prefix_list_id,
        target_kind=kind,
        target_id=target or "unknown-target",
        state=(state or "unknown").lower(),  # absent: not known, not active
        origin=origin or "CreateRoute",
    )


def route_table(o: Obj) -> RouteTable:
    subnet_ids: list[str] = []
    main = False
    for a in o.objs("Associations"):
        state = a.opt_obj("AssociationState")
        if state is not None and state.opt_str("State") not in (None, "associated"):
            continue
        if a.opt_bool("Main"):
            main = True
        subnet = a.opt_str("SubnetId")
        if subnet is not None:
            subnet_ids.append(subnet)
    return RouteTable(
        id=o.req("RouteTableId"),
        vpc_id=o.req("VpcId"),
        routes=tuple(_route(r) for r in o.objs("Routes")),
        subnet_ids=tuple(subnet_ids),
        main=main,
        name=o.name_tag(),
    )


def internet_gateway(o: Obj) -> InternetGateway:
    return InternetGateway(
        id=o.req("InternetGatewayId"),
        attached_vpc_ids=tuple(
            a.req("VpcId")
            for a in o.objs("Attachments")
            if a.opt_str("State") in ("available", "attached")
        ),
        unknown_state_vpc_ids=tuple(
            a.req("VpcId") for a in o.objs("Attachments") if a.opt_str("State") is None
        ),
    )


def egress_only_gateway_ids(items: list[Obj] | None) -> frozenset[str] | None:
    if items is None:
        return None
    return frozenset(o.req("EgressOnlyInternetGatewayId") for o in items)


def nat_gateway(o: Obj) -> NatGateway:
    addresses = o.objs("NatGatewayAddresses")
    return NatGateway(
        id=o.req("NatGatewayId"),
        vpc_id=o.opt_str("VpcId"),
        subnet_id=o.req("SubnetId"),
        state=(o.opt_str("State") or "unknown").lower(),
        connectivity_type=(o.opt_str("ConnectivityType") or "public").lower(),
        private_ips=tuple(a for x in addresses if (a := x.address("PrivateIp")) is not None),
        public_ips=tuple(a for x in addresses if (a := x.address("PublicIp")) is not None),
    )


def vpc_endpoint(o: Obj) -> VpcEndpoint:
    dns = o.opt_obj("DnsOptions")
    endpoint_id = o.req("VpcEndpointId")
    document = o.data.get("PolicyDocument")
    policy = None
    if document is not None:
        if not isinstance(document, (str, dict)):
            raise SnapshotError(o.wording.wrong(o.at("PolicyDocument"), "a JSON string"))
        policy = parse_policy(f"endpoint policy of {endpoint_id}", document, resource_based=True)
    return VpcEndpoint(
        id=endpoint_id,
        vpc_id=o.req("VpcId"),
        endpoint_type=o.opt_str("VpcEndpointType") or "Gateway",
        service_name=o.req("ServiceName"),
        state=(o.opt_str("State") or "unknown").lower(),
        private_dns_enabled=bool(o.opt_bool("PrivateDnsEnabled")),
        private_dns_only_for_inbound_resolver=bool(
            dns.opt_bool("PrivateDnsOnlyForInboundResolverEndpoint") if dns else False
        ),
        subnet_ids=o.strs("SubnetIds"),
        group_ids=(tuple(g.req("GroupId") for g in o.objs("Groups")) if o.has("Groups") else None),
        network_interface_ids=o.strs("NetworkInterfaceIds"),
        route_table_ids=o.strs("RouteTableIds"),
        policy=policy,
        dns_names=_dns_names(o),
    )


def _dns_names(o: Obj) -> tuple[str, ...] | None:
    """DnsEntries[].DnsName, as Route 53 alias targets are compared with them."""
    if not o.has("DnsEntries"):
        return None
    names = [e.opt_str("DnsName") for e in o.objs("DnsEntries")]
    return tuple(dns_name(n) for n in names if n is not None)


def _ips(o: Obj) -> tuple[list[IPAddress], IPAddress | None]:
    private: list[IPAddress] = []
    public: IPAddress | None = None
    primary = o.address("PrivateIpAddress")
    if primary is not None:
        private.append(primary)
    for p in o.objs("PrivateIpAddresses"):
        if primary is not None and p.data.get("PrivateIpAddress") == o.data["PrivateIpAddress"]:
            continue  # the primary address again, as AWS lists it: already read
        ip = p.address("PrivateIpAddress")
        if ip is not None and ip not in private:
            private.append(ip)
        assoc = p.opt_obj("Association")
        if public is None and assoc is not None:
            public = assoc.address("PublicIp")
    assoc = o.opt_obj("Association")
    if assoc is not None and assoc.address("PublicIp") is not None:
        public = assoc.address("PublicIp")
    return private, public


def network_interface(o: Obj) -> NetworkInterface:
    return _network_interface_fast(o.data) or _network_interface_read(o)


def _network_interface_fast(d: dict[str, Any]) -> NetworkInterface | None:
    """``_network_interface_read`` for a well-formed ENI with one private address, the
    common case by far; None otherwise, and that reader takes it."""
    eni_id = d.get("NetworkInterfaceId")
    primary = d.get("PrivateIpAddress")
    others = d.get("PrivateIpAddresses")
    groups = d.get("Groups")
    assoc = d.get("Association")
    attachment = d.get("Attachment")
    if (
        type(eni_id) is not str
        or type(primary) is not str
        or type(groups) is not list
        or (assoc is not None and type(assoc) is not dict)
        or (attachment is not None and type(attachment) is not dict)
    ):
        return None
    # AWS lists the primary address again in PrivateIpAddresses: take only that shape here.
    if others is not None and (
        type(others) is not list
        or len(others) > 1
        or (
            others and (type(others[0]) is not dict or others[0].get("PrivateIpAddress") != primary)
        )
    ):
        return None
    strings = (
        d.get("SubnetId"),
        d.get("VpcId"),
        d.get("InterfaceType"),
        d.get("Description"),
        attachment.get("InstanceId") if attachment else None,
        assoc.get("PublicIp") if assoc else None,
    )
    for value in strings:
        if value is not None and type(value) is not str:
            return None
    if has_empty_id(d) or (attachment and has_empty_id(attachment)):
        return None
    group_ids = []
    for g in groups:
        if type(g) is not dict or type(g.get("GroupId")) is not str or has_empty_id(g):
            return None
        group_ids.append(g["GroupId"])
    try:
        address = ipaddress.ip_address(primary)
        public = ipaddress.ip_address(strings[5]) if strings[5] is not None else None
    except ValueError:
        return None
    return _interface_of(
        eni_id,
        strings[0],
        strings[1],
        (address,),
        public,
        tuple(group_ids),
        strings[2],
        strings[4],
        strings[3],
    )


def _network_interface_read(o: Obj) -> NetworkInterface:
    private, public = _ips(o)
    attachment = o.opt_obj("Attachment")
    return _interface_of(
        o.req("NetworkInterfaceId"),
        o.opt_str("SubnetId"),
        o.opt_str("VpcId"),
        tuple(private),
        public,
        tuple(g.req("GroupId") for g in o.objs("Groups")) if o.has("Groups") else None,
        o.opt_str("InterfaceType"),
        attachment.opt_str("InstanceId") if attachment else None,
        o.opt_str("Description"),
    )


def _interface_of(
    eni_id: str,
    subnet_id: str | None,
    vpc_id: str | None,
    private_ips: tuple[IPAddress, ...],
    public_ip: IPAddress | None,
    group_ids: tuple[str, ...] | None,
    interface_type: str | None,
    instance_id: str | None,
    description: str | None,
) -> NetworkInterface:
    """An ENI as both readers of an ENI record make it, with what absent fields mean."""
    return NetworkInterface(
        id=eni_id,
        subnet_id=subnet_id,
        vpc_id=vpc_id,
        private_ips=private_ips,
        public_ip=public_ip,
        group_ids=group_ids,
        interface_type=interface_type or "interface",
        instance_id=instance_id,
        description=description or "",
    )


def instances(items: list[Obj] | None) -> dict[str, Instance] | None:
    if items is None:
        return None
    out: dict[str, Instance] = {}
    for reservation in items:
        for o in reservation.objs("Instances"):
            state = o.opt_obj("State")
            instance = Instance(
                id=o.req("InstanceId"),
                state=(state.opt_str("Name") if state else None) or "unknown",
                subnet_id=o.opt_str("SubnetId"),
                vpc_id=o.opt_str("VpcId"),
                private_ip=o.address("PrivateIpAddress"),
                public_ip=o.address("PublicIpAddress"),
                group_ids=tuple(g.req("GroupId") for g in o.objs("SecurityGroups")) or None,
                network_interface_ids=tuple(
                    n.req("NetworkInterfaceId") for n in o.objs("NetworkInterfaces")
                ),
                name=o.name_tag(),
            )
            out[instance.id] = instance
    return out


def prefix_lists(raw: RawSnapshot) -> dict[str, PrefixList] | None:
    if not ({"PrefixLists", "ManagedPrefixLists", "PrefixListEntries"} & raw.present):
        return None
    names: dict[str, str | None] = {}
    cidrs: dict[str, list[IPNetwork]] = {}
    for o in raw.lists.get("PrefixLists", []):
        pl = o.req("PrefixListId")
        names[pl] = o.opt_str("PrefixListName")
        if not o.has("Cidrs"):
            continue  # a list without its CIDRs: they are unknown, not empty
        nets = []
        for i, text in enumerate(o.strs("Cidrs")):
            try:
                nets.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                raise SnapshotError(o.wording.not_cidr(f"{o.at('Cidrs')}[{i}]", text)) from None
        cidrs[pl] = nets
    for o in raw.lists.get("ManagedPrefixLists", []):
        pl = o.req("PrefixListId")
        names[pl] = o.opt_str("PrefixListName") or names.get(pl)
    for obj in raw.objects.get("PrefixListEntries", []):
        for pl, value in obj.data.items():
            holder = Obj({"Entries": value}, obj.file, f"{obj.path}.{pl}")
            if isinstance(value, dict):
                holder = Obj(value, obj.file, f"{obj.path}.{pl}")
            nets = [n for e in holder.objs("Entries") if (n := e.network("Cidr")) is not None]
            cidrs.setdefault(pl, []).extend(nets)
            names.setdefault(pl, None)
    return {
        pl: PrefixList(id=pl, name=names.get(pl), cidrs=tuple(cidrs[pl]) if pl in cidrs else None)
        for pl in names
    }
