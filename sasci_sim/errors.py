"""The one error type users see: bad input, reported as a single line.

Every loader and command turns a problem with what the user gave it into an
``InputError``; the command line prints ``str(error)`` and exits with status 2.
"""

from __future__ import annotations

import math
import reprlib
from pathlib import Path
from typing import Any

_MAX_GOT = 60
#: Whole numbers wider than this are described by their size: ``repr`` of an integer of more than
#: 4,300 digits raises ValueError, and a long one says nothing a reader can use.
_MAX_INT_BITS = 128


class _ShortRepr(reprlib.Repr):
    """``reprlib`` with a bounded depth (a list nested 3,000 deep) and no giant integers."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() <= _MAX_INT_BITS:
            return repr(x)
        digits = math.floor(x.bit_length() * math.log10(2)) + 1
        return f"{'-' if x < 0 else ''}a whole number of about {digits:,} digits"


_SHORT = _ShortRepr(maxlevel=4, maxtuple=10, maxlist=10, maxdict=6, maxset=6, maxstring=_MAX_GOT, maxother=_MAX_GOT)


def show_value(value: Any) -> str:
    """A short, single-line rendering of a value for an error message.

    Bounded whatever the value: huge integers are described by their number of digits and deep
    nesting is cut, so rendering the value can never be the thing that fails.

    Args:
        value: What the user gave.

    Returns:
        At most 60 characters, on one line.
    """
    try:
        text = _SHORT.repr(value)
    except (ValueError, RecursionError):
        text = f"a {type(value).__name__} that cannot be shown"
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
