"""``netgraph draw``: the topology of a VPC as a picture."""

from __future__ import annotations

import click

from netgraph.commands.common import (
    PLAN,
    REGION,
    BadInput,
    echo,
    load,
    no_overwrites,
    warn_unknown_keys,
    warning,
    write,
)
from netgraph.render.formats import Report


@click.command()
@click.argument("snapshot", type=click.Path())
@click.option(
    "--vpc",
    "vpc_id",
    metavar="VPC",
    help="the VPC to draw (default: the one with the most subnets)",
)
@click.option(
    "--network",
    is_flag=True,
    help="draw every VPC and how they connect: transit gateways and their route tables, "
    "peering connections, private hosted zones (spokes gathered per route table)",
)
@click.option("--png", "png", metavar="FILE", help="write the topology as PNG")
@click.option("--svg", "svg", metavar="FILE", help="write the topology as SVG")
@click.option("--dot", "dot", metavar="FILE", help="write the topology as Graphviz DOT")
@REGION
@PLAN
def draw(
    snapshot: str,
    vpc_id: str | None,
    network: bool,
    png: str | None,
    svg: str | None,
    dot: str | None,
    region: str | None,
) -> None:
    """Draw the topology of a VPC of SNAPSHOT: AZs, subnets, route tables, gateways; with
    --network, the VPCs and how they connect."""
    if not (png or svg or dot):
        raise BadInput("draw needs at least one of --png FILE, --svg FILE, --dot FILE")
    if network and vpc_id:
        raise BadInput("draw: --network draws every VPC; leave out --vpc")
    no_overwrites(snapshot, [("--png", png), ("--svg", svg), ("--dot", dot)])
    from netgraph.render.network import network_graph
    from netgraph.render.topology import TopologyError, topology_graph

    snap = load(snapshot, region)
    warn_unknown_keys(snap)
    try:
        graph = network_graph(snap) if network else topology_graph(snap, vpc_id)
    except TopologyError as exc:
        raise BadInput(str(exc)) from None
    report = Report("draw", snap, snapshot, picture=graph, warn=warning)
    write(report, None, {"png": png, "dot": dot, "svg": svg})
    if network:
        kinds = [d["kind"] for _, d in graph.nodes(data=True)]
        echo(
            f"drew the network: {kinds.count('vpc')} VPC boxes, "
            f"{kinds.count('spoke-group')} spoke groups, {kinds.count('tgw')} transit gateways",
            err=True,
        )
        return
    n = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "subnet")
    echo(f"drew {graph.graph['name']}: {n} subnets, {graph.number_of_nodes()} nodes", err=True)
