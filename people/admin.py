from django.contrib import admin

from people.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations as a record: made and sent by the people pages, never by hand here."""

    list_display = ["user", "ministry", "invited_by", "created_at", "expires_at", "accepted_at",
                    "sent_at", "attempts"]  # fmt: skip
    list_filter = ["ministry"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "ministry", "invited_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
