"""Settings come from the environment and fail loudly where production needs a value."""

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from django.utils import formats, translation

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = (ROOT / "mrplan" / "settings.py").read_text()
# Every name the settings read from the environment: os.environ.get("X"...) or env_x("X"...),
# and DATABASE_URL, which dj_database_url reads.
ENVIRONMENT_NAMES = {"DATABASE_URL"} | set(
    re.findall(r'(?:os\.environ\.get|env_\w+)\(\s*"(\w+)"', SETTINGS)
)


SUMMARY = (
    "{'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS}"
)


def settings_in(env, expression=SUMMARY):
    """Import the settings in a fresh interpreter with exactly `env`; return (code, output).

    The output ends with `expression` (over the settings module `s`) as JSON.
    """
    script = f"import json, mrplan.settings as s; print(json.dumps({expression}))"
    clean = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT_NAMES}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def test_secret_key_is_required_when_debug_is_off():
    code, output = settings_in({})
    assert code != 0
    assert "SECRET_KEY must be set" in output


def test_debug_runs_without_a_secret_key_on_sqlite_in_the_project():
    code, output = settings_in({"DEBUG": "1"})
    assert code == 0, output
    assert '"engine": "django.db.backends.sqlite3"' in output
    assert str(ROOT / "db.sqlite3") in output
    assert '"debug": true' in output


def test_database_url_selects_postgresql_and_hosts_come_from_the_environment():
    code, output = settings_in(
        {
            "SECRET_KEY": "s3cret",
            "DATABASE_URL": "postgres://mrplan:pw@db.example:5432/mrplan",
            "ALLOWED_HOSTS": "mrplan.example,www.mrplan.example",
        }
    )
    assert code == 0, output
    assert '"engine": "django.db.backends.postgresql"' in output
    assert '"hosts": ["mrplan.example", "www.mrplan.example"]' in output
    assert '"debug": false' in output


def test_danish_is_the_default_with_decimal_comma(settings):
    assert settings.LANGUAGE_CODE == "da"
    assert settings.TIME_ZONE == "Europe/Copenhagen"
    assert "en" in dict(settings.LANGUAGES)
    with translation.override("da"):
        assert formats.number_format(Decimal("95.5")) == "95,5"
        assert formats.number_format(Decimal("13.75"), 2) == "13,75"
    with translation.override("en"):
        assert formats.number_format(Decimal("95.5")) == "95.5"


def test_pages_are_danish_whatever_the_browser_asks_for(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "da"
    assert 'lang="da"' in response.content.decode()


def test_english_is_one_click_away(client, db):
    page = client.get("/").content.decode()
    assert 'name="language" value="en"' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response["Content-Language"] == "en"
    assert 'lang="en"' in response.content.decode()


def test_every_setting_read_from_the_environment_is_documented():
    assert {"SECRET_KEY", "PROXY_COUNT", "DB_CONNECT_TIMEOUT", "SESSION_IDLE_MINUTES"} <= (
        ENVIRONMENT_NAMES
    )
    assert "os.environ[" not in SETTINGS  # every read is one the pattern above finds
    operations = (ROOT / "docs" / "operations.md").read_text()
    docstring = SETTINGS.split('"""')[1]
    for name in sorted(ENVIRONMENT_NAMES):
        assert f"`{name}`" in operations, f"{name} is not in docs/operations.md"
        assert re.search(rf"^{name}\b", docstring, re.MULTILINE), f"{name} not in the docstring"


MAIL = (
    "{'backend': s.EMAIL_BACKEND, 'timeout': s.EMAIL_TIMEOUT, 'days': s.REMINDER_DAYS, "
    "'site': s.SITE_URL, 'tls': s.EMAIL_USE_TLS, 'port': s.EMAIL_PORT}"
)


def test_email_is_printed_under_debug_and_sent_by_smtp_in_production():
    code, output = settings_in({"DEBUG": "1"}, MAIL)
    assert code == 0, output
    assert '"backend": "django.core.mail.backends.console.EmailBackend"' in output
    assert '"days": [7, 1]' in output
    assert '"site": "http://127.0.0.1:8000"' in output
    # Sending never waits for ever on a mail server that does not answer.
    assert '"timeout": 10.0' in output
    code, output = settings_in(
        {
            "SECRET_KEY": "s3cret",
            "EMAIL_USE_TLS": "1",
            "EMAIL_PORT": "587",
            "SITE_URL": "https://mrplan.example.dk/",
            "REMINDER_DAYS": "1, 14,7",
        },
        MAIL,
    )
    assert code == 0, output
    assert '"backend": "django.core.mail.backends.smtp.EmailBackend"' in output
    assert '"tls": true' in output and '"port": 587' in output
    assert '"site": "https://mrplan.example.dk"' in output
    assert '"days": [14, 7, 1]' in output


def test_contradictory_or_malformed_email_settings_fail_loudly():
    code, output = settings_in({"DEBUG": "1", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"})
    assert code != 0
    assert "EMAIL_USE_TLS or EMAIL_USE_SSL" in output
    code, output = settings_in({"DEBUG": "1", "REMINDER_DAYS": "7,en"})
    assert code != 0
    assert "REMINDER_DAYS" in output
