"""National policy that follows local practice (ODD: Submodel 'policy'; as a mandate, ODD: Submodel 'national').

Central government makes an innovation national policy once local practice has shown it: at
the end of each month it looks at how many councils have a provider sustaining the innovation
and at the innovation's evidence. The first month both pass the scenario's thresholds
(``national.policy_follows_practice[].councils_share`` and ``.evidence``) starts the policy
process (a national review, a consultation, a white paper); ``lag_months`` later the policy is
in force, for good, and from then it acts as a national mandate does (``inspect_standards`` of
``model.rules.national``: inspected providers not using it learn of it and most start). Each run
of a batch reaches its own month. The spread table's ``national_mandate`` column is 1 in the
months the policy is in force (the column exists only when a scenario declares the rule, so
scenarios without it record exactly what they did before).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sasci_sim.config.schema import Scenario
from sasci_sim.model.population import State
from sasci_sim.model.rules.national import inspect_standards
from sasci_sim.model.world import World

#: Per-innovation event this rule records (spread.csv column): 1 while a national policy is in force.
POLICY_EVENTS = ("national_mandate",)
#: Month of a run that has not yet passed the thresholds.
NOT_YET = -1


def policy_events(scenario: Scenario) -> tuple[str, ...]:
    """The event columns of this rule, only when the scenario declares it.

    Args:
        scenario: The resolved scenario.

    Returns:
        ``POLICY_EVENTS``, or nothing when ``national.policy_follows_practice`` is empty.
    """
    return POLICY_EVENTS if scenario.national.policy_follows_practice else ()


@dataclass
class PolicyClock:
    """When local practice passed each declared policy's thresholds, in each run.

    Attributes:
        met: K x B months (``NOT_YET`` until passed) for the K declared policies and B runs.
    """

    met: np.ndarray

    @classmethod
    def build(cls, scenario: Scenario, runs: int) -> PolicyClock:
        """No policy has been met in any run.

        Args:
            scenario: The resolved scenario (its ``national.policy_follows_practice``).
            runs: Runs in the batch (B).

        Returns:
            The clock, every entry ``NOT_YET``.
        """
        return cls(np.full((len(scenario.national.policy_follows_practice), runs), NOT_YET, dtype=np.int64))


def councils_share_sustaining(world: World, j: int) -> np.ndarray:
    """Share of each run's councils in which at least one provider sustains innovation ``j``.

    The same count as the spread table's ``councils_reached`` over ``local_authorities``.

    Args:
        world: The model state.
        j: The innovation's column.

    Returns:
        One share per run (length B).
    """
    runs = world.blocks
    sustaining = world.providers.state[:, j] == State.SUSTAINED.value
    councils = np.bincount(world.providers.council[sustaining], minlength=runs.size * runs.l)
    return np.count_nonzero(councils.reshape(runs.size, runs.l), axis=1) / runs.l


def in_force(met: np.ndarray, lag_months: int, t: int) -> np.ndarray:
    """Whether the policy is in force in each run in month ``t``.

    Args:
        met: The month each run passed the thresholds (``NOT_YET`` if not yet).
        lag_months: Months from passing them to the policy in force.
        t: The month.

    Returns:
        ``met >= 0 and t >= met + lag_months``, per run.
    """
    return (met != NOT_YET) & (t >= met + lag_months)


def watch_practice(world: World, clock: PolicyClock) -> None:
    """At the end of the month, central government notes the runs where local practice has shown each innovation.

    A run passes in the first month its councils' share with a sustaining provider reaches
    ``councils_share`` and the innovation's evidence reaches ``evidence``; that month is kept.

    Args:
        world: The model state after this month's rules (as the spread table records it).
        clock: The months passed; updated in place.
    """
    m = world.portfolio.size
    for k, policy in enumerate(world.config.national.policy_follows_practice):
        j = world.portfolio.names.index(policy.innovation)
        shown = councils_share_sustaining(world, j) >= policy.councils_share
        shown &= world.evidence[j::m] >= policy.evidence
        clock.met[k] = np.where((clock.met[k] == NOT_YET) & shown, world.t, clock.met[k])


def follow_practice(world: World, clock: PolicyClock) -> None:
    """Policies in force act as national mandates at inspection, and are recorded in ``national_mandate``.

    Args:
        world: The model state; cells, councils' sign-ups, reserves and counters change.
        clock: The months each run passed each policy's thresholds.
    """
    policies = world.config.national.policy_follows_practice
    if not policies:
        return
    m = world.portfolio.size
    live = [in_force(clock.met[k], policy.lag_months, world.t) for k, policy in enumerate(policies)]
    for policy, on in zip(policies, live, strict=True):
        j = world.portfolio.names.index(policy.innovation)
        world.events["national_mandate"][j::m] = np.maximum(world.events["national_mandate"][j::m], on)
    inspect_standards(world, policies, live)
