"""Failure teaches: the sector learns an innovation's benefit from what happens to its sites (ODD: Submodel 'learning').

The benefit an innovation really brings is the scenario's value ``b[j]``; what providers and
councils act on is the sector's perceived benefit ``b_hat[j]`` (``portfolio.benefit``). It
starts at the prior ``b0[j]`` (``innovations[].prior_benefit``, by default the true value) and is
updated each month from outcomes, like a mean over pseudo-observations:

    b_hat[j] = (n0 * b0[j] + S[j] * b[j] + w * F[j] * 0) / (n0 + S[j] + w * F[j])

n0 = ``learning.prior_weight`` sites' worth of prior belief. S[j] is this month's weight of
operating sites showing their results (the sites' local proof, evaluated ones counting more:
the same weights as evidence), which show the true benefit. F[j] counts failed pilots, read by
peers and funders as showing no benefit (pilots that died at a funding cliff, ran out of money,
gave up waiting for approval, or were dropped on review; ends caused by a council
reorganisation or the background hazard are not blamed on the innovation), each remembered for
``learning.memory_months`` on average and weighted by ``learning.failure_weight``:

    F[j] <- F[j] * exp(-1 / memory_months) + failures this month

Failures also take evidence away (ODD 'evidence'), so evidence can fall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sasci_sim.model.world import World

#: Causes of abandonment that peers and funders read as the innovation failing.
FAILURE_CAUSES = ("cliff", "money", "rigidity", "review")


@dataclass
class Learned:
    """What the sector has learned about each innovation (length M).

    Attributes:
        failures: Remembered failed pilots, decayed over ``learning.memory_months``.
        shown: This month's weight of operating sites showing their results.
    """

    failures: np.ndarray
    shown: np.ndarray

    @classmethod
    def empty(cls, m: int) -> Learned:
        """Nothing learned yet about ``m`` innovations.

        Args:
            m: Number of innovations.

        Returns:
            Zero failures and zero shown sites.
        """
        return cls(failures=np.zeros(m), shown=np.zeros(m))


class LearningWorld(World, Protocol):
    """The rules' World with what the sector has learned.

    Attributes:
        learned: Failures remembered and sites shown, per innovation.
    """

    learned: Learned


def failures_this_month(world: World) -> np.ndarray:
    """Pilots and contracts that ended this month for reasons blamed on the innovation, per innovation.

    Args:
        world: The model state (this month's event counts).

    Returns:
        The count per innovation over ``FAILURE_CAUSES``.
    """
    return sum(world.events[f"abandoned_{cause}"] for cause in FAILURE_CAUSES).astype(np.float64)


def learn_from_outcomes(world: LearningWorld) -> None:
    """Update the remembered failures and the perceived benefit of every innovation.

    Args:
        world: The month's world; reads this month's failures and the weight of sites shown
            (set by the evidence rule), writes the remembered failures and ``portfolio.benefit``.
    """
    cfg, port, learned = world.config.learning, world.portfolio, world.learned
    learned.failures *= np.exp(-1.0 / cfg.memory_months)
    learned.failures += failures_this_month(world)
    doubt = cfg.failure_weight * learned.failures
    weight = cfg.prior_weight + learned.shown + doubt
    # b_hat = b + (n0 * (b0 - b) - w * F * b) / (n0 + S + w * F): exactly b with a true prior and no failures
    truth = port.true_benefit
    port.benefit = truth + (cfg.prior_weight * (port.prior_benefit - truth) - doubt * truth) / weight
