"""`make bench`: how long a whole-account scan takes, against the floor of reading the JSON.

For each size, in fresh processes (so that peak memory is each phase's own): snapshot bytes;
`json.load` time and peak RSS (the floor: collector paused, as netgraph's own loader runs;
"bare" is the same call with Python's defaults); load + model; the scan, of the services
(`scan`) and of every ENI too (`scan --all-enis`); checks per second; one `check` of one
service on the loaded snapshot; and total / floor. Each column is the best of N rounds of
all of them. The row "large-x2" adds a second ENI to every ENI of the large snapshot, in
the same subnet with the same groups: the time should barely move, as the work follows
distinct configurations, not ENIs.

Shapes other than the generator's defaults, so that the figures do not rest on its choices:
"large-spread" is the large snapshot with the routes of every table going to random
networks of prefix lengths 8 to 28 (a public lookup then cuts the address space into a
thousand parts a table); the pathological sizes, measured in one round, are "nat-100k" (the
table of a NAT gateway's subnet holds 100,000 such routes) and "wide-100k" (one service
names 100,000 subnets). "hub-500" is a hub-and-spoke network (bench/hub_and_spoke.py): one
transit gateway, an egress VPC with NAT gateways, a shared-services VPC with the interface
endpoints answered by private hosted zones, 500 spoke VPCs in 10 groups of one transit
gateway route table each, every spoke with its workloads (3 AZs x 2 tiers of app subnets,
8 security groups, 40 task ENIs, 4 services: 43 MB in all); every check crosses the transit
gateway. "hub-N" is the same with N spokes. A second table gives
the commands that write JSON, whole, as a user runs them (`check --format json`,
`scan --format json`): time, characters written, peak RSS against that of a bare
`json.load`.

    python bench/run.py [--sizes small,medium,large,large-x2,large-spread,nat-100k,wide-100k,
                         hub-500] [--repeat 5]
                        [--outputs large:check,large:scan,wide-100k:scan]
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
from hub_and_spoke import generate_hub_and_spoke  # noqa: E402

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


CLI = """
import json, resource, sys, time
t = time.perf_counter()
from netgraph.cli import main


class Count:
    # Characters written, without keeping them: the output is measured, not stored.
    chars = 0

    def write(self, text):
        self.chars += len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


out = Count()
sys.stdout, real = out, sys.stdout
code = main(sys.argv[2:])
sys.stdout = real
print(json.dumps({"seconds": time.perf_counter() - t, "exit": code, "chars": out.chars,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PATHOLOGICAL = ("nat-100k", "wide-100k")


def _shape(size: str) -> dict[str, Any]:
    """The generator's arguments for a size."""
    shapes: dict[str, dict[str, Any]] = {
        **SIZES,
        "large-x2": SIZES["large"],
        "large-spread": {**SIZES["large"], "route_prefix_lengths": (8, 28)},
        "nat-100k": {**SIZES["small"], "vpcs": 2, "nat_table_routes": 100_000},
        "wide-100k": {**SIZES["small"], "subnets": 100_000, "wide_service_subnets": 100_000},
    }
    return shapes[size]


def _run(code: str, path: Path, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), *args],
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
    parser.add_argument(
        "--sizes",
        default="small,medium,large,large-x2,large-spread,nat-100k,wide-100k,hub-500",
    )
    parser.add_argument("--repeat", type=int, default=5, help="best of N rounds")
    parser.add_argument(
        "--outputs",
        default="large:check,large:scan,wide-100k:scan",
        help="SIZE:COMMAND pairs whose --format json output is measured",
    )
    parser.add_argument("--write", nargs=2, metavar=("SIZE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write:
        size, out = args.write
        data = (
            generate_hub_and_spoke(spokes=int(size.partition("-")[2]))
            if size.startswith("hub-")
            else generate(**_shape(size))
        )
        if size.endswith("-x2"):
            data = _doubled(data)
        Path(out).write_text(json.dumps(data), encoding="utf-8")
        return 0
    header = (
        f"{'size':<12} {'scan':<10} {'bytes':>11} {'json.load':>10} {'bare':>7} "
        f"{'load+model':>11} {'scan':>7} {'checks':>8} {'distinct':>8} {'checks/s':>9} "
        f"{'1 check':>8} {'peak MB':>8} {'json MB':>8} {'total/floor':>11} "
        f"{'total/bare':>10}"
    )
    outputs: dict[str, list[str]] = {}
    for pair in filter(None, args.outputs.split(",")):
        size, _, command = pair.partition(":")
        outputs.setdefault(size, []).append(command)
    written: list[str] = []
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            path = Path(tmp) / f"{size}.json"
            # Written by a child: Linux carries a process's peak RSS over into the programs
            # it starts, so a parent that held the snapshot would lend its peak to every
            # measurement (the floor and the scan of large-x2 both read 394 MB).
            subprocess.run([sys.executable, __file__, "--write", size, str(path)], check=True)
            rounds = 1 if size in PATHOLOGICAL else args.repeat
            # A service naming 100,000 subnets: its ENIs add nothing but a second scan.
            modes = ("services",) if size == "wide-100k" else ("services", "all-enis")
            measures = [("floor", FLOOR, ("paused",)), ("bare", FLOOR, ("bare",))]
            measures += [(mode, SCAN, (mode,)) for mode in modes]
            measures += [
                (f"json:{command}", CLI, (command, str(path), "--format", "json"))
                for command in outputs.get(size, ())
            ]
            # Rounds of every measurement, so that a slow spell of a shared machine slows a
            # round, not every try of one column; each column keeps its best.
            runs: dict[str, list[dict[str, float]]] = {}
            for _ in range(rounds):
                for name, code, extra in measures:
                    runs.setdefault(name, []).append(_run(code, path, *extra))
            floor = min(runs["floor"], key=lambda r: r["seconds"])
            bare_run = min(runs["bare"], key=lambda r: r["seconds"])
            bare = bare_run["seconds"]
            for mode in modes:
                best = min(runs[mode], key=lambda r: r["load"] + r["scan"])
                total = best["load"] + best["scan"]
                label = "" if mode == "services" else "--all-enis"
                print(
                    f"{size:<12} {label:<10} {path.stat().st_size:>11,} "
                    f"{floor['seconds']:>9.3f}s {bare:>6.3f}s "
                    f"{best['load']:>10.3f}s {best['scan']:>6.2f}s {best['checks']:>8,} "
                    f"{best['distinct']:>8,} {best['checks'] / best['scan']:>9,.0f} "
                    f"{best['one_check'] * 1000:>6.1f}ms {best['rss_mb']:>8.0f} "
                    f"{floor['rss_mb']:>8.0f} {total / floor['seconds']:>10.1f}x "
                    f"{total / bare:>9.1f}x",
                    flush=True,
                )
            for command in outputs.get(size, ()):
                best = min(runs[f"json:{command}"], key=lambda r: r["seconds"])
                peak = min(r["rss_mb"] for r in runs[f"json:{command}"])
                written.append(
                    f"{size:<12} {command + ' --format json':<20} {best['seconds']:>8.2f}s "
                    f"{best['chars'] / 1e6:>10,.0f} {peak:>8,.0f} {bare_run['rss_mb']:>8,.0f} "
                    f"{peak / bare_run['rss_mb']:>8.1f}x {best['seconds'] / bare:>9.1f}x"
                )
    if written:
        header = (
            f"{'size':<12} {'command':<20} {'time':>9} {'M chars':>10} {'peak MB':>8} "
            f"{'bare MB':>8} {'peak/bare':>9} {'time/bare':>10}"
        )
        print()
        print(header)
        print("-" * len(header))
        print("\n".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
