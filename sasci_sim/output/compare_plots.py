"""Figures of a comparison: overlaid spread curves, and differences to the first scenario.

Each scenario keeps one Okabe-Ito colour, one line style and one marker in every
panel (``sasci_sim.output.plots``), so the figures read in greyscale print and for
colour-blind readers; bands are 5-95% ranges over replications.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from sasci_sim.analysis.intervals import PCT
from sasci_sim.config.schema import KINDS
from sasci_sim.output.findings import HEADLINE
from sasci_sim.output.plots import KIND_TITLES, LINESTYLES, OKABE_ITO, SERIES, band, kind_shares
from sasci_sim.output.wording import figure, scenario_title

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: Figures shown as relative differences to the first scenario.
DIFFERENCE_FIGURES = (*HEADLINE[:-2], "peak_piloting_share", *HEADLINE[-2:])


def style(i: int) -> dict[str, object]:
    """Colour, line style and marker of the i-th scenario.

    Colour, line style and marker all differ, so scenarios stay apart in grey print and for
    readers who do not see colour.

    Args:
        i: The scenario's position.

    Returns:
        Keyword arguments for matplotlib's ``plot``.
    """
    return {
        "color": OKABE_ITO[i % len(OKABE_ITO)],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def plot_compare_spread(spreads: Mapping[str, pd.DataFrame], path: Path) -> None:
    """Sustained, piloting and abandoned shares per innovation kind, every scenario overlaid with its band.

    Args:
        spreads: Each scenario's spread table, by name, first scenario first.
        path: The PNG to write.
    """
    kinds = [k for k in KINDS if any(k in set(s["kind"]) for s in spreads.values())]
    fig, axes = plt.subplots(
        len(SERIES), len(kinds), figsize=(4.4 * len(kinds), 3.0 * len(SERIES)), sharex=True, squeeze=False
    )
    for i, (name, spread) in enumerate(spreads.items()):
        st = style(i)
        for row, col in enumerate(SERIES):
            for c, kind in enumerate(kinds):
                sub = spread[spread["kind"] == kind]
                if sub.empty:
                    continue
                stats = band(kind_shares(sub, col))
                x = stats.index.to_numpy() / 12.0
                ax = axes[row][c]
                ax.fill_between(x, stats["p5"], stats["p95"], color=st["color"], alpha=0.15, linewidth=0)
                ax.plot(
                    x,
                    stats["mean"],
                    linewidth=2,
                    markevery=max(len(x) // 8, 1),
                    markersize=5,
                    label=scenario_title(name) if row == 0 and c == 0 else None,
                    **st,
                )
    for row, label in enumerate(SERIES.values()):
        axes[row][0].set_ylabel(f"share {label}")
        for ax in axes[row]:
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=None))
        for c, kind in enumerate(kinds):
            ax = axes[row][c]
            ax.grid(alpha=0.3)
            ax.set_ylim(bottom=0)
            if row == 0:
                ax.set_title(KIND_TITLES[kind])
            if row == len(SERIES) - 1:
                ax.set_xlabel("years")
    reps = max(s["replication"].nunique() for s in spreads.values())
    fig.legend(loc="upper center", ncol=min(len(spreads), 4), frameon=False, bbox_to_anchor=(0.5, 1.0))
    fig.suptitle(
        f"Share of providers per innovation (mean over innovations of each kind); lines: mean, bands: 5-95% range over {reps} replications",
        y=0.955,
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_differences(figures: pd.DataFrame, names: Sequence[str], path: Path) -> None:
    """Each scenario relative to the first (% difference of means) with its paired Fieller interval.

    Relative differences put figures of different units and sizes on one scale;
    a figure whose first-scenario mean is zero has no relative difference and is left out.

    Args:
        figures: The comparison's figures table (per figure and scenario: values and intervals).
        names: The scenario names, first scenario first.
        path: The PNG to write.
    """
    others = list(names[1:])
    rel = figures[figures["scenario"].isin(others) & figures["figure"].isin(DIFFERENCE_FIGURES)]
    rel = rel[np.isfinite(pd.to_numeric(rel["ratio"], errors="coerce"))]
    keys = [k for k in DIFFERENCE_FIGURES if k in set(rel["figure"])]
    fig, ax = plt.subplots(figsize=(10, 0.42 * max(len(keys), 1) * max(len(others), 1) + 1.8))
    step = 0.7 / max(len(others), 1)
    for j, name in enumerate(others, start=1):
        rows = rel[rel["scenario"] == name].set_index("figure")
        y, mid, err_low, err_high = [], [], [], []
        for pos, key in enumerate(keys):
            if key not in rows.index:
                continue
            r = rows.loc[key]
            d = (float(r["ratio"]) - 1) * 100
            lo, hi = ((float(r[c]) - 1) * 100 if pd.notna(r[c]) else math.nan for c in ("ratio_low", "ratio_high"))
            y.append(pos + (j - 1 - (len(others) - 1) / 2) * step)
            mid.append(d)
            err_low.append(d - lo if math.isfinite(lo) else 0.0)
            err_high.append(hi - d if math.isfinite(hi) else 0.0)
        st = style(j)
        ax.errorbar(
            mid,
            y,
            xerr=np.array([err_low, err_high]).reshape(2, -1),
            fmt=str(st["marker"]),
            color=str(st["color"]),
            capsize=4,
            markersize=7,
            linewidth=2,
            label=f"{scenario_title(name)} against {scenario_title(names[0])}",
        )
    ax.axvline(0, color="black", linewidth=1)
    ax.set_yticks(range(len(keys)), [textwrap.fill(figure(k).label, 46) for k in keys], fontsize=9)
    ax.set_ylim(len(keys) - 0.5, -0.5)
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel(f"difference to {scenario_title(names[0])}, relative to its mean ({PCT}% Fieller interval, paired)")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="upper center", ncol=min(len(others), 2), frameon=False, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / fig.get_figheight()))
    fig.savefig(path, dpi=100)
    plt.close(fig)
