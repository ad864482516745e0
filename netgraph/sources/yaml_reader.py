"""YAML as the AWS CLI writes it (``--output yaml``), read into what ``json.loads`` gives.

PyYAML's safe loader, narrowed to what JSON can hold, so that a YAML snapshot reads exactly
as its JSON would: the scalars resolve as YAML 1.2's core schema does (``yes``, ``on``,
``0x1F``, ``1:20`` and dates stay strings, as they would be in the JSON; only
``true``/``false``, ``null``/``~``/empty and decimal numbers are not), aliases are refused
(the AWS CLI writes none, and a few of them nested stand for billions of nodes), and a value
JSON has no type for (``!!binary``, ``!!set``) or a key that is not a string is refused.
Imported only when a file is YAML.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class YamlError(Exception):
    """The YAML cannot be read: one line, with the line and column."""


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            raise YamlError(
                f"YAML alias *{event.anchor} at line {mark.line + 1} column {mark.column + 1}: "
                "netgraph reads no aliases (the AWS CLI writes none): write the value out"
            )
        return super().compose_node(parent, index)


# YAML 1.2 core schema: the implicit types JSON also has, and nothing else.
_Loader.yaml_implicit_resolvers = {}
_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
)
for _tag, _pattern, _first in _RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node))  # decimal only; ValueError past 4,300 digits


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

_JSON_SCALARS = (str, int, float, bool, type(None))


def load(text: str) -> Any:
    """The document, as JSON types. Raises YamlError (and ValueError, RecursionError)."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "cannot be read"
        raise YamlError(f"invalid YAML{at}: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {str(exc).splitlines()[0]}") from None
    _only_json(data)
    return data


def _only_json(data: Any) -> None:
    """Refuse what JSON cannot hold, walking without recursion (the nesting was read)."""
    stack: list[tuple[Any, str]] = [(data, "$")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise YamlError(
                        f"{where}: the key {key!r} is not a string (JSON keys are): quote it"
                    )
                stack.append((item, f"{where}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(value))
        elif not isinstance(value, _JSON_SCALARS):
            raise YamlError(
                f"{where}: a YAML {type(value).__name__} value, which JSON (and so a snapshot) "
                "cannot hold: write it as a string"
            )
