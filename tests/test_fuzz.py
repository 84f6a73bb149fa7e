"""Bad input, generated: every form and the plan import answer with a message, never a 500.

Hypothesis sends random text (control characters, markup, very long strings), huge and odd
numbers, wrong types and missing fields. Each test is bounded to a few dozen examples so the
suite stays fast; a failure is shrunk by Hypothesis to the smallest input that shows it.
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goals.models import Requirement, StatusEntry
from goals.planfile import PlanFileError, import_plan, read_plan_file
from tests.test_access_sweep import RULES

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a person (or a script) might type or send into a field.
nasty_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\x1b[31m",
            "<script>alert(1)</script>",
            "'; DROP TABLE goals_plan; --",
            "9" * 400,
            "-1e999",
            "NaN",
            "Infinity",
            "1,2,3",
            "1.000.000,5",
            "٣٫٥",
            "x" * 20_000,
        ]
    ),
)
numberish = st.one_of(
    nasty_text,
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
)


@pytest.fixture
def quarter_setup(plan, goal, requirement, alice):
    Requirement.objects.filter(pk=requirement.pk).update(
        measure="threshold", comparator="at_least", target_value=95, unit="pct"
    )
    client = Client()
    client.force_login(alice)
    return client, goal, requirement


@FUZZ
@given(
    goal_fields=st.dictionaries(
        st.sampled_from(["result_text", "status", "ytd_text", "cause", "consequence", "action"]),
        nasty_text,
    ),
    requirement_fields=st.dictionaries(
        st.sampled_from(["result_value", "status", "status_reason", "ytd_value"]), numberish
    ),
    action=st.sampled_from(["save", "submit", "", "delete", "\x00"]),
    version=numberish,
)
def test_quarter_form_never_fails(quarter_setup, goal_fields, requirement_fields, action, version):
    client, goal, requirement = quarter_setup
    data = {f"g{goal.pk}-{k}": v for k, v in goal_fields.items()}
    data |= {f"r{requirement.pk}-{k}": v for k, v in requirement_fields.items()}
    data |= {"action": action, "version": version}
    response = client.post(reverse("goals:quarter", args=["TS", 2024, 1]), data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        html = response.content.decode()
        # The page came back with a message, and what was typed (as text) is kept.
        assert 'class="alert' in html or "invalid-feedback" in html or "is-invalid" in html
        assert "<script>alert(1)</script>" not in html
    for entry in StatusEntry.objects.filter(report__plan__institution__short_name="TS"):
        assert "\x00" not in entry.cause + entry.action + entry.result_text


@FUZZ
@given(
    fields=st.dictionaries(st.sampled_from(["met", "verdict", "reason"]), nasty_text),
)
def test_year_end_form_never_fails(plan, goal, requirement, carol, fields):
    client = Client()
    client.force_login(carol)
    data = {}
    for name, value in fields.items():
        key = {"met": f"met_{requirement.pk}", "verdict": f"verdict_{goal.pk}"}.get(
            name, f"reason_{goal.pk}"
        )
        data[key] = value
    response = client.post(reverse("goals:year_end", args=["TS", 2024]), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(comment=nasty_text, action=st.sampled_from(["approve", "return", "reopen"]))
def test_review_actions_never_fail(plan, goal, carol, comment, action):
    from goals.forms import ReviewForm
    from goals.models import QuarterReport

    report, _created = QuarterReport.objects.update_or_create(
        plan=plan, quarter=2, defaults={"state": "submitted"}
    )
    client = Client()
    client.force_login(carol)
    data = {"comment": comment, "version": report.version}  # as the page shows it
    response = client.post(reverse(f"goals:{action}", args=["TS", 2024, 2]), data)
    if ReviewForm(data).is_valid():
        assert response.status_code == 302
    else:  # refused with its message, the comment put back on the page
        assert response.status_code == 200
        assert 'id="review-refused"' in response.content.decode()


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["aar", "kvartal", "type", "pejlemaerke", "status", "sorter", "side"]),
        numberish,
    )
)
def test_dashboard_filters_never_fail(ministry, plan, carol, query):
    client = Client()
    client.force_login(carol)
    for name in ("overview", "attention", "group_goals", "summary"):
        response = client.get(reverse(f"reporting:{name}", args=["TM"]), query)
        assert response.status_code in (200, 404), (name, query)


@FUZZ
@given(year=numberish, file_format=nasty_text)
def test_summary_order_never_fails(ministry, plan, carol, year, file_format):
    client = Client()
    client.force_login(carol)
    response = client.post(
        reverse("reporting:start_summary", args=["TM"]), {"aar": year, "format": file_format}
    )
    assert response.status_code in (302, 404)


@FUZZ
@given(username=nasty_text, password=nasty_text)
def test_login_form_never_fails(db, username, password):
    response = Client().post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 429)


# Pieces of YAML that a plan file may not use, or that once gave a 500: anchors and aliases,
# merge keys, tags, deep brackets, huge numbers, impossible dates, escaped control characters.
hostile_yaml = st.lists(
    st.sampled_from(
        [
            "&a ",
            "*a",
            "!!binary ",
            "!!set ",
            "!!omap ",
            "!!python/name:os.system ",
            "!x ",
            "<<: ",
            "[",
            "]",
            "{",
            "}",
            ": ",
            ", ",
            "- ",
            "\n",
            "  ",
            "2030-02-30",
            "2024-13-01 10:00:00",
            "9" * 30,
            "0x" + "f" * 20,
            "1:2:3:4:5:6:7:8:9",
            "plan",
            "title",
            "year",
            '"\\x0b"',
            '"\\u0085"',
            "=",
        ]
    ),  # fmt: skip
    max_size=80,
).map(lambda parts: "".join(parts).encode())


@FUZZ
@given(
    raw=st.one_of(
        st.binary(max_size=2000),
        nasty_text.map(str.encode),
        hostile_yaml,
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), nasty_text),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(
                    st.sampled_from(
                        [
                            "format",
                            "ministry",
                            "institution",
                            "plan",
                            "sections",
                            "goals",
                            "requirements",
                            "year",
                            "number",
                            "title",
                            "kind",
                            "target",
                            "unit",
                        ]
                    ),  # fmt: skip
                    inner,
                    max_size=5,
                )
            ),
            max_leaves=20,
        ).map(lambda data: __import__("yaml").safe_dump(data).encode()),
    )
)
def test_plan_import_rejects_bad_files_with_messages(db, raw):
    try:
        checked = read_plan_file(raw)
    except PlanFileError as error:
        assert str(error).strip()
        assert "Filen kan ikke læses" not in str(error), "a case the reading does not name"
        return
    import_plan(checked)  # a file that passes the check must import


def test_csrf_is_enforced_on_every_form(plan, goal, admin_user_):
    """Every URL that takes a POST refuses one without the CSRF token, and only for that:
    the same POST with the check off gets through (the administrator may do all of them)."""
    posting = [name for name, (_b, _g, post) in RULES.items() if post and 302 in post]
    assert len(posting) >= 7
    objects = {"plan": plan, "goal": goal}
    for name in posting:
        url = reverse(name, kwargs=RULES[name][0](objects))
        data = {"action": "save", "version": "0", "aar": "2024", "format": "pdf"}
        checked = Client(enforce_csrf_checks=True)
        checked.force_login(admin_user_)
        response = checked.post(url, data)
        assert response.status_code == 403, (name, response.status_code)
        assert b"CSRF" in response.content
        unchecked = Client()
        unchecked.force_login(admin_user_)
        assert unchecked.post(url, data).status_code != 403, name
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "root", "password": "x"}
    )
    assert response.status_code == 403
