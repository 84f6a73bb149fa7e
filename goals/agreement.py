"""Reads of a plan as an agreement: its steps, the comments on it, its amendments, and the
plans that wait for a user's side. Each is a fixed number of queries, whatever the number of
goals, comments or changes (tests/test_agreement.py holds the page to it).

The writes are in goals/planning.py.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from goals.models import (
    Amendment,
    AmendmentChange,
    AmendmentState,
    Membership,
    Ministry,
    Plan,
    PlanComment,
    PlanState,
)


@dataclass(slots=True)
class GoalComments:
    """A goal of the plan with the comments on it, oldest first."""

    goal: object
    comments: list


@dataclass(slots=True)
class AgreementPage:
    """What the agreement page shows: the plan's steps so far, the comments on the plan as a
    whole and on each goal, its signatories, and its amendments with their changes."""

    plan: Plan
    events: list  # PlanEvent, oldest first
    plan_comments: list  # PlanComment on the plan as a whole
    goals: list  # GoalComments, in plan order
    comments_by_goal: dict  # goal id -> [PlanComment], as the editor's goal comments read it
    signatories: list
    amendments: list  # Amendment with its changes, newest first
    amendment: Amendment | None  # the one open now

    @property
    def comment_count(self):
        return len(self.plan_comments) + sum(len(c) for c in self.comments_by_goal.values())


def amendments_of(plan) -> list[Amendment]:
    """The plan's amendments, newest first, each with its changes (oldest first) and the people
    who made and approved it, in two queries."""
    return list(
        plan.amendments.select_related("made_by", "approved_by")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=AmendmentChange.objects.select_related("changed_by").order_by(
                    "changed_at", "pk"
                ),
            )
        )
        .order_by("-number")
    )


def comments_by_goal(plan) -> tuple[list, dict]:
    """(the comments on the plan as a whole, goal id -> the comments on that goal)."""
    on_plan, by_goal = [], {}
    for comment in PlanComment.objects.filter(plan=plan).select_related("author"):
        if comment.goal_id is None:
            on_plan.append(comment)
        else:
            by_goal.setdefault(comment.goal_id, []).append(comment)
    return on_plan, by_goal


def agreement_page(plan) -> AgreementPage:
    """The agreement page of a plan, in six queries."""
    on_plan, by_goal = comments_by_goal(plan)
    goals = list(plan.goals.select_related("section").order_by("order", "pk"))
    amendments = amendments_of(plan)
    return AgreementPage(
        plan=plan,
        events=list(plan.events.select_related("actor").order_by("at", "pk")),
        plan_comments=on_plan,
        goals=[GoalComments(goal, by_goal.get(goal.pk, [])) for goal in goals],
        comments_by_goal=by_goal,
        signatories=list(plan.signatories.order_by("order", "pk")),
        amendments=amendments,
        amendment=next((a for a in amendments if a.state == AmendmentState.OPEN), None),
    )


def person(user):
    """A user as the pages name them: full name, else user name."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


@dataclass(slots=True)
class PlansWaiting:
    """The plans that wait for the user's side (home page: "Planer, der venter på jer")."""

    proposed: list  # Plan put forward, for the department to agree or send back
    amendments: list  # Amendment made by an institution, for the department to approve
    drafts: list  # Plan in draft at the user's institutions, for its planners

    @property
    def count(self):
        return len(self.proposed) + len(self.amendments) + len(self.drafts)


def plans_waiting(user) -> PlansWaiting:
    """For the department (and administrators): plans put forward and amendments awaiting
    approval in the ministries it reviews; for an institution's planners: its drafts. At most
    three queries."""
    if not user.is_authenticated:
        return PlansWaiting([], [], [])
    ministries = Ministry.objects.reviewed_by(user)
    reviews = user.is_superuser or ministries.exists()
    proposed, amendments = [], []
    if reviews:
        of_ministries = {} if user.is_superuser else {"ministry__in": ministries}
        proposed = list(
            Plan.objects.filter(state=PlanState.PROPOSED, **of_ministries)
            .select_related("institution")
            .order_by("year", "institution__name")
        )
        amendments = list(
            Amendment.objects.filter(
                state=AmendmentState.MADE,
                **{f"plan__{key}": value for key, value in of_ministries.items()},
            )
            .select_related("plan__institution", "made_by")
            .order_by("closed_at", "pk")
        )
    planned = Membership.objects.filter(user=user, role=Membership.Role.PLANNER).values(
        "institution"
    )
    drafts = list(
        Plan.objects.filter(state=PlanState.DRAFT, institution__in=planned)
        .select_related("institution")
        .order_by("year", "institution__name")
    )
    return PlansWaiting(proposed, amendments, drafts)
