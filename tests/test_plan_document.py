"""The plan document is the institution's own plan: what it prints comes from the plan.

Each reference plan's document is rendered as a PDF and read back (pypdf): every heading
and every paragraph must be the plan's own text (as imported from its file) or one of the
document's generated labels (`reporting.documents.plan_document_labels`), with names,
numbers, dates, the running header and the page footer around them.
"""

import datetime
import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from goals.figures import parts_of, quarter_target, target_text
from goals.models import Requirement, Section
from goals.planfile import export_plan
from reporting import documents
from reporting.pdf import render_pdf
from tests.conftest import REFERENCE_FILES, load_reference
from tests.helpers import load_test_plan
from tests.test_reports import FOLLOW_UP_HEADERS, in_order, squash, text_of, url

MONTHS = "|".join(documents.MONTHS)
# What the document writes of its own besides its labels: dates ("12. december 2023"),
# quarters ("2. kvartal", "3. og 4. kvartal"), numbers and punctuation. Compared without
# white space, as a PDF may break a line anywhere.
GENERATED = re.compile(
    rf"\d{{1,2}}\.(?:{MONTHS})\d{{4}}"
    r"|(?:\d\.,)*\d\.(?:og\d\.)?kvartal"
    r"|\d+"
    r"|[.,:;()\[\]·/+\-–%…»«\"'’”]+"
)
FOOTER = re.compile(rf"Dannet\d{{1,2}}\.(?:{MONTHS})\d{{4}}Side\d+af\d+")
SEPARATOR = "\x00"

# The chapters each reference plan's document has, as its table of contents lists them.
CHAPTERS = {
    "adst-2024.yaml": [
        "1. Strategisk ramme",
        "2. Vision",
        "2.1 Grundfortælling",
        "3. Mål",
        "3.1 Pejlemærke 1",
        "3.2 Pejlemærke 2",
        "3.3 Pejlemærke 3",
        "3.4 Pejlemærke 4",
        "4. Opfølgning",
        "5. Aftale",
        "6. Bilag",
        "6.1 Målbeskrivelser",
        "6.2 Opfølgning pr. kvartal",
    ],
    "be-2024.yaml": [
        "1. Mål",
        "1.1 Koncernfælles mål",
        "1.2 Institutionsspecifikke mål",
        "2. Opfølgning",
        "3. Aftale",
        "4. Bilag",
        "4.1 Målbeskrivelser",
    ],
    "be-2021.yaml": [
        "1. Mål",
        "1.1 Strategiske mål og kernefaglige mål",
        "1.2 Økonomiske mål og administrative mål",
        "2. Opfølgning",
        "3. Opgørelse",
        "4. Aftale",
        "5. Bilag",
        "5.1 Målbeskrivelser",
        "5.2 Opfølgning pr. kvartal",
    ],
}
ADST_SENTENCE = (
    "For hvert mål er der anført, hvorvidt målet er et koncernfælles mål eller vedrører hhv. "
    "udviklingsaktiviteter eller driftsaktiviteter."
)
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "reports"


@pytest.fixture
def client_admin(client, admin_user_):
    client.force_login(admin_user_)
    return client


def compact(text):
    return "".join(str(text).split())


def plan_texts(plan):
    """Every text the plan holds, as imported from its file: the plan's, the ministry's and
    the institution's, its signatories', headings', goals' and requirements' (with each quarter
    target as the figures module writes it)."""
    ministry, institution = plan.ministry, plan.institution
    texts = [
        plan.title,
        plan.introduction,
        plan.strategic_context,
        plan.vision,
        plan.narrative,
        plan.reporting_schedule,
        plan.scoring_note,
        plan.agreement,
        ministry.name,
        ministry.vision,
        ministry.values,
        institution.name,
        institution.short_name,
    ]
    for beacon in ministry.beacons.all():
        texts += [beacon.number, beacon.title, beacon.text]
    for signatory in plan.signatories.all():
        texts += [signatory.name, signatory.title, signatory.organisation, signatory.place]
    for section in plan.sections.all():
        texts += [section.number, section.title, section.text]
    for goal in plan.goals.all():
        texts += [goal.number, goal.title, goal.description, goal.success_text]
        texts += [goal.reporting_text, goal.remarks]
    requirements = Requirement.objects.filter(goal__plan=plan).prefetch_related("quarter_targets")
    for requirement in requirements:
        texts += [requirement.number, requirement.label, requirement.text]
        texts += [requirement.deadline_text, requirement.precondition]
        for target in requirement.quarter_targets.all():
            texts.append(target_text(requirement, quarter_target(requirement, target.quarter)))
    return [text for text in texts if text]


def unaccounted(pdf, plan):
    """What the PDF prints that is neither the plan's text, a label, nor a generated value
    (a date, a quarter, a number, punctuation, the running header or the page footer)."""
    header = compact(documents.plan_document(plan).header.running)
    pages = [compact(page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages]
    body = SEPARATOR.join(FOOTER.sub("", page.replace(header, SEPARATOR)) for page in pages)
    # Pages are joined as one text, so a paragraph broken by a page reads whole again.
    body = body.replace(SEPARATOR, "")
    allowed = {compact(text) for text in [*plan_texts(plan), *documents.plan_document_labels()]}
    # Numbers ("2", "1.1") are left to GENERATED, so as not to cut dates and quarters apart.
    allowed = {text for text in allowed if not re.fullmatch(GENERATED, text)}
    for text in sorted(allowed, key=len, reverse=True):
        body = body.replace(text, SEPARATOR)
    left = (GENERATED.sub("", bit) for bit in body.split(SEPARATOR))
    return [bit for bit in left if bit]


class Headings(HTMLParser):
    """The text of every heading (h1-h6) inside the page's plan document."""

    def __init__(self):
        super().__init__()
        self.found, self.inside, self.depth = [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if self.depth and re.fullmatch(r"h[1-6]", tag):
            self.inside = []

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if self.inside is not None and re.fullmatch(r"h[1-6]", tag):
            self.found.append(" ".join("".join(self.inside).split()))
            self.inside = None

    def handle_data(self, data):
        if self.inside is not None:
            self.inside.append(data)


def headings_of(html):
    parser = Headings()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_every_word_of_the_document_is_the_plans_or_a_label(db, client_admin, name):
    plan = load_reference(name)
    response = client_admin.get(url("plan_document_pdf", plan))
    assert response.status_code == 200
    assert unaccounted(response.content, plan) == []


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_every_heading_is_a_label_or_the_plans_own(db, client_admin, name):
    plan = load_reference(name)
    labels = set(documents.plan_document_labels())
    allowed = labels | {plan.title, *plan.sections.values_list("title", flat=True)}
    allowed |= {f"Mål {goal.number}: {goal.title}" for goal in plan.goals.all()}
    allowed |= {f"{quarter}. kvartal" for quarter in (1, 2, 3, 4)}
    headings = headings_of(client_admin.get(url("plan_document", plan)).content.decode())
    assert headings
    # A heading is a label or the plan's text as it is ("2. kvartal"), or once its chapter
    # number is taken off ("3.1 Pejlemærke 1").
    unknown = [
        heading
        for heading in headings
        if {heading, re.sub(r"^\d+(\.\d+)*\.? ", "", heading)}.isdisjoint(allowed)
    ]
    assert unknown == []


def test_the_check_catches_what_another_ministrys_template_printed(db):
    """BE's document with the headings and the sentence the one template printed for every
    plan: the check names each of them."""
    plan = load_reference("be-2024.yaml")
    context = {"report": documents.plan_document(plan), "plan": plan}
    html = render_to_string("reports/pdf/plan_document.html", context)
    old = html.replace(
        "<h2>1. Mål</h2>",
        "<h2>1. Indenrigs- og Sundhedsministeriets koncernfælles strategiske ramme</h2>"
        f"<h2>1.2 Mål for Benchmarkingenheden i 2024</h2><p>{ADST_SENTENCE}</p>",
    )
    assert old != html
    left = unaccounted(render_pdf(old), plan)
    assert "skoncernfællesstrategiskeramme" in left
    assert "for" in left
    assert any("Forhvertmålerderanført" in bit for bit in left)


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_contents_list_the_chapters_the_plan_has_in_order(db, client_admin, name):
    plan = load_reference(name)
    report = documents.plan_document(plan)
    listed = [chapter.numbered for top in report.chapters for chapter in (top, *top.chapters)]
    assert listed == CHAPTERS[name]
    pdf = client_admin.get(url("plan_document_pdf", plan)).content
    contents = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert in_order(" ".join(contents.split()), ["Indholdsfortegnelse", *CHAPTERS[name]])
    # Each with its page number, by target-counter.
    assert re.search(r"1\. \S.*(?:\. ?){5,}\d+", contents)
    assert in_order(text_of(pdf), CHAPTERS[name][1:])


def test_adst_prints_its_own_sentence_before_its_goal_tables_and_be_does_not(db, client_admin):
    adst = load_reference("adst-2024.yaml")
    text = text_of(client_admin.get(url("plan_document_pdf", adst)).content)
    assert in_order(text, ["3. Mål", ADST_SENTENCE, "3.1 Pejlemærke 1", "Nr. Type Mål"])
    for name in ("be-2024.yaml", "be-2021.yaml"):
        plan = load_reference(name)
        text = text_of(client_admin.get(url("plan_document_pdf", plan)).content)
        assert "hvorvidt målet er et koncernfælles mål" not in text
        assert "koncernfælles strategiske ramme" not in text
        assert "Strategisk ramme" not in text
        assert "Vision" not in text


def test_follow_up_template_only_where_the_plan_prints_it(db, client_admin):
    adst = load_reference("adst-2024.yaml")
    assert adst.follow_up_template
    assert export_plan(adst)["plan"]["reporting"]["template"] is True
    text = text_of(client_admin.get(url("plan_document_pdf", adst)).content)
    assert in_order(
        text,
        [
            "4. Opfølgning",
            adst.reporting_schedule,
            "Skabelon for opfølgning og afrapportering",
            *FOLLOW_UP_HEADERS,
            "[Beskrivelse af målet]",
            "1.1",
            "Styrelsen leverer shared service ydelser til tiden",
            "5. Aftale",
        ],
    )
    for name in ("be-2024.yaml", "be-2021.yaml"):
        plan = load_reference(name)
        assert not plan.follow_up_template
        text = text_of(client_admin.get(url("plan_document_pdf", plan)).content)
        assert "Skabelon for opfølgning og afrapportering" not in text
        assert "Status sidst" not in text
        assert "[Beskrivelse af målet]" not in text
        assert in_order(text, ["2. Opfølgning", plan.reporting_schedule.split("\n")[0]])


@pytest.fixture
def adst_with_a_beacon_without_goals(db):
    plan = load_reference("adst-2024.yaml")
    Section.objects.create(
        plan=plan,
        kind=Section.Kind.BEACON,
        number="5",
        order=99,
        title="Pejlemærke 5",
        text="Styrelsen skal være en grøn arbejdsplads, som målene kun nævner i deres tekst.",
    )
    return plan


def test_a_beacon_without_goals_is_in_the_document(adst_with_a_beacon_without_goals, client_admin):
    plan = adst_with_a_beacon_without_goals
    pdf = client_admin.get(url("plan_document_pdf", plan)).content
    text = text_of(pdf)
    beacons = list(plan.sections.order_by("order"))
    assert in_order(text, ["3.4 Pejlemærke 4", "3.5 Pejlemærke 5", "4. Opfølgning"])
    words = []
    for beacon in beacons:
        words += [beacon.title, beacon.text]
        words += [goal.number for goal in beacon.goals.order_by("order")]
    assert in_order(text[text.index("3. Mål") + 10 :], words)
    assert unaccounted(pdf, plan) == []


def test_a_beacon_without_goals_is_on_the_plan_page(adst_with_a_beacon_without_goals, client_admin):
    plan = adst_with_a_beacon_without_goals
    page = client_admin.get(reverse("reporting:plan_detail", args=["ADST", 2024])).content.decode()
    beacons = page[page.index('id="beacons"') : page.index('id="grid-caption"')]
    words = []
    for beacon in plan.sections.order_by("order"):
        words += [beacon.title, beacon.text]
        words += [goal.title for goal in beacon.goals.order_by("order")]
    assert in_order(squash(beacons), words)
    assert beacons.index("Pejlemærke 5") > beacons.index("Styrke det faglige niveau")


def test_plan_page_lists_no_beacons_for_a_plan_of_sections(db, client_admin):
    plan = load_reference("be-2024.yaml")
    page = client_admin.get(reverse("reporting:plan_detail", args=["BE", 2024])).content.decode()
    assert 'id="beacons"' not in page
    assert plan.sections.filter(kind=Section.Kind.SECTION).count() == 2


@pytest.fixture
def figures_with_a_milestone(db):
    """The tests' figures plan (cumulative quarter targets, a deadline rule of 14 days) with a
    milestone due in the third quarter."""
    plan = load_test_plan()
    goal = plan.goals.get(number="D")
    Requirement.objects.create(
        goal=goal,
        order=3,
        text="Vejledningen er udsendt senest ved udgangen af 3. kvartal 2025.",
        measure=Requirement.Measure.MILESTONE,
        deadline=datetime.date(2025, 9, 30),
        deadline_text="senest ved udgangen af 3. kvartal 2025",
    )
    return plan


def test_quarter_appendix_lists_deadlines_and_quarter_targets(
    figures_with_a_milestone, client_admin
):
    plan = figures_with_a_milestone
    hours = plan.goals.get(number="B").requirements.get()
    targets = {q: target_text(hours, quarter_target(hours, q)) for q in (1, 2, 3, 4)}
    assert targets[2] == "mindst 3.000 timer"
    report = documents.plan_document(plan)
    assert [agenda.quarter for agenda in report.agenda] == [1, 2, 3, 4]
    assert [agenda.deadline for agenda in report.agenda] == [
        datetime.date(2025, 4, 14),
        datetime.date(2025, 7, 14),
        datetime.date(2025, 10, 14),
        datetime.date(2026, 1, 14),
    ]
    assert [(item.goal.number, item.deadline, item.target) for item in report.agenda[2].items] == [
        ("B", "", targets[3]),
        ("D", "senest ved udgangen af 3. kvartal 2025", ""),
    ]
    text = text_of(client_admin.get(url("plan_document_pdf", plan)).content)
    appendix = text[text.index("Opfølgning pr. kvartal", text.index("Bilag") + 10) :]
    assert in_order(
        appendix,
        [
            "1. kvartal",
            "Frist for afrapportering: 14. april 2025",
            "Mål Resultatkrav Frist Kvartalsmål",
            "B Automatisering",
            targets[1],
            "2. kvartal",
            "Frist for afrapportering: 14. juli 2025",
            targets[2],
            "3. kvartal",
            "Frist for afrapportering: 14. oktober 2025",
            targets[3],
            "D Kort sagsbehandling",
            "Vejledningen er udsendt senest ved udgangen af 3. kvartal 2025.",
            "senest ved udgangen af 3. kvartal 2025",
            "4. kvartal",
            "Frist for afrapportering: 14. januar 2026",
            targets[4],
        ],
    )


def test_quarter_appendix_gives_a_parts_targets_with_its_label(db):
    plan = load_test_plan()
    satisfaction = plan.goals.get(number="C").requirements.get(text__startswith="Tilfredsheden")
    phone = next(part for part in parts_of(satisfaction) if part.label == "telefon")
    phone.measure = Requirement.Measure.CUMULATIVE
    phone.save()
    phone.quarter_targets.create(quarter=2, target_value="3.5")
    phone.quarter_targets.create(quarter=4, target_value="4.0")
    report = documents.plan_document(plan)
    second = next(agenda for agenda in report.agenda if agenda.quarter == 2)
    assert [item.target for item in second.items if item.goal.number == "C"] == [
        "telefon: mindst 3,5 point"
    ]


def test_a_deadline_is_listed_in_the_quarter_it_is_followed_up_in(db):
    """BE 2021 reports in the 2nd and 4th quarters: a deadline at the end of the 1st is
    followed up in the 2nd, one in November in the 4th."""
    plan = load_reference("be-2021.yaml")
    report = documents.plan_document(plan)
    listed = {agenda.quarter: [item.deadline for item in agenda.items] for agenda in report.agenda}
    assert listed == {
        2: ["inden udgangen af 1. kvartal af 2021", "inden udgangen af 1. kvartal 2021"],
        4: ["senest i 3. kvartal af 2021", "inden udgangen af november 2021"],
    }


@pytest.mark.parametrize(
    ("printed", "quarter"),
    [
        ("senest ved udgangen af 3. kvartal 2024", 3),
        ("senest ved udgangen af 1. halvår 2024", 2),
        ("inden udgangen af november 2021", 4),
        ("inden marts", 1),
        ("senest 14 dage efter godkendelsen", None),
    ],
)
def test_a_printed_deadline_names_its_quarter(printed, quarter):
    requirement = Requirement(deadline_text=printed)
    assert documents.deadline_quarter(requirement, 2024) == quarter


def test_a_deadline_naming_no_quarter_is_listed_apart(db, client_admin):
    plan = load_reference("be-2024.yaml")
    goal = plan.goals.get(section__number="3", number="2")
    Requirement.objects.create(
        goal=goal,
        order=2,
        text="Redegørelsen foreligger senest 14 dage efter bestyrelsens møde.",
        measure=Requirement.Measure.MILESTONE,
        deadline_text="senest 14 dage efter bestyrelsens møde",
    )
    report = documents.plan_document(plan)
    assert [agenda.quarter for agenda in report.agenda] == [None]
    text = text_of(client_admin.get(url("plan_document_pdf", plan)).content)
    assert in_order(
        text, ["Opfølgning pr. kvartal", "Øvrige frister", "senest 14 dage efter bestyrelsens møde"]
    )


def test_no_quarter_appendix_for_a_plan_without_deadlines_or_targets(db, client_admin, plan):
    be = load_reference("be-2024.yaml")
    for subject in (be, plan):
        report = documents.plan_document(subject)
        assert report.agenda == []
        assert "kvartaler" not in report.chapter
        text = text_of(client_admin.get(url("plan_document_pdf", subject)).content)
        assert "Opfølgning pr. kvartal" not in text
        assert "Frist for afrapportering" not in text


def test_a_plan_with_nothing_but_a_title_has_a_document_of_its_title(db, client_admin, plan):
    report = documents.plan_document(plan)
    assert report.chapters == []
    text = text_of(client_admin.get(url("plan_document_pdf", plan)).content)
    assert text.startswith(plan.title)
    assert unaccounted(client_admin.get(url("plan_document_pdf", plan)).content, plan) == []


def translated_words(path):
    """The fixed words of a template's {% translate %} and {% blocktranslate %} tags, with
    the blocktranslate's variables and the punctuation around them left out."""
    source = path.read_text(encoding="utf-8")
    words = re.findall(r'{% translate "([^"]+)"', source)
    words += re.findall(r"{% translate '([^']+)'", source)
    for body in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", source):
        for piece in re.split(r"{{[^}]*}}", body):
            piece = piece.strip(" .:,")
            if piece:
                words.append(piece)
    return words


def test_the_document_templates_print_only_listed_labels():
    labels = set(documents.plan_document_labels()) | {"kvartal"}  # "2. kvartal"
    templates = [
        TEMPLATES / "_plan_document_body.html",
        TEMPLATES / "_follow_up_headers.html",
        TEMPLATES / "plan_document.html",
        TEMPLATES / "pdf" / "plan_document.html",
    ]
    # The HTML page's own navigation is not the document, nor the PDF's page footer.
    page_only = {"Planen"}
    found = [word for path in templates for word in translated_words(path)]
    assert [word for word in found if word not in labels | page_only] == []
