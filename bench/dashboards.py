"""Server time of the dashboards for a large ministry, next to a trivial page in the same run.

The ministry: 200 institutions, each with a plan of 15 goals with 3 requirements, all four
quarters reported, plus 4 earlier years of complete history (goals/generate.py).

Run: SECRET_KEY=bench .venv/bin/python bench/dashboards.py [repeats] [--institutions N]
Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set) and Django's
test client, so the figures are the server's own time without network or browser.

Target: every dashboard page at most 20 times the trivial page's median in the same run
(the machine's speed varies through the day; the ratio does not), and the overview's HTML
under 250 KiB for 200 institutions. Each page's requests alternate with the trivial
page's, and "x trivial" divides the page's median by the median of the trivial requests
made between them, so a machine busy with other work slows both alike.

After the bulk load the script runs VACUUM ANALYZE, as autovacuum would on a live PostgreSQL
database; on SQLite, which keeps no statistics by itself, it runs ANALYZE unless
`--no-analyze` is given. Without statistics SQLite reads a few goals' requirements through
the index of `part_of IS NULL`, every year's requirements of the ministry, not through the
goals' index: a few milliseconds a page that shows requirements.
"""

import argparse
import statistics
import time

from common import connection, in_test_database, timed  # first: it sets Django up
from django.test import Client

GOALS = 15
REQUIREMENTS = 3
YEARS = [2020, 2021, 2022, 2023, 2024]
TARGET_RATIO = 20
OVERVIEW_KIB = 250


def counting(queries):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def measure(repeats, institutions=200, analyze=True):
    from goals.generate import generate_ministry, numbered_institutions
    from goals.models import Membership, Plan, StatusEntry
    from tests.conftest import member

    start = time.perf_counter()
    ministry = generate_ministry(
        name="Benchmarkministeriet",
        short_name="BENCH",
        institutions=numbered_institutions(institutions),
        years=YEARS,
        goals=GOALS,
        requirements=REQUIREMENTS,
        last_quarter=4,
        seed=1,
    )
    made = time.perf_counter() - start
    if analyze:
        # A live database has its statistics, and on PostgreSQL its visibility map (autovacuum
        # keeps both, vacuuming a table after many inserts too); a bulk load has neither until
        # it runs, and the planner guesses without them.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
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
        f"{connection.vendor}: {institutions} institutions x {GOALS} goals x {REQUIREMENTS} "
        f"requirements, {len(YEARS)} years ({entries} status entries), made in {made:.0f} s; "
        f"{repeats} requests each; statistics: {'analyzed' if analyze else 'none'}"
    )
    print(
        f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'x trivial':>10} {'queries':>8} {'KiB':>6}"
    )
    trivial_client, trivial_url = pages[0][2], pages[0][1]
    trivial_client.get(trivial_url)
    all_trivial = []
    rows = []
    for name, url, page_client in pages[1:]:
        page_client.get(url)  # warm up
        queries = []
        with connection.execute_wrapper(counting(queries)):
            size = len(page_client.get(url).content) / 1024
        # Each request of the page follows one of the trivial page, so that the ratio of the
        # two compares them under the same load of the machine.
        paired = []
        page_times = []
        for _ in range(repeats):
            paired.append(timed(1, lambda: trivial_client.get(trivial_url))[0])
            page_times.append(timed(1, lambda c=page_client, u=url: c.get(u))[0])
        all_trivial += paired
        rows.append((name, page_times, statistics.median(paired), len(queries), size))
    print(row_line(pages[0][0], all_trivial, 1.0, 0, 2))
    for name, times, trivial, queries, size in rows:
        line = row_line(name, times, statistics.median(times) / trivial, queries, size)
        if statistics.median(times) / trivial > TARGET_RATIO:
            line += "  over target"
        if name.startswith("ministry overview") and institutions == 200 and size > OVERVIEW_KIB:
            line += "  over size"
        print(line)


def row_line(name, times, ratio, queries, size):
    times = sorted(times)
    median, p95 = statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]
    return f"{name:34} {median:10.1f} {p95:8.1f} {ratio:10.1f} {queries:8d} {size:6.0f}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repeats", nargs="?", type=int, default=30, help="requests per page")
    parser.add_argument("--institutions", type=int, default=200)
    parser.add_argument(
        "--no-analyze", action="store_true", help="leave the database without statistics"
    )
    options = parser.parse_args()
    in_test_database(
        lambda repeats: measure(repeats, options.institutions, not options.no_analyze),
        options.repeats,
    )
