"""`make bench`: how long a whole-account scan takes, against the floor of reading the JSON.

For each size, in fresh processes (so that peak memory is each phase's own): snapshot bytes;
`json.load` time and peak RSS (the floor: collector paused, as netgraph's own loader runs;
"bare" is the same call with Python's defaults); load + model; the scan, of the services
(`scan`) and of every ENI too (`scan --all-enis`); checks per second; one `check` of one
service on the loaded snapshot; and total / floor. Each column is the best of N rounds of
all of them. The row "large-x2" adds a second ENI to every ENI of the large snapshot, in
the same subnet with the same groups: the time should barely move, as the work follows
distinct configurations, not ENIs.

    python bench/run.py [--sizes small,medium,large,large-x2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate  # noqa: E402

FLOOR = """
import gc, json, resource, sys, time
if sys.argv[2] == "paused":
    gc.disable()
t = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as fh:
    json.load(fh)
print(json.dumps({"seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SCAN = """
import json, resource, sys, time
from netgraph.sources.snapshot import load_snapshot
from netgraph.scan import scan
from netgraph.flows import service_sources
from netgraph.check import check_source
t0 = time.perf_counter()
snap = load_snapshot(sys.argv[1])
t1 = time.perf_counter()
result = scan(snap, all_enis=sys.argv[2] == "all-enis")
t2 = time.perf_counter()
one = service_sources(snap)[:1]
t3 = time.perf_counter()
for s in one:
    check_source(snap, s)
t4 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "scan": t2 - t1, "checks": len(result.traces),
                  "distinct": result.distinct, "one_check": t4 - t3,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, path: Path, arg: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), arg],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _doubled(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Every task ENI twice: same subnet, same groups, another id and address."""
    extra = []
    for eni in snapshot["NetworkInterfaces"]:
        if eni.get("InterfaceType") != "interface":
            continue
        twin = json.loads(json.dumps(eni))
        twin["NetworkInterfaceId"] = eni["NetworkInterfaceId"].replace("eni-", "eni-f")
        a, b, c, d = eni["PrivateIpAddress"].split(".")
        twin["PrivateIpAddress"] = f"{a}.{b}.{c}.{(int(d) + 1) % 250 + 4}"
        twin["PrivateIpAddresses"] = [
            {**p, "PrivateIpAddress": twin["PrivateIpAddress"]}
            for p in eni.get("PrivateIpAddresses", [])
        ]
        extra.append(twin)
    return {**snapshot, "NetworkInterfaces": snapshot["NetworkInterfaces"] + extra}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium,large,large-x2")
    parser.add_argument("--repeat", type=int, default=5, help="best of N rounds")
    args = parser.parse_args(argv)
    header = (
        f"{'size':<9} {'scan':<10} {'bytes':>11} {'json.load':>10} {'bare':>7} "
        f"{'load+model':>11} {'scan':>7} {'checks':>8} {'distinct':>8} {'checks/s':>9} "
        f"{'1 check':>8} {'peak MB':>8} {'json MB':>8} {'total/floor':>11} "
        f"{'total/bare':>10}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            path = Path(tmp) / f"{size}.json"
            data = generate(**SIZES[size.removesuffix("-x2")])
            if size.endswith("-x2"):
                data = _doubled(data)
            path.write_text(json.dumps(data), encoding="utf-8")
            del data
            # Rounds of every measurement, so that a slow spell of a shared machine slows a
            # round, not every try of one column; each column keeps its best.
            runs: dict[str, list[dict[str, float]]] = {}
            for _ in range(args.repeat):
                for name, code, arg in (
                    ("floor", FLOOR, "paused"),
                    ("bare", FLOOR, "bare"),
                    ("services", SCAN, "services"),
                    ("all-enis", SCAN, "all-enis"),
                ):
                    runs.setdefault(name, []).append(_run(code, path, arg))
            floor = min(runs["floor"], key=lambda r: r["seconds"])
            bare = min(r["seconds"] for r in runs["bare"])
            for mode in ("services", "all-enis"):
                best = min(runs[mode], key=lambda r: r["load"] + r["scan"])
                total = best["load"] + best["scan"]
                label = "" if mode == "services" else "--all-enis"
                print(
                    f"{size:<9} {label:<10} {path.stat().st_size:>11,} "
                    f"{floor['seconds']:>9.3f}s {bare:>6.3f}s "
                    f"{best['load']:>10.3f}s {best['scan']:>6.2f}s {best['checks']:>8,} "
                    f"{best['distinct']:>8,} {best['checks'] / best['scan']:>9,.0f} "
                    f"{best['one_check'] * 1000:>6.1f}ms {best['rss_mb']:>8.0f} "
                    f"{floor['rss_mb']:>8.0f} {total / floor['seconds']:>10.1f}x "
                    f"{total / bare:>9.1f}x",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
