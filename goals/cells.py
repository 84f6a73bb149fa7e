"""How the quarter page writes its fields: Bootstrap markup built by Python, not templates."""

import html

from django import forms
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from goals.models import STATUS_SYMBOLS
from goals.numbers import NumberInput


def escape(value):
    """Text for HTML: Django's escape without its check for lazy text, as the page's 200
    fields call it a few thousand times."""
    return html.escape(str(value), quote=True)


# The escaped text of the quarter page's labels, hints and status words, per language. They
# are the lazy texts of the fields' definitions, the same objects on every request: made text
# once per language here rather than some 400 times per page (each look-up of a translation
# costs a few microseconds). The text object is kept with its entry, so its id stays its own.
_SHOWN = {}


def _shown(text, language):
    if not isinstance(text, Promise):
        return escape(text)
    key = (id(text), language)
    found = _SHOWN.get(key)
    if found is None or found[0] is not text:
        found = _SHOWN[key] = (text, escape(text))
    return found[1]


class Cell:
    """One field of the quarter page, written as Bootstrap markup by Python.

    The quarter page has some 200 fields at twelve goals of three requirements. Written by
    crispy-forms' template per field it took 300 ms of CPU and made it the slowest page at the
    deadline; a template loop of our own still took half the page's time. The markup is the
    same: ids `id_<prefix>-<name>`, a wrapper `div_id_...`, `is-invalid` with the message in
    `.invalid-feedback` and tied to the input by `aria-describedby`. Every value written into
    the markup goes through _escape.
    """

    def __init__(self, field, width, wrapper="", language=None):
        # `wrapper`: attributes of the outer div, written as given (built from safe values).
        self.field, self.width, self.wrapper = field, width, wrapper
        self.language = language or get_language()
        self.id = escape(field.auto_id)
        self.name = escape(field.html_name)
        self.errors = field.errors
        self.widget = field.field.widget
        self.invalid = " is-invalid" if self.errors else ""
        self.flags = (" disabled" if field.field.disabled else "") + (
            ' aria-invalid="true"' if self.errors else ""
        )
        # As the widget would write it: a stored number in Danish, typed input as typed.
        self.value = self.widget.format_value(self.field.value())

    def __html__(self):
        inner = self._radios() if isinstance(self.widget, forms.RadioSelect) else self._input()
        # Safe: built from escaped values only.
        return mark_safe(
            f'<div class="{self.width}"{self.wrapper}><div id="div_{self.id}" class="mb-3">\n'
            f"{inner}\n</div></div>"
        )

    __str__ = __html__

    def _feedback(self, css_class="invalid-feedback"):
        if not self.errors:
            return ""
        messages = "".join(
            f'<p class="mb-0"><strong>{escape(error)}</strong></p>' for error in self.errors
        )
        return f'<div id="{self.id}_error" class="{css_class}">{messages}</div>'

    def _radios(self):
        # Each status in its colour with its symbol and word; still plain radio buttons, so
        # the keyboard and screen readers treat them as ever.
        options = "\n".join(
            f'<div class="form-check form-check-inline status-choice status-choice-'
            f'{escape(choice)}"><input type="radio"'
            f' class="form-check-input{self.invalid}" name="{self.name}"'
            f' value="{escape(choice)}" id="{self.id}_{n}"'
            f"{' checked' if str(choice) in self.value else ''}{self.flags}> "
            f'<label for="{self.id}_{n}" class="form-check-label">'
            f'<span aria-hidden="true">{STATUS_SYMBOLS.get(choice, "")}</span> '
            f"{_shown(label, self.language)}</label></div>"
            for n, (choice, label) in enumerate(self.field.field.choices)
        )
        described = f' aria-describedby="{self.id}_error"' if self.errors else ""
        # The message is not the inputs' sibling, so Bootstrap needs telling to show it.
        feedback = self._feedback("invalid-feedback d-block")
        return (
            f'<fieldset{described}><legend class="fs-6 form-label">'
            f"{_shown(self.field.label, self.language)}</legend>\n{options}\n{feedback}</fieldset>"
        )

    def _input(self):
        # The hint of a text field is lazy ("Højst 2.000 tegn" in the reader's language).
        hint = self.field.field.help_text
        help_text = _shown(hint, self.language) if hint is not None else ""
        described = [f"{self.id}_helptext"] if help_text else []
        described += [f"{self.id}_error"] if self.errors else []
        attrs = self.flags + (f' aria-describedby="{" ".join(described)}"' if described else "")
        if isinstance(self.widget, NumberInput):
            value = f' value="{escape(self.value)}"' if self.value else ""
            control = (
                f'<input type="text" name="{self.name}" inputmode="decimal" autocomplete="off"'
                f' class="numberinput form-control{self.invalid}"{value}{attrs} id="{self.id}">'
            )
        else:
            rows = int(self.widget.attrs.get("rows", 2))
            limit = self.field.field.max_length
            if limit is not None:
                attrs += f' maxlength="{int(limit)}"'
            control = (
                f'<textarea name="{self.name}" cols="40" rows="{rows}"'
                f' class="textarea form-control{self.invalid}"{attrs} id="{self.id}">\n'
                f"{escape(self.value or '')}</textarea>"
            )
        if help_text:
            help_text = f'<div id="{self.id}_helptext" class="form-text">{help_text}</div>'
        return (
            f'<label for="{self.id}" class="form-label">'
            f"{_shown(self.field.label, self.language)}</label>\n"
            f"{control}{self._feedback()}{help_text}"
        )
