from django.core.management.base import BaseCommand, CommandError

from goals.models import Plan
from goals.planfile import dump_plan


class Command(BaseCommand):
    help = "Export a plan as a plan file (YAML, see docs/plan-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("institution", help="the institution's short name, e.g. ADST")
        parser.add_argument("year", type=int)
        parser.add_argument("-o", "--output", help="write to this file instead of stdout")

    def handle(self, institution, year, output=None, **options):
        try:
            plan = Plan.objects.select_related("institution", "ministry").get(
                institution__short_name=institution, year=year
            )
        except Plan.DoesNotExist:
            raise CommandError(f"Der findes ingen plan for {institution} {year}.") from None
        text = dump_plan(plan)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
