"""Layer 3, analysis: numbers from result tables (summary figures, paired intervals,
sensitivity indices). No files, no words.

Imports only ``config`` and the top level.
"""
