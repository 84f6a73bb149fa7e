"""What every page's header needs to know about the user's access to the dashboards."""

from goals.models import Membership
from goals.permissions import request_roles


def dashboards(request):
    """`dashboard_access`: whether the header links to the dashboards; asked only when shown."""

    def allowed():
        user = request.user
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return any(r.role == Membership.Role.REVIEWER for r in request_roles(request))

    return {"dashboard_access": allowed}
