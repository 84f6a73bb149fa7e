"""How much text mrplan takes, and which characters it refuses.

One place for the limits every path enforces: the model fields (and so the admin), the quarter
and year-end pages, the figures workbook and the plan file. docs/plan-format.md and
docs/reliability.md list them.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A reporter's or reviewer's text on one requirement: cause, consequence, action, the reason for
# a status or a verdict, a result or year-to-date written as words, a review comment.
REPORT_TEXT = 2_000
# A plan's own prose: introduction, narrative, a goal's description, a requirement's text.
PLAN_TEXT = 20_000
# A plan file or figures workbook read in one upload.
PLAN_FILE_BYTES = 2 * 1024 * 1024

# Control characters other than tab, newline and carriage return: they are invisible, break
# the workbooks (openpyxl refuses them) and have no place in a plan or a report. DEL and the
# C1 range are refused too, and the two non-characters U+FFFE and U+FFFF.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def control_character(text):
    """The first refused control character in text, or None."""
    match = CONTROL_CHARACTERS.search(text)
    return match.group() if match else None


def describe(character):
    """A refused character as a reader can name it, e.g. 'U+000B'."""
    return f"U+{ord(character):04X}"


def no_control_characters(value):
    """Validator for every free-text field."""
    if not isinstance(value, str):
        return
    found = control_character(value)
    if found is not None:
        raise ValidationError(
            _(
                "Teksten indeholder et usynligt styretegn (%(character)s), som ikke kan gemmes. "
                "Slet det, eller skriv teksten ind igen uden at kopiere den."
            ),
            code="control_character",
            params={"character": describe(found)},
        )
