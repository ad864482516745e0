"""Golden outputs: the JSON of every check of every sample, of the Batfish corpus queries and
snapshots, and of bench/generate.py's small and medium accounts (two seeds each), kept as one
SHA-256 per document in tests/golden/outputs.json. A change that must not change a verdict
(or a word) is checked against it:

    .venv/bin/python -m tests.golden            # compare; names every document that differs
    .venv/bin/python -m tests.golden --dump DIR # write every document, to diff two revisions
    .venv/bin/python -m tests.golden --write    # accept the current outputs as the goldens

tests/test_golden.py runs the comparison in the suite.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from netgraph.check import check_path, check_source
from netgraph.flows import (
    SourceError,
    eni_source,
    hypothetical_source,
    instance_source,
    service_sources,
)
from netgraph.model import Snapshot
from netgraph.render import json as json_render
from netgraph.scan import scan
from netgraph.sources.snapshot import load_snapshot, normalize_protocol, snapshot_from_data

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "outputs.json"
CORPUS = ROOT.parent / "shared" / "corpus" / "batfish" / "cases"


def _document(traces: Any, snap: Snapshot) -> str:
    out = io.StringIO()
    json_render.write(out, traces, snap.region, snap.account_id)
    return out.getvalue()


def _scan_document(snap: Snapshot) -> str:
    return _document(scan(snap, all_enis=True).traces, snap)


def _samples() -> Iterator[tuple[str, Callable[[], str]]]:
    for path in sorted((ROOT / "samples").glob("*.json")):

        def doc(path: Path = path) -> str:
            snap = load_snapshot(path)
            traces = [t for s in service_sources(snap) for t in check_source(snap, s)]
            return _document(traces, snap)

        yield f"sample {path.stem}", doc


def _generated() -> Iterator[tuple[str, Callable[[], str]]]:
    from .conftest import load_script

    generate = load_script("bench_generate", ROOT / "bench" / "generate.py")
    for size in ("small", "medium"):
        for seed in (1, 2):

            def doc(size: str = size, seed: int = seed) -> str:
                data = generate.generate(**generate.SIZES[size], seed=seed)
                return _scan_document(snapshot_from_data(data, f"{size}-{seed}"))

            yield f"generated {size} seed {seed}", doc

    def spread() -> str:
        # Routes over many prefix lengths: the shape that stresses the route lookup.
        data = generate.generate(**generate.SIZES["medium"], seed=3, route_prefix_lengths=(8, 28))
        return _scan_document(snapshot_from_data(data, "medium-spread"))

    yield "generated medium seed 3, routes of lengths 8-28", spread


def _corpus() -> Iterator[tuple[str, Callable[[], str]]]:
    if not CORPUS.is_dir():
        return
    for case in sorted(p for p in CORPUS.iterdir() if (p / "expected.json").is_file()):
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        region = expected.get("region")

        def doc(case: Path = case, expected: Any = expected, region: Any = region) -> str:
            snap = load_snapshot(case / "snapshot", region)
            traces = []
            for q in expected.get("queries", []):
                source_id = q["from"]
                try:
                    if source_id.startswith("eni-"):
                        source = eni_source(snap, source_id)
                    elif source_id.startswith("i-"):
                        source = instance_source(snap, source_id)
                    else:
                        groups = tuple(q.get("security_groups") or ())
                        source = hypothetical_source(snap, source_id, groups, False)
                    proto = normalize_protocol(str(q.get("protocol", "tcp")))
                    port = q.get("port", 443) if proto in ("6", "17") else None
                    traces.append(check_path(snap, source, q["to"], protocol=proto, port=port))
                except SourceError as exc:
                    traces.append(str(exc))
            checks = [t for t in traces if not isinstance(t, str)]
            errors = [t for t in traces if isinstance(t, str)]
            try:
                scanned = _scan_document(snap)
            except SourceError as exc:
                scanned = str(exc)
            return _document(checks, snap) + json.dumps(errors) + scanned

        yield f"corpus {case.name}", doc


def documents() -> Iterator[tuple[str, Callable[[], str]]]:
    yield from _samples()
    yield from _generated()
    yield from _corpus()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def current() -> dict[str, str]:
    return {name: digest(make()) for name, make in documents()}


def differences() -> list[str]:
    """Every document whose output is not its golden one (empty: all the same)."""
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = current()
    out = [f"{n}: output differs" for n in sorted(got) if n in want and want[n] != got[n]]
    out += [f"{n}: no golden output" for n in sorted(set(got) - set(want))]
    # Corpus documents are optional (../shared may be absent): only the others must exist.
    out += [f"{n}: not produced" for n in sorted(set(want) - set(got)) if "corpus" not in n]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="accept the current outputs")
    parser.add_argument("--dump", metavar="DIR", help="write every document to DIR")
    args = parser.parse_args(argv)
    if args.dump:
        folder = Path(args.dump)
        folder.mkdir(parents=True, exist_ok=True)
        for name, make in documents():
            (folder / (name.replace(" ", "-") + ".json")).write_text(
                make(), encoding="utf-8", errors="surrogatepass"
            )
        return 0
    if args.write:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
        return 0
    found = differences()
    for line in found:
        print(line)
    print(f"golden: {'differs' if found else 'all outputs identical'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
