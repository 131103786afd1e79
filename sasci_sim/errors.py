"""The one error type users see: bad input, reported as a single line.

Every loader and command turns a problem with what the user gave it into an
``InputError``; the command line prints ``str(error)`` and exits with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_MAX_GOT = 60


def show_value(value: Any) -> str:
    """A short, single-line rendering of a value for an error message.

    Args:
        value: Any value a user gave.

    Returns:
        Its ``repr`` on one line, cut to 60 characters so a long input cannot flood the terminal.
    """
    text = repr(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= _MAX_GOT else text[: _MAX_GOT - 3] + "..."


def one_line(text: str) -> str:
    """``text`` with control characters escaped (a carriage return in a key, a newline in a file name).

    Args:
        text: A message that may quote user input.

    Returns:
        The text with every non-printable character written as its escape, so it stays one line.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class InputError(Exception):
    """Bad input: names the file, the field and what is allowed."""

    def __init__(
        self,
        source: str | Path,
        field: str,
        problem: str,
        *,
        got: Any = ...,
    ) -> None:
        """Record what was wrong and where, so the message can be rebuilt at any time.

        Args:
            source: The file (or other input) the problem is in.
            field: The dotted field that is wrong; empty when the whole input is.
            problem: What is wrong, said as what is allowed.
            got: The offending value, shown shortened; left out of the message when not given.
        """
        self.source = str(source)
        self.field = field
        self.problem = problem
        self.got = got
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The single line the command line prints: ``error: <file>: <field>: <problem> (got ...)``.

        Returns:
            The message with control characters escaped, so it never spans two lines.
        """
        parts = [f"error: {self.source}"]
        if self.field:
            parts.append(self.field)
        parts.append(self.problem)
        text = ": ".join(parts)
        if self.got is not ...:
            text += f" (got {show_value(self.got)})"
        return one_line(text)

    def __str__(self) -> str:
        """The one-line message, so ``print(error)`` shows exactly what users see."""
        return self.message
