"""Runs stacked as blocks of one population, each with its own random stream (ODD 7.19: the ensemble engine).

An ensemble steps ``B`` runs of one scenario together: run ``b`` owns provider rows
``b * n .. (b + 1) * n - 1``, councils ``b * l .. (b + 1) * l - 1`` and, for every per-innovation
quantity (evidence, experience, events, perceived benefit), entries ``b * m .. (b + 1) * m - 1``
of a flat array of length ``B * m``. Every random draw of the rules goes through a
:class:`Blocks`: it draws each block's share from that block's own generator, in the order the
block's items come, so a run draws exactly what it would draw alone and its results do not
depend on the batch it is in. A single run is a batch of one (block 0, the model's own stream).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from sasci_sim.model.kernels import sampling
from sasci_sim.model.kernels.columns import column_counts, column_counts_by_block
from sasci_sim.model.kernels.streams import Streams

#: Parameters that may differ between the runs of one batch (calibration particles, posterior
#: draws, the policy levers of a sweep's design points): the rules read them per run through
#: :meth:`Blocks.param` and its helpers (per row, per council, per innovation column, per run), or
#: each run reads its own when its population is built (``build_runs``). Any other difference
#: between two runs' scenarios puts them in different batches.
PER_RUN_PARAMETERS = (
    "diffusion.decision_rate_per_month",
    "local_authorities.signup_rate_per_month",
    "local_authorities.commissioning_propensity",
    "abandonment.base_hazard_per_month",
    "research.dissemination_per_month",
    "population.surplus_k_per_month",  # read when each run builds its providers, from its own scenario
    # the policy levers of the shipped sweeps (experiments/sobol_levers.yaml, scale_discovery.yaml)
    "regulation.flexibility",
    "local_authorities.cost_saving_pressure",  # read when each run builds its councils, from its own scenario
    "local_authorities.pilot_fund_k_per_year",  # each run's councils' pots at the start, and their refill
    "research.evidence_role",
    "diffusion.peer_influence",
    "funding.grant_duration_months",  # months (an integer), unless a funder sets its own
    "funding.budget_per_call_k",
    "funding.call_interval_months",  # months (an integer): each run keeps its own call calendar
    "funding.first_call_month",  # month (an integer)
    "funding.application_rate",
    "funding.scale_share",
    # what the joint_funding lever moves the grants' money into (scale_discovery.yaml): each run's
    # pools' yearly payment; whether there is a fund at all stays shared (SHARED_WHETHER_POSITIVE)
    "nhs.joint_fund_k_per_year",
)

#: Per-run parameters whose size is each run's own but whose being above 0 the runs of a batch
#: share: a joint fund's existence decides the months the pools' rules pay from it, which they
#: read once for the batch (``model.ensemble.batch_key``, ``experiments.sweep.tasks.shares_batches``).
SHARED_WHETHER_POSITIVE = ("nhs.joint_fund_k_per_year",)


class Blocks:
    """The layout of a batch of runs and their random streams.

    Attributes:
        rngs: One generator per run, in block order.
        streams: The same generators, for draws from every run at once (``kernels.streams``).
        size: Runs in the batch (B).
        n: Providers per run.
        l: Councils per run.
        m: Innovations (columns), shared by every run.
    """

    def __init__(
        self,
        rngs: Sequence[np.random.Generator],
        n: int,
        l: int,  # noqa: E741
        m: int,
        params: Mapping[str, Sequence[float | int]] | None = None,
    ) -> None:
        """Describe B blocks of ``n`` providers, ``l`` councils and ``m`` innovations.

        Args:
            rngs: Each run's random stream, in block order.
            n: Providers per run.
            l: Councils per run.
            m: Innovations.
            params: Each of ``PER_RUN_PARAMETERS`` -> its value in each run (needed by the rules
                that read them).
        """
        self.rngs = list(rngs)
        self.size = len(self.rngs)
        self.streams = Streams(self.rngs)
        self.n, self.l, self.m = n, l, m
        self._params = {key: np.asarray(v) for key, v in (params or {}).items()}
        #: the parameters with one value in every run of the batch -> that value (a Python float or
        #: int, the scenario's own): the rules then compute with the scalar, as a run alone does
        self._shared = {key: v[0].item() for key, v in self._params.items() if v.size and bool(np.all(v == v[0]))}

    def param(self, key: str) -> np.ndarray:
        """A parameter of ``PER_RUN_PARAMETERS`` in each run.

        Args:
            key: Its dotted scenario path.

        Returns:
            One value per run (length B).
        """
        return self._params[key]

    def shared(self, key: str) -> float | int | None:
        """A parameter's value when every run of the batch has the same (always, for a batch of one).

        Args:
            key: Its dotted scenario path (one of ``PER_RUN_PARAMETERS``).

        Returns:
            The value (a float, or an int for the integer month parameters), or None when the
            runs differ in it.
        """
        return self._shared.get(key)

    def param_runs(self, key: str) -> float | int | np.ndarray:
        """A parameter in each run (length B), a scalar when the runs share it.

        Args:
            key: Its dotted scenario path.

        Returns:
            The shared value, or one value per run.
        """
        value = self._shared.get(key)
        return self._params[key] if value is None else value

    def param_rows(self, key: str, rows: np.ndarray) -> float | int | np.ndarray:
        """A parameter for each provider row (its run's value), a scalar when the runs share it.

        Args:
            key: Its dotted scenario path.
            rows: Provider rows.

        Returns:
            The shared value, or one value per row.
        """
        value = self._shared.get(key)
        return self._params[key][self.of_rows(rows)] if value is None else value

    def param_councils(self, key: str) -> float | int | np.ndarray:
        """A parameter for every council of the batch (length B * l), a scalar when the runs share it.

        Args:
            key: Its dotted scenario path.

        Returns:
            The shared value, or each council's run's value.
        """
        value = self._shared.get(key)
        return np.repeat(self._params[key], self.l) if value is None else value

    def param_columns(self, key: str) -> float | int | np.ndarray:
        """A parameter for every run and innovation (length B * m, as evidence), a scalar when shared.

        Args:
            key: Its dotted scenario path.

        Returns:
            The shared value, or each run's value repeated over its innovations.
        """
        value = self._shared.get(key)
        return np.repeat(self._params[key], self.m) if value is None else value

    # -- which block an item belongs to --------------------------------------------------
    def of_rows(self, rows: np.ndarray) -> np.ndarray:
        """The block of each provider row.

        Args:
            rows: Provider rows.

        Returns:
            Block indices (int64).
        """
        return self._block(rows, self.n)

    def of_councils(self, councils: np.ndarray) -> np.ndarray:
        """The block of each council.

        Args:
            councils: Council indices.

        Returns:
            Block indices (int64).
        """
        return self._block(councils, self.l)

    def of_cells(self, cells: np.ndarray) -> np.ndarray:
        """The block of each flat provider x innovation cell.

        Args:
            cells: Flat row-major cell indices.

        Returns:
            Block indices (int64).
        """
        return self._block(cells, self.n * self.m)

    def cells_of(self, cells: np.ndarray, runs: np.ndarray) -> np.ndarray:
        """The cells of the given runs, from sorted flat cell indices of all runs.

        Sorted cells hold each run's as one stretch, so the stretches of the runs asked for are
        found by a binary search and taken whole: the cost is in proportion to those runs' cells,
        not to all the cells given.

        Args:
            cells: Flat cell indices, sorted.
            runs: One bool per run: whether its cells are wanted.

        Returns:
            Those runs' cells, in the order given (``cells[runs[of_cells(cells)]]``).
        """
        wanted = np.flatnonzero(runs)
        if wanted.size == self.size:
            return cells
        bounds = self.cell_bounds(cells)
        return np.concatenate([cells[bounds[b] : bounds[b + 1]] for b in wanted.tolist()] or [cells[:0]])

    def cell_bounds(self, cells: np.ndarray) -> np.ndarray:
        """Where each run's stretch of sorted flat cell indices starts and ends.

        Args:
            cells: Flat cell indices, sorted.

        Returns:
            B + 1 positions: run b's cells are ``cells[bounds[b] : bounds[b + 1]]``.
        """
        return np.searchsorted(cells, np.arange(self.size + 1) * (self.n * self.m))

    def _block(self, items: np.ndarray, per_block: int) -> np.ndarray:
        """The block of each item, where each block holds ``per_block`` consecutive items (int64)."""
        if self.size == 1:
            return np.zeros(len(items), dtype=np.int64)
        return np.asarray(items, dtype=np.int64) // per_block

    def columns(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Indices into the flat per-run, per-innovation arrays (length ``B * m``) of these cells.

        Args:
            rows: Provider rows of the cells.
            cols: Innovations of the cells.

        Returns:
            ``block * m + col`` (just ``cols`` for a batch of one).
        """
        return cols if self.size == 1 else self.block_columns(self.of_rows(rows), cols)

    def block_columns(self, blocks: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """As :meth:`columns`, for cells whose blocks are known already.

        Args:
            blocks: The block of each cell (``of_rows`` of its row).
            cols: Innovations of the cells.

        Returns:
            ``block * m + col`` (just ``cols`` for a batch of one).
        """
        if self.size == 1:
            return cols
        return blocks * self.m + cols

    def council_columns(self, councils: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """As :meth:`columns`, for (council, innovation) pairs.

        Args:
            councils: Councils of the pairs.
            cols: Innovations of the pairs.

        Returns:
            ``block * m + col``.
        """
        if self.size == 1:
            return cols
        return self.of_councils(councils) * self.m + cols

    def groups(self, blocks: np.ndarray) -> Iterator[tuple[int, np.ndarray | slice]]:
        """Each block present and the positions of its items, in their order.

        Args:
            blocks: The block of each item.

        Yields:
            (block, positions): a slice when the items come sorted by block, else an index array.
        """
        k = len(blocks)
        if self.size == 1:
            if k:
                yield 0, slice(0, k)
            return
        if k and np.all(blocks[1:] >= blocks[:-1]):
            bounds = np.searchsorted(blocks, np.arange(self.size + 1))
            for b in range(self.size):
                if bounds[b + 1] > bounds[b]:
                    yield b, slice(int(bounds[b]), int(bounds[b + 1]))
            return
        order = np.argsort(blocks, kind="stable")
        bounds = np.searchsorted(blocks[order], np.arange(self.size + 1))
        for b in range(self.size):
            if bounds[b + 1] > bounds[b]:
                yield b, order[bounds[b] : bounds[b + 1]]

    # -- random draws, per block in block order --------------------------------------------
    def uniform(self, blocks: np.ndarray, width: int | None = None) -> np.ndarray:
        """Uniforms on [0, 1), one per item (a row of ``width`` per item if given), from each item's block.

        Args:
            blocks: The block of each item.
            width: Draw a row of this many uniforms per item (as ``rng.random((k, width))``).

        Returns:
            The draws, shape ``(k,)`` or ``(k, width)``.
        """
        if self.size == 1:
            return self.rngs[0].random((len(blocks),) if width is None else (len(blocks), width))
        if len(blocks) < 2 or np.all(blocks[1:] >= blocks[:-1]):
            return self._in_block_order(np.bincount(blocks, minlength=self.size), width)
        drawn = self._in_block_order(np.bincount(blocks, minlength=self.size), width)
        out = np.empty_like(drawn)
        out[np.argsort(blocks, kind="stable")] = drawn
        return out

    def _in_block_order(self, counts: np.ndarray, width: int | None) -> np.ndarray:
        """``counts[b]`` uniforms (rows of ``width``) from block b's stream, block after block."""
        total = int(counts.sum())
        drawn = np.empty(total if width is None else (total, width))
        return self.streams.uniforms(counts if width is None else counts * width, drawn)

    def uniform_rows(self, rows: np.ndarray) -> np.ndarray:
        """One uniform per provider row, each from its run's stream.

        Args:
            rows: Provider rows.

        Returns:
            The draws.
        """
        if self.size > 1 and len(rows) > 1 and np.all(rows[1:] >= rows[:-1]):  # rows in order: count each run's
            return self._in_block_order(np.diff(np.searchsorted(rows, np.arange(self.size + 1) * self.n)), None)
        return self.uniform(self.of_rows(rows))

    def uniform_cells(self, cells: np.ndarray) -> np.ndarray:
        """One uniform per flat cell, each from its run's stream.

        Args:
            cells: Flat cell indices.

        Returns:
            The draws.
        """
        return self.uniform(self.of_cells(cells))

    def uniform_councils(self, councils: np.ndarray, width: int | None = None) -> np.ndarray:
        """One uniform (or a row of ``width``) per council, each from its run's stream.

        Args:
            councils: Council indices.
            width: Uniforms per council, if a row each.

        Returns:
            The draws.
        """
        return self.uniform(self.of_councils(councils), width)

    def thin(self, blocks: np.ndarray, chance: np.ndarray, bound: float | np.ndarray) -> np.ndarray:
        """``sampling.thin`` per block: keep each candidate with chance ``chance / bound[block]``.

        A block whose bound is 0 draws nothing, as a run alone would not.

        Args:
            blocks: The block of each candidate.
            chance: Each candidate's own chance.
            bound: The chance the candidates were drawn with, one for all or one per block.

        Returns:
            Which candidates to keep.
        """
        if self.size == 1:
            return sampling.thin(self.rngs[0], chance, float(np.asarray(bound).reshape(-1)[0]))
        bounds = self._per_block(bound)
        if (bounds > 0.0).all():  # one uniform per candidate, each from its block's stream
            return self.uniform(blocks) * bounds[blocks] < chance
        keep = np.zeros(len(chance), dtype=bool)
        for b, where in self.groups(blocks):
            keep[where] = sampling.thin(self.rngs[b], chance[where], float(bounds[b]))
        return keep

    def cells_with_chance(self, values: np.ndarray, value: int, p: float | np.ndarray) -> np.ndarray:
        """``sampling.cells_with_chance`` over each block's cells with its own stream (and chance).

        Args:
            values: The stacked cell array (state or payer).
            value: The value a cell must hold.
            p: Each such cell's chance, one for all or one per block.

        Returns:
            The kept cells' flat indices, sorted.
        """
        if self.size == 1:
            return sampling.cells_with_chance(self.rngs[0], values, value, float(np.asarray(p).reshape(-1)[0]))
        return sampling.cells_with_chance_blocks(self.streams, values, value, self._per_block(p))

    def bernoulli(self, per_block: int, p: float | np.ndarray) -> np.ndarray:
        """``sampling.bernoulli_indices`` over ``per_block`` items of each block, offset to global indices.

        Args:
            per_block: Items in each block (``n * m`` for cells, ``n`` for providers).
            p: Each item's chance, one for all or one per block.

        Returns:
            Sorted indices into the stacked items (block b's start at ``b * per_block``).
        """
        if self.size == 1:
            return sampling.bernoulli_indices(self.rngs[0], per_block, float(np.asarray(p).reshape(-1)[0]))
        chances = self._per_block(p)
        return sampling.bernoulli_blocks(self.streams, per_block, chances)

    def _per_block(self, value: float | np.ndarray) -> np.ndarray:
        """One float per block: a scalar (or a one-element array) for all, or one each (as ``np.broadcast_to``)."""
        a = np.asarray(value, dtype=np.float64)
        if a.shape == (self.size,):
            return a
        if a.size == 1:  # (np.full costs a fraction of np.broadcast_to)
            return np.full(self.size, a.reshape(-1)[0])
        return np.broadcast_to(a, (self.size,))

    def standard_normal(self) -> np.ndarray:
        """One standard normal per run, each from its own stream.

        Returns:
            An array of length B.
        """
        return np.array([rng.standard_normal() for rng in self.rngs])

    # -- per-run tallies ------------------------------------------------------------------
    def sums(self, values: np.ndarray, blocks: np.ndarray) -> float | np.ndarray:
        """The sum of ``values`` per run, added as a run alone adds them (``values.sum()`` in order).

        Args:
            values: One value per item.
            blocks: The block of each item.

        Returns:
            A float for a batch of one, else an array of length B.
        """
        if self.size == 1:
            return float(np.sum(values))
        out = np.zeros(self.size)
        values = np.asarray(values)
        for b, where in self.groups(blocks):
            out[b] = np.add.reduce(values[where])  # what ``.sum()`` calls, without its wrapper
        return out

    def per_run(self, values: np.ndarray) -> float | np.ndarray:
        """Per-run sums of an array with one entry per provider row (length B * n).

        Args:
            values: Values per provider row.

        Returns:
            A float for a batch of one, else an array of length B.
        """
        if self.size == 1:
            return float(values.sum())
        return values.reshape(self.size, self.n).sum(axis=1)  # each row summed as a run alone sums it

    def per_council_run(self, values: np.ndarray) -> float | np.ndarray:
        """Per-run sums of an array with one entry per council (length B * l).

        Args:
            values: Values per council.

        Returns:
            A float for a batch of one, else an array of length B.
        """
        if self.size == 1:
            return float(values.sum())
        return values.reshape(self.size, self.l).sum(axis=1)  # each row summed as a run alone sums it

    def dot_columns(self, per_column: np.ndarray, weights: np.ndarray) -> float | np.ndarray:
        """Per run: its per-innovation counts (entries ``b * m ..``) dotted with per-innovation weights.

        Args:
            per_column: Flat per-run, per-innovation values (length B * m).
            weights: One weight per innovation (length m).

        Returns:
            A float for a batch of one, else an array of length B.
        """
        if self.size == 1:
            return float(per_column @ weights)
        m = self.m
        return np.array([float(per_column[b * m : (b + 1) * m] @ weights) for b in range(self.size)])

    def count_columns(self, mask: np.ndarray) -> np.ndarray:
        """True cells per run and innovation of a stacked N x m mask (flat, length B * m).

        Args:
            mask: A C-contiguous stacked cell mask.

        Returns:
            The counts, block by block.
        """
        if self.size == 1:
            return column_counts(mask)
        return column_counts_by_block(mask, self.size)

    def count_per_run(self, mask: np.ndarray) -> np.ndarray:
        """True cells of each run in a stacked cell mask.

        Args:
            mask: A stacked N x m mask.

        Returns:
            One count per run.
        """
        n = self.n
        return np.array([np.count_nonzero(mask[b * n : (b + 1) * n]) for b in range(self.size)])


def run_parameters(scenarios: Sequence[Any]) -> dict[str, list[float | int]]:
    """``PER_RUN_PARAMETERS`` of each scenario, for :class:`Blocks`.

    Args:
        scenarios: One resolved scenario per run.

    Returns:
        Key -> the value in each run (floats, or ints for the month parameters).
    """
    out: dict[str, list[float | int]] = {}
    for key in PER_RUN_PARAMETERS:
        section, name = key.split(".")
        out[key] = [getattr(getattr(s, section), name) for s in scenarios]  # months stay integers
    return out


__all__ = ["PER_RUN_PARAMETERS", "SHARED_WHETHER_POSITIVE", "Blocks", "run_parameters"]
