"""What a user reads at the end of a path through the interface/gateway rules
(evaluate/interfaces.py, endpoints.py, public.py, internet_gateway.py, nat_gateway.py): the
hop that decides, its id, its kind, and the words of its reason and fix, checked through the
walk on changed samples."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from netgraph.check import check_path
from netgraph.evaluate.internet_gateway import non_public
from netgraph.flows import eni_source, hypothetical_source, instance_source, service_sources
from netgraph.hop import HopKind
from netgraph.reach import Trace

from .conftest import sample_data, snap

TASK_SUBNET = "subnet-0a11c0ffee0000001"
SG_TASK = "sg-0b0b0b0b0b0b0b0b1"
ENI = "eni-0e1c2a3b4d5e6f711"
ECR_API = "vpce-0e1c2a3b4d5e6f701"


def path(data: dict[str, Any], to: str, port: int = 443, public_ip: bool = False) -> Trace:
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), public_ip)
    return check_path(s, source, to, protocol="6", port=port)


def _eni(data: dict[str, Any]) -> dict[str, Any]:
    eni: dict[str, Any] = next(
        e for e in data["NetworkInterfaces"] if e["NetworkInterfaceId"] == ENI
    )
    return eni


def _task_egress_to_group(data: dict[str, Any], group_id: str) -> None:
    task = next(g for g in data["SecurityGroups"] if g["GroupId"] == SG_TASK)
    task["IpPermissionsEgress"] = [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [{"GroupId": group_id}],
        }
    ]


@pytest.mark.parametrize(
    ("to", "change", "collection"),
    [
        # The ENI list was not collected: the ENI the user names cannot be placed.
        (ENI, lambda d: d.pop("NetworkInterfaces"), "NetworkInterfaces"),
        # The ENI is listed but its subnet is not.
        (ENI, lambda d: _eni(d).update(SubnetId="subnet-0gone"), "NetworkInterfaces"),
        # No Reservations in the sample: an instance id is not a typo, only not collected.
        ("i-0123456789abcdef0", lambda d: None, "Reservations"),
    ],
    ids=["enis-not-collected", "eni-subnet-not-collected", "instances-not-collected"],
)
def test_an_interface_not_in_the_snapshot_ends_the_path_unknown_naming_what_to_collect(
    to: str, change: Any, collection: str
) -> None:
    data = sample_data("healthy-endpoints")
    change(data)
    t = path(data, to)
    assert t.verdict == "unknown"
    last = t.hops[-1]
    assert (last.id, last.kind, last.status) == (to, HopKind.DESTINATION, "unknown")
    assert (
        t.reason
        == last.reason
        == (f"{to} or its subnet is not in the snapshot ({collection}, Subnets)")
    )


def test_an_eni_whose_groups_were_not_collected_is_unknown_not_unfiltered() -> None:
    """An ENI without Groups in the snapshot is not an ENI without security groups (NLB,
    NAT): its ingress is unknown, never passed."""
    data = sample_data("healthy-endpoints")
    del _eni(data)["Groups"]
    t = path(data, ENI)
    assert t.verdict == "unknown"
    [ingress] = [h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_INGRESS]
    assert ingress.status == "unknown"
    # The hop is the ENI's: the source's subnet is not what lacks data.
    assert ingress.id == ENI
    assert (
        t.reason
        == ingress.reason
        == (f"the security groups of {ENI} (Groups) are not in the snapshot")
    )


def test_an_egress_rule_naming_the_enis_security_group_admits_the_path_to_it() -> None:
    data = sample_data("healthy-endpoints")
    _task_egress_to_group(data, "sg-0e0e0e0e0e0e0e0e2")  # the ENI's group
    t = path(data, ENI)
    assert t.verdict == "reachable"
    egress = next(h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_EGRESS)
    assert egress.reason.endswith("(sg-0b0b0b0b0b0b0b0b1: tcp 443 to sg-0e0e0e0e0e0e0e0e2)")
    # Naming another group does not: the fix names the ENI's group as the one to allow.
    _task_egress_to_group(data, "sg-0d0d0d0d0d0d0d0d0")
    t = path(data, ENI)
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (SG_TASK, "ENI_SG_RULES_MISMATCH")
    assert t.fix == (
        f"add an outbound rule to {SG_TASK} allowing TCP 443 to sg-0e0e0e0e0e0e0e0e2 "
        "(the destination's security group)"
    )


def test_an_interface_endpoint_with_no_eni_and_no_subnet_blocks_with_its_fix() -> None:
    data = sample_data("healthy-endpoints")
    ep = next(e for e in data["VpcEndpoints"] if e["VpcEndpointId"] == ECR_API)
    ep["NetworkInterfaceIds"] = []
    ep["SubnetIds"] = []
    t = path(data, "ecr.api")
    assert t.verdict == "blocked" and t.blocked_at is not None
    hop = t.blocked_at
    assert (hop.id, hop.kind, hop.code) == (ECR_API, HopKind.INTERFACE_ENDPOINT, "VPCE_NO_ENI")
    assert hop.reason == f"{ECR_API} has no network interface in any subnet"
    assert t.fix == hop.fix == f"add a subnet of each Availability Zone the tasks use to {ECR_API}"


# --- NAT gateways (healthy-nat: the task's subnet routes 0.0.0.0/0 to NAT; NAT's subnet to IGW)

NAT = "nat-0a0a0a0a0a0a0a0a1"
NAT_SUBNET = "subnet-0a11c0ffee0000101"
IGW = "igw-0a0a0a0a0a0a0a0a0"
RTB_PRIVATE = "rtb-0f0f0f0f0f0f0f0f1"
RTB_PUBLIC = "rtb-0f0f0f0f0f0f0f0f2"
VPC_ID = "vpc-0a1b2c3d4e5f60718"


def _nat(data: dict[str, Any]) -> dict[str, Any]:
    nat: dict[str, Any] = data["NatGateways"][0]
    return nat


def _internet_route(data: dict[str, Any]) -> dict[str, Any]:
    table = next(t for t in data["RouteTables"] if t["RouteTableId"] == RTB_PUBLIC)
    route: dict[str, Any] = table["Routes"][1]
    assert route["DestinationCidrBlock"] == "0.0.0.0/0"
    return route


def _drop_nat_subnet(data: dict[str, Any]) -> None:
    data["Subnets"] = [s for s in data["Subnets"] if s["SubnetId"] != NAT_SUBNET]


def _drop_internet_route(data: dict[str, Any]) -> None:
    table = next(t for t in data["RouteTables"] if t["RouteTableId"] == RTB_PUBLIC)
    table["Routes"].remove(_internet_route(data))


def _route_to_tgw(data: dict[str, Any]) -> None:
    route = _internet_route(data)
    del route["GatewayId"]
    route["TransitGatewayId"] = "tgw-0abc"


NO_INTERNET_FIX = (
    f"add a route 0.0.0.0/0 -> an attached internet gateway to {RTB_PUBLIC} (the route "
    f"table of {NAT_SUBNET}, where {NAT} lives)"
)

NAT_CASES: dict[str, tuple[Any, str, str, HopKind, str | None, str, str | None]] = {
    # name: (change, verdict, hop id, hop kind, code, reason, fix)
    "deleted NAT: the route is blamed": (
        lambda d: _nat(d).update(State="deleted"),
        "blocked",
        RTB_PRIVATE,
        HopKind.ROUTE_TABLE,
        "BAD_STATE_ROUTE",
        f"route 0.0.0.0/0 -> {NAT} leads to a NAT gateway that is deleted",
        f"replace the route 0.0.0.0/0 in {RTB_PRIVATE}: its target {NAT} is deleted",
    ),
    "NAT state not collected": (
        lambda d: _nat(d).pop("State"),
        "unknown",
        NAT,
        HopKind.NAT_GATEWAY,
        None,
        f"the State of {NAT} is not in the snapshot (NatGateways)",
        None,
    ),
    "NAT not in NatGateways": (
        lambda d: _nat(d).update(NatGatewayId="nat-other"),
        "unknown",
        NAT,
        HopKind.NAT_GATEWAY,
        None,
        f"{RTB_PRIVATE} routes to {NAT}, which is not in NatGateways",
        None,
    ),
    "private NAT to the internet": (
        lambda d: _nat(d).update(ConnectivityType="private"),
        "blocked",
        NAT,
        HopKind.NAT_GATEWAY,
        "NGW_PRIVATE_CONNECTIVITY",
        f"{NAT} is a private NAT gateway: it cannot reach the internet",
        f"route to a public NAT gateway instead of {NAT}",
    ),
    "NAT's subnet not collected": (
        _drop_nat_subnet,
        "unknown",
        NAT_SUBNET,
        HopKind.SUBNET,
        None,
        f"the subnet {NAT_SUBNET} of {NAT} is not in Subnets",
        None,
    ),
    "NAT's subnet has no internet route": (
        _drop_internet_route,
        "blocked",
        RTB_PUBLIC,
        HopKind.ROUTE_TABLE,
        "NGW_SUBNET_NO_INTERNET_ROUTE",
        f"{NAT} lives in {NAT_SUBNET}, whose route table {RTB_PUBLIC} has no route for "
        "8.8.8.8, not an internet gateway",
        NO_INTERNET_FIX,
    ),
    "NAT's subnet routes to a blackhole": (
        lambda d: _internet_route(d).update(State="blackhole"),
        "blocked",
        RTB_PUBLIC,
        HopKind.ROUTE_TABLE,
        "NGW_SUBNET_NO_INTERNET_ROUTE",
        f"{NAT} lives in {NAT_SUBNET}, whose route table {RTB_PUBLIC} has route "
        f"0.0.0.0/0 -> {IGW} (blackhole) for 8.8.8.8, not an internet gateway",
        NO_INTERNET_FIX,
    ),
    "NAT's subnet route state not collected": (
        lambda d: _internet_route(d).pop("State"),
        "unknown",
        RTB_PUBLIC,
        HopKind.ROUTE_TABLE,
        None,
        f"route 0.0.0.0/0 -> {IGW} has no State in the snapshot (RouteTables): it may be a "
        "blackhole",
        None,
    ),
    "NAT's subnet routes to a transit gateway": (
        _route_to_tgw,
        "unknown",
        "tgw-0abc",
        HopKind.TRANSIT_GATEWAY,
        None,
        f"{RTB_PUBLIC} sends 8.8.8.8 from {NAT} to tgw-0abc; netgraph cannot follow it",
        None,
    ),
}


@pytest.mark.parametrize("case", list(NAT_CASES))
def test_a_nat_gateway_path_ends_at_the_hop_a_user_can_act_on(case: str) -> None:
    change, verdict, hop_id, kind, code, reason, fix = NAT_CASES[case]
    data = sample_data("healthy-nat")
    change(data)
    t = path(data, "8.8.8.8")
    last = t.hops[-1]
    assert t.verdict == verdict
    assert (last.id, last.kind, last.status, last.code) == (
        hop_id,
        kind,
        "fail" if verdict == "blocked" else "unknown",
        code,
    )
    assert (t.reason, last.reason) == (reason, reason)
    assert (t.fix, last.fix) == (fix, fix)


def test_through_a_nat_gateway_each_hop_says_where_the_packet_goes() -> None:
    t = path(sample_data("healthy-nat"), "8.8.8.8")
    assert t.verdict == "reachable"
    reasons = {(h.id, h.kind): h.reason for h in t.hops}
    assert reasons[(NAT, HopKind.NAT_GATEWAY)] == f"{NAT} is available (public) in {NAT_SUBNET}"
    assert (
        reasons[(RTB_PUBLIC, HopKind.ROUTE_TABLE)]
        == f"from {NAT}, 8.8.8.8 takes route 0.0.0.0/0 -> {IGW}"
    )
    assert (
        reasons[(IGW, HopKind.INTERNET_GATEWAY)]
        == f"{IGW} is attached to {VPC_ID}; {NAT} sends it out with its Elastic IP"
    )


def test_a_private_nat_gateway_forwards_to_a_private_address() -> None:
    """Only a public destination is refused at a private NAT gateway; a private one goes on
    (here through the NAT subnet's 0.0.0.0/0 route to the internet gateway, which drops it)."""
    data = sample_data("healthy-nat")
    _nat(data).update(ConnectivityType="private")
    t = path(data, "192.168.1.5")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (IGW, "IGW_DESTINATION_ADDRESS_NOT_PUBLIC")
    nat = next(h for h in t.hops if h.id == NAT)
    assert nat.reason == f"{NAT} is available (private) in {NAT_SUBNET}"


# --- Internet gateways (healthy-public: the public subnets route 0.0.0.0/0 to the IGW)

PUBLIC_SUBNET = "subnet-0a11c0ffee0000101"


def public_path(data: dict[str, Any], to: str = "8.8.8.8", public_ip: bool = True) -> Trace:
    s = snap(data)
    source = hypothetical_source(s, PUBLIC_SUBNET, (SG_TASK,), public_ip)
    return check_path(s, source, to, protocol="6", port=443)


def _igw(data: dict[str, Any]) -> dict[str, Any]:
    igw: dict[str, Any] = data["InternetGateways"][0]
    return igw


def _ipv6_everywhere(data: dict[str, Any]) -> None:
    """::/0 to the internet gateway in every table that sends 0.0.0.0/0 there, and opened
    for IPv6 as for IPv4 in every security group's egress and every NACL."""
    for rt in data["RouteTables"]:
        if any(r.get("GatewayId") == IGW for r in rt["Routes"]):
            rt["Routes"].append(
                {"DestinationIpv6CidrBlock": "::/0", "GatewayId": IGW, "State": "active"}
            )
    for sg in data["SecurityGroups"]:
        for perm in sg.get("IpPermissionsEgress", []):
            perm["Ipv6Ranges"] = [{"CidrIpv6": "::/0"}]
    for acl in data["NetworkAcls"]:
        for e in list(acl["Entries"]):
            if e.get("CidrBlock") == "0.0.0.0/0" and e["RuleNumber"] < 32767:
                v6 = {k: v for k, v in e.items() if k != "CidrBlock"}
                acl["Entries"].append(
                    {**v6, "Ipv6CidrBlock": "::/0", "RuleNumber": e["RuleNumber"] + 1}
                )


IGW_CASES: dict[str, tuple[Any, str, bool, str, str | None, str, str | None]] = {
    # name: (change, to, public IP, status, code, reason, fix)
    "detached": (
        lambda d: _igw(d).update(Attachments=[]),
        "8.8.8.8",
        True,
        "fail",
        "IGW_NOT_ATTACHED",
        f"{IGW} is not attached to {VPC_ID}",
        f"attach {IGW} to {VPC_ID}, or route to an internet gateway that is attached",
    ),
    "attachment state not collected": (
        lambda d: _igw(d)["Attachments"][0].pop("State"),
        "8.8.8.8",
        True,
        "unknown",
        None,
        f"the State of the attachment of {IGW} to {VPC_ID} is not in the snapshot "
        "(InternetGateways)",
        None,
    ),
    "not in InternetGateways": (
        lambda d: _igw(d).update(InternetGatewayId="igw-other"),
        "8.8.8.8",
        True,
        "unknown",
        None,
        f"{RTB_PUBLIC} routes to {IGW}, which is not in InternetGateways",
        None,
    ),
    "private destination": (
        lambda d: None,
        "192.168.1.5",
        True,
        "fail",
        "IGW_DESTINATION_ADDRESS_NOT_PUBLIC",
        f"{IGW} drops traffic to non-public addresses (192.168.1.5/32)",
        f"route 192.168.1.5/32 to where it lives (peering, transit gateway, VPN), not to {IGW}",
    ),
    "shared address space (100.64.0.0/10) is not public": (
        lambda d: None,
        "100.64.0.1",
        True,
        "fail",
        "IGW_DESTINATION_ADDRESS_NOT_PUBLIC",
        f"{IGW} drops traffic to non-public addresses (100.64.0.1/32)",
        f"route 100.64.0.1/32 to where it lives (peering, transit gateway, VPN), not to {IGW}",
    ),
    # IPv6 leaves untranslated from the ENI's own IPv6 address, which netgraph does not
    # read: unknown, public IPv4 or not (was "non-public", a wrong blocked).
    "public IPv6 destination": (
        _ipv6_everywhere,
        "2606:4700:4700::1111",
        True,
        "unknown",
        None,
        f"{IGW} carries IPv6 (2606:4700:4700::1111/128) only from an ENI's own IPv6 address, "
        "and netgraph does not read the IPv6 addresses of ENIs, so whether it leaves is not "
        "known",
        None,
    ),
    "public IPv6 destination, no public IPv4": (
        _ipv6_everywhere,
        "2600:1f18::10",
        False,
        "unknown",
        None,
        f"{IGW} carries IPv6 (2600:1f18::10/128) only from an ENI's own IPv6 address, "
        "and netgraph does not read the IPv6 addresses of ENIs, so whether it leaves is not "
        "known",
        None,
    ),
    "task without a public IP": (
        lambda d: None,
        "8.8.8.8",
        False,
        "fail",
        "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        f"the task's ENI has no public IP, and {IGW} translates only for ENIs with a "
        "public address",
        "run the task with --public-ip (assignPublicIp=ENABLED), or route 0.0.0.0/0 in "
        f"{RTB_PUBLIC} to a NAT gateway",
    ),
}


@pytest.mark.parametrize("case", list(IGW_CASES))
def test_an_internet_gateway_path_ends_at_the_gateway_with_its_reason_and_fix(case: str) -> None:
    change, to, public_ip, status, code, reason, fix = IGW_CASES[case]
    data = sample_data("healthy-public")
    change(data)
    t = public_path(data, to, public_ip)
    last = t.hops[-1]
    assert t.verdict == ("blocked" if status == "fail" else "unknown")
    assert (last.id, last.kind, last.status, last.code) == (
        IGW,
        HopKind.INTERNET_GATEWAY,
        status,
        code,
    )
    assert (t.reason, last.reason) == (reason, reason)
    assert (t.fix, last.fix) == (fix, fix)


def test_an_internet_gateway_passes_a_task_with_a_public_ip_saying_so() -> None:
    t = public_path(sample_data("healthy-public"))
    assert t.verdict == "reachable"
    igw = next(h for h in t.hops if h.kind == HopKind.INTERNET_GATEWAY)
    assert (igw.id, igw.status) == (IGW, "pass")
    assert igw.reason == f"{IGW} is attached to {VPC_ID}; the source has a public IP"


def test_the_public_ip_fix_is_worded_for_a_service_an_eni_and_an_instance() -> None:
    data = sample_data("healthy-public")
    network = data["services"][0]["networkConfiguration"]["awsvpcConfiguration"]
    network["assignPublicIp"] = "DISABLED"
    eni = {
        "NetworkInterfaceId": "eni-0pub",
        "SubnetId": PUBLIC_SUBNET,
        "VpcId": VPC_ID,
        "InterfaceType": "interface",
        "Groups": [{"GroupId": SG_TASK, "GroupName": "task"}],
        "PrivateIpAddress": "10.0.101.50",
        "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": "10.0.101.50"}],
        "Status": "in-use",
    }
    data["NetworkInterfaces"] = [eni]
    instance = {
        "InstanceId": "i-0pub",
        "State": {"Name": "running"},
        "SubnetId": PUBLIC_SUBNET,
        "VpcId": VPC_ID,
        "PrivateIpAddress": "10.0.101.51",
        "SecurityGroups": [{"GroupId": SG_TASK, "GroupName": "task"}],
    }
    data["Reservations"] = [{"ReservationId": "r-0pub", "Instances": [instance]}]
    s = snap(data)
    services = [x for x in service_sources(s) if x.subnet_id == PUBLIC_SUBNET]
    for source, fix in (
        (
            services[0],
            "set assignPublicIp=ENABLED in the service's network configuration, or move it "
            "to subnets whose route table sends 0.0.0.0/0 to a NAT gateway (or add VPC "
            "endpoints)",
        ),
        (
            eni_source(s, "eni-0pub"),
            f"associate an Elastic IP with the ENI, or route 0.0.0.0/0 in {RTB_PUBLIC} to a "
            "NAT gateway",
        ),
        (
            instance_source(s, "i-0pub"),
            f"associate an Elastic IP with the ENI, or route 0.0.0.0/0 in {RTB_PUBLIC} to a "
            "NAT gateway",
        ),
    ):
        t = check_path(s, source, "8.8.8.8", protocol="6", port=443)
        assert t.verdict == "blocked" and t.blocked_at is not None
        assert (t.blocked_at.id, t.blocked_at.code) == (IGW, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")
        assert t.fix == fix


def test_a_network_is_public_to_an_internet_gateway_only_if_wholly_public() -> None:
    """The walk asks ``non_public`` of the destination's networks: one that starts or ends
    in private space is dropped by the gateway, whatever its other end."""
    starts_private = ipaddress.ip_network("10.0.0.0/7")  # 10.0.0.0-11.255.255.255
    ends_private = ipaddress.ip_network("100.0.0.0/9")  # ends in 100.64.0.0/10
    public = ipaddress.ip_network("52.0.0.0/8")
    assert non_public([starts_private, ends_private, public]) == [starts_private, ends_private]


def _nat_table_route(data: dict[str, Any], route: dict[str, Any]) -> None:
    table = next(t for t in data["RouteTables"] if t["RouteTableId"] == RTB_PUBLIC)
    table["Routes"].append(route)


def _ambiguous_lists(data: dict[str, Any]) -> None:
    for pl in ("pl-0aaa", "pl-0bbb"):
        data["PrefixLists"].append(
            {"PrefixListId": pl, "PrefixListName": pl, "Cidrs": ["8.8.8.0/24"]}
        )
    _nat_table_route(
        data, {"DestinationPrefixListId": "pl-0aaa", "GatewayId": IGW, "State": "active"}
    )
    _nat_table_route(
        data, {"DestinationPrefixListId": "pl-0bbb", "NatGatewayId": NAT, "State": "active"}
    )


def _blackhole_to_tgw(data: dict[str, Any]) -> None:
    _route_to_tgw(data)
    _internet_route(data)["State"] = "blackhole"


SUBNET_ROUTE_CASES: dict[str, tuple[Any, str, str, HopKind, str | None, str]] = {
    # name: (change, verdict, hop id, hop kind, code, reason)
    "a prefix list whose entries were not collected": (
        lambda d: _nat_table_route(
            d, {"DestinationPrefixListId": "pl-0zzz", "GatewayId": IGW, "State": "active"}
        ),
        "unknown",
        RTB_PUBLIC,
        HopKind.ROUTE_TABLE,
        None,
        f"{RTB_PUBLIC} routes to prefix list pl-0zzz, whose entries are not in the snapshot "
        "(add PrefixLists or PrefixListEntries)",
    ),
    "two prefix lists overlap": (
        _ambiguous_lists,
        "unknown",
        RTB_PUBLIC,
        HopKind.ROUTE_TABLE,
        None,
        f"{RTB_PUBLIC}: prefix lists pl-0aaa, pl-0bbb overlap on 8.8.8.8/32; AWS picks one "
        "of them and sticks with it",
    ),
    "a route back to a NAT gateway": (
        lambda d: _internet_route(d).update(GatewayId=None, NatGatewayId="nat-0other"),
        "blocked",
        RTB_PUBLIC,
        HopKind.ROUTE_TABLE,
        "NGW_SUBNET_NO_INTERNET_ROUTE",
        f"{NAT} lives in {NAT_SUBNET}, whose route table {RTB_PUBLIC} has route 0.0.0.0/0 "
        "-> nat-0other for 8.8.8.8, not an internet gateway",
    ),
    # Not a State AWS reports, but the loader keeps any: only an active route carries.
    "a route to the internet gateway that is not active": (
        lambda d: _internet_route(d).update(State="pending"),
        "blocked",
        RTB_PUBLIC,
        HopKind.ROUTE_TABLE,
        "NGW_SUBNET_NO_INTERNET_ROUTE",
        f"{NAT} lives in {NAT_SUBNET}, whose route table {RTB_PUBLIC} has route 0.0.0.0/0 "
        f"-> {IGW} for 8.8.8.8, not an internet gateway",
    ),
    "a blackhole route to a transit gateway": (
        _blackhole_to_tgw,
        "blocked",
        RTB_PUBLIC,
        HopKind.ROUTE_TABLE,
        "NGW_SUBNET_NO_INTERNET_ROUTE",
        f"{NAT} lives in {NAT_SUBNET}, whose route table {RTB_PUBLIC} has route 0.0.0.0/0 "
        "-> tgw-0abc (blackhole) for 8.8.8.8, not an internet gateway",
    ),
}


@pytest.mark.parametrize("case", list(SUBNET_ROUTE_CASES))
def test_the_nat_subnets_route_decides_with_the_words_of_its_route_table(case: str) -> None:
    change, verdict, hop_id, kind, code, reason = SUBNET_ROUTE_CASES[case]
    data = sample_data("healthy-nat")
    change(data)
    t = path(data, "8.8.8.8")
    last = t.hops[-1]
    assert t.verdict == verdict
    assert (last.id, last.kind, last.code) == (hop_id, kind, code)
    assert (t.reason, last.reason) == (reason, reason)
    if code:
        assert t.fix == NO_INTERNET_FIX


# --- The source: its first hop, and how the far end's rules see it (healthy-endpoints)


def _service_network(data: dict[str, Any]) -> dict[str, Any]:
    network: dict[str, Any] = data["services"][0]["networkConfiguration"]["awsvpcConfiguration"]
    return network


def _no_vpcs(data: dict[str, Any]) -> None:
    del data["Vpcs"], data["VpcAttributes"]


@pytest.mark.parametrize(
    ("change", "make_source", "status", "reason"),
    [
        (
            None,
            lambda s: hypothetical_source(s, TASK_SUBNET, (SG_TASK, "sg-0d0d0d0d0d0d0d0d0"), True),
            "pass",
            f"a task in {TASK_SUBNET}, security groups {SG_TASK}, sg-0d0d0d0d0d0d0d0d0, public IP",
        ),
        (
            lambda d: _eni(d).update(Groups=[]),
            lambda s: eni_source(s, ENI),
            "pass",
            f"{ENI}, security groups none, no public IP",
        ),
        (
            lambda d: _service_network(d).update(subnets=["subnet-0gone"]),
            lambda s: service_sources(s)[0],
            "unknown",
            f"service web in subnet-0gone, security groups {SG_TASK}, no public IP: "
            "subnet-0gone is not in Subnets; nothing can be checked",
        ),
        (
            _no_vpcs,
            lambda s: service_sources(s)[0],
            "unknown",
            f"service web in {TASK_SUBNET}, security groups {SG_TASK}, no public IP: its VPC "
            "is not in Vpcs; nothing can be checked",
        ),
    ],
    ids=["task", "eni-without-groups", "subnet-not-collected", "vpc-not-collected"],
)
def test_the_first_hop_names_the_source_its_groups_and_public_ip(
    change: Any, make_source: Any, status: str, reason: str
) -> None:
    data = sample_data("healthy-endpoints")
    if change:
        change(data)
    s = snap(data)
    source = make_source(s)
    t = check_path(s, source, "eni-0e1c2a3b4d5e6f721", protocol="6", port=443)
    first = t.hops[0]
    assert (first.id, first.kind, first.status, first.reason) == (
        source.subnet_id if source.kind != "eni" else source.id,
        HopKind.SOURCE,
        status,
        reason,
    )
    if status == "unknown":
        assert (t.verdict, t.reason) == ("unknown", reason)


def test_the_far_sides_return_rules_see_the_source_as_its_address_or_its_subnet() -> None:
    data = sample_data("healthy-endpoints")
    s = snap(data)
    sources = (
        (eni_source(s, "eni-0e1c2a3b4d5e6f712"), "to 10.0.12.10 (return traffic)"),
        (
            hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False),
            f"to {TASK_SUBNET} (10.0.1.0/24) (return traffic)",
        ),
    )
    for source, words in sources:
        t = check_path(s, source, "eni-0e1c2a3b4d5e6f721", protocol="6", port=443)
        assert t.verdict == "reachable"
        back = [h for h in t.hops if h.kind == HopKind.NETWORK_ACL_OUTBOUND and h.leg == "return"]
        assert [h.reason.endswith(words) for h in back] == [True]


def test_a_source_subnet_without_its_cidr_makes_the_nacls_unknown_saying_why() -> None:
    data = sample_data("healthy-endpoints")
    next(x for x in data["Subnets"] if x["SubnetId"] == TASK_SUBNET).pop("CidrBlock")
    t = path(data, ENI)
    assert t.verdict == "unknown"
    assert t.reason == (
        f"the addresses of {TASK_SUBNET} (its CidrBlock is not in the snapshot) are not known, "
        "so acl-0c0c0c0c0c0c0c0c0 cannot be judged"
    )


def test_a_path_to_an_address_ends_at_the_eni_that_holds_it() -> None:
    t = path(sample_data("healthy-endpoints"), "10.0.11.10")
    assert t.verdict == "reachable"
    last = t.hops[-1]
    assert (last.id, last.kind, last.reason) == (
        ENI,
        HopKind.NETWORK_INTERFACE,
        f"{ENI} (10.0.11.10)",
    )


# --- The S3 gateway endpoint (healthy-endpoints: the task's route table names it)

S3_ENDPOINT = "vpce-0e1c2a3b4d5e6f7s3"


def _without_s3_endpoint(data: dict[str, Any]) -> None:
    data["VpcEndpoints"] = [e for e in data["VpcEndpoints"] if e["VpcEndpointId"] != S3_ENDPOINT]


@pytest.mark.parametrize(
    ("change", "protocol", "status", "code", "reason", "fix"),
    [
        (
            lambda d: d.pop("VpcEndpoints"),
            "6",
            "unknown",
            None,
            "VpcEndpoints is not in the snapshot (not collected)",
            None,
        ),
        (
            _without_s3_endpoint,
            "6",
            "unknown",
            None,
            f"{RTB_PRIVATE} routes to {S3_ENDPOINT}, which is not in VpcEndpoints",
            None,
        ),
        (
            lambda d: None,
            "17",
            "fail",
            "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            f"{S3_ENDPOINT} is a gateway endpoint: it carries TCP and ICMP only",
            f"use TCP to reach {S3_ENDPOINT}",
        ),
    ],
    ids=["endpoints-not-collected", "endpoint-not-listed", "udp"],
)
def test_a_path_through_the_s3_gateway_endpoint_ends_there_when_it_cannot_be_judged_or_used(
    change: Any, protocol: str, status: str, code: str | None, reason: str, fix: str | None
) -> None:
    data = sample_data("healthy-endpoints")
    change(data)
    s = snap(data)
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    t = check_path(s, source, "s3", protocol=protocol, port=443)
    last = t.hops[-1]
    assert (last.id, last.kind, last.status, last.code) == (
        S3_ENDPOINT,
        HopKind.GATEWAY_ENDPOINT,
        status,
        code,
    )
    assert (t.reason, last.reason, t.fix) == (reason, reason, fix)


def test_icmp_goes_through_the_s3_gateway_endpoint() -> None:
    s = snap(sample_data("healthy-endpoints"))
    source = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    t = check_path(s, source, "s3", protocol="1", port=None)
    assert t.verdict == "reachable"
    assert any(h.id == S3_ENDPOINT and h.status == "pass" for h in t.hops)


@pytest.mark.parametrize(
    ("state", "status", "code", "reason", "fix"),
    [
        (
            "pendingAcceptance",
            "fail",
            "VPCE_BAD_STATE",
            f"{ECR_API} (com.amazonaws.ap-northeast-1.ecr.api) is pendingacceptance",
            f"{ECR_API} is pendingacceptance: wait for it to become available, or recreate it",
        ),
        (
            None,
            "unknown",
            None,
            f"the State of {ECR_API} is not in the snapshot (VpcEndpoints)",
            None,
        ),
    ],
    ids=["pending", "state-not-collected"],
)
def test_an_interface_endpoint_that_is_not_available_ends_the_path_there(
    state: str | None, status: str, code: str | None, reason: str, fix: str | None
) -> None:
    data = sample_data("healthy-endpoints")
    ep = next(e for e in data["VpcEndpoints"] if e["VpcEndpointId"] == ECR_API)
    if state is None:
        del ep["State"]
    else:
        ep["State"] = state
    t = path(data, "ecr.api")
    last = t.hops[-1]
    assert (last.id, last.kind, last.status, last.code) == (
        ECR_API,
        HopKind.INTERFACE_ENDPOINT,
        status,
        code,
    )
    assert (t.reason, last.reason, t.fix) == (reason, reason, fix)
