"""Numbers typed and shown the Danish way (and the English way in English)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from goals.numbers import LocalNumberField, format_number, parse_number


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("95,5", "95.5"),
        ("13,75", "13.75"),
        ("100", "100"),
        ("1.000", "1000"),
        ("12.000,5", "12000.5"),
        ("1 234,5", "1234.5"),
        ("-1,0", "-1.0"),
        (" 4,0 ", "4.0"),
    ],
)
def test_danish_input_is_read(typed, number):
    with translation.override("da"):
        assert parse_number(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["95.5", "1.00", "abc", "1,2,3", "12,", ",5", "1.2345", ""])
def test_input_that_could_be_misread_is_refused(typed):
    with translation.override("da"):
        with pytest.raises(ValueError):
            parse_number(typed)


def test_english_input_uses_english_separators():
    with translation.override("en"):
        assert parse_number("95.5") == Decimal("95.5")
        assert parse_number("1,000.25") == Decimal("1000.25")
        with pytest.raises(ValueError):
            parse_number("95,5")


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("95.5000", "95,5"),
        ("13.75", "13,75"),
        ("100.0000", "100"),
        ("12000", "12.000"),
        ("1234567.25", "1.234.567,25"),
        ("-0.5", "-0,5"),
        ("0.0000", "0"),
    ],
)
def test_numbers_are_shown_the_danish_way(number, shown):
    with translation.override("da"):
        assert format_number(Decimal(number)) == shown


def test_field_gives_a_message_not_a_crash():
    field = LocalNumberField(required=False)
    with translation.override("da"):
        assert field.clean("95,5") == Decimal("95.5")
        with pytest.raises(ValidationError, match="komma"):
            field.clean("95.5")
        with pytest.raises(ValidationError):
            field.clean("1" * 30)
