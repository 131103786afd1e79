"""``sasci-sim params``: the parameter table (meaning, unit, default, range, source, grade, posterior).

On the terminal each parameter is a short block that fits ``$COLUMNS`` (key, default and
range on the first line, its meaning wrapped below), and the list ends with what each source
key stands for; ``--wide`` prints the one-line-per-parameter table, ``--format markdown``
docs/parameters.md, and csv and json every row for other programs.
"""

from __future__ import annotations

import argparse
import textwrap

from sasci_sim.config.paramtable import render, rows, sources_used
from sasci_sim.ui.commands.tables import Column, add_table_options, render_table, terminal_width

NAME = "params"
HELP = "print the parameter table"
COLUMNS = (
    Column("key", "key", 0, 22),
    Column("meaning", "meaning", 0, 24),
    Column("default", "default", 1, 7),
    Column("range", "range", 2, 10),
    Column("unit", "unit", 3, 8),
    Column("grade", "grade", 4, 8),
    Column("source", "source", 5, 8),
    Column("posterior", "posterior", 6, 12),
)
#: Only for programs (csv, json): a calibrated parameter's grade before calibration.
MACHINE_COLUMNS = (*COLUMNS, Column("declared_grade", "declared grade", 7, 10))


def blocks(width: int) -> str:
    """Every parameter as a block that fits ``width``: key = default (unit; range; grade; source), meaning below.

    Args:
        width: The terminal's width in characters.

    Returns:
        The blocks, one line of meaning or more each, separated by nothing (the indent shows them).
    """
    out = []
    for r in rows():
        grade = f"grade {r['grade']}" + (f", posterior {r['posterior']}" if r["posterior"] else "")
        head = f"{r['key']} = {r['default']}  ({r['unit']}; {r['range']}; {grade}; source {r['source']})"
        out.append(textwrap.fill(head, width, subsequent_indent="      ", break_on_hyphens=False))
        out.append(textwrap.fill(r["meaning"], width, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(out)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the table options of ``sasci-sim params``.

    Args:
        parser: The subcommand's parser.
    """
    add_table_options(parser, "docs/parameters.md, with the sources and grade counts")


def execute(args: argparse.Namespace) -> int:
    """Print the parameter table, fitted to the terminal or in the format asked for.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0.
    """
    if args.format == "markdown":
        print(render("markdown"), end="")
        return 0
    if args.format == "text" and not args.wide:
        print(blocks(terminal_width()))
    else:
        columns = MACHINE_COLUMNS if args.format in ("csv", "json") else COLUMNS
        print(render_table(rows(), columns, args.format, args.wide))
    if args.format == "text":
        width = None if args.wide else terminal_width()
        print("\nSources (what the source keys stand for; a + joins two):")
        for key, text in sources_used().items():
            line = f"  {key}: {text}"
            print(line if width is None else textwrap.fill(line, width, subsequent_indent="    "))
    return 0
