import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from goals import services
from goals.forms import FiguresUploadForm
from goals.limits import PLAN_FILE_BYTES
from goals.permissions import REPORT, has_right
from goals.planfile.reading import too_large
from goals.workbook import FiguresFileError, import_figures, open_workbook, read_about


class Command(BaseCommand):
    help = (
        "Read a filled-in figures workbook and save it as the quarter's draft, as the user "
        "given; all or nothing (see docs/figures-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the filled-in .xlsx file")
        parser.add_argument("--user", required=True, help="the reporter who enters the figures")

    def handle(self, file, user, **options):
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"Der findes ingen aktiv bruger {user}.")
        try:
            with open(file, "rb") as handle:
                if os.fstat(handle.fileno()).st_size > PLAN_FILE_BYTES:
                    raise CommandError(f"{file}: {too_large()} Intet er gemt.")
                raw = handle.read(PLAN_FILE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        refusal = FiguresUploadForm.refusal(raw)
        if refusal:
            raise CommandError(f"{file}: {refusal} Intet er gemt.")
        try:
            plan, quarter, _version = read_about(open_workbook(raw))
            if not has_right(account, plan, REPORT):
                raise CommandError(f"{user} må ikke indberette for {plan}.")
            result = import_figures(raw, user=account)
        except FiguresFileError as exc:
            lines = "\n".join(f"{file}: {problem}" for problem in exc.problems)
            raise CommandError(f"{lines}\n{file}: intet er gemt.") from exc
        except services.ServiceError as exc:
            raise CommandError(f"{file}: {exc.message} Intet er gemt.") from exc
        self.stdout.write(
            f"{result.plan}, {result.quarter}. kvartal: gemt som kladde "
            f"({result.changed} værdier ændret)."
        )
