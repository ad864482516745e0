"""``netgraph scan``: every ECS service (and ENI) of an account at once."""

from __future__ import annotations

import click

from netgraph import live
from netgraph.check import exit_code
from netgraph.commands.common import (
    FORMAT,
    PLAN,
    REGION,
    BadInput,
    given_plan,
    no_overwrites,
    read_or_collect,
    refuse_unknown_targets,
    warn_unknown_keys,
    warning,
    within_scope,
    write,
)
from netgraph.render.formats import Report


@click.command(name="scan")
@click.argument("snapshot", type=click.Path(), required=False)
@click.option("--all-enis", is_flag=True, help="also check every ENI (default targets)")
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="TARGET",
    help="scan only these targets; repeatable",
)
@click.option("--heatmap", metavar="FILE.png", help="write sources x targets as a heatmap")
@click.option(
    "--html",
    "html",
    metavar="FILE",
    help="write a self-contained HTML report: summary, filterable checks, fixes, diagram",
)
@click.option("--top", default=10, show_default=True, help="blocking hops listed in the text")
@click.option(
    "--failing-only",
    is_flag=True,
    help="with --format json: list only the checks that do not pass (the summary counts all)",
)
@REGION
@PLAN
@FORMAT
@live.live_options
def scan_cmd(
    snapshot: str | None,
    all_enis: bool,
    targets: tuple[str, ...],
    heatmap: str | None,
    html: str | None,
    top: int,
    failing_only: bool,
    region: str | None,
    fmt: str,
    live: bool,
    clusters: tuple[str, ...],
    vpcs: tuple[str, ...],
    profile: str | None,
    endpoint_url: str | None,
) -> None:
    """Check every ECS service (and with --all-enis every ENI) of SNAPSHOT at once."""
    import time

    from netgraph import scan as scanning

    if live == bool(snapshot):
        raise BadInput("give a SNAPSHOT file or folder, or --live (not both)")
    refuse_unknown_targets(targets)
    if failing_only and fmt != "json":
        raise BadInput("--failing-only lists checks in JSON: add --format json")
    outputs = [("--heatmap", heatmap), ("--html", html)]
    no_overwrites(snapshot, outputs)
    no_overwrites(given_plan(), outputs)  # the plan is an input too
    started = time.perf_counter()
    snap, where = read_or_collect(snapshot, live, region, profile, endpoint_url, vpcs, clusters, ())
    warn_unknown_keys(snap)
    within = within_scope(snap, vpcs, clusters)
    result = scanning.scan(snap, all_enis=all_enis, targets=targets, within=within)
    if not result.traces:
        limits = " within --vpc/--cluster" if within.vpcs or within.clusters else ""
        raise BadInput(
            f"nothing to scan{limits}: the snapshot holds no ECS service that uses awsvpc "
            "(and --all-enis found no ENI)"
        )
    seconds = time.perf_counter() - started
    report = Report(
        "scan",
        snap,
        where,
        result.traces,
        summary=scanning.summary(snap, result),
        seconds=seconds,
        top=top,
        failing_only=failing_only,
        warn=warning,
    )
    write(report, fmt, {"heatmap": heatmap, "html": html})
    raise click.exceptions.Exit(exit_code(result.traces))
