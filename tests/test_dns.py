"""DNS: private DNS of interface endpoints, VPC DNS attributes, DHCP options."""

from __future__ import annotations

import copy
from typing import Any

from netgraph.check import check_source
from netgraph.evaluate.dns import AWS_SERVICES, resolve, service_for_hostname
from netgraph.flows import service_sources

from .conftest import snap

VPC = "vpc-0a1b2c3d4e5f60718"
ECR_API = AWS_SERVICES["ecr.api"]


def answer(data: dict[str, Any], service: str = "ecr.api") -> tuple[bool, list[str]]:
    s = snap(data)
    assert s.vpcs is not None
    a = resolve(s, s.vpcs[VPC], AWS_SERVICES[service])
    return a.certain, [r.outcome for r in a.resolutions]


def set_attr(data: dict[str, Any], key: str, value: bool) -> None:
    for attr in data["VpcAttributes"]:
        if key in attr:
            attr[key]["Value"] = value


def test_private_dns_with_both_attributes_resolves_to_the_endpoint(healthy: dict[str, Any]) -> None:
    assert answer(healthy) == (True, ["endpoint"])


def test_dns_support_off_resolves_nothing(healthy: dict[str, Any]) -> None:
    set_attr(healthy, "EnableDnsSupport", False)
    assert answer(healthy) == (True, ["fail"])


def test_dns_hostnames_off_falls_back_to_the_public_service(healthy: dict[str, Any]) -> None:
    set_attr(healthy, "EnableDnsHostnames", False)
    assert answer(healthy) == (True, ["public"])


def test_private_dns_off_resolves_public(healthy: dict[str, Any]) -> None:
    for ep in healthy["VpcEndpoints"]:
        ep["PrivateDnsEnabled"] = False
    assert answer(healthy) == (True, ["public"])


def test_no_endpoint_resolves_public(healthy: dict[str, Any]) -> None:
    healthy["VpcEndpoints"] = []
    assert answer(healthy) == (True, ["public"])


def test_endpoint_in_another_vpc_does_not_count(healthy: dict[str, Any]) -> None:
    for ep in healthy["VpcEndpoints"]:
        ep["VpcId"] = "vpc-other"
    healthy["Vpcs"].append(dict(healthy["Vpcs"][0], VpcId="vpc-other"))
    assert answer(healthy) == (True, ["public"])


def test_s3_resolves_public_even_with_a_gateway_endpoint(healthy: dict[str, Any]) -> None:
    assert answer(healthy, "s3") == (True, ["public"])


def test_custom_dns_servers_make_it_uncertain(healthy: dict[str, Any]) -> None:
    healthy["DhcpOptions"][0]["DhcpConfigurations"][1]["Values"] = [{"Value": "10.0.0.53"}]
    certain, outcomes = answer(healthy)
    assert not certain and "unknown" in outcomes and "endpoint" in outcomes


def test_missing_attributes_or_dhcp_or_endpoints_make_it_uncertain(
    healthy: dict[str, Any],
) -> None:
    for key in ("VpcAttributes", "DhcpOptions", "VpcEndpoints"):
        data = dict(healthy)
        del data[key]
        certain, outcomes = answer(data)
        assert not certain, key
        assert set(outcomes) != {"endpoint"}, key


def test_default_dhcp_options_mean_amazon_dns(healthy: dict[str, Any]) -> None:
    healthy["Vpcs"][0]["DhcpOptionsId"] = "default"
    del healthy["DhcpOptions"]
    assert answer(healthy) == (True, ["endpoint"])


def test_hostnames_map_to_services() -> None:
    region = "ap-northeast-1"
    assert service_for_hostname("api.ecr.ap-northeast-1.amazonaws.com", region) is ECR_API
    assert (
        service_for_hostname("1234.dkr.ecr.ap-northeast-1.amazonaws.com", region)
        is AWS_SERVICES["ecr.dkr"]
    )
    assert (
        service_for_hostname("bucket.s3.ap-northeast-1.amazonaws.com", region) is AWS_SERVICES["s3"]
    )
    assert (
        service_for_hostname("logs.ap-northeast-1.amazonaws.com.", region) is AWS_SERVICES["logs"]
    )
    assert service_for_hostname("api.ecr.us-east-1.amazonaws.com", region) is None
    assert service_for_hostname("registry-1.docker.io", region) is None


def test_one_missing_dns_attribute_is_not_taken_as_on(healthy: dict[str, Any]) -> None:
    # Kills: one missing DNS attribute (the other present and on) taken as on.
    for key in ("EnableDnsSupport", "EnableDnsHostnames"):
        data = copy.deepcopy(healthy)
        data["VpcAttributes"] = [a for a in data["VpcAttributes"] if key not in a]
        certain, outcomes = answer(data)
        assert not certain, key
        assert "endpoint" in outcomes and set(outcomes) != {"endpoint"}, key


def test_one_missing_dns_attribute_makes_the_check_unknown(healthy: dict[str, Any]) -> None:
    # Kills: the same, seen by a user: the verdict is unknown, not reachable.
    for key in ("EnableDnsSupport", "EnableDnsHostnames"):
        data = copy.deepcopy(healthy)
        data["VpcAttributes"] = [a for a in data["VpcAttributes"] if key not in a]
        s = snap(data)
        t = check_source(s, service_sources(s)[0], ["ecr.api"])[0]
        assert t.verdict == "unknown" and key.replace("Enable", "enable") in t.reason, key
