from django.core.management.base import BaseCommand, CommandError

from goals.models import Plan
from goals.workbook import figures_workbook


class Command(BaseCommand):
    help = "Write a quarter's figures as a workbook to fill in (see docs/figures-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("institution", help="the institution's short name, e.g. ADST")
        parser.add_argument("year", type=int)
        parser.add_argument("quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, institution, year, quarter, output, **options):
        plan = (
            Plan.objects.select_related("institution", "ministry")
            .filter(institution__short_name=institution, year=year)
            .first()
        )
        if plan is None:
            raise CommandError(f"Der findes ingen plan for {institution} {year}.")
        with open(output, "wb") as handle:
            handle.write(figures_workbook(plan, quarter))
        self.stdout.write(f"{plan}, {quarter}. kvartal: skrevet til {output}")
