"""Command line: parse arguments, compose the layers, map verdicts to exit codes.

Exit codes (check-output.md): 0 all passed, 1 something blocked or denied, 2 bad input or
usage (one line on stderr, nothing on stdout), 3 nothing blocked but something unknown, 4 an
internal error (a bug: one line on stderr; the traceback with ``netgraph --debug`` or
NETGRAPH_DEBUG=1). Anything else must never exit 1, which a CI gate reads as "blocked".

This module holds the group and the entry points (``main``, ``run``); each command is a module
of ``commands/``, added to the group here. Snapshot data reaches the terminal only through
``commands.common``'s ``echo``/``say`` or the output formats (``render.formats``, dispatched on
once, in ``common.write``), which escape control characters (``render.escape``); outputs are
checked against the inputs and each other (``render.files``) before any work.
"""

from __future__ import annotations

import codecs
import io
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

import click

from netgraph.commands.check import check
from netgraph.commands.collect import collect
from netgraph.commands.common import BadInput, echo, say
from netgraph.commands.diff import diff_cmd
from netgraph.commands.draw import draw
from netgraph.commands.explain import explain_cmd
from netgraph.commands.path import path
from netgraph.commands.scan import scan_cmd
from netgraph.commands.simulate import simulate_cmd
from netgraph.render.escape import unicode_escapes

INTERNAL_ERROR = 4


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


# The order the commands were written in; ``--help`` lists them by name.
for _command in (check, path, draw, collect, explain_cmd, scan_cmd, simulate_cmd, diff_cmd):
    cli.add_command(_command)


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
            say("error", exc.format_message())
            return 2
        exc.show()
        return exc.exit_code
    except click.Abort:
        return 130
    except Exception as exc:
        # A bug is not a verdict: exit 1 would tell a CI gate "blocked".
        if session.debug:
            echo(traceback.format_exc(), err=True, nl=False)
        say(
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
