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
        from programmes.revision import Notice, scan_revisions
        from responsibilities import daily
        from responsibilities.notifications import register_kinds

        register_kinds(Notice)

        daily.register(
            "Revision deadlines", task="programmes.scan_revisions", run=scan_revisions, at=(6, 5)
        )
        from programmes.cleanup import register
        from programmes.tasks import clean_up_files

        register("pdf", _programme_pdfs)
        register("programmes/related", _related_documents)
        daily.register(
            "Clean up stored files",
            task="programmes.clean_up_files",
            run=clean_up_files,
            at=(3, 40),
        )
        from programmes.models import ProgrammeVersion
        from programmes.public_cache import published_content_changed, version_saved
        from responsibilities.models import Municipality, OrganisationUnit

        # The cached public pages show these (programmes/public_cache.py).
        post_save.connect(version_saved, sender=ProgrammeVersion, dispatch_uid="public-pages")
        for model in (Municipality, OrganisationUnit):
            for signal in (post_save, post_delete):
                signal.connect(published_content_changed, sender=model, dispatch_uid="public-pages")


def _programme_pdfs():
    from programmes import pdf

    return pdf.referenced_names()


def _related_documents():
    from programmes.models import RelatedDocument

    # The history keeps what earlier drafts linked to; those files stay with it.
    rows = RelatedDocument.objects.exclude(file="").values_list("file", flat=True)
    history = RelatedDocument.history.exclude(file="").values_list("file", flat=True)
    return [*rows.iterator(), *history.iterator()]
