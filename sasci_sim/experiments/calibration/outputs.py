"""What a calibration writes: posterior, plots, predictive checks and what the anchors identify.

- ``posterior.parquet``: the last generation's particles (one column per parameter) and ``weight``;
- ``posterior_marginals.png`` and ``posterior_pairs.png``: weighted kernel density estimates
  (pyabc.visualization), marginals within the prior's range;
- ``predictive.csv`` and ``predictive.png``: for every anchor of the experiment, the model's 90%
  interval from ``predictive_draws`` particles drawn from the posterior against the observed value
  (and, in the csv, every other anchor of the anchors file with why it is not predicted);
- ``identification.csv``: per parameter, the 90% width of the posterior over that of the prior.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pyabc
from tqdm import tqdm

from sasci_sim.analysis.draws import predictive_quantiles
from sasci_sim.config.anchors import Anchor, load_anchors
from sasci_sim.experiments.calibration.batching import DEFAULT_BATCH
from sasci_sim.experiments.calibration.model import AnchorModel
from sasci_sim.experiments.calibration.spec import Calibration

#: The central interval reported for the posterior and the predictive checks.
LEVEL = 0.90
TAILS = ((1 - LEVEL) / 2, 0.5, 1 - (1 - LEVEL) / 2)


@dataclass(frozen=True)
class Outputs:
    """The tables a calibration reports (also written as files).

    Attributes:
        posterior: Particles and weights of the last generation.
        predictive: One row per anchor: observed, model interval, in or out.
        identification: One row per parameter: prior and posterior 90% intervals and their width ratio.
    """

    posterior: pd.DataFrame
    predictive: pd.DataFrame
    identification: pd.DataFrame


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file beside ``path`` and move it into place, so a stopped run leaves the old file whole."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}{path.suffix}")
    write(tmp)
    os.replace(tmp, path)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, probabilities: tuple[float, ...]) -> list[float]:
    """Quantiles of a weighted sample (numpy's inverted-CDF method).

    Args:
        values: The sample.
        weights: Its weights (need not sum to 1).
        probabilities: Cumulative probabilities.

    Returns:
        One quantile per probability.
    """
    return [float(q) for q in np.quantile(values, probabilities, weights=weights, method="inverted_cdf")]


def posterior_table(history: pyabc.History) -> pd.DataFrame:
    """The last generation's particles with their normalised weights.

    Args:
        history: pyabc's history.

    Returns:
        One row per particle: a column per parameter and ``weight``.
    """
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    out = frame.reset_index(drop=True).copy()
    out.columns = [str(c) for c in out.columns]
    out["weight"] = np.asarray(weights, dtype=float) / float(np.sum(weights))
    return out


def identification(calibration: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Posterior 90% width against prior 90% width for each parameter (log widths for a log-uniform prior).

    Args:
        calibration: The experiment (its priors).
        posterior: ``posterior_table`` output.

    Returns:
        One row per parameter: prior and posterior 5%, 50%, 95% points, and width_ratio.
    """
    rows = []
    for name, p in calibration.spec.priors.items():
        prior_low, prior_mid, prior_high = p.quantiles(TAILS)
        low, mid, high = weighted_quantiles(posterior[name].to_numpy(), posterior["weight"].to_numpy(), TAILS)
        if p.distribution == "loguniform":  # widths on the scale the prior is flat on
            ratio = (np.log(high) - np.log(low)) / (np.log(prior_high) - np.log(prior_low))
        else:
            ratio = (high - low) / (prior_high - prior_low)
        rows.append(
            {
                "parameter": name,
                "prior": f"{p.distribution}({p.low:g}, {p.high:g})",
                "prior_5": prior_low,
                "prior_median": prior_mid,
                "prior_95": prior_high,
                "posterior_5": low,
                "posterior_median": mid,
                "posterior_95": high,
                "width_ratio": float(ratio),
                "identified": "narrowed" if ratio < 0.5 else "barely" if ratio < 0.8 else "not by these anchors",
            }
        )
    return pd.DataFrame(rows)


def draw_particles(posterior: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """``draws`` particles resampled from the posterior by weight.

    Args:
        posterior: ``posterior_table`` output.
        draws: How many.
        seed: Seed of the resampling.

    Returns:
        The drawn rows (parameters only).
    """
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(posterior), size=draws, replace=True, p=posterior["weight"].to_numpy())
    return posterior.drop(columns="weight").iloc[idx].reset_index(drop=True)


def predictive(
    calibration: Calibration, posterior: pd.DataFrame, *, quiet: bool = False
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Posterior predictive checks: every experiment anchor's 90% interval against its observation.

    Args:
        calibration: The experiment.
        posterior: ``posterior_table`` output.
        quiet: No progress bar.

    Returns:
        The table (experiment anchors first, then the rest of the anchors file with the reason they are
        not predicted) and the simulated values by anchor id.
    """
    model = AnchorModel(calibration, calibration.anchors)
    draws = draw_particles(posterior, calibration.spec.predictive_draws, calibration.spec.seed)
    simulated: dict[str, list[float]] = {a.id: [] for a in calibration.anchors}
    particles = draws.to_dict("records")
    with tqdm(total=len(particles), desc="predictive", disable=quiet, leave=False) as bar:
        for first in range(0, len(particles), DEFAULT_BATCH):  # each chunk's runs stepped together
            chunk = particles[first : first + DEFAULT_BATCH]
            for found in model.evaluate_many(chunk):
                for anchor_id, value in found.items():
                    simulated[anchor_id].append(value)
            bar.update(len(chunk))
    rows = []
    values = {k: np.asarray(v, dtype=float) for k, v in simulated.items()}
    for anchor in calibration.anchors:
        got = values[anchor.id]
        low, mid, high = predictive_quantiles(got, TAILS)  # never-reached draws count: nothing is censored
        rows.append(
            {
                **_describe(anchor),
                "role": "calibrated" if anchor in calibration.calibrating else "held out",
                "model_5": low,
                "model_median": mid,
                "model_95": high,
                "undefined_draws": int(np.isnan(got).sum()),
                "never_reached_draws": int(np.isposinf(got).sum()),
                "verdict": "undefined" if math.isnan(low) else ("in" if anchor.covers(low, high) else "out"),
            }
        )
    known = {a.id for a in calibration.anchors}
    for anchor in load_anchors(
        calibration.path.parent / calibration.spec.anchors_file if calibration.spec.anchors_file else None
    ).values():
        if anchor.id in known:
            continue
        reason = {
            "blocked": f"blocked on {anchor.blocked_on}",
            "figure_pending": "figure not entered yet",
            "ready": f"not in this experiment (use: {anchor.use})",
        }[anchor.status]
        rows.append({**_describe(anchor), "role": reason, "verdict": "not predicted"})
    return pd.DataFrame(rows), values


def _describe(anchor: Anchor) -> dict[str, object]:
    return {
        "anchor": anchor.id,
        "level": anchor.level,
        "use": anchor.use,
        "observed": anchor.observed,
        "observed_low": anchor.interval[0] if anchor.interval else np.nan,
        "observed_high": anchor.interval[1] if anchor.interval else np.nan,
        "sd": anchor.sd,
    }


def plot_predictive(table: pd.DataFrame, values: dict[str, np.ndarray], path: Path) -> None:
    """One row per predicted anchor: the model's draws, its 90% interval and the observation.

    Args:
        table: ``predictive`` table.
        values: Simulated values by anchor id.
        path: The PNG to write.
    """
    rows = table[table["anchor"].isin(list(values))].reset_index(drop=True)
    fig, axes = plt.subplots(len(rows), 1, figsize=(7, 1.3 + 1.1 * len(rows)), squeeze=False)
    for ax, (_, row) in zip(axes[:, 0], rows.iterrows(), strict=True):
        draws = values[row["anchor"]]
        draws = draws[np.isfinite(draws)]
        ax.plot(draws, np.zeros_like(draws), "|", color="0.6", markersize=10)
        if np.isfinite(row["model_5"]):
            ax.hlines(0, row["model_5"], row["model_95"], color="tab:blue", linewidth=4, label="model 90%")
            ax.plot(row["model_median"], 0, "o", color="tab:blue")
        if np.isfinite(row["observed_low"]):
            ax.axvspan(row["observed_low"], row["observed_high"], color="tab:orange", alpha=0.3, label="observed")
        else:
            ax.axvline(row["observed"], color="tab:orange", linewidth=2, label="observed")
        ax.set_yticks([])
        ax.set_title(f"{row['anchor']} ({row['role']}): {row['verdict']}", fontsize=9, loc="left")
    axes[0, 0].legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_marginals(calibration: Calibration, posterior: pd.DataFrame, path: Path) -> None:
    """One weighted kernel density estimate per parameter, over its prior's range (pyabc.visualization).

    Args:
        calibration: The experiment (prior ranges bound the axes; a uniform prior is drawn dotted).
        posterior: ``posterior_table`` output.
        path: The PNG to write.
    """
    names = list(calibration.spec.priors)
    weights = posterior["weight"].to_numpy()
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 2.8), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        p = calibration.spec.priors[name]
        pyabc.visualization.plot_kde_1d(posterior[names], weights, x=name, xmin=p.low, xmax=p.high, ax=ax, numx=100)
        if p.distribution == "uniform":
            ax.axhline(1.0 / (p.high - p.low), color="0.6", linestyle=":")
        ax.set_title(name, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_pairs(calibration: Calibration, posterior: pd.DataFrame, path: Path) -> None:
    """The pairwise matrix of weighted kernel density estimates (pyabc.visualization.plot_kde_matrix).

    Args:
        calibration: The experiment (prior ranges bound the axes).
        posterior: ``posterior_table`` output.
        path: The PNG to write.
    """
    names = list(calibration.spec.priors)
    limits = {n: (calibration.spec.priors[n].low, calibration.spec.priors[n].high) for n in names}
    grid = pyabc.visualization.plot_kde_matrix(posterior[names], posterior["weight"].to_numpy(), limits=limits)
    figure = np.asarray(grid).flat[0].figure
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_outputs(calibration: Calibration, history: pyabc.History, folder: Path, *, quiet: bool = False) -> Outputs:
    """Write every output file of a calibration into ``folder`` (each replaced whole).

    Args:
        calibration: The experiment.
        history: pyabc's history after the run.
        folder: The output folder.
        quiet: No progress bar.

    Returns:
        The tables written.
    """
    posterior = posterior_table(history)
    ident = identification(calibration, posterior)
    table, values = predictive(calibration, posterior, quiet=quiet)
    _replace(folder / "posterior.parquet", lambda p: posterior.to_parquet(p, index=False))
    _replace(folder / "identification.csv", lambda p: ident.to_csv(p, index=False))
    _replace(folder / "predictive.csv", lambda p: table.to_csv(p, index=False))
    _replace(folder / "predictive.png", lambda p: plot_predictive(table, values, p))
    _replace(folder / "posterior_marginals.png", lambda p: plot_marginals(calibration, posterior, p))
    _replace(folder / "posterior_pairs.png", lambda p: plot_pairs(calibration, posterior, p))
    return Outputs(posterior=posterior, predictive=table, identification=ident)
