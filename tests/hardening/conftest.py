"""The hardening tests count what they tried (``tally``), for the README's reliability table.

Each test adds its counts (inputs tried, clean errors, faults injected, results kept...)
under a row name. When ``SASCI_HARDENING_TALLY`` names a file, the counts of the session
are written there as JSON at the end; tests/hardening/report.py reads it and prints the
table. The counts are only ever added by the tests that also assert the outcome.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

TALLY_ENV = "SASCI_HARDENING_TALLY"


class Tally:
    """Counts per row (what was tried) and column (what came of it)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, row: str, **counts: int) -> None:
        for column, n in counts.items():
            self.rows[row][column] += n

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {row: dict(cols) for row, cols in self.rows.items()}


_TALLY = Tally()


@pytest.fixture(scope="session")
def tally() -> Iterator[Tally]:
    yield _TALLY
    target = os.environ.get(TALLY_ENV)
    if target:
        Path(target).write_text(json.dumps(_TALLY.as_dict(), indent=2, sort_keys=True), encoding="utf-8")
