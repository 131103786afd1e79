"""Rerun the hardening tests and print the README's reliability table from what they counted.

    .venv/bin/python tests/hardening/report.py            # every hardening test, slow ones included
    .venv/bin/python tests/hardening/report.py -m "not slow"

The tests add to a tally only after asserting the outcome (see tests/hardening/conftest.py),
so every number in the table is a checked one. The exit status is pytest's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from conftest import TALLY_ENV  # noqa: E402 - the folder of this script is not a package

#: Table rows in order: tally row -> (what was tried, how the count is read, outcome sentence).
ROWS: list[tuple[str, str, str]] = [
    (
        "malformed files in tests/bad_inputs/",
        "tried",
        "{clean_errors} one-line errors naming the expected field (exit 2), 0 tracebacks; "
        "run and compare refused each scenario file too ({runs_refused} and {compares_refused}), writing nothing",
    ),
    (
        "bad inputs made at test time (2 MB file, /dev/zero, pipe, deep extends, folder...)",
        "tried",
        "{clean_errors} one-line errors, 0 tracebacks",
    ),
    ("real sasci-sim processes given malformed files", "tried", "{clean_errors} one-line errors, 0 tracebacks"),
    (
        "shipped scenarios, mutated (hypothesis)",
        "tried",
        "{valid_runs} valid tiny runs without NaN, {clean_errors} one-line errors, 0 tracebacks",
    ),
    (
        "shipped experiments, mutated (hypothesis)",
        "tried",
        "{valid_runs} valid tiny sweeps, {clean_errors} one-line errors, {valid_but_too_big_to_run_here} valid "
        "but too big to run in a test, 0 tracebacks",
    ),
    (
        "extreme valid levers (one council, one provider, zero budget, one step, all p = 0 or 1...)",
        "runs",
        "{runs} runs, comparisons and sweeps completed; no NaN in spread.csv or money.csv",
    ),
    (
        "round-two inputs (merge keys, 8e-4, --set on defaults, huge numbers, deep nesting...)",
        "tried",
        "{valid_accepted} valid inputs accepted, {clean_errors} one-line errors, 0 tracebacks",
    ),
    (
        "sizes beyond memory (estimate above the memory available)",
        "tried",
        "{refused_up_front} refused before any work, with the estimate and the limit",
    ),
    (
        "tight address-space limits (ulimit -v 150 to 600 MB): check, then run",
        "tried",
        "{check_ok} checks passed, {one_line_refusals} runs refused in one line, {runs_completed} runs completed; "
        "0 tracebacks",
    ),
    (
        "folders sasci-sim did not make, at the output path",
        "tried",
        "{refused_untouched} refused, byte-identical afterwards",
    ),
    (
        "result folders of another kind, or damaged, at the output path",
        "tried",
        "{refused_untouched} refused (or, for a damaged table, not reused), byte-identical afterwards",
    ),
    (
        "damaged sweep folders (empty sweep.json, no design, empty part...)",
        "tried",
        "{mended_or_one_line} one-line errors or mended on resume; the analysis then ran",
    ),
    (
        "cross-origin requests to the teaching page (in-process)",
        "tried",
        "{refused_or_passed_as_expected} refused, or let through for the page itself, as expected",
    ),
    (
        "cross-origin requests to the real teaching page from Chromium",
        "tried",
        "{refused} refused (websocket handshake 403, HTTP 403); the page itself still loads",
    ),
    (
        "malformed or oversized websocket frames (in-process)",
        "tried",
        "{closed_before_the_app} closed before Solara read them; {well_formed_passed} well-formed passed",
    ),
    (
        "malformed or oversized frames sent to the real teaching page",
        "tried",
        "{closed_and_quick} connections closed; GET / answered within 5 s after each",
    ),
    (
        "full disk (writes fail with ENOSPC part-way)",
        "injected",
        "{earlier_results_intact} left earlier results byte-identical and no temporary folder; "
        "{reruns_completed} reruns with room again completed",
    ),
    (
        "SIGKILL of run at random moments",
        "injected",
        "{killed_while_writing} while writing; earlier results byte-identical after all {earlier_results_intact}; "
        "the rerun completed and cleared what the kills left",
    ),
    (
        "SIGKILL of compare at random moments",
        "injected",
        "{killed_while_writing} while writing; earlier comparison byte-identical after all {earlier_results_intact}; "
        "the rerun completed and cleared what the kills left",
    ),
    (
        "SIGKILL of sweep at random moments",
        "injected",
        "finished runs unchanged after all {earlier_results_intact}; the rerun resumed, kept "
        "{runs_kept_not_redone} runs without redoing them, and gave the uninterrupted table",
    ),
    (
        "SIGKILL between the two renames of a result folder",
        "injected",
        "{earlier_results_intact} earlier result put back by the next run",
    ),
    (
        "SIGKILL of sweep --workers 2 (the sweep process alone)",
        "injected",
        "{processes_ended} processes it started (forkserver, workers, resource tracker) ended within 20 s, "
        "{processes_left} left; the runs written before were whole",
    ),
]
#: Rows that count inputs (files, values, requests), summed in the closing line.
INPUT_ROWS = {
    "malformed files in tests/bad_inputs/",
    "bad inputs made at test time (2 MB file, /dev/zero, pipe, deep extends, folder...)",
    "real sasci-sim processes given malformed files",
    "shipped scenarios, mutated (hypothesis)",
    "shipped experiments, mutated (hypothesis)",
    "round-two inputs (merge keys, 8e-4, --set on defaults, huge numbers, deep nesting...)",
    "tight address-space limits (ulimit -v 150 to 600 MB): check, then run",
    "cross-origin requests to the teaching page (in-process)",
    "cross-origin requests to the real teaching page from Chromium",
    "malformed or oversized websocket frames (in-process)",
    "malformed or oversized frames sent to the real teaching page",
}
#: Outcome columns that count an input handled as promised (a clean error, a refusal, an acceptance).
HANDLED = (
    "clean_errors",
    "valid_runs",
    "valid_accepted",
    "valid_but_too_big_to_run_here",
    "check_ok",
    "one_line_refusals",
    "runs_completed",
    "refused_or_passed_as_expected",
    "refused",
    "closed_before_the_app",
    "well_formed_passed",
    "closed_and_quick",
)


class _Zero(dict):
    def __missing__(self, key: str) -> int:
        return 0


def table(tally: dict[str, dict[str, int]]) -> str:
    lines = ["| inputs tried / faults injected | count | outcome |", "|---|---|---|"]
    for row, count, outcome in ROWS:
        if row not in tally:
            continue
        cols = _Zero(tally[row])
        lines.append(f"| {row} | {cols[count]} | {outcome.format_map(cols)} |")
    files = sum(tally.get(r, {}).get("tried", 0) for r in INPUT_ROWS)
    clean = sum(tally.get(r, {}).get("clean_errors", 0) for r in INPUT_ROWS)
    handled = sum(tally.get(r, {}).get(c, 0) for r in INPUT_ROWS for c in HANDLED)
    faults = sum(cols.get("injected", 0) for cols in tally.values())
    lost = faults - sum(cols.get("earlier_results_intact", 0) for cols in tally.values())
    lines.append("")
    lines.append(
        f"Inputs tried: {files}; handled as promised: {handled} (clean one-line errors: {clean}); "
        f"faults injected: {faults}; results lost: {lost}."
    )
    return "\n".join(lines)


def main(pytest_args: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tally_file = Path(tmp) / "tally.json"
        env = {**os.environ, TALLY_ENV: str(tally_file)}
        command = [sys.executable, "-m", "pytest", "tests/hardening", "-q", "-p", "no:cacheprovider", *pytest_args]
        done = subprocess.run(command, cwd=ROOT, env=env, check=False)
        tally = json.loads(tally_file.read_text(encoding="utf-8")) if tally_file.is_file() else {}
    print()
    if done.returncode != 0:
        print("Some hardening tests failed: the counts below are incomplete.\n")
    print(table(tally))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
