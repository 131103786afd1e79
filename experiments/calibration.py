"""Calibrate the baseline against the stylised facts: run selected checks for candidate values.

How the defaults were chosen (docs/ODD.md, 'Calibration'): starting from the baseline,
candidate values are given as scenario overrides; this script runs the variants the
chosen checks need (common random numbers) and prints the validation table plus the
baseline's summary figures and where pilots' money came from, so that each candidate
can be judged against every fact at once.

    .venv/bin/python experiments/calibration.py --replications 6 --checks 1,2,4 \\
        --set diffusion.peer_influence=0.6 --set funding.budget_per_call_k=3000

With no --checks every fact is run. The defaults in sasci_sim/config/schema.py and
sasci_sim/data/baseline.yaml are the values that passed every check here at 20
replications (`sasci-sim validate` then confirms them).
"""

from __future__ import annotations

import argparse
import sys
import time

from sasci_sim.config.loader import load_scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.validation.checks import judge, run_variants, table
from sasci_sim.experiments.validation.facts import FACTS

FIGURES = (
    "final_sustained_share",
    "final_adopting_share",
    "share_at_scale",
    "share_of_grants_lost_at_cliff",
    "councils_reached_share",
    "partial_share_of_sustained",
)
PAYERS = ("own_funded", "grant_funded", "pilot_fund_funded", "commissioned")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=6)
    parser.add_argument("--checks", default="", help="comma-separated labels, e.g. 1,3a,8b (default: all)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    labels = {c.strip() for c in args.checks.split(",") if c.strip()}
    facts = tuple(f for f in FACTS if not labels or f.label in labels)
    if not facts:
        print(f"error: --checks: no such check; known: {', '.join(f.label for f in FACTS)}", file=sys.stderr)
        return 2
    try:
        base = load_scenario(None, args.overrides)
    except InputError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    names = {v for f in facts for v in f.variants} | {"baseline"}
    start = time.perf_counter()
    results = run_variants(names, args.replications, base=base)
    print(table(judge(results, facts)))
    print()
    for name in sorted(results):
        s = results[name].summary
        figures = "  ".join(f"{k}={s[k]['mean']:.4g}" for k in FIGURES if s[k]["mean"] is not None)
        print(f"{name:16s} {figures}")
    final = results["baseline"].spread
    final = final[final["step"] == final["step"].max()]
    paid = final.groupby("replication")[list(PAYERS)].sum().mean()
    print("\nbaseline adopters at 10 years by who pays:", ", ".join(f"{k} {v:.0f}" for k, v in paid.items()))
    print(f"\n{len(results)} variants x {args.replications} replications in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
