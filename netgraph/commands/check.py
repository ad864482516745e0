"""``netgraph check``: every source of a snapshot, or of the live account, against the
targets it needs."""

from __future__ import annotations

import click

from netgraph import live
from netgraph.check import check_source, exit_code
from netgraph.commands.common import (
    FORMAT,
    PLAN,
    REGION,
    BadInput,
    diagram_options,
    given_plan,
    no_overwrites,
    read_or_collect,
    refuse_unknown_targets,
    warn_unknown_keys,
    warning,
    within_scope,
    write,
)
from netgraph.flows import Source, SourceError, eni_source, hypothetical_source, service_sources
from netgraph.render.formats import Report
from netgraph.requirements import ALL_TARGETS


@click.command()
@click.argument("snapshot", type=click.Path(), required=False)
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="NAME",
    help="only this ECS service (name or ARN); repeatable",
)
@click.option("--eni", "enis", multiple=True, metavar="ENI", help="an existing ENI; repeatable")
@click.option("--subnet", metavar="SUBNET", help="a hypothetical task in this subnet")
@click.option(
    "--security-group",
    "groups",
    multiple=True,
    metavar="SG",
    help="its security groups (with --subnet); repeatable",
)
@click.option("--public-ip", is_flag=True, help="the hypothetical task gets a public IP")
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="TARGET",
    help=f"check only these targets; repeatable ({', '.join(ALL_TARGETS)})",
)
@REGION
@PLAN
@FORMAT
@diagram_options
@click.option(
    "--html",
    "html",
    metavar="FILE",
    help="write a self-contained HTML report: summary, filterable checks, fixes, diagram",
)
@live.live_options
def check(
    snapshot: str,
    services: tuple[str, ...],
    enis: tuple[str, ...],
    subnet: str | None,
    groups: tuple[str, ...],
    public_ip: bool,
    targets: tuple[str, ...],
    region: str | None,
    fmt: str,
    png: str | None,
    dot: str | None,
    svg: str | None,
    html: str | None,
    live: bool,
    clusters: tuple[str, ...],
    vpcs: tuple[str, ...],
    profile: str | None,
    endpoint_url: str | None,
) -> None:
    """Check every source of SNAPSHOT (file or folder), or of the live account with --live,
    against the targets it needs."""
    if (groups or public_ip) and not subnet:
        raise BadInput(
            "--security-group and --public-ip describe a hypothetical task: give --subnet too"
        )
    refuse_unknown_targets(targets)
    if live == bool(snapshot):
        raise BadInput("give a SNAPSHOT file or folder, or --live (not both)")
    outputs = [("--png", png), ("--svg", svg), ("--dot", dot), ("--html", html)]
    no_overwrites(snapshot, outputs)
    no_overwrites(given_plan(), outputs)  # the plan is an input too
    snap, where = read_or_collect(
        snapshot, live, region, profile, endpoint_url, vpcs, clusters, services
    )
    warn_unknown_keys(snap)
    within = within_scope(snap, vpcs, clusters)
    try:
        sources: list[Source] = []
        for name in services:
            sources.extend(s for s in service_sources(snap, name) if within.holds(snap, s))
        sources.extend(eni_source(snap, e) for e in enis)
        if subnet:
            sources.append(hypothetical_source(snap, subnet, groups, public_ip))
        if not (services or enis or subnet):
            sources = [s for s in service_sources(snap) if within.holds(snap, s)]
        if not sources:
            limits = " within --vpc/--cluster" if within.vpcs or within.clusters else ""
            raise SourceError(
                f"no ECS service that uses awsvpc{limits}; name a "
                "source with --eni or --subnet/--security-group"
            )
        traces = [t for s in sources for t in check_source(snap, s, targets)]
    except SourceError as exc:
        raise BadInput(str(exc)) from None
    report = Report("check", snap, where, traces, live=live, warn=warning)
    write(report, fmt, {"png": png, "dot": dot, "svg": svg, "html": html})
    raise click.exceptions.Exit(exit_code(traces))
