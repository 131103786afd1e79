"""Safety: input files are data, names cannot write outside the output folder, folders sasci-sim did
not make are never deleted, and the teaching page listens on this machine only unless told otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.experiment import ExperimentSpec
from sasci_sim.output.compare_folder import folder_name
from sasci_sim.output.folders import safe_child
from sasci_sim.ui.cli import build_parser
from sasci_sim.ui.commands.dashboard import is_loopback
from tests.support.hardening import ROOT, assert_one_line_error, cli, snapshot

NAME_PATTERN = Scenario.model_fields["name"].metadata
SCENARIO_NAMES = st.from_regex(r"\A[A-Za-z0-9_\-]{1,80}\Z")
TINY = ["--steps", "2", "--replications", "1", "--set", "population.providers=30", "--quiet"]


def test_yaml_is_only_ever_read_with_the_safe_loader() -> None:
    """No module of the package reads YAML any other way than through sasci_sim.config.loader's SafeLoader."""
    unsafe = re.compile(r"yaml\.(load|unsafe_load|full_load|load_all)\(|Loader=yaml\.(Loader|FullLoader|UnsafeLoader)")
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "sasci_sim").rglob("*.py") if unsafe.search(p.read_text("utf-8"))
    ]
    assert offenders == []
    loader = (ROOT / "sasci_sim" / "config" / "loader.py").read_text(encoding="utf-8")
    assert "class _StrictLoader(yaml.SafeLoader)" in loader


@settings(max_examples=300, deadline=None, derandomize=True)
@given(name=st.text(max_size=40))
def test_safe_child_never_leaves_its_root(name: str) -> None:
    root = Path("/srv/results")
    try:
        child = safe_child(root, name)
    except InputError:
        return
    assert child.parent == root and child.name == name and name not in {"", ".", ".."}
    assert not name.startswith(".") and "/" not in name and "\\" not in name


@settings(max_examples=200, deadline=None, derandomize=True)
@given(names=st.lists(SCENARIO_NAMES, min_size=2, max_size=30, unique=True))
def test_comparison_folder_names_are_plain_and_short(names: list[str]) -> None:
    name = folder_name(names)
    root = Path("/srv/results")
    assert safe_child(root, name).parent == root
    assert len(f".{name}.tmp-4194304-abcdefgh".encode()) < 255  # the longest temporary beside it fits


@pytest.mark.parametrize("bad", ["../../etc", "..", ".", "/etc", "a/b", "a\\b", ".hidden", "", "x" * 81, "sp ace"])
def test_scenario_and_experiment_names_that_would_escape_are_refused(bad: str) -> None:
    with pytest.raises(Exception, match="name"):
        Scenario.model_validate({"name": bad})
    with pytest.raises(Exception, match="name"):
        ExperimentSpec.model_validate({"name": bad, "design": "grid", "parameters": {"a": {}}, "outcomes": ["x"]})


def test_a_scenario_named_to_escape_writes_nothing_anywhere(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    scenario = tmp_path / "escape.yaml"
    scenario.write_text("name: ../../escaped\n", encoding="utf-8")
    out = tmp_path / "deep" / "out"
    code, _, err = cli(["run", str(scenario), "--out", str(out), *TINY], capsys)
    assert_one_line_error(code, err, "name: string should match pattern")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["escape.yaml"]


def test_the_longest_names_run(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    names = ["a" * 80, "b" * 80, "c" * 80]
    files = []
    for name in names:
        path = tmp_path / f"{name[0]}.yaml"
        path.write_text(yaml.safe_dump({"name": name, "simulation": {"replications": 2}}), encoding="utf-8")
        files.append(str(path))
    out = tmp_path / "out"
    code, _, err = cli(["run", files[0], "--out", str(out), *TINY], capsys)
    assert code == 0, err
    code, _, err = cli(["compare", *files, "--out", str(out), "--steps", "2", "--quiet"], capsys)
    assert code == 0, err
    assert {p.name for p in out.iterdir()} == {names[0], folder_name(names)}


# -- never delete what sasci-sim did not make -------------------------------------------------


def not_ours(target: Path, kind: str) -> None:
    """Something at ``target`` that sasci-sim did not make."""
    if kind == "folder of the user's files":
        target.mkdir(parents=True)
        (target / "thesis.docx").write_bytes(b"years of work")
        (target / "data").mkdir()
        (target / "data" / "survey.csv").write_text("id,answer\n1,yes\n")
    elif kind == "a file":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("not a folder")
    elif kind == "manifest.json that is a folder":
        (target / "manifest.json").mkdir(parents=True)
        (target / "manifest.json" / "keep.txt").write_text("keep")
    elif kind == "link to the user's folder":
        mine = target.parent.parent / f"mine-{target.name}"
        mine.mkdir(parents=True)
        (mine / "notes.txt").write_text("keep me")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(mine, target_is_directory=True)


KINDS = ["folder of the user's files", "a file", "manifest.json that is a folder", "link to the user's folder"]


@pytest.mark.parametrize("kind", KINDS)
def test_run_and_compare_never_replace_what_they_did_not_make(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    scenario = tmp_path / "mine.yaml"
    scenario.write_text("name: mine\n", encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text("name: other\n", encoding="utf-8")
    out = tmp_path / "out"
    for target, argv in (
        (out / "mine", ["run", str(scenario), "--out", str(out), *TINY]),
        (out / "compare-mine-vs-other", ["compare", str(scenario), str(other), "--out", str(out), "--steps", "2"]),
    ):
        not_ours(target, kind)
        before = snapshot(tmp_path)
        code, _, err = cli(argv, capsys)
        assert_one_line_error(code, err, str(target), "was not made by sasci-sim")
        assert snapshot(tmp_path) == before
        assert target.is_symlink() or target.exists()
        tally.add("folders sasci-sim did not make, at the output path", tried=1, refused_untouched=1)


def test_sweep_never_replaces_a_folder_it_did_not_make(tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    experiment = tmp_path / "mine.yaml"
    experiment.write_text(
        yaml.safe_dump(
            {
                "name": "mine",
                "design": "grid",
                "set": {"simulation.steps": 2, "population.providers": 30},
                "parameters": {"regulation.flexibility": {"values": [0.1, 0.9]}},
                "outcomes": ["final_sustained_share"],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    not_ours(out / "mine", "folder of the user's files")
    before = snapshot(tmp_path)
    for extra in ([], ["--restart"]):
        code, _, err = cli(["sweep", str(experiment), "--out", str(out), "--workers", "1", *extra], capsys)
        assert code == 2 and "Traceback" not in err
        assert err.strip().splitlines()[-1].startswith(f"error: {out / 'mine'}: exists and was not made by sasci-sim")
        assert snapshot(tmp_path) == before
    tally.add("folders sasci-sim did not make, at the output path", tried=2, refused_untouched=2)


def test_a_linked_result_folder_is_replaced_without_touching_what_the_link_points_to(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A link at OUT/<name> to an earlier run folder elsewhere: the new run replaces the link, the linked
    folder is left as it was, and nothing is left beside the new folder."""
    scenario = tmp_path / "mine.yaml"
    scenario.write_text("name: mine\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    assert cli(["run", str(scenario), "--out", str(elsewhere), *TINY], capsys)[0] == 0
    kept = snapshot(elsewhere)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine").symlink_to(elsewhere / "mine", target_is_directory=True)
    code, _, err = cli(["run", str(scenario), "--out", str(out), "--seed", "4", *TINY], capsys)
    assert code == 0, err
    assert not (out / "mine").is_symlink() and (out / "mine" / "manifest.json").is_file()
    assert snapshot(elsewhere) == kept
    assert sorted(p.name for p in out.iterdir()) == ["mine"]


# -- the teaching page -------------------------------------------------------------------------


def test_the_dashboard_listens_on_loopback_by_default() -> None:
    parser, _ = build_parser()
    args = parser.parse_args(["dashboard"])
    assert args.host == "127.0.0.1" and is_loopback(args.host)
    assert parser.parse_args(["dashboard", "--host", "0.0.0.0"]).host == "0.0.0.0"  # only when told
    assert not is_loopback("0.0.0.0")
