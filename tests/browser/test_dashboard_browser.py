"""The teaching page in a real headless Chromium, served by ``sasci-sim dashboard`` as a subprocess.

One walk through a lesson, as a teacher would: the page loads with no request leaving the
machine, every lever's value is written beside it (not only while dragged), no Mesa control or
word a class would not understand shows, a slider moves, Reset applies it, the model steps, the
chart and counts change, Play runs and pauses, another lesson switches in, and screenshots are
saved (paths printed). Each Step's latency (click to redrawn chart) is measured and printed.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.support.dashboard import served_dashboard

pytestmark = pytest.mark.slow

#: What Mesa's SolaraViz frame would show and a class would not understand.
MESA_JARGON = ("Play Interval", "Render Interval", "Use Threads", "PAGE 0", "Page 0", "Time:", "Model Parameters")
LOCAL_SCHEMES = {"blob", "data", "about"}


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``sasci-sim dashboard`` on a free loopback port: started, waited for, stopped (and checked to stop)."""
    with served_dashboard(tmp_path_factory.mktemp("dashboard") / "server.log") as url:
        yield url


def text_js(selector: str) -> str:
    """JavaScript for an element's text, empty while SolaraViz is re-mounting it."""
    return f"(document.querySelector('{selector}')?.innerText || '')"


def month_of(page) -> int:
    text = page.locator(".sasci-month").inner_text()
    found = re.search(r"Month (\d+) of", text)
    assert found, text
    return int(found.group(1))


def image_src(page, panel: str) -> str:
    return page.locator(f".{panel} img").get_attribute("src") or ""


def counts_text(page) -> str:
    return (
        " | ".join(page.locator(".sasci-count").all_inner_texts()) + " | " + page.locator(".sasci-cliff").inner_text()
    )


def shoot(page, folder: Path, name: str, capsys: pytest.CaptureFixture) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, "screenshot looks empty"
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def test_teaching_page_in_chromium(
    dashboard_url: str, watched_page, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page, problems = watched_page.page, watched_page.problems
    shots = Path(os.environ.get("SASCI_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.set_default_timeout(60_000)

    # It loads: the funding-cliff lesson, its narrative, the panels and the sidebar controls.
    page.goto(dashboard_url)
    page.locator(".sasci-cliff-count").wait_for()
    assert "Lesson: The funding cliff" in page.locator(".sasci-lesson-picker").inner_text()
    narrative = " ".join(page.locator(".sasci-narrative").all_inner_texts())
    for heading in ("What to try", "What to look for", "What the evidence says"):
        assert heading in narrative
    claim = page.locator(".sasci-claim").inner_text()  # the lesson's claim over the posterior
    assert claim.startswith("Over what we do not know: ") and "lesson" in claim, claim
    assert month_of(page) == 0
    assert "800 providers" in page.locator(".sasci-month").inner_text()
    for panel in ("sasci-map", "sasci-curves"):
        assert image_src(page, panel), f"{panel} has no image"
    # Every lever's value is visible without touching it, and nothing of Mesa's frame shows.
    sidebar = page.locator(".sasci-controls").inner_text()
    for shown in (
        "Grant length (months): 24",
        "Regulatory flexibility (0 rigid, 1 flexible): 0.30",
        "Providers (teaching size, at most 1,000): 800",
        "Council areas: 10",
        "Months per frame while playing: 1",
    ):
        assert shown in sidebar, (shown, sidebar)
    body = page.locator("body").inner_text()
    for word in MESA_JARGON:
        assert word not in body, f"{word!r} shows on the page"
    assert "What students ask" in narrative
    assert page.locator(".sasci-map img").bounding_box()["width"] >= 700, "the map is too small for a projector"
    shoot(page, shots, "dashboard-loaded", capsys)

    # A slider moves; Reset builds a run with it (the Tally reports the running model's levers).
    providers = page.get_by_role("slider", name=re.compile(r"^Providers"))
    providers.focus()
    providers.press("End")
    assert providers.get_attribute("aria-valuenow") == "1000"
    grant = page.get_by_role("slider", name=re.compile(r"^Grant length \(months\)"))
    grant.focus()
    grant.press("ArrowRight")
    assert grant.get_attribute("aria-valuenow") == "30"
    page.wait_for_function(f"() => {text_js('.sasci-controls')}.includes('Grant length (months): 30')")
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function(
        f"() => {text_js('.sasci-month')}.includes('1,000 providers')"
        f" && {text_js('.sasci-levers')}.includes('grants 30 months')"
    )
    assert month_of(page) == 0

    # The model steps; each step redraws the chart. Latency: click to the new chart image.
    counts_at_start = counts_text(page)
    latencies = []
    for expected in range(1, 6):
        curves_before = image_src(page, "sasci-curves")
        started = time.perf_counter()
        page.get_by_role("button", name="Step").click()
        page.wait_for_function(
            "([before, month]) => (document.querySelector('.sasci-curves img')?.src || before) !== before"
            f" && {text_js('.sasci-month')}.includes(`Month ${{month}} of`)",
            arg=[curves_before, expected],
        )
        latencies.append(time.perf_counter() - started)
        assert month_of(page) == expected
    median = statistics.median(latencies)
    with capsys.disabled():
        print(
            f"\nstep latency at 1,000 providers (click to redrawn chart): median {median:.3f} s, "
            f"all {', '.join(f'{x:.3f}' for x in latencies)}"
        )
    assert median < 2.0, f"a step took {median:.2f} s to show (the page should answer well under a second)"

    # Play runs it on; pause stops it. The counts and both images have changed since month 0.
    map_before = image_src(page, "sasci-map")
    page.get_by_role("button", name="▶").click()
    page.wait_for_function(
        f"() => /Month (2[4-9]|[3-9]\\d|1\\d\\d) of/.test({text_js('.sasci-month')})", timeout=120_000
    )
    page.get_by_role("button", name="❚❚").click()
    expect(page.get_by_role("button", name="Step")).to_be_enabled()
    time.sleep(1.0)  # a step already under way when pause was pressed may still land
    paused_at = month_of(page)
    time.sleep(1.5)
    assert month_of(page) == paused_at, "the model kept running after pause"
    assert paused_at >= 24
    assert image_src(page, "sasci-map") != map_before
    assert counts_text(page) != counts_at_start
    why = page.locator(".sasci-why").inner_text()
    assert "for other reasons" not in why and "Given up: " in why, why
    shoot(page, shots, "dashboard-after-two-years", capsys)

    # Another lesson switches in: its narrative, innovation, levers, and a fresh run at month 0.
    page.locator(".sasci-lesson-picker").click()
    page.get_by_role("option", name="Lesson: Red tape and systems innovations").click()
    page.wait_for_function(f"() => {text_js('.sasci-levers')}.includes('regulatory flexibility 0.10')")
    assert "delegated-health-tasks" in page.locator(".sasci-innovation-picker").inner_text()
    assert "delegated-health-tasks" in " ".join(page.locator(".sasci-narrative").all_inner_texts())
    assert month_of(page) == 0
    assert "800 providers" in page.locator(".sasci-month").inner_text()
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(f"() => {text_js('.sasci-month')}.includes('Month 1 of')")
    shoot(page, shots, "dashboard-red-tape-lesson", capsys)

    # Nothing went wrong in the browser, and nothing was fetched from beyond this machine.
    assert problems.all() == [], problems.all()
    remote = [
        u for u in problems.requests if urlparse(u).scheme not in LOCAL_SCHEMES and urlparse(u).hostname != "127.0.0.1"
    ]
    assert remote == [], f"the page fetched from beyond this machine: {remote[:5]}"
