"""Who belongs to a ministry, as its administrator sees them: a fixed number of queries
however many people there are."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from goals.models import Membership, Ministry, Role
from people.models import Invitation, InvitationState


def held_in(ministry: Ministry) -> Q:
    """Memberships held in the ministry: in its department or at one of its institutions."""
    return Q(ministry=ministry) | Q(institution__ministry=ministry)


def people_of(ministry: Ministry) -> QuerySet:
    """The users the ministry's administrator manages: those with a role in the ministry, and
    those invited from it (an invited person whose roles were all taken away stays findable)."""
    return get_user_model().objects.filter(
        Q(pk__in=Membership.objects.filter(held_in(ministry)).values("user_id"))
        | Q(pk__in=Invitation.objects.filter(ministry=ministry).values("user_id"))
    )


def administered_by(user) -> QuerySet:
    """The ministries whose people the user manages: all for a superuser."""
    if not user.is_authenticated:
        return Ministry.objects.none()
    if user.is_superuser:
        return Ministry.objects.all()
    return Ministry.objects.filter(memberships__user=user, memberships__role=Role.ADMIN)


@dataclass(slots=True)
class PersonRow:
    """One person on the ministry's list: their roles in the ministry and latest invitation."""

    user: object
    memberships: list
    invitation: Invitation | None
    invitation_state: str | None  # an InvitationState, None if never invited

    @property
    def pending(self) -> bool:
        return self.invitation_state == InvitationState.PENDING


def _rows(users, now) -> list[PersonRow]:
    rows = []
    for user in users:
        latest = user.latest_invitations[0] if user.latest_invitations else None
        rows.append(
            PersonRow(
                user=user,
                memberships=user.ministry_memberships,
                invitation=latest,
                invitation_state=latest.state(now=now) if latest else None,
            )
        )
    return rows


def _with_roles(users, ministry):
    return users.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(held_in(ministry))
            .select_related("institution", "ministry")
            .order_by("institution__name", "role"),
            to_attr="ministry_memberships",
        ),
        # Every invitation of the user, newest first, since a newer one from another ministry
        # replaces the link of this one too.
        Prefetch(
            "invitations",
            queryset=Invitation.objects.select_related("invited_by").order_by("-created_at", "-id"),
            to_attr="latest_invitations",
        ),
    )


def people_rows(ministry: Ministry, *, institution=None, department=False) -> list[PersonRow]:
    """The ministry's people by name; only those with a role at `institution`, or in the
    department when `department`."""
    users = people_of(ministry)
    if institution is not None:
        users = users.filter(memberships__institution=institution)
    elif department:
        users = users.filter(memberships__ministry=ministry)
    users = _with_roles(users.distinct(), ministry).order_by("first_name", "last_name", "username")
    return _rows(users, timezone.now())


def person_row(ministry: Ministry, user) -> PersonRow:
    """One person's row, read again with their roles in the ministry."""
    return _rows(_with_roles(people_of(ministry).filter(pk=user.pk), ministry), timezone.now())[0]
