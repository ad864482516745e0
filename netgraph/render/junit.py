"""``--format junit``: JUnit XML, the test report every CI system shows (GitLab's
``artifacts:reports:junit``, Jenkins, Azure DevOps, GitHub test-report actions).

One ``<testcase>`` per check: ``classname`` its source (``service web (cluster app) in
subnet-…``), ``name`` its target. ``blocked``/``denied`` is a ``<failure>`` whose message names
the blocking hop and whose text gives the reason, the fix and the path; ``unknown`` is
``<skipped>`` with its reason (not verified, not failed); ``reachable``/``allowed`` passes.
For ``diff``, one ``<testcase>`` per changed check: a regression is a ``<failure>``, a new
``unknown`` check and a check the change removes are ``<skipped>``, a mended or new passing
check passes.

Written a test case at a time: a scan of a large account has 100,000 checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar, TextIO
from xml.sax.saxutils import escape, quoteattr

from netgraph.diff import Change
from netgraph.reach import PASSING, Trace
from netgraph.render.ci import addresses_of, blamed, named, source_name
from netgraph.render.diff import DiffReport, message, summary_line
from netgraph.render.format import Report, StreamFormat
from netgraph.render.sarif import rule_of

# What XML 1.0 cannot hold at all, even as a character reference (C0 but tab, newline and
# carriage return, lone surrogates, U+FFFE/U+FFFF), and DEL and C1, which some terminals obey
# when a report is printed: written as visible escapes instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _attr(text: str) -> str:
    return quoteattr(_clean(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _body(text: str) -> str:
    return escape(_clean(text))


class _Case:
    """One ``<testcase>``: its outcome (None: passed), message and text."""

    def __init__(
        self,
        classname: str,
        name: str,
        outcome: str | None = None,
        message: str = "",
        text: str = "",
        kind: str = "",
    ) -> None:
        self.classname = classname
        self.name = name
        self.outcome = outcome  # failure | skipped | None
        self.message = message
        self.text = text
        self.kind = kind

    def xml(self) -> str:
        head = f'    <testcase classname={_attr(self.classname)} name={_attr(self.name)} time="0"'
        if self.outcome is None:
            if self.text:
                return (
                    f"{head}>\n      <system-out>{_body(self.text)}</system-out>\n    </testcase>\n"
                )
            return f"{head}/>\n"
        kind = f" type={_attr(self.kind)}" if self.kind and self.outcome == "failure" else ""
        inner = f"<{self.outcome} message={_attr(self.message)}{kind}"
        inner += f">{_body(self.text)}</{self.outcome}>" if self.text else "/>"
        return f"{head}>\n      {inner}\n    </testcase>\n"


def _path(trace: Trace) -> str:
    return "\n".join(
        f"  {h.status:<7} {h.id} ({h.kind}{', return' if h.leg == 'return' else ''}): {h.reason}"
        for h in trace.hops
    )


def _of_trace(trace: Trace, names: dict[str, str]) -> _Case:
    classname, name = source_name(trace.source), trace.target
    if trace.verdict in PASSING:
        return _Case(classname, name)
    hop = blamed(trace)
    at = f" at {named(hop.id, names)} ({hop.kind})" if hop is not None else ""
    said = f"{trace.verdict}{at}: {trace.reason}"
    if trace.verdict == "unknown":
        return _Case(classname, name, "skipped", said)
    text = said + (f"\nfix: {trace.fix}" if trace.fix else "") + f"\npath:\n{_path(trace)}"
    return _Case(classname, name, "failure", said, text, rule_of(trace))


def _of_change(change: Change, subject: str, names: dict[str, str]) -> _Case:
    trace = change.trace
    classname, name = source_name(trace.source), trace.target
    said = message(change, subject, names)
    if change.regression and change.after is None:  # a source AFTER cannot list
        return _Case(classname, name, "failure", said, said, "NETGRAPH_UNKNOWN")
    if change.regression:
        after = change.after
        assert after is not None
        text = said + (f"\nfix: {after.fix}" if after.fix else "")
        text += f"\npath after:\n{_path(after)}"
        return _Case(classname, name, "failure", said, text, rule_of(after) or change.movement)
    if change.movement == "disappeared" or change.verdict_after == "unknown":
        return _Case(classname, name, "skipped", said)
    return _Case(classname, name, None, text=said)


def _cases(report: Report) -> Iterator[_Case]:
    names = dict(addresses_of(report.snapshot))
    if isinstance(report, DiffReport):
        names = {**addresses_of(report.before), **names, **report.addresses}
        for change in report.diff.changes:
            yield _of_change(change, report.subject, names)
        return
    for trace in report.traces:
        yield _of_trace(trace, names)


def _counts(report: Report) -> tuple[int, int, int]:
    """Test cases, failures and skipped, counted before the cases are written (the suite's
    attributes come first)."""
    if isinstance(report, DiffReport):
        changes = report.diff.changes
        failures = sum(1 for c in changes if c.regression)
        skipped = sum(
            1
            for c in changes
            if not c.regression and (c.movement == "disappeared" or c.verdict_after == "unknown")
        )
        return len(changes), failures, skipped
    verdicts = [t.verdict for t in report.traces]
    failures = sum(1 for v in verdicts if v not in PASSING and v != "unknown")
    skipped = sum(1 for v in verdicts if v == "unknown")
    return len(verdicts), failures, skipped


class JunitFormat(StreamFormat):
    """``--format junit``: one ``<testsuite>`` of the run's checks."""

    name: ClassVar[str] = "junit"
    commands: ClassVar[frozenset[str]] = frozenset({"check", "path", "scan", "diff"})

    def write(self, report: Report, out: TextIO) -> None:
        tests, failures, skipped = _counts(report)
        title = report.title
        snap = report.snapshot
        counts = f'tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}"'
        seconds = f'time="{report.seconds:.3f}"'
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f"<testsuites name={_attr(f'netgraph {report.command}')} {counts} {seconds}>\n")
        out.write(f"  <testsuite name={_attr(title)} {counts} {seconds}>\n")
        out.write("    <properties>\n")
        props = [("command", report.command), ("region", snap.region)]
        if snap.account_id:
            props.append(("account_id", snap.account_id))
        if isinstance(report, DiffReport):
            props.append(("summary", summary_line(report.diff)))
        for key, value in props:
            out.write(f"      <property name={_attr(key)} value={_attr(value)}/>\n")
        out.write("    </properties>\n")
        for case in _cases(report):
            out.write(case.xml())
        out.write("  </testsuite>\n</testsuites>\n")
        out.flush()


__all__ = ["JunitFormat"]
