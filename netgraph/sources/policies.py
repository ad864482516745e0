"""IAM policy documents -> model, and the shipped copies of AWS-managed policies.

A document that cannot be read does not stop the run: it becomes a policy with ``error``
set, and everything that depends on it is ``unknown`` with that reason.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from netgraph.model import Policy, Statement


class PolicyError(ValueError):
    """A policy document that is not valid policy JSON."""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, bool):
        return (str(value).lower(),)
    if isinstance(value, (str, int)):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, (str, bool, int)) for v in value):
        return tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in value)
    raise PolicyError(f"{where}: expected a string or a list of strings")


def _principal(value: Any, where: str) -> Mapping[str, tuple[str, ...]] | None:
    if value is None:
        return None
    if value == "*":
        return {"*": ("*",)}
    if not isinstance(value, dict):
        raise PolicyError(f'{where}: expected "*" or an object')
    return {str(k): _strings(v, f"{where}.{k}") for k, v in value.items()}


def load_document(text: str | Mapping[str, Any]) -> dict[str, Any]:
    """Policy JSON as AWS returns it: an object, a JSON string, or URL-encoded JSON."""
    if isinstance(text, Mapping):
        return dict(text)
    raw = text if text.lstrip().startswith("{") else urllib.parse.unquote(text)
    try:
        doc = json.loads(raw)
    except ValueError:
        raise PolicyError("not valid JSON") from None
    except RecursionError:
        raise PolicyError("nested too deeply to read") from None
    if not isinstance(doc, dict):
        raise PolicyError("a policy document must be a JSON object")
    return doc


def _statement(name: str, i: int, st: Any, resource_based: bool) -> Statement:
    where = f"Statement[{i}]"
    if not isinstance(st, dict):
        raise PolicyError(f"{where}: expected an object")
    effect = st.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"{where}.Effect: expected Allow or Deny")
    if resource_based and st.get("Principal") is None and st.get("NotPrincipal") is None:
        # AWS requires a principal in a resource-based policy; read as "anyone", a statement
        # without one would widen an Allow.
        raise PolicyError(
            f"{where}: no Principal or NotPrincipal (a resource-based policy needs one)"
        )
    cond = st.get("Condition", {})
    if not isinstance(cond, dict):
        raise PolicyError(f"{where}.Condition: expected an object")
    conditions: list[tuple[str, str, tuple[str, ...]]] = []
    for op, block in cond.items():
        if not isinstance(block, dict):
            raise PolicyError(f"{where}.Condition.{op}: expected an object")
        for key, values in block.items():
            conditions.append((str(op), str(key), _strings(values, f"{where}.{op}.{key}")))

    def opt(key: str) -> tuple[str, ...] | None:
        return _strings(st[key], f"{where}.{key}") if key in st else None

    actions, not_actions = opt("Action"), opt("NotAction")
    if actions is None and not_actions is None:
        raise PolicyError(f"{where}: neither Action nor NotAction")
    sid = st.get("Sid")
    return Statement(
        policy=name,
        index=i,
        sid=sid if isinstance(sid, str) and sid else None,
        effect=effect,
        actions=actions,
        not_actions=not_actions,
        resources=opt("Resource"),
        not_resources=opt("NotResource"),
        principals=_principal(st.get("Principal"), f"{where}.Principal"),
        not_principals=_principal(st.get("NotPrincipal"), f"{where}.NotPrincipal"),
        conditions=tuple(conditions),
    )


def parse_policy(
    name: str,
    text: str | Mapping[str, Any],
    *,
    shipped: bool = False,
    resource_based: bool = False,
) -> Policy:
    """Never raises: an unreadable document gives a Policy whose ``error`` says why.
    ``resource_based``: a trust, repository or endpoint policy, whose statements must name
    their principal."""
    try:
        doc = load_document(text)
        raw = doc.get("Statement")
        if raw is None:
            raise PolicyError("no Statement")
        items = raw if isinstance(raw, list) else [raw]
        statements = tuple(_statement(name, i, st, resource_based) for i, st in enumerate(items))
    except PolicyError as exc:
        return Policy(name, (), shipped, error=f"the document of {name} cannot be read: {exc}")
    return Policy(name, statements, shipped)


@lru_cache(maxsize=1)
def shipped_managed_policies() -> dict[str, Policy]:
    """AWS-managed policies this domain uses, as AWS publishes them (default versions)."""
    text = (
        resources.files("netgraph")
        .joinpath("data/aws_managed_policies.json")
        .read_text(encoding="utf-8")
    )
    data = json.loads(text)
    return {p["Arn"]: parse_policy(p["Arn"], p["Document"], shipped=True) for p in data["policies"]}
