"""What every report shares: its header, file name, and words told in a quarter."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from goals.models import (
    Plan,
    Status,
)
from goals.selectors import (
    group_by_section,
)

TROUBLE = (Status.YELLOW, Status.RED)


def file_name(plan_or_ministry, year, *parts, extension):
    """A download's name: institution (or ministry), year, report and quarter, ASCII only."""
    words = [plan_or_ministry.short_name, str(year), *parts]
    return "-".join(slugify(word) for word in words if word) + f".{extension}"


@dataclass
class Told:
    """Something a goal's report says (cause, consequence, action, year to date), and the
    quarter it was said in: an earlier quarter's words are always shown with their quarter."""

    text: str
    quarter: int
    current: bool  # said in the report's own quarter

    @property
    def label(self):
        if self.current:
            return ""
        return _("fra %(quarter)d. kvt.") % {"quarter": self.quarter}


@dataclass
class ReportHeader:
    """What every page's running header and the file name need."""

    plan: Plan
    title: str
    subtitle: str
    generated: object = field(default_factory=timezone.localdate)

    @property
    def running(self):
        return " · ".join(
            part for part in (self.plan.institution.name, self.title, self.subtitle) if part
        )


def grouped(rows):
    """Rows under their goals' headings, in plan order."""
    return group_by_section(rows, section_of=lambda row: row.goal.section)
