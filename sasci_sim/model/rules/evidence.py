"""Evidence that accumulates (ODD: Submodel 'evidence').

Each operating site-month of innovation j adds to its experience A[j] the share
of its results the site has had time to show, its local proof L (0 while it
beds in; see commissioning), so a pilot cut short adds little; a grant-funded
(evaluated) site-month counts ``evaluation_weight`` times. Evidence rises from
its starting value E0[j] towards 1:

    E[j] = 1 - (1 - E0[j]) * exp(-A[j] / site_months_per_evidence)

Failure teaches (ODD 'learning'): each pilot that fails this month for a reason blamed on the
innovation takes ``learning.failure_evidence_site_months`` from A[j], so evidence can fall, below
E0[j] too, but not below 0 (A[j] is floored where E[j] = 0).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.kernels.columns import column_sums
from sasci_sim.model.population import Payer
from sasci_sim.model.rules.commissioning import local_proof, proof_after, proof_times
from sasci_sim.model.rules.learning import LearningWorld, failures_this_month
from sasci_sim.model.world import World


def _dense_weight(world: World, operating: np.ndarray, rows: slice) -> np.ndarray:
    """Each cell's weight in these rows (local proof, times evaluation_weight if grant-funded; 0 if not operating)."""
    p = world.providers
    weight = p.months_operating[rows].astype(np.float32)
    bedding, span = proof_times(world.config.diffusion, world.portfolio.kind)
    proof_after(weight, bedding.astype(np.float32), span.astype(np.float32), out=weight)
    weight *= operating
    np.multiply(weight, world.config.research.evaluation_weight, out=weight, where=p.payer[rows] == Payer.GRANT.value)
    return weight


def _weigh_each(world: World, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows, innovations and weights of these operating cells (local proof, evaluated ones weigh more)."""
    p, res = world.providers, world.config.research
    rows, cols = split_cells(cells, p.state.shape[1])
    weight = local_proof(world, rows, cols)
    weight *= np.where(p.payer.ravel()[cells] == Payer.GRANT.value, res.evaluation_weight, 1.0)
    return rows, cols, weight


def _shown(world: World, cells: np.ndarray, rows: slice, mask: np.ndarray | None) -> np.ndarray:
    """This month's weight of operating sites per innovation in one run's rows (``cells`` are theirs).

    ``mask``, when the caller has it, is the whole operating mask (``cells`` are its true cells).
    """
    n, m = rows.stop - rows.start, world.providers.state.shape[1]
    # a site-month weighs its local proof; evaluated (grant-funded) ones evaluation_weight times more
    if cells.size * 8 < n * m:  # few sites: weigh each
        _, cols, weight = _weigh_each(world, cells)
        return np.bincount(cols, weights=weight, minlength=m)
    # most cells operate: weigh them all at once, in float32 (plenty for a weight of 0..1)
    if mask is not None:
        operating = mask[rows]
    else:
        operating = np.zeros((n, m), dtype=bool)
        operating.ravel()[cells - rows.start * m] = True
    return column_sums(_dense_weight(world, operating, rows))


def _shown_per_run(world: World, cells: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """The weight shown per run and innovation (flat, run b's at ``b * m ..``), each run weighed as alone.

    A run with few operating sites weighs each; one where most cells operate weighs them all at
    once. When every run of a batch has few, their sites are weighed in one pass: each run and
    innovation's weights are added in the order that run alone adds them.

    Args:
        world: The month's world.
        cells: The operating cells, sorted.
        mask: The operating mask whose true cells they are, when the caller has it.
    """
    runs, m = world.blocks, world.providers.state.shape[1]
    bounds = runs.cell_bounds(cells)  # each run's share of the cells
    if runs.size > 1 and (np.diff(bounds) * 8 < runs.n * m).all():
        rows, cols, weight = _weigh_each(world, cells)
        return np.bincount(runs.columns(rows, cols), weights=weight, minlength=runs.size * m)
    spans = [slice(b * runs.n, (b + 1) * runs.n) for b in range(runs.size)]  # each run weighs its own sites
    return np.concatenate([_shown(world, cells[bounds[b] : bounds[b + 1]], rows, mask) for b, rows in enumerate(spans)])


def experience_floor(world: World) -> np.ndarray:
    """The experience A[j] at which evidence reaches 0: site_months_per_evidence * ln(1 - E0[j]).

    Args:
        world: The model state.

    Returns:
        The floor per innovation (minus infinity where E0 is 1: such evidence cannot fall).
    """
    with np.errstate(divide="ignore"):
        return world.config.research.site_months_per_evidence * np.log1p(-world.initial_evidence)


def accumulate_evidence(world: LearningWorld) -> None:
    """Add this month's operating experience, take away failures, and update evidence.

    Args:
        world: The month's world; reads the operating cells, their local proof and this month's
            failures, writes experience, evidence, months operating and the weight shown.
    """
    p, res = world.providers, world.config.research
    operating = world.operating_mask() if world.many_under_way() else None  # one pass over the arrays
    if operating is None:
        cells = world.under_way()
        cells = cells[p.approved.ravel()[cells]]  # the operating cells
    else:
        cells = np.flatnonzero(operating)
    shown = _shown_per_run(world, cells, operating)
    world.learned.shown = shown
    world.experience += shown
    lost = world.config.learning.failure_evidence_site_months * failures_this_month(world)
    if lost.any():
        world.experience -= lost
        np.maximum(world.experience, experience_floor(world), out=world.experience)
    world.evidence = 1.0 - (1.0 - world.initial_evidence) * np.exp(-world.experience / res.site_months_per_evidence)
    if operating is None:
        p.months_operating.ravel()[cells] += 1
    else:
        p.months_operating += operating
