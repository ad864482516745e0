"""EC2 transit gateways and VPC peering for a snapshot (TransitGateways,
TransitGatewayAttachments, TransitGatewayVpcAttachments, TransitGatewayRouteTables,
TransitGatewayRouteTableRoutes, VpcPeeringConnections), as snapshot-format.md "Several VPCs"
says ``aws ec2 describe-…`` and ``search-transit-gateway-routes`` give them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netgraph.sources.collect import Collector

# search-transit-gateway-routes requires a filter; this one returns every route installed.
EVERY_ROUTE = [{"Name": "state", "Values": ["active", "blackhole"]}]


def collect_transit(c: Collector, snap: dict[str, Any], errors: list[dict[str, str]]) -> None:
    """The account's transit gateways (its own and those shared with it through RAM), their
    attachments and, for the route tables it can see (those of the gateways it owns), their
    routes; and its VPC peering connections. A failed call leaves its key absent; a table
    whose routes could not be searched is left out of TransitGatewayRouteTableRoutes (its
    routes are unknown, the others stand)."""

    def put(key: str, operation: str) -> list[Any] | None:
        result = c.call("ec2", operation, errors)
        if result is None:
            return None
        snap[key] = result.get(key, [])
        return list(snap[key])

    put("TransitGateways", "DescribeTransitGateways")
    put("TransitGatewayAttachments", "DescribeTransitGatewayAttachments")
    put("TransitGatewayVpcAttachments", "DescribeTransitGatewayVpcAttachments")
    tables = put("TransitGatewayRouteTables", "DescribeTransitGatewayRouteTables")
    if tables is not None:
        routes: dict[str, Any] = {}
        for table in tables:
            table_id = table.get("TransitGatewayRouteTableId")
            if not table_id:
                c.lacks(
                    errors,
                    "ec2:DescribeTransitGatewayRouteTables",
                    "TransitGatewayRouteTables[].TransitGatewayRouteTableId",
                )
                continue
            got = c.call(
                "ec2",
                "SearchTransitGatewayRoutes",
                errors,
                TransitGatewayRouteTableId=table_id,
                Filters=EVERY_ROUTE,
            )
            if got is not None:
                routes[table_id] = {
                    "Routes": got.get("Routes", []),
                    # Absent in a reply: not known to be complete.
                    "AdditionalRoutesAvailable": got.get("AdditionalRoutesAvailable", True),
                }
        snap["TransitGatewayRouteTableRoutes"] = routes
    put("VpcPeeringConnections", "DescribeVpcPeeringConnections")
