"""Second pass over mutmut's survivors: each mutant function swapped in, in this process,
then the given pytest args run in-process (the engine-wide oracles mutmut leaves out).

Usage (cwd = a copy of the code the mutants were made from; PYTHONPATH = that copy):
  python -m tests.mutant_swap NAMES_FILE OUT_FILE -- pytest args
(MUTANTS_DIR: the mutants/ folder mutmut made, default ./mutants; after `make mutate`, survivors
are in `mutmut results`). It checks whether a test kills a survivor without a new mutmut run,
and runs the oracles mutmut leaves out against survivors.
Prints and appends to OUT_FILE one line per mutant: KILLED / SURVIVED / SWAP-FAILED / TIMEOUT.
Names already in OUT_FILE are skipped (resumable)."""

from __future__ import annotations

import ast
import contextlib
import importlib
import io
import os
import re
import signal
import sys
import textwrap
from pathlib import Path

import pytest

MUTANTS = os.environ.get("MUTANTS_DIR", "mutants")
LIMIT = int(os.environ.get("PASS2_LIMIT", "900"))

args = sys.argv[1:]
sep = args.index("--")
names_file, out_file = args[0], args[1]
pyargs = args[sep + 1 :]
names = [line.strip() for line in Path(names_file).read_text().splitlines() if line.strip()]
done = set()
if os.path.exists(out_file):
    done = {x.split()[1] for x in Path(out_file).read_text().splitlines() if len(x.split()) > 1}
srcs: dict[str, dict[str, str]] = {}


def mutant_funcs(mod: str) -> dict[str, str]:
    if mod not in srcs:
        src = Path(MUTANTS, f"{mod.replace('.', '/')}.py").read_text()
        lines = src.splitlines(keepends=True)
        found = {}
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.FunctionDef) and "__mutmut_" in node.name:
                found[node.name] = textwrap.dedent(
                    "".join(lines[node.lineno - 1 : node.end_lineno])
                )
        srcs[mod] = found
    return srcs[mod]


def clear_caches() -> None:
    import netgraph.hop as hop
    from netgraph.evaluate import addresses, routing

    routing._ENTRY_CACHE.clear()
    routing._NETWORKS.clear()
    for f in (getattr(addresses, "_text", None), getattr(hop, "flow_text", None)):
        if f is not None and hasattr(f, "cache_clear"):
            f.cache_clear()


class Timeout(BaseException):
    pass


def run() -> tuple[int, list[str]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        rc = pytest.main(["-q", "-x", "-p", "no:cacheprovider", *pyargs])
    lines = [x for x in out.getvalue().splitlines() if x.startswith(("FAILED", "ERROR"))]
    return int(rc), lines[:1]


def _alarm(*_: object) -> None:
    raise Timeout()


rc, _ = run()
print("BASELINE", rc, flush=True)
if rc != 0:
    sys.exit("the tests fail without a mutant")
signal.signal(signal.SIGALRM, _alarm)
with Path(out_file).open("a") as out:
    for name in names:
        if name in done:
            continue
        mod, fn = name.rsplit(".", 1)
        m = re.match(r"(.*)__mutmut_(\d+)$", fn)
        assert m, name
        base = m.group(1)
        module = importlib.import_module(mod)
        if "ǁ" in base:
            _, cls, meth = base.split("ǁ")
            owner, attr = getattr(module, cls), meth
        else:
            owner, attr = module, base[2:]
        func = getattr(owner, attr)
        func = getattr(func, "__func__", func)
        func = getattr(func, "__wrapped__", func)
        code = mutant_funcs(mod)[fn].replace(fn, attr, 1)
        ns: dict[str, object] = {}
        exec(compile(code, f"<{name}>", "exec"), module.__dict__, ns)
        new = ns[attr]
        saved = (func.__code__, func.__defaults__, func.__kwdefaults__)
        try:
            func.__code__ = new.__code__  # type: ignore[attr-defined]
            func.__defaults__ = new.__defaults__  # type: ignore[attr-defined]
            func.__kwdefaults__ = new.__kwdefaults__  # type: ignore[attr-defined]
        except ValueError as e:
            func.__code__, func.__defaults__, func.__kwdefaults__ = saved
            line = f"SWAP-FAILED {name} {e}"
        else:
            clear_caches()
            signal.alarm(LIMIT)
            try:
                rc, fails = run()
                line = ("SURVIVED " if rc == 0 else "KILLED ") + name + " " + " ".join(fails)
            except Timeout:
                line = f"TIMEOUT {name}"
            finally:
                signal.alarm(0)
                func.__code__, func.__defaults__, func.__kwdefaults__ = saved
                clear_caches()
        print(line, flush=True)
        out.write(line + "\n")
        out.flush()
