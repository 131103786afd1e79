"""The model's rules, one module per ODD submodel, vectorised over provider x innovation cells.

Each rule is a function of the model that reads and writes the population
arrays; ``sasci_sim.model.social_care.SocialCareModel.step`` calls them in the brief's order.
"""
