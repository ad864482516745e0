"""Bad input, exhaustively for empty ids: AWS never returns an empty id, and one read as a
name ("subnet ''") would be checked as a resource and printed as nothing. Every "…Id" string
of a sample and every element of a list of ids, at every depth, is set to "" in turn: the
run either ends in one line naming that exact key (exit 2), or the key is one netgraph does
not read and every check reads as before. (A service naming subnet "" used to be checked:
"service web in , …: is not in Subnets".)"""

from __future__ import annotations

from typing import Any

import pytest

from .absent_data import Outcome, key_paths, run_checks, sample_data

SAMPLES = ("healthy-nat", "healthy-hub-centralized-endpoints")
# The lists the reader reads as ids (Obj.strs; its other list, Cidrs, refuses "" as no CIDR).
ID_LISTS = {"SubnetIds", "NetworkInterfaceIds", "RouteTableIds", "subnets", "securityGroups"}

Path_ = tuple[str | int, ...]


def _emptied(data: Any, path: Path_) -> Any:
    top = data.copy()
    node = top
    for step in path[:-1]:
        node[step] = node[step].copy()
        node = node[step]
    node[path[-1]] = ""
    return top


def _at(path: Path_) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path)


def _value(data: Any, path: Path_) -> Any:
    for step in path:
        data = data[step]
    return data


def _id_paths(data: Any) -> list[Path_]:
    out = []
    for path, is_key in key_paths(data):
        value = _value(data, path)
        if not isinstance(value, str) or not value:
            continue
        last = path[-1]
        owner = path[-2] if len(path) > 1 else None
        if (is_key and isinstance(last, str) and last.endswith("Id")) or (
            not is_key and owner in ID_LISTS
        ):
            out.append(path)
    return out


INTACT = {name: run_checks(sample_data(name)) for name in SAMPLES}


@pytest.mark.parametrize("name", SAMPLES)
def test_an_empty_id_is_refused_by_name_or_not_read(name: str) -> None:
    data = sample_data(name)
    paths = _id_paths(data)
    assert len(paths) > 50  # the samples hold ids at every depth
    intact: Outcome = INTACT[name]
    assert intact.code != 2
    wrong, refused = [], 0
    for path in paths:
        after = run_checks(_emptied(data, path))
        if after.code == 2:
            refused += 1
            message = after.error or ""
            if "\n" in message or not message.endswith(f"{_at(path)}: its id is an empty string"):
                wrong.append(f"{_at(path)}: refused as {message!r}")
        elif after.words != intact.words:
            wrong.append(f"{_at(path)}: read as an id, changed the checks")
    assert not wrong, "\n".join(wrong[:20])
    assert refused > len(paths) // 2  # most ids are read, and each such is refused


def test_an_empty_cidr_of_a_prefix_list_is_refused_as_no_cidr() -> None:
    data = sample_data("healthy-nat")
    after = run_checks(_emptied(data, ("PrefixLists", 0, "Cidrs", 0)))
    assert after.code == 2
    assert (after.error or "").endswith("$.PrefixLists[0].Cidrs[0]: '' is not a CIDR block")
