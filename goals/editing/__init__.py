"""Editing a plan in the browser: its fields by plan-file key, their checks, and atomic saves.

Every part of a plan the plan file can hold is edited as one *level*: the plan's own texts
and settings, a signatory, a beacon or section, a goal, a requirement, a part of a
requirement, a year of a series. A level's fields are named by their plan-file keys
(`reporting.quarters`, `fulfilment.rule`, `target`) and checked by the plan-file schema
(`goals.planfile.schema`), so a mistake typed in the editor gets the message the same
mistake gets in a plan file (`fields`, `checks`).

A write (`save`, `delete`, `move`, `reorder`, in `writes`) runs in one transaction with the
plan's row locked, so two writes to one plan never interleave. It refuses what the plan's
state does not allow (`goals.planning.edit_mode`), refuses a row changed since its form was
opened (the form's `version` holds the values it was opened with; `Conflict` says what
changed), and keeps every change of an agreed plan in its open amendment, as a reader sees
the values.
"""

from goals.editing.checks import Context, context_for, validate
from goals.editing.fields import (
    BOOL,
    CHOICE,
    DATE,
    GOAL,
    INTEGER,
    LEVELS,
    NUMBER,
    PART,
    PART_MEASURES,
    PLAN,
    PROSE,
    QUARTER_TARGET_KEYS,
    QUARTERS,
    REF,
    REQUIREMENT,
    SCALE,
    SECTION,
    SERIES,
    SIGNATORY,
    TEXT,
    Field,
    Level,
    form_values,
    read_form,
    reader_values,
)
from goals.editing.writes import (
    Change,
    Conflict,
    EditError,
    Invalid,
    delete,
    deletion_refused,
    get_row,
    move,
    new_row,
    parent_row,
    read_only_reason,
    reorder,
    row_name,
    save,
    siblings,
    version_of,
)

__all__ = [
    "BOOL", "CHOICE", "DATE", "GOAL", "INTEGER", "LEVELS", "NUMBER", "PART", "PART_MEASURES",
    "PLAN", "PROSE", "QUARTERS", "QUARTER_TARGET_KEYS", "REF", "REQUIREMENT", "SCALE",
    "SECTION", "SERIES", "SIGNATORY", "TEXT", "Change", "Conflict", "Context", "EditError",
    "Field", "Invalid", "Level", "context_for", "delete", "deletion_refused", "form_values",
    "get_row", "move", "new_row", "parent_row", "read_form", "read_only_reason",
    "reader_values", "reorder", "row_name", "save", "siblings", "validate", "version_of",
]  # fmt: skip
