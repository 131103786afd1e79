"""The command line end to end: run, check, params, bad input, and failed runs that lose nothing."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import sasci_sim.output.run_folder
from sasci_sim.config.loader import load_scenario
from sasci_sim.config.paramtable import rows
from sasci_sim.seeds import derive_seed
from sasci_sim.ui.cli import main
from tests.support.core import ROOT, SASCI_SIM, SCENARIOS

SMALL = ["--set", "population.providers=300", "--steps", "12", "--replications", "3"]
SPREAD_COLUMNS = {"replication", "step", "innovation", "kind", "aware", "piloting", "sustained", "abandoned"}


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_run_writes_spread_summary_plot_and_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["run", "--seed", "5", "--out", str(tmp_path), "--quiet", *SMALL], capsys)
    assert code == 0, err
    folder = tmp_path / "baseline"
    assert str(folder / "spread.png") in out
    assert {"spread.csv", "summary.json", "spread.png", "manifest.json", "money.csv", "runs.csv"} <= {
        p.name for p in folder.iterdir()
    }

    spread = pd.read_csv(folder / "spread.csv")
    assert set(spread.columns) >= SPREAD_COLUMNS
    n_innovations = len(load_scenario(None).innovations)
    assert len(spread) == 3 * 13 * n_innovations  # replications x (months 0..12) x innovations
    assert sorted(spread["replication"].unique()) == [0, 1, 2]
    assert sorted(spread["step"].unique()) == list(range(13))
    assert set(spread["kind"]) == {"business_model", "systems", "social"}

    summary = json.loads((folder / "summary.json").read_text())
    assert summary["replications"] == 3
    figures = summary["figures"]
    assert {"final_sustained_share", "peak_piloting_share", "pilots_abandoned_at_grant_end"} <= set(figures)
    for name, stats in figures.items():
        assert {"mean", "p5", "p95"} <= set(stats), name
        if stats["mean"] is not None:
            assert stats["p5"] - 1e-12 <= stats["mean"] <= stats["p95"] + 1e-12, name

    png = (folder / "spread.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000

    manifest = json.loads((folder / "manifest.json").read_text())
    resolved = load_scenario(None, ["population.providers=300", "simulation.steps=12", "simulation.replications=3"])
    resolved = resolved.model_copy(update={"simulation": resolved.simulation.model_copy(update={"seed": 5})})
    expected = resolved.model_dump(mode="json")
    recorded = manifest["scenario"]
    assert recorded.pop("description").startswith(
        "Baseline with these settings set by you: population.providers = 300 (was 2000)."
    )
    expected.pop("description")
    assert recorded == expected  # a size setting keeps the scenario's name and folder
    assert manifest["seed"] == 5
    assert manifest["replication_seeds"] == [derive_seed(5, r) for r in range(3)]
    assert manifest["versions"]["mesa"] == "3.5.1"
    assert manifest["versions"]["sasci-sim"] == sasci_sim.__version__
    assert isinstance(manifest["command_line"], list) and manifest["command_line"]


def test_real_subprocess_run_records_its_command_line(tmp_path: Path) -> None:
    args = ["run", str(SCENARIOS / "long_term_funding.yaml"), "--out", str(tmp_path), "--quiet", "--seed", "3", *SMALL]
    done = subprocess.run([str(SASCI_SIM), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    manifest = json.loads((tmp_path / "long_term_funding" / "manifest.json").read_text())
    assert manifest["command_line"][1:] == args
    assert manifest["scenario"]["funding"]["grant_duration_months"] == 60
    assert (tmp_path / "long_term_funding" / "spread.csv").stat().st_size > 0


def test_check_reports_each_file(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    files = [str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "england.yaml")]
    code, out, err = run_cli(["check", *files], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"ok: {files[0]}: baseline (")
    assert "27000 providers, 153 councils" in lines[1]


def test_params_prints_every_parameter_with_unit_and_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["params"], capsys)
    assert code == 0
    for key in ("regulation.flexibility", "funding.grant_duration_months", "diffusion.peer_influence"):
        assert key in out
    assert "probability/month" in out and "from 0 to 1" in out
    code, md, _ = run_cli(["params", "--format", "markdown"], capsys)
    assert (
        code == 0
        and md.startswith("# Parameters")
        and "\n| key | meaning |" in md
        and "| regulation.flexibility |" in md
    )


# -- bad input: one line 'error: <file>: <field>: <problem> (got <value>)', status 2, no traceback ----


def bad_case(tmp_path: Path, name: str) -> tuple[list[str], str]:
    """Arguments for one kind of bad input, and a regex the whole stderr must match."""
    s = tmp_path / "s.yaml"
    q = re.escape(str(s))
    if name == "missing file":
        return ["run", str(tmp_path / "nope.yaml")], rf"error: {re.escape(str(tmp_path / 'nope.yaml'))}: no such file"
    if name == "folder":
        return ["check", str(tmp_path)], rf"error: {re.escape(str(tmp_path))}: is a folder, not a scenario file"
    texts = {
        "bad yaml": ("name: [unclosed\n", rf"error: {q}: invalid YAML: line \d+, column \d+: .+"),
        "unknown key": (
            "name: s\nfundng: {grant_duration_months: 60}\n",
            rf"error: {q}: fundng: unknown key; did you mean 'funding'\? allowed keys: .*funding.*",
        ),
        "wrong type": (
            "name: s\nregulation: {flexibility: high}\n",
            rf"error: {q}: regulation\.flexibility: must be a number from 0 to 1 \(score 0\.\.1\) \(got 'high'\)",
        ),
        "out of range": (
            "name: s\nsimulation: {steps: 0}\n",
            rf"error: {q}: simulation\.steps: must be a whole number from 1 to 1200 \(months\) \(got 0\)",
        ),
        "bad innovation kind": (
            "name: s\ninnovations: [{name: a, kind: magic}]\n",
            rf"error: {q}: innovations\[0\]\.kind: must be one of business_model, systems, social \(got 'magic'\)",
        ),
        "extends missing": (
            "extends: gone.yaml\n",
            rf"error: {q}: extends: no scenario file at .*gone\.yaml \(got 'gone\.yaml'\)",
        ),
        "extends circular": (
            "extends: s.yaml\n",
            rf"error: {q}: extends: circular extends \(s\.yaml -> s\.yaml\)",
        ),
        "duplicate key": (
            "name: a\nregulation: {}\nname: b\n",
            rf"error: {q}: invalid YAML: line 3, column 1: duplicate key 'name'",
        ),
        "empty file": ("", rf"error: {q}: is empty; a scenario is a YAML mapping with at least a name"),
    }
    if name in texts:
        text, pattern = texts[name]
        s.write_text(text, encoding="utf-8")
        return ["run", str(s), "--out", str(tmp_path / "out")], pattern
    sets = {
        "set without =": (
            ["--set", "regulation.flexibility"],
            r"error: --set: expects key\.path=value.* \(got 'regulation\.flexibility'\)",
        ),
        "set out of range": (
            ["--set", "regulation.flexibility=2"],
            r"error: --set: regulation\.flexibility: must be a number from 0 to 1 \(score 0\.\.1\) \(got 2\)",
        ),
        "set unknown key": (
            ["--set", "regulation.flexibilty=0.5"],
            r"error: --set: regulation\.flexibilty: unknown key; did you mean 'flexibility'\?.*",
        ),
        "bad option": (
            ["--replications", "0"],
            r"error: command line: argument --replications: must be at least 1 \(got 0\)",
        ),
    }
    if name == "out is a file":
        blocker = tmp_path / "afile"
        blocker.write_text("not a folder")
        argv = [
            "run",
            "--out",
            str(blocker),
            "--quiet",
            "--steps",
            "1",
            "--replications",
            "1",
            "--set",
            "population.providers=20",
        ]
        return (
            argv,
            rf"error: {re.escape(str(blocker))}: cannot make an output folder here \(.+\); choose another --out",
        )
    extra, pattern = sets[name]
    return ["run", "--out", str(tmp_path / "out"), *extra], pattern


BAD_INPUTS = [
    "missing file",
    "folder",
    "bad yaml",
    "unknown key",
    "wrong type",
    "out of range",
    "bad innovation kind",
    "extends missing",
    "extends circular",
    "duplicate key",
    "empty file",
    "set without =",
    "set out of range",
    "set unknown key",
    "bad option",
    "out is a file",
]


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_is_one_line_with_status_2(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv, pattern = bad_case(tmp_path, name)
    code, out, err = run_cli(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert re.fullmatch(pattern, err.rstrip("\n")), err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written


@pytest.mark.parametrize("name", ["wrong type", "set out of range"])
def test_bad_input_in_a_real_process_has_no_traceback(name: str, tmp_path: Path) -> None:
    argv, pattern = bad_case(tmp_path, name)
    done = subprocess.run([str(SASCI_SIM), *argv], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2
    assert re.fullmatch(pattern, done.stderr.rstrip("\n")) and done.stderr.count("\n") == 1, done.stderr


def test_unknown_command_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["fly"], capsys)
    assert code == 2 and err.startswith("error: command line: argument command: invalid choice: 'fly'")
    assert err.count("\n") == 1


# -- failures lose nothing ------------------------------------------------------------------------


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name != "baseline")


def test_failed_run_leaves_earlier_results_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "results"
    assert run_cli(["run", "--out", str(out), "--quiet", "--seed", "1", *SMALL], capsys)[0] == 0
    before = folder_bytes(out / "baseline")

    def broken_plot(*args: object, **kwargs: object) -> None:
        raise RuntimeError("plot writer failed")

    monkeypatch.setattr(sasci_sim.output.run_folder, "plot_spread", broken_plot)
    with pytest.raises(RuntimeError, match="plot writer failed"):
        main(["run", "--out", str(out), "--quiet", "--seed", "2", *SMALL])
    assert folder_bytes(out / "baseline") == before
    assert leftovers(out) == []  # no temporary or half-written folders

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sasci_sim.output.run_folder, "plot_spread", interrupted)
    code, _, err = run_cli(["run", "--out", str(out), "--quiet", "--seed", "3", *SMALL], capsys)
    assert code == 130 and err == "interrupted: earlier results are untouched\n"
    assert folder_bytes(out / "baseline") == before
    assert leftovers(out) == []


def test_successful_rerun_replaces_the_folder_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results"
    assert run_cli(["run", "--out", str(out), "--quiet", "--seed", "1", *SMALL], capsys)[0] == 0
    (out / "baseline" / "stale.txt").write_text("from an older run")
    assert run_cli(["run", "--out", str(out), "--quiet", "--seed", "2", *SMALL], capsys)[0] == 0
    assert not (out / "baseline" / "stale.txt").exists()
    assert json.loads((out / "baseline" / "manifest.json").read_text())["seed"] == 2
    assert leftovers(out) == []


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "baseline"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    code, _, err = run_cli(["run", "--out", str(tmp_path), "--quiet", *SMALL], capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {mine}: exists and was not made by sasci-sim")
    assert [p.name for p in tmp_path.iterdir()] == ["baseline"]
    assert (mine / "notes.txt").read_text() == "precious"


# -- runs with --set are described exactly ------------------------------------------------------

LEVERS = ["--set", "regulation.flexibility=0.9", "--set", "funding.grant_duration_months=60"]


def report_text(folder: Path) -> str:
    from tests.test_report import Page

    return Page((folder / "report.html").read_text(encoding="utf-8")).plain


def test_a_run_with_lever_overrides_is_a_variant_described_as_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    scenario = str(SCENARIOS / "baseline.yaml")
    code, out, err = run_cli(["run", scenario, "--out", str(tmp_path), "--quiet", *LEVERS, *SMALL], capsys)
    assert code == 0, err
    folder = tmp_path / "baseline-flexibility-0_9-grant_duration_months-60"
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # baseline's own folder is not touched
    assert "replaced" not in out
    assert out.splitlines()[0] == f"report: {folder / 'report.html'}"
    findings = re.split(r"^- ", out.split("key findings:\n")[1], flags=re.M)[1:]
    assert len(findings) == 3 and all("[evidence: " in f for f in findings)
    assert all(len(line) <= 100 for line in out.splitlines() if not line.startswith(("report:", "spread", "tables")))

    text = report_text(folder)
    assert "Baseline with flexibility 0.9 and grant duration months 60: how innovations spread" in text
    assert "regulation.flexibility = 0.9 (was 0.3); funding.grant_duration_months = 60 (was 24)" in text
    rows = text.split("What differs from the built-in baseline")[1].split("Figures")[0]
    assert re.search(r"regulation\.flexibility [^|]*? 0\.3 0\.9 set by you", rows), rows
    assert re.search(r"funding\.grant_duration_months [^|]*? 24 60 set by you", rows), rows
    assert rows.index("regulation.flexibility") < rows.index("population.providers")  # levers first
    command = text.split("To reproduce: ")[1].split(" (the same")[0]
    assert command == shlex.join(
        [
            "sasci-sim",
            "run",
            scenario,
            *LEVERS,
            "--set",
            "population.providers=300",
            "--replications",
            "3",
            "--seed",
            "20240920",
            "--steps",
            "12",
        ]
    )
    again = tmp_path / "again"
    assert run_cli([*shlex.split(command)[1:], "--out", str(again), "--quiet"], capsys)[0] == 0
    assert (again / folder.name / "spread.csv").read_bytes() == (folder / "spread.csv").read_bytes()


def test_name_chooses_the_folder_and_replacing_says_so_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "--out", str(tmp_path), "--quiet", "--name", "my-try", *LEVERS, *SMALL]
    code, out, err = run_cli(argv, capsys)
    assert code == 0 and "replaced" not in out
    assert [p.name for p in tmp_path.iterdir()] == ["my-try"]
    assert "--name my-try" in report_text(tmp_path / "my-try")
    code, out, err = run_cli(argv, capsys)
    replaced = [line for line in out.splitlines() if line.startswith("replaced:")]
    assert code == 0 and replaced == [
        f"replaced: the earlier results in {tmp_path / 'my-try'} (use --name or another --out to keep both)"
    ]
    code, _, err = run_cli([*argv[: -len(SMALL)], "--name", "../up"], capsys)
    assert code == 2 and err.startswith("error: command line") and err.count("\n") == 1


def test_a_plain_run_reports_its_headline_and_grade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["run", "--out", str(tmp_path), "--quiet", "--steps", "12", "--replications", "2"], capsys)
    assert code == 0
    text = report_text(tmp_path / "baseline")
    headline = text.split("how innovations spread over 1 year ")[-1].split(" 2 replications")[0]
    assert headline.startswith("After 1 year, the average innovation is sustained by ")
    assert "Evidence: ungraded" not in text
    assert "[evidence: assumption]" in out  # the one changed setting: simulation.steps
    assert "sasci-sim run --replications 2 --seed 20240920 --steps 12" in text


# -- tables fit the terminal ----------------------------------------------------------------------


def widths(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", ["100", "72", None])
def test_params_fits_the_terminal_and_explains_its_source_keys(
    columns: str | None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = run_cli(["params"], capsys)
    assert code == 0 and widths(out) <= int(columns or 100)
    for row in rows():
        assert f"{row['key']} = " in out
    sources = out.split("Sources (what the source keys stand for")[1]
    assert "malley_holder_2024: Malley & Holder 2024" in sources and "design: a modelling choice" in sources
    code, wide, _ = run_cli(["params", "--wide"], capsys)
    lines = [line for line in wide.split("\n\nSources")[0].splitlines() if line.startswith(("simulation.", "funding."))]
    assert widths(wide) > 200 and all(re.search(r" (strong|moderate|weak|assumption) +\S+$", line) for line in lines)


def test_params_writes_csv_and_json_that_programs_read(capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    _, text, _ = run_cli(["params", "--format", "csv"], capsys)
    table = list(csv.DictReader(io.StringIO(text)))
    assert table == rows()
    _, text, _ = run_cli(["params", "--format", "json"], capsys)
    assert json.loads(text) == rows()


def test_validate_table_fits_says_what_it_left_out_and_reads_censored_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    import numpy as np

    from sasci_sim.experiments.validation.checks import Verdict
    from sasci_sim.experiments.validation.facts import FACTS
    from sasci_sim.experiments.validation.stats import Estimate
    from sasci_sim.ui.commands.tables import render_table
    from sasci_sim.ui.commands.validate import COLUMNS, table_rows

    verdicts = []
    for fact in FACTS:
        values = np.full(10, 361.0) if fact.label == "7a" else np.linspace(0.1, 0.3, 10)
        verdicts.append(Verdict(fact, values, Estimate.of(values), True))
    horizons = {n: 360 if n == "long_run" else 120 for f in FACTS for n in f.variants}
    results = {
        n: SimpleNamespace(scenario=SimpleNamespace(simulation=SimpleNamespace(steps=h))) for n, h in horizons.items()
    }
    bass = [SimpleNamespace(p=0.03, q=0.38, max_abs_deviation=0.0123, within_tolerance=True)]
    table = table_rows(verdicts, results, bass)  # type: ignore[arg-type]
    seven = next(r for r in table if r["fact"] == "7a")
    assert seven["observed"] == "not reached in 30 years (in none of the 10 replications)"
    monkeypatch.setenv("COLUMNS", "100")
    text = render_table(table, COLUMNS)
    assert widths(text) <= 100
    assert text.splitlines()[-1].startswith("(left out to fit 100 columns: metric; --wide")
    for fact in FACTS:
        assert re.search(rf"^{fact.label} ", text, re.M), fact.label
    wide = render_table(table, COLUMNS, wide=True)
    assert all(fact.metric in wide for fact in FACTS) and "left out" not in wide
    assert json.loads(render_table(table, COLUMNS, "json")) == table


def test_check_fits_the_terminal_and_writes_a_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    files = [str(SCENARIOS / "joint_health_social_care_fund.yaml")]
    _, out, _ = run_cli(["check", *files], capsys)
    assert out == f"ok: {files[0]}: joint_health_social_care_fund\n"  # the counts do not fit 80 columns
    _, out, _ = run_cli(["check", *files, "--wide"], capsys)
    assert out == f"ok: {files[0]}: joint_health_social_care_fund (20 innovations, 2000 providers, 15 councils)\n"
    _, out, _ = run_cli(["check", *files, "--format", "json"], capsys)
    assert json.loads(out)[0]["title"] == "Joint health and social care fund"


def test_compare_fits_the_terminal_and_writes_its_figures_as_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv
    import io

    files = []
    for name in ("short_term_funding", "long_term_funding"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(
            f"extends: {SCENARIOS / name}.yaml\npopulation: {{providers: 300}}\nsimulation: {{steps: 24, replications: 3}}\n"
        )
        files.append(str(path))
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run_cli(["compare", *files, "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert code == 0
    assert all(len(line) <= 100 for line in out.splitlines() if not line.startswith("report: "))  # paths never wrap
    assert out.splitlines()[1].startswith("Long-term funding: ")  # the headline, titled
    code, out, err = run_cli(["compare", *files, "--out", str(tmp_path / "out"), "--quiet", "--format", "csv"], capsys)
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["scenario"] for r in table} == {"short_term_funding", "long_term_funding"}
    assert "report: " in err and "reused: " in err


def test_a_library_that_cannot_be_mapped_is_out_of_memory_even_behind_a_wrapping_error() -> None:
    from sasci_sim.ui.cli import _out_of_memory

    def load() -> None:  # as llvmlite loads its library under ulimit -v: dlopen fails, llvmlite says so its way
        try:
            raise OSError("libllvmlite.so: failed to map segment from shared object")
        except OSError:
            raise OSError("Could not find/load shared object file 'libllvmlite.so'") from None

    with pytest.raises(OSError) as caught:
        load()
    assert caught.value.__cause__ is None and _out_of_memory(caught.value)
    assert not _out_of_memory(OSError("Could not find/load shared object file 'libllvmlite.so'"))
