"""What is wrong with a plan file, and where."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file, and where it is."""

    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else self.message


class PlanFileError(Exception):
    """A plan file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
