"""``sasci-sim validate``: the stylised facts, the Bass limit and the hold-out anchors, with a table and figures.

The table has three groups: the stylised facts that are evidence; the checks that hold by
the rules' own formulas, labelled "verification, not evidence" (with the Bass limit); and
the real-world anchors not used to calibrate, each predicted from the shipped posterior
(its 90% interval over ``--draws`` parameter sets) beside the observed value.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from sasci_sim.output.wording import period
from sasci_sim.ui.commands.args import positive_int
from sasci_sim.ui.commands.tables import Column, add_table_options, render_table

if TYPE_CHECKING:
    from sasci_sim.experiments.validation.bass import BassResult
    from sasci_sim.experiments.validation.checks import Verdict
    from sasci_sim.experiments.validation.holdout import AnchorPrediction
    from sasci_sim.output.results import RunResult

NAME = "validate"
HELP = "check the stylised facts, the Bass limit and the hold-out anchors; exit 1 if one fails"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim validate``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("--replications", type=positive_int, default=20, help="replications per variant (default 20)")
    parser.add_argument(
        "--providers", type=positive_int, default=None, help="population size (default: the baseline's)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("results"), help="figures go to OUT/validation/ (default results)"
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=None,
        help="parameter sets drawn from the shipped posterior to predict the hold-out anchors "
        "(default 20; 0 skips the anchors)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_table_options(parser)


#: The table's columns; the metric (what exactly is measured) is the first left out on a narrow terminal.
COLUMNS = (
    Column("fact", "fact", 0, 4),
    Column("group", "group", 0, 10),
    Column("statement", "statement", 0, 22),
    Column("observed", "observed mean [95% CI]", 1, 14),
    Column("expected", "expected", 2, 14),
    Column("verdict", "verdict", 0, 7),
    Column("metric", "metric", 3, 30),
)


def observed(v: Verdict, horizon: int) -> str:
    """A check's mean and interval, or "not reached in N years" where replications hit the horizon.

    A time-to-event metric counts an event that never happens as the month after the run ends:
    printing that as a number (361 [361, 361]) would read as a measured time.

    Args:
        v: The verdict.
        horizon: Months the check's variants ran.

    Returns:
        The observed cell.
    """
    text = v.estimate.text()
    if "months" not in v.check.metric or "minus" in v.check.metric:
        return text
    censored = int((v.values >= horizon + 1).sum())
    if censored == v.values.size:
        return f"not reached in {period(horizon)} (in none of the {v.values.size} replications)"
    if censored:
        return f"{text} ({censored} of {v.values.size} not reached in {period(horizon)}, counted as {horizon + 1})"
    return text


def anchor_rows(predictions: list[AnchorPrediction]) -> list[dict[str, Any]]:
    """One row per hold-out, check and input anchor: the model's 90% interval beside the observed value.

    Args:
        predictions: The anchors predicted from the posterior (``holdout.predict_anchors``).

    Returns:
        Rows with the keys of :data:`COLUMNS`.
    """
    from sasci_sim.experiments.validation.holdout import number, observed_text

    groups = {"holdout": "hold-out", "check": "set-up check, not evidence", "input": "input, not evidence"}
    out = []
    for p in predictions:
        a = p.anchor
        if not p.predicted:
            model = p.reason.split(":")[0] + " (why: anchors.yaml, validation.json)"
        elif math.isnan(p.low):
            model = f"no value in any of {p.values.size} draws"
        else:
            model = f"90% [{number(p.low)}, {number(p.high)}] over {p.values.size} draws"
            if p.never:
                model += f" ({p.never} never reached it)"
            if p.undefined:
                model += f" ({p.undefined} gave no value)"
        out.append(
            {
                "fact": a.id,
                "group": groups[a.use],
                "statement": a.quantity,
                "observed": model,
                "expected": f"{observed_text(a)} (sd {number(a.sd)}), {a.years[-1]}"
                if a.status != "figure_pending"
                else "pending",
                "verdict": p.verdict,
                "metric": a.metric,
            }
        )
    return out


def table_rows(verdicts: list[Verdict], results: dict[str, RunResult], bass: list[BassResult]) -> list[dict[str, Any]]:
    """The validation table: the evidence checks, then the verification checks and the Bass limit.

    Args:
        verdicts: The judged checks.
        results: The variants' runs (for their horizons).
        bass: The Bass-limit runs.

    Returns:
        Rows with the keys of :data:`COLUMNS`.
    """
    from sasci_sim.experiments.validation.facts import VERIFICATION_LABEL

    out = []
    for v in sorted(verdicts, key=lambda v: not v.check.evidence):
        horizon = max(results[name].scenario.simulation.steps for name in v.check.variants)
        out.append(
            {
                "fact": v.check.label,
                "group": "evidence" if v.check.evidence else VERIFICATION_LABEL,
                "statement": v.check.statement,
                "observed": observed(v, horizon),
                "expected": v.check.check.text(),
                "verdict": "PASS" if v.passed else "FAIL",
                "metric": v.check.metric,
            }
        )
    for b in bass:
        out.append(
            {
                "fact": "Bass",
                "group": VERIFICATION_LABEL,
                "statement": f"Bass limit at p={b.p:g}, q={b.q:g}: model mean over replications against the recursion",
                "observed": f"max |deviation| {b.max_abs_deviation:.4f}",
                "expected": "within 4 SE + 1/N at each step",
                "verdict": "PASS" if b.within_tolerance else "FAIL",
                "metric": "adopted share per month",
            }
        )
    return out


def finite(x: float) -> float | None:
    """JSON has no NaN: an undefined figure is written as null.

    Args:
        x: A figure.

    Returns:
        The figure, or None when it is NaN or infinite.
    """
    return x if math.isfinite(x) else None


def execute(args: argparse.Namespace) -> int:
    """Run the stylised-fact checks and the Bass-limit check; write the table and figures.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 when every check passes, 1 otherwise.

    Raises:
        InputError: On bad input (the command line prints one line, exit status 2).
    """
    from sasci_sim.errors import InputError
    from sasci_sim.output.folders import atomic_folder, check_target, package_versions, write_json

    check_target(args.out / "validation", "validation")  # before minutes of runs, as run and compare do
    from sasci_sim.experiments.validation.checks import (
        BASS_PAIRS,
        judge,
        plot_bass,
        plot_verdict,
        run_bass,
        run_variants,
    )
    from sasci_sim.experiments.validation.facts import FACTS
    from sasci_sim.experiments.validation.holdout import DEFAULT_DRAWS, predict_anchors

    draws = DEFAULT_DRAWS if args.draws is None else args.draws
    if draws < 0:
        raise InputError("command line", "--draws", "must be 0 or more", got=draws)
    names = {v for f in FACTS for v in f.variants}
    with tqdm(
        total=len(names) + len(BASS_PAIRS) + draws,
        desc="validate",
        unit="run",
        disable=args.quiet,
        file=sys.stderr,
    ) as bar:
        predictions = predict_anchors(draws, on_draw=bar.update) if draws else []
        results = run_variants(names, args.replications, providers=args.providers, on_done=lambda _: bar.update())
        bass = []
        for p, q in BASS_PAIRS:
            bass.append(run_bass(p, q, max(args.replications, 20)))
            bar.update()
    verdicts = judge(results)
    rows = table_rows(verdicts, results, bass) + anchor_rows(predictions)
    print(render_table(rows, COLUMNS, args.format, args.wide))
    with atomic_folder(args.out / "validation", "validation") as tmp:
        for v in verdicts:
            plot_verdict(v, tmp / f"fact_{v.check.label}.png")
        plot_bass(bass, tmp / "bass_limit.png")
        write_json(
            tmp / "validation.json",
            {
                "replications": args.replications,
                "checks": [
                    {
                        "fact": v.check.label,
                        "group": v.check.group,
                        "statement": v.check.statement,
                        "metric": v.check.metric,
                        "mean": finite(v.estimate.mean),
                        "ci95": [finite(v.estimate.low), finite(v.estimate.high)],
                        "expected": v.check.check.text(),
                        "passed": v.passed,
                    }
                    for v in verdicts
                ],
                "bass": [
                    {"p": b.p, "q": b.q, "max_abs_deviation": b.max_abs_deviation, "passed": b.within_tolerance}
                    for b in bass
                ],
                "draws": draws,
                "anchors": [
                    {
                        "anchor": p.anchor.id,
                        "use": p.anchor.use,
                        "observed": finite(p.anchor.observed),
                        "model_5": finite(p.low),
                        "model_95": finite(p.high),
                        "draws": int(p.values.size),
                        "undefined_draws": p.undefined,
                        "never_reached_draws": p.never,
                        "verdict": p.verdict,
                        "not_run": p.reason or None,
                    }
                    for p in predictions
                ],
            },
        )
        # atomic_folder replaces only folders whose manifest says they hold validate's figures
        write_json(
            tmp / "manifest.json",
            {
                "kind": "validation",
                "command": "validate",
                "replications": args.replications,
                "providers": args.providers,
                "draws": draws,
                "versions": package_versions(),
            },
        )
    print(f"\nfigures: {args.out / 'validation'}", file=sys.stderr if args.format != "text" else sys.stdout)
    ok = (
        all(v.passed for v in verdicts)
        and all(b.within_tolerance for b in bass)
        and all(p.passed for p in predictions if p.predicted)
    )
    return 0 if ok else 1
