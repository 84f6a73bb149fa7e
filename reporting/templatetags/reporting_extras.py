"""Template helpers of the dashboards and the printed reports.

The overview's quarter cell is written in Python: a ministry of 200 institutions has 800.
It is built from plain strings, escaping what comes from the data, because a template (or
format_html for every piece) per cell made the overview several times slower.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from goals.models import STATUS_SYMBOLS, Status
from goals.numbers import format_number
from goals.templatetags.goals_extras import STATE_BADGES
from goals.urls import quarter_url
from reporting.documents import KIND_ACTIVITY
from reporting.selectors import STATE_LABELS, STATUSES

register = template.Library()


@lru_cache(maxsize=8)
def _words(language):
    """The cell's fixed texts in one language, escaped once."""
    return {
        "status": {s.value: escape(str(Status(s).label)) for s in STATUSES},
        "state": {key: escape(str(label)) for key, label in STATE_LABELS.items()},
        "overdue": escape(gettext("Fristen er overskredet")),
        "not_reported": escape(gettext("Afrapporteres ikke")),
    }


@register.simple_tag
def overview_cell(cell, plan, plan_url):
    """One institution's quarter: goals per status and the report's state, linked to the
    quarter page; a dash where the plan does not report that quarter."""
    words = _words(get_language())
    if not cell.shown:
        return mark_safe(
            f'<span aria-hidden="true">–</span>'
            f'<span class="visually-hidden">{words["not_reported"]}</span>'
        )
    parts = []
    if cell.reported:
        counts = " ".join(
            f'<span class="count count-{s}"><span aria-hidden="true">{STATUS_SYMBOLS[s]}</span>'
            f'<span class="visually-hidden">{words["status"][s]}:</span> {cell.count(s)}</span>'
            for s in STATUSES
        )
        parts.append(f'<span class="counts">{counts}</span>')
        if cell.without_status:
            text = ngettext("%(n)d mål uden status", "%(n)d mål uden status", cell.without_status)
            parts.append(
                f'<span class="d-block small">{escape(text % {"n": cell.without_status})}</span>'
            )
    badge = STATE_BADGES.get(cell.state, "text-bg-light border")
    state = f'<span class="badge {badge}">{words["state"][cell.state]}</span>'
    if cell.overdue:
        state += f' <span class="badge text-bg-danger">{words["overdue"]}</span>'
    parts.append(f'<span class="d-block">{state}</span>')
    where = gettext("%(institution)s, %(quarter)d. kvartal") % {
        "institution": plan.institution.short_name,
        "quarter": cell.quarter,
    }
    parts.append(f'<span class="visually-hidden">{escape(where)}</span>')
    href = escape(quarter_url(plan_url, cell.quarter))
    return mark_safe(f'<a class="cell-link" href="{href}">{"".join(parts)}</a>')


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
