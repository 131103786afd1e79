"""Layer 5, experiments: running the model many times.

Replications, ``simulate``, comparisons, sweeps and validation, which run the model and hand
their results to ``output``.
"""
