"""How secrets, parameters and KMS keys are named: a leaf module (it imports nothing of
netgraph), so that the collector, the loader and the requirements read them the same way.

AWS: a key is named by its key id, key ARN, alias name (``alias/NAME``) or alias ARN
(https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id); the AWS
managed keys of Secrets Manager and Parameter Store are ``alias/aws/secretsmanager`` and
``alias/aws/ssm``.
"""

from __future__ import annotations


def key_id_of(ref: str) -> str | None:
    """The key id a reference names (a key id or a key ARN); None for an alias."""
    tail = ref.split(":", 5)[5] if ref.startswith("arn:") and ref.count(":") >= 5 else ref
    if tail.startswith("alias/"):
        return None
    return tail.removeprefix("key/")


def alias_of(ref: str) -> str | None:
    """The alias name (``alias/NAME``) a reference names; None for a key id or key ARN."""
    tail = ref.split(":", 5)[5] if ref.startswith("arn:") and ref.count(":") >= 5 else ref
    return tail if tail.startswith("alias/") else None


def aws_managed_alias(ref: str) -> bool:
    """Does the reference name an AWS managed key by its alias (``alias/aws/…``)?"""
    alias = alias_of(ref)
    return alias is not None and alias.startswith("alias/aws/")


def parameter_name(ref: str) -> str:
    """A parameter's name as netgraph indexes it: from its ARN or its name, without the
    leading "/" (``/prod/db`` and ``arn:…:parameter/prod/db`` are the same parameter)."""
    if ref.startswith("arn:") and ":parameter/" in ref:
        ref = ref.split(":parameter/", 1)[1]
    return ref.lstrip("/")
