"""The report form's answer and reply fields (and the dashboard's board form), written here
rather than through Django's widget templates: a template render per field (with an include
for its attributes) cost more than the rest of a part (issue 16). The markup is the one
Django's templates (and _field.html) write for these widgets (tests/followup/
test_report_form_fields.py compares them); any other widget, or a form with a renderer of
its own, is rendered by Django as before."""

import functools

from django import template
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()

FIELD = "_field.html"
COMMENTS = "followup/_review_comments.html"
TEXTAREA = "django/forms/widgets/textarea.html"
# Django's input templates (each includes input.html); the renderer strips what they write.
INPUTS = {
    "django/forms/widgets/input.html",
    "django/forms/widgets/text.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/date.html",
}


def _attributes(attrs: dict) -> SafeString:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False,
    each escaped as the template escapes it."""
    return mark_safe(  # noqa: S308 - every name and value escaped here
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


@register.filter
def widget_html(bound):
    """`{{ bound }}` (BoundField.as_widget) for a textarea or an input."""
    widget = bound.field.widget
    template_name = widget.template_name
    written = template_name == TEXTAREA or template_name in INPUTS
    if not written or type(bound.form.renderer) is not DjangoTemplates or bound.field.localize:
        return str(bound)
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    value = context["value"]
    if template_name == TEXTAREA:
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            context["name"],
            _attributes(context["attrs"]),
            value if value else "",
        )
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attributes(context["attrs"]),
    )


@register.filter
def choice_inputs(bound):
    """A radio group's options (a scale or yes/no question), as Django's RadioSelect writes
    them (test_report_form.py compares them): written by a template loop, a node per option
    and attribute, they were the costliest part of a form's part."""
    value = bound.value()
    value = "" if value is None else value
    name, id_ = conditional_escape(bound.html_name), conditional_escape(bound.auto_id)
    invalid = ' aria-invalid="true"' if bound.errors else ""
    options = "".join(
        f'<div class="choice"><input type="radio" name="{name}" '
        f'value="{conditional_escape(option)}" id="{id_}_{counter}"{invalid}'
        f"{' checked' if option == value else ''}> "
        f'<label for="{id_}_{counter}">{conditional_escape(label)}</label></div>'
        for counter, (option, label) in enumerate(bound.field.choices)
    )
    return mark_safe(f'<div class="choices">{options}</div>')  # noqa: S308 - escaped above


@register.filter
def field_html(bound):
    """`{% include "_field.html" with field=bound %}` for a field without errors (as an unbound
    form's are), its widget by widget_html(); a field with errors through the template."""
    if bound.errors:
        return render_to_string(FIELD, {"field": bound})
    required = ' <span class="required" aria-hidden="true">*</span>' if bound.field.required else ""
    help_text = ""
    if bound.help_text:
        help_text = format_html(
            '<div class="help" id="{}_helptext">{}</div>', bound.auto_id, bound.help_text
        )
    return format_html(
        '<div class="field">\n  <label for="{}">{}{}</label>\n  {}\n  \n  {}\n</div>\n',
        bound.id_for_label,
        bound.label,
        mark_safe(required),  # noqa: S308 - a constant
        help_text,
        widget_html(bound),
    )


@register.simple_tag(takes_context=True)
def question_field(context, question, bound, comments=()):
    """One question of a form's part: its field with label, help, errors and the review's
    comments. Written here, not by an include per question with a tag per attribute (a
    third of the part's time); the markup is the one the include wrote."""
    errors = bound.errors
    auto_id = conditional_escape(bound.auto_id)
    help_text = ""
    if bound.help_text:
        help_text = (
            f'<p class="help" id="{auto_id}_helptext">{conditional_escape(bound.help_text)}</p>'
        )
    listed = ""
    if errors:
        items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
        listed = f'<ul class="errorlist" id="{auto_id}_error">{items}</ul>'
    label = conditional_escape(bound.label)
    if question.required:
        required = conditional_escape(_("(required to submit)"))
        label += (
            ' <span class="required" aria-hidden="true">*</span>'
            f'<span class="visually-hidden">{required}</span>'
        )
    remarks = ""
    if comments:
        with context.push(comments=comments):
            remarks = context.template.engine.get_template(COMMENTS).render(context)
    error_class = " field-error" if errors else ""
    if question.answer_type in ("scale", "yes_no"):
        described = []
        if bound.help_text:
            described.append(f"{auto_id}_helptext")
        if errors:
            described.append(f"{auto_id}_error")
        described = f' aria-describedby="{" ".join(described)}"' if described else ""
        html = (
            f'\n\n<fieldset class="field question{error_class}" id="question-{question.pk}"'
            f"{described}>\n  <legend>{label}</legend>\n  {help_text}\n  {listed}\n"
            f"  {choice_inputs(bound)}\n  {remarks}\n</fieldset>\n\n\n"
        )
    else:
        html = (
            f'\n\n<div class="field question{error_class}" id="question-{question.pk}">\n'
            f'  <label for="{conditional_escape(bound.id_for_label)}">{label}</label>\n'
            f"  {help_text}\n  {listed}\n  {widget_html(bound)}\n  {remarks}\n</div>\n\n\n"
        )
    return mark_safe(html)  # noqa: S308 - every value above is escaped


def _counted(singular: str, plural: str, count: int) -> str:
    """What `{% blocktranslate count counter=count %}` writes."""
    return ngettext(singular, plural, count) % {"counter": localize(count)}


@register.filter
def part_counts(part) -> str:
    """A part's counts in the list of parts (the strings the template's blocktranslates
    wrote), once per part without a template tag per count."""
    return _part_counts(
        get_language(), part.kind, part.answered, part.total, part.missing, part.comments
    )


# The same few counts on every form: each text translated and localized once per language.
@functools.lru_cache(maxsize=1024)
def _part_counts(language, kind, answered, total, missing, comments) -> str:
    if kind == "questions":
        text = _("%(answered)s of %(total)s answered") % {
            "answered": localize(answered),
            "total": localize(total),
        }
        if missing:
            required = _counted(
                "%(counter)s required missing", "%(counter)s required missing", missing
            )
            text += f", <strong>{required}</strong>"
    elif kind == "actions":
        text = _counted("%(counter)s action", "%(counter)s actions", total)
        if missing:
            undated = _counted(
                "%(counter)s without a due date", "%(counter)s without a due date", missing
            )
            text += f", <strong>{undated}</strong>"
    else:
        text = _counted("%(counter)s file", "%(counter)s files", total)
    if comments:
        commented = _counted(
            "%(counter)s comment from the security chief",
            "%(counter)s comments from the security chief",
            comments,
        )
        text += f", <strong>{commented}</strong>"
    # Safe: translations of the project's own strings (as blocktranslate writes them,
    # unescaped) and localized numbers.
    return mark_safe(text)  # noqa: S308
