"""XSS payloads through the main text fields; the pages (and the PDF) that render them must
carry no executable markup: no inline or foreign script, no event handler attribute, no
`javascript:` address. The payloads themselves must show as text (escaped), not vanish.
"""

import io
from html.parser import HTMLParser

import pypdf
import pytest
from django.urls import reverse

from followup.models import Report
from programmes.models import Programme, Section
from responsibilities.models import OrganisationUnit, Role, User
from tests.followup.conftest import demo_report
from tests.followup.test_report_form import (
    edit_url,
    first_open_text_question,
    form_data,
    part_key,
)

pytestmark = pytest.mark.django_db
ALE = {"municipality": "ale", "slug": "trygghet-och-sakerhet"}
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "'><svg onload=alert(1)>"
LINK = "Läs [mer här](javascript:alert(1)) och [där](JaVaScRiPt:alert(2))"
PASTED = '<p>Inklistrat <a href="javascript:alert(1)">länk</a><img src=x onerror=alert(1)></p>'
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class ExecutableMarkup(HTMLParser):
    """Collects anything in a page that a browser would run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.found.append(f"<script {attributes}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            squeezed = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(
                ("javascript:", "vbscript:", "data:")
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in {"iframe", "object", "embed", "base"}:
            self.found.append(f"<{tag}>")

    handle_startendtag = handle_starttag


def executable_markup(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    parser = ExecutableMarkup()
    parser.feed(response.content.decode())
    return parser.found


def assert_safe(response, *visible):
    assert executable_markup(response) == []
    page = response.content.decode()
    for text in visible:  # shown as text: escaped, not dropped and not interpreted
        assert text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in page or (
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&#x27;")
            in page
        ), text


def test_the_checker_finds_executable_markup():
    parser = ExecutableMarkup()
    parser.feed(
        '<script src="/static/js/a.js"></script><script>x</script><img src=x onerror=alert(1)>'
        '<a href=" JaVa\tScript:alert(1)">x</a><a href="/ok">ok</a>'
    )
    assert len(parser.found) == 3


def pdf_problems(content: bytes) -> list[str]:
    problems = [
        marker for marker in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch") if marker in content
    ]
    reader = pypdf.PdfReader(io.BytesIO(content))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            uri = str(action.get("/URI", "")).strip().lower()
            if uri.startswith(("javascript:", "data:")):
                problems.append(uri)
    return problems


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- The programme: editor, preview, public page and PDF after adoption ---


def url(name, **kwargs):
    return reverse(f"programmes:{name}", kwargs={**ALE, **kwargs})


@pytest.fixture
def chief_client(client, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    chief = User.objects.get(username="ale-sakerhetschef")
    Programme.objects.get(municipality__slug="ale", slug=ALE["slug"]).start_revision(by=chief)
    client.force_login(chief)
    return client


def test_programme_text_is_rendered_inert_everywhere(chief_client, client):
    programme = Programme.objects.get(municipality__slug="ale", slug=ALE["slug"])
    draft = programme.current_draft() if hasattr(programme, "current_draft") else None
    draft = draft or programme.versions.get(status="draft")
    title = f"Program {SCRIPT}"
    assert chief_client.post(
        url("edit_metadata"), {"title": title, "subtitle": IMG, "revision": 0}
    ).status_code in (200, 302)
    section = draft.sections.get(kind=Section.Kind.PURPOSES)
    response = chief_client.post(
        url("edit_section", pk=section.pk),
        {
            "heading": f"Syfte {IMG}",
            "kind": "purposes",
            "body": LINK,
            "closing": PASTED,
            "revision": 0,
        },
    )
    assert response.status_code == 302
    item = section.items.order_by("position").first()
    response = chief_client.post(
        url("edit_item", pk=item.pk), {"text": f"{SVG} {LINK}", "revision": 0}
    )
    assert response.status_code == 302
    response = chief_client.post(url("add_item", pk=section.pk), {"text": PASTED + SCRIPT})
    assert response.status_code == 302
    refused = chief_client.post(url("add_related"), {"title": SCRIPT, "url": "javascript:alert(1)"})
    assert refused.status_code in (200, 400)
    assert (
        chief_client.post(
            url("add_related"), {"title": f"Plan {SCRIPT}", "url": "https://example.se/plan"}
        ).status_code
        == 302
    )

    assert_safe(chief_client.get(url("edit")), SCRIPT, IMG)
    assert_safe(chief_client.get(url("edit_section", pk=section.pk)))
    assert_safe(chief_client.get(url("edit_item", pk=item.pk)))
    assert_safe(chief_client.get(url("preview")), SCRIPT, IMG, SVG)

    council = OrganisationUnit.objects.get(municipality__slug="ale", kind="council")
    response = chief_client.post(
        url("adopt"),
        {
            "adopting_body": council.pk,
            "decision_date": "2025-03-01",
            "paragraph": "§12",
            # Markup in a Dnr is refused by its validation; the § is typed with its sign.
            "case_number": "KS 2025/1",
            "revision_due": "2028-12-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert_safe(chief_client.get(url("history")))
    client.logout()  # the same client: the public pages as a visitor
    public = client.get(reverse("programmes:public_detail", kwargs=ALE))
    assert_safe(public, SCRIPT, IMG, SVG)
    assert "mer här" in public.content.decode()  # the link text stays, the address does not
    assert_safe(client.get(reverse("programmes:public_version", kwargs={**ALE, "number": 2})))
    pdf = client.get(reverse("programmes:public_pdf", kwargs=ALE))
    assert pdf.status_code == 200
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert pdf_problems(content) == []
    assert "alert(1)" in pdf_text(content)  # typed text shows as text


# --- The follow-up: report text answers, actions, the return comment ---


def test_report_text_is_rendered_inert_everywhere(client, demo):
    report = demo_report("Sektor utbildning")
    client.force_login(User.objects.get(username="ale-sektorchef"))
    question = first_open_text_question(report)
    key = part_key(question)
    data = form_data(report, key, **{f"answers-q{question.pk}": f"{SCRIPT}\n{IMG}\n{LINK}"})
    response = client.post(edit_url(report), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    data = form_data(
        report,
        "handlingsplan",
        **{"actions-0-what": f"Åtgärd {SVG} {SCRIPT}", "actions-0-due_on": ""},
    )
    response = client.post(edit_url(report), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    assert report.actions.filter(what=f"Åtgärd {SVG} {SCRIPT}").exists()
    assert_safe(client.get(edit_url(report), {"del": key}), SCRIPT, IMG)
    assert_safe(client.get(edit_url(report), {"del": "handlingsplan"}), SCRIPT, SVG)
    report_url = reverse("followup:report", kwargs={"municipality": "ale", "pk": report.pk})
    assert_safe(client.get(report_url), SCRIPT, IMG)

    submitted = demo_report("Sektor samhällsbyggnad")
    chief = User.objects.get(username="ale-sakerhetschef")
    client.force_login(chief)
    response = client.post(
        reverse("followup:report_review", kwargs={"municipality": "ale", "pk": submitted.pk}),
        {"intent": "return", "comment": f"Komplettera {SCRIPT} {IMG}"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Report.Status.RETURNED
    assert_safe(
        client.get(reverse("followup:report", kwargs={"municipality": "ale", "pk": submitted.pk})),
        SCRIPT,
    )
    assert_safe(client.get(reverse("followup:index", kwargs={"municipality": "ale"})))
    assert_safe(
        client.get(reverse("followup:cycle", kwargs={"municipality": "ale", "pk": report.cycle_id}))
    )
    client.force_login(User.objects.get(username="ale-sektorchef-2"))
    assert_safe(
        client.get(reverse("followup:report", kwargs={"municipality": "ale", "pk": submitted.pk})),
        SCRIPT,
    )
    assert_safe(client.get(reverse("start")))


# --- People and units ---


def test_people_and_unit_names_are_rendered_inert(client, demo):
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    parent = OrganisationUnit.objects.get(municipality__slug="ale", name="Sektor utbildning")
    response = client.post(
        reverse("manage:unit_create", kwargs={"municipality": "ale"}),
        {"name": f"Enhet {SCRIPT}", "short_name": "x", "kind": "unit", "parent": parent.pk},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("manage:person_create", kwargs={"municipality": "ale"}),
        {
            "first_name": f"Nina {IMG}",
            "last_name": SCRIPT,
            "email": "nina@example.org",
            "username": "ale-nina",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(username="ale-nina")
    unit = OrganisationUnit.objects.get(name=f"Enhet {SCRIPT}")
    role = Role.objects.filter(municipality__slug="ale").first()
    response = client.post(
        reverse("manage:assignment_create", kwargs={"municipality": "ale"}),
        {"person": person.pk, "role": role.pk, "unit": unit.pk, "starts_on": "2026-01-01"},
    )
    assert response.status_code in (200, 302)
    for name, kwargs in [
        ("manage:overview", {}),
        ("manage:unit_list", {}),
        ("manage:unit_edit", {"pk": unit.pk}),
        ("manage:person_list", {}),
        ("manage:person_detail", {"pk": person.pk}),
        ("manage:person_edit", {"pk": person.pk}),
        ("manage:assignment_list", {}),
        ("manage:matrix", {}),
    ]:
        assert_safe(client.get(reverse(name, kwargs={"municipality": "ale", **kwargs}))), name
    assert_safe(
        client.get(
            reverse("manage:person_detail", kwargs={"municipality": "ale", "pk": person.pk})
        ),
        SCRIPT,
    )
