"""The ensemble engine: many runs stepped together as blocks of one population (ODD 7.19: the ensemble engine).

Every monthly rule costs a fixed overhead (a few dozen numpy calls) whatever the population, so
small runs spend most of their time on it. An :class:`Ensemble` stacks ``B`` runs as independent
blocks of one population (provider rows, councils, boards and pots per block, a block-diagonal
peer network, per-run evidence, experience, perceived benefit and event counts) and steps them
with the same rules in one pass a month, so the overhead is paid once per batch. Each run has its
own random stream and draws exactly what it would draw alone (:mod:`sasci_sim.model.blocks`), so
a run's tables depend only on its scenario and seed, never on the batch it is in. The runs of a
batch may differ in the parameters that calibration particles and posterior draws vary and in
the policy levers that sweeps vary (``model.blocks.PER_RUN_PARAMETERS``).
``SocialCareModel`` is the batch of one: it builds and steps through the same functions here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sasci_sim.config.schema import SYSTEMS, Scenario
from sasci_sim.model.blocks import PER_RUN_PARAMETERS, SHARED_WHETHER_POSITIVE, Blocks, run_parameters
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.network import PeerExposure, build_network
from sasci_sim.model.nhs import Boards, build_boards
from sasci_sim.model.population import (
    Councils,
    Payer,
    Portfolio,
    Providers,
    State,
    build_councils,
    build_providers,
    place_existing_users,
)
from sasci_sim.model.recording import Recorder
from sasci_sim.model.rules.abandonment import background_abandonment, provider_finances, readopt
from sasci_sim.model.rules.adoption import decide_pilots
from sasci_sim.model.rules.awareness import spread_awareness
from sasci_sim.model.rules.commissioning import (
    refresh_commitments,
    reorganise,
    review_contracts,
    sign_up_systems,
    update_funds,
)
from sasci_sim.model.rules.decommissioning import drop_unaffordable
from sasci_sim.model.rules.evidence import accumulate_evidence
from sasci_sim.model.rules.funding import award_grants, is_call_month, spend_grants
from sasci_sim.model.rules.intermediaries import NetworkBodies, network_awareness
from sasci_sim.model.rules.learning import Learned, learn_from_outcomes
from sasci_sim.model.rules.national import (
    NATIONAL_EVENTS,
    NATIONAL_SCALARS,
    ProgrammePots,
    fund_programmes,
    inspect_mandates,
)
from sasci_sim.model.rules.policy import PolicyClock, follow_practice, policy_events, watch_practice
from sasci_sim.model.rules.pooled import share_pooled_costs
from sasci_sim.model.rules.regulation import approve_pilots
from sasci_sim.model.rules.scaling import council_rollout
from sasci_sim.model.rules.settlements import annual_settlement
from sasci_sim.model.rules.sustainment import funding_cliff
from sasci_sim.model.rules.transitions import CAUSES, abandon
from sasci_sim.model.schemes import People
from sasci_sim.model.views import CellAccess, CellViews
from sasci_sim.model.world import World

EVENT_NAMES = (
    "aware_new",
    "pilots_started",
    "grants",
    "sustained_new",
    "abandoned_within_6_months_of_grant_end",
    "pilots_abandoned_at_grant_end",
    *(f"abandoned_{c}" for c in CAUSES),
    *NATIONAL_EVENTS,
)
SCALAR_NAMES = (
    "grants_awarded_k",
    "grants_spent_k",
    "council_spend_k",
    "provider_spend_k",
    "council_savings_k",
    "reorganisations",
    "nhs_spend_k",
    "joint_fund_spent_k",
    "nhs_savings_k",
    "councils_overspent",
    *NATIONAL_SCALARS,
)


class MonthWorld(World, Protocol):
    """What the month's schedule needs beyond the rules' World: its funders' calls and its state holders."""

    boards: Boards
    cells: CellViews
    learned: Learned
    programme_pots: ProgrammePots
    network_bodies: NetworkBodies
    policy_clock: PolicyClock

    def call_funders(self) -> None:
        """Run this month's calls of every funder in every run."""
        ...

    def reset_events(self) -> None:
        """Zero this month's event counts and money tallies."""
        ...


@dataclass
class Stacked:
    """The state of B runs built one by one from their own streams, then stacked as blocks.

    Attributes:
        blocks: The layout and the runs' random streams.
        portfolio: The innovations (perceived, true and prior benefit per run: length B * M).
        providers: All runs' providers (council indices global).
        councils: All runs' councils.
        exposure: Peer counts over the block-diagonal network.
        boards: All runs' ICBs (board indices global).
        peer_learning: Each provider's weight as a learner, relative to its own run's mean.
        initial_evidence: Evidence per run and innovation at the start.
        programme_pots: Every run's local pots, areas global.
        network_bodies: The bodies' members in every run.
        people: Every run's people (councils stacked), or None when the scenario does not count them.
    """

    blocks: Blocks
    portfolio: Portfolio
    providers: Providers
    councils: Councils
    exposure: PeerExposure
    boards: Boards
    peer_learning: np.ndarray
    initial_evidence: np.ndarray
    programme_pots: ProgrammePots
    network_bodies: NetworkBodies
    people: People | None


def _concat(
    items: Sequence[Any], cls: type, offsets: dict[str, Sequence[int]] | None = None, rows: int | None = None
) -> Any:
    """One dataclass of the items' arrays end to end, adding per-block offsets to index fields.

    Cell arrays cut down to their first row by ``_keep_first_row`` are made whole again, ``rows``
    rows per item, all equal to that row.
    """
    offsets = offsets or {}
    values = {}
    for f in fields(cls):
        if not f.init:
            continue
        parts = [getattr(item, f.name) for item in items]
        if f.name in offsets:
            parts = [part + offsets[f.name][b] for b, part in enumerate(parts)]
        if len(parts) == 1:
            values[f.name] = parts[0]
        elif rows is not None and parts[0].ndim == 2 and len(parts[0]) == 1:
            values[f.name] = np.repeat(parts[0], rows * len(parts), axis=0)
        else:
            values[f.name] = np.concatenate(parts)
    return cls(**values)


def _block_diagonal(adjacencies: list[sp.csr_matrix]) -> sp.csr_matrix:
    """The runs' peer networks as one block-diagonal CSR matrix, built from their arrays directly.

    Each provider keeps its ties in the order it has them alone (``scipy.sparse.block_diag`` would
    go through a coordinate copy of every tie).
    """
    n = adjacencies[0].shape[0]
    ties = np.cumsum([0] + [a.nnz for a in adjacencies[:-1]])
    indptr = np.concatenate(
        [adjacencies[0].indptr[:1]] + [a.indptr[1:] + t for a, t in zip(adjacencies, ties, strict=True)]
    )
    indices = np.concatenate([a.indices + b * n for b, a in enumerate(adjacencies)])
    data = np.concatenate([a.data for a in adjacencies])
    size = n * len(adjacencies)
    return sp.csr_matrix((data, indices, indptr), shape=(size, size))


def _keep_first_row(providers: Providers) -> None:
    """Cut a run's cell arrays, which start the same in every cell, to one row until the batch is stacked.

    So building a batch never holds each run's cell arrays and the batch's at once (memory per run
    in a batch stays that of a run alone).
    """
    for f in fields(Providers):
        value = getattr(providers, f.name)
        if f.init and isinstance(value, np.ndarray) and value.ndim == 2:
            if value.size and value.min() != value.max():
                raise ValueError(f"providers.{f.name} does not start the same in every cell")
            setattr(providers, f.name, value[:1].copy())


def build_runs(
    cfg: Scenario, rngs: Sequence[np.random.Generator], scenarios: Sequence[Scenario] | None = None
) -> Stacked:
    """Draw each run's population, councils, network, boards and bodies from its own stream, and stack them.

    Each run draws in the order a run alone draws (providers, councils, network, boards, network
    bodies), so a batch of one is exactly today's single run.

    Args:
        cfg: The resolved scenario, shared by every run.
        rngs: One random stream per run, in block order.
        scenarios: Each run's own scenario, when runs differ in ``PER_RUN_PARAMETERS``; each
            run builds its providers (their surplus) and councils (their cost-saving pressure,
            drawn from its own stream around its own mean, and pilot pots) from its own
            scenario, in the same draws as alone; ``cfg`` for every run when None.

    Returns:
        The stacked state.
    """
    portfolio = Portfolio.from_scenario(cfg)
    runs = len(rngs)
    own = scenarios if scenarios is not None else [cfg] * runs
    parts = []
    for run_cfg, rng in zip(own, rngs, strict=True):
        providers = build_providers(run_cfg, portfolio, rng)  # each run's own surplus; the same draws
        if runs > 1:
            _keep_first_row(providers)  # the batch's cell arrays are made once, below
        councils = build_councils(run_cfg, providers, portfolio, rng)  # each run's own pressure and pilot pots
        adjacency = build_network(cfg.network, providers.council, providers.kind, rng)
        boards = build_boards(run_cfg, councils, rng)  # each run's own joint fund in its pools
        bodies = NetworkBodies.build(cfg, portfolio, providers.n, rng)
        pots = ProgrammePots.build(cfg, portfolio, councils, boards.board)
        parts.append((providers, councils, adjacency, boards, bodies, pots))
    n, m, n_la = parts[0][0].n, portfolio.size, parts[0][1].n
    n_b = parts[0][3].n
    providers = _concat([p[0] for p in parts], Providers, {"council": [b * n_la for b in range(runs)]}, n)
    councils = _concat([p[1] for p in parts], Councils)
    adjacencies = [p[2] for p in parts]
    adjacency = adjacencies[0] if runs == 1 or adjacencies[0] is None else _block_diagonal(adjacencies)
    boards = _concat([p[3] for p in parts], Boards, {"board": [b * n_b for b in range(runs)]})
    bodies = NetworkBodies(
        parts[0][4].cols, [np.concatenate([p[4].member[k] for p in parts]) for k in range(len(parts[0][4].cols))]
    )
    pots = _stack_pots([p[5] for p in parts])
    for name in ("benefit", "true_benefit", "prior_benefit"):  # the sector's belief is each run's own
        setattr(portfolio, name, np.tile(getattr(portfolio, name), runs))
    learning = []
    for p in parts:
        collab = p[0].collaboration
        learning.append(collab / collab.mean() if collab.mean() > 0 else np.ones(n))
    return Stacked(
        blocks=Blocks(rngs, n, n_la, m, run_parameters(scenarios or [cfg] * runs)),
        portfolio=portfolio,
        providers=providers,
        councils=councils,
        exposure=PeerExposure(adjacency, providers.n, m, runs),
        boards=boards,
        peer_learning=learning[0] if runs == 1 else np.concatenate(learning),
        initial_evidence=np.tile(np.array([i.evidence for i in cfg.innovations]), runs),
        programme_pots=pots,
        network_bodies=bodies,
        people=_stack_people([People.from_scenario(cfg, p[1]) for p in parts]),
    )


def _stack_pots(pots: list[ProgrammePots]) -> ProgrammePots:
    """Every run's programme pots as one, each run's areas numbered after the previous run's."""
    if len(pots) == 1:
        return pots[0]
    out = ProgrammePots([], [], [], [], [])
    for k in range(len(pots[0].pot)):
        sizes = [p.pot[k].size for p in pots]
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        out.area.append(np.concatenate([p.area[k] + s for p, s in zip(pots, starts, strict=True)]))
        out.share.append(np.concatenate([p.share[k] for p in pots]))
        out.pot.append(np.concatenate([p.pot[k] for p in pots]))
        out.cols.append(pots[0].cols[k])
        out.grants.append(pots[0].grants[k])
    return out


def _stack_people(people: list[People | None]) -> People | None:
    """Every run's people per council as one People (the counted innovations are the scenario's)."""
    first = people[0]
    if first is None or len(people) == 1:
        return first
    using = np.concatenate([p.using_care for p in people if p is not None])
    return People(using, first.counted, first.per_scheme, first.growth_months, first.max_schemes)


def run_slice(b: int, n: int) -> slice:
    """Rows (or councils) of run ``b`` when each run has ``n``.

    Args:
        b: The run's block.
        n: Items per run.

    Returns:
        The slice.
    """
    return slice(b * n, (b + 1) * n)


def run_views(world: World, b: int) -> tuple[Providers, Councils]:
    """Run ``b``'s providers and councils as views of the stacked arrays (council indices local).

    Args:
        world: The stacked world.
        b: The run's block.

    Returns:
        Providers and Councils whose arrays are views of run ``b``'s rows (the council index is a
        local copy), for code written for one run.
    """
    runs, p, c = world.blocks, world.providers, world.councils
    rows, las = run_slice(b, runs.n), run_slice(b, runs.l)
    values = {f.name: getattr(p, f.name)[rows] for f in fields(Providers) if f.init}
    values["council"] = values["council"] - b * runs.l
    council_values = {f.name: getattr(c, f.name)[las] for f in fields(Councils) if f.init}
    return Providers(**values), Councils(**council_values)


def launch_innovations(world: World) -> None:
    """Originators start piloting an innovation in its launch month, in every run (ODD: Initialisation).

    Args:
        world: The stacked world; each run draws its originators and existing users from its own stream.
    """
    p, runs = world.providers, world.blocks
    launching = np.flatnonzero(world.portfolio.launch == world.t)
    if launching.size == 0:
        return
    for j in launching:
        k = int(min(world.portfolio.initial_pilots[j], runs.n))
        if k == 0:
            continue
        for b, rng in enumerate(runs.rngs):
            rows = rng.choice(runs.n, size=k, replace=False) + b * runs.n
            world.pilots_started(rows * p.state.shape[1] + j)
            p.state[rows, j] = State.PILOTING
            p.payer[rows, j] = Payer.OWN
            p.approved[rows, j] = True
            if world.portfolio.kind[j] == SYSTEMS:
                world.councils.signed[p.council[rows], j] = True
    # fully proven whatever their kind: past the longest proof time of any kind
    proven = int(np.ceil(max(proof for _, proof in world.config.diffusion.proof_times())))
    for b, rng in enumerate(runs.rngs):
        if runs.size == 1:
            placed = place_existing_users(world.portfolio, p, world.councils, launching, proven, rng)
        else:
            providers, councils = run_views(world, b)
            placed = place_existing_users(world.portfolio, providers, councils, launching, proven, rng)
        world.pilots_started(placed + b * runs.n * world.portfolio.size)  # users under way, as pilots started are


def council_month(world: MonthWorld) -> None:
    """Councils settle their yearly budgets, refill pilot funds, pay and review contracts, sign up, reorganise.

    Args:
        world: The month's world.
    """
    runs = world.blocks
    annual_settlement(world)  # stop-go settlement, overspend pressure, reinvested savings
    update_funds(world)
    refresh_commitments(world)
    world.events_scalar["council_spend_k"] += runs.per_council_run(world.councils.committed)
    sites = world.operating_sites()
    world.events_scalar["council_savings_k"] += runs.dot_columns(sites, world.portfolio.council_saving)
    dropped = review_contracts(world)
    rows, cols = split_cells(dropped, world.portfolio.size)
    abandon(world, rows, cols, "review")
    sign_up_systems(world)
    restructures = float(np.sum(world.events_scalar["reorganisations"]))
    reorganise(world)  # recomputes the commitments itself when a council restructures
    if dropped.size and float(np.sum(world.events_scalar["reorganisations"])) == restructures:
        refresh_commitments(world)  # otherwise they are as computed above, less what review dropped


def run_month(world: MonthWorld) -> None:
    """One month of every run, in the order of docs/ODD.md section 3 ('Process overview and scheduling').

    Args:
        world: The world after ``t`` is set to this month.
    """
    world.reset_events()
    launch_innovations(world)
    world.call_funders()  # 1. calls and grants
    spend_grants(world)  # 1. grant money spent this month
    fund_programmes(world, world.programme_pots)  # 1b. national programmes through local pots
    alone = not world.cells.tracking  # a month stepped on its own finds the cells under way afresh
    world.cells.track()  # from here every pilot started is reported (start_pilots, launch_innovations)
    try:
        spread_awareness(world)  # 2. awareness
        network_awareness(world)  # 2b. network bodies spread awareness
        decide_pilots(world)  # 3. decision to pilot
        council_rollout(world)  # 3b. scaling through commissioning
        inspect_mandates(world)  # 3c. national standards at inspection
        follow_practice(world, world.policy_clock)  # 3d. national policy that followed local practice
        approve_pilots(world)  # 4. regulation
        funding_cliff(world)  # 5. sustain or abandon at the cliff
        background_abandonment(world)  # 5. background hazard
        provider_finances(world)  # 5. reserves pay for own-funded adopters
        world.cells.keep()  # from here to the evidence, cells change only where contracts and adopters are dropped
        try:
            council_month(world)  # 6. councils
            share_pooled_costs(world)  # 6b. pooled budgets: the ICBs' and the joint fund's share
            drop_unaffordable(world)  # 6c. over budget: contracts dropped
            accumulate_evidence(world)  # 7. evidence
        finally:
            world.cells.forget()
        learn_from_outcomes(world)  # 7a. failure teaches: perceived benefit
        readopt(world)
        watch_practice(world, world.policy_clock)  # 7c. central government notes what local practice has shown
    finally:
        if alone:
            world.cells.untrack()


def batch_key(scenario: Scenario) -> str:
    """What runs must share to be stepped in one batch: the scenario less ``PER_RUN_PARAMETERS``.

    Whether each of ``SHARED_WHETHER_POSITIVE`` is above 0 stays in the key: a joint fund's
    existence decides the months the fund runs (``nhs.fund_running``), which the pools' rules
    read once for the batch; only its size is each run's own.

    Args:
        scenario: A resolved scenario.

    Returns:
        A text equal for two scenarios exactly when they may share a batch.
    """
    data = scenario.model_dump(mode="json")
    for key in PER_RUN_PARAMETERS:
        section, name = key.split(".")
        data[section].pop(name, None)
    for key in SHARED_WHETHER_POSITIVE:
        section, name = key.split(".")
        data[section][f"{name} > 0"] = getattr(getattr(scenario, section), name) > 0
    return json.dumps(data, sort_keys=True)


class Ensemble(CellAccess):
    """B runs stepped together, each with its own seed and, if given, its own scenario (ODD 7.19: the ensemble engine).

    Attributes:
        config: The resolved scenario (the first run's, when they differ).
        scenarios: Each run's scenario.
        seeds: Each run's seed, in block order.
        t: The current month.
        steps: Months stepped so far.
    """

    def __init__(self, scenario: Scenario | Sequence[Scenario], seeds: Sequence[int]) -> None:
        """Build every run from its own seed and record month 0.

        Args:
            scenario: The resolved scenario of every run, or one per run; those may differ only in
                ``PER_RUN_PARAMETERS`` (calibration particles, posterior draws, sweep points),
                and in a joint fund's size but not in whether there is one.
            seeds: One seed per run; run b's stream is ``numpy.random.default_rng(seeds[b])``,
                as a single run's is.

        Raises:
            ValueError: When the scenarios differ in anything else, or do not match the seeds.
        """
        self.seeds = list(seeds)
        self.scenarios = [scenario] * len(self.seeds) if isinstance(scenario, Scenario) else list(scenario)
        if len(self.scenarios) != len(self.seeds) or not self.seeds:
            raise ValueError(
                f"an ensemble needs one scenario per seed (got {len(self.scenarios)} and {len(self.seeds)})"
            )
        if not isinstance(scenario, Scenario) and len({batch_key(s) for s in self.scenarios}) > 1:
            raise ValueError(f"runs of one batch may differ only in {', '.join(PER_RUN_PARAMETERS)}")
        self.config = self.scenarios[0]
        self.t = 0
        self.steps = 0
        rngs = [np.random.default_rng(s) for s in self.seeds]
        self.stacked = build_runs(self.config, rngs, self.scenarios)
        st = self.stacked
        self.blocks, self.portfolio, self.providers, self.councils = st.blocks, st.portfolio, st.providers, st.councils
        self.rng = self.blocks.rngs[0]
        self.exposure, self.boards, self.peer_learning = st.exposure, st.boards, st.peer_learning
        self.initial_evidence = st.initial_evidence
        self.evidence = self.initial_evidence.copy()
        self.experience = np.zeros(self.initial_evidence.size)
        self.learned = Learned.empty(self.initial_evidence.size)
        self.programme_pots, self.network_bodies = st.programme_pots, st.network_bodies
        self.policy_clock = PolicyClock.build(self.config, self.blocks.size)
        self.events: dict[str, np.ndarray] = {}
        self.events_scalar: dict[str, float | np.ndarray] = {}
        self.people = st.people
        self.cells = CellViews(self.providers, self.blocks)
        self.reset_events()
        launch_innovations(self)
        self.exposure.update(self.cells.operating())
        self.recorder = Recorder(self, self.config.simulation.steps)
        self.recorder.record(self)

    def reset_events(self) -> None:
        """Zero this month's per-run event counts and money tallies."""
        size = self.initial_evidence.size
        self.events = {name: np.zeros(size, dtype=np.int64) for name in (*EVENT_NAMES, *policy_events(self.config))}
        if self.blocks.size == 1:  # a float each, as a single run keeps them
            self.events_scalar = dict.fromkeys(SCALAR_NAMES, 0.0)
        else:
            self.events_scalar = {name: np.zeros(self.blocks.size) for name in SCALAR_NAMES}

    def call_funders(self) -> None:
        """Every funder runs its call in every run, in a call month."""
        if not is_call_month(self):
            return
        for spec in self.config.funding.funders:
            self.events_scalar["grants_awarded_k"] += award_grants(self, spec)

    def step(self) -> None:
        """One month of every run."""
        self.steps += 1
        self.t = self.steps
        run_month(self)
        self.recorder.record(self)

    def run(self) -> None:
        """Step every run to the end of the scenario.

        Nothing else writes the cells between the months of a run, so the index of cells under way
        is kept from month to month (``CellViews.track``), with every pilot started reported.
        """
        self.cells.track()
        try:
            while self.steps < self.config.simulation.steps:
                self.step()
        finally:
            self.cells.untrack()

    def tables(self, b: int, replication: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Run ``b``'s spread and money tables, as a single run's Recorder writes them.

        Args:
            b: The run's block.
            replication: The replication number written in each row.

        Returns:
            (spread, money).
        """
        return self.recorder.tidy(self, replication, b), self.recorder.money(replication, b)


__all__ = ["EVENT_NAMES", "SCALAR_NAMES", "CellViews", "Ensemble", "build_runs", "run_month"]
