"""Stylised facts of adult social care innovation, checked against the model (docs/ODD.md, 'Patterns').

``facts.FACTS`` names each fact's metric, expected direction or band and
statistical test; ``checks`` runs the scenario variants they need with common
random numbers and returns a verdict per check; ``bass`` is the analytical
Bass-limit check.
"""
