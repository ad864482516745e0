"""The public side of a destination: an AWS service's public endpoint (S3 by its prefix list,
any other by the public address space less S3's and DynamoDB's), or the internet; what the
path ends at, and the fix when no route leads there.

https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html
"""

from __future__ import annotations

from netgraph.evaluate import dns
from netgraph.evaluate.addresses import Peer, public_ipv4, split
from netgraph.hop import INTERNET_LABEL, Hop, HopKind
from netgraph.model import IPNetwork, Snapshot, VpcEndpoint


def service_terminal(snapshot: Snapshot, service: dns.AwsService | None, label: str) -> Hop:
    """The last hop of a path to a service (or, without one, to ``label`` on the internet)."""
    if service is None:
        reason = label if label == INTERNET_LABEL else f"{label} on the internet"
        return Hop("internet", HopKind.INTERNET, "pass", reason)
    name = service.service_name(snapshot.region)
    return Hop(name, HopKind.AWS_SERVICE, "pass", dns_name(label))


def endpoint_terminal(ep: VpcEndpoint, label: str) -> Hop:
    """The last hop of a path to a name of the user's own that DNS answers with an interface
    endpoint (a private hosted zone's alias): the endpoint's service, not the internet."""
    return Hop(
        ep.service_name,
        HopKind.AWS_SERVICE,
        "pass",
        f"{label}, served by {ep.service_name} through {ep.id}",
    )


def s3_prefix_list(snapshot: Snapshot) -> tuple[str | None, tuple[IPNetwork, ...] | None]:
    """S3's prefix list in the region: its id and, if listed, its CIDRs."""
    name = f"com.amazonaws.{snapshot.region}.s3"
    for pl in (snapshot.prefix_lists or {}).values():
        if pl.name == name:
            return pl.id, pl.cidrs
    # Not listed: the gateway endpoint's route names it all the same.
    for ep in (snapshot.vpc_endpoints or {}).values():
        if ep.service_name == name and ep.endpoint_type.lower() == "gateway":
            for rt_id in ep.route_table_ids:
                table = (snapshot.route_tables or {}).get(rt_id)
                for route in table.routes if table else ():
                    if route.target_id == ep.id and route.prefix_list_id:
                        return route.prefix_list_id, None
    return None, None


def s3_peer(snapshot: Snapshot) -> Peer:
    """S3's public addresses: its prefix list's CIDRs, else any public address."""
    pl_id, cidrs = s3_prefix_list(snapshot)
    if cidrs:
        return Peer(cidrs, f"S3 ({pl_id})", prefix_list_id=pl_id)
    return Peer(
        public_ipv4(),
        f"S3 ({pl_id or 'public addresses'})",
        approximate=True,
        prefix_list_id=pl_id,
    )


def s3_hint(region: str) -> str:
    """The fix when no route leads to S3 (``{table}``: the route table)."""
    return (
        f"add the S3 gateway endpoint com.amazonaws.{region}.s3 to "
        "{table} (aws ec2 modify-vpc-endpoint --add-route-table-ids), or route "
        "0.0.0.0/0 to a NAT gateway"
    )


def gateway_endpoint_lists(snapshot: Snapshot) -> frozenset[str]:
    """The prefix lists of gateway endpoints (S3, DynamoDB)."""
    return frozenset(
        r.prefix_list_id
        for t in (snapshot.route_tables or {}).values()
        for r in t.routes
        if r.prefix_list_id and r.target_kind == "gateway-endpoint"
    )


def public_outside(snapshot: Snapshot, lists: frozenset[str]) -> tuple[IPNetwork, ...]:
    """The public address space without the known CIDRs of ``lists``: another AWS service
    does not answer from S3's or DynamoDB's addresses."""
    nets = list(public_ipv4())
    for pl_id in sorted(lists):
        pl = (snapshot.prefix_lists or {}).get(pl_id)
        for cidr in (pl.cidrs or ()) if pl else ():
            nets = split(nets, cidr)[1]
    return tuple(sorted(nets, key=lambda n: (n.version, int(n.network_address))))


def dns_name(label: str) -> str:
    """A destination's name as DNS spells it: lower case, without the root's dot. A target's
    label is its service's host already; a name the user gave is worded as asked (another
    account's registry, a bucket's own name), not as the snapshot's own host."""
    return label.lower().removesuffix(".")


def public_label(service: dns.AwsService | None, label: str) -> str:
    if service is None:
        return f"{label} (public)"
    return f"{dns_name(label)} (public)"


def public_hint(
    region: str, service: dns.AwsService | None, resolution: dns.Resolution, vpc_id: str
) -> str:
    """The fix when no route leads to the public side (``{table}``: the route table)."""
    if resolution.fix is not None:  # the resolution knows better (a zone to associate, ...)
        return resolution.fix
    if service is None:
        return (
            "route 0.0.0.0/0 in {table} to a NAT gateway (private subnet) or an internet "
            "gateway (with a public IP)"
        )
    endpoint = resolution.endpoint
    if endpoint is not None and not endpoint.private_dns_enabled:
        return (
            f"enable private DNS on {endpoint.id} (aws ec2 modify-vpc-endpoint "
            f"--vpc-endpoint-id {endpoint.id} --private-dns-enabled)"
        )
    if endpoint is not None:
        return (
            f"enable enableDnsHostnames on {vpc_id} so "
            f"that the private DNS of {endpoint.id} applies"
        )
    return (
        f"create an interface endpoint {service.service_name(region)} in "
        f"{vpc_id} with private DNS, or route "
        "0.0.0.0/0 in {table} to a NAT gateway"
    )
