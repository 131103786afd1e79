"""Layer 1, configuration: what a run is asked to do.

The scenario schema with each parameter's unit, range, source and grade; reading scenario
files; lever and scenario differences; the parameter table; memory limits.

Imports only the top-level ``errors`` and ``seeds``.
"""
