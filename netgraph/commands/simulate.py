"""``netgraph simulate``: may a role call an action, by the snapshot's policies."""

from __future__ import annotations

import sys

import click

from netgraph.commands.common import REGION, BadInput, load, warn_unknown_keys, warning
from netgraph.render.formats import StreamFormat, format_for, stream_formats


@click.command(name="simulate")
@click.argument("snapshot", type=click.Path())
@click.option(
    "--principal",
    metavar="ROLE",
    help="the role (ARN or name, from RoleDetailList); with --policy-file, any principal ARN",
)
@click.option(
    "--action",
    "actions",
    multiple=True,
    required=True,
    metavar="ACTION",
    help="SERVICE:ACTION, e.g. ecr:GetAuthorizationToken; repeatable",
)
@click.option(
    "--resource",
    "resources",
    multiple=True,
    metavar="ARN",
    help="the resource's ARN (default: *); repeatable, one answer per action x resource",
)
@click.option(
    "--context",
    "context",
    multiple=True,
    metavar="KEY=VALUE",
    help="a condition key's value (KEY= : the request does not carry it); a key repeated has "
    "several values",
)
@click.option(
    "--vpce",
    metavar="VPCE",
    help="the request goes through this endpoint: its policy applies, aws:SourceVpce and "
    "aws:SourceVpc are set",
)
@click.option(
    "--policy-file",
    "policy_files",
    multiple=True,
    metavar="FILE",
    help="simulate this policy document instead of the role's identity policies; repeatable",
)
@REGION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(stream_formats("simulate")),
    default="text",
    show_default=True,
    help="a table, or a versioned JSON document",
)
def simulate_cmd(
    snapshot: str,
    principal: str | None,
    actions: tuple[str, ...],
    resources: tuple[str, ...],
    context: tuple[str, ...],
    vpce: str | None,
    policy_files: tuple[str, ...],
    region: str | None,
    fmt: str,
) -> None:
    """May a role call ACTION on a resource, by the policies in SNAPSHOT? An offline
    `aws iam simulate-principal-policy` (with --policy-file, `simulate-custom-policy`)."""
    from netgraph.render.simulate import SimulationReport
    from netgraph.simulate import SimulateError, parse_context, read_policy_file, simulate

    try:
        # Everything the user typed is read before the snapshot: a typo costs no load.
        given = parse_context(context)
        policies = [read_policy_file(f) for f in policy_files] or None
        snap = load(snapshot, region)
        warn_unknown_keys(snap)
        simulation = simulate(
            snap,
            actions=actions,
            principal=principal,
            resources=resources or ("*",),
            context=given,
            vpce=vpce,
            policies=policies,
        )
    except SimulateError as exc:
        raise BadInput(str(exc)) from None
    report = SimulationReport("simulate", snap, snapshot, warn=warning, simulation=simulation)
    stream = format_for(fmt, "simulate")()
    assert isinstance(stream, StreamFormat), f"{fmt} is not written on stdout"
    stream.write(report, sys.stdout)
    sys.stdout.flush()
    raise click.exceptions.Exit(simulation.exit_code)
