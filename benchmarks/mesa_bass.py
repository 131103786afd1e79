"""The Bass-limit rules written the idiomatic Mesa way: one agent per provider and innovation.

This is the reference that sasci-sim's array rules are measured against
(benchmarks/run.py). Every agent is a Mesa ``Agent``; each month the model
activates all of them in random order with ``shuffle_do``. An unaware agent
becomes aware (in the Bass limit: adopts) with the discrete Bass hazard
``min(1, p + q * F[j])``, F[j] being the share of providers that had adopted
innovation j at the start of the month, so the mean share follows
F[t+1] = F[t] + (p + q F[t]) (1 - F[t]) (Bass 1969).
"""

from __future__ import annotations

import mesa


class Adopter(mesa.Agent):
    """One provider's adoption state for one innovation."""

    model: BassModel

    def __init__(self, model: BassModel, innovation: int) -> None:
        super().__init__(model)
        self.innovation = innovation
        self.adopted = False

    def step(self) -> None:
        if not self.adopted and self.random.random() < self.model.hazard[self.innovation]:
            self.adopted = True
            self.model.new_adopters[self.innovation] += 1


class BassModel(mesa.Model):
    """``providers`` x ``innovations`` Adopter agents on the complete graph."""

    def __init__(self, providers: int, innovations: int, p: float, q: float, rng: int | None = None) -> None:
        super().__init__(rng=rng)
        self.providers = providers
        self.p, self.q = p, q
        self.adopters = [0] * innovations
        self.hazard = [0.0] * innovations
        self.new_adopters = [0] * innovations
        for j in range(innovations):
            Adopter.create_agents(self, providers, innovation=j)

    def step(self) -> None:
        self.hazard = [min(1.0, self.p + self.q * a / self.providers) for a in self.adopters]
        self.new_adopters = [0] * len(self.adopters)
        self.agents.shuffle_do("step")
        self.adopters = [a + b for a, b in zip(self.adopters, self.new_adopters, strict=True)]

    def adopted_share(self) -> list[float]:
        return [a / self.providers for a in self.adopters]
