"""The peer network and how much of it uses each innovation (ODD: Submodel awareness).

Providers are tied to providers in their own council area (local networks) and
to providers of their own kind anywhere (sector networks). The share of a
provider's peers that actively use an innovation drives the peer channel of
awareness. Counts are updated incrementally from the cells that changed, so a
step costs work in proportion to change, not to providers x innovations.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sasci_sim.config.schema import Network
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.kernels.neighbours import pass_on


def _ties_within_groups(group: np.ndarray, per_node: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each node draws ~per_node partners uniformly from its own group."""
    n = len(group)
    if per_node <= 0 or n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = np.argsort(group, kind="stable")
    sorted_groups = group[order]
    starts = np.searchsorted(sorted_groups, sorted_groups, side="left")
    ends = np.searchsorted(sorted_groups, sorted_groups, side="right")
    k = rng.poisson(per_node, size=n)
    src_pos = np.repeat(np.arange(n), k)
    width = (ends - starts)[src_pos]
    dst_pos = starts[src_pos] + np.floor(rng.random(len(src_pos)) * width).astype(np.int64)
    src, dst = order[src_pos], order[dst_pos]
    keep = src != dst
    return src[keep], dst[keep]


def build_network(
    cfg: Network, council: np.ndarray, kind: np.ndarray, rng: np.random.Generator
) -> sp.csr_matrix | None:
    """Symmetric 0/1 adjacency (CSR), or None for the complete graph.

    Each provider makes about ``local_ties`` ties to providers in its council area and
    ``sector_ties`` to providers of its kind anywhere (ODD 2.6); ties are symmetric.

    Args:
        cfg: The network section of the scenario.
        council: Each provider's council.
        kind: Each provider's kind.
        rng: The run's random stream.

    Returns:
        The adjacency, or None when everyone is connected (the Bass limit), which needs no
        matrix at all.
    """
    if cfg.topology == "complete":
        return None
    n = len(council)
    s1, d1 = _ties_within_groups(council, cfg.local_ties, rng)
    s2, d2 = _ties_within_groups(kind, cfg.sector_ties, rng)
    src = np.concatenate([s1, s2, d1, d2])
    dst = np.concatenate([d1, d2, s1, s2])
    adj = sp.csr_matrix((np.ones(len(src), np.float32), (src, dst)), shape=(n, n))
    adj.sum_duplicates()
    adj.data[:] = 1.0
    return adj


class PeerExposure:
    """Number of each provider's peers actively using each innovation (N x M).

    ``share()`` gives the peer share x[i, j] used by the awareness rule; with the
    complete topology x[i, j] is the share of all providers using j (Bass).
    """

    def __init__(self, adjacency: sp.csr_matrix | None, n: int, m: int, runs: int = 1) -> None:
        """Start with no one using anything; ``update`` folds in the operating cells.

        Args:
            adjacency: The symmetric 0/1 peer network (block-diagonal for a batch of runs), or None
                for everyone connected within each run.
            n: Providers in all runs together.
            m: Innovations.
            runs: Runs stacked as blocks of ``n // runs`` providers (ODD 7.19: the ensemble engine).
        """
        self.adjacency = adjacency
        self.runs = runs
        self.n, self.m = n // runs, m  # providers per run
        self.active = np.zeros((n, m), dtype=bool)
        self._cells: np.ndarray | None = np.empty(0, dtype=np.int64)  # the active cells, sorted (None: not found yet)
        if adjacency is None:
            self.count = np.zeros(runs * m, dtype=np.int64)  # users per run and innovation
            self.degree = np.full(n, float(self.n))
        else:
            self.degree = np.diff(adjacency.indptr).astype(np.float64)
            self.inv_degree = np.divide(1.0, self.degree, out=np.zeros(n), where=self.degree > 0)
            # a count never exceeds a degree: the narrowest type keeps the N x M scans short
            widest = int(self.degree.max(initial=0))
            dtype = np.int8 if widest <= 127 else np.int16 if widest <= 32767 else np.int32
            self.count = np.zeros((n, m), dtype=dtype)
        self._exposed: list[np.ndarray] = []  # cells whose count rose from 0 since ``take_exposed``

    def _run_columns(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Index of (run, innovation) of each cell into the complete graph's counts."""
        return cols if self.runs == 1 else (rows // self.n) * self.m + cols

    def update(self, active_now: np.ndarray) -> None:
        """Fold in the cells whose active status changed since the last update.

        Only cells active now or at the last update are looked at, and only changed ones touch
        the counts, so a month costs in proportion to the cells in use, not to providers x
        innovations.

        Args:
            active_now: Flat indices of the operating cells after this month's changes, sorted.
        """
        active, was = self.active.reshape(-1), self.cells
        started = active_now[~active[active_now]]
        active[was] = False
        active[active_now] = True
        stopped = was[~active[was]]
        self._cells = active_now
        self._fold(started, stopped)

    def update_at(self, cells: np.ndarray, active_now: np.ndarray) -> None:
        """``update`` from the cells that may have changed only: every other cell keeps its status.

        Args:
            cells: Flat indices of every cell whose active status may have changed since the last
                update, each once, sorted.
            active_now: Whether each of them is active now.
        """
        flip = self.active.reshape(-1)[cells] != active_now
        changed, now = cells[flip], active_now[flip]  # each once, sorted, as ``update`` has them
        started, stopped = changed[now], changed[~now]
        self.active.reshape(-1)[changed] = now
        self._cells = None  # found when an ``update`` needs them
        self._fold(started, stopped)

    @property
    def cells(self) -> np.ndarray:
        """Flat indices of the active cells, sorted (found from ``active`` when an ``update_mask`` left them out)."""
        if self._cells is None:
            self._cells = np.flatnonzero(self.active)
        return self._cells

    def update_mask(self, operating: np.ndarray) -> None:
        """``update`` given the whole operating mask: cheaper when most cells operate.

        Args:
            operating: The N x M operating mask after this month's changes.
        """
        started = np.flatnonzero(operating & ~self.active)
        stopped = np.flatnonzero(self.active & ~operating)
        self.active[...] = operating
        self._cells = None  # found when an ``update`` needs them (months with many operating need none)
        self._fold(started, stopped)

    def _fold(self, started: np.ndarray, stopped: np.ndarray) -> None:
        """Move the peer counts by the cells that started and stopped operating (each sorted)."""
        if started.size == 0 and stopped.size == 0:
            return
        changed = np.concatenate([started, stopped])
        now = np.arange(changed.size) < started.size
        sign = np.where(now, 1, -1).astype(self.count.dtype)
        rows, cols = split_cells(changed, self.m)
        if self.adjacency is None:
            where = self._run_columns(rows, cols)
            self.count += np.bincount(where, weights=sign, minlength=self.runs * self.m).astype(np.int64)
        else:  # each peer's count, in one pass over the changed providers' ties; the cells started
            # come first, so a count that rises from 0 is one that was 0 and is not now
            adj = self.adjacency
            self._exposed.append(pass_on(adj.indptr, adj.indices, rows, cols, sign, self.count.reshape(-1)))

    def exposed_mask(self) -> np.ndarray:
        """N x M mask of cells with at least one peer using the innovation (network topologies).

        Returns:
            The mask; awareness draws its peer channel only in these cells.
        """
        return self.count > 0

    def take_exposed(self) -> np.ndarray:
        """The cells newly exposed (a count risen from 0) since the last call (network topologies).

        Returns:
            Flat cell indices (unsorted, with repeats); the cells exposed now are those exposed at
            the last call that still are, and these.
        """
        cells = np.concatenate([np.empty(0, np.int64), *self._exposed])
        self._exposed = []
        return cells

    def share_at(self, rows: np.ndarray, cols: np.ndarray, cells: np.ndarray | None = None) -> np.ndarray:
        """Peer share using the innovation for the given cells.

        Args:
            rows: Providers of the cells.
            cols: Innovations of the cells.
            cells: Their flat indices (``rows * m + cols``), when the caller has them already.

        Returns:
            x[i, j], the share of provider i's peers using innovation j (of all providers, with
            the complete topology).
        """
        if self.adjacency is None:
            return self.count[self._run_columns(rows, cols)] / self.n
        return self.count.ravel()[rows * self.m + cols if cells is None else cells] * self.inv_degree[rows]
