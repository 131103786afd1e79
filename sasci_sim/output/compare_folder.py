"""A comparison's folder: report, figures, tables, findings and each run folder, written atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sasci_sim.output.compare_plots import plot_compare_spread, plot_differences
from sasci_sim.output.folders import MANIFEST, atomic_folder, manifest, safe_child, write_json
from sasci_sim.output.report import write_compare_report
from sasci_sim.output.results import Comparison, Origin
from sasci_sim.output.run_folder import write_results
from sasci_sim.output.uncertainty_report import has_draws, write_uncertainty
from sasci_sim.output.wording import scenario_title

MAX_FOLDER_NAME = 120


def folder_name(names: Sequence[str]) -> str:
    """``compare-a-vs-b``; long lists become the first name, a count and a hash of all names.

    Args:
        names: The scenario names, first scenario first.

    Returns:
        A folder name of at most ``MAX_FOLDER_NAME`` characters, the same for the same names.
    """
    joined = "compare-" + "-vs-".join(names)
    if len(joined) <= MAX_FOLDER_NAME:
        return joined
    digest = hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]
    return f"compare-{names[0][:60]}-and-{len(names) - 1}-more-{digest}"


def lever_table(comparison: Comparison) -> pd.DataFrame:
    """levers.csv: each differing setting, its value per scenario, meaning, grade and source.

    Args:
        comparison: The comparison.

    Returns:
        One row per differing setting; non-text values are written as JSON.
    """
    rows = []
    for d in comparison.levers:
        row: dict[str, Any] = {"key": d.key}
        row |= {
            name: json.dumps(v) if not isinstance(v, str) else v
            for name, v in zip(comparison.names, d.values, strict=True)
        }
        row |= {"grade": d.grade, "source": d.source, "meaning": d.meaning}
        rows.append(row)
    return pd.DataFrame(rows, columns=["key", *comparison.names, "grade", "source", "meaning"])


def comparison_manifest(comparison: Comparison) -> dict[str, Any]:
    """What produced a comparison folder: resolved scenarios, common seeds, versions, sources.

    A later comparison reuses run folders only when this matches exactly.

    Args:
        comparison: The comparison.

    Returns:
        The manifest's content, every scenario resolved in full.
    """
    first = comparison.results[0]
    meta = manifest(first.scenario.model_dump(mode="json"), first.seeds)
    del meta["scenario"]
    return {
        "comparison": comparison.names,
        "scenarios": {r.scenario.name: r.scenario.model_dump(mode="json") for r in comparison.results},
        "sources": comparison.sources,
        **meta,
    }


def write_comparison(comparison: Comparison, out: Path, files: Sequence[str] = ()) -> Path:
    """Write ``out/compare-<names>/`` atomically: report, figures, tables, findings and each run folder.

    Reused run folders are copied in, so the folder stands on its own.

    Args:
        comparison: The comparison, with its figures, levers and findings.
        out: The folder to write it in.
        files: The scenario files as given, for the report's command to reproduce it.

    Returns:
        The comparison folder's path.

    Raises:
        InputError: When the folder cannot be written; earlier results are left untouched.
    """
    out = Path(out)
    target = safe_child(out, folder_name(comparison.names))
    with atomic_folder(target) as tmp:
        runs = tmp / "runs"
        runs.mkdir()
        for i, res in enumerate(comparison.results):
            source = comparison.sources[res.scenario.name]
            if source == "run":
                write_results(res, runs, Origin(files[i]) if i < len(files) else None)
            else:
                shutil.copytree(source, runs / res.scenario.name)
        comparison.figures.to_csv(tmp / "figures.csv", index=False)
        lever_table(comparison).to_csv(tmp / "levers.csv", index=False)
        (tmp / "findings.txt").write_text("".join(f.text + "\n" for f in comparison.findings), encoding="utf-8")
        titles = [scenario_title(r.scenario) for r in comparison.results]
        titles = [t if titles.count(t) == 1 else f"{t} ({n})" for t, n in zip(titles, comparison.names, strict=True)]
        plot_compare_spread(dict(zip(titles, (r.spread for r in comparison.results), strict=True)), tmp / "spread.png")
        plot_differences(comparison.figures, comparison.names, tmp / "differences.png", titles)
        if has_draws(comparison):
            write_uncertainty(comparison, tmp)  # type: ignore[arg-type]
        write_compare_report(comparison, tmp / "report.html", tmp / "spread.png", tmp / "differences.png", files)
        write_json(tmp / MANIFEST, comparison_manifest(comparison))
    return target
