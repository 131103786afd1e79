"""A run's result folder: spread.csv, money.csv, runs.csv, summary.json, spread.png, report.html, manifest.json."""

from __future__ import annotations

from pathlib import Path

from sasci_sim.output.folders import manifest, safe_child, write_json, write_run
from sasci_sim.output.plots import plot_spread
from sasci_sim.output.report import write_run_report
from sasci_sim.output.results import RunResult


def write_results(result: RunResult, out: Path) -> Path:
    """Write a run's folder ``out/<scenario name>/`` atomically; returns its path.

    Args:
        result: The run.
        out: The folder to write it in.

    Returns:
        The run folder's path.

    Raises:
        InputError: When the folder cannot be written; earlier results are left untouched.
    """
    target = safe_child(Path(out), result.scenario.name)
    dump = result.scenario.model_dump(mode="json")
    return write_run(
        target,
        {
            "spread.csv": lambda p: result.spread.to_csv(p, index=False),
            "money.csv": lambda p: result.money.to_csv(p, index=False),
            "runs.csv": lambda p: result.runs.to_csv(p, index=False),
            "summary.json": lambda p: write_json(
                p, {"scenario": result.scenario.name, "replications": len(result.seeds), "figures": result.summary}
            ),
            "spread.png": lambda p: plot_spread(result.spread, p, result.scenario.name),
            "report.html": lambda p: write_run_report(result, p, p.with_name("spread.png")),
            "manifest.json": lambda p: write_json(p, manifest(dump, result.seeds)),
        },
    )
