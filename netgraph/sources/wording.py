"""How the loader words what is absent from, or wrong with, its input: one place.

Every message a reader of outside data gives goes through a :class:`Wording`: the loader's
errors (a required key that is missing, a value of the wrong type, a reference to a record
that is not there) and the reason the model gives, at check time, for a key that was never
collected (``Snapshot.missing_reason``). This one words the raw JSON of AWS's describe
calls; another input kind (a Terraform plan) subclasses it and hands its instance to its
readers (``Obj.wording``, a class attribute: a subclass of ``Obj`` sets its own) and to
``build_snapshot``, which gives ``absent`` to the model.

``where`` is always the place in the input, "FILE: PATH" (``Obj.at``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netgraph.model import CollectionError, not_in_snapshot

# The end of the warning for a folder's files that are not read (the CLI prints it whole).
SKIPPED = "netgraph reads only *.json, *.yaml and *.yml (rename a file to read it)"


class Wording:
    """The wording of the AWS describe-call snapshot (snapshot-format.md)."""

    # ---- absent data ------------------------------------------------------------------

    def absent(self, key: str, collection_errors: Sequence[CollectionError]) -> str:
        """Why a key is absent: a recorded collection error, or simply not collected (the
        model's wording of a snapshot, also that of a snapshot made by hand)."""
        return not_in_snapshot(key, collection_errors)

    def missing(self, where: str, key: str, *, always: bool = False) -> str:
        """A key a record needs; ``always``: one the service returns on every record."""
        tail = " (AWS always returns it)" if always else ""
        return f"{where}: required key '{key}' is missing{tail}"

    def missing_pair(self, where: str, keys: tuple[str, str], got: tuple[Any, Any]) -> str:
        return (
            f"{where}: required keys '{keys[0]}' and '{keys[1]}' "
            f"(got {self.describe(got[0])}, {self.describe(got[1])})"
        )

    def without(self, where: str, what: str, key: str) -> str:
        """A record without a key that the service returns on every such record."""
        return f"{where}: {what} without {key} (AWS always returns it)"

    def none_of(self, where: str, what: str, keys: Sequence[str]) -> str:
        """A record that names none of the keys it needs one of."""
        listed = ", ".join(keys[:-1]) + f" or {keys[-1]}"
        return f"{where}: {what} has no {listed}"

    def null(self, where: str) -> str:
        """A null where absence means "none": read as absent it would widen."""
        return f"{where}: null (AWS leaves the key out when there is none)"

    def not_in(self, where: str, ref: str, key: str, *, by: str | None = None) -> str:
        """A reference to a record that the input does not hold; ``by``: who names it."""
        if by is None:
            return f"{where}: {ref} is not in {key}"
        return f"{where}: {by} names {ref}, which is not in {key}"

    def no_region(self) -> str:
        return (
            'snapshot: key \'Region\' is missing: add "Region": "ap-northeast-1" '
            "(for example) to the snapshot, or pass --region"
        )

    def not_region(self, where: str, name: str) -> str:
        """A Region that names no AWS region ("tokyo")."""
        from netgraph.sources.regions import not_a_region

        return not_a_region(where, name)

    def region_mismatch(
        self, region: str, given: str, record: str, value: str, named: str, *, flag: bool
    ) -> str:
        """A record of the snapshot (``record``: "FILE: PATH") is in another region than
        ``region``, given by ``given`` ("--region" or "FILE: $.Region")."""
        found = f"{record} is {value!r}, in {named}"
        if flag:
            return (
                f"--region {region} disagrees with the snapshot: {found}: pass --region "
                f"{named}, or leave --region out"
            )
        return (
            f"{given} is {region!r}, but {found}: set Region to {named}, or pass --region "
            f"{named} (a snapshot holds one region: collect each into its own)"
        )

    def empty_id(self, where: str) -> str:
        return f"{where}: its id is an empty string"

    # ---- wrong data ---------------------------------------------------------------------

    def expected(self, where: str, expected: str, got: Any) -> str:
        return f"{where}: expected {expected}, got {self.describe(got)}"

    def wrong(self, where: str, expected: str) -> str:
        """A value of the wrong kind, not quoted (a document, an enumeration's member)."""
        return f"{where}: expected {expected}"

    def contradicts(self, where: str, value: Any, before: Any, file: str) -> str:
        """One file of a folder says otherwise than an earlier one."""
        return f"{where}: '{value}' contradicts '{before}' in {file}"

    def version(self, where: str, got: Any) -> str:
        return f"{where}: this netgraph reads version 1, got {got!r}"

    def not_cidr(self, where: str, text: str) -> str:
        return f"{where}: '{text}' is not a CIDR block"

    def not_address(self, where: str, text: str) -> str:
        return f"{where}: '{text}' is not an IP address"

    def ignored(self, file: str, key: str) -> str:
        """The warning for a top-level key the format does not define."""
        return f"{file}: key '{key}' is not part of the snapshot format; ignored"

    def skipped(self, folder: str, names: Sequence[str]) -> str:
        """The warning for the files of a folder that are not read."""
        listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        return f"{folder}: skipped {listed}: {SKIPPED}"

    def describe(self, value: Any) -> str:
        """A JSON value as an error message quotes it."""
        if isinstance(value, bool):
            return f"{str(value).lower()} (a boolean)"
        if isinstance(value, (int, float)):
            return f"{value} (a number)"
        if isinstance(value, str):
            return f"'{value[:40]}' (a string)"
        if isinstance(value, list):
            return "a list"
        if isinstance(value, dict):
            return "an object"
        return "null"


SNAPSHOT = Wording()
