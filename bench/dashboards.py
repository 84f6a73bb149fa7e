"""Server time of the dashboards for a large ministry, next to a trivial page in the same run.

The ministry: 200 institutions, each with a plan of 15 goals with 3 requirements, all four
quarters reported, plus 4 earlier years of complete history (goals/generate.py).

Run: SECRET_KEY=bench .venv/bin/python bench/dashboards.py [repeats]
Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set) and Django's
test client, so the figures are the server's own time without network or browser.
Target: every dashboard page under 150 ms at the median.
"""

import sys
import time

from common import connection, in_test_database, timed  # first: it sets Django up
from django.test import Client

INSTITUTIONS = 200
GOALS = 15
REQUIREMENTS = 3
YEARS = [2020, 2021, 2022, 2023, 2024]
TARGET_MS = 150


def counting(queries):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def measure(repeats):
    from goals.generate import generate_ministry, numbered_institutions
    from goals.models import Membership, Plan, StatusEntry
    from tests.conftest import member

    start = time.perf_counter()
    ministry = generate_ministry(
        name="Benchmarkministeriet",
        short_name="BENCH",
        institutions=numbered_institutions(INSTITUTIONS),
        years=YEARS,
        goals=GOALS,
        requirements=REQUIREMENTS,
        last_quarter=4,
        seed=1,
    )
    made = time.perf_counter() - start
    if connection.vendor == "postgresql":
        # A live database has its statistics (autovacuum keeps them); a bulk load has none
        # until it runs, and the planner guesses without them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = member("bench", Membership.Role.REVIEWER, ministry=ministry)
    client = Client()
    client.force_login(user)
    institution = Plan.objects.filter(ministry=ministry, year=YEARS[-1]).first().institution
    year = YEARS[-1]
    pages = [
        ("trivial page (login form)", "/konto/log-ind/", Client()),
        ("ministry overview", f"/overblik/BENCH/?aar={year}", client),
        ("ministry overview, sorted by Q4", f"/overblik/BENCH/?aar={year}&sorter=k4", client),
        ("institution plan page", f"/planer/{institution.short_name}/{year}/", client),
        ("needs attention", f"/overblik/BENCH/opmaerksomhed/?aar={year}", client),
        ("group-wide goals", f"/overblik/BENCH/koncernfaelles/?aar={year}", client),
    ]
    entries = StatusEntry.objects.filter(report__plan__ministry=ministry).count()
    print(
        f"{connection.vendor}: {INSTITUTIONS} institutions x {GOALS} goals x {REQUIREMENTS} "
        f"requirements, {len(YEARS)} years ({entries} status entries), made in {made:.0f} s; "
        f"{repeats} requests each"
    )
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KiB':>6}")
    for name, url, page_client in pages:
        page_client.get(url)  # warm up
        queries = []
        with connection.execute_wrapper(counting(queries)):
            size = len(page_client.get(url).content) // 1024
        median, p95 = timed(repeats, lambda c=page_client, u=url: c.get(u))
        flag = "" if name.startswith("trivial") or median < TARGET_MS else "  over target"
        print(f"{name:34} {median:10.1f} {p95:8.1f} {len(queries):8d} {size:6d}{flag}")


if __name__ == "__main__":
    in_test_database(measure, int(sys.argv[1]) if len(sys.argv) > 1 else 30)
