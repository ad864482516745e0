"""Secrets Manager, Parameter Store and KMS: which key encrypts each secret and parameter the
tasks read, and each customer managed key with its key policy, for a snapshot
(SecretDescriptions, ParameterDescriptions, KmsKeys, KmsKeyPolicies). Never a value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netgraph.kms_refs import aws_managed_alias, key_id_of
from netgraph.sources.collect_ecs import chunks

if TYPE_CHECKING:
    from netgraph.sources.collect import Collector


def collect_secrets(c: Collector, snap: dict[str, Any], errors: list[dict[str, str]]) -> None:
    """Which KMS key encrypts each secret and parameter the tasks read, and each customer
    managed key with its key policy: DescribeSecret, DescribeParameters, DescribeKey,
    GetKeyPolicy. Never a secret's or a parameter's value."""
    secrets: set[str] = set()
    names: set[str] = set()
    for td in snap.get("taskDefinitions", []):
        for container in td.get("containerDefinitions", []):
            refs = [s.get("valueFrom") for s in container.get("secrets", []) or []]
            creds = (container.get("repositoryCredentials") or {}).get("credentialsParameter")
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
            got = c.call("secretsmanager", "DescribeSecret", errors, SecretId=arn)
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
        for batch in chunks(sorted(names), 50):
            got = c.call(
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
        got = c.call("kms", "DescribeKey", errors, KeyId=ref)
        meta = (got or {}).get("KeyMetadata")
        if not isinstance(meta, dict) or not meta.get("Arn"):
            if got is not None:
                c.lacks(errors, "kms:DescribeKey", "KeyMetadata.Arn")
            keys_ok = False
            continue
        if meta["Arn"] in seen:  # named by its id and by its ARN
            continue
        if key_id_of(ref) is not None:  # an alias is not linked to its key: not kept
            seen.add(meta["Arn"])
            metadata.append(meta)
        if meta.get("KeyManager") != "CUSTOMER":
            continue
        policy = c.call("kms", "GetKeyPolicy", errors, KeyId=meta["Arn"], PolicyName="default")
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
