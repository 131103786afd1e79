"""One module per ``sasci-sim`` subcommand.

Each module defines ``NAME``, ``HELP``, ``configure(parser)`` (its arguments) and
``execute(args) -> int`` (its exit status); ``sasci_sim.ui.cli`` lists the modules.
"""
