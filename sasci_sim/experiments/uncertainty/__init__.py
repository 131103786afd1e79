"""Comparisons and runs over parameter uncertainty: draws from a calibrated posterior (issue 15)."""
