"""The forms of the plan as an agreement: its steps, comments and amendments.

Each step's form carries the plan's state as the user saw it (`seen`): a step taken on a page
that is out of date is refused by goals/planning.py, not applied to a state the user did not
see.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from goals.forms import ReportTextField
from goals.limits import PLAN_TEXT, no_control_characters
from goals.models import PlanState


class StepForm(forms.Form):
    """Put forward, send back or agree: an optional comment and the state the user saw."""

    comment = ReportTextField(
        label=_("Kommentar (valgfri)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    seen = forms.ChoiceField(choices=PlanState.choices, widget=forms.HiddenInput)


class SendBackForm(StepForm):
    comment = ReportTextField(
        label=_("Hvorfor sendes planen tilbage?"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Skriv, hvorfor planen sendes tilbage."))
        return comment


class AgreeForm(StepForm):
    """The department agrees the plan; each signatory's date (blank: the day of agreement)."""

    def __init__(self, *args, signatories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.signatories = list(signatories)
        for signatory in self.signatories:
            self.fields[f"date_{signatory.pk}"] = forms.DateField(
                label=_("Dato for %(name)s") % {"name": signatory.name},
                required=False,
                initial=signatory.date,
                help_text=_("Tom: dagen, planen aftales."),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    @property
    def date_fields(self):
        return [self[f"date_{signatory.pk}"] for signatory in self.signatories]

    def signatory_dates(self):
        return {s.pk: self.cleaned_data.get(f"date_{s.pk}") for s in self.signatories}


class CommentForm(forms.Form):
    """A comment on the plan as a whole (no goal) or on one of its goals."""

    text = ReportTextField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 2}))
    goal = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Skriv en kommentar."))
        return text


class AmendmentForm(forms.Form):
    """Begin an amendment of an agreed plan: why the plan changes (required)."""

    reason = forms.CharField(
        label=_("Hvorfor ændres planen?"),
        max_length=PLAN_TEXT,
        required=False,
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Begrundelsen står i planens versionshistorik og i årsrapporten."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].replace("\r\n", "\n").strip()
        if not reason:
            raise forms.ValidationError(_("Skriv, hvorfor planen ændres."))
        return reason
