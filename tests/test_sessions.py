"""Sessions end after the idle time, not while the user works; typed input survives the end."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mrplan.middleware import IdleSessionMiddleware
from tests.test_quarter_page import form_data, page, url

IDLE = datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)


@pytest.fixture
def clock(monkeypatch):
    """The time Django reads (sessions, log-in), moved forward by `clock.advance(...)`."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moved.now)
    return moved


def logged_in(client):
    """Whether the client's session still holds its user: a page that needs a log-in opens."""
    response = client.get(reverse("password_change"))
    if response.status_code == 302:
        assert reverse("login") in response["Location"]
        return False
    assert response.status_code == 200
    return True


def test_the_default_idle_time_is_eight_hours():
    assert IDLE == datetime.timedelta(hours=8)
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)


def test_an_idle_user_is_logged_out_after_the_idle_time(client, alice, clock):
    client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    assert logged_in(client)
    clock.advance(hours=7, minutes=50)
    assert logged_in(client)  # not yet: and this request renews the session
    clock.advance(hours=8, seconds=1)
    assert not logged_in(client)


def test_an_active_user_is_not_logged_out(client, alice, clock):
    client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    for _half_hour in range(40):  # a 20-hour working day, a request every half hour
        clock.advance(minutes=30)
        assert logged_in(client)


def test_the_session_is_written_at_most_every_few_minutes(client, alice, clock):
    client.force_login(alice)
    assert logged_in(client)
    renewed_at = clock.now
    key = client.session.session_key

    def expires():
        return Session.objects.get(session_key=key).expire_date

    assert expires() == renewed_at + IDLE
    clock.advance(minutes=1)
    assert logged_in(client)
    assert expires() == renewed_at + IDLE  # one minute later: not written again
    clock.advance(seconds=IdleSessionMiddleware.RENEW_SECONDS)
    assert logged_in(client)
    assert expires() == clock.now + IDLE  # renewed


def test_a_visitor_without_a_session_gets_none(client, db):
    client.get(reverse("login"))
    assert not Session.objects.exists()


def test_logging_out_is_not_undone_by_the_renewal(client, alice, clock):
    client.force_login(alice)
    clock.advance(minutes=10)
    client.post(reverse("logout"))
    assert not logged_in(client)
    assert not Session.objects.exists()


def test_typed_input_survives_the_idle_logout(client, alice, plan, goal, threshold, clock):
    client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    assert client.get(url(plan)).status_code == 200
    clock.advance(hours=8, minutes=1)  # the form stays open over lunch and the afternoon
    data = form_data(
        goal, threshold, status="green", result_text="Skrevet før frokost", req_result_value="97"
    )
    response = client.post(url(plan), data)
    assert response.status_code == 302 and reverse("login") in response["Location"]

    client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    html = page(client.get(url(plan)))
    assert "Skrevet før frokost" in html and 'value="97"' in html
    assert "sat ind igen" in html


def test_pages_right_after_the_log_in_write_no_session(client, alice, clock):
    client.force_login(alice)
    clock.advance(minutes=4)
    with CaptureQueriesContext(connection) as queries:
        assert logged_in(client)
    assert not [q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
