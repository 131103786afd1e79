"""``sasci-sim analyse``: a sweep folder -> tables, charts and plain-language findings.

Reads only what the sweep wrote (sweep.json, design.parquet, runs/), so it can be
rerun at any time, also on a partial sweep (Sobol and Morris then wait for every
run; envelopes and discovery use what there is). Everything goes to
``analysis/``, written in a temporary folder and moved into place whole.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from sasci_sim.analysis.sensitivity import Indices, describe, morris_indices, point_means, sobol_indices
from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep import charts
from sasci_sim.experiments.sweep.designs import RAW
from sasci_sim.experiments.sweep.discovery import discover, of_interest
from sasci_sim.experiments.sweep.experiment import ExperimentSpec
from sasci_sim.experiments.sweep.store import META, SweepStore
from sasci_sim.output.folders import replace_folder
from sasci_sim.seeds import derive_seed

ANALYSIS = "analysis"
#: A Sobol index is a share of output variance (0 to 1): its 95% bootstrap interval should be no
#: wider than this either side, or an index of 0.2 cannot be told from none.
SOBOL_HALF_WIDTH = 0.1
#: A Morris mu* interval should be no wider, either side, than this share of the largest mu*,
#: or the ranking of the parameters (what screening is for) is not settled.
MORRIS_RELATIVE_HALF_WIDTH = 0.1
ENVELOPE_QUANTILES = {"p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}


@dataclass
class AnalysisReport:
    """What the analysis found (as lines of text) and where it wrote its files."""

    folder: Path
    lines: list[str] = field(default_factory=list)
    indices: dict[str, Indices] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The whole report as text.

        Returns:
        The report's lines as one text (summary.txt and the terminal).
        """
        return "\n".join(self.lines) + "\n"


def analyse(root: Path) -> AnalysisReport:
    """Analyse the sweep in ``root`` (OUT/<experiment name>) into ``root/analysis``.

    The analysis is written to a temporary folder and moved into place, so a killed
    analysis never leaves half its files.

    Args:
        root: The sweep folder.

    Returns:
        The report: its lines, the indices and the discovered rules.
    """
    store = SweepStore.existing(root)
    meta = store.meta()
    try:
        spec = ExperimentSpec.model_validate(meta["experiment"])
    except (ValidationError, TypeError):
        raise InputError(store.root / META, "experiment", "is damaged (not an experiment as sweep writes it)") from None
    design = store.design()
    runs = store.read()
    report = AnalysisReport(store.root / ANALYSIS)
    damaged = store.damaged_parts()
    if damaged:
        report.lines.append(
            f"warning: {len(damaged)} part file(s) in {store.runs} cannot be read (cut short?); their runs "
            "are left out here, and a resumed sweep redoes them"
        )
    ok = runs[runs["status"] == "ok"] if len(runs) else runs
    failed = len(runs) - len(ok)
    report.lines.append(
        f"{spec.name}: {spec.design} design, {meta['points']} points x {spec.replications} replicates; "
        f"{len(runs)} of {meta['runs']} runs finished ({failed} failed)"
    )
    codes = sorted(set(ok["code"].dropna())) if "code" in ok else []
    if len(codes) > 1:
        report.lines.append(
            f"warning: the runs come from {len(codes)} versions of the sasci-sim code ({', '.join(codes)})"
        )
    tmp = Path(tempfile.mkdtemp(prefix=f".{ANALYSIS}.tmp-", dir=store.root))
    try:
        _write_runs(runs, meta, tmp)
        if spec.design in ("sobol", "morris"):
            _indices(spec, meta, design, runs, tmp, report)
        if len(ok) == 0:
            report.lines.append("no successful runs yet: no heat maps, envelopes or discovery")
        else:
            if spec.design == "grid" and len(meta["parameters"]) == 2:
                _grid(meta, ok, tmp, report)
            if meta["curves"]:
                _envelopes(meta, ok, tmp, report)
            if spec.discovery is not None:
                _discovery(spec, meta, ok, tmp, report)
        (tmp / "summary.txt").write_text(report.text(), encoding="utf-8")
        tmp.chmod(0o755)
        replace_folder(tmp, report.folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return report


def sweep_folders(path: Path) -> list[Path]:
    """``path`` if it is a sweep folder, else the sweep folders directly inside it.

    Args:
        path: A sweep folder or a folder of sweep folders.

    Returns:
        The sweep folders found.

    Raises:
        InputError: When there are none.
    """
    path = Path(path)
    if (path / "sweep.json").is_file():
        return [path]
    found = sorted(p for p in path.iterdir() if (p / "sweep.json").is_file()) if path.is_dir() else []
    if not found:
        raise InputError(path, "", "holds no sweep results (no sweep.json here or in its folders)")
    return found


def _write_runs(runs: pd.DataFrame, meta: dict[str, Any], folder: Path) -> None:
    """runs.csv: one row per run with its point, seed, values and outcomes (curves left out)."""
    runs.drop(columns=[c for c in meta["curves"] if c in runs]).to_csv(folder / "runs.csv", index=False)


def _indices(
    spec: ExperimentSpec,
    meta: dict[str, Any],
    design: pd.DataFrame,
    runs: pd.DataFrame,
    folder: Path,
    report: AnalysisReport,
) -> None:
    method = "Sobol" if spec.design == "sobol" else "Morris"
    if len(runs) < meta["runs"]:
        report.lines.append(
            f"{method} indices: wait for every run ({len(runs)} of {meta['runs']} so far); rerun the sweep to finish"
        )
        return
    problem = meta["problem"]
    seed = derive_seed(spec.seed, 1) % 2**32  # bootstrap intervals reproducible
    raw = design[[RAW + name for name in problem["names"]]].to_numpy(dtype=float)
    widest: tuple[float, str] | None = None  # (samples needed, outcome)
    for outcome in meta["outcomes"]:
        y = point_means(runs, meta["points"], outcome)
        if spec.design == "sobol":
            result = sobol_indices(problem, y, outcome, second_order=spec.second_order, seed=seed)
        else:
            result = morris_indices(problem, raw, y, outcome, levels=spec.morris_levels, seed=seed)
        report.indices[outcome] = result
        report.lines.extend(describe(result, method))
        if result.table is None:
            continue
        flags, needed = too_wide(result.table, method, int(spec.samples or 0))
        if needed is not None and (widest is None or needed > widest[0]):
            widest = (needed, outcome)
        stem = f"{method.lower()}_{outcome}"
        result.table.to_csv(folder / f"{stem}.csv", index=False)
        chart = charts.sobol_bars if method == "Sobol" else charts.morris_bars
        chart(result.table, outcome, folder / f"{stem}.png", flags)
    if widest is not None:
        report.lines.append(size_warning(spec, method, *widest))


def too_wide(table: pd.DataFrame, method: str, samples: int) -> tuple[np.ndarray, float | None]:
    """Which indices are too uncertain to read, and how many samples would make them readable.

    The judgement uses the 95% bootstrap intervals SALib gives: a Sobol index whose interval is
    wider than ±0.1 either side (the index is a share of variance, 0 to 1), or a Morris mu* whose
    interval is wider than ±10% of the largest mu*, is flagged. Intervals shrink as one over the
    square root of the samples, so the samples needed are the samples used times the square of
    (widest interval / allowed interval); a Sobol design needs a power of 2.

    Args:
        table: The indices of one outcome (from ``sasci_sim.analysis.sensitivity``).
        method: "Sobol" or "Morris".
        samples: The design's base samples (Sobol) or trajectories (Morris).

    Returns:
        A flag per row of ``table``, and the samples needed (None if every index is readable).
    """
    if method == "Sobol":
        width = np.maximum(table["S1_conf"].to_numpy(float), table["ST_conf"].to_numpy(float))
        allowed = SOBOL_HALF_WIDTH
    else:
        width = table["mu_star_conf"].to_numpy(float)
        allowed = MORRIS_RELATIVE_HALF_WIDTH * float(np.nanmax(np.abs(table["mu_star"].to_numpy(float))))
    width = np.where(np.isfinite(width), width, np.inf)
    flags = width > allowed if allowed > 0 else np.zeros(len(table), dtype=bool)
    if not flags.any() or samples < 1:
        return flags, None
    worst = float(width.max())
    needed = samples * (worst / allowed) ** 2 if np.isfinite(worst) else samples * 16.0
    if method == "Sobol":
        needed = 2 ** math.ceil(math.log2(max(needed, samples * 2)))
    return flags, float(math.ceil(max(needed, samples + 1)))


def size_warning(spec: ExperimentSpec, method: str, needed: float, outcome: str) -> str:
    """The one ``warning:`` line of an analysis whose samples are too few for its indices."""
    what = "base samples" if method == "Sobol" else "trajectories"
    rule = (
        f"wider than ±{SOBOL_HALF_WIDTH:g}"
        if method == "Sobol"
        else f"wider than ±{MORRIS_RELATIVE_HALF_WIDTH:.0%} of the largest mu*"
    )
    return (
        f"warning: {spec.samples} {what} are too few for these {method} indices: some 95% bootstrap intervals are "
        f"{rule} (worst for {outcome}); use --samples {int(needed)} or more (intervals narrow as "
        "1/sqrt(samples)); flagged indices are hatched grey in the charts"
    )


def _grid(meta: dict[str, Any], ok: pd.DataFrame, folder: Path, report: AnalysisReport) -> None:
    first, second = (p["key"] for p in meta["parameters"])
    grouped = ok.groupby([first, second])
    tidy = []
    for outcome in meta["outcomes"]:
        stats = grouped[outcome].agg(["mean", "sem", "count"]).reset_index()
        stats.insert(0, "outcome", outcome)
        tidy.append(stats)
        means = stats.pivot(index=first, columns=second, values="mean")
        charts.heatmap(means, outcome, folder / f"heatmap_{outcome}.png")
    pd.concat(tidy).to_csv(folder / "grid_means.csv", index=False)
    report.lines.append(f"heat maps of {', '.join(meta['outcomes'])} over {first} x {second}: grid_means.csv")


def _envelopes(meta: dict[str, Any], ok: pd.DataFrame, folder: Path, report: AnalysisReport) -> None:
    rows = []
    for curve in meta["curves"]:
        per_point = []
        for _point, group in ok.groupby("point"):
            length = max(len(v) for v in group[curve])
            stack = np.full((len(group), length), np.nan)
            for i, values in enumerate(group[curve]):
                stack[i, : len(values)] = values
            per_point.append(np.nanmean(stack, axis=0))
        length = max(len(v) for v in per_point)
        matrix = np.full((len(per_point), length), np.nan)
        for i, values in enumerate(per_point):
            matrix[i, : len(values)] = values
        band = {name: np.nanquantile(matrix, q, axis=0) for name, q in ENVELOPE_QUANTILES.items()}
        rows.append(pd.DataFrame({"curve": curve, "month": np.arange(length), **band}))
    bands = pd.concat(rows, ignore_index=True)
    bands.to_csv(folder / "envelopes.csv", index=False)
    charts.envelopes(bands, folder / "envelopes.png")
    report.lines.append(f"spread-curve envelopes over {ok['point'].nunique()} design points: envelopes.png")


def _discovery(
    spec: ExperimentSpec, meta: dict[str, Any], ok: pd.DataFrame, folder: Path, report: AnalysisReport
) -> None:
    d = spec.discovery
    assert d is not None
    keys = [p["key"] for p in meta["parameters"]]
    whole = {p["key"] for p in meta["parameters"] if p["kind"] == "int"}
    y = of_interest(ok[d.outcome], d)
    threshold = f">= {d.at_least}" if d.at_least is not None else f"<= {d.at_most}"
    result = discover(ok[keys], y, d, whole)
    lines = [
        f"scenario discovery (PRIM): runs of interest: {d.outcome} {threshold} ({d.describe}): "
        f"{result.base_rate:.0%} of {result.runs} runs"
    ]
    if result.note:
        lines.append(f"  {result.note}")
    elif not result.rules:
        lines.append(f"  no box keeps coverage >= {d.min_coverage} with a significant restriction")
    rows = []
    for n, rule in enumerate(result.rules, start=1):
        report.rules.append(rule.text())
        lines.append(f"  rule {n}: {rule.text()}")
        rows += [
            {
                "rule": n,
                "parameter": c.parameter,
                "at_least": c.low,
                "at_most": c.high,
                "one_of": None if c.allowed is None else "|".join(map(str, c.allowed)),
                "quasi_p": c.qp,
                "coverage": rule.coverage,
                "density": rule.density,
                "runs_in_box": rule.runs,
            }
            for c in rule.conditions
        ]
    report.lines.extend(lines)
    (folder / "prim_rules.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pd.DataFrame(rows).to_csv(folder / "prim_boxes.csv", index=False)
