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


# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, what
# hides one): a cell of text starting so gets an apostrophe in front, shown as part of the text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHOWN_AS_TEXT = "'"
# What a workbook cannot hold: the refused control characters (openpyxl raises on the C0 ones,
# and XML has no U+FFFE, U+FFFF or half a surrogate pair). Text stored before the forms refused
# them shows the replacement character in their place.
NOT_IN_WORKBOOK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
REPLACEMENT = "\ufffd"
# The most a cell holds (Excel's limit); longer text stored before the limits is cut, and says so.
CELL_CHARACTERS = 32_767


def workbook_text(text):
    """Text with every character a workbook cannot hold replaced, for a note or a title."""
    return NOT_IN_WORKBOOK.sub(REPLACEMENT, str(text))


def cell_text(text):
    """Text as a workbook cell holds it: never a formula, never a character it cannot hold.

    A text starting like a formula, after any apostrophes, gets one more apostrophe in front:
    "=HYPERLINK(...)" is written "'=HYPERLINK(...)", and `from_cell_text` takes exactly that
    apostrophe away again, so a figures workbook read back in gives the text that was saved.
    """
    text = workbook_text(text)
    if text.lstrip(SHOWN_AS_TEXT).startswith(FORMULA_START):
        text = SHOWN_AS_TEXT + text
    if len(text) > CELL_CHARACTERS:
        text = text[: CELL_CHARACTERS - 1] + "…"
    return text


def from_cell_text(text):
    """The text `cell_text` was given (short of a replaced character)."""
    if text.startswith(SHOWN_AS_TEXT) and text[1:].lstrip(SHOWN_AS_TEXT).startswith(FORMULA_START):
        return text[1:]
    return text


def mark_text_cells(cells):
    """Keep every text cell of a written row a plain string: openpyxl takes a string like
    "#N/A" for an error value. Its text must have gone through `cell_text`."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
