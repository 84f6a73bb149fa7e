from django.core.management.base import BaseCommand

from goals.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the reference plans from fixtures/plans, a demo user for each role and "
        "quarterly follow-up for Q1-Q3 of the 2024 plans. What exists already is kept."
    )

    def handle(self, *args, **options):
        load_demo(out=self.stdout.write)
