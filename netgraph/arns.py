"""Names of AWS resources: ECR image URIs and repository ARNs.

A leaf module (it imports nothing of netgraph), so that the collector, which reads raw
JSON, and the model's requirements read image URIs the same way.
"""

from __future__ import annotations

import re

_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
)


def ecr_image(image: str) -> tuple[str, str] | None:
    """(account, region) of a private ECR image URI, else None."""
    m = _ECR_IMAGE.match(image)
    return (m.group("account"), m.group("region")) if m else None


def names_an_image(image: str) -> bool:
    """Does the string name a repository at all? ("", "@", ":tag" name none.)"""
    last = image.strip().split("@", 1)[0].rsplit("/", 1)[-1]
    return bool(last.split(":", 1)[0])  # a tag follows the last ':' (a port sits before a '/')


def repository_arn(image: str) -> str | None:
    """arn:aws:ecr:REGION:ACCOUNT:repository/NAME of a private ECR image URI."""
    m = _ECR_IMAGE.match(image)
    if m is None:
        return None
    path = image[m.end() :].split("@", 1)[0]  # drop a digest
    name = path.rsplit(":", 1)[0] if ":" in path else path  # drop a tag
    return f"arn:aws:ecr:{m.group('region')}:{m.group('account')}:repository/{name}"


def account_of(arn: str | None) -> str | None:
    """The account id of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...), if it has one."""
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" and parts[4].isdigit() else None
