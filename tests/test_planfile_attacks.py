"""Plan files (and figure workbooks) that try to harm: alias bombs, deep nesting, huge numbers,
impossible dates, foreign tags, control characters, overlong texts and oversized uploads are
each refused as a listed problem, quickly and in little memory, never a 500 or a hang."""

import copy
import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from goals.limits import PLAN_FILE_BYTES, PLAN_TEXT
from goals.models import Plan
from goals.planfile import PlanFileError, read_plan_file
from goals.planfile.reading import MAX_DEPTH, read_at_most
from tests.conftest import PLAN_DIR

ROOT = Path(__file__).resolve().parent.parent
IMPORT_URL = "admin:goals_plan_import"


def alias_bomb(levels=9, width=9):
    """A billion laughs: each level lists the one before it `width` times, by alias, and the
    last is put where a message would quote it; read in full it is 9**9 strings (gigabytes),
    written it is some 600 bytes."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        items = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{items}]")
    lines.append(f"plan: {{year: 2024, title: x, valid_from: *a{levels - 1}}}")
    return ("\n".join(lines) + "\n").encode()


def good_text():
    return (PLAN_DIR / "adst-2024.yaml").read_text(encoding="utf-8")


def good():
    return yaml.safe_load(good_text())


def dump(data):
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


# A file, and what its problem says. Each must be a problem, never an exception.
HOSTILE = {
    "alias-bomb": (alias_bomb(), "YAML-ankre/aliaser"),
    "anchor-only": (b"format: &f mrplan-plan/1\n", "YAML-ankre/aliaser"),
    "merge-key": (b"plan: {year: 2024}\nministry:\n  <<: {name: x}\n", "YAML-fletning (<<)"),
    "deep-nesting": (b"[" * 10_000, "indlejret dybere"),
    "deep-mappings": (b"a: {" * 5_000, "indlejret dybere"),
    "too-many-values": (b"a: [" + b"1," * 50_001 + b"]\n", "flere end 50.000 værdier"),
    "huge-integer": (b"plan:\n  year: " + b"9" * 5_000 + b"\n", "flere end 15 cifre"),
    "huge-hex": (b"plan:\n  year: 0x" + b"f" * 5_000 + b"\n", "flere end 15 cifre"),
    "impossible-date": (b"plan:\n  valid_from: 2030-02-30\n", "2030-02-30 er ikke en dato"),
    "impossible-time": (b"plan:\n  valid_from: 2030-01-01 25:00:00\n", "er ikke en dato"),
    "binary": (b"plan:\n  title: !!binary aGVsbG8=\n", "!!binary"),
    "set": (b"plan:\n  title: !!set {a, b}\n", "!!set"),
    "omap": (b"plan:\n  title: !!omap [a: 1]\n", "!!omap"),
    "pairs": (b"plan:\n  title: !!pairs [a: 1]\n", "!!pairs"),
    "python": (b"plan:\n  title: !!python/object/apply:os.system [ls]\n", "!!python/object"),
    "custom": (b"plan:\n  title: !custom 1\n", "!custom"),
    "duplicate-key": (b"plan: {}\nplan: {}\n", "står to gange"),
    "not-utf8": (b"plan:\n  title: \xff\xfe\n", "ikke UTF-8"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_is_a_problem_with_its_line(db, name):
    content, message = HOSTILE[name]
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(content)
    problems = [str(p) for p in caught.value.problems]
    assert any(message in p for p in problems), problems
    assert sum(len(p) for p in problems) < 2_000, "messages stay small"
    if name != "not-utf8":
        assert any(p.startswith("linje ") for p in problems), problems


def test_nesting_as_deep_as_the_format_goes_is_read(db):
    # The deepest value the format has: a part's scale, ten levels down.
    data = good()
    requirement = data["sections"][0]["goals"][0]["requirements"][0]
    for key in list(requirement):
        if key not in ("number", "text"):
            del requirement[key]
    part = {"label": "a", "comparator": "at_least", "target": 3, "unit": "points", "scale": [1, 5]}
    requirement["parts"] = [part, {**copy.deepcopy(part), "label": "b"}]
    read_plan_file(dump(data))
    too_deep = "a: " + "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(too_deep.encode())
    assert "dybere" in str(caught.value)


def test_plain_tags_are_still_allowed(db):
    text = good_text().replace("format: mrplan-plan/1", "format: !!str mrplan-plan/1", 1)
    assert "!!str" in text
    read_plan_file(text.encode())


def run_check_in_subprocess(path):
    """`import_plan --check path` in a fresh interpreter with an address-space limit, timed and
    measured from inside; returns (returncode, report dict or None, output)."""
    script = (
        "import json, resource, sys, time, tracemalloc\n"
        "import django\n"
        "django.setup()\n"
        "from django.core.management import CommandError, call_command\n"
        "tracemalloc.start()\n"
        "start = time.perf_counter()\n"
        "try:\n"
        "    call_command('import_plan', sys.argv[1], check=True)\n"
        "    message = ''\n"
        "except CommandError as exc:\n"
        "    message = str(exc)\n"
        "seconds = time.perf_counter() - start\n"
        "peak = tracemalloc.get_traced_memory()[1]\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
        "print(json.dumps({'seconds': seconds, 'peak': peak, 'rss': rss, 'message': message}))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mrplan.settings",
        "SECRET_KEY": "x",
        "PYTHONPATH": str(ROOT),
    }

    def limit_memory():
        import resource

        # Should the bomb go off after all, it dies at 2 GB instead of taking the machine.
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
    )
    lines = result.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    return result.returncode, report, result.stdout + result.stderr


def test_alias_bomb_through_the_command_is_refused_fast_and_small(tmp_path):
    content = alias_bomb()
    assert 500 <= len(content) <= 700
    path = tmp_path / "bomb.yaml"
    path.write_bytes(content)
    code, report, output = run_check_in_subprocess(path)
    assert code == 0 and report is not None, output
    assert "YAML-ankre/aliaser" in report["message"]
    assert "linje 1" in report["message"]
    assert report["seconds"] < 1.0
    assert report["peak"] < 100 * 1024**2  # what the check allocated
    assert report["rss"] < 400 * 1024**2  # the whole interpreter, Django included
    assert len(report["message"]) < 1_000


def test_alias_bomb_through_the_admin_is_refused_fast_and_small(client, admin_user_):
    client.force_login(admin_user_)
    assert client.get(reverse(IMPORT_URL)).status_code == 200  # templates loaded, as in use
    start = time.perf_counter()
    response = upload(client, alias_bomb())
    seconds = time.perf_counter() - start
    page = response.content.decode()
    assert response.status_code == 200
    assert "YAML-ankre/aliaser" in page
    assert len(response.content) < 50_000
    assert seconds < 1.0
    tracemalloc.start()  # again, measured (tracing slows it, so not timed)
    try:
        upload(client, alias_bomb())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024**2
    assert not Plan.objects.exists()


def upload(client, content, name="plan.yaml"):
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, content)})


ADMIN_CASES = [
    "deep-nesting",
    "huge-integer",
    "impossible-date",
    "binary",
    "set",
    "custom",
    "merge-key",
]


@pytest.mark.parametrize("name", ADMIN_CASES)
def test_hostile_file_in_the_admin_lists_the_problem(client, admin_user_, name):
    content, message = HOSTILE[name]
    client.force_login(admin_user_)
    response = upload(client, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert message.replace("<", "&lt;") in page
    assert "intet er gemt" in page
    assert not Plan.objects.exists()


@pytest.mark.parametrize("name", ADMIN_CASES)
def test_hostile_file_in_the_command_is_a_command_error(db, tmp_path, name):
    content, message = HOSTILE[name]
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path), check=True, stdout=io.StringIO())
    assert message in str(refused.value)
    assert str(path) in str(refused.value)


def test_a_fault_in_the_checking_is_a_problem_and_logged(db, monkeypatch, caplog):
    from goals.planfile import checking

    def broken(self, data):
        raise KeyError("a bug")

    monkeypatch.setattr(checking._Checker, "check", broken)
    with pytest.raises(PlanFileError) as caught:
        read_plan_file((PLAN_DIR / "adst-2024.yaml").read_bytes())
    assert "Filen kan ikke læses (KeyError)" in str(caught.value)
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)


def test_any_other_failure_while_reading_is_a_problem(db, monkeypatch, caplog):
    from goals.planfile import reading

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(reading.yaml, "load", explode)
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(b"plan: {}\n")
    assert "Filen kan ikke læses (RecursionError)" in str(caught.value)
    assert caplog.records


# -- text in a plan file --


def test_a_title_with_a_control_character_is_a_problem_with_its_line(db):
    data = good()
    data["sections"][0]["goals"][0]["title"] = "Borgerne\x0b får svar"
    content = dump(data)
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(content)
    problems = [str(p) for p in caught.value.problems]
    line = next(
        n for n, text in enumerate(content.decode().splitlines(), 1) if "Borgerne\\v" in text
    )
    found = [p for p in problems if '"title" indeholder et usynligt styretegn (U+000B)' in p]
    assert found, problems
    assert f"(linje {line})" in found[0]


@pytest.mark.parametrize(
    ("key", "limit"),
    [("description", PLAN_TEXT), ("title", 300), ("number", 20)],
)
def test_a_text_over_its_limit_is_a_problem_naming_the_field(db, key, limit):
    data = good()
    data["sections"][0]["goals"][0][key] = "x" * (limit + 1)
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(dump(data))
    problems = [str(p) for p in caught.value.problems]
    wanted = f'"{key}" er for lang (højst {limit} tegn, her {limit + 1})'
    assert any(wanted in p and "linje " in p for p in problems), problems
    assert sum(len(p) for p in problems) < 5_000


def test_a_text_at_its_limit_is_taken(db):
    data = good()
    data["sections"][0]["goals"][0]["description"] = "x" * PLAN_TEXT
    checked = read_plan_file(dump(data))
    assert checked["sections"][0]["goals"][0]["description"] == "x" * PLAN_TEXT


def test_a_quoted_integer_too_long_for_python_is_a_problem(db):
    data = good()
    data["plan"]["year"] = "9" * 5_000
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(dump(data))
    assert any('"year" skal være et helt tal' in str(p) for p in caught.value.problems)


def test_thousands_of_problems_are_counted_not_all_listed(db):
    data = good()
    for index in range(1_000):
        data["plan"][f"unknown{index}"] = 1
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(dump(data))
    problems = caught.value.problems
    assert len(problems) <= 201
    assert "problemer mere" in str(problems[-1])


# -- size --


class CountingFile(io.BytesIO):
    """A file that records how much was asked of it."""

    def __init__(self, content):
        super().__init__(content)
        self.asked = []

    def read(self, size=-1):
        self.asked.append(size)
        return super().read(size)


def test_an_oversized_file_is_read_no_further_than_the_limit():
    handle = CountingFile(b"x" * (PLAN_FILE_BYTES + 1_000_000))
    with pytest.raises(PlanFileError) as caught:
        read_at_most(handle)
    assert handle.asked == [PLAN_FILE_BYTES + 1]
    assert "højst fylde 2 MB" in str(caught.value)
    assert read_at_most(CountingFile(b"x" * PLAN_FILE_BYTES)) == b"x" * PLAN_FILE_BYTES


def oversized():
    return b"#" * (PLAN_FILE_BYTES + 1)


def test_an_oversized_upload_is_refused_in_the_admin_unparsed(client, admin_user_, monkeypatch):
    import goals.admin

    def never(*args, **kwargs):
        raise AssertionError("an oversized file must not be parsed")

    monkeypatch.setattr(goals.admin, "read_plan_file", never)
    client.force_login(admin_user_)
    response = upload(client, oversized())
    assert response.status_code == 200
    assert "Filen er for stor: den må højst fylde 2 MB" in response.content.decode()
    assert not Plan.objects.exists()


def test_an_upload_at_the_limit_is_parsed(client, admin_user_):
    client.force_login(admin_user_)
    response = upload(client, b"#" * PLAN_FILE_BYTES)
    assert "for stor" not in response.content.decode()
    assert "skal indeholde en plan" in response.content.decode()


def test_an_oversized_file_is_refused_by_the_command_unread(db, tmp_path, monkeypatch):
    from goals.management.commands import import_plan

    def never(*args, **kwargs):
        raise AssertionError("an oversized file must not be parsed")

    monkeypatch.setattr(import_plan, "read_plan_file", never)
    path = tmp_path / "big.yaml"
    path.write_bytes(oversized())
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path), check=True, stdout=io.StringIO())
    assert "Filen er for stor: den må højst fylde 2 MB" in str(refused.value)


def test_an_oversized_figures_workbook_is_refused(client, fig, rita, tmp_path, monkeypatch):
    import goals.views.quarters
    from goals.management.commands import import_figures

    def never(*args, **kwargs):
        raise AssertionError("an oversized workbook must not be opened")

    monkeypatch.setattr(goals.views.quarters, "import_figures", never)
    monkeypatch.setattr(import_figures, "open_workbook", never)
    client.force_login(rita)
    big = SimpleUploadedFile("tal.xlsx", oversized())
    url = reverse("goals:quarter_upload", args=["FIG", 2025, 1])
    html = client.post(url, {"file": big}, follow=True).content.decode()
    assert "Filen er for stor: den må højst fylde 2 MB" in html
    path = tmp_path / "big.xlsx"
    path.write_bytes(oversized())
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(path), user="rita", stdout=io.StringIO())
    assert "Filen er for stor" in str(refused.value)


def every_field(data):
    """Every mapping in a parsed plan, with its keys, for putting a value in each field."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from every_field(value)
    elif isinstance(data, list):
        for value in data:
            yield from every_field(value)


@pytest.mark.parametrize(
    "value",
    ["9" * 5_000, "²", "٣", "1e999999999", "-1e-999999999", "x\x00y", "\u0085", [[[]]], {"a": {}}],
    ids=["digits", "superscript", "arabic-digit", "huge-exponent", "tiny", "nul", "nel", "l", "m"],
)
def test_a_hostile_value_in_any_field_is_a_problem_not_a_fault(db, caplog, value):
    data = good()
    requirement = data["sections"][0]["goals"][0]["requirements"][0]
    for mapping in list(every_field(data)):
        for key, old in list(mapping.items()):
            if key != "format" and not isinstance(old, (dict, list)):
                mapping[key] = copy.deepcopy(value)
    requirement["quarter_targets"] = {value if isinstance(value, str) else 1: value}
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(dump(data))
    assert "Filen kan ikke læses" not in str(caught.value)
    assert len(caught.value.problems) > 20  # every field was read and found wanting
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def zip_bomb():
    """A small .xlsx-looking zip whose sheet unpacks to 30 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (30 * 1024 * 1024))
    return buffer.getvalue()


def test_a_zip_bomb_workbook_is_refused_unopened(client, fig, rita, tmp_path, monkeypatch):
    import goals.views.quarters
    from goals.management.commands import import_figures

    def never(*args, **kwargs):
        raise AssertionError("a zip bomb must not be opened")

    monkeypatch.setattr(goals.views.quarters, "import_figures", never)
    monkeypatch.setattr(import_figures, "open_workbook", never)
    content = zip_bomb()
    assert len(content) < 100_000
    client.force_login(rita)
    url = reverse("goals:quarter_upload", args=["FIG", 2025, 1])
    upload = SimpleUploadedFile("tal.xlsx", content)
    html = client.post(url, {"file": upload}, follow=True).content.decode()
    assert "Filen pakker ud til mere, end et talark kan fylde" in html
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(path), user="rita", stdout=io.StringIO())
    assert "pakker ud til mere" in str(refused.value)


def test_a_real_workbook_unpacks_far_below_the_limit(client, fig, rita):
    from goals.forms import FiguresUploadForm

    client.force_login(rita)
    response = client.get(reverse("goals:quarter_workbook", args=["FIG", 2025, 1]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert unpacked * 20 < FiguresUploadForm.UNPACKED_BYTES
    assert FiguresUploadForm.refusal(response.content) is None
