"""``netgraph collect``: a snapshot from AWS, read-only."""

from __future__ import annotations

from pathlib import Path

import click

from netgraph import live
from netgraph.commands.common import BadInput, collect_live, echo


@click.command()
@click.option("--region", help="AWS region (default: the profile's)")
@click.option("--profile", metavar="PROFILE", help="AWS profile")
@click.option("--endpoint-url", metavar="URL", help="send the AWS calls to this endpoint")
@click.option(
    "--vpc",
    "vpcs",
    multiple=True,
    metavar="VPC",
    help="collect these VPCs (default: the services' VPCs, else all)",
)
@click.option(
    "--cluster",
    "clusters",
    multiple=True,
    metavar="CLUSTER",
    help="collect these ECS clusters (default: all)",
)
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="NAME",
    help="only these services of the cluster",
)
@click.option(
    "-o", "--output", required=True, metavar="FILE", help="write the snapshot here (mode 0600)"
)
@click.option(
    "--keep-environment",
    is_flag=True,
    help="keep the values of containers' environment variables (default: names only)",
)
@live.timeout_options
def collect(
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    vpcs: tuple[str, ...],
    clusters: tuple[str, ...],
    services: tuple[str, ...],
    output: str,
    keep_environment: bool,
) -> None:
    """Collect a snapshot from AWS (read-only: Describe, List and Get calls only)."""
    if services and len(clusters) != 1:
        raise BadInput("--service needs exactly one --cluster")
    if Path(output).is_dir():
        # Found out only after minutes of collecting, otherwise.
        raise BadInput(f"-o {output} is a folder: name the file to write, e.g. -o snapshot.json")
    data = collect_live(region, profile, endpoint_url, vpcs, clusters, services, keep_environment)
    from netgraph.sources.collect import write_snapshot

    try:
        write_snapshot(output, data)
    except OSError as exc:
        raise BadInput(f"cannot write {output}: {exc.strerror or exc}") from None
    failed = data.get("CollectionErrors", [])
    echo(
        f"wrote {output}"
        + (
            f" ({len(failed)} calls failed: "
            + ", ".join(f"{e['Call']} {e['Error']}" for e in failed)
            + ")"
            if failed
            else ""
        ),
        err=True,
    )
