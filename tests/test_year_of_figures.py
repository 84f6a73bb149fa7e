"""A whole year of a plan unlike the reference plans, as the acceptance run will go: quarters
entered through the figures workbook and through the quarter page, each submitted and
approved; then every figure entered must stand in the follow-up (page, PDF and workbook) and
the annual report beside its target, and the year end must propose what the plan's rules
give."""

import re
from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from goals.models import Membership, QuarterReport, ReportState
from goals.numbers import format_number
from goals.selectors import build_quarter
from goals.workbook import HEADERS
from tests.conftest import member
from tests.helpers import EXPLAINED, quarter_data, quarter_url, requirement_of
from tests.test_reports import squash, text_of

# What the institution reports each quarter: (goal, start of the requirement's text, part or
# None, field) -> one figure per quarter, as typed (None: not due or not reported).
YEAR = {
    ("A", "Der inddrives", None, "result_value"): ["7,1", "6,9", "7,9", "7,5"],
    ("B", "Robotter", None, "ytd_value"): ["1.100", "2.800", "7.200", "12.500"],
    ("C", "Kundetilfredsheden", None, "result_value"): [None, None, "3,9", None],
    ("C", "Tilfredsheden er min.", "telefon", "result_value"): ["4,1", "4,0", "4,2", "4,1"],
    ("C", "Tilfredsheden er min.", "mail", "result_value"): ["3,3", "3,4", "3,2", "3,3"],
    ("D", "Sagsbehandlingstiden", None, "result_value"): ["10,4", "9,9", "9,7", "9,6"],
    ("D", "Mindst 50 breve", None, "result_value"): ["10", "15", "12", "16"],
}
BY_WORKBOOK = (1, 3)  # the other quarters are typed on the quarter page


def _requirement(plan, goal, text, part):
    requirement = requirement_of(plan, goal, text)
    return requirement.parts.get(label=part) if part else requirement


def _as_typed(value):
    if isinstance(value, Decimal):
        return format_number(value, grouping=True)
    return "" if value is None else value


def _the_page_as_shown(plan, quarter):
    """The quarter page's fields as the browser would send them back, as they stand."""
    data = {}
    for form in build_quarter(plan, quarter).forms:
        for name in form.fields:
            data[form.add_prefix(name)] = _as_typed(form.initial.get(name))
    return data


def _through_the_workbook(client, plan, quarter, figures):
    response = client.get(reverse("goals:quarter_workbook", args=["FIG", 2025, quarter]))
    book = load_workbook(BytesIO(response.content))
    sheet = book["Tal"]
    key = HEADERS.index("Nøgle")
    rows = {row[key].value: row for row in sheet.iter_rows(min_row=2)}
    for requirement, field, value in figures:
        column = HEADERS.index("År til dato" if field == "ytd_value" else "Resultat i kvartalet")
        rows[f"r{requirement.pk}"][column].value = value
    for goal in plan.goals.all():
        if f"g{goal.pk}" in rows:
            rows[f"g{goal.pk}"][
                HEADERS.index("Årsag/konsekvens")
            ].value = f"Årsag: {EXPLAINED['cause']}\nKonsekvens: {EXPLAINED['consequence']}"
            rows[f"g{goal.pk}"][HEADERS.index("Handling")].value = EXPLAINED["action"]
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "tal.xlsx"
    response = client.post(
        reverse("goals:quarter_upload", args=["FIG", 2025, quarter]), {"file": buffer}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]


def _on_the_page(client, plan, quarter, figures):
    report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    data = quarter_data(
        version=report.version if report else 0,
        requirements={requirement: {field: value} for requirement, field, value in figures},
        goals={goal: EXPLAINED for goal in plan.goals.all()},
    )
    assert client.post(quarter_url(plan, quarter), data).status_code == 302


def test_a_year_of_figures_stands_beside_its_targets_everywhere(client, fig, rita):
    reviewer = member("ruth", Membership.Role.REVIEWER, ministry=fig.ministry)
    entered = {
        (goal, text, part, field): (_requirement(fig, goal, text, part), figures)
        for (goal, text, part, field), figures in YEAR.items()
    }
    for quarter in (1, 2, 3, 4):
        figures = [
            (requirement, field, values[quarter - 1])
            for (_g, _t, _p, field), (requirement, values) in entered.items()
            if values[quarter - 1] is not None
        ]
        client.force_login(rita)
        if quarter in BY_WORKBOOK:
            _through_the_workbook(client, fig, quarter, figures)
        else:
            _on_the_page(client, fig, quarter, figures)
        report = QuarterReport.objects.get(plan=fig, quarter=quarter)
        data = {**_the_page_as_shown(fig, quarter), "action": "submit", "version": report.version}
        response = client.post(quarter_url(fig, quarter), data)
        assert response.status_code == 302, response.content.decode()[-3000:]
        client.force_login(reviewer)
        report.refresh_from_db()
        client.post(
            reverse("goals:approve", args=["FIG", 2025, quarter]), {"version": report.version}
        )
        assert QuarterReport.objects.get(plan=fig, quarter=quarter).state == ReportState.APPROVED

    client.force_login(reviewer)
    # The fourth quarter's follow-up, as a page and a PDF: each figure beside its target.
    page = client.get(reverse("reporting:follow_up", args=["FIG", 2025, 4])).content.decode()
    pdf = text_of(client.get(reverse("reporting:follow_up_pdf", args=["FIG", 2025, 4])).content)
    for text in (re.sub(r"<[^>]+>", "", page), pdf):
        flat = squash(text)
        assert "7,5 mia. kr., i alt 29,4 mia. kr. (mål ≥ 29)" in flat
        assert "5.300 timer, i alt 12.500 timer (mål ≥ 12.000)" in flat
        assert "2.800 timer, i alt 2.800 timer" not in flat  # Q2 typed as a total: 1.700 in Q2
        assert "1.700 timer, i alt 2.800 timer (mål ≥ 3.000)" in flat
        assert "3,9 point (mål ≥ 3,8)" in flat  # the survey, in Q3
        assert "9,6 dage (mål ≤ 9,8)" in flat and "10,4 dage (mål ≤ 9,8)" in flat
        assert "16 breve, i alt 53 breve (mål ≥ 50)" in flat
        assert "telefon 4,1 point (mål ≥ 4,0)" in flat and "mail 3,3 point (mål ≥ 3,2)" in flat
    # The follow-up workbook: the same numbers as numbers, each beside its target.
    book = load_workbook(
        BytesIO(client.get(reverse("reporting:follow_up_xlsx", args=["FIG", 2025, 4])).content)
    )
    sheet = book["Resultatkrav"]
    headers = [c.value for c in sheet[1]]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    total = rows[entered["A", "Der inddrives", None, "result_value"][0].name]
    q4 = headers.index("4. kvartal")
    assert (total[q4].value, total[q4 + 1].value, total[q4 + 2].value) == (
        7.5,
        29.4,
        "mindst 29 mia. kr.",
    )
    assert total[headers.index("År til dato")].value == 29.4

    # The annual report: the year's figure of each kind beside the year's target.
    annual = squash(
        text_of(client.get(reverse("reporting:annual_pdf", args=["FIG", 2025])).content)
    )
    for target, figure in [
        ("mindst 29 mia. kr.", "29,4 mia. kr."),
        ("mindst 12.000 timer", "12.500 timer"),
        ("mindst 3,8 point på en skala fra 1-5", "3,9 point"),
        ("højst 9,8 dage", "9,6 dage"),
        ("mindst 50 breve", "53 breve"),
        (
            "telefon: mindst 4,0 point; mail: mindst 3,2 point",
            "telefon: 4,1 point; mail: 3,3 point",
        ),
    ]:
        assert target in annual and figure in annual, (target, figure)

    # The year end proposes what the rules give from the year's figures.
    form = client.get(reverse("goals:year_end", args=["FIG", 2025])).context["form"]
    proposed = {key: form.initial[f"met_{(r.part_of or r).pk}"] for key, (r, _v) in entered.items()}
    assert set(proposed.values()) == {"yes"}, proposed
