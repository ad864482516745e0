"""The CI examples (issue 16, part 5: docs/examples/, .pre-commit-hooks.yaml) parse, call only
netgraph's real subcommands and options, and their netgraph steps do what the comments say
when run as written on the plan fixtures (no Terraform, no AWS: the plan is a fixture)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from netgraph.cli import main

from .conftest import ROOT

EXAMPLES = ROOT / "docs" / "examples"
GITHUB = EXAMPLES / "github-actions.yml"
GITLAB = EXAMPLES / "gitlab-ci.yml"
PRE_COMMIT_CONFIG = EXAMPLES / "pre-commit-hooks.yaml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
PLANS = ROOT / "tests" / "fixtures" / "plans"
BIN = str(Path(sys.executable).parent)
OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "&", "(", ")", "2>", "|&"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def invocations(script: str) -> Iterator[list[str]]:
    """Each ``netgraph …`` command of a shell script, its words up to the next operator."""
    text = script.replace("\\\n", " ")
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words = list(lexer)
        for i, word in enumerate(words):
            starts = i == 0 or words[i - 1] in OPERATORS or words[i - 1] in ("then", "do")
            if word == "netgraph" and starts:
                rest = words[i + 1 :]
                end = next((j for j, w in enumerate(rest) if w in OPERATORS), len(rest))
                yield rest[:end]


def github_steps() -> list[dict[str, Any]]:
    workflow = load(GITHUB)
    steps: list[dict[str, Any]] = []
    for job in workflow["jobs"].values():
        steps += job["steps"]
    return steps


def gitlab_scripts() -> list[str]:
    pipeline = load(GITLAB)
    scripts: list[str] = []
    for name, job in pipeline.items():
        if isinstance(job, dict) and not name.startswith("."):
            for key in ("before_script", "script", "after_script"):
                scripts += job.get(key, [])
    return scripts


def hook_commands() -> list[str]:
    commands = []
    for hook in load(HOOKS):
        commands.append(" ".join([hook["entry"], *map(shlex.quote, hook.get("args", []))]))
    return commands


def all_invocations() -> dict[str, list[list[str]]]:
    return {
        "github": [c for s in github_steps() if "run" in s for c in invocations(s["run"])],
        "gitlab": [c for s in gitlab_scripts() for c in invocations(s)],
        "pre-commit": [c for s in hook_commands() for c in invocations(s)],
    }


def help_of(capfd: pytest.CaptureFixture[str], *command: str) -> str:
    capfd.readouterr()
    assert main([*command, "--help"]) == 0
    return capfd.readouterr().out


def test_the_examples_parse() -> None:
    workflow = load(GITHUB)
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in on
    assert workflow["permissions"]["security-events"] == "write"
    pipeline = load(GITLAB)
    assert set(pipeline["stages"]) == {"plan", "check"}
    config = load(PRE_COMMIT_CONFIG)
    assert config["repos"]
    hooks = load(HOOKS)
    for hook in hooks:  # what pre-commit requires of a hook
        assert {"id", "name", "entry", "language"} <= set(hook)
    ids = {hook["id"] for hook in hooks}
    used = {h["id"] for r in config["repos"] if r["repo"] != "local" for h in r["hooks"]}
    assert used and used <= ids


def test_the_examples_call_real_subcommands_and_options(
    capfd: pytest.CaptureFixture[str],
) -> None:
    top = help_of(capfd)
    commands = set(re.findall(r"^  (\w+)\s", top.split("Commands:")[1], re.M))
    found = all_invocations()
    assert all(found.values()), found
    for where, calls in found.items():
        for words in calls:
            sub, args = words[0], words[1:]
            assert sub in commands, f"{where}: netgraph {sub} is no subcommand ({commands})"
            text = help_of(capfd, sub)
            for i, arg in enumerate(args):
                if not arg.startswith("-"):
                    continue
                option = arg.split("=")[0]
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), (
                    f"{where}: netgraph {sub} has no option {option}"
                )
                if option == "--format":
                    choices = re.search(r"--format \[([^\]]+)\]", text)
                    assert choices is not None and args[i + 1] in choices.group(1).split("|")


def test_the_examples_install_this_netgraph_not_pypis() -> None:
    # "netgraph" on PyPI is another project (a graph-drawing library): a bare requirement
    # (netgraph==0.1.0) would install it, or fail. Each install names a copy of this
    # repository, at the tag of this version.
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    scripts = [str(step.get("run", "")) for step in github_steps()] + gitlab_scripts()
    installs = [
        word
        for script in scripts
        for line in script.splitlines()
        if "pip install" in line
        for word in shlex.split(line, comments=True)
        if word.startswith("netgraph")
    ]
    assert len(installs) == 2, installs
    for word in installs:
        requirement = Requirement(word)
        assert requirement.name == "netgraph" and requirement.url, word
        assert requirement.url.endswith(f"@v{version}"), word
    assert load(PRE_COMMIT_CONFIG)["repos"][1]["rev"] == f"v{version}"


def test_the_ci_runs_check_with_sarif_and_gates_on_diff() -> None:
    found = all_invocations()
    for where in ("github", "gitlab"):
        calls = found[where]
        formats = {c[c.index("--format") + 1] for c in calls if "--format" in c}
        assert "sarif" in formats, where
        assert ["check", "tfplan.json"] in [c[:2] for c in calls], where
        assert any(c[0] == "diff" and "--plan" in c for c in calls), where
    assert "junit" in {c[c.index("--format") + 1] for c in found["gitlab"] if "--format" in c}
    upload = [s for s in github_steps() if str(s.get("uses", "")).startswith("github/codeql")]
    assert len(upload) == 1 and upload[0]["uses"].endswith("/upload-sarif@v3")
    workdir = load(GITHUB)["jobs"]["reachability"]["defaults"]["run"]["working-directory"]
    assert upload[0]["with"]["sarif_file"] == f"{workdir}/netgraph.sarif"
    junit = load(GITLAB)["netgraph"]["artifacts"]["reports"]["junit"]
    assert junit.endswith("netgraph-junit.xml")


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A step's script as CI runs it (bash -eo pipefail), netgraph from this environment."""
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    env["GITHUB_STEP_SUMMARY"] = str(cwd / "summary.md")
    bash = shutil.which("bash")
    assert bash is not None
    return subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _step(name: str) -> str:
    script: str = next(s["run"] for s in github_steps() if s.get("name") == name)
    return script


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    """A work directory as the workflow's: the plan (the endpoint deleted from an account)
    and the snapshot of the account today."""
    fixture = PLANS / "delete-endpoint"
    if not (fixture / "tfplan.json").is_file():
        pytest.skip(f"the plan fixture {fixture} is not in this checkout")
    shutil.copy(fixture / "tfplan.json", tmp_path / "tfplan.json")
    shutil.copy(fixture / "snapshot.json", tmp_path / "snapshot.json")
    return tmp_path


def test_github_steps_write_sarif_and_html_and_the_gate_fails(plan_dir: Path) -> None:
    done = _run(_step("netgraph check (SARIF and HTML)"), plan_dir)
    assert done.returncode == 0, done.stderr  # findings are reported, not a failed step
    sarif = json.loads((plan_dir / "netgraph.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"]
    assert (plan_dir / "netgraph.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    gate = _run(_step("Gate - does the plan make a check worse?"), plan_dir)
    assert gate.returncode == 1, gate.stderr  # the plan deletes the ecr.dkr endpoint
    summary = (plan_dir / "summary.md").read_text(encoding="utf-8")
    assert "this plan breaks ecr.dkr" in summary


def test_github_check_step_fails_on_bad_input(plan_dir: Path) -> None:
    (plan_dir / "tfplan.json").write_text("{not json", encoding="utf-8")
    done = _run(_step("netgraph check (SARIF and HTML)"), plan_dir)
    assert done.returncode == 2, done.stderr


def test_gitlab_script_writes_junit_and_sarif(plan_dir: Path) -> None:
    block = next(s for s in gitlab_scripts() if "--format junit" in s)
    done = _run(block, plan_dir)
    assert done.returncode == 0, done.stderr
    import xml.etree.ElementTree as ET

    suites = ET.parse(plan_dir / "netgraph-junit.xml").getroot()
    assert suites.tag == "testsuites" and int(suites.get("tests", "0")) > 0
    assert json.loads((plan_dir / "netgraph.sarif").read_text(encoding="utf-8"))["runs"]


def test_pre_commit_hook_fails_on_a_plan_that_blocks(tmp_path: Path) -> None:
    fixture = PLANS / "seed-incident-s3-only" / "tfplan.json"
    if not fixture.is_file():
        pytest.skip(f"the plan fixture {fixture} is not in this checkout")
    shutil.copy(fixture, tmp_path / "tfplan.json")
    (command,) = hook_commands()
    done = _run(command, tmp_path)
    assert done.returncode == 1, done.stderr  # only the S3 gateway endpoint: ECR is blocked
    assert "blocked" in done.stdout
