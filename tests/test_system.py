"""What `make test` promises to have set up on the machine: WeasyPrint's libraries."""

from weasyprint import HTML


def test_weasyprint_renders_a_danish_pdf():
    pdf = HTML(string="<h1>Mål- og resultatplan</h1><p>95,5 pct. – grøn</p>").write_pdf()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000
