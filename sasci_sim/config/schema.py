"""The scenario schema: every lever and assumption of a run, typed and traced.

A scenario file is YAML; :mod:`sasci_sim.config.loader` reads it and validates it
against :class:`Scenario`. Each numeric field says its unit, allowed range,
source and evidence grade (see :mod:`sasci_sim.config.params` and docs/ODD.md,
section "Input data"). Money is in thousands of pounds (``_k``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from sasci_sim.config.params import param

Kind = Literal["business_model", "systems", "social"]
KINDS: tuple[str, ...] = ("business_model", "systems", "social")
#: Index of the systems kind: systems innovations need their council to sign up before providers use them.
SYSTEMS = KINDS.index("systems")
PROVIDER_KINDS: tuple[str, ...] = ("residential", "domiciliary", "community")
COMPLEXITY_WORDS = {"simple": 0.0, "complicated": 0.5, "complex": 1.0}


class Section(BaseModel):
    """A scenario section: unknown keys are errors and values are checked on assignment.

    A number must be written as a number ("12" and true are not numbers; 12.0 is 12), so a
    typo or a quoted value is an error rather than a silent conversion.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: object, info: ValidationInfo) -> object:
        field = cls.model_fields.get(info.field_name or "")
        if field is None or field.annotation not in (int, float, int | None, float | None):
            return value
        if isinstance(value, str) and info.field_name == "complexity" and value in COMPLEXITY_WORDS:
            return value  # Innovation turns the words into numbers
        if isinstance(value, bool | str):
            kind = "a whole number" if field.annotation in (int, int | None) else "a number"
            raise ValueError(f"must be {kind}, not {type(value).__name__} {value!r}")
        return value


def _check_unique(names: list[str], what: str) -> None:
    """Names identify innovations and funders in outputs: they must be unique."""
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"{what} names must be unique ({', '.join(dup)} repeated)")


class Simulation(Section):
    """How long a run lasts and how its replications are seeded (``simulation`` in a scenario file)."""

    steps: int = param(
        120,
        ge=1,
        le=1200,
        unit="months",
        doc="Months simulated (one step is one month).",
        source="design",
        grade="assumption",
    )
    replications: int = param(
        10,
        ge=1,
        le=10000,
        unit="runs",
        doc="Independent replications with derived seeds.",
        source="design",
        grade="assumption",
    )
    seed: int = param(
        20240920,
        ge=0,
        le=2**63 - 1,
        unit="integer",
        doc="Root seed; replication seeds derive from it.",
        source="design",
        grade="assumption",
    )


class ProviderMix(Section):
    """The kinds of provider in the population, as shares that add up to 1."""

    residential: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        doc="Share of providers that are care homes (residential and nursing).",
        source="nuffield2023",
        grade="moderate",
    )
    domiciliary: float = param(
        0.4,
        ge=0,
        le=1,
        unit="share",
        doc="Share of providers that are home care agencies.",
        source="nuffield2023",
        grade="moderate",
    )
    community: float = param(
        0.1,
        ge=0,
        le=1,
        unit="share",
        doc="Share of providers that are community and voluntary organisations.",
        source="sasci_survey_2024",
        grade="weak",
    )

    @model_validator(mode="after")
    def _sums_to_one(self) -> ProviderMix:
        total = self.residential + self.domiciliary + self.community
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"shares must add up to 1 (they add up to {total:.4g})")
        return self


class Population(Section):
    """Who is in the model: councils, providers and the spread of their capabilities and money."""

    local_authorities: int = param(
        15,
        ge=1,
        le=2000,
        unit="councils",
        doc="Local authorities with adult social care duties (England: 153).",
        source="nhse2024",
        grade="strong",
    )
    providers: int = param(
        2000,
        ge=1,
        le=2_000_000,
        unit="providers",
        doc="Care providers (England: about 27,000 CQC-registered locations).",
        source="nuffield2023",
        grade="strong",
    )
    provider_mix: ProviderMix = Field(default_factory=ProviderMix)
    capability_mean: float = param(
        0.5,
        ge=0.01,
        le=0.99,
        unit="score 0..1",
        doc="Mean of each innovation-capability cluster (leadership, knowledge, culture, collaboration, resources).",
        source="cpec_wp10+sasci_survey_2024",
        grade="weak",
    )
    capability_sd: float = param(
        0.18,
        ge=0,
        le=0.45,
        unit="score 0..1",
        doc="Spread of capability across providers (0 makes providers identical).",
        source="sasci_survey_2024",
        grade="weak",
    )
    reserves_median_k: float = param(
        5.0,
        ge=0,
        le=1e6,
        unit="k GBP",
        doc="Median reserves a provider can put into innovation.",
        source="design",
        grade="assumption",
    )
    reserves_sigma: float = param(
        0.8,
        ge=0,
        le=3,
        unit="log-sd",
        doc="Log-normal spread of provider reserves.",
        source="design",
        grade="assumption",
    )
    surplus_k_per_month: float = param(
        3.47,
        ge=0,
        le=1e4,
        unit="k GBP/month",
        doc="Median monthly surplus that refills a provider's reserves (scales with reserves).",
        source="design",
        grade="assumption",
    )


class Funder(Section):
    """One funder with its own share of each call, the kinds it funds and its grant terms.

    Funders differ in what they fund and for how long (ODD 2.4), so a scenario can
    give a charity short grants for social innovations and a programme long ones.
    """

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_\- ]+$", description="Name of the funder.")
    budget_share: float = param(
        1.0,
        ge=0,
        le=1,
        unit="share",
        doc="Share of each call's budget that this funder puts up.",
        source="design",
        grade="assumption",
    )
    kinds: list[Kind] = Field(
        default_factory=lambda: list(KINDS),
        min_length=1,
        description="Innovation kinds the funder's calls accept.",
        json_schema_extra={"unit": "kinds", "source": "malley_holder_2024", "grade": "moderate"},
    )
    covers_double_running: bool = Field(
        False,
        description="Grants also pay the cost of running old and new services side by side during transition (Evans 2024).",
        json_schema_extra={"unit": "yes/no", "source": "evans_2024", "grade": "moderate"},
    )
    grant_duration_months: int | None = Field(
        None,
        ge=1,
        le=240,
        description="Grant length for this funder; default funding.grant_duration_months.",
        json_schema_extra={"unit": "months", "source": "arf2023", "grade": "moderate"},
    )


def _default_funders() -> list[Funder]:
    return [
        Funder(name="national programme", budget_share=0.5),
        Funder(name="charities and lottery", budget_share=0.3, kinds=["social", "business_model"]),
        Funder(name="social investors", budget_share=0.2, kinds=["business_model"]),
    ]


class Funding(Section):
    """Grant calls: how often, how much, how long; and the funders who put the money up (ODD 7.1)."""

    grant_duration_months: int = param(
        24,
        ge=1,
        le=240,
        unit="months",
        doc="Length of an innovation grant (short-term norm: 12-24).",
        source="arf2023+socialfinance2024",
        grade="moderate",
    )
    call_interval_months: int = param(
        12, ge=1, le=120, unit="months", doc="Months between funding calls.", source="arf2023", grade="weak"
    )
    budget_per_call_k: float = param(
        3000.0,
        ge=0,
        le=1e8,
        unit="k GBP",
        doc="Money awarded at each call, all funders together.",
        source="arf2023",
        grade="weak",
    )
    last_call_month: int | None = Field(
        None,
        ge=1,
        le=1200,
        description="Month of the programme's last call (None: calls continue to the end of the run).",
        json_schema_extra={"unit": "month", "source": "design", "grade": "assumption"},
    )
    first_call_month: int = param(
        13,
        ge=1,
        le=1200,
        unit="month",
        doc="Month the programme opens its first call (programme start): calls open then and every call interval.",
        source="arf2023+design",
        grade="assumption",
    )
    project_fixed_cost_k: float = param(
        12.0,
        ge=0,
        le=1e5,
        unit="k GBP/project",
        doc="Fixed cost of each funded project: bid, set-up, project management and evaluation.",
        source="ncvo_evaluation+hlf2017",
        grade="weak",
    )
    evaluation_months: list[int] = Field(
        default_factory=list,
        max_length=12,
        description=(
            "Months at which the programme is judged (summary figures '..._m<month>'); each must fall after "
            "every grant has ended, so it needs last_call_month. Months past simulation.steps are not reported."
        ),
        json_schema_extra={"unit": "months", "source": "design", "grade": "assumption"},
    )
    scale_share: float = param(
        0.2,
        ge=0,
        le=1,
        unit="share",
        doc="Share of each call reserved for scaling innovations with strong evidence.",
        source="design",
        grade="assumption",
    )
    application_rate: float = param(
        0.3,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance that an aware, eligible provider bids at a call, at full capability.",
        source="design",
        grade="assumption",
    )
    funders: list[Funder] = Field(default_factory=_default_funders, min_length=1, max_length=20)

    @model_validator(mode="after")
    def _shares(self) -> Funding:
        total = sum(f.budget_share for f in self.funders)
        if total > 1.0 + 1e-6:
            raise ValueError(f"funders' budget_share values add up to {total:.4g}; they must add up to at most 1")
        return self

    @model_validator(mode="after")
    def _programme_months(self) -> Funding:
        if self.last_call_month is not None and self.last_call_month < self.first_call_month:
            raise ValueError(
                f"last_call_month ({self.last_call_month}) is before first_call_month ({self.first_call_month})"
            )
        if not self.evaluation_months:
            return self
        if self.last_call_month is None:
            raise ValueError("evaluation_months needs last_call_month: without a last call, grants never all end")
        end = self.last_grant_end()
        early = [m for m in self.evaluation_months if m < end]
        if early:
            raise ValueError(
                f"evaluation month {early[0]} is before the last grant ends (month {end}): judge after every grant has ended"
            )
        return self

    def last_call(self) -> int | None:
        """Month of the programme's last call actually held, or None if calls go on to the end of the run.

        Returns:
            The last month ``first_call_month + k * call_interval_months`` not after ``last_call_month``.
        """
        if self.last_call_month is None:
            return None
        calls = (self.last_call_month - self.first_call_month) // self.call_interval_months
        return self.first_call_month + calls * self.call_interval_months

    def last_grant_end(self) -> int | None:
        """Month the last grant of the programme ends (its pilot's decision month), or None if calls never stop.

        Returns:
            The last call month plus the longest grant length of any funder.
        """
        last = self.last_call()
        if last is None:
            return None
        return last + max(f.grant_duration_months or self.grant_duration_months for f in self.funders)

    @field_validator("funders")
    @classmethod
    def _unique_funders(cls, funders: list[Funder]) -> list[Funder]:
        _check_unique([f.name for f in funders], "funder")
        return funders


class Regulation(Section):
    """How long approval takes and how often waiting pilots give up under rigid rules (ODD 7.5)."""

    flexibility: float = param(
        0.3,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="Regulatory flexibility: 1 approves any pilot at once, 0 gives the full delay.",
        source="malley_holder_2024",
        grade="moderate",
    )
    max_delay_months: float = param(
        18.0,
        ge=0,
        le=120,
        unit="months",
        doc="Mean wait for approval and compliance at burden 1 and flexibility 0.",
        source="malley_holder_2024",
        grade="assumption",
    )
    rigidity_hazard_per_month: float = param(
        0.03,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Extra abandonment of waiting pilots per unit of complexity or systems kind, at flexibility 0.",
        source="malley_holder_2024+nasss2017",
        grade="assumption",
    )


class LocalAuthorities(Section):
    """Councils as commissioners: pressure, budgets, pilot funds, reviews, sign-up, reorganisation (ODD 7.8)."""

    cost_saving_pressure: float = param(
        0.6,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="How far councils judge innovations by savings rather than benefit (63% overspent in 2022/23).",
        source="adass2023+malley_holder_2024",
        grade="moderate",
    )
    pressure_sd: float = param(
        0.15,
        ge=0,
        le=0.45,
        unit="score 0..1",
        doc="Spread of cost-saving pressure across councils.",
        source="adass2023",
        grade="weak",
    )
    budget_cut_at_full_pressure: float = param(
        0.7,
        ge=0,
        le=1,
        unit="share",
        doc="Share of the innovation budget lost at full cost-saving pressure.",
        source="adass2023",
        grade="assumption",
    )
    commissioning_budget_k_per_provider_month: float = param(
        0.2,
        ge=0,
        le=1e3,
        unit="k GBP/provider/month",
        doc="Monthly money a council can commit to running innovations, per provider in its area.",
        source="design",
        grade="assumption",
    )
    cashable_saving_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        doc="Share of an innovation's saving to the council that frees budget (the rest is avoided cost, not cash).",
        source="malley_holder_2024",
        grade="assumption",
    )
    commissioning_propensity: float = param(
        0.693,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance of commissioning an ideal pilot (full value, full confidence) at its funding cliff.",
        source="design",
        grade="assumption",
    )
    review_hazard_per_month: float = param(
        0.01,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Monthly chance that a council drops a contract of no value to it, at full pressure.",
        source="design",
        grade="assumption",
    )
    pilot_fund_k_per_year: float = param(
        30.0,
        ge=0,
        le=1e7,
        unit="k GBP/year",
        doc="A council's local pilot fund.",
        source="malley_holder_2024",
        grade="weak",
    )
    signup_rate_per_month: float = param(
        0.596,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Monthly chance that a council signs up to a systems innovation, at full evidence or peer uptake.",
        source="malley_holder_2024",
        grade="assumption",
    )
    settlement_sd: float = param(
        0.15,
        ge=0,
        le=1,
        unit="share",
        doc="Year-to-year spread of each council's innovation budget around its level (stop-go annual settlements).",
        source="lga2024+pac2018",
        grade="assumption",
    )
    settlement_national_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        doc="Share of the year-to-year budget variance common to all councils (the national settlement).",
        source="pac2018",
        grade="assumption",
    )
    overspend_share: float = param(
        0.63,
        ge=0,
        le=1,
        unit="share",
        doc="Share of councils that overspend their adult social care budget in a year (63% in 2022/23).",
        source="adass2023",
        grade="moderate",
    )
    overspend_pressure_rise: float = param(
        0.1,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="Rise in cost-saving pressure in a year a council overspends (relative to the average year).",
        source="adass2023",
        grade="assumption",
    )
    savings_reinvestment_share: float = param(
        0.1,
        ge=0,
        le=1,
        unit="share",
        doc="Share of the cashable savings realised by innovations that goes back into the council's innovation budget.",
        source="malley_holder_2024",
        grade="assumption",
    )
    reorganisation_rate_per_year: float = param(
        0.1,
        ge=0,
        le=12,
        unit="events/year",
        doc="Council restructures and priority changes per year.",
        source="mann_2022",
        grade="weak",
    )
    reorganisation_withdrawal: float = param(
        0.4,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance that a reorganisation withdraws each piece of council support.",
        source="mann_2022",
        grade="assumption",
    )
    reorganisation_disruption: float = param(
        0.05,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance that a reorganisation stops each adopter in the area.",
        source="mann_2022",
        grade="assumption",
    )


class Research(Section):
    """How far councils and providers rely on research evidence, and how evidence accumulates (ODD 7.9)."""

    evidence_role: float = param(
        0.2,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="How much decisions rest on research evidence rather than practice knowledge (limited in social care).",
        source="malley_holder_2024+boaz2023",
        grade="moderate",
    )
    dissemination_per_month: float = param(
        0.00506,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Research channel of awareness for a fully evidenced innovation at evidence_role 1.",
        source="boaz2023",
        grade="assumption",
    )
    site_months_per_evidence: float = param(
        400.0,
        gt=0,
        le=1e7,
        unit="site-months",
        doc="Operating site-months that close 63% of the gap to full evidence.",
        source="design",
        grade="assumption",
    )
    evaluation_weight: float = param(
        3.0,
        ge=0,
        le=100,
        unit="multiplier",
        doc="Evidence from a grant-funded (evaluated) site-month relative to an unevaluated one.",
        source="design",
        grade="assumption",
    )
    scale_evidence_threshold: float = param(
        0.5,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="Evidence an innovation needs to get scaling grants.",
        source="design",
        grade="assumption",
    )


class Diffusion(Section):
    """Awareness, the decision to pilot and the funding cliff: the providers' side of diffusion (ODD 7.2-7.6)."""

    external_influence: float = param(
        0.0008,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Bass p: monthly awareness from outside (funders, intermediaries, press).",
        source="bass1969+rogers2003",
        grade="moderate",
    )
    peer_influence: float = param(
        0.6,
        ge=0,
        le=10,
        unit="per month",
        doc="Bass q: monthly awareness per unit share of peers using it.",
        source="bass1969+boaz2023",
        grade="moderate",
    )
    decision_rate_per_month: float = param(
        0.0499,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Monthly chance that an aware provider considers piloting an ideal innovation.",
        source="design",
        grade="assumption",
    )
    provider_saving_weight: float = param(
        0.2,
        ge=0,
        le=1,
        unit="weight",
        doc="Weight providers give to savings beside benefit (less than councils).",
        source="malley_holder_2024",
        grade="moderate",
    )
    risk_aversion: float = param(
        0.6,
        ge=0,
        le=1,
        unit="weight",
        doc="Discount on unproven innovations for a provider with no appetite for risk.",
        source="malley_holder_2024+evans_2024",
        grade="weak",
    )
    trial_months: int = param(
        24,
        ge=0,
        le=120,
        unit="months",
        doc="Operating months before a self-funded pilot is judged.",
        source="design",
        grade="assumption",
    )
    self_funding_months: int = param(
        12,
        ge=0,
        le=120,
        unit="months",
        doc="Months of running cost a provider must hold, on top of the upfront cost, to self-fund a pilot.",
        source="design",
        grade="assumption",
    )
    partial_scale: float = param(
        0.3,
        ge=0,
        le=1,
        unit="share",
        doc="Cost share of a cut-down version kept when the full one cannot be paid for.",
        source="scheirer2005",
        grade="weak",
    )
    surplus_share_per_innovation: float = param(
        0.3,
        ge=0,
        le=1,
        unit="share",
        doc="Most of its monthly surplus a provider will commit to carrying one innovation after its pilot.",
        source="malley_holder_2024",
        grade="assumption",
    )
    pilot_fatigue: float = param(
        0.5,
        ge=0,
        le=10,
        unit="per lost pilot",
        doc="Pilot fatigue: each pilot a provider lost at a funding cliff multiplies its readiness to pilot or bid again by exp(-fatigue).",
        source="socialfinance2024",
        grade="weak",
    )
    max_concurrent_pilots: int = param(
        2,
        ge=1,
        le=100,
        unit="pilots",
        doc="Most pilots a provider runs at once: its capacity to innovate (management time, staff).",
        source="sasci_survey_2024+cpec_wp10",
        grade="weak",
    )
    bedding_in_months: float = param(
        12.0,
        ge=0,
        le=120,
        unit="months",
        doc="Operating months before a business-model pilot shows any results (implementation bedding in).",
        source="fixsen2005",
        grade="weak",
    )
    proof_months: float = param(
        36.0,
        gt=0,
        le=240,
        unit="months",
        doc="Operating months a business-model pilot needs to show its full results locally.",
        source="fixsen2005+socialfinance2024",
        grade="weak",
    )

    bedding_in_months_systems: float = param(
        15.0,
        ge=0,
        le=120,
        unit="months",
        doc="Bedding-in of a systems innovation: several organisations and rules change (training cycles, sign-off).",
        source="fixsen2005+malley_holder_2024",
        grade="assumption",
    )
    proof_months_systems: float = param(
        42.0,
        gt=0,
        le=240,
        unit="months",
        doc="Operating months a systems innovation needs to show its full results locally.",
        source="fixsen2005+malley_holder_2024",
        grade="assumption",
    )
    bedding_in_months_social: float = param(
        18.0,
        ge=0,
        le=120,
        unit="months",
        doc="Bedding-in of a social innovation: a scheme recruits, vets and matches its people first (Shared Lives).",
        source="sharedlives+fixsen2005",
        grade="assumption",
    )
    proof_months_social: float = param(
        54.0,
        gt=0,
        le=240,
        unit="months",
        doc="Operating months a social innovation needs to show its full results locally.",
        source="sharedlives+fixsen2005",
        grade="assumption",
    )

    def proof_times(self) -> tuple[tuple[float, float], ...]:
        """(bedding-in, proof) months for each kind, in the order of ``KINDS``.

        Returns:
            One pair per kind: business_model uses ``bedding_in_months`` and ``proof_months``.
        """
        return (
            (self.bedding_in_months, self.proof_months),
            (self.bedding_in_months_systems, self.proof_months_systems),
            (self.bedding_in_months_social, self.proof_months_social),
        )

    @model_validator(mode="after")
    def _proof_after_bedding_in(self) -> Diffusion:
        for suffix, (bedding, proof) in zip(("", "_systems", "_social"), self.proof_times(), strict=True):
            if proof <= bedding:
                raise ValueError(
                    f"proof_months{suffix} ({proof:g}) must be greater than bedding_in_months{suffix} ({bedding:g})"
                )
        return self


class Abandonment(Section):
    """Abandonment unrelated to money, and whether abandoners may come back (ODD 7.7)."""

    base_hazard_per_month: float = param(
        0.000993,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Background abandonment of a simple innovation.",
        source="nasss2017",
        grade="weak",
    )
    complexity_multiplier: float = param(
        3.0,
        ge=0,
        le=100,
        unit="multiplier",
        doc="Extra background hazard at full complexity (hazard x (1 + m x complexity)).",
        source="nasss2017",
        grade="weak",
    )
    readoption: bool = Field(
        False,
        description="Whether a provider that abandoned an innovation may become aware of it and adopt it again.",
        json_schema_extra={"unit": "yes/no", "source": "design", "grade": "assumption"},
    )
    readoption_hazard_per_month: float = param(
        0.01,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Monthly chance that an abandoner is open to the innovation again (if readoption).",
        source="design",
        grade="assumption",
    )


class Network(Section):
    """The peer network through which providers hear of innovations (ODD 2.6)."""

    topology: Literal["council_and_sector", "complete"] = Field(
        "council_and_sector",
        description="Peer network: ties within council areas and within provider kinds, or everyone connected (Bass limit).",
        json_schema_extra={"unit": "topology", "source": "boaz2023", "grade": "assumption"},
    )
    local_ties: float = param(
        4.0,
        ge=0,
        le=200,
        unit="ties/provider",
        doc="Ties each provider makes to providers in its own council area.",
        source="boaz2023",
        grade="assumption",
    )
    sector_ties: float = param(
        2.0,
        ge=0,
        le=200,
        unit="ties/provider",
        doc="Ties each provider makes to providers of its kind anywhere (sector networks).",
        source="boaz2023",
        grade="assumption",
    )


class Scale(Section):
    """When an innovation counts as at scale, for the summary figure ``share_at_scale``."""

    provider_share: float = param(
        0.10,
        gt=0,
        le=1,
        unit="share",
        doc="An innovation is at scale when sustained by this share of providers...",
        source="design",
        grade="assumption",
    )
    council_share: float = param(
        0.5,
        gt=0,
        le=1,
        unit="share",
        doc="...or present in this share of councils.",
        source="design",
        grade="assumption",
    )


class KindShares(Section):
    """A share for each innovation kind (the base of the by-kind sections below)."""

    business_model: float = 0.0
    systems: float = 0.0
    social: float = 0.0

    def of(self, kind: str) -> float:
        """The value for one kind.

        Args:
            kind: One of ``KINDS``.

        Returns:
            The value for that kind.
        """
        return float(getattr(self, kind))


class NhsSavingShare(KindShares):
    """NHS share of an innovation's public saving, by kind (``nhs.saving_share``): the "wrong pocket"."""

    business_model: float = param(
        0.4,
        ge=0,
        le=0.95,
        unit="share",
        doc="NHS share of the public saving of a business-model innovation (falls: 0.4-0.6; reablement: less).",
        source="falls_costs_2003+falls_costs_scotland_2013+reablement_evaluation_2010",
        grade="weak",
    )
    systems: float = param(
        0.5,
        ge=0,
        le=0.95,
        unit="share",
        doc="NHS share of the public saving of a systems innovation (discharge, shared records: mostly hospital flow).",
        source="popp_evaluation_2009",
        grade="weak",
    )
    social: float = param(
        0.3,
        ge=0,
        le=0.95,
        unit="share",
        doc="NHS share of the public saving of a social innovation.",
        source="popp_evaluation_2009",
        grade="assumption",
    )


class Nhs(Section):
    """The ``nhs:`` section: integrated care boards, pooled budgets and a joint health and social care fund."""

    councils_per_board: float = param(
        3.64,
        ge=1,
        le=2000,
        unit="councils/ICB",
        doc="Councils covered by each integrated care board (England: 153 councils, 42 ICBs).",
        source="icb_establishment_2022+nhse2024",
        grade="strong",
    )
    pooled_council_share: float = param(
        0.0,
        ge=0,
        le=1,
        unit="share",
        doc="Share of councils that commission innovations through a pooled budget with their ICB (section 75).",
        source="better_care_fund_2025",
        grade="assumption",
    )
    match_ratio: float = param(
        1.68,
        ge=0,
        le=100,
        unit="GBP per GBP",
        doc="ICB money put into a pooled budget per pound of the council's (Better Care Fund minimum contributions).",
        source="better_care_fund_2025",
        grade="moderate",
    )
    cashable_saving_share: float = param(
        0.2,
        ge=0,
        le=1,
        unit="share",
        doc="Share of an NHS saving that frees money for a pooled budget (avoided bed days are mostly refilled).",
        source="nao_integration_2017",
        grade="weak",
    )
    saving_share: NhsSavingShare = Field(default_factory=NhsSavingShare)
    joint_fund_k_per_year: float = param(
        0.0,
        ge=0,
        le=1e8,
        unit="k GBP/year",
        doc="A joint health and social care fund paid into the pooled budgets (all pooled areas together).",
        source="evans_2024",
        grade="assumption",
    )
    joint_fund_start_month: int = param(
        1, ge=1, le=1200, unit="month", doc="First month the joint fund pays.", source="design", grade="assumption"
    )
    joint_fund_months: int = param(
        120,
        ge=1,
        le=1200,
        unit="months",
        doc="How long the joint fund pays (long term: Evans 2024).",
        source="evans_2024",
        grade="assumption",
    )
    joint_fund_carry_over_months: int = param(
        12,
        ge=1,
        le=1200,
        unit="months",
        doc="Months a pool's unspent joint-fund money carries over before it lapses (a financial year).",
        source="design",
        grade="assumption",
    )
    joint_fund_covers_double_running: bool = Field(
        True,
        description="The joint fund pays the double running of pooled commissioners' moves while it lasts (evans_2024).",
        json_schema_extra={"unit": "yes/no", "source": "evans_2024", "grade": "moderate"},
    )


class DoubleRunningMonths(KindShares):
    """Months of double running by kind (``double_running.months``), for innovations that give none."""

    business_model: float = param(
        3.0,
        ge=0,
        le=120,
        unit="months",
        doc="Months of double running for a business-model innovation that gives none itself.",
        source="transformation_fund_2015",
        grade="assumption",
    )
    systems: float = param(
        9.0,
        ge=0,
        le=120,
        unit="months",
        doc="Months of double running for a systems innovation (several organisations change at once).",
        source="transformation_fund_2015",
        grade="assumption",
    )
    social: float = param(
        12.0,
        ge=0,
        le=120,
        unit="months",
        doc="Months of double running for a social innovation (people move over one by one).",
        source="transformation_fund_2015",
        grade="assumption",
    )


class DoubleRunningCost(KindShares):
    """Monthly cost of the old service during transition by kind (``double_running.cost_share``)."""

    business_model: float = param(
        0.5,
        ge=0,
        le=2,
        unit="share of running cost",
        doc="Monthly cost of the old service during transition, as a share of the new one's running cost (business model).",
        source="transformation_fund_2015",
        grade="assumption",
    )
    systems: float = param(
        0.7,
        ge=0,
        le=2,
        unit="share of running cost",
        doc="Monthly cost of the old service during transition, as a share of the new one's running cost (systems).",
        source="transformation_fund_2015",
        grade="assumption",
    )
    social: float = param(
        0.5,
        ge=0,
        le=2,
        unit="share of running cost",
        doc="Monthly cost of the old service during transition, as a share of the new one's running cost (social).",
        source="transformation_fund_2015",
        grade="assumption",
    )


class DoubleRunning(Section):
    """The ``double_running:`` section: what moving to a new service costs, by kind of innovation."""

    months: DoubleRunningMonths = Field(default_factory=DoubleRunningMonths)
    cost_share: DoubleRunningCost = Field(default_factory=DoubleRunningCost)


class Learning(Section):
    """The ``learning:`` section: how failed pilots and working sites teach the sector an innovation's benefit."""

    failure_weight: float = param(
        0.5,
        ge=0,
        le=100,
        unit="sites per failure",
        doc="How many proven sites' worth of doubt one failed pilot casts on an innovation's benefit.",
        source="socialfinance2024",
        grade="assumption",
    )
    failure_evidence_site_months: float = param(
        6.0,
        ge=0,
        le=1e4,
        unit="site-months per failure",
        doc="Evidence (in operating site-months) that one failed pilot takes away.",
        source="design",
        grade="assumption",
    )
    prior_weight: float = param(
        20.0,
        gt=0,
        le=1e6,
        unit="sites",
        doc="How many proven sites' worth the sector's prior belief about a benefit counts for.",
        source="design",
        grade="assumption",
    )
    memory_months: float = param(
        24.0,
        gt=0,
        le=1200,
        unit="months",
        doc="Mean time a failed pilot stays in the sector's memory.",
        source="design",
        grade="assumption",
    )


class Innovation(Section):
    """One innovation: its kind, what it is worth to whom, what it costs and how hard it is to adopt."""

    name: str = Field(
        min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_\-]+$", description="Short name (letters, digits, _ and -)."
    )
    kind: Kind = Field(
        description="SASCI innovation journey.",
        json_schema_extra={"unit": "kind", "source": "malley_holder_2024", "grade": "strong"},
    )
    benefit: float = param(
        0.6,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="Benefit to people who use care.",
        source="rogers2003",
        grade="assumption",
    )
    commissioner_saving_k_per_month: float = param(
        0.0,
        ge=-100,
        le=100,
        unit="k GBP/site/month",
        doc="Saving to the council per adopting site (may be negative).",
        source="malley_holder_2024",
        grade="assumption",
    )
    provider_saving_k_per_month: float = param(
        0.0,
        ge=-100,
        le=100,
        unit="k GBP/site/month",
        doc="Saving to the adopting provider.",
        source="malley_holder_2024",
        grade="assumption",
    )
    upfront_cost_k: float = param(
        10.0, ge=0, le=1e5, unit="k GBP/site", doc="One-off cost of starting.", source="design", grade="assumption"
    )
    running_cost_k_per_month: float = param(
        1.0,
        ge=0,
        le=1e4,
        unit="k GBP/site/month",
        doc="Cost of running it at a site.",
        source="design",
        grade="assumption",
    )
    double_running_k_per_month: float | None = param(
        None,
        ge=0,
        le=1e4,
        unit="k GBP/site/month",
        doc="Cost of keeping the old service going beside the new during transition (None: double_running.cost_share of its kind times the running cost).",
        source="evans_2024",
        grade="weak",
    )
    transition_months: int | None = param(
        None,
        ge=0,
        le=120,
        unit="months",
        doc="Months of double running when a pilot becomes the way things are done (None: double_running.months of its kind).",
        source="evans_2024",
        grade="assumption",
    )
    nhs_saving_k_per_month: float | None = param(
        None,
        ge=-100,
        le=100,
        unit="k GBP/site/month",
        doc="Saving to the NHS per adopting site: admissions avoided, faster discharge (None: from nhs.saving_share of its kind).",
        source="popp_evaluation_2009",
        grade="assumption",
    )
    complexity: float = param(
        0.5,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="NASSS complexity: 0 simple, 0.5 complicated, 1 complex.",
        source="nasss2017",
        grade="moderate",
    )
    regulatory_burden: float = param(
        0.3,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="How much approval and compliance it needs.",
        source="malley_holder_2024",
        grade="assumption",
    )
    evidence: float = param(
        0.1,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="Research evidence at the start of the run.",
        source="malley_holder_2024",
        grade="assumption",
    )
    people_per_scheme: float = param(
        0.0,
        ge=0,
        le=100000,
        unit="people/site",
        doc="People one operating site (a scheme) supports once grown; 0: people are not counted for it "
        "(Shared Lives: 9,802 people in about 150 schemes, about 65 each).",
        source="sharedlivesplus_2024+sharedlivesplus_schemes",
        grade="moderate",
    )
    scheme_growth_months: float = param(
        24.0,
        ge=0,
        le=240,
        unit="months",
        doc="Operating months a new scheme takes to grow to its full number of people (recruiting and matching carers).",
        source="design",
        grade="assumption",
    )
    schemes_per_council: int | None = Field(
        None,
        ge=1,
        le=100000,
        description="Most schemes a council area has: further sites there work within its schemes and add no "
        "people (Shared Lives: almost all schemes are on one council's boundaries, so 1); unset: no limit.",
        json_schema_extra={"unit": "schemes/council", "source": "sharedlivesplus_schemes", "grade": "moderate"},
    )
    launch_month: int = param(
        0, ge=0, le=1200, unit="month", doc="Month the innovation first exists.", source="design", grade="assumption"
    )
    initial_pilots: int = param(
        3,
        ge=0,
        le=100000,
        unit="providers",
        doc="Providers piloting it at launch (its originators).",
        source="design",
        grade="assumption",
    )
    initial_share: float = param(
        0.0,
        ge=0,
        le=1,
        unit="share",
        doc="Share of providers already using it when it enters the run (an innovation under way in a real year).",
        source="design",
        grade="assumption",
    )
    initial_council_share: float = param(
        0.0,
        ge=0,
        le=1,
        unit="share",
        doc="Share of councils already commissioning it from their providers that use it at the start.",
        source="design",
        grade="assumption",
    )
    prior_benefit: float | None = param(
        None,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="The sector's belief about its benefit before any outcome is seen (None: the true benefit); learned from outcomes.",
        source="design",
        grade="assumption",
    )

    @field_validator("complexity", mode="before")
    @classmethod
    def _complexity_words(cls, value: object) -> object:
        if isinstance(value, str) and value in COMPLEXITY_WORDS:
            return COMPLEXITY_WORDS[value]
        return value


def _default_innovations() -> list[Innovation]:
    return [
        Innovation(name="digital-care-records", kind="business_model"),
        Innovation(name="care-certificate", kind="systems", complexity=1.0, regulatory_burden=0.8),
        Innovation(name="shared-lives", kind="social", complexity=0.5, regulatory_burden=0.4),
    ]


def _monthly_window(start: int, end: int | None, what: str) -> None:
    """A start month after the end month is a typing slip, not a scenario."""
    if end is not None and end < start:
        raise ValueError(f"{what}: end_month ({end}) is before start_month ({start})")


class Inspected(Section):
    """What inspections do about a national standard or policy: how often, how providers respond, what refusing costs."""

    inspections_per_year: float = param(
        0.59,
        ge=0,
        le=12,
        unit="inspections/provider/year",
        doc="Inspections of a provider per year (CQC: over 33,000 of about 24,000 locations in 28 months).",
        source="cqc_asc_2014_2017",
        grade="moderate",
    )
    compliance: float = param(
        0.8,
        ge=0,
        le=1,
        unit="probability",
        doc="Chance that an inspected provider not using the standard (or national policy) starts to.",
        source="design",
        grade="assumption",
    )
    noncompliance_cost_k: float = param(
        2.0,
        ge=0,
        le=10000,
        unit="k GBP/inspection",
        doc="Cost to an inspected provider that does not comply (a poorer rating, an action plan), paid from reserves.",
        source="design",
        grade="assumption",
    )


class Mandate(Inspected):
    """A national standard that the regulator expects at inspection (the Care Certificate kind)."""

    innovation: str = Field(min_length=1, max_length=60, description="Name of the innovation the standard requires.")
    start_month: int = param(
        1,
        ge=0,
        le=1200,
        unit="month",
        doc="Month from which inspections expect the standard (the Care Certificate: April 2015).",
        source="care_certificate_2015",
        grade="strong",
    )


class Programme(Section):
    """A national programme with money, a window and a target, routed through local systems."""

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_\- ]+$", description="Name of the programme.")
    innovations: list[str] = Field(min_length=1, max_length=500, description="Innovations the programme pays for.")
    budget_k: float = param(
        11000.0,
        ge=0,
        le=1e8,
        unit="k GBP",
        doc="Money of the whole programme (digitising social care: at least GBP 150m for England's ~27,000 providers).",
        source="dscr_programme",
        grade="weak",
    )
    start_month: int = param(
        1, ge=1, le=1200, unit="month", doc="First month of the programme.", source="dscr_programme", grade="moderate"
    )
    end_month: int = param(
        40,
        ge=1,
        le=1200,
        unit="month",
        doc="Last month of the programme (digitising social care: December 2021 to March 2025, 40 months).",
        source="dscr_programme",
        grade="moderate",
    )
    target_share: float = param(
        0.8,
        ge=0,
        le=1,
        unit="share of providers",
        doc="Share of providers using the innovation at which an area stops offering money (DSCR: 80%).",
        source="dscr_programme",
        grade="strong",
    )
    route: Literal["councils", "icb_areas"] = Field(
        "icb_areas",
        description="Who holds the money locally: each council, or integrated care board areas of several councils.",
        json_schema_extra={"unit": "route", "source": "dscr_programme+icb_areas_2022", "grade": "moderate"},
    )
    funded_months: int = param(
        12,
        ge=0,
        le=240,
        unit="months",
        doc="Months of running cost the programme pays for a provider it funds, beside the upfront cost.",
        source="design",
        grade="assumption",
    )
    uptake_per_month: float = param(
        0.05,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Monthly chance that the area's team offers the money to a provider not yet using it (taken up with "
        "chance its appeal).",
        source="design",
        grade="assumption",
    )

    @model_validator(mode="after")
    def _window(self) -> Programme:
        _monthly_window(self.start_month, self.end_month, "programme")
        return self


class PolicyFromPractice(Inspected):
    """National policy that follows local practice: adopted once councils have shown an innovation (ODD 7.12)."""

    innovation: str = Field(
        min_length=1, max_length=60, description="Name of the innovation central government may make national policy."
    )
    councils_share: float = param(
        0.16,
        ge=0,
        le=1,
        unit="share of councils",
        doc="Share of councils with a provider sustaining the innovation at which local practice has shown it "
        "(Rogers: innovators and early adopters, 2.5% + 13.5%; diffusion takes off at 10-20% adoption).",
        source="rogers2003",
        grade="weak",
    )
    evidence: float = param(
        0.5,
        ge=0,
        le=1,
        unit="score 0..1",
        doc="Evidence the innovation needs before it becomes national policy (as a scaling grant asks: "
        "research.scale_evidence_threshold).",
        source="design",
        grade="assumption",
    )
    lag_months: int = param(
        24,
        ge=1,
        le=600,
        unit="months",
        doc="Months from the month local practice passes both thresholds to the month the policy is in force "
        "(a national review, consultation and white paper).",
        source="design",
        grade="assumption",
    )


class National(Section):
    """National routes to adoption: standards expected at inspection, and funded programmes (none: off)."""

    mandates: list[Mandate] = Field(default_factory=list, max_length=100)
    programmes: list[Programme] = Field(default_factory=list, max_length=100)
    policy_follows_practice: list[PolicyFromPractice] = Field(default_factory=list, max_length=100)

    @field_validator("programmes")
    @classmethod
    def _unique_programmes(cls, programmes: list[Programme]) -> list[Programme]:
        _check_unique([p.name for p in programmes], "programme")
        return programmes


class Intermediary(Section):
    """A national network body (Shared Lives Plus kind) that supports an innovation's schemes."""

    name: str = Field(
        min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_\- ]+$", description="Name of the network body."
    )
    innovations: list[str] = Field(min_length=1, max_length=500, description="Innovations whose schemes it supports.")
    founded_month: int = param(
        0, ge=0, le=1200, unit="month", doc="Month the body starts its work.", source="design", grade="assumption"
    )
    membership_share: float = param(
        0.99,
        ge=0,
        le=1,
        unit="share",
        doc="Chance that a provider running one of its innovations is a member (Shared Lives Plus: around 99%).",
        source="sharedlivesplus_schemes",
        grade="moderate",
    )
    abandonment_cut: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        doc="Share of the background abandonment hazard of a member scheme that the body's support removes.",
        source="design",
        grade="assumption",
    )
    awareness_per_month: float = param(
        0.002,
        ge=0,
        le=1,
        unit="probability/month",
        doc="Monthly chance that an unaware provider hears of its innovations from the body (an external channel).",
        source="design",
        grade="assumption",
    )


class People(Section):
    """People using care, so that penetration can be a share of people (absent or unset: not counted)."""

    using_care_per_council: float | None = param(
        None,
        ge=0,
        le=1e7,
        unit="people/council",
        doc="People using long-term care in the average council, shared out by council size (England 2022-23: "
        "835,335 people in 153 councils, about 5,460 each); unset: people are not counted.",
        source="nhse_ltc_2023",
        grade="strong",
    )


class Scenario(Section):
    """A complete, validated scenario: one specification of a family of runs."""

    name: str = Field(
        "scenario",
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9_\-]+$",
        description="Name; also the output folder name.",
    )
    title: str = Field(
        "",
        max_length=120,
        description="Title for reports and the page, with any punctuation (default: the name, in words).",
    )
    description: str = Field("", max_length=5000, description="What the scenario represents.")
    simulation: Simulation = Field(default_factory=Simulation)
    population: Population = Field(default_factory=Population)
    funding: Funding = Field(default_factory=Funding)
    regulation: Regulation = Field(default_factory=Regulation)
    local_authorities: LocalAuthorities = Field(default_factory=LocalAuthorities)
    research: Research = Field(default_factory=Research)
    diffusion: Diffusion = Field(default_factory=Diffusion)
    abandonment: Abandonment = Field(default_factory=Abandonment)
    network: Network = Field(default_factory=Network)
    scale: Scale = Field(default_factory=Scale)
    nhs: Nhs = Field(default_factory=Nhs)
    double_running: DoubleRunning = Field(default_factory=DoubleRunning)
    learning: Learning = Field(default_factory=Learning)
    innovations: list[Innovation] = Field(default_factory=_default_innovations, min_length=1, max_length=500)
    national: National = Field(default_factory=National)
    intermediaries: list[Intermediary] = Field(default_factory=list, max_length=100)
    people: People = Field(default_factory=People)

    @field_validator("innovations")
    @classmethod
    def _unique_innovations(cls, innovations: list[Innovation]) -> list[Innovation]:
        _check_unique([i.name for i in innovations], "innovation")
        return innovations

    @field_validator("national")
    @classmethod
    def _national_names(cls, national: National, info: ValidationInfo) -> National:
        known = _innovation_names(info)
        for k, mandate in enumerate(national.mandates):
            _known_innovation(mandate.innovation, known, f"mandates[{k}].innovation")
        for k, programme in enumerate(national.programmes):
            for name in programme.innovations:
                _known_innovation(name, known, f"programmes[{k}].innovations")
        for k, policy in enumerate(national.policy_follows_practice):
            _known_innovation(policy.innovation, known, f"policy_follows_practice[{k}].innovation")
        return national

    @field_validator("intermediaries")
    @classmethod
    def _intermediary_names(cls, bodies: list[Intermediary], info: ValidationInfo) -> list[Intermediary]:
        _check_unique([b.name for b in bodies], "intermediary")
        known = _innovation_names(info)
        for k, body in enumerate(bodies):
            for name in body.innovations:
                _known_innovation(name, known, f"[{k}].innovations")
        return bodies


def _innovation_names(info: ValidationInfo) -> set[str] | None:
    """Names of the scenario's innovations, or None if they failed validation (reported on their own)."""
    innovations = info.data.get("innovations")
    return None if innovations is None else {i.name for i in innovations}


def _known_innovation(name: str, known: set[str] | None, where: str) -> None:
    """National routes and network bodies must name innovations of the portfolio."""
    if known is not None and name not in known:
        raise ValueError(f"{where} names {name!r}, which is not one of the scenario's innovations")


def joint_fund(scenario: Scenario) -> dict[str, Any]:
    """Evans 2024's long-term joint fund in place of a scenario's grants: what the ``joint_funding`` lever sets.

    The whole grant programme's money goes instead, at the same yearly rate and over the same
    years (from the first call to a call interval after the last, or to the end of the run), into
    a joint health and social care fund paid through the pooled budgets that every council then
    holds with its ICB (ODD 7.14): it pays the pools' pilots and the double running of their
    moves, and its unspent money carries over to the fund's end. No grants are offered. A
    scenario that already puts its money into the joint fund and offers no grants is left as it is.

    Args:
        scenario: The scenario whose grants become the fund.

    Returns:
        Dotted scenario key -> value (empty when the scenario is joint-funded already).
    """
    f = scenario.funding
    if f.budget_per_call_k == 0 and scenario.nhs.joint_fund_k_per_year > 0:
        return {}
    last = f.last_call()
    end = scenario.simulation.steps if last is None else last + f.call_interval_months - 1
    months = max(end - f.first_call_month + 1, 1)
    return {
        "funding.budget_per_call_k": 0.0,
        "nhs.pooled_council_share": 1.0,
        "nhs.joint_fund_k_per_year": f.budget_per_call_k * 12.0 / f.call_interval_months,
        "nhs.joint_fund_start_month": f.first_call_month,
        "nhs.joint_fund_months": months,
        "nhs.joint_fund_carry_over_months": months,
        "nhs.joint_fund_covers_double_running": True,
    }


#: Flat keyword names for the main levers (SocialCareModel, simulate, batch_run).
LEVERS: dict[str, str] = {
    "grant_duration_months": "funding.grant_duration_months",
    "budget_per_call_k": "funding.budget_per_call_k",
    "call_interval_months": "funding.call_interval_months",
    "regulatory_flexibility": "regulation.flexibility",
    "cost_saving_pressure": "local_authorities.cost_saving_pressure",
    "reorganisation_rate_per_year": "local_authorities.reorganisation_rate_per_year",
    "pilot_fund_k_per_year": "local_authorities.pilot_fund_k_per_year",
    "evidence_role": "research.evidence_role",
    "external_influence": "diffusion.external_influence",
    "peer_influence": "diffusion.peer_influence",
    "n_providers": "population.providers",
    "n_local_authorities": "population.local_authorities",
    "steps": "simulation.steps",
    "joint_funding": "nhs.joint_fund_k_per_year",  # True: the grants' money goes to the pooled joint_fund()
}
