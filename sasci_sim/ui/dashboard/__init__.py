"""The teaching page's parts: the picker's catalogue, the model it runs, its levers and panels.

The page itself is :mod:`sasci_sim.ui.dashboard.app`; ``sasci-sim dashboard`` serves it.
"""
