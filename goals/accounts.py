"""An e-mail address belongs to one account, whatever the case of its letters: invitations
and single sign-on find the account by it. The account page and the admin's user form both
ask here."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_email_free(email: str, *, user=None) -> str:
    """The address, stripped; ValidationError if another account than `user` has it."""
    email = (email or "").strip()
    others = get_user_model().objects.filter(email__iexact=email)
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    if email and others.exists():
        raise ValidationError(_("Adressen bruges allerede af en anden bruger i mrplan."))
    return email
