"""Administrators import and download plan files in the admin, without a shell."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goals.models import Goal, Plan
from goals.planfile import dump_plan
from tests.conftest import PLAN_DIR

IMPORT_URL = "admin:goals_plan_import"


def upload(client, content, name="plan.yaml", **extra):
    return client.post(
        reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, content), **extra}, follow=True
    )


def test_import_page_is_linked_from_the_plan_list(client, admin_user_):
    client.force_login(admin_user_)
    page = client.get(reverse("admin:goals_plan_changelist")).content.decode()
    assert reverse(IMPORT_URL) in page


def test_import_a_reference_plan(client, admin_user_):
    client.force_login(admin_user_)
    response = upload(client, (PLAN_DIR / "adst-2024.yaml").read_bytes())
    plan = Plan.objects.get(institution__short_name="ADST", year=2024)
    assert response.redirect_chain[-1][0] == reverse("admin:goals_plan_change", args=[plan.pk])
    assert "importeret med 10 mål" in response.content.decode()


def test_bad_file_shows_every_problem_and_writes_nothing(client, admin_user_):
    client.force_login(admin_user_)
    text = (PLAN_DIR / "adst-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("unit: pct", "unit: furlongs", 1).replace("kind: drift", "kind: hobby", 1)
    response = upload(client, text.encode("utf-8"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "ukendt unit &quot;furlongs&quot;" in page
    assert "ukendt kind &quot;hobby&quot;" in page
    assert "intet er gemt" in page
    assert not Plan.objects.exists() and not Goal.objects.exists()


def test_existing_plan_needs_the_replace_box(client, admin_user_):
    client.force_login(admin_user_)
    content = (PLAN_DIR / "be-2021.yaml").read_bytes()
    upload(client, content)
    assert "har allerede en plan for 2021" in upload(client, content).content.decode()
    assert Plan.objects.count() == 1
    upload(client, content, replace="on")
    assert Plan.objects.count() == 1


def test_staff_without_add_permission_is_refused(client, db):
    clerk = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse(IMPORT_URL)).status_code == 403


def test_download_plan_file_action(client, admin_user_, reference_plans):
    plan = reference_plans["be-2024.yaml"]
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:goals_plan_changelist"),
        {"action": "download_plan_file", "_selected_action": [plan.pk]},
    )
    assert response["Content-Disposition"] == 'attachment; filename="be-2024.yaml"'
    assert response.content.decode("utf-8") == dump_plan(plan)


def test_goal_list_sorts_numbers_in_plan_order(client, admin_user_, reference_plans):
    client.force_login(admin_user_)
    plan = reference_plans["adst-2024.yaml"]
    page = client.get(
        reverse("admin:goals_goal_changelist"),
        {"plan__institution__id__exact": plan.institution_id, "o": "1"},
    ).content.decode()
    positions = [page.index(f">{n}<") for n in ("1.1", "1.2", "1.4", "2.1", "3.2", "4.1")]
    assert positions == sorted(positions)
