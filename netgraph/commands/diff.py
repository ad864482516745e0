"""``netgraph diff``: what a change does to the checks, for a CI gate.

``netgraph diff BEFORE AFTER`` compares two snapshots; ``netgraph diff SNAPSHOT --plan
tfplan.json`` compares the snapshot with the snapshot the plan makes of it. Exit 1 when a check
gets worse (or a new one is blocked or denied), 0 otherwise, 2 on bad input.
"""

from __future__ import annotations

import sys

import click

from netgraph import diff as diffing
from netgraph.commands.common import (
    REGION,
    BadInput,
    load,
    no_overwrites,
    refuse_unknown_targets,
    warn_unknown_keys,
    warning,
)
from netgraph.model import Snapshot
from netgraph.reach import Trace
from netgraph.render.diff import DiffReport
from netgraph.render.formats import StreamFormat, format_for, stream_formats


def _checks(snapshot: Snapshot, all_enis: bool, targets: tuple[str, ...]) -> tuple[Trace, ...]:
    from netgraph import scan as scanning

    return scanning.scan(snapshot, all_enis=all_enis, targets=targets).traces


def _overlaid(snapshot_path: str, plan: str, region: str | None) -> tuple[Snapshot, Snapshot]:
    """The snapshot alone and with the plan overlaid (plan-input.md)."""
    before = load(snapshot_path, region)
    if before.locations:
        raise BadInput(
            f"{snapshot_path}: a Terraform plan; diff compares a SNAPSHOT with --plan overlaid "
            "(or two snapshots)"
        )
    return before, load(snapshot_path, region, plan)


@click.command(name="diff")
@click.argument("before", type=click.Path())
@click.argument("after", type=click.Path(), required=False)
@click.option(
    "--plan",
    metavar="TFPLAN.json",
    help="compare BEFORE with BEFORE and this plan (terraform show -json PLAN) overlaid",
)
@click.option("--all-enis", is_flag=True, help="also compare every ENI's checks")
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="TARGET",
    help="compare only these targets; repeatable",
)
@REGION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(stream_formats("diff")),
    default="text",
    show_default=True,
    help="text, the diff's JSON, SARIF 2.1.0 or JUnit XML",
)
@click.option(
    "--html",
    "html",
    metavar="FILE",
    help="write a self-contained HTML report: the changed checks, fixes, diagram",
)
def diff_cmd(
    before: str,
    after: str | None,
    plan: str | None,
    all_enis: bool,
    targets: tuple[str, ...],
    region: str | None,
    fmt: str,
    html: str | None,
) -> None:
    """Compare the checks of BEFORE and AFTER (snapshots), or of BEFORE and BEFORE with
    --plan overlaid: the checks whose verdict changes, and the hop that changed them. Exit 1
    when a check gets worse."""
    if bool(after) == bool(plan):
        raise BadInput("give BEFORE and AFTER snapshots, or a SNAPSHOT and --plan (not both)")
    refuse_unknown_targets(targets)
    for given in (before, after, plan):  # every input
        no_overwrites(given, [("--html", html)])
    if plan is not None:
        old, new = _overlaid(before, plan, region)
        where = before
    else:
        assert after is not None
        old, new = load(before, region), load(after, region)
        where = after
    if old.region != new.region:
        raise BadInput(
            f"{before} is of region {old.region} and {where} of {new.region}: compare "
            "snapshots of one region (or give --region)"
        )
    for snap in (old, new):
        warn_unknown_keys(snap)
    compared = diffing.compare(
        _checks(old, all_enis, targets),
        _checks(new, all_enis, targets),
        snapshots=(old, new),
    )
    report = DiffReport(
        command="diff",
        snapshot=new,
        where=where,
        warn=warning,
        diff=compared,
        before=old,
        before_where=before,
        plan=plan,
    )
    stream = format_for(fmt, "diff")()
    assert isinstance(stream, StreamFormat), f"{fmt} is not written on stdout"
    stream.write(report, sys.stdout)
    sys.stdout.flush()
    if html:
        from netgraph.render.html import HtmlFormat

        try:
            HtmlFormat().save(report, html)
        except OSError as exc:
            raise BadInput(f"cannot write the {HtmlFormat.noun}: {exc}") from None
    raise click.exceptions.Exit(diffing.exit_code(compared))
