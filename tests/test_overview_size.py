"""The ministry overview's HTML stays small as the ministry grows: under 250 KiB for 200
institutions, measured from the real page at two sizes (what one more institution adds, and
what the page costs without any)."""

import pytest
from django.urls import reverse

from goals.generate import generate_ministry, numbered_institutions
from goals.models import Membership, Plan
from tests.conftest import member
from tests.helpers import delete_plans

BUDGET = 250 * 1024
INSTITUTIONS = 200


@pytest.fixture(scope="module")
def ministries(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = [
            generate_ministry(
                name=f"Ministerium {size}",
                short_name=f"M{size}",
                institutions=numbered_institutions(size, prefix=f"M{size}-"),
                years=[2024],
                goals=15,
                requirements=1,
                seed=size,
            )  # fmt: skip
            for size in (4, 40)
        ]
        user = member("maaler", Membership.Role.REVIEWER, ministry=made[0])
        Membership.objects.create(user=user, role=Membership.Role.REVIEWER, ministry=made[1])
        yield made, user
        delete_plans(Plan.objects.filter(ministry__in=made))
        for ministry in made:
            ministry.institutions.all().delete()
            ministry.delete()
        user.delete()


@pytest.mark.django_db
def test_overview_html_for_200_institutions_is_under_250_kib(client, ministries):
    made, user = ministries
    client.force_login(user)
    sizes = []
    for ministry in made:
        response = client.get(
            reverse("reporting:overview", args=[ministry.short_name]) + "?aar=2024"
        )
        assert response.status_code == 200
        assert len(response.context["rows"]) == ministry.institutions.count()
        sizes.append(len(response.content))
    per_row = (sizes[1] - sizes[0]) / (40 - 4)
    fixed = sizes[0] - 4 * per_row
    assert per_row > 0
    assert fixed + INSTITUTIONS * per_row < BUDGET, (fixed, per_row)
