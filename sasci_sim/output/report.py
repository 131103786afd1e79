"""report.html: one self-contained page a policy analyst can open, print and pass on.

Everything is inside the file: figures are base64 PNG data URIs, the style sheet
is inline, fonts are the reader's system fonts, and there are no scripts, so the
page opens from disk with no network. The text is a Jinja2 template
(``report_templates/``) filled from the results; findings come from
``sasci_sim.output.findings``, never by hand.
"""

from __future__ import annotations

import base64
import math
import shlex
import struct
from collections.abc import Collection, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from sasci_sim.analysis.intervals import METHOD, PCT
from sasci_sim.config.diff import ABSENT, LeverDiff, group, lever_differences, weakest
from sasci_sim.config.loader import load_scenario
from sasci_sim.config.params import SOURCES
from sasci_sim.config.schema import Scenario
from sasci_sim.output.findings import SET_BY_YOU, comparison_headline, programme_note, run_findings, run_headline
from sasci_sim.output.folders import package_versions
from sasci_sim.output.plots import OKABE_ITO
from sasci_sim.output.results import SIZE_KEYS, Finding, Origin, RunResult
from sasci_sim.output.uncertainty_report import has_draws, insert_section, uncertainty_html
from sasci_sim.output.wording import better_words, change, figure, ordered, period, scenario_title, value

if TYPE_CHECKING:
    from sasci_sim.output.results import Comparison

#: A list lever (innovations, funders) with more differing settings than this is shown as one row.
MAX_ROWS_PER_LEVER = 40
GRADES_NOTE = (
    "Evidence grades come from the parameter table (sasci-sim params): strong and moderate values rest on "
    "published data or consistent findings, weak ones on limited evidence, and 'assumption' marks a modelling "
    "choice. 'Ungraded' settings are switches, names and lists that the schema does not grade; 'set by you' "
    "marks a value given with --set, whose evidence is yours, not the default's; 'defaults' marks a finding "
    "that leans on no changed setting, so on the model's default parameters as a whole (their grades are in "
    "sasci-sim params). A finding is only as firm as the weakest grade it leans on. Sources are named in the "
    "Source column; their full references are listed in docs/parameters.md."
)
NATURE_NOTE = (
    "These are simulated outcomes of an agent-based model of providers, councils and funders: they show what "
    "the model's mechanisms imply under each scenario, not forecasts."
)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sasci_sim.output", "report_templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def png_figure(path: Path, caption: str, alt: str, title: str = "") -> dict[str, Any]:
    """An embedded PNG: data URI and its pixel size (read from the PNG header).

    Args:
        path: The PNG file.
        caption: What the figure shows and how to read it (which direction is good).
        alt: Text for readers who cannot see it.
        title: The figure's heading in the report.

    Returns:
        The template's figure entry.
    """
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return {"src": src, "width": width, "height": height, "caption": caption, "alt": alt, "title": title}


def render(**context: Any) -> str:
    """The report page from its parts (see report_templates/report.html.j2).

    Args:
        **context: The template's variables.

    Returns:
        The HTML page, its stylesheet inlined.
    """
    env = _environment()
    css = env.loader.get_source(env, "report.css")[0]  # type: ignore[union-attr]
    return env.get_template("report.html.j2").render(css=css, version=package_versions()["sasci-sim"], **context)


def show(v: Any) -> str:
    """A setting's value in a table cell.

    Args:
        v: The value, or ``ABSENT`` when the scenario has none.

    Returns:
        Text for the cell ("yes", "none", "—", ...).
    """
    if v is ABSENT:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "not set"
    if isinstance(v, list):
        return ", ".join(map(str, v)) if v else "none"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _sources(source: str) -> str:
    return "; ".join(SOURCES.get(k, k) for k in source.split("+")) if source else ""


def _entries(scenario: Scenario, path: str) -> str:
    """How many entries a list setting has in a scenario (for a collapsed lever row)."""
    node: Any = scenario.model_dump(mode="json")
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, list):
        return "—"
    return f"{len(node)} {'entry' if len(node) == 1 else 'entries'}"


def lever_rows(
    diffs: Sequence[LeverDiff], scenarios: Sequence[Scenario], set_by_user: Collection[str] = ()
) -> dict[str, list[dict[str, Any]]]:
    """The "What differs" table: levers first, the settings inside lists (funders, innovations) folded away.

    Args:
        diffs: The differing settings.
        scenarios: The scenarios, in column order.
        set_by_user: Dotted keys the user set with ``--set`` (graded "set by you").

    Returns:
        ``{"main": rows, "folded": rows}``: main holds every setting outside a list and one summary row
        per list lever; folded holds the list's differing settings (a list with more than
        ``MAX_ROWS_PER_LEVER`` of them is left to manifest.json).
    """
    groups: dict[str, list[LeverDiff]] = {}
    for d in diffs:
        groups.setdefault(group(d.key), []).append(d)
    main: list[dict[str, Any]] = []
    folded: list[dict[str, Any]] = []

    def row(d: LeverDiff) -> dict[str, Any]:
        return {
            "key": d.key,
            "settings": [show(v) for v in d.values],
            "meaning": d.meaning,
            "grade": SET_BY_YOU if d.key in set_by_user else d.grade,
            "source": _sources(d.source),
        }

    for name, members in groups.items():
        if len(members) == 1 and members[0].key == name:
            main.append(row(members[0]))
            continue
        many = len(members) > MAX_ROWS_PER_LEVER
        where = "the full scenarios are in manifest.json." if many else "they are listed under 'Details of the lists'."
        main.append(
            {
                "key": name,
                "settings": [_entries(s, name) for s in scenarios],
                "meaning": f"{len(members)} settings differ; {where}",
                "grade": SET_BY_YOU
                if all(d.key in set_by_user for d in members)
                else weakest([d.grade for d in members]) or "ungraded",
                "source": _sources("+".join(dict.fromkeys(k for d in members for k in d.source.split("+") if k))),
            }
        )
        if not many:
            folded += [row(d) for d in members]
    main.sort(key=lambda r: r["key"] in SIZE_KEYS)  # levers first, then the size of the run
    return {"main": main, "folded": folded}


def finding_rows(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings for the template: text, grade (its CSS class has no spaces) and levers."""
    return [
        {"text": f.text, "grade": f.grade, "grade_class": f.grade.replace(" ", "-"), "leans_on": f.leans_on}
        for f in findings
    ]


def _spread_text(stats: dict[str, Any], unit: Any) -> str:
    p5, p95 = stats.get("p5"), stats.get("p95")
    if p5 is None or p95 is None or (isinstance(p5, float) and math.isnan(p5)):
        return ""
    return f"5-95%: {value(p5, unit)} to {value(p95, unit)}"


def reproduce(command: str, files: Sequence[str], results: Sequence[RunResult], origin: Origin | None = None) -> str:
    """The command that gives these numbers again (the report itself has no date, so it is reproducible too).

    Args:
        command: ``run`` or ``compare``.
        files: The scenario files as given (none: the built-in baseline).
        results: The runs, for their replications, seed and steps.
        origin: A run's ``--set`` overrides and ``--name``, repeated in the command.

    Returns:
        A shell command line.
    """
    sim = results[0].scenario.simulation
    args = ["sasci-sim", command, *files]
    if origin is not None:
        for text in origin.overrides:
            args += ["--set", text]
        if origin.name:
            args += ["--name", origin.name]
    args += ["--replications", str(sim.replications), "--seed", str(sim.seed)]
    if len({r.scenario.simulation.steps for r in results}) == 1:
        args += ["--steps", str(sim.steps)]
    return shlex.join(args)


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def compare_table(comparison: Comparison) -> dict[str, Any]:
    """Summary figures: each scenario's mean and range, and its paired difference to the first.

    Args:
        comparison: The comparison, with its figures table.

    Returns:
        The template's table: columns, rows with value, range and difference cells, and a note.
    """
    frame = comparison.figures
    rows = []
    for key in ordered(list(dict.fromkeys(frame["figure"]))):
        fig = figure(key)
        sub = frame[frame["figure"] == key].set_index("scenario")
        cells = []
        for i, name in enumerate(comparison.names):
            if name not in sub.index:
                cells.append({"value": "n/a", "range": "", "diff": "", "is_clear": False})
                continue
            r = sub.loc[name]
            mean = _num(r["mean"])
            steps = comparison.results[i].scenario.simulation.steps
            cell = {
                "value": f"not reached in {period(steps)}"
                if mean is None and fig.unit == "months"
                else value(mean, fig.unit),
                "range": _spread_text({"p5": _num(r["p5"]), "p95": _num(r["p95"])}, fig.unit),
                "diff": "",
                "is_clear": False,
            }
            total, defined = len(comparison.results[i].seeds), _num(r.get("replications"))
            if mean is not None and defined is not None and 0 < defined < total:
                cell["range"] += f"; over the {defined:.0f} of {total} replications in which it was reached"
            if i > 0:
                d, lo, hi = (_num(r.get(c)) for c in ("difference", "difference_low", "difference_high"))
                if d is not None:
                    interval = (
                        f"{PCT}%: {change(lo, fig.unit)} to {change(hi, fig.unit)}" if lo is not None else "no interval"
                    )
                    cell["diff"] = f"{change(d, fig.unit)} ({interval})"
                    cell["is_clear"] = lo is not None and hi is not None and (lo > 0 or hi < 0)
            cells.append(cell)
        rows.append({"label": fig.label, "better": better_words(fig), "cells": cells})
    return {
        "columns": [scenario_title(n) for n in comparison.names],
        "rows": rows,
        "note": (
            f"Mean over replications and the range of 90% of them; for each scenario after the first, its "
            f"difference to the first with the range that difference is likely to lie in ({PCT}% confidence; in "
            "bold where that range excludes zero, so the difference is clear). "
            "Shares are averaged over innovations; money is in pounds over the whole run."
        ),
    }


def write_compare_report(
    comparison: Comparison, path: Path, spread_png: Path, differences_png: Path, files: Sequence[str] = ()
) -> None:
    """report.html of a comparison; ``files`` are the scenario files as given (else placeholders).

    Args:
        comparison: The runs and what was learnt from them.
        path: Where to write the page.
        spread_png: The overlaid spread curves.
        differences_png: The differences to the first scenario.
        files: The scenario files as the user gave them, for the reproduce line.
    """
    results = comparison.results
    first = results[0].scenario
    names = comparison.names
    titles = [scenario_title(r.scenario) for r in results]
    reps = len(results[0].seeds)
    scenarios = []
    for i, res in enumerate(results):
        source = comparison.sources[res.scenario.name]
        scenarios.append(
            {
                "name": res.scenario.name,
                "title": titles[i],
                "description": res.scenario.description,
                "colour": OKABE_ITO[i % len(OKABE_ITO)],
                "source": "Run for this comparison."
                if source == "run"
                else f"Results reused from {source} (its manifest matched exactly).",
            }
        )
    figures = [
        png_figure(
            spread_png,
            "Share of providers sustaining (top row: higher is better), piloting (middle) and ever having "
            "abandoned (bottom row: lower is better) the average innovation of each kind, month by month. "
            "Lines are means over replications, shaded bands the range of 90% of them; each scenario keeps its "
            "colour, line style and marker in every panel. The panels of a row share one vertical scale; each "
            "row has its own, so compare heights within a row, not between rows.",
            "Spread curves of " + ", ".join(titles) + " overlaid, one panel per innovation kind and state.",
            "How innovations spread under each scenario",
        ),
        png_figure(
            differences_png,
            f"How much higher or lower each figure is than under {titles[0]}, as a percentage of its value "
            f"there. Each figure's label says which direction is better. A bar is the range the difference "
            f"is likely to lie in ({PCT}% confidence, see the footnote); a bar crossing the zero line means no "
            f"clear difference. Figures that are zero under {titles[0]} are left out.",
            f"Relative differences to {titles[0]} in the headline figures, with {PCT}% intervals.",
            f"What changes compared with {titles[0]}",
        ),
    ]
    note = programme_note(results)
    levers = lever_rows(comparison.levers, [r.scenario for r in results])
    html = render(
        title=f"Comparing {_and(titles)}",
        headline=comparison_headline(results, comparison.findings),
        headline_note=note,
        meta=[
            f"{reps} replication{'s' if reps != 1 else ''} per scenario, all with the same seeds (root seed {first.simulation.seed})",
            f"{period(first.simulation.steps)} in monthly steps",
        ],
        lean_note="the settings in which that scenario differs from the first one (see 'What differs')",
        findings=finding_rows(comparison.findings),
        scenarios=scenarios,
        levers={
            "heading": "What differs between the scenarios",
            "note": "The levers that differ come first; settings inside lists (each funder's name, share and "
            "kinds, each innovation's figures) are folded under 'Details of the lists'. Keys are in the form "
            "--set accepts; list entries are numbered from 0; a dash means the scenario has no such entry. "
            + GRADES_NOTE,
            "columns": titles,
            "rows": levers["main"],
            "folded": levers["folded"],
        },
        figures=figures,
        table=compare_table(comparison),
        method=[
            NATURE_NOTE,
            "Same seeds for every scenario (common random numbers): every scenario ran the same replications "
            "with the same seeds, so a difference between scenarios comes from their levers, not from luck. " + METHOD,
            "Files beside this report: figures.csv (the table, with ratios), levers.csv, findings.txt, "
            "spread.png, differences.png, and runs/<scenario>/ (each scenario's full run folder).",
        ],
        command=reproduce("compare", files or [f"<{n}.yaml>" for n in names], results),
    )
    if has_draws(comparison):
        html = insert_section(html, uncertainty_html(comparison, Path(path).with_name("draws.png")))  # type: ignore[arg-type]
    Path(path).write_text(html, encoding="utf-8")


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def run_table(result: RunResult) -> dict[str, Any]:
    """The run's summary figures: mean and 5-95% range, and how many replications a mean is over."""
    rows = []
    n = len(result.seeds)
    for key in ordered(list(result.summary)):
        fig, stats = figure(key), result.summary[key]
        defined = int(stats.get("n") or 0)
        mean = _num(stats.get("mean"))
        if mean is None and fig.unit == "months":
            shown = f"not reached in {period(result.scenario.simulation.steps)}"
        else:
            shown = value(mean, fig.unit)
        note = f"over the {defined} of {n} replications in which it was reached" if 0 < defined < n else ""
        rows.append(
            {
                "label": fig.label,
                "better": better_words(fig),
                "cells": [
                    {
                        "value": shown,
                        "range": "; ".join(x for x in (_spread_text(stats, fig.unit), note) if x),
                        "diff": "",
                        "is_clear": False,
                    }
                ],
            }
        )
    return {
        "columns": [scenario_title(result.scenario)],
        "rows": rows,
        "note": "Mean over replications and the range of 90% of them (5th to 95th percentile). Shares are "
        "averaged over innovations; money is in pounds over the whole run. A time that some replications "
        "never reach is averaged over those that do, and the cell says over how many.",
    }


def write_run_report(result: RunResult, path: Path, spread_png: Path, origin: Origin | None = None) -> None:
    """report.html of a run, beside its spread.png.

    Args:
        result: The run.
        path: Where to write the page.
        spread_png: The run's spread curves.
        origin: The scenario file and ``--set`` overrides the run was asked for (None: unknown).
    """
    s = result.scenario
    title = scenario_title(s)
    reps = len(result.seeds)
    baseline = load_scenario(None)
    diffs = lever_differences([baseline, s])
    set_by_user = origin.settings() if origin is not None else {}
    levers = lever_rows(diffs, [baseline, s], set_by_user)
    files = [f"<the file of scenario {s.name}>"] if origin is None else [origin.file] if origin.file else []
    html = render(
        title=f"{title}: how innovations spread over {period(s.simulation.steps)}",
        headline=run_headline(result),
        headline_note=None,
        meta=[
            f"{reps} replication{'s' if reps != 1 else ''} (root seed {s.simulation.seed})",
            f"{s.population.providers} providers, {s.population.local_authorities} councils, {len(s.innovations)} innovations",
        ],
        lean_note="the settings in which this scenario differs from the built-in baseline (see below)",
        findings=finding_rows(run_findings(result, baseline, set_by_user)),
        scenarios=[
            {
                "name": s.name,
                "title": title,
                "description": s.description,
                "colour": OKABE_ITO[0],
                "source": f"{reps} replications of {period(s.simulation.steps)}.",
            }
        ],
        levers={
            "heading": "What differs from the built-in baseline",
            "note": "Settings of this fully resolved scenario that differ from the built-in baseline scenario, "
            "levers first, as dotted keys (the form --set accepts). " + GRADES_NOTE,
            "columns": ["Built-in baseline", title],
            "rows": levers["main"],
            "folded": levers["folded"],
        },
        figures=[
            png_figure(
                spread_png,
                "Share of providers sustaining (higher is better), piloting, and ever having abandoned (lower is "
                "better) the average innovation of each kind, month by month; lines are means over replications, "
                "shaded bands the range of 90% of them. All panels share one vertical scale.",
                f"Spread curves of {title}, one panel per innovation kind.",
                "How innovations spread",
            )
        ],
        table=run_table(result),
        method=[
            NATURE_NOTE,
            f"Replication r runs with a seed derived from the root seed and r, so every replication can be rerun "
            f"alone; ranges are the 5th to 95th percentiles over the {reps} replications.",
            "Files beside this report: spread.csv, runs.csv, money.csv, summary.json, spread.png, manifest.json.",
        ],
        command=reproduce("run", files, [result], origin),
    )
    Path(path).write_text(html, encoding="utf-8")
