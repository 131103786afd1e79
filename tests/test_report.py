"""report.html: self-contained, built from the results, escaped, and written by every run and compare."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.compare import gather
from sasci_sim.experiments.replications import run_replications
from sasci_sim.output.compare_folder import write_comparison
from sasci_sim.output.findings import comparison_headline, run_findings
from sasci_sim.output.report import compare_table
from sasci_sim.output.run_folder import write_results
from sasci_sim.output.wording import figure, scenario_title
from tests.support.reports import long_funding, small

#: A funder list that differs from the default one (a single grant funder for every kind).
GRANT_JOINT_FUND = {"name": "joint health and social care fund", "budget_share": 1.0, "covers_double_running": True}
VOID = {"meta", "link", "img", "br", "hr", "input", "source", "col", "area", "base", "embed", "track", "wbr"}


class Page(HTMLParser):
    """Tags, attributes and text of a page, and whether its elements nest properly."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def assert_self_contained(text: str) -> Page:
    page = Page(text)
    assert page.problems == [] and page.stack == []
    assert page.all("script") == [] and page.all("iframe") == [] and page.all("object") == []
    assert "@import" not in text and "url(" not in text
    for attrs in page.all("link"):
        assert attrs.get("href", "").startswith("data:"), attrs
    for attrs in page.all("img"):
        assert attrs["src"].startswith("data:image/png;base64,"), attrs["src"][:40]
        assert attrs.get("alt")
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset", "poster"):
            value = attrs.get(name)
            assert value is None or value.startswith(("data:", "#")), (tag, name, value[:60])
    return page


def embedded(page: Page) -> list[bytes]:
    return [base64.b64decode(a["src"].split(",", 1)[1]) for a in page.all("img")]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = small("regional", description="Flexible <b>regulators</b> & a region", regulation={"flexibility": 0.9})
    return write_results(run_replications(scenario), tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("compare")
    comparison = gather([small("short"), long_funding()], out)
    return comparison, write_comparison(comparison, out, ["scenarios/short.yaml", "scenarios/long.yaml"])


def test_every_run_writes_a_self_contained_report_with_its_figure(run_folder: Path) -> None:
    text = (run_folder / "report.html").read_text(encoding="utf-8")
    page = assert_self_contained(text)
    assert embedded(page) == [(run_folder / "spread.png").read_bytes()]


def test_the_run_report_holds_description_findings_levers_and_every_summary_figure(run_folder: Path) -> None:
    text = (run_folder / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    assert "Flexible <b>regulators</b> & a region" in page.plain  # shown as text, not markup
    assert "<b>regulators</b>" not in text
    result = run_replications(small("regional", regulation={"flexibility": 0.9}))
    for finding in run_findings(result, load_scenario(None)):
        assert finding.text in page.plain
    assert "regulation.flexibility" in page.plain
    for key in result.summary:
        assert figure(key).label in page.plain, key
    assert "sasci-sim run '<the file of scenario regional>' --replications 3 --seed 11 --steps 36" in page.plain


def test_a_whole_different_portfolio_is_one_row_of_the_lever_table(run_folder: Path) -> None:
    """The small scenario's 3 innovations against the baseline's many: one summary row, not hundreds."""
    page = Page((run_folder / "report.html").read_text(encoding="utf-8"))
    rows = page.plain.split("What differs from the built-in baseline")[1].split("Figures")[0]
    baseline = len(load_scenario(None).innovations)
    assert re.search(
        rf"innovations \d+ settings differ; the full scenarios are in manifest.json. {baseline} entries 3 entries", rows
    )
    assert "innovations.0." not in rows


def test_the_run_report_does_not_depend_on_when_it_was_made(tmp_path: Path) -> None:
    scenario = small("again")
    first = write_results(run_replications(scenario), tmp_path / "one")
    second = write_results(run_replications(scenario), tmp_path / "two")
    assert (first / "report.html").read_bytes() == (second / "report.html").read_bytes()


def test_the_compare_report_holds_findings_levers_figures_table_and_method(compare_folder) -> None:
    comparison, folder = compare_folder
    text = (folder / "report.html").read_text(encoding="utf-8")
    page = assert_self_contained(text)
    assert embedded(page) == [(folder / name).read_bytes() for name in ("spread.png", "differences.png")]
    plain = page.plain
    assert comparison.findings
    for finding in comparison.findings:
        assert html.unescape(finding.text) in plain
        assert f"Evidence: {finding.grade}" in plain
    for res in comparison.results:
        assert res.scenario.description in plain
        assert scenario_title(res.scenario.name) in plain
    for lever in comparison.levers:
        assert lever.key in plain
    for key in set(comparison.figures["figure"]):
        assert figure(key).label in plain, key
    assert "Student t" in plain and "Fieller" in plain and "common random numbers" in plain.lower()
    assert "sasci-sim compare scenarios/short.yaml scenarios/long.yaml --replications 3 --seed 11 --steps 36" in plain


def test_the_compare_table_marks_only_clear_differences(compare_folder) -> None:
    comparison, folder = compare_folder
    text = (folder / "report.html").read_text(encoding="utf-8")
    rows = comparison.figures.dropna(subset=["difference_low"])
    clear = ((rows["difference_low"] > 0) | (rows["difference_high"] < 0)).sum()
    assert text.count('class="diff clear"') == clear
    assert text.count('class="diff"') == len(comparison.figures.dropna(subset=["difference"])) - clear


def test_the_compare_report_opens_with_its_headline_and_titles_its_figures(compare_folder) -> None:
    comparison, folder = compare_folder
    page = Page((folder / "report.html").read_text(encoding="utf-8"))
    headline = page.plain.split("Comparing Short and Long ")[-1].split(" 3 replications per scenario")[0]
    assert headline.startswith("Long: ") and 20 < len(headline) < 600
    assert headline.count(". ") <= 2  # one or two sentences; the details follow
    assert headline == comparison_headline(comparison.results, comparison.findings)
    headings = re.findall(r"<h3>([^<]*)</h3>", (folder / "report.html").read_text(encoding="utf-8"))
    assert headings == ["How innovations spread under each scenario", "What changes compared with Short"]
    assert "higher is better" in page.plain and "lower is better" in page.plain
    assert "each row has its own" in page.plain  # the spread figure's scales are explained
    caption = page.plain.split("What changes compared with Short")[1].split("Summary figures")[0]
    assert "Fieller" not in caption  # the method is in the footnote
    assert "Fieller" in page.plain.split("How these numbers were made")[1]


def test_list_settings_are_folded_below_the_levers_and_titles_keep_punctuation(tmp_path: Path) -> None:
    joint = small(
        "joint",
        title="Joint health & social care fund",
        funding={"grant_duration_months": 60, "funders": [GRANT_JOINT_FUND]},
    )
    comparison = gather([small("short"), joint], tmp_path)
    folder = write_comparison(comparison, tmp_path)
    text = (folder / "report.html").read_text(encoding="utf-8")
    page = assert_self_contained(text)
    assert "Comparing Short and Joint health & social care fund" in page.plain
    main, details = text.split('<details class="folded">')
    main = main.split('id="levers-h"')[1]
    assert "funding.grant_duration_months" in main and "funding.funders.0.name" not in main
    assert "funding.funders" in main and "settings differ; they are listed under" in Page(main).plain
    assert "funding.funders.0.name" in details and "funding.funders.1.budget_share" in details
    assert main.index("funding.grant_duration_months") < main.index("<code>funding.funders</code>")


def test_times_never_reached_read_as_such_in_both_reports(compare_folder, run_folder: Path) -> None:
    comparison, folder = compare_folder
    never = comparison.figures[(comparison.figures["figure"] == "months_to_50pct") & comparison.figures["mean"].isna()]
    assert len(never) == 2  # no small scenario reaches half the providers in three years
    rows = Page((folder / "report.html").read_text(encoding="utf-8")).plain.split("Summary figures")[1]
    months = rows.split(figure("months_to_50pct").label)[1].split(figure("pilots_abandoned_at_grant_end").label)[0]
    assert months.count("not reached in 3 years") == 2 and "n/a" not in months
    run_rows = Page((run_folder / "report.html").read_text(encoding="utf-8")).plain.split("Summary figures")[1]
    assert "not reached in 3 years" in run_rows.split(figure("months_to_50pct").label)[1][:60]


def test_a_compare_figure_over_some_replications_says_over_how_many(compare_folder, tmp_path: Path) -> None:
    comparison, _ = compare_folder
    figures = comparison.figures.copy()
    row = figures.index[(figures["figure"] == "final_sustained_share") & (figures["scenario"] == "long")][0]
    figures.loc[row, "replications"] = 2
    table = compare_table(replace(comparison, figures=figures))
    cells = next(r["cells"] for r in table["rows"] if r["label"] == figure("final_sustained_share").label)
    assert cells[1]["range"].endswith("; over the 2 of 3 replications in which it was reached")
    assert "over the" not in cells[0]["range"]
