"""The quarterly deadline under load, and PostgreSQL restarted in the middle of it.

Serves mrplan with gunicorn (`scripts/serve.sh`, as in production but on plain HTTP) on
PostgreSQL at 127.0.0.1:5432, against a fresh database `mrplan_load` with a ministry of 50
institutions (12 goals x 3 requirements each, three quarters reported). Then locust
(bench/locustfile.py) runs, against 127.0.0.1 only and for a bounded time:
- 50 reporters, one per institution, each opening its fourth quarter and saving it, again
  and again: every 5-15 s, a person typing between saves (--pace fast: every 1-3 s);
- 20 reviewers browsing the ministry overview, needs attention, the group-wide goals and
  the institutions' plan pages: a page every 3-10 s (--pace fast: 1-3 s).
The users log in as they arrive, 5 a second (each log-in checks an Argon2 hash).
It prints requests per second, the median and 95th percentile per page, and the errors.

With --restart, PostgreSQL is restarted (`pg_ctlcluster ... restart`) a third of the way in.
Requests during the outage should get the 503 page; the app must recover by itself; and
every save the server confirmed (a redirect after the POST) must be in the database
afterwards: the script looks each one up in the history.

Run (as root, for the restart; PostgreSQL's own cluster on this machine):
  SECRET_KEY=bench .venv/bin/python bench/deadline.py [--seconds 60] [--pace fast] [--restart]
Needs locust, pinned in requirements/bench.lock (`make bench-deadline` installs it).
Target: no errors, 95th percentile under 500 ms.
"""

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "mrplan_load"
SERVER = "postgres://postgres@127.0.0.1:5432"
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
os.environ.setdefault("SECRET_KEY", "bench")
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrplan.settings")

import django  # noqa: E402
import psycopg2  # noqa: E402

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = secrets.token_urlsafe(12)
REPORTERS, REVIEWERS = 50, 20
P95_TARGET_MS = 500


def fresh_database():
    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    admin.close()


def make_data(year):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from goals.generate import generate_ministry, numbered_institutions
    from goals.models import Membership

    call_command("migrate", verbosity=0)
    ministry = generate_ministry(
        name="Belastningsministeriet", short_name="LOAD",
        institutions=numbered_institutions(REPORTERS, prefix="LI"),
        years=[year], goals=12, requirements=3, last_quarter=3, seed=7,
    )  # fmt: skip
    User = get_user_model()
    password = make_password(PASSWORD)  # one Argon2 hash for all: made once, not 70 times
    users = User.objects.bulk_create(
        [User(username=f"load-reporter-{n}", password=password) for n in range(1, 51)]
        + [User(username=f"load-reviewer-{n}", password=password) for n in range(1, 21)]
    )
    institutions = {i.short_name: i for i in ministry.institutions.all()}
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                role=Membership.Role.REPORTER,
                institution=institutions[f"LI{int(user.username.rsplit('-', 1)[1]):03d}"],
            )
            for user in users[:REPORTERS]
        ]
        + [
            Membership(user=user, role=Membership.Role.REVIEWER, ministry=ministry)
            for user in users[REPORTERS:]
        ]
    )


def serve():
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "BIND": f"127.0.0.1:{PORT}",
        "WORKER": "0",
        "MIGRATE": "0",
        "PYTHON": sys.executable,
    }
    env.pop("DEBUG", None)
    server = subprocess.Popen(
        ["sh", "scripts/serve.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{BASE}/helse/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /helse/ within 60 s")


def restart_postgres(after, log):
    """Restart PostgreSQL `after` seconds from now; note when it was down and up again."""
    time.sleep(after)
    cluster = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout.split()
    version, name = cluster[0], cluster[1]
    log["restart_at"] = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True
    )
    log["back_at"] = time.monotonic()
    # The first answer of the app after the restart, without restarting the app.
    while True:
        try:
            with urllib.request.urlopen(f"{BASE}/helse/", timeout=2) as response:
                if response.status == 200:
                    log["app_ok_at"] = time.monotonic()
                    return
        except OSError:
            time.sleep(0.2)


def run_locust(seconds, year, saves, prefix, restart, pace):
    env = {
        **os.environ,
        "LOAD_PACE": pace,
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_YEAR": str(year),
        "LOAD_SAVES": str(saves),
        "LOAD_MINISTRY": "LOAD",
    }
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--users", str(REPORTERS + REVIEWERS), "--spawn-rate", "5",
        "--run-time", f"{seconds}s", "--host", BASE, "--csv", str(prefix),
        "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5",
    ]  # fmt: skip
    locust = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    log = {"started": time.monotonic()}
    if restart:
        restart_postgres(seconds / 3, log)
    locust.wait(timeout=seconds + 120)
    return log


def read_stats(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
        failures = list(csv.DictReader(handle))
    return stats, failures


def confirmed_saves_missing(saves):
    from goals.models import HistoryRecord

    confirmed = [line for line in saves.read_text(encoding="utf-8").splitlines() if line]
    kept = set(
        HistoryRecord.objects.filter(field="result_text", after__in=confirmed).values_list(
            "after", flat=True
        )
    )
    return confirmed, [value for value in confirmed if value not in kept]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--restart", action="store_true")
    parser.add_argument("--pace", choices=["human", "fast"], default="human")
    arguments = parser.parse_args()
    if not (Path(sys.executable).parent / "locust").exists():
        sys.exit("locust is missing: run `make bench-deadline`, which installs it.")
    django.setup()
    from django.db import connection
    from django.utils import timezone

    year = timezone.localdate().year
    fresh_database()
    started = time.monotonic()
    make_data(year)
    print(f"{REPORTERS} institutions, {REPORTERS} reporters, {REVIEWERS} reviewers; "
          f"data made in {time.monotonic() - started:.0f} s")  # fmt: skip
    connection.close()
    server = serve()
    folder = Path(tempfile.mkdtemp(prefix="mrplan-deadline-"))
    saves = folder / "saves.txt"
    saves.touch()
    try:
        log = run_locust(
            arguments.seconds, year, saves, folder / "locust", arguments.restart, arguments.pace
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    stats, failures = read_stats(folder / "locust")
    users = REPORTERS + REVIEWERS
    print(f"\n{arguments.seconds} s, {users} users at {arguments.pace} pace, gunicorn "
          f"{os.cpu_count() * 2 + 1} workers, PostgreSQL"
          + (" restarted a third of the way in" if arguments.restart else ""))  # fmt: skip
    print(f"{'page':<20} {'requests':>8} {'failed':>7} {'req/s':>7} {'median':>7} {'p95':>6}")
    worst_p95 = 0
    for row in stats:
        print(
            f"{row['Name']:<20} {row['Request Count']:>8} {row['Failure Count']:>7} "
            f"{float(row['Requests/s']):>7.1f} {row['Median Response Time']:>7} "
            f"{row['95%']:>6}"
        )
        if row["Name"] != "Aggregated":
            worst_p95 = max(worst_p95, float(row["95%"]))
    for failure in failures:
        print(f"  {failure['Occurrences']} x {failure['Name']}: {failure['Error']}")
    connection.connect()
    confirmed, missing = confirmed_saves_missing(saves)
    print(f"\nsaves confirmed by the server: {len(confirmed)}; missing from the database: "
          f"{len(missing)}")  # fmt: skip
    result = {
        "p95_ms_worst_page": worst_p95,
        "errors": sum(int(f["Occurrences"]) for f in failures),
        "confirmed_saves": len(confirmed),
        "missing_saves": len(missing),
    }
    if arguments.restart:
        result["postgres_down_s"] = round(log["back_at"] - log["restart_at"], 1)
        result["app_answering_after_s"] = round(log["app_ok_at"] - log["restart_at"], 1)
        print(f"PostgreSQL restart took {result['postgres_down_s']} s; the app answered "
              f"/helse/ again {result['app_answering_after_s']} s after it began, "
              f"without being restarted")  # fmt: skip
    else:
        met = result["errors"] == 0 and worst_p95 < P95_TARGET_MS
        print(f"target (no errors, every page's p95 < {P95_TARGET_MS} ms): "
              f"{'met' if met else 'NOT met'}")  # fmt: skip
    print(json.dumps(result))
    connection.close()
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
