"""Tables on the terminal and for other programs: fit ``$COLUMNS``, or ``--wide``, or csv, json, markdown.

A table is a list of rows (mappings) and the columns to show, each with a priority. On the
terminal the table fits ``$COLUMNS`` (100 characters when it is not set): cells wrap at
word boundaries (rich lays them out) and, if even that does not fit, the least important
columns are left out and a last line says which, and that ``--wide`` shows them. The other
formats always hold every column, one row per line, for programs to read.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table

#: The width a table fits when $COLUMNS is not set.
DEFAULT_WIDTH = 100
FORMATS = ("text", "csv", "json", "markdown")


@dataclass(frozen=True)
class Column:
    """A column of a table.

    Args:
        key: The row field it shows (and its name in csv and json).
        heading: Its heading on the terminal and in markdown.
        priority: Lower numbers are kept longer when the table must narrow (0: never left out).
        min_width: The narrowest it may wrap to on the terminal.
    """

    key: str
    heading: str
    priority: int = 0
    min_width: int = 6


def add_table_options(parser: argparse.ArgumentParser, markdown_help: str = "a Markdown table") -> None:
    """``--format`` and ``--wide`` for a command that prints a table.

    Args:
        parser: The command's parser.
        markdown_help: What ``--format markdown`` writes, for the help text.
    """
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help=f"text (fits the terminal; default), csv, json, or markdown ({markdown_help})",
    )
    parser.add_argument("--wide", action="store_true", help="text with every column, one line per row")


def terminal_width() -> int:
    """``$COLUMNS`` if it is a sensible number, else 100."""
    try:
        width = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return DEFAULT_WIDTH
    return width if width >= 40 else DEFAULT_WIDTH


def wrapped(text: str, indent: str = "", wide: bool = False) -> str:
    """A sentence for the terminal: wrapped to ``$COLUMNS`` at spaces (paths and words are never split).

    Args:
        text: The sentence.
        indent: What continuation lines start with (under a list's "- ").
        wide: Leave it on one line.

    Returns:
        The text, with newlines where it wraps.
    """
    if wide:
        return text
    return textwrap.fill(
        text, terminal_width(), subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def _rich(rows: Sequence[Mapping[str, str]], columns: Sequence[Column], width: int | None) -> str:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for c in columns:
        table.add_column(c.heading, min_width=min(c.min_width, len(c.heading)), no_wrap=width is None, overflow="fold")
    for r in rows:
        table.add_row(*(str(r.get(c.key, "")) for c in columns))
    out = io.StringIO()
    console = Console(
        file=out,
        width=width or 100_000,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
        soft_wrap=False,
        emoji=False,
        markup=False,
        highlight=False,
    )
    console.print(table, crop=False)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines() if line.strip())


def _needed(columns: Sequence[Column]) -> int:
    """The narrowest a table of these columns can be: minimum widths plus padding and rules."""
    return sum(max(c.min_width, len(c.heading.split()[0]) if c.heading else 0) + 2 for c in columns)


def text_table(rows: Sequence[Mapping[str, str]], columns: Sequence[Column], wide: bool = False) -> str:
    """The table for a terminal: fitting ``$COLUMNS`` (wrapping, then leaving columns out) or wide.

    Args:
        rows: The rows.
        columns: Every column, in display order.
        wide: Every column on one line per row, however wide.

    Returns:
        The table's lines; when columns were left out, a last line names them.
    """
    if wide:
        return _rich(rows, columns, None)
    width = terminal_width()
    shown = list(columns)
    left_out: list[Column] = []
    while _needed(shown) > width and any(c.priority for c in shown):
        drop = max((c for c in shown if c.priority), key=lambda c: c.priority)
        shown.remove(drop)
        left_out.append(drop)
    text = _rich(rows, shown, width)
    if left_out:
        names = ", ".join(c.heading for c in sorted(left_out, key=columns.index))
        text += f"\n(left out to fit {width} columns: {names}; --wide or --format csv shows every column)"
    return text


def render_table(
    rows: Sequence[Mapping[str, str]], columns: Sequence[Column], fmt: str = "text", wide: bool = False
) -> str:
    """The table in one of :data:`FORMATS`.

    Args:
        rows: The rows.
        columns: Every column, in display order.
        fmt: text, csv, json or markdown.
        wide: For text: every column, one line per row.

    Returns:
        The table, ending without a newline.
    """
    keys = [c.key for c in columns]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=keys, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    if fmt == "json":
        return json.dumps([{k: r.get(k, "") for k in keys} for r in rows], indent=2, ensure_ascii=False)
    if fmt == "markdown":
        lines = ["| " + " | ".join(c.heading for c in columns) + " |", "|" + "---|" * len(columns)]
        lines += [
            "| " + " | ".join(str(r.get(k, "")).replace("|", "/").replace("\n", " ") for k in keys) + " |" for r in rows
        ]
        return "\n".join(lines)
    return text_table(rows, columns, wide)
