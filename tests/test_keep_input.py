"""A form sent after the session expired is kept for the user, within bounds.

An anonymous visitor can send anything to any address that looks like a quarter page, so what
is kept must be small, only for a page that exists, one form per session, and the answer must
not tell the visitor whether the plan exists.
"""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from goals.models import StatusEntry
from goals.permissions import KEPT_INPUT_BYTES, UNSAVED_KEY

EXPIRED = "Din session er udløbet. Log ind igen"
TOO_BIG = "for stort til at blive gemt"


def quarter(institution, year, number=2):
    return reverse("goals:quarter", args=[institution, year, number])


def kept(client):
    return client.session.get(UNSAVED_KEY)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def the_answer(response):
    """What the visitor sees: status, where it leads, the message, whether a cookie was set."""
    return (
        response.status_code,
        response["Location"].split("?")[0],
        messages_of(response),
        sorted(response.cookies),
    )


def test_a_form_for_a_quarter_that_exists_is_kept_and_put_back(client, alice, plan, goal):
    field = f"g{goal.pk}-result_text"
    response = client.post(quarter("TS", 2024), {"action": "save", field: "Mit udkast"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert any(EXPIRED in m for m in messages_of(response))
    assert kept(client)["fields"][field] == ["Mit udkast"]
    assert not StatusEntry.objects.exists()

    client.force_login(alice)
    assert "Mit udkast" in client.get(quarter("TS", 2024)).content.decode()


@pytest.mark.parametrize(
    "address",
    [
        ("XX", 2024, 2),  # no such institution
        ("TS", 1999, 2),  # no plan that year
        ("TS", 2024, 7),  # no such quarter
    ],
)
def test_a_form_for_a_page_that_does_not_exist_is_not_kept_and_the_answer_is_the_same(
    client, plan, address
):
    existing = client.post(quarter("TS", 2024), {"f": "x"})
    assert kept(client)["path"] == quarter("TS", 2024)
    client.cookies.clear()

    missing = client.post(quarter(*address), {"f": "x"})
    assert the_answer(missing) == the_answer(existing)
    assert kept(client) == {"path": None, "fields": {}}
    assert len(Session.objects.get(session_key=client.session.session_key).session_data) < 500


def test_kept_input_is_capped_and_the_visitor_is_told(client, alice, plan):
    huge = {"action": "save", "text": "x" * (KEPT_INPUT_BYTES + 1)}
    client.post(quarter("TS", 2024), {"action": "save", "text": "small"})
    client.cookies.pop("messages", None)  # the first answer's message has been read
    response = client.post(quarter("TS", 2024), huge)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert any(TOO_BIG in m for m in messages_of(response))
    assert not any(EXPIRED in m for m in messages_of(response))
    assert kept(client) is None  # over the cap nothing is kept, not even the older form
    # The session row stays small, however much was sent.
    for row in Session.objects.all():
        assert len(row.session_data) < 2000


def test_many_posts_keep_one_small_form(client, plan):
    """The finding: five anonymous POSTs made a 12 MB session row."""
    for n in range(5):
        client.post(quarter("TS", 2024, 1 + n % 4), {"text": "y" * 2_000_000, "n": str(n)})
    for n in range(5):
        client.post(quarter("TS", 2024, 1 + n % 4), {"text": "y" * 1000, "n": str(n)})
    assert kept(client)["fields"]["n"] == ["4"]  # one pending form: the last one
    assert kept(client)["path"] == quarter("TS", 2024, 1)
    total = sum(len(row.session_data) for row in Session.objects.all())
    assert total < KEPT_INPUT_BYTES


def test_a_new_form_replaces_the_old_one(client, alice, plan, goal):
    client.post(quarter("TS", 2024, 1), {"action": "save", f"g{goal.pk}-result_text": "Første"})
    client.post(quarter("TS", 2024, 2), {"action": "save", f"g{goal.pk}-result_text": "Anden"})
    client.force_login(alice)
    assert "Første" not in client.get(quarter("TS", 2024, 1)).content.decode()
    assert "Anden" in client.get(quarter("TS", 2024, 2)).content.decode()
    assert kept(client) is None  # put back once


def test_kept_input_waits_for_its_own_page(client, alice, plan, goal):
    client.post(quarter("TS", 2024, 2), {"action": "save", f"g{goal.pk}-result_text": "Til Q2"})
    client.force_login(alice)
    assert "Til Q2" not in client.get(quarter("TS", 2024, 1)).content.decode()
    assert "Til Q2" in client.get(quarter("TS", 2024, 2)).content.decode()
