"""A quarter's figures as an Excel workbook, out and back in (see docs/figures-format.md).

`figures_workbook(plan, quarter)` writes a row per goal due in the quarter and per requirement
(per part of one measured in parts) due in it, with what is saved so far. A reporter fills it
in and `import_figures` reads it back: every row is checked by the quarter page's own forms
(so a figure, a status or a missing cause gets the same message as on the page), all or
nothing, every problem listed by row and column, and saved as a draft by the page's service,
with its history and its version check.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from goals import services
from goals.figures import quarter_target_line
from goals.limits import cell_text, from_cell_text, mark_text_cells, workbook_text
from goals.models import Plan, QuarterReport, Status
from goals.numbers import parse_number
from goals.selectors import build_quarter

FORMAT = "mrplan-figures/1"
FIGURES_SHEET = "Tal"
ABOUT_SHEET = "Om filen"

# The workbook's columns: (header, the entry fields written to and read from the column).
COLUMNS = [
    ("Nr.", ()),
    ("Krav", ()),
    ("Mål", ()),
    ("Resultat i kvartalet", ("result_value", "result_text")),
    ("År til dato", ("ytd_value", "ytd_text")),
    ("Status", ("status",)),
    ("Begrundelse", ("status_reason",)),
    ("Årsag/konsekvens", ("cause", "consequence")),
    ("Handling", ("action",)),
    ("Nøgle", ()),  # which goal or requirement the row is; hidden
]
HEADERS = [header for header, _fields in COLUMNS]
COLUMN_OF_FIELD = {field: index for index, (_h, fields) in enumerate(COLUMNS) for field in fields}
KEY_COLUMN = HEADERS.index("Nøgle")
WIDTHS = [10, 56, 30, 16, 16, 10, 30, 40, 40, 8]

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
UNUSED = PatternFill("solid", fgColor="E9ECEF")
CAUSE_MARK, CONSEQUENCE_MARK = "Årsag:", "Konsekvens:"


class FiguresFileError(Exception):
    """A figures workbook that cannot be read in; `problems` lists every reason, by place.

    The workbook's sheets, columns and "Om filen" keys are in Danish whatever the reader's
    language, so a file reads the same for everyone; the messages follow the language."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Problem:
    row: int | None  # the workbook's row, None for the file as a whole
    column: str  # the column's header, "" for the row as a whole
    message: str

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(_("række %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("kolonne »%(column)s«") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


def file_name(plan, quarter):
    return f"{plan.institution.short_name.lower()}-{plan.year}-{quarter}-kvartal-tal.xlsx"


# --- out ---------------------------------------------------------------------------------


def _row_items(page):
    """Each (key, goal, requirement or None, its form) of the quarter, in page order."""
    for goal_row in page.rows:
        goal = goal_row.goal
        for row in goal_row.requirements:
            for piece in row.pieces:
                yield f"r{piece.requirement.pk}", goal, piece.requirement, piece.form
        yield f"g{goal.pk}", goal, None, goal_row.form


def figures_workbook(plan, quarter):
    """The quarter's figures as a workbook: a row per goal and per requirement due."""
    page = build_quarter(plan, quarter)
    report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = FIGURES_SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font, cell.alignment = BOLD, WRAP
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.column_dimensions[chr(ord("A") + KEY_COLUMN)].hidden = True
    sheet.freeze_panes = "A2"
    for key, goal, requirement, form in _row_items(page):
        values = [None] * len(COLUMNS)
        if requirement is None:
            values[0], values[1] = goal.number, goal.title
        else:
            values[0] = f"{goal.number} {requirement.name}"
            whole = requirement.part_of if requirement.part_of_id else requirement
            values[1] = whole.text + (f" ({requirement.label})" if requirement.part_of_id else "")
            values[2] = quarter_target_line(requirement, quarter) or None
        initial = form.initial
        for name in form.fields:
            column = COLUMN_OF_FIELD[name]
            value = initial.get(name)
            if name == "status":
                value = str(Status(value).label) if value else None
            if name in ("cause", "consequence"):
                continue
            if value not in (None, ""):
                values[column] = value
        if "cause" in form.fields:
            values[COLUMN_OF_FIELD["cause"]] = _join_cause(
                initial.get("cause", ""), initial.get("consequence", "")
            )
        values[KEY_COLUMN] = key
        # Text a user typed is text in the sheet, never a formula (read back by from_cell_text).
        sheet.append([cell_text(v) if isinstance(v, str) else v for v in values])
        mark_text_cells(sheet[sheet.max_row])
        used = {COLUMN_OF_FIELD[name] for name in form.fields}
        for index, cell in enumerate(sheet[sheet.max_row]):
            cell.alignment = WRAP
            if isinstance(cell.value, Decimal | int | float):
                cell.number_format = "#,##0.####"
            if COLUMNS[index][1] and index not in used:
                cell.fill = UNUSED
        if requirement is not None and form.numeric and requirement.unit_word:
            cell = sheet.cell(row=sheet.max_row, column=COLUMN_OF_FIELD["result_value"] + 1)
            unit = workbook_text(requirement.unit_word)
            cell.comment = Comment(_("Tal i %(unit)s") % {"unit": unit}, "mrplan")
    about = workbook.create_sheet(ABOUT_SHEET)
    for label, value in (
        ("Format", FORMAT),
        ("Institution", plan.institution.short_name),
        ("År", plan.year),
        ("Kvartal", quarter),
        ("Version", report.version if report else 0),
        ("Plan", plan.title),
        ("Hentet", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ):
        about.append(
            [cell_text(value) if isinstance(value, str) else value for value in (label, value)]
        )
        mark_text_cells(about[about.max_row])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 60
    about.append([])
    about.append(
        [
            _(
                "Udfyld arket »Tal« og læs det ind på kvartalets side. Tal skrives som tal "
                "eller på dansk (1.000,5). En tom status tager den, tallet giver. Gråt "
                "bruges ikke for rækken. Kolonnen »Nøgle« er skjult og siger, hvilket mål "
                "eller krav rækken er: lad den stå."
            )
        ]
    )
    workbook.properties.creator = "mrplan"
    workbook.properties.title = workbook_text(f"{plan} {quarter}. kvartal")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _join_cause(cause, consequence):
    if not consequence:
        return cause or None
    return f"{CAUSE_MARK} {cause}\n{CONSEQUENCE_MARK} {consequence}".strip()


# --- in ----------------------------------------------------------------------------------


@dataclass
class Imported:
    plan: Plan
    quarter: int
    report: QuarterReport
    changed: int


def read_about(workbook):
    """The plan, quarter and version the workbook names, or raise FiguresFileError."""
    if ABOUT_SHEET not in workbook.sheetnames or FIGURES_SHEET not in workbook.sheetnames:
        raise FiguresFileError(
            [Problem(None, "", _("Filen er ikke et talark fra mrplan (arket »Om filen« mangler)."))]
        )
    about = {
        str(row[0].value).strip(): from_cell_text(row[1].value)
        if isinstance(row[1].value, str)
        else row[1].value
        for row in workbook[ABOUT_SHEET].iter_rows(max_col=2)
        if row[0].value
    }
    fields = {
        "format": about.get("Format"),
        "institution": about.get("Institution"),
        "year": about.get("År"),
        "quarter": about.get("Kvartal"),
        "version": about.get("Version"),
    }
    if fields["format"] != FORMAT:
        raise FiguresFileError(
            [Problem(None, "", _("Filen er ikke et talark fra mrplan (ukendt format)."))]
        )
    try:
        year, quarter = int(fields["year"]), int(fields["quarter"])
        version = None if fields["version"] in (None, "") else int(fields["version"])
    except (TypeError, ValueError):
        raise FiguresFileError(
            [Problem(None, "", _("Arket »Om filen« skal angive år, kvartal og version som tal."))]
        ) from None
    plan = (
        Plan.objects.select_related("institution", "ministry")
        .filter(institution__short_name=str(fields["institution"]), year=year)
        .first()
    )
    if plan is None or quarter not in (1, 2, 3, 4):
        raise FiguresFileError(
            [
                Problem(
                    None,
                    "",
                    _("Der findes ingen plan for %(institution)s %(year)s, %(quarter)s. kvartal.")
                    % {"institution": fields["institution"], "year": year, "quarter": quarter},
                )
            ]
        )
    return plan, quarter, version


def open_workbook(raw):
    try:
        return load_workbook(BytesIO(raw), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FiguresFileError(
            [Problem(None, "", _("Filen kan ikke læses som et Excel-ark (.xlsx)."))]
        ) from exc


def import_figures(raw, *, user, plan=None, quarter=None):
    """Read a filled-in figures workbook and save it as the quarter's draft.

    With `plan` and `quarter` the file must be for them (an upload on that quarter's page).
    Raises FiguresFileError with every problem, or services.ServiceError (ConcurrentEdit
    when the quarter was saved after the file was made, or it is handed in or approved).
    """
    workbook = open_workbook(raw)
    named_plan, named_quarter, version = read_about(workbook)
    if plan is not None and (named_plan.pk != plan.pk or named_quarter != quarter):
        raise FiguresFileError(
            [
                Problem(
                    None,
                    "",
                    _("Filen er til %(plan)s, %(quarter)d. kvartal, ikke til denne side.")
                    % {"plan": named_plan, "quarter": named_quarter},
                )
            ]
        )
    plan, quarter = named_plan, named_quarter
    page = build_quarter(plan, quarter)
    current = page.forms
    items = {key: (goal, requirement, form) for key, goal, requirement, form in _row_items(page)}
    # Start from what is saved, so a row left out of the file is left as it is.
    data = {}
    for form in current:
        for name in form.fields:
            value = form.initial.get(name)
            if value not in (None, ""):
                data[form.add_prefix(name)] = value
    problems, row_of = [], {}
    sheet = workbook[FIGURES_SHEET]
    headers = [str(c.value).strip() if c.value is not None else "" for c in sheet[1]]
    positions = {}
    for index, header in enumerate(HEADERS):
        found = headers.index(header) if header in headers else None
        if found is None and (COLUMNS[index][1] or header == "Nøgle"):
            problems.append(
                Problem(1, header, _("Kolonnen mangler; brug arket, som det blev hentet."))
            )
        positions[index] = found
    if problems:
        raise FiguresFileError(problems)
    for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(cells) + [None] * len(headers)
        if not any(value not in (None, "") for value in cells):
            continue
        key = cells[positions[KEY_COLUMN]]
        if key not in items:
            problems.append(
                Problem(
                    number,
                    "Nøgle",
                    _("Rækken svarer ikke til et mål eller krav i kvartalet; lad kolonnen stå."),
                )
            )
            continue
        if key in row_of:
            problems.append(
                Problem(
                    number,
                    "",
                    _("Rækken står to gange (også række %(row)d).") % {"row": row_of[key]},
                )
            )
            continue
        _goal, _requirement, form = items[key]
        row_of[key] = number
        problems += _read_row(form, cells, positions, number, data)
    if problems:
        raise FiguresFileError(problems)
    forms = build_quarter(plan, quarter, data).forms
    for form in forms:
        if form.is_valid():
            continue
        key = form.prefix
        for name, messages in form.errors.items():
            column = COLUMNS[COLUMN_OF_FIELD[name]][0] if name in COLUMN_OF_FIELD else ""
            for message in messages:
                problems.append(Problem(row_of.get(key), column, str(message)))
    if problems:
        raise FiguresFileError(sorted(problems, key=lambda p: (p.row or 0, p.column)))
    report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    if version is None:
        version = report.version if report else 0
    report, changed = services.save_quarter(
        plan=plan,
        quarter=quarter,
        user=user,
        rows=[
            services.Row(goal=form.goal, requirement=form.requirement, values=form.cleaned_data)
            for form in forms
        ],
        version=version,
    )
    return Imported(plan, quarter, report, changed)


STATUS_WORDS = {
    **{str(label).lower(): value for value, label in Status.choices},
    "rød": Status.RED,
    "gul": Status.YELLOW,
    "grøn": Status.GREEN,
    "red": Status.RED,
    "yellow": Status.YELLOW,
    "green": Status.GREEN,
}


def _read_row(form, cells, positions, number, data):
    """One row's cells into the form's data; problems with cells that cannot be read."""
    problems = []
    for index, (header, fields) in enumerate(COLUMNS):
        names = [name for name in fields if name in form.fields]
        if not names or positions[index] is None:
            continue
        value = cells[positions[index]]
        if isinstance(value, str):
            value = value.strip()
        for name in names:
            data.pop(form.add_prefix(name), None)
        if value in (None, ""):
            continue
        column = header
        if header == "Status":
            status = STATUS_WORDS.get(str(value).lower())
            if status is None:
                problems.append(
                    Problem(
                        number, column, _("Skriv Grøn, Gul eller Rød, eller lad feltet stå tomt.")
                    )
                )
            else:
                data[form.add_prefix("status")] = status
        elif header == "Årsag/konsekvens":
            cause, consequence = _split_cause(str(value))
            data[form.add_prefix("cause")] = cause
            data[form.add_prefix("consequence")] = consequence
        else:
            name = names[0]
            if name.endswith("_value"):
                data[form.add_prefix(name)] = _number(value)
            else:
                data[form.add_prefix(name)] = _text(value)
    return problems


def _number(value):
    """A cell's number: a number cell as it is, text the Danish way ("1.000,5"); text that
    is no number is passed on for the form to say so."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            return Decimal(repr(value))
        except InvalidOperation:
            return str(value)
    try:
        return parse_number(str(value), danish=True)
    except ValueError:
        return str(value)


def _text(value):
    """A text cell's text as the user meant it: without the apostrophe `cell_text` put before
    text that starts like a formula. Its length and characters are the form's to check."""
    return from_cell_text(str(value))


def _split_cause(text):
    """ "Årsag: ... Konsekvens: ..." into its two parts; text without the marks is the cause."""
    text = _text(text)
    head, mark, tail = text.partition(CONSEQUENCE_MARK)
    if not mark:
        return text.removeprefix(CAUSE_MARK).strip(), ""
    return head.strip().removeprefix(CAUSE_MARK).strip(), tail.strip()
