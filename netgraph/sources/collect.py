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

from netgraph.arns import repository_arn
from netgraph.kms_refs import aws_managed_alias, key_id_of
from netgraph.sources.collect_organizations import collect_organizations

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
    _phase: tuple[int, int] = (0, 5)  # ECS, EC2, IAM, ECR: what the progress bar shows

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

    def _lacks(self, errors: list[dict[str, str]], call: str, what: str) -> None:
        """A reply without a field netgraph reads (AWS always sends it; a stand-in behind
        --endpoint-url may not): recorded like a failed call, so what it fills is unknown."""
        errors.append({"Call": call, "Error": f"reply without {what}"})
        self.progress(f"  {call}: the reply has no {what}")

    def _private(self, item: dict[str, Any]) -> dict[str, Any]:
        """A task definition or a task without its containers' environment values (unless
        kept): in task definitions and in a task's container overrides."""
        if self.keep_environment:
            return item
        out = dict(item)
        if "containerDefinitions" in out:
            out["containerDefinitions"] = [_names_only(c) for c in out["containerDefinitions"]]
        overrides = out.get("overrides")
        if isinstance(overrides, dict) and "containerOverrides" in overrides:
            out["overrides"] = {
                **overrides,
                "containerOverrides": [_names_only(c) for c in overrides["containerOverrides"]],
            }
        return out

    # ---- the snapshot ----------------------------------------------------------------

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
        self._phase = (0, 5)
        ident = self.call("sts", "GetCallerIdentity", errors, quiet=True)
        if ident and ident.get("Account"):
            snap["AccountId"] = ident["Account"]

        self._phase = (1, 5)
        ecs = self._ecs(clusters, services, errors)
        snap.update(ecs)
        # Without --vpc, the VPCs of the services checked (else every VPC of the region).
        vpcs = list(vpc_ids)
        self._phase = (2, 5)
        self._ec2(snap, vpcs, errors)
        self._phase = (3, 5)
        self._iam(snap, errors)
        collect_organizations(self, snap, errors)
        self._phase = (4, 5)
        self._ecr(snap, region, errors)
        self._kms(snap, errors)
        snap["CollectionErrors"] = errors
        return snap

    def _ec2(self, snap: dict[str, Any], vpc_ids: list[str], errors: list[dict[str, str]]) -> None:
        if not vpc_ids and snap.get("services"):
            subnets = sorted(
                {
                    s
                    for svc in snap["services"]
                    for s in svc.get("networkConfiguration", {})
                    .get("awsvpcConfiguration", {})
                    .get("subnets", [])
                }
            )
            if subnets:
                found = self.call("ec2", "DescribeSubnets", errors, SubnetIds=subnets)
                listed = (found or {}).get("Subnets", [])
                vpc_ids = sorted({s["VpcId"] for s in listed if s.get("VpcId")})
                if any(not s.get("VpcId") for s in listed):
                    # Their VPCs unknown: every VPC of the region is collected instead.
                    vpc_ids = []
                    self._lacks(errors, "ec2:DescribeSubnets", "Subnets[].VpcId")
        by_vpc = [{"Name": "vpc-id", "Values": vpc_ids}] if vpc_ids else []

        def put(key: str, operation: str, **params: Any) -> list[Any] | None:
            result = self.call("ec2", operation, errors, **params)
            if result is None:
                return None
            snap[key] = result.get(key, [])
            return list(snap[key])

        vpcs = put("Vpcs", "DescribeVpcs", **({"VpcIds": vpc_ids} if vpc_ids else {})) or []
        attributes: list[dict[str, Any]] = []
        attrs_ok = True
        for vpc in vpcs:
            if not vpc.get("VpcId"):
                self._lacks(errors, "ec2:DescribeVpcs", "Vpcs[].VpcId")
                attrs_ok = False
                continue
            for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                got = self.call(
                    "ec2", "DescribeVpcAttribute", errors, VpcId=vpc["VpcId"], Attribute=attribute
                )
                if got is None:
                    attrs_ok = False
                    continue
                attributes.append(got)
        if attrs_ok:
            snap["VpcAttributes"] = attributes
        dhcp_ids = sorted(
            {
                v["DhcpOptionsId"]
                for v in vpcs
                if v.get("DhcpOptionsId") and v["DhcpOptionsId"] != "default"
            }
        )
        if dhcp_ids:
            put("DhcpOptions", "DescribeDhcpOptions", DhcpOptionsIds=dhcp_ids)
        else:
            snap["DhcpOptions"] = []
        put("Subnets", "DescribeSubnets", Filters=by_vpc)
        tables = put("RouteTables", "DescribeRouteTables", Filters=by_vpc) or []
        igw_filter = [{"Name": "attachment.vpc-id", "Values": vpc_ids}] if vpc_ids else []
        put("InternetGateways", "DescribeInternetGateways", Filters=igw_filter)
        put("EgressOnlyInternetGateways", "DescribeEgressOnlyInternetGateways")
        put("NatGateways", "DescribeNatGateways", **({"Filter": by_vpc} if by_vpc else {}))
        put("VpcEndpoints", "DescribeVpcEndpoints", Filters=by_vpc)
        groups = put("SecurityGroups", "DescribeSecurityGroups", Filters=by_vpc) or []
        put("NetworkAcls", "DescribeNetworkAcls", Filters=by_vpc)
        put("NetworkInterfaces", "DescribeNetworkInterfaces", Filters=by_vpc)
        put("Reservations", "DescribeInstances", Filters=by_vpc)
        put("PrefixLists", "DescribePrefixLists")
        managed = put("ManagedPrefixLists", "DescribeManagedPrefixLists") or []
        # Entries of the lists that routes and rules name and that are not AWS-managed.
        named = {
            r["DestinationPrefixListId"]
            for t in tables
            for r in t.get("Routes", [])
            if r.get("DestinationPrefixListId")
        }
        named |= {
            p["PrefixListId"]
            for g in groups
            for perm in g.get("IpPermissions", []) + g.get("IpPermissionsEgress", [])
            for p in perm.get("PrefixListIds", [])
            if p.get("PrefixListId")
        }
        aws_lists = {p.get("PrefixListId") for p in snap.get("PrefixLists", [])}
        entries: dict[str, Any] = {}
        for pl in sorted(named - aws_lists):
            if managed and not any(m.get("PrefixListId") == pl for m in managed):
                continue
            got = self.call("ec2", "GetManagedPrefixListEntries", errors, PrefixListId=pl)
            if got is not None:
                entries[pl] = got.get("Entries", [])
        snap["PrefixListEntries"] = entries

    def _ecs(
        self, clusters: Sequence[str], names: Sequence[str], errors: list[dict[str, str]]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        cluster_list = list(clusters)
        if not cluster_list:
            listed = self.call("ecs", "ListClusters", errors)
            if listed is None:
                return out
            cluster_list = listed.get("clusterArns", [])
        services: list[dict[str, Any]] = []
        tasks: list[dict[str, Any]] = []
        ok = True
        for cluster in cluster_list:
            arns = list(names)
            if not arns:
                listed = self.call("ecs", "ListServices", errors, cluster=cluster)
                if listed is None:
                    ok = False
                    continue
                arns = listed.get("serviceArns", [])
            for batch in _chunks(arns, 10):
                got = self.call("ecs", "DescribeServices", errors, cluster=cluster, services=batch)
                if got is None:
                    ok = False
                    continue
                services.extend(got.get("services", []))
            stopped = self.call(
                "ecs", "ListTasks", errors, cluster=cluster, desiredStatus="STOPPED"
            )
            for batch in _chunks((stopped or {}).get("taskArns", []), 100):
                got = self.call("ecs", "DescribeTasks", errors, cluster=cluster, tasks=batch)
                tasks.extend(self._private(t) for t in (got or {}).get("tasks", []))
        if ok:
            out["services"] = services
        out["tasks"] = tasks
        definitions: list[dict[str, Any]] = []
        defs_ok = True
        for ref in sorted({s["taskDefinition"] for s in services if s.get("taskDefinition")}):
            got = self.call("ecs", "DescribeTaskDefinition", errors, taskDefinition=ref)
            if got is None:
                defs_ok = False
                continue
            if not isinstance(got.get("taskDefinition"), dict):
                self._lacks(errors, "ecs:DescribeTaskDefinition", "taskDefinition")
                defs_ok = False
                continue
            definitions.append(self._private(got["taskDefinition"]))
        if defs_ok:
            out["taskDefinitions"] = definitions
        return out

    def _iam(self, snap: dict[str, Any], errors: list[dict[str, str]]) -> None:
        roles = sorted(
            {
                td["executionRoleArn"]
                for td in snap.get("taskDefinitions", [])
                if td.get("executionRoleArn")
            }
        )
        if not roles:
            return
        details = self.call(
            "iam", "GetAccountAuthorizationDetails", errors, Filter=["Role", "LocalManagedPolicy"]
        )
        if details is not None:
            snap["RoleDetailList"] = details.get("RoleDetailList", [])
            snap["Policies"] = details.get("Policies", [])
            return
        # Fall back to the per-role calls, which narrower credentials may allow.
        role_list: list[dict[str, Any]] = []
        policies: dict[str, dict[str, Any]] = {}
        for arn in roles:
            name = arn.rsplit("/", 1)[-1]
            got = self.call("iam", "GetRole", errors, RoleName=name)
            if got is None:
                return
            if not isinstance(got.get("Role"), dict):
                self._lacks(errors, "iam:GetRole", "Role")
                return
            role = dict(got["Role"])
            inline = self.call("iam", "ListRolePolicies", errors, RoleName=name)
            attached = self.call("iam", "ListAttachedRolePolicies", errors, RoleName=name)
            if inline is None or attached is None:
                return
            role["RolePolicyList"] = []
            for policy_name in inline.get("PolicyNames", []):
                doc = self.call(
                    "iam", "GetRolePolicy", errors, RoleName=name, PolicyName=policy_name
                )
                if doc is None:
                    return
                if "PolicyDocument" not in doc:
                    self._lacks(errors, "iam:GetRolePolicy", "PolicyDocument")
                    return
                role["RolePolicyList"].append(
                    {"PolicyName": policy_name, "PolicyDocument": doc["PolicyDocument"]}
                )
            role["AttachedManagedPolicies"] = attached.get("AttachedPolicies", [])
            for p in role["AttachedManagedPolicies"]:
                policy_arn = p.get("PolicyArn")
                if not policy_arn:
                    self._lacks(errors, "iam:ListAttachedRolePolicies", "PolicyArn")
                    continue
                if policy_arn.startswith("arn:aws:iam::aws:") or policy_arn in policies:
                    continue  # AWS-managed: netgraph ships their documents
                meta = self.call("iam", "GetPolicy", errors, PolicyArn=policy_arn)
                if meta is None:
                    continue
                version = (meta.get("Policy") or {}).get("DefaultVersionId")
                if not version:
                    self._lacks(errors, "iam:GetPolicy", "Policy.DefaultVersionId")
                    continue
                doc = self.call(
                    "iam", "GetPolicyVersion", errors, PolicyArn=policy_arn, VersionId=version
                )
                if doc is not None and not isinstance(doc.get("PolicyVersion"), dict):
                    self._lacks(errors, "iam:GetPolicyVersion", "PolicyVersion")
                elif doc is not None:
                    policies[policy_arn] = {
                        "Arn": policy_arn,
                        "PolicyVersionList": [{**doc["PolicyVersion"], "IsDefaultVersion": True}],
                    }
            role_list.append(role)
        snap["RoleDetailList"] = role_list
        snap["Policies"] = list(policies.values())

    def _ecr(self, snap: dict[str, Any], region: str, errors: list[dict[str, str]]) -> None:
        repos: dict[str, set[str]] = {}
        for td in snap.get("taskDefinitions", []):
            for c in td.get("containerDefinitions", []):
                arn = repository_arn(c.get("image", ""))
                if arn and arn.split(":")[3] == region:
                    account, name = arn.split(":")[4], arn.split("/", 1)[1]
                    repos.setdefault(account, set()).add(name)
        if not repos:
            return
        found: list[dict[str, Any]] = []
        policies: list[dict[str, Any]] = []
        complete = True
        for account, names in sorted(repos.items()):
            got = self.call(
                "ecr",
                "DescribeRepositories",
                errors,
                registryId=account,
                repositoryNames=sorted(names),
            )
            if got is None:
                complete = False
                continue
            found.extend(got.get("repositories", []))
            for name in sorted(names):
                policy = self.call(
                    "ecr",
                    "GetRepositoryPolicy",
                    errors,
                    absent="RepositoryPolicyNotFoundException",
                    registryId=account,
                    repositoryName=name,
                )
                if policy is None:
                    complete = False
                elif policy:  # {}: no policy; collected, and there is none
                    policies.append(policy)
        snap["repositories"] = found
        if complete:
            snap["RepositoryPolicies"] = policies

    def _kms(self, snap: dict[str, Any], errors: list[dict[str, str]]) -> None:
        """Which KMS key encrypts each secret and parameter the tasks read, and each customer
        managed key with its key policy: DescribeSecret, DescribeParameters, DescribeKey,
        GetKeyPolicy. Never a secret's or a parameter's value."""
        secrets: set[str] = set()
        names: set[str] = set()
        for td in snap.get("taskDefinitions", []):
            for c in td.get("containerDefinitions", []):
                refs = [s.get("valueFrom") for s in c.get("secrets", []) or []]
                creds = (c.get("repositoryCredentials") or {}).get("credentialsParameter")
                for ref in [*refs, creds]:
                    if not isinstance(ref, str) or not ref:
                        continue
                    if ref.startswith("arn:aws:secretsmanager:") or ref == creds:
                        secrets.add(":".join(ref.split(":")[:7]))
                    else:
                        names.update(_parameter_names(ref))
        keys: set[str] = set()
        if secrets:
            described: list[dict[str, Any]] = []
            complete = True
            for arn in sorted(secrets):
                got = self.call("secretsmanager", "DescribeSecret", errors, SecretId=arn)
                if got is None:
                    complete = False
                    continue
                described.append(got)
                if got.get("KmsKeyId"):
                    keys.add(got["KmsKeyId"])
            if complete:
                snap["SecretDescriptions"] = described
        if names:
            parameters: list[dict[str, Any]] = []
            complete = True
            for batch in _chunks(sorted(names), 50):
                got = self.call(
                    "ssm",
                    "DescribeParameters",
                    errors,
                    ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": batch}],
                )
                if got is None:
                    complete = False
                    continue
                parameters.extend(got.get("Parameters", []))
            if complete:
                snap["ParameterDescriptions"] = parameters
            keys.update(
                p["KeyId"] for p in parameters if p.get("Type") == "SecureString" and p.get("KeyId")
            )
        keys = {k for k in keys if not aws_managed_alias(k)}
        if not keys:
            return
        metadata: list[dict[str, Any]] = []
        policies: list[dict[str, Any]] = []
        keys_ok = policies_ok = True
        seen: set[str] = set()
        for ref in sorted(keys):
            got = self.call("kms", "DescribeKey", errors, KeyId=ref)
            meta = (got or {}).get("KeyMetadata")
            if not isinstance(meta, dict) or not meta.get("Arn"):
                if got is not None:
                    self._lacks(errors, "kms:DescribeKey", "KeyMetadata.Arn")
                keys_ok = False
                continue
            if meta["Arn"] in seen:  # named by its id and by its ARN
                continue
            if key_id_of(ref) is not None:  # an alias is not linked to its key: not kept
                seen.add(meta["Arn"])
                metadata.append(meta)
            if meta.get("KeyManager") != "CUSTOMER":
                continue
            policy = self.call(
                "kms", "GetKeyPolicy", errors, KeyId=meta["Arn"], PolicyName="default"
            )
            if policy is None:
                policies_ok = False
                continue
            policies.append({"KeyId": meta.get("KeyId") or meta["Arn"], **policy})
        if keys_ok:
            snap["KmsKeys"] = metadata
        if policies_ok:
            snap["KmsKeyPolicies"] = policies


def _parameter_names(ref: str) -> set[str]:
    """The names a parameter reference may stand for: its ARN loses the leading "/" of a
    hierarchical name (``parameter/prod/db`` is ``/prod/db``; ``parameter/db`` may be either)."""
    if not (ref.startswith("arn:") and ":parameter/" in ref):
        return {ref}
    tail = ref.split(":parameter/", 1)[1]
    return {f"/{tail}"} if "/" in tail else {tail, f"/{tail}"}


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


def _names_only(container: Any) -> Any:
    if not isinstance(container, dict) or not isinstance(container.get("environment"), list):
        return container
    return {
        **container,
        "environment": [
            {k: v for k, v in e.items() if k != "value"} if isinstance(e, dict) else e
            for e in container["environment"]
        ],
    }


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
            else:
                merged.setdefault(key, value)
    return merged


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


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
