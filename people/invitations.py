"""The invitation e-mail: its link, its text, and its sending by the background worker.

An `Invitation` row is made in the administrator's transaction; once it commits, the worker
sends the rows not yet sent (`send_invitations`), as goals/notifications.py sends the quarters'
e-mails: each row taken under a lock, marked sent as it goes, a failure recorded on the row
and tried again on later runs (at most MAX_ATTEMPTS), nothing raised into a request.
"""

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_tasks import task

from goals.models import Membership
from goals.notifications import MAX_ATTEMPTS, Delivery, language_of, send_pending
from people.models import Invitation
from people.selectors import held_in

TOKEN_SALT = "people.invitations.token"


def invitation_token(invitation: Invitation) -> str:
    """The secret part of an invitation's link: made from the row with the site's key, so
    it is not stored, and another invitation (a resend) has another."""
    made = int(invitation.created_at.timestamp())
    value = f"{invitation.pk}:{invitation.user_id}:{invitation.ministry_id}:{made}"
    return salted_hmac(TOKEN_SALT, value, algorithm="sha256").hexdigest()[:40]


def token_matches(invitation: Invitation, token: str) -> bool:
    return constant_time_compare(invitation_token(invitation), token)


def invitation_link(invitation: Invitation) -> str:
    path = reverse("people:accept", args=[invitation.pk, invitation_token(invitation)])
    return f"{settings.SITE_URL}{path}"


def queue_sending() -> None:
    """Have the worker send the invitations once the current transaction commits."""
    # robust: the invitation is saved whatever happens to the queue; the administrator can
    # resend it, and the next invitation's run sends what was left.
    transaction.on_commit(send_invitations.enqueue, robust=True)


@task()
def send_invitations():
    """The background worker's part: send the invitations not yet sent."""
    deliver_invitations()


def deliver_invitations() -> Delivery:
    """Send every invitation not yet sent, oldest first, each marked sent as it goes out
    (`goals.notifications.send_pending`)."""
    pending = list(
        Invitation.objects.filter(sent_at=None, accepted_at=None, attempts__lt=MAX_ATTEMPTS)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    rows = Invitation.objects.select_related("user__preference", "ministry", "invited_by")
    return send_pending(rows, pending, compose)


def inviter_name(invitation: Invitation) -> str:
    """Who invited, by name; the ministry's administrator when that user is gone."""
    if invitation.invited_by:
        return invitation.invited_by.get_full_name() or invitation.invited_by.username
    return _("ministeriets administrator")


def compose(invitation: Invitation, *, connection=None) -> mail.EmailMessage:
    """The invitation e-mail, in the recipient's language."""
    user = invitation.user
    ministry = invitation.ministry
    roles = (
        Membership.objects.filter(user=user)
        .filter(held_in(ministry))
        .select_related("institution", "ministry")
        .order_by("role", "institution__name")
    )
    with translation.override(language_of(user)):
        context = {
            "recipient": user.get_full_name() or user.email,
            "inviter": inviter_name(invitation),
            "ministry": ministry,
            "memberships": [(m.get_role_display(), m.institution or m.ministry) for m in roles],
            "username": user.username,
            "link": invitation_link(invitation),
            "expires": timezone.localtime(invitation.expires_at),
            "password_login": settings.PASSWORD_LOGIN,
        }
        subject = _("Du er inviteret til mrplan (%(ministry)s)") % {"ministry": ministry.name}
        body = render_to_string("emails/invitation.txt", context).strip() + "\n"
    return mail.EmailMessage(
        subject=subject,
        body=body,
        to=[user.email],
        connection=connection,
        headers={"Auto-Submitted": "auto-generated"},
    )
