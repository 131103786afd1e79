"""Layer 6, the user interfaces: the command line, its subcommands and the teaching page."""
