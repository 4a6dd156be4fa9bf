"""Errors that name the file and the place, for every way a design file can be broken."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem: where (a JSON path such as ``nodes[3].replicas``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DesignError(Exception):
    """A design that cannot be loaded. ``str()`` gives one line naming file, place and cause."""

    def __init__(self, file: str | Path | None, problems: list[Problem]) -> None:
        self.file = str(file) if file is not None else "<design>"
        self.problems = problems or [Problem("", "unknown problem")]
        super().__init__(self.line(self.problems[0]))

    def line(self, problem: Problem) -> str:
        return f"{self.file}: {problem}"

    def lines(self) -> list[str]:
        """One line per problem, each naming the file."""
        return [self.line(p) for p in self.problems]

    def __str__(self) -> str:
        first = self.line(self.problems[0])
        extra = len(self.problems) - 1
        return first + (f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else "")
