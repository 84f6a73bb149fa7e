"""PDFs through WeasyPrint, kept by the digest of the HTML they are made from, and laid out
in a child process that is stopped when it takes too long.

A report's view renders its HTML as usual; `pdf_for` hashes that HTML together with the
print stylesheet and returns the stored PDF with that hash, or renders and stores it. A
change to anything the report shows changes the HTML and so the key: nothing stale is served.

WeasyPrint's layout is pure Python and cannot be interrupted from a thread, and a document
it finds hard (text it cannot break, a huge table) could hold a web worker past the server's
timeout, so the worker is killed and the user gets a bare error. `render_pdf` therefore forks:
the child lays out the document and writes the PDF to a pipe; the parent waits at most
settings.PDF_TIME_LIMIT seconds, then kills the child and raises PdfTooSlow, which the views
answer with a page of its own and the background job records as its error. The fork shares
the parsed stylesheet and fonts with the parent, so it costs milliseconds, not a fresh start.
"""

import hashlib
import math
import os
import re
import select
import signal
import time
from functools import lru_cache

import weasyprint
from django.conf import settings
from django.db import IntegrityError, transaction

from reporting.models import RenderedPdf

PRINT_CSS = settings.BASE_DIR / "static" / "css" / "print.css"
CHUNK = 1 << 20
# What the child writes before its payload: a PDF, or the error it met.
DONE, FAILED = b"P", b"E"
# A word this long gets a break point (a zero-width space) every BREAK_EVERY characters.
# WeasyPrint lays out the rest of a paragraph again for each line it cannot break within a
# few words, so a word of 20,000 characters took minutes; with break points it is as quick
# as ordinary words. Shorter words are left to the stylesheet's `overflow-wrap: anywhere`.
LONG_WORD = 60
BREAK_EVERY = 20
_LONG_RUN = re.compile(rf"[^\s<>&]{{{LONG_WORD},}}")
# Text between tags, outside <style> (whose CSS is left as it is).
_TEXT = re.compile(r"(<style.*?</style>)|>([^<]+)<", re.DOTALL | re.IGNORECASE)


class PdfError(Exception):
    """A PDF that could not be made; the message says why (for the log and a job's error)."""


class PdfTooSlow(PdfError):
    """A PDF whose layout took longer than the time limit; its child process was killed."""

    def __init__(self, limit):
        self.limit = limit
        super().__init__(f"PDF layout stopped after {limit:g} s (PDF_TIME_LIMIT)")


@lru_cache(maxsize=1)
def _stylesheet():
    """The print stylesheet, parsed once per process, and its digest."""
    text = PRINT_CSS.read_text(encoding="utf-8")
    font_config = weasyprint.text.fonts.FontConfiguration()
    layout = f"{weasyprint.__version__}\n{LONG_WORD}/{BREAK_EVERY}\n{text}"
    digest = hashlib.sha256(layout.encode()).hexdigest()
    return weasyprint.CSS(string=text, font_config=font_config), font_config, digest


def _break_run(match):
    word = match.group()
    return "\u200b".join(word[i : i + BREAK_EVERY] for i in range(0, len(word), BREAK_EVERY))


def _breakable_text(match):
    if match.group(1):
        return match.group(1)
    return ">" + _LONG_RUN.sub(_break_run, match.group(2)) + "<"


def breakable(html):
    """The HTML with a break point every few characters of each very long word of its text."""
    return _TEXT.sub(_breakable_text, html)


def _layout(html):
    """The PDF of an HTML document, laid out with the print stylesheet, in this process."""
    stylesheet, font_config, _digest = _stylesheet()
    document = weasyprint.HTML(string=breakable(html), base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def render_pdf(html, *, time_limit=None):
    """The PDF of an HTML document, laid out in a child process given `time_limit` seconds
    (settings.PDF_TIME_LIMIT unless given). Raises PdfTooSlow past it, PdfError if the
    layout failed."""
    limit = settings.PDF_TIME_LIMIT if time_limit is None else time_limit
    _stylesheet()  # parsed here, so every child starts with it
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(html, read_end, write_end, limit)  # never returns
    os.close(write_end)
    try:
        payload = _collect(read_end, time.monotonic() + limit)
    finally:
        os.close(read_end)
        _end(pid)
    if payload is None:
        raise PdfTooSlow(limit)
    if payload[:1] == DONE:
        return payload[1:]
    if payload[:1] == FAILED:
        raise PdfError(payload[1:].decode("utf-8", "replace"))
    raise PdfError("PDF layout ended without a result")


def _child(html, read_end, write_end, limit):
    """In the forked child: lay out, write the result to the pipe, and leave at once.

    os._exit skips the parent's exit handlers, so the database connection and files it shares
    with the parent are left alone. The alarm ends the child by itself should its parent die."""
    code = 0
    try:
        os.close(read_end)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(math.ceil(limit) + 5)
        try:
            payload = DONE + _layout(html)
        except BaseException as exc:  # anything it meets goes back to the parent
            payload = FAILED + f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _collect(read_end, deadline):
    """Everything the child writes, or None when the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _w, _x = select.select([read_end], [], [], left)
        if not ready:
            return None
        chunk = os.read(read_end, CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _end(pid):
    """Kill the child if it still runs, and reap it: no process is left behind."""
    try:
        finished, _status = os.waitpid(pid, os.WNOHANG)
        if finished == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def cache_key(html):
    return hashlib.sha256((_stylesheet()[2] + html).encode()).hexdigest()


# Documents this process gave up on, by key, with the limit they ran past: asked again, they
# answer at once instead of holding a worker for the whole limit once more.
_too_slow = {}


def pdf_for(subject, html):
    """The PDF of `html`: from the cache when this exact document was rendered before.

    `subject` names the report ("plan:12:annual"); storing a new PDF for it removes its older
    ones, so the cache holds one PDF per report and language. Raises PdfTooSlow (and PdfError).
    """
    key = cache_key(html)
    found = RenderedPdf.objects.filter(key=key).values_list("content", flat=True).first()
    if found is not None:
        return bytes(found)
    limit = settings.PDF_TIME_LIMIT
    if _too_slow.get(key, -1) >= limit:
        raise PdfTooSlow(limit)
    try:
        pdf = render_pdf(html)
    except PdfTooSlow:
        if len(_too_slow) > 100:
            _too_slow.clear()
        _too_slow[key] = limit
        raise
    try:
        with transaction.atomic():
            RenderedPdf.objects.filter(subject=subject).exclude(key=key).delete()
            RenderedPdf.objects.create(key=key, subject=subject, content=pdf)
    except IntegrityError:
        pass  # another request rendered the same document at the same moment
    return pdf
