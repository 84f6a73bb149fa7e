"""Server time of the quarter page for the 2024 ADST reference plan (10 goals, 21 requirements).

Run: SECRET_KEY=bench .venv/bin/python bench/quarter_page.py [repeats]
Target: the quarter page's GET at most 10 times the trivial page's median in the same run.
Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set) and Django's
test client, so the figures are the server's own time without network or browser.
"""

import statistics
import sys
from pathlib import Path

from common import connection, in_test_database, timed  # first: it sets Django up
from django.conf import settings
from django.test import Client


def measure(repeats):
    from django.contrib.auth import get_user_model

    from goals.models import Membership
    from goals.planfile import import_plan, read_plan_file

    plan_file = Path(settings.BASE_DIR) / "fixtures" / "plans" / "adst-2024.yaml"
    plan = import_plan(read_plan_file(plan_file.read_bytes()))
    user = get_user_model().objects.create_user("bench")
    Membership.objects.create(user=user, role="reporter", institution=plan.institution)
    client = Client()
    client.force_login(user)
    url = "/planer/ADST/2024/kvartal/2/"
    page = client.get(url).content.decode()
    data = {"action": "save", "version": "0"}
    for goal in plan.goals.all():
        data[f"g{goal.pk}-status"] = "green"
        data[f"g{goal.pk}-result_text"] = "Målet forventes nået."
    version = 0

    def save():
        nonlocal version
        data["version"] = str(version)
        data[f"g{plan.goals.first().pk}-result_text"] = f"Gemt {version}"
        response = client.post(url, data)
        version += 1
        return response

    # A draft with one number that cannot be read: the rest is saved and the page comes back
    # with the number as typed (200), at the version the save reached.
    requirement = next(r for goal in plan.goals.all() for r in goal.requirements.all())

    def partial_save():
        nonlocal version
        data["version"] = str(version)
        data[f"g{plan.goals.first().pk}-result_text"] = f"Gemt {version}"
        response = client.post(url, {**data, f"r{requirement.pk}-result_value": "9.5"})
        version += 1
        return response

    # The department reads a submitted quarter as a document (the third: the second is saved).
    reviewer = get_user_model().objects.create_user("bench-reviewer")
    Membership.objects.create(user=reviewer, role="reviewer", ministry=plan.ministry)
    document_url = url.replace("/kvartal/2/", "/kvartal/3/")
    submitted = client.post(document_url, {**data, "action": "submit", "version": "0"})
    assert submitted.status_code == 302, submitted.status_code
    department = Client()
    department.force_login(reviewer)
    assert "quarter-document" in department.get(document_url).content.decode()

    # One client for the anonymous visitor too: each new Client builds the middleware anew,
    # and whitenoise's reads the whole static folder, as a server does once at its start.
    anonymous = Client()
    trivial = lambda: anonymous.get("/konto/log-ind/")  # noqa: E731
    pages = [
        ("quarter page, GET", lambda: client.get(url), (200,)),
        ("quarter page, save", save, (302,)),
        ("quarter page, partial save", partial_save, (200,)),
        ("quarter as a document, GET", lambda: department.get(document_url), (200,)),
        ("plan page, GET", lambda: client.get("/planer/ADST/2024/"), (200,)),
    ]
    # Each request of a page follows one of the trivial page, so that their ratio compares
    # them under the same load of the machine.
    rows, all_trivial = [], []
    for name, request, ok in pages:
        paired, times = [], []
        for _ in range(repeats):
            paired.append(timed(1, trivial)[0])
            times.append(timed(1, request, ok=ok)[0])
        all_trivial += paired
        rows.append((name, times, statistics.median(paired)))
    print(f"{connection.vendor}, {repeats} requests each, page size {len(page) // 1024} KiB")
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'x trivial':>10}")
    for name, times, paired in [("trivial page (login form)", all_trivial, None), *rows]:
        times.sort()
        median, p95 = statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]
        ratio = median / paired if paired else 1.0
        flag = "  over target" if name == "quarter page, GET" and ratio > 10 else ""
        print(f"{name:32} {median:10.1f} {p95:8.1f} {ratio:10.1f}{flag}")


if __name__ == "__main__":
    in_test_database(measure, int(sys.argv[1]) if len(sys.argv) > 1 else 50)
