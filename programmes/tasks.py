from celery import shared_task
from django.conf import settings

from programmes.pdf import render_version, versions_for_pdf
from programmes.revision import scan_revisions


@shared_task(name="programmes.scan_revisions")
def scan_revisions_task() -> int:
    """Daily: flag versions whose revision is due within the warning window or overdue."""
    return scan_revisions()


@shared_task(name="programmes.render_programme_pdf")
def render_programme_pdf(version_id: int) -> None:
    """Warm the PDF cache for a version in every language, e.g. on adoption (enqueue with
    `render_programme_pdf.delay_on_commit(version.pk)`). Safe to run twice: a PDF whose content
    is already on disk is not rendered again."""
    version = versions_for_pdf().filter(pk=version_id).first()
    if version is None:
        return
    for language, _name in settings.LANGUAGES:
        render_version(version, language=language)


# It renders every version's print HTML to know which PDFs are current: allow it an hour.
@shared_task(name="programmes.clean_up_files", time_limit=3600, soft_time_limit=3540)
def clean_up_files() -> dict:
    """Daily: delete stored files no row refers to any more, after the grace period. Safe to
    run twice or from two schedulers at once: a file already gone is skipped."""
    from programmes.cleanup import clean_up

    return clean_up()
