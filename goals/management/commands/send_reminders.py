from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from goals.notifications import deliver, due_reminders, record_reminders


class Command(BaseCommand):
    help = (
        "Remind institutions' reporters of quarters not yet submitted: when the deadline is "
        "REMINDER_DAYS days away (default 7 and 1) and once when it has passed (up to 14 days "
        "after). Then sends every e-mail not yet sent, these and any a failed send left. "
        "Run it daily (docs/operations.md); running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the reminders that are due, record and send nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        due = due_reminders(today) if dry_run else record_reminders(today=today)
        for item in due:
            if item.days_left < 0:
                when = f"frist {item.deadline:%d.%m.%Y} overskredet"
            else:
                days = "1 dag" if item.days_left == 1 else f"{item.days_left} dage"
                when = f"frist {item.deadline:%d.%m.%Y} om {days}"
            names = ", ".join(user.email for user in item.recipients)
            self.stdout.write(
                f"{'Ville minde' if dry_run else 'Påmindelse'}: {item.plan} "
                f"{item.quarter}. kvartal, {when}: {names}"
            )
        if not due:
            self.stdout.write(
                f"Ingen påmindelser i dag ({today:%d.%m.%Y}; dage: "
                f"{', '.join(map(str, settings.REMINDER_DAYS))})."
            )
        if dry_run:
            return
        result = deliver()
        self.stdout.write(f"Sendt: {len(result.sent)} e-mails.")
        if apps.is_installed("people"):
            # Invitations a failed send left (the people app builds on this one, so it is
            # asked for by name rather than imported at the top).
            from people.invitations import deliver_invitations

            invitations = deliver_invitations()
            self.stdout.write(f"Sendt: {len(invitations.sent)} invitationer.")
            if invitations.failed:
                self.stderr.write(
                    f"Ikke sendt: {len(invitations.failed)} invitationer; de forsøges igen "
                    "ved næste kørsel (se loggen)."
                )
        if result.failed or result.left:
            self.stderr.write(
                f"Ikke sendt: {len(result.failed) + result.left} e-mails; de forsøges igen "
                "ved næste kørsel (se loggen)."
            )
