"""The one error type users see: bad input, reported as a single line.

Every loader and command turns a problem with what the user gave it into an
``InputError``; the command line prints ``str(error)`` and exits with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_MAX_GOT = 60


def show_value(value: Any) -> str:
    """A short, single-line rendering of a value for an error message."""
    text = repr(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= _MAX_GOT else text[: _MAX_GOT - 3] + "..."


def one_line(text: str) -> str:
    """``text`` with control characters escaped (a carriage return in a key, a newline in a file name)."""
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
        self.source = str(source)
        self.field = field
        self.problem = problem
        self.got = got
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [f"error: {self.source}"]
        if self.field:
            parts.append(self.field)
        parts.append(self.problem)
        text = ": ".join(parts)
        if self.got is not ...:
            text += f" (got {show_value(self.got)})"
        return one_line(text)

    def __str__(self) -> str:
        return self.message
