from django.shortcuts import get_object_or_404, render

from goals.permissions import plan_access
from goals.selectors import goal_history, plans_for


def home(request):
    plans = plans_for(request.user) if request.user.is_authenticated else []
    return render(request, "goals/home.html", {"plans": plans})


@plan_access()
def history(request, plan, goal_id):
    goal = get_object_or_404(plan.goals.select_related("section"), pk=goal_id)
    return render(
        request,
        "goals/history.html",
        {"plan": plan, "goal": goal, "records": goal_history(goal)},
    )
