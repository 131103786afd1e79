"""``sasci-sim check``: validate scenario files only.

Each file that passes gets one line; where the line would not fit ``$COLUMNS`` its counts of
innovations, providers and councils are left out (``--wide`` keeps them). ``--format`` csv, json
or markdown gives everything as a table for other programs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sasci_sim.config.limits import check_fits
from sasci_sim.config.loader import load_scenario
from sasci_sim.ui.commands.tables import Column, add_table_options, render_table, terminal_width

NAME = "check"
HELP = "validate scenario files only"
COLUMNS = (
    Column("file", "file"),
    Column("name", "name"),
    Column("title", "title"),
    Column("innovations", "innovations"),
    Column("providers", "providers"),
    Column("councils", "councils"),
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim check``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("scenarios", nargs="+", type=Path)
    add_table_options(parser)


def execute(args: argparse.Namespace) -> int:
    """Validate every scenario file given and check its memory estimate, one line each.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 when every file is good.

    Raises:
        InputError: On bad input (the command line prints one line, exit status 2).
    """
    from sasci_sim.output.wording import scenario_title

    rows = []
    for path in args.scenarios:
        s = load_scenario(path)
        check_fits(s, path)
        row = {
            "file": str(path),
            "name": s.name,
            "title": scenario_title(s),
            "innovations": str(len(s.innovations)),
            "providers": str(s.population.providers),
            "councils": str(s.population.local_authorities),
        }
        if args.format != "text":
            rows.append(row)
            continue
        line = f"ok: {path}: {s.name}"
        counts = f" ({row['innovations']} innovations, {row['providers']} providers, {row['councils']} councils)"
        print(line + counts if args.wide or len(line + counts) <= terminal_width() else line)
    if rows:
        print(render_table(rows, COLUMNS, args.format))
    return 0
