"""Server time of the home page (the to-do list) for a large ministry, against a trivial page.

The ministry: 200 institutions, each with a plan of 15 goals with 3 requirements for each of
the last five years up to this one; earlier years complete, this year reported up to the last
quarter that has ended, with the mix of states a deadline day has (goals/generate.py). The
reviewer's home page lists every quarter waiting for approval, returned or overdue across
them; the reporter's lists one institution's five plans with what each open quarter lacks.
The plan page shows what the header's count costs a page that is not the home page (the
plan page's own target is in bench/dashboards.py).

Run: SECRET_KEY=bench .venv/bin/python bench/home_page.py [repeats]
Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set) and Django's
test client, so the figures are the server's own time without network or browser.
Target: each home page at most 20 times the trivial page's median in the same run.
"""

import sys
import time

from common import connection, in_test_database, timed  # first: it sets Django up
from dashboards import counting
from django.test import Client
from django.utils import timezone

INSTITUTIONS = 200
GOALS = 15
REQUIREMENTS = 3
TARGET_RATIO = 20


def measure(repeats):
    from goals.generate import generate_ministry, numbered_institutions
    from goals.models import Membership, Plan, QuarterReport
    from tests.conftest import member

    today = timezone.localdate()
    years = list(range(today.year - 4, today.year + 1))
    ended = (today.month - 1) // 3  # the quarters of this year that have ended
    start = time.perf_counter()
    ministry = generate_ministry(
        name="Benchmarkministeriet",
        short_name="BENCH",
        institutions=numbered_institutions(INSTITUTIONS),
        years=years,
        goals=GOALS,
        requirements=REQUIREMENTS,
        last_quarter=ended,
        seed=1,
    )
    made = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    reviewer = Client()
    reviewer.force_login(member("bench-rev", Membership.Role.REVIEWER, ministry=ministry))
    institution = Plan.objects.filter(ministry=ministry, year=years[-1]).first().institution
    reporter = Client()
    reporter.force_login(member("bench-rep", Membership.Role.REPORTER, institution=institution))
    pages = [
        ("trivial page (login form)", "/konto/log-ind/", Client()),
        ("home page, anonymous", "/", Client()),
        ("home page, reviewer (200 inst.)", "/", reviewer),
        ("home page, reporter (5 plans)", "/", reporter),
        ("plan page, reporter (header count)", f"/planer/{institution.short_name}/{years[-1]}/",
         reporter),
    ]  # fmt: skip
    waiting = QuarterReport.objects.filter(plan__ministry=ministry, state="submitted").count()
    print(
        f"{connection.vendor}: {INSTITUTIONS} institutions x {GOALS} goals x {REQUIREMENTS} "
        f"requirements, years {years[0]}-{years[-1]} ({ended} quarters of {years[-1]} ended, "
        f"{waiting} quarters waiting for approval), made in {made:.0f} s; {repeats} requests each"
    )
    print(f"{'page':36} {'median ms':>10} {'p95 ms':>8} {'x trivial':>9} {'queries':>8} {'KiB':>6}")
    trivial = None
    for name, url, page_client in pages:
        page_client.get(url)  # warm up
        queries = []
        with connection.execute_wrapper(counting(queries)):
            size = len(page_client.get(url).content) // 1024
        median, p95 = timed(repeats, lambda c=page_client, u=url: c.get(u))
        trivial = trivial or median
        ratio = median / trivial
        flag = "  over target" if name.startswith("home") and ratio > TARGET_RATIO else ""
        print(f"{name:36} {median:10.1f} {p95:8.1f} {ratio:9.1f} {len(queries):8d} {size:6d}{flag}")


if __name__ == "__main__":
    in_test_database(measure, int(sys.argv[1]) if len(sys.argv) > 1 else 30)
