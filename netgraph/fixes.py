"""One fix per cause: the blocked and denied checks of a run, grouped by what must change.

Between ``reach`` (the traces) and ``render`` (text, JSON). A hop that blocks several targets,
or the same targets from several subnets, is mended once: the interface endpoints a private
subnet lacks are one fix listing them all (one ``aws ec2 create-vpc-endpoint`` each); a NACL,
a security group, a role is one fix for every check it blocks. Each fix names the resource to
change (``cause``), the AWS CLI commands where one exists, and the checks it resolves (their
indexes in the run's list of checks).

The fixes are read from the hops' own fixes (``findings.py`` and the rules that word them):
a fix is never invented for a check that is not blocked or denied, and an ``unknown`` check
gets none (absent data stays unknown).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from netgraph.hop import Hop
from netgraph.model import Snapshot
from netgraph.reach import Trace

FAILING = frozenset({"blocked", "denied"})

# The fixes the hops word (evaluate/public.py, network_acls.py, security_groups.py,
# permissions.py), read back into what a command needs.
_CREATE_ENDPOINT = re.compile(
    r"^create an interface endpoint com\.amazonaws\.(?P<region>[a-z0-9-]+)\.(?P<service>\S+) "
    r"in (?P<vpc>vpc-\S+) with private DNS, or route 0\.0\.0\.0/0 in (?P<table>rtb-\S+) "
    r"to a NAT gateway$"
)
_PRIVATE_DNS = re.compile(r"^enable private DNS on (?P<endpoint>vpce-[\w-]+) \(")
_DNS_HOSTNAMES = re.compile(
    r"^enable enableDnsHostnames on (?P<vpc>vpc-[\w-]+) so that the private DNS of "
    r"(?P<endpoint>vpce-[\w-]+) applies$"
)
_NACL = re.compile(
    r"^add an (?P<direction>inbound|outbound) rule to (?P<acl>acl-[\w-]+) allowing "
    r"(?P<proto>TCP|UDP) (?P<low>\d+)(?:-(?P<high>\d+))? (?:from|to) (?P<peer>\S+)"
    r"(?P<rest>.*)$"
)
_SG = re.compile(
    r"^add an (?P<direction>inbound|outbound) rule to (?P<group>sg-[\w-]+) allowing "
    r"(?P<proto>TCP|UDP) (?P<low>\d+)(?:-(?P<high>\d+))? (?:from|to) (?P<peer>\S+)"
)
_ATTACH = re.compile(r"^attach (?P<policy>arn:\S+) to (?P<role>\S+)$")
_STATEMENT = re.compile(r"^add to a policy of (?P<role>\S+) the statement (?P<statement>\{.*\})$")
_COMMAND = re.compile(r"\((?P<command>aws \S+ [^()]*)\)")
_BELOW = re.compile(r"with a rule number below (?P<number>\d+)")


@dataclass(frozen=True)
class Fix:
    """One change that resolves every check in ``resolves`` (indexes in the run's checks)."""

    id: str  # fix-1, fix-2, … in the order of the first check each resolves
    cause: str  # the AWS id of the resource to change
    text: str
    commands: tuple[str, ...]
    resolves: tuple[int, ...]

    def record(self) -> dict[str, Any]:
        """The JSON of the contract's top-level ``fixes`` list."""
        return {
            "id": self.id,
            "cause": self.cause,
            "fix": self.text,
            "commands": list(self.commands),
            "resolves": list(self.resolves),
        }


@dataclass
class _Group:
    cause: str
    parts: dict[str, None] = field(default_factory=dict)  # the hops' fixes, in order
    indexes: list[int] = field(default_factory=list)
    # The missing endpoints of a VPC: service suffix -> None, the route tables, the subnets
    # and security groups of the sources.
    services: dict[str, None] = field(default_factory=dict)
    tables: dict[str, None] = field(default_factory=dict)
    subnets: dict[str, None] = field(default_factory=dict)
    groups: dict[str, None] = field(default_factory=dict)
    region: str = ""


def cause_of(trace: Trace) -> Hop | None:
    """The hop to change when it is not the hop that drops the packet: with private DNS off
    on an endpoint, the name resolves to the public service and the route table drops it,
    but the fix is the endpoint's."""
    if trace.blocked_at is None or not trace.fix or not trace.fix.startswith("enable "):
        return None
    private_dns = _PRIVATE_DNS.match(trace.fix)
    hostnames = _DNS_HOSTNAMES.match(trace.fix)
    if private_dns is not None:
        wanted = private_dns.group("endpoint")
    elif hostnames is not None:
        wanted = hostnames.group("vpc")
    else:
        return None
    for hop in trace.hops:
        if hop.id == wanted and hop is not trace.blocked_at:
            return hop
    for hop in trace.hops:  # the DNS answer that named the endpoint
        if hop.kind == "dns" and wanted in hop.reason:
            return Hop(wanted, hop.kind, hop.status, hop.reason)
    return None


def fixes(snapshot: Snapshot, traces: Sequence[Trace]) -> list[Fix]:
    """The fixes of ``traces``, one per cause, in the order of the first check each
    resolves."""
    groups: dict[tuple[str, str], _Group] = {}
    endpoint_fix: dict[str, re.Match[str] | None] = {}
    for i, t in enumerate(traces):
        if t.verdict not in FAILING or not t.fix or t.blocked_at is None:
            continue
        if t.fix not in endpoint_fix:
            endpoint_fix[t.fix] = _CREATE_ENDPOINT.match(t.fix)
        m = endpoint_fix[t.fix]
        if m is not None:
            vpc = m.group("vpc")
            g = groups.setdefault(("endpoints", vpc), _Group(vpc, region=m.group("region")))
            g.services[m.group("service")] = None
            g.tables[m.group("table")] = None
            g.subnets[t.source.subnet_id] = None
            for sg in t.source.security_group_ids:
                g.groups[sg] = None
            g.indexes.append(i)
            continue
        cause = cause_of(t)
        cause_id = cause.id if cause is not None else t.blocked_at.id
        g = groups.setdefault(("hop", cause_id), _Group(cause_id))
        g.parts[t.fix] = None
        g.indexes.append(i)
    out: list[Fix] = []
    ordered = sorted(groups.items(), key=lambda kv: kv[1].indexes[0])
    for n, ((kind, _), g) in enumerate(ordered, 1):
        if kind == "endpoints":
            text, commands = _endpoints(snapshot, g)
        else:
            text = "; and ".join(g.parts)
            commands = _commands(snapshot, list(g.parts))
        out.append(Fix(f"fix-{n}", g.cause, text, tuple(commands), tuple(g.indexes)))
    return out


def _and(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _one_per_zone(snapshot: Snapshot, subnets: Sequence[str]) -> list[str]:
    """An interface endpoint takes one subnet per Availability Zone: the first of each zone
    (a subnet whose zone is not in the snapshot is kept: it cannot be told apart)."""
    out: list[str] = []
    zones: set[str] = set()
    for subnet_id in subnets:
        subnet = (snapshot.subnets or {}).get(subnet_id)
        zone = subnet.availability_zone if subnet is not None else None
        if zone is not None and zone in zones:
            continue
        if zone is not None:
            zones.add(zone)
        out.append(subnet_id)
    return out


def _endpoints(snapshot: Snapshot, g: _Group) -> tuple[str, list[str]]:
    """The interface endpoints a VPC lacks, as one fix: in the subnets its endpoints already
    use (else the tasks'), with the security group they already use (else the tasks')."""
    vpc = g.cause
    existing = [
        e
        for e in (snapshot.vpc_endpoints or {}).values()
        if e.vpc_id == vpc and e.endpoint_type == "Interface" and e.state.lower() == "available"
    ]
    subnets = _one_per_zone(
        snapshot, list(dict.fromkeys(s for e in existing for s in e.subnet_ids)) or list(g.subnets)
    )
    existing_groups = [sg for e in existing for sg in (e.group_ids or ())]
    groups = list(dict.fromkeys(existing_groups))[:1] or list(g.groups)[:1]
    gateway = [s for s in g.services if s == "s3"]
    interface = [s for s in g.services if s != "s3"]
    tables = list(g.tables)
    said: list[str] = []
    commands: list[str] = []
    if interface:
        noun = "an interface endpoint" if len(interface) == 1 else "interface endpoints"
        guard = ""
        if groups:
            guard = f"; security group {', '.join(groups)}"
            if not existing_groups:
                guard += ", which must admit TCP 443 from the tasks"
        where = f"subnets {', '.join(subnets)}{guard}; private DNS on"
        said.append(f"{noun} {_and(interface)} in {vpc} ({where})")
        for service in interface:
            commands.append(
                " ".join(
                    [
                        "aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface",
                        f"--vpc-id {vpc}",
                        f"--service-name com.amazonaws.{g.region}.{service}",
                        f"--subnet-ids {' '.join(subnets)}",
                        *([f"--security-group-ids {' '.join(groups)}"] if groups else []),
                        "--private-dns-enabled",
                    ]
                )
            )
    if gateway:
        said.append(f"a gateway endpoint s3 in {vpc} (route tables {', '.join(tables)})")
        commands.append(
            f"aws ec2 create-vpc-endpoint --vpc-endpoint-type Gateway --vpc-id {vpc} "
            f"--service-name com.amazonaws.{g.region}.s3 --route-table-ids {' '.join(tables)}"
        )
    text = f"create {' and '.join(said)}"
    text += f", or route 0.0.0.0/0 in {', '.join(tables)} to a NAT gateway"
    return text, commands


def _commands(snapshot: Snapshot, parts: Sequence[str]) -> list[str]:
    """The AWS CLI commands of the hops' fixes, where one exists."""
    out: list[str] = []
    taken: dict[tuple[str, bool], set[int]] = {}
    for part in parts:
        for piece in part.split("; and "):
            out.extend(_command(snapshot, piece, taken))
    return list(dict.fromkeys(out))


def _command(snapshot: Snapshot, fix: str, taken: dict[tuple[str, bool], set[int]]) -> list[str]:
    if fix.startswith("aws "):
        return [fix]
    m = _ATTACH.match(fix)
    if m is not None:
        return [
            f"aws iam attach-role-policy --role-name {m.group('role')} "
            f"--policy-arn {m.group('policy')}"
        ]
    m = _STATEMENT.match(fix)
    if m is not None:
        try:
            statement = json.loads(m.group("statement"))
        except ValueError:
            return []
        document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        return [
            f"aws iam put-role-policy --role-name {m.group('role')} --policy-name "
            f"netgraph-execution-role-grants --policy-document {shlex.quote(document)}"
        ]
    m = _NACL.match(fix)
    if m is not None:
        return _nacl_command(snapshot, m, taken)
    m = _SG.match(fix)
    if m is not None:
        return _sg_command(m)
    m = _COMMAND.search(fix)
    if m is not None:
        return [m.group("command")]
    return []


def _nacl_command(
    snapshot: Snapshot, m: re.Match[str], taken: dict[tuple[str, bool], set[int]]
) -> list[str]:
    acl_id, egress = m.group("acl"), m.group("direction") == "outbound"
    acl = (snapshot.network_acls or {}).get(acl_id)
    peer = m.group("peer")
    if acl is None or "/" not in peer or peer.endswith(","):
        return []
    used = taken.setdefault((acl_id, egress), set())
    used.update(e.rule_number for e in acl.entries if e.egress == egress)
    below = _BELOW.search(m.group("rest"))
    if below is not None:
        # The highest free number below the rule that denies: evaluated before it.
        number = next(
            (n for n in range(int(below.group("number")) - 1, 0, -1) if n not in used), None
        )
    else:
        # The default rule (*) denies: any free number; the next ten above the others.
        top = max((n for n in used if n < 32767), default=0)
        number = next((n for n in range((top // 10 + 1) * 10, 32767) if n not in used), None)
    if number is None:
        return []
    used.add(number)
    low, high = m.group("low"), m.group("high") or m.group("low")
    return [
        f"aws ec2 create-network-acl-entry --network-acl-id {acl_id} "
        f"--{'egress' if egress else 'ingress'} --rule-number {number} "
        f"--protocol {m.group('proto').lower()} --port-range From={low},To={high} "
        f"--cidr-block {peer} --rule-action allow"
    ]


def _sg_command(m: re.Match[str]) -> list[str]:
    peer = m.group("peer")
    low, high = m.group("low"), m.group("high") or m.group("low")
    if peer.startswith("sg-"):
        to = f"UserIdGroupPairs=[{{GroupId={peer}}}]"
    elif peer.startswith("pl-"):
        to = f"PrefixListIds=[{{PrefixListId={peer}}}]"
    elif "/" in peer and ":" not in peer and not peer.endswith(","):
        to = f"IpRanges=[{{CidrIp={peer}}}]"
    else:
        return []
    verb = "ingress" if m.group("direction") == "inbound" else "egress"
    permission = f"IpProtocol={m.group('proto').lower()},FromPort={low},ToPort={high},{to}"
    return [
        f"aws ec2 authorize-security-group-{verb} --group-id {m.group('group')} "
        f"--ip-permissions {shlex.quote(permission)}"
    ]


__all__ = ["Fix", "cause_of", "fixes"]
