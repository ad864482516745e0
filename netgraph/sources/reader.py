"""A typed reader over raw JSON that knows where it is, and the reading of JSON files.

Every problem with outside data is a :class:`SnapshotError` whose message is one line naming
the file and the key path; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import ipaddress
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from netgraph.model import IPAddress, IPNetwork
from netgraph.sources.wording import SNAPSHOT, Wording


class SnapshotError(Exception):
    """Bad input: the message is one line that names the file and the key."""

    def __init__(self, message: str) -> None:
        # Values quoted from the input may hold line breaks; the message stays one line.
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"))


_PROTOCOL_NAMES = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": "-1"}


@lru_cache(maxsize=256)
def normalize_protocol(value: str) -> str:
    """AWS writes protocols as names ("tcp") in SGs and numbers ("6") in NACLs. (A handful of
    values, asked once per security-group permission: kept.)"""
    text = value.strip().lower()
    return _PROTOCOL_NAMES.get(text, text)


# ---- a typed reader over raw JSON that knows where it is -----------------------------------


class Obj:
    """A JSON object plus the file and key path it came from, for error messages.

    The path is kept as (parent, key, index) and written out only when an error needs it:
    a large account has hundreds of thousands of objects and almost never an error.
    """

    __slots__ = ("_where", "data", "file")

    # How this input kind words its messages (a reader of another input kind subclasses Obj).
    wording: ClassVar[Wording] = SNAPSHOT

    def __init__(
        self, data: dict[str, Any], file: str, where: str | tuple[Obj, str, int | None]
    ) -> None:
        self.data = data
        self.file = file
        self._where = where

    @property
    def path(self) -> str:
        if isinstance(self._where, str):
            return self._where
        parent, key, index = self._where
        return f"{parent.path}.{key}" + ("" if index is None else f"[{index}]")

    def at(self, key: str | None = None) -> str:
        """Where this object (or its ``key``) is, as messages name it: "FILE: PATH"."""
        return f"{self.file}: {self.path}" + ("" if key is None else f".{key}")

    def _fail(self, key: str, expected: str, got: Any) -> SnapshotError:
        return SnapshotError(self.wording.expected(self.at(key), expected, got))

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def not_null(self, *keys: str) -> Obj:
        """Refuse a null where absence means "none" (no logging, no secrets): AWS leaves
        such keys out, so a null is not its answer, and read as absent it would widen."""
        for key in keys:
            if key in self.data and self.data[key] is None:
                raise SnapshotError(self.wording.null(self.at(key)))
        return self

    def req(self, key: str) -> str:
        if key not in self.data or self.data[key] is None:
            raise SnapshotError(self.wording.missing(self.at(), key))
        return self.opt_str(key) or ""

    def opt_str(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._fail(key, "a string", value)
        return value

    def opt_bool(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self._fail(key, "true or false", value)
        return value

    def opt_int(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer", value)
        return value

    def opt_obj(self, key: str) -> Obj | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._fail(key, "an object", value)
        return type(self)(value, self.file, (self, key, None))

    def objs(self, key: str) -> list[Obj]:
        """A list of objects; absent means empty here (the caller decides what absent means)."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "a list", value)
        out = []
        cls = type(self)  # a reader's subclass (its wording) holds for the parts
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise SnapshotError(
                    self.wording.expected(f"{self.at(key)}[{i}]", "an object", item)
                )
            out.append(cls(item, self.file, (self, key, i)))
        return out

    def strs(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, "a list of strings", value)
        return tuple(value)

    def network(self, key: str) -> IPNetwork | None:
        text = self.opt_str(key)
        if text is None:
            return None
        try:
            return _network(text)
        except ValueError:
            raise SnapshotError(self.wording.not_cidr(self.at(key), text)) from None

    def address(self, key: str) -> IPAddress | None:
        text = self.opt_str(key)
        if text is None:
            return None
        try:
            return ipaddress.ip_address(text)
        except ValueError:
            raise SnapshotError(self.wording.not_address(self.at(key), text)) from None

    def name_tag(self, key: str = "Tags") -> str | None:
        for tag in self.objs(key):
            if tag.opt_str("Key") == "Name":
                return tag.opt_str("Value")
        return None


@lru_cache(maxsize=65536)
def _network(text: str) -> IPNetwork:
    # The same CIDRs recur by the thousand (0.0.0.0/0, VPC CIDRs, peers): parse each once.
    return ipaddress.ip_network(text, strict=False)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise SnapshotError(
            f"{path}: the JSON holds a number too long to read (over 4,300 digits; no AWS "
            "field holds one)"
        ) from None
    except RecursionError:
        raise SnapshotError(
            f"{path}: the JSON is nested too deeply to read (no AWS response nests so deep)"
        ) from None


def _cidr_fast(value: object) -> IPNetwork | None:
    """A CIDR block for the fast paths; None if the value is not one (the validating reader
    then reads the record and names the error)."""
    if type(value) is not str:
        return None
    try:
        return _network(value)
    except ValueError:
        return None
