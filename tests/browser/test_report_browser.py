"""report.html in a real headless Chromium: opens from disk, asks the network for nothing, shows its figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from sasci_sim.experiments.compare import gather
from sasci_sim.experiments.replications import run_replications
from sasci_sim.output.compare_folder import write_comparison
from sasci_sim.output.run_folder import write_results
from tests.support.reports import small


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    long = small("long", funding={"grant_duration_months": 60})
    comparison = gather([small("short"), long, small("flexible", regulation={"flexibility": 0.9})], out)
    folder = write_comparison(comparison, out)
    run = write_results(run_replications(small("single")), out)
    return {"compare": folder / "report.html", "run": run / "report.html"}


def images(page) -> list[dict]:
    return page.eval_on_selector_all(
        "img", "els => els.map(e => ({complete: e.complete, width: e.naturalWidth, shown: e.clientWidth}))"
    )


@pytest.mark.parametrize("kind", ["compare", "run"])
def test_report_opens_from_disk_with_every_image_and_no_errors(
    watched_page, reports: dict[str, Path], kind: str, tmp_path: Path
) -> None:
    page, problems = watched_page.page, watched_page.problems
    url = reports[kind].resolve().as_uri()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")

    assert problems.all() == []
    assert problems.requests == [url]  # the page itself; figures are inline data
    shown = images(page)
    assert len(shown) == (2 if kind == "compare" else 1)
    assert all(img["complete"] and img["width"] > 0 and img["shown"] > 0 for img in shown), shown

    findings = page.locator("#findings ol.findings > li")
    assert findings.count() >= 1 and findings.first.is_visible()
    assert page.locator("#table table tbody tr").count() > 10
    assert page.title()

    shot = tmp_path / f"{kind}-report.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000


def test_compare_report_prints_with_its_figures(watched_page, reports: dict[str, Path], tmp_path: Path) -> None:
    """Print media keeps the figures visible; Chromium can make a PDF of the page to pass on."""
    page = watched_page.page
    page.goto(reports["compare"].resolve().as_uri(), wait_until="load")
    page.emulate_media(media="print")
    assert all(img["shown"] > 0 for img in images(page))
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50_000
    assert watched_page.problems.all() == []


def test_the_checks_catch_a_page_that_needs_the_network(watched_page, tmp_path: Path) -> None:
    """The same checks fail on a page with an external image and a script error (so they can fail)."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><title>bad</title><img src="http://127.0.0.1:9/figure.png" alt="x">'
        '<script>console.error("broken")</script>',
        encoding="utf-8",
    )
    page, problems = watched_page.page, watched_page.problems
    page.goto(bad.resolve().as_uri(), wait_until="load")
    assert [img["width"] for img in images(page)] == [0]
    assert problems.failed_requests and "127.0.0.1:9/figure.png" in problems.failed_requests[0]
    assert "broken" in problems.console_errors
