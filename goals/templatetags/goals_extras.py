"""Template helpers for numbers, targets and statuses as the plans write them."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from goals.models import Measure
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
    unit = requirement.unit_text or (requirement.get_unit_display() if requirement.unit else "")
    target = target_for(requirement, quarter)
    if requirement.measure == Measure.THRESHOLD and target is not None:
        return f"{requirement.get_comparator_display()} {format_number(target)} {unit}".strip()
    if requirement.measure == Measure.CUMULATIVE:
        if target is None:
            return _("Intet kvartalsmål for dette kvartal")
        return _("Kvartalsmål: %(comparator)s %(target)s %(unit)s") % {
            "comparator": requirement.get_comparator_display(),
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
