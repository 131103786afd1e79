"""LessonModel: the model the teaching page runs, built from a picker entry and the page's levers.

SolaraViz's Reset rebuilds a model as ``type(model)(**params)``; because every Mesa model
carries a ``mesa.experimental`` Scenario, it also passes ``scenario=`` an empty one of those.
Our scenario comes from the picker entry instead, so that empty one is dropped (one carrying
parameters is refused). The seed box's text becomes a whole-number seed, shown on the page;
text that is not one runs the scenario's seed and says so on the page (Reset cannot raise).
"""

from __future__ import annotations

from typing import Any

from mesa.experimental.scenarios import Scenario as MesaScenario

from sasci_sim.config.loader import validate
from sasci_sim.config.schema import Funding, Nhs, Scenario
from sasci_sim.errors import InputError
from sasci_sim.model.social_care import SocialCareModel
from sasci_sim.ui.dashboard.catalogue import Entry

SEED_LIMIT = 2**63


def is_joint_fund_only(scenario: Scenario) -> bool:
    """Whether the programme's money goes to the long-term pooled joint fund instead of grants (the switch is on).

    Args:
        scenario: The scenario.

    Returns:
        True when every council pools with its ICB, the joint fund has money, and no grants are offered.
    """
    n = scenario.nhs
    return n.joint_fund_k_per_year > 0 and n.pooled_council_share >= 1 and scenario.funding.budget_per_call_k == 0


def without_joint_fund(scenario: Scenario) -> Scenario:
    """The switch turned off: the fund's money goes back to today's grants, and councils commission alone.

    The yearly money of the joint fund becomes the budget of each call (at the scenario's call
    interval), from today's funders (the schema's default mix, whose grants do not cover double
    running); the fund and the pools are set back to the schema's defaults.

    Args:
        scenario: The scenario.

    Returns:
        The scenario with grants in place of the fund when it was joint-fund-only, else unchanged.
    """
    if not is_joint_fund_only(scenario):
        return scenario
    data = scenario.model_dump()
    f = scenario.funding
    data["funding"]["funders"] = [x.model_dump() for x in Funding().funders]
    data["funding"]["budget_per_call_k"] = scenario.nhs.joint_fund_k_per_year * f.call_interval_months / 12.0
    defaults = Nhs()
    for key in (
        "pooled_council_share",
        "joint_fund_k_per_year",
        "joint_fund_start_month",
        "joint_fund_months",
        "joint_fund_carry_over_months",
    ):
        data["nhs"][key] = getattr(defaults, key)
    return validate(data, "joint funding switch")


def parse_seed(text: Any, default: int) -> int:
    """The seed box's text (or an int) as a seed; empty means the scenario's own seed.

    Args:
        text: The seed box's value.
        default: The scenario's seed.

    Returns:
        The seed.

    Raises:
        InputError: When it is not a whole number from 0 to 2**63-1.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return default
    try:
        value = int(text.strip()) if isinstance(text, str) else int(text)
    except (TypeError, ValueError):
        raise InputError("seed box", "seed", "must be a whole number from 0 to 2**63-1", got=text) from None
    if not 0 <= value < SEED_LIMIT:
        raise InputError("seed box", "seed", "must be a whole number from 0 to 2**63-1", got=text)
    return value


class LessonModel(SocialCareModel):
    """SocialCareModel of a lesson or scenario from the page's picker, with the page's levers."""

    def __init__(
        self,
        lesson: Entry,
        *,
        rng: Any = None,
        joint_funding: bool | None = None,
        scenario: MesaScenario | None = None,
        **levers: Any,
    ) -> None:
        """Build the model of a picker entry with the page's levers.

        Args:
            lesson: The picker entry.
            rng: The seed box's value; a bad value falls back to the scenario's seed and says so
                on the page (Mesa's Reset cannot report an error).
            joint_funding: The joint-fund switch; False turns a joint-fund-only scenario back to
                today's funders.
            scenario: SolaraViz's empty scenario, the only one accepted (the lesson gives it).
            **levers: The sliders' flat lever keywords.

        Raises:
            TypeError: When ``scenario`` is anything but SolaraViz's empty one.
        """
        if scenario is not None and not (isinstance(scenario, MesaScenario) and dict(scenario) == {"rng": None}):
            raise TypeError(
                "LessonModel takes its scenario from the lesson; scenario= may only be SolaraViz's empty one"
            )
        config = lesson.scenario
        if joint_funding is False:
            config = without_joint_fund(config)
        self.lesson = lesson
        self.seed_problem = ""  # shown on the page: Mesa's Reset has no way to report an error
        try:
            self.seed = parse_seed(rng, config.simulation.seed)
        except InputError as exc:
            if not isinstance(rng, str):
                raise
            self.seed = config.simulation.seed
            self.seed_problem = f"The seed box {exc.problem} (got {rng.strip()!r}): this run uses the scenario's seed."
        super().__init__(config, rng=self.seed, joint_funding=bool(joint_funding), **levers)
