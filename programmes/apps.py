from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
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


def _programme_pdfs():
    from programmes import pdf

    return pdf.referenced_names()


def _related_documents():
    from programmes.models import RelatedDocument

    # The history keeps what earlier drafts linked to; those files stay with it.
    rows = RelatedDocument.objects.exclude(file="").values_list("file", flat=True)
    history = RelatedDocument.history.exclude(file="").values_list("file", flat=True)
    return [*rows.iterator(), *history.iterator()]
