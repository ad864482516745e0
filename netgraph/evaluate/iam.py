"""IAM policy documents. For now only what the network path needs: is an endpoint policy
the default full-access one? Full evaluation (explicit deny, NotAction, conditions) is the
permissions check's job and will live here too, so that policy logic exists once.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any


def parse_policy(text: str) -> dict[str, Any] | None:
    """Policy JSON as AWS returns it (a string, possibly URL-encoded). None if unreadable."""
    raw = text if text.lstrip().startswith("{") else urllib.parse.unquote(text)
    try:
        doc = json.loads(raw)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allows_everything(text: str | None) -> bool:
    """True for the default endpoint policy: Allow, Principal *, Action *, Resource *,
    no condition, and no Deny anywhere. Anything else needs real evaluation."""
    if text is None:
        return True  # AWS returns no document only when the endpoint type has no policy
    doc = parse_policy(text)
    if doc is None:
        return False
    statements = _as_list(doc.get("Statement", []))
    full = False
    for st in statements:
        if not isinstance(st, dict):
            return False
        if st.get("Effect") != "Allow":
            return False
        principal = st.get("Principal", "*")
        principal_all = principal == "*" or (
            isinstance(principal, dict) and _as_list(principal.get("AWS")) == ["*"]
        )
        if (
            principal_all
            and "*" in _as_list(st.get("Action", []))
            and "*" in _as_list(st.get("Resource", []))
            and not st.get("Condition")
        ):
            full = True
    return full
