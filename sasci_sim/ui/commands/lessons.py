"""``sasci-sim lessons``: check each teaching lesson's claim over the calibrated posterior.

A lesson claims a direction (two-year grants lose more pilots at the funding cliff than
five-year grants). This command runs the lesson and its reference (the lesson with the claim's
lever changes) under the same posterior draws, counts the draws in which the claim holds, and
writes ``OUT/claims.csv``. Copy it to ``sasci_sim/lessons/claims.csv`` to ship it with the page,
which then says for each lesson whether its claim holds in at least 90% of plausible parameter
sets, or is uncertain. Draw runs are kept in ``OUT/draws/`` and reused on a rerun.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from sasci_sim.ui.commands.args import positive_int

NAME = "lessons"
HELP = "check each teaching lesson's claim over the calibrated posterior (writes claims.csv)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim lessons``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("--draws", type=positive_int, default=50, help="parameter sets per claim (default 50)")
    parser.add_argument("--replications", type=positive_int, default=2, help="seeds per draw (default 2)")
    parser.add_argument("--posterior", type=Path, metavar="DIR", help="a calibrate output folder (default: shipped)")
    parser.add_argument("--workers", type=positive_int, default=1, help="processes running draw runs (default 1)")
    parser.add_argument(
        "--out", type=Path, default=Path("results/lessons"), help="output folder (default results/lessons)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def execute(args: argparse.Namespace) -> int:
    """Check every lesson's claim, write claims.csv and print each check.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 on success.
    """
    from sasci_sim.experiments.uncertainty.lessons import check_claim
    from sasci_sim.experiments.uncertainty.posterior import load_posterior, posterior_path
    from sasci_sim.ui.dashboard.catalogue import read_lessons
    from sasci_sim.ui.dashboard.claims import claim_sentence, posterior_digest, scenario_digest, write_claims

    posterior = posterior_path(args.posterior)  # no posterior, or a bad one: one line before any run
    load_posterior(posterior)
    digest = posterior_digest(posterior)
    lessons = [e for e in read_lessons() if e.claim is not None]
    rows = []
    total = 2 * args.draws * len(lessons)
    with tqdm(total=total, desc="lesson claims", unit="run", disable=args.quiet, file=sys.stderr) as bar:
        for entry in lessons:
            claim = entry.claim
            assert claim is not None
            check = check_claim(
                entry.scenario,
                claim.against,
                claim.figure,
                claim.direction,
                args.out,
                draws=args.draws,
                replications=args.replications,
                posterior=posterior,
                workers=args.workers,
                on_done=bar.update,
            )
            rows.append(
                {
                    "lesson": entry.key,
                    "against": ", ".join(f"{k}={v}" for k, v in claim.changes.items()) or claim.against.name,
                    "figure": claim.figure,
                    "direction": claim.direction,
                    "share": round(check.share, 4),
                    "draws": check.draws,
                    "replications": args.replications,
                    "holds": check.holds,
                    "posterior_sha256": digest,
                    "lesson_sha256": scenario_digest(entry.scenario),
                    "against_sha256": scenario_digest(claim.against),
                    "words": claim_sentence(claim, check.share, check.draws),
                }
            )
    path = args.out / "claims.csv"
    write_claims(rows, path)
    for row in rows:
        print(f"{row['lesson']}: {row['words']}")
    print(f"claims: {path}")
    return 0
