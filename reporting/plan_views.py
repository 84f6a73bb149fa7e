"""A plan's page: its quarters, its reports, its goals by quarter and the year's charts.

It sits with the dashboards and reports, which it shares its charts and figures with; the
plan register (goals) knows nothing of them.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _

from goals.agreement import amendments_of
from goals.copying import next_year_offer
from goals.models import Section
from goals.permissions import plan_access, request_roles
from goals.selectors import plan_overview, sections_with_goals
from reporting.charts import distribution_chart, legend_items, trend_chart
from reporting.documents.last_year import goal_years
from reporting.selectors import plan_status_totals


@plan_access()
def plan_detail(request, plan):
    # The institution's reporters see their own drafts' statuses, marked as drafts; everyone
    # else, the department too, sees what was handed in.
    own_drafts = request.plan_rights.report
    rows, reports = plan_overview(plan, handed_in_only=not own_drafts)
    goal_rows = [row for _section, group in rows for row in group]
    totals = plan_status_totals(plan, goal_rows, reports)
    # The institution's strategic beacons, with those no goal sits under.
    beacons = sections_with_goals(
        plan, goal_rows, lambda row: row.goal.section, kind=Section.Kind.BEACON
    )
    charts = [
        distribution_chart(totals, "fordeling", _("Statusfordeling pr. kvartal")),
        trend_chart(totals, "udvikling", _("Udviklingen over året")),
    ]
    quarters = [
        {
            "number": quarter,
            "report": report,
            "deadline": plan.deadline_for(quarter),
            "overdue": plan.is_overdue(quarter, report),
        }
        for quarter, report in zip((1, 2, 3, 4), reports, strict=True)
    ]
    return render(
        request,
        "reporting/plan.html",
        {
            "plan": plan,
            "rights": request.plan_rights,
            "rows": rows,
            "beacons": beacons,
            "reports": reports,
            "states": [report.state if report else "" for report in reports],
            "quarters": quarters,
            "charts": charts if any(t["green"] + t["yellow"] + t["red"] for t in totals) else [],
            "legend": legend_items(),
            "next_year": next_year_offer(request.user, plan, request_roles(request)),
            "goal_years": goal_years(row.goal for row in goal_rows),
            "amendments": amendments_of(plan),
        },
    )
