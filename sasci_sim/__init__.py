"""sasci-sim: an agent-based model of how innovations in English adult social care spread.

The model follows innovations as they start, spread, scale or die (docs/ODD.md). This module
is the public API; the code map in the README shows where everything lives.

The public names below are imported when first used (PEP 562), so ``import sasci_sim`` and
the command line's ``check`` stay small: they load no numpy, pandas, scipy or Mesa until a
model is built. That is what lets ``check`` work, and ``run`` refuse with one line, under a
tight address-space limit (``ulimit -v``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sasci_sim.config.loader import load_scenario
    from sasci_sim.config.schema import LEVERS, Scenario
    from sasci_sim.errors import InputError
    from sasci_sim.experiments.replications import run_many, run_replications, run_scenario
    from sasci_sim.experiments.simulate import simulate
    from sasci_sim.model.agents import Funder, LocalAuthority, Provider
    from sasci_sim.model.ensemble import Ensemble
    from sasci_sim.model.population import Payer, State
    from sasci_sim.model.social_care import SocialCareModel

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_PUBLIC = {
    "load_scenario": "sasci_sim.config.loader",
    "LEVERS": "sasci_sim.config.schema",
    "Scenario": "sasci_sim.config.schema",
    "InputError": "sasci_sim.errors",
    "run_many": "sasci_sim.experiments.replications",
    "run_replications": "sasci_sim.experiments.replications",
    "run_scenario": "sasci_sim.experiments.replications",
    "simulate": "sasci_sim.experiments.simulate",
    "Funder": "sasci_sim.model.agents",
    "LocalAuthority": "sasci_sim.model.agents",
    "Ensemble": "sasci_sim.model.ensemble",
    "Provider": "sasci_sim.model.agents",
    "Payer": "sasci_sim.model.population",
    "State": "sasci_sim.model.population",
    "SocialCareModel": "sasci_sim.model.social_care",
}

__all__ = [
    "LEVERS",
    "Ensemble",
    "Funder",
    "InputError",
    "LocalAuthority",
    "Payer",
    "Provider",
    "Scenario",
    "SocialCareModel",
    "State",
    "__version__",
    "load_scenario",
    "run_many",
    "run_replications",
    "run_scenario",
    "simulate",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use.

    Args:
        name: The attribute asked for.

    Returns:
        The public object.
    """
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sasci_sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
