"""sasci-sim: an agent-based model of how innovations in English adult social care spread.

The model follows innovations as they start, spread, scale or die (docs/ODD.md). This module
is the public API; the code map in the README shows where everything lives.
"""

from sasci_sim.config.loader import load_scenario
from sasci_sim.config.schema import LEVERS, Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.replications import run_replications, run_scenario
from sasci_sim.experiments.simulate import simulate
from sasci_sim.model.agents import Funder, LocalAuthority, Provider
from sasci_sim.model.population import Payer, State
from sasci_sim.model.social_care import SocialCareModel

__version__ = "0.1.0"

__all__ = [
    "LEVERS",
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
    "run_replications",
    "run_scenario",
    "simulate",
]
