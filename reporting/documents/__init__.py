"""What the printed reports say, built once for the HTML page, the PDF and the Excel file.

- `follow_up(plan, quarter)`: the follow-up template (Skabelon for opfølgning og
  afrapportering), one row per goal with each quarter's results up to the quarter;
- `annual(plan)`: the annual fulfilment report, the year's results, verdicts and scores,
  and an analysis of each goal not fully met;
- `plan_document(plan)`: the plan itself, with the chapters its contents call for;
- `ministry_summary(ministry, year)`: every institution's degree and verdict counts.

Each returns a plain object the templates and the Excel writer read; none renders anything.
"""

from reporting.documents.annual import Annual, annual
from reporting.documents.common import file_name
from reporting.documents.follow_up import FollowUp, follow_up
from reporting.documents.plan import (
    KIND_ACTIVITY,
    MONTHS,
    PlanDocument,
    deadline_quarter,
    plan_document,
    plan_document_labels,
)
from reporting.documents.summary import MinistrySummary, ministry_summary, summary_plans

__all__ = [
    "KIND_ACTIVITY",
    "MONTHS",
    "Annual",
    "FollowUp",
    "MinistrySummary",
    "PlanDocument",
    "annual",
    "deadline_quarter",
    "file_name",
    "follow_up",
    "ministry_summary",
    "plan_document",
    "plan_document_labels",
    "summary_plans",
]
