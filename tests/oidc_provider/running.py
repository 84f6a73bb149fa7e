"""Start the test provider, and mrplan configured to sign on through it (tests/test_oidc.py,
tests/test_e2e_sign_on.py). Every wait has a deadline; both processes are stopped in a
`finally`, and their output is read only after that."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET
from tests.serving import free_port, manage, served, stop

ROOT = Path(__file__).resolve().parent.parent.parent
PROVIDER_NAME = "Testudbyderen"

# mrplan's accounts, as invitations made them: (user name, e-mail, active)
ACCOUNTS = [
    ("aand", "Anna.Andersen@TS.example.dk", True),  # the provider's anna, in other case
    ("ulla", "ulla@ts.example.dk", True),  # the provider has not verified her e-mail
    ("tvilling1", "fælles@ts.example.dk", True),
    ("tvilling2", "fælles@ts.example.dk", True),
    ("fratraadt", "fratraadt@ts.example.dk", False),  # deactivated
]
CREATE_ACCOUNTS = (
    "from django.contrib.auth import get_user_model; U = get_user_model(); "
    "[U.objects.create_user(n, email=e, is_active=a, first_name=n.title()) "
    f"for n, e, a in {ACCOUNTS!r}]"
)
# The accounts and the log-in throttling's failed attempts.
COUNT = (
    "from django.contrib.auth import get_user_model; from axes.models import AccessAttempt; "
    "print(get_user_model().objects.count(), AccessAttempt.objects.count())"
)


def wait_for(url, process, log_path, within=90):
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise AssertionError(
                    "the test OpenID Connect provider did not start:\n"
                    + log_path.read_text(errors="replace")
                ) from None
            time.sleep(0.3)


@contextmanager
def provider(tmp_path, port, site):
    """The test provider on 127.0.0.1:`port`, knowing mrplan at `site` as its client."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp_path / "provider.sqlite3"),
    }
    made = subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.populate", site],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, "the test provider could not be set up:\n" + made.stderr
    log_path = tmp_path / "provider.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/openid/.well-known/openid-configuration", process, log_path)
        yield base
    finally:
        stop(process)


@contextmanager
def signed_on_mrplan(tmp_path):
    """mrplan under gunicorn signing on through the test provider, with ACCOUNTS in its
    database; yields (mrplan's Server, the provider's address, mrplan's DATABASE_URL)."""
    database = f"sqlite:///{tmp_path / 'mrplan.sqlite3'}"
    for command in (["migrate", "--no-input"], ["shell", "-c", CREATE_ACCOUNTS]):
        result = manage(*command, DATABASE_URL=database)
        assert result.returncode == 0, result.stdout + result.stderr
    provider_port = free_port()
    op = f"http://127.0.0.1:{provider_port}/openid"
    env = {
        "DATABASE_URL": database,
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{op}/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{op}/token",
        "OIDC_OP_USER_ENDPOINT": f"{op}/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{op}/jwks",
        "OIDC_OP_LOGOUT_ENDPOINT": f"{op}/end-session",
        "OIDC_OP_ISSUER": op,
        "OIDC_PROVIDER_NAME": PROVIDER_NAME,
        "LOG_LEVEL": "INFO",
    }
    with served(tmp_path, **env) as app:
        with provider(tmp_path, provider_port, app.base) as provider_base:
            yield app, provider_base, database
    log = app.log()
    assert "Traceback" not in log, log
    assert CLIENT_SECRET not in log, "the client secret is in mrplan's log"
