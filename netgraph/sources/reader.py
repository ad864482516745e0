"""A typed reader over raw JSON that knows where it is, and the reading of JSON files.

Every problem with outside data is a :class:`SnapshotError` whose message is one line naming
the file and the key path; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import ipaddress
import json
import re
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


def has_empty_id(d: dict[str, Any]) -> bool:
    """Some "...Id" key of ``d`` is the empty string, which ``Obj.opt_str`` refuses: a fast
    path leaves such a record to the reader, which names the key."""
    # The look-up in C first: a fast path asks this of every record of a large account.
    return "" in d.values() and any(v == "" and k.endswith("Id") for k, v in d.items())


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
        if not value and key.endswith("Id"):
            # AWS never returns an empty id; read as one, "" would name a resource (a
            # subnet "", an association to it) that every message then prints as nothing.
            raise SnapshotError(self.wording.empty_id(self.at(key)))
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
        if "" in value and key != "Cidrs":
            # A list of ids (subnets, groups, ENIs, route tables): AWS never returns an
            # empty one, and read as a subnet "" it would be checked as one, with an empty
            # name in every line. (An empty CIDR is refused as no CIDR by its reader.)
            raise SnapshotError(self.wording.empty_id(f"{self.at(key)}[{value.index('')}]"))
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


YAML_SUFFIXES = (".yaml", ".yml")


def _read_json(path: Path) -> Any:
    """A snapshot file: JSON (as AWS CLI writes it by default), or YAML (``--output yaml``).
    A byte order mark (PowerShell writes one) is read past; the AWS CLI's table and text
    outputs, and a JSON that does not parse, are refused with what to do."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read: {exc.strerror or exc}") from None
    text = _decode(path, data)
    yaml_file = path.suffix.lower() in YAML_SUFFIXES
    try:
        if not yaml_file:
            return json.loads(text)
    except json.JSONDecodeError as exc:
        start = text.lstrip()[:1]
        if start not in ("{", "[", '"'):
            other = _other_output(text)
            if other is not None:
                raise SnapshotError(
                    f"{path}: this looks like the AWS CLI's {other} output, which netgraph "
                    "cannot read: run the AWS CLI with --output json"
                ) from None
            if _looks_like_yaml(text):
                return _read_yaml(path, text)
        raise SnapshotError(_json_error(path, text, exc)) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise SnapshotError(_too_long(path, "JSON")) from None
    except RecursionError:
        raise SnapshotError(_too_deep(path, "JSON")) from None
    return _read_yaml(path, text)


def _decode(path: Path, data: bytes) -> str:
    # Windows PowerShell's `>` writes UTF-16 with its mark; a UTF-8 mark is read past.
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise SnapshotError(
            f"{path}: not UTF-8 text: save the AWS CLI's output as UTF-8 "
            "(PowerShell: `| Out-File -Encoding utf8`)"
        ) from None


def _too_long(path: Path, kind: str) -> str:
    return (
        f"{path}: the {kind} holds a number too long to read (over 4,300 digits; no AWS "
        "field holds one)"
    )


def _too_deep(path: Path, kind: str) -> str:
    return f"{path}: the {kind} is nested too deeply to read (no AWS response nests so deep)"


def _json_error(path: Path, text: str, exc: json.JSONDecodeError) -> str:
    """Where JSON stops parsing, the line it stops on, and a likely cause."""
    lines = text.splitlines()
    line = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
    column = exc.colno - 1
    shown = line.strip()
    if len(shown) > 60:  # a long (minified) line: the part around the column
        left = max(0, column - 30)
        right = "…" if left + 60 < len(line) else ""
        shown = ("…" if left else "") + line[left : left + 60].strip() + right
    message = f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    if shown:  # (control characters are escaped where the message is printed)
        message += f", in '{shown}'"
    if _after_trailing_comma(text, exc.pos):
        return message + " (a trailing comma after the last item? JSON allows none: remove it)"
    if exc.msg.startswith("Expecting ',' delimiter"):
        before = text[: exc.pos].rstrip()
        if "\n" in text[len(before) : exc.pos]:  # the next item starts a line of its own
            line_before = before.count("\n") + 1
            return message + f" (a comma missing at the end of line {line_before}?)"
    return message + ": correct the file, or write it again with the AWS CLI (--output json)"


def _after_trailing_comma(text: str, pos: int) -> bool:
    """Parsing stopped at a closing bracket right after a comma (whitespace between)."""
    if pos >= len(text) or text[pos] not in "}]":
        return False
    before = text[:pos].rstrip()
    return before.endswith(",")


_TABLE_LINE = re.compile(r"[-+|]")


def _other_output(text: str) -> str | None:
    """'table' or 'text' when the text is one of the AWS CLI's other outputs."""
    lines = [line for line in text.splitlines() if line.strip()][:4]
    if not lines:
        return None
    if lines[0].lstrip().startswith("-") and all(
        _TABLE_LINE.match(line.lstrip()) for line in lines
    ):
        return "table"
    if "\t" in lines[0] and not lines[0].lstrip().startswith(("-", "#")):
        return "text"
    return None


_YAML_KEY = re.compile(r"(?:---\s*$|#|[A-Za-z_][\w.-]*\s*:(?:\s|$))")


def _looks_like_yaml(text: str) -> bool:
    """The first line that holds something is a YAML key (``Subnets:``), a comment or
    ``---``: the AWS CLI's ``--output yaml`` starts so."""
    for line in text.splitlines():
        if line.strip():
            return _YAML_KEY.match(line) is not None
    return False


def _read_yaml(path: Path, text: str) -> Any:
    from netgraph.sources import yaml_reader  # PyYAML: only for a YAML file

    try:
        return yaml_reader.load(text)
    except yaml_reader.YamlError as exc:
        raise SnapshotError(f"{path}: {exc}") from None
    except ValueError:
        raise SnapshotError(_too_long(path, "YAML")) from None
    except RecursionError:
        raise SnapshotError(_too_deep(path, "YAML")) from None


def _cidr_fast(value: object) -> IPNetwork | None:
    """A CIDR block for the fast paths; None if the value is not one (the validating reader
    then reads the record and names the error)."""
    if type(value) is not str:
        return None
    try:
        return _network(value)
    except ValueError:
        return None
