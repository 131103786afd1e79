"""Draw docs/readme_spread.png, the picture at the top of the README: short against long grants.

It runs the shipped short- and long-term funding scenarios with the same seeds (common random
numbers) and draws, for each, the share of providers sustaining and ever having abandoned the
average innovation, month by month, with the 5-95% band over replications. Rerun it after a
model change:

    .venv/bin/python docs/make_readme_figure.py                # the shipped size: about a minute
    .venv/bin/python docs/make_readme_figure.py --replications 2 --providers 300 --out /tmp/x.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import PercentFormatter

from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.replications import run_replications
from sasci_sim.output.plots import LINESTYLES, OKABE_ITO, band
from sasci_sim.output.wording import scenario_title

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("short_term_funding", "long_term_funding")
PANELS = {"sustained": "sustaining it (higher is better)", "abandoned": "that ever gave it up (lower is better)"}


def shares(spread, column: str):
    """Share of providers in ``column`` for the average innovation, per replication and month."""
    g = spread.groupby(["replication", "step"], sort=True)
    return (g[column].sum() / g["providers"].sum()).rename("share").reset_index()


def draw(replications: int, providers: int | None, seed: int, out: Path) -> Path:
    """Run both scenarios and write the figure.

    Args:
        replications: Replications of each scenario.
        providers: Providers in the population (None: the scenarios' own 2,000).
        seed: The root seed both scenarios share.
        out: The PNG to write.

    Returns:
        ``out``.
    """
    overrides = [f"population.providers={providers}"] if providers else []
    fig, axes = plt.subplots(1, len(PANELS), figsize=(8.0, 3.0), sharex=True)
    for i, name in enumerate(SCENARIOS):
        scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides)
        result = run_replications(scenario, replications=replications, seed=seed)
        for ax, column in zip(axes, PANELS, strict=True):
            stats = band(shares(result.spread, column))
            x = stats.index.to_numpy() / 12.0
            ax.fill_between(x, stats["p5"], stats["p95"], color=OKABE_ITO[i], alpha=0.2, linewidth=0)
            ax.plot(
                x,
                stats["mean"],
                color=OKABE_ITO[i],
                linestyle=LINESTYLES[i],
                linewidth=2,
                label=scenario_title(scenario),
            )
    for ax, words in zip(axes, PANELS.values(), strict=True):
        ax.set_title(f"Providers {words}", fontsize=9)
        ax.set_xlabel("years")
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=1))
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("share of providers\n(average innovation)", fontsize=9)
    axes[0].legend(loc="upper left", frameon=False, fontsize=8)
    fig.suptitle(
        f"Two-year against five-year grants, same budget: mean and 5-95% of {replications} replications", fontsize=10
    )
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    plt.close(fig)
    return out


def main() -> None:
    """Run the short- and long-grant scenarios and draw their spread curves to the README picture."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--providers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20240920)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "readme_spread.png")
    args = parser.parse_args()
    print(draw(args.replications, args.providers, args.seed, args.out))


if __name__ == "__main__":
    main()
