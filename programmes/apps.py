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
        from programmes.cleanup import register

        register("pdf", _programme_pdfs)
        register("programmes/related", _related_documents)


def _programme_pdfs():
    from programmes import pdf

    return pdf.referenced_names()


def _related_documents():
    from programmes.models import RelatedDocument

    # The history keeps what earlier drafts linked to; those files stay with it.
    rows = RelatedDocument.objects.exclude(file="").values_list("file", flat=True)
    history = RelatedDocument.history.exclude(file="").values_list("file", flat=True)
    return [*rows.iterator(), *history.iterator()]
