"""docs/ODD.md against the code: the model description covers every rule and names only what exists.

The ODD writes a function as ``module.function()`` (relative to the package) and a
scenario parameter as its dotted key, both in backticks; these tests read those
references back and check them against the package and the scenario schema.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

import sasci_sim
import sasci_sim.model.rules
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.validation.checks import BASS_PAIRS
from sasci_sim.experiments.validation.facts import FACTS
from sasci_sim.model.ensemble import run_month
from tests.support.code_map import package_entries, tree_entries

ODD_PATH = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
ODD = ODD_PATH.read_text(encoding="utf-8")

FUNCTION_REF = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\(\)`")
KEY_REF = re.compile(r"`([a-z_]+(?:\[\])?(?:\.[a-z_]+(?:\[\])?)+)`")
SUBMODEL_REF = re.compile(r"ODD: Submodel '([^']+)'")


def section(start: str, end: str) -> str:
    """The text between two headings of the ODD (each must occur once)."""
    assert ODD.count(start) == 1, f"heading {start!r} must occur exactly once in docs/ODD.md"
    assert ODD.count(end) == 1, f"heading {end!r} must occur exactly once in docs/ODD.md"
    return ODD[ODD.index(start) : ODD.index(end)]


CODE_MAP = section("\n## Code map\n", "\n## References\n")
SUBMODELS = section("\n## 7 Submodels\n", "\n## Code map\n")
SCHEDULE = section("\n## 3 Process overview and scheduling\n", "\n## 4 Design concepts\n")


def rule_modules() -> list[ModuleType]:
    names = [m.name for m in pkgutil.iter_modules(sasci_sim.model.rules.__path__)]
    return [importlib.import_module(f"sasci_sim.model.rules.{name}") for name in sorted(names)]


def public_rule_functions() -> list[str]:
    """``rules.<module>.<function>`` for every public function defined in sasci_sim/model/rules/*.py."""
    out = []
    for module in rule_modules():
        short = module.__name__.removeprefix("sasci_sim.")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                out.append(f"{short}.{name}")
    return out


def resolve(dotted: str) -> Any:
    """The object ``sasci_sim.<dotted>`` names: the longest importable module prefix, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module("sasci_sim." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(f"no module of sasci_sim starts {dotted!r}")


def test_the_rules_package_has_rules_to_check() -> None:
    # guards the coverage test below against finding nothing to check
    assert len(public_rule_functions()) >= 30


@pytest.mark.parametrize("ref", public_rule_functions())
def test_every_public_rule_function_is_in_the_submodels_and_the_code_map(ref: str) -> None:
    assert f"`{ref}()`" in SUBMODELS, f"{ref} is not described in section 7 (Submodels) of docs/ODD.md"
    assert f"`{ref}()`" in CODE_MAP, f"{ref} is missing from the Code map of docs/ODD.md"


def test_every_function_named_in_the_odd_exists() -> None:
    refs = sorted(set(FUNCTION_REF.findall(ODD)))
    assert len(refs) >= 50, "expected the ODD to name the functions implementing each rule"
    missing = []
    for ref in refs:
        try:
            obj = resolve(ref)
        except (AttributeError, ModuleNotFoundError):
            missing.append(ref)
            continue
        if not callable(obj):
            missing.append(ref)
    assert not missing, f"docs/ODD.md names functions that do not exist: {missing}"


def test_every_function_in_the_code_map_is_described_above_it() -> None:
    body = ODD[: ODD.index("\n## Code map\n")]
    for ref in sorted(set(FUNCTION_REF.findall(CODE_MAP))):
        assert f"`{ref}()`" in body, f"{ref} is in the Code map but not in the text"


def field_type(model: type[BaseModel], name: str, is_list: bool) -> Any:
    annotation = model.model_fields[name].annotation
    if is_list:
        assert get_origin(annotation) is list, f"{name} is not a list"
        (annotation,) = get_args(annotation)
    return annotation


def key_exists(key: str) -> bool:
    """Whether a dotted scenario key (``innovations[].benefit`` style) names a field of the schema."""
    model: Any = Scenario
    for part in key.split("."):
        name, is_list = part.removesuffix("[]"), part.endswith("[]")
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or name not in model.model_fields:
            return False
        model = field_type(model, name, is_list)
    return True


def scenario_keys_named() -> list[str]:
    sections = set(Scenario.model_fields)
    return sorted({k for k in KEY_REF.findall(ODD) if k.split(".")[0].removesuffix("[]") in sections})


def test_every_scenario_key_named_in_the_odd_exists() -> None:
    keys = scenario_keys_named()
    assert len(keys) >= 60, "expected the ODD to name the parameters each rule uses"
    unknown = [k for k in keys if not key_exists(k)]
    assert not unknown, f"docs/ODD.md names scenario keys the schema does not have: {unknown}"


def test_key_checker_refuses_wrong_keys() -> None:
    assert key_exists("diffusion.peer_influence")
    assert key_exists("innovations[].benefit")
    assert not key_exists("diffusion.peer_influenc")
    assert not key_exists("innovations.benefit")


def submodel_headings() -> set[str]:
    return set(re.findall(r"^### 7\.\d+ Submodel '([^']+)'$", ODD, flags=re.MULTILINE))


@pytest.mark.parametrize("module", rule_modules(), ids=lambda m: m.__name__)
def test_rules_docstrings_point_to_an_odd_submodel_section(module: ModuleType) -> None:
    names = SUBMODEL_REF.findall(module.__doc__ or "")
    assert names, f"{module.__name__}'s docstring does not say which ODD submodel it implements"
    short = module.__name__.rsplit(".", 1)[1]
    assert short in names, f"{module.__name__} should point to Submodel '{short}'"
    assert set(names) <= submodel_headings(), f"{module.__name__} points to {names}, not all ODD headings"


def test_every_submodel_reference_in_the_package_matches_a_heading() -> None:
    root = Path(sasci_sim.__file__).parent
    refs = {name for path in root.rglob("*.py") for name in SUBMODEL_REF.findall(path.read_text(encoding="utf-8"))}
    assert refs, "expected the package to point to ODD submodels"
    assert refs <= submodel_headings(), f"references to missing ODD sections: {sorted(refs - submodel_headings())}"


def test_the_protocol_sections_come_in_order() -> None:
    headings = [
        "## 1 Purpose and patterns",
        "### 1.2 Patterns",
        "## 2 Entities, state variables and scales",
        "## 3 Process overview and scheduling",
        "## 4 Design concepts",
        "### 4.1 Basic principles",
        "### 4.2 Emergence",
        "### 4.3 Adaptation",
        "### 4.4 Objectives",
        "### 4.5 Learning",
        "### 4.6 Prediction",
        "### 4.7 Sensing",
        "### 4.8 Interaction",
        "### 4.9 Stochasticity",
        "### 4.10 Collectives",
        "### 4.11 Observation",
        "### 4.12 Individual decision making (ODD+D)",
        "## 5 Initialisation",
        "## 6 Input data and parameters",
        "### 6.3 How the defaults were chosen (calibration)",
        "## 7 Submodels",
        "## Code map",
    ]
    lines = ODD.splitlines()
    positions = [lines.index(h) for h in headings]
    assert positions == sorted(positions)
    decisions = section("### 4.12 Individual decision making (ODD+D)", "## 5 Initialisation")
    for element in ("What decisions", "How decisions", "Individual heterogeneity", "Uncertainty"):
        assert f"**{element}" in decisions, f"ODD+D element {element!r} missing"


def test_the_schedule_lists_the_step_in_the_order_the_model_runs_it() -> None:
    # a single run and a batch step through the same month (model.ensemble.run_month)
    called = re.findall(r"\b([a-z_]+)\(world\b", inspect.getsource(run_month))
    assert len(called) >= 9, called
    positions = []
    for name in called:
        match = re.search(rf"\.{name}\(\)", SCHEDULE)
        assert match, f"step calls {name} but section 3 does not list it"
        positions.append(match.start())
    assert positions == sorted(positions), f"section 3 lists the step's rules out of order: {called}"


def test_patterns_list_every_fact_check_and_the_bass_pairs() -> None:
    patterns = section("### 1.2 Patterns", "## 2 Entities, state variables and scales")
    for fact in FACTS:
        assert f"\n| {fact.label} | {fact.statement} |" in patterns, f"fact check {fact.label} not in the table"
    for p, q in BASS_PAIRS:
        assert f"({p:g}, {q:g})" in patterns, f"Bass pair ({p}, {q}) not listed"


def test_the_code_map_tree_lists_every_module_of_the_package() -> None:
    entries = tree_entries(CODE_MAP)
    assert set(entries) - package_entries() == set(), "the ODD's code map names modules that do not exist"
    assert package_entries() - set(entries) == set(), "modules missing from the ODD's code map"
    rules = {p for p in entries if p.startswith("sasci_sim/model/rules/") and p.endswith(".py")}
    assert len(rules) == len(rule_modules()), "every rules module is in the code map"
