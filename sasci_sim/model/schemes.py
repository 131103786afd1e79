"""Schemes and the people they support, per council (ODD: Entities; Observation).

A social innovation such as Shared Lives exists as schemes in council areas, each supporting
a number of people. Here an operating site of an innovation (an approved pilot or a sustained
adopter) is a scheme; a new scheme grows to its full number of people,
``innovations[].people_per_scheme``, over ``innovations[].scheme_growth_months`` operating
months, as it recruits and matches carers. A council area has at most
``innovations[].schemes_per_council`` schemes (Shared Lives schemes are on council
boundaries: one each): further sites there work within its schemes and add no people; the
council's schemes are its most grown sites. People supported in a council cannot exceed the
people using care there. Penetration is then a share of people (people supported / people
using care), beside the share of providers and of councils. Counting people changes no rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sasci_sim.config.schema import Scenario
from sasci_sim.model.population import Councils, Providers, State


@dataclass
class People:
    """People using care per council and the innovations whose people are counted.

    Attributes:
        using_care: People using long-term care in each council (length L).
        counted: Indices of the innovations with ``people_per_scheme`` above 0.
        per_scheme: People a grown scheme supports, for the counted innovations.
        growth_months: Operating months a scheme takes to grow, for the counted innovations.
        max_schemes: Most schemes per council, for the counted innovations (inf: no limit).
    """

    using_care: np.ndarray
    counted: np.ndarray
    per_scheme: np.ndarray
    growth_months: np.ndarray
    max_schemes: np.ndarray

    @classmethod
    def from_scenario(cls, scenario: Scenario, councils: Councils) -> People | None:
        """People per council from ``people.using_care_per_council``, shared out by council size.

        Args:
            scenario: The resolved scenario.
            councils: The councils (their provider counts measure their size).

        Returns:
            The people to count, or None when the scenario does not count people.
        """
        mean = scenario.people.using_care_per_council
        if mean is None:
            return None
        size = councils.n_providers.astype(np.float64)
        share = size / size.sum() if size.sum() > 0 else np.full(councils.n, 1.0 / councils.n)
        per_scheme = np.array([i.people_per_scheme for i in scenario.innovations])
        growth = np.array([i.scheme_growth_months for i in scenario.innovations])
        limit = np.array(
            [np.inf if i.schemes_per_council is None else i.schemes_per_council for i in scenario.innovations]
        )
        counted = np.flatnonzero(per_scheme > 0)
        return cls(
            using_care=mean * councils.n * share,
            counted=counted,
            per_scheme=per_scheme[counted],
            growth_months=growth[counted],
            max_schemes=limit[counted],
        )

    @property
    def total(self) -> float:
        """People using care in all councils."""
        return float(self.using_care.sum())


def _operating(providers: Providers, j: int) -> np.ndarray:
    """Providers operating innovation ``j``: approved pilots and sustained adopters."""
    state = providers.state[:, j]
    return providers.approved[:, j] & ((state == State.PILOTING.value) | (state == State.SUSTAINED.value))


def schemes_by_council(people: People, providers: Providers, n_councils: int) -> np.ndarray:
    """Operating sites (schemes) of each counted innovation in each council.

    Args:
        people: What is counted.
        providers: The provider arrays (councils, cell states).
        n_councils: The number of councils.

    Returns:
        An L x K integer array, K the number of counted innovations.
    """
    out = np.zeros((n_councils, people.counted.size), dtype=np.int64)
    for k, j in enumerate(people.counted):
        sites = np.bincount(providers.council[_operating(providers, j)], minlength=n_councils)
        out[:, k] = np.minimum(sites, people.max_schemes[k])
    return out


def _first_per_council(council: np.ndarray, grown: np.ndarray, limit: float) -> np.ndarray:
    """Mask of the ``limit`` most grown sites of each council (all of them when there is no limit)."""
    if not np.isfinite(limit) or council.size == 0:
        return np.ones(council.size, dtype=bool)
    order = np.lexsort((-grown, council))  # by council, most grown first
    sorted_council = council[order]
    first = np.searchsorted(sorted_council, sorted_council, side="left")
    keep = np.zeros(council.size, dtype=bool)
    keep[order] = (np.arange(council.size) - first) < limit
    return keep


def people_supported(people: People, providers: Providers, n_councils: int) -> np.ndarray:
    """People supported by the schemes of each counted innovation in each council.

    A scheme that has operated ``m`` months supports ``per_scheme * min(m / growth_months, 1)``
    people (all of them at once when ``growth_months`` is 0); only a council's
    ``schemes_per_council`` most grown sites count as schemes; a council's total is at most the
    people using care there.

    Args:
        people: What is counted.
        providers: The provider arrays (councils, cell states, operating months).
        n_councils: The number of councils.

    Returns:
        An L x K float array, K the number of counted innovations.
    """
    out = np.zeros((n_councils, people.counted.size))
    for k, j in enumerate(people.counted):
        rows = np.flatnonzero(_operating(providers, j))
        months = providers.months_operating[rows, j].astype(np.float64)
        growth = people.growth_months[k]
        grown = np.minimum(months / growth, 1.0) if growth > 0 else np.ones(rows.size)
        council = providers.council[rows]
        grown = np.where(_first_per_council(council, grown, people.max_schemes[k]), grown, 0.0)
        out[:, k] = np.bincount(council, weights=people.per_scheme[k] * grown, minlength=n_councils)
    return np.minimum(out, people.using_care[:, None])
