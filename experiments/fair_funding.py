"""The fair funding comparison (issue 13): short, long and joint-fund grants at equal money spent.

Runs scenarios/fair/ (no programme, 24-month grants, 60-month grants, a 60-month joint fund that
covers double running; four yearly calls from month 13 to 49, so every grant has ended by month
109) with common random numbers, writes the comparison folder like ``sasci-sim compare``, and
prints for each regime the money actually spent and the sustained adopters it added over no
programme, sector-wide, per £m spent, at 10 and 15 years, with 90% intervals and paired
differences against the short grants. With ``--grades`` it then finds which assumption-grade
parameters decide each equal-spend finding (sasci_sim/experiments/grades.py; every parameter is
moved down and up by half in every scenario at once and the comparison rerun with the same seeds).

    PYTHONPATH=. .venv/bin/python experiments/fair_funding.py --replications 20 --out results
    PYTHONPATH=. .venv/bin/python experiments/fair_funding.py --replications 10 --grades --out results
    PYTHONPATH=. .venv/bin/python experiments/fair_funding.py --set diffusion.proof_months=18 ...
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sasci_sim.analysis.intervals import PCT, paired_difference
from sasci_sim.config.loader import load_scenario
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.compare import gather, resolve, with_added_per_m_spent
from sasci_sim.experiments.grades import probe, regrade
from sasci_sim.experiments.replications import run_replications
from sasci_sim.output.compare_folder import write_comparison
from sasci_sim.output.results import RunResult

FAIR = Path(__file__).resolve().parents[1] / "scenarios" / "fair"
FILES = [FAIR / f"{name}.yaml" for name in ("no_programme", "short_grants", "long_grants", "joint_fund")]
MONTHS = (120, 180)


def interval(values: object) -> str:
    """Mean and 90% t-interval of one scenario's per-replication values (as a paired difference with 0)."""
    import numpy as np

    x = np.asarray(values, dtype=float)
    d = paired_difference(x, np.zeros_like(x))
    return f"{d.estimate:8.2f} [{d.low:7.2f}, {d.high:7.2f}]"


def table(results: list[RunResult]) -> str:
    """Spend and adopters added per £m, per regime and month, with paired differences against short grants."""
    by = {r.scenario.name: r.runs.sort_values("replication").reset_index(drop=True) for r in results}
    short = by["fair_short_grants"]
    lines = [
        f"{'regime':20} {'month':>5}  {'spent £m, mean [' + str(PCT) + '% CI]':>30}  {'added per £m':>28}  {'minus short grants, per £m':>28}"
    ]
    for month in MONTHS:
        spent, added = f"grants_spent_k_m{month}", f"added_adopters_per_m_spent_m{month}"
        for name in ("fair_short_grants", "fair_long_grants", "fair_joint_fund"):
            runs = by[name]
            diff = ""
            if name != "fair_short_grants":
                d = paired_difference(runs[added].to_numpy(float), short[added].to_numpy(float))
                diff = f"{d.estimate:8.2f} [{d.low:7.2f}, {d.high:7.2f}]"
            lines.append(
                f"{name:20} {month:5d}  {interval(runs[spent] / 1000):>30}  {interval(runs[added]):>28}  {diff:>28}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("results"))
    parser.add_argument(
        "--grades", action="store_true", help="find which assumption-grade parameters decide each finding"
    )
    parser.add_argument("--keys", nargs="*", help="only these parameters (with --grades)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override in every scenario (repeatable)"
    )
    args = parser.parse_args(argv)
    scenarios = [load_scenario(path, args.set) for path in FILES]
    seed = scenarios[0].simulation.seed
    started = time.time()
    comparison = gather(scenarios, args.out, replications=args.replications, seed=seed)
    folder = write_comparison(comparison, args.out, [str(p) for p in FILES])
    print(f"report: {folder / 'report.html'} ({time.time() - started:.0f} s, {args.replications} replications)")
    print(table(with_added_per_m_spent(comparison.results)))
    print("equal-spend findings:")
    for f in comparison.findings:
        if f.text.startswith("At equal spend"):
            print(f"- {f.text} [evidence: {f.grade}]")
    if not args.grades:
        return 0

    def run(scenario: Scenario) -> RunResult:
        return run_replications(resolve(scenario, args.replications, seed))

    def done(key: str, multiplier: float) -> None:
        print(f"  probed {key} x{multiplier:g} ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)

    decisions = probe(comparison, run, keys=args.keys, on_done=done)
    print("parameters whose perturbation (x0.5, x1.5 in every scenario) changes a finding's verdict:")
    for d in decisions:
        print(f"- {d.scenario} / {d.figure}: {d.parameter} x{d.factor:g}: {d.verdict} -> {d.perturbed}")
    print("regraded equal-spend findings:")
    for f in regrade(comparison.findings, decisions):
        if f.text.startswith("At equal spend"):
            leans = ", ".join(f"{name} ({grade})" for name, grade in f.leans_on)
            print(f"- [{f.grade}] {f.scenario} / {f.figure}; leans on: {leans}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
