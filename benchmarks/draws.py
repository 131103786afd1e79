"""Benchmark a comparison over parameter uncertainty (issue 15): three scenarios, K draws x R seeds.

    .venv/bin/python benchmarks/draws.py --posterior DIR                 # target: 50 draws x 4 seeds, baseline size
    .venv/bin/python benchmarks/draws.py --posterior DIR --draws 4 --seeds 2 --providers 200   # a quick look

Runs short-term grants, long-term grants and the joint health and social care fund
(scenarios/) under the same K posterior draws, R seeds each (common random numbers
within a draw), with ``--workers`` processes, into a fresh folder (nothing reused),
then writes the comparison folder. Prints the time of the runs, of the analysis and
files, the total, and the target: under 5 minutes on 2 cores for 50 x 4 at baseline size.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.uncertainty.decisions import analyse_draws
from sasci_sim.experiments.uncertainty.posterior import draw_parameters, load_posterior, posterior_path
from sasci_sim.experiments.uncertainty.runs import run_over_draws
from sasci_sim.output.compare_folder import write_comparison

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("short_term_funding", "long_term_funding", "joint_health_social_care_fund")
TARGET_S = 300.0


def main() -> None:
    """Time the comparison and print the result against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posterior", type=Path, help="a calibrate output folder (default: the shipped posterior)")
    parser.add_argument("--draws", type=int, default=50)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--providers", type=int, help="resize the scenarios (default: their baseline size)")
    parser.add_argument("--steps", type=int, help="months (default: the scenarios' own)")
    args = parser.parse_args()
    overrides = [f"population.providers={args.providers}"] if args.providers else []
    scenarios = [load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides) for name in SCENARIOS]
    path = posterior_path(args.posterior)
    draws = draw_parameters(load_posterior(path), args.draws, scenarios[0].simulation.seed)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        runs = run_over_draws(
            scenarios,
            draws,
            Path(out),
            replications=args.seeds,
            seed=scenarios[0].simulation.seed,
            steps=args.steps,
            workers=args.workers,
        )
        ran = time.perf_counter()
        comparison = analyse_draws(runs, {s.name: "run" for s in scenarios}, str(path))
        write_comparison(comparison, Path(out))
        done = time.perf_counter()
    size = args.providers or scenarios[0].population.providers
    runs_total = args.draws * len(SCENARIOS)
    print(
        f"{len(SCENARIOS)} scenarios x {args.draws} draws x {args.seeds} seeds, {size} providers, "
        f"{args.workers} workers"
    )
    print(f"runs: {ran - start:.1f} s ({runs_total * args.seeds} replications, {runs_total} draw runs)")
    print(f"analysis and files: {done - ran:.1f} s")
    print(f"total: {done - start:.1f} s (target for 50 x 4 at baseline size on 2 cores: under {TARGET_S:.0f} s)")


if __name__ == "__main__":
    main()
