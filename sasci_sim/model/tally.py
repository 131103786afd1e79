"""Per-innovation tallies of the cell arrays, kept up to date from the cells that changed.

The Recorder reports, every month and for every innovation, how many providers
are in each state, ever abandoned, sustain a cut-down version, sustain after a
grant, are paid for by each payer, and in how many councils someone sustains
it. Recounting all providers x innovations cells for each figure every month
would cost twenty passes over the arrays; instead ``CellTally`` keeps one byte
per cell that packs the five things the figures depend on (state, payer,
cut-down, ever abandoned, ever granted), finds the cells whose byte differs from
the arrays' (eight cells, one 64-bit word, at a time), and moves only those
cells between tallies. While a run is stepped to its end every writer reports the
cells it writes (``model.views.CellViews.take_written``), and only those are
compared; otherwise every cell is, so the tallies are right whichever code wrote
the arrays (hand edits between months too).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import distinct_sorted, split_cells
from sasci_sim.model.population import NO_MONTH, Payer, Providers, State

# a cell's byte: state * 5 + payer (0..24) in the low five bits, then cut-down, ever abandoned, ever granted
_PAYERS = len(Payer)
_PARTIAL, _EVER_ABANDONED, _GRANTED = 5, 6, 7
if len(State) * _PAYERS > 1 << _PARTIAL:  # pragma: no cover - a guard on the enums, not on data
    raise AssertionError("state and payer no longer fit in the low five bits of a tally byte")
if State.UNAWARE.value or Payer.NONE.value:  # pragma: no cover - a guard on the enums, not on data
    raise AssertionError("CellTally starts every cell at byte 0, unaware with no payer")


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
        now = self.packed(providers, self._now)
        cells = changed_cells(now, self.seen)
        self._move(cells, now[cells])

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
        if written is None:
            now = self.packed(providers, self._now)
            cells = changed_cells(now, self.seen)
            codes = now[cells]
        else:
            cells = distinct_sorted(written)  # (sorted: the gathers below then read the arrays in order)
            codes = self.packed_at(providers, cells)
            moved = np.flatnonzero(codes != self.seen[cells])
            cells, codes = cells[moved], codes[moved]
        self._move(cells, codes)

    def _move(self, cells: np.ndarray, codes: np.ndarray) -> None:
        """Move these cells (each once) from the tallies of their last counted bytes to those of ``codes``."""
        if cells.size == 0:
            return
        rows, inn = split_cells(cells, self.m)
        cols = inn if self.runs == 1 else (cells // self.cells_per_run) * self.m + inn  # run and innovation
        low_was, bits_was, sites_was = self._counts(rows, inn, cols, self.seen[cells])
        low_now, bits_now, sites_now = self._counts(rows, inn, cols, codes)
        self._add(low_now - low_was, bits_now - bits_was)
        self._move_sites(sites_was, sites_now)
        self.seen[cells] = codes

    @staticmethod
    def packed_at(p: Providers, cells: np.ndarray) -> np.ndarray:
        """The tally bytes of the given cells only, as ``packed`` has them there.

        Args:
            p: The provider arrays.
            cells: Flat cell indices.

        Returns:
            One uint8 per cell.
        """
        out = p.state.reshape(-1)[cells].view(np.uint8) * np.uint8(_PAYERS)
        out += p.payer.reshape(-1)[cells].view(np.uint8)
        out += p.partial.reshape(-1)[cells].view(np.uint8) << np.uint8(_PARTIAL)
        out += p.ever_abandoned.reshape(-1)[cells].view(np.uint8) << np.uint8(_EVER_ABANDONED)
        out += (p.grant_end.reshape(-1)[cells] != NO_MONTH).view(np.uint8) << np.uint8(_GRANTED)
        return out

    def _counts(
        self, rows: np.ndarray, inn: np.ndarray, cols: np.ndarray, codes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Counts of cells (at ``rows``, ``inn``; tally column ``cols``) whose tally bytes are ``codes``.

        Returns:
            Per (state * 5 + payer) and column, and per (sustained, cut-down/ever abandoned/granted
            bits) and column, flat as ``np.bincount`` gives them; and the (council, innovation)
            entry of ``sustained_in`` of each sustained cell.
        """
        m = self.m * self.runs
        low = codes & np.uint8((1 << _PARTIAL) - 1)
        first = State.SUSTAINED.value * _PAYERS  # sustained: state * 5 + payer in [15, 20)
        sustained = (low >= first) & (low < first + _PAYERS)
        bits = (codes >> np.uint8(_PARTIAL)) + (sustained.view(np.uint8) << np.uint8(3))
        by_low = np.bincount(low.astype(np.int64) * m + cols, minlength=len(State) * _PAYERS * m)
        by_bits = np.bincount(bits.astype(np.int64) * m + cols, minlength=16 * m)
        return by_low, by_bits, self.council[rows[sustained]] * self.m + inn[sustained]

    def _add(self, by_low: np.ndarray, by_bits: np.ndarray) -> None:
        """Add tables of ``_counts`` (or differences of two) to the tallies."""
        m = self.m * self.runs
        low = by_low.reshape(len(State), _PAYERS, m)
        self.states += low.sum(axis=1)
        self.payers += low[State.PILOTING.value] + low[State.SUSTAINED.value]
        # bits: 4 * granted + 2 * ever abandoned + cut-down, first for the other states, then for sustained
        bits = by_bits.reshape(2, 8, m)
        self.ever_abandoned += bits[:, [2, 3, 6, 7]].sum(axis=(0, 1))
        self.partial += bits[1, [1, 3, 5, 7]].sum(axis=0)
        self.after_grant += bits[1, [4, 5, 6, 7]].sum(axis=0)

    def _move_sites(self, was: np.ndarray, now: np.ndarray) -> None:
        """Move sustained sites from the ``sustained_in`` entries ``was`` to ``now`` (one site each).

        Only the entries touched change (a batch has an entry per council of every run), and the
        councils reached per column change only where an entry becomes or stops being non-zero.
        """
        if was.size == 0 and now.size == 0:
            return
        flat = self.sustained_in.reshape(-1)
        touched = distinct_sorted(np.concatenate([was, now]))
        before = flat[touched] != 0
        np.subtract.at(flat, was, 1)
        np.add.at(flat, now, 1)
        inn = touched % self.m
        cols = inn if self.runs == 1 else touched // (self.n_councils // self.runs * self.m) * self.m + inn
        np.add.at(self._reached, cols, (flat[touched] != 0).astype(np.int64) - before)

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
