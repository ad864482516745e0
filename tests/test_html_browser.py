"""The ``--html`` page in a real headless browser (issue 16, part 4): Debian's Chromium driven
through Selenium and Debian's chromedriver (no browser download). It loads without console
errors, the filter hides the rows that do not match, the blocked hop is on the screenshot in
its colour, and a name that is markup runs nothing. Skipped, with the reason, where Chromium,
chromedriver or Selenium is absent (.ci/run installs Chromium where apt-get can)."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from netgraph.cli import main
from netgraph.render.diagram import BLOCKED_RGB, PALETTE

from .conftest import SAMPLES, build
from .test_html import evil_snapshot

CHROMIUM = os.environ.get("NETGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NETGRAPH_CHROMEDRIVER", "/usr/bin/chromedriver")


def _missing() -> str | None:
    for what, path in (("Chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)):
        if not (Path(path).is_file() or shutil.which(path)):
            return f"{what} not installed at {path} (apt-get install chromium chromium-driver)"
    return None


if _missing():
    pytest.skip(str(_missing()), allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402

SG_BROKEN = str(SAMPLES / "broken-endpoint-sg-no-443.json")
WIDTH, HEIGHT = 1400, 1000


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    # Selenium must not look for or fetch a driver: both are Debian's.
    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={WIDTH},{HEIGHT}",
        "--force-device-scale-factor=1",
        # Chromium's own calls home: the test touches no address but loopback.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-default-apps",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_report(browser: WebDriver, tmp_path: Path, snapshot: str) -> None:
    """Write the check's page and open it."""
    page = tmp_path / "report.html"
    assert main(["check", snapshot, "--html", str(page)]) == 1
    browser.get_log("browser")  # what an earlier page logged is not this one's
    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"


def console_errors(browser: WebDriver) -> list[dict[str, Any]]:
    return [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]


def visible_rows(browser: WebDriver) -> list[str]:
    """The targets of the table's rows the browser displays."""
    rows = browser.find_elements(By.CSS_SELECTOR, "#checks-table tbody tr")
    return [
        r.find_elements(By.TAG_NAME, "td")[2].text.split("\n")[0] for r in rows if r.is_displayed()
    ]


def checks_json(capfd: pytest.CaptureFixture[str], snapshot: str) -> list[dict[str, Any]]:
    capfd.readouterr()
    assert main(["check", snapshot, "--format", "json"]) == 1
    checks: list[dict[str, Any]] = json.loads(capfd.readouterr().out)["checks"]
    return checks


def test_loads_without_console_errors_and_the_filter_works(
    browser: WebDriver, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    checks = checks_json(capfd, SG_BROKEN)
    open_report(browser, tmp_path, SG_BROKEN)
    assert console_errors(browser) == []
    assert visible_rows(browser) == [c["target"] for c in checks]

    text = browser.find_element(By.ID, "text-filter")
    text.send_keys("subnet-0a11c0ffee0000002")
    want = [c["target"] for c in checks if c["source"]["subnet"] == "subnet-0a11c0ffee0000002"]
    assert 0 < len(want) < len(checks)
    assert visible_rows(browser) == want
    assert browser.find_element(By.ID, "shown").text == str(len(want))

    # Two words: both must match (the subnet, and the blocking security group).
    text.send_keys(" " + build.SG_ENDPOINTS)
    want = [
        c["target"]
        for c in checks
        if c["source"]["subnet"] == "subnet-0a11c0ffee0000002" and c["blocked_at"]
    ]
    assert len(want) > 0 and visible_rows(browser) == want

    text.clear()
    text.send_keys("no such thing")
    assert visible_rows(browser) == []
    assert browser.find_element(By.ID, "shown").text == "0"

    text.clear()
    browser.execute_script(
        "var s = document.getElementById('verdict-filter'); s.value = 'reachable';"
        "s.dispatchEvent(new Event('change'));"
    )
    assert visible_rows(browser) == [c["target"] for c in checks if c["verdict"] == "reachable"]
    assert console_errors(browser) == []


def _colour_share(
    image: Image.Image, box: tuple[int, int, int, int], rgb: tuple[int, ...]
) -> float:
    """The share of the pixels of ``box`` within a small distance of ``rgb``."""
    crop = image.crop(box).convert("RGB")
    total = crop.width * crop.height
    colours = crop.getcolors(maxcolors=total) or []
    near = sum(n for n, p in colours if all(abs(a - b) <= 12 for a, b in zip(p, rgb, strict=True)))
    return near / max(total, 1)


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _box_on_screen(browser: WebDriver, selector: str) -> tuple[int, int, int, int]:
    element = browser.find_element(By.CSS_SELECTOR, selector)
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', inline: 'center'});", element
    )
    # Two animation frames: the page is painted at its new scroll position before the
    # screenshot (on a loaded machine the screenshot once showed the page before it).
    browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "requestAnimationFrame(function () { requestAnimationFrame(function () { done(); }); });"
    )
    rect = browser.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom, window.innerWidth, window.innerHeight];",
        element,
    )
    left, top, right, bottom, width, height = rect
    assert 0 <= left < right <= width and 0 <= top < bottom <= height, rect
    return int(left), int(top), int(right), int(bottom)


def test_screenshot_shows_the_blocked_hop(
    browser: WebDriver, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    checks = checks_json(capfd, SG_BROKEN)
    open_report(browser, tmp_path, SG_BROKEN)
    hop = browser.find_element(By.CSS_SELECTOR, "g.hop.blocked")
    assert hop.get_attribute("data-id") == build.SG_ENDPOINTS
    title = browser.execute_script("return arguments[0].querySelector('title').textContent;", hop)
    reason = next(c["blocked_at"]["reason"] for c in checks if c["blocked_at"])
    assert reason in " ".join(title.split())

    left, top, right, bottom = _box_on_screen(browser, "g.hop.blocked")
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    image = Image.open(io.BytesIO(shot.read_bytes()))
    image.load()
    scale = image.width / browser.execute_script("return window.innerWidth")
    box = tuple(round(v * scale) for v in (left, top, right, bottom))
    fill = _hex(PALETTE["fail"][0])
    # The box is the blocked hop's fill inside, its outline the blocked red.
    assert _colour_share(image, box, fill) > 0.4, box  # type: ignore[arg-type]
    assert _colour_share(image, box, BLOCKED_RGB) > 0.02, box  # type: ignore[arg-type]
    # A hop that admits is not drawn red: the colours tell the hops apart.
    passing = _box_on_screen(browser, "g.hop.verdict-pass")
    assert browser.save_screenshot(str(shot))
    image = Image.open(io.BytesIO(shot.read_bytes()))
    image.load()
    box = tuple(round(v * scale) for v in passing)
    assert _colour_share(image, box, fill) < 0.01  # type: ignore[arg-type]
    assert _colour_share(image, box, _hex(PALETTE["pass"][0])) > 0.4  # type: ignore[arg-type]
    assert console_errors(browser) == []


@pytest.mark.parametrize(
    "name",
    [
        '"><img src=x onerror="window.pwned=1">',
        "</title><script>window.pwned=1</script>",
        "<svg onload=window.pwned=1>",
    ],
)
def test_a_name_that_is_markup_runs_nothing(browser: WebDriver, tmp_path: Path, name: str) -> None:
    open_report(browser, tmp_path, evil_snapshot(tmp_path, name))
    assert browser.execute_script("return window.pwned === undefined")
    # No CSP report either: nothing was even tried (the escaping, not the CSP, stopped it).
    assert console_errors(browser) == []
    assert "web" + name in browser.find_element(By.ID, "checks-table").text
    hop = browser.find_element(By.CSS_SELECTOR, "g.hop.blocked")
    assert hop.get_attribute("data-id") == build.SG_ENDPOINTS + name
