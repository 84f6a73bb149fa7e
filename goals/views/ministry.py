"""The ministry's own data in the browser (/overblik/<ministry>/koncern/): its group-wide
beacons and goals, kept by its department, and its institutions, kept by the department and
the ministry's administrators (goals/ministry_data.py does the writing)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from goals import ministry_data
from goals.ministry_data import BEACON, GROUP_GOAL, INSTITUTION, KINDS, DataError
from goals.models import GroupGoal, Institution, MinistryBeacon
from goals.permissions import department_access


class KindConverter:
    """The kind of data in the address: pejlemaerker, maal or institutioner."""

    regex = "|".join(KINDS)

    def to_python(self, value):
        return KINDS[value]

    def to_url(self, value):
        return value.slug if isinstance(value, ministry_data.Kind) else value


class DataForm(forms.Form):
    """A row's fields as the plan-file schema describes them; the schema checks them."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in kind.fields():
            attrs = {"maxlength": spec.max_length} if spec.max_length else {}
            widget = (
                forms.Textarea(attrs={**attrs, "rows": 4})
                if spec.multiline
                else forms.TextInput(attrs=attrs)
            )
            self.fields[spec.key] = forms.CharField(
                label=capfirst(spec.label),
                help_text=spec.help_text,
                required=False,
                strip=False,
                widget=widget,
            )
            if spec.required:
                # Required is said in the label and checked by the schema, whose message wins.
                self.fields[spec.key].widget.attrs["aria-required"] = "true"
                self.fields[spec.key].label = f"{capfirst(spec.label)} *"
        self.order_fields([*kind.keys, "version"])

    def add_errors(self, errors):
        for key, texts in errors.items():
            for text in texts:
                self.add_error(key or None, text)


def _rows(kind, ministry):
    if kind is BEACON:
        return MinistryBeacon.objects.filter(ministry=ministry).order_by("order", "number")
    if kind is GROUP_GOAL:
        return GroupGoal.objects.filter(ministry=ministry).order_by("code")
    return Institution.objects.filter(ministry=ministry).order_by("name")


def _may_change(request, kind):
    rights = request.department_rights
    if not (rights.institutions if kind is INSTITUTION else rights.group_data):
        raise PermissionDenied


def _page_url(ministry, kind):
    return f"{reverse('goals:ministry_data', args=[ministry.short_name])}#{kind.slug}"


@require_safe
@department_access(administrators=True)
def ministry_data_page(request, ministry):
    """The ministry's beacons, group goals and institutions, each with what uses it."""
    beacons = _rows(BEACON, ministry).annotate(uses=Count("sections"))
    group_goals = _rows(GROUP_GOAL, ministry).annotate(uses=Count("goals"))
    institutions = _rows(INSTITUTION, ministry).annotate(plan_count=Count("plans"))
    beacons = list(beacons)
    return render(
        request,
        "goals/ministry/data.html",
        {
            "ministry": ministry,
            "rights": request.department_rights,
            "beacons": beacons,
            "group_goals": list(group_goals),
            "institutions": list(institutions),
            "kinds": {"beacon": BEACON, "group_goal": GROUP_GOAL, "institution": INSTITUTION},
        },
    )


def _heading(kind, instance):
    if kind is BEACON:
        return _("Ret pejlemærket") if instance else _("Nyt koncernfælles pejlemærke")
    if kind is GROUP_GOAL:
        return _("Ret det koncernfælles mål") if instance else _("Nyt koncernfælles mål")
    return _("Ret institutionen") if instance else _("Ny institution")


def _form_page(request, ministry, kind, form, instance=None, changes=(), status=200):
    return render(
        request,
        "goals/ministry/form.html",
        {
            "ministry": ministry,
            "kind": kind,
            "heading": _heading(kind, instance),
            "form": form,
            "instance": instance,
            "changes": changes,
            "back": _page_url(ministry, kind),
        },
        status=status,
    )


def _saved_message(kind, instance, created):
    if kind is BEACON:
        text = _("Pejlemærket er oprettet.") if created else _("Pejlemærket er gemt.")
    elif kind is GROUP_GOAL:
        text = (
            _("Det koncernfælles mål er oprettet.")
            if created
            else _("Det koncernfælles mål er gemt.")
        )
    else:
        text = _("Institutionen er oprettet.") if created else _("Institutionen er gemt.")
    return f"{text} {instance}"


@department_access(administrators=True)
def new(request, ministry, kind):
    """A form for a new beacon, group goal or institution of the ministry."""
    _may_change(request, kind)
    form = DataForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            made = ministry_data.save(kind=kind, ministry=ministry, values=form.cleaned_data)
        except DataError as error:
            form.add_errors(error.errors)
        else:
            messages.success(request, _saved_message(kind, made, created=True))
            return redirect(_page_url(ministry, kind))
    return _form_page(request, ministry, kind, form)


@department_access(administrators=True)
def edit(request, ministry, kind, pk):
    """A form for one of the ministry's beacons, group goals or institutions."""
    _may_change(request, kind)
    instance = get_object_or_404(_rows(kind, ministry), pk=pk)
    if request.method != "POST":
        initial = {**ministry_data.values_of(kind, instance)}
        initial["version"] = ministry_data.version_of(kind, instance)
        return _form_page(request, ministry, kind, DataForm(initial=initial, kind=kind), instance)
    form = DataForm(request.POST, kind=kind)
    changes = ()
    if form.is_valid():
        try:
            saved = ministry_data.save(
                kind=kind,
                ministry=ministry,
                instance=instance,
                values=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except DataError as error:
            form.add_errors(error.errors)
            changes = error.changes
            if error.version:
                # Sent again, the form is saved over the change it has now been shown.
                data = form.data.copy()
                data["version"] = error.version
                form.data = data
        else:
            messages.success(request, _saved_message(kind, saved, created=False))
            return redirect(_page_url(ministry, kind))
    return _form_page(request, ministry, kind, form, instance, changes, status=200)


@require_POST
@department_access()
def delete(request, ministry, kind, pk):
    """Delete a beacon or group goal that nothing uses; institutions are never deleted."""
    if not kind.deletable:
        raise Http404
    instance = _rows(kind, ministry).filter(pk=pk).first()
    if instance is None:
        messages.info(request, _("Det var allerede slettet."))
        return redirect(_page_url(ministry, kind))
    try:
        ministry_data.delete(kind=kind, instance=instance)
    except DataError as error:
        messages.error(request, error.errors[""][0])
    else:
        messages.success(request, _("Slettet: %(what)s") % {"what": instance})
    return redirect(_page_url(ministry, kind))


@require_POST
@department_access()
def move_beacon(request, ministry, pk):
    """Move a beacon one place up ("op") or down ("ned")."""
    beacon = _rows(BEACON, ministry).filter(pk=pk).first()
    direction = request.POST.get("direction")
    if beacon is not None and direction in ("up", "down"):
        ministry_data.move_beacon(ministry=ministry, beacon=beacon, up=direction == "up")
    return redirect(_page_url(ministry, BEACON))
