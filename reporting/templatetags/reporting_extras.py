"""Template helpers of the dashboards and the printed reports.

The overview's rows are written in Python: a ministry of 200 institutions has 800 quarter
cells. They are built from plain strings, escaping what comes from the data, because a
template (or format_html for every piece) per cell made the overview several times slower.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from goals.models import Status
from goals.numbers import format_number
from goals.templatetags.goals_extras import percent
from goals.urls import quarter_url
from reporting.documents import KIND_ACTIVITY
from reporting.selectors import STATE_LABELS, STATUSES

register = template.Library()


@lru_cache(maxsize=8)
def _words(language):
    """The overview's fixed texts in one language, escaped once."""
    return {
        "status": {s.value: escape(str(Status(s).label)) for s in STATUSES},
        "state": {key: escape(str(label)) for key, label in STATE_LABELS.items()},
        "overdue": escape(gettext("Fristen er overskredet")),
        "not_reported": escape(gettext("Afrapporteres ikke")),
        "no_degree": escape(gettext("Ingen status endnu")),
        "final": escape(gettext("endelig")),
        "so_far": escape(gettext("foreløbig")),
        "counted": gettext("%(counted)s af %(total)s mål"),
    }


# The overview's cells are terse: a ministry of 200 institutions has 800 of them, and their
# markup was most of a 600 KiB page. Each count is a <b> of its status's letter class, whose
# symbol the stylesheet draws (static/css/mrplan.css, "the ministry overview") and whose
# word is there for screen readers in an <i> the stylesheet hides; the state is its word.
_COUNT_CLASS = {Status.GREEN: "g", Status.YELLOW: "y", Status.RED: "r"}


def _plan_url_maker():
    """The plan page's address for an institution and year, without a reverse() per row."""
    pattern = reverse("reporting:plan_detail", args=["INSTITUTION", 1000])
    before, after = pattern.split("INSTITUTION", 1)
    after = after.replace("1000", "{year}", 1)
    return lambda short_name, year: before + quote(short_name) + after.format(year=year)


def _cell_content(cell, words):
    """What a shown quarter's link holds: the counts, the goals without a status, the state."""
    parts = []
    counts = cell.counts
    if any(counts.values()):
        parts.append(
            " ".join(
                f'<b class="{_COUNT_CLASS[s]}"><i>{words["status"][s]}:</i> {counts[s]}</b>'
                for s in STATUSES
            )
        )
        if cell.without_status:
            text = ngettext("%(n)d mål uden status", "%(n)d mål uden status", cell.without_status)
            parts.append(f"<small>{escape(text % {'n': cell.without_status})}</small>")
    parts.append(f'<span class="st st-{cell.state}">{words["state"][cell.state]}</span>')
    if cell.overdue:
        parts.append(f'<span class="st late">{words["overdue"]}</span>')
    return "".join(parts)


def _degree_cell(degree, words):
    if degree.value is None:
        return f'<td><span aria-hidden="true">–</span><i>{words["no_degree"]}</i></td>'
    counted = words["counted"] % {"counted": degree.counted, "total": degree.total}
    final = words["final"] if degree.final else words["so_far"]
    return (
        f"<td><strong>{escape(percent(degree.value))}</strong>"
        f"<small>{escape(counted)} · {final}</small></td>"
    )


@register.simple_tag
def overview_rows(rows, quarters):
    """The overview's table rows: per institution its name, each quarter of `quarters` (goals
    per status and the report's state, linked to the quarter page; a dash where the plan does
    not report it) and its degree so far. InstitutionRows of reporting.selectors."""
    words = _words(get_language())
    plan_url_of = _plan_url_maker()
    not_reported = f'<td><span aria-hidden="true">–</span><i>{words["not_reported"]}</i></td>'
    # Two hundred institutions have far fewer different cells and degrees: each is written once.
    contents, degrees = {}, {}
    html = []
    for row in rows:
        institution = row.plan.institution
        plan_url = escape(plan_url_of(institution.short_name, row.plan.year))
        name = escape(institution.name)
        cells = []
        for quarter in quarters:
            cell = row.cells[quarter - 1]
            if not cell.shown:
                cells.append(not_reported)
                continue
            key = (*cell.counts.values(), cell.goals_due, cell.state, cell.overdue)
            content = contents.get(key)
            if content is None:
                content = contents[key] = _cell_content(cell, words)
            cells.append(f'<td><a href="{quarter_url(plan_url, quarter)}">{content}</a></td>')
        degree = row.degree
        key = (degree.value, degree.counted, degree.total, degree.final)
        degree_cell = degrees.get(key)
        if degree_cell is None:
            degree_cell = degrees[key] = _degree_cell(degree, words)
        html.append(
            f'<tr><th scope="row"><a href="{plan_url}"><span class="name">{name}</span> '
            f'<abbr title="{name}">{escape(institution.short_name)}</abbr></a></th>'
            f"{''.join(cells)}{degree_cell}</tr>"
        )
    return mark_safe("\n".join(html))


@register.filter
def css_string(value):
    """Text for inside a double-quoted CSS string in a <style> block."""
    text = str(value)
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\a "), ("<", "\\3c ")):
        text = text.replace(raw, escaped)
    return mark_safe(text)


@register.filter
def points(value):
    """Points or percent to one decimal, without a trailing zero: 20, 33,3."""
    if value is None:
        return ""
    return format_number(Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP))


@register.filter
def goal_type(goal):
    """The appendix's "Type af mål": "Driftsaktivitet, kvalitetsmål", or "" for a goal whose
    plan gives neither kind nor result type."""
    kind = str(KIND_ACTIVITY[goal.kind]) if goal.kind else ""
    result_type = goal.get_result_type_display() if goal.result_type else ""
    if kind and result_type:
        return f"{kind}, {result_type.lower()}"
    return kind or result_type


@register.filter
def reporting_text(goal):
    """The appendix's "Afrapportering": the plan's words, else the goal's quarters
    ("2. og 4. kvartal"): the document prints no sentence the plan does not."""
    if goal.reporting_text:
        return goal.reporting_text
    quarters = goal.quarters
    if len(quarters) == 1:
        return gettext("%(quarter)d. kvartal") % {"quarter": quarters[0]}
    return gettext("%(quarters)s og %(last)d. kvartal") % {
        "quarters": ", ".join(f"{q}." for q in quarters[:-1]),
        "last": quarters[-1],
    }


# A printed table's cell holds text up to this long; longer text is begun in the cell and
# printed whole in a note after the table, at the page's full width. A 2,000-character cause
# in a column an eighth of the page wide is some eighty lines, which no one reads in a table,
# and WeasyPrint lays out every line at a cost: a follow-up of texts at the forms' limit took
# many times the time of its notes at full width.
CELL_TEXT = 300
CELL_START = 150


@register.simple_tag(takes_context=True)
def cell_text(context, text, *where, quarter=None):
    """Text for a cell of a printed table: whole, or its start and a reference to its note
    when it is long and the document has `table_notes` (a list) to print after the table.
    `where` names the cell in the note: the goal's number, the column (and its quarter)."""
    text = "" if text is None else str(text)
    notes = context.get("table_notes")
    if notes is None or len(text) <= CELL_TEXT:
        return text
    where = [str(w) for w in where if w]
    if quarter:
        where.append(gettext("%(quarter)d. kvartal") % {"quarter": quarter})
    notes.append((" · ".join(where), text))
    start = text[:CELL_START]
    if " " in start[CELL_START // 2 :]:
        start = start.rsplit(" ", 1)[0]
    return format_html(
        '{} … <em class="muted">({})</em>',
        start,
        gettext("fortsætter i note %(number)d") % {"number": len(notes)},
    )
