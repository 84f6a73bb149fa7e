"""The fixed vocabularies of the register: kinds, rules, measures, units, states, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoringMethod(models.TextChoices):
    BINARY = "binary", _("Binær: et mål tæller 0 eller 100 pct. af sin vægt")
    PARTIAL = "partial", _("Delvis: delvist opfyldte mål tæller med en del af deres vægt")


class SectionKind(models.TextChoices):
    BEACON = "beacon", _("Pejlemærke")
    SECTION = "section", _("Afsnit")


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


class Measure(models.TextChoices):
    TEXT = "text", _("Beskrevet i tekst")
    THRESHOLD = "threshold", _("Tærskel")
    MILESTONE = "milestone", _("Milepæl med frist")
    RELATIVE = "relative", _("Relativt mål mod en reference")
    CUMULATIVE = "cumulative", _("Kumulative kvartalsmål")
    SERIES = "series", _("Flerårig serie")
    PARTS = "parts", _("Flere tærskler i ét krav (delkrav)")


class FigureKind(models.TextChoices):
    """How a requirement's figure runs through the year (see goals/figures.py)."""

    LEVEL = "level", _("Niveau: kvartalets tal holdes op mod målet")
    RUNNING_TOTAL = "running_total", _("Løbende sum: kvartalernes tal lægges sammen år til dato")
    SINGLE = "single", _("Enkeltmåling: ét tal i året, som er årets tal")


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


class Status(models.TextChoices):
    """The traffic light of a quarter's follow-up (rød / gul / grøn)."""

    RED = "red", _("Rød")
    YELLOW = "yellow", _("Gul")
    GREEN = "green", _("Grøn")


# A status is never told by colour alone: every page, chart and report shows its symbol too.
STATUS_SYMBOLS = {Status.GREEN: "✓", Status.YELLOW: "!", Status.RED: "✕"}


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


# A quarter counts for the department once the institution has handed it in: submitted or
# approved. A draft, or a quarter sent back and not yet resubmitted, is the institution's own
# work in progress, so every count, chart and degree across institutions leaves it out.
HANDED_IN_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


class HistorySubject(models.TextChoices):
    ENTRY = "entry", _("Statusindberetning")
    REPORT = "report", _("Kvartalsopfølgning")
    REQUIREMENT_VERDICT = "requirement_verdict", _("Vurdering af resultatkrav")
    GOAL_VERDICT = "goal_verdict", _("Vurdering af mål")


class Role(models.TextChoices):
    # At an institution:
    REPORTER = "reporter", _("Indberetter")
    PLANNER = "planner", _("Planlægger")
    # In a ministry:
    REVIEWER = "reviewer", _("Departementet (godkender)")
    ADMIN = "ministry_admin", _("Ministeriets administrator")


# Which roles are held at an institution and which in a ministry's department.
INSTITUTION_ROLES = (Role.REPORTER, Role.PLANNER)
MINISTRY_ROLES = (Role.REVIEWER, Role.ADMIN)


class PlanState(models.TextChoices):
    """A plan's life as an agreement: drafted together, put forward, agreed (and locked)."""

    DRAFT = "draft", _("Udkast")
    PROPOSED = "proposed", _("Til godkendelse")
    AGREED = "agreed", _("Aftalt")


class PlanEventKind(models.TextChoices):
    PROPOSED = "proposed", _("Sendt til godkendelse")
    RETURNED = "returned", _("Sendt tilbage til udkast")
    AGREED = "agreed", _("Aftalt")


class AmendmentState(models.TextChoices):
    """An amendment of an agreed plan: being made, made (awaiting the department), approved."""

    OPEN = "open", _("Under udarbejdelse")
    MADE = "made", _("Afventer departementets godkendelse")
    APPROVED = "approved", _("Godkendt af departementet")


class PlanPart(models.TextChoices):
    """What part of a plan a change concerns."""

    PLAN = "plan", _("Planen")
    SECTION = "section", _("Pejlemærke/afsnit")
    SIGNATORY = "signatory", _("Underskriver")
    GOAL = "goal", _("Mål")
    REQUIREMENT = "requirement", _("Resultatkrav")
    QUARTER_TARGET = "quarter_target", _("Kvartalsmål")
    SERIES = "series", _("Serieår")
