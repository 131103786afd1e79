"""Awareness: the external channel and the peer channel (ODD: Submodel 'awareness').

For an unaware provider i and a launched innovation j the monthly chance of
becoming aware is the discrete Bass hazard

    h[i, j] = min(1, p + r * e * E[j] + q * c[i] * x[i, j])

p: external influence (funders, intermediaries, press); r: research
dissemination, e: role of evidence, E[j]: evidence; q: peer influence;
x[i, j]: share of i's peers using j; c[i]: how much i learns from peers, its
collaboration capability relative to the population mean (1 when providers are
identical). With every friction off this is exactly Bass (1969).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.population import State
from sasci_sim.model.world import World


def spread_awareness(world: World) -> None:
    """Unaware providers become aware through the external and peer channels.

    One uniform U < h per cell is drawn as two independent steps, so that only
    cells that can be hit cost work: first the external channel hits each
    unaware cell with chance ext[j] = min(1, p + r * e * E[j]) (sparse
    sampling); then a cell it missed is hit through peers with chance
    min(1 - ext[j], peer[i, j]) / (1 - ext[j]), which is non-zero only where a
    peer uses the innovation. Together: ext + min(1 - ext, peer) = h[i, j].

    Args:
        world: The month's world; reads unaware cells, evidence and peer exposure, writes their
            state (to AWARE) and ``aware_new``.
    """
    p, cfg, runs = world.providers, world.config, world.blocks
    world.refresh_exposure()  # the peers using each innovation after last month's changes
    launched = world.portfolio.launch <= world.t
    if not launched.any():
        return
    m = p.state.shape[1]
    dissemination = np.repeat(runs.param("research.dissemination_per_month"), m)  # each run's own
    external = np.minimum(
        1.0,
        cfg.diffusion.external_influence
        + dissemination * runs.param_columns("research.evidence_role") * world.evidence,  # each run's own
    )
    external = np.where(np.tile(launched, runs.size), external, 0.0)  # per run and innovation
    bound = external.reshape(runs.size, m).max(axis=1)  # each run's own bound, as it has alone
    cells = runs.cells_with_chance(p.state, State.UNAWARE.value, bound)
    rows, cols = split_cells(cells, m)
    blocks = runs.of_rows(rows)
    cells = cells[runs.thin(blocks, external[runs.block_columns(blocks, cols)], bound)]
    _become_aware(world, cells)

    cells, bound = _peer_candidates(world, external)
    if cells.size == 0:
        return
    rows, cols = split_cells(cells, m)
    blocks = runs.of_rows(rows)
    peer = (
        runs.param_rows("diffusion.peer_influence", rows)
        * world.peer_learning[rows]
        * world.exposure.share_at(rows, cols, cells)
    )
    # min(1 - ext, peer) / (1 - ext) = min(1, peer / (1 - ext)); a missed share of 0 leaves no unaware cell
    chance = np.minimum(peer / np.maximum(1.0 - external, 1e-300)[runs.block_columns(blocks, cols)], 1.0)
    _become_aware(world, cells[runs.thin(blocks, chance, bound)])


def _peer_candidates(world: World, external: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unaware cells of launched innovations that peers may reach, and a bound on their chance per run.

    On a network these are the cells with a peer using the innovation (bound 1).
    On the complete graph every cell of an innovation in use is exposed, so they
    are drawn sparsely at the largest chance any of them has in their run.
    """
    p, ex, runs = world.providers, world.exposure, world.blocks
    m = p.state.shape[1]
    launched = world.portfolio.launch <= world.t
    if ex.adjacency is None:
        most = world.peer_learning.reshape(runs.size, -1).max(axis=1, initial=0.0)  # per run
        peer_max = runs.param_columns("diffusion.peer_influence") * np.repeat(most, m) * ex.count / ex.n
        missed = 1.0 - external
        ratio = np.divide(np.minimum(missed, peer_max), missed, out=np.zeros(missed.size), where=missed > 0)
        bound = np.where(np.tile(launched, runs.size), ratio, 0.0).reshape(runs.size, m).max(axis=1)
        cells = runs.cells_with_chance(p.state, State.UNAWARE.value, bound)
        return cells[launched[cells % m]], bound
    cells = world.unaware_exposed()
    if not launched.all():
        cells = cells[launched[cells % m]]
    return cells, np.ones(runs.size)


def _become_aware(world: World, cells: np.ndarray) -> None:
    if cells.size:
        m = world.providers.state.shape[1]
        world.providers.state.ravel()[cells] = State.AWARE
        world.cells_written(cells)
        rows, cols = split_cells(cells, m)
        world.events["aware_new"] += np.bincount(
            world.blocks.columns(rows, cols), minlength=world.events["aware_new"].size
        )
