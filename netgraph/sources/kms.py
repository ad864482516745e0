"""Secrets Manager, Parameter Store and KMS describe responses -> model: which key encrypts
each secret and parameter, the keys, and their key policies (never a secret's value).

- ``SecretDescriptions``: `aws secretsmanager describe-secret` replies (``ARN``, ``KmsKeyId``;
  AWS leaves ``KmsKeyId`` out for a secret encrypted with ``aws/secretsmanager``).
- ``ParameterDescriptions``: the ``Parameters`` of `aws ssm describe-parameters` (``Name``,
  ``Type``, ``KeyId`` for a ``SecureString``).
- ``KmsKeys``: the ``KeyMetadata`` of `aws kms describe-key` (``Arn``, ``KeyId``,
  ``KeyManager``, ``KeyState``); a whole reply (``{"KeyMetadata": …}``) is read as well.
- ``KmsKeyPolicies``: `aws kms get-key-policy` replies with the key's ``KeyId`` added
  (``{"KeyId", "Policy", "PolicyName"}``): the reply does not name its key.
"""

from __future__ import annotations

from netgraph.kms_refs import key_id_of, parameter_name
from netgraph.model import KmsKey, Policy, SecretKeyRef
from netgraph.sources.merge import RawSnapshot
from netgraph.sources.policies import parse_policy
from netgraph.sources.reader import Obj, SnapshotError


def secret_keys(raw: RawSnapshot) -> dict[str, SecretKeyRef] | None:
    items = raw.items("SecretDescriptions")
    if items is None:
        return None
    out: dict[str, SecretKeyRef] = {}
    for o in items:
        # AWS leaves KmsKeyId out for aws/secretsmanager: absent means that key, so a null
        # (not AWS's answer) is refused rather than read as it.
        arn = o.not_null("KmsKeyId").req("ARN")
        out[arn] = SecretKeyRef(arn, o.opt_str("KmsKeyId"))
    return out


def parameter_keys(raw: RawSnapshot) -> dict[str, SecretKeyRef] | None:
    items = raw.items("ParameterDescriptions")
    if items is None:
        return None
    out: dict[str, SecretKeyRef] = {}
    for o in items:
        name = o.req("Name")
        kind = o.req("Type")
        encrypted = kind == "SecureString"
        out[parameter_name(name)] = SecretKeyRef(
            name, o.opt_str("KeyId") if encrypted else None, encrypted
        )
    return out


def kms_keys(raw: RawSnapshot) -> dict[str, KmsKey] | None:
    """The keys by ARN and by key id."""
    items = raw.items("KmsKeys")
    if items is None:
        return None
    out: dict[str, KmsKey] = {}
    for o in items:
        meta = o.opt_obj("KeyMetadata") or o
        key = KmsKey(
            arn=meta.req("Arn"),
            key_id=meta.req("KeyId"),
            key_manager=meta.opt_str("KeyManager"),
            key_state=meta.opt_str("KeyState"),
        )
        if not key.arn or not key.key_id:
            raise SnapshotError(meta.wording.empty_id(meta.at()))
        out[key.arn] = out[key.key_id] = key
    return out


def kms_key_policies(raw: RawSnapshot) -> dict[str, Policy] | None:
    """The key policies by key id."""
    items = raw.items("KmsKeyPolicies")
    if items is None:
        return None
    out: dict[str, Policy] = {}
    for o in items:
        ref = o.req("KeyId")
        key_id = key_id_of(ref)
        if key_id is None:
            raise SnapshotError(
                o.wording.expected(o.at("KeyId"), "a key id or a key ARN (not an alias)", ref)
            )
        out[key_id] = _policy(o, ref)
    return out


def _policy(o: Obj, ref: str) -> Policy:
    value = o.data.get("Policy")
    if value is None:
        raise SnapshotError(o.wording.missing(o.at(), "Policy"))
    if not isinstance(value, (str, dict)):
        raise SnapshotError(o.wording.wrong(o.at("Policy"), "a policy document"))
    return parse_policy(f"key policy of {ref}", value, resource_based=True)
