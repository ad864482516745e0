"""Shared helpers: snapshots built in memory in the shapes AWS returns."""

from __future__ import annotations

import copy
import importlib.util
import io
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import settings

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


# ---- hypothesis: how many examples a property test tries -----------------------------------

# Each property test names its examples (examples(300)); the profile NETGRAPH_HYPOTHESIS
# names scales them: `make test` runs "test" (half), `make fuzz` "fuzz" (five times), a bare
# pytest "full" (as named). Every property runs in every profile; only the count changes.
# `make mutate` runs "mutate": the count of "test", derandomized, so that a mutant killed (or
# not) by a property is so on every run and mutmut's cached verdicts can be trusted.
HYPOTHESIS_SCALE = {"test": 0.5, "full": 1.0, "fuzz": 5.0, "mutate": 0.5}
HYPOTHESIS_PROFILE = os.environ.get("NETGRAPH_HYPOTHESIS", "full")
if HYPOTHESIS_PROFILE not in HYPOTHESIS_SCALE:
    raise pytest.UsageError(
        f"NETGRAPH_HYPOTHESIS={HYPOTHESIS_PROFILE!r}: one of {', '.join(HYPOTHESIS_SCALE)}"
    )
for _name, _scale in HYPOTHESIS_SCALE.items():
    settings.register_profile(
        _name, max_examples=max(1, round(100 * _scale)), derandomize=_name == "mutate"
    )
settings.load_profile(HYPOTHESIS_PROFILE)


def examples(named: int) -> int:
    """The examples a property test that names ``named`` tries under the loaded profile."""
    return max(1, round(named * HYPOTHESIS_SCALE[HYPOTHESIS_PROFILE]))


# ---- under mutmut ---------------------------------------------------------------------------


# mutmut runs the tests that cover a mutated function once per mutant, and sets
# MUTANT_UNDER_TEST in every phase of its run. A test that starts a real netgraph process
# costs about a second a start and judges the exit code and stderr, not a rule: the in-process
# tests of the same lines kill the same mutants. Under mutmut such a test is skipped.
@pytest.fixture(autouse=True)
def _no_child_process_under_mutmut(monkeypatch: pytest.MonkeyPatch) -> None:
    if "MUTANT_UNDER_TEST" not in os.environ:
        return

    def refuse(*args: Any, **kwargs: Any) -> Any:
        pytest.skip("starts a real process: not run under mutmut")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(subprocess, "check_output", refuse)


# Tests of the readers and writers that go through the whole engine on every sample: a mutant
# of a rule that survives runs each of them (about 25 of the ~100 seconds a survivor costs),
# yet they judge a loader, a picture or redaction, never a rule; the rule tests of the same
# samples kill what they would. Under mutmut they are skipped, as the picture files are left out.
_NOT_UNDER_MUTMUT = (
    "tests/test_scan.py::test_heatmap_groups_rows_beyond_2000",
    "tests/test_fuzz.py::test_damaged_snapshots_load_or_fail_cleanly",
    "tests/test_output_safety.py::test_surrogates_in_dot_svg_png",
    "tests/test_output_safety.py::test_dollar_names_draw_png_and_svg",
    "tests/test_output_safety.py::test_every_drawn_text_is_plain",
    "tests/test_formats.py::test_png_and_svg_are_one_drawing",
    "tests/test_plan_sensitive.py::test_no_file_format_writes_the_value",
    "tests/test_loader_fast.py::test_fast_path_never_reads_differently",
    "tests/test_inputs.py::test_yaml_reads_as_its_json",
)


@pytest.fixture(autouse=True)
def _no_reader_or_writer_test_under_mutmut(request: pytest.FixtureRequest) -> None:
    if "MUTANT_UNDER_TEST" in os.environ and request.node.nodeid.startswith(_NOT_UNDER_MUTMUT):
        pytest.skip("judges a reader or writer, not a rule: not run under mutmut")


# ---- the command line, in this process ----------------------------------------------------

# Warnings Python does not print by default (the rest it prints on stderr, once a process).
_SILENT_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def run_main(*argv: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``netgraph ARGV`` run through netgraph.cli.main in this process, read back as a process
    would be: the exit code main returns (the console script exits with it), stdout, and
    stderr with what Python itself would print there (warnings, log records of WARNING and
    above, which pytest would otherwise keep to itself).

    A real process costs a second of start-up; what only one proves (the exit status of the
    console script and of ``python -m netgraph``, stderr of a real interpreter, the streams'
    encoding) is proven by tests/test_exit_codes.py, test_output_safety.py and the cases each
    file keeps as real processes."""
    from netgraph.cli import main

    out, err = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(err)
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    saved = {k: os.environ.get(k) for k in [*(env or {}), "NETGRAPH_DEBUG"]}
    os.environ.pop("NETGRAPH_DEBUG", None)
    os.environ.update(env or {})
    root.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught, redirect_stdout(out):
            warnings.simplefilter("always")
            with redirect_stderr(err):
                try:
                    code = main(list(argv))
                except SystemExit as exc:  # as the interpreter reads it
                    code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        root.removeHandler(handler)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    for w in caught:
        if not issubclass(w.category, _SILENT_WARNINGS):
            err.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno))
    return subprocess.CompletedProcess(["netgraph", *argv], code, out.getvalue(), err.getvalue())


# ---- one moto server per test process ---------------------------------------------------

T = TypeVar("T")


class MotoWorld:
    """The AWS accounts of one moto server, each built once and then only read.

    Building an account is most of a collector test's time (moto loads its ~1,500 AWS managed
    policies into every partition of every account it meets), so a test asks for what it
    reads by name and the first to ask builds it. Nothing is reset between tests: whatever
    one test writes lives in a Region or an account of its own that no other test reads, so
    the order the tests run in (pytest-xdist worksteal) changes no answer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._built: dict[str, Any] = {}

    def once(self, name: str, build: Callable[[str], T]) -> T:
        if name not in self._built:
            try:
                self._built[name] = build(self.url)
            except Exception as exc:  # a half-built account: every test that reads it fails
                self._built[name] = exc
        built = self._built[name]
        if isinstance(built, Exception):
            raise built
        return built  # type: ignore[no-any-return]


MOTO_CLIENT_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def moto_world() -> Iterator[MotoWorld]:
    """A real moto server over HTTP on 127.0.0.1 for the whole test process."""
    from moto.server import ThreadedMotoServer

    saved = {k: os.environ.get(k) for k in ("MOTO_IAM_LOAD_MANAGED_POLICIES", "MOTO_ACCOUNT_ID")}
    # Read by the server when it meets an account: without it, attaching an AWS managed
    # policy fails with NoSuchEntity. MOTO_ACCOUNT_ID would make every request one account.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield MotoWorld(f"http://{host}:{port}")
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def aws(moto_world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> str:
    """The moto server's URL, with the credentials moto's default account answers to."""
    for key, value in MOTO_CLIENT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_world.url
