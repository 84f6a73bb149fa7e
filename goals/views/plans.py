from django.shortcuts import get_object_or_404, render

from goals.permissions import plan_access
from goals.selectors import goal_history, plan_overview, plans_for


def home(request):
    plans = plans_for(request.user) if request.user.is_authenticated else []
    return render(request, "goals/home.html", {"plans": plans})


@plan_access()
def plan_detail(request, plan):
    rows, reports = plan_overview(plan)
    quarters = [
        {
            "number": quarter,
            "report": report,
            "deadline": plan.deadline_for(quarter),
            "overdue": plan.is_overdue(quarter, report),
        }
        for quarter, report in zip((1, 2, 3, 4), reports, strict=True)
    ]
    return render(
        request,
        "goals/plan_detail.html",
        {"plan": plan, "rows": rows, "reports": reports, "quarters": quarters},
    )


@plan_access()
def history(request, plan, goal_id):
    goal = get_object_or_404(plan.goals.select_related("section"), pk=goal_id)
    return render(
        request,
        "goals/history.html",
        {"plan": plan, "goal": goal, "records": goal_history(goal)},
    )
