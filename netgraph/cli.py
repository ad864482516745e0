"""Command line: parse arguments, compose the layers, map verdicts to exit codes.

Exit codes (check-output.md): 0 all passed, 1 something blocked or denied, 2 bad input or
usage (one line on stderr, nothing on stdout), 3 nothing blocked but something unknown, 4 an
internal error (a bug: one line on stderr; the traceback with ``netgraph --debug`` or
NETGRAPH_DEBUG=1). Anything else must never exit 1, which a CI gate reads as "blocked".

Snapshot data reaches the terminal only through ``_echo``/``_say`` or the output formats
(``render.formats``, dispatched on once, in ``_write``), which escape control characters
(``render.escape``); outputs are checked against the inputs and each other
(``render.files``) before any work.
"""

from __future__ import annotations

import codecs
import io
import os
import signal
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from netgraph import live
from netgraph.check import check_path, check_source, exit_code
from netgraph.explain import address_hint, explain
from netgraph.flows import (
    Source,
    SourceError,
    eni_source,
    hypothetical_source,
    instance_source,
    scope,
    service_sources,
)
from netgraph.model import Snapshot
from netgraph.render.escape import printable, unicode_escapes
from netgraph.render.files import OutputClash, refuse_overwrites
from netgraph.render.formats import (
    FORMATS,
    Report,
    StreamFormat,
    file_formats,
    format_for,
    stream_formats,
)
from netgraph.render.text import explanation
from netgraph.requirements import ALL_TARGETS
from netgraph.sources.snapshot import (
    SnapshotError,
    load_snapshot,
    normalize_protocol,
)

INTERNAL_ERROR = 4
P = ParamSpec("P")
R = TypeVar("R")


def _echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print a report that holds snapshot data: its own newlines kept, control characters
    and lone surrogates escaped (a name can retitle a terminal; a surrogate cannot be
    encoded, and crashed the write)."""
    click.echo(printable(text, newlines=True), err=err, nl=nl)


def _say(kind: str, message: str) -> None:
    """One line on stderr, ``netgraph: KIND: MESSAGE``: a newline in the data stays escaped."""
    click.echo(f"netgraph: {kind}: {printable(message)}", err=True)


class BadInput(click.ClickException):
    exit_code = 2

    def show(self, file: object = None) -> None:
        _say("error", self.format_message())


def _warning(message: str) -> None:
    _say("warning", message)


def _write(report: Report, fmt: str | None, files: Mapping[str, str | None]) -> None:
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


def _warn(snapshot: Snapshot) -> None:
    if snapshot.warnings:
        keys = sorted({w.split("'")[1] for w in snapshot.warnings if "'" in w})
        _say("warning", f"keys outside the snapshot format, ignored: {', '.join(keys)}")


def _diagram_options(f: Callable[..., None]) -> Callable[..., None]:
    f = click.option("--svg", "svg", metavar="FILE", help="write the checks as an SVG diagram")(f)
    f = click.option("--dot", "dot", metavar="FILE", help="write the checks as Graphviz DOT")(f)
    f = click.option("--png", "png", metavar="FILE", help="write the checks as a PNG diagram")(f)
    return f


def _or_bad_input(f: Callable[P, R]) -> Callable[P, R]:
    """``f``, its errors the user's to fix (exit code 2): a snapshot that cannot be read, a
    scope it does not hold, an output over an input, AWS that cannot be read."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return f(*args, **kwargs)
        except (SnapshotError, SourceError, OutputClash, live.LiveError) as exc:
            raise BadInput(str(exc)) from None

    return call


_load = _or_bad_input(load_snapshot)
_scope = _or_bad_input(scope)
_refuse_overwrites = _or_bad_input(refuse_overwrites)
_collect = _or_bad_input(live.collect)
_live_snapshot = _or_bad_input(live.snapshot)

_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(stream_formats()),
    default="text",
    show_default=True,
    help="text report or the contract's JSON",
)
_REGION = click.option("--region", help="supply or override the snapshot's Region")


@dataclass
class _Session:
    """What ``main`` needs to know of the options once the command has failed."""

    debug: bool = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="netgraph")
@click.option(
    "--debug",
    is_flag=True,
    help="on an internal error, print the traceback (also: NETGRAPH_DEBUG=1)",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Why can't my Fargate task reach ECR? Offline reachability for AWS VPCs."""
    if isinstance(ctx.obj, _Session):
        ctx.obj.debug = ctx.obj.debug or debug


@cli.command()
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
@_REGION
@_FORMAT
@_diagram_options
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
    for t in targets:
        if t not in ALL_TARGETS:
            raise BadInput(f"--target {t}: unknown target (targets: {', '.join(ALL_TARGETS)})")
    if live == bool(snapshot):
        raise BadInput("give a SNAPSHOT file or folder, or --live (not both)")
    _refuse_overwrites(snapshot, [("--png", png), ("--svg", svg), ("--dot", dot)])
    if live:
        snap = _live_snapshot(_collect(region, profile, endpoint_url, vpcs, clusters, services))
        where = "live AWS"
    else:
        snap, where = _load(str(snapshot), region), str(snapshot)
    _warn(snap)
    within = _scope(snap, vpcs, clusters)
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
    report = Report("check", snap, where, traces, live=live, warn=_warning)
    _write(report, fmt, {"png": png, "dot": dot, "svg": svg})
    raise click.exceptions.Exit(exit_code(traces))


@cli.command()
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
@_REGION
@_FORMAT
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
    snap = _load(snapshot, region)
    _warn(snap)
    try:
        if from_.startswith("eni-"):
            source = eni_source(snap, from_)
        elif from_.startswith("i-"):
            source = instance_source(snap, from_)
        elif from_.startswith("subnet-"):
            source = hypothetical_source(snap, from_, groups, public_ip)
        else:
            raise SourceError(f"--from {from_}: expected eni-…, i-… or subnet-…")
        proto = normalize_protocol(protocol)
        trace = check_path(
            snap, source, to, protocol=proto, port=port if proto in ("6", "17") else None
        )
    except SourceError as exc:
        raise BadInput(str(exc)) from None
    _write(Report("path", snap, snapshot, [trace], warn=_warning), fmt, {})
    raise click.exceptions.Exit(exit_code([trace]))


@cli.command()
@click.argument("snapshot", type=click.Path())
@click.option(
    "--vpc",
    "vpc_id",
    metavar="VPC",
    help="the VPC to draw (default: the one with the most subnets)",
)
@click.option("--png", "png", metavar="FILE", help="write the topology as PNG")
@click.option("--svg", "svg", metavar="FILE", help="write the topology as SVG")
@click.option("--dot", "dot", metavar="FILE", help="write the topology as Graphviz DOT")
@_REGION
def draw(
    snapshot: str,
    vpc_id: str | None,
    png: str | None,
    svg: str | None,
    dot: str | None,
    region: str | None,
) -> None:
    """Draw the topology of a VPC of SNAPSHOT: AZs, subnets, route tables, gateways."""
    if not (png or svg or dot):
        raise BadInput("draw needs at least one of --png FILE, --svg FILE, --dot FILE")
    _refuse_overwrites(snapshot, [("--png", png), ("--svg", svg), ("--dot", dot)])
    from netgraph.render.topology import TopologyError, topology_graph

    snap = _load(snapshot, region)
    _warn(snap)
    try:
        graph = topology_graph(snap, vpc_id)
    except TopologyError as exc:
        raise BadInput(str(exc)) from None
    report = Report("draw", snap, snapshot, picture=graph, warn=_warning)
    _write(report, None, {"png": png, "dot": dot, "svg": svg})
    n = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "subnet")
    _echo(f"drew {graph.graph['name']}: {n} subnets, {graph.number_of_nodes()} nodes", err=True)


@cli.command()
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
    data = _collect(region, profile, endpoint_url, vpcs, clusters, services, keep_environment)
    from netgraph.sources.collect import write_snapshot

    try:
        write_snapshot(output, data)
    except OSError as exc:
        raise BadInput(f"cannot write {output}: {exc.strerror or exc}") from None
    failed = data.get("CollectionErrors", [])
    _echo(
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


@cli.command(name="explain")
@click.argument("reason")
@click.argument("snapshot", type=click.Path(), required=False)
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="NAME",
    help="check only this service of SNAPSHOT",
)
@_REGION
@_FORMAT
def explain_cmd(
    reason: str, snapshot: str | None, services: tuple[str, ...], region: str | None, fmt: str
) -> None:
    """Explain an ECS stoppedReason; with SNAPSHOT, run the checks that find its cause."""
    causes = explain(reason)
    for line in explanation(causes, address_hint(reason)):
        _echo(line, err=fmt != "text")  # on stdout for text, on stderr beside JSON
    if snapshot is None:
        raise click.exceptions.Exit(0 if causes else 3)
    targets = tuple(dict.fromkeys(t for c in causes for t in c.targets))
    if not targets:
        raise click.exceptions.Exit(0 if causes else 3)
    snap = _load(snapshot, region)
    _warn(snap)
    try:
        sources: list[Source] = []
        for name in services or (None,):
            sources.extend(service_sources(snap, name))
        if not sources:
            raise SourceError("the snapshot holds no ECS service that uses awsvpc")
        traces = [t for s in sources for t in check_source(snap, s, targets)]
    except SourceError as exc:
        raise BadInput(str(exc)) from None
    _write(Report("explain", snap, snapshot, traces, warn=_warning), fmt, {})
    raise click.exceptions.Exit(exit_code(traces))


@cli.command(name="scan")
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
@click.option("--top", default=10, show_default=True, help="blocking hops listed in the text")
@click.option(
    "--failing-only",
    is_flag=True,
    help="with --format json: list only the checks that do not pass (the summary counts all)",
)
@_REGION
@_FORMAT
@live.live_options
def scan_cmd(
    snapshot: str | None,
    all_enis: bool,
    targets: tuple[str, ...],
    heatmap: str | None,
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
    for t in targets:
        if t not in ALL_TARGETS:
            raise BadInput(f"--target {t}: unknown target (targets: {', '.join(ALL_TARGETS)})")
    if failing_only and fmt != "json":
        raise BadInput("--failing-only lists checks in JSON: add --format json")
    _refuse_overwrites(snapshot, [("--heatmap", heatmap)])
    started = time.perf_counter()
    if live:
        snap = _live_snapshot(_collect(region, profile, endpoint_url, vpcs, clusters, ()))
        where = "live AWS"
    else:
        snap, where = _load(str(snapshot), region), str(snapshot)
    _warn(snap)
    within = _scope(snap, vpcs, clusters)
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
        warn=_warning,
    )
    _write(report, fmt, {"heatmap": heatmap})
    raise click.exceptions.Exit(exit_code(result.traces))


@cli.command(name="simulate")
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
@_REGION
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
        snap = _load(snapshot, region)
        _warn(snap)
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
    report = SimulationReport("simulate", snap, snapshot, warn=_warning, simulation=simulation)
    stream = format_for(fmt, "simulate")()
    assert isinstance(stream, StreamFormat), f"{fmt} is not written on stdout"
    stream.write(report, sys.stdout)
    sys.stdout.flush()
    raise click.exceptions.Exit(simulation.exit_code)


def _tolerant(stream: object) -> None:
    # A terminal that is not UTF-8 (PYTHONIOENCODING=latin-1, LANG=ja_JP.eucJP) cannot show
    # every name: it gets \u escapes (valid inside JSON strings too) instead of a failed run.
    if isinstance(stream, io.TextIOWrapper):
        codecs.register_error("netgraph.unicode-escapes", unicode_escapes)
        stream.reconfigure(errors="netgraph.unicode-escapes")


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # run as a program: the streams are the process's own
        _tolerant(sys.stdout)
        _tolerant(sys.stderr)
    session = _Session(debug=os.environ.get("NETGRAPH_DEBUG", "") not in ("", "0"))
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="netgraph",
            standalone_mode=False,
            obj=session,
        )
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError) and not isinstance(exc, BadInput):
            _say("error", exc.format_message())
            return 2
        exc.show()
        return exc.exit_code
    except click.Abort:
        return 130
    except Exception as exc:
        # A bug is not a verdict: exit 1 would tell a CI gate "blocked".
        if session.debug:
            _echo(traceback.format_exc(), err=True, nl=False)
        _say(
            "internal error",
            f"{type(exc).__name__}: {exc} (a bug in netgraph, not a verdict: please report it "
            "with this line and the command you ran; run netgraph --debug ... for the traceback)",
        )
        return INTERNAL_ERROR
    return code if isinstance(code, int) else 0


def run() -> None:
    """Console-script entry point."""
    if hasattr(signal, "SIGPIPE"):
        # A reader that stops early (`netgraph scan ... | head`) ends us as it ends `cat`
        # (status 141), not with click's exit code 1, which a CI gate reads as "blocked".
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
