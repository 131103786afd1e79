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
from sasci_sim.model.kernels.sampling import cells_with_chance, thin
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
    p, cfg = world.providers, world.config
    world.exposure.update(world.operating_mask())
    launched = world.portfolio.launch <= world.t
    if not launched.any():
        return
    m = p.state.shape[1]
    external = np.minimum(
        1.0,
        cfg.diffusion.external_influence
        + cfg.research.dissemination_per_month * cfg.research.evidence_role * world.evidence,
    )
    external = np.where(launched, external, 0.0)
    bound = float(external.max())
    cells = cells_with_chance(world.rng, p.state, State.UNAWARE.value, bound)
    cells = cells[thin(world.rng, external[cells % m], bound)]
    _become_aware(world, cells)

    cells, bound = _peer_candidates(world, external)
    if cells.size == 0:
        return
    rows, cols = split_cells(cells, m)
    peer = cfg.diffusion.peer_influence * world.peer_learning[rows] * world.exposure.share_at(rows, cols)
    # min(1 - ext, peer) / (1 - ext) = min(1, peer / (1 - ext)); a missed share of 0 leaves no unaware cell
    chance = np.minimum(peer / np.maximum(1.0 - external, 1e-300)[cols], 1.0)
    _become_aware(world, cells[thin(world.rng, chance, bound)])


def _peer_candidates(world: World, external: np.ndarray) -> tuple[np.ndarray, float]:
    """Unaware cells of launched innovations that peers may reach, and a bound on their chance.

    On a network these are the cells with a peer using the innovation (bound 1).
    On the complete graph every cell of an innovation in use is exposed, so they
    are drawn sparsely at the largest chance any of them has.
    """
    p, cfg, ex = world.providers, world.config, world.exposure
    m = p.state.shape[1]
    launched = world.portfolio.launch <= world.t
    if ex.adjacency is None:
        peer_max = cfg.diffusion.peer_influence * float(world.peer_learning.max(initial=0.0)) * ex.count / ex.n
        missed = 1.0 - external
        ratio = np.divide(np.minimum(missed, peer_max), missed, out=np.zeros(m), where=missed > 0)
        bound = float(np.where(launched, ratio, 0.0).max())
        cells = cells_with_chance(world.rng, p.state, State.UNAWARE.value, bound)
        return cells[launched[cells % m]], bound
    mask = ex.exposed_mask() & (p.state == State.UNAWARE.value)
    mask[:, ~launched] = False
    return np.flatnonzero(mask), 1.0


def _become_aware(world: World, cells: np.ndarray) -> None:
    if cells.size:
        m = world.providers.state.shape[1]
        world.providers.state.ravel()[cells] = State.AWARE
        world.events["aware_new"] += np.bincount(cells % m, minlength=m)
