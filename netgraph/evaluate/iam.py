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

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from netgraph.model import Policy, Statement

Decision = Literal["allow", "deny", "implicit-deny", "unknown"]


# ---- matching ----------------------------------------------------------------------------

LITERAL = "\x00"  # before * or ? in a pattern: the character itself, not a wildcard


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts: list[str] = []
    literal = False
    for c in pattern:
        if c == LITERAL:  # the next * or ? is the character itself (a policy variable's)
            literal = True
            continue
        parts.append(
            re.escape(c) if literal else ".*" if c == "*" else "." if c == "?" else re.escape(c)
        )
        literal = False
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """``*`` matches any run of characters (none included), ``?`` exactly one."""
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    return wildcard_match(pattern, action, ignore_case=True)


@lru_cache(maxsize=4096)
def _arn_pattern(pattern: str) -> re.Pattern[str]:
    # AWS (IAM JSON policy elements: Resource): wildcards match within a colon-separated
    # segment; a `*` that ends a segment may match beyond its colons (so `arn:aws:s3:::b/*`
    # and `log-group:/ecs/web:*`, and a pattern of fewer than six segments ending in `*`,
    # reach into the rest of the ARN).
    out: list[str] = []
    for segment in pattern.split(":"):
        part = []
        literal = False
        for i, c in enumerate(segment):
            if c == LITERAL:  # the next * or ? is the character itself (a policy variable's)
                literal = True
                continue
            if c == "*" and not literal:
                part.append(".*" if i == len(segment) - 1 else "[^:]*")
            elif c == "?" and not literal:
                part.append("[^:]")
            else:
                part.append(re.escape(c))
            literal = False
        out.append("".join(part))
    return re.compile(":".join(out), re.DOTALL)


def arn_matches(pattern: str, arn: str) -> bool:
    if pattern == "*":
        return True
    return _arn_pattern(pattern).fullmatch(arn) is not None


# ---- requests ----------------------------------------------------------------------------

ABSENT = None  # a context value meaning "the request carries no such key"


@dataclass(frozen=True)
class Principal:
    """Who asks: an IAM role (``arn``) or an AWS service (``service``). A role's requests
    come from a session of it (``arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION``) whose
    session name netgraph does not know."""

    arn: str | None = None
    account: str | None = None
    service: str | None = None
    boundary: bool = False  # the role has a permissions boundary


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


Grant = Literal["direct", "session", "account"]


def _session_of(p: str, role_arn: str | None) -> bool:
    """Does a principal ARN name a session of the role (assumed-role/NAME/SESSION)?"""
    if role_arn is None or ":assumed-role/" not in p:
        return False
    head, _, name = role_arn.partition(":role/")
    role_name = name.rsplit("/", 1)[-1]
    parts = p.split(":")
    return (
        len(parts) == 6
        and parts[4] == head.split(":")[4]
        and parts[5].startswith(f"assumed-role/{role_name}/")
    )


def _principal_matches(
    spec: Mapping[str, tuple[str, ...]], who: Principal
) -> tuple[Truth, Grant | None]:
    """Does the Principal element name the caller, and how: the caller itself (its role ARN,
    or everyone), a session of the role, or only its account (which delegates the decision
    to the account's IAM policies: AWS, "Policy evaluation logic", same-account requests)."""
    if "*" in spec or "*" in spec.get("AWS", ()):
        return "yes", "direct"
    if who.service is not None:
        return ("yes", "direct") if who.service in spec.get("Service", ()) else ("no", None)
    results: list[tuple[Truth, Grant | None]] = []
    for p in spec.get("AWS", ()):
        account = p if re.fullmatch(r"\d{12}", p) else None
        if p.endswith(":root"):
            account = p.split(":")[4]
        if account is not None:
            truth: Truth = (
                "unknown" if who.account is None else "yes" if who.account == account else "no"
            )
            results.append((truth, "account"))
        elif who.arn is not None and p == who.arn:
            results.append(("yes", "direct"))
        elif _session_of(p, who.arn):
            # One session of the role, by a name netgraph does not know.
            results.append(("unknown", "session"))
        elif who.arn is not None:
            results.append(("no", None))
        else:
            results.append(("unknown", None))
    want: Truth
    how: Grant | None
    for want in ("yes", "unknown"):
        # The strongest grant first: the caller itself, then a session, then its account.
        for how in ("direct", "session", "account", None):
            if (want, how) in results:
                return want, how
    return "no", None


def _number(text: str) -> tuple[float, ...] | None:
    try:
        return (float(text),)
    except ValueError:
        return None


def _date(text: str) -> tuple[float, ...] | None:
    """The instants ``text`` may mean: IAM takes "one of the W3C implementations of the ISO
    8601 date formats" (a year, a month, a day, a time with its zone) or epoch seconds. A
    bare year reads both ways ("2020": the year, or 2,020 seconds after 1970), so it gives
    both and a comparison is certain only where both agree."""
    found: list[float] = []
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        found.append(float(text))
    short = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text)
    if short:
        if int(short.group(1)) < 1:
            return None  # year 0: no year datetime holds, so that reading is not known
        month = int(short.group(2) or 1)
        if 1 <= month <= 12:
            found.append(datetime(int(short.group(1)), month, 1, tzinfo=UTC).timestamp())
        return tuple(found) or None
    if found:
        return tuple(found)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when.timestamp(),)


Matcher = Callable[[str, str], Truth]


def _compare(
    parse: Callable[[str], tuple[float, ...] | None], op: Callable[[float, float], bool]
) -> Matcher:
    def test(pattern: str, value: str) -> Truth:
        ps, vs = parse(pattern), parse(value)
        if ps is None or vs is None:
            # A value netgraph cannot read as a number or date: "no" would drop a Deny that
            # AWS may apply (a wrong "allowed"), so the answer is open.
            return "unknown"
        answers = {op(v, p) for v in vs for p in ps}
        if len(answers) > 1:
            return "unknown"  # the readings of a value disagree
        return "yes" if answers.pop() else "no"

    return test


def _in_network(pattern: str, value: str) -> Truth:
    """IpAddress: is the request's address inside the policy's CIDR? The value may be a
    network (a task's subnet, when its exact address is not known): all of it inside is
    "yes", none of it "no", part of it "unknown"."""
    try:
        want = ipaddress.ip_network(pattern, strict=False)
        got = ipaddress.ip_network(value, strict=False)
    except ValueError:
        # Not an address or CIDR netgraph can read: open, as for numbers and dates.
        return "unknown"
    if want.version != got.version:
        return "no"
    if got.subnet_of(want):  # type: ignore[arg-type]
        return "yes"
    if want.subnet_of(got):  # type: ignore[arg-type]
        return "unknown"
    return "no"


def _plain(test: Callable[[str, str], bool]) -> Matcher:
    return lambda p, v: "yes" if test(p, v) else "no"


# AWS, "IAM JSON policy elements: Condition operators". ArnEquals and ArnLike behave alike:
# each of the six segments is compared, wildcards allowed.
_OPERATORS: dict[str, Matcher] = {
    "stringequals": _plain(lambda p, v: p == v),
    "stringequalsignorecase": _plain(lambda p, v: p.lower() == v.lower()),
    "stringlike": _plain(lambda p, v: wildcard_match(p, v)),
    "arnequals": _plain(arn_matches),
    "arnlike": _plain(arn_matches),
    "bool": _plain(lambda p, v: p.lower() == v.lower()),
    "binaryequals": _plain(lambda p, v: p == v),
    "numericequals": _compare(_number, lambda v, p: v == p),
    "numericlessthan": _compare(_number, lambda v, p: v < p),
    "numericlessthanequals": _compare(_number, lambda v, p: v <= p),
    "numericgreaterthan": _compare(_number, lambda v, p: v > p),
    "numericgreaterthanequals": _compare(_number, lambda v, p: v >= p),
    "dateequals": _compare(_date, lambda v, p: v == p),
    "datelessthan": _compare(_date, lambda v, p: v < p),
    "datelessthanequals": _compare(_date, lambda v, p: v <= p),
    "dategreaterthan": _compare(_date, lambda v, p: v > p),
    "dategreaterthanequals": _compare(_date, lambda v, p: v >= p),
    "ipaddress": _in_network,
}
_NEGATED = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
    "numericnotequals": "numericequals",
    "datenotequals": "dateequals",
    "notipaddress": "ipaddress",
}
# Operators whose values take policy variables (AWS: the string and ARN operators).
_TAKE_VARIABLES = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
)


@dataclass(frozen=True)
class ConditionResult:
    truth: Truth
    unknown_keys: tuple[str, ...] = ()
    grant: Grant | None = None  # how a Principal element named the caller


# ---- policy variables -----------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


def substitute(
    text: str, context: Mapping[str, tuple[str, ...] | None], *, wildcards: bool
) -> tuple[str | None, tuple[str, ...]]:
    """``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}`` and the escapes ``${*}``,
    ``${?}``, ``${$}`` replaced (AWS, "IAM policy elements: Variables and tags"). Where the
    text is a wildcard pattern, what a variable or an escape puts in matches only itself.
    Returns (text, unknown keys); text None: a key the request does not carry and no
    default, so the element matches nothing."""
    unknown: list[str] = []
    absent = False

    def literal(value: str) -> str:
        return "".join(LITERAL + c if c in "*?" else c for c in value) if wildcards else value

    def one(m: re.Match[str]) -> str:
        nonlocal absent
        inner = m.group(1).strip()
        if inner in _ESCAPES:
            return literal(_ESCAPES[inner])
        key, _, default = inner.partition(",")
        key, default = key.strip(), default.strip()
        if key.lower() not in context:
            unknown.append(key)
            return ""
        value = context[key.lower()]
        if value is None or len(value) != 1:
            if len(default) >= 2 and default[0] == default[-1] == "'":
                return literal(default[1:-1])
            absent = True
            return ""
        return literal(value[0])

    out = _VARIABLE.sub(one, text)
    if unknown:
        return out, tuple(unknown)
    return (None if absent else out), ()


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
    if op != "null" and op not in _OPERATORS and op not in _NEGATED:
        return ConditionResult("unknown", (f"{key} (operator {operator})",))
    lkey = key.lower()
    if lkey not in context:
        return ConditionResult("unknown", (key,))
    actual = context[lkey]
    if op == "null":
        want_absent = values[0].lower() == "true" if values else True
        return ConditionResult("yes" if (actual is None) == want_absent else "no")
    negated = op in _NEGATED
    base = _NEGATED.get(op, op)
    test = _OPERATORS[base]
    if actual is None:
        # AWS: a key the request does not carry fails a positive operator and satisfies a
        # negated one; ...IfExists holds; ForAllValues holds (vacuously), ForAnyValue fails.
        if if_exists or qualifier == "forallvalues":
            return ConditionResult("yes")
        return ConditionResult("yes" if negated and qualifier != "foranyvalue" else "no")
    patterns: list[str] = []
    for v in values:
        if base in _TAKE_VARIABLES and "${" in v:
            text, missing = substitute(
                v, context, wildcards=base in ("stringlike", "arnequals", "arnlike")
            )
            if missing:
                return ConditionResult("unknown", missing)
            if text is not None:
                patterns.append(text)
        else:
            patterns.append(v)

    def one(v: str) -> Truth:
        hit = _any(test(p, v) for p in patterns)
        return _not(hit) if negated else hit

    if qualifier == "forallvalues":
        return ConditionResult(_all(one(v) for v in actual))
    return ConditionResult(_any(one(v) for v in actual))


# ---- evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyDecision:
    decision: Decision
    statement: Statement | None  # the statement that decided (deny or allow), if any
    reason: str
    unknown_keys: tuple[str, ...] = ()
    # An Allow of a resource policy: how it names the caller ("account" only delegates).
    grant: Grant | None = None
    # Unknown because a Deny may apply: no Allow elsewhere can decide it.
    maybe_deny: bool = False


def _resources(
    patterns: Sequence[str], context: Mapping[str, tuple[str, ...] | None]
) -> tuple[list[str], tuple[str, ...]]:
    """Resource ARNs with their policy variables replaced; the keys netgraph cannot know."""
    out: list[str] = []
    unknown: list[str] = []
    for p in patterns:
        if "${" not in p:
            out.append(p)
            continue
        text, missing = substitute(p, context, wildcards=True)
        unknown.extend(missing)
        if text is not None:
            out.append(text)
    return out, tuple(unknown)


def statement_applies(st: Statement, request: Request) -> ConditionResult:
    """Does the statement apply to the request (action, resource, principal, condition)?"""
    if st.actions is not None:
        action: Truth = _match_list(st.actions, request.action, action_matches)
    else:
        action = _not(_match_list(st.not_actions or (), request.action, action_matches))
    variables: tuple[str, ...] = ()
    if st.resources is not None:
        patterns, variables = _resources(st.resources, request.context)
        resource = "unknown" if variables else _match_list(patterns, request.resource, arn_matches)
    elif st.not_resources is not None:
        patterns, variables = _resources(st.not_resources, request.context)
        resource = (
            "unknown" if variables else _not(_match_list(patterns, request.resource, arn_matches))
        )
    else:
        resource = "yes"  # resource policies: the resource is the one the policy is on
    principal: Truth = "yes"
    grant: Grant | None = None
    if st.principals is not None:
        principal, grant = _principal_matches(st.principals, request.principal)
    elif st.not_principals is not None:
        if st.effect == "Deny" and request.principal.boundary:
            # AWS (Permissions boundaries): a Deny with NotPrincipal always denies a
            # principal that has a permissions boundary, whatever NotPrincipal names.
            principal = "yes"
        else:
            principal = _not(_principal_matches(st.not_principals, request.principal)[0])
        grant = "direct"
    head = _all([action, resource, principal])
    if head == "no":
        return ConditionResult("no")
    results = [evaluate_condition(op, k, v, request.context) for op, k, v in st.conditions]
    truth = _all([head, *(r.truth for r in results)])
    unknown = variables + tuple(k for r in results for k in r.unknown_keys)
    if head == "unknown" and not unknown:
        unknown = ("the resource" if resource == "unknown" else "the principal",)
    return ConditionResult(truth, unknown, grant)


def evaluate(policies: Sequence[Policy], request: Request) -> PolicyDecision:
    """The decision of a set of policies of one kind (identity, boundary, resource...)."""
    maybe_deny: list[tuple[Statement, ConditionResult]] = []
    allows: list[tuple[Statement, ConditionResult]] = []
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
                allows.append((st, applies))
            else:
                maybe_allow.append((st, applies))
    if maybe_deny:
        return replace(_undecided(maybe_deny[0], f"denies {request.describe()}"), maybe_deny=True)
    if allows:
        # The Allow that names the caller most directly (a resource policy's grant to the
        # role itself beats one to its account, which only delegates to IAM).
        order = {"direct": 0, "session": 1, "account": 2, None: 0}
        allow, applies = min(allows, key=lambda a: order[a[1].grant])
        return PolicyDecision(
            "allow",
            allow,
            f"{request.describe()} is allowed by {allow.label}",
            grant=applies.grant,
        )
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


def combine_any(
    identity: PolicyDecision,
    resource: PolicyDecision,
    boundary: PolicyDecision | None = None,
) -> PolicyDecision:
    """Same account (AWS, "Policy evaluation logic"): an explicit Deny in either wins; an
    answer left open by a Deny that may apply stays open (no Allow decides it); then an
    Allow in the identity policies (already within the boundary) or a resource-policy Allow
    that names the caller suffices. A resource policy that names only the account
    delegates to IAM and grants nothing itself; one that names the role's ARN is still
    limited by the role's permissions boundary (``boundary``: its decision), one that names
    a session of the role is not."""
    for d in (identity, resource):
        if d.decision == "deny":
            return d
    for d in (identity, resource):
        if d.maybe_deny:
            return d
    if identity.decision == "allow":
        return identity
    if resource.decision == "allow" and resource.grant != "account":
        if resource.grant == "direct" and boundary is not None and boundary.decision != "allow":
            return boundary
        return resource
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
