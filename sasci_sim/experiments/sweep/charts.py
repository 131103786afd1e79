"""Charts of a sweep's analysis: index bar charts, grid heat maps, spread-curve envelopes.

Same conventions as ``sasci_sim.output.plots``: the Okabe-Ito palette (colour-blind
safe), labelled axes, and files written by the caller into a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sasci_sim.experiments.simulate import CURVES
from sasci_sim.output.plots import OKABE_ITO


def sobol_bars(table: pd.DataFrame, outcome: str, path: Path) -> None:
    """S1 and ST per parameter with 95% intervals.

    Args:
        table: The Sobol indices, one row per parameter.
        outcome: The outcome, for the title.
        path: The PNG to write.
    """
    y = np.arange(len(table))
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.6))
    ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], color=OKABE_ITO[0], label="first order (S1)")
    ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"], color=OKABE_ITO[1], label="total (ST)", hatch="//")
    ax.set_yticks(y, table["parameter"])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Sobol index (share of output variance), 95% interval")
    ax.set_title(f"Sobol indices: {outcome}")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def morris_bars(table: pd.DataFrame, outcome: str, path: Path) -> None:
    """mu* with its 95% interval, and sigma beside it.

    Args:
        table: The Morris indices, one row per parameter.
        outcome: The outcome, for the title.
        path: The PNG to write.
    """
    y = np.arange(len(table))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.35 * len(table) + 1.6), sharey=True)
    left.barh(y, table["mu_star"], xerr=table["mu_star_conf"], color=OKABE_ITO[0])
    left.set_yticks(y, table["parameter"], fontsize=8)
    left.invert_yaxis()
    left.set_xlabel("mu* (mean absolute elementary effect), 95% interval")
    right.barh(y, table["sigma"], color=OKABE_ITO[1], hatch="//")
    right.set_xlabel("sigma (interactions and non-linearity)")
    fig.suptitle(f"Morris screening: {outcome}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def heatmap(means: pd.DataFrame, outcome: str, path: Path) -> None:
    """Mean outcome over a two-parameter grid (rows: first parameter, columns: second).

    Args:
        means: The mean outcome, first parameter's values as rows, second's as columns.
        outcome: The outcome, for the title.
        path: The PNG to write.
    """
    fig, ax = plt.subplots(figsize=(1.1 * means.shape[1] + 2.5, 0.7 * means.shape[0] + 1.8))
    image = ax.imshow(means.to_numpy(dtype=float), cmap="viridis", aspect="auto", origin="lower")
    ax.set_xticks(range(means.shape[1]), [_label(v) for v in means.columns])
    ax.set_yticks(range(means.shape[0]), [_label(v) for v in means.index])
    ax.set_xlabel(str(means.columns.name))
    ax.set_ylabel(str(means.index.name))
    values = means.to_numpy(dtype=float)
    middle = np.nanmean(values) if np.isfinite(values).any() else 0.0
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8, color="white" if v < middle else "black")
    fig.colorbar(image, ax=ax, label=f"mean {outcome}")
    ax.set_title(f"{outcome} over the grid (mean of replicates)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _label(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def envelopes(bands: pd.DataFrame, path: Path) -> None:
    """Median and 50% / 90% bands of each spread curve across the design points.

    Args:
        bands: Quantiles per curve and month across design points.
        path: The PNG to write.
    """
    curves = list(dict.fromkeys(bands["curve"]))
    cols = 2
    rows = (len(curves) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(10, 3.0 * rows), squeeze=False)
    for ax, curve in zip(axes.ravel(), curves, strict=False):
        b = bands[bands["curve"] == curve]
        ax.fill_between(b["month"], b["p5"], b["p95"], color=OKABE_ITO[0], alpha=0.2, label="5-95% of points")
        ax.fill_between(b["month"], b["p25"], b["p75"], color=OKABE_ITO[0], alpha=0.4, label="25-75%")
        ax.plot(b["month"], b["p50"], color=OKABE_ITO[0], label="median")
        ax.set_title(CURVES.get(curve, curve), fontsize=9)
        ax.set_xlabel("month")
        ax.set_ylabel("share")
    for ax in axes.ravel()[len(curves) :]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle("Spread curves across the design (mean of replicates per point)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
