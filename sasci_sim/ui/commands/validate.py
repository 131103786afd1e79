"""``sasci-sim validate``: the stylised facts and the Bass limit, with a table and figures."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from tqdm import tqdm

from sasci_sim.ui.commands.args import positive_int

NAME = "validate"
HELP = "check the stylised facts and the Bass limit; exit 1 if one fails"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--replications", type=positive_int, default=20, help="replications per variant (default 20)")
    parser.add_argument(
        "--providers", type=positive_int, default=None, help="population size (default: the baseline's)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("results"), help="figures go to OUT/validation/ (default results)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def finite(x: float) -> float | None:
    """JSON has no NaN: an undefined figure is written as null."""
    return x if math.isfinite(x) else None


def execute(args: argparse.Namespace) -> int:
    from sasci_sim.output.folders import atomic_folder, check_target, package_versions, write_json

    check_target(args.out / "validation", "validation")  # before minutes of runs, as run and compare do
    from sasci_sim.experiments.validation.checks import (
        BASS_PAIRS,
        judge,
        plot_bass,
        plot_verdict,
        run_bass,
        run_variants,
        table,
    )
    from sasci_sim.experiments.validation.facts import FACTS

    names = {v for f in FACTS for v in f.variants}
    with tqdm(
        total=len(names) + len(BASS_PAIRS), desc="validate", unit="variant", disable=args.quiet, file=sys.stderr
    ) as bar:
        results = run_variants(names, args.replications, providers=args.providers, on_done=lambda _: bar.update())
        bass = []
        for p, q in BASS_PAIRS:
            bass.append(run_bass(p, q, max(args.replications, 20)))
            bar.update()
    verdicts = judge(results)
    print(table(verdicts))
    print()
    print("Bass limit (model mean over replications vs the discrete recursion):")
    for b in bass:
        verdict = "PASS" if b.within_tolerance else "FAIL"
        print(
            f"  p={b.p:g} q={b.q:g}: max |deviation| {b.max_abs_deviation:.4f} (tolerance 4 SE + 1/N at each step): {verdict}"
        )
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
                "versions": package_versions(),
            },
        )
    print(f"\nfigures: {args.out / 'validation'}")
    ok = all(v.passed for v in verdicts) and all(b.within_tolerance for b in bass)
    return 0 if ok else 1
