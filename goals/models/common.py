"""Quarters, quarter sets and the database checks every model of the register uses."""

import datetime
from itertools import combinations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from goals.limits import no_control_characters

QUARTERS = (1, 2, 3, 4)


# Every set of quarters written as its quarters in ascending order: "", "1", "12", ..., "1234".
QUARTER_SETS = [
    "".join(str(q) for q in combo) for n in range(5) for combo in combinations(QUARTERS, n)
]


def quarters_to_text(quarters):
    """Store a collection of quarter numbers as the ascending digits ("24" for Q2 and Q4)."""
    return "".join(str(q) for q in sorted(set(quarters)))


def text_to_quarters(text):
    return [int(ch) for ch in text]


def quarter_end(year, quarter):
    """The last day of a calendar quarter."""
    month = quarter * 3
    first_of_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def validate_quarter_set(value):
    if value not in QUARTER_SETS:
        raise ValidationError(
            _("Angiv kvartaler som cifrene 1-4 i stigende orden, fx 1234 eller 24."),
            code="invalid_quarters",
        )


class QuarterSetField(models.CharField):
    """A set of quarters kept as ascending digits; "" means none (or: inherited)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 4)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("validators", [validate_quarter_set])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 4), ("blank", True), ("default", "")):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("validators", None)
        # Migrations name the field where it is imported from, not the module it lives in.
        return name, "goals.models.QuarterSetField", args, kwargs


def choices_check(field, choices, name, allow_blank=False):
    """A CHECK constraint that keeps a choices field within its choices in the database too."""
    values = list(choices.values)
    if allow_blank:
        values.append("")
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


def text_checks(limit):
    """The checks of a free-text field of at most `limit` characters.

    A TextField's max_length binds only its form field; the validator makes full_clean (and so
    every ModelForm, the admin's too) hold it as well.
    """
    return [MaxLengthValidator(limit), no_control_characters]
