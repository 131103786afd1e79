"""Layer 3, analysis: numbers from result tables.

Summary figures, paired intervals and sensitivity indices; no files and no words.

Imports only ``config`` and the top level.
"""
