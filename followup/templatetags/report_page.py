"""The report page's answers, written here rather than by template tags per question: some
thirty questions, each with its answer, changes, comments and the reviewer's field, cost more
in tags and lookups than the whole page may (issue 16). The markup is the one the template
wrote; each fixed text is translated once per page, every value escaped as a template would."""

import functools

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from followup.templatetags.dashboard import esc

register = template.Library()


def _day(value) -> str:
    """{{ value|date:"Y-m-d" }}: in the current time zone, as the filter shows it."""
    return esc(date_filter(template_localtime(value), "Y-m-d"))


class AnswerTexts:
    """The page's fixed texts, translated once per language (texts_in())."""

    def __init__(self):
        self.not_answered = f'<span class="meta">{_("Not answered")}</span>'
        self.reworded = _(
            "The question has been changed since this answer. It now reads: “%(wording)s”"
        )
        self.changed = _("Changed since the previous submission.")
        self.before = _("Before:")
        self.comment_from = _("Comment from the security chief")
        self.round = _("return %(round)s, %(date)s")
        self.reply = _("The unit's reply")
        self.comment_on = _("Comment on the answer")
        self.general = esc(_("General questions"))


@functools.lru_cache(maxsize=8)
def texts_in(language: str) -> AnswerTexts:
    # Built per area, the texts were eight translations six times a page.
    return AnswerTexts()


def _comment(comment, texts) -> str:
    author = f", {esc(comment.author)}" if comment.author else ""
    when = texts.round % {"round": esc(comment.round), "date": _day(comment.created_at)}
    reply = ""
    if comment.reply:
        replied = ""
        if comment.replied_at:
            by = f", {esc(comment.replied_by)}" if comment.replied_by else ""
            replied = f' <span class="meta">({_day(comment.replied_at)}{by})</span>'
        reply = (
            f'<div class="review-reply"><p><strong>{texts.reply}</strong>{replied}</p>'
            f'<p class="pre-line">{esc(comment.reply)}</p></div>'
        )
    return (
        f'<div class="review-comment" id="comment-{comment.pk}">'
        f'<p><strong>{texts.comment_from}</strong> <span class="meta">({when}{author})</span></p>'
        f'<p class="pre-line">{esc(comment.body)}</p>{reply}</div>'
    )


def _review_field(field, wording, texts) -> str:
    errors = ""
    invalid = ""
    if field.errors:
        listed = "".join(f"<li>{esc(error)}</li>" for error in field.errors)
        errors = f'<ul class="errorlist" id="{esc(field.id)}_error">{listed}</ul>'
        invalid = f' aria-invalid="true" aria-describedby="{esc(field.id)}_error"'
    hidden = f'<span class="visually-hidden">: {wording}</span>'
    return (
        f'<details class="review-field form"{" open" if field.value or field.errors else ""}>'
        f"<summary>{texts.comment_on}{hidden}</summary>"
        f'<div class="field{" field-error" if field.errors else ""}">'
        f'<label for="{esc(field.id)}">{esc(field.label)}{hidden}</label>{errors}'
        f'<textarea name="{esc(field.name)}" id="{esc(field.id)}" rows="3" '
        f'maxlength="{esc(field.max_length)}" form="review-form"{invalid}>{esc(field.value)}'
        "</textarea></div></details>"
    )


def _item(item, reviewer, texts) -> str:
    wording = esc(item.wording)
    shown = esc(item.answer.display_value) if item.is_answered else texts.not_answered
    parts = [
        f'<div id="answer-{item.question.pk}"><dt>{wording}</dt>'
        f'<dd><span class="pre-line">{shown}</span>'
    ]
    if item.reworded and reviewer:
        parts.append(f'<p class="meta">{texts.reworded % {"wording": esc(item.question.text)}}</p>')
    if item.change:
        before = item.change[0]
        was = f'<del class="pre-line">{esc(before)}</del>' if before else texts.not_answered
        parts.append(
            f'<p class="answer-changed"><strong>{texts.changed}</strong> {texts.before} {was}</p>'
        )
    parts.extend(_comment(comment, texts) for comment in item.comments)
    if item.review_field:
        parts.append(_review_field(item.review_field, wording, texts))
    parts.append("</dd></div>")
    return "".join(parts)


def _area(area, items, reviewer, texts) -> str:
    if area:
        heading = f'<h2 id="area-{area.pk}">{esc(area.text)}</h2>'
    else:
        heading = f'<h2 id="area-general">{texts.general}</h2>'
    rows = "".join(_item(item, reviewer, texts) for item in items)
    return (
        f'\n<section class="report-area">\n  {heading}\n  <dl class="answers">\n    {rows}\n'
        "  </dl>\n</section>\n"
    )


@register.simple_tag
def answer_areas(groups, reviewer):
    """Each area's section: its heading and its questions as <div><dt>…</dt><dd>…</dd></div>
    rows of a <dl>."""
    texts = texts_in(get_language())
    return mark_safe("".join(_area(area, items, reviewer, texts) for area, items in groups))  # noqa: S308 - every value above is escaped
