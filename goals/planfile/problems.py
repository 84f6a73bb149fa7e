"""What is wrong with a plan file, and where."""

import reprlib
from dataclasses import dataclass

# Quotes a value of any size or depth in a few dozen characters, never walking all of it.
_short = reprlib.Repr()
_short.maxlevel, _short.maxstring, _short.maxother = 3, 80, 80


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file, and where it is."""

    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else self.message


def shown(value, length=80):
    """A value from a file as a message may quote it: at most `length` characters."""
    text = value if isinstance(value, str) else _short.repr(value)
    return text if len(text) <= length else text[: length - 1] + "…"


class _Repr:
    """Stands in for a value in a message written with %r: its repr, shortened."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def shown_repr(value, length=80):
    """A value for a message's %r, at most `length` characters."""
    return _Repr(shown(_short.repr(value), length))


class PlanFileError(Exception):
    """A plan file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
