"""Load the demo municipalities, organisation, people and documents, follow-ups. Safe to rerun."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from followup import demo as followup_demo
from programmes import demo as programme_demo
from responsibilities import demo as responsibility_demo
from responsibilities.sso import demo as sso_demo

# Loaders (municipalities -> None) of apps above this one, added in their AppConfig.ready().
EXTRA_LOADERS: list = []


class Command(BaseCommand):
    help = "Loads Ale and Kalix with demo units, people and documents (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even in production (demo users have the password 'demo').",
        )

    def handle(self, *args, force=False, **options):
        if not (settings.LOCAL or settings.DEBUG) and not force:
            raise CommandError(
                "Refusing to load demo data in production (DJANGO_ENV is not local): its users "
                "have the password 'demo'. Pass --force if this really is a demo installation."
            )
        with transaction.atomic():
            municipalities = responsibility_demo.load()
            sso_demo.load(municipalities)
            programme_demo.load(municipalities)
            followup_demo.load(municipalities)
            for load in EXTRA_LOADERS:
                load(municipalities)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
