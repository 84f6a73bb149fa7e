"""Template helpers of the plan as an agreement (templates/goals/agreement/)."""

from django import template

register = template.Library()


@register.filter
def comments_on(comments_by_goal, goal):
    """The comments on `goal` from a goal id -> comments dict (goals.agreement)."""
    if not comments_by_goal:
        return []
    return comments_by_goal.get(goal.pk, [])
