"""A goal's other years on a page whose context holds `goal_years` (GoalYears by goal id)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def goal_years_of(context, goal):
    """The goal's GoalYears (reporting/documents/last_year.py), or None."""
    return context.get("goal_years", {}).get(goal.pk)
