"""Diagrams: the PNG decodes, has its size and shows the blocking hop in red; the DOT parses
back with the blocking hop's verdict and reason; the SVG is XML; big VPCs stay readable."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pydot
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from netgraph.check import check_source
from netgraph.cli import main
from netgraph.flows import service_sources
from netgraph.render import diagram, png
from netgraph.render.dot import render as render_dot
from netgraph.render.topology import topology_graph

from .conftest import SAMPLES, build, sample_data, snap


def unquote(value: str | None) -> str:
    return (value or "").strip('"').replace('\\"', '"')


def check_files(
    tmp_path: Path, sample: str, *extra: str, formats: tuple[str, ...] = ("png", "dot", "svg")
) -> tuple[int, Path, Path, Path]:
    """``check SAMPLE`` writing the pictures of ``formats`` (a PNG takes a second or two: a
    test that reads only the DOT asks for that alone)."""
    out_png, out_dot, out_svg = tmp_path / "c.png", tmp_path / "c.dot", tmp_path / "c.svg"
    outputs = {"png": out_png, "dot": out_dot, "svg": out_svg}
    code = main(
        [
            "check",
            str(SAMPLES / f"{sample}.json"),
            *[arg for fmt in formats for arg in (f"--{fmt}", str(outputs[fmt]))],
            *extra,
        ]
    )
    return code, out_png, out_dot, out_svg


def has_colour(path: Path, rgb: tuple[int, int, int], tolerance: int = 6) -> bool:
    """Is the colour anywhere in the picture, the legend at the bottom left aside?"""
    image = mpimg.imread(str(path))[: -round(png.LEGEND_H * png.DPI), :, :3]
    pixels = (image * 255).round().astype(int)
    return bool(np.any(np.all(np.abs(pixels - np.array(rgb)) <= tolerance, axis=-1)))


def test_check_png_dot_svg_of_a_blocked_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out_png, out_dot, out_svg = check_files(tmp_path, "broken-nacl-no-ephemeral")
    capsys.readouterr()
    assert code == 1
    image = mpimg.imread(str(out_png))
    s = snap(sample_data("broken-nacl-no-ephemeral"))
    traces = [t for src in service_sources(s) for t in check_source(s, src)]
    width, height = png.figure_size(diagram.check_graph(traces, "t"))
    assert image.shape[:2] == (round(height * png.DPI), round(width * png.DPI))
    assert has_colour(out_png, diagram.BLOCKED_RGB)

    (graph,) = pydot.graph_from_dot_data(out_dot.read_text(encoding="utf-8"))
    blocked = [n for n in graph.get_nodes() if unquote(n.get("blocked")) == "True"]
    assert {unquote(n.get("aws_id")) for n in blocked} == {"acl-0c0c0c0c0c0c0c0c1"}
    for n in blocked:
        assert unquote(n.get("verdict")) == "fail"
        assert "denies inbound" in unquote(n.get("reason"))
        assert unquote(n.get("kind")) == "network-acl-inbound"
    ET.parse(out_svg)  # well-formed XML


def test_a_healthy_run_has_no_red(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out_png, out_dot, _ = check_files(tmp_path, "healthy-endpoints", formats=("png", "dot"))
    capsys.readouterr()
    assert code == 0
    assert not has_colour(out_png, diagram.BLOCKED_RGB)
    (graph,) = pydot.graph_from_dot_data(out_dot.read_text(encoding="utf-8"))
    assert all(unquote(n.get("verdict")) in ("pass", "") for n in graph.get_nodes())


def test_shared_hops_are_drawn_once() -> None:
    s = snap(sample_data("healthy-endpoints"))
    traces = [t for src in service_sources(s)[:1] for t in check_source(s, src)]
    g = diagram.check_graph(traces, "t")
    sg = [n for n, d in g.nodes(data=True) if d["aws_id"] == build.SG_TASK]
    assert len(sg) == 1
    assert set(g.nodes[sg[0]]["targets"].split(",")) == {
        "ecr.api",
        "ecr.dkr",
        "s3",
        "logs",
        "secretsmanager",
    }


def test_dot_quotes_arns_and_networkx_reads_it_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, out_dot, _ = check_files(tmp_path, "broken-explicit-deny", formats=("dot",))
    capsys.readouterr()
    text = out_dot.read_text(encoding="utf-8")
    assert '"arn:aws:iam::111122223333:policy/deny-unapproved-repositories"' in text
    import networkx as nx

    g = nx.nx_pydot.read_dot(str(out_dot))
    ids = {unquote(d.get("aws_id")) for _, d in g.nodes(data=True)}
    assert "arn:aws:iam::111122223333:policy/deny-unapproved-repositories" in ids


def test_long_ids_are_shortened_on_the_picture_only() -> None:
    arn = "arn:aws:iam::111122223333:policy/deny-unapproved-repositories-in-production"
    assert len(diagram.short_id(arn)) <= 22
    g = diagram.check_graph([], "t")
    g.add_node("x", aws_id=arn, label=diagram.short_id(arn), kind="iam-permission")
    assert f'aws_id="{arn}"' in render_dot(g)


def test_japanese_names_render_and_unknown_scripts_fall_back_with_a_warning(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = sample_data("healthy-nat")
    data["Subnets"][0]["Tags"] = [{"Key": "Name", "Value": "本番-プライベート-a"}]
    data["Subnets"][1]["Tags"] = [{"Key": "Name", "Value": "운영-서브넷"}]  # Hangul: no font here
    path = tmp_path / "s.json"
    import json

    path.write_text(json.dumps(data), encoding="utf-8")
    code = main(["draw", str(path), "--png", str(tmp_path / "t.png")])
    err = capsys.readouterr().err
    assert code == 0
    assert "本番" not in err  # drawn with a font that has it
    assert "no installed font" in err and build.SUBNETS["private-c"][0] in err
    assert mpimg.imread(str(tmp_path / "t.png")).shape[2] in (3, 4)


def big_snapshot(subnets: int = 50, endpoints: int = 234) -> dict[str, Any]:
    """One VPC, 3 AZs, 50 subnets, 10 route tables of 12 routes, NATs and endpoints."""
    data = sample_data("healthy-endpoints")
    azs = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    data["Subnets"] = [
        {
            "SubnetId": f"subnet-{i:017x}",
            "VpcId": build.VPC,
            "CidrBlock": f"10.0.{i}.0/24",
            "AvailabilityZone": azs[i % 3],
            "Tags": [{"Key": "Name", "Value": f"tier{i % 4}-{i}"}],
        }
        for i in range(subnets)
    ]
    tables = []
    for t in range(10):
        members = [s["SubnetId"] for i, s in enumerate(data["Subnets"]) if i % 10 == t]
        routes = [build.route(build.CIDR, "GatewayId", "local", "CreateRouteTable")]
        routes.append(
            build.route(
                "0.0.0.0/0",
                *(("GatewayId", build.IGW) if t == 0 else ("NatGatewayId", f"nat-{t % 3:017x}")),
            )
        )
        routes += [
            build.route(f"172.{16 + r}.0.0/16", "TransitGatewayId", f"tgw-{r % 2:017x}")
            for r in range(10)
        ]
        tables.append(
            {
                "RouteTableId": f"rtb-{t:017x}",
                "VpcId": build.VPC,
                "Routes": routes,
                "Associations": [{"SubnetId": m, "Main": False} for m in members],
            }
        )
    data["RouteTables"] = tables
    data["NatGateways"] = [
        {
            "NatGatewayId": f"nat-{n:017x}",
            "SubnetId": f"subnet-{n:017x}",
            "VpcId": build.VPC,
            "State": "available",
        }
        for n in range(3)
    ]
    data["VpcEndpoints"] = [
        {
            "VpcEndpointId": f"vpce-{e:017x}",
            "VpcEndpointType": "Interface",
            "VpcId": build.VPC,
            "ServiceName": f"com.amazonaws.ap-northeast-1.service{e}",
            "State": "available",
            "SubnetIds": [f"subnet-{(e + k) % subnets:017x}" for k in range(3)],
            "Groups": [],
        }
        for e in range(endpoints)
    ]
    return data


def text_overlaps(fig: Figure) -> list[tuple[str, str]]:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in fig.axes[0].texts
        if t.get_text().strip()
    ]
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


def test_topology_of_50_subnets_and_300_nodes_has_no_overlapping_labels() -> None:
    s = snap(big_snapshot())
    g = topology_graph(s)
    subnets = [n for n, d in g.nodes(data=True) if d["kind"] == "subnet"]
    assert len(subnets) == 50
    assert g.number_of_nodes() >= 300
    fig = png.draw_topology(g, warn=lambda m: None)
    assert text_overlaps(fig) == []


def test_draw_command_writes_png_dot_svg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [tmp_path / f"t.{ext}" for ext in ("png", "dot", "svg")]
    code = main(
        [
            "draw",
            str(SAMPLES / "healthy-endpoints.json"),
            "--png",
            str(paths[0]),
            "--dot",
            str(paths[1]),
            "--svg",
            str(paths[2]),
        ]
    )
    assert code == 0 and "6 subnets" in capsys.readouterr().err
    assert mpimg.imread(str(paths[0])).ndim == 3
    (graph,) = pydot.graph_from_dot_data(paths[1].read_text(encoding="utf-8"))
    kinds = {unquote(n.get("kind")) for n in graph.get_nodes()}
    assert {"subnet", "route-table", "gateway-endpoint", "interface-endpoint"} <= kinds
    ET.parse(paths[2])


def test_draw_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["draw", str(SAMPLES / "healthy-nat.json")]) == 2
    assert (
        main(
            [
                "draw",
                str(SAMPLES / "healthy-nat.json"),
                "--vpc",
                "vpc-0nope",
                "--png",
                str(tmp_path / "x.png"),
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "check",
                str(SAMPLES / "healthy-nat.json"),
                "--png",
                str(tmp_path / "no" / "dir" / "x.png"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no such VPC" in err and "cannot write" in err


@pytest.mark.parametrize("name", sorted(build.SAMPLES))
def test_check_diagram_of_every_sample_has_no_overlapping_text(name: str) -> None:
    s = snap(sample_data(name))
    traces = [t for src in service_sources(s) for t in check_source(s, src)]
    fig = png.draw_check(diagram.check_graph(traces, name), warn=lambda m: None)
    assert text_overlaps(fig) == []
