"""The oracle behind "absent data is unknown, never reachable", shared by the test suite
(a fixed, seeded part of it) and ``make fuzz`` (all of it).

For every bundled sample and every key path in it (every depth, every list element), the
key is removed and, separately, set to null; the checks of ``netgraph check SAMPLE`` (every
service, one source per subnet) and of every task ENI of the sample are run in-process, and
compared with those of the intact sample:

- a check that did not pass (``blocked``, ``denied``, ``unknown``) never passes
  (``reachable``, ``allowed``). A ``blocked`` may become ``unknown``: with a fact gone, the
  path it blocked may have been open (a DNS server, a route that is no longer known);
- no check of the intact sample disappears, unless the run ends in exit code 2;
- no exit code drops to 0 from 1 or 3;
- the run ends in verdicts, or in a SnapshotError/SourceError of one line (exit code 2):
  any other exception is a failure.

List elements are set to null but never removed: a list without one of its elements (a
NACL without its Deny entry, a policy without its Deny statement) is another valid account,
not missing data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netgraph.check import check_source, exit_code
from netgraph.flows import SourceError, eni_source, service_sources
from netgraph.reach import PASSING, Trace
from netgraph.scan import MANAGED_INTERFACE_TYPES
from netgraph.sources.snapshot import SnapshotError, snapshot_from_data

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ORIGIN = "sample.json"

Path_ = tuple[str | int, ...]

# Keys AWS leaves out when there is none: without them the task needs less (no log target,
# no secret to read), which is the same account read right, not missing data. Setting them
# to null is still refused (the loader says so). "[]" stands for any list index.
ABSENT_MEANS_NONE: dict[tuple[str, ...], str] = {
    ("taskDefinitions", "[]", "containerDefinitions", "[]", "logConfiguration"): (
        "a container without a log configuration logs nowhere: no logs target"
    ),
    ("taskDefinitions", "[]", "containerDefinitions", "[]", "secrets"): (
        "a container without secrets reads none: no secretsmanager/ssm target"
    ),
    ("SecretDescriptions", "[]", "KmsKeyId"): (
        "AWS leaves KmsKeyId out of describe-secret for a secret encrypted with the AWS "
        "managed key aws/secretsmanager, which needs no kms:Decrypt of the role"
    ),
}


@dataclass(frozen=True)
class Outcome:
    code: int  # the exit code `netgraph check` would give
    verdicts: dict[tuple[str, str, str], str]  # (source kind, source id, target) -> verdict
    error: str | None = None  # the one-line message of exit code 2
    # What a user reads of each check: verdict, blocking hop, reason, fix (``words_of``).
    words: tuple[tuple[str, ...], ...] = ()

    def digest(self) -> str:
        """The exit code, the error and every check's words, in 16 hex digits."""
        text = json.dumps([self.code, self.error, self.words], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def run_checks(data: Any) -> Outcome:
    """What `netgraph check` (and a check of each task ENI) says of a snapshot."""
    try:
        snap = snapshot_from_data(data, ORIGIN)
        sources = list(service_sources(snap))
        for eni in (snap.network_interfaces or {}).values():
            if eni.interface_type not in MANAGED_INTERFACE_TYPES and eni.subnet_id is not None:
                sources.append(eni_source(snap, eni.id))
        if not sources:
            return Outcome(2, {}, "no ECS service that uses awsvpc")
        traces: list[Trace] = []
        for source in sources:
            traces.extend(check_source(snap, source))
    except (SnapshotError, SourceError) as exc:
        return Outcome(2, {}, str(exc))
    verdicts = {(t.source.kind, t.source.id, t.target): t.verdict for t in traces}
    return Outcome(exit_code(traces), verdicts, words=words_of(traces))


def words_of(traces: list[Trace]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        sorted(
            (
                t.source.kind,
                t.source.id,
                t.target,
                t.verdict,
                t.blocked_at.id if t.blocked_at else "",
                t.reason,
                t.fix or "",
            )
            for t in traces
        )
    )


def key_paths(value: Any, prefix: Path_ = ()) -> Iterator[tuple[Path_, bool]]:
    """Every path below ``value``, and whether it ends in a dict key (else a list index)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key), True
            yield from key_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield (*prefix, i), False
            yield from key_paths(child, (*prefix, i))


def damaged(data: Any, path: Path_, remove: bool) -> Any:
    """A copy of ``data`` with the key at ``path`` removed (or set to null), copying only
    the containers along the path: the loader never changes its input."""
    top = data.copy()
    node = top
    for step in path[:-1]:
        child = node[step].copy()
        node[step] = child
        node = child
    if remove:
        del node[path[-1]]
    else:
        node[path[-1]] = None
    return top


def shape(path: Path_) -> tuple[str, ...]:
    return tuple("[]" if isinstance(s, int) else s for s in path)


@dataclass(frozen=True)
class Case:
    sample: str
    path: Path_
    remove: bool

    def __str__(self) -> str:
        where = "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in self.path)
        return f"{self.sample}: {where} {'removed' if self.remove else 'set to null'}"


def cases(sample: str, data: Any) -> list[Case]:
    out: list[Case] = []
    for path, is_key in key_paths(data):
        if is_key:
            out.append(Case(sample, path, True))
        out.append(Case(sample, path, False))
    return out


def violations(case: Case, intact: Outcome, after: Outcome) -> list[str]:
    """What the damaged run did wrong, if anything (empty: it held)."""
    if after.code == 2:
        message = after.error or ""
        ok = "\n" not in message and message.startswith(
            (ORIGIN, "snapshot:", "no ECS service", "--")
        )
        return [] if ok else [f"{case}: exit 2 without a one-line message: {message!r}"]
    found: list[str] = []
    optional = case.remove and shape(case.path) in ABSENT_MEANS_NONE
    if intact.code in (1, 3) and after.code == 0 and not optional:
        found.append(f"{case}: exit code {intact.code} became 0")
    for check, before in intact.verdicts.items():
        now = after.verdicts.get(check)
        if now is None:
            if not optional:
                found.append(f"{case}: the check {check} ({before}) disappeared")
        elif before not in PASSING and now in PASSING and not optional:
            found.append(f"{case}: {check} was {before}, became {now}")
    return found


def sample_data(name: str) -> Any:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def sample_names() -> list[str]:
    return sorted(p.stem for p in SAMPLES.glob("*.json"))


def chosen(all_cases: list[Case], fraction: float, seed: int) -> list[Case]:
    """A fixed part of the cases, the same on every run: every key at every depth, removed
    and nulled, in its first list element (each kind of field is tried once), and a seeded
    draw of ``fraction`` of the other elements' cases."""
    if fraction >= 1:
        return all_cases
    rng = random.Random(seed)
    seen: set[tuple[tuple[str, ...], bool]] = set()
    out: list[Case] = []
    for c in all_cases:
        kind = (shape(c.path), c.remove)
        if kind not in seen:
            seen.add(kind)
            out.append(c)
        elif rng.random() < fraction:
            out.append(c)
    return out


def check_sample(
    name: str,
    fraction: float = 1.0,
    seed: int = 11,
    digests: dict[str, str] | None = None,
    words: dict[str, Any] | None = None,
) -> tuple[int, list[str]]:
    """Run the cases of one sample; the number run and every violation found. With
    ``digests``, the words of each case of the part that tries every kind of key once
    (``chosen`` with fraction 0) are put in it, by case."""
    data = sample_data(name)
    intact = run_checks(data)
    assert intact.code != 2, f"{name}: the intact sample does not load: {intact.error}"
    found: list[str] = []
    every = cases(name, data)
    todo = chosen(every, fraction, seed)
    kinds = set(chosen(every, 0.0, seed)) if digests is not None else set()
    for case in todo:
        try:
            after = run_checks(damaged(data, case.path, case.remove))
        except Exception as exc:  # any crash is a finding, with its case
            found.append(f"{case}: {type(exc).__name__}: {exc}")
            continue
        found.extend(violations(case, intact, after))
        if digests is not None and case in kinds:
            digests[str(case)] = after.digest()
            if words is not None:
                words[str(case)] = [after.code, after.error, after.words]
    return len(todo), found


# The words (verdict, blocking hop, reason, fix) of every check of each damaged snapshot of
# the part that tries every kind of key once: what a user reads when a field is missing, as
# reviewed. The oracle above proves no check passes; this pins what the others say.
WORDS = Path(__file__).resolve().parent / "golden" / "absent_words.json"


def recorded_words() -> dict[str, dict[str, str]]:
    return json.loads(WORDS.read_text(encoding="utf-8")) if WORDS.is_file() else {}


def changed_words(name: str, digests: dict[str, str]) -> list[str]:
    """The cases of ``name`` whose words are not the recorded ones."""
    want = recorded_words().get(name, {})
    out = [f"{c}: the words of its checks changed" for c in digests if want.get(c) != digests[c]]
    out += [f"{c}: no longer tried" for c in want if c not in digests]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the absent-data cases' recorded words")
    parser.add_argument("--write", action="store_true", help="record the current words")
    parser.add_argument("--dump", metavar="DIR", help="write the words, to diff two revisions")
    args = parser.parse_args(argv)
    every: dict[str, dict[str, str]] = {}
    changed: list[str] = []
    for name in sample_names():
        digests: dict[str, str] = {}
        said: dict[str, Any] = {}
        check_sample(name, 0.0, digests=digests, words=said)
        every[name] = digests
        if args.dump:
            folder = Path(args.dump)
            folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps(said, indent=1, ensure_ascii=False)
            (folder / f"{name}.json").write_text(text, encoding="utf-8", errors="surrogatepass")
        changed += changed_words(name, digests)
    if args.write:
        WORDS.write_text(json.dumps(every, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded the words of {sum(map(len, every.values()))} cases in {WORDS}")
        return 0
    print("\n".join(changed) or "absent-data words: all as recorded")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
