from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = _("Risk reports")

    def ready(self):
        from followup.management.commands.run_daily_scan import EXTRA_STEPS
        from risks import (
            attention,  # noqa: F401 - registers the start page's panels and the page links
            insets,  # noqa: F401 - registers the risk picture in the follow-up
        )
        from risks.tasks import scan_risks

        step = ("Risk reports checked", scan_risks)
        if step not in EXTRA_STEPS:
            EXTRA_STEPS.append(step)
        from followup.management.commands.load_demo import EXTRA_LOADERS
        from risks import demo

        if demo.load not in EXTRA_LOADERS:
            EXTRA_LOADERS.append(demo.load)
