"""Layer 4, output: the result types, words for figures and findings, plots, reports, and result
folders written atomically.

Imports ``analysis``, ``config`` and the top level; never ``model`` internals or ``experiments``.
"""
