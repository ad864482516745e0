"""Every way a hop can fail: a stable code, what it means, the AWS page, and the fix.

The text report, the JSON and the README read from this one table. Codes follow Reachability
Analyzer's explanation codes where one exists (aws-semantics.md section 8.3).
"""

from __future__ import annotations

from dataclasses import dataclass

VPC_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide"


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    doc: str
    fix: str  # a str.format template; fields are filled by the hop that found it

    def render_fix(self, **fields: object) -> str:
        try:
            return self.fix.format(**fields)
        except (KeyError, IndexError):
            return self.fix


_FINDINGS: tuple[Finding, ...] = (
    Finding(
        "ENI_SG_RULES_MISMATCH",
        "security group admits nothing for this flow",
        f"{VPC_DOCS}/security-group-rules.html",
        "add an {direction} rule to {group} allowing {flow}",
    ),
    Finding(
        "SUBNET_ACL_RESTRICTION",
        "network ACL denies the flow",
        f"{VPC_DOCS}/vpc-network-acls.html",
        "add an {direction} rule to {acl} allowing {flow}{rule_clause}",
    ),
    Finding(
        "NO_ROUTE_TO_DESTINATION",
        "the route table has no route for the destination",
        f"{VPC_DOCS}/route-tables-priority.html",
        "{fix}",
    ),
    Finding(
        "BAD_STATE_ROUTE",
        "the matching route is a blackhole or leads to something that is not available",
        f"{VPC_DOCS}/route-tables-priority.html",
        "replace the route {route} in {table}: its target {target} is {state}",
    ),
    Finding(
        "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        "route to an internet gateway from an ENI without a public IP",
        f"{VPC_DOCS}/VPC_Internet_Gateway.html",
        "{fix}",
    ),
    Finding(
        "IGW_NOT_ATTACHED",
        "the internet gateway is not attached to the VPC",
        f"{VPC_DOCS}/VPC_Internet_Gateway.html",
        "attach {igw} to {vpc}, or route to an internet gateway that is attached",
    ),
    Finding(
        "IGW_DESTINATION_ADDRESS_NOT_PUBLIC",
        "an internet gateway drops traffic to private addresses",
        f"{VPC_DOCS}/VPC_Internet_Gateway.html",
        "route {destination} to where it lives (peering, transit gateway, VPN), not to {igw}",
    ),
    Finding(
        "NGW_PRIVATE_CONNECTIVITY",
        "a private NAT gateway cannot reach the internet",
        f"{VPC_DOCS}/vpc-nat-gateway.html",
        "route to a public NAT gateway instead of {nat}",
    ),
    Finding(
        "NGW_SUBNET_NO_INTERNET_ROUTE",
        "the NAT gateway's own subnet has no route to an internet gateway",
        f"{VPC_DOCS}/vpc-nat-gateway.html",
        "add a route 0.0.0.0/0 -> an attached internet gateway to {table} (the route "
        "table of {subnet}, where {nat} lives)",
    ),
    Finding(
        "VPCE_BAD_STATE",
        "the VPC endpoint is not available",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/concepts.html",
        "{endpoint} is {state}: wait for it to become available, or recreate it",
    ),
    Finding(
        "VPCE_POLICY_DENIES",
        "the VPC endpoint's policy does not allow the request",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
        "allow {action} on {resource} in the policy of {endpoint}",
    ),
    Finding(
        "VPCE_NO_ENI",
        "the interface endpoint has no network interface",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
        "add a subnet of each Availability Zone the tasks use to {endpoint}",
    ),
    Finding(
        "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
        "a gateway endpoint carries TCP and ICMP only",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
        "use TCP to reach {endpoint}",
    ),
    Finding(
        "DNS_SUPPORT_DISABLED",
        "enableDnsSupport is off: nothing resolves",
        f"{VPC_DOCS}/vpc-dns.html",
        "aws ec2 modify-vpc-attribute --vpc-id {vpc} --enable-dns-support",
    ),
    Finding(
        "ADDRESS_NOT_IN_SUBNET",
        "the destination is in the VPC's CIDR but in no subnet",
        f"{VPC_DOCS}/configure-subnets.html",
        "check the destination address {destination}",
    ),
    Finding(
        "NO_INTERFACE_AT_ADDRESS",
        "no network interface holds the destination address",
        f"{VPC_DOCS}/configure-subnets.html",
        "check the destination address {destination}",
    ),
)

_IAM_DOCS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"
)
_EXEC_ROLE_DOCS = (
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"
)
_FINDINGS += (
    Finding(
        "IAM_SCP_DENIES",
        "a service control policy denies the call, or none allows it at one level from the "
        "root to the account",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html",
        "{fix}",
    ),
    Finding(
        "IAM_RCP_DENIES",
        "a resource control policy denies the call on the resource",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html",
        "{fix}",
    ),
    Finding(
        "IAM_NO_EXECUTION_ROLE",
        "the task definition names no execution role",
        _EXEC_ROLE_DOCS,
        "set executionRoleArn to a role that trusts ecs-tasks.amazonaws.com and attaches {policy}",
    ),
    Finding(
        "IAM_TRUST_POLICY",
        "the execution role does not trust ecs-tasks.amazonaws.com",
        _EXEC_ROLE_DOCS,
        "add to the trust policy of {role} the statement {statement}",
    ),
    Finding(
        "IAM_NOT_ALLOWED", "no policy of the execution role allows the call", _IAM_DOCS, "{fix}"
    ),
    Finding(
        "IAM_EXPLICIT_DENY",
        "an explicit Deny decides",
        _IAM_DOCS,
        "remove or narrow {statement}: it denies {call}",
    ),
    Finding(
        "IAM_BOUNDARY_DENIES",
        "the permissions boundary does not allow the call",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
        "allow {call} in the permissions boundary {boundary}",
    ),
    Finding(
        "IAM_REPOSITORY_POLICY_DENIES",
        "the ECR repository policy does not allow the pull",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
        "add to the repository policy of {repository} a statement allowing {action} to {role}",
    ),
    Finding(
        "IAM_KMS_KEY_POLICY_DENIES",
        "the key policy of the secret's KMS key does not allow the execution role to decrypt",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
        "{fix}",
    ),
    Finding(
        "KMS_KEY_NOT_ENABLED",
        "the secret's KMS key is not enabled: it decrypts nothing",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html",
        "enable {key} (aws kms enable-key --key-id {key}; a key pending deletion first needs "
        "aws kms cancel-key-deletion), or encrypt the secrets it protects with an enabled key",
    ),
)

_TGW_DOCS = "https://docs.aws.amazon.com/vpc/latest/tgw"
_PCX_DOCS = "https://docs.aws.amazon.com/vpc/latest/peering"
# Across VPCs: transit gateways and peering (aws-semantics.md section 12, check-output.md).
_FINDINGS += (
    Finding(
        "TGW_RTB_CANNOT_ROUTE",
        "the transit gateway route table has no route for the destination",
        f"{_TGW_DOCS}/tgw-route-tables.html",
        "add a route for {destination} to {table}: aws ec2 create-transit-gateway-route "
        "--transit-gateway-route-table-id {table} --destination-cidr-block {destination} "
        "--transit-gateway-attachment-id {attachment} (or propagate it: aws ec2 "
        "enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id "
        "{table} --transit-gateway-attachment-id {attachment})",
    ),
    Finding(
        "TGW_RTB_BAD_STATE_ROUTE",
        "the matching transit gateway route is a blackhole",
        f"{_TGW_DOCS}/tgw-create-static-route.html",
        "replace the blackhole route {route} in {table}: aws ec2 replace-transit-gateway-route "
        "--transit-gateway-route-table-id {table} --destination-cidr-block {route} "
        "--transit-gateway-attachment-id {attachment}",
    ),
    Finding(
        "TGW_ATTACH_VPC_AZ_RESTRICTION",
        "the VPC's transit gateway attachment has no subnet in the source's Availability Zone",
        f"{_TGW_DOCS}/tgw-vpc-attachments.html",
        "add a subnet of {vpc} in {az} to {attachment}: aws ec2 "
        "modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id {attachment} "
        "--add-subnet-ids <a subnet of {vpc} in {az}>",
    ),
    Finding(
        "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
        "the transit gateway attachment is associated with no route table",
        f"{_TGW_DOCS}/tgw-route-tables.html",
        "associate {attachment} with a route table of {tgw}: aws ec2 "
        "associate-transit-gateway-route-table --transit-gateway-route-table-id <tgw-rtb-...> "
        "--transit-gateway-attachment-id {attachment}",
    ),
    Finding(
        "TGW_ATTACH_BAD_STATE",
        "the transit gateway attachment is not available",
        f"{_TGW_DOCS}/tgw-vpc-attachments.html",
        "{attachment} is {state}: it carries nothing until it is available (an attachment "
        "pending acceptance: aws ec2 accept-transit-gateway-vpc-attachment "
        "--transit-gateway-attachment-id {attachment}; a deleting one: recreate it)",
    ),
    Finding(
        "RESPONSE_RTB_HAS_NO_ROUTE_TO_TRANSIT_GATEWAY",
        "the reply finds no route back to the transit gateway in the far side's route table",
        f"{_TGW_DOCS}/transit-gateway-nat-igw.html",
        "add the return route to {table} (the route table of {subnet}): aws ec2 create-route "
        "--route-table-id {table} --destination-cidr-block {destination} "
        "--transit-gateway-id {tgw}",
    ),
    Finding(
        "RESPONSE_RTB_HAS_NO_ROUTE_TO_PEERING",
        "the reply finds no route back to the peering connection in the peer's route table",
        f"{_PCX_DOCS}/vpc-peering-routing.html",
        "add the return route to {table} (the route table of {subnet}): aws ec2 create-route "
        "--route-table-id {table} --destination-cidr-block {destination} "
        "--vpc-peering-connection-id {pcx}",
    ),
    Finding(
        "PCX_BAD_STATE",
        "the VPC peering connection is not active",
        f"{_PCX_DOCS}/vpc-peering-basics.html",
        "{pcx} is {state}: only an active peering carries traffic (pending acceptance: aws ec2 "
        "accept-vpc-peering-connection --vpc-peering-connection-id {pcx}, in the accepter "
        "VPC's account; failed, expired, rejected or deleted: create it again)",
    ),
    Finding(
        "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
        "a peering carries only traffic to the peer VPC's own addresses (no edge-to-edge "
        "routing through the peer's NAT gateway, internet gateway, VPN or gateway endpoint)",
        f"{_PCX_DOCS}/invalid-peering-configurations.html",
        "{destination} is outside {vpc}'s CIDR blocks ({cidrs}): route it in {table} to a NAT "
        "gateway or endpoint of the source VPC, or through a transit gateway, not to {pcx}",
    ),
    Finding(
        "TGW_IGW_REQUIRES_NAT",
        "an internet gateway translates only addresses of its own VPC's public ENIs",
        f"{_TGW_DOCS}/transit-gateway-nat-igw.html",
        "route {destination} in {table} (the route table of {subnet}) to a NAT gateway, "
        "not to {igw}: traffic that arrives from a transit gateway needs a NAT",
    ),
    Finding(
        "VPCE_GATEWAY_NOT_ACROSS_VPC",
        "a gateway endpoint serves only its own VPC (not across a transit gateway or peering)",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
        "create a gateway endpoint for the service in {vpc}, or use an interface endpoint",
    ),
)

_R53_DOCS = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide"
# Route 53 private hosted zones (aws-semantics.md section 12.3).
_FINDINGS += (
    Finding(
        "PHZ_NOT_ASSOCIATED",
        "a private hosted zone answers the name, but not for the source's VPC",
        f"{_R53_DOCS}/hosted-zone-private-associate-vpcs.html",
        "associate the private hosted zone {zone} ({name}) with {vpc}: aws route53 "
        "associate-vpc-with-hosted-zone --hosted-zone-id {zone} --vpc "
        "VPCRegion={region},VPCId={vpc} (a zone of another account first needs aws route53 "
        "create-vpc-association-authorization in that account)",
    ),
    Finding(
        "PHZ_NO_RECORD",
        "the private hosted zone holds no record for the name: the Resolver answers NXDOMAIN "
        "and does not ask public DNS",
        f"{_R53_DOCS}/hosted-zone-private-considerations.html",
        "add an alias A record {host} to {zone} ({name}) that points at the interface "
        "endpoint of the service (aws route53 change-resource-record-sets --hosted-zone-id "
        "{zone}), or remove the association of {zone} with {vpc}",
    ),
)

FINDINGS: dict[str, Finding] = {f.code: f for f in _FINDINGS}


def fix_for(code: str, **fields: object) -> str:
    return FINDINGS[code].render_fix(**fields)
