"""Behind the load balancer, failed log-ins lock out one client's address, not everyone's.

For real: mrplan served by gunicorn (DEBUG off, tests/serving.py) on a SQLite file; the
test plays the load balancer, which connects from 127.0.0.1 and appends the address it was
connected from to X-Forwarded-For.
"""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from mrplan.middleware import client_address
from tests.serving import manage, served

LOGIN = "/konto/log-ind/"
PASSWORD = "rigtig-adgangskode-1"
CREATE_USER = (
    "from django.contrib.auth import get_user_model; "
    f"get_user_model().objects.create_user('direktoer', password='{PASSWORD}')"
)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(base, password, forwarded_for):
    """One log-in as a browser behind the load balancer makes it; returns the status code."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), NoRedirect())
    headers = {"X-Forwarded-For": forwarded_for}
    with opener.open(urllib.request.Request(base + LOGIN, headers=headers), timeout=30) as page:
        html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "direktoer", "password": password}
    ).encode()
    try:
        with opener.open(
            urllib.request.Request(base + LOGIN, data=form, headers=headers), timeout=30
        ) as response:
            return response.status
    except urllib.error.HTTPError as error:  # 302 (not followed) and 429
        return error.code


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'lockout.sqlite3'}"
    for command in (["migrate", "--no-input"], ["shell", "-c", CREATE_USER]):
        result = manage(*command, DATABASE_URL=url)
        assert result.returncode == 0, result.stdout + result.stderr
    return url


def fail_five_times(base, forwarded_for):
    statuses = [log_in(base, "forkert", forwarded_for) for _attempt in range(5)]
    assert statuses == [200, 200, 200, 200, 429], statuses


def test_behind_one_proxy_the_lockout_is_for_the_client_not_for_everyone(tmp_path, database):
    with served(tmp_path, DATABASE_URL=database, PROXY_COUNT="1") as s:
        fail_five_times(s.base, "10.0.0.1")
        assert log_in(s.base, PASSWORD, "10.0.0.1") == 429  # this client is locked out
        # An address the client writes in front of the load balancer's changes nothing.
        assert log_in(s.base, PASSWORD, "192.0.2.7, 10.0.0.1") == 429
        # The same user from another client logs in with the right password.
        assert log_in(s.base, PASSWORD, "10.0.0.2") == 302
    attempts = manage(
        "shell",
        "-c",
        "from axes.models import AccessAttempt; "
        "print(sorted({a.ip_address for a in AccessAttempt.objects.all()}))",
        DATABASE_URL=database,
    )
    assert attempts.stdout.splitlines()[-1] == "['10.0.0.1']", attempts.stdout + attempts.stderr
    assert "Traceback" not in s.log()


def test_without_a_proxy_the_header_is_ignored(tmp_path, database):
    """PROXY_COUNT=0: a client that sends X-Forwarded-For cannot pick a new address for each try."""
    with served(tmp_path, DATABASE_URL=database, PROXY_COUNT="0") as s:
        fail_five_times(s.base, "10.0.0.1")
        assert log_in(s.base, PASSWORD, "10.0.0.2") == 429  # the same connection: locked out
    assert "Traceback" not in s.log()


class Request:
    def __init__(self, remote_addr, forwarded_for=None):
        self.META = {"REMOTE_ADDR": remote_addr}
        if forwarded_for is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded_for


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "client"),
    [
        (0, "10.0.0.1", "127.0.0.9"),  # no proxy: the header is the client's own words
        (1, "10.0.0.1", "10.0.0.1"),
        (1, "192.0.2.7, 10.0.0.1", "10.0.0.1"),  # the entry in front was the client's
        (1, "10.0.0.1", "10.0.0.1"),
        (2, "192.0.2.7, 10.0.0.1, 10.9.9.9", "10.0.0.1"),  # two proxies: the second appended
        (1, None, "127.0.0.9"),  # not through the load balancer (its health check)
        (1, "nonsense", "127.0.0.9"),
        (2, "10.0.0.1", "127.0.0.9"),  # fewer entries than proxies: not what they send
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_entry_the_first_proxy_appended(
    settings, proxies, forwarded_for, client
):
    settings.PROXY_COUNT = proxies
    assert client_address(Request("127.0.0.9", forwarded_for)) == client
