"""`netgraph draw --network` (transit gateways, spokes gathered per route table, peering,
hosted zones) and the check picture of a path that crosses into another VPC."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib.image
import pydot
import pytest

from netgraph.cli import main
from netgraph.render.network import network_graph
from tests.conftest import ROOT, SAMPLES, snap

sys.path.insert(0, str(ROOT / "bench"))
from hub_and_spoke import generate_hub_and_spoke

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def call(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def _dot(path: Path) -> pydot.Dot:
    graphs = pydot.graph_from_dot_data(path.read_text(encoding="utf-8"))
    assert graphs
    return graphs[0]


def _attr(node: pydot.Node, key: str) -> str:
    return str(node.get(key) or "").strip('"')


def test_hub_and_spoke_spokes_are_gathered_per_transit_gateway_route_table(
    run: Run, tmp_path: Path
) -> None:
    data = generate_hub_and_spoke(spokes=12, groups=3)
    g = network_graph(snap(data))
    groups = [d for _, d in g.nodes(data=True) if d["kind"] == "spoke-group"]
    hubs = sorted(d["label"] for _, d in g.nodes(data=True) if d["kind"] == "vpc")
    assert len(groups) == 3
    assert all(d["label"].startswith("4 spoke VPCs associated with tgw-rtb-") for d in groups)
    assert all(d["lines"][-1] == "… and 0 more" or len(d["lines"]) == 4 for d in groups)
    assert [h.split(" ")[0] for h in hubs] == ["egress", "shared-services"]
    # The hub table's 12 propagated spoke routes: one row per group it leads to.
    hub_table = next(
        n for n, rows in g.graph["routes"].items() if any("4 routes" in r[0] for r in rows)
    )
    targets = [t for _, t, _ in g.graph["routes"][hub_table]]
    assert sorted(targets) == sorted(n for n, d in g.nodes(data=True) if d["kind"] == "spoke-group")
    zones = next(d for _, d in g.nodes(data=True) if d["kind"] == "hosted-zones")
    assert any(line.startswith("dkr.ecr.ap-northeast-1.amazonaws.com") for line in zones["lines"])
    assert all(line.endswith("· 13 VPCs") for line in zones["lines"])


def test_draw_network_writes_a_png_that_decodes_and_a_dot_that_reads_back(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "hub.json"
    path.write_text(json.dumps(generate_hub_and_spoke(spokes=7, groups=2)), encoding="utf-8")
    png, dot = tmp_path / "n.png", tmp_path / "n.dot"
    code, _out, err = run("draw", str(path), "--network", "--png", str(png), "--dot", str(dot))
    assert code == 0, err
    assert "2 VPC boxes, 2 spoke groups, 1 transit gateways" in err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(str(png)).shape
    assert width > 1000 and height > 400
    nodes = {n.get_name().strip('"'): n for n in _dot(dot).get_nodes()}
    assert "tgw-0a1b2c3d4e5f60718" in nodes
    kinds = sorted(_attr(n, "kind") for n in nodes.values() if _attr(n, "kind"))
    assert kinds.count("spoke-group") == 2
    assert kinds.count("transit-gateway-route-table") == 3


def test_a_peering_is_a_line_between_the_vpcs_it_joins_with_its_status(
    run: Run, tmp_path: Path
) -> None:
    dot = tmp_path / "p.dot"
    sample = SAMPLES / "broken-peering-edge-to-edge.json"
    code, _out, err = run("draw", str(sample), "--network", "--dot", str(dot))
    assert code == 0, err
    edges = [e for e in _dot(dot).get_edges() if _attr(e, "kind") == "peering"]
    assert len(edges) == 1
    assert _attr(edges[0], "label") == "pcx-0a1b2c3d4e5f60031 (active)"
    ends = {edges[0].get_source().strip('"'), edges[0].get_destination().strip('"')}
    assert ends == {"vpc-05b0ke00000000001", "vpc-0e9e5500000000002"}


def test_draw_network_of_one_vpc_without_transit_gateway_or_peering_is_exit_2(
    run: Run, tmp_path: Path
) -> None:
    code, _out, err = run(
        "draw", str(SAMPLES / "healthy-nat.json"), "--network", "--png", str(tmp_path / "x.png")
    )
    assert code == 2
    assert "no transit gateway and no peering connection" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


def test_draw_network_with_vpc_is_exit_2(run: Run, tmp_path: Path) -> None:
    sample = SAMPLES / "broken-peering-edge-to-edge.json"
    code, _out, err = run(
        "draw", str(sample), "--network", "--vpc", "vpc-1", "--png", str(tmp_path / "x.png")
    )
    assert code == 2 and "leave out --vpc" in err


def test_check_picture_names_the_vpc_of_hops_past_the_transit_gateway(
    run: Run, tmp_path: Path
) -> None:
    dot = tmp_path / "c.dot"
    sample = SAMPLES / "broken-tgw-missing-return-route.json"
    code, _out, err = run("check", str(sample), "--dot", str(dot))
    assert code == 1, err
    captions = {
        n.get_name().strip('"'): _attr(n, "caption")
        for n in _dot(dot).get_nodes()
        if _attr(n, "aws_id")
    }
    far = [c for c in captions.values() if c.endswith(" · hub-egress")]
    assert any(c.startswith("route table (return)") for c in far)
    assert any(c.startswith("NAT gw") for c in far)
    # The spoke's own hops (its route table, its NACL) carry no VPC.
    spoke = [c for k, c in captions.items() if "rtb-05b0ke" in k or "acl-05b0ke" in k]
    assert spoke and not any("·" in c for c in spoke)
