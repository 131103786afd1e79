"""Layer 4, output: what readers get.

The result types, words for figures and findings, plots, reports, and result folders written
atomically.

Imports ``analysis``, ``config`` and the top level; never ``model`` internals or ``experiments``.
"""
