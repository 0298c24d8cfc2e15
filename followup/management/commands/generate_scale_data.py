"""Generate the large benchmark data set (bench/scale.py, a benchmark tool)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import scale


class Command(BaseCommand):
    help = (
        "Generates a large deterministic data set for benchmarks: municipalities with units, "
        "people, permissions, an adopted programme and years of follow-up reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, default=290)
        parser.add_argument("--years", type=int, default=10, help="Follow-up cycles per programme.")
        parser.add_argument("--units-per-sector", type=int, default=8)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--prefix",
            default=scale.SLUG_PREFIX,
            help="Start of the municipalities' web address names and of the usernames.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Generate even when DJANGO_DEBUG is false (its users share one password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to generate benchmark data with DJANGO_DEBUG=false: its users share "
                "a known password. Pass --force if this really is a benchmark database."
            )
        if options["municipalities"] < 1 or options["years"] < 1:
            raise CommandError("--municipalities and --years must be at least 1.")
        prefix = options["prefix"]
        if not prefix or not prefix.isascii() or not prefix.replace("-", "").isalpha():
            raise CommandError("--prefix takes lower-case ASCII letters and hyphens, e.g. skala-.")
        if scale.already_generated(prefix):
            raise CommandError(
                f"Benchmark data exists already (municipalities “{prefix}…”): generate into an "
                "empty database or choose another --prefix."
            )
        start = time.perf_counter()
        counts = scale.generate(
            scale.Options(
                municipalities=options["municipalities"],
                years=options["years"],
                units_per_sector=options["units_per_sector"],
                seed=options["seed"],
                prefix=prefix.lower(),
            )
        )
        seconds = time.perf_counter() - start
        if options["verbosity"] >= 1:
            for label, n in counts.items():
                self.stdout.write(f"{label:40} {n:>10}")
            self.stdout.write(
                self.style.SUCCESS(f"Generated {sum(counts.values())} rows in {seconds:.1f} s.")
            )
