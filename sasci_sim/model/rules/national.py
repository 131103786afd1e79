"""National routes: standards expected at inspection, and funded national programmes (ODD: Submodel 'national').

**Mandates** (the Care Certificate kind). From its start month a standard is the rule
everywhere: every council counts as signed up to it (a systems innovation needs no local
sign-up once it is national), and each provider is inspected with monthly chance
``1 - exp(-inspections_per_year / 12)``. An inspected provider not using the standard
(unaware, aware, or having given it up) learns of it; with chance ``compliance`` it starts
using it, at its own cost and with nothing to wait for (the standard is the regulator's own),
otherwise it pays ``noncompliance_cost_k`` from its reserves. Adoption moves through
regulation, not through grants.

**Programmes** (the Digitising Social Care kind). Between its start and end months a
programme's budget is paid out in equal monthly tranches to local pots, one per council or
per integrated care board area, in proportion to the providers there; money not awarded by
the end month is returned. While an area's share of providers using an innovation is below
the target, the area's team offers the money to providers not yet using it (chance
``uptake_per_month`` each month, taken up with chance the provider's appeal), and funds the
takers in random order while the pot lasts. A funded provider starts a grant-funded pilot:
the programme promises the upfront cost and ``funded_months`` of running cost (money
awarded), and spends the upfront cost at once and the running cost month by month while the
pilot goes on under the grant (money spent).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sasci_sim.config.schema import SYSTEMS, Mandate, PolicyFromPractice, Programme, Scenario
from sasci_sim.model.kernels.allocation import allocate, spent_by_group
from sasci_sim.model.population import Councils, Payer, Portfolio, State
from sasci_sim.model.rules.adoption import appeal, one_free_bid_each
from sasci_sim.model.rules.transitions import start_pilots
from sasci_sim.model.world import World

#: Integrated care boards in England (Health and Care Act 2022) for its 153 councils.

#: Per-innovation events these rules count (spread.csv columns).
NATIONAL_EVENTS = ("inspections", "mandated_starts", "programme_grants")
#: Money these rules count each month, k GBP (money.csv columns).
NATIONAL_SCALARS = ("programme_awarded_k", "programme_spent_k", "noncompliance_cost_k")


@dataclass
class ProgrammePots:
    """The local pots of each national programme.

    Attributes:
        area: For each programme, the area (pot) of each council (length L).
        share: For each programme, each area's share of the money (its share of providers).
        pot: For each programme, the money each area holds, k GBP.
        cols: For each programme, the indices of the innovations it pays for.
        grants: For each programme, the grants still being paid: provider, innovation and the
            month the grant ends (three equal-length arrays).
    """

    area: list[np.ndarray]
    share: list[np.ndarray]
    pot: list[np.ndarray]
    cols: list[np.ndarray]
    grants: list[tuple[np.ndarray, np.ndarray, np.ndarray]]

    @classmethod
    def build(cls, scenario: Scenario, portfolio: Portfolio, councils: Councils, boards: np.ndarray) -> ProgrammePots:
        """Empty pots for every programme of the scenario, areas drawn from its route.

        Args:
            scenario: The resolved scenario.
            portfolio: The innovations (names to indices).
            councils: The councils (their provider counts).
            boards: The integrated care board of each council (``Boards.board``).

        Returns:
            The pots, all empty.
        """
        out = cls([], [], [], [], [])
        for programme in scenario.national.programmes:
            area = programme_areas(programme, boards)
            n_areas = int(area.max()) + 1
            providers = np.bincount(area, weights=councils.n_providers, minlength=n_areas)
            out.area.append(area)
            out.share.append(providers / providers.sum() if providers.sum() > 0 else np.full(n_areas, 1.0 / n_areas))
            out.pot.append(np.zeros(n_areas))
            out.cols.append(np.array([portfolio.names.index(name) for name in programme.innovations], dtype=np.int64))
            out.grants.append((np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)))
        return out


def programme_areas(programme: Programme, boards: np.ndarray) -> np.ndarray:
    """The area holding the money for each council: itself, or its integrated care board.

    The ICB areas are the boards of the NHS side (``model.nhs``: England's 153 councils in 42
    boards, ``nhs.councils_per_board`` councils each), so a programme routed through ICB areas
    and the pooled budgets use the same boards.

    Args:
        programme: The programme (its route).
        boards: The board of each council (``Boards.board``).

    Returns:
        Area index per council (length L).
    """
    if programme.route == "councils":
        return np.arange(len(boards), dtype=np.int64)
    return boards.astype(np.int64)


def inspection_chance(inspections_per_year: float) -> float:
    """Monthly chance of at least one inspection when inspections come at a steady yearly rate.

    Args:
        inspections_per_year: Inspections of a provider per year (a Poisson rate).

    Returns:
        ``1 - exp(-inspections_per_year / 12)``.
    """
    return 1.0 - math.exp(-inspections_per_year / 12.0)


def inspect_mandates(world: World) -> None:
    """Inspections push providers that do not use a national standard to adopt it.

    Args:
        world: The model state; cells, councils' sign-ups, reserves and counters change.
    """
    mandates = world.config.national.mandates
    in_force = [np.full(world.blocks.size, world.t >= mandate.start_month) for mandate in mandates]
    inspect_standards(world, mandates, in_force)


def inspect_standards(
    world: World, standards: Sequence[Mandate | PolicyFromPractice], in_force: Sequence[np.ndarray]
) -> None:
    """Inspections in the runs where each national standard is in force push providers to adopt it.

    Shared by the scenario's mandates (in force from their start month in every run) and by
    national policy that followed local practice (``model.rules.policy``: in force from a month
    each run reaches on its own). A run where a standard is not in force draws nothing for it.

    Args:
        world: The model state; cells, councils' sign-ups, reserves and counters change.
        standards: Each standard (its innovation, inspections a year, compliance and cost of
            not complying).
        in_force: For each standard, whether it is in force in each run (length B).
    """
    p, runs = world.providers, world.blocks
    m = world.portfolio.size
    for mandate, live in zip(standards, in_force, strict=True):
        j = world.portfolio.names.index(mandate.innovation)
        if not live.any() or world.portfolio.launch[j] > world.t:
            continue
        if world.portfolio.kind[j] == SYSTEMS:
            world.councils.signed[np.repeat(live, runs.l), j] = True  # a national standard is the rule everywhere
        rows = runs.bernoulli(runs.n, np.where(live, inspection_chance(mandate.inspections_per_year), 0.0))
        state = p.state[rows, j]
        np.add.at(world.events["inspections"], runs.of_rows(rows) * m + j, 1)
        missing = (state == State.UNAWARE.value) | (state == State.AWARE.value) | (state == State.ABANDONED.value)
        rows, state = rows[missing], state[missing]
        if rows.size == 0:
            continue
        newly_aware = state == State.UNAWARE.value
        np.add.at(world.events["aware_new"], runs.of_rows(rows[newly_aware]) * m + j, 1)
        p.state[rows[newly_aware], j] = State.AWARE
        world.cells_written(rows[newly_aware] * m + j)
        comply = runs.uniform_rows(rows) < mandate.compliance
        cols = np.full(int(np.count_nonzero(comply)), j, dtype=np.int64)
        start_pilots(world, rows[comply], cols, Payer.OWN)
        p.approved[rows[comply], j] = True  # the standard is the regulator's own: nothing to wait for
        np.add.at(world.events["mandated_starts"], runs.of_rows(rows[comply]) * m + j, 1)
        fined = rows[~comply]
        cost = np.minimum(p.reserves[fined], mandate.noncompliance_cost_k)
        p.reserves[fined] -= cost
        world.events_scalar["noncompliance_cost_k"] += runs.sums(cost, runs.of_rows(fined))


def pay_running_costs(world: World, pots: ProgrammePots, k: int) -> float | np.ndarray:
    """Money programme ``k`` spends this month on the running cost of the pilots it funds.

    A grant pays the running cost of each month after the month it was awarded, up to the
    month it ends, while its pilot is still going under it (piloting, paid by the grant, with
    the same end month); a pilot stopped early costs nothing more.

    Args:
        world: The model state.
        pots: The programmes' pots and grants.
        k: The programme's position in ``national.programmes``.

    Returns:
        The money spent this month, k GBP (per run for a batch).
    """
    p = world.providers
    rows, cols, end = pots.grants[k]
    going = (
        (end >= world.t)
        & (p.state[rows, cols] == State.PILOTING.value)
        & (p.payer[rows, cols] == Payer.GRANT.value)
        & (p.grant_end[rows, cols] == end)
    )
    pots.grants[k] = (rows[going], cols[going], end[going])
    return world.blocks.sums(world.portfolio.running[cols[going]], world.blocks.of_rows(rows[going]))


def fund_programmes(world: World, pots: ProgrammePots) -> None:
    """National programmes pay local pots, and local teams fund providers towards the target.

    Args:
        world: The model state; cells, counters and money tallies change.
        pots: The programmes' pots and the grants they are paying; updated in place.
    """
    p, port, runs = world.providers, world.portfolio, world.blocks
    for k, programme in enumerate(world.config.national.programmes):
        if world.t < programme.start_month:
            continue
        world.events_scalar["programme_spent_k"] += pay_running_costs(world, pots, k)
        if world.t > programme.end_month:
            pots.pot[k][:] = 0.0  # what was not awarded goes back
            continue
        months = programme.end_month - programme.start_month + 1
        pots.pot[k] += programme.budget_k / months * pots.share[k]
        cols = pots.cols[k][port.launch[pots.cols[k]] <= world.t]
        if cols.size == 0:
            continue
        area_of = pots.area[k][p.council]  # each provider's area
        n_areas = pots.pot[k].size
        users = (p.state[:, cols] == State.PILOTING.value) | (p.state[:, cols] == State.SUSTAINED.value)
        in_area = np.bincount(area_of, minlength=n_areas).astype(np.float64)
        using = np.stack([np.bincount(area_of, weights=users[:, c], minlength=n_areas) for c in range(cols.size)], 1)
        below = using < programme.target_share * np.maximum(in_area, 1.0)[:, None]  # areas x programme innovations
        rows = runs.bernoulli(runs.n * cols.size, programme.uptake_per_month)  # each run over its own providers
        rows, which = rows // cols.size, rows % cols.size
        state = p.state[rows, cols[which]]
        open_ = ((state == State.UNAWARE.value) | (state == State.AWARE.value)) & below[area_of[rows], which]
        rows, inn = rows[open_], cols[which[open_]]
        takes = runs.uniform_rows(rows) < appeal(world, rows, inn)
        rows, inn = rows[takes], inn[takes]
        keep = one_free_bid_each(world, rows, inn)
        rows, inn = rows[keep], inn[keep]
        if rows.size == 0:
            continue
        cost = port.upfront[inn] + port.running[inn] * programme.funded_months
        group = area_of[rows]
        won = allocate(group, cost, runs.uniform_rows(rows), pots.pot[k])
        rows, inn, cost, group = rows[won], inn[won], cost[won], group[won]
        pots.pot[k] -= spent_by_group(group, cost, n_areas)
        np.maximum(pots.pot[k], 0.0, out=pots.pot[k])
        newly_aware = p.state[rows, inn] == State.UNAWARE.value
        run_cols = runs.columns(rows, inn)
        np.add.at(world.events["aware_new"], run_cols[newly_aware], 1)
        start_pilots(world, rows, inn, Payer.GRANT, grant_end=world.t + programme.funded_months)
        np.add.at(world.events["grants"], run_cols, 1)
        np.add.at(world.events["programme_grants"], run_cols, 1)
        blocks = runs.of_rows(rows)
        world.events_scalar["programme_awarded_k"] += runs.sums(cost, blocks)
        world.events_scalar["programme_spent_k"] += runs.sums(port.upfront[inn], blocks)  # paid on award
        held_rows, held_cols, held_end = pots.grants[k]
        pots.grants[k] = (
            np.concatenate([held_rows, rows]),
            np.concatenate([held_cols, inn]),
            np.concatenate([held_end, np.full(rows.size, world.t + programme.funded_months, dtype=np.int64)]),
        )
