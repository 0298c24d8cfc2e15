from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = _("Risk reports")

    def ready(self):
        from responsibilities import daily
        from responsibilities.notifications import register_kinds
        from risks.routing import Notice

        register_kinds(Notice)
        from risks import (
            attention,  # noqa: F401 - registers the start page's panels and the page links
            calendar,  # noqa: F401 - registers the risk reviews in the årshjul
            insets,  # noqa: F401 - registers the risk picture in the follow-up
        )
        from risks.tasks import scan_risks

        daily.register(
            "Risk reports and register reviews",
            task="risks.scan_risks",
            run=scan_risks,
            at=(6, 15),
        )
        from followup.management.commands.load_demo import EXTRA_LOADERS
        from risks import demo

        if demo.load not in EXTRA_LOADERS:
            EXTRA_LOADERS.append(demo.load)
