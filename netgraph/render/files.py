"""Where the file formats may write: never over an input, nor over another output.

Writing the diagram over the snapshot lost the snapshot, silently; two options naming one
file kept only the last. Checked before any work."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


class OutputClash(Exception):
    """An output names an input, or the file of another output (exit code 2)."""


# What a snapshot folder reads: its own files and those of its account subfolders, one
# level down (snapshot-format.md "Several accounts").
_READ = (".json", ".yaml", ".yml")


def _input_files(snapshot: str) -> list[str]:
    """The files reading ``snapshot`` opens (a folder: its files and its account
    subfolders'), resolved."""
    path = Path(snapshot)
    if not path.is_dir():
        return [os.path.realpath(path)] if path.exists() else []
    files = [f for f in (*path.glob("*"), *path.glob("*/*")) if f.suffix.lower() in _READ]
    return sorted(os.path.realpath(f) for f in files)


def _read_folders(folder: str) -> set[str]:
    """The folder and its subfolders: a new file with a read suffix in one is an input too."""
    return {folder, *(os.path.realpath(p) for p in Path(folder).iterdir() if p.is_dir())}


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links, and case-insensitive file systems
    except OSError:
        return False  # one of them does not exist yet


def refuse_overwrites(snapshot: str | None, outputs: Sequence[tuple[str, str | None]]) -> None:
    """Raise ``OutputClash`` if an output (``outputs``: option and path, the path None when
    the option is not given) is an input, or the output of another option."""
    named = [(option, path) for option, path in outputs if path]
    for i, (option, path) in enumerate(named):
        for other, earlier in named[:i]:
            if _same_file(path, earlier):
                raise OutputClash(
                    f"{other} {earlier} and {option} {path} name the same file: "
                    "give each output its own path"
                )
    if not snapshot:
        return
    folder = os.path.realpath(snapshot) if Path(snapshot).is_dir() else None
    inputs = _input_files(snapshot)
    for option, path in named:
        if any(_same_file(path, f) for f in inputs):
            raise OutputClash(
                f"{option} {path} is the snapshot {snapshot} (or one of its files): "
                "writing it would destroy the input; write the output to another path"
            )
        real = os.path.realpath(path)
        if (
            folder
            and os.path.dirname(real) in _read_folders(folder)
            and real.lower().endswith(_READ)
        ):
            raise OutputClash(
                f"{option} {path} is inside the snapshot folder {snapshot}, which reads every "
                "*.json there and in its account subfolders: write the output outside the folder"
            )
