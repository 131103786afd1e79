"""Each lesson's claim over the calibrated posterior, as the teaching page shows it.

``sasci-sim lessons`` runs every lesson's claim (:class:`~sasci_sim.ui.dashboard.catalogue.Claim`)
over posterior draws and writes ``claims.csv``; the copy beside the lessons
(``sasci_sim/lessons/claims.csv``) ships with the page. Each row carries the SHA-256 of the
posterior and of both resolved scenarios it was computed from, so the page never shows a check
of another calibration, of a lesson that has since changed, or of a claim since reworded (its
figure and direction are compared too): it says the claim is not checked.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from sasci_sim.config.schema import Scenario
from sasci_sim.output.folders import file_digests
from sasci_sim.output.uncertainty_report import ROBUST
from sasci_sim.output.wording import figure
from sasci_sim.ui.dashboard.catalogue import LESSONS_DIR, Claim, Entry

SHIPPED_CLAIMS = LESSONS_DIR / "claims.csv"
COLUMNS = (
    "lesson",
    "against",
    "figure",
    "direction",
    "share",
    "draws",
    "replications",
    "holds",
    "posterior_sha256",
    "lesson_sha256",
    "against_sha256",
    "words",
)


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of a resolved scenario, so a check is tied to the exact lesson it ran.

    Args:
        scenario: The resolved scenario.

    Returns:
        The hex digest of its canonical JSON.
    """
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def posterior_digest(posterior: Path | None) -> str | None:
    """SHA-256 of a posterior file, read once (the page and the command compare rows with it).

    Args:
        posterior: The posterior.parquet, or None when none ships.

    Returns:
        Its hex digest, or None.
    """
    return None if posterior is None else file_digests(posterior.parent, [posterior.name])[posterior.name]


def claim_sentence(claim: Claim, share: float, draws: int) -> str:
    """A claim's check in the page's words: it holds, or it is uncertain, and how often it held.

    Args:
        claim: The lesson's claim.
        share: The share of draws in which its direction held.
        draws: The number of draws.

    Returns:
        One sentence.
    """
    what = figure(claim.figure).label.lower()
    said = f"this lesson gives {claim.direction} {what} than {claim.than}"
    held = f"in {share:.0%} of {draws} plausible parameter sets"
    if share >= ROBUST:
        return f"The claim holds: {said}, {held}."
    return f"Uncertain: {said} only {held} (fewer than {ROBUST:.0%})."


def read_claims(path: Path = SHIPPED_CLAIMS) -> dict[str, dict[str, str]]:
    """The rows of a claims.csv by lesson name; empty when the file is missing.

    Args:
        path: The file.

    Returns:
        Lesson name -> its row.
    """
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["lesson"]: row for row in csv.DictReader(handle)}


def write_claims(rows: list[dict[str, object]], path: Path) -> None:
    """Write claims.csv whole or not at all (a temporary file, then a rename).

    Args:
        rows: One row per lesson, with ``COLUMNS``.
        path: The file to write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def claim_text(entry: Entry, claims: dict[str, dict[str, str]], posterior_sha256: str | None) -> str | None:
    """What the page says about a lesson's claim.

    Args:
        entry: The picker's entry.
        claims: ``read_claims()``.
        posterior_sha256: ``posterior_digest()`` of the posterior that ships (None when none ships).

    Returns:
        None for an entry without a claim; else the check's sentence, or why it is not checked.
    """
    if entry.claim is None:
        return None
    row = claims.get(entry.key)
    if posterior_sha256 is None:
        return "This lesson's claim is not checked: no calibrated posterior ships with this version."
    current = row is not None and (
        (row["figure"], row["direction"]) == (entry.claim.figure, entry.claim.direction)
        and row["posterior_sha256"] == posterior_sha256
        and row["lesson_sha256"] == scenario_digest(entry.scenario)
        and row["against_sha256"] == scenario_digest(entry.claim.against)
    )
    if not current:
        return "This lesson's claim has not been checked against this version's calibration (`sasci-sim lessons`)."
    return f"{row['words']} ({row['draws']} parameter sets x {row['replications']} seeds each.)"
