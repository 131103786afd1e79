"""The cells a month's rules read again and again, kept instead of found by a scan each time (ODD 3).

``CellViews`` keeps the cells under way, the council contracts and the unaware cells a peer
reaches, as sorted indices, while every writer reports the cells it changes; each kept list is
exactly what a scan of the state gives. When most cells are under way the rules read whole masks
instead (``CellViews.many_under_way``). ``CellAccess`` gives ``Ensemble`` and ``SocialCareModel``
the World protocol's methods over their views.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sasci_sim.model.blocks import Blocks
from sasci_sim.model.kernels.cells import distinct_sorted, flat_nonzero, merged_where, split_cells
from sasci_sim.model.network import PeerExposure
from sasci_sim.model.population import Payer, Providers, State


def piloting_or_sustained(state: np.ndarray) -> np.ndarray:
    """Whether each state is PILOTING or SUSTAINED, as one unsigned comparison (they are consecutive).

    Args:
        state: A cell state array.

    Returns:
        The mask.
    """
    return (state.view(np.uint8) - np.uint8(State.PILOTING)) <= State.SUSTAINED - State.PILOTING


# PILOTING (2) and SUSTAINED (3) are the only states with bit 1 set
if [s.value for s in State if s.value & 2] != [State.PILOTING.value, State.SUSTAINED.value]:  # pragma: no cover
    raise AssertionError("operating_cells reads PILOTING or SUSTAINED from bit 1 of the state")


#: Above one cell under way in this many, rules read the whole arrays rather than the index of cells
#: under way (at the Bass limit's densities gathers, divisions and bincounts over an index of most
#: cells cost more than a pass over bytes; the results are the same either way).
_DENSE_UNDER_WAY = 8


def operating_cells(providers: Providers) -> np.ndarray:
    """Cells where the innovation is in use: approved, and PILOTING or SUSTAINED.

    PILOTING and SUSTAINED are the states with bit 1 set, so eight cells (one 64-bit word) at a
    time the mask is the state shifted right by one bit, and-ed with the approval bytes (0 or 1).

    Args:
        providers: The provider arrays.

    Returns:
        The N x M operating mask.
    """
    state, approved = providers.state.reshape(-1), providers.approved.reshape(-1)
    size = state.size
    whole = size - size % 8
    out = np.empty(size, dtype=np.uint8)
    words = out[:whole].view(np.uint64)
    np.right_shift(state[:whole].view(np.uint64), np.uint64(1), out=words)
    words &= approved[:whole].view(np.uint64)  # keeps bit 0 of each byte: bit 1 of its state
    if whole < size:
        out[whole:] = approved[whole:] & piloting_or_sustained(state[whole:])
    return out.view(np.bool_).reshape(providers.state.shape)


def under_way_mask(providers: Providers) -> np.ndarray:
    """Flat mask of the cells PILOTING or SUSTAINED, found eight cells (one word) at a time.

    Args:
        providers: The provider arrays.

    Returns:
        ``piloting_or_sustained(providers.state)``, flat.
    """
    state = providers.state.reshape(-1)
    size = state.size
    whole = size - size % 8
    out = np.empty(size, dtype=np.uint8)
    words = out[:whole].view(np.uint64)
    np.right_shift(state[:whole].view(np.uint64), np.uint64(1), out=words)
    words &= np.uint64(0x0101010101010101)  # bit 1 of each state byte: PILOTING or SUSTAINED
    if whole < size:
        out[whole:] = piloting_or_sustained(state[whole:])
    return out.view(np.bool_)


def under_way_cells(providers: Providers) -> np.ndarray:
    """Flat indices of the cells PILOTING or SUSTAINED, sorted, found eight cells (one word) at a time.

    Args:
        providers: The provider arrays.

    Returns:
        The cells, as ``np.flatnonzero(piloting_or_sustained(providers.state))`` gives them.
    """
    return flat_nonzero(under_way_mask(providers))


def operating_at(providers: Providers, cells: np.ndarray) -> np.ndarray:
    """``operating_cells`` at the given flat cell indices only.

    Args:
        providers: The provider arrays.
        cells: Flat cell indices.

    Returns:
        Whether each of those cells is operating, without building the whole mask.
    """
    return providers.approved.ravel()[cells] & piloting_or_sustained(providers.state.ravel()[cells])


def _with_added(cells: np.ndarray, added: np.ndarray) -> np.ndarray:
    """The sorted cells and the added ones, each once, sorted (the added may repeat or be there already).

    A stable sort (timsort) of the two end to end finds the sorted run of ``cells`` and merges the
    added ones into it, in time about linear in the cells.
    """
    if added.size == 0:
        return cells
    merged = np.concatenate((cells, added))
    merged.sort(kind="stable")
    first = np.ones(merged.size, dtype=bool)
    np.not_equal(merged[1:], merged[:-1], out=first[1:])
    return merged[first]


class CellViews:
    """Cell lists several rules read each month, kept from the cells the writers report.

    While tracked (``track``: from the awareness step to the month's end, and from month to month
    while a run is stepped to its end) every writer of a cell's state, payer, approval or history
    reports the cells it writes (``started``, ``written``: the transitions, becoming aware,
    re-adoption, launch, approval). The cells under way (``under_way``, and from them the operating
    cells and sites) and the council contracts are then kept as sorted indices, each read adding the reported
    cells and dropping those that left, and the Recorder's tally compares only the cells written
    (``take_written``). Through the councils' part of the month (``keep``) the values fixed while
    a contract lasts (its monthly cost, ``per_contract``) are kept too, re-read at the contracts
    still in place. Outside these spans nothing is kept (every call computes afresh), so the
    arrays may be changed freely between months, by the rules or by hand.
    """

    def __init__(self, providers: Providers, blocks: Blocks) -> None:
        """Views of these arrays; nothing is kept until ``keep`` or ``track`` is called.

        Args:
            providers: The provider arrays the views are of.
            blocks: The runs they hold (for the sites per run and innovation).
        """
        self.providers = providers
        self.blocks = blocks
        self.keeping = False
        self._contracts: np.ndarray | None = None
        self._per_contract: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.tracking = False
        self._under: np.ndarray | None = None
        self._started: list[np.ndarray] = []
        self._writes = 0  # reports of written cells so far
        self._reach: np.ndarray | None = None  # the unaware cells exposed to a peer, kept while tracked
        self._many: bool | None = None  # this month's answer of ``many_under_way``
        self._was_many = False  # the last answer (how to count this month's)
        self._under_writes = -1  # ``_writes`` when the kept index was last checked against the state
        self._written: list[np.ndarray] | None = None  # cells written since ``take_written``, while tracked
        self._written_since_contracts: list[np.ndarray] = []  # since the contracts were last read, while kept
        self._aware: np.ndarray | None = None  # the AWARE cells, kept from a read while tracked
        self._written_since_aware: list[np.ndarray] = []
        self._since_exposure: list[np.ndarray] | None = None  # cells written since the peer counts were synced
        self._sites: np.ndarray | None = None  # operating sites per run and innovation, kept while tracked
        self._sites_operating: np.ndarray | None = None  # each cell's operating status as ``_sites`` counts it
        self._since_sites: list[np.ndarray] = []  # cells written since ``_sites`` was brought up to date

    def track(self) -> None:
        """Keep the cells under way and the council contracts once computed, until ``untrack``.

        From then on every write of a cell's state, payer, approval or history must be reported (``started``
        for pilots started, ``written`` for the rest); cells that leave an index need no report of
        their own, since each read drops them. Called at the start of every month, it also lets
        ``many_under_way`` decide afresh.
        """
        self.tracking = True
        self._many = None

    def untrack(self) -> None:
        """Drop the kept indices and find the cells afresh from now on."""
        self.tracking = False
        self._under = None
        self._reach = None
        self._many = None
        self._aware = None
        self._started = []
        self._written = None
        self._since_exposure = None
        self._sites = self._sites_operating = None
        self._since_sites = []
        if not self.keeping:
            self._contracts = None

    def started(self, cells: np.ndarray) -> None:
        """Add cells that have just started piloting to the kept index of cells under way.

        Args:
            cells: Flat indices of the cells (any order; repeats allowed).
        """
        if self._under is not None and cells.size:
            self._started.append(cells)
        self.written(cells)

    def written(self, cells: np.ndarray) -> None:
        """Note cells whose state, payer, approval, cut-down or history fields a rule wrote (for the Recorder's tally).

        Args:
            cells: Flat indices of the cells (any order; repeats allowed).
        """
        if cells.size:
            self._writes += 1
        if self._written is not None and cells.size:
            self._written.append(cells)
        if self._contracts is not None and cells.size:
            self._written_since_contracts.append(cells)
        if self._aware is not None and cells.size:
            self._written_since_aware.append(cells)
        if self._since_exposure is not None and cells.size:
            self._since_exposure.append(cells)
        if self._sites is not None and cells.size:
            self._since_sites.append(cells)

    def take_written(self) -> np.ndarray | None:
        """The cells written since the last call, or None when writes may have gone unreported.

        Only while tracked are all writes reported, from one call to the next: the first call
        of a tracked span, and every call outside one, gives None (the tally then compares every
        cell, so hand edits are seen).

        Returns:
            Flat cell indices (unsorted, with repeats), or None.
        """
        cells = None if self._written is None else np.concatenate([np.empty(0, np.int64), *self._written])
        self._written = [] if self.tracking else None
        return cells

    def under_way(self) -> np.ndarray:
        """Flat indices of the cells PILOTING or SUSTAINED, sorted.

        While tracked, the first read finds them by a scan of the whole state and later reads
        take the kept index, the pilots reported started since, less the cells no longer under
        way: a read costs in proportion to the cells under way, not to providers x innovations.
        A read with no cell written since the last one returns the kept index as it is (every
        write of a state is reported while tracked, so none can have left).

        Returns:
            The cells, as a fresh scan of the state gives them.
        """
        if self._under is None:
            cells = under_way_cells(self.providers)
            if self.tracking:
                self._under, self._under_writes = cells, self._writes
                cells.flags.writeable = False  # kept, and returned again while nothing is written
            return cells
        if self._writes == self._under_writes:  # nothing written, so nothing started or left
            return self._under
        cells = self._under
        if self._started:  # merged into the sorted index where not in it already
            cells = _with_added(cells, np.concatenate(self._started))
            self._started = []
        cells = cells[piloting_or_sustained(self.providers.state.ravel()[cells])]
        cells.flags.writeable = False
        self._under, self._under_writes = cells, self._writes
        return cells

    def refresh_exposure(self, exposure: PeerExposure) -> None:
        """Bring the peer counts up to date with the operating cells (``PeerExposure``).

        A cell starts or stops operating only where its state or approval is written, and while
        tracked every such write is reported (``written``; approvals too). So after one update
        from all the operating cells (the mask when most cells are under way), later updates of
        the tracked span look only at the cells written since, in proportion to them, not to the
        cells in use.

        Args:
            exposure: The peer counts.
        """
        if self.many_under_way():  # one pass over the arrays
            exposure.update_mask(self.operating_mask())
        elif self._since_exposure is None:
            exposure.update(self.operating())
        elif self._since_exposure:
            written = distinct_sorted(np.concatenate(self._since_exposure))  # (in order: gathers read the arrays so)
            exposure.update_at(written, operating_at(self.providers, written))
        self._since_exposure = [] if self.tracking else None

    def unaware_exposed(self, exposure: PeerExposure) -> np.ndarray:
        """Flat indices of the UNAWARE cells with a peer using the innovation (network topologies), sorted.

        While tracked, the first read scans the whole state and later reads take the kept index,
        the cells newly exposed since (``PeerExposure.take_exposed``), less those no longer
        unaware or exposed. No rule makes a cell UNAWARE, and a count rises from 0 only where
        ``take_exposed`` reports it, so a read costs in proportion to these cells.

        Args:
            exposure: The peer counts (with an adjacency).

        Returns:
            The cells, as ``flat_nonzero(exposure.exposed_mask() & (state == UNAWARE))`` gives them.
        """
        added = exposure.take_exposed()
        state = self.providers.state
        if self._reach is None:
            cells = flat_nonzero(exposure.exposed_mask() & (state == State.UNAWARE.value))
        else:
            added.sort()
            cells = merged_where(self._reach, added, state.reshape(-1), State.UNAWARE.value, exposure.count.reshape(-1))
        if self.tracking:
            cells.flags.writeable = False  # kept
            self._reach = cells
        return cells

    def aware(self) -> np.ndarray:
        """Flat indices of the AWARE cells, sorted.

        While tracked, the first read scans the state and the index is kept: a later read (the
        next funder's call, of the month or of a later month) takes it, with the cells written
        since that are AWARE, less those no longer AWARE (the pilots the calls started, the cells
        the rules moved on). A cell becomes AWARE only where a rule writes it, and every write is
        reported while tracked, so each funder's call after the first costs in proportion to the
        aware cells and the writes since, not to providers x innovations.

        Returns:
            The cells, as ``np.flatnonzero(state == AWARE)`` gives them.
        """
        state = self.providers.state.reshape(-1)
        if self._aware is None:
            cells = flat_nonzero(state == State.AWARE.value)
        else:
            cells = self._aware
            if self._written_since_aware:
                written = np.concatenate(self._written_since_aware)
                cells = _with_added(cells, written[state[written] == State.AWARE.value])
            cells = cells[state[cells] == State.AWARE.value]
        self._written_since_aware = []
        if self.tracking:
            cells.flags.writeable = False  # kept
            self._aware = cells
        return cells

    def many_under_way(self) -> bool:
        """Whether more than one cell in ``_DENSE_UNDER_WAY`` is under way (whole-array passes then pay).

        Decided once a month (at its first use after ``track``): either answer gives the same
        results, only the cost differs. After a month with many, the cells are counted by a pass
        over the state, not read from the index (which the rules then do not read, and which would
        cost more than the pass to bring up to date); after one with few, the index is read (the
        rules read it next).

        Returns:
            True when the cells under way are that many.
        """
        if self._many is None:
            count = np.count_nonzero(under_way_mask(self.providers)) if self._was_many else self.under_way().size
            self._many = self._was_many = count * _DENSE_UNDER_WAY > self.providers.state.size
        return self._many

    def operating(self) -> np.ndarray:
        """Flat indices of the operating cells (approved, and under way), sorted.

        Returns:
            The cells, as ``flat_nonzero(operating_mask())`` gives them.
        """
        cells = self.under_way()
        return cells[self.providers.approved.ravel()[cells]]

    def keep(self) -> None:
        """Keep each view once computed, until ``forget``."""
        self.keeping = True

    def forget(self) -> None:
        """Drop the kept views and compute afresh from now on."""
        self.keeping = False
        self._per_contract = {}
        if not self.tracking:
            self._contracts = None

    def operating_mask(self) -> np.ndarray:
        """The operating mask, computed afresh (rules read the operating cells from ``under_way``).

        Returns:
            The N x M mask.
        """
        return operating_cells(self.providers)

    def operating_sites(self) -> np.ndarray:
        """Operating cells per run and innovation.

        While tracked, the first read counts the operating cells from the index of cells under way
        (in proportion to them) and notes each cell's status; later reads move the counts by the
        cells written since whose status changed, in proportion to those. A cell starts or stops
        operating only where its state or approval is written, and every such write is reported
        while tracked (``written``), as the peer counts rely on too (``refresh_exposure``).

        Returns:
            The counts (flat, run b's at ``b * M ..``), as ``Blocks.count_columns`` gives them
            (read-only while kept).
        """
        if not self.tracking or self.many_under_way():  # counting the mask is then cheaper than the index
            self._sites = self._sites_operating = None  # (counted afresh when the index pays again)
            self._since_sites = []
            return self.blocks.count_columns(self.operating_mask())
        if self._sites is None:
            cells = self.operating()
            self._sites_operating = np.zeros(self.providers.state.size, dtype=bool)
            self._sites_operating[cells] = True
            sites = self._column_counts(cells)
        elif self._since_sites:
            written = distinct_sorted(np.concatenate(self._since_sites))
            now = operating_at(self.providers, written)
            moved = np.flatnonzero(now != self._sites_operating[written])
            if moved.size == 0:
                self._since_sites = []
                return self._sites
            started = now[moved]
            cells = written[moved]
            self._sites_operating[cells] = started
            sites = self._sites + self._column_counts(cells[started]) - self._column_counts(cells[~started])
        else:
            return self._sites
        sites.flags.writeable = False  # kept
        self._sites, self._since_sites = sites, []
        return sites

    def _column_counts(self, cells: np.ndarray) -> np.ndarray:
        """How many of these cells each run and innovation has (flat, length B * M)."""
        rows, cols = split_cells(cells, self.blocks.m)
        return np.bincount(self.blocks.columns(rows, cols), minlength=self.blocks.size * self.blocks.m)

    def council_contracts(self) -> np.ndarray:
        """Flat indices of the council-paid cells (payer COUNCIL), sorted (kept while kept or tracked).

        Returns:
            The cells, as ``np.flatnonzero(payer == COUNCIL)`` gives them.
        """
        payer = self.providers.payer.ravel()
        if self._contracts is not None:
            kept = self._contracts
            if self._written_since_contracts:  # contracts started or taken on since (tracked: every write reported)
                written = np.concatenate(self._written_since_contracts)
                self._written_since_contracts = []
                kept = _with_added(kept, written[np.flatnonzero(payer[written] == Payer.COUNCIL.value)])
            kept = kept[payer[kept] == Payer.COUNCIL.value]  # contracts ended since are left out
            self._contracts = kept
            return kept
        cells = np.flatnonzero(payer == Payer.COUNCIL.value)
        if self.keeping or self.tracking:
            self._contracts = cells
            self._written_since_contracts = []
        return cells

    def per_contract(self, name: str, compute: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The council contracts and one value per contract, ``compute(contracts)``.

        While kept, the values are computed once and re-read at the contracts still in place, so
        only values fixed while a contract lasts through the span may be kept by ``name``: a
        contract's monthly cost to its commissioner is (it changes when a contract starts, is
        taken on or ends, none of which happens in the span but an ending).

        Args:
            name: What the values are.
            compute: The values for given contract cells.

        Returns:
            (contracts, values), the contracts as ``council_contracts`` gives them.
        """
        if not self.keeping:
            cells = self.council_contracts()
            return cells, compute(cells)
        if name not in self._per_contract:
            cells = self.council_contracts()
            self._per_contract[name] = (cells, compute(cells))
            return self._per_contract[name]
        cells, values = self._per_contract[name]
        still = self.providers.payer.ravel()[cells] == Payer.COUNCIL.value
        return cells[still], values[still]


class CellAccess:
    """The World protocol's cell views, for a model that keeps its cells in ``self.cells`` (``CellViews``).

    ``Ensemble`` and ``SocialCareModel`` both step the month's rules (``run_month``) over the same
    arrays; the rules read and report cells through these methods, which this class gives both.
    """

    cells: CellViews
    providers: Providers
    exposure: PeerExposure

    def many_under_way(self) -> bool:
        """Whether most cells are under way (``CellViews.many_under_way``).

        Returns:
            True when whole-array passes cost less than the index of cells under way.
        """
        return self.cells.many_under_way()

    def unaware_exposed(self) -> np.ndarray:
        """Flat indices of the UNAWARE cells with a peer using the innovation (network topologies), sorted.

        Returns:
            The cells (an index kept while tracked, ``model.views.CellViews``).
        """
        return self.cells.unaware_exposed(self.exposure)

    def refresh_exposure(self) -> None:
        """Bring the peer counts up to date with the operating cells (``CellViews.refresh_exposure``)."""
        self.cells.refresh_exposure(self.exposure)

    def aware_cells(self) -> np.ndarray:
        """Flat indices of the AWARE cells, sorted.

        Returns:
            The cells (kept from call to call while tracked, ``model.views.CellViews.aware``).
        """
        return self.cells.aware()

    def operating_mask(self) -> np.ndarray:
        """Cells where the innovation is in use: approved pilots and sustained.

        Returns:
            The stacked N x M operating mask, computed afresh.
        """
        return self.cells.operating_mask()

    def operating_at(self, cells: np.ndarray) -> np.ndarray:
        """``operating_mask()`` at the given flat cell indices only.

        Args:
            cells: Flat cell indices.

        Returns:
            Whether each of those cells is operating.
        """
        return operating_at(self.providers, cells)

    def council_contracts(self) -> np.ndarray:
        """Flat indices of the council-paid cells, sorted.

        Returns:
            The cells with payer COUNCIL (kept while tracked, ``model.views.CellViews``).
        """
        return self.cells.council_contracts()

    def per_contract(self, name: str, compute: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The council contracts and one value per contract (kept through the councils' part of the month).

        Args:
            name: What the values are.
            compute: The values for given contract cells.

        Returns:
            (contracts, values).
        """
        return self.cells.per_contract(name, compute)

    def operating_sites(self) -> np.ndarray:
        """Operating cells per run and innovation.

        Returns:
            The counts (flat, run b's at ``b * M ..``; from the cells under way while tracked).
        """
        return self.cells.operating_sites()

    def under_way(self) -> np.ndarray:
        """Flat indices of the cells PILOTING or SUSTAINED, sorted.

        Returns:
            The cells (an index kept while tracked, ``model.views.CellViews``).
        """
        return self.cells.under_way()

    def pilots_started(self, cells: np.ndarray) -> None:
        """Report cells that have just started piloting (to the kept index of cells under way).

        Args:
            cells: Flat indices of the cells.
        """
        self.cells.started(cells)

    def cells_written(self, cells: np.ndarray) -> None:
        """Report cells whose state, payer, approval, cut-down or history fields a rule wrote.

        Args:
            cells: Flat indices of the cells.
        """
        self.cells.written(cells)

    def take_written(self) -> np.ndarray | None:
        """The cells written since the last call, or None when writes may have gone unreported.

        Returns:
            Flat cell indices, or None (``CellViews.take_written``).
        """
        return self.cells.take_written()
