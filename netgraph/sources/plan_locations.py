"""Where each resource of a plan is written: the file and line of its ``resource "T" "N" {``
block, found by scanning the configuration's folder (the plan's folder) and the folders of
local module sources (``configuration.root_module.module_calls.*.source``)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from netgraph.model import SourceLocation
from netgraph.sources.plan_read import Plan
from netgraph.sources.plan_refs import module_path

_BLOCK = re.compile(r'^\s*resource\s+"([^"]+)"\s+"([^"]+)"\s*\{', re.MULTILINE)


def _blocks(folder: Path) -> dict[tuple[str, str], tuple[Path, int]]:
    out: dict[tuple[str, str], tuple[Path, int]] = {}
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".tf" and p.is_file())
    except OSError:
        return out
    for f in files:
        try:
            text = f.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for m in _BLOCK.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            # the match may start on the blank lines before the block
            line += text[m.start() : m.end()].count(
                "\n", 0, text[m.start() : m.end()].find("resource")
            )
            out.setdefault((m.group(1), m.group(2)), (f, line))
    return out


def _module_folders(
    module: dict[str, Any], folder: Path, path: tuple[str, ...], out: dict[tuple[str, ...], Path]
) -> None:
    out[path] = folder
    for name, call in (module.get("module_calls") or {}).items():
        if not isinstance(call, dict):
            continue
        source = call.get("source")
        if isinstance(source, str) and source.startswith(("./", "../")):
            child = module.get("module_calls", {}).get(name, {}).get("module") or {}
            _module_folders(child, (folder / source).resolve(), (*path, name), out)


def locations(plan: Plan, cwd: Path | None = None) -> dict[str, SourceLocation]:
    """Terraform address -> where its block is written (files relative to ``cwd``)."""
    root = Path(plan.path).resolve().parent
    base = (cwd or Path.cwd()).resolve()
    folders: dict[tuple[str, ...], Path] = {}
    _module_folders(plan.configuration.get("root_module") or {}, root, (), folders)
    scanned: dict[tuple[str, ...], dict[tuple[str, str], tuple[Path, int]]] = {}
    out: dict[str, SourceLocation] = {}
    for c in plan.changes:
        if c.mode != "managed":
            continue
        key = tuple(module_path(c.module_address))
        folder = folders.get(key)
        if folder is None:
            continue
        if key not in scanned:
            scanned[key] = _blocks(folder)
        found = scanned[key].get((c.type, c.name))
        if found is None:
            continue
        file, line = found
        try:
            rel = os.path.relpath(file, base)
        except ValueError:
            rel = str(file)
        out[c.address] = SourceLocation(rel, line)
    return out
