"""One fulfilment degree: the overview's "hidtil", the Målopfyldelse tab, the annual report and
the year end give the same figure for the same plan and data, in the same unit."""

from django.urls import reverse

from goals import services
from goals.demo import load_follow_up
from goals.models import Fulfilment, Membership, ReportState
from goals.selectors import year_end
from goals.templatetags.goals_extras import percent
from reporting import documents
from reporting.selectors import Filters, ministry_overview
from tests.conftest import load_reference, member


def test_every_page_gives_the_same_degree_in_the_same_unit(client, db, admin_user_):
    plan = load_reference("adst-2024.yaml")
    states = {1: ReportState.APPROVED, 2: ReportState.APPROVED, 3: ReportState.SUBMITTED}
    load_follow_up(plan, states, {"admin": admin_user_})
    goals = list(plan.goals.order_by("order"))
    # Three goals decided by the department, the rest counted by their latest status.
    services.save_year_end(
        plan=plan,
        user=admin_user_,
        requirement_verdicts={},
        goal_verdicts={
            goals[0]: (Fulfilment.MET, "Afgjort."),
            goals[1]: (Fulfilment.NOT_MET, "Afgjort."),
            goals[2]: (Fulfilment.PARTLY_MET, "Afgjort."),
        },
    )

    overview = ministry_overview(plan.ministry, Filters(year=2024))[0].degree
    summary = documents.ministry_summary(plan.ministry, 2024).rows[0].degree
    annual = documents.annual(plan).degree
    at_year_end = year_end(plan).degree
    assert overview.value is not None and not overview.final
    assert overview == summary == annual == at_year_end
    assert (overview.decided, overview.total) == (3, 10)

    reviewer = member("skm", Membership.Role.REVIEWER, ministry=plan.ministry)
    client.force_login(reviewer)
    shown = percent(overview.value)
    assert shown.endswith(" pct.")
    pages = [
        reverse("reporting:overview", args=["SKM"]) + "?aar=2024",
        reverse("reporting:summary", args=["SKM"]) + "?aar=2024",
        reverse("reporting:annual", args=["ADST", 2024]),
        reverse("goals:year_end", args=["ADST", 2024]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert shown in html, url
        assert "foreløbig" in html, url
