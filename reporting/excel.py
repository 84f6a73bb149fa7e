"""The follow-up, annual and ministry tables as Excel workbooks, numbers kept as numbers.

Each workbook's first sheet has one row per goal (or institution) in the report's columns;
a goal's quarter result is a number where it is one number, and text where it is several.
A second sheet lists every requirement on its own row, so every reported number is a
number in some cell.
"""

from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from goals.limits import cell_text, mark_text_cells, workbook_text
from goals.models import QUARTERS, Fulfilment

NUMBER_FORMAT = "#,##0.##"
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _sheet(workbook, title, headers, widths, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    _append(sheet, headers)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = WRAP
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _append(sheet, values):
    """A row of cells: text as text (never a formula, whatever a user typed), numbers as numbers."""
    sheet.append([cell_text(v) if isinstance(v, str | Promise) else v for v in values])
    row = sheet[sheet.max_row]
    mark_text_cells(row)
    for cell in row:
        cell.alignment = WRAP
        if isinstance(cell.value, int | float | Decimal):
            cell.number_format = NUMBER_FORMAT


def _requirements_text(requirements):
    return "\n".join(f"{r.number} {r.text}".strip() for r in requirements)


def _told(told):
    if told is None:
        return ""
    return f"({told.label}) {told.text}" if told.label else told.text


def _line_text(line):
    target = f" ({_('mål')}: {line.target_text})" if line.target_text else ""
    status = f" {line.status_label}" if line.status else ""
    return f"{line.name} {line.shown or '–'}{target}{status}"


def _save(workbook, report, title):
    workbook.properties.title = workbook_text(title)
    workbook.properties.creator = "mrplan"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def follow_up_workbook(report):
    """The follow-up template: Nr. | Mål | Resultatkrav | 1.-4. kvartal | Status sidst | ...

    The second sheet has a row per requirement (per part of one measured in parts) and one
    for the goal's own result, found by the requirement itself, never by its printed label:
    each quarter's figure (a running total's also its total so far) beside its target and
    status, and the year to date beside its.
    """
    workbook = Workbook()
    quarter_headers = [_("%(quarter)d. kvartal") % {"quarter": q} for q in QUARTERS]
    goals = _sheet(
        workbook,
        _("Opfølgning"),
        [_("Nr."), _("Mål"), _("Resultatkrav"), *quarter_headers]
        + [_("Status sidst"), _("År til dato"), _("Årsag/konsekvens"), _("Handling")],
        [8, 36, 48, 22, 22, 22, 22, 12, 26, 40, 40],
        first=True,
    )
    for row in report.rows:
        quarters = []
        notes = [""] * 4
        numbers = row.single_number
        for index in range(4):
            if index >= len(row.quarters):
                quarters.append(None)
                continue
            column = row.quarters[index]
            words = [str(column.status_label)] * bool(column.status) + [column.text] * bool(
                column.text
            )
            if numbers[index] is not None:
                # The number in the cell; its target, the status and the goal's words in its note.
                quarters.append(numbers[index])
                notes[index] = "\n".join(words + [_line_text(line) for line in column.lines])
            else:
                text = "\n".join(words + [_line_text(line) for line in column.lines])
                quarters.append(text or None)
        cause = "\n".join(
            part
            for part in (
                row.cause and f"{_('Årsag')}: {_told(row.cause)}",
                row.consequence and f"{_('Konsekvens')}: {_told(row.consequence)}",
            )
            if part
        )
        ytd = "\n".join(
            [_told(row.ytd_text)] * bool(row.ytd_text)
            + [
                f"{figure.name} {figure.text}"
                + (f" ({_('mål')}: {figure.target_text})" if figure.target_text else "")
                for figure in row.ytd
            ]
        )
        status = ""
        if row.status:
            status = str(row.status_label) + (f" ({row.status.label})" if row.status.label else "")
        _append(
            goals,
            [
                row.goal.number,
                row.goal.title,
                _requirements_text(row.requirements),
                *quarters,
                status or None,
                ytd or None,
                cause or None,
                _told(row.action) or None,
            ],
        )
        for index, note in enumerate(notes):
            if note:
                goals.cell(row=goals.max_row, column=4 + index).comment = Comment(
                    workbook_text(note), "mrplan"
                )

    headers = [_("Mål"), _("Krav"), _("Resultatkrav"), _("Enhed")]
    for header in quarter_headers:
        lower = header.lower()
        headers += [
            header,
            _("I alt efter %(quarter)s") % {"quarter": lower},
            _("Mål %(quarter)s") % {"quarter": lower},
            _("Status"),
        ]
    headers += [_("År til dato"), _("Mål år til dato")]
    figures = _sheet(
        workbook,
        _("Resultatkrav"),
        headers,
        [8, 16, 56, 14] + [14, 14, 22, 10] * 4 + [14, 22],
    )
    for row in report.rows:
        own = [(column.text, column.status_label) for column in row.quarters]
        if any(text or status for text, status in own):
            cells = []
            for text, status in own + [("", "")] * (4 - len(own)):
                cells += [text or None, None, None, str(status) or None]
            _append(figures, [row.goal.number, _("Målet samlet"), row.goal.title, None, *cells])
        ytd = {figure.requirement.pk: figure for figure in row.ytd}
        for requirement in row.measured:
            by_quarter = {
                line.quarter: line
                for column in row.quarters
                for line in column.lines
                if line.requirement.pk == requirement.pk
            }
            cells = []
            for quarter in QUARTERS:
                line = by_quarter.get(quarter)
                cells += [
                    _figure(line),
                    line.total if line and line.adds_up else None,
                    line.target_text if line and line.target_text else None,
                    str(line.status_label) if line and line.status else None,
                ]
            figure = ytd.get(requirement.pk)
            _append(
                figures,
                [
                    row.goal.number,
                    requirement.name,
                    requirement.part_of.text if requirement.part_of_id else requirement.text,
                    requirement.unit_phrase or None,
                    *cells,
                    figure.value if figure else None,
                    figure.target_text if figure and figure.target_text else None,
                ],
            )
    return _save(workbook, report, report.header.running)


def _figure(line):
    """A FigureLine as a cell: the quarter's own number, else its text."""
    if line is None:
        return None
    return line.value if line.value is not None else (line.text or None)


def annual_workbook(report):
    """Part 1 of the annual report: each goal's results, verdict, reason and score."""
    workbook = Workbook()
    goals = _sheet(
        workbook,
        _("Målopfyldelse"),
        [
            _("Nr."),
            _("Mål"),
            _("Resultatkrav"),
            _("Årsmål"),
            _("Årets resultat"),
            _("Vurdering"),
            _("Begrundelse"),
            _("Vægt (point)"),
            _("Score (point)"),
            _("Sidste år"),
        ],
        [8, 36, 48, 24, 24, 16, 40, 12, 12, 40],
        first=True,
    )
    for row in report.rows:
        single = None
        if len(row.lines) == 1 and len(row.lines[0].figures) == 1:
            single = row.lines[0].figures[0][1].value
        results = "\n".join(
            f"{line.requirement.name} {line.result}" for line in row.lines if line.result
        )
        targets = "\n".join(
            f"{line.requirement.name} {line.target_text}" for line in row.lines if line.target_text
        )
        _append(
            goals,
            [
                row.goal.number,
                row.goal.title,
                _requirements_text(line.requirement for line in row.lines),
                targets or None,
                single if single is not None else (results or _told(row.own_result) or None),
                row.verdict_label,
                row.reason or None,
                round(row.weight, 2),
                round(row.score, 2) if row.score is not None else None,
                _last_year_text(row.last_year),
            ],
        )
    goals.append([])
    degree = report.degree.value
    _append(
        goals,
        [None, _("Målopfyldelse i alt (pct.)"), *[None] * 6]
        + [round(degree, 2) if degree is not None else None],
    )
    goals[goals.max_row][1].font = BOLD
    figures = _sheet(
        workbook,
        _("Resultatkrav"),
        [
            _("Mål"),
            _("Krav"),
            _("Resultatkrav"),
            _("Enhed"),
            _("Årsmål"),
            _("Årets resultat"),
            _("Opgjort som"),
            _("Opfyldt"),
        ],
        [8, 16, 56, 14, 22, 16, 36, 14],
    )
    for row in report.rows:
        for line in row.lines:
            requirement = line.requirement
            figures_of = line.figures or [(requirement, None)]
            for part, figure in figures_of:
                _append(
                    figures,
                    [
                        row.goal.number,
                        part.name,
                        requirement.text,
                        part.unit_phrase or None,
                        line.target_text or None,
                        figure.value if figure else (line.text or None),
                        figure.why if figure else None,
                        line.met_label,
                    ],
                )
    if report.series:
        series = _sheet(
            workbook,
            _("Flerårige krav"),
            [_("Mål"), _("Krav"), _("År"), _("Målværdi"), _("Resultat"), _("Kilde")],
            [8, 16, 8, 22, 22, 36],
        )
        for table in report.series:
            for year in table.years:
                _append(
                    series,
                    [
                        table.requirement.goal.number,
                        table.requirement.name,
                        year.year,
                        year.target or None,
                        year.result or None,
                        _("indberettet i årets plan") if year.reported else None,
                    ],
                )
    if report.amendments:
        _amendments_sheet(workbook, report.amendments)
    return _save(workbook, report, report.header.running)


def _last_year_text(last):
    """Last year's verdict and figures in one cell: "2024: Opfyldt; 1) 96 pct. (...)"."""
    if last is None:
        return None
    return f"{last.year}: {last.text}"


def _amendments_sheet(workbook, amendments):
    """ "Ændringer i planen i årets løb": a row per changed value of each amendment."""
    sheet = _sheet(
        workbook,
        _("Ændringer"),
        [
            _("Ændring"),
            _("Dato"),
            _("Begrundelse"),
            _("Tilstand"),
            _("Hvad"),
            _("Felt"),
            _("Før"),
            _("Efter"),
        ],
        [10, 14, 40, 22, 24, 20, 30, 30],
    )
    for amendment in amendments:
        when = date_format(timezone.localtime(amendment.closed_at or amendment.created_at))
        changes = list(amendment.changes.all()) or [None]
        for change in changes:
            _append(
                sheet,
                [
                    amendment.number,
                    when,
                    amendment.reason,
                    amendment.get_state_display(),
                    change.name if change else None,
                    change.label if change else None,
                    (change.before or None) if change else None,
                    (change.after or None) if change else None,
                ],
            )


def summary_workbook(summary):
    """Every institution's verdict counts and fulfilment degree for the year."""
    workbook = Workbook()
    sheet = _sheet(
        workbook,
        _("Målopfyldelse"),
        [
            _("Institution"),
            _("Plan"),
            _("Mål"),
            *[str(v.label) for v in Fulfilment],
            _("Ikke afgjort"),
            _("Målopfyldelse (pct.)"),
        ],
        [36, 48, 8, 12, 16, 14, 14, 18],
        first=True,
    )
    for row in summary.rows:
        _append(
            sheet,
            [
                row.plan.institution.name,
                row.plan.title,
                row.goals,
                *[row.counts.get(v, 0) for v in Fulfilment],
                row.undecided,
                round(row.degree.value, 2) if row.degree.value is not None else None,
            ],
        )
    sheet.append([])
    _append(sheet, [_("Dannet %(date)s") % {"date": date_format(summary.generated)}])
    return _save(workbook, summary, summary.running)
