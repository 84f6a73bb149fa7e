"""Time of the printed reports' PDFs, cold and cached, and of Chromium printing the same HTML.

The reports: the 2024 ADST reference plan's follow-up (3rd quarter), annual report and plan
document (the demo data: 10 goals, three quarters reported), each through Django's test
client as a superuser; and the summary of a generated ministry of 200 institutions, each with
a plan of 15 goals with 3 requirements and all four quarters reported, with a verdict on every
goal that has a status (the latest one decides it), which the background job makes.

- cold: the PDF cache (RenderedPdf) emptied before each request, so the time is building the
  report, rendering its HTML and WeasyPrint laying it out and storing it;
- cached: the same request again with the PDF stored; the report is still built and its HTML
  rendered and hashed, which is what a real cached request costs;
- WeasyPrint: the render_pdf step alone, timed inside the cold requests;
- the ministry summary is a background job without a cache: `run_job` of a fresh ReportJob
  each time, so "cached" does not apply to it.
One warm-up request of each report comes first, so that what a process pays once (WeasyPrint
loading the fonts, templates compiled) is not counted; the very first one is printed apart.

Chromium: the exact HTML each PDF was made from, caught on its way to WeasyPrint, with the
print stylesheet (which WeasyPrint gets separately, as a user stylesheet) put first in its
<head>, printed to PDF by headless /usr/bin/chromium. Every run starts the browser, so runs
alternate with printing a one-line page, which tells the start-up, and the ratio WeasyPrint /
Chromium is given both raw and with the start-up subtracted. That subtraction is as noisy as
a short report's printing, so the same HTML is also printed in one browser kept running
(Playwright driving /usr/bin/chromium; it downloads no browser of its own). Skipped when
Chromium is not installed (Debian: apt-get install chromium).

Run: SECRET_KEY=bench .venv/bin/python bench/reports.py [cold repeats]
Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set). Cold repeats
default to 5, cached requests are four times as many; Chromium prints each report 7 times.
Targets: a per-plan PDF under 1 s cold and under 50 ms cached (median).
"""

import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import connection, in_test_database, timed  # first: it sets Django up
from django.test import Client

YEAR = 2024
INSTITUTIONS = 200
GOALS = 15
REQUIREMENTS = 3
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_RUNS = 7
COLD_TARGET_MS = 1000
CACHED_TARGET_MS = 50
TRIVIAL_HTML = "<!doctype html><html><head><meta charset='utf-8'></head><body>x</body></html>"


def spread(times):
    """(median, 95th percentile) of times in ms, as common.timed gives them."""
    times = sorted(times)
    return statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]


def pages(pdf):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


class WeasyPrintSteps:
    """Catches every call of reporting.pdf.render_pdf: its HTML, its PDF and its time."""

    def __init__(self):
        self.times = []
        self.html = self.pdf = None

    def install(self):
        import reporting.pdf
        import reporting.tasks

        render_pdf = reporting.pdf.render_pdf

        def recording(html):
            start = time.perf_counter()
            pdf = render_pdf(html)
            self.times.append((time.perf_counter() - start) * 1000)
            self.html, self.pdf = html, pdf
            return pdf

        reporting.pdf.render_pdf = recording  # what pdf_for calls
        reporting.tasks.render_pdf = recording  # the job imported it by name


def reference_data():
    """The ADST 2024 plan and the generated ministry with verdicts; (plan, ministry)."""
    from goals.demo import load_demo
    from goals.generate import generate_ministry, numbered_institutions
    from goals.models import Fulfilment, GoalVerdict, Plan, Status, StatusEntry

    load_demo(out=lambda *args: None)
    plan = Plan.objects.get(institution__short_name="ADST", year=YEAR)
    ministry = generate_ministry(
        name="Benchmarkministeriet",
        short_name="BENCH",
        institutions=numbered_institutions(INSTITUTIONS),
        years=[YEAR],
        goals=GOALS,
        requirements=REQUIREMENTS,
        last_quarter=4,
        seed=1,
    )
    # The generator decides only complete (earlier) years; decide this one as the department
    # would from each goal's latest status: green met, yellow partly met, red not met.
    verdicts = {
        Status.GREEN: Fulfilment.MET,
        Status.YELLOW: Fulfilment.PARTLY_MET,
        Status.RED: Fulfilment.NOT_MET,
    }
    latest = dict(  # goal -> its goal-level status of the latest quarter reported
        StatusEntry.objects.filter(report__plan__ministry=ministry, requirement=None)
        .exclude(status="")
        .order_by("report__quarter")
        .values_list("goal_id", "status")
    )
    GoalVerdict.objects.bulk_create(
        (
            GoalVerdict(goal_id=goal, rule_verdict=verdicts[status], verdict=verdicts[status])
            for goal, status in latest.items()
        ),
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        # A live database has its statistics (autovacuum keeps them); a bulk load has none.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return plan, ministry


def plan_pdf(client, url, steps, cold, cached):
    """Cold and cached timings of one plan report's PDF, after one warm-up request."""
    from reporting.models import RenderedPdf

    def cold_request():
        RenderedPdf.objects.all().delete()  # a millisecond at most of the time measured
        return client.get(url)

    response = cold_request()  # warm-up
    assert response["Content-Type"] == "application/pdf", response["Content-Type"]
    steps.times.clear()
    cold_times = timed(cold, cold_request)
    weasyprint = statistics.median(steps.times)
    cached_times = timed(cached, lambda: client.get(url))  # the last cold request stored it
    assert len(steps.times) == cold, "a cached request rendered its PDF again"
    return {
        "cold": cold_times,
        "cached": cached_times,
        "weasyprint": weasyprint,
        "html": steps.html,
        "pdf": response.content,
    }


def summary_pdf(ministry, user, steps, cold):
    """Timings of the background job making the ministry summary's PDF, after a warm-up."""
    from reporting.models import ReportJob
    from reporting.tasks import run_job

    def run():
        job = ReportJob.objects.create(
            ministry=ministry, year=YEAR, format=ReportJob.Format.PDF, requested_by=user
        )
        start = time.perf_counter()
        run_job(job.pk)
        elapsed = (time.perf_counter() - start) * 1000
        job.refresh_from_db()
        assert job.state == ReportJob.State.DONE, job.error
        return elapsed

    run()  # warm-up
    steps.times.clear()
    job_times = [run() for _ in range(cold)]
    return {
        "cold": spread(job_times),
        "cached": None,
        "weasyprint": statistics.median(steps.times),
        "html": steps.html,
        "pdf": steps.pdf,
    }


class Chromium:
    """Headless Chromium printing HTML files to PDF, each run a fresh browser."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.startups = []  # every run of the one-line page

    def run(self, source):
        """ms of one run printing `source`; the PDF's bytes."""
        target = self.folder / "out.pdf"
        target.unlink(missing_ok=True)
        command = [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--no-pdf-header-footer", f"--print-to-pdf={target}",
            source.as_uri(),
        ]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        elapsed = (time.perf_counter() - start) * 1000
        return elapsed, target.read_bytes()

    def compare(self, html, runs):
        """(median ms, median ms less the start-up, page count) of printing `html`.

        Runs alternate with the one-line page, after a warm-up of each, and the start-up
        subtracted is the run just before: the browser's start-up drifts by a hundred
        milliseconds or more over a minute, as much as a short report takes to print.
        """
        trivial, source = self.folder / "trivial.html", self.folder / "in.html"
        trivial.write_text(TRIVIAL_HTML, encoding="utf-8")
        source.write_text(html, encoding="utf-8")
        self.run(trivial)  # warm-up: the disk cache, the profile
        self.run(source)
        times, net = [], []
        for _ in range(runs):
            startup, _pdf = self.run(trivial)
            elapsed, pdf = self.run(source)
            self.startups.append(startup)
            times.append(elapsed)
            net.append(elapsed - startup)
        return statistics.median(times), statistics.median(net), pages(pdf)


def printed_in_running_browser(htmls, runs):
    """Median ms of Chromium printing each HTML in one browser kept running: Playwright
    driving /usr/bin/chromium (no browser of its own is downloaded). None without Playwright.

    What a PDF service keeping Chromium open would pay, and a check on the start-up
    subtraction above, whose spread is as large as a short report's printing.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    medians = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        for html in htmls:
            times = []
            for _ in range(runs + 1):  # the first one warms up
                start = time.perf_counter()
                page.set_content(html)
                page.pdf(prefer_css_page_size=True)
                times.append((time.perf_counter() - start) * 1000)
            medians.append(statistics.median(times[1:]))
        browser.close()
    return medians


def with_print_css(html):
    """The report's HTML with the print stylesheet first in its <head>, where Chromium finds
    it; WeasyPrint gets it as a user stylesheet, below the document's own styles."""
    from reporting.pdf import PRINT_CSS

    css = PRINT_CSS.read_text(encoding="utf-8")
    return html.replace("<head>", f"<head>\n<style>\n{css}\n</style>", 1)


def measure(cold):
    from django.contrib.auth import get_user_model

    from goals.models import Goal, GoalVerdict, Requirement

    cached = cold * 4
    start = time.perf_counter()
    plan, ministry = reference_data()
    made = time.perf_counter() - start
    user = get_user_model().objects.create_superuser("bench", password=None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    steps = WeasyPrintSteps()
    steps.install()

    base = f"/planer/ADST/{YEAR}/rapporter"
    start = time.perf_counter()
    first = client.get(f"{base}/opfoelgning/3/pdf/")  # the process's first PDF: fonts load
    first_ms = (time.perf_counter() - start) * 1000
    assert first.status_code == 200, first.status_code
    results = [
        ("follow-up, Q3", plan_pdf(client, f"{base}/opfoelgning/3/pdf/", steps, cold, cached)),
        ("annual report", plan_pdf(client, f"{base}/aarsrapport/pdf/", steps, cold, cached)),
        ("plan document", plan_pdf(client, f"{base}/plan/pdf/", steps, cold, cached)),
        (f"ministry summary ({INSTITUTIONS})", summary_pdf(ministry, user, steps, cold)),
    ]

    goals = Goal.objects.filter(plan=plan).count()
    requirements = Requirement.objects.filter(goal__plan=plan).count()
    verdicts = GoalVerdict.objects.filter(goal__plan__ministry=ministry).count()
    print(
        f"{connection.vendor}: ADST {YEAR} ({goals} goals, {requirements} requirements); "
        f"ministry of {INSTITUTIONS} institutions x {GOALS} goals ({verdicts} verdicts); "
        f"made in {made:.0f} s"
    )
    print(
        f"{cold} cold and {cached} cached requests each after one warm-up; the process's "
        f"first PDF (fonts loading) took {first_ms:.0f} ms"
    )
    print(
        f"{'report':28} {'pages':>5} {'KiB':>5} {'cold ms':>8} {'p95':>7} {'WeasyPrint':>10} "
        f"{'cached ms':>9} {'p95':>6}"
    )
    for name, result in results:
        (cold_median, cold_p95), cached_times = result["cold"], result["cached"]
        cells = (
            f"{name:28} {pages(result['pdf']):5d} {len(result['pdf']) // 1024:5d} "
            f"{cold_median:8.0f} {cold_p95:7.0f} {result['weasyprint']:10.0f}"
        )
        if cached_times is None:
            print(f"{cells} {'n/a (background job)':>16}")
            continue
        missed = cold_median >= COLD_TARGET_MS or cached_times[0] >= CACHED_TARGET_MS
        flag = "  over target" if missed else ""
        print(f"{cells} {cached_times[0]:9.1f} {cached_times[1]:6.1f}{flag}")

    if shutil.which(CHROMIUM) is None:
        print(f"\n{CHROMIUM} is not installed: no comparison with Chromium.")
        return
    htmls = [with_print_css(result["html"]) for _name, result in results]
    with tempfile.TemporaryDirectory() as folder:
        chromium = Chromium(folder)
        fresh = [chromium.compare(html, CHROMIUM_RUNS) for html in htmls]
    running = printed_in_running_browser(htmls, CHROMIUM_RUNS) or [None] * len(htmls)
    print(
        f"\nChromium printing the same HTML, median of {CHROMIUM_RUNS} after a warm-up: a "
        f"fresh headless browser each time (start-up, a one-line page: "
        f"{statistics.median(chromium.startups):.0f} ms), and one kept running"
    )
    print(
        f"{'report':28} {'WeasyPrint':>10} {'fresh':>6} {'ratio':>5} {'-start-up':>9} "
        f"{'ratio':>5} {'running':>7} {'ratio':>5} {'pages':>5}"
    )
    for (name, result), (elapsed, net, chromium_pages), kept in zip(
        results, fresh, running, strict=True
    ):
        weasyprint = result["weasyprint"]
        net_cells = f"{net:9.0f} " + (f"{weasyprint / net:5.1f}" if net > 0 else f"{'-':>5}")
        kept_cells = f"{kept:7.0f} {weasyprint / kept:5.1f}" if kept else f"{'-':>7} {'-':>5}"
        print(
            f"{name:28} {weasyprint:10.0f} {elapsed:6.0f} {weasyprint / elapsed:5.2f} "
            f"{net_cells} {kept_cells} {chromium_pages:5d}"
        )
    print("ratio: WeasyPrint's time over Chromium's; pages: Chromium's PDF")


if __name__ == "__main__":
    in_test_database(measure, int(sys.argv[1]) if len(sys.argv) > 1 else 5)
