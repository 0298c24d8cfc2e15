"""Forms of the programme editor. Formatted text is typed in the editor's small markup."""

import zipfile

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from programmes.markup import to_html, to_markup
from programmes.models import (
    REVIEW_INTERVAL_YEARS,
    Programme,
    ProgrammeVersion,
    RelatedDocument,
    Section,
)
from programmes.references import CaseNumberFormField, validate_not_future
from responsibilities.fields import DateInput, SensibleDateField
from responsibilities.models import OrganisationUnit, Role

MARKUP_HELP = _(
    "A blank line starts a new paragraph. Start lines with “- ” for a bulleted list or “1. ” "
    "for a numbered list. **bold**, *italic*, [link text](https://address)."
)
ADOPTING_KINDS = (
    OrganisationUnit.Kind.COUNCIL,
    OrganisationUnit.Kind.EXECUTIVE_BOARD,
    OrganisationUnit.Kind.COMMITTEE,
)
# What may be uploaded as a related document: checked by the file's first bytes, not its name.
ZIP_DOCUMENTS = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}


class MarkupField(forms.CharField):
    """A textarea in the editor's markup; `cleaned_data` holds sanitised HTML."""

    widget = forms.Textarea(
        attrs={
            "rows": 8,
            "class": "markup-editor",
            # Labels for the optional toolbar of static/js/markup-toolbar.js.
            "data-toolbar-label": _("Formatting"),
            "data-toolbar-bold": _("Bold"),
            "data-toolbar-italic": _("Italic"),
            "data-toolbar-bullets": _("Bulleted list"),
            "data-toolbar-numbers": _("Numbered list"),
            "data-toolbar-link": _("Link"),
        }
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", MARKUP_HELP)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # Initial values come from the database as HTML; bound (typed) values stay as typed.
        if isinstance(value, str) and value.lstrip().startswith("<"):
            return to_markup(value)
        return value

    def clean(self, value):
        return to_html(super().clean(value))


class RevisionForm(forms.Form):
    """Carries the revision of the part the form was based on (optimistic concurrency)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MetadataForm(RevisionForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    subtitle = forms.CharField(label=_("Subtitle"), max_length=300, required=False)
    number_sections = forms.BooleanField(
        label=_("Number the sections"), required=False, help_text=_("Show “1 Background”, …")
    )

    FIELDS = ("title", "subtitle", "number_sections")


class SectionForm(RevisionForm):
    heading = forms.CharField(label=_("Heading"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of section"), choices=Section.Kind.choices)
    body = MarkupField(label=_("Text before the list"))
    closing = MarkupField(label=_("Text after the list"))

    FIELDS = ("heading", "kind", "body", "closing")


class NewSectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of section"), choices=Section.Kind.choices)
    heading = forms.CharField(label=_("Heading"), max_length=200)


class ItemForm(RevisionForm):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=Role.objects.none(),
        required=False,
        help_text=_("For responsibility clauses: the role the clause is about."),
    )

    FIELDS = ("text", "role")

    def __init__(self, *args, roles=None, with_role=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_role and roles is not None:
            self.fields["role"].queryset = roles
        else:
            del self.fields["role"]


class NewItemForm(ItemForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["revision"]


def _is_office_package(upload) -> bool:
    """An OOXML or OpenDocument package by its directory alone, refusing zip bombs: nothing is
    unpacked, the sizes the archive declares are checked instead."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if len(entries) > 10_000 or unpacked > 200 * 1024 * 1024:
                return False
            if any(
                entry.file_size > 1024 * 1024
                and entry.file_size > 200 * max(entry.compress_size, 1)
                for entry in entries
            ):
                return False
            names = {entry.filename for entry in entries}
            return "[Content_Types].xml" in names or "mimetype" in names
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    finally:
        upload.seek(0)


def validate_document_file(upload):
    """Refuse files that are too large or whose content is not a PDF or an office document."""
    limit = settings.PROGRAMMES_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is too large. The largest allowed size is %(size)s."),
            params={"size": filesizeformat(limit)},
        )
    name = upload.name.lower()
    head = upload.read(8)
    upload.seek(0)
    is_pdf = name.endswith(".pdf") and head.startswith(b"%PDF-")
    is_office = (
        any(name.endswith(ext) for ext in ZIP_DOCUMENTS)
        and head.startswith(b"PK\x03\x04")
        and _is_office_package(upload)
    )
    if not (is_pdf or is_office):
        raise forms.ValidationError(_("Upload a PDF or an office document (.docx, .xlsx, .odt …)."))


class RelatedDocumentForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("The address where the document is published, if any."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        validators=[validate_document_file],
        help_text=_("A PDF or an office document. Give either a link or a file."),
    )

    class Meta:
        model = RelatedDocument
        fields = ("title", "url", "file")
        labels = {"title": _("Title")}

    def clean(self):
        data = super().clean()
        if data.get("url") and data.get("file"):
            raise forms.ValidationError(_("Give either a link or a file, not both."))
        return data


class AdoptionRecordForm(forms.ModelForm):
    """The decision: adopting body, date, § and Dnr, validity and revision date."""

    class Meta:
        model = ProgrammeVersion
        fields = (
            "adopting_body",
            "decision_date",
            "paragraph",
            "case_number",
            "valid_from",
            "valid_until",
            "revision_due",
            "review_interval_years",
        )
        widgets = {
            "decision_date": DateInput(),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "revision_due": DateInput(),
        }
        field_classes = {
            "case_number": CaseNumberFormField,
            **dict.fromkeys(
                ("decision_date", "valid_from", "valid_until", "revision_due"), SensibleDateField
            ),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopting_body"].required = True
        self.fields["adopting_body"].queryset = OrganisationUnit.objects.filter(
            municipality=municipality, kind__in=ADOPTING_KINDS
        ).order_by("path")
        self.fields["decision_date"].required = True
        self.fields["decision_date"].validators.append(validate_not_future)
        if "review_interval_years" in self.fields:
            # Left empty, the document keeps its interval; typed, within REVIEW_INTERVAL_YEARS.
            low, high = REVIEW_INTERVAL_YEARS
            self.fields["review_interval_years"] = ProgrammeVersion._meta.get_field(
                "review_interval_years"
            ).formfield(min_value=low, max_value=high, required=False)

    def clean_review_interval_years(self):
        years = self.cleaned_data.get("review_interval_years")
        return self.instance.review_interval_years if years is None else years

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity must not come before its start."))
        return data

    def _post_clean(self):
        # The model method validates the whole version when it adopts or corrects.
        pass

    def record(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CorrectionForm(AdoptionRecordForm):
    class Meta(AdoptionRecordForm.Meta):
        fields = AdoptionRecordForm.Meta.fields[:-1]

    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Logged with your name and the time, e.g. “the minutes give § 131”."),
    )


class NewDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Programme.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address name"),
        max_length=80,
        help_text=_("Lower-case ASCII letters, digits and hyphens, e.g. “sakerhetsstrategi”."),
    )
    copy_from = forms.ModelChoiceField(
        label=_("Start from a copy of"),
        queryset=ProgrammeVersion.objects.none(),
        required=False,
        empty_label=_("Nothing: start with an empty document"),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["copy_from"].queryset = (
            ProgrammeVersion.objects.filter(programme__municipality=municipality)
            .select_related("programme")
            .order_by("title", "-number")
        )
        self.fields["copy_from"].label_from_instance = lambda v: (
            f"{v.title} ({v.get_status_display().lower()}, {v.number})"
        )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Programme.objects.filter(municipality=self.municipality, slug=slug).exists():
            raise forms.ValidationError(_("Another document already uses this address name."))
        return slug


class HistoryFilterForm(forms.Form):
    """Who and when, on the history page (Swedish parameter names, like the rest of the site)."""

    vem = forms.ChoiceField(label=_("Who"), required=False)
    fran = forms.DateField(label=_("From"), required=False, widget=DateInput())
    till = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vem"].choices = [("", _("Everyone"))] + [
            (person.username, person.get_full_name() or person.username) for person in people
        ]

    def clean(self):
        data = super().clean()
        if data.get("fran") and data.get("till") and data["till"] < data["fran"]:
            self.add_error("till", _("The end date cannot be before the start date."))
        return data
