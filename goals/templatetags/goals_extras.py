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

from goals.models import Measure, Status, Unit
from goals.numbers import format_number
from goals.scoring import target_for

register = template.Library()


@register.filter
def number(value):
    """95.5000 -> "95,5" (in Danish), 12000 -> "12.000"."""
    return format_number(value)


@register.simple_tag
def target_text(requirement, quarter):
    """What a requirement's result is held against in the quarter, e.g. "mindst 95 pct."."""
    unit = requirement.unit_text or requirement.unit_label
    target = target_for(requirement, quarter)
    if requirement.measure == Measure.THRESHOLD and target is not None:
        return f"{requirement.comparator_label} {format_number(target)} {unit}".strip()
    if requirement.measure == Measure.CUMULATIVE:
        if target is None:
            return _("Intet kvartalsmål for dette kvartal")
        return _("Kvartalsmål: %(comparator)s %(target)s %(unit)s") % {
            "comparator": requirement.comparator_label,
            "target": format_number(target),
            "unit": unit,
        }
    if requirement.measure == Measure.MILESTONE:
        deadline = requirement.deadline_text or (
            requirement.deadline and date_format(requirement.deadline)
        )
        return _("Frist: %(deadline)s") % {"deadline": deadline}
    if requirement.measure == Measure.RELATIVE:
        return _("Sammenlignes med: %(reference)s") % {"reference": requirement.reference}
    return ""


@register.filter
def bound_field(form, name):
    """A form's field by a name made at run time: {{ form|bound_field:goal.verdict_field }}."""
    return form[name]


@register.simple_tag
def target_value(requirement, quarter):
    """The number a requirement's result is held against in the quarter, or None."""
    return target_for(requirement, quarter)


STATUS_SYMBOLS = {"green": "✓", "yellow": "!", "red": "✕"}

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
    """A percentage to one decimal, the active language's way: 83,3 %."""
    if value is None:
        return ""
    return f"{format_number(Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP))} %"


@register.simple_tag
def result_cell(cell):
    """A goal's quarter: its status, its result and each requirement's number or text.

    Written in Python from plain strings, escaping what comes from the data, rather than as
    an included template: the plan page and the group-wide page show hundreds of these, and
    a template per cell made them several times slower.
    """
    labels = _status_labels(get_language())
    entry = cell["entry"]
    parts = []
    if entry and entry.status:
        parts.append(
            f'<span class="status status-{entry.status}"><span aria-hidden="true">'
            f"{STATUS_SYMBOLS[entry.status]}</span> {labels[entry.status]}</span>"
        )
    if entry and entry.result_text:
        parts.append(f'<span class="d-block pre-line">{_short(entry.result_text, 160)}</span>')
    for requirement, result in cell["results"]:
        if result.result_value is not None:
            value = format_number(result.result_value)
            if requirement.unit:
                value = f"{value} {labels['units'].get(requirement.unit, requirement.unit)}"
            value = escape(value)
        else:
            value = _short(result.result_text or "–", 80)
        number = f"{escape(requirement.number)} " if requirement.number else ""
        status = ""
        if result.status:
            status = (
                f' <span class="visually-hidden">({labels[result.status]})</span>'
                f'<span class="req-status req-status-{result.status}" aria-hidden="true">'
                f"{STATUS_SYMBOLS[result.status]}</span>"
            )
        parts.append(f'<span class="d-block">{number}{value}{status}</span>')
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
        "nothing": escape(_("Intet indberettet")),
        # get_unit_display() looks its choices up anew on every call; hundreds add up.
        "units": {unit.value: str(unit.label) for unit in Unit},
    }


def _short(text, length):
    return escape(text if len(text) <= length else Truncator(text).chars(length))
