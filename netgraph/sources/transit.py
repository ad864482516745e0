"""EC2 transit gateway and VPC peering responses -> model (snapshot-format.md "Several VPCs").

``TransitGatewayAttachments`` says what an attachment is and what it is associated with;
``TransitGatewayVpcAttachments`` adds a VPC attachment's subnets and options: the two are
joined by attachment id. An attachment listed by one but not the other keeps what the other
would have said as unknown (``subnet_ids`` None, ``association_collected`` False).
"""

from __future__ import annotations

from netgraph.model import (
    IPNetwork,
    PeeringSide,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    VpcPeeringConnection,
)
from netgraph.sources.merge import RawSnapshot
from netgraph.sources.reader import Obj, SnapshotError


def _state(o: Obj, key: str = "State") -> str:
    return (o.opt_str(key) or "unknown").lower()


def _enabled(o: Obj | None, key: str) -> bool | None:
    if o is None:
        return None
    value = o.opt_str(key)
    return None if value is None else value.lower() == "enable"


def transit_gateways(raw: RawSnapshot) -> dict[str, TransitGateway] | None:
    items = raw.items("TransitGateways")
    if items is None:
        return None
    out: dict[str, TransitGateway] = {}
    for o in items:
        tgw = TransitGateway(
            id=o.req("TransitGatewayId"),
            owner_id=o.opt_str("OwnerId"),
            state=_state(o),
            security_group_referencing=_enabled(
                o.opt_obj("Options"), "SecurityGroupReferencingSupport"
            ),
        )
        out[tgw.id] = tgw
    return out


def transit_gateway_attachments(raw: RawSnapshot) -> dict[str, TransitGatewayAttachment] | None:
    general = raw.items("TransitGatewayAttachments")
    vpc_items = raw.items("TransitGatewayVpcAttachments")
    if general is None and vpc_items is None:
        return None
    out: dict[str, TransitGatewayAttachment] = {}
    for o in general or []:
        assoc = o.opt_obj("Association")
        att = TransitGatewayAttachment(
            id=o.req("TransitGatewayAttachmentId"),
            transit_gateway_id=o.req("TransitGatewayId"),
            resource_type=(o.opt_str("ResourceType") or "unknown").lower(),
            resource_id=o.opt_str("ResourceId"),
            resource_owner_id=o.opt_str("ResourceOwnerId"),
            state=_state(o),
            route_table_id=assoc.opt_str("TransitGatewayRouteTableId") if assoc else None,
            association_state=(assoc.opt_str("State") or "unknown").lower() if assoc else None,
            association_collected=True,
        )
        out[att.id] = att
    for o in vpc_items or []:
        att_id = o.req("TransitGatewayAttachmentId")
        options = o.opt_obj("Options")
        subnets = o.strs("SubnetIds") if o.has("SubnetIds") else None
        found = out.get(att_id)
        vpc_id = o.opt_str("VpcId")
        if found is None:
            out[att_id] = TransitGatewayAttachment(
                id=att_id,
                transit_gateway_id=o.req("TransitGatewayId"),
                resource_type="vpc",
                resource_id=vpc_id,
                resource_owner_id=o.opt_str("VpcOwnerId"),
                state=_state(o),
                route_table_id=None,
                association_state=None,
                association_collected=False,
                subnet_ids=subnets,
                appliance_mode=_enabled(options, "ApplianceModeSupport"),
                security_group_referencing=_enabled(options, "SecurityGroupReferencingSupport"),
            )
            continue
        if vpc_id is not None and found.resource_id not in (None, vpc_id):
            raise SnapshotError(
                o.wording.contradicts(
                    o.at("VpcId"), vpc_id, found.resource_id, "TransitGatewayAttachments"
                )
            )
        out[att_id] = TransitGatewayAttachment(
            id=found.id,
            transit_gateway_id=found.transit_gateway_id,
            resource_type=found.resource_type,
            resource_id=found.resource_id or vpc_id,
            resource_owner_id=found.resource_owner_id or o.opt_str("VpcOwnerId"),
            state=found.state,
            route_table_id=found.route_table_id,
            association_state=found.association_state,
            association_collected=found.association_collected,
            subnet_ids=subnets,
            appliance_mode=_enabled(options, "ApplianceModeSupport"),
            security_group_referencing=_enabled(options, "SecurityGroupReferencingSupport"),
        )
    return out


def _tgw_route(o: Obj) -> TransitGatewayRoute:
    return TransitGatewayRoute(
        destination=o.network("DestinationCidrBlock"),
        prefix_list_id=o.opt_str("PrefixListId"),
        attachment_ids=tuple(
            a.req("TransitGatewayAttachmentId") for a in o.objs("TransitGatewayAttachments")
        ),
        type=(o.opt_str("Type") or "unknown").lower(),
        state=_state(o),
    )


def transit_gateway_route_tables(raw: RawSnapshot) -> dict[str, TransitGatewayRouteTable] | None:
    tables = raw.items("TransitGatewayRouteTables")
    if tables is None and "TransitGatewayRouteTableRoutes" not in raw.present:
        return None
    routes: dict[str, tuple[tuple[TransitGatewayRoute, ...], bool]] = {}
    for obj in raw.objects.get("TransitGatewayRouteTableRoutes", []):
        for rt_id, value in obj.data.items():
            if not isinstance(value, dict):
                raise SnapshotError(obj.wording.expected(f"{obj.at()}.{rt_id}", "an object", value))
            holder = Obj(value, obj.file, f"{obj.path}.{rt_id}")
            if not holder.has("Routes"):
                # A response without its Routes: the routes are unknown, not none.
                continue
            found = tuple(_tgw_route(r) for r in holder.objs("Routes"))
            more = bool(holder.opt_bool("AdditionalRoutesAvailable"))
            before = routes.get(rt_id)
            if before is not None:
                found, more = before[0] + found, before[1] or more
            routes[rt_id] = (found, more)
    out: dict[str, TransitGatewayRouteTable] = {}
    for o in tables or []:
        rt_id = o.req("TransitGatewayRouteTableId")
        listed = routes.get(rt_id)
        out[rt_id] = TransitGatewayRouteTable(
            id=rt_id,
            transit_gateway_id=o.opt_str("TransitGatewayId"),
            state=_state(o),
            routes=listed[0] if listed else None,
            additional_routes_available=listed[1] if listed else False,
        )
    for rt_id, (found, more) in routes.items():
        if rt_id not in out:
            out[rt_id] = TransitGatewayRouteTable(rt_id, None, "unknown", found, more)
    return out


def _side(o: Obj | None) -> PeeringSide:
    if o is None:
        return PeeringSide(None, None, None, ())
    cidrs: list[IPNetwork] = [
        n for c in o.objs("CidrBlockSet") if (n := c.network("CidrBlock")) is not None
    ]
    if not o.has("CidrBlockSet"):
        primary = o.network("CidrBlock")
        cidrs = [primary] if primary is not None else []
    return PeeringSide(
        vpc_id=o.opt_str("VpcId"),
        owner_id=o.opt_str("OwnerId"),
        region=o.opt_str("Region"),
        cidrs=tuple(cidrs),
    )


def vpc_peering_connections(raw: RawSnapshot) -> dict[str, VpcPeeringConnection] | None:
    items = raw.items("VpcPeeringConnections")
    if items is None:
        return None
    out: dict[str, VpcPeeringConnection] = {}
    for o in items:
        status = o.opt_obj("Status")
        pcx = VpcPeeringConnection(
            id=o.req("VpcPeeringConnectionId"),
            status=_state(status, "Code") if status else "unknown",
            requester=_side(o.opt_obj("RequesterVpcInfo")),
            accepter=_side(o.opt_obj("AccepterVpcInfo")),
        )
        out[pcx.id] = pcx
    return out
