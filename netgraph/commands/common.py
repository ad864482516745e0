"""What the commands share: ``BadInput`` (exit code 2), the options several commands take,
the layers' calls whose errors are the user's to fix, and the one way snapshot data reaches
the terminal: ``echo``/``say`` or the output formats (``render.formats``, dispatched on once,
in ``write``), which escape control characters (``render.escape``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import ParamSpec, TypeVar

import click

from netgraph import live
from netgraph.flows import SourceError, scope
from netgraph.model import Snapshot
from netgraph.render.escape import printable
from netgraph.render.files import OutputClash, refuse_overwrites
from netgraph.render.formats import FORMATS, Report, StreamFormat, file_formats, stream_formats
from netgraph.requirements import ALL_TARGETS
from netgraph.sources.plan import load_input
from netgraph.sources.snapshot import SnapshotError
from netgraph.sources.wording import SKIPPED

P = ParamSpec("P")
R = TypeVar("R")


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print a report that holds snapshot data: its own newlines kept, control characters
    and lone surrogates escaped (a name can retitle a terminal; a surrogate cannot be
    encoded, and crashed the write)."""
    click.echo(printable(text, newlines=True), err=err, nl=nl)


def say(kind: str, message: str) -> None:
    """One line on stderr, ``netgraph: KIND: MESSAGE``: a newline in the data stays escaped."""
    click.echo(f"netgraph: {kind}: {printable(message)}", err=True)


class BadInput(click.ClickException):
    exit_code = 2

    def show(self, file: object = None) -> None:
        say("error", self.format_message())


def warning(message: str) -> None:
    say("warning", message)


def write(report: Report, fmt: str | None, files: Mapping[str, str | None]) -> None:
    """The one dispatch on output formats: the report on stdout as ``--format`` says, then
    each file an option names (``files``: format name to path), in the registry's order."""
    if fmt is not None:
        stream = FORMATS[fmt]()
        assert isinstance(stream, StreamFormat), f"{fmt} is not written on stdout"
        stream.write(report, sys.stdout)
        sys.stdout.flush()
    for file_format in file_formats(report.command):
        path = files.get(file_format.name)
        if path:
            try:
                file_format().save(report, path)
            except OSError as exc:
                raise BadInput(f"cannot write the {file_format.noun}: {exc}") from None


def warn_unknown_keys(snapshot: Snapshot) -> None:
    # A folder's files not read, and what a plan's reader ignored: said whole.
    others = [w for w in snapshot.warnings if w.endswith(SKIPPED) or "'" not in w]
    for w in others:
        say("warning", w)
    if len(snapshot.warnings) > len(others):
        keys = sorted({w.split("'")[1] for w in snapshot.warnings if "'" in w and w not in others})
        say("warning", f"keys outside the snapshot format, ignored: {', '.join(keys)}")


def refuse_unknown_targets(targets: tuple[str, ...]) -> None:
    for t in targets:
        if t not in ALL_TARGETS:
            raise BadInput(f"--target {t}: unknown target (targets: {', '.join(ALL_TARGETS)})")


def diagram_options(f: Callable[..., None]) -> Callable[..., None]:
    f = click.option("--svg", "svg", metavar="FILE", help="write the checks as an SVG diagram")(f)
    f = click.option("--dot", "dot", metavar="FILE", help="write the checks as Graphviz DOT")(f)
    f = click.option("--png", "png", metavar="FILE", help="write the checks as a PNG diagram")(f)
    return f


def or_bad_input(f: Callable[P, R]) -> Callable[P, R]:
    """``f``, its errors the user's to fix (exit code 2): a snapshot that cannot be read, a
    scope it does not hold, an output over an input, AWS that cannot be read."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return f(*args, **kwargs)
        except (SnapshotError, SourceError, OutputClash, live.LiveError) as exc:
            raise BadInput(str(exc)) from None

    return call


def _plan_option(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    ctx.meta["netgraph.plan"] = value


def given_plan() -> str | None:
    """The ``--plan FILE`` of the running command (None: none, or no command running)."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get("netgraph.plan") if ctx is not None else None


def _load(path: str, region: str | None = None, plan: str | None = None) -> Snapshot:
    """A snapshot, a Terraform plan, or a snapshot with ``--plan`` overlaid
    (``sources.plan.load_input``)."""
    return load_input(path, plan if plan is not None else given_plan(), region)


load = or_bad_input(_load)
within_scope = or_bad_input(scope)
no_overwrites = or_bad_input(refuse_overwrites)
collect_live = or_bad_input(live.collect)
live_snapshot = or_bad_input(live.snapshot)


def read_or_collect(
    snapshot: str | None,
    from_aws: bool,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    vpcs: tuple[str, ...],
    clusters: tuple[str, ...],
    services: tuple[str, ...],
) -> tuple[Snapshot, str]:
    """The snapshot, collected from AWS (``--live``) or read from ``snapshot``, and where it
    came from for the report's title."""
    if from_aws and given_plan() is not None:
        raise BadInput("--plan overlays a plan on a SNAPSHOT file or folder, not on --live")
    if from_aws:
        return live_snapshot(
            collect_live(region, profile, endpoint_url, vpcs, clusters, services)
        ), "live AWS"
    plan = given_plan()
    if plan is not None:
        return load(str(snapshot), region, plan), f"{snapshot} + {plan}"
    return load(str(snapshot), region), str(snapshot)


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(stream_formats()),
    default="text",
    show_default=True,
    help="text report, the contract's JSON, SARIF 2.1.0 or JUnit XML",
)


def format_option(command: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--format`` offering only the formats that write ``command``'s report."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(stream_formats(command)),
        default="text",
        show_default=True,
        help="text report or the contract's JSON",
    )


REGION = click.option("--region", help="supply or override the snapshot's Region")
PLAN = click.option(
    "--plan",
    metavar="FILE",
    expose_value=False,
    callback=_plan_option,
    help="a Terraform plan (terraform show -json) to overlay on SNAPSHOT",
)
