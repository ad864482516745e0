"""The check picture shows why: the drop with its reason and fix, the cause apart from the
drop, one box per resource per band, DNS boxes named by what they resolve, identical sources
in one band, the execution role in its own lane with the calls it may not make."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import matplotlib.image as mpimg
import networkx as nx
import pydot
import pytest

from netgraph.check import check_source
from netgraph.cli import main
from netgraph.flows import service_sources
from netgraph.render import diagram, png

from .conftest import SAMPLES, build, sample_data, snap
from .test_diagrams import has_colour, unquote

DKR = "111122223333.dkr.ecr.ap-northeast-1.amazonaws.com"


def graph_of(name: str) -> nx.DiGraph:
    s = snap(sample_data(name))
    traces = [t for src in service_sources(s) for t in check_source(s, src)]
    return diagram.check_graph(traces, name)


def nodes(g: nx.DiGraph, **match: object) -> list[dict[str, object]]:
    return [d for _, d in g.nodes(data=True) if all(d.get(k) == v for k, v in match.items())]


def test_private_dns_off_marks_the_dns_hop_as_the_cause_and_the_route_table_as_the_drop() -> None:
    g = graph_of("broken-private-dns-off")
    (drop,) = nodes(g, blocked=True)
    assert drop["aws_id"] == "rtb-0f0f0f0f0f0f0f0f1" and drop["verdict"] == "fail"
    note = str(drop["note"]).replace("\n", " ")
    assert "blocks ecr.dkr; admits ecr.api" in note
    assert "fix: enable private DNS on vpce-0e1c2a3b4d5e6f702" in note
    assert "--private-dns-enabled)" in note  # wrapped, not cut
    (cause,) = nodes(g, cause=True)
    assert cause["kind"] == "dns" and cause["aws_id"] == "vpce-0e1c2a3b4d5e6f702"
    assert cause["verdict"] == "pass"  # the hop's own status: the JSON's, unchanged
    assert cause["label"] == "111122223333.dkr.ecr" and cause["resolves"] == DKR
    assert str(cause["note"]).startswith("cause: ")
    # The route table is one box, red, though ecr.api passes it.
    assert len(nodes(g, aws_id="rtb-0f0f0f0f0f0f0f0f1")) == 1
    assert "ecr.api:pass" in str(drop["statuses"]) and "ecr.dkr:fail" in str(drop["statuses"])


@pytest.mark.parametrize("name", sorted(build.SAMPLES))
def test_one_box_per_resource_per_band(name: str) -> None:
    g = graph_of(name)
    network = Counter(
        (d["band"], d["kind"], d.get("leg"), d.get("resolves") or d["aws_id"])
        for _, d in g.nodes(data=True)
        if d["lane"] == "network"
    )
    # The same NACL twice in a path (task subnet, then the NAT gateway's) is two crossings,
    # a name asked of two resolvers (custom DNS, then the VPC's) two lookups.
    again = ("network-acl", "dns")
    twice = {k: n for k, n in network.items() if n > 1 and not str(k[1]).startswith(again)}
    assert twice == {}
    assert all(len(nodes(g, band=band, kind="iam-role")) <= 1 for band in range(3))


def test_every_dns_box_is_named_by_what_it_resolves() -> None:
    for name in ("healthy-endpoints", "healthy-nat", "broken-private-dns-off"):
        g = graph_of(name)
        dns = nodes(g, kind="dns")
        assert dns
        for d in dns:
            assert not str(d["label"]).startswith(("vpce-", "vpc-")), d
            assert str(d["resolves"]).endswith(".amazonaws.com")
        assert {d["label"] for d in dns} >= {"api.ecr", "logs", "secretsmanager"}


def test_identical_sources_share_one_band() -> None:
    g = graph_of("broken-nacl-no-ephemeral")
    (root,) = nodes(g, kind="source")
    assert root["heading"] == (
        f"web in {build.SUBNETS['private-a'][0]}, {build.SUBNETS['private-c'][0]}: same result"
    )
    assert len(g.graph["band_rows"]) == 1


def test_different_sources_keep_their_bands() -> None:
    data = sample_data("broken-nacl-no-ephemeral")
    # The second subnet gets the healthy NACL: its checks differ, so it keeps its own band.
    second = build.SUBNETS["private-c"][0]
    for acl in data["NetworkAcls"]:
        acl["Associations"] = [a for a in acl["Associations"] if a["SubnetId"] != second]
    healthy = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == "acl-0c0c0c0c0c0c0c0c0")
    healthy["Associations"].append(
        {
            "NetworkAclAssociationId": "aclassoc-x",
            "NetworkAclId": "acl-0c0c0c0c0c0c0c0c0",
            "SubnetId": second,
        }
    )
    s = snap(data)
    traces = [t for src in service_sources(s) for t in check_source(s, src)]
    g = diagram.check_graph(traces, "t")
    headings = sorted(str(d["heading"]) for d in nodes(g, kind="source"))
    assert len(headings) == 2 and not any("same result" in h for h in headings)


def test_role_lane_of_a_role_without_ecr() -> None:
    g = graph_of("broken-role-without-ecr")
    lane = nodes(g, lane="role")
    (role,) = [d for d in lane if d["kind"] == "iam-role"]
    assert role["verdict"] == "fail" and role["blocked"]
    note = str(role["note"]).replace("\n", " ")
    assert (
        "not allowed: ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer"
        in note
    )
    assert "fix: attach arn:aws:iam::aws:policy/" in note
    assert "AmazonECSTaskExecutionRolePolicy to ecsTaskExecutionRole" in str(role["note"]).replace(
        "\n", ""
    )  # a word longer than the column is broken across lines, never cut
    # The role is one box, not three; the policies that grant are green and say what.
    assert len([d for d in lane if d["aws_id"] == role["aws_id"] and d["kind"] == "iam-role"]) == 1
    policies = {
        str(d["label"]): d for d in lane if d["kind"] in ("iam-policy", "iam-inline-policy")
    }
    assert set(policies) == {"CloudWatchLogsFullAccess", "read-web-secrets"}
    assert all(d["verdict"] == "pass" for d in policies.values())
    assert "grants logs:CreateLogStream, logs:PutLogEvents" in str(
        policies["CloudWatchLogsFullAccess"]["note"]
    ).replace("\n", " ")
    # The lane sits under the network columns of its band.
    network_rows = max(float(d["row"]) for d in nodes(g, lane="network"))
    assert all(float(d["row"]) > network_rows for d in lane)
    assert g.graph["lanes"][0][2] == "execution role: denied"


def test_role_lane_of_an_explicit_deny_and_of_a_healthy_role() -> None:
    g = graph_of("broken-explicit-deny")
    (deny,) = nodes(g, kind="iam-policy", verdict="fail")
    assert deny["blocked"] and "deny-unapproved-repositories" in str(deny["aws_id"])
    assert "denies ecr:BatchGetImage, ecr:GetDownloadUrlForLayer" in str(deny["note"]).replace(
        "\n", " "
    )
    (role,) = nodes(g, kind="iam-role")
    assert role["verdict"] == "fail" and not role["blocked"]
    g = graph_of("healthy-endpoints")
    assert {d["verdict"] for d in nodes(g, lane="role")} == {"pass"}
    assert g.graph["lanes"][0][2] == "execution role: allowed"


def test_the_cause_is_orange_on_the_png_and_in_the_dot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_png, out_dot = tmp_path / "c.png", tmp_path / "c.dot"
    code = main(
        [
            "check",
            str(SAMPLES / "broken-private-dns-off.json"),
            "--png",
            str(out_png),
            "--dot",
            str(out_dot),
        ]
    )
    capsys.readouterr()
    assert code == 1
    assert mpimg.imread(str(out_png)).ndim == 3
    assert has_colour(out_png, diagram.CAUSE_RGB) and has_colour(out_png, diagram.BLOCKED_RGB)
    (graph,) = pydot.graph_from_dot_data(out_dot.read_text(encoding="utf-8"))
    cause = [n for n in graph.get_nodes() if unquote(n.get("cause")) == "True"]
    assert [unquote(n.get("aws_id")) for n in cause] == ["vpce-0e1c2a3b4d5e6f702"]
    assert unquote(cause[0].get("color")) == diagram.CAUSE[1]
    assert "111122223333.dkr.ecr" in unquote(cause[0].get("label"))
    (drop,) = [n for n in graph.get_nodes() if unquote(n.get("blocked")) == "True"]
    assert "fix: enable private DNS" in unquote(drop.get("note")).replace("\\n", " ")


def test_no_cause_where_the_fix_is_at_the_drop() -> None:
    for name in (
        "broken-nacl-no-ephemeral",
        "broken-s3-only-endpoint",
        "broken-endpoint-sg-no-443",
    ):
        assert nodes(graph_of(name), cause=True) == []


@pytest.mark.parametrize("name", sorted(build.SAMPLES))
def test_every_sample_draws(name: str) -> None:
    g = graph_of(name)
    fig = png.draw_check(g, warn=lambda m: None)
    width, height = png.figure_size(g)
    assert fig.get_size_inches().tolist() == pytest.approx([width, height])
