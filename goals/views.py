from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from goals.models import Plan
from goals.selectors import plan_overview, plans_for


def home(request):
    plans = plans_for(request.user) if request.user.is_authenticated else []
    return render(request, "goals/home.html", {"plans": plans})


@login_required
def plan_detail(request, institution, year):
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("institution", "ministry"),
        institution__short_name=institution,
        year=year,
    )
    rows, reports = plan_overview(plan)
    return render(
        request,
        "goals/plan_detail.html",
        {"plan": plan, "rows": rows, "reports": reports, "quarters": [1, 2, 3, 4]},
    )
