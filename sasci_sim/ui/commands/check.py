"""``sasci-sim check``: validate scenario files only, every one of them.

Each file gets its own line: ``ok: ...`` on stdout, or the one-line ``error: ...`` on stderr; a bad
file does not stop the others being checked, and the exit status is 2 if any was bad. Where an
``ok`` line would not fit ``$COLUMNS`` its counts of innovations, providers and councils are left
out (``--wide`` keeps them). ``--format`` csv, json or markdown gives the good files as a table for
other programs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sasci_sim.config.limits import check_fits
from sasci_sim.config.loader import load_scenario
from sasci_sim.errors import InputError
from sasci_sim.ui.commands.tables import Column, add_table_options, render_table, terminal_width

NAME = "check"
HELP = "validate scenario files only (each is checked and reported; exit 2 if any is bad)"
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
    """Check every scenario file named, reporting each on its own line.

    Args:
        args: The parsed arguments.

    Returns:
        0 if every file is a valid scenario that fits in memory, else 2.
    """
    from sasci_sim.output.wording import scenario_title

    rows = []
    bad = 0
    for path in args.scenarios:
        try:
            s = load_scenario(path)
            check_fits(s, path)
        except InputError as exc:
            print(exc.message, file=sys.stderr, flush=True)
            bad += 1
            continue
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
        print(line + counts if args.wide or len(line + counts) <= terminal_width() else line, flush=True)
    if rows:
        print(render_table(rows, COLUMNS, args.format))
    return 2 if bad else 0
