"""Which destinations are public IPv4 (evaluate/addresses.py): an internet gateway carries a
network only if every address of it is public, a private NAT gateway refuses one if any is.
The oracle asks ``is_public`` of every address of the network."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph.evaluate.addresses import _NOT_PUBLIC, has_public_part, is_public, is_wholly_public
from netgraph.evaluate.internet_gateway import non_public
from netgraph.model import IPNetwork

from .conftest import examples

# Networks of up to 1,024 addresses near the edges of the non-public blocks, where a check of
# one end or of one block at a time goes wrong.
_EDGES = sorted(
    {int(b.network_address) for b in _NOT_PUBLIC}
    | {int(b.broadcast_address) + 1 for b in _NOT_PUBLIC}
)


@st.composite
def networks(draw: st.DrawFn) -> IPNetwork:
    edge = draw(st.sampled_from(_EDGES))
    address = min(max(edge + draw(st.integers(-2048, 2048)), 0), 2**32 - 1)
    prefix = draw(st.integers(22, 32))
    return ipaddress.ip_network((address, prefix), strict=False)


@settings(max_examples=examples(300), deadline=None)
@given(networks())
def test_public_parts_match_every_address(net: IPNetwork) -> None:
    addresses = [net.network_address + i for i in range(net.num_addresses)]
    assert is_wholly_public(net) == all(is_public(a) for a in addresses)
    assert has_public_part(net) == any(is_public(a) for a in addresses)


@pytest.mark.parametrize(
    ("cidr", "wholly", "some"),
    [
        ("8.0.0.0/5", False, True),  # starts and ends public, holds 10.0.0.0/8
        ("96.0.0.0/4", False, True),  # holds 100.64.0.0/10
        ("224.0.0.0/3", False, False),  # two non-public blocks side by side
        ("0.0.0.0/0", False, True),
        ("52.0.0.0/8", True, True),
        ("10.0.0.0/7", False, True),
        ("10.0.0.0/8", False, False),
        ("2600:1f18::/32", False, False),  # public IPv4 only
    ],
)
def test_large_networks(cidr: str, wholly: bool, some: bool) -> None:
    net = ipaddress.ip_network(cidr)
    assert (is_wholly_public(net), has_public_part(net)) == (wholly, some)
    # IPv6 is judged apart at the internet gateway (unknown), never as "non-public".
    assert non_public([net]) == ([] if wholly or net.version == 6 else [net])
