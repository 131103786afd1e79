"""The model's rules, one module per ODD submodel, vectorised over provider x innovation cells.

Each rule is a function of a :class:`~sasci_sim.model.world.World` (the narrow view of the model
it reads and writes); ``sasci_sim.model.social_care.SocialCareModel.step`` calls them in the
order of docs/ODD.md, 'Process overview and scheduling'.
"""
