"""Production readiness: deploy checks, health endpoint, database outage, log-in throttling,
password hashing and security headers."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher
from django.urls import reverse

import mrplan.settings as production_settings

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "mrplan.example.dk",
    "CSRF_TRUSTED_ORIGINS": "https://mrplan.example.dk",
}


# What the test run itself sets, which a production process would not have.
NOT_IN_PRODUCTION = ("DEBUG", "HTTPS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run_django(code, **env):
    """Run Python code with Django set up, in a fresh process with the given environment."""
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    script = "import django; django.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "mrplan.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_would_see_plain_http():
    """The check above is a real one: served without HTTPS it complains."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", HTTPS="0", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


def test_health_answers_ok_while_the_database_answers(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


OUTAGE = """
import json
from django.test import Client
client = Client(HTTP_HOST="localhost")
health = client.get("/helse/")
client.cookies["sessionid"] = "a-session-the-database-must-be-asked-about"
page = client.get("/")
print(json.dumps({
    "health": [health.status_code, health.json()],
    "page": [page.status_code, page.get("Retry-After"), page.content.decode()],
}))
"""


def test_pages_answer_503_while_the_database_is_unreachable():
    """A real outage: nothing listens on port 1."""
    result = run_django(
        OUTAGE,
        SECRET_KEY="outage-test",
        HTTPS="0",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/mrplan",
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["health"] == [503, {"status": "unavailable", "database": "unreachable"}]
    status, retry_after, html = answers["page"]
    assert status == 503
    assert retry_after == "30"
    assert "mrplan er midlertidigt utilgængelig" in html
    assert "Det, du lige har sendt, er ikke gemt." in html


def test_passwords_are_hashed_with_argon2id_at_owasps_cost(db, settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = get_user_model().objects.create_user("hashed", password="en-lang-adgangskode-42")
    # argon2$argon2id$v=19$m=19456,t=2,p=1$salt$hash
    assert user.password.split("$")[:4] == ["argon2", "argon2id", "v=19", "m=19456,t=2,p=1"]
    assert user.check_password("en-lang-adgangskode-42")


@pytest.mark.parametrize("old_hasher", [Argon2PasswordHasher, PBKDF2PasswordHasher])
def test_older_hashes_are_redone_at_the_next_log_in(client, db, settings, old_hasher):
    """Django's default Argon2 cost, or PBKDF2 from before Argon2, become OWASP's Argon2id."""
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    hasher = old_hasher()
    user = get_user_model().objects.create_user("gammel")
    user.password = hasher.encode("gammel-adgangskode-7", hasher.salt())
    user.save()
    response = client.post(
        reverse("login"), {"username": "gammel", "password": "gammel-adgangskode-7"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password


def test_repeated_failed_logins_lock_the_user_name_out_with_a_clear_message(client, db):
    User = get_user_model()
    User.objects.create_user("direktoer", password="rigtig-adgangskode-1")
    User.objects.create_user("kollega", password="rigtig-adgangskode-2")
    login = reverse("login")
    for _attempt in range(production_settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "direktoer", "password": "forkert"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(login, {"username": "direktoer", "password": "forkert"})
    assert response.status_code == 429
    # Locked out: even the right password is refused for now, with a message that says why.
    response = client.post(login, {"username": "direktoer", "password": "rigtig-adgangskode-1"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Log-ind er midlertidigt spærret" in html
    assert "Vent 15 minutter" in html
    assert "_auth_user_id" not in client.session
    # Another user name from the same address is not locked out.
    response = client.post(login, {"username": "kollega", "password": "rigtig-adgangskode-2"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_security_headers(client, settings, db):
    from django.test import Client

    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    # In production (HTTPS on) plain HTTP is redirected and HTTPS answers carry HSTS.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = production_settings.SECURE_HSTS_SECONDS or 31536000
    client = Client()  # the security middleware reads its settings when it is set up
    assert client.get(reverse("login")).status_code == 301
    secure = client.get(reverse("login"), secure=True)
    assert secure.status_code == 200
    assert "max-age=31536000" in secure["Strict-Transport-Security"]
    # The load balancer's health check is not redirected.
    assert client.get(reverse("health")).status_code == 200


@pytest.mark.parametrize("name", ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"])
def test_cookies_are_secure_in_production(name):
    result = run_django(
        f"from django.conf import settings; print(settings.{name}, settings.SECURE_SSL_REDIRECT)",
        SECRET_KEY="production-test",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_wsgi_module_loads_every_view_before_the_workers_fork():
    """gunicorn --preload imports mrplan.wsgi once; a worker's first request loads nothing more
    and no worker inherits a database connection."""
    result = run_django(
        "import sys\n"
        "import mrplan.wsgi\n"
        "from django.db import connection\n"
        "from django.utils.translation import trans_real\n"
        "print(sorted(m for m in ('weasyprint', 'openpyxl', 'reporting.report_views',"
        " 'goals.views') if m in sys.modules))\n"
        "print(sorted(trans_real._translations))\n"
        "print(connection.connection)\n",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",  # unreachable: nothing may connect
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    loaded, languages, connection = result.stdout.splitlines()
    assert loaded == str(["goals.views", "openpyxl", "reporting.report_views", "weasyprint"])
    assert languages == str(["da", "en"])
    assert connection == "None"


# How long `make serve`'s script may take to answer: migrations and collectstatic on a fresh
# database take seconds alone, minutes on a machine busy with other work.
SERVE_DEADLINE = 300


def stop(process, grace=30):
    """End a process started in its own session, with all it started; never leave it running."""
    import signal

    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            return process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    return process.wait(timeout=grace)


def test_make_serve_runs_gunicorn_with_static_files_and_the_worker(tmp_path):
    """`make serve`'s script, for real: migrations, collectstatic, worker and gunicorn.

    Its output goes to a file, read only once the server has been stopped (or to say how far it
    got), so a server that does not answer fails the test instead of hanging it."""
    import re
    import time
    import urllib.request

    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION},
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PYTHON": sys.executable,
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            ["sh", "scripts/serve.sh"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def said():
        return log.read_text(errors="replace")[-20_000:]

    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/helse/", timeout=2) as response:
                    assert json.load(response) == {"status": "ok", "database": "ok"}
                    break
            except OSError:
                waited = time.monotonic() - started
                if server.poll() is not None or waited > SERVE_DEADLINE:
                    code = stop(server)
                    raise AssertionError(
                        f"no answer after {waited:.0f} s (exit code {code}):\n{said()}"
                    ) from None
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/konto/log-ind/", timeout=30) as response:
            assert response.headers["Server"].startswith("gunicorn")
            html = response.read().decode()
        # Static files by hashed name, compressed, cached for good (whitenoise).
        css = re.search(r'href="(/static/css/mrplan\.[0-9a-f]{12}\.css)"', html).group(1)
        request = urllib.request.Request(base + css, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert "immutable" in response.headers["Cache-Control"]
        processes = subprocess.run(
            ["ps", "-o", "args=", "-g", str(server.pid)],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
        assert processes.count("gunicorn") >= 3, said()  # the arbiter and two workers
        assert "db_worker" in processes, said()
    finally:
        stop(server)


def test_a_user_name_longer_than_any_is_refused_with_a_message(client, db):
    """Found by the fuzz test on PostgreSQL: it once reached the lockout records' column."""
    response = client.post(reverse("login"), {"username": "9" * 400, "password": "x"})
    assert response.status_code == 200
    assert "150" in response.content.decode()  # "at most 150 characters"


def test_a_nul_character_in_a_review_comment_is_refused_with_a_message(client, plan, carol):
    """Found by the fuzz test on PostgreSQL, which cannot store NUL in text."""
    from goals.models import QuarterReport

    report = QuarterReport.objects.create(plan=plan, quarter=2, state="submitted")
    client.force_login(carol)
    url = reverse("goals:return", args=["TS", 2024, 2])
    response = client.post(url, {"comment": "Ret\x00 venligst"}, follow=True)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.state == "submitted"  # not returned
    assert response.context["messages"] and "alert-danger" in response.content.decode()
