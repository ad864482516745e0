"""``--html FILE`` (issue 16, part 4): one self-contained page with the summary, the checks,
the fixes and the diagram; snapshot data never becomes markup. The page in a real browser:
test_html_browser.py."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from netgraph.cli import main
from netgraph.render import html as html_format
from netgraph.render.diagram import BLOCKED_RGB, PALETTE

from .conftest import SAMPLES, build, run_main, sample_data

SG_BROKEN = str(SAMPLES / "broken-endpoint-sg-no-443.json")
# Names that are markup, or that close what they sit in (an attribute, a <title>, a comment).
EVIL = [
    "<script>window.pwned=1</script>",
    '"><img src=x onerror="window.pwned=1">',
    "</title><script>window.pwned=1</script>",
    "--><svg onload=window.pwned=1>",
    "'onmouseover='window.pwned=1",
]
# The page's own vocabulary (HTMLParser lowercases the SVG's clipPath).
ALLOWED_TAGS = {
    "html", "head", "meta", "link", "title", "style", "body", "header", "h1", "h2", "h3",
    "section", "p", "span", "strong", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th",
    "td", "code", "small", "br", "details", "summary", "div", "label", "select", "option",
    "input", "a", "pre", "script", "svg", "g", "path", "defs", "use", "clippath", "rect",
}  # fmt: skip


class Page(HTMLParser):
    """Every start tag with its attributes, the text, and the inline script."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


def run(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capfd.readouterr()
    return code, out, err


def report(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, *argv: str, name: str = "r.html"
) -> tuple[int, str, dict[str, Any]]:
    """The page of ``argv`` (a command and its snapshot) and the same run's JSON."""
    path = tmp_path / name
    code, _, err = run(capfd, *argv, "--html", str(path))
    assert path.is_file(), err
    json_code, out, _ = run(capfd, *argv, "--format", "json")
    assert json_code == code
    return code, path.read_text(encoding="utf-8"), json.loads(out)


@pytest.fixture(scope="module")
def _sg_broken_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Any]:
    path = tmp_path_factory.mktemp("page") / "r.html"
    page = run_main("check", SG_BROKEN, "--html", str(path))
    assert path.is_file(), page.stderr
    as_json = run_main("check", SG_BROKEN, "--format", "json")
    assert as_json.returncode == page.returncode
    return page.returncode, path.read_text(encoding="utf-8"), json.loads(as_json.stdout)


@pytest.fixture
def sg_broken_report(_sg_broken_report: tuple[int, str, Any]) -> tuple[int, str, Any]:
    """report(..., "check", SG_BROKEN), made once for the tests that only read it (each gets
    its own copy of the JSON)."""
    code, page, doc = _sg_broken_report
    return code, page, copy.deepcopy(doc)


def evil_snapshot(tmp_path: Path, name: str) -> str:
    """broken-endpoint-sg-no-443 with ``name`` in the service's name and in the id of the
    security group that blocks (so in blocked_at, the fix, the diagram's boxes)."""
    data = sample_data("broken-endpoint-sg-no-443")
    escaped = json.dumps(name)[1:-1]
    data = json.loads(json.dumps(data).replace(build.SG_ENDPOINTS, build.SG_ENDPOINTS + escaped))
    data["services"][0]["serviceName"] = "web" + name
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def svg_of(page: str) -> ET.Element:
    """The inline SVG, read back as XML (it is written as XML)."""
    match = re.search(r"<svg .*?</svg>", page, re.S)
    assert match is not None, "no inline SVG"
    return local_names(ET.fromstring(match.group()))


def local_names(root: ET.Element) -> ET.Element:
    """``root`` with its tags without the SVG namespace (HTML writes them without)."""
    for e in root.iter():
        e.tag = e.tag.rpartition("}")[2]
    return root


# ---- what the page holds ------------------------------------------------------------------


def test_check_page_summary_table_and_fixes_match_the_json(
    sg_broken_report: tuple[int, str, Any],
) -> None:
    code, page, doc = sg_broken_report
    assert code == 1
    p = Page(page)
    rows = p.all("tr")
    verdicts = [r["data-verdict"] for r in rows if "data-verdict" in r]
    assert verdicts == [c["verdict"] for c in doc["checks"]]
    text = " ".join("".join(p.text).split())
    assert "8 blocked" in text and "2 reachable" in text and "2 allowed" in text
    assert "exit code 1: at least one check is blocked or denied" in text
    current = re.search(r"<tr class=current><td>(\d)</td>", page)
    assert current is not None and current.group(1) == "1"
    fixes = [a["id"] for t, a in p.tags if t == "li" and (a.get("id") or "").startswith("fix-")]
    assert fixes == [f["id"] for f in doc["fixes"]]
    for fix in doc["fixes"]:
        assert fix["fix"] in text
        for command in fix["commands"]:
            assert command in text
    # Each blocked row links to the fix that covers it.
    links = [a["href"] for a in p.all("a")]
    assert links.count("#fix-1") == len(doc["fixes"][0]["resolves"])


def test_search_text_is_source_target_and_blocking_hop(
    sg_broken_report: tuple[int, str, Any],
) -> None:
    _, page, doc = sg_broken_report
    rows = [a for t, a in Page(page).tags if t == "tr" and "data-search" in a]
    for row, check in zip(rows, doc["checks"], strict=True):
        search = str(row["data-search"])
        assert check["source"]["subnet"] in search and check["target"] in search
        assert "service web" in search
        blocked = check["blocked_at"]
        assert (blocked is not None) == ("sg-0e0e0e0e0e0e0e0e2" in search)


def test_page_is_self_contained(sg_broken_report: tuple[int, str, Any]) -> None:
    _, page, _ = sg_broken_report
    p = Page(page)
    for tag, attrs in p.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:")), (tag, name, value)
    assert p.all("script") == [{}]  # one inline script, no src
    assert not [a for a in p.all("link") if a.get("rel") != "icon"]
    assert "@import" not in page and not re.search(r"url\((?!#)", page)
    # The CSP lets only this page's script run, by its hash: the hash must be the script's.
    csp = p.all("meta", http_equiv="Content-Security-Policy")
    assert len(csp) == 1
    policy = str(csp[0]["content"])
    assert "default-src 'none'" in policy
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(p.scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy


def test_diagram_boxes_carry_their_hop_and_reason(
    sg_broken_report: tuple[int, str, Any],
) -> None:
    _, page, doc = sg_broken_report
    svg = svg_of(page)
    hops = [g for g in svg.iter("g") if "hop" in (g.get("class") or "").split()]
    assert len(hops) > 10
    for g in hops:
        title = g.find("title")
        assert title is not None and title.text and g.get("data-id", "") in title.text
    blocked = [g for g in hops if "blocked" in (g.get("class") or "").split()]
    reason = doc["checks"][0]["blocked_at"]["reason"]
    assert [g.get("data-id") for g in blocked] == ["sg-0e0e0e0e0e0e0e0e2"]
    assert "verdict-fail" in (blocked[0].get("class") or "")
    title = blocked[0].find("title")
    assert title is not None and reason in " ".join(str(title.text).split())
    # The drawn box of the blocked hop is red (the picture's colours, not a style of ours).
    fill, _, _ = PALETTE["fail"]
    styles = " ".join(p.get("style", "") for p in blocked[0].iter("path"))
    assert fill in styles and "#{:02x}{:02x}{:02x}".format(*BLOCKED_RGB) in styles
    # Every id is this diagram's, every reference stays in the page.
    ids = [e.get("id") for e in svg.iter() if e.get("id")]
    assert ids and all(str(i).startswith("d0-") for i in ids)
    known = set(ids)
    for e in svg.iter():
        href = e.get("href")
        if href is not None:
            assert href[1:] in known
        for ref in re.findall(r"url\(#([^)]+)\)", " ".join(e.attrib.values())):
            assert ref in known


def test_written_twice_the_page_is_the_same(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert run(capfd, "check", SG_BROKEN, "--html", str(a))[0] == 1
    assert (
        run(capfd, "check", SG_BROKEN, "--html", str(b), "--svg", str(tmp_path / "c.svg"))[0] == 1
    )
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize(
    ("sample", "code", "current"),
    [("healthy-endpoints", 0, "every check passed"), ("unknown-custom-dns", 3, "unknown")],
)
def test_exit_code_meaning_follows_the_verdicts(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, sample: str, code: int, current: str
) -> None:
    got, page, doc = report(capfd, tmp_path, "check", str(SAMPLES / f"{sample}.json"))
    assert got == code
    said = re.search(r'<p id="exit-code">exit code <strong>(\d)</strong>: ([^<]*)</p>', page)
    assert said is not None and said.group(1) == str(code) and current in said.group(2)
    assert ('id="fixes"' in page) == bool(doc["fixes"])


# ---- scan ---------------------------------------------------------------------------------


def test_scan_page(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, page, doc = report(capfd, tmp_path, "scan", SG_BROKEN)
    assert code == 1
    p = Page(page)
    verdicts = [a["data-verdict"] for t, a in p.tags if t == "tr" and "data-verdict" in a]
    assert verdicts == [c["verdict"] for c in doc["checks"]]
    text = " ".join("".join(p.text).split())
    assert f"{doc['summary']['checks']} checks of {doc['summary']['sources']} sources" in text
    assert "Most common blocking hops" in text and "sg-0e0e0e0e0e0e0e0e2" in text
    blocked = [g for g in svg_of(page).iter("g") if "blocked" in (g.get("class") or "")]
    assert {g.get("data-id") for g in blocked} == {"sg-0e0e0e0e0e0e0e0e2"}


def test_a_large_scan_lists_what_does_not_pass_first(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_format, "ROW_LIMIT", 9)
    monkeypatch.setattr(html_format, "DIAGRAM_SOURCES", 1)
    _, page, doc = report(capfd, tmp_path, "scan", SG_BROKEN)
    p = Page(page)
    rows = [a for t, a in p.tags if t == "tr" and "data-verdict" in a]
    failing = sum(1 for c in doc["checks"] if c["verdict"] not in ("reachable", "allowed"))
    assert len(rows) == 9 and failing == 8
    assert sum(1 for r in rows if r["data-verdict"] == "blocked") == 8
    text = " ".join("".join(p.text).split())
    assert f"9 of {len(doc['checks'])} checks are listed" in text
    sources = len({c["source"]["subnet"] for c in doc["checks"]})
    assert f"the first 1 sources with a check that does not pass are drawn; {sources - 1}" in text


# ---- snapshot data is never markup --------------------------------------------------------


@pytest.mark.parametrize("name", EVIL)
def test_names_from_the_snapshot_are_text_not_markup(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    snapshot = evil_snapshot(tmp_path, name)
    code, page, doc = report(capfd, tmp_path, "check", snapshot)
    assert code == 1
    assert doc["checks"][0]["blocked_at"]["id"] == build.SG_ENDPOINTS + name
    p = Page(page)
    tags = {t for t, _ in p.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert len(p.all("script")) == 1 and "pwned" not in p.scripts[0]
    for tag, attrs in p.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
    text = "".join(p.text)
    assert "web" + name in text  # shown, as text
    # The SVG is still well-formed XML, and the name is in the blocked box's title.
    blocked = [g for g in svg_of(page).iter("g") if "blocked" in (g.get("class") or "")]
    assert [g.get("data-id") for g in blocked] == [build.SG_ENDPOINTS + name]
    title = blocked[0].find("title")
    assert title is not None and build.SG_ENDPOINTS + name in str(title.text)


def test_control_characters_are_escaped(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, page, _ = report(capfd, tmp_path, "check", evil_snapshot(tmp_path, "\x1b]0;x\x07\ud800"))
    assert code == 1
    assert "\x1b" not in page and "\x07" not in page
    assert "\\x1b]0;x\\x07\\ud800" in page


def test_inline_svg_keeps_only_svg_and_local_references() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10pt" height="10pt" viewBox="0 0 10 10" onload="x()">'
        "<!-- a label --><metadata>m</metadata><style>*{}</style>"
        '<script>x()</script><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">'
        "hi</div></foreignObject>"
        '<defs><clipPath id="p1"><rect x="0" y="0" width="1" height="1"/></clipPath>'
        '<path id="glyph" d="M 0 0"/></defs>'
        '<g id="hop-0" onclick="x()"><path d="M 0 0" clip-path="url(#p1)" '
        'style="fill: url(http://example.com/a)"/></g>'
        '<use xlink:href="#glyph"/><use xlink:href="http://example.com/#x"/>'
        '<a href="javascript:x()"><path d="M 1 1"/></a>'
        "</svg>"
    )
    node = {"verdict": "fail", "blocked": True, "aws_id": "sg-1<b>", "reason": "</title>"}
    out = html_format.inline_svg(svg, "d7-", [node], "<label>")
    root = local_names(ET.fromstring(out))
    tags = {e.tag for e in root.iter()}
    assert tags == {"svg", "defs", "clipPath", "rect", "path", "g", "use", "title"}
    assert "onload" not in out and "onclick" not in out and "example.com" not in out
    assert "javascript" not in out and "a label" not in out
    clip = root.find("defs/clipPath")
    assert clip is not None and clip.get("id") == "d7-p1"
    hop = root.find("g")
    assert hop is not None and hop.get("id") == "d7-hop-0"
    assert hop.get("class") == "hop verdict-fail blocked" and hop.get("data-id") == "sg-1<b>"
    path = hop.find("path")
    assert path is not None and path.get("clip-path") == "url(#d7-p1)"
    assert path.get("style") is None  # its url() left the page
    hop_title = hop.find("title")
    assert hop_title is not None and "</title>" in str(hop_title.text)
    assert [u.get("href") for u in root.iter("use")] == ["#d7-glyph", None]
    assert "&lt;/title&gt;" in out and root.get("aria-label") == "<label>"


# ---- where it may write -------------------------------------------------------------------


def test_html_over_the_snapshot_is_refused(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    snapshot = tmp_path / "snap.json"
    snapshot.write_text(json.dumps(sample_data("broken-endpoint-sg-no-443")), encoding="utf-8")
    before = snapshot.read_bytes()
    for command in ("check", "scan"):
        code, out, err = run(capfd, command, str(snapshot), "--html", str(snapshot))
        assert code == 2 and out == ""
        assert f"--html {snapshot} is the snapshot" in err
        assert snapshot.read_bytes() == before
    code, _, err = run(
        capfd, "check", str(snapshot), "--svg", str(tmp_path / "x"), "--html", str(tmp_path / "x")
    )
    assert code == 2 and "name the same file" in err


def test_unwritable_html_is_bad_input(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capfd, "check", SG_BROKEN, "--html", str(tmp_path / "no" / "r.html"))
    assert code == 2
    assert "cannot write the HTML report" in err and "Traceback" not in err


def test_html_over_the_plan_is_refused(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fixture = SAMPLES.parent / "tests" / "fixtures" / "plans" / "delete-endpoint"
    if not (fixture / "tfplan.json").is_file():
        pytest.skip(f"the plan fixture {fixture} is not in this checkout")
    plan = tmp_path / "tfplan.json"
    plan.write_bytes((fixture / "tfplan.json").read_bytes())
    before = plan.read_bytes()
    snapshot = str(fixture / "snapshot.json")
    for command, other in (("check", "--svg"), ("scan", "--heatmap")):
        code, out, err = run(capfd, command, snapshot, "--plan", str(plan), "--html", str(plan))
        assert code == 2 and out == "" and f"--html {plan}" in err
        code, _, err = run(capfd, command, snapshot, "--plan", str(plan), other, str(plan))
        assert code == 2 and f"{other} {plan}" in err
    assert plan.read_bytes() == before


def test_diff_page_lists_the_changes_and_draws_what_gets_worse(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fixture = SAMPLES.parent / "tests" / "fixtures" / "plans" / "delete-endpoint"
    if not (fixture / "tfplan.json").is_file():
        pytest.skip(f"the plan fixture {fixture} is not in this checkout")
    argv = ("diff", str(fixture / "snapshot.json"), "--plan", str(fixture / "tfplan.json"))
    code, page, doc = report(capfd, tmp_path, *argv)
    assert code == 1
    p = Page(page)
    rows = [a for t, a in p.tags if t == "tr" and "data-verdict" in a]
    assert [r["data-verdict"] for r in rows] == [c["change"] for c in doc["changes"]]
    assert doc["summary"]["worse"] == 2
    said = re.search(r'<p id="exit-code">exit code <strong>(\d)</strong>', page)
    assert said is not None and said.group(1) == "1"
    text = " ".join("".join(p.text).split())
    for change in doc["changes"]:
        assert " ".join(change["message"].split()) in text
    blocked = [g for g in svg_of(page).iter("g") if "blocked" in (g.get("class") or "")]
    assert {g.get("data-id") for g in blocked} == {c["hop"]["id"] for c in doc["changes"]}
    plan = tmp_path / "tfplan.json"
    plan.write_bytes((fixture / "tfplan.json").read_bytes())
    code, out, err = run(capfd, argv[0], argv[1], "--plan", str(plan), "--html", str(plan))
    assert code == 2 and out == "" and f"--html {plan}" in err
    assert plan.read_bytes() == (fixture / "tfplan.json").read_bytes()
