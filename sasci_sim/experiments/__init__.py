"""Layer 5, experiments: replications, ``simulate``, comparisons, sweeps and validation, which
run the model and hand their results to ``output``.
"""
