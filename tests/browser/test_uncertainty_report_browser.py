"""A comparison over posterior draws in a real headless Chromium: the report starts with its headlines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sasci_sim.experiments.uncertainty.decisions import compare_over_draws
from sasci_sim.output.compare_folder import write_comparison
from tests.support.reports import small


def test_the_draws_report_leads_with_headlines_ranking_and_an_embedded_figure(watched_page, tmp_path: Path) -> None:
    post = tmp_path / "post"
    post.mkdir()
    pd.DataFrame({"diffusion.decision_rate_per_month": [0.01, 0.05, 0.09], "weight": [1.0, 1.0, 1.0]}).to_parquet(
        post / "posterior.parquet"
    )
    short = small("short", simulation={"steps": 24, "replications": 2, "seed": 11})
    long = small("long", simulation={"steps": 24, "replications": 2, "seed": 11}, funding={"grant_duration_months": 60})
    comparison = compare_over_draws([short, long], tmp_path / "out", draws=3, posterior=post)
    report = write_comparison(comparison, tmp_path / "out") / "report.html"

    page, problems = watched_page.page, watched_page.problems
    url = report.resolve().as_uri()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    assert problems.all() == []
    assert problems.requests == [url]  # draws.png is embedded too
    first = page.locator("main > section").first
    assert first.get_attribute("id") == "uncertainty" and first.is_visible()
    headlines = first.locator("ul.headlines > li")
    assert headlines.count() == 1 and "3 parameter sets" in headlines.first.inner_text()
    assert "What to measure next" in first.inner_text()
    img = first.locator("img")
    assert img.evaluate("e => e.complete && e.naturalWidth > 0 && e.clientWidth > 0")
