"""PDFs through WeasyPrint, kept by the digest of the HTML they are made from.

A report's view renders its HTML as usual; `pdf_for` hashes that HTML together with the
print stylesheet and returns the stored PDF with that hash, or renders and stores it. A
change to anything the report shows changes the HTML and so the key: nothing stale is served.
"""

import hashlib
from functools import lru_cache

import weasyprint
from django.conf import settings
from django.db import IntegrityError, transaction

from reporting.models import RenderedPdf

PRINT_CSS = settings.BASE_DIR / "static" / "css" / "print.css"


@lru_cache(maxsize=1)
def _stylesheet():
    """The print stylesheet, parsed once per process, and its digest."""
    text = PRINT_CSS.read_text(encoding="utf-8")
    font_config = weasyprint.text.fonts.FontConfiguration()
    digest = hashlib.sha256(f"{weasyprint.__version__}\n{text}".encode()).hexdigest()
    return weasyprint.CSS(string=text, font_config=font_config), font_config, digest


def render_pdf(html):
    """The PDF of an HTML document, laid out with the print stylesheet."""
    stylesheet, font_config, _digest = _stylesheet()
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def cache_key(html):
    return hashlib.sha256((_stylesheet()[2] + html).encode()).hexdigest()


def pdf_for(subject, html):
    """The PDF of `html`: from the cache when this exact document was rendered before.

    `subject` names the report ("plan:12:annual"); storing a new PDF for it removes its older
    ones, so the cache holds one PDF per report and language.
    """
    key = cache_key(html)
    found = RenderedPdf.objects.filter(key=key).values_list("content", flat=True).first()
    if found is not None:
        return bytes(found)
    pdf = render_pdf(html)
    try:
        with transaction.atomic():
            RenderedPdf.objects.filter(subject=subject).exclude(key=key).delete()
            RenderedPdf.objects.create(key=key, subject=subject, content=pdf)
    except IntegrityError:
        pass  # another request rendered the same document at the same moment
    return pdf
