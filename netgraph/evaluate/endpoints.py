"""VPC endpoints: a gateway endpoint (S3, DynamoDB) that a route names, and an interface
endpoint whose ENIs the service's name resolves to. Both: state `available`, and an endpoint
policy that allows each request the task sends through them.

https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
"""

from __future__ import annotations

from netgraph.arns import account_of
from netgraph.evaluate import iam
from netgraph.evaluate.addresses import Peer
from netgraph.hop import Destination, FarSide, Hop, HopKind, blocking
from netgraph.model import TCP, Route, RouteTable, Snapshot, Subnet, VpcEndpoint
from netgraph.requirements import default_calls


def gateway_endpoint(
    snapshot: Snapshot, table: RouteTable, route: Route, protocol: str
) -> Hop | VpcEndpoint:
    """The gateway endpoint ``route`` (in ``table``) names, to be judged by
    ``endpoint_verdict``; or the hop that ends the path before it is."""
    if snapshot.vpc_endpoints is None or not snapshot.collected("VpcEndpoints", table.vpc_id):
        reason = snapshot.missing_reason("VpcEndpoints", table.vpc_id)
        return Hop(route.target_id, HopKind.GATEWAY_ENDPOINT, "unknown", reason)
    ep = snapshot.vpc_endpoints.get(route.target_id)
    if ep is None:
        reason = f"{table.id} routes to {route.target_id}, which is not in VpcEndpoints"
        return Hop(route.target_id, HopKind.GATEWAY_ENDPOINT, "unknown", reason)
    if protocol not in (TCP, "1"):
        return blocking(
            ep.id,
            HopKind.GATEWAY_ENDPOINT,
            f"{ep.id} is a gateway endpoint: it carries TCP and ICMP only",
            "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            endpoint=ep.id,
        )
    return ep


def endpoint_verdict(
    ep: VpcEndpoint, kind: HopKind, dest: Destination, region: str
) -> tuple[Hop, bool]:
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
    return policy_verdict(ep, kind, dest, region), True


def policy_verdict(ep: VpcEndpoint, kind: HopKind, dest: Destination, region: str) -> Hop:
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
    service = dest.service.target if dest.service else None
    calls = [c for c in dest.calls if c.target == service] or default_calls(service or "", region)
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
    # A call AWS lists but the task can do without passes even when denied: said, so that
    # "allows" is never read of a call the policy refuses or may refuse. (Every call is
    # named: a required one that is not allowed returned above.)
    says = [f"allows {allowed}"] if allowed else []
    for verb, decided in (("denies", ("deny", "implicit-deny")), ("may deny", ("unknown",))):
        spared = [c.describe() for c, d in decisions if not c.required and d.decision in decided]
        if spared:
            says.append(f"{verb} {', '.join(spared)}, which the task can do without")
    return Hop(
        ep.id,
        kind,
        "pass",
        f"{ep.id} ({ep.service_name}) is available; its policy {' and '.join(says)}",
    )


def no_interface_hop(ep: VpcEndpoint) -> Hop:
    """An interface endpoint with no ENI to send to (``endpoint_sides`` found none)."""
    return blocking(
        ep.id,
        HopKind.INTERFACE_ENDPOINT,
        f"{ep.id} has no network interface in any subnet",
        "VPCE_NO_ENI",
        endpoint=ep.id,
    )


def endpoint_sides(snapshot: Snapshot, ep: VpcEndpoint, terminal: Hop) -> list[FarSide]:
    """Where a packet to an interface endpoint goes on: each of its ENIs, in its subnet
    (every one is checked: DNS may return any of them)."""
    sides: list[FarSide] = []
    enis = snapshot.network_interfaces
    for eni_id in ep.network_interface_ids:
        eni = (enis or {}).get(eni_id)
        subnet = (snapshot.subnets or {}).get(eni.subnet_id or "") if eni else None
        if eni is not None and subnet is not None and eni.primary_ip is not None:
            peer = Peer.address(
                eni.primary_ip,
                f"{eni_id} ({eni.primary_ip})",
                group_ids=frozenset(ep.group_ids or ()),
                vpc_id=ep.vpc_id,
            )
            sides.append(endpoint_side(peer, subnet, ep, terminal))
    if not sides:
        # Without the ENIs, each endpoint subnet stands for its ENI: one address in it.
        for subnet_id in ep.subnet_ids:
            subnet = (snapshot.subnets or {}).get(subnet_id)
            if subnet is None or subnet.cidr is None:
                continue
            peer = Peer(
                (subnet.cidr,),
                f"{ep.id} ENI in {subnet_id}",
                approximate=True,
                group_ids=frozenset(ep.group_ids or ()),
                vpc_id=ep.vpc_id,
            )
            sides.append(endpoint_side(peer, subnet, ep, terminal))
    return sides


def endpoint_side(peer: Peer, subnet: Subnet, ep: VpcEndpoint, terminal: Hop) -> FarSide:
    # AWS gives every interface endpoint at least one security group (the VPC's default
    # when none is named): none in the snapshot means they were not collected.
    unknown = (
        "" if ep.group_ids else f"the security groups of {ep.id} (Groups) are not in the snapshot"
    )
    return FarSide(peer, subnet, ep.group_ids or (), terminal, endpoint=ep, groups_unknown=unknown)
