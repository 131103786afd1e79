"""Issue 11, round two: what an outside tester broke, each as a class.

Valid input that was refused (YAML merge overrides, ``8e-4``, ``--set`` on default lists,
``joint_funding``), values that broke the one-line error (huge integers and deep nesting
through ``--set``), ``check`` of many files, a closed pipe, a tight ``ulimit -v``, damaged
sweep folders, huge designs, ``model:`` code, result folders of one kind replacing another,
a damaged table reused, ``validate`` refusing its output late, and ``extends`` echoing a file.
Malformed files that can be committed are in tests/bad_inputs/ (test_bad_inputs.py).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sasci_sim.config.loader import load_scenario
from tests.support.hardening import EXPERIMENTS, ROOT, SCENARIOS, assert_one_line_error, cli, process_env, snapshot

TINY_SET = ["--steps", "2", "--replications", "1", "--set", "population.providers=30", "--quiet"]
ROW_INPUTS = "round-two inputs (merge keys, 8e-4, --set on defaults, huge numbers, deep nesting...)"
ROW_FOLDERS = "result folders of another kind, or damaged, at the output path"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def tiny_scenario(folder: Path, name: str, **extra) -> Path:
    data = {
        "name": name,
        "extends": str(SCENARIOS / "baseline.yaml"),
        "simulation": {"steps": 2, "replications": 1},
        "population": {"providers": 30, "local_authorities": 2},
        **extra,
    }
    return write(folder, f"{name}.yaml", yaml.safe_dump(data))


# -- valid input that was refused -----------------------------------------------------------------
def test_a_merge_key_may_override_a_field_but_two_written_keys_may_not(
    tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    text = (
        f"extends: {SCENARIOS / 'baseline.yaml'}\nname: merged\ninnovations:\n"
        "  - &first {name: a, kind: social, benefit: 0.3}\n  - {<<: *first, name: b}\n"
    )
    s = load_scenario(write(tmp_path, "merged.yaml", text))
    assert [i.name for i in s.innovations] == ["a", "b"] and s.innovations[1].benefit == 0.3
    twice = write(tmp_path, "twice.yaml", text.replace("{<<: *first, name: b}", "{<<: *first, name: b, name: c}"))
    code, _, err = cli(["check", str(twice)], capsys)
    assert_one_line_error(code, err, "duplicate key 'name'")
    tally.add(ROW_INPUTS, tried=2, valid_accepted=1, clean_errors=1)


@pytest.mark.parametrize("text", ["8e-4", "1e-1", "1E-2", "2.5e-1", "+5e-1"])
def test_numbers_with_an_exponent_are_numbers(text: str, tmp_path: Path, tally) -> None:
    path = write(tmp_path, "exp.yaml", f"name: e\nregulation: {{flexibility: {text}}}\n")
    assert load_scenario(path).regulation.flexibility == pytest.approx(float(text))
    assert load_scenario(None, [f"regulation.flexibility={text}"]).regulation.flexibility == pytest.approx(float(text))
    tally.add(ROW_INPUTS, tried=2, valid_accepted=2)


def test_text_that_looks_like_an_exponent_stays_text_where_text_is_wanted(tmp_path: Path, tally) -> None:
    text = "name: 1e9\ndescription: 2e5\nregulation: {flexibility: 8e-4}\ninnovations:\n  - {name: 3e4, kind: social}\n"
    s = load_scenario(write(tmp_path, "texts.yaml", text), ["description=5e5"])
    assert (s.name, s.description, s.innovations[0].name) == ("1e9", "5e5", "3e4")  # as YAML 1.1 read them
    assert s.regulation.flexibility == 8e-4  # and a number where a number is wanted
    tally.add(ROW_INPUTS, tried=1, valid_accepted=1)


def test_set_reaches_into_lists_a_scenario_leaves_to_their_defaults(tmp_path: Path, tally) -> None:
    bare = write(tmp_path, "bare.yaml", "name: bare\n")  # default innovations and funders
    s = load_scenario(bare, ["innovations.0.benefit=0.9", "funding.funders.0.grant_duration_months=36"])
    assert s.innovations[0].benefit == 0.9 and s.funding.funders[0].grant_duration_months == 36
    assert len(s.innovations) == len(load_scenario(bare).innovations)  # filled in, not replaced
    joint = load_scenario(bare, ["joint_funding=true"])
    grants = load_scenario(bare).funding
    assert joint.funding.budget_per_call_k == 0 and joint.nhs.pooled_council_share == 1.0
    assert joint.nhs.joint_fund_k_per_year == grants.budget_per_call_k * 12 / grants.call_interval_months
    assert load_scenario(bare, ["joint_funding=false"]).funding == load_scenario(bare).funding
    tally.add(ROW_INPUTS, tried=4, valid_accepted=4)


@pytest.mark.parametrize(
    ("setting", "fragment"),
    [
        ("joint_funding=maybe", "error: --set: joint_funding: must be true or false (got 'maybe')"),
        ("innovations.99.benefit=0.5", "error: --set: innovations.99.benefit: list index must be 0 to"),
        ("population.providers=0x" + "f" * 4000, "(got a whole number of about 4,817 digits)"),
        ("population.providers=" + ":".join(["59"] * 3000), "(got a whole number of about 5,335 digits)"),
        ("name=0b" + "1" * 20000, "error: --set: name: input should be a valid string (got a whole number"),
        ("description=" + "[" * 3000 + "]" * 3000, "error: --set: description: the value is nested too deeply"),
        (
            "description=" + "{a: " * 3000 + "1" + "}" * 3000,
            "error: --set: description: the value is nested too deeply",
        ),
    ],
)
def test_set_values_that_broke_the_one_line_error(
    setting: str, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    out = tmp_path / "out"
    code, _, err = cli(
        ["run", str(SCENARIOS / "baseline.yaml"), "--set", setting, "--out", str(out), "--quiet"], capsys
    )
    assert_one_line_error(code, err, fragment)
    assert not out.exists()
    tally.add(ROW_INPUTS, tried=1, clean_errors=1)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--seed", "9" * 5000],
        ["run", "--replications", "0x" + "f" * 5000],
        ["dashboard", "--port", "9" * 5000],
        ["sweep", "x.yaml", "--samples", "1" * 5000],
    ],
)
def test_huge_numbers_on_the_command_line(argv: list[str], capsys: pytest.CaptureFixture, tally) -> None:
    code, _, err = cli(argv, capsys)
    line = assert_one_line_error(code, err, "error: command line: argument")
    assert len(line) < 200, line
    tally.add(ROW_INPUTS, tried=1, clean_errors=1)


def test_a_huge_experiment_value_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    out = tmp_path / "sweeps"
    args = ["sweep", str(EXPERIMENTS / "funding_vs_regulation_grid.yaml"), "--out", str(out), "--quiet"]
    code, _, err = cli([*args, "--set", "population.providers=1" + "0" * 400], capsys)
    assert_one_line_error(code, err, "population.providers", "a whole number of about 401 digits")
    assert not out.exists()
    tally.add(ROW_INPUTS, tried=1, clean_errors=1)


# -- check, pipes and memory ------------------------------------------------------------------------
def test_check_checks_every_file_and_reports_each(capsys: pytest.CaptureFixture, tally) -> None:
    bad = [ROOT / "tests" / "bad_inputs" / n for n in ("empty.yaml", "nul_bytes.yaml", "huge_int_hex.yaml")]
    good = [SCENARIOS / "baseline.yaml", SCENARIOS / "england.yaml"]
    code, out, err = cli(["check", str(good[0]), str(bad[0]), str(bad[1]), str(good[1]), str(bad[2])], capsys)
    assert code == 2
    assert [line.split(":")[0] for line in out.splitlines()] == ["ok", "ok"]
    lines = err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith(f"error: {p}: ") for line, p in zip(lines, bad, strict=True))
    tally.add(ROW_INPUTS, tried=5, clean_errors=3, valid_accepted=2)


def test_a_closed_pipe_ends_check_quietly(tmp_path: Path, tally) -> None:
    files = [str(SCENARIOS / "baseline.yaml")] * 200
    proc = subprocess.Popen(
        [sys.executable, "-m", "sasci_sim.ui.cli", "check", *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=process_env(),
        cwd=tmp_path,
    )
    first = proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    proc.wait(timeout=120)
    assert first.startswith(b"ok: ")
    assert proc.returncode == 141 and "Traceback" not in err and err == "", (proc.returncode, err)
    tally.add(ROW_INPUTS, tried=1, clean_errors=1)


def limited(megabytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes * 1024**2, megabytes * 1024**2))

    return apply


@pytest.mark.slow
@pytest.mark.parametrize("megabytes", [150, 300, 450, 600])
def test_a_tight_address_space_limit_gives_one_line(megabytes: int, tmp_path: Path, tally) -> None:
    env = process_env()
    del env["OPENBLAS_NUM_THREADS"], env["OMP_NUM_THREADS"]  # as a user's shell would have it
    base = [sys.executable, "-m", "sasci_sim.ui.cli"]
    check = subprocess.run(
        [*base, "check", str(SCENARIOS / "england.yaml")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        preexec_fn=limited(megabytes),
    )
    assert check.returncode == 0 and check.stdout.startswith("ok: "), check.stderr  # check loads no numpy
    run = subprocess.run(
        [*base, "run", str(SCENARIOS / "baseline.yaml"), "--out", "out", *TINY_SET],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        preexec_fn=limited(megabytes),
    )
    if run.returncode != 0:
        assert_one_line_error(run.returncode, run.stderr, "memory")
        assert not (tmp_path / "out").exists()
    else:
        assert (tmp_path / "out" / "baseline" / "spread.csv").is_file()
    tally.add(
        "tight address-space limits (ulimit -v 150 to 600 MB): check, then run",
        tried=2,
        check_ok=1,
        one_line_refusals=int(run.returncode != 0),
        runs_completed=int(run.returncode == 0),
    )


# -- sweeps ----------------------------------------------------------------------------------------
def small_sweep(folder: Path) -> Path:
    spec = {
        "name": "small",
        "model": "sasci_sim.experiments.sweep.testfunctions:ishigami",
        "design": "grid",
        "parameters": {"x1": {"values": [0.0, 1.0, 2.0]}, "x2": {"values": [0.5]}, "x3": {"values": [1.0]}},
        "outcomes": ["y"],
    }
    return write(folder, "small.yaml", yaml.safe_dump(spec))


def damage_empty_meta(root: Path) -> None:
    (root / "sweep.json").write_text("")


def damage_list_meta(root: Path) -> None:
    (root / "sweep.json").write_text("[]")


def damage_meta_keys(root: Path) -> None:
    (root / "sweep.json").write_text("{}")


def damage_design(root: Path) -> None:
    (root / "design.parquet").unlink()


def damage_part(root: Path) -> None:
    part = sorted((root / "runs").glob("part-*.parquet"))[0]
    part.write_bytes(b"")  # a power cut after an unsynced rename


def damage_half_part(root: Path) -> None:
    part = sorted((root / "runs").glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:40])


DAMAGE = {
    "an empty sweep.json": (damage_empty_meta, "is damaged (empty, or not JSON)"),
    "a sweep.json holding []": (damage_list_meta, "is damaged (a list, not a mapping)"),
    "a sweep.json without its keys": (damage_meta_keys, "is damaged (no experiment"),
    "a missing design.parquet": (damage_design, None),
    "an empty part": (damage_part, None),
    "a part cut short": (damage_half_part, None),
}


@pytest.mark.parametrize("what", list(DAMAGE))
def test_a_damaged_sweep_folder_is_one_line_or_mended(
    what: str, tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    damage, message = DAMAGE[what]
    path = small_sweep(tmp_path)
    out = tmp_path / "sweeps"
    assert cli(["sweep", str(path), "--out", str(out), "--quiet"], capsys)[0] == 0
    root = out / "small"
    damage(root)
    analysed = cli(["analyse", str(root)], capsys)
    resumed = cli(["sweep", str(path), "--out", str(out), "--quiet"], capsys)
    if message is not None:  # nothing to resume from: one line, and --restart starts again
        assert_one_line_error(analysed[0], analysed[2], message)
        assert_one_line_error(resumed[0], resumed[2], message, "--restart")
        assert cli(["sweep", str(path), "--out", str(out), "--quiet", "--restart"], capsys)[0] == 0
    else:
        if what == "a missing design.parquet":
            assert_one_line_error(analysed[0], analysed[2], "design.parquet: is missing; rerun the same sweep")
        else:
            assert analysed[0] == 0 and "cannot be read (cut short?)" in analysed[1]
        assert resumed[0] == 0, resumed[2]
        assert "3 runs in" in resumed[1] and "0 failed" in resumed[1]
        assert (root / "design.parquet").is_file()
    again = cli(["analyse", str(root)], capsys)
    assert again[0] == 0 and "3 of 3 runs finished" in again[1]
    tally.add("damaged sweep folders (empty sweep.json, no design, empty part...)", tried=1, mended_or_one_line=1)


def test_analyse_reports_every_sweep_folder_even_after_a_damaged_one(
    tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    out = tmp_path / "sweeps"
    first = small_sweep(tmp_path)
    second = write(tmp_path, "second.yaml", first.read_text().replace("name: small", "name: second"))
    for path in (first, second):
        assert cli(["sweep", str(path), "--out", str(out), "--quiet"], capsys)[0] == 0
    damage_list_meta(out / "second")
    (out / "small" / "analysis").rename(out / "small" / "old-analysis")
    code, printed, err = cli(["analyse", str(out)], capsys)
    assert code == 2 and f"analysis: {out / 'small' / 'analysis'}" in printed
    assert_one_line_error(code, err, f"error: {out / 'second' / 'sweep.json'}: is damaged")
    tally.add("damaged sweep folders (empty sweep.json, no design, empty part...)", tried=1, mended_or_one_line=1)


def test_a_design_too_big_for_memory_is_refused_before_it_is_built(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tally
) -> None:
    import sasci_sim.config.limits as limits

    monkeypatch.setattr(limits, "available_bytes", lambda: 2 * 1024**3)  # a 2 GB machine
    out = tmp_path / "sweeps"
    for name, samples in (("morris_screening.yaml", "1000000"), ("sobol_levers.yaml", "524288")):
        args = ["sweep", str(EXPERIMENTS / name), "--samples", samples, "--out", str(out), "--quiet"]
        code, _, err = cli(args, capsys)
        assert_one_line_error(code, err, f"error: {EXPERIMENTS / name}: samples: the design has", "of memory")
        assert not out.exists()
        tally.add("sizes beyond memory (estimate above the memory available)", tried=1, refused_up_front=1)


def test_model_code_is_never_imported_unless_trusted_and_marked(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tally
) -> None:
    monkeypatch.chdir(tmp_path)
    victim = write(tmp_path, "victim.txt", "keep me\n")
    for reference in ("this:s", "logging:basicConfig"):
        spec = {
            "name": "code",
            "model": reference,
            "design": "grid",
            "parameters": {"filename": {"values": [str(victim)]}, "filemode": {"values": ["w"]}},
            "outcomes": ["y"],
        }
        path = write(tmp_path, "code.yaml", yaml.safe_dump(spec))
        before = set(sys.modules)
        code, out, err = cli(["sweep", str(path), "--out", "sweeps", "--quiet"], capsys)
        assert_one_line_error(code, err, "names code outside sasci-sim", "--allow-code")
        assert out == "" and victim.read_text() == "keep me\n"
        assert reference.split(":")[0] not in set(sys.modules) - before
        tally.add(ROW_INPUTS, tried=1, clean_errors=1)
    unmarked = {
        "name": "unmarked",
        "model": "sasci_sim.config.loader:load_scenario",
        "design": "grid",
        "parameters": {"path": {"values": ["x"]}},
        "outcomes": ["y"],
    }
    path = write(tmp_path, "unmarked.yaml", yaml.safe_dump(unmarked))
    code, _, err = cli(["sweep", str(path), "--out", "sweeps", "--quiet"], capsys)
    assert_one_line_error(code, err, "is not marked as a sweep model (@sweep_model)")
    assert not (tmp_path / "sweeps").exists()
    tally.add(ROW_INPUTS, tried=1, clean_errors=1)


# -- result folders ----------------------------------------------------------------------------------
def test_each_kind_of_result_is_never_replaced_by_another(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tally
) -> None:
    monkeypatch.chdir(tmp_path)
    a, b = tiny_scenario(tmp_path, "a"), tiny_scenario(tmp_path, "b")
    out = tmp_path / "results"
    assert cli(["compare", str(a), str(b), "--out", str(out), "--quiet"], capsys)[0] == 0
    comparison = out / "compare-a-vs-b"
    impostor = tiny_scenario(tmp_path, "compare-a-vs-b")
    kept = snapshot(comparison)
    code, _, err = cli(["run", str(impostor), "--out", str(out), "--quiet"], capsys)
    assert_one_line_error(code, err, "holds a comparison, and a run's results never replaces it")
    assert snapshot(comparison) == kept

    other = tmp_path / "other"
    assert cli(["run", str(impostor), "--out", str(other), "--quiet"], capsys)[0] == 0
    kept = snapshot(other / "compare-a-vs-b")
    code, _, err = cli(["compare", str(a), str(b), "--out", str(other), "--quiet"], capsys)
    assert_one_line_error(code, err, "holds a run's results, and a comparison never replaces it")
    assert snapshot(other / "compare-a-vs-b") == kept

    figures = out / "validation"
    figures.mkdir()
    (figures / "manifest.json").write_text(json.dumps({"kind": "validation", "command": "validate"}))
    (figures / "bass_limit.png").write_bytes(b"figure")
    kept = snapshot(figures)
    code, _, err = cli(["run", str(tiny_scenario(tmp_path, "validation")), "--out", str(out), "--quiet"], capsys)
    assert_one_line_error(code, err, "holds validate's figures, and a run's results never replaces it")
    assert snapshot(figures) == kept

    assert cli(["sweep", str(small_sweep(tmp_path)), "--out", str(out), "--quiet"], capsys)[0] == 0
    kept = snapshot(out / "small")
    code, _, err = cli(["run", str(tiny_scenario(tmp_path, "small")), "--out", str(out), "--quiet"], capsys)
    assert_one_line_error(code, err, "holds a sweep's results, and a run's results never replaces it")
    assert snapshot(out / "small") == kept

    assert cli(["run", str(tiny_scenario(tmp_path, "small2")), "--out", str(other), "--quiet"], capsys)[0] == 0
    kept = snapshot(other / "small2")
    small2 = yaml.safe_load(small_sweep(tmp_path).read_text()) | {"name": "small2"}
    code, _, err = cli(["sweep", str(write(tmp_path, "s2.yaml", yaml.safe_dump(small2))), "--out", str(other)], capsys)
    assert_one_line_error(code, err, "holds a run's results, and a sweep's results never replaces it")
    assert snapshot(other / "small2") == kept
    tally.add(ROW_FOLDERS, tried=5, refused_untouched=5)


def test_a_damaged_run_table_is_never_reused(tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    a, b = tiny_scenario(tmp_path, "a"), tiny_scenario(tmp_path, "b")
    out = tmp_path / "results"
    assert cli(["run", str(a), "--out", str(out), "--quiet"], capsys)[0] == 0
    manifest = json.loads((out / "a" / "manifest.json").read_text())
    assert manifest["kind"] == "run" and set(manifest["files"]) >= {"spread.csv", "money.csv", "runs.csv"}
    code, printed, _ = cli(["compare", str(a), str(b), "--out", str(out), "--quiet"], capsys)
    assert code == 0 and "reused: a from" in printed  # intact: reused
    spread = out / "a" / "spread.csv"
    lines = spread.read_text().splitlines(keepends=True)
    spread.write_text("".join(lines[:7]))  # cut to 6 rows, as the tester did
    code, printed, _ = cli(["compare", str(a), str(b), "--out", str(out), "--quiet"], capsys)
    assert code == 0 and f"reused: a from {out / 'a'}\n" not in printed  # the comparison's own copy is whole
    copy = out / "compare-a-vs-b" / "runs" / "a" / "spread.csv"
    copy.write_text("".join(lines[:7]))
    code, printed, _ = cli(["compare", str(a), str(b), "--out", str(out), "--quiet"], capsys)
    assert code == 0 and "reused: a" not in printed  # neither copy is whole: a runs again
    assert len(copy.read_text().splitlines()) == len(lines)
    tally.add(ROW_FOLDERS, tried=1, refused_untouched=1)


def test_validate_refuses_its_output_before_any_run(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tally
) -> None:
    import sasci_sim.experiments.validation.checks as checks

    def never(*_args, **_kwargs):
        raise AssertionError("validate ran before checking --out")

    monkeypatch.setattr(checks, "run_variants", never)
    a_file = write(tmp_path, "a_file", "not a folder\n")
    code, _, err = cli(["validate", "--out", str(a_file), "--quiet"], capsys)
    assert_one_line_error(code, err, "cannot make an output folder here")
    run_folder = tmp_path / "r"
    assert cli(["run", str(tiny_scenario(tmp_path, "validation")), "--out", str(run_folder), "--quiet"], capsys)[0] == 0
    code, _, err = cli(["validate", "--out", str(run_folder), "--quiet"], capsys)
    assert_one_line_error(code, err, "holds a run's results, and validate's figures never replaces it")
    tally.add(ROW_FOLDERS, tried=2, refused_untouched=2)


# -- reading files ------------------------------------------------------------------------------------
def test_extends_never_echoes_another_file(tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    secrets = {
        "secret_text.yaml": "TOPSECRET-4f9a\n",
        "secret_tag.yaml": "password: !!int TOPSECRET-4f9a\n",
        "secret_list.yaml": "- TOPSECRET-4f9a\n",
        "credentials": "aws_secret_access_key = TOPSECRET-4f9a\n",
    }
    for name, text in secrets.items():
        write(tmp_path, name, text)
        child = write(tmp_path, "child.yaml", f"extends: {name}\nname: child\n")
        code, out, err = cli(["check", str(child)], capsys)
        assert_one_line_error(code, err)
        assert "TOPSECRET" not in err + out, err
        tally.add(ROW_INPUTS, tried=1, clean_errors=1)
