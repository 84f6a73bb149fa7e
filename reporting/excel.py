"""The follow-up, annual and ministry tables as Excel workbooks, numbers kept as numbers.

Each workbook's first sheet has one row per goal (or institution) in the report's columns;
a goal's quarter result is a number where it is one number, and text where it is several.
A second sheet lists every requirement on its own row, so every reported number is a
number in some cell.
"""

from decimal import Decimal
from io import BytesIO

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from goals.models import QUARTERS, Fulfilment

NUMBER_FORMAT = "#,##0.##"
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _sheet(workbook, title, headers, widths, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = WRAP
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _append(sheet, values):
    sheet.append([str(v) if isinstance(v, Promise) else v for v in values])
    for cell in sheet[sheet.max_row]:
        cell.alignment = WRAP
        if isinstance(cell.value, int | float | Decimal):
            cell.number_format = NUMBER_FORMAT


def _lines(results):
    return "\n".join(f"{r.label} {r.text}".strip() for r in results)


def _requirements_text(requirements):
    return "\n".join(f"{r.number} {r.text}".strip() for r in requirements)


def _save(workbook, report, title):
    workbook.properties.title = title
    workbook.properties.creator = "mrplan"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def follow_up_workbook(report):
    """The follow-up template: Nr. | Mål | Resultatkrav | 1.-4. kvartal | Status sidst | ..."""
    workbook = Workbook()
    quarter_headers = [_("%(quarter)d. kvartal") % {"quarter": q} for q in QUARTERS]
    goals = _sheet(
        workbook,
        _("Opfølgning"),
        [_("Nr."), _("Mål"), _("Resultatkrav"), *quarter_headers]
        + [_("Status sidst"), _("År til dato"), _("Årsag/konsekvens"), _("Handling")],
        [8, 36, 48, 18, 18, 18, 18, 12, 22, 40, 40],
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
            if numbers[index] is not None:
                # The number in the cell; the status and the goal's own words in its note.
                quarters.append(numbers[index])
                notes[index] = "\n".join(
                    [str(column.status_label)] * bool(column.status)
                    + [r.text for r in column.results if r.value is None]
                )
            else:
                text = _lines(column.results)
                if column.status:
                    text = f"{column.status_label}\n{text}".strip()
                quarters.append(text or None)
        cause = "\n".join(
            part
            for part in (
                row.cause and f"{_('Årsag')}: {row.cause}",
                row.consequence and f"{_('Konsekvens')}: {row.consequence}",
            )
            if part
        )
        ytd = row.ytd[0].value if len(row.ytd) == 1 and row.ytd[0].value is not None else None
        _append(
            goals,
            [
                row.goal.number,
                row.goal.title,
                _requirements_text(row.requirements),
                *quarters,
                row.status_label or None,
                ytd if ytd is not None else (_lines(row.ytd) or None),
                cause or None,
                row.action or None,
            ],
        )
        for index, note in enumerate(notes):
            if note:
                goals.cell(row=goals.max_row, column=4 + index).comment = Comment(note, "mrplan")
    figures = _sheet(
        workbook,
        _("Resultatkrav"),
        [_("Mål"), _("Krav"), _("Resultatkrav"), _("Enhed"), *quarter_headers, _("År til dato")],
        [8, 8, 56, 12, 14, 14, 14, 14, 14],
    )
    for row in report.rows:
        by_requirement = {}
        for column in row.quarters:
            for result in column.results:
                by_requirement.setdefault(result.label, {})[column.quarter] = result
        ytd = {result.label: result for result in row.ytd}
        for requirement in row.requirements:
            found = by_requirement.get(requirement.number, {})
            _append(
                figures,
                [
                    row.goal.number,
                    requirement.number,
                    requirement.text,
                    requirement.unit_label or None,
                    *[_figure(found.get(q)) for q in QUARTERS],
                    _figure(ytd.get(requirement.number)),
                ],
            )
    return _save(workbook, report, report.header.running)


def _figure(result):
    if result is None:
        return None
    return result.value if result.value is not None else result.text


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
            _("Årets resultat"),
            _("Vurdering"),
            _("Begrundelse"),
            _("Vægt (point)"),
            _("Score (point)"),
        ],
        [8, 36, 48, 24, 16, 40, 12, 12],
        first=True,
    )
    for row in report.rows:
        results = [line.result for line in row.lines if line.result]
        single = results[0].value if len(results) == 1 and len(row.lines) == 1 else None
        _append(
            goals,
            [
                row.goal.number,
                row.goal.title,
                _requirements_text(line.requirement for line in row.lines),
                single if single is not None else (_lines(results) or row.own_result or None),
                row.verdict_label,
                row.reason or None,
                round(row.weight, 2),
                round(row.score, 2) if row.score is not None else None,
            ],
        )
    goals.append([])
    _append(
        goals,
        [
            None,
            _("Målopfyldelse i alt (pct.)"),
            None,
            None,
            None,
            None,
            None,
            round(report.degree, 2) if report.degree is not None else None,
        ],
    )
    goals[goals.max_row][1].font = BOLD
    figures = _sheet(
        workbook,
        _("Resultatkrav"),
        [_("Mål"), _("Krav"), _("Resultatkrav"), _("Enhed"), _("Årets resultat"), _("Opfyldt")],
        [8, 8, 56, 12, 16, 14],
    )
    for row in report.rows:
        for line in row.lines:
            requirement = line.requirement
            _append(
                figures,
                [
                    row.goal.number,
                    requirement.number,
                    requirement.text,
                    requirement.unit_label or None,
                    _figure(line.result),
                    line.met_label,
                ],
            )
    return _save(workbook, report, report.header.running)


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
                round(row.degree, 2) if row.degree is not None else None,
            ],
        )
    sheet.append([])
    sheet.append([_("Dannet %(date)s") % {"date": date_format(summary.generated)}])
    return _save(workbook, summary, summary.running)
