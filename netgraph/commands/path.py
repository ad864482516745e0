"""``netgraph path``: one flow, hop by hop."""

from __future__ import annotations

import click

from netgraph.check import check_path, exit_code
from netgraph.commands.common import (
    FORMAT,
    PLAN,
    REGION,
    BadInput,
    load,
    warn_unknown_keys,
    warning,
    write,
)
from netgraph.flows import SourceError, eni_source, hypothetical_source, instance_source
from netgraph.render.formats import Report
from netgraph.sources.snapshot import normalize_protocol


@click.command()
@click.argument("snapshot", type=click.Path())
@click.option(
    "--from",
    "from_",
    required=True,
    metavar="SOURCE",
    help="eni-…, i-…, or subnet-… with --security-group",
)
@click.option(
    "--to",
    "to",
    required=True,
    metavar="DEST",
    help="an IP, eni-…, i-…, a DNS name or a target name",
)
@click.option(
    "--security-group",
    "groups",
    multiple=True,
    metavar="SG",
    help="security groups of a hypothetical ENI (with --from subnet-…)",
)
@click.option("--public-ip", is_flag=True, help="the hypothetical ENI has a public IP")
@click.option("--port", type=click.IntRange(0, 65535), default=443, show_default=True)
@click.option(
    "--protocol", type=click.Choice(["tcp", "udp", "icmp", "-1"]), default="tcp", show_default=True
)
@REGION
@PLAN
@FORMAT
def path(
    snapshot: str,
    from_: str,
    to: str,
    groups: tuple[str, ...],
    public_ip: bool,
    port: int,
    protocol: str,
    region: str | None,
    fmt: str,
) -> None:
    """Check one flow from SOURCE to DEST in SNAPSHOT, hop by hop."""
    snap = load(snapshot, region)
    warn_unknown_keys(snap)
    try:
        if from_.startswith("eni-"):
            source = eni_source(snap, from_)
        elif from_.startswith("i-"):
            source = instance_source(snap, from_)
        elif from_.startswith("subnet-") or from_ in (snap.subnets or {}):
            source = hypothetical_source(snap, from_, groups, public_ip)
        else:
            raise SourceError(f"--from {from_}: expected eni-…, i-… or subnet-…")
        proto = normalize_protocol(protocol)
        trace = check_path(
            snap, source, to, protocol=proto, port=port if proto in ("6", "17") else None
        )
    except SourceError as exc:
        raise BadInput(str(exc)) from None
    write(Report("path", snap, snapshot, [trace], warn=warning), fmt, {})
    raise click.exceptions.Exit(exit_code([trace]))
