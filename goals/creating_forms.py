"""The form that makes a new plan: blank, from a plan file, or as a copy of an earlier plan."""

import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.copying import (
    FIRST_YEAR,
    LAST_YEAR,
    exists_refused,
    latest_agreed,
    plannable_institutions,
)
from goals.limits import PLAN_FILE_BYTES, no_control_characters
from goals.models import QUARTERS, Membership, Plan, quarters_to_text
from goals.planfile import PlanFileError, Problem, read_plan_file
from goals.planfile.reading import read_at_most, too_large

BLANK = "blank"
FILE = "file"
COPY = "copy"
HOW = [
    (BLANK, gettext_lazy("En tom plan")),
    (FILE, gettext_lazy("Fra en planfil (YAML)")),
    (COPY, gettext_lazy("Som kopi af en tidligere plan")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanCreateForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Institution"), queryset=None, empty_label=None
    )
    year = forms.IntegerField(label=gettext_lazy("År"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    how = forms.ChoiceField(
        label=gettext_lazy("Hvordan"), choices=HOW, initial=BLANK, widget=forms.RadioSelect
    )
    # A blank plan.
    title = forms.CharField(
        label=gettext_lazy("Titel"),
        max_length=300,
        required=False,
        validators=[no_control_characters],
        help_text=gettext_lazy("Som den står på planens forside."),
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Gælder fra"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Tom: 1. januar i året."),
    )
    valid_to = forms.DateField(
        label=gettext_lazy("Gælder til"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Tom: 31. december i året."),
    )
    reporting_quarters = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Afrapporteringskvartaler"),
        choices=[(q, _("%(q)d. kvartal") % {"q": q}) for q in QUARTERS],
        coerce=int,
        initial=list(QUARTERS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline_days = forms.IntegerField(
        label=gettext_lazy("Frist (kalenderdage efter kvartalets udløb)"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=gettext_lazy("Tom, hvis planen ikke fastsætter en frist."),
    )
    # From a plan file.
    file = forms.FileField(
        label=gettext_lazy("Planfil"),
        required=False,
        help_text=gettext_lazy("YAML som beskrevet i docs/plan-format.md."),
    )
    # As a copy.
    source = forms.ModelChoiceField(
        label=gettext_lazy("Kopi af"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Institutionens seneste aftalte plan"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.problems = []  # the plan file's, each with where it is
        self.checked = None  # the plan file's checked data
        institutions = plannable_institutions(user).select_related("ministry").order_by("name")
        self.fields["institution"].queryset = institutions
        self.fields["source"].queryset = (
            Plan.objects.visible_to(user)
            .filter(institution__in=institutions)
            .select_related("institution")
            .order_by("institution__name", "-year")
        )
        self.fields["source"].label_from_instance = lambda plan: (
            _("%(inst)s %(year)d (%(state)s)")
            % {
                "inst": plan.institution.short_name,
                "year": plan.year,
                "state": plan.get_state_display(),
            }
        )

    def clean_file(self):
        """A file over PLAN_FILE_BYTES is refused unread."""
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size is not None and upload.size > PLAN_FILE_BYTES:
            raise forms.ValidationError(too_large(), code="too_large")
        return upload

    def clean(self):
        data = super().clean()
        institution, year, how = data.get("institution"), data.get("year"), data.get("how")
        if institution is None or year is None or how is None:
            return data
        if Plan.objects.filter(institution=institution, year=year).exists():
            self.add_error("year", exists_refused(institution, year))
            return data
        if how == BLANK:
            self._clean_blank(data, year)
        elif how == FILE:
            self._clean_file(data, institution, year)
        else:
            self._clean_copy(data, institution, year)
        return data

    def _clean_blank(self, data, year):
        if not data.get("title"):
            self.add_error("title", _("Giv planen en titel."))
        data["valid_from"] = data.get("valid_from") or datetime.date(year, 1, 1)
        data["valid_to"] = data.get("valid_to") or datetime.date(year, 12, 31)
        if data["valid_from"] > data["valid_to"]:
            self.add_error("valid_to", _("Planen kan ikke slutte, før den begynder."))
        if not data.get("reporting_quarters"):
            self.add_error("reporting_quarters", _("Vælg mindst ét kvartal."))
        else:
            data["reporting_quarters"] = quarters_to_text(data["reporting_quarters"])

    def _clean_file(self, data, institution, year):
        upload = data.get("file")
        if upload is None:
            if "file" not in self.errors:
                self.add_error("file", _("Vælg en planfil."))
            return
        try:
            self.checked = read_plan_file(read_at_most(upload))
        except PlanFileError as exc:
            self.problems = exc.problems
        else:
            self.problems = self._file_problems(self.checked, institution, year)
        if self.problems:
            self.checked = None
            self.add_error(
                "file",
                _("Planen er ikke oprettet: filen har %(count)d problemer, se listen.")
                % {"count": len(self.problems)},
            )

    def _file_problems(self, checked, institution, year):
        """Why a well-formed file still cannot be this plan: another institution or year, or
        changes to the ministry's group-wide beacons and goals by someone outside its
        department."""
        problems = []
        found = checked["institution"]["short_name"]
        if found != institution.short_name:
            problems.append(
                Problem(
                    "institution",
                    _("filen er en plan for %(found)s, ikke for %(chosen)s")
                    % {"found": found, "chosen": institution.short_name},
                )
            )
        if checked["plan"]["year"] != year:
            problems.append(
                Problem(
                    "plan.year",
                    _("filen er planen for %(found)d, ikke for %(chosen)d")
                    % {"found": checked["plan"]["year"], "chosen": year},
                )
            )
        ministry = institution.ministry
        if checked["ministry"]["short_name"] != ministry.short_name:
            problems.append(
                Problem(
                    "ministry",
                    _("%(inst)s hører under %(ministry)s, ikke %(found)s")
                    % {
                        "inst": institution.short_name,
                        "ministry": ministry.short_name,
                        "found": checked["ministry"]["short_name"],
                    },
                )
            )
        elif not self._in_department(ministry):
            problems += _group_wide_changes(checked["ministry"], ministry)
        return problems

    def _in_department(self, ministry):
        return (
            self.user.is_superuser
            or Membership.objects.filter(
                user=self.user, ministry=ministry, role=Membership.Role.REVIEWER
            ).exists()
        )

    def _clean_copy(self, data, institution, year):
        source = data.get("source") or latest_agreed(institution, before_year=year)
        if source is None:
            self.add_error(
                "source",
                _("%(inst)s har ingen aftalt plan at kopiere.") % {"inst": institution.short_name},
            )
        elif source.institution_id != institution.pk:
            self.add_error(
                "source", _("Vælg en plan for %(inst)s.") % {"inst": institution.short_name}
            )
        else:
            data["source"] = source


def _group_wide_changes(found, ministry):
    """Problems for each group-wide beacon or goal the file would add or change: only the
    ministry's department decides those."""
    beacons = {b.number: (b.title, b.text) for b in ministry.beacons.all()}
    goals = {g.code: (g.title, g.description) for g in ministry.group_goals.all()}
    problems = []
    for index, b in enumerate(found["beacons"], start=1):
        if beacons.get(b["number"]) != (b["title"], b["text"]):
            problems.append(
                Problem(
                    f"ministry.beacons[{index}]",
                    _(
                        "kun departementet kan tilføje eller ændre koncernfælles pejlemærker; "
                        "fjern pejlemærket fra filen, eller skriv det som i ministeriet"
                    ),
                )
            )
    for index, g in enumerate(found["group_goals"], start=1):
        if goals.get(g["code"]) != (g["title"], g["description"]):
            problems.append(
                Problem(
                    f"ministry.group_goals[{index}]",
                    _(
                        "kun departementet kan tilføje eller ændre koncernfælles mål; fjern "
                        "målet fra filen, eller skriv det som i ministeriet"
                    ),
                )
            )
    return problems
