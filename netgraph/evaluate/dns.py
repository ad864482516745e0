"""DNS: what a service name resolves to from inside a VPC.

AWS: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html and
https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html
- With AmazonProvidedDNS: nothing resolves if ``enableDnsSupport`` is off. An interface
  endpoint of the service in the same VPC with private DNS on, in a VPC with both
  ``enableDnsSupport`` and ``enableDnsHostnames``, makes the public name resolve to the
  endpoint's ENIs; otherwise the name resolves to the service's public addresses.
- With custom DHCP DNS servers, private DNS works only if they forward the AWS names to the
  VPC resolver: that cannot be seen from the snapshot, so the answer is uncertain.
- S3 through a gateway endpoint keeps its public names and addresses (routes do the work).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from typing import Literal

from netgraph.arns import account_of, ecr_image
from netgraph.evaluate import hosted_zones
from netgraph.model import Snapshot, Vpc, VpcEndpoint


@dataclass(frozen=True)
class AwsService:
    """A network target that is an AWS regional service."""

    target: str  # the contract's target name: ecr.api, s3, ...
    endpoint_suffix: str  # com.amazonaws.<region>.<suffix>
    hostname: str  # with {region} and {account}

    def service_name(self, region: str) -> str:
        return f"com.amazonaws.{region}.{self.endpoint_suffix}"

    def host(self, region: str, account: str | None) -> str:
        """The service's name; without an account (none in the snapshot, its images or its
        ARNs), the registry is any account's: ``*.dkr.ecr.REGION.amazonaws.com``."""
        return self.hostname.format(region=region, account=account or "*")


_HOST_ACCOUNTS: weakref.WeakKeyDictionary[Snapshot, str | None] = weakref.WeakKeyDictionary()


def host_account(snapshot: Snapshot) -> str | None:
    """The account the service names carry (the ECR registry ``ACCOUNT.dkr.ecr…``): the
    snapshot's AccountId, else the account of its private ECR images in the region, else the
    one its task definitions', services' or roles' ARNs name. None: nothing names one."""
    if snapshot.account_id:
        return snapshot.account_id
    if snapshot in _HOST_ACCOUNTS:
        return _HOST_ACCOUNTS[snapshot]
    definitions = list((snapshot.task_definitions or {}).values())
    found = next(
        (
            ecr[0]
            for td in definitions
            for c in td.containers
            if (ecr := ecr_image(c.image)) is not None and ecr[1] == snapshot.region
        ),
        None,
    )
    arns = [
        *(td.arn for td in definitions),
        *(snapshot.services or {}),
        *(snapshot.roles or {}),
    ]
    found = found or next((a for a in map(account_of, arns) if a), None)
    _HOST_ACCOUNTS[snapshot] = found
    return found


AWS_SERVICES: dict[str, AwsService] = {
    s.target: s
    for s in (
        AwsService("ecr.api", "ecr.api", "api.ecr.{region}.amazonaws.com"),
        AwsService("ecr.dkr", "ecr.dkr", "{account}.dkr.ecr.{region}.amazonaws.com"),
        AwsService("s3", "s3", "prod-{region}-starport-layer-bucket.s3.{region}.amazonaws.com"),
        AwsService("logs", "logs", "logs.{region}.amazonaws.com"),
        AwsService("secretsmanager", "secretsmanager", "secretsmanager.{region}.amazonaws.com"),
        AwsService("ssm", "ssm", "ssm.{region}.amazonaws.com"),
        AwsService("kms", "kms", "kms.{region}.amazonaws.com"),
        AwsService("sts", "sts", "sts.{region}.amazonaws.com"),
    )
}


def service_for_hostname(hostname: str, region: str) -> AwsService | None:
    """Map a DNS name (as in a `path --to`) to the AWS service behind it, in this region."""
    host = hostname.lower().rstrip(".")
    suffix = f".{region}.amazonaws.com"
    if not host.endswith(suffix):
        return None
    head = host[: -len(suffix)]
    if head == "api.ecr":
        return AWS_SERVICES["ecr.api"]
    if head.endswith(".dkr.ecr"):
        return AWS_SERVICES["ecr.dkr"]
    if head == "s3" or head.endswith(".s3"):
        return AWS_SERVICES["s3"]
    for service in AWS_SERVICES.values():
        if head == service.endpoint_suffix:
            return service
    return None


Outcome = Literal["endpoint", "public", "fail", "unknown"]


@dataclass(frozen=True)
class Resolution:
    outcome: Outcome
    reason: str
    endpoint: VpcEndpoint | None = None
    blame: str | None = None  # the resource id that makes it fail
    # The finding of a "fail" that is not enableDnsSupport (an NXDOMAIN of a private hosted
    # zone), and the fix of a "fail", or of a "public" answer whose path may be blocked (a
    # hosted zone that is not associated with the VPC).
    code: str | None = None
    fix: str | None = None

    @property
    def short(self) -> str:
        if self.outcome == "endpoint" and self.endpoint is not None:
            return f"it resolves to the ENIs of {self.endpoint.id}"
        if self.outcome == "public":
            return "it resolves to public addresses"
        if self.outcome == "fail":
            return "it does not resolve"
        return "it is not answered, or answered otherwise"


@dataclass(frozen=True)
class DnsAnswer:
    """One resolution when certain; otherwise every resolution that may happen."""

    resolutions: tuple[Resolution, ...]
    certain: bool
    doubt: str = ""  # why the answer is not certain
    resolver: str = ""


def interface_endpoints(snapshot: Snapshot, vpc_id: str, service_name: str) -> list[VpcEndpoint]:
    return [
        ep
        for ep in (snapshot.vpc_endpoints or {}).values()
        if ep.vpc_id == vpc_id
        and ep.endpoint_type.lower() == "interface"
        and ep.service_name.lower() == service_name.lower()
    ]


def endpoint_domain(service: AwsService, region: str) -> str:
    """The name of the private hosted zone an interface endpoint's private DNS makes."""
    if service.target == "ecr.api":
        return f"api.ecr.{region}.amazonaws.com"
    if service.target == "ecr.dkr":
        return f"dkr.ecr.{region}.amazonaws.com"
    return f"{service.endpoint_suffix}.{region}.amazonaws.com"


def _local_domain(snapshot: Snapshot, vpc: Vpc, service: AwsService | None) -> str | None:
    """The domain of the VPC's own endpoint private DNS for the service, if it has (or, its
    endpoints not collected, may have) an endpoint with private DNS."""
    if service is None:
        return None
    if snapshot.vpc_endpoints is None:
        return endpoint_domain(service, snapshot.region)
    for ep in interface_endpoints(snapshot, vpc.id, service.service_name(snapshot.region)):
        if ep.private_dns_enabled and not (
            service.target == "s3" and ep.private_dns_only_for_inbound_resolver
        ):
            return endpoint_domain(service, snapshot.region)
    return None


def _amazon_dns(
    snapshot: Snapshot, vpc: Vpc, service: AwsService | None, name: str | None = None
) -> DnsAnswer:
    """What the Route 53 Resolver of the VPC answers: a private hosted zone or a Resolver
    rule that takes the name (``hosted_zones``), else the VPC's own endpoint private DNS,
    else public DNS."""
    host = name or (service.host(snapshot.region, host_account(snapshot)) if service else None)
    if vpc.enable_dns_support is False or not hosted_zones.enabled(snapshot):
        return _endpoint_dns(snapshot, vpc, service)
    if host is None:
        # Any public name (the internet target): only a rule that takes every name decides.
        every = hosted_zones.any_name(snapshot, vpc)
        if every is None:
            return _endpoint_dns(snapshot, vpc, service)
        unsure: list[str] = []
        alternatives = _dns_support_unread(vpc, unsure)
        alternatives.extend(_zone_resolutions(vpc, every, unsure))
        return _answer(alternatives, unsure, "AmazonProvidedDNS")
    host = host.lower().rstrip(".")
    service_name = service.service_name(snapshot.region) if service else None
    local = _local_domain(snapshot, vpc, service)
    zone = hosted_zones.answer(snapshot, vpc, host, local, service_name)
    if zone.kind == "local":
        answer = _endpoint_dns(snapshot, vpc, service)
        if zone.fix is None:
            return answer
        # A zone for the name serves other VPCs: associating it is the fix of a public path.
        return replace(
            answer,
            resolutions=tuple(
                replace(r, fix=zone.fix)
                if r.outcome == "public" and r.endpoint is None and r.fix is None
                else r
                for r in answer.resolutions
            ),
        )
    doubts: list[str] = []
    alternatives = _dns_support_unread(vpc, doubts)
    alternatives.extend(_zone_resolutions(vpc, zone, doubts))
    return _answer(alternatives, doubts, "AmazonProvidedDNS")


def _dns_support_unread(vpc: Vpc, doubts: list[str]) -> list[Resolution]:
    """Where enableDnsSupport is not in the snapshot, the answer where it is off."""
    if vpc.enable_dns_support is not None:
        return []
    doubts.append(f"enableDnsSupport of {vpc.id} is not in the snapshot (VpcAttributes)")
    return [
        Resolution(
            "fail",
            f"enableDnsSupport of {vpc.id} is not in the snapshot (VpcAttributes); "
            "if it is off, nothing resolves",
            blame=vpc.id,
        )
    ]


def _zone_resolutions(
    vpc: Vpc, zone: hosted_zones.ZoneAnswer, doubts: list[str]
) -> list[Resolution]:
    """A private hosted zone's answer, as the VPC's DNS attributes let it be given: AWS
    requires enableDnsHostnames and enableDnsSupport for private hosted zones."""
    if zone.kind == "unknown":
        return [Resolution("unknown", zone.reason)]
    blame = zone.zone.id if zone.kind == "fail" and zone.zone is not None else None
    outcome: Outcome = "fail" if zone.kind == "fail" else "endpoint"  # ("local" never here)
    answered = Resolution(
        outcome, zone.reason, endpoint=zone.endpoint, blame=blame, code=zone.code, fix=zone.fix
    )
    label = hosted_zones.zone_label(zone.zone) if zone.zone is not None else "private hosted zone"
    public = Resolution(
        "public",
        f"enableDnsHostnames is off on {vpc.id}, so the private hosted zone {label} does not "
        "answer (AWS requires it for private hosted zones): the name resolves publicly",
        blame=vpc.id,
        fix=(
            f"enable enableDnsHostnames on {vpc.id} (aws ec2 modify-vpc-attribute --vpc-id "
            f"{vpc.id} --enable-dns-hostnames) so that the private hosted zone {label} answers"
        ),
    )
    if vpc.enable_dns_hostnames is True:
        return [answered]
    if vpc.enable_dns_hostnames is False:
        return [public]
    doubts.append(f"enableDnsHostnames of {vpc.id} is not in the snapshot (VpcAttributes)")
    return [
        answered,
        replace(public, reason=f"the public service (if enableDnsHostnames is off on {vpc.id})"),
    ]


def _endpoint_dns(snapshot: Snapshot, vpc: Vpc, service: AwsService | None) -> DnsAnswer:
    """What the Resolver answers when no private hosted zone or rule takes the name: the
    VPC's own endpoint private DNS, else public DNS."""
    alternatives: list[Resolution] = []
    doubts: list[str] = []
    if vpc.enable_dns_support is False:
        return DnsAnswer(
            (
                Resolution(
                    "fail",
                    f"enableDnsSupport is off on {vpc.id}: the Amazon DNS server answers no query",
                    blame=vpc.id,
                ),
            ),
            True,
            resolver="AmazonProvidedDNS",
        )
    if vpc.enable_dns_support is None:
        alternatives.append(
            Resolution(
                "fail",
                f"enableDnsSupport of {vpc.id} is not in the snapshot (VpcAttributes); "
                "if it is off, nothing resolves",
                blame=vpc.id,
            )
        )
        doubts.append(f"enableDnsSupport of {vpc.id} is not in the snapshot (VpcAttributes)")

    if service is None:
        alternatives.append(Resolution("public", "a public name: resolves to public addresses"))
        return _answer(alternatives, doubts, "AmazonProvidedDNS")

    region = snapshot.region
    name = service.service_name(region)
    if service.target == "s3":
        alternatives.extend(_s3_resolutions(snapshot, vpc, name, doubts))
        return _answer(alternatives, doubts, "AmazonProvidedDNS")

    if snapshot.vpc_endpoints is None or not snapshot.collected("VpcEndpoints", vpc.id):
        doubts.append(
            snapshot.missing_reason("VpcEndpoints", vpc.id)
            + f": an interface endpoint {name} may exist"
        )
        alternatives.append(
            Resolution(
                "public",
                f"if {vpc.id} has no {name} endpoint, the name resolves to the public service",
            )
        )
        alternatives.append(
            Resolution(
                "unknown",
                f"whether {vpc.id} has a {name} interface "
                "endpoint is unknown: VpcEndpoints not in the snapshot",
            )
        )
        return _answer(alternatives, doubts, "AmazonProvidedDNS")

    endpoints = interface_endpoints(snapshot, vpc.id, name)
    with_dns = [ep for ep in endpoints if ep.private_dns_enabled]
    if not endpoints:
        alternatives.append(
            Resolution(
                "public",
                f"{vpc.id} has no interface endpoint for "
                f"{name}: the name resolves to the public service",
            )
        )
    elif not with_dns:
        ep = endpoints[0]
        alternatives.append(
            Resolution(
                "public",
                f"{ep.id} ({name}) has private DNS off: the name resolves to the "
                "public service, not to the endpoint",
                endpoint=ep,
            )
        )
    else:
        ep = with_dns[0]
        if vpc.enable_dns_hostnames is True:
            alternatives.append(
                Resolution("endpoint", f"private DNS of {ep.id} answers with its ENIs", endpoint=ep)
            )
        elif vpc.enable_dns_hostnames is False:
            alternatives.append(
                Resolution(
                    "public",
                    f"enableDnsHostnames is off on {vpc.id}, so the private DNS of "
                    f"{ep.id} does not apply: the name resolves to the public service",
                    endpoint=ep,
                    blame=vpc.id,
                )
            )
        else:
            doubts.append(f"enableDnsHostnames of {vpc.id} is not in the snapshot (VpcAttributes)")
            alternatives.append(
                Resolution(
                    "endpoint",
                    f"private DNS of {ep.id} answers with its ENIs (if enableDnsHostnames is on)",
                    endpoint=ep,
                )
            )
            alternatives.append(
                Resolution(
                    "public",
                    f"the public service (if enableDnsHostnames is off on {vpc.id})",
                    endpoint=ep,
                )
            )
    return _answer(alternatives, doubts, "AmazonProvidedDNS")


def _s3_resolutions(snapshot: Snapshot, vpc: Vpc, name: str, doubts: list[str]) -> list[Resolution]:
    public = Resolution(
        "public",
        "S3 names resolve to S3's public addresses; a gateway "
        "endpoint, if any, is reached by route",
    )
    # As for any interface endpoint: one the snapshot cannot show may answer, and its
    # private DNS needs enableDnsHostnames.
    if snapshot.vpc_endpoints is None or not snapshot.collected("VpcEndpoints", vpc.id):
        doubts.append(
            snapshot.missing_reason("VpcEndpoints", vpc.id)
            + f": an interface endpoint {name} may exist"
        )
        return [
            replace(
                public, reason=f"if {vpc.id} has no {name} interface endpoint, " + public.reason
            ),
            Resolution(
                "unknown",
                f"whether {vpc.id} has a {name} interface "
                "endpoint is unknown: VpcEndpoints not in the snapshot",
            ),
        ]
    interface = [
        ep
        for ep in interface_endpoints(snapshot, vpc.id, name)
        if ep.private_dns_enabled and not ep.private_dns_only_for_inbound_resolver
    ]
    if not interface:
        return [public]
    ep = interface[0]
    if vpc.enable_dns_hostnames is False:
        return [
            Resolution(
                "public",
                f"enableDnsHostnames is off on {vpc.id}, so the private DNS of {ep.id} does "
                "not apply: S3 names resolve to S3's public addresses",
                endpoint=ep,
                blame=vpc.id,
            )
        ]
    doubts.append(
        f"{ep.id} is an S3 interface endpoint with private DNS for all traffic: AWS "
        "documents ECR layer downloads through the S3 gateway endpoint, not this"
    )
    if vpc.enable_dns_hostnames is None:
        doubts.append(f"enableDnsHostnames of {vpc.id} is not in the snapshot (VpcAttributes)")
        return [
            Resolution(
                "endpoint",
                f"private DNS of {ep.id} answers with its ENIs (if enableDnsHostnames is on)",
                endpoint=ep,
            ),
            Resolution(
                "public",
                f"S3's public addresses (if enableDnsHostnames is off on {vpc.id})",
                endpoint=ep,
            ),
        ]
    return [Resolution("endpoint", f"private DNS of {ep.id} answers with its ENIs", endpoint=ep)]


def _answer(alternatives: list[Resolution], doubts: list[str], resolver: str) -> DnsAnswer:
    return DnsAnswer(
        tuple(alternatives), certain=not doubts, doubt="; ".join(doubts), resolver=resolver
    )


def resolve(
    snapshot: Snapshot, vpc: Vpc, service: AwsService | None, name: str | None = None
) -> DnsAnswer:
    """Resolve ``service``'s name (None: any public name) as a task in ``vpc`` would.
    ``name``: the DNS name asked, when it is not the service's own (a `path --to` name)."""
    dhcp_id = vpc.dhcp_options_id
    if dhcp_id == "default":  # what describe-vpcs says of a VPC with no DHCP option set
        return _amazon_dns(snapshot, vpc, service, name)
    if dhcp_id is None:
        return _custom_dns(
            snapshot,
            vpc,
            service,
            f"the DhcpOptionsId of {vpc.id} is not in the snapshot (Vpcs), so "
            "its DNS servers are unknown",
            name,
        )
    if snapshot.dhcp_options is None or dhcp_id not in snapshot.dhcp_options:
        why = (
            snapshot.missing_reason("DhcpOptions")
            if snapshot.dhcp_options is None
            else f"{dhcp_id} is not in DhcpOptions"
        )
        return _custom_dns(
            snapshot,
            vpc,
            service,
            f"the DNS servers of {vpc.id} ({dhcp_id}) are unknown: {why}",
            name,
        )
    options = snapshot.dhcp_options[dhcp_id]
    if options.domain_name_servers is None:
        return _custom_dns(
            snapshot,
            vpc,
            service,
            f"the DNS servers of {vpc.id} are unknown: the DhcpConfigurations of {dhcp_id} "
            "are not all in the snapshot (a Key or its Values is missing)",
            name,
        )
    if options.uses_amazon_dns:
        return _amazon_dns(snapshot, vpc, service, name)
    servers = ", ".join(options.domain_name_servers)
    return _custom_dns(
        snapshot,
        vpc,
        service,
        f"{vpc.id} uses custom DNS servers {servers} ({dhcp_id}): whether they forward AWS "
        "names to the VPC resolver cannot be seen from the snapshot",
        name,
    )


def _custom_dns(
    snapshot: Snapshot, vpc: Vpc, service: AwsService | None, doubt: str, name: str | None = None
) -> DnsAnswer:
    # Forwarded to the VPC resolver, the answer is the Amazon one; forwarded elsewhere it is
    # the public one; not forwarded at all, nothing.
    amazon = _amazon_dns(snapshot, vpc, service, name)
    seen: set[tuple[str, str | None]] = set()
    alternatives: list[Resolution] = []
    for r in (
        *amazon.resolutions,
        Resolution(
            "public", "the public service (if the custom servers resolve AWS names publicly)"
        ),
    ):
        key = (r.outcome, r.endpoint.id if r.endpoint else None)
        if key not in seen:
            seen.add(key)
            alternatives.append(r)
    alternatives.append(Resolution("unknown", "the custom servers may not answer it at all"))
    doubts = [doubt] + ([amazon.doubt] if amazon.doubt else [])
    return DnsAnswer(tuple(alternatives), False, "; ".join(doubts), resolver="custom")


def assumptions(snapshot: Snapshot, vpc_id: str | None) -> tuple[str, ...]:
    """What a resolution from the VPC took as given because a Route 53 key is absent
    (snapshot-format.md: an absent key is assumed empty, and the check says so)."""
    out: list[str] = []
    if snapshot.hosted_zones is None:
        out.append(
            "private hosted zones not collected (HostedZones, HostedZoneDetails, "
            "HostedZonesByVpc): none assumed besides the endpoints' own private DNS"
        )
    elif snapshot.hosted_zones_by_vpc is None:
        out.append(
            f"zones of other accounts associated with {vpc_id or 'the VPC'} not listed "
            "(HostedZonesByVpc): none assumed"
        )
    if snapshot.resolver_rules is None and snapshot.resolver_rule_associations is None:
        out.append("Resolver rules not collected (ResolverRules): none assumed to forward")
    return tuple(out)
