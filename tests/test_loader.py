"""Reading scenarios: extends, overrides, and errors that name file, field and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sasci_sim.config.loader import apply_override, baseline_path, load_scenario, parse_override, validate
from sasci_sim.errors import InputError


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path | None, overrides: tuple[str, ...] = ()) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenario(path, overrides)
    return info.value


def test_no_path_loads_the_built_in_baseline() -> None:
    assert load_scenario(None) == load_scenario(baseline_path())
    assert load_scenario(None).name == "baseline"


def test_extends_merges_parent_first_and_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", "name: parent\nregulation: {flexibility: 0.2, max_delay_months: 6}\n")
    (tmp_path / "sub").mkdir()
    child = write(tmp_path / "sub", "child.yaml", "extends: ../parent.yaml\nregulation: {flexibility: 0.9}\n")
    s = load_scenario(child)
    assert s.regulation.flexibility == 0.9  # the child overrides
    assert s.regulation.max_delay_months == 6  # the parent's other keys survive
    assert s.name == "parent"  # inherited name wins over the stem
    bare = write(tmp_path, "bare.yaml", "regulation: {flexibility: 0.5}\n")
    assert load_scenario(bare).name == "bare"


def test_overrides_take_dotted_keys_lever_names_and_list_indices(tmp_path: Path) -> None:
    s = load_scenario(
        None,
        [
            "regulation.flexibility=0.75",
            "grant_duration_months=60",
            "innovations.1.benefit=0.05",
            "abandonment.readoption=true",
        ],
    )
    assert s.regulation.flexibility == 0.75
    assert s.funding.grant_duration_months == 60
    assert s.innovations[1].benefit == 0.05
    assert s.abandonment.readoption is True
    assert load_scenario(None).regulation.flexibility == 0.3  # nothing leaks into later loads


def test_parse_override_reads_values_as_yaml() -> None:
    assert parse_override("a.b=3") == ("a.b", 3)
    assert parse_override("a=[1, 2]") == ("a", [1, 2])
    assert parse_override("a = x=y") == ("a", "x=y")
    with pytest.raises(InputError) as info:
        parse_override("novalue")
    assert info.value.source == "--set" and info.value.got == "novalue"


def test_apply_override_does_not_mutate_its_input() -> None:
    data = {"regulation": {"flexibility": 0.1}}
    out = apply_override(data, "regulation.flexibility", 0.9)
    assert data == {"regulation": {"flexibility": 0.1}}
    assert out == {"regulation": {"flexibility": 0.9}}
    with pytest.raises(InputError) as info:
        apply_override({"innovations": [{}]}, "innovations.3.benefit", 1)
    assert "list index must be 0 to 0" in info.value.problem


def test_complexity_accepts_nasss_words() -> None:
    s = validate({"innovations": [{"name": "x", "kind": "social", "complexity": "complicated"}]}, "t")
    assert s.innovations[0].complexity == 0.5


@pytest.mark.parametrize(
    ("text", "field", "problem", "got"),
    [
        ("regulation: {flexibility: 1.5}\n", "regulation.flexibility", "must be a number from 0 to 1", 1.5),
        ("regulation: {flexibility: high}\n", "regulation.flexibility", "must be a number from 0 to 1", "high"),
        ("simulation: {steps: 2.5}\n", "simulation.steps", "must be a whole number from 1 to 1200", 2.5),
        ("fundng: {}\n", "fundng", "did you mean 'funding'?", ...),
        ("regulation: {flexibilty: 0.5}\n", "regulation.flexibilty", "did you mean 'flexibility'?", ...),
        (
            "innovations: [{name: a, kind: magic}]\n",
            "innovations[0].kind",
            "must be one of business_model, systems, social",
            "magic",
        ),
        ("regulation: {flexibility: .nan}\n", "regulation.flexibility", "must be a finite number", float("nan")),
        (
            "population: {provider_mix: {residential: 0.5, domiciliary: 0.4, community: 0.5}}\n",
            "population.provider_mix",
            "must add up to 1",
            ...,
        ),
    ],
)
def test_schema_errors_name_the_field_and_what_is_allowed(
    tmp_path: Path, text: str, field: str, problem: str, got: object
) -> None:
    path = write(tmp_path, "s.yaml", "name: s\n" + text)
    err = error_of(path)
    assert err.source == str(path)
    assert err.field == field
    assert problem in err.problem
    if isinstance(got, float) and got != got:  # NaN
        assert err.got != err.got
    elif got is not ...:
        assert err.got == got


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty"),
        ("# only a comment\n", "is empty"),
        ("name: [unclosed\n", "invalid YAML: line"),
        ("name: a\nname: b\n", "duplicate key 'name'"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("a: &x [*x, *x]\n", "nested too deeply"),  # a recursive alias
    ],
)
def test_unreadable_files_are_one_error_naming_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, "s.yaml", text)
    err = error_of(path)
    assert err.source == str(path) and problem in err.problem
    assert "\n" not in err.message


def test_repeated_innovation_names_are_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.yaml",
        "innovations: [{name: a, kind: social}, {name: b, kind: social}, {name: a, kind: systems}]\n",
    )
    assert "innovation names must be unique (a repeated)" in error_of(path).problem


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    err = error_of(write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n"))
    assert "alias" in err.problem


def test_missing_folder_and_binary_files(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.yaml").problem == "no such file"
    assert "is a folder" in error_of(tmp_path).problem
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00name")
    assert "not UTF-8" in error_of(binary).problem


def test_extends_errors_missing_circular_and_not_a_path(tmp_path: Path) -> None:
    missing = write(tmp_path, "m.yaml", "extends: gone.yaml\n")
    err = error_of(missing)
    assert (err.source, err.field, err.got) == (str(missing), "extends", "gone.yaml")
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    b = write(tmp_path, "b.yaml", "extends: a.yaml\n")
    err = error_of(b)
    assert err.field == "extends" and "circular extends (b.yaml -> a.yaml -> b.yaml)" in err.problem
    selfish = write(tmp_path, "self.yaml", "extends: self.yaml\n")
    assert "circular" in error_of(selfish).problem
    bad = write(tmp_path, "bad.yaml", "extends: 3\n")
    assert error_of(bad).got == 3


def test_errors_from_overrides_are_blamed_on_set(tmp_path: Path) -> None:
    err = error_of(None, ("regulation.flexibility=2",))
    assert (err.source, err.field, err.got) == ("--set", "regulation.flexibility", 2)
    err = error_of(None, ("regulation.flexibilty=0.5",))
    assert err.source == "--set" and "did you mean 'flexibility'" in err.problem
    # a bad value in the file itself is still blamed on the file
    path = write(tmp_path, "s.yaml", "regulation: {flexibility: 7}\n")
    err = error_of(path, ("funding.grant_duration_months=12",))
    assert err.source == str(path)
