"""The parameter table (``sasci-sim params``, docs/parameters.md), generated from the schema."""

from __future__ import annotations

from sasci_sim.params import SOURCES, parameter_rows
from sasci_sim.scenario import Funder, Innovation, Scenario

COLUMNS = ("key", "meaning", "unit", "default", "range", "source", "grade")


def rows() -> list[dict[str, str]]:
    """Every traced parameter: scenario sections, then per-funder and per-innovation fields."""
    return (
        parameter_rows(Scenario)
        + parameter_rows(Funder, "funding.funders[].")
        + parameter_rows(Innovation, "innovations[].")
    )


def render(fmt: str = "text") -> str:
    table = rows()
    if fmt == "markdown":
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(r[c].replace("|", "/") for c in COLUMNS) + " |" for r in table]
        lines += ["", "Sources:", ""] + [f"- `{k}`: {v}" for k, v in SOURCES.items()]
        return "\n".join(lines)
    widths = {c: max(len(c), *(len(r[c]) for r in table)) for c in COLUMNS if c != "meaning"}
    head = "  ".join(c.ljust(widths[c]) for c in widths) + "  meaning"
    body = ["  ".join(r[c].ljust(widths[c]) for c in widths) + "  " + r["meaning"] for r in table]
    return "\n".join([head, *body])
