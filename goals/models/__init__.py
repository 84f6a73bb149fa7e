"""The plan register: ministries, institutions, plans, their goals and the follow-up on them.

The models live in modules by subject; everything is imported from here
(`from goals.models import Plan`).
"""

from goals.models.choices import (
    STATUS_SYMBOLS,
    Comparator,
    FigureKind,
    Fulfilment,
    FulfilmentRule,
    GoalKind,
    HistorySubject,
    Measure,
    ReportState,
    ResultType,
    Role,
    ScoringMethod,
    SectionKind,
    Status,
    Unit,
)
from goals.models.common import (
    QUARTER_SETS,
    QUARTERS,
    QuarterSetField,
    choices_check,
    quarter_end,
    quarters_to_text,
    text_to_quarters,
    validate_quarter_set,
)
from goals.models.follow_up import (
    GoalVerdict,
    HistoryRecord,
    QuarterReport,
    RequirementVerdict,
    StatusEntry,
)
from goals.models.notices import Notice, NoticeKind, UserPreference
from goals.models.organisations import (
    GroupGoal,
    Institution,
    Membership,
    Ministry,
    MinistryBeacon,
)
from goals.models.plans import (
    Goal,
    Plan,
    QuarterTarget,
    Requirement,
    Section,
    SeriesPoint,
    Signatory,
)

__all__ = [
    "QUARTERS",
    "QUARTER_SETS",
    "STATUS_SYMBOLS",
    "Comparator",
    "FigureKind",
    "Fulfilment",
    "FulfilmentRule",
    "Goal",
    "GoalKind",
    "GoalVerdict",
    "GroupGoal",
    "HistoryRecord",
    "HistorySubject",
    "Institution",
    "Measure",
    "Membership",
    "Ministry",
    "MinistryBeacon",
    "Notice",
    "NoticeKind",
    "Plan",
    "QuarterReport",
    "QuarterSetField",
    "QuarterTarget",
    "ReportState",
    "Requirement",
    "RequirementVerdict",
    "ResultType",
    "Role",
    "ScoringMethod",
    "Section",
    "SectionKind",
    "SeriesPoint",
    "Signatory",
    "Status",
    "StatusEntry",
    "Unit",
    "UserPreference",
    "choices_check",
    "quarter_end",
    "quarters_to_text",
    "text_to_quarters",
    "validate_quarter_set",
]
