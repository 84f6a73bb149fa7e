from django.shortcuts import get_object_or_404, render

from goals.agreement import plans_waiting
from goals.permissions import plan_access, request_roles
from goals.selectors import TodoCounts, goal_history, reporter_todo, reviewer_todo

# The most quarters a list of the reviewer's home page shows; its heading counts them all.
LIST_LIMIT = 20


def home(request):
    """The user's to-do list: as a reporter, their plans' quarters; as a reviewer, the
    quarters waiting for the department; both for a user with both roles. Above them, the
    plans waiting for the user's side to agree, approve or finish drafting them."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "goals/home.html", {})
    reporter = reporter_todo(user)
    reviewer = reviewer_todo(user, limit=LIST_LIMIT)
    waiting = plans_waiting(user)
    return render(
        request,
        "goals/home.html",
        {
            "reporter": reporter if reporter.plans or reporter.older else None,
            "reviewer": reviewer if reviewer.ministries else None,
            "plans_waiting": waiting if waiting.count else None,
            # The header's counts, from the lists on the page rather than read again.
            "todo": TodoCounts(reporter=reporter.count, reviewer=reviewer.count),
            "limit": LIST_LIMIT,
            # A member with nothing waiting (a planner between seasons, an administrator of
            # people) is told so, not that they have no access.
            "member": user.is_superuser or bool(request_roles(request)),
        },
    )


@plan_access()
def history(request, plan, goal_id):
    goal = get_object_or_404(plan.goals.select_related("section"), pk=goal_id)
    return render(
        request,
        "goals/history.html",
        {"plan": plan, "goal": goal, "records": goal_history(goal)},
    )
