"""The department's dashboards: a ministry's institutions at a glance."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from goals.models import QUARTERS, Ministry
from goals.permissions import ministry_access
from reporting import selectors
from reporting.charts import distribution_chart, legend_items, trend_chart
from reporting.forms import DashboardFilterForm

ATTENTION_PAGE_SIZE = 25
# Quarters waiting, overdue or returned, per page: the oldest first, so the page starts with
# what has waited longest.
REPORTS_PAGE_SIZE = 25


@login_required
def index(request):
    """The department's way in: straight to its ministry, or a list when there are several."""
    ministries = list(Ministry.objects.reviewed_by(request.user).order_by("name"))
    if not ministries:
        raise PermissionDenied
    if len(ministries) == 1:
        return redirect("reporting:overview", ministries[0].short_name)
    return render(request, "reporting/index.html", {"ministries": ministries})


def _filter_form(request, ministry, **options):
    years = selectors.plan_years(ministry)
    only = options.get("only")
    return DashboardFilterForm(
        request.GET,
        years=years,
        beacons=selectors.beacons_of(ministry) if only is None or "pejlemaerke" in only else [],
        year=selectors.default_year(years),
        **options,
    )


def _context(request, ministry, form, page):
    return {
        # Whoever sees a dashboard has access to the dashboards: the header needs no query
        # to know (reporting.context_processors.dashboards asks only when not told).
        "dashboard_access": True,
        "ministry": ministry,
        "form": form,
        "filters": form.filters(),
        "page": page,
        "ministries": request.reviewed_ministries,
        "legend": legend_items(),
    }


@ministry_access
def overview(request, ministry):
    form = _filter_form(request, ministry, with_sort=True)
    filters = form.filters()
    rows = selectors.ministry_overview(ministry, filters)
    totals = selectors.overview_totals(rows)
    sort = form.sort
    columns = [("institution", _("Institution"))]
    quarters = [filters.quarter] if filters.quarter else list(QUARTERS)
    columns += [(f"k{q}", _("%(quarter)d. kvartal") % {"quarter": q}) for q in quarters]
    columns.append(("grad", _("Målopfyldelse hidtil")))
    context = _context(request, ministry, form, "overview")
    context.update(
        rows=selectors.sort_rows(rows, sort),
        not_agreed=selectors.plans_not_agreed(ministry, filters.year),
        quarters=quarters,
        headers=[_sort_header(key, label, sort) for key, label in columns],
        charts=[
            distribution_chart(
                totals,
                "fordeling",
                _("Statusfordeling pr. kvartal, %(year)d") % {"year": filters.year},
            ),
            trend_chart(
                totals,
                "udvikling",
                _("Udviklingen over året, %(year)d") % {"year": filters.year},
            ),
        ],
    )
    return render(request, "reporting/overview.html", context)


def _sort_header(key, label, sort):
    """A column header: its label, the sort its link asks for, and its aria-sort."""
    active = sort.lstrip("-") == key
    descending = sort.startswith("-")
    # A quarter sorts worst first, which is the most red at the top: a descending order.
    worst_first = key.startswith("k")
    if not active:
        aria = None
    elif worst_first:
        aria = "ascending" if descending else "descending"
    else:
        aria = "descending" if descending else "ascending"
    return {
        "key": key,
        "label": label,
        "next": f"-{key}" if active and not descending else key,
        "aria_sort": aria,
        "active": active,
        "descending": descending,
    }


@ministry_access
def attention(request, ministry):
    form = _filter_form(request, ministry, with_status=True)
    filters = form.filters()
    # The year's reports read once, for the goals' statuses and for the quarters listed.
    year = selectors.YearStatuses.read(
        ministry, filters.year, verdicts=False, beacons=bool(filters.beacon), report_facts=True
    )
    paginator = Paginator(selectors.attention_entries(ministry, filters, year), ATTENTION_PAGE_SIZE)
    entries = paginator.get_page(request.GET.get("side"))
    entries.object_list = selectors.attention_page(entries.object_list)
    context = _context(request, ministry, form, "attention")
    context.update(
        entries=entries,
        reports=Paginator(
            selectors.attention_reports(ministry, filters.year, reports=year.report_facts),
            REPORTS_PAGE_SIZE,
        ).get_page(request.GET.get("rapporter")),
        today=timezone.localdate(),
    )
    return render(request, "reporting/attention.html", context)


@ministry_access
def group_goals(request, ministry):
    form = _filter_form(request, ministry, with_sort=True, only=("aar", "sorter"))
    filters = form.filters()
    sort = form.sort if form.sort.lstrip("-") in selectors.GROUP_SORTS else "institution"
    context = _context(request, ministry, form, "group_goals")
    found = selectors.group_goal_overview(
        ministry, filters.year, request.GET.get("maal"), sort=sort, page=request.GET.get("side")
    )
    columns = [("institution", _("Institution"))] + [
        (f"k{q}", _("%(quarter)d. kvartal") % {"quarter": q}) for q in QUARTERS
    ]
    context.update(
        group_goals=found.group_goals,
        chosen=found.chosen,
        rows=found.rows,
        entries=found.page,
        totals=found.totals,
        quarters=QUARTERS,
        headers=[_sort_header(key, label, sort) for key, label in columns],
    )
    return render(request, "reporting/group_goals.html", context)
