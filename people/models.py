"""Invitations: how a person gets an account without anyone typing a password for them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goals.models import Ministry


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Inviteret, venter")
    ACCEPTED = "accepted", _("Accepteret")
    EXPIRED = "expired", _("Udløbet")
    REPLACED = "replaced", _("Erstattet af en nyere invitation")


class Invitation(models.Model):
    """An e-mail inviting a person to set a password for their account (invitation).

    The row is also the e-mail's place in the outbox: the worker sends what has no `sent_at`
    (people/invitations.py). Its link carries a token made from the row, so a new invitation
    (the administrator resends) replaces the old link, and an accepted one cannot be used again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("bruger"),
    )
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("ministerium"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inviteret af"),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    expires_at = models.DateTimeField(_("udløber"))
    accepted_at = models.DateTimeField(_("accepteret"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    error = models.TextField(_("seneste fejl"), blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitationer")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=models.Q(sent_at__isnull=True),
                name="invitation_unsent",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.user} ({self.ministry})"

    def state(self, *, newest=True, now=None) -> str:
        """Where the invitation stands; `newest`: no later invitation was sent to the user."""
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if not newest:
            return InvitationState.REPLACED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.PENDING
