"""Run every daily scan now, as beat would at night, and send the digests (for demonstration
and for operators catching up after downtime). Safe to run repeatedly."""

from django.core.management.base import BaseCommand

from followup import reminders
from programmes.revision import scan_revisions
from responsibilities.access import end_expired_assignments
from responsibilities.deadlines import notify_yearly_deadlines
from responsibilities.notifications import collect_digests
from responsibilities.tasks import send_digest


class Command(BaseCommand):
    help = "Runs the daily scans (assignments, revisions, yearly dates, follow-up) and digests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-email", action="store_true", help="Create notifications but send no digest."
        )

    def handle(self, *args, no_email=False, **options):
        steps = [
            ("Open cycles announced", reminders.announce_open_cycles),
            ("Expired assignments ended", end_expired_assignments),
            ("Documents due for revision", scan_revisions),
            ("Yearly-date reminders", notify_yearly_deadlines),
            ("Follow-up reports checked", reminders.scan_reports),
            ("Actions checked", reminders.scan_actions),
        ]
        for label, step in steps:
            self.stdout.write(f"{label}: {step()}")
        if no_email:
            return
        sent = sum(1 for digest_id in collect_digests() if send_digest(digest_id))
        self.stdout.write(self.style.SUCCESS(f"Digest e-mails sent: {sent}"))
