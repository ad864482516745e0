"""``netgraph collect``: a snapshot from AWS, read-only."""

from __future__ import annotations

from pathlib import Path

import click

from netgraph import live
from netgraph.commands.common import BadInput, collect_live, echo


@click.command()
@click.option("--region", help="AWS region (default: the profile's)")
@click.option(
    "--regions",
    metavar="R1,R2",
    help="collect these Regions (comma list); with it, or several --profile, -o is a folder",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    metavar="PROFILE",
    help="AWS profile; repeat for several accounts (collected concurrently)",
)
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
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="write the snapshot here (mode 0600); of several accounts or Regions: a folder",
)
@click.option(
    "--keep-environment",
    is_flag=True,
    help="keep the values of containers' environment variables (default: names only)",
)
@live.timeout_options
def collect(
    region: str | None,
    regions: str | None,
    profiles: tuple[str, ...],
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
    if regions is not None:
        if region is not None:
            raise BadInput("--region and --regions: give one (--regions r1,r2 for several)")
        chosen = list(dict.fromkeys(r.strip() for r in regions.split(",") if r.strip()))
        if not chosen:
            raise BadInput(f"--regions {regions!r}: name at least one region, e.g. us-east-1")
        if len(chosen) > 1 or len(profiles) > 1:
            _collect_several(
                chosen, profiles, endpoint_url, vpcs, clusters, services, output, keep_environment
            )
            return
        region = chosen[0]
    if len(profiles) > 1:
        _collect_several(
            [region] if region else [],
            profiles,
            endpoint_url,
            vpcs,
            clusters,
            services,
            output,
            keep_environment,
        )
        return
    profile = profiles[0] if profiles else None
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


def _collect_several(
    regions: list[str],
    profiles: tuple[str, ...],
    endpoint_url: str | None,
    vpcs: tuple[str, ...],
    clusters: tuple[str, ...],
    services: tuple[str, ...],
    output: str,
    keep_environment: bool,
) -> None:
    """Every profile x Region, concurrently, one subfolder each under the folder ``output``
    (docs/several-accounts.md)."""
    from netgraph.sources import regions as known
    from netgraph.sources.collect import CollectError
    from netgraph.sources.collect_several import collect_several, jobs_of, write_several

    if not regions:
        raise BadInput(
            "several --profile need the Regions to collect: --region R or --regions R1,R2"
        )
    for r in regions:
        if not known.is_region(r):
            raise BadInput(known.not_a_region("--regions", r))
    if Path(output).exists() and not Path(output).is_dir():
        raise BadInput(
            f"-o {output} is a file: several accounts or Regions are written as one subfolder "
            "each; name a folder, e.g. -o snap/"
        )
    meta = click.get_current_context().meta
    timeouts = {
        option: meta[f"netgraph.{option}"]
        for option in ("connect_timeout", "read_timeout")
        if f"netgraph.{option}" in meta
    }
    jobs = jobs_of(list(profiles), regions)
    try:
        results = collect_several(
            jobs,
            endpoint_url=endpoint_url,
            vpc_ids=vpcs,
            clusters=clusters,
            services=services,
            keep_environment=keep_environment,
            timeouts=timeouts,
        )
    except CollectError as exc:
        raise BadInput(str(exc)) from None
    try:
        written = write_several(output, results)
    except OSError as exc:
        raise BadInput(f"cannot write {output}: {exc.strerror or exc}") from None
    for path, (job, data) in zip(written, results.items(), strict=True):
        failed = data.get("CollectionErrors", [])
        echo(
            f"wrote {path} ({job.label}, account {data.get('AccountId', 'unknown')})"
            + (f": {len(failed)} calls failed" if failed else ""),
            err=True,
        )
