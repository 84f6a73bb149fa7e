"""Status charts drawn on the server as SVG, each with the table of the numbers it shows.

The SVG carries its own styles (no stylesheet, no script), so the same chart can go into a
PDF. A status is never told by colour alone: bars carry patterns and the status's symbol,
lines carry distinct markers and dashes, and the legend names each status in words.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from goals.models import STATUS_SYMBOLS, Status
from goals.numbers import format_number

FILLS = {Status.GREEN: "#146c43", Status.YELLOW: "#ffc107", Status.RED: "#b02a37"}
TEXT_ON = {Status.GREEN: "#fff", Status.YELLOW: "#000", Status.RED: "#fff"}
DASHES = {Status.GREEN: "", Status.YELLOW: "8 4", Status.RED: "2 3"}
INK = "#212529"
GRID = "#6c757d"
FONT = "font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
ORDER = (Status.GREEN, Status.YELLOW, Status.RED)  # bottom to top in a stacked bar

WIDTH, HEIGHT = 560, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 44, 36


@dataclass
class Chart:
    """An SVG chart and the table behind it: `headers` and `rows` of display strings."""

    id: str
    title: str
    description: str
    svg: str
    headers: list
    rows: list


def quarter_label(quarter):
    return _("%(quarter)d. kvt.") % {"quarter": quarter}


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _nice_max(value):
    """A round upper bound for a count axis with four steps: 4 -> 4, 37 -> 40, 230 -> 240."""
    step = max(1, -(-int(value) // 4))
    magnitude = 10 ** (len(str(step)) - 1)
    step = -(-step // magnitude) * magnitude
    return step * 4


def _svg(chart_id, title, description, body):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'style="max-width:{w}px;height:auto" role="img" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        body=body,
    )


def _patterns(chart_id):
    """Yellow is dotted and red hatched, so the segments differ without their colour."""
    return format_html(
        "<defs>"
        '<pattern id="{id}-p-yellow" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="{yellow}"/><circle cx="3" cy="3" r="1.1" fill="{ink}"/>'
        "</pattern>"
        '<pattern id="{id}-p-red" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="{red}"/><rect width="2" height="6" fill="#fff" '
        'fill-opacity="0.35"/></pattern>'
        "</defs>",
        id=chart_id,
        yellow=FILLS[Status.YELLOW],
        red=FILLS[Status.RED],
        ink=INK,
    )


def _fill(chart_id, status):
    if status == Status.GREEN:
        return FILLS[status]
    return f"url(#{chart_id}-p-{status})"


def _legend(chart_id, lines=False):
    items = []
    x = LEFT
    for status in ORDER:
        label = f"{STATUS_SYMBOLS[status]} {Status(status).label}"
        if lines:
            key = format_html(
                '<line x1="{x1}" y1="16" x2="{x2}" y2="16" stroke="{c}" stroke-width="2.5" '
                'stroke-dasharray="{d}"/>{marker}',
                x1=x,
                x2=x + 22,
                c=FILLS[status] if status != Status.YELLOW else INK,
                d=DASHES[status],
                marker=_marker(status, x + 11, 16),
            )
        else:
            key = format_html(
                '<rect x="{x}" y="9" width="14" height="14" fill="{f}" stroke="{ink}"/>',
                x=x,
                f=_fill(chart_id, status),
                ink=INK,
            )
        items.append(
            format_html(
                '{key}<text x="{tx}" y="21" font-size="13" fill="{ink}">{label}</text>',
                key=key,
                tx=x + (28 if lines else 19),
                ink=INK,
                label=label,
            )
        )
        x += 110
    return mark_safe("".join(items))


def _y_axis(maximum, suffix=""):
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for step in range(5):
        value = maximum * step // 4
        y = TOP + plot_h - plot_h * step / 4
        label = format_number(Decimal(value)) + suffix
        parts.append(
            format_html(
                '<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="{g}" stroke-width="0.5" '
                'stroke-dasharray="{dash}"/>'
                '<text x="{tx}" y="{ty}" font-size="12" text-anchor="end" fill="{ink}">{label}'
                "</text>",
                l=LEFT,
                r=WIDTH - RIGHT,
                y=f"{y:.1f}",
                g=GRID,
                dash="" if step == 0 else "3 3",
                tx=LEFT - 6,
                ty=f"{y + 4:.1f}",
                ink=INK,
                label=label,
            )
        )
    return mark_safe("".join(parts))


def _x_label(x, quarter):
    return format_html(
        '<text x="{x}" y="{y}" font-size="13" text-anchor="middle" fill="{ink}">{label}</text>',
        x=f"{x:.1f}",
        y=HEIGHT - BOTTOM + 20,
        ink=INK,
        label=quarter_label(quarter),
    )


def distribution_chart(totals, chart_id, title):
    """Stacked bars: per quarter, how many goals are green, yellow and red.

    `totals` is a list of {"quarter": n, "green": .., "yellow": .., "red": .., "none": ..}.
    """
    maximum = _nice_max(max([sum(t[s] for s in ORDER) for t in totals] + [1]))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(totals)
    bar_w = min(70, slot * 0.55)
    parts = [_patterns(chart_id), _legend(chart_id), _y_axis(maximum)]
    for index, total in enumerate(totals):
        x = LEFT + slot * index + (slot - bar_w) / 2
        y = TOP + plot_h
        for status in ORDER:
            count = total[status]
            if not count:
                continue
            h = plot_h * count / maximum
            y -= h
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}" stroke="{ink}" '
                    'stroke-width="1"/>',
                    x=f"{x:.1f}",
                    y=f"{y:.1f}",
                    w=f"{bar_w:.1f}",
                    h=f"{h:.1f}",
                    f=_fill(chart_id, status),
                    ink=INK,
                )
            )
            if h >= 16:
                parts.append(
                    format_html(
                        '<text x="{x}" y="{y}" font-size="12" font-weight="600" '
                        'text-anchor="middle" fill="{c}" stroke="{bg}" stroke-width="3" '
                        'paint-order="stroke">{symbol} {count}</text>',
                        x=f"{x + bar_w / 2:.1f}",
                        y=f"{y + h / 2 + 4:.1f}",
                        c=TEXT_ON[status],
                        bg=FILLS[status],
                        symbol=STATUS_SYMBOLS[status],
                        count=count,
                    )
                )
        parts.append(_x_label(LEFT + slot * index + slot / 2, total["quarter"]))
    description = "; ".join(
        _("%(quarter)s: %(green)d grønne, %(yellow)d gule, %(red)d røde")
        % {"quarter": quarter_label(t["quarter"]), **{s.value: t[s] for s in ORDER}}
        for t in totals
    )
    headers = [_("Kvartal")] + [f"{STATUS_SYMBOLS[s]} {Status(s).label}" for s in ORDER]
    headers += [_("Uden status"), _("I alt")]
    rows = [
        [quarter_label(t["quarter"])]
        + [str(t[s]) for s in ORDER]
        + [str(t["none"]), str(sum(t[s] for s in ORDER) + t["none"])]
        for t in totals
    ]
    svg = _svg(chart_id, title, description, mark_safe("".join(parts)))
    return Chart(chart_id, title, description, svg, headers, rows)


def _marker(status, x, y):
    if status == Status.GREEN:
        return format_html(
            '<circle cx="{x}" cy="{y}" r="5" fill="{f}" stroke="#fff" stroke-width="1"/>',
            x=f"{x:.1f}",
            y=f"{y:.1f}",
            f=FILLS[status],
        )
    if status == Status.YELLOW:
        return format_html(
            '<path d="M{x0} {y1} L{x} {y0} L{x2} {y1} Z" fill="{f}" stroke="{ink}"/>',
            x0=f"{x - 6:.1f}",
            x2=f"{x + 6:.1f}",
            x=f"{x:.1f}",
            y0=f"{y - 6:.1f}",
            y1=f"{y + 5:.1f}",
            f=FILLS[status],
            ink=INK,
        )
    return format_html(
        '<rect x="{x}" y="{y}" width="10" height="10" fill="{f}" stroke="#fff"/>',
        x=f"{x - 5:.1f}",
        y=f"{y - 5:.1f}",
        f=FILLS[status],
    )


def trend_chart(totals, chart_id, title):
    """Lines over the year: each status's share of the goals with a status, per quarter."""
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(totals)
    shares = []
    for total in totals:
        reported = sum(total[s] for s in ORDER)
        shares.append({s: _percent(total[s], reported) for s in ORDER})
    parts = [_legend(chart_id, lines=True), _y_axis(100, " %")]
    for index, total in enumerate(totals):
        parts.append(_x_label(LEFT + slot * index + slot / 2, total["quarter"]))
    for status in ORDER:
        points = [
            (LEFT + slot * index + slot / 2, TOP + plot_h - plot_h * float(share[status]) / 100)
            for index, share in enumerate(shares)
            if share[status] is not None
        ]
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline points="{p}" fill="none" stroke="{c}" stroke-width="2.5" '
                    'stroke-dasharray="{d}"/>',
                    p=" ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                    c=FILLS[status] if status != Status.YELLOW else INK,
                    d=DASHES[status],
                )
            )
        parts.extend(_marker(status, x, y) for x, y in points)
    description = "; ".join(
        _("%(quarter)s: %(green)s grønne, %(yellow)s gule, %(red)s røde")
        % {
            "quarter": quarter_label(t["quarter"]),
            **{s.value: _share_text(share[s]) for s in ORDER},
        }
        for t, share in zip(totals, shares, strict=True)
    )
    headers = [_("Kvartal")] + [f"{STATUS_SYMBOLS[s]} {Status(s).label}" for s in ORDER]
    rows = [
        [quarter_label(t["quarter"])] + [_share_text(share[s]) for s in ORDER]
        for t, share in zip(totals, shares, strict=True)
    ]
    svg = _svg(chart_id, title, description, mark_safe("".join(parts)))
    return Chart(chart_id, title, description, svg, headers, rows)


def _share_text(share):
    return "–" if share is None else f"{format_number(share)} %"


def legend_items():
    """The statuses with their symbols, for the legend beside tables that use them."""
    return format_html_join(
        " ",
        '<span class="status status-{}"><span aria-hidden="true">{}</span> {}</span>',
        ((s, STATUS_SYMBOLS[s], Status(s).label) for s in ORDER),
    )
