"""Values of a plan's resources, and the unknown ones resolved through ``configuration``
(plan-input.md "Unknown values and how references resolve them").

A resolved value is a string (an AWS id, an ARN, a name) or the Terraform address of an
object the plan creates; what cannot be resolved is an :class:`Unknown` with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from netgraph.sources.plan_read import AWS_PROVIDER, Change, Plan

# Attributes whose unknown value is the instance itself: the object named by its address.
_SELF_ATTRIBUTES = frozenset({"id", "arn", "name"})
# The objects AWS makes with a new VPC, by the attribute of aws_vpc that will hold their id.
IMPLICIT_ATTRIBUTES = {
    "main_route_table_id": "main_route_table_id",
    "default_route_table_id": "main_route_table_id",
    "default_network_acl_id": "default_network_acl_id",
    "default_security_group_id": "default_security_group_id",
}


@dataclass(frozen=True)
class Unknown:
    """A value known only after apply; ``why`` completes "known only after apply (…)"."""

    why: str


@dataclass(frozen=True)
class Candidate:
    value: str
    type: str | None = None  # the resource type that the value names, None for a literal


_SEGMENT = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[("(?:[^"\\]|\\.)*"|\d+|\*)\]')


def parse_traversal(text: str) -> list[str | int]:
    """``aws_subnet.private["a"].id`` -> ["aws_subnet", "private", "a"-key, "id"]: names are
    str, keys are ``Key``-wrapped (an int, or a str in quotes)."""
    out: list[str | int] = []
    pos = 0
    while pos < len(text):
        m = _SEGMENT.match(text, pos)
        if m is None:
            break
        if m.group(1) is not None:
            out.append(m.group(1))
        else:
            key = m.group(2)
            if key == "*":
                pos = m.end()
                continue
            out.append(int(key) if key.isdigit() else "\0" + key[1:-1].replace('\\"', '"'))
        pos = m.end()
    return out


def _is_key(seg: str | int) -> bool:
    return isinstance(seg, int) or (isinstance(seg, str) and seg.startswith("\0"))


def _key_value(seg: str | int) -> Any:
    return seg if isinstance(seg, int) else seg[1:]


def _most_specific(refs: list[str]) -> list[str]:
    """Drop each traversal that is a prefix of another one in the list."""
    return [
        r for r in refs if not any(o != r and o.startswith(r) and o[len(r)] in ".[" for o in refs)
    ]


def value_at(value: Any, unknown: Any, path: tuple[Any, ...]) -> tuple[bool, Any]:
    """(known, value) of ``path`` in ``after`` with its ``after_unknown`` marks."""
    for step in path:
        if unknown is True:
            return False, None
        if isinstance(step, int):
            unknown = unknown[step] if isinstance(unknown, list) and step < len(unknown) else None
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            unknown = unknown.get(step) if isinstance(unknown, dict) else None
            value = value.get(step) if isinstance(value, dict) else None
    if unknown is True:
        return False, None
    return True, value


def module_path(module_address: str) -> list[str]:
    """``module.a["x"].module.b`` -> ["a", "b"] (instance keys dropped)."""
    segs = parse_traversal(module_address)
    return [str(s) for s in segs if not _is_key(s) and s != "module"]


class Resolver:
    def __init__(self, plan: Plan, region: str) -> None:
        self.plan = plan
        self.region = region
        self.instances: dict[tuple[str, str], list[Change]] = {}
        for c in plan.changes:
            base = c.address.rsplit("[", 1)[0] if c.index is not None else c.address
            self.instances.setdefault((c.module_address, _strip_mode(base, c)), []).append(c)
        self.aliases: dict[str, str] = {}  # implicit object name -> adopting resource address

    # ---- configuration ---------------------------------------------------------------

    def module(self, path: list[str]) -> dict[str, Any] | None:
        mod = self.plan.configuration.get("root_module")
        for name in path:
            if not isinstance(mod, dict):
                return None
            call = (mod.get("module_calls") or {}).get(name)
            mod = call.get("module") if isinstance(call, dict) else None
        return mod if isinstance(mod, dict) else None

    def resource_config(self, change: Change) -> dict[str, Any] | None:
        mod = self.module(module_path(change.module_address))
        if mod is None:
            return None
        for r in mod.get("resources") or []:
            if isinstance(r, dict) and r.get("address") == change.config_address:
                return r
        return None

    def expression(self, change: Change, path: tuple[Any, ...]) -> dict[str, Any] | None:
        conf = self.resource_config(change)
        expr: Any = (conf or {}).get("expressions")
        for step in path:
            if isinstance(step, int):
                if isinstance(expr, list):
                    expr = expr[step] if step < len(expr) else (expr[0] if len(expr) == 1 else None)
                elif not (isinstance(expr, dict) and _is_expr(expr)):
                    return None
            elif isinstance(expr, list) and len(expr) == 1:
                expr = expr[0].get(step) if isinstance(expr[0], dict) else None
            elif isinstance(expr, dict) and not _is_expr(expr):
                expr = expr.get(step)
            else:
                return None
        if isinstance(expr, list) and len(expr) == 1:
            expr = expr[0]
        return expr if isinstance(expr, dict) and _is_expr(expr) else None

    # ---- values ------------------------------------------------------------------------

    def known(self, change: Change, path: tuple[Any, ...]) -> tuple[bool, Any]:
        return value_at(change.after, change.after_unknown, path)

    def resolve(
        self, change: Change, path: tuple[Any, ...], *, single: bool
    ) -> list[Candidate] | Unknown:
        """Candidates of an attribute whose value is unknown in ``after``."""
        expr = self.expression(change, path)
        attribute = ".".join(str(p) for p in path if not isinstance(p, int))
        if expr is None:
            return Unknown("no expression in the configuration gives it")
        return self.candidates_of(expr, change.module_address, change, attribute, single)

    def candidates_of(
        self,
        expr: dict[str, Any],
        module_address: str,
        change: Change | None,
        attribute: str,
        single: bool,
        depth: int = 0,
    ) -> list[Candidate] | Unknown:
        if depth > 20:
            return Unknown("its references do not end")
        if "constant_value" in expr:
            return _literals(expr["constant_value"])
        refs = [r for r in expr.get("references") or [] if isinstance(r, str)]
        if not refs:
            return Unknown("its expression is made of functions only")
        co_index = any(r in ("count.index", "each.key") for r in refs)
        out: list[Candidate] = []
        unknown: Unknown | None = None
        for ref in _most_specific(refs):
            found = self._traversal(ref, module_address, change, co_index, depth)
            if found is None:
                continue
            if isinstance(found, Unknown):
                unknown = unknown or found
                continue
            out.extend(found)
        if unknown is not None and (not single or not out):
            return unknown
        if not out:
            return Unknown(f"its expression ({', '.join(refs)}) names no object")
        return out

    def _traversal(
        self,
        ref: str,
        module_address: str,
        change: Change | None,
        co_index: bool,
        depth: int,
    ) -> list[Candidate] | Unknown | None:
        segs = parse_traversal(ref)
        if not segs:
            return None
        head = segs[0]
        if head in ("path", "terraform", "count", "self"):
            return None
        if head == "local":
            return Unknown(f"comes from {ref}, and Terraform does not write locals into a plan")
        if head == "each":
            if len(segs) < 2 or segs[1] != "value" or change is None:
                return None
            return self._each_value(change, segs[2:], ref)
        if head == "var" and len(segs) >= 2:
            return self._variable(str(segs[1]), segs[2:], module_address, depth)
        if head == "module" and len(segs) >= 3:
            return self._output(str(segs[1]), str(segs[2]), segs[3:], module_address, depth)
        if head == "data" and len(segs) >= 3:
            return self._data(segs[1:], module_address, ref)
        if len(segs) >= 2:
            return self._managed(segs, module_address, change, co_index, ref)
        return None

    def _each_value(
        self, change: Change, rest: list[str | int], ref: str
    ) -> list[Candidate] | Unknown | None:
        conf = self.resource_config(change) or {}
        fe = conf.get("for_each_expression") or {}
        refs = _most_specific([r for r in fe.get("references") or [] if isinstance(r, str)])
        targets = [r for r in refs if not r.startswith(("var.", "local.", "each.", "count."))]
        if len(refs) != 1 or len(targets) != 1:
            if any(r.startswith("var.") for r in refs) and len(refs) == 1:
                return None
            return Unknown(f"comes from {ref}, and the for_each names no single resource")
        segs = parse_traversal(targets[0])
        return self._managed(
            [*segs, "\0" + str(change.index), *rest], change.module_address, None, False, ref
        )

    def _variable(
        self, name: str, rest: list[str | int], module_address: str, depth: int
    ) -> list[Candidate] | Unknown | None:
        if not module_address:
            if name not in self.plan.variables:
                return Unknown(f"var.{name} has no value in the plan")
            return _literals(_dig(self.plan.variables[name], rest))
        parent, call = _parent(module_address)
        mod = self.module(module_path(parent))
        call_conf = ((mod or {}).get("module_calls") or {}).get(call) or {}
        expr = (call_conf.get("expressions") or {}).get(name)
        if not isinstance(expr, dict):
            default = (
                ((call_conf.get("module") or {}).get("variables") or {}).get(name) or {}
            ).get("default")
            return _literals(_dig(default, rest)) if default is not None else None
        return self.candidates_of(expr, parent, None, name, False, depth + 1)

    def _output(
        self,
        call: str,
        output: str,
        rest: list[str | int],
        module_address: str,
        depth: int,
    ) -> list[Candidate] | Unknown | None:
        inner = f"{module_address}.module.{call}" if module_address else f"module.{call}"
        mod = self.module(module_path(inner))
        expr = (((mod or {}).get("outputs") or {}).get(output) or {}).get("expression")
        if not isinstance(expr, dict):
            return Unknown(f"output {output} of module.{call} is not in the configuration")
        # A module with count/for_each: its instances' addresses carry a key.
        instances = sorted(
            {c.module_address for c in self.plan.changes if _in_module(c.module_address, inner)}
        ) or [inner]
        return self.candidates_of(expr, instances[0], None, output, False, depth + 1)

    def _data(
        self, segs: list[str | int], module_address: str, ref: str
    ) -> list[Candidate] | Unknown | None:
        dtype, dname = str(segs[0]), str(segs[1])
        rest = segs[2:]
        key = ""
        if rest and _is_key(rest[0]):
            key = _fmt_key(rest[0])
            rest = rest[1:]
        prefix = f"{module_address}." if module_address else ""
        address = f"{prefix}data.{dtype}.{dname}{key}"
        for c in self.plan.changes:
            if (
                c.mode == "data"
                and c.address.startswith(f"{prefix}data.{dtype}.{dname}")
                and "read" in c.actions
            ):
                return Unknown(f"comes from data.{dtype}.{dname}, which is read during apply")
        values = self.plan.prior.get(address)
        if values is None:
            return Unknown(f"data.{dtype}.{dname} is not in the plan's prior state")
        return _literals(_dig(values, rest))

    def _managed(
        self,
        segs: list[str | int],
        module_address: str,
        change: Change | None,
        co_index: bool,
        ref: str,
    ) -> list[Candidate] | Unknown | None:
        rtype, rname = str(segs[0]), str(segs[1])
        rest = segs[2:]
        instances = self.instances.get((module_address, f"{rtype}.{rname}"), [])
        if rest and _is_key(rest[0]):
            key = _key_value(rest[0])
            rest = rest[1:]
            instances = [c for c in instances if c.index == key or str(c.index) == str(key)]
        elif co_index and change is not None and any(c.index is not None for c in instances):
            instances = [c for c in instances if c.index == change.index]
        instances = [c for c in instances if not c.gone]
        if not instances:
            return Unknown(f"comes from {ref}, which is not in the plan")
        attr = [s for s in rest if not _is_key(s)]
        out: list[Candidate] = []
        for inst in instances:
            got = self.attribute_of(inst, attr)
            if isinstance(got, Unknown):
                return got
            out.extend(got)
        return out

    def attribute_of(self, inst: Change, attr: list[str | int]) -> list[Candidate] | Unknown:
        """The value of ``attr`` of a managed instance, or the object it names."""
        name = attr[0] if attr else "id"
        if attr:
            known, value = value_at(inst.after, inst.after_unknown, tuple(attr))
            if known and value is not None and not inst.created:
                return _literals(value, inst.type if name in _SELF_ATTRIBUTES else None)
            if known and value is not None and name not in _SELF_ATTRIBUTES:
                return _literals(value)
            if known and value is not None and name == "name":
                return _literals(value, inst.type)
        if name in _SELF_ATTRIBUTES:
            if not inst.created:
                known, value = value_at(inst.before, None, ("id",))
                if known and isinstance(value, str):
                    return [Candidate(value, inst.type)]
            return [Candidate(inst.address, inst.type)]
        if inst.type == "aws_vpc" and name in IMPLICIT_ATTRIBUTES:
            implicit = f"{inst.address}.{IMPLICIT_ATTRIBUTES[name]}"
            return [Candidate(self.aliases.get(implicit, implicit), "implicit")]
        if inst.type == "aws_vpc_endpoint" and name == "prefix_list_id":
            service = (inst.after or {}).get("service_name")
            if isinstance(service, str):
                return [Candidate(f"pl:{service}", "aws_prefix_list")]
        if name in ("vpc_id", "subnet_id") and inst.after is not None:
            # The object it names is resolved through its own configuration.
            got = self.resolve(inst, (name,), single=True)
            return got
        return Unknown(f"{name} of {inst.address} is known only after apply")


def _strip_mode(base: str, c: Change) -> str:
    """The resource's address within its module, without module path."""
    tail = base[len(c.module_address) + 1 :] if c.module_address else base
    return tail


def _is_expr(d: dict[str, Any]) -> bool:
    return "references" in d or "constant_value" in d or not d


def _parent(module_address: str) -> tuple[str, str]:
    """``module.a.module.b["x"]`` -> (``module.a``, ``b``)."""
    idx = module_address.rfind("module.")
    parent = module_address[:idx].rstrip(".")
    call = parse_traversal(module_address[idx:])[1]
    return parent, str(call)


def _in_module(address: str, inner: str) -> bool:
    if address == inner:
        return True
    return address.startswith(inner + "[") and "." not in address[len(inner) :].split("]", 1)[-1]


def _fmt_key(seg: str | int) -> str:
    return f"[{seg}]" if isinstance(seg, int) else f'["{seg[1:]}"]'


def _dig(value: Any, rest: list[str | int]) -> Any:
    for step in rest:
        if _is_key(step):
            k = _key_value(step)
            if isinstance(value, list) and isinstance(k, int) and k < len(value):
                value = value[k]
            elif isinstance(value, dict):
                value = value.get(str(k))
            else:
                return None
        elif isinstance(value, dict):
            value = value.get(str(step))
        elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
            value = value[0].get(str(step))  # a nested block of a data source
        else:
            return None
    return value


def _literals(value: Any, rtype: str | None = None) -> list[Candidate]:
    if value is None:
        return []
    if isinstance(value, list):
        return [c for v in value for c in _literals(v, rtype)]
    if isinstance(value, dict):
        return []
    if isinstance(value, bool):
        return [Candidate(str(value).lower(), rtype)]
    return [Candidate(str(value), rtype)]


def aws_provider(change: Change) -> bool:
    return change.provider in ("", AWS_PROVIDER) or change.provider.endswith("hashicorp/aws")
