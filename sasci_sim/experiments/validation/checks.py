"""Running the stylised-fact checks and the Bass-limit check; table and figures.

All variants run with the same replication seeds (common random numbers), so
each check's differences are paired. ``run_checks`` returns one row per check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sasci_sim.config.loader import load_scenario, validate
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.replications import run_replications
from sasci_sim.experiments.validation.bass import bass_scenario_path, closed_form, recursion
from sasci_sim.experiments.validation.facts import FACTS, VARIANTS, FactCheck
from sasci_sim.experiments.validation.stats import Band, Estimate
from sasci_sim.output.plots import OKABE_ITO
from sasci_sim.output.results import RunResult


@dataclass
class Verdict:
    """One stylised fact's check and its outcome.

    Attributes:
        check: The fact and its test.
        values: The metric per replication.
        estimate: Their mean with its standard error and 95% interval.
        passed: Whether the test passed.
    """

    check: FactCheck
    values: np.ndarray
    estimate: Estimate
    passed: bool


def variant_scenario(base: Scenario, name: str, providers: int | None = None) -> Scenario:
    """The base scenario with one variant's change (and an optional smaller population).

    Args:
        base: The base scenario.
        name: The variant's name.
        providers: A smaller population for quick checks; the base's when None.

    Returns:
        The variant, named ``<base>-<variant>``.
    """
    data: dict[str, Any] = base.model_dump()
    VARIANTS[name](data)
    data["name"] = f"{base.name}-{name}"
    if providers is not None:
        data["population"]["providers"] = providers
    return validate(data, f"validation variant {name}")


def run_variants(
    names: set[str],
    replications: int,
    base: Scenario | None = None,
    providers: int | None = None,
    on_done: Callable[[str], None] | None = None,
) -> dict[str, RunResult]:
    """Run each variant with the base scenario's root seed (common random numbers).

    Args:
        names: The variants to run.
        replications: Replications per variant.
        base: The base scenario; the built-in baseline when None.
        providers: A smaller population, when given.
        on_done: Called with each variant's name when it finishes.

    Returns:
        Variant name -> run.
    """
    base = base or load_scenario()
    out = {}
    for name in sorted(names):
        out[name] = run_replications(variant_scenario(base, name, providers), replications=replications)
        if on_done is not None:
            on_done(name)
    return out


def judge(results: dict[str, RunResult], facts: tuple[FactCheck, ...] = FACTS) -> list[Verdict]:
    """Apply each check's statistical test to its metric over replications.

    Args:
        results: Variant name -> run.
        facts: The checks to apply.

    Returns:
        One verdict per check.
    """
    verdicts = []
    for check in facts:
        values = np.asarray(check.measure(results), dtype=float)
        estimate = Estimate.of(values)
        verdicts.append(Verdict(check, values, estimate, check.check.passes(estimate)))
    return verdicts


def table(verdicts: list[Verdict]) -> str:
    """The validation table: fact, metric, observed (95% CI), expected, verdict.

    Args:
        verdicts: The verdicts.

    Returns:
        The table as aligned text.
    """
    rows = [("fact", "statement", "metric", "observed mean [95% CI]", "expected", "verdict")]
    for v in verdicts:
        c = v.check
        rows.append((c.label, c.statement, c.metric, v.estimate.text(), c.check.text(), "PASS" if v.passed else "FAIL"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def plot_verdict(v: Verdict, path: Path) -> None:
    """Per-replication values, the mean with its 95% CI, and the expected band or threshold.

    Args:
        v: The verdict.
        path: The PNG to write.
    """
    fig, ax = plt.subplots(figsize=(6, 3.2))
    x = np.random.default_rng(0).uniform(-0.15, 0.15, v.values.size)
    ax.scatter(x, v.values, s=14, color=OKABE_ITO[0], alpha=0.6, label="replications")
    e = v.estimate
    ax.errorbar(
        [0.4],
        [e.mean],
        yerr=[[e.mean - e.low], [e.high - e.mean]],
        fmt="o",
        color="black",
        capsize=5,
        label="mean, 95% CI",
    )
    chk = v.check.check
    if isinstance(chk, Band):
        ax.axhspan(chk.low, chk.high, color=OKABE_ITO[2], alpha=0.15, label="expected band")
    else:
        ax.axhline(chk.threshold, color=OKABE_ITO[3], linestyle="--", label=f"must exceed {chk.threshold:g} (by 3 SE)")
    ax.set_xlim(-0.5, 1.2)
    ax.set_xticks([])
    ax.set_ylabel(v.check.metric, fontsize=8, wrap=True)
    verdict = "PASS" if v.passed else "FAIL"
    ax.set_title(f"Fact {v.check.label}: {v.check.statement} - {verdict}", fontsize=9)
    ax.legend(fontsize=7, loc="best", frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


@dataclass
class BassResult:
    """The model at the Bass limit against the discrete Bass recursion.

    Attributes:
        p: The external influence.
        q: The peer influence.
        mean: Mean adopted share per month over replications.
        se: Its standard error.
        p5: 5th percentile per month.
        p95: 95th percentile per month.
        discrete: The recursion's share per month.
        providers: Providers in the population (its granularity).
    """

    p: float
    q: float
    mean: np.ndarray
    se: np.ndarray
    p5: np.ndarray
    p95: np.ndarray
    discrete: np.ndarray
    providers: int

    @property
    def max_abs_deviation(self) -> float:
        """Largest gap between the model's mean and the recursion over the months."""
        return float(np.max(np.abs(self.mean - self.discrete)))

    @property
    def within_tolerance(self) -> bool:
        """Every step within 4 standard errors of the mean plus one provider (discreteness)."""
        return bool(np.all(np.abs(self.mean - self.discrete) <= 4.0 * self.se + 1.0 / self.providers))


def run_bass(p: float, q: float, replications: int, providers: int | None = None) -> BassResult:
    """The Bass-limit scenario at (p, q): adopted share over replications against the recursion.

    Args:
        p: External influence.
        q: Peer influence.
        replications: Replications.
        providers: A smaller population, when given.

    Returns:
        The model's mean, standard error and band per month against the recursion.
    """
    overrides = [f"diffusion.external_influence={p}", f"diffusion.peer_influence={q}"]
    if providers is not None:
        overrides.append(f"population.providers={providers}")
    sc = load_scenario(bass_scenario_path(), overrides)
    r = run_replications(sc, replications=replications)
    n = sc.population.providers
    f = r.spread.pivot(index="step", columns="replication", values="sustained").to_numpy() / n
    steps = sc.simulation.steps
    return BassResult(
        p,
        q,
        f.mean(axis=1),
        f.std(axis=1, ddof=1) / np.sqrt(f.shape[1]),
        np.percentile(f, 5, axis=1),
        np.percentile(f, 95, axis=1),
        recursion(p, q, steps),
        n,
    )


def plot_bass(results: list[BassResult], path: Path) -> None:
    """Model mean and 5-95% band against the discrete recursion and the closed form.

    Args:
        results: One result per (p, q).
        path: The PNG to write.
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, b in enumerate(results):
        t = np.arange(len(b.mean))
        c = OKABE_ITO[i % len(OKABE_ITO)]
        ax.fill_between(t, b.p5, b.p95, color=c, alpha=0.2, linewidth=0)
        ax.plot(
            t, b.mean, color=c, linewidth=2, label=f"model p={b.p:g}, q={b.q:g} (max dev {b.max_abs_deviation:.4f})"
        )
        ax.plot(t, b.discrete, color="black", linestyle="--", linewidth=1)
        ax.plot(t, closed_form(b.p, b.q, t), color="grey", linestyle=":", linewidth=1)
    ax.plot([], [], color="black", linestyle="--", label="discrete Bass recursion")
    ax.plot([], [], color="grey", linestyle=":", label="Bass closed form")
    ax.set_xlabel("month")
    ax.set_ylabel("adopted share")
    ax.set_title("Bass limit: model (mean, 5-95% band) against Bass (1969)")
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


#: (p, q) pairs of the Bass-limit check.
BASS_PAIRS = ((0.01, 0.3), (0.03, 0.38), (0.005, 0.5))
