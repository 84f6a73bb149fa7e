"""A database that accepts connections but never answers: pages and /helse/ say 503 in seconds.

Without a connect timeout every worker waited for it until gunicorn killed the worker (60 s),
and the load balancer's health check waited too.
"""

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from mrplan.settings import postgresql_timeouts
from tests.serving import served
from tests.test_settings import settings_in

CONNECT_TIMEOUT = 2  # seconds; libpq's smallest


@pytest.fixture
def stalled_database():
    """A port on 127.0.0.1 that accepts every connection and then says nothing, ever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    held = []
    stopping = threading.Event()

    def hold():
        while not stopping.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], held
    finally:
        stopping.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


def timed_get(url, **headers):
    """(status, body, seconds) of a GET; the client gives up after 30 s."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            status, body = r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    return status, body, time.monotonic() - started


def test_pages_and_the_health_check_answer_503_within_seconds(tmp_path, stalled_database):
    port, held = stalled_database
    with served(
        tmp_path,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/mrplan",
        DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
        CONN_MAX_AGE="60",
    ) as server:
        status, body, seconds = timed_get(server.base + "/helse/")
        assert status == 503, body
        assert json.loads(body) == {"status": "unavailable", "database": "unreachable"}
        assert seconds < 4 * CONNECT_TIMEOUT, seconds

        # A session cookie makes the page ask the database who the user is.
        cookie = "sessionid=a-session-the-database-must-be-asked-about"
        status, body, seconds = timed_get(server.base + "/", Cookie=cookie)
        assert status == 503, body
        assert "mrplan er midlertidigt utilgængelig" in body
        assert seconds < 4 * CONNECT_TIMEOUT, seconds
    assert held, "the database's port was never asked"
    assert "WORKER TIMEOUT" not in server.log()


def test_the_postgresql_options_come_from_the_environment():
    code, output = settings_in(
        {
            "SECRET_KEY": "s3cret",
            "DATABASE_URL": "postgres://mrplan:pw@db.example:5432/mrplan",
            "DB_CONNECT_TIMEOUT": "3",
            "DB_STATEMENT_TIMEOUT": "45",
        },
        "s.DATABASES['default']['OPTIONS']",
    )
    assert code == 0, output
    options = json.loads(output.splitlines()[-1])
    assert options["connect_timeout"] == 3
    assert options["options"] == "-c statement_timeout=45000"
    assert options["keepalives"] == 1
    assert options["tcp_user_timeout"] > 0


def test_the_defaults_are_five_and_thirty_seconds():
    code, output = settings_in(
        {"SECRET_KEY": "s3cret", "DATABASE_URL": "postgres://mrplan:pw@db.example:5432/mrplan"},
        "s.DATABASES['default']['OPTIONS']",
    )
    assert code == 0, output
    options = json.loads(output.splitlines()[-1])
    assert options["connect_timeout"] == 5
    assert options["options"] == "-c statement_timeout=30000"


def test_no_statement_timeout_when_it_is_zero():
    assert "options" not in postgresql_timeouts(connect_timeout=5, statement_timeout=0)


def test_sqlite_gets_no_postgresql_options():
    code, output = settings_in({"DEBUG": "1"}, "s.DATABASES['default'].get('OPTIONS', {})")
    assert code == 0, output
    assert json.loads(output.splitlines()[-1]) == {}
