"""Numbers as Danish civil servants write them: "95,5", "13,75", "1.000" or "12.000,5".

Django's own localized input reads "1.000" as one, not a thousand, when thousand separators
are off. Here the separators of the active language are both understood, and anything that
could be read two ways is refused with a message instead of being guessed.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

SPACES = " \u00a0\u202f"


def parse_number(text, *, danish=False):
    """Read a number typed in the active language (or, with `danish`, the Danish way whatever
    the language, as plan files are written). Raises ValueError for anything else."""
    if danish:
        decimal_sep, thousand_sep = ",", "."
    else:
        decimal_sep = get_format("DECIMAL_SEPARATOR")
        thousand_sep = get_format("THOUSAND_SEPARATOR")
    value = text.strip()
    for space in SPACES:
        value = value.replace(space, "")
    sign = ""
    if value and value[0] in "+-\u2212":
        sign = "-" if value[0] != "+" else ""
        value = value[1:]
    whole, sep, fraction = value.partition(decimal_sep)
    if sep and not fraction.isdigit():
        raise ValueError(text)
    if thousand_sep in whole:
        groups = whole.split(thousand_sep)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise ValueError(text)
        whole = "".join(groups)
    if not whole.isdigit():
        raise ValueError(text)
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if sep else f"{sign}{whole}")
    except InvalidOperation as exc:
        raise ValueError(text) from exc


def format_number(value, grouping=True, places=0):
    """A number the way the active language writes it, without trailing zeros beyond `places`
    decimals: 95,5 or 1.000; with places=1, 4 is 4,0 (as the plan printed its target)."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    negative = text.startswith("-")
    whole, _dot, fraction = text.lstrip("-").partition(".")
    fraction = fraction.ljust(places, "0")
    if grouping and len(whole) > 3:
        thousand_sep = get_format("THOUSAND_SEPARATOR")
        whole = f"{int(whole):,}".replace(",", thousand_sep)
    result = whole + (get_format("DECIMAL_SEPARATOR") + fraction if fraction else "")
    return ("-" if negative and value != 0 else "") + result


class NumberInput(forms.TextInput):
    """A text box for numbers: the phone keyboard with a comma, and the value written back."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float):
            return format_number(value)
        return super().format_value(value)


class LocalNumberField(forms.DecimalField):
    """A decimal field that takes and shows numbers in the active language's writing."""

    widget = NumberInput
    default_error_messages = {
        "invalid": _(
            "Skriv et tal med komma som decimaltegn, fx 95,5 eller 13,75 "
            "(punktum kun mellem tusinder, fx 1.000)."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            number = parse_number(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number
