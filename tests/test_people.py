"""The people pages of a ministry: who may open them, inviting by e-mail, roles, deactivating;
and the messages a membership gets instead of the database constraint's name."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from goals.models import HistoryRecord, Institution, Membership, Ministry, UserPreference
from people.invitations import deliver_invitations
from people.models import Invitation
from tests.conftest import member
from tests.test_races import at_once, on_postgresql, poster

User = get_user_model()
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
NEW_PASSWORD = "Korrekt-Hest-Batteri-42"


@pytest.fixture
def mona(ministry):
    """The ministry's administrator."""
    user = member("mona", Membership.Role.ADMIN, ministry=ministry)
    user.first_name, user.last_name, user.email = "Mona", "Mortensen", "mona@tm.example"
    user.save()
    return user


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE
    settings.SITE_URL = "https://mrplan.example.dk"


def list_url(ministry="TM"):
    return reverse("people:list", kwargs={"ministry": ministry})


def person_url(user, name="people:person", ministry="TM", **extra):
    return reverse(name, kwargs={"ministry": ministry, "user_id": user.pk, **extra})


def invite_data(institution, **changes):
    return {
        "email": "nina@ts.example",
        "first_name": "Nina",
        "last_name": "Nielsen",
        "role": Membership.Role.REPORTER,
        "place": str(institution.pk),
        "language": "da",
        **changes,
    }


def logs_in(client, username, password):
    """Whether the log-in page lets the user in (django-axes wants the request: no
    client.login)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def link_in(message):
    found = re.search(r"https://mrplan\.example\.dk(/konto/invitation/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def invite(client, institution, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:invite", kwargs={"ministry": "TM"}),
            invite_data(institution, **changes),
        )
    return response


# Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["people:list", "people:invite"])
def test_only_the_ministrys_administrator_opens_its_people_pages(
    client, name, mona, alice, carol, dave, admin_user_
):
    url = reverse(name, kwargs={"ministry": "TM"})
    expected = {mona: 200, admin_user_: 200, alice: 403, carol: 403, dave: 404}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_an_administrator_of_another_ministry_is_told_404(client, ministry):
    other = Ministry.objects.create(name="Andetministeriet", short_name="AM")
    outsider = member("otto", Membership.Role.ADMIN, ministry=other)
    client.force_login(outsider)
    assert client.get(list_url()).status_code == 404
    assert client.get(list_url("AM")).status_code == 200
    # and the index takes them to their own
    assert client.get(reverse("people:index"))["Location"] == list_url("AM")


def test_a_person_of_another_ministry_is_not_found_on_this_ministrys_pages(client, mona, dave):
    client.force_login(mona)
    assert client.get(person_url(dave)).status_code == 404
    assert client.post(person_url(dave, "people:deactivate")).status_code == 404
    dave.refresh_from_db()
    assert dave.is_active


def test_the_list_shows_only_the_ministrys_people_and_filters_by_institution(
    client, mona, alice, bob, carol, dave
):
    client.force_login(mona)
    page = client.get(list_url()).content.decode()
    for user in (alice, bob, carol, mona):
        assert person_url(user) in page
    assert person_url(dave) not in page
    at_ts = client.get(list_url(), {"institution": "TS"}).content.decode()
    assert person_url(alice) in at_ts
    assert person_url(bob) not in at_ts and person_url(carol) not in at_ts
    department = client.get(list_url(), {"institution": "department"}).content.decode()
    assert person_url(carol) in department and person_url(alice) not in department


def test_the_header_links_to_the_people_pages_for_administrators_only(client, mona, alice):
    client.force_login(mona)
    assert reverse("people:index") in client.get("/").content.decode()
    client.force_login(alice)
    assert reverse("people:index") not in client.get("/").content.decode()


# Inviting ---------------------------------------------------------------------------------


def test_an_invited_person_follows_the_link_sets_a_password_and_is_logged_in(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    response = invite(client, institution, django_capture_on_commit_callbacks)
    nina = User.objects.get(email="nina@ts.example")
    assert response.status_code == 302
    assert response["Location"] == person_url(nina)
    assert not nina.has_usable_password()
    assert nina.memberships.get().institution == institution
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@ts.example"]
    assert "Mona Mortensen" in message.body and "Indberetter, Teststyrelsen" in message.body

    client.logout()
    link = link_in(message)
    page = client.get(link)
    assert "Vælg din adgangskode" in page.content.decode()
    # Django's password validators apply
    weak = client.post(link, {"new_password1": "1234", "new_password2": "1234"})
    assert "adgangskode" in weak.content.decode() and weak.status_code == 200
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get(reverse("account")).context["user"] == nina
    nina.refresh_from_db()
    assert nina.is_active and nina.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(user=nina).accepted_at is not None
    # and the password works for the log-in page
    client.logout()
    assert logs_in(client, nina.username, NEW_PASSWORD)


def test_the_invitation_comes_in_the_language_chosen_for_the_person(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks, language="en")
    nina = User.objects.get(email="nina@ts.example")
    assert UserPreference.objects.get(user=nina).language == "en"
    # The greeting is in the English catalogue already (the quarters' e-mails use it).
    assert mail.outbox[0].body.startswith("Dear Nina Nielsen")


def test_a_used_link_says_so(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    again = client.get(link).content.decode()
    assert "allerede brugt" in again
    second = client.post(
        link, {"new_password1": "Andet-Kodeord-99", "new_password2": "Andet-Kodeord-99"}
    )
    assert "allerede brugt" in second.content.decode()
    assert User.objects.get(email="nina@ts.example").check_password(NEW_PASSWORD)


def test_an_expired_link_says_so_and_whom_to_ask(
    client, mona, institution, immediate, django_capture_on_commit_callbacks, settings
):
    settings.INVITATION_DAYS = 7
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        assert "Vælg din adgangskode" in client.get(link).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        page = client.get(link).content.decode()
        assert "udløb" in page and "Mona Mortensen" in page and "mona@tm.example" in page
        client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not User.objects.get(email="nina@ts.example").has_usable_password()


def test_a_wrong_token_is_not_valid(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    wrong = link.rstrip("/")[:-3] + "abc/"
    page = client.get(wrong).content.decode()
    assert "ikke gyldigt" in page and "Mona" not in page


def test_the_administrator_resends_and_the_old_link_stops_working(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    nina = User.objects.get(email="nina@ts.example")
    old = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(person_url(nina, "people:resend"))
    assert len(mail.outbox) == 2
    new = link_in(mail.outbox[1])
    assert new != old
    client.logout()
    assert "nyere invitation" in client.get(old).content.decode()
    assert "Vælg din adgangskode" in client.get(new).content.decode()


def test_inviting_an_existing_address_adds_the_role_to_that_account(
    client, mona, alice, institution, immediate, django_capture_on_commit_callbacks
):
    alice.email = "Alice@TS.example"
    alice.save()
    client.force_login(mona)
    response = invite(
        client, institution, django_capture_on_commit_callbacks,
        email="alice@ts.example", role=Membership.Role.PLANNER,
    )  # fmt: skip
    assert response["Location"] == person_url(alice)
    assert User.objects.filter(email__iexact="alice@ts.example").count() == 1
    assert set(alice.memberships.values_list("role", flat=True)) == {"reporter", "planner"}
    # alice has a password: no invitation to set one
    assert mail.outbox == []


def test_inviting_an_address_again_for_the_same_role_says_it_is_held(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    again = invite(client, institution, django_capture_on_commit_callbacks)
    assert again.status_code == 200
    assert "har allerede den rolle" in again.content.decode()
    assert User.objects.filter(email="nina@ts.example").count() == 1


def test_an_invited_person_without_a_password_is_invited_again_with_a_new_role(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    invite(
        client, institution, django_capture_on_commit_callbacks,
        email="NINA@ts.example", role=Membership.Role.PLANNER,
    )  # fmt: skip
    assert User.objects.filter(email__iexact="nina@ts.example").count() == 1
    assert len(mail.outbox) == 2
    assert "Planlægger" in mail.outbox[1].body


def test_a_bad_invitation_keeps_the_input_and_marks_the_field(client, mona, institution):
    client.force_login(mona)
    response = client.post(
        reverse("people:invite", kwargs={"ministry": "TM"}),
        invite_data(institution, email="ikke-en-adresse"),
    )
    form = response.context["form"]
    assert "email" in form.errors
    html = response.content.decode()
    assert 'value="Nina"' in html and 'value="Nielsen"' in html
    assert not User.objects.filter(first_name="Nina").exists()


# Messages instead of constraint names -----------------------------------------------------


@pytest.mark.parametrize(
    "role, place, message",
    [
        ("reporter", "department", "En indberetter hører til en institution, ikke et ministerium."),
        ("planner", "department", "En planlægger hører til en institution, ikke et ministerium."),
        ("reviewer", "institution", "hører til et ministerium, ikke en institution."),
        ("ministry_admin", "institution", "hører til et ministerium, ikke en institution."),
    ],
)
def test_a_role_in_the_wrong_place_gets_a_message_on_its_field(
    client, mona, alice, institution, role, place, message
):
    client.force_login(mona)
    place_value = "department" if place == "department" else str(institution.pk)
    response = client.post(
        person_url(alice, "people:add_role"), {"role": role, "place": place_value}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["role_form"].errors["place"])
    html = response.content.decode()
    assert "membership_role_scope" not in html and "Begrænsning" not in html
    assert alice.memberships.count() == 1


def test_a_duplicate_role_gets_a_message_on_the_role(client, mona, alice, institution):
    client.force_login(mona)
    response = client.post(
        person_url(alice, "people:add_role"), {"role": "reporter", "place": str(institution.pk)}
    )
    assert "har allerede den rolle" in " ".join(response.context["role_form"].errors["role"])
    assert "Begrænsning" not in response.content.decode()


def admin_membership_data(user, **changes):
    return {"user": user.pk, "role": "reporter", "institution": "", "ministry": "", **changes}


def test_the_admins_membership_form_says_what_is_wrong(client, admin_user_, alice, ministry):
    client.force_login(admin_user_)
    url = reverse("admin:goals_membership_add")
    response = client.post(url, admin_membership_data(alice, ministry=ministry.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "En indberetter hører til en institution, ikke et ministerium." in html
    assert "membership_role_scope" not in html
    response = client.post(
        url,
        admin_membership_data(
            alice, role="reviewer", institution=alice.memberships.get().institution_id
        ),
    )
    assert "hører til et ministerium, ikke en institution." in response.content.decode()
    response = client.post(
        url, admin_membership_data(alice, institution=alice.memberships.get().institution_id)
    )
    html = response.content.decode()
    assert "har allerede den rolle" in html
    assert "membership_unique" not in html
    assert alice.memberships.count() == 1


def test_the_users_admin_page_has_the_memberships_inline_with_the_same_messages(
    client, admin_user_, alice, ministry
):
    client.force_login(admin_user_)
    url = reverse("admin:auth_user_change", args=[alice.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, (list, datetime.datetime))
    }
    existing = alice.memberships.get()
    data.update({
        "username": "alice", "date_joined_0": "2024-01-01", "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": existing.pk, "memberships-0-user": alice.pk,
        "memberships-0-role": "reporter", "memberships-0-institution": existing.institution_id,
        "memberships-1-user": alice.pk, "memberships-1-role": "reporter",
        "memberships-1-ministry": ministry.pk,
    })  # fmt: skip
    response = client.post(url, data)
    html = response.content.decode()
    assert "En indberetter hører til en institution, ikke et ministerium." in html
    assert "Begrænsning" not in html
    assert alice.memberships.count() == 1


def test_the_admins_user_form_refuses_an_address_another_user_has(client, admin_user_, alice, bob):
    bob.email = "Bob@AS.example"
    bob.save()
    client.force_login(admin_user_)
    url = reverse("admin:auth_user_change", args=[alice.pk])
    form = client.get(url).context["adminform"].form
    data = {
        "username": "alice", "email": "bob@as.example", "is_active": "on",
        "date_joined_0": "2024-01-01", "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    assert "email" in form.fields
    response = client.post(url, data)
    assert response.status_code == 200
    assert "bruges allerede af en anden bruger" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == ""


# Roles and deactivating -------------------------------------------------------------------


def test_the_administrator_adds_and_removes_a_role(client, mona, alice, institution):
    client.force_login(mona)
    response = client.post(
        person_url(alice, "people:add_role"), {"role": "planner", "place": str(institution.pk)}
    )
    assert response.status_code == 302
    planner = alice.memberships.get(role="planner")
    client.post(person_url(alice, "people:remove_role", membership_id=planner.pk))
    assert list(alice.memberships.values_list("role", flat=True)) == ["reporter"]


def test_a_role_elsewhere_cannot_be_removed_from_here(client, mona, dave, institution):
    client.force_login(mona)
    # dave is not the ministry's; his membership is not found through a person of the ministry
    elsewhere = dave.memberships.get()
    alice_like = member("anne", Membership.Role.REPORTER, institution=institution)
    client.post(person_url(alice_like, "people:remove_role", membership_id=elsewhere.pk))
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_an_administrator_keeps_their_own_administrator_role(client, mona):
    client.force_login(mona)
    own = mona.memberships.get()
    response = client.post(
        person_url(mona, "people:remove_role", membership_id=own.pk), follow=True
    )
    assert "egen rolle som administrator" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_deactivating_keeps_the_history_and_blocks_log_in(client, mona, alice, plan, goal):
    alice.first_name, alice.last_name = "Alice", "Andersen"
    alice.save()
    record = HistoryRecord.objects.create(
        plan=plan, goal=goal, subject="entry", field="status", before="", after="green",
        changed_by=alice, changed_by_name="Alice Andersen",
    )  # fmt: skip
    # alice is logged in somewhere when she is deactivated
    elsewhere = client.__class__()
    assert logs_in(elsewhere, "alice", "pw-alice-123")
    client.force_login(mona)
    response = client.post(person_url(alice, "people:deactivate"))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert User.objects.filter(pk=alice.pk).exists()
    record.refresh_from_db()
    assert record.changed_by == alice
    # her session ends and her password no longer logs in
    assert elsewhere.get(reverse("account")).status_code == 302
    assert not logs_in(client.__class__(), "alice", "pw-alice-123")
    # the list still shows her, deactivated
    page = client.get(list_url()).content.decode()
    assert person_url(alice) in page and "Deaktiveret" in page
    client.post(person_url(alice, "people:reactivate"))
    alice.refresh_from_db()
    assert alice.is_active


def test_a_ministry_administrator_cannot_deactivate_an_account_with_roles_elsewhere(
    client, mona, alice, dave
):
    Membership.objects.create(user=alice, role="reviewer", ministry=dave.memberships.get().ministry)
    client.force_login(mona)
    response = client.post(person_url(alice, "people:deactivate"), follow=True)
    assert "uden for" in response.content.decode()
    alice.refresh_from_db()
    assert alice.is_active


def test_a_ministry_administrator_cannot_deactivate_themself_or_a_superuser(
    client, mona, admin_user_, ministry
):
    Membership.objects.create(user=admin_user_, role="reviewer", ministry=ministry)
    client.force_login(mona)
    client.post(person_url(mona, "people:deactivate"))
    client.post(person_url(admin_user_, "people:deactivate"))
    mona.refresh_from_db()
    admin_user_.refresh_from_db()
    assert mona.is_active and admin_user_.is_active


def test_a_deactivated_person_cannot_use_their_invitation(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    nina = User.objects.get(email="nina@ts.example")
    client.post(person_url(nina, "people:deactivate"))
    client.logout()
    link = link_in(mail.outbox[0])
    assert "deaktiveret" in client.get(link).content.decode()
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    nina.refresh_from_db()
    assert not nina.is_active and not nina.has_usable_password()


def test_a_failed_send_is_kept_and_tried_again(mona, institution, settings, monkeypatch):
    from people import services

    nina = services.invite(
        ministry=institution.ministry, by=mona, email="nina@ts.example", role="reporter",
        institution=institution,
    ).user  # fmt: skip

    def refuse(self, *args, **kwargs):
        raise RuntimeError("the message could not be made")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    result = deliver_invitations()
    assert result.sent == [] and len(result.failed) == 1
    invitation = Invitation.objects.get(user=nina)
    assert invitation.sent_at is None and invitation.attempts == 1
    monkeypatch.undo()
    assert len(deliver_invitations().sent) == 1
    assert len(mail.outbox) == 1


# Query counts -----------------------------------------------------------------------------


def make_people(ministry, count, start=0):
    institutions = list(Institution.objects.filter(ministry=ministry))
    for n in range(start, start + count):
        user = User.objects.create(username=f"p{n}", first_name=f"P{n}", email=f"p{n}@x.example")
        Membership.objects.create(
            user=user, role="reporter", institution=institutions[n % len(institutions)]
        )
        Membership.objects.create(
            user=user, role="planner", institution=institutions[n % len(institutions)]
        )
        Invitation.objects.create(
            user=user, ministry=ministry, invited_by=None,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )  # fmt: skip


def queries_for_list(client, django_assert_max_num_queries, ministry, count, budget, start):
    make_people(ministry, count, start)
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(list_url())
    assert response.status_code == 200
    assert response.content.decode().count("/personer/TM/") >= count
    return len(captured)


def test_the_list_does_not_grow_with_the_number_of_people(
    client, mona, bob, institution, django_assert_max_num_queries
):
    client.force_login(mona)
    small = queries_for_list(client, django_assert_max_num_queries, institution.ministry, 3, 10, 0)
    large = queries_for_list(client, django_assert_max_num_queries, institution.ministry, 27, 10, 3)
    assert large == small, (small, large)


def test_a_superuser_chooses_among_every_ministry(client, admin_user_, ministry):
    Ministry.objects.create(name="Andetministeriet", short_name="AM")
    client.force_login(admin_user_)
    page = client.get(reverse("people:index")).content.decode()
    assert list_url("TM") in page and list_url("AM") in page


def test_the_index_refuses_a_member_and_hides_from_a_stranger(client, alice, db):
    client.force_login(alice)
    assert client.get(reverse("people:index")).status_code == 403
    client.force_login(User.objects.create_user("stranger", password="pw-stranger-123"))
    assert client.get(reverse("people:index")).status_code == 404


def test_a_reviewer_is_invited_to_the_department(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(
        client, institution, django_capture_on_commit_callbacks,
        role=Membership.Role.REVIEWER, place="department",
    )  # fmt: skip
    role = Membership.objects.get(user__email="nina@ts.example")
    assert (role.role, role.ministry, role.institution) == ("reviewer", institution.ministry, None)


def test_the_list_shows_where_each_invitation_stands(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    assert "gyldig til" in client.get(list_url()).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        client.force_login(mona)  # the session ran out meanwhile
        assert "Udløbet" in client.get(list_url()).content.decode()


def test_a_person_whose_roles_are_all_taken_stays_on_the_list(
    client, mona, institution, immediate, django_capture_on_commit_callbacks
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    nina = User.objects.get(email="nina@ts.example")
    client.post(person_url(nina, "people:remove_role", membership_id=nina.memberships.get().pk))
    assert not nina.memberships.exists()
    page = client.get(list_url()).content.decode()
    assert person_url(nina) in page and "Ingen roller" in page


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_one_address_invited_four_times_at_once_makes_one_account(mona, institution, settings):
    settings.TASKS = IMMEDIATE
    url = reverse("people:invite", kwargs={"ministry": "TM"})
    results = at_once([poster(mona, url, invite_data(institution)) for _n in range(4)])
    codes = [code for code, _html in results]
    assert codes.count(302) == 1, codes
    assert all(
        code == 200 and "har allerede den rolle" in html for code, html in results if code != 302
    ), codes
    assert User.objects.filter(email__iexact="nina@ts.example").count() == 1
    assert Membership.objects.filter(user__email="nina@ts.example").count() == 1


def test_the_daily_run_sends_an_invitation_a_failed_send_left(mona, institution, monkeypatch):
    import io

    from django.core.management import call_command

    from people import services

    services.invite(
        ministry=institution.ministry, by=mona, email="nina@ts.example", role="reporter",
        institution=institution,
    )  # fmt: skip
    assert mail.outbox == []  # the queue's run did not happen (no commit in the test)
    out = io.StringIO()
    call_command("send_reminders", stdout=out, stderr=io.StringIO())
    assert "Sendt: 1 invitationer." in out.getvalue()
    assert [m.to for m in mail.outbox] == [["nina@ts.example"]]


def test_with_password_log_in_off_the_invitation_sets_no_password(
    client, mona, institution, immediate, django_capture_on_commit_callbacks, settings
):
    client.force_login(mona)
    invite(client, institution, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    settings.PASSWORD_LOGIN = False
    page = client.get(link).content.decode()
    assert "Din konto er klar" in page and "new_password1" not in page
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    nina = User.objects.get(email="nina@ts.example")
    assert not nina.has_usable_password()
    assert "_auth_user_id" not in client.session
