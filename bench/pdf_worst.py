"""The follow-up PDF at its worst: every reporter's text at the most the forms take.

The 2024 ADST reference plan (the demo data: 10 goals, three quarters reported), its 3rd
quarter's follow-up PDF through Django's test client as a superuser, the PDF cache emptied
before each request:

- ordinary: the demo data as it is, the base of the ratios;
- at the limit: every free text of every status entry of the year (result and year to date
  written as words, the reason for a status, cause, consequence, action) REPORT_TEXT
  characters of ordinary words, and one cause a single unbroken word of REPORT_TEXT
  characters;
- legacy word: the ordinary data with one cause a single word of PLAN_TEXT (20,000)
  characters, stored directly as data from before the limits would be; it must render,
  inside the PDF time limit.

One warm-up request comes first. Each case prints its median, its page count and its ratio
to the ordinary report. The render runs in a child process with the time limit of
settings.PDF_TIME_LIMIT; the fork's own cost is printed beside it (the same ordinary HTML
laid out in this process, without the fork).

Run: SECRET_KEY=bench .venv/bin/python bench/pdf_worst.py [repeats]
Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set); repeats
default to 3. Target: the report at the limit under 5 s.
"""

import io
import statistics
import sys
import time

from common import in_test_database, timed  # first: it sets Django up
from django.test import Client

YEAR = 2024
QUARTER = 3
TARGET_S = 5
FIELDS = ("result_text", "ytd_text", "status_reason", "cause", "consequence", "action")
WORDS = (
    "Sagsbehandlingen blev forsinket af ferie og sygdom i afdelingen, og der blev ansat "
    "vikarer for at indhente efterslæbet inden udgangen af kvartalet. "
)


def words(length):
    return (WORDS * (length // len(WORDS) + 1))[:length]


def pages(pdf):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(repeats):
    from django.contrib.auth import get_user_model

    from goals.demo import load_demo
    from goals.limits import PLAN_TEXT, REPORT_TEXT
    from goals.models import StatusEntry
    from reporting import pdf as reporting_pdf
    from reporting.models import RenderedPdf

    load_demo(out=lambda *args: None)
    user = get_user_model().objects.create_superuser("bench", password=None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/planer/ADST/{YEAR}/rapporter/opfoelgning/{QUARTER}/pdf/"
    caught = {}
    render_pdf = reporting_pdf.render_pdf

    def catching(html, **kwargs):
        caught["html"] = html
        return render_pdf(html, **kwargs)

    reporting_pdf.render_pdf = catching

    def cold():
        RenderedPdf.objects.all().delete()
        response = client.get(url)
        caught["pdf"] = response.content if response.status_code == 200 else None
        return response

    entries = StatusEntry.objects.filter(report__plan__institution__short_name="ADST")
    saved = list(entries.values("pk", *FIELDS))
    cold()  # warm-up: fonts, templates

    results = []

    def case(name):
        median, _p95 = timed(repeats, cold, ok=(200, 503))
        made = caught["pdf"] is not None
        results.append((name, median, pages(caught["pdf"]) if made else None))
        print(f"  {name}: {median:.0f} ms" + ("" if made else " (stopped at the time limit)"))

    case("ordinary")
    ordinary_html = caught["html"]
    inline = []
    for _ in range(repeats):
        start = time.perf_counter()
        reporting_pdf._layout(ordinary_html)
        inline.append((time.perf_counter() - start) * 1000)
    forked = []
    for _ in range(repeats):
        start = time.perf_counter()
        render_pdf(ordinary_html)
        forked.append((time.perf_counter() - start) * 1000)

    entries.update(**{name: words(REPORT_TEXT) for name in FIELDS})
    word_entry = entries.filter(requirement=None, report__quarter=QUARTER).first()
    StatusEntry.objects.filter(pk=word_entry.pk).update(cause="x" * REPORT_TEXT)
    case(f"at the limit ({len(saved)} entries x {len(FIELDS)} texts of {REPORT_TEXT:,})")

    for row in saved:
        StatusEntry.objects.filter(pk=row.pop("pk")).update(**row)
    StatusEntry.objects.filter(pk=word_entry.pk).update(cause="y" * PLAN_TEXT)
    case(f"legacy word ({PLAN_TEXT:,} characters in one cause)")

    base = results[0][1]
    print(f"Follow-up PDF, ADST {YEAR}, {QUARTER}. kvartal, cold, median of {repeats}")
    for name, median, count in results:
        shown = f"{count:3d} pages" if count else "stopped  "
        print(f"  {name:<58} {median:8.0f} ms  {shown}  x{median / base:5.1f}")
    fork_cost = statistics.median(forked) - statistics.median(inline)
    print(
        f"  layout of the ordinary HTML: {statistics.median(inline):.0f} ms in this process, "
        f"{statistics.median(forked):.0f} ms in a child (the fork: {fork_cost:+.0f} ms)"
    )
    met = results[1][2] and results[1][1] / 1000 < TARGET_S
    print(f"  target: at the limit under {TARGET_S} s: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    in_test_database(measure, int(sys.argv[1]) if len(sys.argv) > 1 else 3)
