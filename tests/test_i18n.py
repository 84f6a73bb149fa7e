"""The English catalogue: Danish is the source language, English comes from locale/en."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from goals.models import Goal, Plan, QuarterReport, Requirement, Section, Status
from goals.planfile import PlanFileError, read_plan_file

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
PO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdrif]")


@pytest.fixture(autouse=True)
def _danish_afterwards():
    # Tests here switch to English; every later test expects the Danish default.
    yield
    translation.deactivate()


def read_po(path):
    """The entries of a .po file, header left out.

    Each entry is a dict with "msgid", "msgstr" (a list: one string, or one per plural
    form), "msgid_plural" (or None) and "flags".
    """
    entries, entry, field = [], None, None

    def finish():
        if entry and entry["msgid"]:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgid_plural": None, "msgstr": [], "flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[field] += _unquote(line)
        else:
            keyword, text = line.split(" ", 1)
            if keyword.startswith("msgstr"):
                field = "msgstr"
                entry["msgstr"].append(_unquote(text))
            else:
                field = keyword
                entry[field] = _unquote(text)
    finish()
    return entries


def _unquote(text):
    text = text.strip()[1:-1]
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text)


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_every_entry_of_the_catalogue_is_translated_and_compiled():
    entries = read_po(PO_FILE)
    assert len(entries) > 200
    assert [e["msgid"] for e in entries if not all(e["msgstr"])] == []
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    # The compiled file is committed: it must hold what the .po file says.
    with MO_FILE.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in entries:
        if e.get("msgctxt"):
            found = [compiled.pgettext(e["msgctxt"], e["msgid"])]
        elif e["msgid_plural"] is None:
            found = [compiled.gettext(e["msgid"])]
        else:
            found = [compiled.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
        if found != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == []


def test_translations_keep_every_placeholder():
    for e in read_po(PO_FILE):
        sources = [e["msgid"]] if e["msgid_plural"] is None else [e["msgid"], e["msgid_plural"]]
        for source, msgstr in zip(sources, e["msgstr"], strict=True):
            assert placeholders(msgstr) == placeholders(source), e["msgid"]


@pytest.mark.parametrize(
    ("model", "danish", "english"),
    [
        (Goal, "mål", "goal"),
        (Requirement, "resultatkrav", "requirement"),
        (Plan, "mål- og resultatplan", "performance plan"),
        (Section, "pejlemærke eller afsnit", "beacon or section"),
        (QuarterReport, "kvartalsopfølgning", "quarterly follow-up"),
    ],
)
def test_model_names_follow_the_active_language(model, danish, english):
    with translation.override("en"):
        assert str(model._meta.verbose_name) == english
    with translation.override("da"):
        assert str(model._meta.verbose_name) == danish


def test_status_labels_follow_the_active_language():
    with translation.override("en"):
        assert [str(s.label) for s in Status] == ["Red", "Yellow", "Green"]
    with translation.override("da"):
        assert [str(s.label) for s in Status] == ["Rød", "Gul", "Grøn"]


def test_plan_file_errors_are_in_english_when_english_is_active(db):
    with translation.override("en"), pytest.raises(PlanFileError) as excinfo:
        read_plan_file(b"- a list\n")
    assert "the file must contain a plan (a YAML mapping)." in str(excinfo.value)

    with translation.override("en"), pytest.raises(PlanFileError) as excinfo:
        read_plan_file(b"plan: \xff\n")
    assert "the file is not UTF-8 (invalid byte at position 6)" in str(excinfo.value)

    with translation.override("da"), pytest.raises(PlanFileError) as excinfo:
        read_plan_file(b"- a list\n")
    assert "filen skal indeholde en plan (en YAML-mapping)." in str(excinfo.value)


def test_login_page_is_english_once_english_is_chosen(client, db):
    # The browser's Accept-Language is deliberately ignored (mrplan.middleware); only the
    # choice stored by the set_language view, the django_language cookie, switches.
    page = client.get("/konto/log-ind/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="da"' in page
    assert "Log ind" in page

    client.cookies["django_language"] = "en"
    page = client.get("/konto/log-ind/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page
    assert "<title>Log in – mrplan</title>" in page
    assert "Log in" in page
    assert "Log ind" not in page


def test_choosing_english_switches_the_home_page(client, db):
    page = client.get("/").content.decode()
    assert 'lang="da"' in page
    assert "Mål- og resultatplaner" in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert client.cookies["django_language"].value == "en"
    for page in (response.content.decode(), client.get("/").content.decode()):
        assert 'lang="en"' in page
        assert "Performance plans" in page
        assert "Log in" in page
        assert "Mål- og resultatplaner" not in page


def test_plan_page_in_english(client, reference_plans, admin_user_):
    plan = reference_plans["adst-2024.yaml"]
    client.force_login(admin_user_)
    client.cookies["django_language"] = "en"
    page = client.get(f"/planer/{plan.institution.short_name}/{plan.year}/").content.decode()
    assert "Goals and status by quarter" in page
    assert "Requirements" in page
    assert "Log out" in page


def test_plural_names_are_plural_in_english():
    # Danish uses one word for both ("mål", "resultatkrav"); English needs its plural.
    with translation.override("en"):
        assert str(Goal._meta.verbose_name_plural) == "goals"
        assert str(Requirement._meta.verbose_name_plural) == "requirements"
    with translation.override("da"):
        assert str(Goal._meta.verbose_name_plural) == "mål"


def test_figures_read_in_english_once_english_is_chosen(client, reporter, fig):
    client.cookies["django_language"] = "en"
    page = client.get("/planer/FIG/2025/kvartal/2/").content.decode()
    assert "The quarter&#x27;s amount" in page
    assert "expected after quarter 2: at least 14.5 DKK billion" in page
    assert "Download the quarter's figures as a workbook" in page
