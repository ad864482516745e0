"""The reference resolver (plan_refs.py), rule by rule of plan-input.md "Unknown values and
how references resolve them", steps 1-5, on hand-made plans."""

from __future__ import annotations

from typing import Any

from netgraph.sources.plan_map import Mapper, Objects, unknown_id
from netgraph.sources.plan_read import Plan, parse_plan
from netgraph.sources.plan_refs import Candidate, Resolver, Unknown, _most_specific

AWS = "registry.terraform.io/hashicorp/aws"
SUBNETS = ["aws_subnet.private", "aws_subnet.private[0]", "aws_subnet.private[1]"]


def rc(address: str, after: dict[str, Any], unknown: dict[str, Any], **extra: Any) -> Any:
    parts = address.split(".")
    # module.net.aws_subnet.a["x"] -> module_address "module.net"
    mod = ".".join(parts[:-2]) if address.startswith("module.") else ""
    rtype, rest = parts[-2], parts[-1]
    name, _, key = rest.partition("[")
    index: Any = None
    if key:
        key = key.rstrip("]")
        index = int(key) if key.isdigit() else key.strip('"')
    mode = "managed"
    if rtype == "data" or (len(parts) >= 3 and parts[-3] == "data"):
        mode = "data"
    return {
        "address": address,
        "module_address": mod or None,
        "mode": mode,
        "type": rtype,
        "name": name,
        "index": index,
        "provider_name": AWS,
        "change": {
            "actions": extra.pop("actions", ["create"]),
            "before": None,
            "after": after,
            "after_unknown": unknown,
        },
        **extra,
    }


def conf(address: str, **expressions: Any) -> dict[str, Any]:
    rtype, name = address.rsplit(".", 2)[-2:]
    mode = "data" if address.startswith("data.") else "managed"
    out = {"address": address, "mode": mode, "type": rtype, "name": name, "expressions": {}}
    for k, v in expressions.items():
        if k in ("for_each_expression", "count_expression"):
            out[k] = v
        else:
            out["expressions"][k] = v
    return out


def refs(*traversals: str) -> dict[str, Any]:
    return {"references": list(traversals)}


def plan(
    changes: list[Any],
    resources: list[Any],
    *,
    variables: dict[str, Any] | None = None,
    module_calls: dict[str, Any] | None = None,
    prior: list[Any] | None = None,
) -> Plan:
    doc = {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {},
        "resource_changes": changes,
        "variables": {k: {"value": v} for k, v in (variables or {}).items()},
        "prior_state": {"values": {"root_module": {"resources": prior or []}}},
        "configuration": {
            "provider_config": {
                "aws": {"expressions": {"region": {"constant_value": "eu-west-1"}}}
            },
            "root_module": {"resources": resources, "module_calls": module_calls or {}},
        },
    }
    return parse_plan(doc, "tfplan.json")


def subnets(n: int = 2) -> list[Any]:
    return [
        rc(f"aws_subnet.private[{i}]", {"cidr_block": f"10.0.{i}.0/24"}, {"id": True})
        for i in range(n)
    ]


def values(got: list[Candidate] | Unknown) -> list[str]:
    assert not isinstance(got, Unknown), got
    return [c.value for c in got]


def resolve(p: Plan, address: str, *path: Any, single: bool = True) -> list[Candidate] | Unknown:
    change = next(c for c in p.changes if c.address == address)
    return Resolver(p, "eu-west-1").resolve(change, path, single=single)


# ---- step 2: prefixes ----------------------------------------------------------------------


def test_prefixes_of_a_more_specific_traversal_are_dropped() -> None:
    assert _most_specific(
        ['aws_subnet.private["a"].id', 'aws_subnet.private["a"]', "aws_subnet.private", "var.x"]
    ) == ['aws_subnet.private["a"].id', "var.x"]
    # a name that merely starts like another is not its prefix
    assert _most_specific(["aws_subnet.a", "aws_subnet.ab.id"]) == [
        "aws_subnet.a",
        "aws_subnet.ab.id",
    ]


# ---- step 3: managed resources, count and for_each --------------------------------------------


def test_an_unknown_id_of_a_created_instance_is_its_address() -> None:
    p = plan(
        [*subnets(), rc("aws_nat_gateway.a", {}, {"subnet_id": True})],
        [conf("aws_nat_gateway.a", subnet_id=refs("aws_subnet.private[1].id", *SUBNETS[:1]))],
    )
    assert values(resolve(p, "aws_nat_gateway.a", "subnet_id")) == ["aws_subnet.private[1]"]


def test_count_index_picks_the_instance_with_the_same_index() -> None:
    changes = [
        *subnets(),
        *(rc(f"aws_route_table_association.a[{i}]", {}, {"subnet_id": True}) for i in range(2)),
    ]
    p = plan(
        changes,
        [
            conf(
                "aws_route_table_association.a", subnet_id=refs("aws_subnet.private", "count.index")
            )
        ],
    )
    assert values(resolve(p, "aws_route_table_association.a[1]", "subnet_id")) == [
        "aws_subnet.private[1]"
    ]


def test_a_resource_without_key_is_all_its_instances() -> None:
    p = plan(
        [*subnets(), rc("aws_vpc_endpoint.e", {}, {"subnet_ids": True})],
        [conf("aws_vpc_endpoint.e", subnet_ids=refs("aws_subnet.private"))],
    )
    got = resolve(p, "aws_vpc_endpoint.e", "subnet_ids", single=False)
    assert sorted(values(got)) == ["aws_subnet.private[0]", "aws_subnet.private[1]"]


def test_each_key_and_each_value_follow_a_for_each_over_one_resource() -> None:
    subnets_by_key = [rc(f'aws_subnet.s["{k}"]', {}, {"id": True}) for k in ("a", "b")]
    tables = [
        rc(f'aws_route_table_association.t["{k}"]', {}, {"subnet_id": True}) for k in ("a", "b")
    ]
    groups = [
        rc(f'aws_network_acl_association.n["{k}"]', {}, {"subnet_id": True}) for k in ("a", "b")
    ]
    p = plan(
        [*subnets_by_key, *tables, *groups],
        [
            conf("aws_route_table_association.t", subnet_id=refs("aws_subnet.s", "each.key")),
            conf(
                "aws_network_acl_association.n",
                subnet_id=refs("each.value.id", "each.value"),
                for_each_expression=refs("aws_subnet.s"),
            ),
        ],
    )
    assert values(resolve(p, 'aws_route_table_association.t["b"]', "subnet_id")) == [
        'aws_subnet.s["b"]'
    ]
    assert values(resolve(p, 'aws_network_acl_association.n["a"]', "subnet_id")) == [
        'aws_subnet.s["a"]'
    ]


def test_each_value_of_a_for_each_over_two_resources_is_unknown() -> None:
    p = plan(
        [rc('aws_network_acl_association.n["a"]', {}, {"subnet_id": True})],
        [
            conf(
                "aws_network_acl_association.n",
                subnet_id=refs("each.value"),
                for_each_expression=refs("aws_subnet.a", "aws_subnet.b"),
            )
        ],
    )
    assert isinstance(resolve(p, 'aws_network_acl_association.n["a"]', "subnet_id"), Unknown)


# ---- step 3: variables, modules, data sources, locals ------------------------------------------


def test_a_root_variable_is_its_value() -> None:
    p = plan(
        [rc("aws_subnet.x", {}, {"vpc_id": True})],
        [conf("aws_subnet.x", vpc_id=refs("var.vpc_id"))],
        variables={"vpc_id": "vpc-0abc"},
    )
    assert values(resolve(p, "aws_subnet.x", "vpc_id")) == ["vpc-0abc"]


def test_a_module_variable_is_the_callers_argument_resolved_in_the_caller() -> None:
    p = plan(
        [rc("aws_vpc.main", {}, {"id": True}), rc("module.net.aws_subnet.x", {}, {"vpc_id": True})],
        [conf("aws_vpc.main")],
        module_calls={
            "net": {
                "expressions": {"vpc_id": refs("aws_vpc.main.id", "aws_vpc.main")},
                "module": {"resources": [conf("aws_subnet.x", vpc_id=refs("var.vpc_id"))]},
            }
        },
    )
    assert values(resolve(p, "module.net.aws_subnet.x", "vpc_id")) == ["aws_vpc.main"]


def test_a_module_output_is_its_expression_resolved_inside_the_module() -> None:
    p = plan(
        [rc("module.net.aws_vpc.v", {}, {"id": True}), rc("aws_subnet.x", {}, {"vpc_id": True})],
        [conf("aws_subnet.x", vpc_id=refs("module.net.vpc_id", "module.net"))],
        module_calls={
            "net": {
                "module": {
                    "resources": [conf("aws_vpc.v")],
                    "outputs": {"vpc_id": {"expression": refs("aws_vpc.v.id", "aws_vpc.v")}},
                }
            }
        },
    )
    assert values(resolve(p, "aws_subnet.x", "vpc_id")) == ["module.net.aws_vpc.v"]


def test_a_data_source_read_while_planning_is_its_prior_value() -> None:
    p = plan(
        [rc("aws_vpc_endpoint.e", {}, {"subnet_ids": True})],
        [
            conf(
                "aws_vpc_endpoint.e",
                subnet_ids=refs("data.aws_subnets.x.ids", "data.aws_subnets.x"),
            )
        ],
        prior=[
            {
                "address": "data.aws_subnets.x",
                "mode": "data",
                "type": "aws_subnets",
                "name": "x",
                "values": {"ids": ["subnet-1", "subnet-2"]},
            }
        ],
    )
    got = resolve(p, "aws_vpc_endpoint.e", "subnet_ids", single=False)
    assert values(got) == ["subnet-1", "subnet-2"]


def test_a_data_source_read_during_apply_is_not_resolved() -> None:
    read = rc("data.aws_subnets.x", {}, {"ids": True}, actions=["read"])
    read["action_reason"] = "read_because_dependency_pending"
    p = plan(
        [read, rc("aws_vpc_endpoint.e", {}, {"subnet_ids": True})],
        [
            conf(
                "aws_vpc_endpoint.e",
                subnet_ids=refs("data.aws_subnets.x.ids", "data.aws_subnets.x"),
            )
        ],
        prior=[{"address": "data.aws_subnets.x", "values": {"ids": ["subnet-stale"]}}],
    )
    got = resolve(p, "aws_vpc_endpoint.e", "subnet_ids", single=False)
    assert got == Unknown("comes from data.aws_subnets.x, which is read during apply")


def test_a_local_is_unresolvable() -> None:
    p = plan(
        [rc("aws_subnet.x", {}, {"vpc_id": True})],
        [conf("aws_subnet.x", vpc_id=refs("local.vpc"))],
    )
    got = resolve(p, "aws_subnet.x", "vpc_id")
    assert isinstance(got, Unknown) and "local.vpc" in got.why


def test_path_terraform_and_count_index_alone_give_no_candidate() -> None:
    p = plan(
        [rc("aws_subnet.x", {}, {"vpc_id": True})],
        [conf("aws_subnet.x", vpc_id=refs("path.module", "terraform.workspace", "count.index"))],
    )
    got = resolve(p, "aws_subnet.x", "vpc_id")
    assert isinstance(got, Unknown) and "names no object" in got.why


# ---- steps 4 and 5: how many candidates, and what stays unknown -------------------------------


def _mapper(p: Plan) -> Mapper:
    return Mapper(p, Resolver(p, "eu-west-1"), Objects(), "eu-west-1", None, overlay=False)


def test_a_single_valued_attribute_needs_exactly_one_candidate() -> None:
    p = plan(
        [
            *subnets(),
            rc("aws_nat_gateway.a", {}, {"subnet_id": True}),
            rc("aws_nat_gateway.b", {}, {"subnet_id": True}),
        ],
        [
            conf("aws_nat_gateway.a", subnet_id=refs("aws_subnet.private")),
            # a CIDR is not of the expected kind: dropped, one subnet remains
            conf("aws_nat_gateway.b", subnet_id=refs("aws_subnet.private[0].id", "var.cidr")),
        ],
        variables={"cidr": "10.0.0.0/16"},
    )
    m = _mapper(p)
    a = next(c for c in p.changes if c.address == "aws_nat_gateway.a")
    assert m.one(a, "subnet_id") == unknown_id("aws_nat_gateway.a", "subnet_id")
    assert m.unresolved[0].reason == "its expression names 2 objects, not one"
    b = next(c for c in p.changes if c.address == "aws_nat_gateway.b")
    assert m.one(b, "subnet_id") == "aws_subnet.private[0]"


def test_a_set_valued_attribute_is_unresolved_if_any_traversal_is() -> None:
    read = rc("data.aws_security_group.shared", {}, {"id": True}, actions=["read"])
    p = plan(
        [
            read,
            rc("aws_security_group.a", {}, {"id": True}),
            rc("aws_vpc_endpoint.e", {}, {"security_group_ids": True}),
            rc("aws_vpc_endpoint.f", {}, {"security_group_ids": True}),
        ],
        [
            conf(
                "aws_vpc_endpoint.e",
                security_group_ids=refs(
                    "aws_security_group.a.id",
                    "aws_security_group.a",
                    "data.aws_security_group.shared.id",
                    "data.aws_security_group.shared",
                ),
            ),
            conf(
                "aws_vpc_endpoint.f",
                security_group_ids=refs(
                    "aws_security_group.a.id", "aws_security_group.a", "var.extra"
                ),
            ),
        ],
        variables={"extra": ["sg-0123"]},
    )
    m = _mapper(p)
    e = next(c for c in p.changes if c.address == "aws_vpc_endpoint.e")
    assert m.many(e, "security_group_ids") == [
        unknown_id("aws_vpc_endpoint.e", "security_group_ids")
    ]
    assert m.unresolved[0].reason == (
        "comes from data.aws_security_group.shared, which is read during apply"
    )
    f = next(c for c in p.changes if c.address == "aws_vpc_endpoint.f")
    assert m.many(f, "security_group_ids") == ["aws_security_group.a", "sg-0123"]
