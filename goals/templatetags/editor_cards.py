"""The plan editor's cards, written in Python: a large plan's editor shows hundreds of them,
and a template included once per card cost most of the page's time (bench/plan_year.py).

`{% edit_card card %}` gives the markup a card has always had: the part's label and heading,
its tools (edit in place, up/down, delete or why it cannot be deleted), what it still lacks,
and its values as a reader sees them. Every text is escaped (`html.escape`, quotes too).
"""

from html import escape

from django import template
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _page_parts(context):
    """What every card of the page shares, made once per page: the CSRF field and the words."""
    cached = context.get("_edit_card_parts")
    if cached is None:
        request = context.get("request")
        token = get_token(request) if request is not None else str(context.get("csrf_token", ""))
        cached = {
            "csrf": f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">',
            "edit": escape(_("Rediger")),
            "up": escape(_("Op")),
            "down": escape(_("Ned")),
            "delete": escape(_("Slet")),
            "drag": escape(_("Træk for at flytte")),
            "lacks": escape(_("Mangler")),
        }
        context.dicts[0]["_edit_card_parts"] = cached
    return cached


def _move_form(url, direction, label, disabled, csrf, named):
    return (
        f'<form method="post" action="{url}" hx-post="{url}" hx-target="#editor-body" '
        f'hx-swap="outerHTML">{csrf}<input type="hidden" name="direction" value="{direction}">'
        f'<button class="btn btn-outline-secondary btn-sm" type="submit"'
        f"{' disabled' if disabled else ''}>{label}"
        f'<span class="visually-hidden">: {named}</span></button></form>'
    )


@register.simple_tag(takes_context=True)
def edit_card(context, card):
    words = _page_parts(context)
    label, heading = escape(str(card.label)), escape(str(card.heading))
    named = f"{label} {heading}"
    card_id = escape(card.id)
    tools = handle = ""
    if card.editable:
        edit_url = escape(card.edit_url)
        parts = [
            f'<a class="btn btn-outline-primary btn-sm" href="{edit_url}" hx-get="{edit_url}" '
            f'hx-target="#{card_id}" hx-swap="outerHTML">{words["edit"]}'
            f'<span class="visually-hidden">: {named}</span></a>'
        ]
        if card.movable:
            move_url = escape(card.move_url)
            csrf = words["csrf"]
            parts.append(_move_form(move_url, "up", words["up"], card.first, csrf, named))
            parts.append(_move_form(move_url, "down", words["down"], card.last, csrf, named))
            handle = (
                f'<span class="drag-handle" draggable="true" title="{words["drag"]}" '
                f'aria-hidden="true">⠿</span>'
            )
        if card.deletable:
            if card.refused:
                parts.append(
                    '<span class="small text-body-secondary align-self-center edit-refused">'
                    f"{escape(str(card.refused))}</span>"
                )
            else:
                parts.append(
                    f'<a class="btn btn-outline-danger btn-sm" href="{escape(card.delete_url)}">'
                    f'{words["delete"]}<span class="visually-hidden">: {named}</span></a>'
                )
        tools = f'<div class="d-flex flex-wrap gap-1 edit-tools">{"".join(parts)}</div>'
    warning = (
        f'<p class="small mb-1 edit-warning"><span aria-hidden="true">! </span>'
        f"<strong>{words['lacks']}:</strong> {escape(str(card.warning))}</p>"
        if card.warning
        else ""
    )
    shown = ""
    if card.shown:
        rows = "".join(
            f'<dt class="col-sm-4">{escape(str(name))}</dt>'
            f'<dd class="col-sm-8 pre-line mb-1">{escape(str(text))}</dd>'
            for name, text in card.shown
        )
        shown = f'<dl class="row small mb-0 edit-values">{rows}</dl>'
    return mark_safe(
        f'<div class="card mb-2 edit-card edit-card-{escape(card.level)}" id="{card_id}">'
        '<div class="card-body p-2"><div class="d-flex flex-wrap align-items-start gap-2">'
        f'{handle}<p class="mb-1 flex-grow-1 edit-heading">'
        f'<span class="badge text-bg-light border">{label}</span> <strong>{heading}</strong></p>'
        f"{tools}</div>{warning}{shown}</div></div>"
    )
