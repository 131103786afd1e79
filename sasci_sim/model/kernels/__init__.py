"""Numerical kernels the rules share; they know nothing of social care.

Sparse Bernoulli sampling, greedy budget allocation within groups, flat cell indices and
column sums of tall arrays.
"""
