"""Server time of the quarter page for the 2024 ADST reference plan (10 goals, 21 requirements).

Run: SECRET_KEY=bench .venv/bin/python bench/quarter_page.py [repeats]
Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set) and Django's
test client, so the figures are the server's own time without network or browser.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrplan.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def timed(repeats, request):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), response.status_code
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main(repeats=50):
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    database = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        measure(repeats)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


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

    rows = [
        ("trivial page (login form)", timed(repeats, lambda: Client().get("/konto/log-ind/"))),
        ("quarter page, GET", timed(repeats, lambda: client.get(url))),
        ("quarter page, save", timed(repeats, save)),
        ("plan page, GET", timed(repeats, lambda: client.get("/planer/ADST/2024/"))),
    ]
    print(f"{connection.vendor}, {repeats} requests each, page size {len(page) // 1024} KiB")
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8}")
    for name, (median, p95) in rows:
        print(f"{name:32} {median:10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
