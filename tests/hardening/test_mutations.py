"""Shipped scenario and experiment files, mutated at random, give a valid run or one line: never a traceback.

Hypothesis edits a copy of a shipped file: at the data level (delete a key, change a value's
type, insert an unknown key) and at the byte level (truncate, insert garbage bytes, flip a
byte, drop or repeat a line), one to three edits at a time. The result goes through the real
command line in this process. It must either be refused with exit status 2 and one
``error:`` line, or run (kept tiny: few steps, few providers, one replication) and exit 0
with outputs free of NaN. Any other exception fails the test. The examples are drawn
deterministically (``derandomize``), so the counts in the README table are reproducible.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.designs import build_design
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.sizes import largest_run
from tests.support.hardening import EXPERIMENTS, SCENARIOS, TINY_RUN, assert_one_line_error, cli

SHIPPED_SCENARIOS = sorted(SCENARIOS.glob("*.yaml"))
SHIPPED_EXPERIMENTS = sorted(EXPERIMENTS.glob("*.yaml"))
#: A sweep of a mutated experiment is run only when it stays this small (runs, providers, months).
SWEEP_LIMITS = {"runs": 60, "providers": 200, "steps": 120}
SETTINGS = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(min_value=0, max_value=3), max_size=2),
    st.sampled_from(["", "baseline.yaml", "../../etc", "grid", "sobol", "complete", "simple", "1e9", "- x"]),
    st.floats(min_value=0, max_value=1),  # plausible values too, so that some edited files stay valid
    st.integers(min_value=0, max_value=60),
)


def paths_in(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path (mapping keys and list indices) in parsed YAML."""
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        found.append((*prefix, key))
        found += paths_in(value, (*prefix, key))
    return found


def parent_of(data: Any, path: tuple) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def mutate_data(draw: st.DrawFn, rnd: random.Random, text: str) -> str:
    """Delete a key, change a value or insert a key somewhere in the parsed file."""
    data = yaml.safe_load(text)
    path = rnd.choice(paths_in(data))
    holder = parent_of(data, path)
    action = draw(st.sampled_from(["delete", "replace", "insert"]))
    if action == "delete":
        del holder[path[-1]]
    elif action == "replace":
        holder[path[-1]] = draw(odd_values)
    else:
        target = holder if isinstance(holder, dict) else data
        target[draw(st.text(min_size=1, max_size=12))] = draw(odd_values)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def mutate_bytes(draw: st.DrawFn, rnd: random.Random, raw: bytes) -> bytes:
    """Truncate, insert garbage, flip a byte, or drop or repeat a line."""
    action = draw(st.sampled_from(["truncate", "garbage", "flip", "drop_line", "repeat_line"]))
    at = rnd.randrange(max(len(raw), 1))  # anywhere in the file, uniformly
    if action == "truncate":
        return raw[:at]
    if action == "garbage":
        return raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:]
    if action == "flip":
        return raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :] if raw else raw
    lines = raw.splitlines(keepends=True)
    k = at % max(len(lines), 1)
    if action == "drop_line":
        return b"".join(lines[:k] + lines[k + 1 :])
    return b"".join(lines[: k + 1] + lines[k:])


@st.composite
def mutated(draw: st.DrawFn, files: list[Path]) -> tuple[Path, bytes, list[str]]:
    """A shipped file and its bytes after one to three edits (with the kinds of edit made)."""
    path = draw(st.sampled_from(files))
    raw = path.read_bytes()
    rnd = draw(st.randoms(use_true_random=False))  # positions and key paths, uniformly (seeded by hypothesis)
    kinds = []
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        try:
            text = raw.decode("utf-8")
            parsed = yaml.safe_load(text)
        except (UnicodeDecodeError, yaml.YAMLError):
            parsed = None
        if isinstance(parsed, dict) and parsed and draw(st.booleans()):
            raw = mutate_data(draw, rnd, text).encode("utf-8")
            kinds.append("data")
        else:
            raw = mutate_bytes(draw, rnd, raw)
            kinds.append("bytes")
    return path, raw, kinds


def no_nan_in_run(folder: Path) -> None:
    for table in ("spread.csv", "money.csv"):
        frame = pd.read_csv(folder / table)
        assert not frame.isna().any().any(), f"NaN in {table}"


@pytest.mark.slow
@settings(SETTINGS, max_examples=80)
@given(case=mutated(SHIPPED_SCENARIOS))
def test_mutated_scenarios_run_or_give_one_line(case, capsys: pytest.CaptureFixture, tally) -> None:
    source, raw, _kinds = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scenarios"
        shutil.copytree(SCENARIOS, folder)  # the mutated file's parents (extends) stay as shipped
        path = folder / source.name
        path.write_bytes(raw)
        code, _, err = cli(["check", str(path)], capsys)
        row = "shipped scenarios, mutated (hypothesis)"
        if code != 0:
            assert_one_line_error(code, err)
            tally.add(row, tried=1, clean_errors=1)
            return
        out = Path(tmp) / "out"
        code, _, err = cli(["run", str(path), "--out", str(out), *TINY_RUN], capsys)
        assert code == 0, err  # a file that passes check runs
        folder_written = next(p for p in out.iterdir() if not p.name.startswith("."))
        no_nan_in_run(folder_written)
        tally.add(row, tried=1, valid_runs=1)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Constant values encountered:UserWarning")  # one-sample designs
@pytest.mark.filterwarnings("ignore:Degrees of freedom <= 0:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")
@settings(SETTINGS, max_examples=20)
@given(case=mutated(SHIPPED_EXPERIMENTS))
def test_mutated_experiments_sweep_or_give_one_line(case, capsys: pytest.CaptureFixture, tally) -> None:
    source, raw, _kinds = case
    row = "shipped experiments, mutated (hypothesis)"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "experiments").mkdir()
        (root / "scenarios").mkdir()
        write_tiny_baseline(root / "scenarios" / "baseline.yaml")
        path = root / "experiments" / source.name
        path.write_bytes(raw)
        args = ["sweep", str(path), "--out", str(root / "sweeps"), "--workers", "1", "--replications", "1", "--quiet"]
        samples = 1 if design_of(raw) in ("lhs", "sobol", "morris") else None
        if samples:
            args += ["--samples", str(samples)]
        try:
            experiment = load_experiment(path, samples=samples, replications=1)
        except InputError:
            code, _, err = cli(args, capsys)
            assert_one_line_error(code, err)
            tally.add(row, tried=1, clean_errors=1)
            return
        runs = build_design(experiment).size
        biggest = largest_run(experiment)
        if runs > SWEEP_LIMITS["runs"] or (
            biggest is not None
            and (
                biggest.population.providers > SWEEP_LIMITS["providers"]
                or biggest.simulation.steps > SWEEP_LIMITS["steps"]
            )
        ):
            tally.add(row, tried=1, valid_but_too_big_to_run_here=1)
            return
        code, stdout, err = cli(args, capsys)
        assert code == 0, err
        assert f"{runs} runs in" in stdout
        tally.add(row, tried=1, valid_runs=1)


def design_of(raw: bytes) -> Any:
    """The design a mutated experiment asks for, if it can still be read."""
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return data.get("design") if isinstance(data, dict) else None


def write_tiny_baseline(path: Path) -> None:
    """The shipped baseline, shrunk: 60 months (the latest month an experiment records), 20 providers,
    2 councils, one innovation of each kind."""
    data = yaml.safe_load((SCENARIOS / "baseline.yaml").read_text(encoding="utf-8"))
    data["simulation"] = {**data.get("simulation", {}), "steps": 60, "replications": 1}
    data["population"] = {**data.get("population", {}), "providers": 20, "local_authorities": 2}
    kinds: dict[str, dict] = {}
    for innovation in data["innovations"]:
        kinds.setdefault(innovation["kind"], innovation)
    data["innovations"] = list(kinds.values())
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_mutations_reach_every_kind_of_edit() -> None:
    """The strategy really edits: data and byte edits both occur and change the file."""
    seen: set[str] = set()
    changed = 0

    @settings(max_examples=60, derandomize=True, deadline=None)
    @given(case=mutated(SHIPPED_SCENARIOS + SHIPPED_EXPERIMENTS))
    def collect(case) -> None:
        nonlocal changed
        source, raw, kinds = case
        seen.update(kinds)
        changed += raw != source.read_bytes()

    collect()
    assert seen == {"data", "bytes"}
    assert changed >= 50
