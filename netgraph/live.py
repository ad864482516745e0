"""``--live``: the options that collect from AWS instead of reading a snapshot, and the
collecting. boto3 costs a sixth of a second to import: only the live commands pay for it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from netgraph.model import Snapshot
from netgraph.sources.snapshot import SnapshotError, snapshot_from_data


class LiveError(Exception):
    """AWS could not be read, or returned what netgraph cannot read (exit code 2)."""


def live_options(f: Callable[..., None]) -> Callable[..., None]:
    f = click.option(
        "--endpoint-url", metavar="URL", help="send the AWS calls to this endpoint (a test server)"
    )(f)
    f = click.option("--profile", metavar="PROFILE", help="AWS profile for --live")(f)
    f = click.option(
        "--vpc",
        "vpcs",
        multiple=True,
        metavar="VPC",
        help="only services and ENIs in these VPCs (with --live: collect these VPCs)",
    )(f)
    f = click.option(
        "--cluster",
        "clusters",
        multiple=True,
        metavar="CLUSTER",
        help="only services of these ECS clusters (with --live: collect these clusters)",
    )(f)
    f = click.option(
        "--live", is_flag=True, help="collect from AWS now (read-only) instead of reading SNAPSHOT"
    )(f)
    return timeout_options(f)


def timeout_options(f: Callable[..., None]) -> Callable[..., None]:
    # Kept in the context for collect, so that the commands need not pass them along.
    def keep(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
        if value is not None:
            ctx.meta[f"netgraph.{param.name}"] = value

    seconds = click.FloatRange(min=0, min_open=True)
    f = click.option(
        "--read-timeout",
        type=seconds,
        metavar="SECONDS",
        expose_value=False,
        callback=keep,
        help="wait this long for each AWS answer (default 30; 3 attempts per call)",
    )(f)
    f = click.option(
        "--connect-timeout",
        type=seconds,
        metavar="SECONDS",
        expose_value=False,
        callback=keep,
        help="wait this long for a connection to AWS (default 10; 3 attempts per call)",
    )(f)
    return f


def collect(
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    vpcs: Sequence[str],
    clusters: Sequence[str],
    services: Sequence[str],
    keep_environment: bool = False,
) -> dict[str, Any]:
    """The account's data, as ``collect`` writes it; progress on stderr."""
    from netgraph.sources import regions
    from netgraph.sources.collect import CollectError, Collector, stderr_progress

    if region is not None and not regions.is_region(region):
        # Before any call: botocore would take the name and try endpoints that do not exist.
        raise LiveError(regions.not_a_region("--region", region))
    meta = click.get_current_context().meta
    collector = Collector(
        region=region,
        profile=profile,
        endpoint_url=endpoint_url,
        progress=stderr_progress(),
        keep_environment=keep_environment,
    )
    for option in ("connect_timeout", "read_timeout"):
        if f"netgraph.{option}" in meta:
            setattr(collector, option, meta[f"netgraph.{option}"])
    try:
        data = collector.collect(vpcs, clusters, services)
    except CollectError as exc:
        if sys.stderr.isatty():
            click.echo("", err=True)  # end the progress line
        raise LiveError(str(exc)) from None
    if sys.stderr.isatty():
        click.echo("", err=True)
    return data


def snapshot(data: dict[str, Any]) -> Snapshot:
    """The snapshot of what ``collect`` returned."""
    try:
        return snapshot_from_data(data, "live AWS")
    except SnapshotError as exc:
        raise LiveError(f"AWS returned data netgraph cannot read: {exc}") from None
