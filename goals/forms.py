"""The forms of quarterly follow-up and the year end."""

import html

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from goals.models import Fulfilment, Status
from goals.numbers import LocalNumberField, NumberInput
from goals.scoring import propose_status, rule_verdict, takes_number

RED_OR_YELLOW = (Status.RED, Status.YELLOW)


def _text(label, rows=2):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


def _escape(value):
    """Text for HTML: Django's escape without its check for lazy text, as the page's 200
    fields call it a few thousand times."""
    return html.escape(str(value), quote=True)


class Cell:
    """One field of the quarter page, written as Bootstrap markup by Python.

    The quarter page has some 200 fields at twelve goals of three requirements. Written by
    crispy-forms' template per field it took 300 ms of CPU and made it the slowest page at the
    deadline; a template loop of our own still took half the page's time. The markup is the
    same: ids `id_<prefix>-<name>`, a wrapper `div_id_...`, `is-invalid` with the message in
    `.invalid-feedback` and tied to the input by `aria-describedby`. Every value written into
    the markup goes through _escape.
    """

    def __init__(self, field, width):
        self.field, self.width = field, width
        self.id = _escape(field.auto_id)
        self.name = _escape(field.html_name)
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
            f'<div class="{self.width}"><div id="div_{self.id}" class="mb-3">\n'
            f"{inner}\n</div></div>"
        )

    __str__ = __html__

    def _feedback(self, css_class="invalid-feedback"):
        if not self.errors:
            return ""
        messages = "".join(
            f'<p class="mb-0"><strong>{_escape(error)}</strong></p>' for error in self.errors
        )
        return f'<div id="{self.id}_error" class="{css_class}">{messages}</div>'

    def _radios(self):
        options = "\n".join(
            f'<div class="form-check form-check-inline"><input type="radio"'
            f' class="form-check-input{self.invalid}" name="{self.name}"'
            f' value="{_escape(choice)}" id="{self.id}_{n}"'
            f"{' checked' if str(choice) in self.value else ''}{self.flags}> "
            f'<label for="{self.id}_{n}" class="form-check-label">{_escape(label)}</label></div>'
            for n, (choice, label) in enumerate(self.field.field.choices)
        )
        described = f' aria-describedby="{self.id}_error"' if self.errors else ""
        # The message is not the inputs' sibling, so Bootstrap needs telling to show it.
        feedback = self._feedback("invalid-feedback d-block")
        return (
            f'<fieldset{described}><legend class="fs-6 form-label">'
            f"{_escape(self.field.label)}</legend>\n{options}\n{feedback}</fieldset>"
        )

    def _input(self):
        help_text = self.field.help_text
        described = [f"{self.id}_helptext"] if help_text else []
        described += [f"{self.id}_error"] if self.errors else []
        attrs = self.flags + (f' aria-describedby="{" ".join(described)}"' if described else "")
        if isinstance(self.widget, NumberInput):
            value = f' value="{_escape(self.value)}"' if self.value else ""
            control = (
                f'<input type="text" name="{self.name}" inputmode="decimal" autocomplete="off"'
                f' class="numberinput form-control{self.invalid}"{value}{attrs} id="{self.id}">'
            )
        else:
            rows = int(self.widget.attrs.get("rows", 2))
            control = (
                f'<textarea name="{self.name}" cols="40" rows="{rows}"'
                f' class="textarea form-control{self.invalid}"{attrs} id="{self.id}">\n'
                f"{_escape(self.value or '')}</textarea>"
            )
        if help_text:
            help_text = f'<div id="{self.id}_helptext" class="form-text">{_escape(help_text)}</div>'
        return (
            f'<label for="{self.id}" class="form-label">{_escape(self.field.label)}</label>\n'
            f"{control}{self._feedback()}{help_text}"
        )


class EntryForm(forms.Form):
    """One row of the quarter: a goal's follow-up, or one of its requirements' results.

    The fields depend on the row: a goal has a text result, status, year to date, cause,
    consequence and action; a requirement measured by a number has a number, status (proposed
    from the number), a reason when the status differs, and a number for year to date; other
    requirements have text.
    """

    result_value = LocalNumberField(label=_("Resultat i kvartalet"), required=False)
    result_text = _text(_("Resultat i kvartalet"))
    status = forms.ChoiceField(
        label=_("Status"), choices=Status.choices, required=False, widget=forms.RadioSelect
    )
    status_reason = _text(_("Begrundelse for anden status end den foreslåede"), rows=1)
    ytd_value = LocalNumberField(label=_("År til dato"), required=False)
    ytd_text = _text(_("År til dato"))
    cause = _text(_("Årsag"))
    consequence = _text(_("Konsekvens"))
    action = _text(_("Handling"))

    # The fields of each kind of row, in the rows the quarter page shows them:
    # (field, Bootstrap column class).
    LAYOUTS = {
        "goal": (
            (("result_text", "col-md-6"), ("ytd_text", "col-md")),
            (("status", "col-12"),),
            (("cause", "col-md"), ("consequence", "col-md"), ("action", "col-md")),
        ),
        "number": (
            (("result_value", "col-sm-4"), ("status", "col-sm-4"), ("ytd_value", "col-sm-4")),
            (("status_reason", "col-12"),),
        ),
        "text": (
            (("result_text", "col-md-6"), ("ytd_text", "col-md")),
            (("status", "col-12"),),
        ),
    }

    def __init__(self, *args, goal, requirement=None, plan, quarter, submitting=False, **kwargs):
        self.goal, self.requirement = goal, requirement
        self.plan, self.quarter, self.submitting = plan, quarter, submitting
        self.numeric = requirement is not None and takes_number(requirement)
        self.kind = "goal" if requirement is None else "number" if self.numeric else "text"
        # Only this row's fields: Django copies every field of base_fields for each form,
        # and the quarter page has dozens of forms.
        names = [name for row in self.LAYOUTS[self.kind] for name, _width in row]
        self.base_fields = {name: type(self).base_fields[name] for name in names}
        entry = (requirement or goal).entry
        initial = {name: getattr(entry, name) for name in names} if entry else {}
        prefix = f"r{requirement.pk}" if requirement else f"g{goal.pk}"
        super().__init__(*args, prefix=prefix, initial=initial, **kwargs)
        if self.numeric and requirement.unit:
            unit = requirement.unit_label
            self.fields["result_value"].help_text = self.fields["ytd_value"].help_text = unit
        self.proposal = None
        if self.numeric and entry and entry.result_value is not None and not self.is_bound:
            self.proposal = propose_status(
                requirement, entry.result_value, quarter, plan.status_tolerance
            )

    @property
    def rows(self):
        """The fields in the rows the quarter page shows, each as a Cell.

        The page writes its inputs from one template rather than a template per field: with
        twelve goals of three requirements it has some 200 fields, and per-field templates
        made it the slowest page at the deadline.
        """
        return [[Cell(self[name], width) for name, width in row] for row in self.LAYOUTS[self.kind]]

    def disable(self):
        for field in self.fields.values():
            field.disabled = True

    def clean(self):
        data = super().clean()
        status = data.get("status", "")
        if self.numeric:
            self.proposal = propose_status(
                self.requirement, data.get("result_value"), self.quarter, self.plan.status_tolerance
            )
            if self.proposal and not status:
                data["status"] = status = self.proposal.status
            elif self.proposal and status != self.proposal.status:
                if not data.get("status_reason", "").strip():
                    self.add_error(
                        "status_reason",
                        _("Du har valgt %(chosen)s, men tallet giver %(proposed)s. Skriv, hvorfor.")
                        % {
                            "chosen": Status(status).label.lower(),
                            "proposed": self.proposal.status_label.lower(),
                        },
                    )
        if self.requirement is None:
            if status in RED_OR_YELLOW:
                for name in ("cause", "consequence", "action"):
                    if not data.get(name, "").strip():
                        self.add_error(
                            name,
                            _("Skal udfyldes, når status er %(status)s.")
                            % {"status": Status(status).label.lower()},
                        )
            if self.submitting and not status:
                self.add_error("status", _("Vælg en status, før kvartalet indsendes."))
        return data

    @property
    def anchor(self):
        return f"row-{self.prefix}"


class YearEndForm(forms.Form):
    """The year-end verdicts of a plan: each requirement met or not, each goal's final verdict.

    Fields are made per requirement (`met_<id>`) and goal (`verdict_<id>`, `reason_<id>`).
    After validation `rule_verdicts` maps a goal id to the verdict its fulfilment rule gives.
    """

    MET_CHOICES = [("", _("Ikke vurderet")), ("yes", _("Opfyldt")), ("no", _("Ikke opfyldt"))]

    def __init__(self, *args, goals, prefilled, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        self.rule_verdicts = {}
        for goal in goals:
            for requirement in goal.requirements.all():
                name = f"met_{requirement.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=requirement.number or _("Krav"),
                    choices=self.MET_CHOICES,
                    required=False,
                )
                met = prefilled.get(requirement.pk)
                self.initial[name] = "" if met is None else ("yes" if met else "no")
                requirement.met_field = name
            verdict = getattr(goal, "current_verdict", None)
            self.fields[f"verdict_{goal.pk}"] = forms.ChoiceField(
                label=_("Endelig vurdering"),
                choices=[("", _("Som reglen giver"))] + list(Fulfilment.choices),
                required=False,
            )
            self.fields[f"reason_{goal.pk}"] = forms.CharField(
                label=_("Begrundelse"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if verdict:
                keep = verdict.verdict != verdict.rule_verdict
                self.initial[f"verdict_{goal.pk}"] = verdict.verdict if keep else ""
                self.initial[f"reason_{goal.pk}"] = verdict.reason
            goal.verdict_field = f"verdict_{goal.pk}"
            goal.reason_field = f"reason_{goal.pk}"

    def met(self, requirement):
        value = self.cleaned_data.get(f"met_{requirement.pk}")
        return None if not value else value == "yes"

    def clean(self):
        data = super().clean()
        for goal in self.goals:
            rule = rule_verdict(
                goal.fulfilment_rule,
                goal.required_count,
                [self.met(r) for r in goal.requirements.all()],
            )
            self.rule_verdicts[goal.pk] = rule
            final = data.get(f"verdict_{goal.pk}")
            if final and rule and final != rule and not data.get(f"reason_{goal.pk}", "").strip():
                self.add_error(
                    f"reason_{goal.pk}",
                    _("Begrund, hvorfor den endelige vurdering afviger fra reglens (%(rule)s).")
                    % {"rule": Fulfilment(rule).label.lower()},
                )
        return data


class ReviewForm(forms.Form):
    """The department's comment when it returns or reopens a quarter."""

    comment = forms.CharField(label=_("Kommentar til institutionen"), required=False)
