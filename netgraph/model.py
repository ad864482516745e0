"""The model: AWS resources as plain frozen dataclasses, named as AWS names them.

Everything here is already validated and typed by a source (``sources/``). A collection
that is ``None`` on :class:`Snapshot` was not collected; an empty mapping means "collected,
there are none". Evaluation must never turn ``None`` into "reachable".
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALL_PROTOCOLS = "-1"
TCP = "6"
UDP = "17"
ICMP = "1"
ICMPV6 = "58"


@dataclass(frozen=True)
class Vpc:
    id: str
    cidrs: tuple[IPNetwork, ...]
    dhcp_options_id: str | None
    # None: VpcAttributes did not say (not collected for this VPC).
    enable_dns_support: bool | None
    enable_dns_hostnames: bool | None
    name: str | None = None


@dataclass(frozen=True)
class DhcpOptions:
    id: str
    # None: the options are not all in the snapshot (no DhcpConfigurations, an entry without
    # its Key or Values), so which servers answer is unknown.
    domain_name_servers: tuple[str, ...] | None

    @property
    def uses_amazon_dns(self) -> bool:
        # No domain-name-servers option means AmazonProvidedDNS, as AWS documents.
        servers = self.domain_name_servers
        return servers is not None and (not servers or servers == ("AmazonProvidedDNS",))


@dataclass(frozen=True)
class Subnet:
    id: str
    vpc_id: str
    cidr: IPNetwork | None
    ipv6_cidrs: tuple[IPNetwork, ...]
    availability_zone: str | None
    name: str | None = None


RouteTargetKind = Literal[
    "local",
    "igw",
    "vgw",
    "gateway-endpoint",
    "nat",
    "tgw",
    "pcx",
    "eni",
    "instance",
    "eigw",
    "other",
]


@dataclass(frozen=True)
class Route:
    """One entry of a route table: one destination, one target."""

    destination: IPNetwork | None  # None when the destination is a prefix list
    prefix_list_id: str | None
    target_kind: RouteTargetKind
    target_id: str
    state: str  # active | blackhole | unknown (no State in the snapshot)
    origin: str  # CreateRouteTable | CreateRoute | EnableVgwRoutePropagation

    @property
    def destination_text(self) -> str:
        return self.prefix_list_id or str(self.destination)

    @property
    def propagated(self) -> bool:
        return self.origin == "EnableVgwRoutePropagation"


@dataclass(frozen=True)
class RouteTable:
    id: str
    vpc_id: str
    routes: tuple[Route, ...]
    subnet_ids: tuple[str, ...]
    main: bool
    name: str | None = None


SgPeerKind = Literal["cidr", "prefix-list", "group"]


@dataclass(frozen=True)
class SecurityGroupRule:
    """One peer of one IpPermission: AWS lists several peers per permission; we flatten."""

    protocol: str  # "-1", "6", "17", "1", "58" or another number, as a string
    from_port: int | None
    to_port: int | None
    peer_kind: SgPeerKind
    cidr: IPNetwork | None = None
    prefix_list_id: str | None = None
    group_id: str | None = None

    @property
    def peer_text(self) -> str:
        return (
            str(self.cidr)
            if self.cidr is not None
            else (self.prefix_list_id or self.group_id or "?")
        )


@dataclass(frozen=True)
class SecurityGroup:
    id: str
    vpc_id: str | None
    name: str
    ingress: tuple[SecurityGroupRule, ...]
    egress: tuple[SecurityGroupRule, ...]


@dataclass(frozen=True)
class NetworkAclEntry:
    rule_number: int
    egress: bool
    protocol: str
    allow: bool
    cidr: IPNetwork
    port_from: int | None  # None: all ports (protocol -1, or no PortRange)
    port_to: int | None


@dataclass(frozen=True)
class NetworkAcl:
    id: str
    vpc_id: str
    is_default: bool
    entries: tuple[NetworkAclEntry, ...]  # sorted by rule number, as AWS evaluates them
    subnet_ids: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True)
class InternetGateway:
    id: str
    attached_vpc_ids: tuple[str, ...]
    unknown_state_vpc_ids: tuple[str, ...] = ()  # attachments without a State


@dataclass(frozen=True)
class NatGateway:
    id: str
    vpc_id: str | None
    subnet_id: str
    state: str
    connectivity_type: str  # public | private
    private_ips: tuple[IPAddress, ...]
    public_ips: tuple[IPAddress, ...]


@dataclass(frozen=True)
class VpcEndpoint:
    id: str
    vpc_id: str
    endpoint_type: str  # Interface | Gateway | GatewayLoadBalancer
    service_name: str
    state: str
    private_dns_enabled: bool
    private_dns_only_for_inbound_resolver: bool
    subnet_ids: tuple[str, ...]
    group_ids: tuple[str, ...] | None  # None: Groups not in the snapshot
    network_interface_ids: tuple[str, ...]
    route_table_ids: tuple[str, ...]
    policy: Policy | None  # None: no document (the service takes no endpoint policy)
    # DnsEntries[].DnsName (lowercase, no trailing dot): the names a Route 53 alias record
    # may point at. None: DnsEntries not in the snapshot.
    dns_names: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PrefixList:
    id: str
    name: str | None
    cidrs: tuple[IPNetwork, ...] | None  # None: entries not in the snapshot


@dataclass(frozen=True)
class NetworkInterface:
    id: str
    subnet_id: str | None
    vpc_id: str | None
    private_ips: tuple[IPAddress, ...]
    public_ip: IPAddress | None
    group_ids: tuple[str, ...] | None  # None: Groups not in the snapshot
    interface_type: str
    instance_id: str | None
    description: str = ""

    @property
    def primary_ip(self) -> IPAddress | None:
        return self.private_ips[0] if self.private_ips else None


@dataclass(frozen=True)
class Instance:
    id: str
    state: str
    subnet_id: str | None
    vpc_id: str | None
    private_ip: IPAddress | None
    public_ip: IPAddress | None
    # None: not in the snapshot. AWS gives every instance at least one group, so an
    # absent, null or empty SecurityGroups is groups not read, not "no group".
    group_ids: tuple[str, ...] | None
    network_interface_ids: tuple[str, ...]
    name: str | None = None

    @property
    def groups_unread(self) -> str:
        """Why this instance's groups cannot be judged; "" when they can."""
        if self.group_ids is not None:
            return ""
        return f"the security groups of {self.id} (SecurityGroups) are not in the snapshot"


# ---- several VPCs: transit gateways and peering (snapshot-format.md "Several VPCs") --------


@dataclass(frozen=True)
class TransitGateway:
    id: str
    owner_id: str | None
    state: str  # available | pending | modifying | deleting | deleted | unknown (no State)
    # Options.SecurityGroupReferencingSupport: None when the snapshot does not say.
    security_group_referencing: bool | None = None


@dataclass(frozen=True)
class TransitGatewayAttachment:
    """One attachment (TransitGatewayAttachments), with the VPC attachment's subnets
    (TransitGatewayVpcAttachments) when it is one and they were collected."""

    id: str
    transit_gateway_id: str
    resource_type: str  # vpc | vpn | peering | connect | direct-connect-gateway | ...
    resource_id: str | None
    resource_owner_id: str | None
    state: str  # available | pending | modifying | deleting | ... | unknown (no State)
    # The one route table that routes packets arriving from this attachment; None: no
    # Association (none, or the snapshot is of an account that is not the TGW's owner).
    route_table_id: str | None
    association_state: str | None
    # False: the attachment is known only from TransitGatewayVpcAttachments, which do not
    # say what it is associated with.
    association_collected: bool = True
    # None: the VPC attachment's SubnetIds are not in the snapshot.
    subnet_ids: tuple[str, ...] | None = None
    appliance_mode: bool | None = None
    security_group_referencing: bool | None = None


@dataclass(frozen=True)
class TransitGatewayRoute:
    destination: IPNetwork | None  # None when the destination is a prefix list
    prefix_list_id: str | None
    attachment_ids: tuple[str, ...]
    type: str  # static | propagated
    state: str  # active | blackhole | ...


@dataclass(frozen=True)
class TransitGatewayRouteTable:
    id: str
    transit_gateway_id: str | None
    state: str
    # None: TransitGatewayRouteTableRoutes has no entry for this table (not collected).
    routes: tuple[TransitGatewayRoute, ...] | None
    additional_routes_available: bool = False


@dataclass(frozen=True)
class PeeringSide:
    vpc_id: str | None
    owner_id: str | None
    region: str | None
    cidrs: tuple[IPNetwork, ...]  # CidrBlockSet (or CidrBlock when the set is absent)


@dataclass(frozen=True)
class VpcPeeringConnection:
    id: str
    status: str  # Status.Code: active | pending-acceptance | ... | unknown (no Status)
    requester: PeeringSide
    accepter: PeeringSide


# ---- ECS ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContainerDefinition:
    name: str
    image: str
    log_driver: str | None
    log_options: tuple[tuple[str, str], ...]
    secrets: tuple[str, ...]  # valueFrom of each secret
    repository_credentials: str | None  # credentialsParameter (a Secrets Manager ARN)


@dataclass(frozen=True)
class TaskDefinition:
    arn: str
    family: str
    revision: int | None
    network_mode: str | None
    execution_role_arn: str | None
    containers: tuple[ContainerDefinition, ...]
    # Why the targets cannot be derived from it (no containerDefinitions, an image that
    # names nothing): then every check of its tasks is unknown.
    unreadable: str | None = None


@dataclass(frozen=True)
class EcsService:
    name: str
    arn: str
    cluster: str
    task_definition: str  # ARN or family:revision as the service names it
    launch_type: str | None
    platform_version: str | None
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    assign_public_ip: bool
    has_awsvpc_configuration: bool


@dataclass(frozen=True)
class StoppedTask:
    arn: str
    group: str  # "service:web" for a service's task
    stopped_reason: str


# ---- AWS Organizations: service and resource control policies ----------------------------


@dataclass(frozen=True)
class OrganizationPolicy:
    """One ``Policy`` of `aws organizations describe-policy`: its summary and document."""

    id: str  # p-…
    name: str
    type: str  # SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY
    aws_managed: bool
    policy: Policy  # the Content, named by the policy id (statements name it in reasons)


@dataclass(frozen=True)
class Organization:
    """The organization the account belongs to, as the snapshot describes it. ``id`` None:
    the account belongs to no organization (no SCP or RCP applies)."""

    id: str | None
    management_account: str | None
    # Child id -> its parent's id (OrganizationParents); the chain is followed from the
    # account up to the root. None: not collected.
    parents: Mapping[str, str] | None
    # Target id (account, ou-…, r-…) -> the policies attached to it; a target missing is not
    # collected. None: that policy type was not collected at all.
    scps: Mapping[str, tuple[str, ...]] | None
    rcps: Mapping[str, tuple[str, ...]] | None
    policies: Mapping[str, OrganizationPolicy] | None  # by policy id (OrganizationPolicies)


# ---- IAM and ECR --------------------------------------------------------------------------

Effect = Literal["Allow", "Deny"]


@dataclass(frozen=True)
class Statement:
    policy: str  # the policy's ARN, or a name for inline and resource policies
    index: int
    sid: str | None
    effect: Effect
    actions: tuple[str, ...] | None  # None: the statement uses NotAction
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None  # None: no Resource element (resource policies)
    not_resources: tuple[str, ...] | None
    principals: Mapping[str, tuple[str, ...]] | None  # {"AWS": (...)}, {"*": ("*",)}
    not_principals: Mapping[str, tuple[str, ...]] | None
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (operator, key, values)

    @property
    def label(self) -> str:
        which = f"Sid {self.sid}" if self.sid else f"statement #{self.index}"
        return f"{self.policy} ({which})"


@dataclass(frozen=True)
class Policy:
    name: str  # the ARN of a managed policy; "role/NAME inline POLICY" for inline ones
    statements: tuple[Statement, ...]
    shipped: bool = False  # netgraph's shipped copy of an AWS-managed policy was used
    error: str | None = None  # the document could not be read: evaluation is unknown


@dataclass(frozen=True)
class Role:
    arn: str
    name: str
    account: str | None
    trust_policy: Policy | None
    policies: tuple[Policy, ...]  # inline and attached managed, with their documents
    missing_policy_arns: tuple[str, ...]  # attached, but no document anywhere
    boundary_arn: str | None
    boundary: Policy | None  # None with boundary_arn set: the boundary's document is missing


# ---- KMS: the keys that encrypt secrets and parameters ------------------------------------


@dataclass(frozen=True)
class KmsKey:
    """One KeyMetadata of `aws kms describe-key`, with its key policy when collected."""

    arn: str
    key_id: str
    key_manager: str | None  # AWS | CUSTOMER; None: the reply did not say
    key_state: str | None  # Enabled | Disabled | PendingDeletion | ...; None: not said


@dataclass(frozen=True)
class SecretKeyRef:
    """Which KMS key encrypts a secret or a parameter, as Secrets Manager's DescribeSecret
    (KmsKeyId) or Parameter Store's DescribeParameters (Type, KeyId) say. ``key`` None: no
    key (a String parameter) or, for a secret, AWS's default (``aws/secretsmanager``)."""

    arn: str  # the secret's ARN, or the parameter's name
    key: str | None  # a key id, key ARN, alias name or alias ARN, as AWS returned it
    encrypted: bool = True  # False: a String / StringList parameter, no KMS involved


# ---- Route 53: private hosted zones and Resolver rules ------------------------------------
# Names are as DNS compares them: octal escapes undone (\052 -> *), lowercase, without the
# trailing dot; the root is "".


@dataclass(frozen=True)
class ResourceRecordSet:
    """One record of a hosted zone (list-resource-record-sets)."""

    name: str
    type: str | None  # A | AAAA | CNAME | ...; None: Type not in the snapshot
    alias: bool  # AliasTarget present
    alias_target: str | None  # AliasTarget.DNSName; None: not an alias, or DNSName absent
    values: tuple[str, ...] | None  # ResourceRecords[].Value; None: not in the snapshot
    set_identifier: str | None = None  # weighted, failover, ... records share a name


@dataclass(frozen=True)
class HostedZone:
    """A hosted zone, from whichever of HostedZones, HostedZoneDetails and HostedZonesByVpc
    name it. ``None`` fields were not in the snapshot."""

    id: str  # Z… (without /hostedzone/)
    name: str | None
    private: bool | None  # Config.PrivateZone
    # The VPCs the zone is associated with (HostedZoneDetails[zone].VPCs); None: the zone's
    # details are not in the snapshot (another account's zone, or not collected).
    vpc_ids: tuple[str, ...] | None
    records: tuple[ResourceRecordSet, ...] | None
    owner: str | None = None  # Owner.OwningAccount or OwningService (HostedZonesByVpc)


@dataclass(frozen=True)
class ResolverRule:
    id: str
    domain_name: str | None
    rule_type: str | None  # FORWARD | SYSTEM | RECURSIVE | DELEGATE; None: not said
    status: str | None
    name: str | None = None


@dataclass(frozen=True)
class ResolverRuleAssociation:
    id: str | None
    resolver_rule_id: str
    vpc_id: str
    status: str | None


# ---- the snapshot -------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceLocation:
    """Where a resource is written in the input (a Terraform plan's ``.tf`` file and line),
    for outputs that point at source (SARIF). ``file`` is relative to the working folder."""

    file: str
    line: int


@dataclass(frozen=True)
class CollectionError:
    call: str
    error: str


class AbsentWording(Protocol):
    """How an input kind words a key it lacks (the loader's: ``sources/wording.py``)."""

    def __call__(self, key: str, collection_errors: Sequence[CollectionError], /) -> str: ...


def not_in_snapshot(key: str, collection_errors: Sequence[CollectionError]) -> str:
    """Why a key of a snapshot of AWS's describe calls is absent: a recorded collection
    error, or simply not collected. (``Wording.absent`` of ``sources/wording.py``, which
    another input kind words its own way; the default of a snapshot made by hand.)"""
    calls = FILLED_BY.get(key, ())
    for err in collection_errors:
        if err.call in calls or key in err.call or err.call.endswith(key):
            return f"{key} is not in the snapshot ({err.call} failed: {err.error})"
    return f"{key} is not in the snapshot (not collected)"


# The calls that fill a key whose name is not in theirs, so a failed call is named as the
# reason its key is absent.
FILLED_BY: dict[str, tuple[str, ...]] = {
    "services": ("ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"),
    "taskDefinitions": ("ecs:DescribeTaskDefinition",),
    "RoleDetailList": ("iam:GetAccountAuthorizationDetails", "iam:GetRole"),
    "Policies": ("iam:GetAccountAuthorizationDetails", "iam:GetPolicy", "iam:GetPolicyVersion"),
    "repositories": ("ecr:DescribeRepositories",),
    "RepositoryPolicies": ("ecr:GetRepositoryPolicy",),
    "Reservations": ("ec2:DescribeInstances",),
    "VpcAttributes": ("ec2:DescribeVpcAttribute",),
    "PrefixListEntries": ("ec2:GetManagedPrefixListEntries",),
    "SecretDescriptions": ("secretsmanager:DescribeSecret",),
    "ParameterDescriptions": ("ssm:DescribeParameters",),
    "KmsKeys": ("kms:DescribeKey",),
    "KmsKeyPolicies": ("kms:GetKeyPolicy",),
    "Organization": ("organizations:DescribeOrganization",),
    "OrganizationParents": ("organizations:ListParents",),
    "OrganizationPolicies": ("organizations:DescribePolicy",),
    "ServiceControlPoliciesForTarget": ("organizations:ListPoliciesForTarget",),
    "ResourceControlPoliciesForTarget": ("organizations:ListPoliciesForTarget",),
}


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Indexes by id, built once at load. ``None`` means the key was not collected."""

    region: str
    account_id: str | None
    vpcs: Mapping[str, Vpc] | None
    subnets: Mapping[str, Subnet] | None
    route_tables: Mapping[str, RouteTable] | None
    internet_gateways: Mapping[str, InternetGateway] | None
    egress_only_internet_gateway_ids: frozenset[str] | None
    nat_gateways: Mapping[str, NatGateway] | None
    vpc_endpoints: Mapping[str, VpcEndpoint] | None
    security_groups: Mapping[str, SecurityGroup] | None
    network_acls: Mapping[str, NetworkAcl] | None
    network_interfaces: Mapping[str, NetworkInterface] | None
    instances: Mapping[str, Instance] | None
    prefix_lists: Mapping[str, PrefixList] | None
    dhcp_options: Mapping[str, DhcpOptions] | None
    vpc_attributes_collected: bool
    services: Mapping[str, EcsService] | None  # by ARN
    task_definitions: Mapping[str, TaskDefinition] | None  # by ARN
    roles: Mapping[str, Role] | None = None  # by ARN (RoleDetailList)
    repositories: frozenset[str] | None = None  # ECR repository ARNs
    repository_policies: Mapping[str, Policy] | None = None  # by repository ARN
    # KMS (None: not collected). Secrets by ARN (SecretDescriptions), parameters by name
    # without its leading "/" (ParameterDescriptions), keys by ARN and by key id (KmsKeys),
    # key policies by key id (KmsKeyPolicies).
    secret_keys: Mapping[str, SecretKeyRef] | None = None
    parameter_keys: Mapping[str, SecretKeyRef] | None = None
    kms_keys: Mapping[str, KmsKey] | None = None
    kms_key_policies: Mapping[str, Policy] | None = None
    # Route 53 (None: not collected). Hosted zones by id, merged from HostedZones,
    # HostedZoneDetails and HostedZonesByVpc (None: none of the three is in the snapshot);
    # the zone ids HostedZonesByVpc lists for each VPC (None: the key is absent; a VPC
    # missing from it: not collected for that VPC).
    hosted_zones: Mapping[str, HostedZone] | None = None
    hosted_zones_by_vpc: Mapping[str, tuple[str, ...]] | None = None
    resolver_rules: Mapping[str, ResolverRule] | None = None
    resolver_rule_associations: tuple[ResolverRuleAssociation, ...] | None = None
    stopped_tasks: tuple[StoppedTask, ...] = ()
    collection_errors: tuple[CollectionError, ...] = ()
    warnings: tuple[str, ...] = ()
    # Derived indexes, built once by the loader.
    route_table_by_subnet: Mapping[str, str] = field(default_factory=dict)
    main_route_table_by_vpc: Mapping[str, str] = field(default_factory=dict)
    network_acl_by_subnet: Mapping[str, str] = field(default_factory=dict)
    default_network_acl_by_vpc: Mapping[str, str] = field(default_factory=dict)
    # Organizations (Organization and what hangs on it). None: not collected.
    organization: Organization | None = None
    # Several VPCs (None: the key was not collected). Route tables of transit gateways are
    # keyed by id whether or not their routes were collected (see TransitGatewayRouteTable).
    transit_gateways: Mapping[str, TransitGateway] | None = None
    transit_gateway_attachments: Mapping[str, TransitGatewayAttachment] | None = None
    transit_gateway_route_tables: Mapping[str, TransitGatewayRouteTable] | None = None
    vpc_peering_connections: Mapping[str, VpcPeeringConnection] | None = None
    # How the input words an absent key (the loader gives its Wording's ``absent``).
    absent: AbsentWording = field(default=not_in_snapshot, repr=False)
    # netgraph's shipped copies of AWS-managed policies, by ARN (for fixes that name one):
    # filled by the loader.
    shipped_policies: Mapping[str, Policy] = field(default_factory=dict, repr=False)
    # Where each resource (by AWS id or Terraform address) is written, when the input says
    # (a Terraform plan with its configuration); empty for a snapshot.
    locations: Mapping[str, SourceLocation] = field(default_factory=dict, repr=False)
    # Several accounts read together (sources/accounts.py): key -> VPC id -> why the key is
    # absent for the account of that VPC although another account's files have it. Absent is
    # per account: a lookup in such a VPC is unknown. Empty for a snapshot of one account.
    uncollected: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)
    # Values the input marks sensitive (a Terraform plan's after_sensitive, sensitive
    # variables): used like any value, never printed (render.redact writes "(sensitive)").
    sensitive: frozenset[str] = field(default=frozenset(), repr=False)
    # Ids the input leaves unresolved (a plan's values known only after apply), with why in
    # the input's words: a check unknown because of one says that (``explain``).
    unresolved: Mapping[str, str] = field(default_factory=dict, repr=False)

    def explain(self, reason: str) -> str:
        """``reason``, or the input's own reason when it names an unresolved id."""
        for name, why in self.unresolved.items():
            if name in reason:
                return why
        return reason

    def collected(self, key: str, vpc_id: str) -> bool:
        """Whether ``key`` was collected for the account of ``vpc_id``. (Not collected at all,
        the attribute is None: asked apart.)"""
        return vpc_id not in self.uncollected.get(key, ())

    def missing_reason(self, key: str, vpc_id: str | None = None) -> str:
        """Why a key is absent (a recorded collection error, or simply not collected), in the
        words of the input it was read from; for ``vpc_id``, why it is absent for that VPC's
        account."""
        if vpc_id is not None and vpc_id in self.uncollected.get(key, ()):
            return self.uncollected[key][vpc_id]
        return self.absent(key, self.collection_errors)
