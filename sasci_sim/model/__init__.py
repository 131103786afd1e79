"""Layer 2, the model: the simulation itself.

The Mesa model, its population arrays, peer network, agents, recording, the vectorised
``kernels`` and the ``rules`` (one module per ODD submodel).

Imports only ``config`` and the top level.
"""
