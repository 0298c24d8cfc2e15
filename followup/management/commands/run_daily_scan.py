"""Run every registered daily job now, in the order of the day, as beat would at night, then
whatever the outbox still owes (for demonstration and for operators catching up after
downtime). Safe to run repeatedly."""

from django.core.management.base import BaseCommand

from responsibilities import daily, outbox


class Command(BaseCommand):
    help = "Runs the daily jobs every app registers (assignments, revisions, follow-up, digests)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-email", action="store_true", help="Create notifications but send no digest."
        )

    def handle(self, *args, no_email=False, **options):
        for job in daily.jobs():
            if no_email and job.sends_email:
                continue
            self.stdout.write(f"{job.name}: {job.run()}")
        if no_email:
            return
        # Everything owed and not picked up (e-mails, PDFs, digests), run here and now.
        self.stdout.write(self.style.SUCCESS(f"Queued tasks run: {outbox.sweep(inline=True)}"))
