"""A comparison over parameter uncertainty in words, tables, a figure and an HTML section.

The numbers come from ``sasci_sim.experiments.uncertainty.decisions``; this module only
says them: the headline sentence of each scenario against the first with its
robustness (the share of plausible parameter sets in which its direction holds), the
parameters that decide an uncertain finding, and which parameters to measure next.
Files: ``uncertainty.csv``, ``decisions.txt``, ``draws.csv`` and ``draws.png``.
"""

from __future__ import annotations

import base64
import html
import math
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sasci_sim.config.params import calibrated_parameters
from sasci_sim.config.paramtable import rows
from sasci_sim.output.plots import OKABE_ITO
from sasci_sim.output.results import Comparison
from sasci_sim.output.wording import change, figure, scenario_title

#: A finding holding in fewer draws than this is reported as uncertain.
ROBUST = 0.90
#: Draws below which scenario discovery is not tried (a box of a handful of draws says nothing).
MIN_DISCOVERY_DRAWS = 10


def parameter_info(key: str) -> tuple[str, str, str]:
    """A scenario key's meaning, unit and evidence, from the schema's parameter table.

    A calibrated parameter's evidence names the grade it was declared with and whether the
    anchors identified it ("assumption, calibrated: not identified by these anchors"): a research
    commissioner needs to know that a calibrated value the anchors did not narrow is still an
    assumption.

    Args:
        key: A dotted scenario key (list entries numbered, as in a posterior's columns).

    Returns:
        (meaning, unit, evidence); the key itself and "ungraded" when the schema does not trace it.
    """
    generic = re.sub(r"\.\d+(?=\.|$)", "[]", key)
    for row in rows():
        if row["key"] == generic:
            fitted = calibrated_parameters().get(generic)
            if row["grade"] != "calibrated" or fitted is None:
                return row["meaning"], row["unit"], row["grade"]
            identified = (
                "narrowed by the anchors" if fitted.identified == "narrowed" else "not identified by the anchors"
            )
            if fitted.identified not in ("narrowed", "not by these anchors"):
                identified = f"{fitted.identified} by the anchors"
            return row["meaning"], row["unit"], f"{row['declared_grade']}, calibrated: {identified}"
    return key, "", "ungraded"


@dataclass(frozen=True)
class Limit:
    """One limit of the parameter range where a finding reverses (a PRIM box side)."""

    parameter: str
    low: float | None
    high: float | None

    def words(self) -> str:
        """The limit in plain words, with the parameter's meaning, unit and grade.

        Returns:
            For example "council budget for innovations (k GBP per month) exceeds 12 (a weak-grade parameter)".
        """
        meaning, unit, grade = parameter_info(self.parameter)
        what = meaning.rstrip(".")
        what = what[:1].lower() + what[1:]
        units = f" {unit}" if unit and unit not in ("share", "probability", "1") else ""
        if self.low is not None and self.high is not None:
            where = f"is between {_num(self.low)} and {_num(self.high)}{units}"
        elif self.low is not None:
            where = f"exceeds {_num(self.low)}{units}"
        else:
            where = f"is below {_num(self.high)}{units}"
        return f"{what} ({self.parameter}) {where} (evidence: {grade})"


@dataclass(frozen=True)
class Influence:
    """A parameter's influence on a paired difference over the draws (standardised regression coefficient)."""

    parameter: str
    coefficient: float

    def words(self) -> str:
        """The parameter, its grade and the direction and size of its influence.

        Returns:
            One line for the value-of-information ranking.
        """
        meaning, _unit, grade = parameter_info(self.parameter)
        direction = "raises" if self.coefficient > 0 else "lowers"
        return (
            f"{self.parameter} ({meaning.rstrip('.')}; evidence: {grade}): standardised coefficient "
            f"{self.coefficient:+.2f}, a higher value {direction} the difference"
        )


@dataclass(frozen=True)
class Verdict:
    """One scenario against the first on one figure, over the draws.

    Attributes:
        scenario: The scenario compared.
        base: The first scenario.
        figure: The summary figure.
        difference: Mean paired difference over draws and seeds.
        low: 5th percentile of the draws' mean differences.
        high: 95th percentile of the draws' mean differences.
        robustness: Share of draws whose mean difference has the overall sign.
        parameter_share: Share of the difference's variance due to the parameters (the rest is chance).
        draws: Number of draws.
        limits: Where the finding reverses (PRIM), when it is uncertain and a box was found.
        influences: Parameters ranked by their influence on the difference (value of information).
        r_squared: How much of the draws' spread the linear ranking explains.
    """

    scenario: str
    base: str
    figure: str
    difference: float
    low: float
    high: float
    robustness: float
    parameter_share: float
    draws: int
    limits: tuple[Limit, ...] = ()
    influences: tuple[Influence, ...] = ()
    r_squared: float = math.nan

    @property
    def uncertain(self) -> bool:
        """Whether the direction holds in fewer than ``ROBUST`` of the draws (or is undefined)."""
        return not (math.isfinite(self.robustness) and self.robustness >= ROBUST)

    def sentence(self) -> str:
        """The headline: the direction of the difference, its size over the draws and its robustness.

        Returns:
            One sentence.
        """
        fig = figure(self.figure)
        title, base = scenario_title(self.scenario), scenario_title(self.base)
        label = fig.label[:1].lower() + fig.label[1:]
        if not math.isfinite(self.difference) or not math.isfinite(self.robustness):
            return f"{title}: no difference from {base} in {label} over {self.draws} parameter sets."
        more = "more" if self.difference > 0 else "less"
        numbers = (
            f"difference {change(self.difference, fig.unit)}; 90% of parameter sets between "
            f"{change(self.low, fig.unit)} and {change(self.high, fig.unit)}"
        )
        split = (
            f"; parameter uncertainty makes {self.parameter_share:.0%} of the spread, chance the rest"
            if math.isfinite(self.parameter_share)
            else ""
        )
        holds = f"it holds in {self.robustness:.0%} of {self.draws} plausible parameter sets"
        if not self.uncertain:
            return f"{title} gives {more} {label} than {base} ({numbers}{split}): {holds}, robust."
        if self.limits:
            reverse = " It reverses when " + " and ".join(lim.words() for lim in self.limits) + "."
        elif self.draws < MIN_DISCOVERY_DRAWS:
            reverse = (
                f" Too few parameter sets to find what decides it (scenario discovery needs {MIN_DISCOVERY_DRAWS})."
            )
        else:
            reverse = " No single parameter range singles out the sets where it reverses."
        return f"{title} gives {more} {label} than {base} ({numbers}{split}), but {holds}: uncertain.{reverse}"


@dataclass
class DrawsComparison(Comparison):
    """A comparison over posterior draws: the pooled comparison plus what the draws tell.

    Attributes:
        draws: The parameter sets, one row per draw.
        replications: Seeds per draw.
        posterior: The posterior file the draws came from.
        uncertainty: uncertainty.csv: per figure and scenario, robustness and the variance split.
        verdicts: The headline verdict of each scenario against the first.
        draw_differences: Per scenario, each draw's mean paired difference of the headline figure.
        reused: How many (draw, scenario) runs were read back rather than run.
    """

    draws: pd.DataFrame = field(default_factory=pd.DataFrame)
    replications: int = 0
    posterior: str = ""
    uncertainty: pd.DataFrame = field(default_factory=pd.DataFrame)
    verdicts: list[Verdict] = field(default_factory=list)
    draw_differences: dict[str, np.ndarray] = field(default_factory=dict)
    reused: int = 0


def has_draws(comparison: Comparison) -> bool:
    """Whether a comparison ran over posterior draws.

    Args:
        comparison: Any comparison.

    Returns:
        True for a ``DrawsComparison`` with at least one draw.
    """
    return isinstance(comparison, DrawsComparison) and len(comparison.draws) > 0


def _num(x: float) -> str:
    return f"{x:.3g}"


def decision_lines(comparison: DrawsComparison) -> list[str]:
    """decisions.txt: headlines, decisive parameters, what to measure next, and the variance split.

    Args:
        comparison: The comparison over draws.

    Returns:
        The lines of the file.
    """
    k, r = len(comparison.draws), comparison.replications
    lines = [f"Over {k} parameter sets drawn from {comparison.posterior}, {r} seeds each:", ""]
    lines += ["Headline"] + [f"- {v.sentence()}" for v in comparison.verdicts] + [""]
    lines.append("What to measure next (parameters ranked by how much their uncertainty moves the difference)")
    for v in comparison.verdicts:
        fit = f", linear fit R² {v.r_squared:.2f}" if math.isfinite(v.r_squared) else ""
        lines.append(f"- {scenario_title(v.scenario)} against {scenario_title(v.base)}{fit}:")
        lines += [f"  {i}. {inf.words()}" for i, inf in enumerate(v.influences, 1)]
    return lines


def uncertainty_html(comparison: DrawsComparison, draws_png: Path) -> str:
    """The report's section on parameter uncertainty, as HTML to insert before its findings.

    Args:
        comparison: The comparison over draws.
        draws_png: The figure of the spread over draws (embedded, so the report stays one file).

    Returns:
        An HTML ``<section>``.
    """
    esc = html.escape
    data = Path(draws_png).read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    k, r = len(comparison.draws), comparison.replications
    items = "".join(
        f'<li class="{"uncertain" if v.uncertain else "robust"}">{esc(v.sentence())}</li>' for v in comparison.verdicts
    )
    ranks = "".join(
        f"<li>{esc(scenario_title(v.scenario))}: <ol>{''.join(f'<li>{esc(i.words())}</li>' for i in v.influences)}</ol></li>"
        for v in comparison.verdicts
    )
    return (
        '<section id="uncertainty" aria-labelledby="uncertainty-h">'
        '<h2 id="uncertainty-h">Decisions under parameter uncertainty</h2>'
        f"<p>{k} parameter sets drawn from the posterior {esc(comparison.posterior)}, {r} seeds each; "
        "within a parameter set every scenario used the same seeds. A finding holding in fewer than "
        f"{ROBUST:.0%} of the sets is uncertain. Below, the key findings' intervals are Student t over the "
        "parameter sets' mean differences, and the table's and the differences figure's intervals are the "
        "5-95% range of those means: all of them cover parameter uncertainty as well as chance.</p>"
        f'<ul class="headlines">{items}</ul>'
        f'<h3>What to measure next</h3><ul class="ranking">{ranks}</ul>'
        f'<figure><img src="{src}" width="{width}" height="{height}" alt="Each parameter set\'s mean difference from '
        f'{esc(scenario_title(comparison.names[0]))} in the headline figure"><figcaption>Each dot is one '
        "parameter set's mean paired difference over its seeds; the black bar is their mean, the vertical line zero.</figcaption></figure></section>"
    )


def insert_section(page: str, section: str) -> str:
    """``section`` inserted as the first section of the page's ``<main>``, so the report starts with it.

    Args:
        page: The report's HTML.
        section: The HTML to insert.

    Returns:
        The page with the section (appended when the page has no ``<main>``).
    """
    at = page.find("<main>")
    return page + section if at < 0 else page[: at + 6] + "\n" + section + page[at + 6 :]


def plot_draws(comparison: DrawsComparison, path: Path) -> None:
    """draws.png: each draw's mean paired difference of the headline figure, one row per scenario.

    Args:
        comparison: The comparison over draws.
        path: The PNG to write.
    """
    names = list(comparison.draw_differences)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.8 * max(len(names), 1)))
    unit = figure(comparison.verdicts[0].figure).unit if comparison.verdicts else "count"
    for i, name in enumerate(names):
        y = np.asarray(comparison.draw_differences[name], dtype=float)
        jitter = np.random.default_rng(i).uniform(-0.15, 0.15, y.size)
        ax.scatter(y * (100 if unit == "share" else 1), i + jitter, s=14, color=OKABE_ITO[(i + 1) % len(OKABE_ITO)])
        if np.isfinite(y).any():  # the mean over draws, as a bar
            ax.plot([np.nanmean(y) * (100 if unit == "share" else 1)] * 2, [i - 0.3, i + 0.3], color="black", lw=2)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(names)), [scenario_title(n) for n in names])
    label = figure(comparison.verdicts[0].figure).label if comparison.verdicts else ""
    base = scenario_title(comparison.names[0])
    ax.set_xlabel(f"{label}\ndifference from {base}" + (" (percentage points)" if unit == "share" else ""))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_uncertainty(comparison: DrawsComparison, folder: Path) -> None:
    """Write uncertainty.csv, decisions.txt, draws.csv and draws.png into a comparison folder.

    Args:
        comparison: The comparison over draws.
        folder: The (temporary) comparison folder.
    """
    comparison.uncertainty.to_csv(folder / "uncertainty.csv", index=False)
    comparison.draws.rename_axis("draw").reset_index().to_csv(folder / "draws.csv", index=False)
    (folder / "decisions.txt").write_text("\n".join(decision_lines(comparison)) + "\n", encoding="utf-8")
    plot_draws(comparison, folder / "draws.png")
