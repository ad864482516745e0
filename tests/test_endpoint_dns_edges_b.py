"""What a user reads when a service name's answer (not S3) depends on the VPC's
enableDnsHostnames or on endpoints the snapshot does not show (evaluate/dns._endpoint_dns):
the DNS hop's id, words and fix, the outcomes of an unknown verdict; the words of a policy
set that allows nothing because it is empty (iam.evaluate), and StringLike's case
(iam.wildcard_match). The snapshot is healthy-endpoints, as in tests/test_name_edges.py."""

from __future__ import annotations

from typing import Any

from netgraph.check import check_source, destination_for_target
from netgraph.evaluate import dns
from netgraph.evaluate.iam import evaluate
from netgraph.flows import service_sources
from netgraph.graph import build_flow_graph
from netgraph.hop import HopKind
from netgraph.model import Snapshot

from .conftest import sample_data, snap
from .test_name_edges import _VPC
from .test_principal_edges import identity_policy
from .test_statement_edges import pull_request

_LOGS_EP = "vpce-0e1c2a3b4d5e6f703"
_LOGS = "com.amazonaws.ap-northeast-1.logs"
_HOST = "logs.ap-northeast-1.amazonaws.com"
_RTB = "rtb-0f0f0f0f0f0f0f0f1"  # the private subnet's table: no route to the public side


def _logs_world(hostnames: bool | None, endpoints_collected: bool = True) -> Snapshot:
    """healthy-endpoints (its logs interface endpoint has private DNS on; the private subnet
    has no route to the public side) with enableDnsHostnames set, or removed."""
    d = sample_data("healthy-endpoints")
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


def _logs_answer(s: Snapshot) -> dns.DnsAnswer:
    assert s.vpcs is not None
    return dns.resolve(s, s.vpcs[_VPC], dns.AWS_SERVICES["logs"])


def _logs_check(s: Snapshot) -> Any:
    return check_source(s, service_sources(s)[0], ["logs"])[0]


def test_logs_with_dns_hostnames_off_is_public_named_by_the_endpoint_and_the_vpc_to_fix() -> None:
    s = _logs_world(hostnames=False)
    a = _logs_answer(s)
    why = (
        f"enableDnsHostnames is off on {_VPC}, so the private DNS of {_LOGS_EP} does not "
        "apply: the name resolves to the public service"
    )
    assert (a.certain, a.resolver) == (True, "AmazonProvidedDNS")
    # The VPC's attribute is what makes the answer public: it is the resolution's culprit.
    assert [
        (r.outcome, r.reason, r.endpoint and r.endpoint.id, r.blame) for r in a.resolutions
    ] == [("public", why, _LOGS_EP, _VPC)]
    t = _logs_check(s)
    assert t.verdict == "blocked", t.reason
    dns_hops = [(h.id, h.status, h.reason) for h in t.hops if h.kind == HopKind.DNS]
    assert dns_hops == [(_LOGS_EP, "pass", f"{_HOST}: {why}")]
    # The blocked route's fix is the attribute, not a new endpoint (there is one already).
    assert (t.hops[-1].id, t.hops[-1].status, t.hops[-1].fix) == (
        _RTB,
        "fail",
        f"enable enableDnsHostnames on {_VPC} so that the private DNS of {_LOGS_EP} applies",
    )


def test_logs_with_dns_hostnames_not_collected_words_each_answer_by_its_condition() -> None:
    s = _logs_world(hostnames=None)
    a = _logs_answer(s)
    assert (a.certain, a.resolver) == (False, "AmazonProvidedDNS")
    assert a.doubt == f"enableDnsHostnames of {_VPC} is not in the snapshot (VpcAttributes)"
    assert [(r.outcome, r.reason, r.endpoint and r.endpoint.id) for r in a.resolutions] == [
        (
            "endpoint",
            f"private DNS of {_LOGS_EP} answers with its ENIs (if enableDnsHostnames is on)",
            _LOGS_EP,
        ),
        ("public", f"the public service (if enableDnsHostnames is off on {_VPC})", _LOGS_EP),
    ]
    t = _logs_check(s)
    assert t.verdict == "unknown", t.reason
    assert t.reason == (
        f"{_HOST}: {a.doubt}. Outcomes: reachable if it resolves to the ENIs of {_LOGS_EP}; "
        f"blocked at {_RTB} if it resolves to public addresses"
    )
    flow = build_flow_graph(s, service_sources(s)[0], destination_for_target("logs", s))
    branches = [(h.id, h.reason) for h in flow.hops if h.kind == HopKind.DNS and h.id != _VPC]
    assert branches == [
        (
            _LOGS_EP,
            f"{_HOST}: private DNS of {_LOGS_EP} answers with its ENIs "
            "(if enableDnsHostnames is on)",
        ),
        (_LOGS_EP, f"{_HOST}: the public service (if enableDnsHostnames is off on {_VPC})"),
    ]
    # The public branch's fix is the attribute that would make the endpoint answer.
    fixes = {h.fix for h in flow.hops if h.id == _RTB and h.status == "fail"}
    assert fixes == {
        f"enable enableDnsHostnames on {_VPC} so that the private DNS of {_LOGS_EP} applies"
    }


def test_logs_with_vpc_endpoints_not_collected_words_both_answers() -> None:
    s = _logs_world(hostnames=True, endpoints_collected=False)
    a = _logs_answer(s)
    assert (a.certain, a.resolver) == (False, "AmazonProvidedDNS")
    assert [(r.outcome, r.reason) for r in a.resolutions] == [
        ("public", f"if {_VPC} has no {_LOGS} endpoint, the name resolves to the public service"),
        (
            "unknown",
            f"whether {_VPC} has a {_LOGS} interface endpoint is unknown: "
            "VpcEndpoints not in the snapshot",
        ),
    ]
    t = _logs_check(s)
    assert t.verdict == "unknown", t.reason
    assert [(h.id, h.status, h.reason) for h in t.hops if h.kind == HopKind.DNS][-1] == (
        _VPC,
        "unknown",
        f"{_HOST}: whether {_VPC} has a {_LOGS} interface endpoint is unknown: "
        "VpcEndpoints not in the snapshot",
    )


def test_logs_with_both_dns_attributes_on_is_answered_by_the_amazon_resolver() -> None:
    a = _logs_answer(_logs_world(hostnames=True))
    assert (a.certain, a.resolver) == (True, "AmazonProvidedDNS")
    assert [(r.outcome, r.endpoint and r.endpoint.id) for r in a.resolutions] == [
        ("endpoint", _LOGS_EP)
    ]


# ---- iam.evaluate with no policy, StringLike's case ----------------------------------------


def test_no_policy_at_all_implicitly_denies_and_says_so() -> None:
    decision = evaluate([], pull_request())
    assert (decision.decision, decision.statement) == ("implicit-deny", None)
    assert decision.reason == f"nothing in no policy allows {pull_request().describe()}"


def test_string_like_is_case_sensitive() -> None:
    # AWS: StringLike is case-sensitive (StringEqualsIgnoreCase has no Like counterpart).
    allow = {
        "Effect": "Allow",
        "Action": "ecr:*",
        "Resource": "*",
        "Condition": {"StringLike": {"aws:PrincipalTag/team": "Web-*"}},
    }
    policy = identity_policy(allow)
    ok = pull_request(**{"aws_PrincipalTag/team": "Web-1"})
    other_case = pull_request(**{"aws_PrincipalTag/team": "web-1"})
    assert evaluate([policy], ok).decision == "allow"
    assert evaluate([policy], other_case).decision == "implicit-deny"
