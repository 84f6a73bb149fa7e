"""The server-drawn SVG charts: valid SVG, every number in the table behind, never colour alone."""

import xml.etree.ElementTree as ET

from goals.models import STATUS_SYMBOLS as SYMBOLS
from reporting.charts import distribution_chart, legend_items, trend_chart

SVG = "{http://www.w3.org/2000/svg}"

TOTALS = [
    {"quarter": 1, "green": 6, "yellow": 3, "red": 1, "none": 0},
    {"quarter": 2, "green": 5, "yellow": 0, "red": 5, "none": 2},
    {"quarter": 3, "green": 0, "yellow": 0, "red": 0, "none": 10},
    {"quarter": 4, "green": 0, "yellow": 0, "red": 0, "none": 0},
]


def parse(chart):
    return ET.fromstring(str(chart.svg))


def test_distribution_chart_is_svg_with_a_title_and_description():
    chart = distribution_chart(TOTALS, "fordeling", "Statusfordeling")
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "fordeling-title fordeling-desc"
    assert root.find(f"{SVG}title").text == "Statusfordeling"
    assert "1. kvt.: 6 grønne, 3 gule, 1 røde" in root.find(f"{SVG}desc").text


def test_distribution_chart_draws_one_segment_per_status_with_goals():
    root = parse(distribution_chart(TOTALS, "fordeling", "Statusfordeling"))
    # Legend keys are 14 px squares; bar segments are the other rects outside <defs>.
    segments = [r for r in root.findall(f"{SVG}rect") if r.get("height") != "14"]
    assert len(segments) == 3 + 2  # Q1: green, yellow, red; Q2: green, red
    # Heights are proportional to the counts 6, 3, 1 (Q1) and 5, 5 (Q2).
    heights = sorted(float(r.get("height")) for r in segments)
    per_goal = heights[-1] / 6
    assert [round(h / per_goal, 1) for h in heights] == [1, 3, 5, 5, 6]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert f"{SYMBOLS['red']} 5" in labels and f"{SYMBOLS['green']} 6" in labels


def test_distribution_table_holds_every_number():
    chart = distribution_chart(TOTALS, "fordeling", "Statusfordeling")
    assert chart.headers == ["Kvartal", "✓ Grøn", "! Gul", "✕ Rød", "Uden status", "I alt"]
    assert chart.rows == [
        ["1. kvt.", "6", "3", "1", "0", "10"],
        ["2. kvt.", "5", "0", "5", "2", "12"],
        ["3. kvt.", "0", "0", "0", "10", "10"],
        ["4. kvt.", "0", "0", "0", "0", "0"],
    ]


def test_trend_chart_shows_shares_and_skips_quarters_without_statuses():
    chart = trend_chart(TOTALS, "udvikling", "Udvikling")
    assert chart.rows == [
        ["1. kvt.", "60 %", "30 %", "10 %"],
        ["2. kvt.", "50 %", "0 %", "50 %"],
        ["3. kvt.", "–", "–", "–"],
        ["4. kvt.", "–", "–", "–"],
    ]
    root = parse(chart)
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 3  # one per status, over Q1 and Q2
    assert all(len(line.get("points").split()) == 2 for line in lines)
    # Distinct dashes: the lines differ without their colour.
    assert len({line.get("stroke-dasharray") for line in lines}) == 3


def test_charts_without_any_status_still_draw():
    empty = [{"quarter": q, "green": 0, "yellow": 0, "red": 0, "none": 0} for q in (1, 2, 3, 4)]
    for chart in (distribution_chart(empty, "a", "A"), trend_chart(empty, "b", "B")):
        assert parse(chart).tag == f"{SVG}svg"


def test_chart_text_is_escaped():
    chart = distribution_chart(TOTALS, "x", "<b>Titel</b> & mere")
    root = parse(chart)
    assert root.find(f"{SVG}title").text == "<b>Titel</b> & mere"
    assert "<b>" not in str(chart.svg)


def test_legend_names_each_status_with_its_symbol():
    legend = str(legend_items())
    for symbol, word in (("✓", "Grøn"), ("!", "Gul"), ("✕", "Rød")):
        assert f'<span aria-hidden="true">{symbol}</span> {word}' in legend
