"""The filters above the dashboards, read from the query string."""

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from goals.models import QUARTERS, GoalKind, Status
from reporting.selectors import SORTS, Filters

ALL = ("", pgettext_lazy("filter", "Alle"))


class DashboardFilterForm(forms.Form):
    """Year, quarter, goal kind and group-wide beacon; what is left blank is not filtered on.

    A value that is not among the choices (an old link, a typing error in the address) is
    reported on its field and the default is used instead, so the page always answers.
    """

    aar = forms.TypedChoiceField(label=_("År"), coerce=int, required=False, empty_value=None)
    kvartal = forms.TypedChoiceField(
        label=_("Kvartal"), coerce=int, required=False, empty_value=None
    )
    type = forms.ChoiceField(label=_("Måltype"), required=False)
    pejlemaerke = forms.TypedChoiceField(
        label=_("Koncernfælles pejlemærke"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    sorter = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data, *, years, beacons, year, with_status=False, with_sort=False, only=None
    ):
        super().__init__(data)
        self.default_year = year
        self.fields["aar"].choices = [(y, str(y)) for y in years] or [(year, str(year))]
        self.fields["kvartal"].choices = [ALL] + [
            (q, gettext("%(quarter)d. kvartal") % {"quarter": q}) for q in QUARTERS
        ]
        self.fields["type"].choices = [ALL, *GoalKind.choices]
        self.fields["pejlemaerke"].choices = [ALL] + [
            (b.pk, f"{b.number}. {b.title}") for b in beacons
        ]
        if not beacons:
            del self.fields["pejlemaerke"]
        if with_status:
            self.fields["status"].choices = [
                ("", gettext("Rød og gul")),
                (Status.RED, Status.RED.label),
                (Status.YELLOW, Status.YELLOW.label),
            ]
        else:
            del self.fields["status"]
        if with_sort:
            self.fields["sorter"].choices = [
                (f"{sign}{key}", key) for key in SORTS for sign in ("", "-")
            ]
        else:
            del self.fields["sorter"]
        for name in list(self.fields):
            if only is not None and name not in only:
                del self.fields[name]
        for field in self.visible_fields():
            field.field.widget.attrs["class"] = "form-select form-select-sm"
        self.is_valid()

    def value(self, name, default):
        if name not in self.fields or name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def filters(self):
        return Filters(
            year=self.value("aar", self.default_year),
            quarter=self.value("kvartal", None),
            kind=self.value("type", ""),
            beacon=self.value("pejlemaerke", None),
            status=self.value("status", ""),
        )

    @property
    def sort(self):
        return self.value("sorter", "institution")

    def full_clean(self):
        # An empty query string is a first visit, not a form with errors.
        if not self.data:
            self.cleaned_data = {}
            self._errors = forms.utils.ErrorDict()
            return
        super().full_clean()
