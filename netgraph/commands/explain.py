"""``netgraph explain``: an ECS stoppedReason, and with a snapshot the checks that find its
cause."""

from __future__ import annotations

import click

from netgraph.check import check_source, exit_code
from netgraph.commands.common import (
    FORMAT,
    REGION,
    BadInput,
    echo,
    load,
    warn_unknown_keys,
    warning,
    write,
)
from netgraph.explain import address_hint, explain
from netgraph.flows import Source, SourceError, service_sources
from netgraph.render.formats import Report
from netgraph.render.text import explanation


@click.command(name="explain")
@click.argument("reason")
@click.argument("snapshot", type=click.Path(), required=False)
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="NAME",
    help="check only this service of SNAPSHOT",
)
@REGION
@FORMAT
def explain_cmd(
    reason: str, snapshot: str | None, services: tuple[str, ...], region: str | None, fmt: str
) -> None:
    """Explain an ECS stoppedReason; with SNAPSHOT, run the checks that find its cause."""
    causes = explain(reason)
    for line in explanation(causes, address_hint(reason)):
        echo(line, err=fmt != "text")  # on stdout for text, on stderr beside JSON
    if snapshot is None:
        raise click.exceptions.Exit(0 if causes else 3)
    targets = tuple(dict.fromkeys(t for c in causes for t in c.targets))
    if not targets:
        raise click.exceptions.Exit(0 if causes else 3)
    snap = load(snapshot, region)
    warn_unknown_keys(snap)
    try:
        sources: list[Source] = []
        for name in services or (None,):
            sources.extend(service_sources(snap, name))
        if not sources:
            raise SourceError("the snapshot holds no ECS service that uses awsvpc")
        traces = [t for s in sources for t in check_source(snap, s, targets)]
    except SourceError as exc:
        raise BadInput(str(exc)) from None
    write(Report("explain", snap, snapshot, traces, warn=warning), fmt, {})
    raise click.exceptions.Exit(exit_code(traces))
