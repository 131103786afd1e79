"""Calibration against the real-world anchors with ABC-SMC (pyabc): ``sasci-sim calibrate``.

``spec`` reads the experiment file (priors, anchors, population size, generations),
``model`` turns a particle into anchor values and a distance, ``runner`` drives
pyabc (multicore on one machine, Dask on a cluster, resumable from its database),
and ``outputs`` writes the posterior, its plots, the predictive checks and the
identification table.
"""
