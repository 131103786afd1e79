"""Extreme but valid levers run and give outputs without NaN; sizes beyond memory are refused up front.

Undefined figures: ``share_of_grants_lost_at_cliff`` (no grant was awarded),
``months_to_10pct`` and ``months_to_50pct`` (adoption never reached 10% or 50%) have no
value in some runs. summary.json then holds ``null`` for them (when no replication has a
value) and runs.csv an empty cell; every other figure, and every cell of spread.csv and
money.csv, is a finite number.
"""

from __future__ import annotations

import json
import math
import resource
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import sasci_sim.config.limits
from sasci_sim.config.limits import BASE_BYTES, CELL_BYTES, estimate, gigabytes
from sasci_sim.config.loader import merge, validate
from sasci_sim.config.params import parameter_rows
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.sizes import largest_run
from tests.support.hardening import SCENARIOS, assert_one_line_error, cli, python_process, run_process

#: Figures that may be undefined in a run (see the module docstring and the README).
MAY_BE_UNDEFINED = {"share_of_grants_lost_at_cliff", "months_to_10pct", "months_to_50pct", "sustained_per_m_spent"}
#: ...and in a comparison, adopters added per £m over a no-grant first scenario, for one that spends nothing.
COMPARE_MAY_BE_UNDEFINED = MAY_BE_UNDEFINED | {"added_adopters_per_m_spent"}
SCENARIO_ROWS = parameter_rows(Scenario)
PROBABILITIES = [r["key"] for r in SCENARIO_ROWS if r["unit"].startswith("probability") and "." in r["key"]]
#: Every 0..1 setting of the scenario's sections (shares, scores, probabilities); not the
#: provider mix (its shares must add up to 1).
UNIT_INTERVAL = [r["key"] for r in SCENARIO_ROWS if r["range"] == "from 0 to 1" and "provider_mix" not in r["key"]]
TINY = {
    "simulation": {"steps": 36, "replications": 2, "seed": 3},
    "population": {"providers": 60, "local_authorities": 3},
}


def nested(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *head, last = key.split(".")
        node = out
        for part in head:
            node = node.setdefault(part, {})
        node[last] = value
    return out


EXTREMES: dict[str, dict[str, Any]] = {
    "one_council": {"population.local_authorities": 1},
    "one_provider": {"population.providers": 1, "population.local_authorities": 1},
    "one_provider_three_councils": {"population.providers": 1},
    "zero_budget": {
        "funding.budget_per_call_k": 0,
        "local_authorities.pilot_fund_k_per_year": 0,
        "local_authorities.commissioning_budget_k_per_provider_month": 0,
        "population.reserves_median_k": 0,
        "population.surplus_k_per_month": 0,
    },
    "one_step": {"simulation.steps": 1},
    "one_replication": {"simulation.replications": 1},
    "every_probability_0": dict.fromkeys(PROBABILITIES, 0.0),
    "every_probability_1": dict.fromkeys(PROBABILITIES, 1.0),
    "every_0_to_1_setting_at_0": dict.fromkeys(UNIT_INTERVAL, 0.0),
    "every_0_to_1_setting_at_1": dict.fromkeys(UNIT_INTERVAL, 1.0),
    "identical_providers": {"population.capability_sd": 0, "population.reserves_sigma": 0},
    "no_peer_ties": {"network.local_ties": 0, "network.sector_ties": 0},
    "complete_network_one_provider": {"network.topology": "complete", "population.providers": 1},
    "shortest_grants_every_month": {"funding.grant_duration_months": 1, "funding.call_interval_months": 1},
    "longest_grants": {
        "funding.grant_duration_months": 240,
        "funding.first_call_month": 1,
        "funding.last_call_month": 1,
    },
}
EXTREME_INNOVATIONS = {
    "originators_outnumber_providers": [{"name": "crowded", "kind": "systems", "initial_pilots": 100000}],
    "launched_after_the_end": [{"name": "late", "kind": "social", "launch_month": 1200}],
    "one_innovation_no_originators": [{"name": "alone", "kind": "business_model", "initial_pilots": 0}],
    "free_and_saving_everything": [
        {
            "name": "free",
            "kind": "business_model",
            "upfront_cost_k": 0,
            "running_cost_k_per_month": 0,
            "double_running_k_per_month": 0,
            "commissioner_saving_k_per_month": 100,
            "provider_saving_k_per_month": 100,
        }
    ],
    "costly_and_losing_money": [
        {
            "name": "costly",
            "kind": "systems",
            "upfront_cost_k": 1e5,
            "running_cost_k_per_month": 1e4,
            "commissioner_saving_k_per_month": -100,
            "provider_saving_k_per_month": -100,
            "complexity": 1,
            "regulatory_burden": 1,
        }
    ],
}


def extreme_scenario(name: str) -> dict[str, Any]:
    data = merge({"name": name}, TINY)
    if name in EXTREMES:
        return merge(data, nested(EXTREMES[name]))
    return {**data, "innovations": EXTREME_INNOVATIONS[name]}


def test_the_extremes_cover_every_probability_and_setting() -> None:
    assert len(PROBABILITIES) >= 10 and len(UNIT_INTERVAL) > len(PROBABILITIES)
    for name in (*EXTREMES, *EXTREME_INNOVATIONS):
        validate(extreme_scenario(name), name)  # each extreme is valid: the run must not refuse it


def assert_finite_outputs(folder: Path) -> dict[str, Any]:
    """No NaN or infinity anywhere but the undefined figures; returns summary.json's figures."""
    for table in ("spread.csv", "money.csv"):
        frame = pd.read_csv(folder / table)
        numbers = frame.select_dtypes("number")
        assert not frame.isna().any().any(), f"empty cells in {table}"
        assert numbers.map(math.isfinite).all().all(), f"infinite values in {table}"
    spread = pd.read_csv(folder / "spread.csv")
    states = spread[["unaware", "aware", "piloting", "sustained", "abandoned_now"]].sum(axis=1)
    assert (states == spread["providers"]).all(), "the state counts partition the providers"
    runs = pd.read_csv(folder / "runs.csv")
    undefined = set(runs.columns[runs.isna().any()])
    assert undefined <= MAY_BE_UNDEFINED, undefined - MAY_BE_UNDEFINED
    text = (folder / "summary.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    figures = json.loads(text)["figures"]
    for name, stats in figures.items():
        if stats["mean"] is None:
            assert name in MAY_BE_UNDEFINED and stats["n"] == 0, name
        else:
            assert all(math.isfinite(stats[k]) for k in ("mean", "p5", "p95")), name
    html = (folder / "report.html").read_text(encoding="utf-8")
    for word in (">nan<", " nan ", ">inf<", " inf "):
        assert word not in html.lower(), word
    return figures


@pytest.mark.parametrize("name", [*EXTREMES, *EXTREME_INNOVATIONS])
def test_extreme_levers_run_without_nan(name: str, tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(extreme_scenario(name)), encoding="utf-8")
    code, _, err = cli(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert code == 0, err
    figures = assert_finite_outputs(tmp_path / "out" / name)
    assert 0.0 <= figures["final_sustained_share"]["mean"] <= 1.0
    tally.add("extreme valid levers (one council, one provider, zero budget, one step, all p = 0 or 1...)", runs=1)


def test_undefined_figures_are_null_in_summary_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """With no grants and no adoption, the three undefined figures are null, not NaN."""
    data = merge(extreme_scenario("every_probability_0"), {"funding": {"budget_per_call_k": 0}})
    data["innovations"] = [{"name": "x", "kind": "social", "initial_pilots": 0}]
    path = tmp_path / "nothing.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, _, err = cli(["run", str(path), "--out", str(tmp_path), "--quiet"], capsys)
    assert code == 0, err
    figures = assert_finite_outputs(tmp_path / "every_probability_0")
    assert {k for k, v in figures.items() if v["mean"] is None} == MAY_BE_UNDEFINED
    assert figures["final_sustained_share"]["mean"] == 0.0


def test_compare_and_sweep_of_extremes_run(tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    files = []
    for name in ("every_probability_0", "every_probability_1", "one_provider"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(extreme_scenario(name)), encoding="utf-8")
        files.append(str(path))
    code, out, err = cli(["compare", *files, "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert code == 0, err
    figures = pd.read_csv(next((tmp_path / "out").glob("compare-*")) / "figures.csv")
    defined = figures[~figures["figure"].isin(COMPARE_MAY_BE_UNDEFINED)]
    assert defined["mean"].notna().all()
    experiment = tmp_path / "extreme_sweep.yaml"
    experiment.write_text(
        yaml.safe_dump(
            {
                "name": "extreme_sweep",
                "base": files[0],
                "design": "grid",
                "parameters": {
                    "diffusion.external_influence": {"values": [0.0, 1.0]},
                    "regulation.flexibility": {"values": [0.0, 1.0]},
                },
                "outcomes": ["final_sustained_share", "months_to_10pct"],
            }
        ),
        encoding="utf-8",
    )
    code, out, err = cli(
        ["sweep", str(experiment), "--out", str(tmp_path / "sweeps"), "--workers", "1", "--quiet"], capsys
    )
    assert code == 0, err
    assert "4 runs in" in out and "0 failed" in out
    tally.add("extreme valid levers (one council, one provider, zero budget, one step, all p = 0 or 1...)", runs=2)


# -- memory ------------------------------------------------------------------------------


def sized(providers: int, innovations: int, steps: int = 12, replications: int = 2) -> Scenario:
    inns = [{"name": f"i{j}", "kind": "social"} for j in range(innovations)]
    data = {
        "name": "sized",
        "simulation": {"steps": steps, "replications": replications},
        "population": {"providers": providers, "local_authorities": 4},
        "innovations": inns,
    }
    return validate(data, "test")


def test_the_estimate_grows_with_each_size() -> None:
    small = estimate(sized(1000, 10))
    assert estimate(sized(2000, 10)).model - small.model == 1000 * (
        10 * CELL_BYTES + sasci_sim.config.limits.PROVIDER_BYTES
    ) + int(1000 * 6 * sasci_sim.config.limits.TIE_BYTES)
    assert estimate(sized(1000, 20)).model > small.model and estimate(sized(1000, 20)).tables == 2 * small.tables
    assert estimate(sized(1000, 10, replications=4)).tables == 2 * small.tables
    assert estimate(sized(1000, 10, steps=25)).tables == 2 * small.tables
    assert estimate(sized(1000, 10), runs_at_once=3).model == 3 * small.model
    assert small.model >= BASE_BYTES


@pytest.mark.slow
def test_the_estimate_covers_the_memory_a_run_really_takes(tmp_path: Path) -> None:
    """Peak resident memory of three replications, measured in a fresh process, is below the estimate
    (and not far below: an estimate many times too big would refuse runs that fit)."""
    code = """
import json
from pathlib import Path
from sasci_sim.config.loader import validate
from sasci_sim.experiments.replications import run_replications
from sasci_sim.config.limits import estimate

def peak():  # VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's over exec)
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

inns = [{"name": f"i{j}", "kind": "systems"} for j in range(30)]
s = validate({"name": "m", "simulation": {"steps": 12, "replications": 3}, "population": {"providers": 40000},
              "innovations": inns}, "test")
before = peak()
run_replications(s)
print(json.dumps({"used": peak() - before, "estimate": estimate(s).total}))
"""
    done = python_process(code, tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["used"] <= measured["estimate"], measured
    assert measured["used"] >= measured["estimate"] / 4, measured


@pytest.fixture
def little_memory(monkeypatch: pytest.MonkeyPatch) -> int:
    room = 300 * 1024**2
    monkeypatch.setattr(sasci_sim.config.limits, "available_bytes", lambda: room)
    return room


def write_big(folder: Path) -> Path:
    path = folder / "big.yaml"
    path.write_text(yaml.safe_dump({"name": "big", "population": {"providers": 1000000}}), encoding="utf-8")
    return path


def test_run_check_compare_and_sweep_refuse_what_would_not_fit(
    little_memory: int, tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    big = write_big(tmp_path)
    need = estimate(validate({"name": "big", "population": {"providers": 1000000}}, "t")).total
    out = tmp_path / "out"
    for argv in (["check", str(big)], ["run", str(big), "--out", str(out)]):
        code, _, err = cli(argv, capsys)
        assert_one_line_error(
            code,
            err,
            f"{big}: population.providers: needs about",
            f"needs about {gigabytes(need)} of memory",
            "300 MB available",
        )
    code, _, err = cli(["compare", str(SCENARIOS / "baseline.yaml"), str(big), "--out", str(out)], capsys)
    assert_one_line_error(code, err, f"{big}: population.providers: needs about")
    experiment = tmp_path / "e.yaml"
    experiment.write_text(
        yaml.safe_dump(
            {
                "name": "e",
                "base": str(big),
                "design": "grid",
                "parameters": {"regulation.flexibility": {"values": [0.1, 0.9]}},
                "outcomes": ["final_sustained_share"],
            }
        ),
        encoding="utf-8",
    )
    code, _, err = cli(["sweep", str(experiment), "--out", str(out), "--workers", "2"], capsys)
    assert_one_line_error(code, err, "e.yaml: population.providers: needs about", "300 MB available")
    assert not out.exists()
    tally.add("sizes beyond memory (estimate above the memory available)", tried=4, refused_up_front=4)


def test_a_sweep_is_checked_at_its_largest_design_point(
    little_memory: int, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A base that fits, varied up to a population and a length that do not, is refused before any run."""
    experiment = tmp_path / "grows.yaml"
    experiment.write_text(
        yaml.safe_dump(
            {
                "name": "grows",
                "set": {"population.providers": 10},
                "design": "grid",
                "parameters": {
                    "population.local_authorities": {"values": [1, 2]},
                    "network.local_ties": {"min": 0, "max": 50, "levels": 2},
                    "simulation.steps": {"values": [12, 1200]},
                },
                "outcomes": ["final_sustained_share"],
            }
        ),
        encoding="utf-8",
    )
    loaded = load_experiment(experiment)
    largest = largest_run(loaded)
    assert (largest.simulation.steps, largest.network.local_ties) == (1200, 50)
    assert largest.population.providers == 10 and largest.population.local_authorities == 15  # not a size key
    assert estimate(largest).model > estimate(loaded.base).model
    experiment.write_text(
        experiment.read_text().replace("population.providers: 10\n", "population.providers: 100000\n")
    )
    assert estimate(load_experiment(experiment).base, replications=1).total < little_memory  # the base fits...
    code, _, err = cli(["sweep", str(experiment), "--out", str(tmp_path / "out"), "--workers", "1"], capsys)
    assert_one_line_error(code, err, "grows.yaml: population.providers: needs about")  # ...its largest run does not
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_real_address_space_limit_is_read_and_respected(tmp_path: Path, tally) -> None:
    """Under ``ulimit -v`` (RLIMIT_AS), a scenario that needs more is refused with the limit, not killed
    by the operating system; a small run under the same limit completes."""
    limit = 3 * 1024**3
    big = tmp_path / "big.yaml"
    inns = [{"name": f"i{j}", "kind": "social"} for j in range(150)]
    big.write_text(yaml.safe_dump({"name": "big", "population": {"providers": 400000}, "innovations": inns}))

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    refused = run_process(["run", str(big), "--out", "out"], cwd=tmp_path, timeout=120, preexec_fn=cap)
    line = assert_one_line_error(refused.returncode, refused.stderr, "needs about", "GB available")
    room = float(line.split("more than the ")[1].split(" GB")[0])
    assert 0 < room < 3.0, line  # what is left of the 3 GB once the interpreter is loaded
    small = run_process(
        ["run", "--steps", "3", "--replications", "1", "--set", "population.providers=100", "--out", "out"],
        cwd=tmp_path,
        timeout=120,
        preexec_fn=cap,
    )
    assert small.returncode == 0, small.stderr
    assert (tmp_path / "out" / "baseline" / "manifest.json").is_file()
    tally.add("sizes beyond memory (estimate above the memory available)", tried=1, refused_up_front=1)
