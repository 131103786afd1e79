"""Per-innovation tallies of the cell arrays, kept up to date from the cells that changed.

The Recorder reports, every month and for every innovation, how many providers
are in each state, ever abandoned, sustain a cut-down version, sustain after a
grant, are paid for by each payer, and in how many councils someone sustains
it. Recounting all providers x innovations cells for each figure every month
would cost twenty passes over the arrays; instead ``CellTally`` keeps a copy of
the few arrays the figures depend on, finds the cells that differ from it (a
handful of comparisons), and moves only those cells between tallies. It reads
the arrays themselves, so it is right whichever code wrote them.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.population import NO_MONTH, Payer, Providers, State


class CellTally:
    """Counts per innovation (and per council) of the cell states the Recorder reports."""

    def __init__(self, providers: Providers, n_councils: int, runs: int = 1) -> None:
        """Count every cell once; later months update only the cells that changed.

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
        self.seen = {name: values.copy() for name, values in self._watched(providers).items()}
        # counted a slice of cells at a time (whole numbers: the same counts), so the temporaries stay small
        chunk = 2**17
        for first in range(0, providers.state.size, chunk):
            self._move(np.arange(first, min(first + chunk, providers.state.size), dtype=np.int64), self.seen, +1)

    @staticmethod
    def _watched(p: Providers) -> dict[str, np.ndarray]:
        """The arrays the tallies depend on (flattened views, plus whether a grant was ever had)."""
        return {
            "state": p.state.ravel(),
            "payer": p.payer.ravel(),
            "partial": p.partial.ravel(),
            "ever_abandoned": p.ever_abandoned.ravel(),
            "granted": (p.grant_end != NO_MONTH).ravel(),
        }

    def update(self, providers: Providers) -> None:
        """Bring the tallies up to date with the arrays.

        Args:
            providers: The provider arrays, after this month's rules.
        """
        now = self._watched(providers)
        cells = self._changed(now)
        if cells.size == 0:
            return
        self._move(cells, self.seen, -1)
        for name, values in now.items():
            self.seen[name][cells] = values[cells]
        self._move(cells, self.seen, +1)

    def _changed(self, now: dict[str, np.ndarray]) -> np.ndarray:
        """Cells where any watched array differs from the copy.

        The one-byte arrays are compared eight cells (one 64-bit word) at a time;
        only the words that differ are looked at cell by cell.
        """
        size = now["state"].size
        whole = size - size % 8
        differ = np.zeros(whole // 8, dtype=bool)  # one flag per word: an eighth of the traffic of a cell mask
        for name, values in now.items():
            differ |= values[:whole].view(np.uint64) != self.seen[name][:whole].view(np.uint64)
        words = np.flatnonzero(differ)
        cells = np.concatenate([(words[:, None] * 8 + np.arange(8)).ravel(), np.arange(whole, size)])
        differs = np.zeros(cells.size, dtype=bool)
        for name, values in now.items():
            differs |= values[cells] != self.seen[name][cells]
        return cells[differs]

    def _move(self, cells: np.ndarray, arrays: dict[str, np.ndarray], sign: int) -> None:
        """Add (sign +1) or remove (sign -1) the given cells, as ``arrays`` has them, to or from every tally."""
        rows, inn = split_cells(cells, self.m)
        cols = inn if self.runs == 1 else (cells // self.cells_per_run) * self.m + inn  # run and innovation
        m = self.m * self.runs
        state = arrays["state"][cells].astype(np.int64)
        self.states += sign * np.bincount(state * m + cols, minlength=len(State) * m).reshape(len(State), m)
        self.ever_abandoned += sign * np.bincount(cols[arrays["ever_abandoned"][cells]], minlength=m)
        sustained = state == State.SUSTAINED.value
        self.partial += sign * np.bincount(cols[sustained & arrays["partial"][cells]], minlength=m)
        self.after_grant += sign * np.bincount(cols[sustained & arrays["granted"][cells]], minlength=m)
        active = sustained | (state == State.PILOTING.value)
        payer = arrays["payer"][cells][active].astype(np.int64)
        self.payers += sign * np.bincount(payer * m + cols[active], minlength=len(Payer) * m).reshape(len(Payer), m)
        at = self.council[rows[sustained]] * self.m + inn[sustained]
        self.sustained_in += sign * np.bincount(at, minlength=self.n_councils * self.m).reshape(self.n_councils, self.m)

    def councils_reached(self) -> np.ndarray:
        """Councils in which at least one provider sustains each innovation.

        Returns:
            The count of councils per innovation (per run and innovation for a batch).
        """
        if self.runs == 1:
            return np.count_nonzero(self.sustained_in, axis=0)
        return np.count_nonzero(self.sustained_in.reshape(self.runs, -1, self.m), axis=1).ravel()
