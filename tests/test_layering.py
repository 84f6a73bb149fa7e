"""The plan register (goals) stands on its own: the dashboards and reports build on it, never
the other way round."""

import ast
from pathlib import Path

GOALS = Path(__file__).resolve().parent.parent / "goals"


def test_goals_imports_nothing_of_reporting():
    found = []
    for path in GOALS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [
                f"{path.relative_to(GOALS)}: {n}" for n in names if n.split(".")[0] == "reporting"
            ]
    assert found == []
