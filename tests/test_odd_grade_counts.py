"""docs/ODD.md section 6.2 counts the parameters of each evidence grade as the schema declares them.

A calibrated parameter counts under the grade it was declared with (``declared_grade``); 6.2 also
says how many are calibrated, and that count is checked too.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from sasci_sim.config.paramtable import rows

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
COUNTS = re.compile(
    r"The table has (\d+)\s+parameters.*?: (\d+) strong \(.*?\), (\d+) moderate \(.*?\), (\d+) weak and (\d+) assumptions",
    re.DOTALL,
)


def section_6_2() -> str:
    text = ODD.read_text(encoding="utf-8")
    return text[text.index("### 6.2 Evidence grades") : text.index("### 6.3")]


def test_the_odd_counts_every_grade_as_the_schema_does() -> None:
    found = COUNTS.search(section_6_2())
    assert found, (
        "ODD 6.2 no longer states 'The table has N parameters ... S strong (...), M moderate (...), W weak and A assumptions'"
    )
    total, strong, moderate, weak, assumption = (int(x) for x in found.groups())
    grades = Counter(row["declared_grade"] for row in rows())
    assert set(grades) <= {"strong", "moderate", "weak", "assumption"}, grades
    stated = {"strong": strong, "moderate": moderate, "weak": weak, "assumption": assumption}
    assert stated == dict(grades), f"ODD 6.2 says {stated}; the schema has {dict(grades)}"
    assert total == len(rows()) == sum(stated.values())
    calibrated = sum(row["grade"] == "calibrated" for row in rows())
    said = re.search(r"(\d+) of them are calibrated", section_6_2())
    assert said and int(said.group(1)) == calibrated, f"ODD 6.2 must say '{calibrated} of them are calibrated'"
