"""Numerical kernels the rules share: sparse Bernoulli sampling, greedy budget allocation within
groups, column sums of tall arrays. They know nothing of social care.
"""
