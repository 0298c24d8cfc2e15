from celery import shared_task
from django.conf import settings

from programmes.pdf import render_version, versions_for_pdf
from programmes.revision import scan_revisions
from responsibilities import outbox

RENDER_TASK = "programmes.render_programme_pdf"


@shared_task(name="programmes.scan_revisions")
def scan_revisions_task() -> int:
    """Daily: flag versions whose revision is due within the warning window or overdue."""
    return scan_revisions()


@shared_task(name=RENDER_TASK)
def render_programme_pdf(version_id: int, language: str | None = None) -> None:
    """Render a version's PDF in one language (or every language, e.g. on adoption). Queued
    through the outbox (programmes.pdf_views, ProgrammeVersion.adopt). Safe to run twice: a
    PDF whose content is already on disk is not rendered again, and concurrent workers wait
    for one render (programmes.pdf.content_lock)."""
    version = versions_for_pdf().filter(pk=version_id).first()
    if version is None:
        return
    languages = [language] if language else [code for code, _name in settings.LANGUAGES]
    for code in languages:
        render_version(version, language=code)


def queue_render(version_id: int, language: str | None = None):
    """Owe the rendering, in the caller's transaction (see responsibilities.outbox)."""
    key = f"programme_pdf:{version_id}:{language or 'all'}"
    args = (version_id, language) if language else (version_id,)
    return outbox.enqueue(RENDER_TASK, *args, key=key)


# It renders every version's print HTML to know which PDFs are current: allow it an hour.
@shared_task(name="programmes.clean_up_files", time_limit=3600, soft_time_limit=3540)
def clean_up_files() -> dict:
    """Daily: delete stored files no row refers to any more, after the grace period. Safe to
    run twice or from two schedulers at once: a file already gone is skipped."""
    from programmes.cleanup import clean_up

    return clean_up()
