"""Memory a run will need, estimated before it starts, so sizes beyond memory are refused up front.

A scenario at the edge of its allowed ranges (two million providers x 500 innovations,
1,200 months, 10,000 replications) would need far more memory than a machine has; the
operating system would then kill the run part-way, or the machine would grind to a halt.
``check_fits`` refuses such a run with one line giving the estimate and the limit instead.

The estimate is the model's arrays (providers x innovations cells, the peer network, the
monthly recorder) plus the tables of every replication held until they are written. The
bytes per unit come from peak resident memory of runs at eight sizes (20,000 to 200,000
providers, 5 to 60 innovations, 6 to 100 ties each), fitted by least squares (about 41 bytes
per cell, 81 per tie, 151 per provider and 12 MB besides) and rounded up, so that the
measured peaks are 45-85% of the estimate; a spread.csv row held in memory, written and
plotted took about 800 bytes.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError

CELL_BYTES = 64  # provider x innovation: state arrays, peer counts, the rules' temporaries
TIE_BYTES = 96  # one peer tie while the network is built (COO triplets, then CSR)
PROVIDER_BYTES = 256  # a provider's own attributes (council, capabilities, reserves, degree)
BASE_BYTES = 32 * 1024**2  # working memory of any run
MONTH_BYTES = 256  # month x innovation in the recorder (counts, events, payers)
ROW_BYTES = 1024  # replication x month x innovation: the tidy tables, their CSV and plot
#: Design point x parameter of a sweep's design: SALib's sample matrix, the values as Python
#: objects and the table, as built; measured at 75-79 bytes (LHS, Sobol and Morris, 100,000 to
#: 140,000 points x 6 parameters), doubled for the Arrow copy written to design.parquet.
DESIGN_CELL_BYTES = 160

_GB = 1024**3


@dataclass(frozen=True)
class Estimate:
    """Bytes a run needs: its model(s) at once, and the tables it keeps until written."""

    model: int
    tables: int

    @property
    def total(self) -> int:
        """Bytes in all: the models alive at once plus the tables kept until written.

        Returns:
            The estimate to compare with the memory available.
        """
        return self.model + self.tables

    @property
    def field(self) -> str:
        """The scenario field to shrink first: the larger part of the estimate."""
        return "population.providers" if self.model >= self.tables else "simulation.replications"


def estimate(
    scenario: Scenario, *, replications: int | None = None, steps: int | None = None, runs_at_once: int = 1
) -> Estimate:
    """Memory for ``scenario``'s replications (``runs_at_once`` models alive together, e.g. pool workers).

    The constants are per cell, provider, tie and recorded month, measured on this code.

    Args:
        scenario: The resolved scenario.
        replications: Replications to keep tables for; the scenario's when None.
        steps: Months to run; the scenario's when None.
        runs_at_once: Models alive together (pool workers).

    Returns:
        The estimate, split into the models and the tables.
    """
    n = scenario.population.providers
    m = len(scenario.innovations)
    months = (steps if steps is not None else scenario.simulation.steps) + 1
    ties = 0 if scenario.network.topology == "complete" else scenario.network.local_ties + scenario.network.sector_ties
    model = BASE_BYTES + n * (m * CELL_BYTES + PROVIDER_BYTES) + int(n * ties * TIE_BYTES) + months * m * MONTH_BYTES
    reps = replications if replications is not None else scenario.simulation.replications
    return Estimate(model=model * runs_at_once, tables=reps * months * m * ROW_BYTES)


def available_bytes() -> int | None:
    """Memory this process may still use: the least of free RAM, a cgroup limit and an address-space limit.

    Returns:
        Bytes, or None where none of the three can be read.
    """
    limits = [x for x in (_meminfo_available(), _cgroup_room(), _address_space_room()) if x is not None]
    return min(limits) if limits else None


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _cgroup_room() -> int | None:
    """Room left under a cgroup v2 memory limit (containers), if there is one."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
        return max(int(limit) - used, 0)
    except (OSError, ValueError):
        return None


def _address_space_room() -> int | None:
    """Room left under ``ulimit -v`` (RLIMIT_AS), if one is set."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return max(soft - int(line.split()[1]) * 1024, 0)
    except (OSError, ValueError, IndexError):
        pass
    return soft


def gigabytes(value: int) -> str:
    """A byte count in the unit a person reads at a glance (GB from one gigabyte, else MB).

    Args:
        value: Bytes.

    Returns:
        For example "3.2 GB" or "450 MB".
    """
    return f"{value / _GB:.1f} GB" if value >= _GB else f"{value / 1024**2:.0f} MB"


def check_fits(
    scenarios: Scenario | Sequence[Scenario],
    source: str | Path,
    *,
    replications: int | None = None,
    steps: int | None = None,
    runs_at_once: int = 1,
) -> Estimate:
    """Refuse, with one line, runs whose memory estimate exceeds the memory available.

    Several scenarios (a comparison) run one after another but their tables are all kept.

    Args:
        scenarios: One scenario, or those of a comparison.
        source: The file named in the error.
        replications: Overrides each scenario's replications when given.
        steps: Overrides each scenario's months when given.
        runs_at_once: Models alive together (pool workers).

    Returns:
        The estimate, when it fits.

    Raises:
        InputError: When the estimate exceeds the memory available; it names the field to
            shrink first.
    """
    group = [scenarios] if isinstance(scenarios, Scenario) else list(scenarios)
    parts = [estimate(s, replications=replications, steps=steps, runs_at_once=runs_at_once) for s in group]
    need = Estimate(model=max(p.model for p in parts), tables=sum(p.tables for p in parts))
    room = available_bytes()
    if room is not None and need.total > room:
        big = max(group, key=lambda s: s.population.providers * len(s.innovations))
        n, m = big.population.providers, len(big.innovations)
        raise InputError(
            source,
            need.field,
            f"needs about {gigabytes(need.total)} of memory ({n:,} providers x {m} innovations: "
            f"{gigabytes(need.model)} for the model, {gigabytes(need.tables)} for the tables), "
            f"more than the {gigabytes(room)} available; make it smaller",
        )
    return need


def check_design_fits(points: int, parameters: int, source: str | Path, field: str) -> int:
    """Refuse, with one line, a sweep design whose table would not fit in memory (before it is built).

    Args:
        points: Design points the design will have.
        parameters: Parameters varied (columns of the sample matrix).
        source: The experiment file, for the message.
        field: The experiment field to shrink (``samples``, or ``parameters`` for a grid).

    Returns:
        The bytes the design needs.
    """
    need = BASE_BYTES + points * (parameters + 1) * DESIGN_CELL_BYTES  # + 1: each point's own columns
    room = available_bytes()
    if room is not None and need > room:
        raise InputError(
            source,
            field,
            f"the design has {points:,} points x {parameters} parameters and needs about {gigabytes(need)} "
            f"of memory, more than the {gigabytes(room)} available; make it smaller",
        )
    return need
