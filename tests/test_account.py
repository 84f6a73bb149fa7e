"""The account page (/konto/): name, address, language, reminders; and the language a user
picks in the header is kept as their preference."""

import pytest
from django.conf import settings
from django.urls import reverse

from goals.models import UserPreference

PEOPLE = ["alice", "bob", "carol", "dave", "admin_user_"]


@pytest.mark.parametrize("person", PEOPLE)
def test_every_user_has_an_account_page(client, request, person):
    user = request.getfixturevalue(person)
    user.email = f"{user.username}@example.invalid"
    user.first_name, user.last_name = "Ane", "Andersen"
    user.save()
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert "Ane Andersen" in page
    assert f"{user.username}@example.invalid" in page
    assert 'name="reminders"' in page and "checked" in page  # on until turned off
    assert "Send mig påmindelser om frister" in page
    assert "sendt retur eller godkendt, sendes altid" in page
    assert reverse("password_change") in page
    roles = {
        "alice": "Teststyrelsen",
        "bob": "Andenstyrelsen",
        "carol": "Testministeriet",
        "dave": "Andetministeriet",
        "admin_user_": "Administrator",
    }
    assert roles[person] in page
    # The header's name leads here.
    assert f'href="{reverse("account")}"' in page


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("account"), {"language": "en"}).status_code == 302
    assert not UserPreference.objects.exists()


def test_a_user_without_an_address_is_told_they_get_no_email(client, alice):
    client.force_login(alice)
    assert "du får ingen e-mails" in client.get(reverse("account")).content.decode()


def test_saving_keeps_the_choice_and_switches_the_language(client, alice):
    client.force_login(alice)
    response = client.post(reverse("account"), {"language": "en"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account")
    preference = UserPreference.objects.get(user=alice)
    assert (preference.language, preference.reminders) == ("en", False)
    assert response["Content-Language"] == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = response.content.decode()
    assert 'name="reminders"' in page and "checked" not in page.split('name="reminders"')[1][:80]

    client.post(reverse("account"), {"language": "da", "reminders": "on"})
    preference.refresh_from_db()
    assert (preference.language, preference.reminders) == ("da", True)


def test_an_unknown_language_is_refused_on_the_field_and_nothing_is_saved(client, alice):
    client.force_login(alice)
    response = client.post(reverse("account"), {"language": "xx", "reminders": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is-invalid" in page
    assert "Marker en gyldig valgmulighed" in page
    assert not UserPreference.objects.exists()


def test_the_headers_language_switch_is_stored_for_a_logged_in_user(client, carol):
    client.force_login(carol)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert UserPreference.objects.get(user=carol).language == "en"
    assert UserPreference.objects.get(user=carol).reminders  # untouched
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert UserPreference.objects.get(user=carol).language == "en"


def test_the_headers_language_switch_stores_nothing_for_a_visitor(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not UserPreference.objects.exists()


def test_logging_in_on_a_new_browser_brings_back_the_chosen_language(client, alice):
    UserPreference.objects.create(user=alice, language="en")
    response = client.post(
        reverse("login"), {"username": "alice", "password": "pw-alice-123"}, follow=True
    )
    assert response.context["user"] == alice
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response["Content-Language"] == "en"


def test_logging_in_without_a_preference_leaves_the_language_alone(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def profile(first="Alice", last="Andersen", email="alice@ts.example"):
    return {"form": "profile", "first_name": first, "last_name": last, "email": email}


def test_a_user_changes_their_name_and_address_and_keeps_their_preferences(client, alice):
    UserPreference.objects.create(user=alice, language="en", reminders=False)
    client.force_login(alice)
    response = client.post(reverse("account"), profile())
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.first_name, alice.last_name, alice.email) == (
        "Alice",
        "Andersen",
        "alice@ts.example",
    )
    preference = UserPreference.objects.get(user=alice)
    assert (preference.language, preference.reminders) == ("en", False)


def test_saving_the_preferences_keeps_the_name(client, alice):
    alice.first_name, alice.email = "Alice", "alice@ts.example"
    alice.save()
    client.force_login(alice)
    client.post(reverse("account"), {"language": "da", "reminders": ""})
    alice.refresh_from_db()
    assert (alice.first_name, alice.email) == ("Alice", "alice@ts.example")


def test_an_address_another_user_has_is_refused_on_its_field(client, alice, bob):
    bob.email = "Bob@AS.example"
    bob.save()
    alice.first_name = "Alice"
    alice.save()
    client.force_login(alice)
    response = client.post(reverse("account"), profile(first="Alicia", email="bob@as.example"))
    assert response.status_code == 200
    errors = response.context["profile"].errors
    assert "bruges allerede af en anden bruger" in " ".join(errors["email"])
    html = response.content.decode()
    assert 'value="Alicia"' in html and 'value="bob@as.example"' in html  # the input is kept
    alice.refresh_from_db()
    assert (alice.first_name, alice.email) == ("Alice", "")


def test_a_bad_address_is_refused_and_their_own_is_accepted_in_another_case(client, alice):
    alice.email = "alice@ts.example"
    alice.save()
    client.force_login(alice)
    bad = client.post(reverse("account"), profile(email="ikke en adresse"))
    assert "email" in bad.context["profile"].errors
    assert client.post(reverse("account"), profile(email="ALICE@ts.example")).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "ALICE@ts.example"
