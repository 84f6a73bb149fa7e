"""What a ministry administrator does to people: invite, give and take roles, deactivate.

Each runs in one transaction. Nothing here deletes a user: a person who leaves is
deactivated, so the history and the reports still name them (and they cannot log in).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goals.memberships import membership_errors
from goals.models import INSTITUTION_ROLES, Membership, Ministry, Role, UserPreference
from people.invitations import queue_sending
from people.models import Invitation
from people.selectors import held_in


class PeopleError(Exception):
    """A change that cannot be made, with the reason for the administrator; `field` names the
    form field it belongs to, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class Invited:
    user: object
    created: bool  # a new account was made (else the role was added to an existing one)
    invitation: Invitation | None  # None when the person already has a password


def _lock(ministry):
    # Invitations and role changes of one ministry wait for each other, so two administrators
    # inviting one address at once make one account, not two.
    return Ministry.objects.select_for_update().get(pk=ministry.pk)


def _new_invitation(*, user, ministry, by) -> Invitation:
    now = timezone.now()
    invitation = Invitation.objects.create(
        user=user,
        ministry=ministry,
        invited_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    queue_sending()
    return invitation


def _username_for(email):
    User = get_user_model()
    base = email.lower()[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _add_membership(*, user, role, institution, ministry):
    errors = membership_errors(user=user, role=role, institution=institution, ministry=ministry)
    if errors:
        field, message = next(iter(errors.items()))
        raise PeopleError(message, field="role" if field == "role" else "place")
    try:
        with transaction.atomic():
            return Membership.objects.create(
                user=user, role=role, institution=institution, ministry=ministry
            )
    except IntegrityError as error:  # the same role given by another administrator just now
        raise PeopleError(_("Personen har allerede den rolle der."), field="role") from error


def invite(
    *,
    ministry: Ministry,
    by,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str,
    institution=None,
    language: str = settings.LANGUAGE_CODE,
) -> Invited:
    """Give the person at `email` the role, inviting them by e-mail to set a password.

    An address that already has an account (whatever its case) gets the role added to that
    account; it is invited again only if it has no password yet. A deactivated account is
    reactivated, when the administrator may (`may_change_account`).
    """
    email = email.strip()
    User = get_user_model()
    with transaction.atomic():
        _lock(ministry)
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        created = user is None
        if created:
            user = User(
                username=_username_for(email),
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
            user.set_unusable_password()
            user.save()
            UserPreference.objects.create(user=user, language=language)
        elif not user.is_active:
            refusal = may_change_account(by=by, person=user, ministry=ministry)
            if refusal:
                raise PeopleError(refusal, field="email")
            user.is_active = True
            user.save(update_fields=["is_active"])
        place_ministry = None if role in INSTITUTION_ROLES else ministry
        _add_membership(user=user, role=role, institution=institution, ministry=place_ministry)
        invitation = None
        if created or not user.has_usable_password():
            invitation = _new_invitation(user=user, ministry=ministry, by=by)
    return Invited(user=user, created=created, invitation=invitation)


def resend_invitation(*, ministry: Ministry, by, user) -> Invitation:
    """A new invitation with a new link and a new time limit; the old link stops working."""
    with transaction.atomic():
        _lock(ministry)
        user.refresh_from_db()
        if not user.is_active:
            raise PeopleError(_("Kontoen er deaktiveret. Genaktivér den først."))
        if user.has_usable_password():
            raise PeopleError(
                _(
                    "%(user)s har allerede valgt en adgangskode. Har personen glemt den, kan "
                    "de bruge »Glemt adgangskode?« på log-ind-siden."
                )
                % {"user": user.get_full_name() or user.username}
            )
        if not user.email:
            raise PeopleError(_("Personen har ingen e-mailadresse."))
        return _new_invitation(user=user, ministry=ministry, by=by)


def accept_invitation(*, invitation: Invitation, password: str) -> None:
    """The invited person chose their password: the account is theirs and active."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise PeopleError(_("Invitationen er allerede brugt."))
        user = invitation.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])


def add_role(*, ministry: Ministry, user, role: str, institution=None) -> Membership:
    with transaction.atomic():
        _lock(ministry)
        place_ministry = None if role in INSTITUTION_ROLES else ministry
        return _add_membership(
            user=user, role=role, institution=institution, ministry=place_ministry
        )


def remove_role(*, ministry: Ministry, by, membership: Membership) -> None:
    """Take a role away. An administrator does not take their own administrator role: the
    ministry could be left with nobody to manage it."""
    if membership.user_id == by.pk and membership.role == Role.ADMIN and not by.is_superuser:
        raise PeopleError(_("Du kan ikke fjerne din egen rolle som administrator."))
    with transaction.atomic():
        _lock(ministry)
        Membership.objects.filter(held_in(ministry), pk=membership.pk).delete()


def may_change_account(*, by, person, ministry) -> str | None:
    """Why `by` may not deactivate or reactivate `person`'s account, or None if they may.

    A ministry's administrator manages the ministry's people, not the site: an account that
    also has roles elsewhere, or a site administrator's, is for a site administrator.
    """
    if person.pk == by.pk:
        return _("Du kan ikke ændre din egen konto her.")
    if by.is_superuser:
        return None
    if person.is_superuser or person.is_staff:
        return _("Kun en systemadministrator kan ændre en administrators konto.")
    if Membership.objects.filter(user=person).exclude(held_in(ministry)).exists():
        return _(
            "%(user)s har også roller uden for %(ministry)s. Kun en systemadministrator kan "
            "ændre kontoen; du kan fjerne rollerne her."
        ) % {"user": person.get_full_name() or person.username, "ministry": ministry}
    return None


def set_active(*, ministry: Ministry, by, user, active: bool) -> None:
    """Deactivate (or reactivate) an account. A deactivated user cannot log in and is logged
    out of any session they have; everything they did keeps their name."""
    refusal = may_change_account(by=by, person=user, ministry=ministry)
    if refusal:
        raise PeopleError(refusal)
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
