"""Whether the header links to the people pages."""

from goals.models import Role
from goals.permissions import request_roles


def people(request):
    """`people_access`: the user manages some ministry's people; asked only when shown."""

    def allowed():
        user = request.user
        if not user.is_authenticated:
            return False
        return user.is_superuser or any(r.role == Role.ADMIN for r in request_roles(request))

    return {"people_access": allowed}
