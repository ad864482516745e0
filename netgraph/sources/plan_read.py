"""The JSON of ``terraform show -json PLAN``: detection, validity, and its parts as plain
Python (plan-input.md "Detection and validity", "Which parts of the plan are read")."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netgraph.sources.reader import SnapshotError

AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


def is_plan(data: Any) -> bool:
    """A plan's top-level object has ``format_version`` and ``planned_values``."""
    return isinstance(data, dict) and "format_version" in data and "planned_values" in data


def is_state(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and "format_version" in data
        and "values" in data
        and "planned_values" not in data
    )


@dataclass
class Change:
    """One entry of ``resource_changes``: a resource instance and what the plan does to it."""

    address: str
    module_address: str  # "" in the root module
    mode: str  # managed | data
    type: str
    name: str
    index: Any  # None, an int (count) or a str (for_each)
    actions: tuple[str, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    after_unknown: Any
    provider: str
    action_reason: str | None = None

    @property
    def created(self) -> bool:
        return "create" in self.actions

    @property
    def deleted(self) -> bool:
        return "delete" in self.actions

    @property
    def gone(self) -> bool:
        """Deleted and not created again."""
        return self.actions == ("delete",)

    @property
    def config_address(self) -> str:
        """The address without module instance keys nor its own key: how ``configuration``
        names the resource block."""
        return f"{'data.' if self.mode == 'data' else ''}{self.type}.{self.name}"

    @property
    def kind(self) -> str:
        a = self.actions
        if a == ("no-op",):
            return "no-op"
        if a in (("delete", "create"), ("create", "delete")):
            return "replace"
        return a[0] if a else "no-op"


@dataclass
class Plan:
    path: str
    data: dict[str, Any]
    format_version: str
    terraform_version: str | None
    changes: list[Change]
    by_address: dict[str, Change]
    prior: dict[str, dict[str, Any]]  # data source address -> its values read while planning
    variables: dict[str, Any]
    configuration: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    # The string values the plan marks sensitive (never printed: Snapshot.sensitive).
    sensitive: frozenset[str] = frozenset()


def _fail(path: str, message: str) -> SnapshotError:
    return SnapshotError(f"{path}: {message}")


def read_plan_file(path: str | Path) -> Plan:
    p = Path(path)
    if p.is_dir():
        raise _fail(
            str(p), "a folder, not a Terraform plan (give the JSON of terraform show -json)"
        )
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(str(p), f"cannot be read ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise _fail(str(p), f"not JSON ({exc})") from None
    return parse_plan(data, str(p))


def parse_plan(data: Any, path: str) -> Plan:
    """Refuse what is not a plan Terraform wrote successfully in format 1.x."""
    if is_state(data):
        raise _fail(
            path,
            "a Terraform state, not a plan: run `terraform plan -out tfplan && terraform show "
            "-json tfplan > tfplan.json`",
        )
    if not is_plan(data):
        raise _fail(
            path,
            "not a Terraform plan (no format_version and planned_values): give the JSON of "
            "`terraform show -json tfplan`",
        )
    version = data["format_version"]
    if not isinstance(version, str) or version.split(".")[0] != "1":
        raise _fail(path, f"format_version {version!r}: netgraph reads plans of format 1.x")
    if data.get("errored") is True:
        raise _fail(path, "errored: true: the plan failed; fix `terraform plan` first")
    changes: list[Change] = []
    rcs = data.get("resource_changes") or []
    if not isinstance(rcs, list):
        raise _fail(path, "resource_changes: expected a list")
    for i, rc in enumerate(rcs):
        if not isinstance(rc, dict) or not isinstance(rc.get("change"), dict):
            raise _fail(path, f"resource_changes[{i}]: expected an object with a change")
        ch = rc["change"]
        actions = ch.get("actions")
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise _fail(path, f"resource_changes[{i}].change.actions: expected a list of strings")
        for key in ("address", "type", "name"):
            if not isinstance(rc.get(key), str):
                raise _fail(path, f"resource_changes[{i}]: {key} is missing")
        before, after = ch.get("before"), ch.get("after")
        for key, value in (("before", before), ("after", after)):
            if value is not None and not isinstance(value, dict):
                raise _fail(path, f"resource_changes[{i}].change.{key}: expected an object")
        changes.append(
            Change(
                address=rc["address"],
                module_address=rc.get("module_address") or "",
                mode=rc.get("mode") or "managed",
                type=rc["type"],
                name=rc["name"],
                index=rc.get("index"),
                actions=tuple(actions),
                before=before,
                after=after,
                after_unknown=ch.get("after_unknown") or {},
                provider=rc.get("provider_name") or "",
                action_reason=rc.get("action_reason"),
            )
        )
    secrets: set[str] = set()
    for rc in rcs:
        ch = rc["change"]
        _marked(ch.get("after"), ch.get("after_sensitive"), secrets)
        _marked(ch.get("before"), ch.get("before_sensitive"), secrets)
    prior: dict[str, dict[str, Any]] = {}
    state = data.get("prior_state")
    if isinstance(state, dict):
        _collect_prior((state.get("values") or {}).get("root_module") or {}, prior, secrets)
    variables = {
        k: v.get("value") for k, v in (data.get("variables") or {}).items() if isinstance(v, dict)
    }
    config = data.get("configuration") or {}
    declared = ((config if isinstance(config, dict) else {}).get("root_module") or {}).get(
        "variables"
    ) or {}
    for name, value in variables.items():
        if isinstance(declared, dict) and (declared.get(name) or {}).get("sensitive") is True:
            _marked(value, True, secrets)
    tf_version = data.get("terraform_version")
    return Plan(
        path=path,
        data=data,
        format_version=version,
        terraform_version=tf_version if isinstance(tf_version, str) else None,
        changes=changes,
        by_address={c.address: c for c in changes if c.mode == "managed"},
        prior=prior,
        variables=variables,
        configuration=config if isinstance(config, dict) else {},
        sensitive=frozenset(secrets),
    )


def _collect_prior(
    module: dict[str, Any], out: dict[str, dict[str, Any]], secrets: set[str]
) -> None:
    for r in module.get("resources") or []:
        if isinstance(r, dict) and isinstance(r.get("address"), str):
            out[r["address"]] = r.get("values") or {}
            _marked(r.get("values"), r.get("sensitive_values"), secrets)
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            _collect_prior(child, out, secrets)


def _marked(value: Any, marks: Any, out: set[str]) -> None:
    """Add to ``out`` the strings of ``value`` that ``marks`` (an ``after_sensitive``
    shape: ``true``, or objects and lists of marks) says are sensitive."""
    if marks is True:
        _strings(value, out)
    elif isinstance(marks, dict) and isinstance(value, dict):
        for key, mark in marks.items():
            _marked(value.get(key), mark, out)
    elif isinstance(marks, list) and isinstance(value, list):
        for item, mark in zip(value, marks, strict=False):
            _marked(item, mark, out)


def _strings(value: Any, out: set[str]) -> None:
    """Every string in ``value``; a JSON document's own strings too (an output prints the
    image of a sensitive ``container_definitions``, not the whole document). Numbers and
    booleans are not collected: a port or a flag cannot be told from any other one."""
    if isinstance(value, str):
        if value.strip():
            out.add(value)
        if value.lstrip()[:1] in ("{", "["):
            with contextlib.suppress(ValueError, RecursionError):
                _strings(json.loads(value), out)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
