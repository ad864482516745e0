"""Live AWS -> snapshot: the same JSON a user makes with the AWS CLI, collected with boto3.

Read-only by an exact list: every client carries a botocore hook that refuses, before its
parameters are even built, any operation that netgraph/data/collector-policy.json does not
allow. Paginated everywhere; botocore's adaptive retry mode absorbs throttling, within a
small budget of attempts and bounded connect and read timeouts. A call that fails is
recorded in ``CollectionErrors`` and the keys it would fill stay absent, so the checks that
need them say ``unknown`` and name the missing permission; collection goes on. An endpoint
that cannot be reached at all is a ``CollectError``: one line, no snapshot.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import boto3
import botocore.exceptions
from botocore import xform_name
from botocore.config import Config

from netgraph.sources.collect_ec2 import collect_ec2
from netgraph.sources.collect_ecr import collect_ecr
from netgraph.sources.collect_ecs import collect_ecs
from netgraph.sources.collect_iam import collect_iam
from netgraph.sources.collect_organizations import collect_organizations
from netgraph.sources.collect_route53 import collect_route53
from netgraph.sources.collect_secrets import collect_secrets
from netgraph.sources.collect_transit import collect_transit

CONNECT_TIMEOUT = 10.0  # seconds
READ_TIMEOUT = 30.0
# Attempts per call, the first included. botocore's default (legacy mode, 10 retries of 60 s
# timeouts) kept a silent endpoint waiting 11 minutes per call.
MAX_ATTEMPTS = 3

_IAM_PREFIX = {"sts": "sts", "iam": "iam", "ec2": "ec2", "ecs": "ecs", "ecr": "ecr"}


def _allowed_operations() -> frozenset[str]:
    # The shipped least-privilege policy is the one list: what users grant is exactly what
    # the guard lets through.
    text = resources.files("netgraph").joinpath("data/collector-policy.json").read_text("utf-8")
    allowed: set[str] = set()
    for statement in json.loads(text)["Statement"]:
        if statement.get("Effect") != "Allow":
            continue
        actions = statement["Action"]
        allowed.update([actions] if isinstance(actions, str) else actions)
    return frozenset(allowed)


# Every operation the collector may call, as "service:Operation".
OPERATIONS = _allowed_operations()


class CollectError(Exception):
    """Collection cannot start or go on (no credentials, unknown region, an endpoint that
    cannot be reached): one line, exit code 2, no snapshot."""


class ReadOnlyViolation(RuntimeError):
    """An operation off the allowed list was about to be sent. Never caught: a bug in netgraph."""


@dataclass
class Collector:
    """Collect a snapshot. ``progress`` gets one line per call (stderr in the CLI)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    progress: Callable[[str], None] = lambda line: None
    session: Any = None
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    # Plaintext container environment values are often secrets; by default only their names
    # are kept (the checks read neither).
    keep_environment: bool = False
    called: set[str] = field(default_factory=set)  # "service:Operation" actually sent
    _clients: dict[str, Any] = field(default_factory=dict)
    _answered: set[str] = field(default_factory=set)  # services whose endpoint answered once
    _phase: tuple[int, int] = (0, 7)  # ECS, EC2, IAM, ECR...: what the progress bar shows

    # ---- plumbing -------------------------------------------------------------------

    def _session(self) -> Any:
        if self.session is None:
            try:
                self.session = boto3.Session(profile_name=self.profile, region_name=self.region)
            except botocore.exceptions.ProfileNotFound as exc:
                raise CollectError(str(exc)) from None
        return self.session

    def resolved_region(self) -> str:
        region = self.region or self._session().region_name
        if not region:
            raise CollectError("no AWS region: pass --region or set AWS_REGION")
        if self.endpoint_url is None:
            known = set()
            for partition in ("aws", "aws-cn", "aws-us-gov"):
                known.update(self._session().get_available_regions("ec2", partition))
            if known and region not in known:
                raise CollectError(f"unknown AWS region '{region}'")
        return region

    def client(self, service: str) -> Any:
        if service not in self._clients:
            config = Config(
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS},
                user_agent_extra="netgraph-collect",
            )
            client = self._session().client(
                service,
                region_name=self.resolved_region(),
                endpoint_url=self.endpoint_url,
                config=config,
            )
            guard_read_only(client, self.called)
            self._clients[service] = client
        return self._clients[service]

    def call(
        self,
        service: str,
        operation: str,
        errors: list[dict[str, str]],
        *,
        quiet: bool = False,
        absent: str | None = None,
        **params: Any,
    ) -> dict[str, Any] | None:
        """One call (all pages); None, with the error recorded, if it fails. ``absent``: the
        error code that means "there is none" (an empty answer, not a failure). ``quiet``: no
        progress line (the first call, so that an unreachable endpoint is one line only)."""
        name = f"{service}:{operation}"
        if not quiet:
            done, total = self._phase
            bar = "#" * done + "." * (total - done)
            self.progress(f"[{bar}] {done}/{total} collecting {name}")
        client = self.client(service)
        method = xform_name(operation)
        try:
            if client.can_paginate(method):
                result = _merge_pages(client.get_paginator(method).paginate(**params))
            else:
                result = getattr(client, method)(**params)
        except botocore.exceptions.NoCredentialsError:
            raise CollectError(
                "no AWS credentials: configure a profile (--profile) or set "
                "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
            ) from None
        except botocore.exceptions.ClientError as exc:
            self._answered.add(service)
            code = exc.response.get("Error", {}).get("Code", "Error")
            if code == absent:
                return {}
            errors.append({"Call": name, "Error": code})
            self.progress(f"  {name} failed: {code}")
            return None
        except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError) as exc:
            if service not in self._answered:
                # Nothing of this endpoint can be collected: every call would wait out its
                # attempts and the snapshot would be empty yet look collected.
                raise CollectError(
                    f"{name}: {_one_line(exc)} ({MAX_ATTEMPTS} attempts); check the endpoint "
                    "(--endpoint-url, --region), the network and any proxy, or raise "
                    "--connect-timeout / --read-timeout"
                ) from None
            errors.append({"Call": name, "Error": type(exc).__name__})
            self.progress(f"  {name} failed: {_one_line(exc)}")
            return None
        except botocore.exceptions.BotoCoreError as exc:
            errors.append({"Call": name, "Error": type(exc).__name__})
            self.progress(f"  {name} failed: {_one_line(exc)}")
            return None
        self._answered.add(service)
        result.pop("ResponseMetadata", None)
        return dict(result)

    def lacks(self, errors: list[dict[str, str]], call: str, what: str) -> None:
        """A reply without a field netgraph reads (AWS always sends it; a stand-in behind
        --endpoint-url may not): recorded like a failed call, so what it fills is unknown."""
        errors.append({"Call": call, "Error": f"reply without {what}"})
        self.progress(f"  {call}: the reply has no {what}")

    # ---- the snapshot: each service's part in its own module (collect_*.py) -------------

    def collect(
        self,
        vpc_ids: Sequence[str] = (),
        clusters: Sequence[str] = (),
        services: Sequence[str] = (),
    ) -> dict[str, Any]:
        region = self.resolved_region()
        errors: list[dict[str, str]] = []
        snap: dict[str, Any] = {
            "SnapshotVersion": 1,
            "Region": region,
            "CollectedAt": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        self._phase = (0, 7)
        ident = self.call("sts", "GetCallerIdentity", errors, quiet=True)
        if ident and ident.get("Account"):
            snap["AccountId"] = ident["Account"]

        self._phase = (1, 7)
        ecs = collect_ecs(self, clusters, services, errors)
        snap.update(ecs)
        # Without --vpc, the VPCs of the services checked (else every VPC of the region).
        vpcs = list(vpc_ids)
        self._phase = (2, 7)
        collect_ec2(self, snap, vpcs, errors)
        self._phase = (3, 7)
        collect_transit(self, snap, errors)
        self._phase = (4, 7)
        collect_route53(self, snap, region, errors)
        self._phase = (5, 7)
        collect_iam(self, snap, errors)
        collect_organizations(self, snap, errors)
        self._phase = (6, 7)
        collect_ecr(self, snap, region, errors)
        collect_secrets(self, snap, errors)
        snap["CollectionErrors"] = errors
        return snap


def guard_read_only(client: Any, called: set[str] | None = None) -> None:
    """Refuse any operation not on the allowed list (``OPERATIONS``), before its parameters
    are built: nothing of it is validated, signed or sent."""
    service_id = client.meta.service_model.service_id.hyphenize()
    service = client.meta.service_model.service_name
    prefix = _IAM_PREFIX.get(service, service)

    def refuse(model: Any, **_: Any) -> None:
        if f"{prefix}:{model.name}" not in OPERATIONS:
            raise ReadOnlyViolation(
                f"netgraph reads AWS through an exact list of operations: refused "
                f"{prefix}:{model.name} before sending it (allowed: "
                "netgraph/data/collector-policy.json)"
            )

    def record(model: Any, **_: Any) -> None:
        refuse(model)  # again, in case a handler registered later changed the operation
        if called is not None:
            called.add(f"{prefix}:{model.name}")

    client.meta.events.register_first(f"provide-client-params.{service_id}", refuse)
    client.meta.events.register_first(f"before-call.{service_id}", record)


def write_snapshot(path: str, data: dict[str, Any]) -> None:
    """Write the snapshot readable by its owner only: it describes the account's network and
    roles. Created with mode 0600, never world-readable even for a moment; a file that was
    there keeps its inode but loses other readers before a byte is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, 0o600)
        out.write(json.dumps(data, indent=1, default=str) + "\n")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _merge_pages(pages: Iterable[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for page in pages:
        for key, value in page.items():
            if key in ("ResponseMetadata", "NextToken", "nextToken", "Marker", "IsTruncated"):
                continue
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            elif key == "AdditionalRoutesAvailable":
                merged[key] = value  # the last page's: every earlier page said "more"
            else:
                merged.setdefault(key, value)
    return merged


def stderr_progress() -> Callable[[str], None]:
    """A one-line progress display on a terminal; plain lines otherwise."""
    if sys.stderr.isatty():

        def show(line: str) -> None:
            sys.stderr.write("\r\033[K" + line[:100])
            sys.stderr.flush()

        return show

    def plain(line: str) -> None:
        print(line, file=sys.stderr)

    return plain
