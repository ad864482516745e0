"""NACLs: lowest rule number first, first match wins, default deny; checked against a
brute-force packet-by-packet oracle."""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph.evaluate.network_acls import DEFAULT_DENY_RULE, acl_allows, evaluate_acl
from netgraph.model import NetworkAcl, NetworkAclEntry

from .conftest import examples, snap

net = ipaddress.ip_network


def entry(
    number: int,
    action: str,
    cidr: str,
    protocol: str = "6",
    ports: tuple[int, int] | None = None,
    egress: bool = False,
) -> NetworkAclEntry:
    return NetworkAclEntry(
        number,
        egress,
        protocol,
        action == "allow",
        net(cidr),
        ports[0] if ports else None,
        ports[1] if ports else None,
    )


def acl(*entries: NetworkAclEntry) -> NetworkAcl:
    """The NACL as the loader reads it from AWS's JSON, entries listed in the order given:
    ordering them by rule number is the loader's job, and these tests check it."""
    raw: list[dict[str, Any]] = []
    for e in entries:
        item: dict[str, Any] = {
            "Ipv6CidrBlock" if e.cidr.version == 6 else "CidrBlock": str(e.cidr),
            "Egress": e.egress,
            "Protocol": e.protocol,
            "RuleAction": "allow" if e.allow else "deny",
            "RuleNumber": e.rule_number,
        }
        if e.port_from is not None:
            item["PortRange"] = {"From": e.port_from, "To": e.port_to}
        elif e.protocol in ("6", "17"):
            item["PortRange"] = {"From": 0, "To": 65535}  # AWS always writes one for TCP/UDP
        raw.append(item)
    doc = {"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": False, "Entries": raw}
    loaded = snap({"Region": "ap-northeast-1", "NetworkAcls": [doc]}).network_acls
    assert loaded is not None
    return loaded["acl-1"]


def test_lowest_number_wins_even_when_listed_later() -> None:
    # Kills: NACL entries no longer sorted by rule number in the loader (the deny, 100, is
    # listed after the allow, 200).
    a = acl(
        entry(200, "allow", "0.0.0.0/0", ports=(443, 443)),
        entry(100, "deny", "10.0.0.0/8", ports=(443, 443)),
    )
    assert [e.rule_number for e in a.entries] == [100, 200]
    assert acl_allows(a, egress=False, protocol="6", port=443, address=net("10.1.2.3/32")) == (
        False,
        100,
    )
    assert acl_allows(a, egress=False, protocol="6", port=443, address=net("8.8.8.8/32")) == (
        True,
        200,
    )


def test_a_half_open_port_range_matches_every_port() -> None:
    # Kills: an entry with only one end of its port range read as a range (it has none).
    half = NetworkAclEntry(100, False, "6", True, net("0.0.0.0/0"), 443, None)
    a = NetworkAcl("acl-1", "vpc-1", False, (half,), ())
    assert acl_allows(a, egress=False, protocol="6", port=8080, address=net("1.2.3.4/32")) == (
        True,
        100,
    )


def test_the_decision_names_its_acl_and_direction() -> None:
    # Kills: AclDecision built without its acl_id or egress.
    a = acl(entry(100, "allow", "0.0.0.0/0", protocol="-1", egress=True))
    d = evaluate_acl(a, egress=True, protocol="6", ports=(443, 443), peer=(net("1.2.3.4/32"),))
    assert (d.acl_id, d.egress, d.allows_all) == ("acl-1", True, True)


def test_nothing_matches_means_default_deny() -> None:
    a = acl(entry(100, "allow", "0.0.0.0/0", ports=(443, 443)))
    assert acl_allows(a, egress=False, protocol="6", port=32768, address=net("1.2.3.4/32")) == (
        False,
        DEFAULT_DENY_RULE,
    )


def test_directions_are_separate_rule_sets() -> None:
    a = acl(entry(100, "allow", "0.0.0.0/0", protocol="-1", egress=True))
    assert acl_allows(a, egress=True, protocol="6", port=443, address=net("1.2.3.4/32"))[0]
    assert not acl_allows(a, egress=False, protocol="6", port=443, address=net("1.2.3.4/32"))[0]


def test_protocol_all_ignores_ports_and_udp_rule_does_not_match_tcp() -> None:
    a = acl(
        entry(90, "deny", "0.0.0.0/0", protocol="17", ports=(0, 65535)),
        entry(100, "allow", "0.0.0.0/0", protocol="-1"),
    )
    assert acl_allows(a, egress=False, protocol="6", port=5, address=net("1.2.3.4/32")) == (
        True,
        100,
    )
    assert acl_allows(a, egress=False, protocol="17", port=5, address=net("1.2.3.4/32")) == (
        False,
        90,
    )


def test_ipv6_rule_never_matches_ipv4() -> None:
    a = acl(entry(100, "allow", "::/0", protocol="-1"))
    assert not acl_allows(a, egress=False, protocol="6", port=443, address=net("1.2.3.4/32"))[0]


def test_return_range_partly_denied_is_reported_by_piece() -> None:
    a = acl(entry(100, "allow", "0.0.0.0/0", ports=(49152, 65535)))
    d = evaluate_acl(a, egress=False, protocol="6", ports=(32768, 60999), peer=(net("0.0.0.0/0"),))
    assert not d.allows_all and not d.denies_all
    assert {(p.ports, p.allow) for p in d.pieces} == {
        ((49152, 60999), True),
        ((32768, 49151), False),
    }


# ---- property: the set evaluation equals packet-by-packet first match --------------------

SPACE = net("10.0.0.0/28")  # 16 addresses, ports 0-7: small enough to enumerate
cidrs = st.builds(
    lambda base, plen: net(f"10.0.0.{base}/{plen}", strict=False),
    st.integers(0, 15),
    st.integers(26, 32),
)
port_ranges = st.one_of(
    st.none(), st.tuples(st.integers(0, 7), st.integers(0, 7)).map(lambda t: (min(t), max(t)))
)
entries = st.builds(
    lambda n, allow, c, proto, ports: NetworkAclEntry(
        n, False, proto, allow, c, *(ports if ports and proto in ("6", "17") else (None, None))
    ),
    st.integers(1, 32766),
    st.booleans(),
    cidrs,
    st.sampled_from(["6", "17", "-1"]),
    port_ranges,
)


def oracle(a: NetworkAcl, protocol: str, port: int, address: ipaddress.IPv4Address) -> bool:
    for e in sorted(a.entries, key=lambda e: e.rule_number):
        if e.egress:
            continue
        if e.protocol not in ("-1", protocol):
            continue
        if (
            e.port_from is not None
            and e.port_to is not None
            and not (e.port_from <= port <= e.port_to)
        ):
            continue
        if address in e.cidr:
            return e.allow
    return False


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(entries, max_size=6, unique_by=lambda e: e.rule_number),
    st.sampled_from(["6", "17"]),
    port_ranges,
    cidrs,
)
def test_set_evaluation_matches_per_packet_oracle(
    rules: list[NetworkAclEntry],
    protocol: str,
    ports: tuple[int, int] | None,
    peer: ipaddress.IPv4Network,
) -> None:
    a = acl(*rules)
    span = ports or (0, 7)
    decision = evaluate_acl(a, egress=False, protocol=protocol, ports=span, peer=(peer,))
    decided: dict[tuple[int, int], bool] = {}
    for piece in decision.pieces:
        for n in piece.networks:
            for address in n:
                for port in range(piece.ports[0], piece.ports[1] + 1):
                    key = (int(address), port)
                    assert key not in decided, "pieces overlap"
                    decided[key] = piece.allow
    for address in peer:
        for port in range(span[0], span[1] + 1):
            assert decided[(int(address), port)] == oracle(a, protocol, port, address)
