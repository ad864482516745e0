"""Shared helpers: snapshots built in memory in the shapes AWS returns."""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from netgraph.model import Snapshot
from netgraph.sources.snapshot import snapshot_from_data

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def load_script(name: str, path: Path) -> Any:
    """A script of the repository (samples/build.py, bench/generate.py) as a module."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build = load_script("samples_build", SAMPLES / "build.py")


def sample_data(name: str) -> dict[str, Any]:
    """A sample as raw snapshot JSON, to change one thing in a test."""
    return copy.deepcopy(build.SAMPLES[name]())


def snap(data: dict[str, Any], region: str | None = None) -> Snapshot:
    return snapshot_from_data(data, "test.json", region)


@pytest.fixture
def healthy() -> dict[str, Any]:
    return sample_data("healthy-endpoints")
