"""The provider population and the councils as numpy arrays (ODD: Entities; Initialisation).

One row per provider, one column per innovation. The rules in
:mod:`sasci_sim.model.rules` read and write these arrays; Mesa agents are views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from sasci_sim.config.schema import KINDS, PROVIDER_KINDS, SYSTEMS, Innovation, Scenario
from sasci_sim.model.kernels.columns import column_counts


class State(IntEnum):
    """A provider's state for one innovation (ODD: state variables).

    Compare arrays with ``State.X.value`` (a plain int), not ``State.X``: numpy
    widens the whole int8 array to int64 for an IntEnum member (over 10 times slower).
    """

    UNAWARE = 0
    AWARE = 1
    PILOTING = 2
    SUSTAINED = 3
    ABANDONED = 4


class Payer(IntEnum):
    """Who pays an adopter's running cost (compare arrays with ``Payer.X.value``, see State)."""

    NONE = 0
    OWN = 1  # the provider, from reserves or the innovation's own savings
    GRANT = 2  # a funder's grant
    PILOT_FUND = 3  # the council's local pilot fund
    COUNCIL = 4  # the council commissions it


NO_MONTH = np.int16(-1)


@dataclass
class Portfolio:
    """Innovation attributes as arrays of length M (ODD: Entities, Innovation)."""

    names: list[str]
    kind: np.ndarray  # int8 index into KINDS
    benefit: np.ndarray  # the sector's perceived benefit, learned from outcomes (rules.learning)
    true_benefit: np.ndarray  # the scenario's value: what operating sites show
    prior_benefit: np.ndarray  # the sector's belief before any outcome is seen
    council_saving: np.ndarray  # k GBP / site / month
    nhs_saving: np.ndarray  # k GBP / site / month, to the NHS (the "wrong pocket")
    provider_saving: np.ndarray
    upfront: np.ndarray
    running: np.ndarray
    double_running: np.ndarray
    transition: np.ndarray
    complexity: np.ndarray
    burden: np.ndarray
    launch: np.ndarray
    initial_pilots: np.ndarray
    initial_share: np.ndarray  # share of providers already using it when it enters the run
    initial_council_share: np.ndarray  # share of councils already commissioning it

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Portfolio:
        """The innovations of a scenario as one array per attribute, so rules index them by column.

        Args:
            scenario: The resolved scenario.

        Returns:
            The portfolio, in the scenario's order of innovations.
        """
        inn = scenario.innovations

        def col(attr: str, dtype: type = np.float64) -> np.ndarray:
            return np.array([getattr(i, attr) for i in inn], dtype=dtype)

        dr, nhs_cfg = scenario.double_running, scenario.nhs

        def nhs_saving(i: Innovation) -> float:
            if i.nhs_saving_k_per_month is not None:
                return i.nhs_saving_k_per_month
            share = nhs_cfg.saving_share.of(i.kind)  # NHS share of the public saving
            return max(i.commissioner_saving_k_per_month, 0.0) * share / (1.0 - share)

        def by_kind(value: float | None, default: float) -> float:
            return default if value is None else float(value)

        return cls(
            names=[i.name for i in inn],
            kind=np.array([KINDS.index(i.kind) for i in inn], dtype=np.int8),
            benefit=col("benefit"),
            true_benefit=col("benefit"),
            prior_benefit=np.array([by_kind(i.prior_benefit, i.benefit) for i in inn]),
            council_saving=col("commissioner_saving_k_per_month"),
            nhs_saving=np.array([nhs_saving(i) for i in inn]),
            provider_saving=col("provider_saving_k_per_month"),
            upfront=col("upfront_cost_k"),
            running=col("running_cost_k_per_month"),
            double_running=np.array(
                [
                    by_kind(i.double_running_k_per_month, dr.cost_share.of(i.kind) * i.running_cost_k_per_month)
                    for i in inn
                ]
            ),
            transition=np.array([by_kind(i.transition_months, dr.months.of(i.kind)) for i in inn]),
            complexity=col("complexity"),
            burden=col("regulatory_burden"),
            launch=col("launch_month", np.int64),
            initial_pilots=col("initial_pilots", np.int64),
            initial_share=col("initial_share"),
            initial_council_share=col("initial_council_share"),
        )

    @property
    def size(self) -> int:
        """Innovations in the portfolio (M)."""
        return len(self.names)

    @property
    def net_provider_cost(self) -> np.ndarray:
        """Monthly cost to a provider paying for it itself (running less own saving)."""
        return self.running - self.provider_saving

    @property
    def saving_ratio(self) -> np.ndarray:
        """Council saving per pound of running cost, 0..1 (1 pays for itself)."""
        return np.clip(self.council_saving / np.maximum(self.running, 1e-9), 0.0, 1.0)


@dataclass
class Providers:
    """Provider attributes (length N) and per-innovation cell state (N x M)."""

    council: np.ndarray  # int32, index of the provider's local authority
    kind: np.ndarray  # int8 index into PROVIDER_KINDS
    leadership: np.ndarray
    knowledge: np.ndarray
    culture: np.ndarray  # appetite for risk
    collaboration: np.ndarray
    resources: np.ndarray
    reserves: np.ndarray  # k GBP, never negative
    reserves_cap: np.ndarray
    surplus: np.ndarray  # k GBP / month
    pilots_lost: np.ndarray  # int16: pilots this provider lost at a funding cliff ("pilot fatigue")
    # cell state, N x M
    state: np.ndarray  # int8 State
    payer: np.ndarray  # int8 Payer
    approved: np.ndarray  # bool: regulatory approval given (pilot operating)
    months_operating: np.ndarray  # int16
    grant_end: np.ndarray  # int16 month a grant ends (kept after it ends), -1 none
    double_covered: np.ndarray  # bool: a funder pays the double running
    transition_end: np.ndarray  # int16 month the commissioner's double running ends, -1 none
    partial: np.ndarray  # bool: a cut-down version is kept
    ever_abandoned: np.ndarray  # bool
    capability: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        """Compute the composite capability once, from the five clusters drawn."""
        self.capability = capability_score(self)

    @property
    def n(self) -> int:
        """Providers in the population (N)."""
        return len(self.council)

    def counts(self) -> np.ndarray:
        """Providers in each State for each innovation: array (5, M).

        Returns:
            Counts indexed by State value, then innovation; UNAWARE is what the others leave.
        """
        out = np.empty((len(State), self.state.shape[1]), dtype=np.int64)
        for s in State:
            if s != State.UNAWARE:
                out[s] = column_counts(self.state == s.value)
        out[State.UNAWARE] = self.n - out[1:].sum(axis=0)
        return out


CAPABILITY_WEIGHTS = {"leadership": 0.2, "knowledge": 0.2, "culture": 0.15, "collaboration": 0.3, "resources": 0.15}


def capability_score(p: Providers) -> np.ndarray:
    """Composite innovation capability, 0..1 (ODD: Submodel adoption).

    Collaboration weighs most, as the SASCI capability clusters suggest (ODD 7.3).

    Args:
        p: The providers, with the five clusters drawn.

    Returns:
        The weighted mean of the clusters per provider.
    """
    return sum(w * getattr(p, name) for name, w in CAPABILITY_WEIGHTS.items())


def _beta(rng: np.random.Generator, mean: float, sd: float, n: int) -> np.ndarray:
    """Beta draws with a given mean and sd; sd 0 gives the mean exactly."""
    if sd <= 0:
        return np.full(n, mean)
    var = min(sd * sd, mean * (1 - mean) * 0.99)
    common = mean * (1 - mean) / var - 1
    return rng.beta(mean * common, (1 - mean) * common, size=n)


def build_providers(scenario: Scenario, portfolio: Portfolio, rng: np.random.Generator) -> Providers:
    """Draw the provider population (ODD: Initialisation).

    Councils, kinds, the five capability clusters, reserves and surplus; every cell starts
    unaware.

    Args:
        scenario: The resolved scenario.
        portfolio: The innovations (for the number of cell columns).
        rng: The run's random stream.

    Returns:
        The providers.
    """
    pop = scenario.population
    n, m, n_la = pop.providers, portfolio.size, pop.local_authorities
    # council areas differ in size (log-normal), every council gets at least one provider
    weights = rng.lognormal(0.0, 0.5, size=n_la)
    council = np.sort(rng.choice(n_la, size=n, p=weights / weights.sum())).astype(np.int32)
    if n >= n_la:
        council[:n_la] = np.arange(n_la)
        council.sort()
    mix = pop.provider_mix
    kind = rng.choice(3, size=n, p=[mix.residential, mix.domiciliary, mix.community]).astype(np.int8)
    clusters = {name: _beta(rng, pop.capability_mean, pop.capability_sd, n) for name in CAPABILITY_WEIGHTS}
    scale = rng.lognormal(0.0, pop.reserves_sigma, size=n) if pop.reserves_sigma > 0 else np.ones(n)
    reserves = pop.reserves_median_k * scale * (0.5 + clusters["resources"])
    shape = (n, m)
    return Providers(
        council=council,
        kind=kind,
        **clusters,
        reserves=reserves,
        reserves_cap=2.0 * reserves,
        surplus=pop.surplus_k_per_month * scale,
        pilots_lost=np.zeros(n, dtype=np.int16),
        state=np.zeros(shape, dtype=np.int8),
        payer=np.zeros(shape, dtype=np.int8),
        approved=np.zeros(shape, dtype=bool),
        months_operating=np.zeros(shape, dtype=np.int16),
        grant_end=np.full(shape, NO_MONTH, dtype=np.int16),
        double_covered=np.zeros(shape, dtype=bool),
        transition_end=np.full(shape, NO_MONTH, dtype=np.int16),
        partial=np.zeros(shape, dtype=bool),
        ever_abandoned=np.zeros(shape, dtype=bool),
    )


@dataclass
class Councils:
    """Local authority state (length L, and L x M)."""

    pressure: np.ndarray  # cost-saving pressure 0..1
    budget: np.ndarray  # k GBP / month for running innovations
    committed: np.ndarray  # k GBP / month already committed
    pilot_pot: np.ndarray  # k GBP in the local pilot fund
    signed: np.ndarray  # L x M bool: signed up to a systems innovation
    reorganisations: np.ndarray  # count so far
    n_providers: np.ndarray
    base_pressure: np.ndarray = field(init=False)  # pressure in an average year (settlements move pressure around it)
    overspent: np.ndarray = field(init=False)  # bool: overspent in the current settlement year

    def __post_init__(self) -> None:
        """Remember each council's own pressure, around which overspends move it, and start unspent."""
        self.base_pressure = self.pressure.copy()
        self.overspent = np.zeros(len(self.pressure), dtype=bool)

    @property
    def n(self) -> int:
        """Councils (L)."""
        return len(self.pressure)


def build_councils(
    scenario: Scenario, providers: Providers, portfolio: Portfolio, rng: np.random.Generator
) -> Councils:
    """Draw council pressure and budgets (ODD: Initialisation).

    Pressure varies between councils around the scenario's mean; budgets scale with the
    providers in each area and shrink with pressure.

    Args:
        scenario: The resolved scenario.
        providers: The providers (for the number in each area).
        portfolio: The innovations (for the sign-up columns).
        rng: The run's random stream.

    Returns:
        The councils, nothing committed yet and pilot funds full.
    """
    la = scenario.local_authorities
    n_la = scenario.population.local_authorities
    pressure = _beta(rng, min(max(la.cost_saving_pressure, 0.005), 0.995), la.pressure_sd, n_la)
    if la.cost_saving_pressure in (0.0, 1.0):
        pressure = np.full(n_la, la.cost_saving_pressure)
    n_prov = np.bincount(providers.council, minlength=n_la)
    budget = la.commissioning_budget_k_per_provider_month * n_prov * (1.0 - la.budget_cut_at_full_pressure * pressure)
    return Councils(
        pressure=pressure,
        budget=budget,
        committed=np.zeros(n_la),
        pilot_pot=np.full(n_la, la.pilot_fund_k_per_year),
        signed=np.zeros((n_la, portfolio.size), dtype=bool),
        reorganisations=np.zeros(n_la, dtype=np.int64),
        n_providers=n_prov,
    )


def place_existing_users(
    portfolio: Portfolio,
    providers: Providers,
    councils: Councils,
    innovations: np.ndarray,
    proven_months: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Innovations already under way: some providers use them, some councils commission them (ODD: Initialisation).

    A scenario that begins in a real year starts with the sector as it is. For each innovation
    entering the run, ``round(initial_share * N)`` providers not yet using it are drawn without
    replacement, with chance in proportion to their capability (early adopters are the capable
    ones, Rogers 2003), and ``round(initial_council_share * L)`` councils are drawn uniformly.
    Users are SUSTAINED, approved and fully proven (``proven_months`` operating months); the
    council pays for users in a commissioning council, the provider for the others. Users'
    councils are signed up to a systems innovation.

    Args:
        portfolio: The innovations.
        providers: The provider arrays (written).
        councils: The council arrays (sign-ups written).
        innovations: Columns of the innovations entering the run now.
        proven_months: Operating months that give full local proof.
        rng: The run's random stream (drawn only for innovations with a share above 0).

    Returns:
        Flat indices (into these providers' cell arrays) of the cells made users, for a world
        that keeps the cells under way.
    """
    n, m = providers.n, providers.state.shape[1]
    placed = [np.empty(0, dtype=np.int64)]
    for j in innovations:
        k = round(portfolio.initial_share[j] * n)
        if k == 0:
            continue
        free = np.flatnonzero(providers.state[:, j] == State.UNAWARE.value)
        k = min(k, free.size)
        weight = providers.capability[free] + 1e-12
        rows = np.sort(rng.choice(free, size=k, replace=False, p=weight / weight.sum()))
        k_la = round(portfolio.initial_council_share[j] * councils.n)
        commissioning = np.zeros(councils.n, dtype=bool)
        commissioning[rng.choice(councils.n, size=k_la, replace=False)] = True
        providers.state[rows, j] = State.SUSTAINED
        placed.append(rows * m + j)
        providers.payer[rows, j] = np.where(commissioning[providers.council[rows]], Payer.COUNCIL, Payer.OWN)
        providers.approved[rows, j] = True
        providers.months_operating[rows, j] = proven_months
        if portfolio.kind[j] == SYSTEMS:
            councils.signed[providers.council[rows], j] = True
    return np.concatenate(placed)


__all__ = [
    "KINDS",
    "PROVIDER_KINDS",
    "Councils",
    "Payer",
    "Portfolio",
    "Providers",
    "State",
    "build_councils",
    "build_providers",
    "place_existing_users",
]
