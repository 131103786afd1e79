"""A run's result folder: spread.csv, money.csv, runs.csv, summary.json, spread.png, report.html, manifest.json.

A run may be a *variant*: a scenario file with ``--set`` overrides. Its :class:`Origin` (the
file as given and every override) goes into the report, so the report describes the run that was
made and its "To reproduce" line can be copied and run. A variant that changes levers gets a
name and folder of its own, so it never silently replaces the scenario's own results.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sasci_sim.config.schema import Scenario
from sasci_sim.output.folders import manifest, safe_child, write_json, write_run
from sasci_sim.output.plots import plot_spread
from sasci_sim.output.report import write_run_report
from sasci_sim.output.results import Origin, RunResult
from sasci_sim.output.wording import scenario_title, setting

MAX_NAME = 80  # the schema's limit on scenario names


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "x"


def variant_name(name: str, origin: Origin) -> str:
    """The name (and folder) of a run: ``--name`` if given, else the scenario's name plus its changed levers.

    ``baseline`` with ``--set regulation.flexibility=0.9`` becomes ``baseline-flexibility-0_9``; a
    name that would pass the schema's 80 characters keeps its start and ends in a hash of the overrides.

    Args:
        name: The scenario's own name (after any ``--set name=...``).
        origin: The file and overrides of the run.

    Returns:
        A plain folder name that satisfies the schema's name pattern.
    """
    if origin.name:
        return origin.name
    levers = origin.levers()
    if not levers or "name" in origin.settings():
        return name
    parts = [f"{_slug(k.rsplit('.', 1)[-1])}-{_slug(v)}" for k, v in levers.items()]
    full = "-".join([name, *parts])
    if len(full) <= MAX_NAME:
        return full
    digest = hashlib.sha256("\n".join(origin.overrides).encode()).hexdigest()[:10]
    return f"{name[: MAX_NAME - 12]}-{digest}"


def describe_variant(scenario: Scenario, base: Scenario, origin: Origin) -> Scenario:
    """The scenario with its name, title and description saying what the overrides changed.

    Args:
        scenario: The scenario with the overrides applied.
        base: The same scenario file without them (for the values they replaced).
        origin: The file and overrides of the run.

    Returns:
        ``scenario`` unchanged if there are no overrides, else a copy renamed by :func:`variant_name`
        whose title lists the changed levers and whose description lists every setting set by the user.
    """
    settings = origin.settings()
    if not settings and not origin.name:
        return scenario
    base_title = scenario_title(base)
    changes = []
    for key, typed in settings.items():
        was = setting(base, key)
        changes.append(f"{key} = {typed}" + (f" (was {was})" if was is not None and was != typed else ""))
    levers = origin.levers()
    title = scenario.title
    if levers and "title" not in settings:
        title = (
            base_title + " with " + _and([f"{k.rsplit('.', 1)[-1].replace('_', ' ')} {v}" for k, v in levers.items()])
        )
    description = scenario.description
    if changes and "description" not in settings:
        description = (
            f"{base_title} with these settings set by you: {'; '.join(changes)}. "
            f"Everything else is as in {base_title}"
            + (f", whose own description reads: “{base.description.strip()}”" if base.description.strip() else ".")
        )
    return scenario.model_copy(
        update={"name": variant_name(scenario.name, origin), "title": title[:120], "description": description}
    )


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def write_results(
    result: RunResult,
    out: Path,
    origin: Origin | None = None,
    extra: Mapping[str, Callable[[Path], None]] | None = None,
) -> Path:
    """Write a run's folder ``out/<scenario name>/`` atomically.

    Args:
        result: The run's tables and summary.
        out: The output folder.
        origin: How the run was asked for (for the report's reproduce line and "set by you" labels).
        extra: More files (name -> writer), written inside the same atomic folder and listed in
            the manifest, so a folder never appears without them (``run --draws`` adds its
            uncertainty and draw tables this way).

    Returns:
        The folder written.
    """
    target = safe_child(Path(out), result.scenario.name)
    dump = result.scenario.model_dump(mode="json")
    return write_run(
        target,
        {
            "spread.csv": lambda p: result.spread.to_csv(p, index=False),
            "money.csv": lambda p: result.money.to_csv(p, index=False),
            "runs.csv": lambda p: result.runs.to_csv(p, index=False),
            "summary.json": lambda p: write_json(
                p, {"scenario": result.scenario.name, "replications": len(result.seeds), "figures": result.summary}
            ),
            "spread.png": lambda p: plot_spread(result.spread, p, scenario_title(result.scenario)),
            "report.html": lambda p: write_run_report(result, p, p.with_name("spread.png"), origin),
            **(extra or {}),
            "manifest.json": lambda p: write_json(p, manifest(dump, result.seeds)),
        },
    )
