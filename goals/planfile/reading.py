"""Reading a plan file's bytes into plain data: UTF-8, YAML (or JSON), and numbers as people
write them."""

from decimal import Decimal, InvalidOperation

import yaml
from django.utils.translation import gettext as _

from goals.planfile.problems import PlanFileError, Problem


def parse_plan_text(raw):
    """Decode and parse a plan file's bytes; raise PlanFileError if that is not possible."""
    if isinstance(raw, bytes):
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanFileError(
                [
                    Problem(
                        "",
                        _(
                            "filen er ikke UTF-8 (ugyldig byte ved position %(pos)d). "
                            "Gem den som UTF-8 og prøv igen."
                        )
                        % {"pos": exc.start},
                    )
                ]
            ) from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _("linje %(line)d, kolonne %(col)d")
            % {
                "line": mark.line + 1,
                "col": mark.column + 1,
            }
            if mark
            else ""
        )
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanFileError(
            [
                Problem(
                    where, _("filen er ikke gyldig YAML/JSON: %(problem)s") % {"problem": problem}
                )
            ]
        ) from exc
    if not isinstance(data, dict):
        raise PlanFileError([Problem("", _("filen skal indeholde en plan (en YAML-mapping)."))])
    return data


def to_decimal(value):
    """A number from a plan file: 95, 4.0, "95,5", "13,75", "1.000,5"; None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None
