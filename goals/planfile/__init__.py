"""Plan files: read, check, import and export a plan as YAML (see docs/plan-format.md).

Reading happens in two steps so that an import is all or nothing: `read_plan_file` turns
the file into checked, typed data or raises `PlanFileError` with every problem found; only
then does `import_plan` write, in one transaction.
"""

from goals.planfile.checking import FORMAT, read_plan_file
from goals.planfile.exporting import dump_plan, export_plan
from goals.planfile.importing import import_plan
from goals.planfile.problems import PlanFileError, Problem
from goals.planfile.reading import parse_plan_text

__all__ = [
    "FORMAT",
    "PlanFileError",
    "Problem",
    "dump_plan",
    "export_plan",
    "import_plan",
    "parse_plan_text",
    "read_plan_file",
]
