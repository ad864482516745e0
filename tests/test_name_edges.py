"""Edges of name resolution and endpoint policies, one rule at a time on small model
snapshots: what an S3 interface endpoint's private DNS answers (evaluate/dns._s3_resolutions)
and which endpoint policy is the default "allow everything" one (evaluate/iam.allows_everything).
"""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.check import check_source
from netgraph.evaluate import dns
from netgraph.evaluate.endpoints import endpoint_verdict
from netgraph.flows import service_sources
from netgraph.hop import HopKind
from netgraph.model import Snapshot
from netgraph.sources.policies import parse_policy

from .conftest import sample_data, snap
from .rule_snapshots import endpoint
from .test_dns_rules import REGION, resolve, world
from .test_endpoints import ECR

S3_SERVICE = f"com.amazonaws.{REGION}.s3"
S3_DOUBT = (
    "vpce-0s3 is an S3 interface endpoint with private DNS for all traffic: AWS "
    "documents ECR layer downloads through the S3 gateway endpoint, not this"
)
S3_PUBLIC = (
    "S3 names resolve to S3's public addresses; a gateway endpoint, if any, is reached by route"
)


# ---- S3 interface endpoints (evaluate/dns._s3_resolutions) ----------------------------------


def test_s3_private_dns_for_all_traffic_answers_with_the_endpoint_and_the_ecr_caveat() -> None:
    ep = endpoint("vpce-0s3", service_name=S3_SERVICE)
    a = resolve(world(vpc_endpoints={"vpce-0s3": ep}), "s3")
    assert len(a.resolutions) == 1
    r = a.resolutions[0]
    assert (r.outcome, r.reason, r.endpoint) == (
        "endpoint",
        "private DNS of vpce-0s3 answers with its ENIs",
        ep,
    )
    assert r.short == "it resolves to the ENIs of vpce-0s3"
    # Not certain: the ECR side of an S3 interface endpoint is undocumented (aws-semantics 5.2).
    assert (a.certain, a.doubt, a.resolver) == (False, S3_DOUBT, "AmazonProvidedDNS")


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"private_dns_enabled": False}, id="private-dns-off"),
        pytest.param({"private_dns_only_for_inbound_resolver": True}, id="inbound-only"),
        pytest.param(
            {"private_dns_enabled": False, "private_dns_only_for_inbound_resolver": True},
            id="both",
        ),
        pytest.param({"vpc_id": "vpc-2"}, id="another-vpc"),
        pytest.param({"endpoint_type": "Gateway"}, id="gateway"),
    ],
)
def test_s3_names_stay_public_unless_an_own_interface_endpoint_answers_all_traffic(
    fields: dict[str, Any],
) -> None:
    ep = endpoint("vpce-0s3", service_name=S3_SERVICE, **fields)
    a = resolve(world(vpc_endpoints={"vpce-0s3": ep}), "s3")
    assert [(r.outcome, r.reason, r.endpoint) for r in a.resolutions] == [
        ("public", S3_PUBLIC, None)
    ]
    assert (a.certain, a.doubt) == (True, "")


# ---- the default endpoint policy (evaluate/iam.allows_everything) ---------------------------

ALLOWS_EVERY_REQUEST = (
    "vpce-1 (com.amazonaws.ap-northeast-1.ecr.api) is available; its policy allows every "
    "request (Allow * on * to any principal, no condition)"
)


@pytest.mark.parametrize(
    "principal",
    [
        pytest.param("*", id="star"),
        pytest.param({"AWS": "*"}, id="aws-star"),
        pytest.param({"AWS": ["arn:aws:iam::111122223333:root", "*"]}, id="aws-list-with-star"),
    ],
)
def test_allow_all_to_any_aws_principal_is_the_default_policy(principal: object) -> None:
    doc = {
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "*", "Resource": "*"}]
    }
    ep = endpoint(policy=parse_policy("vpce-1 policy", doc))
    hop, goes_on = endpoint_verdict(ep, HopKind.INTERFACE_ENDPOINT, ECR, REGION)
    assert (hop.status, hop.reason, goes_on) == ("pass", ALLOWS_EVERY_REQUEST, True)


def test_allow_all_to_a_service_principal_only_denies_the_tasks_role() -> None:
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "*",
                "Resource": "*",
            }
        ]
    }
    ep = endpoint(policy=parse_policy("vpce-1 policy", doc))
    hop, _ = endpoint_verdict(ep, HopKind.INTERFACE_ENDPOINT, ECR, REGION)
    assert (hop.id, hop.status, hop.code) == ("vpce-1", "fail", "VPCE_POLICY_DENIES")
    assert hop.reason == (
        "the endpoint policy of vpce-1 denies ecr:GetAuthorizationToken on *: "
        "no statement allows it"
    )


# ---- S3 private DNS follows the VPC's DNS attributes and the endpoints the snapshot holds ----
# (bug fixed: the S3 answer ignored enableDnsHostnames and a VpcEndpoints not collected)

_VPC = "vpc-0a1b2c3d4e5f60718"
_S3_EP = "vpce-0e1c2a3b4d5e6f703"


def _s3_interface_only(hostnames: bool | None, endpoints_collected: bool = True) -> Snapshot:
    """healthy-endpoints with its logs interface endpoint made an S3 one (private DNS for all
    traffic), no S3 gateway endpoint nor its route: the private subnet reaches S3 only
    through the interface endpoint, if its name resolves to it."""
    d = sample_data("healthy-endpoints")
    d["VpcEndpoints"] = [e for e in d["VpcEndpoints"] if e["VpcEndpointType"] == "Interface"]
    for e in d["VpcEndpoints"]:
        if e["VpcEndpointId"] == _S3_EP:
            e["ServiceName"] = S3_SERVICE
            e["DnsOptions"] = {"PrivateDnsOnlyForInboundResolverEndpoint": False}
    for t in d["RouteTables"]:
        t["Routes"] = [r for r in t["Routes"] if not r.get("GatewayId", "").startswith("vpce-")]
    for a in d["VpcAttributes"]:
        if "EnableDnsHostnames" in a:
            if hostnames is None:
                del a["EnableDnsHostnames"]
            else:
                a["EnableDnsHostnames"]["Value"] = hostnames
    d["VpcAttributes"] = [a for a in d["VpcAttributes"] if len(a) > 1]
    if not endpoints_collected:
        del d["VpcEndpoints"]
    return snap(d)


def _s3_check(s: Snapshot) -> Any:
    return check_source(s, service_sources(s)[0], ["s3"])[0]


def test_s3_through_its_interface_endpoint_is_reachable_with_both_dns_attributes_on() -> None:
    t = _s3_check(_s3_interface_only(hostnames=True))
    assert t.verdict == "reachable", t.reason
    assert (_S3_EP, HopKind.INTERFACE_ENDPOINT) in [(h.id, h.kind) for h in t.hops]


def test_s3_private_dns_does_not_apply_with_dns_hostnames_off() -> None:
    s = _s3_interface_only(hostnames=False)
    assert s.vpcs is not None
    a = dns.resolve(s, s.vpcs[_VPC], dns.AWS_SERVICES["s3"])
    assert [(r.outcome, r.blame) for r in a.resolutions] == [("public", _VPC)]
    assert a.resolutions[0].reason.startswith(
        f"enableDnsHostnames is off on {_VPC}, so the private DNS of {_S3_EP} does not apply"
    )
    # The name resolves to S3's public addresses, which the private subnet has no route to.
    t = _s3_check(s)
    assert t.verdict == "blocked", t.reason
    assert (t.hops[-1].id, t.hops[-1].status) == ("rtb-0f0f0f0f0f0f0f0f1", "fail")
    assert HopKind.INTERFACE_ENDPOINT not in [h.kind for h in t.hops]


def test_s3_private_dns_with_dns_hostnames_not_collected_may_go_either_way() -> None:
    s = _s3_interface_only(hostnames=None)
    assert s.vpcs is not None
    a = dns.resolve(s, s.vpcs[_VPC], dns.AWS_SERVICES["s3"])
    assert [r.outcome for r in a.resolutions] == ["endpoint", "public"]
    assert not a.certain
    assert f"enableDnsHostnames of {_VPC} is not in the snapshot (VpcAttributes)" in a.doubt
    assert _s3_check(s).verdict == "unknown"


def test_s3_with_vpc_endpoints_not_collected_is_unknown_not_blocked() -> None:
    s = _s3_interface_only(hostnames=True, endpoints_collected=False)
    assert s.vpcs is not None
    a = dns.resolve(s, s.vpcs[_VPC], dns.AWS_SERVICES["s3"])
    assert not a.certain and "unknown" in [r.outcome for r in a.resolutions]
    assert f"an interface endpoint {S3_SERVICE} may exist" in a.doubt
    t = _s3_check(s)
    assert t.verdict == "unknown", t.reason
