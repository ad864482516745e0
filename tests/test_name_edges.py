"""Edges of name resolution and endpoint policies, one rule at a time on small model
snapshots: what an S3 interface endpoint's private DNS answers (evaluate/dns._s3_resolutions)
and which endpoint policy is the default "allow everything" one (evaluate/iam.allows_everything).
"""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.evaluate.endpoints import endpoint_verdict
from netgraph.hop import HopKind
from netgraph.sources.policies import parse_policy

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
