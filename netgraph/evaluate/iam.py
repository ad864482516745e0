"""IAM policies, evaluated as AWS documents it. The one place policy logic lives.

AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- An explicit Deny in any applicable statement wins; otherwise an Allow allows; otherwise
  the request is implicitly denied.
- ``Action``/``NotAction`` match case-insensitively with ``*`` and ``?``; ``Resource``/
  ``NotResource`` match ARNs case-sensitively, segment by segment for partition, service,
  region and account, and as a whole for the resource part (where ``*`` may span ``:`` and
  ``/``, as in ``log-group:/ecs/web:*``).
- Conditions: every operator block must hold (AND), every key in it must hold (AND), any of
  a key's values may match (OR; NOR for the negated operators). A key the request does not
  carry fails a positive operator and satisfies a negated one; ``...IfExists`` holds when
  the key is absent. A key whose value netgraph cannot know makes the answer ``unknown``,
  naming the key: never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from netgraph.model import Policy, Statement

Decision = Literal["allow", "deny", "implicit-deny", "unknown"]


# ---- matching ----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """``*`` matches any run of characters (none included), ``?`` exactly one."""
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    return wildcard_match(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    if pattern == "*":
        return True
    p = pattern.split(":", 5)
    a = arn.split(":", 5)
    if len(p) != 6 or len(a) != 6:
        return wildcard_match(pattern, arn)
    return all(wildcard_match(x, y) for x, y in zip(p, a, strict=True))


# ---- requests ----------------------------------------------------------------------------

ABSENT = None  # a context value meaning "the request carries no such key"


@dataclass(frozen=True)
class Principal:
    """Who asks: an IAM role (``arn``) or an AWS service (``service``)."""

    arn: str | None = None
    account: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class Request:
    action: str
    resource: str | None  # None: the resource is not known (then only "*" is certain)
    principal: Principal = field(default_factory=Principal)
    # condition key (lower case) -> values, or ABSENT. A key not listed is unknown.
    context: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)

    def describe(self) -> str:
        return f"{self.action} on {self.resource or 'the resource'}"


def request_context(
    principal: Principal, **keys: str | Sequence[str] | None
) -> dict[str, tuple[str, ...] | None]:
    """Context with the global keys derivable from the principal, plus ``keys``
    (``aws_SourceVpce="vpce-…"``; None for a key known to be absent)."""
    ctx: dict[str, tuple[str, ...] | None] = {}
    if principal.arn:
        ctx["aws:principalarn"] = (principal.arn,)
    if principal.account:
        ctx["aws:principalaccount"] = (principal.account,)
    if principal.service:
        ctx["aws:principalservicename"] = (principal.service,)
    for name, value in keys.items():
        key = name.replace("_", ":", 1).lower()
        ctx[key] = None if value is None else ((value,) if isinstance(value, str) else tuple(value))
    return ctx


Truth = Literal["yes", "no", "unknown"]


def _any(values: Iterable[Truth]) -> Truth:
    vs = list(values)
    return "yes" if "yes" in vs else "unknown" if "unknown" in vs else "no"


def _all(values: Iterable[Truth]) -> Truth:
    vs = list(values)
    return "no" if "no" in vs else "unknown" if "unknown" in vs else "yes"


def _not(value: Truth) -> Truth:
    return {"yes": "no", "no": "yes", "unknown": "unknown"}[value]  # type: ignore[return-value]


def _match_list(patterns: Sequence[str], value: str | None, match: Any) -> Truth:
    if value is None:
        return "yes" if "*" in patterns else "unknown"
    return "yes" if any(match(p, value) for p in patterns) else "no"


def _principal_matches(spec: Mapping[str, tuple[str, ...]], who: Principal) -> Truth:
    if "*" in spec or "*" in spec.get("AWS", ()):
        return "yes"
    if who.service is not None:
        return "yes" if who.service in spec.get("Service", ()) else "no"
    results: list[Truth] = []
    for p in spec.get("AWS", ()):
        account = p if re.fullmatch(r"\d{12}", p) else None
        if p.endswith(":root"):
            account = p.split(":")[4]
        if account is not None:
            results.append(
                "unknown" if who.account is None else "yes" if who.account == account else "no"
            )
        elif who.arn is not None:
            results.append("yes" if p == who.arn else "no")
        else:
            results.append("unknown")
    return _any(results)


_STRING_OPS: dict[str, Callable[[str, str], bool]] = {
    "stringequals": (lambda p, v: p == v),
    "stringequalsignorecase": (lambda p, v: p.lower() == v.lower()),
    "stringlike": (lambda p, v: wildcard_match(p, v)),
    "arnequals": (lambda p, v: p == v),
    "arnlike": arn_matches,
    "bool": (lambda p, v: p.lower() == v.lower()),
}
_NEGATED = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
}


@dataclass(frozen=True)
class ConditionResult:
    truth: Truth
    unknown_keys: tuple[str, ...] = ()


def evaluate_condition(
    operator: str, key: str, values: Sequence[str], context: Mapping[str, tuple[str, ...] | None]
) -> ConditionResult:
    op = operator.lower()
    qualifier = ""
    if ":" in op:
        qualifier, op = op.split(":", 1)
    if_exists = op.endswith("ifexists")
    if if_exists:
        op = op[: -len("ifexists")]
    lkey = key.lower()
    if lkey not in context:
        return ConditionResult("unknown", (key,))
    actual = context[lkey]
    if op == "null":
        want_absent = values[0].lower() == "true" if values else True
        return ConditionResult("yes" if (actual is None) == want_absent else "no")
    negated = op in _NEGATED
    base = _NEGATED.get(op, op)
    test = _STRING_OPS.get(base)
    if test is None:
        # Numeric, date and IP operators: netgraph knows none of those keys' values.
        return (
            ConditionResult("unknown", (key,))
            if actual is not None
            else ConditionResult("yes" if if_exists else "no")
        )
    if actual is None:
        if if_exists or qualifier == "forallvalues":
            return ConditionResult("yes")
        return ConditionResult("yes" if negated and qualifier != "foranyvalue" else "no")

    def one(v: str) -> bool:
        hit = any(test(p, v) for p in values)
        return not hit if negated else hit

    if qualifier == "forallvalues":
        return ConditionResult("yes" if all(one(v) for v in actual) else "no")
    return ConditionResult("yes" if any(one(v) for v in actual) else "no")


# ---- evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyDecision:
    decision: Decision
    statement: Statement | None  # the statement that decided (deny or allow), if any
    reason: str
    unknown_keys: tuple[str, ...] = ()


def statement_applies(st: Statement, request: Request) -> ConditionResult:
    """Does the statement apply to the request (action, resource, principal, condition)?"""
    if st.actions is not None:
        action: Truth = _match_list(st.actions, request.action, action_matches)
    else:
        action = _not(_match_list(st.not_actions or (), request.action, action_matches))
    if st.resources is not None:
        resource = _match_list(st.resources, request.resource, arn_matches)
    elif st.not_resources is not None:
        resource = _not(_match_list(st.not_resources, request.resource, arn_matches))
    else:
        resource = "yes"  # resource policies: the resource is the one the policy is on
    principal: Truth = "yes"
    if st.principals is not None:
        principal = _principal_matches(st.principals, request.principal)
    elif st.not_principals is not None:
        principal = _not(_principal_matches(st.not_principals, request.principal))
    head = _all([action, resource, principal])
    if head == "no":
        return ConditionResult("no")
    results = [evaluate_condition(op, k, v, request.context) for op, k, v in st.conditions]
    truth = _all([head, *(r.truth for r in results)])
    unknown = tuple(k for r in results for k in r.unknown_keys)
    if head == "unknown" and not unknown:
        unknown = ("the resource" if resource == "unknown" else "the principal",)
    return ConditionResult(truth, unknown)


def evaluate(policies: Sequence[Policy], request: Request) -> PolicyDecision:
    """The decision of a set of policies of one kind (identity, boundary, resource...)."""
    maybe_deny: list[tuple[Statement, ConditionResult]] = []
    allow: Statement | None = None
    maybe_allow: list[tuple[Statement, ConditionResult]] = []
    for policy in policies:
        for st in policy.statements:
            applies = statement_applies(st, request)
            if applies.truth == "no":
                continue
            if st.effect == "Deny":
                if applies.truth == "yes":
                    return PolicyDecision(
                        "deny", st, f"{request.describe()} is explicitly denied by {st.label}"
                    )
                maybe_deny.append((st, applies))
            elif applies.truth == "yes":
                allow = allow or st
            else:
                maybe_allow.append((st, applies))
    if maybe_deny:
        return _undecided(maybe_deny[0], f"denies {request.describe()}")
    if allow is not None:
        return PolicyDecision("allow", allow, f"{request.describe()} is allowed by {allow.label}")
    if maybe_allow:
        return _undecided(maybe_allow[0], f"allows {request.describe()} only")
    names = ", ".join(p.name for p in policies) or "no policy"
    return PolicyDecision("implicit-deny", None, f"nothing in {names} allows {request.describe()}")


def _undecided(found: tuple[Statement, ConditionResult], what: str) -> PolicyDecision:
    """A statement that may decide, depending on keys netgraph cannot know: say which."""
    st, applies = found
    keys = ", ".join(applies.unknown_keys)
    return PolicyDecision(
        "unknown",
        st,
        f"{st.label} {what} depending on {keys}, which netgraph cannot know",
        applies.unknown_keys,
    )


def combine_all(*decisions: PolicyDecision) -> PolicyDecision:
    """Every one of these policy kinds must allow (identity AND boundary, endpoint policy on
    top of IAM, both accounts across accounts): a deny anywhere wins, then unknown."""
    for d in decisions:
        if d.decision == "deny":
            return d
    for d in decisions:
        if d.decision == "implicit-deny":
            return d
    for d in decisions:
        if d.decision == "unknown":
            return d
    return decisions[0]


def combine_any(identity: PolicyDecision, resource: PolicyDecision) -> PolicyDecision:
    """Same account: an Allow in the identity policies OR the resource policy suffices;
    an explicit Deny in either wins."""
    for d in (identity, resource):
        if d.decision == "deny":
            return d
    for d in (identity, resource):
        if d.decision == "allow":
            return d
    for d in (identity, resource):
        if d.decision == "unknown":
            return d
    return identity


def allows_everything(policy: Policy) -> bool:
    """The default endpoint policy: Allow, Principal *, Action *, Resource *, no condition,
    and no Deny anywhere. Such a policy cannot change any answer, whatever the request."""
    if policy.error:
        return False
    if any(st.effect == "Deny" for st in policy.statements):
        return False
    return any(
        st.effect == "Allow"
        and st.actions is not None
        and "*" in st.actions
        and st.resources is not None
        and "*" in st.resources
        and not st.conditions
        and st.not_principals is None
        and (st.principals is None or "*" in st.principals or "*" in st.principals.get("AWS", ()))
        for st in policy.statements
    )
