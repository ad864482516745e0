"""NACLs on every leg of a path: the task subnet out, the NAT gateway's subnet out and back,
the return legs (Linux ephemeral ports 32768-60999, exactly), and the loader's ordering of
entries by rule number. Each test names the mutant it kills (docs/mutants.md)."""

from __future__ import annotations

from typing import Any

from netgraph.check import check_source
from netgraph.flows import hypothetical_source
from netgraph.reach import Trace

from .conftest import build, sample_data, snap

TASK_SUBNET = build.SUBNETS["private-a"][0]
PUBLIC_SUBNET = build.SUBNETS["public-a"][0]
ACL_CUSTOM = "acl-0c0c0c0c0c0c0ca11"

Entry = dict[str, Any]


def allow(number: int, egress: bool, cidr: str, ports: tuple[int, int] | None = None) -> Entry:
    return build.acl_entry(number, egress, "6" if ports else "-1", "allow", cidr, ports)


def give_acl(data: dict[str, Any], subnet: str, *entries: Entry) -> None:
    """Associate ``subnet`` with a new NACL holding exactly ``entries``, in that order."""
    default = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == build.ACL_DEFAULT)
    default["Associations"] = [a for a in default["Associations"] if a["SubnetId"] != subnet]
    data["NetworkAcls"].append(
        {
            "NetworkAclId": ACL_CUSTOM,
            "VpcId": build.VPC,
            "IsDefault": False,
            "Associations": [{"NetworkAclId": ACL_CUSTOM, "SubnetId": subnet}],
            "Entries": list(entries),
        }
    )


def check(
    data: dict[str, Any], target: str, subnet: str = TASK_SUBNET, public: bool = False
) -> Trace:
    s = snap(data)
    source = hypothetical_source(s, subnet, (build.SG_TASK,), public)
    return check_source(s, source, [target])[0]


def blame(t: Trace) -> tuple[str, str | None, str, str] | None:
    if t.blocked_at is None:
        return None
    return (t.verdict, t.blocked_at.id, t.blocked_at.kind, t.blocked_at.leg)


# ---- the return range is 32768-60999, not less, not more -----------------------------------


def task_acl_with_return(ports: tuple[int, int]) -> dict[str, Any]:
    data = sample_data("healthy-endpoints")
    give_acl(
        data,
        TASK_SUBNET,
        allow(100, True, "0.0.0.0/0", (443, 443)),
        allow(100, False, build.CIDR, ports),
    )
    return data


def test_return_traffic_needs_exactly_the_linux_ephemeral_range() -> None:
    # Kills: EPHEMERAL_LINUX moved to 49152-65535 or widened to 1024-65535 (61000-65535 or
    # 1024-32767 would then be asked of a rule that does not admit them).
    assert check(task_acl_with_return((32768, 60999)), "ecr.api").verdict == "reachable"


def test_one_port_short_of_the_linux_range_is_blocked_on_the_return_leg() -> None:
    # Kills: the return range narrowed by one port at either end.
    for ports in ((32769, 60999), (32768, 60998)):
        t = check(task_acl_with_return(ports), "ecr.api")
        assert blame(t) == ("blocked", ACL_CUSTOM, "network-acl-inbound", "return"), ports


def test_endpoint_subnet_outbound_return_range_is_the_linux_range() -> None:
    # Kills: the endpoint side's return leg dropped, or asked for another range.
    data = sample_data("healthy-endpoints")
    endpoints_a = build.SUBNETS["endpoints-a"][0]
    endpoints_c = build.SUBNETS["endpoints-c"][0]
    for subnet in (endpoints_a, endpoints_c):
        default = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == build.ACL_DEFAULT)
        default["Associations"] = [a for a in default["Associations"] if a["SubnetId"] != subnet]
    data["NetworkAcls"].append(
        {
            "NetworkAclId": ACL_CUSTOM,
            "VpcId": build.VPC,
            "IsDefault": False,
            "Associations": [
                {"NetworkAclId": ACL_CUSTOM, "SubnetId": endpoints_a},
                {"NetworkAclId": ACL_CUSTOM, "SubnetId": endpoints_c},
            ],
            "Entries": [
                allow(100, False, build.CIDR, (443, 443)),
                allow(100, True, build.CIDR, (32768, 60999)),
            ],
        }
    )
    assert check(data, "ecr.api").verdict == "reachable"
    entries = data["NetworkAcls"][-1]["Entries"]
    entries[1] = allow(100, True, build.CIDR, (32768, 60000))
    t = check(data, "ecr.api")
    assert blame(t) == ("blocked", ACL_CUSTOM, "network-acl-outbound", "return")


# ---- the internet gateway path: the task subnet's NACL on the way back ---------------------


def test_internet_gateway_path_checks_the_return_leg_nacl() -> None:
    # Kills: the return-leg NACL check dropped on the internet-gateway path.
    data = sample_data("healthy-public")
    give_acl(
        data,
        PUBLIC_SUBNET,
        allow(100, True, "0.0.0.0/0", (443, 443)),
        allow(100, False, "0.0.0.0/0", (443, 443)),
    )
    t = check(data, "logs", PUBLIC_SUBNET, public=True)
    assert blame(t) == ("blocked", ACL_CUSTOM, "network-acl-inbound", "return")
    data["NetworkAcls"][-1]["Entries"][1] = allow(100, False, "0.0.0.0/0", (32768, 60999))
    assert check(data, "logs", PUBLIC_SUBNET, public=True).verdict == "reachable"


# ---- outbound NACLs on the forward leg ------------------------------------------------------


def test_task_subnet_outbound_nacl_is_checked() -> None:
    # Kills: the source subnet's outbound NACL not checked.
    data = sample_data("healthy-endpoints")
    give_acl(
        data, TASK_SUBNET, allow(100, True, "0.0.0.0/0", (80, 80)), allow(100, False, "0.0.0.0/0")
    )
    for target in ("ecr.api", "s3"):
        t = check(data, target)
        assert blame(t) == ("blocked", ACL_CUSTOM, "network-acl-outbound", "forward"), target


def test_nat_subnet_outbound_nacl_is_checked_on_the_way_out() -> None:
    # Kills: the NAT gateway's subnet's outbound NACL (to the internet) not checked.
    data = sample_data("healthy-nat")
    give_acl(
        data,
        PUBLIC_SUBNET,
        allow(100, False, "0.0.0.0/0"),
        allow(100, True, build.CIDR, (32768, 60999)),  # back to the task only
    )
    t = check(data, "logs")
    assert blame(t) == ("blocked", ACL_CUSTOM, "network-acl-outbound", "forward")


def test_nat_subnet_outbound_nacl_is_checked_on_the_way_back_to_the_task() -> None:
    # Kills: the NAT subnet's return leg toward the task (32768-60999) not checked.
    data = sample_data("healthy-nat")
    give_acl(
        data,
        PUBLIC_SUBNET,
        allow(100, False, "0.0.0.0/0"),
        allow(100, True, "0.0.0.0/0", (443, 443)),
    )
    t = check(data, "logs")
    assert blame(t) == ("blocked", ACL_CUSTOM, "network-acl-outbound", "return")
    data["NetworkAcls"][-1]["Entries"].append(allow(110, True, build.CIDR, (32768, 60999)))
    assert check(data, "logs").verdict == "reachable"


def test_nat_subnet_inbound_return_range_is_1024_65535() -> None:
    # Kills: the NAT gateway's own return range (1024-65535) narrowed.
    data = sample_data("healthy-nat")
    give_acl(
        data,
        PUBLIC_SUBNET,
        allow(100, True, "0.0.0.0/0"),
        allow(100, False, build.CIDR, (443, 443)),
        allow(110, False, "0.0.0.0/0", (1024, 65535)),
    )
    assert check(data, "logs").verdict == "reachable"
    data["NetworkAcls"][-1]["Entries"][2] = allow(110, False, "0.0.0.0/0", (1025, 65535))
    t = check(data, "logs")
    assert blame(t) == ("blocked", ACL_CUSTOM, "network-acl-inbound", "return")


# ---- the loader orders entries by rule number ------------------------------------------------


def test_loader_orders_entries_by_rule_number_not_by_listing() -> None:
    # Kills: NACL entries no longer sorted by rule number in the loader. The deny (100) is
    # listed after the allow (200): AWS evaluates 100 first.
    data = sample_data("healthy-endpoints")
    give_acl(
        data,
        TASK_SUBNET,
        allow(100, True, "0.0.0.0/0"),
        allow(200, False, "0.0.0.0/0"),
        build.acl_entry(100, False, "6", "deny", build.CIDR, (32768, 60999)),
    )
    t = check(data, "ecr.api")
    assert blame(t) == ("blocked", ACL_CUSTOM, "network-acl-inbound", "return")
    s = snap(data)
    assert s.network_acls is not None
    assert [e.rule_number for e in s.network_acls[ACL_CUSTOM].entries] == [100, 100, 200]


# ---- what a NACL hop says: the rule, the ports, the part denied, the fix -------------------

ENI = "eni-0e1c2a3b4d5e6f711 (10.0.11.10)"


def test_a_nacl_hop_names_the_rule_and_ports_it_allows() -> None:
    # Kills network_acls.acl_verdict wording mutants (rules joined, flow of a leg's ports).
    t = check(task_acl_with_return((32768, 60999)), "ecr.api")
    back = [h for h in t.hops if h.id == ACL_CUSTOM and h.leg == "return"]
    assert [h.reason for h in back] == [
        f"inbound rule 100 of {ACL_CUSTOM} ({TASK_SUBNET}) allows TCP 32768-60999 from {ENI} "
        "(return traffic)"
    ]


def test_a_partial_deny_names_the_part_and_the_default_rule() -> None:
    # Kills acl_verdict mutants on the partial-deny wording, status and fix.
    t = check(task_acl_with_return((32769, 60999)), "ecr.api")
    assert t.blocked_at is not None and t.blocked_at.partial
    assert (t.blocked_at.id, t.blocked_at.kind, t.blocked_at.leg) == (
        ACL_CUSTOM,
        "network-acl-inbound",
        "return",
    )
    assert t.blocked_at.reason == (
        f"the default rule (*) of {ACL_CUSTOM} ({TASK_SUBNET}) denies inbound TCP 32768 from "
        "10.0.11.10/32 for part of the flow (return traffic)"
    )
    assert t.blocked_at.fix == (
        f"add an inbound rule to {ACL_CUSTOM} allowing TCP 1024-65535 from 10.0.0.0/16"
    )


def test_an_explicit_deny_is_named_with_its_number_and_the_fix_goes_below_it() -> None:
    # Kills acl_verdict mutants on the deny rule's text and the fix's rule clause.
    data = sample_data("healthy-endpoints")
    give_acl(
        data,
        TASK_SUBNET,
        allow(100, True, "0.0.0.0/0"),
        allow(200, False, "0.0.0.0/0"),
        build.acl_entry(100, False, "6", "deny", build.CIDR, (32768, 60999)),
    )
    t = check(data, "ecr.api")
    assert t.blocked_at is not None and not t.blocked_at.partial
    assert t.blocked_at.reason == (
        f"rule 100 of {ACL_CUSTOM} ({TASK_SUBNET}) denies inbound TCP 32768-60999 from {ENI} "
        "(return traffic)"
    )
    assert t.blocked_at.fix == (
        f"add an inbound rule to {ACL_CUSTOM} allowing TCP 1024-65535 from 10.0.0.0/16, "
        "with a rule number below 100"
    )
