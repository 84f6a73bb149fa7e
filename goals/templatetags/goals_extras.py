"""Template helpers for numbers, targets and statuses as the plans write them."""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from goals.figures import figure_text, quarter_target_line, takes_number
from goals.forms import at_most
from goals.limits import REPORT_TEXT
from goals.models import HANDED_IN_STATES, STATUS_SYMBOLS, Measure, ReportState, Status
from goals.numbers import format_number

register = template.Library()


@register.filter
def number(value):
    """95.5000 -> "95,5" (in Danish), 12000 -> "12.000"."""
    return format_number(value)


@register.simple_tag
def target_line(requirement, quarter):
    """What a requirement's figure of the quarter is held against, e.g. "mindst 95 pct.", and
    for a milestone or relative target what it is measured by."""
    if takes_number(requirement):
        return quarter_target_line(requirement, quarter)
    if requirement.measure == Measure.MILESTONE:
        deadline = requirement.deadline_text or (
            requirement.deadline and date_format(requirement.deadline)
        )
        return _("Frist: %(deadline)s") % {"deadline": deadline}
    if requirement.measure == Measure.RELATIVE:
        return _("Sammenlignes med: %(reference)s") % {"reference": requirement.reference}
    return ""


@register.filter
def figure(value, requirement):
    """A number of a requirement with the plan's precision and its unit: "4,0 point"."""
    return figure_text(requirement, value)


@register.filter
def bound_field(form, name):
    """A form's field by a name made at run time: {{ form|bound_field:goal.verdict_field }}."""
    return form[name]


STATE_BADGES = {
    "approved": "text-bg-success",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "draft": "text-bg-secondary",
}


@register.simple_tag
def status_badge(status, label=None):
    """A status as its symbol and word on its colour: never the colour alone."""
    if not status:
        return ""
    return format_html(
        '<span class="status status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status,
        STATUS_SYMBOLS.get(status, ""),
        label or Status(status).label,
    )


@register.simple_tag
def status_count(status, count):
    """How many goals have a status: its symbol and number, its word for screen readers."""
    return format_html(
        '<span class="count count-{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}:</span> {}</span>',
        status,
        STATUS_SYMBOLS[status],
        Status(status).label,
        count,
    )


@register.simple_tag
def state_badge(state, label, overdue=False):
    """A quarterly report's state as a badge, and "Fristen er overskredet" beside it if so."""
    badge = format_html(
        '<span class="badge {}">{}</span>',
        STATE_BADGES.get(state, "text-bg-light border"),
        label,
    )
    if overdue:
        badge += format_html(
            ' <span class="badge text-bg-danger">{}</span>', _("Fristen er overskredet")
        )
    return badge


@register.filter
def percent(value):
    """A percentage to one decimal, the way the plans write it: 83,3 pct."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return _("%(value)s pct.") % {"value": format_number(rounded, places=1)}


@register.simple_tag
def degree_text(degree):
    """A plan's fulfilment degree and what it rests on: "80,0 pct. (endelig)", or while goals
    are undecided "75,0 pct. (foreløbig: 2 af 5 mål afgjort, 2 efter seneste status)"."""
    if degree.value is None:
        return _("– (intet mål er afgjort eller har en status endnu)")
    if degree.final:
        return _("%(value)s (endelig)") % {"value": percent(degree.value)}
    return _(
        "%(value)s (foreløbig: %(decided)d af %(total)d mål afgjort, %(by_status)d efter "
        "seneste status)"
    ) % {
        "value": percent(degree.value),
        "decided": degree.decided,
        "total": degree.total,
        "by_status": degree.counted - degree.decided,
    }


@register.simple_tag
def result_cell(cell, states=None):
    """A goal's quarter: its status, its result and each requirement's figure beside its
    target (a QuarterCell of goals.selectors). `states` lists the four quarters' report
    states: a quarter not handed in is marked with its state ("Kladde", "Sendt retur"),
    above whatever of it the cell was given to show.

    Written in Python from plain strings, escaping what comes from the data, rather than as
    an included template: the plan page and the group-wide page show hundreds of these, and
    a template per cell made them several times slower.
    """
    labels = _status_labels(get_language())
    entry = cell.entry
    parts = []
    state = states[cell.quarter - 1] if states else ""
    if state and state not in HANDED_IN_STATES:
        parts.append(f'<span class="badge {STATE_BADGES[state]}">{labels[state]}</span> ')
    if entry and entry.status:
        parts.append(
            f'<span class="status status-{entry.status}"><span aria-hidden="true">'
            f"{STATUS_SYMBOLS[entry.status]}</span> {labels[entry.status]}</span>"
        )
    if entry and entry.result_text:
        parts.append(f'<span class="d-block pre-line">{_short(entry.result_text, 160)}</span>')
    # A goal measured by one requirement needs no name beside its figure.
    named = len(cell.lines) > 1
    for line in cell.lines:
        value = escape(line.shown) if line.value is not None else _short(line.shown or "–", 80)
        target = ""
        if line.target_short:
            target = (
                f' <span class="target">({labels["target"]} {escape(line.target_short)})</span>'
            )
        name = f"{escape(line.name)} " if named else ""
        status = ""
        if line.status:
            status = (
                f' <span class="visually-hidden">({labels[line.status]})</span>'
                f'<span class="req-status req-status-{line.status}" aria-hidden="true">'
                f"{STATUS_SYMBOLS[line.status]}</span>"
            )
        parts.append(f'<span class="d-block">{name}{value}{target}{status}</span>')
    if not parts:
        parts.append(
            f'<span aria-hidden="true">–</span>'
            f'<span class="visually-hidden">{labels["nothing"]}</span>'
        )
    return mark_safe("".join(parts))


@lru_cache(maxsize=8)
def _status_labels(language):
    return {
        **{s.value: escape(str(s.label)) for s in Status},
        **{s.value: escape(str(s.label)) for s in ReportState},
        "nothing": escape(_("Intet indberettet")),
        "target": escape(_("mål")),
    }


def _short(text, length):
    return escape(text if len(text) <= length else Truncator(text).chars(length))


@register.simple_tag
def report_text_limit():
    """The most characters a reporter's or reviewer's text takes, for a `maxlength`."""
    return REPORT_TEXT


@register.simple_tag
def report_text_hint():
    """ "Højst 2.000 tegn", shown by a reviewer's text field."""
    return at_most(REPORT_TEXT)
