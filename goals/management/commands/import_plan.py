from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goals.limits import PLAN_FILE_BYTES
from goals.planfile import PlanFileError, import_plan, read_plan_file
from goals.planfile.reading import read_at_most, too_large


class Command(BaseCommand):
    help = (
        "Import a plan file (YAML or JSON, see docs/plan-format.md). All or nothing: a file "
        "with any problem is rejected with every problem listed, and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="plan file(s) to import")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace an existing plan for the same institution and year",
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the file(s); write nothing"
        )

    def handle(self, *args, files, replace, check, **options):
        problems = []
        checked = []
        for name in files:
            path = Path(name)
            try:
                if path.stat().st_size > PLAN_FILE_BYTES:
                    problems.append(f"{name}: {too_large()}")
                    continue
                with path.open("rb") as handle:
                    raw = read_at_most(handle)
            except OSError as exc:
                problems.append(f"{name}: kan ikke læses: {exc.strerror}")
                continue
            except PlanFileError as exc:
                problems.extend(f"{name}: {problem}" for problem in exc.problems)
                continue
            try:
                checked.append((name, read_plan_file(raw, replace=replace)))
            except PlanFileError as exc:
                problems.extend(f"{name}: {problem}" for problem in exc.problems)
        if problems:
            raise CommandError("Planfilen blev afvist; intet er gemt.\n" + "\n".join(problems))
        for name, data in checked:
            if check:
                self.stdout.write(f"{name}: i orden")
                continue
            plan = import_plan(data)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{name}: {plan.institution.short_name} {plan.year} importeret "
                    f"({plan.goals.count()} mål)"
                )
            )
