""" "Glemt adgangskode?": Django's password reset by e-mail, in the user's language, never
telling whether an address has an account."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from goals.models import UserPreference

NEW_PASSWORD = "Korrekt-Hest-Batteri-42"


@pytest.fixture
def with_address(alice, settings):
    settings.SITE_URL = "https://mrplan.example.dk"
    alice.first_name, alice.last_name, alice.email = "Alice", "Andersen", "alice@ts.example"
    alice.save()
    return alice


def reset_link(message):
    found = re.search(r"https://mrplan\.example\.dk(/konto/adgangskode/nulstil/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_the_log_in_page_links_to_the_reset(client, db):
    html = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in html and "Glemt adgangskode?" in html


def test_a_user_resets_their_password_and_logs_in_with_it(client, with_address):
    response = ask(client, "ALICE@ts.example")  # whatever the case
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@ts.example"]
    assert message.subject == "Ny adgangskode til mrplan"
    assert message.body.startswith("Kære Alice Andersen")
    link = reset_link(message)
    form_page = client.get(link, follow=True)
    assert "Vælg en ny adgangskode" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("password_reset_complete")
    logged_in = client.post(reverse("login"), {"username": "alice", "password": NEW_PASSWORD})
    assert logged_in.status_code == 302
    assert client.get(reverse("account")).status_code == 200
    # the link works once
    client.logout()
    assert "Linket virker ikke" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_is_answered_as_a_known_one(client, with_address):
    known = ask(client, "alice@ts.example")
    unknown = ask(client, "nobody@ts.example")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "Har adressen en konto" in done


def test_a_deactivated_user_gets_no_link(client, with_address):
    with_address.is_active = False
    with_address.save()
    assert ask(client, "alice@ts.example")["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_expired_link_is_refused(client, with_address, settings):
    ask(client, "alice@ts.example")
    link = reset_link(mail.outbox[0])
    # A day beyond: Django's token reads the local clock, which time-machine sets in UTC.
    later = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, days=1)
    with time_machine.travel(later):
        page = client.get(link, follow=True).content.decode()
        assert "Linket virker ikke" in page
        assert "new_password1" not in page
    with_address.refresh_from_db()
    assert with_address.check_password("pw-alice-123")


def test_the_e_mail_comes_in_the_users_language(client, with_address):
    UserPreference.objects.create(user=with_address, language="en")
    ask(client, "alice@ts.example")
    assert mail.outbox[0].body.startswith("Dear Alice Andersen")


def test_the_pages_come_in_the_apps_look(client, db):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        html = client.get(reverse(name)).content.decode()
        assert "css/mrplan.css" in html, name
        assert "Django-administration" not in html and "Django administration" not in html


def test_with_password_log_in_off_there_is_no_reset(client, with_address, settings):
    settings.PASSWORD_LOGIN = False
    assert "Glemt adgangskode?" not in client.get(reverse("login")).content.decode()
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 404, name
    assert ask(client, "alice@ts.example").status_code == 404
    assert mail.outbox == []
