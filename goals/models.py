"""The plan register: ministries, institutions, plans, their goals and the follow-up on them."""

import datetime
from itertools import combinations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

QUARTERS = (1, 2, 3, 4)

# Every set of quarters written as its quarters in ascending order: "", "1", "12", ..., "1234".
QUARTER_SETS = [
    "".join(str(q) for q in combo) for n in range(5) for combo in combinations(QUARTERS, n)
]


def quarters_to_text(quarters):
    """Store a collection of quarter numbers as the ascending digits ("24" for Q2 and Q4)."""
    return "".join(str(q) for q in sorted(set(quarters)))


def text_to_quarters(text):
    return [int(ch) for ch in text]


def quarter_end(year, quarter):
    """The last day of a calendar quarter."""
    month = quarter * 3
    first_of_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def validate_quarter_set(value):
    if value not in QUARTER_SETS:
        raise ValidationError(
            _("Angiv kvartaler som cifrene 1-4 i stigende orden, fx 1234 eller 24."),
            code="invalid_quarters",
        )


class QuarterSetField(models.CharField):
    """A set of quarters kept as ascending digits; "" means none (or: inherited)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 4)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("validators", [validate_quarter_set])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 4), ("blank", True), ("default", "")):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("validators", None)
        return name, path, args, kwargs


def choices_check(field, choices, name, allow_blank=False):
    """A CHECK constraint that keeps a choices field within its choices in the database too."""
    values = list(choices.values)
    if allow_blank:
        values.append("")
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


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
            Q(pk__in=memberships.filter(role=Membership.Role.REVIEWER).values("ministry"))
            | Q(
                institutions__in=memberships.filter(role=Membership.Role.REPORTER).values(
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

    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("forkortelse"), max_length=30, unique=True)
    vision = models.TextField(_("koncernfælles vision"), blank=True)
    values = models.TextField(_("koncernfælles værdier"), blank=True)

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
    number = models.CharField(_("nummer"), max_length=20)
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)

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
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)

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
    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("forkortelse"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutioner")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans the user may see: their institution's, or every plan of their ministry."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        memberships = Membership.objects.filter(user=user)
        return self.filter(
            Q(
                institution__in=memberships.filter(role=Membership.Role.REPORTER).values(
                    "institution"
                )
            )
            | Q(ministry__in=memberships.filter(role=Membership.Role.REVIEWER).values("ministry"))
        )


class ScoringMethod(models.TextChoices):
    BINARY = "binary", _("Binær: et mål tæller 0 eller 100 pct. af sin vægt")
    PARTIAL = "partial", _("Delvis: delvist opfyldte mål tæller med en del af deres vægt")


class Plan(models.Model):
    """One institution's performance plan for one year (mål- og resultatplan)."""

    ScoringMethod = ScoringMethod

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="plans", verbose_name=_("institution")
    )
    # Institutions move between ministries; a plan stays with the ministry it was agreed with.
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("ministerium"),
        help_text=_("Det ministerium, planen er indgået med."),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    title = models.CharField(_("titel"), max_length=300)
    valid_from = models.DateField(_("gælder fra"))
    valid_to = models.DateField(_("gælder til"))
    introduction = models.TextField(_("indledning"), blank=True)
    strategic_context = models.TextField(
        _("strategisk ramme"),
        blank=True,
        help_text=_(
            "Ministeriets koncernfælles strategiske ramme for året, som den står i planen."
        ),
    )
    vision = models.TextField(_("vision"), blank=True)
    narrative = models.TextField(_("grundfortælling"), blank=True)
    reporting_schedule = models.TextField(
        _("opfølgning"),
        blank=True,
        help_text=_("Hvordan og hvornår der følges op, som det står i planen."),
    )
    reporting_quarters = QuarterSetField(
        _("afrapporteringskvartaler"),
        default="1234",
        help_text=_("De kvartaler, planen som udgangspunkt afrapporteres i, fx 1234 eller 24."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("frist (kalenderdage efter kvartalets udløb)"),
        null=True,
        blank=True,
        help_text=_("Tom, hvis planen ikke fastsætter en frist."),
    )
    scoring_method = models.CharField(
        _("opgørelsesmetode"),
        max_length=20,
        choices=ScoringMethod.choices,
        default=ScoringMethod.BINARY,
    )
    status_tolerance = models.DecimalField(
        _("tolerance for gul (pct. af målværdien)"),
        max_digits=5,
        decimal_places=2,
        default=5,
        help_text=_(
            "Et tal, der er inden for så mange procent af målværdien fra at nå den, giver gul; "
            "længere fra giver rød."
        ),
    )
    partial_score = models.PositiveSmallIntegerField(
        _("point for delvist opfyldt (pct. af målets vægt)"),
        default=50,
        help_text=_("Bruges kun ved delvis opgørelse."),
    )
    scoring_note = models.TextField(_("opgørelse (tekst)"), blank=True)
    agreement = models.TextField(_("aftale"), blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("mål- og resultatplan")
        verbose_name_plural = _("mål- og resultatplaner")
        ordering = ["-year", "institution__name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="plan_institution_year"),
            models.CheckConstraint(
                condition=Q(valid_from__lte=F("valid_to")), name="plan_valid_period_order"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2200), name="plan_year_range"
            ),
            models.CheckConstraint(
                condition=~Q(reporting_quarters="") & Q(reporting_quarters__in=QUARTER_SETS),
                name="plan_reporting_quarters_valid",
            ),
            models.CheckConstraint(
                condition=Q(partial_score__lte=100), name="plan_partial_score_percent"
            ),
            models.CheckConstraint(
                condition=Q(status_tolerance__gte=0, status_tolerance__lte=100),
                name="plan_status_tolerance_percent",
            ),
            choices_check("scoring_method", ScoringMethod, "plan_scoring_method_valid"),
        ]

    def __str__(self):
        return f"{self.institution.short_name} {self.year}"

    @property
    def quarters(self):
        return text_to_quarters(self.reporting_quarters)

    def quarter_end(self, quarter):
        return quarter_end(self.year, quarter)

    def deadline_for(self, quarter):
        """The quarter's reporting deadline by the plan's rule, or None if it sets none."""
        if self.deadline_days is None:
            return None
        return self.quarter_end(quarter) + datetime.timedelta(days=self.deadline_days)

    def is_overdue(self, quarter, report=None, today=None):
        """Whether the quarter's report is due by the plan's rule and not handed in in time."""
        deadline = self.deadline_for(quarter)
        if deadline is None or str(quarter) not in self.reporting_quarters:
            return False
        if report is not None and report.state in (ReportState.SUBMITTED, ReportState.APPROVED):
            return False
        return (today or timezone.localdate()) > deadline


class Signatory(models.Model):
    """One of the people who sign the plan (påtegning)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("stilling"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    place = models.CharField(_("sted"), max_length=100, blank=True)
    date = models.DateField(_("dato"), null=True, blank=True)

    class Meta:
        verbose_name = _("underskriver")
        verbose_name_plural = _("underskrivere")
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.name}, {self.title}"


class SectionKind(models.TextChoices):
    BEACON = "beacon", _("Pejlemærke")
    SECTION = "section", _("Afsnit")


class Section(models.Model):
    """An ordered heading that goals sit under: a beacon (pejlemærke) or section (afsnit)."""

    Kind = SectionKind

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan")
    )
    kind = models.CharField(_("art"), max_length=10, choices=Kind.choices, default=Kind.BEACON)
    number = models.CharField(_("nummer"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    ministry_beacon = models.ForeignKey(
        MinistryBeacon,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("koncernfælles pejlemærke"),
        help_text=_("Det koncernfælles pejlemærke, som dette pejlemærke udmønter."),
    )

    class Meta:
        verbose_name = _("pejlemærke eller afsnit")
        verbose_name_plural = _("pejlemærker og afsnit")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="section_title_unique"),
            models.UniqueConstraint(
                fields=["plan", "kind", "number"],
                condition=~Q(number=""),
                name="section_number_unique",
            ),
            choices_check("kind", SectionKind, "section_kind_valid"),
        ]

    def __str__(self):
        return self.title


class GoalKind(models.TextChoices):
    OPERATIONS = "drift", _("Drift")
    DEVELOPMENT = "udvikling", _("Udvikling")
    GROUP = "koncernfaelles", _("Koncernfælles")


class ResultType(models.TextChoices):
    EFFECT = "effekt", _("Effektmål")
    OUTPUT = "output", _("Outputmål")
    ACTIVITY = "aktivitet", _("Aktivitetsmål")
    QUALITY = "kvalitet", _("Kvalitetsmål")


class FulfilmentRule(models.TextChoices):
    ALL = "all", _("Alle resultatkrav skal være opfyldt")
    AT_LEAST = "at_least", _("Mindst K af resultatkravene skal være opfyldt")
    PARTIAL = "partial", _("Delvis opfyldelse, når nogle men ikke alle krav er opfyldt")


class Goal(models.Model):
    """A goal of a plan (mål), with the requirements that decide whether it is met."""

    Kind = GoalKind

    ResultType = ResultType

    FulfilmentRule = FulfilmentRule

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    # RESTRICT: a heading with goals cannot be deleted alone, but goes with its plan.
    section = models.ForeignKey(
        Section,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("pejlemærke/afsnit"),
    )
    group_goal = models.ForeignKey(
        GroupGoal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("koncernfælles mål"),
    )
    number = models.CharField(
        _("nummer"), max_length=20, help_text=_('Som i planen, fx "1.1" eller "A".')
    )
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    success_text = models.TextField(_("målet er nået, når"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    result_type = models.CharField(
        _("måltype"), max_length=20, choices=ResultType.choices, blank=True
    )
    reporting_quarters = QuarterSetField(
        _("afrapporteringskvartaler"),
        default="1234",
        help_text=_("Fx 1234 for kvartalsvis, 4 for kun 4. kvartal, 24 for 2. og 4. kvartal."),
    )
    reporting_text = models.CharField(
        _("afrapportering (tekst)"),
        max_length=300,
        blank=True,
        help_text=_('Som i planen, fx "Målet afrapporteres kvartalsvist."'),
    )
    fulfilment_rule = models.CharField(
        _("opfyldelsesregel"),
        max_length=20,
        choices=FulfilmentRule.choices,
        default=FulfilmentRule.ALL,
    )
    required_count = models.PositiveSmallIntegerField(
        _("antal krav, der mindst skal opfyldes"),
        null=True,
        blank=True,
        help_text=_("K i reglen 'mindst K af N'. Kun for den regel."),
    )
    weight = models.DecimalField(
        _("vægt"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Tom: alle mål vejer lige meget."),
    )
    remarks = models.TextField(_("bemærkninger"), blank=True)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = pgettext_lazy("plural", "mål")
        ordering = ["plan", "order"]
        constraints = [
            # Some plans number goals afresh under each section ("Mål 1" twice), so a number
            # is unique within its section, and within the plan for goals outside any section.
            models.UniqueConstraint(
                fields=["plan", "section", "number"],
                condition=Q(section__isnull=False),
                name="goal_number_unique_in_section",
            ),
            models.UniqueConstraint(
                fields=["plan", "number"],
                condition=Q(section__isnull=True),
                name="goal_number_unique_in_plan",
            ),
            models.CheckConstraint(condition=~Q(number=""), name="goal_number_not_blank"),
            models.CheckConstraint(
                condition=~Q(reporting_quarters="") & Q(reporting_quarters__in=QUARTER_SETS),
                name="goal_reporting_quarters_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        fulfilment_rule="at_least",
                        required_count__isnull=False,
                        required_count__gte=1,
                    )
                    | (~Q(fulfilment_rule="at_least") & Q(required_count__isnull=True))
                ),
                name="goal_required_count_with_rule",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gt=0), name="goal_weight_positive"
            ),
            choices_check("kind", GoalKind, "goal_kind_valid"),
            choices_check("result_type", ResultType, "goal_result_type_valid", allow_blank=True),
            choices_check("fulfilment_rule", FulfilmentRule, "goal_fulfilment_rule_valid"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        errors = {}
        if self.section_id and self.plan_id and self.section.plan_id != self.plan_id:
            errors["section"] = _("Pejlemærket/afsnittet hører til en anden plan.")
        if (
            self.group_goal_id
            and self.plan_id
            and self.group_goal.ministry_id != self.plan.ministry_id
        ):
            errors["group_goal"] = _("Det koncernfælles mål hører til et andet ministerium.")
        if self.fulfilment_rule == self.FulfilmentRule.AT_LEAST and not self.required_count:
            errors["required_count"] = _("Angiv, hvor mange krav der mindst skal opfyldes.")
        if self.fulfilment_rule != self.FulfilmentRule.AT_LEAST and self.required_count:
            errors["required_count"] = _("Antal krav bruges kun med reglen 'mindst K af N'.")
        if self.pk and self.required_count:
            total = self.requirements.count()
            if self.required_count > total:
                errors["required_count"] = _(
                    "Målet har kun %(total)d resultatkrav; der kan ikke kræves %(k)d."
                ) % {"total": total, "k": self.required_count}
        if errors:
            raise ValidationError(errors)

    @property
    def quarters(self):
        return text_to_quarters(self.reporting_quarters)

    def is_due_in(self, quarter):
        return str(quarter) in self.reporting_quarters


class Measure(models.TextChoices):
    TEXT = "text", _("Beskrevet i tekst")
    THRESHOLD = "threshold", _("Tærskel")
    MILESTONE = "milestone", _("Milepæl med frist")
    RELATIVE = "relative", _("Relativt mål mod en reference")
    CUMULATIVE = "cumulative", _("Kumulative kvartalsmål")
    SERIES = "series", _("Flerårig serie")


class Comparator(models.TextChoices):
    AT_LEAST = "at_least", _("mindst")
    AT_MOST = "at_most", _("højst")
    WITHIN = "within", _("inden for +/-")


class Unit(models.TextChoices):
    PERCENT = "pct", _("pct.")
    POINTS = "points", _("point (skala)")
    DAYS = "days", _("dage")
    WORKDAYS = "workdays", _("hverdage")
    COUNT = "count", _("antal")
    COUNT_PER_MONTH = "count_per_month", _("antal pr. måned")
    HOURS = "hours", _("timer")
    MIO_KR = "mio_kr", _("mio. kr.")
    MIA_KR = "mia_kr", _("mia. kr.")


class Requirement(models.Model):
    """A numbered condition under a goal and how it is measured (resultatkrav, delmål)."""

    Measure = Measure

    Comparator = Comparator

    Unit = Unit

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("mål")
    )
    number = models.CharField(
        _("nummer"), max_length=20, blank=True, help_text=_('Som i planen, fx "1)" eller "ii)".')
    )
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    text = models.TextField(_("tekst"))
    measure = models.CharField(
        _("måling"), max_length=20, choices=Measure.choices, default=Measure.TEXT
    )
    comparator = models.CharField(
        _("sammenligning"), max_length=20, choices=Comparator.choices, blank=True
    )
    target_value = models.DecimalField(
        _("målværdi"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("enhed"), max_length=20, choices=Unit.choices, blank=True)
    unit_text = models.CharField(
        _("enhed (tekst)"),
        max_length=100,
        blank=True,
        help_text=_('Præcisering af enheden, fx "på en skala fra 1-5" eller "klager pr. måned".'),
    )
    deadline = models.DateField(_("frist"), null=True, blank=True)
    deadline_text = models.CharField(
        _("frist (tekst)"),
        max_length=200,
        blank=True,
        help_text=_('Som i planen, fx "senest ved udgangen af 3. kvartal 2024".'),
    )
    reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_('Det, et relativt mål sammenlignes med, fx "statens gennemsnit".'),
    )
    reference_value = models.DecimalField(
        _("referenceværdi"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    reporting_quarters = QuarterSetField(
        _("egne afrapporteringskvartaler"),
        help_text=_("Tom: som målet."),
    )
    precondition = models.TextField(_("forudsætning"), blank=True)

    class Meta:
        verbose_name = _("resultatkrav")
        verbose_name_plural = pgettext_lazy("plural", "resultatkrav")
        ordering = ["goal", "order"]
        constraints = [
            # Bullet-point requirements carry no number, so only written numbers must differ.
            models.UniqueConstraint(
                fields=["goal", "number"],
                condition=~Q(number=""),
                name="requirement_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(reporting_quarters__in=QUARTER_SETS),
                name="requirement_reporting_quarters_valid",
            ),
            models.CheckConstraint(
                condition=~Q(measure="threshold")
                | (Q(target_value__isnull=False) & ~Q(comparator="") & ~Q(unit="")),
                name="requirement_threshold_complete",
            ),
            models.CheckConstraint(
                condition=~Q(measure="milestone")
                | Q(deadline__isnull=False)
                | ~Q(deadline_text=""),
                name="requirement_milestone_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(measure="relative") | (~Q(reference="") & ~Q(comparator="")),
                name="requirement_relative_has_reference",
            ),
            models.CheckConstraint(
                condition=~Q(measure="cumulative") | (~Q(comparator="") & ~Q(unit="")),
                name="requirement_cumulative_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(measure="series") | ~Q(unit=""), name="requirement_series_has_unit"
            ),
            choices_check("measure", Measure, "requirement_measure_valid"),
            choices_check("comparator", Comparator, "requirement_comparator_valid", True),
            choices_check("unit", Unit, "requirement_unit_valid", allow_blank=True),
        ]

    def __str__(self):
        return f"{self.goal.number} {self.number}".strip()

    # get_unit_display() and get_comparator_display() look the choices up anew on each call;
    # a quarter page makes dozens of calls. The check constraints keep the values valid.
    @property
    def unit_label(self):
        """The unit's name, e.g. "pct.", or "" when the requirement has none."""
        return str(Unit(self.unit).label) if self.unit else ""

    @property
    def comparator_label(self):
        """The comparator's word, e.g. "mindst", or "" when the requirement has none."""
        return str(Comparator(self.comparator).label) if self.comparator else ""

    @property
    def quarters(self):
        return text_to_quarters(self.reporting_quarters or self.goal.reporting_quarters)

    def is_due_in(self, quarter):
        return str(quarter) in (self.reporting_quarters or self.goal.reporting_quarters)


class QuarterTarget(models.Model):
    """The target a cumulative requirement must reach by the end of a quarter (kvartalsmål)."""

    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="quarter_targets",
        verbose_name=_("resultatkrav"),
    )
    quarter = models.PositiveSmallIntegerField(_("kvartal"))
    target_value = models.DecimalField(_("målværdi"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("kvartalsmål")
        verbose_name_plural = pgettext_lazy("plural", "kvartalsmål")
        ordering = ["requirement", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "quarter"], name="quarter_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_target_quarter_range"
            ),
        ]

    def __str__(self):
        return f"{self.quarter}. kvartal: {self.target_value}"


class SeriesPoint(models.Model):
    """One year of a requirement's multi-year target and result (flerårig serie)."""

    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="series",
        verbose_name=_("resultatkrav"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    target_value = models.DecimalField(
        pgettext_lazy("target", "mål"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_text = models.CharField(
        pgettext_lazy("target", "mål (tekst)"), max_length=200, blank=True
    )
    result_value = models.DecimalField(
        _("resultat"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    result_text = models.CharField(_("resultat (tekst)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("serieår")
        verbose_name_plural = pgettext_lazy("plural", "serieår")
        ordering = ["requirement", "year"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "year"], name="series_year_unique"),
        ]

    def __str__(self):
        return str(self.year)


class Status(models.TextChoices):
    """The traffic light of a quarter's follow-up (rød / gul / grøn)."""

    RED = "red", _("Rød")
    YELLOW = "yellow", _("Gul")
    GREEN = "green", _("Grøn")


class Fulfilment(models.TextChoices):
    """A year-end verdict (opfyldt / delvist opfyldt / ikke opfyldt)."""

    MET = "met", _("Opfyldt")
    PARTLY_MET = "partly_met", _("Delvist opfyldt")
    NOT_MET = "not_met", _("Ikke opfyldt")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    SUBMITTED = "submitted", _("Indsendt")
    APPROVED = "approved", _("Godkendt")
    RETURNED = "returned", _("Sendt retur")


class QuarterReport(models.Model):
    """An institution's follow-up on its plan for one quarter (kvartalsopfølgning)."""

    State = ReportState

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reports", verbose_name=_("plan")
    )
    quarter = models.PositiveSmallIntegerField(_("kvartal"))
    state = models.CharField(
        _("tilstand"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    review_comment = models.TextField(_("kommentar fra departementet"), blank=True)
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indsendt af"),
    )
    reviewed_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("behandlet af"),
    )
    # Raised by every save and transition; a save made from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=0)

    EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)

    class Meta:
        verbose_name = _("kvartalsopfølgning")
        verbose_name_plural = _("kvartalsopfølgninger")
        ordering = ["plan", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="report_plan_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_range"
            ),
            choices_check("state", ReportState, "report_state_valid"),
        ]

    def __str__(self):
        return f"{self.plan}, {self.quarter}. kvartal"

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES


class StatusEntry(models.Model):
    """One row of a quarter's follow-up: a goal's (or a requirement's) result and status."""

    report = models.ForeignKey(
        QuarterReport,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("kvartalsopfølgning"),
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="entries", verbose_name=_("mål")
    )
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("resultatkrav"),
        # Indexed first in "entry_requirement_report" below, which serves this key too.
        db_index=False,
    )
    result_value = models.DecimalField(
        _("resultat (tal)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    result_text = models.TextField(_("resultat (tekst)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    status_reason = models.TextField(
        _("begrundelse for status"),
        blank=True,
        help_text=_("Påkrævet, når status afviger fra den, tallet giver."),
    )
    ytd_value = models.DecimalField(
        _("år til dato (tal)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    ytd_text = models.TextField(_("år til dato"), blank=True)
    cause = models.TextField(_("årsag"), blank=True)
    consequence = models.TextField(_("konsekvens"), blank=True)
    action = models.TextField(_("handling"), blank=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ændret af"),
    )

    class Meta:
        verbose_name = _("statusindberetning")
        verbose_name_plural = _("statusindberetninger")
        ordering = ["report", "goal__order", "requirement__order"]
        indexes = [
            # The dashboards read the goal-level statuses (requirement NULL) of a year's
            # reports. With the requirement first, PostgreSQL takes this index for that
            # rather than scanning every goal-level entry of every year.
            models.Index(
                fields=["requirement", "report", "status"], name="entry_requirement_report"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "goal"],
                condition=Q(requirement__isnull=True),
                name="entry_one_per_goal_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["report", "requirement"],
                condition=Q(requirement__isnull=False),
                name="entry_one_per_requirement_per_quarter",
            ),
            choices_check("status", Status, "entry_status_valid", allow_blank=True),
        ]

    def __str__(self):
        return f"{self.report}: {self.requirement or self.goal}"

    def clean(self):
        errors = {}
        if self.report_id and self.goal_id and self.goal.plan_id != self.report.plan_id:
            errors["goal"] = _("Målet hører ikke til denne plan.")
        if self.requirement_id and self.goal_id and self.requirement.goal_id != self.goal_id:
            errors["requirement"] = _("Resultatkravet hører ikke til målet.")
        if errors:
            raise ValidationError(errors)


class RequirementVerdict(models.Model):
    """The year-end judgement of one requirement: met or not (opfyldt / ikke opfyldt)."""

    requirement = models.OneToOneField(
        Requirement,
        on_delete=models.CASCADE,
        related_name="verdict",
        verbose_name=_("resultatkrav"),
    )
    met = models.BooleanField(_("opfyldt"))
    reason = models.TextField(_("begrundelse"), blank=True)
    decided_at = models.DateTimeField(_("afgjort"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgjort af"),
    )

    class Meta:
        verbose_name = _("vurdering af resultatkrav")
        verbose_name_plural = _("vurderinger af resultatkrav")

    def __str__(self):
        return f"{self.requirement}: {'opfyldt' if self.met else 'ikke opfyldt'}"


class GoalVerdict(models.Model):
    """The year-end verdict on a goal: the rule's verdict and the department's final one."""

    goal = models.OneToOneField(
        Goal, on_delete=models.CASCADE, related_name="verdict", verbose_name=_("mål")
    )
    rule_verdict = models.CharField(
        _("regelens vurdering"), max_length=20, choices=Fulfilment.choices
    )
    verdict = models.CharField(_("endelig vurdering"), max_length=20, choices=Fulfilment.choices)
    reason = models.TextField(
        _("begrundelse"), blank=True, help_text=_("Påkrævet, når den endelige vurdering afviger.")
    )
    decided_at = models.DateTimeField(_("afgjort"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgjort af"),
    )

    class Meta:
        verbose_name = _("vurdering af mål")
        verbose_name_plural = _("vurderinger af mål")
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict=F("rule_verdict")) | ~Q(reason=""),
                name="goal_verdict_override_needs_reason",
            ),
            choices_check("verdict", Fulfilment, "goal_verdict_valid"),
            choices_check("rule_verdict", Fulfilment, "goal_rule_verdict_valid"),
        ]

    def __str__(self):
        return f"{self.goal}: {self.get_verdict_display()}"


class HistorySubject(models.TextChoices):
    ENTRY = "entry", _("Statusindberetning")
    REPORT = "report", _("Kvartalsopfølgning")
    REQUIREMENT_VERDICT = "requirement_verdict", _("Vurdering af resultatkrav")
    GOAL_VERDICT = "goal_verdict", _("Vurdering af mål")


class HistoryRecord(models.Model):
    """One changed value of reported data: who, when, before and after (historik)."""

    Subject = HistorySubject

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="history", verbose_name=_("plan")
    )
    report = models.ForeignKey(
        QuarterReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("kvartalsopfølgning"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("mål"),
    )
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("resultatkrav"),
    )
    subject = models.CharField(_("emne"), max_length=30, choices=Subject.choices)
    field = models.CharField(_("felt"), max_length=50)
    before = models.TextField(_("før"), blank=True)
    after = models.TextField(_("efter"), blank=True)
    changed_at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ændret af"),
    )
    # The report version this change produced, so a refused save can list what came after.
    report_version = models.PositiveIntegerField(_("version"), null=True, blank=True)

    class Meta:
        verbose_name = _("ændring")
        verbose_name_plural = _("historik")
        ordering = ["-changed_at", "-id"]
        constraints = [
            choices_check("subject", HistorySubject, "history_subject_valid"),
            models.CheckConstraint(
                condition=~Q(subject="report") | Q(report__isnull=False),
                name="history_report_change_has_report",
            ),
            models.CheckConstraint(
                condition=Q(subject="report") | Q(goal__isnull=False),
                name="history_goal_change_has_goal",
            ),
        ]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.field}: {self.before} -> {self.after}"

    def _model_field(self):
        model = {
            HistorySubject.ENTRY: StatusEntry,
            HistorySubject.REPORT: QuarterReport,
            HistorySubject.REQUIREMENT_VERDICT: RequirementVerdict,
            HistorySubject.GOAL_VERDICT: GoalVerdict,
        }.get(self.subject)
        try:
            return model._meta.get_field(self.field) if model else None
        except FieldDoesNotExist:
            return None

    @property
    def field_label(self):
        field = self._model_field()
        return field.verbose_name if field else self.field

    def _display(self, raw):
        """A stored value as the reader's language writes it ("red" -> Rød, 95.5 -> 95,5)."""
        from goals.numbers import format_number

        field = self._model_field()
        if raw == "" or field is None:
            return raw
        if field.choices:
            return dict(field.flatchoices).get(raw, raw)
        if isinstance(field, models.BooleanField):
            return _("Ja") if raw == "True" else _("Nej")
        if isinstance(field, models.DecimalField):
            return format_number(raw)
        return raw

    @property
    def before_display(self):
        return self._display(self.before)

    @property
    def after_display(self):
        return self._display(self.after)


class Role(models.TextChoices):
    REPORTER = "reporter", _("Indberetter")
    REVIEWER = "reviewer", _("Departementet (godkender)")


class Membership(models.Model):
    """A user's role at an institution (reporter) or in a ministry's department (reviewer)."""

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
                    Q(role="reporter", institution__isnull=False, ministry__isnull=True)
                    | Q(role="reviewer", ministry__isnull=False, institution__isnull=True)
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
