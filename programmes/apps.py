from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from programmes import (
            attention,  # noqa: F401 - registers the start page's panels
            calendar,  # noqa: F401 - registers the calendar provider
        )
        from programmes.models import ProgrammeVersion
        from programmes.public_cache import published_content_changed, version_saved
        from responsibilities.models import Municipality, OrganisationUnit

        # The cached public pages show these (programmes/public_cache.py).
        post_save.connect(version_saved, sender=ProgrammeVersion, dispatch_uid="public-pages")
        for model in (Municipality, OrganisationUnit):
            for signal in (post_save, post_delete):
                signal.connect(published_content_changed, sender=model, dispatch_uid="public-pages")
