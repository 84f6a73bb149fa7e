"""The list of plans, and making a new one: blank, from a plan file, or from an earlier plan."""

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goals import copying
from goals.creating_forms import BLANK, FILE, PlanCreateForm
from goals.models import Plan, PlanState
from goals.permissions import plan_access
from goals.planfile import import_plan


@dataclass(frozen=True, slots=True)
class PlanListYear:
    """One year of the list of plans, its plans by institution."""

    year: int
    plans: list


@login_required
def plan_list(request):
    plans = (
        Plan.objects.visible_to(request.user)
        .select_related("institution", "ministry")
        .order_by("-year", "institution__name")
    )
    years = [PlanListYear(year, list(group)) for year, group in groupby(plans, lambda p: p.year)]
    return render(
        request,
        "goals/plans.html",
        {
            "years": years,
            "may_create": copying.plannable_institutions(request.user).exists(),
        },
    )


@login_required
def plan_create(request):
    if not copying.plannable_institutions(request.user).exists():
        raise PermissionDenied
    form = PlanCreateForm(
        request.POST or None, request.FILES or None, user=request.user, initial=_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = _create(request, form.cleaned_data, form.checked)
        except copying.ServiceError as exc:
            form.add_error("year", exc.message)
        else:
            messages.success(request, _("Planen %(plan)s er oprettet som udkast.") % {"plan": plan})
            return redirect("reporting:plan_detail", plan.institution.short_name, plan.year)
    return render(request, "goals/plan_create.html", {"form": form, "problems": form.problems})


def _initial(request):
    institutions = copying.plannable_institutions(request.user)
    initial = {"year": timezone.localdate().year + 1}
    chosen = request.GET.get("institution")
    if chosen:
        found = institutions.filter(short_name=chosen).first()
        if found is not None:
            initial["institution"] = found
    return initial


def _create(request, data, checked):
    institution, year = data["institution"], data["year"]
    if data["how"] == BLANK:
        return copying.create_blank_plan(
            institution=institution,
            year=year,
            title=data["title"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            reporting_quarters=data["reporting_quarters"],
            deadline_days=data["deadline_days"],
        )
    if data["how"] == FILE:
        try:
            with transaction.atomic():
                # Never import over a plan made since the form was checked: the import
                # would replace it.
                copying.refuse_existing(institution, year)
                plan = import_plan(checked)
                # A plan file made in the browser is a draft to be agreed, like any other.
                plan.state = PlanState.DRAFT
                plan.save(update_fields=["state"])
                return plan
        except IntegrityError:
            # Made by someone else since the form was checked.
            if Plan.objects.filter(institution=institution, year=year).exists():
                raise copying.PlanExists(copying.exists_refused(institution, year)) from None
            raise
    return copying.copy_plan(data["source"], year=year, user=request.user)


@require_POST
@plan_access()
def plan_copy(request, plan):
    """Next year's plan as a copy of this one, made from the plan page."""
    if not copying.may_plan_for(request.user, plan.institution):
        raise PermissionDenied
    year = plan.year + 1
    try:
        new = copying.copy_plan(plan, year=year, user=request.user)
    except copying.ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:plan_detail", plan.institution.short_name, plan.year)
    messages.success(
        request,
        _("Planen for %(year)d er oprettet som udkast ud fra planen for %(old)d.")
        % {"year": year, "old": plan.year},
    )
    return redirect("reporting:plan_detail", new.institution.short_name, new.year)
