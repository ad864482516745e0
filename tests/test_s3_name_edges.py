"""What a user reads when an S3 name's answer depends on the VPC's DNS attributes or on
endpoints the snapshot may not show (evaluate/dns._s3_resolutions, after 6d0e603): the DNS
hop's id and words, the doubt of an unknown verdict, and an account that did not collect
VpcEndpoints. The snapshots are those of tests/test_name_edges.py."""

from __future__ import annotations

from dataclasses import replace

from netgraph.check import destination_for_target
from netgraph.evaluate import dns
from netgraph.flows import service_sources
from netgraph.graph import build_flow_graph
from netgraph.hop import HopKind
from netgraph.model import Snapshot

from .test_name_edges import _S3_EP, _VPC, S3_SERVICE, _s3_check, _s3_interface_only

_HOST = "prod-ap-northeast-1-starport-layer-bucket.s3.ap-northeast-1.amazonaws.com"
_WHY = "account 222233334444: VpcEndpoints is not in its files (not collected)"


def _s3_answer(s: Snapshot) -> dns.DnsAnswer:
    assert s.vpcs is not None
    return dns.resolve(s, s.vpcs[_VPC], dns.AWS_SERVICES["s3"])


def test_s3_public_answer_with_dns_hostnames_off_is_named_by_the_endpoint_it_bypasses() -> None:
    t = _s3_check(_s3_interface_only(hostnames=False))
    assert t.verdict == "blocked", t.reason
    dns_hops = [h for h in t.hops if h.kind == HopKind.DNS]
    # The hop names the endpoint whose private DNS does not apply (the user's lead to the fix),
    # and says S3 as AWS spells it.
    assert [(h.id, h.status, h.reason) for h in dns_hops] == [
        (
            _S3_EP,
            "pass",
            f"{_HOST}: enableDnsHostnames is off on {_VPC}, so the private DNS of {_S3_EP} "
            "does not apply: S3 names resolve to S3's public addresses",
        )
    ]


def test_s3_with_dns_hostnames_not_collected_words_each_answer_by_its_condition() -> None:
    s = _s3_interface_only(hostnames=None)
    a = _s3_answer(s)
    # Each alternative becomes a DNS hop named by its endpoint (graph.follow_resolution) whose
    # words say under which value of enableDnsHostnames it holds.
    assert [(r.outcome, r.reason, r.endpoint and r.endpoint.id) for r in a.resolutions] == [
        (
            "endpoint",
            f"private DNS of {_S3_EP} answers with its ENIs (if enableDnsHostnames is on)",
            _S3_EP,
        ),
        ("public", f"S3's public addresses (if enableDnsHostnames is off on {_VPC})", _S3_EP),
    ]
    assert _s3_check(s).verdict == "unknown"
    flow = build_flow_graph(s, service_sources(s)[0], destination_for_target("s3", s))
    branches = [(h.id, h.reason) for h in flow.hops if h.kind == HopKind.DNS and h.id != _VPC]
    assert branches == [
        (
            _S3_EP,
            f"{_HOST}: private DNS of {_S3_EP} answers with its ENIs (if enableDnsHostnames is on)",
        ),
        (_S3_EP, f"{_HOST}: S3's public addresses (if enableDnsHostnames is off on {_VPC})"),
    ]


def test_s3_with_vpc_endpoints_not_collected_words_both_answers_and_the_doubt() -> None:
    s = _s3_interface_only(hostnames=True, endpoints_collected=False)
    a = _s3_answer(s)
    assert a.doubt == (
        "VpcEndpoints is not in the snapshot (not collected): "
        f"an interface endpoint {S3_SERVICE} may exist"
    )
    assert [(r.outcome, r.reason) for r in a.resolutions] == [
        (
            "public",
            f"if {_VPC} has no {S3_SERVICE} interface endpoint, S3 names resolve to S3's "
            "public addresses; a gateway endpoint, if any, is reached by route",
        ),
        (
            "unknown",
            f"whether {_VPC} has a {S3_SERVICE} interface endpoint is unknown: "
            "VpcEndpoints not in the snapshot",
        ),
    ]
    t = _s3_check(s)
    assert t.verdict == "unknown", t.reason
    assert t.reason.startswith(f"{_HOST}: {a.doubt}. Outcomes: ")
    assert [(h.id, h.status, h.reason) for h in t.hops if h.kind == HopKind.DNS][-1] == (
        _VPC,
        "unknown",
        f"{_HOST}: whether {_VPC} has a {S3_SERVICE} interface endpoint is unknown: "
        "VpcEndpoints not in the snapshot",
    )


def test_s3_in_a_vpc_whose_account_did_not_collect_vpc_endpoints_is_unknown_not_blocked() -> None:
    # Several accounts: others collected VpcEndpoints (the key is there), the VPC's did not,
    # so no S3 interface endpoint of it is known; one may answer S3's names.
    base = _s3_interface_only(hostnames=True)
    assert base.vpc_endpoints is not None
    s = replace(
        base,
        vpc_endpoints={k: e for k, e in base.vpc_endpoints.items() if k != _S3_EP},
        uncollected={"VpcEndpoints": {_VPC: _WHY}},
    )
    a = _s3_answer(s)
    assert not a.certain
    assert a.doubt == f"{_WHY}: an interface endpoint {S3_SERVICE} may exist"
    t = _s3_check(s)
    assert t.verdict == "unknown", t.reason
    assert _WHY in t.reason
