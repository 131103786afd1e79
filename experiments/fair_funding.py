"""The fair funding comparison (issue 13): short grants, long grants and a pooled joint fund at equal money spent.

Runs scenarios/fair/ with common random numbers and writes the comparison folder like
``sasci-sim compare``. The regimes: 24-month and 60-month grants (four yearly calls from month 13
to 49, every grant ended by month 109), and Evans 2024's long-term joint fund paid through the
pooled budgets of councils and their ICBs (months 13 to 108), all offering 24m; for contrast, the
same short grants where every council pools, and a joint fund run as a grant funder. Money spent is
the programme's money as it is paid out: grant money (``grants_spent_k``) plus what the joint fund's
pots paid (``joint_fund_spent_k``). For each regime it prints that spend and the sustained
adopters it added over its counterfactual (no programme, or pools with no programme), sector-wide,
per £m spent, at 10 and 15 years, with 90% intervals and paired differences against the short
grants (regimes in the pooled world against the pooled short grants). With ``--grades`` it then
finds which assumption-grade parameters decide each difference, by the paired perturbation of
sasci_sim/experiments/grades.py (every parameter moved down and up by half in every scenario at
once, the comparison rerun with the same seeds, each difference's verdict recomputed).

    PYTHONPATH=. .venv/bin/python experiments/fair_funding.py --replications 20 --out results
    PYTHONPATH=. .venv/bin/python experiments/fair_funding.py --replications 10 --grades --out results
    PYTHONPATH=. .venv/bin/python experiments/fair_funding.py --set diffusion.proof_months=18 ...
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sasci_sim.analysis.intervals import PCT, paired_difference
from sasci_sim.config.diff import lever_differences
from sasci_sim.config.loader import load_scenario
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.compare import gather, resolve
from sasci_sim.experiments.grades import Decision, assumption_parameters, perturb, regrade, verdict
from sasci_sim.experiments.replications import run_replications
from sasci_sim.output.compare_folder import write_comparison
from sasci_sim.output.findings import lever_grades, overall_grade
from sasci_sim.output.results import Finding, RunResult

FAIR = Path(__file__).resolve().parents[1] / "scenarios" / "fair"
NAMES = (
    "no_programme",
    "short_grants",
    "long_grants",
    "joint_fund",
    "pooled_no_programme",
    "pooled_short_grants",
    "joint_fund_grants",
)
FILES = [FAIR / f"{name}.yaml" for name in NAMES]
MONTHS = (120, 180)
#: The fund's own design (how much, when, for how long, who pools): set by the experiment, never perturbed.
DESIGN = ("nhs.joint_fund_", "nhs.pooled_council_share")


@dataclass(frozen=True)
class Regime:
    """A row of the table: a scenario, the run it adds to, and the regime its difference is set against."""

    label: str
    scenario: str
    counterfactual: str
    against: str | None  # label of the reference row, or None for a reference


REGIMES = (
    Regime("short grants", "fair_short_grants", "fair_no_programme", None),
    Regime("long grants", "fair_long_grants", "fair_no_programme", "short grants"),
    Regime("joint fund (pooled)", "fair_joint_fund", "fair_no_programme", "short grants"),
    Regime("pooled short grants", "fair_pooled_short_grants", "fair_pooled_no_programme", None),
    Regime("joint fund over pools", "fair_joint_fund", "fair_pooled_no_programme", "pooled short grants"),
    Regime("joint fund as grants", "fair_joint_fund_grants", "fair_no_programme", "short grants"),
)


def spent_k(result: RunResult, month: int) -> np.ndarray:
    """Programme money paid out up to and including a month, per replication (grants and the joint fund).

    Args:
        result: A scenario's runs.
        month: The month.

    Returns:
        k GBP, one value per replication in replication order.
    """
    money = result.money[result.money["step"] <= month]
    paid = money["grants_spent_k"] + money["joint_fund_spent_k"]
    return paid.groupby(money["replication"]).sum().sort_index().to_numpy(float)


def adopters(result: RunResult, month: int) -> np.ndarray:
    """Sustained adopters sector-wide in a month, per replication in replication order.

    Args:
        result: A scenario's runs.
        month: The month.

    Returns:
        One count per replication.
    """
    return result.runs.sort_values("replication")[f"sustained_adopters_m{month}"].to_numpy(float)


def added_per_m(results: Sequence[RunResult], month: int) -> dict[str, np.ndarray]:
    """Each regime's sustained adopters added over its counterfactual per £m it spent, per replication.

    Args:
        results: The comparison's runs (every scenario of ``REGIMES``).
        month: The evaluation month.

    Returns:
        Regime label -> one value per replication (paired by replication across regimes).
    """
    by = {r.scenario.name: r for r in results}
    out = {}
    for g in REGIMES:
        if g.scenario in by and g.counterfactual in by:
            added = adopters(by[g.scenario], month) - adopters(by[g.counterfactual], month)
            out[g.label] = added / (spent_k(by[g.scenario], month) / 1000.0)
    return out


def differences(results: Sequence[RunResult]) -> dict[tuple[str, int], tuple[np.ndarray, np.ndarray]]:
    """The paired figures behind each difference: (regime, month) -> (its values, its reference's values).

    Args:
        results: The comparison's runs.

    Returns:
        Added adopters per £m of the regime and of the regime it is set against, per replication.
    """
    out = {}
    for month in MONTHS:
        per_m = added_per_m(results, month)
        for g in REGIMES:
            if g.against is not None and g.label in per_m and g.against in per_m:
                out[(g.label, month)] = (per_m[g.label], per_m[g.against])
    return out


def interval(values: np.ndarray) -> str:
    """Mean and 90% t-interval of one scenario's per-replication values (as a paired difference with 0)."""
    d = paired_difference(values, np.zeros_like(values))
    return f"{d.estimate:7.2f} [{d.low:6.2f}, {d.high:6.2f}]"


def table(results: Sequence[RunResult]) -> str:
    """Spend and adopters added per £m, per regime and month, with paired differences against the reference.

    Args:
        results: The comparison's runs.

    Returns:
        The table as text.
    """
    by = {r.scenario.name: r for r in results}
    diffs = differences(results)
    head = f"{'spent £m, mean [' + str(PCT) + '% CI]':>26}"
    lines = [f"{'regime':22} {'month':>5}  {head}  {'added per £m':>24}  {'minus reference, per £m':>24}  reference"]
    for month in MONTHS:
        per_m = added_per_m(results, month)
        for g in REGIMES:
            if g.label not in per_m:
                continue
            diff, ref = "", ""
            if (g.label, month) in diffs:
                x, base = diffs[(g.label, month)]
                d = paired_difference(x, base)
                diff, ref = f"{d.estimate:7.2f} [{d.low:6.2f}, {d.high:6.2f}]", g.against
            spend = interval(spent_k(by[g.scenario], month) / 1000.0)
            lines.append(f"{g.label:22} {month:5d}  {spend:>26}  {interval(per_m[g.label]):>24}  {diff:>24}  {ref}")
    return "\n".join(lines)


def context(results: Sequence[RunResult]) -> str:
    """What pooling alone does and what the ICBs spend: the money the programme's spend does not count.

    Args:
        results: The comparison's runs.

    Returns:
        Lines of text.
    """
    by = {r.scenario.name: r for r in results}
    lines = []
    for month in MONTHS:
        gain = adopters(by["fair_pooled_no_programme"], month) - adopters(by["fair_no_programme"], month)
        lines.append(f"pools alone over no programme, sustained adopters at month {month}: {interval(gain)}")
    for name in ("fair_pooled_no_programme", "fair_joint_fund", "fair_pooled_short_grants"):
        nhs = by[name].money.groupby("replication")["nhs_spend_k"].sum().to_numpy(float) / 1000.0
        lines.append(f"{name}: ICB money spent through the pools over 15 years, £m: {interval(nhs)}")
    return "\n".join(lines)


def findings(results: Sequence[RunResult]) -> list[Finding]:
    """One finding per difference, leaning on the levers that differ between the regime and its reference.

    Args:
        results: The comparison's runs.

    Returns:
        Findings whose ``scenario`` is the regime's label and ``figure`` names the month.
    """
    by = {r.scenario.name: r.scenario for r in results}
    label = {g.label: g for g in REGIMES}
    out = []
    for (name, month), (x, base) in differences(results).items():
        g = label[name]
        leans = lever_grades(lever_differences([by[label[g.against].scenario], by[g.scenario]]))
        d = paired_difference(x, base)
        text = (
            f"At equal spend, {name} minus {g.against}, adopters added per £m at month {month}: "
            f"{d.estimate:.2f} [{d.low:.2f}, {d.high:.2f}]"
        )
        out.append(Finding(text, name, f"per_m_m{month}", leans, overall_grade(leans)))
    return out


def verdicts(results: Sequence[RunResult]) -> dict[tuple[str, str], str]:
    """Each difference's verdict (higher, lower, unclear) from its 90% paired interval.

    Args:
        results: The comparison's runs.

    Returns:
        {(regime label, "per_m_m<month>"): verdict}.
    """
    return {(name, f"per_m_m{month}"): verdict(x, base) for (name, month), (x, base) in differences(results).items()}


def probe_keys(scenarios: Sequence[Scenario]) -> list[str]:
    """Assumption-grade mechanism parameters of any scenario, without the fund's own design.

    Args:
        scenarios: The comparison's scenarios.

    Returns:
        Dotted keys in the order of the parameter table.
    """
    keys: list[str] = []
    for s in scenarios:
        keys += [k for k in assumption_parameters(s) if k not in keys and not k.startswith(DESIGN)]
    return keys


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
    results = comparison.results
    print(table(results))
    print(context(results))
    found = findings(results)
    print("equal-spend findings:")
    for f in found:
        print(f"- {f.text} [evidence: {f.grade}]")
    if not args.grades:
        return 0

    base = verdicts(results)
    decisions = []
    for key in args.keys if args.keys else probe_keys(scenarios):
        for multiplier in (0.5, 1.5):
            perturbed = [perturb(r.scenario, key, multiplier) for r in results]
            if any(s is None for s in perturbed):
                continue
            rerun = [run_replications(resolve(s, args.replications, seed)) for s in perturbed if s is not None]
            for (name, fig), v in verdicts(rerun).items():
                if v != base[(name, fig)]:
                    decisions.append(Decision(name, fig, key, multiplier, base[(name, fig)], v))
            print(f"  probed {key} x{multiplier:g} ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)
    print("parameters whose perturbation (x0.5, x1.5 in every scenario) changes a difference's verdict:")
    for d in decisions:
        print(f"- {d.scenario} / {d.figure}: {d.parameter} x{d.factor:g}: {d.verdict} -> {d.perturbed}")
    print("regraded equal-spend findings:")
    for f in regrade(found, decisions):
        leans = ", ".join(f"{name} ({grade})" for name, grade in f.leans_on)
        print(f"- [{f.grade}] {f.scenario} / {f.figure}; leans on: {leans}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
