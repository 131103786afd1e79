"""Figures from result tables: spread curves per innovation kind with bands.

Colours are the Okabe-Ito palette (readable by colour-blind readers) and every
series also has its own line style, so figures work in greyscale print.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from sasci_sim.config.schema import KINDS

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LINESTYLES = ["-", "--", ":", "-."]
SERIES = {"sustained": "sustained", "piloting": "piloting", "abandoned": "abandoned (cumulative)"}
KIND_TITLES = {
    "business_model": "Business-model innovations",
    "systems": "Systems innovations",
    "social": "Social innovations",
}


def kind_shares(spread: pd.DataFrame, column: str) -> pd.DataFrame:
    """Share of provider-innovation cells in ``column`` per replication, step and kind.

    Args:
        spread: A spread table.
        column: The state or event column to count.

    Returns:
        Columns replication, step, kind and share.
    """
    g = spread.groupby(["replication", "step", "kind"], sort=True)
    frame = (g[column].sum() / g["providers"].sum()).rename("share").reset_index()
    return frame


def band(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and 5-95% range over replications, per step.

    Args:
        frame: A ``kind_shares`` table for one kind.

    Returns:
        Columns mean, p5 and p95, indexed by step.
    """
    g = frame.groupby("step")["share"]
    return pd.DataFrame({"mean": g.mean(), "p5": g.quantile(0.05), "p95": g.quantile(0.95)})


def plot_spread(spread: pd.DataFrame, path: Path, title: str) -> None:
    """spread.png: one panel per innovation kind, mean with 5-95% band over replications.

    Args:
        spread: The run's spread table.
        path: The PNG to write.
        title: The scenario's name, for the title.
    """
    kinds = [k for k in KINDS if k in set(spread["kind"])]
    fig, axes = plt.subplots(1, len(kinds), figsize=(4.6 * len(kinds), 3.8), sharey=True, squeeze=False)
    reps = spread["replication"].nunique()
    for ax, kind in zip(axes[0], kinds, strict=True):
        sub = spread[spread["kind"] == kind]
        for i, (col, label) in enumerate(SERIES.items()):
            stats = band(kind_shares(sub, col))
            x = stats.index.to_numpy() / 12.0
            ax.fill_between(x, stats["p5"], stats["p95"], color=OKABE_ITO[i], alpha=0.2, linewidth=0)
            ax.plot(x, stats["mean"], color=OKABE_ITO[i], linestyle=LINESTYLES[i], linewidth=2, label=label)
        ax.set_title(KIND_TITLES[kind])
        ax.set_xlabel("years")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of providers (mean over innovations)")
    axes[0][0].legend(loc="upper left", frameon=False)
    fig.suptitle(f"{title}: spread curves, mean and 5-95% range over {reps} replication{'s' if reps != 1 else ''}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


__all__ = ["OKABE_ITO", "band", "kind_shares", "plot_spread"]
