"""Every malformed file of tests/bad_inputs/ gives exactly the error tests/bad_inputs/expected.yaml names.

Scenario files go through ``check``, ``run`` and ``compare``; experiment files through
``sweep``. Each must exit with status 2 and one line ``error: <file>: <field>: <problem>``
naming the expected field path exactly, create nothing, and never execute what a YAML tag
names. A few more bad inputs cannot be committed (a 2 MB file, /dev/zero, a pipe, a deep
extends chain): they are made in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from sasci_sim.config.limits import available_bytes, check_fits, estimate
from sasci_sim.config.loader import MAX_EXTENDS_DEPTH, MAX_FILE_BYTES, load_scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.experiment import load_experiment
from tests.support.hardening import CORPUS, SCENARIOS, assert_one_line_error, cli, run_process

EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
SCENARIO_FILES = sorted(name for name, e in EXPECTED.items() if e.get("command", "check") == "check")
EXPERIMENT_FILES = sorted(name for name, e in EXPECTED.items() if e.get("command") == "sweep")
ROW = "malformed files in tests/bad_inputs/"


@pytest.fixture
def in_corpus(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in the corpus folder, so messages name files as written there (relative paths)."""
    monkeypatch.chdir(CORPUS)
    return CORPUS


def expected_line_start(name: str) -> str:
    entry = EXPECTED[name]
    source = entry.get("source", name)
    return f"error: {source}: {entry['field']}: " if entry["field"] else f"error: {source}: "


def without_free_memory(line: str) -> str:
    """An error line without the memory available, which changes from one moment to the next."""
    return line.split("more than the ")[0]


def skip_if_it_would_fit(name: str) -> None:
    """The memory files are refused on any machine we know; never start one where it would fit."""
    if EXPECTED[name].get("memory"):
        need = estimate(load_scenario(CORPUS / "absurd_memory.yaml")).total
        room = available_bytes()
        if room is None or need <= room:
            pytest.skip(f"this machine has the memory ({room} bytes) for a run the corpus expects refused")


def test_the_corpus_is_complete() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "expected.yaml"}
    assert on_disk == set(EXPECTED), "every corpus file has an expectation and every expectation a file"
    assert len(EXPECTED) >= 40
    categories = {Path(name).stem.split("_")[0] for name in EXPECTED}
    wanted = {"syntax", "type", "range", "unknown", "missing", "empty", "binary", "extends", "tag", "duplicate"}
    assert wanted | {"alias", "nan", "inf", "absurd", "exp"} <= categories


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_check_gives_the_expected_error(name: str, in_corpus: Path, capsys: pytest.CaptureFixture, tally) -> None:
    skip_if_it_would_fit(name)
    code, out, err = cli(["check", name], capsys)
    line = assert_one_line_error(code, err, EXPECTED[name]["message"])
    assert line.startswith(expected_line_start(name)), line
    assert out == ""
    with pytest.raises(InputError) as info:  # the exact field path, from the library
        scenario = load_scenario(name)
        check_fits(scenario, name)  # only the memory files get this far
    assert info.value.field == EXPECTED[name]["field"]
    tally.add(ROW, tried=1, clean_errors=1)


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_run_and_compare_give_the_same_error_and_write_nothing(
    name: str, in_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    skip_if_it_would_fit(name)
    _, _, checked = cli(["check", name], capsys)
    out = tmp_path / "out"
    code, _, err = cli(["run", name, "--out", str(out), "--quiet"], capsys)
    assert without_free_memory(assert_one_line_error(code, err)) == without_free_memory(checked.strip())
    code, _, err = cli(["compare", str(SCENARIOS / "baseline.yaml"), name, "--out", str(out), "--quiet"], capsys)
    if EXPECTED[name].get("memory"):  # compare runs the first scenario's 10 replications, not the file's
        assert_one_line_error(code, err, f"error: {name}: population.providers: needs about", "of memory")
    else:
        assert assert_one_line_error(code, err) == checked.strip()
    assert not out.exists(), "a refused input must not create the output folder"
    tally.add(ROW, runs_refused=1, compares_refused=1)


@pytest.mark.parametrize("name", EXPERIMENT_FILES)
def test_sweep_gives_the_expected_error(
    name: str, in_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    skip_if_it_would_fit(name)
    out = tmp_path / "sweeps"
    code, stdout, err = cli(["sweep", name, "--out", str(out), "--workers", "2", "--quiet"], capsys)
    line = assert_one_line_error(code, err, EXPECTED[name]["message"])
    assert line.startswith(expected_line_start(name)), line
    assert stdout == "" and not out.exists()
    if not EXPECTED[name].get("memory"):
        with pytest.raises(InputError) as info:
            load_experiment(name)
        assert info.value.field == EXPECTED[name]["field"]
    tally.add(ROW, tried=1, clean_errors=1)


def test_yaml_tags_never_run_code(in_corpus: Path, tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)  # os.system("touch PWNED_BY_YAML") would leave the file here
    for name in ("tag_python_object_apply.yaml", "exp_python_tag.yaml"):
        command = ["check"] if EXPECTED[name].get("command", "check") == "check" else ["sweep", "--out", "o"]
        code, _, err = cli([*command, str(CORPUS / name)], capsys)
        assert_one_line_error(code, err, "could not determine a constructor")
    assert not (tmp_path / "PWNED_BY_YAML").exists() and not (CORPUS / "PWNED_BY_YAML").exists()


def made_bad_inputs(folder: Path) -> dict[str, tuple[Path, str, str]]:
    """Bad inputs that cannot live in git: path, expected field and message fragment."""
    big = folder / "too_big.yaml"
    big.write_text("name: big\ndescription: '" + "x" * MAX_FILE_BYTES + "'\n", encoding="utf-8")
    device = folder / "device.yaml"
    device.symlink_to("/dev/zero")
    pipe = folder / "pipe.yaml"
    os.mkfifo(pipe)
    chain = [folder / f"chain{i:02d}.yaml" for i in range(MAX_EXTENDS_DEPTH + 2)]
    for i, path in enumerate(chain):
        parent = f"extends: {chain[i + 1].name}\n" if i + 1 < len(chain) else ""
        path.write_text(f"{parent}name: chain{i:02d}\n", encoding="utf-8")
    folder_as_file = folder / "a_folder.yaml"
    folder_as_file.mkdir()
    link_loop = folder / "link_loop.yaml"
    link_loop.symlink_to(link_loop)
    return {
        "a 2 MB file": (big, "", "file is too large for a scenario"),
        "a link to /dev/zero": (device, "", "is not a regular file"),
        "a named pipe": (pipe, "", "is not a regular file"),
        "an extends chain too deep": (chain[0], "extends", f"extends chain deeper than {MAX_EXTENDS_DEPTH} files"),
        "a folder": (folder_as_file, "", "is a folder, not a scenario file"),
        "a missing file": (folder / "missing.yaml", "", "no such file"),
        "a symbolic link to itself": (link_loop, "", "cannot read file"),
    }


@pytest.mark.parametrize(
    "what",
    [
        "a 2 MB file",
        "a link to /dev/zero",
        "a named pipe",
        "an extends chain too deep",
        "a folder",
        "a missing file",
        "a symbolic link to itself",
    ],
)
def test_inputs_that_cannot_be_committed(what: str, tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    path, field, message = made_bad_inputs(tmp_path)[what]
    code, _, err = cli(["check", str(path)], capsys)
    line = assert_one_line_error(code, err, message)
    assert f": {field}: " in line if field else True
    tally.add(
        "bad inputs made at test time (2 MB file, /dev/zero, pipe, deep extends, folder...)", tried=1, clean_errors=1
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("binary_garbage.yaml", "check"),
        ("alias_bomb.yaml", "check"),
        ("extends_cycle_a.yaml", "run"),
        ("tag_python_object_apply.yaml", "run"),
        ("exp_nan_range.yaml", "sweep"),
    ],
)
def test_real_processes_print_one_line_and_no_traceback(name: str, command: str, tmp_path: Path, tally) -> None:
    for file in CORPUS.iterdir():
        shutil.copy(file, tmp_path / file.name)  # relative bases and parents resolve as in the corpus
    extra = ["--out", "out"] if command != "check" else []
    done = run_process([command, name, *extra], cwd=tmp_path, timeout=120)
    assert_one_line_error(done.returncode, done.stderr, EXPECTED[name]["message"])
    assert not (tmp_path / "out").exists() and not (tmp_path / "PWNED_BY_YAML").exists()
    tally.add("real sasci-sim processes given malformed files", tried=1, clean_errors=1)
