"""What every page's header says about the work waiting for the user."""

from django.utils.functional import SimpleLazyObject

from goals.permissions import request_roles
from goals.selectors import todo_counts


def todo(request):
    """`todo`: the quarters waiting for the user (goals.selectors.TodoCounts), read only when
    a page shows them, and never for an anonymous visitor."""
    return {
        "todo": SimpleLazyObject(
            lambda: todo_counts(
                request.user,
                memberships=[(r.role, r.ministry_id) for r in request_roles(request)],
            )
        )
    }
