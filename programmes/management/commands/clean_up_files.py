"""Delete stored files nothing refers to any more (what the daily task does), and say what
that freed."""

from django.core.management.base import BaseCommand

from programmes.cleanup import clean_up


class Command(BaseCommand):
    help = "Deletes unreferenced PDFs and files of deleted attachments older than a grace period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=None,
            help="Keep files younger than this (default: STORAGE_CLEANUP_GRACE_HOURS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be deleted."
        )

    def handle(self, *args, grace_hours, dry_run, **options):
        freed = clean_up(grace_hours=grace_hours, dry_run=dry_run)
        verb = "Would free" if dry_run else "Freed"
        for prefix, counts in freed["folders"].items():
            self.stdout.write(f"{prefix}/: {counts['files']} files, {counts['bytes']} bytes")
        self.stdout.write(f"{verb} {freed['files']} files, {freed['bytes']} bytes.")
