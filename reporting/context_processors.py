"""What every page's header needs to know about the user's access to the dashboards."""

from goals.models import Membership


def dashboards(request):
    """`dashboard_access`: whether the header links to the dashboards; asked only when shown."""

    def allowed():
        user = request.user
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return Membership.objects.filter(user=user, role=Membership.Role.REVIEWER).exists()

    return {"dashboard_access": allowed}
