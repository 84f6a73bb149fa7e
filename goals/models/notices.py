"""What a user wants to be told, and every e-mail the product has made for someone.

A `Notice` row is made once per recipient and occasion (its `key`); the sender sends the rows
not yet sent and marks them, so running it twice sends nothing twice (goals/notifications.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from goals.models.common import choices_check
from goals.models.plans import Plan


class UserPreference(models.Model):
    """A user's own settings: language and reminders (brugerindstillinger)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("bruger"),
    )
    language = models.CharField(
        _("sprog"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    reminders = models.BooleanField(
        _("send mig påmindelser om frister"),
        default=True,
        help_text=_("Besked om kvartaler, der er sendt retur eller godkendt, sendes altid."),
    )

    class Meta:
        verbose_name = _("brugerindstilling")
        verbose_name_plural = _("brugerindstillinger")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="preference_language_valid",
            ),
        ]

    def __str__(self):
        return str(self.user)


class NoticeKind(models.TextChoices):
    SUBMITTED = "submitted", _("Kvartal indsendt")
    RESUBMITTED = "resubmitted", _("Kvartal indsendt igen")
    WITHDRAWN = "withdrawn", _("Indsendelse trukket tilbage")
    RETURNED = "returned", _("Kvartal sendt retur")
    REOPENED = "reopened", _("Kvartal genåbnet")
    APPROVED = "approved", _("Kvartal godkendt")
    REMINDER = "reminder", _("Påmindelse om frist")
    OVERDUE = "overdue", _("Frist overskredet")
    # The plan as an agreement (goals/planning.py): about the plan, not a quarter.
    PLAN_PROPOSED = "plan_proposed", _("Plan sendt til godkendelse")
    PLAN_RETURNED = "plan_returned", _("Plan sendt tilbage til udkast")
    PLAN_AGREED = "plan_agreed", _("Plan aftalt")
    AMENDMENT_MADE = "amendment_made", _("Planændring afventer godkendelse")
    AMENDMENT_APPROVED = "amendment_approved", _("Planændring godkendt")


class Notice(models.Model):
    """An e-mail made for one user about one quarter of a plan, or about the plan itself as an
    agreement (besked, påmindelse)."""

    Kind = NoticeKind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("modtager"),
    )
    kind = models.CharField(_("slags"), max_length=20, choices=NoticeKind.choices)
    # A record of mail, not of reporting: it goes with a plan that is deleted (a plan with
    # reported data never is).
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="notices", verbose_name=_("plan")
    )
    # None for a notice about the plan itself (put forward, agreed, an amendment).
    quarter = models.PositiveSmallIntegerField(_("kvartal"), null=True, blank=True)
    # What makes the occasion one: the report's version after a change of state, the days
    # left of a reminder ("7", "1") or "overdue"; the plan's event ("e12") or amendment
    # ("a3").
    key = models.CharField(_("nøgle"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udført af"),
    )
    # The department's comment as it was when the quarter was returned.
    comment = models.TextField(_("kommentar"), blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    error = models.TextField(_("seneste fejl"), blank=True)

    class Meta:
        verbose_name = _("besked")
        verbose_name_plural = _("beskeder")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "plan", "quarter", "kind", "key"], name="notice_once"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="notice_quarter_range",
            ),
            choices_check("kind", NoticeKind, "notice_kind_valid"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="notice_unsent"
            ),
        ]

    def __str__(self):
        if self.quarter is None:
            return f"{self.get_kind_display()}: {self.plan} → {self.recipient}"
        return f"{self.get_kind_display()}: {self.plan}, {self.quarter}. kvartal → {self.recipient}"
