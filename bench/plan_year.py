"""Server time of the plan's pages (issue 17) for a large plan, against a trivial page.

The plan: 40 goals with 4 requirements each, under 5 beacons, the year before reported in
full (goals/generate.py); next year's plan is made from it by copy_plan, as a draft, with a
comment on every goal. Measured: the copy itself, the editor page, one goal's form and card
in place (htmx), the agreement page, the plan list and the new-plan page.

Run: SECRET_KEY=bench .venv/bin/python bench/plan_year.py [repeats [goals [requirements]]]
Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set) and Django's
test client, so the figures are the server's own time without network or browser.
Target: each page at most 20 times the trivial page's median in the same run; the copy at
most 100 times it (it writes every row of the plan).
"""

import sys
import time

from common import connection, in_test_database, timed  # first: it sets Django up
from dashboards import counting
from django.test import Client
from django.utils import timezone

GOALS = int(sys.argv[2]) if len(sys.argv) > 2 else 40
REQUIREMENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 4
PAGE_TARGET = 20
COPY_TARGET = 100


def measure(repeats):
    from goals import planning
    from goals.copying import copy_plan
    from goals.generate import generate_ministry, numbered_institutions
    from goals.models import Membership, Plan
    from tests.conftest import member

    year = timezone.localdate().year - 1
    start = time.perf_counter()
    ministry = generate_ministry(
        name="Benchmarkministeriet",
        short_name="BENCH",
        institutions=numbered_institutions(1),
        years=[year],
        goals=GOALS,
        requirements=REQUIREMENTS,
        last_quarter=4,
        seed=1,
    )
    made = time.perf_counter() - start
    plan = Plan.objects.get(ministry=ministry, year=year)
    institution = plan.institution
    planner = member("bench-planner", Membership.Role.PLANNER, institution=institution)
    reviewer = member("bench-reviewer", Membership.Role.REVIEWER, ministry=ministry)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    trivial_client = Client()
    trivial_client.get("/konto/log-ind/")
    trivial, _p95 = timed(repeats, lambda: trivial_client.get("/konto/log-ind/"))

    # The copy, timed on throwaway years so every run copies the same plan.
    copies = []
    queries = []
    for n in range(max(3, repeats // 10)):
        start = time.perf_counter()
        with connection.execute_wrapper(counting(queries if n == 0 else [])):
            copy = copy_plan(plan, year=year + 10 + n, user=planner)
        copies.append((time.perf_counter() - start) * 1000)
    copies.sort()
    copy_median = copies[len(copies) // 2]
    rows = copy.goals.count() + sum(g.requirements.count() for g in copy.goals.all())

    draft = copy_plan(plan, year=year + 1, user=planner)
    for goal in draft.goals.all():
        planning.add_comment(
            plan=draft, user=reviewer, text="Kan målet skærpes?", by_department=True, goal=goal
        )
    goal = draft.goals.order_by("order").first()
    editor = f"/planer/{institution.short_name}/{draft.year}/rediger/"
    htmx = {"HTTP_HX_REQUEST": "true"}
    as_planner = Client()
    as_planner.force_login(planner)
    as_reviewer = Client()
    as_reviewer.force_login(reviewer)
    pages = [
        (f"editor page ({GOALS} goals)", as_planner, editor, {}),
        ("a goal's form, in place", as_planner, f"{editor}maal/{goal.pk}/ret/", htmx),
        ("a goal's card, in place", as_planner, f"{editor}maal/{goal.pk}/", htmx),
        (f"agreement page ({GOALS} comments)", as_reviewer,
         f"/planer/{institution.short_name}/{draft.year}/aftale/", {}),
        ("plan list", as_reviewer, "/planer/", {}),
        ("new-plan page", as_reviewer, "/planer/ny/", {}),
    ]  # fmt: skip
    print(
        f"{connection.vendor}: a plan of {GOALS} goals x {REQUIREMENTS} requirements, "
        f"made in {made:.0f} s; {repeats} requests each"
    )
    print(f"{'what':32} {'median ms':>10} {'p95 ms':>8} {'x trivial':>9} {'queries':>8} {'KiB':>6}")
    print(f"{'trivial page (login form)':32} {trivial:10.1f} {_p95:8.1f} {1:9.1f}")
    ratio = copy_median / trivial
    flag = "  over target" if ratio > COPY_TARGET else ""
    print(
        f"{'copy_plan (' + str(rows) + ' rows)':32} {copy_median:10.1f} {copies[-1]:8.1f} "
        f"{ratio:9.1f} {len(queries):8d} {'':>6}{flag}"
    )
    for name, page_client, url, headers in pages:
        page_client.get(url, **headers)  # warm up
        queries = []
        with connection.execute_wrapper(counting(queries)):
            size = len(page_client.get(url, **headers).content) // 1024
        median, p95 = timed(repeats, lambda c=page_client, u=url, h=headers: c.get(u, **h))
        ratio = median / trivial
        flag = "  over target" if ratio > PAGE_TARGET else ""
        print(f"{name:32} {median:10.1f} {p95:8.1f} {ratio:9.1f} {len(queries):8d} {size:6d}{flag}")


if __name__ == "__main__":
    in_test_database(measure, int(sys.argv[1]) if len(sys.argv) > 1 else 30)
