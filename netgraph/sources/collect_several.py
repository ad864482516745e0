"""Several accounts and Regions collected at once: one ``Collector`` per (profile, Region),
run concurrently in threads (the AWS calls are I/O-bound), one progress display for all,
and one subfolder per account and Region in the layout ``sources/accounts.py`` reads
(snapshot-format.md "Several accounts"):

    OUT/<profile>.<region>/snapshot.json     (a profile of "" -- the default -- is "default")

Each job is as read-only and as fault-tolerant as one ``collect`` (its failed calls are in
its own ``CollectionErrors``). A job that cannot collect at all (no credentials for a
profile, an endpoint that cannot be reached) fails the whole run, naming it: no folder is
written then, rather than a folder that silently lacks an account.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netgraph.sources.collect import CollectError, Collector, write_snapshot

# Threads in flight: the calls wait on the network, and AWS throttles per account and Region
# (each job has its own clients and adaptive retry), so a few more than the cores is enough.
MAX_WORKERS = 8


@dataclass(frozen=True)
class Job:
    profile: str | None
    region: str

    @property
    def label(self) -> str:
        return f"{self.profile or 'default'}/{self.region}"

    @property
    def folder(self) -> str:
        return f"{self.profile or 'default'}.{self.region}"


class Progress:
    """One display for every job: on a terminal, one line that shows how many jobs are done
    and the latest call of the job that spoke last; otherwise plain lines, each naming its
    job. Safe to call from several threads."""

    def __init__(self, total: int, out: Callable[[str], None] | None = None) -> None:
        self.total = total
        self.done = 0
        self._lock = threading.Lock()
        self._tty = out is None and sys.stderr.isatty()
        self._out = out or (lambda line: print(line, file=sys.stderr))

    def line(self, job: Job) -> Callable[[str], None]:
        def show(text: str) -> None:
            with self._lock:
                head = f"[{self.done}/{self.total} done] {job.label}: {text.strip()}"
                if self._tty:
                    sys.stderr.write("\r\033[K" + head[:100])
                    sys.stderr.flush()
                else:
                    self._out(head)

        return show

    def finished(self, job: Job) -> None:
        with self._lock:
            self.done += 1
        self.line(job)("finished")

    def end(self) -> None:
        if self._tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def jobs_of(profiles: Sequence[str], regions: Sequence[str]) -> list[Job]:
    """Every (profile, Region): ``profiles`` empty is the default credentials."""
    chosen: list[str | None] = list(profiles) or [None]
    return [Job(p, r) for p in chosen for r in regions]


def collect_several(
    jobs: Sequence[Job],
    *,
    endpoint_url: str | None = None,
    vpc_ids: Sequence[str] = (),
    clusters: Sequence[str] = (),
    services: Sequence[str] = (),
    keep_environment: bool = False,
    timeouts: dict[str, float] | None = None,
    progress: Progress | None = None,
    session: Callable[[Job], Any] | None = None,
) -> dict[Job, dict[str, Any]]:
    """Each job's snapshot, collected concurrently. ``session``: the boto3 session of a job
    (tests); by default one of its profile. Raises ``CollectError`` naming the job that could
    not collect (the first, in job order)."""
    shown = progress or Progress(len(jobs))

    def run(job: Job) -> dict[str, Any]:
        collector = Collector(
            region=job.region,
            profile=job.profile,
            endpoint_url=endpoint_url,
            progress=shown.line(job),
            keep_environment=keep_environment,
            session=session(job) if session else None,
        )
        for option, value in (timeouts or {}).items():
            setattr(collector, option, value)
        data = collector.collect(vpc_ids, clusters, services)
        shown.finished(job)
        return data

    results: dict[Job, dict[str, Any]] = {}
    failures: list[str] = []
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(jobs)) or 1) as pool:
        futures = [(job, pool.submit(run, job)) for job in jobs]
        for job, future in futures:
            try:
                results[job] = future.result()
            except CollectError as exc:
                failures.append(f"{job.label}: {exc}")
    shown.end()
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise CollectError(f"{failures[0]}{more}; nothing was written")
    return results


def write_several(folder: str, results: dict[Job, dict[str, Any]]) -> list[str]:
    """One subfolder per job, each with its snapshot.json (0600, in folders of 0700): the
    files written."""
    out = Path(folder)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for job, data in results.items():
        sub = out / job.folder
        sub.mkdir(mode=0o700, exist_ok=True)
        path = os.path.join(sub, "snapshot.json")
        write_snapshot(path, data)
        written.append(path)
    return written
