"""Small model objects for the tests that call the rules of route targets directly."""

from __future__ import annotations

import ipaddress
from typing import Any

from netgraph.flows import Source
from netgraph.model import Route, RouteTable, Snapshot, Subnet, VpcEndpoint

VPC = "vpc-1"


def snapshot(**fields: Any) -> Snapshot:
    """A snapshot of nothing but ``fields`` (every other key: collected and empty)."""
    base: dict[str, Any] = {
        "region": "ap-northeast-1",
        "account_id": "111122223333",
        "vpcs": {},
        "subnets": {},
        "route_tables": {},
        "internet_gateways": {},
        "egress_only_internet_gateway_ids": frozenset(),
        "nat_gateways": {},
        "vpc_endpoints": {},
        "security_groups": {},
        "network_acls": {},
        "network_interfaces": {},
        "instances": {},
        "prefix_lists": {},
        "dhcp_options": {},
        "vpc_attributes_collected": True,
        "services": {},
        "task_definitions": {},
    }
    return Snapshot(**{**base, **fields})


def subnet(subnet_id: str, cidr: str) -> Subnet:
    return Subnet(subnet_id, VPC, ipaddress.ip_network(cidr), (), "ap-northeast-1a")


def route(
    target_id: str, kind: Any, destination: str = "0.0.0.0/0", state: str = "active"
) -> Route:
    return Route(ipaddress.ip_network(destination), None, kind, target_id, state, "CreateRoute")


def table(table_id: str, *routes: Route) -> RouteTable:
    return RouteTable(table_id, VPC, routes, (), False)


def source(*, public_ip: bool = False) -> Source:
    return Source("hypothetical", "subnet-a", "subnet-a", ("sg-1",), public_ip)


def endpoint(endpoint_id: str = "vpce-1", **fields: Any) -> VpcEndpoint:
    base: dict[str, Any] = {
        "id": endpoint_id,
        "vpc_id": VPC,
        "endpoint_type": "Interface",
        "service_name": "com.amazonaws.ap-northeast-1.ecr.api",
        "state": "available",
        "private_dns_enabled": True,
        "private_dns_only_for_inbound_resolver": False,
        "subnet_ids": (),
        "group_ids": ("sg-e",),
        "network_interface_ids": (),
        "route_table_ids": (),
        "policy": None,
    }
    return VpcEndpoint(**{**base, **fields})
