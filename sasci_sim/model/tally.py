"""Per-innovation tallies of the cell arrays, kept up to date from the cells that changed.

The Recorder reports, every month and for every innovation, how many providers
are in each state, ever abandoned, sustain a cut-down version, sustain after a
grant, are paid for by each payer, and in how many councils someone sustains
it. Recounting all providers x innovations cells for each figure every month
would cost twenty passes over the arrays; instead ``CellTally`` keeps one byte
per cell that packs the five things the figures depend on (state, payer,
cut-down, ever abandoned, ever granted), finds the cells whose byte differs from
the arrays' (eight cells, one 64-bit word, at a time), and moves only those
cells between tallies, in one compiled pass that reads each cell's arrays once
(``_move_cells``, ``model.kernels.jit``: whole-number counts, the same in any order).
While a run is stepped to its end every writer reports the cells it writes
(``model.views.CellViews.take_written``), and only those are compared; otherwise
every cell is, so the tallies are right whichever code wrote the arrays (hand
edits between months too).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import distinct_sorted
from sasci_sim.model.kernels.jit import compiled
from sasci_sim.model.population import NO_MONTH, Payer, Providers, State

# a cell's byte: state * 5 + payer (0..24) in the low five bits, then cut-down, ever abandoned, ever granted
_PAYERS = len(Payer)
_PARTIAL, _EVER_ABANDONED, _GRANTED = 5, 6, 7
if len(State) * _PAYERS > 1 << _PARTIAL:  # pragma: no cover - a guard on the enums, not on data
    raise AssertionError("state and payer no longer fit in the low five bits of a tally byte")
if State.UNAWARE.value or Payer.NONE.value:  # pragma: no cover - a guard on the enums, not on data
    raise AssertionError("CellTally starts every cell at byte 0, unaware with no payer")
_PILOTING, _SUSTAINED = State.PILOTING.value, State.SUSTAINED.value


class CellTally:
    """Counts per innovation (and per council) of the cell states the Recorder reports."""

    def __init__(self, providers: Providers, n_councils: int, runs: int = 1) -> None:
        """Count every cell (all as byte 0, then the cells whose byte differs moved); later months update only the cells that changed.

        Args:
            providers: The provider arrays to tally (of every run of a batch, stacked as blocks).
            n_councils: Councils (of every run), for the per-council counts of sustained sites.
            runs: Runs stacked as blocks; each tally then has one column per run and innovation
                (run b's at ``b * M ..``), as the per-run arrays of ``model.ensemble`` do.
        """
        self.m = providers.state.shape[1]
        self.runs = runs
        self.cells_per_run = providers.state.size // runs
        self.council = providers.council.astype(np.int64)
        self.n_councils = n_councils
        m = self.m * runs  # one column per run and innovation
        self.states = np.zeros((len(State), m), dtype=np.int64)
        self.ever_abandoned = np.zeros(m, dtype=np.int64)
        self.partial = np.zeros(m, dtype=np.int64)  # sustained, cut-down version
        self.after_grant = np.zeros(m, dtype=np.int64)  # sustained, had a grant
        self.payers = np.zeros((len(Payer), m), dtype=np.int64)  # piloting or sustained, by payer
        self.sustained_in = np.zeros((n_councils, self.m), dtype=np.int64)  # sustained, by council
        self._reached = np.zeros(m, dtype=np.int64)  # councils with a non-zero entry, per column
        size = providers.state.size
        # every cell counted first as byte 0 (unaware, no payer, no history: most cells at the start), then
        # the others moved from there as a month's changed cells are (whole numbers: the same counts)
        self.seen = np.zeros(size, dtype=np.uint8)  # each cell's byte as last counted
        self.states[State.UNAWARE.value] = providers.state.shape[0] // runs
        self._now = np.empty_like(self.seen)  # this month's bytes, written in place every month
        self._move(providers, changed_cells(self.packed(providers, self._now), self.seen))

    @staticmethod
    def packed(p: Providers, out: np.ndarray | None = None) -> np.ndarray:
        """Each cell's tally byte, flat: ``state * 5 + payer``, then cut-down, ever abandoned and granted bits.

        The byte arrays are combined eight cells (one 64-bit word) at a time: a byte is at most
        ``4 * 5 + 4 + 32 + 64 + 128 = 248``, so none carries into the next.

        Args:
            p: The provider arrays.
            out: A flat uint8 array to write into (one byte per cell), or None for a new one.

        Returns:
            One uint8 per cell, in flat (row-major) order.
        """
        size = p.state.size
        whole = size - size % 8
        out = np.empty(size, dtype=np.uint8) if out is None else out
        state, payer, grant_end = p.state.reshape(-1), p.payer.reshape(-1), p.grant_end.reshape(-1)
        flags = ((p.partial.reshape(-1), _PARTIAL), (p.ever_abandoned.reshape(-1), _EVER_ABANDONED))
        words = out[:whole].view(np.uint64)
        np.multiply(state[:whole].view(np.uint64), np.uint64(_PAYERS), out=words)
        words += payer[:whole].view(np.uint64)  # at most 248 in every byte: no carry
        shifted = np.empty_like(words)
        for values, bit in flags:
            np.left_shift(values[:whole].view(np.uint64), np.uint64(bit), out=shifted)
            words += shifted
        np.not_equal(grant_end[:whole], NO_MONTH, out=shifted.view(np.bool_))  # granted
        np.left_shift(shifted, np.uint64(_GRANTED), out=shifted)
        words += shifted
        if whole < size:  # the last few cells, one byte each
            tail = out[whole:]
            np.multiply(state[whole:].view(np.uint8), np.uint8(_PAYERS), out=tail)
            tail += payer[whole:].view(np.uint8)
            for values, bit in flags:
                tail += values[whole:].view(np.uint8) << np.uint8(bit)
            tail += (grant_end[whole:] != NO_MONTH).view(np.uint8) << np.uint8(_GRANTED)
        return out

    def update(self, providers: Providers, written: np.ndarray | None = None) -> None:
        """Bring the tallies up to date with the arrays.

        Args:
            providers: The provider arrays, after this month's rules.
            written: Flat indices of every cell written since the last update (repeats allowed),
                when the writers reported them; only those cells are compared then. None compares
                every cell (eight at a time), so the tallies are right whichever code wrote them.
        """
        # only the cells written, sorted (so the arrays are read in order); else the cells whose byte differs
        cells = (
            changed_cells(self.packed(providers, self._now), self.seen) if written is None else distinct_sorted(written)
        )
        self._move(providers, cells)

    def _move(self, p: Providers, cells: np.ndarray) -> None:
        """Move these cells (each once) from the tallies of their last counted bytes to those of their bytes now."""
        state, payer, partial = p.state.reshape(-1), p.payer.reshape(-1), p.partial.reshape(-1)
        ever_abandoned, grant_end = p.ever_abandoned.reshape(-1), p.grant_end.reshape(-1)
        tallies = (self.states, self.payers, self.ever_abandoned, self.partial, self.after_grant)
        sites = (self.sustained_in.reshape(-1), self._reached)
        _move_cells(
            cells, state, payer, partial, ever_abandoned, grant_end, self.seen, self.m, self.cells_per_run,
            self.council, *tallies, *sites,
        )  # fmt: skip

    def councils_reached(self) -> np.ndarray:
        """Councils in which at least one provider sustains each innovation.

        Returns:
            The count of councils per innovation (per run and innovation for a batch).
        """
        return self._reached.copy()


def changed_cells(now: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Sorted indices where two flat byte arrays differ, compared eight bytes (one 64-bit word) at a time.

    Only the words that differ are looked at byte by byte.

    Args:
        now: A flat uint8 array.
        seen: Another of the same size.

    Returns:
        The indices, sorted.
    """
    size = now.size
    whole = size - size % 8
    diff = np.bitwise_xor(now[:whole].view(np.uint64), seen[:whole].view(np.uint64))
    words = np.flatnonzero(diff != 0)
    at = np.flatnonzero(diff[words].view(np.uint8) != 0)  # byte k of a word is cell 8 * word + k
    cells = words[at >> 3] * 8 + (at & 7)
    if whole == size:
        return cells
    return np.concatenate([cells, whole + np.flatnonzero(now[whole:] != seen[whole:])])


@compiled
def _move_cells(
    cells: np.ndarray,
    state: np.ndarray,
    payer: np.ndarray,
    partial: np.ndarray,
    ever_abandoned: np.ndarray,
    grant_end: np.ndarray,
    seen: np.ndarray,
    m: int,
    cells_per_run: int,
    council: np.ndarray,
    states: np.ndarray,
    payers: np.ndarray,
    abandoned: np.ndarray,
    cut_down: np.ndarray,
    after_grant: np.ndarray,
    sites: np.ndarray,
    reached: np.ndarray,
) -> None:
    """Move each cell whose byte now differs from ``seen`` out of the tallies of its old byte and into those of its new.

    One compiled pass (``model.kernels.jit``) reads each cell's five arrays once; every tally is
    a count of cells, so the order of the moves cannot change it.
    """
    for cell in cells:
        code = (
            state[cell] * _PAYERS
            + payer[cell]
            + (np.int64(partial[cell]) << _PARTIAL)
            + (np.int64(ever_abandoned[cell]) << _EVER_ABANDONED)
            + (np.int64(grant_end[cell] != NO_MONTH) << _GRANTED)
        )
        old = seen[cell]
        if code == old:
            continue
        row = cell // m
        inn = cell - row * m
        col = (cell // cells_per_run) * m + inn  # run and innovation
        entry = council[row] * m + inn
        for byte, step in ((np.int64(old), -1), (np.int64(code), 1)):
            low = byte & ((1 << _PARTIAL) - 1)
            s = low // _PAYERS
            states[s, col] += step
            if s in (_PILOTING, _SUSTAINED):
                payers[low - s * _PAYERS, col] += step
            abandoned[col] += step * ((byte >> _EVER_ABANDONED) & 1)
            if s == _SUSTAINED:  # a sustained site of its council: cut down, after a grant
                cut_down[col] += step * ((byte >> _PARTIAL) & 1)
                after_grant[col] += step * ((byte >> _GRANTED) & 1)
                before = sites[entry]
                sites[entry] = before + step
                reached[col] += (before == 0) - (before + step == 0)  # councils with a site, per column
        seen[cell] = code
