"""EC2: the VPCs' network for a snapshot (Vpcs, VpcAttributes, DhcpOptions, Subnets,
RouteTables, gateways, endpoints, security groups, network ACLs, ENIs, instances, prefix
lists and their entries), as ``aws ec2 describe-…`` gives them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netgraph.sources.collect import Collector


def collect_ec2(
    c: Collector, snap: dict[str, Any], vpc_ids: list[str], errors: list[dict[str, str]]
) -> None:
    """The network of the VPCs (without ``vpc_ids``: those of the services collected, else
    every VPC of the region): one call per record type, filtered by VPC, and the entries of
    the customer managed prefix lists that routes and rules name."""
    if not vpc_ids and snap.get("services"):
        subnets = sorted(
            {
                s
                for svc in snap["services"]
                for s in svc.get("networkConfiguration", {})
                .get("awsvpcConfiguration", {})
                .get("subnets", [])
            }
        )
        if subnets:
            found = c.call("ec2", "DescribeSubnets", errors, SubnetIds=subnets)
            listed = (found or {}).get("Subnets", [])
            vpc_ids = sorted({s["VpcId"] for s in listed if s.get("VpcId")})
            if any(not s.get("VpcId") for s in listed):
                # Their VPCs unknown: every VPC of the region is collected instead.
                vpc_ids = []
                c.lacks(errors, "ec2:DescribeSubnets", "Subnets[].VpcId")
    by_vpc = [{"Name": "vpc-id", "Values": vpc_ids}] if vpc_ids else []

    def put(key: str, operation: str, **params: Any) -> list[Any] | None:
        result = c.call("ec2", operation, errors, **params)
        if result is None:
            return None
        snap[key] = result.get(key, [])
        return list(snap[key])

    vpcs = put("Vpcs", "DescribeVpcs", **({"VpcIds": vpc_ids} if vpc_ids else {})) or []
    attributes: list[dict[str, Any]] = []
    attrs_ok = True
    for vpc in vpcs:
        if not vpc.get("VpcId"):
            c.lacks(errors, "ec2:DescribeVpcs", "Vpcs[].VpcId")
            attrs_ok = False
            continue
        for attribute in ("enableDnsSupport", "enableDnsHostnames"):
            got = c.call(
                "ec2", "DescribeVpcAttribute", errors, VpcId=vpc["VpcId"], Attribute=attribute
            )
            if got is None:
                attrs_ok = False
                continue
            attributes.append(got)
    if attrs_ok:
        snap["VpcAttributes"] = attributes
    dhcp_ids = sorted(
        {
            v["DhcpOptionsId"]
            for v in vpcs
            if v.get("DhcpOptionsId") and v["DhcpOptionsId"] != "default"
        }
    )
    if dhcp_ids:
        put("DhcpOptions", "DescribeDhcpOptions", DhcpOptionsIds=dhcp_ids)
    else:
        snap["DhcpOptions"] = []
    put("Subnets", "DescribeSubnets", Filters=by_vpc)
    tables = put("RouteTables", "DescribeRouteTables", Filters=by_vpc) or []
    igw_filter = [{"Name": "attachment.vpc-id", "Values": vpc_ids}] if vpc_ids else []
    put("InternetGateways", "DescribeInternetGateways", Filters=igw_filter)
    put("EgressOnlyInternetGateways", "DescribeEgressOnlyInternetGateways")
    put("NatGateways", "DescribeNatGateways", **({"Filter": by_vpc} if by_vpc else {}))
    put("VpcEndpoints", "DescribeVpcEndpoints", Filters=by_vpc)
    groups = put("SecurityGroups", "DescribeSecurityGroups", Filters=by_vpc) or []
    put("NetworkAcls", "DescribeNetworkAcls", Filters=by_vpc)
    put("NetworkInterfaces", "DescribeNetworkInterfaces", Filters=by_vpc)
    put("Reservations", "DescribeInstances", Filters=by_vpc)
    put("PrefixLists", "DescribePrefixLists")
    managed = put("ManagedPrefixLists", "DescribeManagedPrefixLists") or []
    # Entries of the lists that routes and rules name and that are not AWS-managed.
    named = {
        r["DestinationPrefixListId"]
        for t in tables
        for r in t.get("Routes", [])
        if r.get("DestinationPrefixListId")
    }
    named |= {
        p["PrefixListId"]
        for g in groups
        for perm in g.get("IpPermissions", []) + g.get("IpPermissionsEgress", [])
        for p in perm.get("PrefixListIds", [])
        if p.get("PrefixListId")
    }
    aws_lists = {p.get("PrefixListId") for p in snap.get("PrefixLists", [])}
    entries: dict[str, Any] = {}
    for pl in sorted(named - aws_lists):
        if managed and not any(m.get("PrefixListId") == pl for m in managed):
            continue
        got = c.call("ec2", "GetManagedPrefixListEntries", errors, PrefixListId=pl)
        if got is not None:
            entries[pl] = got.get("Entries", [])
    snap["PrefixListEntries"] = entries
