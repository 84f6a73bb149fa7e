from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from goals.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the reference plans from fixtures/plans, a demo user for each role and "
        "quarterly follow-up for Q1-Q3 of the 2024 plans. What exists already is kept. "
        "Refused when DEBUG is off unless --on-production is given; the demo users, with an "
        "administrator among them, then get a random password, printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on-production",
            action="store_true",
            help="Load the demo although DEBUG is off, with a random password for its users.",
        )

    def handle(self, *args, on_production=False, **options):
        if settings.DEBUG:
            load_demo(out=self.stdout.write)
            return
        if not on_production:
            raise CommandError(
                "load_demo creates demo users, an administrator among them, and is meant for "
                "local use (DEBUG=1, as `make run` sets it). DEBUG is off here, so this may be "
                "a production database. To load the demo anyway, with a random password for "
                "the demo users printed once, run: manage.py load_demo --on-production"
            )
        load_demo(out=self.stdout.write, password=None)
