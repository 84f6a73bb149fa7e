"""Ministries, their institutions, and who belongs where (medlemskaber)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from goals.limits import PLAN_TEXT, no_control_characters
from goals.models.choices import INSTITUTION_ROLES, MINISTRY_ROLES, Role
from goals.models.common import text_checks


class MinistryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Ministries the user belongs to: in its department, or at one of its institutions.

        Only the department (and administrators) may open a ministry's dashboards; a member
        of one of its institutions finds the ministry, so is told 403 rather than 404.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        memberships = Membership.objects.filter(user=user)
        return self.filter(
            Q(pk__in=memberships.filter(role__in=MINISTRY_ROLES).values("ministry"))
            | Q(
                institutions__in=memberships.filter(role__in=INSTITUTION_ROLES).values(
                    "institution"
                )
            )
        ).distinct()

    def reviewed_by(self, user):
        """Ministries whose dashboards the user may open: their department's, or all for admins."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            memberships__user=user, memberships__role=Membership.Role.REVIEWER
        ).distinct()


class Ministry(models.Model):
    """A ministry and its group of institutions (ministerium, koncern)."""

    name = models.CharField(
        _("navn"), max_length=200, unique=True, validators=[no_control_characters]
    )
    short_name = models.CharField(
        _("forkortelse"), max_length=30, unique=True, validators=[no_control_characters]
    )
    vision = models.TextField(
        _("koncernfælles vision"),
        blank=True,
        max_length=PLAN_TEXT,
        validators=text_checks(PLAN_TEXT),
    )
    values = models.TextField(
        _("koncernfælles værdier"),
        blank=True,
        max_length=PLAN_TEXT,
        validators=text_checks(PLAN_TEXT),
    )

    objects = MinistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ministerium")
        verbose_name_plural = _("ministerier")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MinistryBeacon(models.Model):
    """A group-wide strategic direction of a ministry (koncernfælles pejlemærke)."""

    ministry = models.ForeignKey(
        Ministry, on_delete=models.CASCADE, related_name="beacons", verbose_name=_("ministerium")
    )
    number = models.CharField(_("nummer"), max_length=20, validators=[no_control_characters])
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=300, validators=[no_control_characters])
    text = models.TextField(
        _("tekst"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )

    class Meta:
        verbose_name = _("koncernfælles pejlemærke")
        verbose_name_plural = _("koncernfælles pejlemærker")
        ordering = ["ministry", "order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["ministry", "number"], name="ministry_beacon_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class GroupGoal(models.Model):
    """A goal the ministry sets for several of its institutions (koncernfælles mål)."""

    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.CASCADE,
        related_name="group_goals",
        verbose_name=_("ministerium"),
    )
    code = models.SlugField(
        _("kode"),
        max_length=50,
        help_text=_("Kort, fast nøgle som planfiler bruger til at henvise til målet."),
    )
    title = models.CharField(_("titel"), max_length=300, validators=[no_control_characters])
    description = models.TextField(
        _("beskrivelse"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )

    class Meta:
        verbose_name = _("koncernfælles mål")
        verbose_name_plural = pgettext_lazy("plural", "koncernfælles mål")
        ordering = ["ministry", "code"]
        constraints = [
            models.UniqueConstraint(fields=["ministry", "code"], name="group_goal_code_unique"),
        ]

    def __str__(self):
        return self.title


class Institution(models.Model):
    """A body that has a plan, e.g. an agency or a unit (institution, styrelse, enhed)."""

    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        related_name="institutions",
        verbose_name=_("ministerium"),
    )
    name = models.CharField(
        _("navn"), max_length=200, unique=True, validators=[no_control_characters]
    )
    short_name = models.CharField(
        _("forkortelse"), max_length=30, unique=True, validators=[no_control_characters]
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutioner")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role at an institution (reporter, planner) or in a ministry's department
    (reviewer, ministry administrator)."""

    Role = Role

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("bruger"),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("ministerium"),
    )

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=INSTITUTION_ROLES, institution__isnull=False, ministry__isnull=True)
                    | Q(role__in=MINISTRY_ROLES, ministry__isnull=False, institution__isnull=True)
                ),
                name="membership_role_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "institution", "role"],
                condition=Q(institution__isnull=False),
                name="membership_unique_institution_role",
            ),
            models.UniqueConstraint(
                fields=["user", "ministry", "role"],
                condition=Q(ministry__isnull=False),
                name="membership_unique_ministry_role",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} ({self.institution or self.ministry})"
